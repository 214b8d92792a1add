// TunnelHealth: whether each tunnel may carry traffic, decided from its health inputs, on the
// control-plane thread. A tunnel is up only while every input it has is ok:
//
//   admin         it is not shut down (`shutdown` drains a tunnel: down, SAs kept)
//   keys          it has an active outbound SA and an inbound SA (negotiated by IKE, whose SAs
//                 go when the IKE SA or DPD fails, or keyed by hand)
//   health-check  ICMP echo requests (or UDP datagrams to a port) from a source to a
//                 destination address, sent every interval through the tunnel's own interface
//                 (a socket bound to it, so the probe takes the tunnel whatever the routing
//                 table says); failed once nothing has answered for interval x retries (the
//                 detection time, as BFD counts it), ok again at the first answer
//   bfd           where the tunnel has `bfd`, the BFD session between its inside addresses is Up
//   bgp           where BGP runs over the tunnel (a configured neighbor in its inside prefix),
//                 the session is Established
//
// The Gateway is told of every transition (and of a tunnel's first state) and holds the
// tunnel's interface down in the RIB while it is down: its connected prefix, the static and VPN
// routes through it and the BGP routes whose next-hops resolve through it all leave the RIB at
// once, and the kernel FIB in one batch. Every input keeps the time of its last change and its
// reason, so `show tunnel` can say which one took a tunnel down and when.
//
// No protobuf here: the Gateway converts the views below for the API.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/ip.h"

namespace vgw::routing {

struct HealthCheckSpec {
  IpAddress source;       // an address of this host (by default the tunnel's inside address)
  IpAddress destination;  // what answers (by default the peer's inside address)
  std::chrono::milliseconds interval{1000};
  uint32_t retries = 3;
  // 0: ICMP echo. Else UDP datagrams to this port: a datagram back (an echo service) or the
  // destination's ICMP port unreachable (a closed port) is an answer.
  uint16_t udp_port = 0;
  friend bool operator==(const HealthCheckSpec&, const HealthCheckSpec&) = default;
};

struct HealthInputView {
  std::string name;    // "keys", "health-check", "bgp"
  bool ok = false;
  std::string detail;  // why it is not ok (or what it last saw)
  int64_t since_unix_ms = 0;
};

struct HealthView {
  bool up = false;
  std::string reason;  // the failing input and its detail, empty when up
  int64_t since_unix_ms = 0;
  uint32_t transitions = 0;  // up <-> down changes since the tunnel appeared
  std::vector<HealthInputView> inputs;
  // The health check's probes, when the tunnel has one.
  bool probing = false;
  uint64_t probes_sent = 0;
  uint64_t probes_answered = 0;
  int64_t last_rtt_us = -1;  // -1: none answered yet
};

struct HealthChange {
  std::string tunnel;
  std::string interface_name;
  bool up = false;
  std::string reason;
  bool first = false;  // the tunnel's first state, not a transition
};

class TunnelHealth {
 public:
  using ChangeFn = std::function<void(const HealthChange&)>;
  TunnelHealth(boost::asio::io_context& io, ChangeFn on_change);
  ~TunnelHealth();
  TunnelHealth(const TunnelHealth&) = delete;
  TunnelHealth& operator=(const TunnelHealth&) = delete;

  // The tunnel's interface exists (again, if the ifindex changed) with this health check (none:
  // its keys alone decide). A new tunnel starts down until its inputs say otherwise.
  void set_tunnel(const std::string& name, const std::string& interface_name, int ifindex,
                  std::optional<HealthCheckSpec> check);
  // Whether it has the SAs to carry traffic, and if not, why.
  void set_keys(const std::string& name, bool ok, const std::string& detail);
  // Administratively down (`shutdown`): down whatever the other inputs say.
  void set_admin_down(const std::string& name, bool down);
  // The BGP sessions over the tunnel (to neighbors in its inside prefix): all Established, or
  // which is not. nullopt: no BGP over it (the input goes away).
  void set_bgp(const std::string& name, std::optional<std::pair<bool, std::string>> state);
  // The tunnel's BFD session: Up, or why not. nullopt: no BFD on the tunnel.
  void set_bfd(const std::string& name, std::optional<std::pair<bool, std::string>> state);
  void remove_tunnel(const std::string& name);

  bool known(const std::string& name) const { return tunnels_.count(name) != 0; }
  std::optional<HealthView> view(const std::string& name) const;
  // view(name)->up without building the view; nullopt for a tunnel it does not know.
  std::optional<bool> is_up(const std::string& name) const;

 private:
  struct Input {
    bool ok = false;
    std::string detail;
    int64_t since_unix_ms = 0;
  };
  struct Probe;
  struct Entry {
    std::string name;
    std::string interface_name;
    int ifindex = 0;
    Input keys;
    std::optional<Input> admin;  // present while shut down
    std::optional<Input> bfd;
    std::optional<Input> bgp;
    std::unique_ptr<Probe> probe;
    bool up = false;
    bool reported = false;
    std::string reason;
    int64_t since_unix_ms = 0;
    uint32_t transitions = 0;
  };
  static void set_input(Input& in, bool ok, std::string detail);
  void set_optional_input(const std::string& name, std::optional<Input> Entry::*input,
                          std::optional<std::pair<bool, std::string>> state);
  // A probe was answered at `now`, `rtt_us` after it was sent.
  void answered(Entry& e, std::chrono::steady_clock::time_point now, int64_t rtt_us);
  void read_udp_replies(Entry& e);
  void evaluate(Entry& e);
  void start_probe(Entry& e, const HealthCheckSpec& spec);
  void open_socket(Entry& e);
  void tick(Entry& e);
  void arm_deadline(Entry& e);
  void send_probe(Entry& e);
  void read_replies(Entry& e);
  void on_keys_changed(Entry& e);

  boost::asio::io_context& io_;
  ChangeFn on_change_;
  std::map<std::string, std::unique_ptr<Entry>> tunnels_;
  uint16_t next_id_;
};

}  // namespace vgw::routing
