// Probes sent by the gateway itself, from its own network namespace and addresses: `ping`
// (ICMP / ICMPv6 echo over a raw socket) and `traceroute` (UDP probes with rising TTL / hop
// limit whose ICMP errors come back on the socket's error queue, IP_RECVERR, as tracepath
// reads them). vgwsh shows them live, also when it talks to vgwd over TCP from elsewhere.
// Each run lives on the control-plane loop, reports through its callback and stops (closing
// its socket and timers) when destroyed. No protobuf here (gateway_probe.cc converts).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"

namespace vgw::routing {

struct ProbeOptions {
  IpAddress destination;
  std::optional<IpAddress> source;
  std::string interface;  // SO_BINDTODEVICE when set
  uint32_t count = 5;                                  // ping: echoes; traceroute: max hops
  uint32_t size = 56;                                  // ping: payload bytes
  std::chrono::milliseconds interval{1000};            // ping: between echoes
  std::chrono::milliseconds timeout{2000};             // per echo / per probe
  uint32_t probes = 3;                                 // traceroute: probes per hop
  uint32_t first_ttl = 1;                              // traceroute
};

// One observation. Ping: each echo answered or timed out, then kDone with the totals.
// Traceroute: one kHop per hop (its probes' RTTs and who answered), then kDone.
struct ProbeEvent {
  enum class Kind { kReply, kTimeout, kHop, kDone };
  Kind kind = Kind::kReply;
  uint32_t sequence = 0;              // ping: echo number (1..); traceroute: the hop's TTL
  std::optional<IpAddress> from;      // who answered
  uint32_t bytes = 0;                 // ping: ICMP bytes received
  uint32_t ttl = 0;                   // ping: the reply's TTL / hop limit (0 if unknown)
  std::vector<double> rtt_ms;         // ping: one; traceroute: one per answered probe
  uint32_t lost = 0;                  // traceroute: probes of the hop without an answer
  bool reached = false;               // traceroute: the destination answered (port unreachable)
  bool last = false;                  // traceroute: the trace's last hop
  std::string note;                   // an ICMP error other than the expected one, in words
  // kDone (ping): totals.
  uint32_t sent = 0, received = 0;
};

class ProbeRun {
 public:
  using Callback = std::function<void(const ProbeEvent&)>;
  static Result<std::unique_ptr<ProbeRun>> ping(boost::asio::io_context& io, const ProbeOptions& o, Callback cb);
  static Result<std::unique_ptr<ProbeRun>> traceroute(boost::asio::io_context& io, const ProbeOptions& o,
                                                      Callback cb);
  ~ProbeRun();
  ProbeRun(const ProbeRun&) = delete;
  ProbeRun& operator=(const ProbeRun&) = delete;

 private:
  enum class Mode { kPing, kTrace };
  ProbeRun(boost::asio::io_context& io, Mode mode, ProbeOptions o, Callback cb);
  Status open();
  void send_next();
  void wait_readable();
  void read_replies();
  void read_errors();
  void on_deadline();
  void finish_hop();
  void report(const ProbeEvent& e);

  struct Outstanding {
    uint32_t sequence = 0;
    std::chrono::steady_clock::time_point sent;
    bool answered = false;
  };

  Mode mode_;
  ProbeOptions options_;
  Callback callback_;
  boost::asio::posix::stream_descriptor socket_;
  boost::asio::steady_timer send_timer_;
  boost::asio::steady_timer deadline_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  uint16_t id_ = 0;
  uint32_t next_sequence_ = 1;
  std::vector<Outstanding> outstanding_;
  uint32_t sent_ = 0, received_ = 0;
  bool done_ = false;
  // traceroute: the hop under way
  uint32_t ttl_ = 0;
  uint32_t hop_probes_sent_ = 0;
  ProbeEvent hop_;
};

}  // namespace vgw::routing
