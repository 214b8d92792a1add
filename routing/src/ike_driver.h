// IkeDriver: runs the IKEv2 state machines (vgw::ike::IkeSa) of the tunnels that negotiate
// their SAs, on the control-plane thread. It owns what the pure state machines do not have:
//
//   sockets  one UDP socket on port 500 per local address (IKE_SA_INIT, and everything when no
//            NAT is involved); port 4500 is the ESP dataplane's socket (RFC 3948: IKE behind the
//            Non-ESP Marker), read through Dataplane::take_ike_datagrams / send_ike.
//   timers   one asio timer per IKE SA, armed as its ArmTimer actions say.
//   SAs      InstallChild / RemoveChild become Dataplane::add_sa / delete_sa on the tunnel
//            (inbound first, then outbound, which becomes the active SA: make before break).
//   restarts a tunnel that initiates starts again after its IKE SA closed, with back-off.
//
// Datagrams are matched to a tunnel by (local address, peer address) and to an IKE SA by its
// SPIs; an IKE_SA_INIT request that no SA owns creates a responder SA (bounded per tunnel).
// A tunnel may hold several IKE SAs at once (the one being established next to the current
// one, or one from each side when both initiate): every Child SA of each is installed.
//
// No protobuf here: the Gateway converts the plain views below for the API.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <map>
#include <utility>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/esp/dataplane/events.h"
#include "vgw/ike/ike_sa.h"
#include "vgw/routing/config_model.h"

namespace vgw::esp {
class Dataplane;
}

namespace vgw::routing {

// What `show ike sa` shows of one IKE SA.
struct IkeSaView {
  bool initiator = false;
  std::string state;   // ike::state_name: "init-sent", "established", ...
  std::string reason;  // why it is in that state (empty when all is well)
  IpAddress local, remote;
  uint16_t local_port = 0, remote_port = 0;
  std::string local_id, remote_id;
  ike::IkeSpis spis;
  std::string suite;  // "aes256gcm16-prfsha256-curve25519", empty before IKE_SA_INIT is done
  bool nat_t = false;
  std::optional<Clock::Duration> age;        // since established
  std::optional<Clock::Duration> rekey_in;   // IKE SA rekey due in
  struct Child {
    ike::ChildSpis spis;
    std::string suite;      // ESP proposal keywords, e.g. "aes128gcm16-ecp256"
    std::string transform;  // the dataplane's name of the transform, e.g. "aes128gcm16"
    bool esn = false;
    std::string state;
    std::string local_ts, remote_ts;
    Clock::Duration age{};
    std::optional<Clock::Duration> rekey_in;
    bool udp_encap = false;
  };
  std::vector<Child> children;
  ike::IkeSaCounters counters;
};

struct IkeTunnelView {
  std::string tunnel;
  bool respond_only = false;
  std::string status;      // "established", "connecting", "waiting" (for the peer), "down"
  std::string last_error;  // the last reason an IKE SA of the tunnel failed or closed
  std::optional<Clock::Duration> next_attempt_in;
  std::vector<IkeSaView> sas;
};

// Something that happened to a tunnel's IKE or Child SAs (for IkeService.Watch).
struct IkeEventView {
  std::string tunnel;
  std::string kind;  // "established", "rekeyed", "closed", "child-installed", "child-removed"
  ike::IkeSpis spis;
  ike::ChildSpis child;
  std::string reason;
  IpAddress peer;
};

struct IkeDriverCounters {
  uint64_t received = 0;
  uint64_t unknown_peer = 0;     // from an address no IKE tunnel has as its peer
  uint64_t unmatched = 0;        // no SA of the tunnel owns it and it is no IKE_SA_INIT request
  uint64_t half_open_drops = 0;  // IKE_SA_INIT refused: too many half-open SAs for the tunnel
  uint64_t cookies_sent = 0;     // IKE_SA_INIT answered with N(COOKIE), no state kept
  uint64_t half_open_expired = 0;  // responder SAs that got no IKE_AUTH in time
  uint64_t send_errors = 0;
};

class IkeDriver {
 public:
  IkeDriver(boost::asio::io_context& io, esp::Dataplane& dataplane);
  ~IkeDriver();
  IkeDriver(const IkeDriver&) = delete;
  IkeDriver& operator=(const IkeDriver&) = delete;

  // Starts, changes or keeps the tunnel (it must exist in the dataplane). A change of its IKE
  // settings closes its IKE SAs and starts again. Fails when UDP 500 cannot be opened (or the
  // settings do not parse, which the Gateway's validation already rules out).
  // selectors: (local, remote) prefixes to negotiate instead of 0.0.0.0/0 and ::/0 (a
  // policy-based connection); empty: route-based.
  using Selectors = std::pair<std::vector<Prefix>, std::vector<Prefix>>;
  Status set_tunnel(const TunnelConfig& tunnel, const Selectors& selectors = {});
  // Sends Delete for the tunnel's IKE SAs (best effort), removes their Child SAs from the
  // dataplane and forgets the tunnel.
  void remove_tunnel(const std::string& name);
  bool has_tunnel(const std::string& name) const { return tunnels_.count(name) != 0; }

  // IKE messages the dataplane received on UDP 4500 (handled as one batch).
  void on_nat_t_datagrams(const std::vector<esp::IkeDatagram>& datagrams);
  // A dataplane lifetime event of an SA: a soft expiry of an IKE-keyed SA rekeys it.
  bool on_sa_event(const esp::SaEvent& e);

  // `clear ike sa`: deletes the tunnel's IKE SAs; an initiating tunnel starts again at once.
  Status reset(const std::string& name);
  // Rekeys the established IKE SA (or its Child SA) now.
  Status rekey(const std::string& name, bool child);
  // Starts negotiating now (even a respond-only tunnel), unless an IKE SA is established.
  Status initiate(const std::string& name);

  std::vector<IkeTunnelView> view(const std::string& name = {}) const;
  // Called on the control thread for every event, after it happened.
  void set_event_sink(std::function<void(const IkeEventView&)> sink) { event_sink_ = std::move(sink); }
  const IkeDriverCounters& counters() const { return counters_; }

 private:
  struct Entry;
  struct Tunnel;
  struct Listener;
  class Batch;
  struct PendingSend {
    std::string tunnel;
    IpAddress local;
    bool nat_t = false;
    IpAddress peer;
    uint16_t port = 0;
    std::vector<uint8_t> datagram;
  };
  void transmit(const PendingSend& p);
  void emit(const Tunnel& t, const Entry& e, std::string kind, ike::ChildSpis child = {}, std::string reason = {});

  Status open_listener(const IpAddress& local);
  void release_listener(const IpAddress& local);
  void receive(Listener& l);
  Tunnel* find_tunnel(const IpAddress& local, const IpAddress& remote, bool of_existing_sa);
  Result<Tunnel*> negotiating(const std::string& name);  // NOT_FOUND names the tunnel
  // Deletes the tunnel's SAs (Delete sent within the caller's batch); returns its local address.
  std::optional<IpAddress> forget_tunnel(const std::string& name);
  void dispatch(const IpAddress& local, uint16_t local_port, const IpAddress& remote,
                uint16_t remote_port, std::span<const uint8_t> message, bool via_nat_t);
  Entry& add_entry(Tunnel& t, ike::Role role, const IpAddress& remote, uint16_t remote_port,
                   uint16_t local_port);
  void start_initiator(Tunnel& t);
  void execute(Tunnel& t, Entry& e, std::vector<ike::Action> actions);
  void drop_forgotten(Tunnel& t, Entry& fresh);
  void release_reserved(Entry& e);
  void install_child(Tunnel& t, Entry& e, const ike::ChildSa& child);
  void remove_child(Tunnel& t, Entry& e, const ike::ChildSpis& spis);
  void arm(Tunnel& t, Entry& e, Clock::TimePoint at);
  void reap(Tunnel& t);
  void schedule_restart(Tunnel& t);
  IkeSaView view_of(const Tunnel& t, const Entry& e, Clock::TimePoint now) const;

  boost::asio::io_context& io_;
  esp::Dataplane& dataplane_;
  std::map<std::string, std::unique_ptr<Tunnel>> tunnels_;
  // (local, configured remote) -> tunnel: one IKE tunnel per pair (the Gateway checks)
  std::map<std::pair<IpAddress, IpAddress>, Tunnel*> by_endpoints_;
  std::map<IpAddress, std::unique_ptr<Listener>> listeners_;
  // One receive buffer for every listener: each is read when it is readable, on this thread,
  // into this buffer (a tunnel per outside address means a listener each; 64 KiB apiece was
  // most of an established tunnel's memory).
  std::vector<uint8_t> receive_buffer_;
  uint64_t next_entry_id_ = 1;
  std::shared_ptr<bool> alive_;
  std::vector<uint8_t> cookie_secret_;
  std::function<void(const IkeEventView&)> event_sink_;
  int batch_depth_ = 0;
  std::vector<PendingSend> pending_sends_;  // held until the batch's dataplane changes are live  // one for every responder SA, so cookies verify across them  // handlers still queued after destruction see it expired
  IkeDriverCounters counters_;
};

}  // namespace vgw::routing
