// BfdDriver: the sockets and timers around the BFD engine (routing/bfd: codec, sessions,
// demultiplexer), on the control-plane io_context. RFC 5881 single hop, IPv4 and IPv6:
//
//   receive  one UDP socket per family on port 3784 (opened while any session exists), with
//            the TTL / Hop Limit and the arrival interface of every datagram; a datagram whose
//            TTL is not 255 is dropped (RFC 5881 5), then decode -> Demux -> the session.
//   send     one UDP socket per session, bound to its local address (if given) and a source
//            port in 49152-65535 fixed for the session (RFC 5881 4), TTL 255, bound to its
//            interface when it has one; Control packets go to the peer's port 3784.
//   timers   one steady timer per session, armed at the earlier of its next transmission and
//            its detection deadline; the engine applies jitter (RFC 5880 6.8.7).
//
// The driver knows no BGP and no tunnel: the Gateway gives it the sessions wanted (reconcile)
// and hears of every state change (ChangeFn, posted to the loop). No protobuf here.
#pragma once

#include <boost/asio/io_context.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/bfd/demux.h"
#include "vgw/bfd/session.h"
#include "vgw/bfd/wire.h"

namespace vgw::routing {

using BfdKey = std::pair<IpAddress, std::string>;  // (peer, interface; "" = any)

struct BfdSessionSpec {
  IpAddress peer;
  std::string interface;
  std::optional<IpAddress> local;
  uint32_t detect_multiplier = 3;
  uint32_t receive_interval_ms = 300;
  uint32_t transmit_interval_ms = 300;
  bool shutdown = false;
  // Who uses it ("configured", "bgp", "tunnel NAME"); shown, not interpreted.
  std::vector<std::string> clients;
  BfdKey key() const { return {peer, interface}; }
  friend bool operator==(const BfdSessionSpec&, const BfdSessionSpec&) = default;
};

struct BfdChange {
  IpAddress peer;
  std::string interface;
  bfd::State from = bfd::State::kDown;
  bfd::State to = bfd::State::kDown;
  bfd::Diag diag = bfd::Diag::kNone;
  std::string reason;
  bool remote_admin_down = false;
};

struct BfdSessionView {
  BfdSessionSpec spec;
  uint32_t local_discriminator = 0;
  uint32_t remote_discriminator = 0;
  bfd::State state = bfd::State::kDown;
  bfd::State remote_state = bfd::State::kDown;
  bfd::Diag local_diag = bfd::Diag::kNone;
  bfd::Diag remote_diag = bfd::Diag::kNone;
  bool peer_admin_down = false;  // Down because the peer went AdminDown (not a path failure)
  std::string reason;
  int64_t since_unix_ms = 0;
  std::optional<IpAddress> local_address;  // the source in use, once known
  uint16_t source_port = 0;
  uint32_t ifindex = 0;
  uint32_t remote_detect_multiplier = 0;
  uint32_t remote_receive_interval_us = 0;
  uint32_t remote_transmit_interval_us = 0;
  uint32_t negotiated_tx_us = 0;
  uint32_t detection_time_us = 0;
  bool poll_in_progress = false;
  bfd::SessionStats stats;
  uint64_t send_errors = 0;
  std::string problem;
};

struct BfdGlobalStats {
  uint64_t received = 0;
  uint64_t bad_ttl = 0;
  uint64_t malformed = 0;
  uint64_t no_session = 0;
  std::array<uint64_t, static_cast<size_t>(bfd::DropReason::kCount)> dropped{};
};

class BfdDriver {
 public:
  using ChangeFn = std::function<void(const BfdChange&)>;
  BfdDriver(boost::asio::io_context& io, ChangeFn on_change);
  ~BfdDriver();
  BfdDriver(const BfdDriver&) = delete;
  BfdDriver& operator=(const BfdDriver&) = delete;

  // Makes the running sessions exactly these (by key): new ones start Down, changed timers
  // apply with a Poll sequence, removed ones send AdminDown before they go.
  void reconcile(const std::vector<BfdSessionSpec>& wanted);
  // Interfaces came or went: sessions bound to one follow its index.
  void refresh_interfaces();

  std::vector<BfdSessionView> sessions() const;
  std::optional<BfdSessionView> session(const BfdKey& key) const;
  const BfdGlobalStats& stats() const { return stats_; }
  // Why receiving is impossible ("" when fine).
  const std::string& problem() const { return problem_; }

 private:
  struct Receiver;
  struct Entry;
  void open_receivers();
  void close_receivers();
  void receive(const std::shared_ptr<Receiver>& receiver);
  void handle_datagram(const uint8_t* data, size_t size, const IpAddress& from, uint32_t ifindex, int ttl);
  void start_session(const BfdSessionSpec& spec);
  void stop_session(uint32_t discriminator, bool send_admin_down);
  void update_session(Entry& e, const BfdSessionSpec& spec);
  void open_sender(Entry& e);
  void apply(Entry& e, const bfd::Actions& actions);
  void send(Entry& e, const bfd::ControlPacket& p);
  void learn_local_address(Entry& e);
  void arm(Entry& e);
  Entry* find(const BfdKey& key) const;
  BfdSessionView view(const Entry& e) const;

  boost::asio::io_context& io_;
  ChangeFn on_change_;
  std::unique_ptr<bfd::SplitMix64> random_;
  std::unique_ptr<bfd::Demux> demux_;
  std::map<uint32_t, std::unique_ptr<Entry>> sessions_;  // by local discriminator
  std::shared_ptr<Receiver> rx4_, rx6_;
  // Handlers already queued when the driver or a receiver goes check this first.
  std::shared_ptr<int> life_ = std::make_shared<int>(0);
  BfdGlobalStats stats_;
  std::string problem_;
};

}  // namespace vgw::routing
