// IkeDriver (ike_driver.h): sockets, timers and the dataplane around the IKE state machines.
#include "ike_driver.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>

#include "vgw/base/asio_address.h"
#include "vgw/base/log.h"
#include "vgw/esp/dataplane/dataplane.h"
#include "vgw/ike/crypto/random.h"
#include "vgw/ike/traffic_selectors.h"
#include "vgw/ike/wire/message.h"

namespace vgw::routing {

namespace {

namespace asio = boost::asio;
using asio::ip::udp;

constexpr uint16_t kIkePort = 500;
// Anti-DoS (RFC 7296 2.6): once this many responder SAs wait for their IKE_AUTH (all tunnels
// together), an IKE_SA_INIT request without a valid cookie gets N(COOKIE) and leaves no state;
// a tunnel never holds more half-open SAs than the hard limit, and a half-open SA is dropped
// when its IKE_AUTH does not come in time.
constexpr size_t kCookieThreshold = 5;
constexpr size_t kMaxHalfOpenPerTunnel = 10;
constexpr size_t kMaxSasPerTunnel = 16;  // every IKE SA of one tunnel
// SPIs one IKE SA holds reserved while it negotiates: at most two Child SA negotiations are
// under way at once (ours and the peer's), so older reservations belong to failed ones.
constexpr size_t kMaxReservedSpis = 4;
constexpr std::chrono::seconds kHalfOpenTimeout{30};
constexpr std::chrono::seconds kFirstRestart{2};
constexpr std::chrono::seconds kMaxRestart{60};
constexpr size_t kMaxDatagram = 65535;
constexpr int kDatagramsPerWake = 64;  // read from one listener before the others get a turn
constexpr int kReceiveBuffer = 4 << 20;  // octets

esp::Transform to_transform(const ike::crypto::EspSuite& s) {
  esp::Transform t;
  t.encryption = static_cast<esp::Encryption>(s.encr.id);
  t.key_bits = s.encr.key_bits;
  t.integrity = static_cast<esp::Integrity>(s.integ);
  return t;
}

std::string spis_text(const ike::ChildSpis& s) {
  return format_spi(s.inbound) + "_i " + format_spi(s.outbound) + "_o";
}

// charon's way: "1a2b3c4d5e6f7081_i 8899aabbccddeeff_r".
std::string spis_text(const ike::IkeSpis& s) {
  return format_ike_spi(s.initiator) + "_i " + format_ike_spi(s.responder) + "_r";
}

// A tunnel's IKE settings, parsed once (set_tunnel); every IKE SA of the tunnel is made from
// them, without parsing anything again (a responder makes one per IKE_SA_INIT it answers).
struct ParsedSettings {
  std::optional<ike::Identity> local_id, remote_id;
  std::vector<ike::crypto::IkeSuite> ike_proposals;
  std::vector<ike::crypto::EspSuite> esp_proposals;

  static Result<ParsedSettings> parse(const TunnelIkeConfig& k) {
    ParsedSettings p;
    if (!k.local_id.empty()) {
      auto id = ike::Identity::parse(k.local_id);
      if (!id) return fail(id.error());
      p.local_id = *id;
    }
    if (!k.remote_id.empty()) {
      auto id = ike::Identity::parse(k.remote_id);
      if (!id) return fail(id.error());
      p.remote_id = *id;
    }
    auto ikep = ike::parse_ike_proposals(k.ike_proposals_or_default());
    if (!ikep) return fail(ikep.error());
    p.ike_proposals = std::move(*ikep);
    auto espp = ike::parse_esp_proposals(k.esp_proposals_or_default());
    if (!espp) return fail(espp.error());
    p.esp_proposals = std::move(*espp);
    return p;
  }
};

}  // namespace

struct IkeDriver::Entry {
  Entry(asio::io_context& io, uint64_t id) : id(id), timer(io) {}
  uint64_t id;
  std::unique_ptr<ike::IkeSa> sa;
  bool initiator = false;
  asio::steady_timer timer;
  IpAddress peer;            // where the peer is now (a NAT may move it)
  uint16_t peer_port = kIkePort;           // the peer's port for UDP 500 traffic
  uint16_t peer_nat_t_port = esp::kNatTraversalPort;  // ... and for UDP 4500
  uint16_t local_port = kIkePort;
  std::vector<ike::ChildSpis> installed;  // Child SAs in the dataplane
  // Inbound SPIs the dataplane reserved for this SA's negotiations and no add_sa consumed yet
  // (released when the SA goes, or beyond kMaxReservedSpis, oldest first).
  std::vector<uint32_t> reserved;
  bool closed = false;
  Clock::TimePoint created{};

  // A responder that has answered IKE_SA_INIT but not seen IKE_AUTH yet.
  bool half_open() const {
    return !closed && !initiator &&
           (sa->state() == ike::IkeSaState::kIdle || sa->state() == ike::IkeSaState::kInitDone);
  }
};

struct IkeDriver::Tunnel {
  Tunnel(asio::io_context& io, TunnelConfig c, ParsedSettings p)
      : config(std::move(c)), settings(std::move(p)), restart(io) {}
  TunnelConfig config;
  ParsedSettings settings;  // of config.ike
  Selectors selectors;      // policy-based: what to negotiate
  std::vector<std::unique_ptr<Entry>> entries;
  asio::steady_timer restart;
  bool restart_armed = false;
  Clock::TimePoint next_attempt{};
  Clock::Duration backoff = kFirstRestart;
  std::string last_error;
};

// One event's (or one burst's) work: dataplane changes are published once, at the end, and
// the messages go out after that.
class IkeDriver::Batch {
 public:
  explicit Batch(IkeDriver& d) : d_(d) {
    if (d_.batch_depth_++ == 0) d_.dataplane_.defer_publish();
  }
  ~Batch() {
    if (--d_.batch_depth_ > 0) return;
    d_.dataplane_.flush_publish();
    auto sends = std::move(d_.pending_sends_);
    d_.pending_sends_.clear();
    for (const auto& p : sends) d_.transmit(p);
  }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

 private:
  IkeDriver& d_;
};

struct IkeDriver::Listener {
  explicit Listener(asio::io_context& io) : socket(io) {}
  udp::socket socket;
  IpAddress local;
  int users = 0;
};

IkeDriver::IkeDriver(asio::io_context& io, esp::Dataplane& dataplane)
    : io_(io), dataplane_(dataplane), receive_buffer_(kMaxDatagram), alive_(std::make_shared<bool>(true)) {
  auto secret = ike::crypto::random_nonce(32);  // 32 octets from the DRBG
  if (secret) cookie_secret_ = std::move(*secret);
}

IkeDriver::~IkeDriver() {
  alive_.reset();
  for (auto& [name, t] : tunnels_) {
    t->restart.cancel();
    for (auto& e : t->entries) e->timer.cancel();
  }
  for (auto& [a, l] : listeners_) {
    boost::system::error_code ec;
    l->socket.close(ec);
  }
}

// ---- sockets ---------------------------------------------------------------------------------

Status IkeDriver::open_listener(const IpAddress& local) {
  if (auto it = listeners_.find(local); it != listeners_.end()) {
    ++it->second->users;
    return {};
  }
  auto l = std::make_unique<Listener>(io_);
  l->local = local;
  boost::system::error_code ec;
  const udp::endpoint ep(to_asio(local), kIkePort);
  l->socket.open(ep.protocol(), ec);
  if (!ec) l->socket.set_option(udp::socket::reuse_address(true), ec);
  if (!ec) l->socket.bind(ep, ec);
  if (!ec) l->socket.non_blocking(true, ec);  // read on readiness until it would block
  if (!ec) {
    // Bursts of IKE_SA_INIT (every peer after an outage) must not overflow the default
    // buffer: a lost request costs the peer a retransmission timeout. SO_RCVBUFFORCE (root)
    // goes past net.core.rmem_max; without the privilege the plain option is capped there.
    int size = kReceiveBuffer;
    if (::setsockopt(l->socket.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
      l->socket.set_option(asio::socket_base::receive_buffer_size(kReceiveBuffer), ec);
      ec.clear();
    }
  }
  if (ec) {
    return fail(Error::unavailable("cannot listen on " + local.to_string() + " UDP 500 for IKE: " + ec.message()));
  }
  l->users = 1;
  Listener& ref = *l;
  listeners_.emplace(local, std::move(l));
  receive(ref);
  return {};
}

void IkeDriver::release_listener(const IpAddress& local) {
  auto it = listeners_.find(local);
  if (it == listeners_.end() || --it->second->users > 0) return;
  boost::system::error_code ec;
  it->second->socket.close(ec);  // the pending receive completes with operation_aborted
  // The Listener must outlive that completion: hand it to the handler's last run.
  auto* raw = it->second.release();
  listeners_.erase(it);
  asio::post(io_, [raw] { delete raw; });
}

void IkeDriver::receive(Listener& l) {
  l.socket.async_wait(udp::socket::wait_read, [this, &l, alive = std::weak_ptr<bool>(alive_)](
                                                  const boost::system::error_code& ec) {
    if (alive.expired() || ec == asio::error::operation_aborted || !l.socket.is_open()) return;
    // What is queued, up to a bound so that one busy address does not starve the others.
    for (int i = 0; !ec && i < kDatagramsPerWake && l.socket.is_open(); ++i) {
      udp::endpoint from;
      boost::system::error_code rec;
      const size_t n = l.socket.receive_from(asio::buffer(receive_buffer_), from, 0, rec);
      if (rec) break;  // would block (drained), or an error: wait for readiness again
      if (n > 0) {
        dispatch(l.local, kIkePort, from_asio(from.address()), from.port(),
                 std::span<const uint8_t>(receive_buffer_.data(), n), false);
      }
    }
    if (l.socket.is_open()) receive(l);
  });
}

// ---- tunnels ---------------------------------------------------------------------------------

Status IkeDriver::set_tunnel(const TunnelConfig& config, const Selectors& selectors) {
  auto it = tunnels_.find(config.name);
  if (it != tunnels_.end()) {
    Tunnel& t = *it->second;
    if (t.config.ike == config.ike && t.config.local == config.local && t.config.remote == config.remote &&
        t.config.udp_encapsulation == config.udp_encapsulation && t.selectors == selectors) {
      t.config = config;
      return {};
    }
    VGW_LOG(kInfo, "ike") << "tunnel " << config.name << ": IKE settings changed, negotiating again";
    remove_tunnel(config.name);
  }
  // Validated when configured; should the parse still fail, the tunnel shows why.
  auto settings = ParsedSettings::parse(config.ike);
  if (!settings) return fail(Error::invalid("IKE settings: " + settings.error().message));
  if (auto st = open_listener(*config.local); !st) return st;
  auto t = std::make_unique<Tunnel>(io_, config, std::move(*settings));
  t->selectors = selectors;
  Tunnel& ref = *t;
  tunnels_.emplace(config.name, std::move(t));
  by_endpoints_[{*config.local, *config.remote}] = &ref;
  if (!config.ike.respond_only) {
    Batch batch(*this);
    start_initiator(ref);
  }
  return {};
}

void IkeDriver::remove_tunnel(const std::string& name) {
  std::optional<IpAddress> listener;
  {
    Batch batch(*this);  // its end sends the Deletes, before the UDP 500 socket may close
    listener = forget_tunnel(name);
  }
  if (listener) release_listener(*listener);
}

std::optional<IpAddress> IkeDriver::forget_tunnel(const std::string& name) {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return std::nullopt;
  Tunnel& t = *it->second;
  t.restart.cancel();
  const auto now = Clock::TimePoint(std::chrono::steady_clock::now());
  for (auto& e : t.entries) {
    e->timer.cancel();
    release_reserved(*e);
    if (e->closed) continue;
    // Only the sends of the Delete: the SA goes away with the tunnel, no retransmission.
    std::vector<ike::Action> sends;
    for (auto& a : e->sa->delete_sa(now)) {
      if (std::holds_alternative<ike::Send>(a)) sends.push_back(std::move(a));
    }
    execute(t, *e, std::move(sends));
    for (const auto& spis : e->installed) {
      (void)dataplane_.delete_sa(name, esp::Direction::kInbound, spis.inbound);
      (void)dataplane_.delete_sa(name, esp::Direction::kOutbound, spis.outbound);
    }
  }
  const IpAddress local = *t.config.local;
  if (auto ix = by_endpoints_.find({local, *t.config.remote}); ix != by_endpoints_.end() && ix->second == &t) {
    by_endpoints_.erase(ix);
  }
  tunnels_.erase(it);
  return local;
}

Result<IkeDriver::Tunnel*> IkeDriver::negotiating(const std::string& name) {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return fail(Error::not_found("tunnel '" + name + "' does not negotiate with IKE"));
  return it->second.get();
}

Status IkeDriver::reset(const std::string& name) {
  Batch batch(*this);
  auto found = negotiating(name);
  if (!found) return fail(found.error());
  Tunnel& t = **found;
  const auto now = Clock::TimePoint(std::chrono::steady_clock::now());
  for (auto& e : t.entries) {
    if (!e->closed) execute(t, *e, e->sa->delete_sa(now));
  }
  t.backoff = kFirstRestart;
  t.last_error = "cleared by the operator";
  reap(t);
  if (!t.config.ike.respond_only) {
    t.restart.cancel();
    t.restart_armed = false;
    bool connecting = std::any_of(t.entries.begin(), t.entries.end(), [](const auto& e) {
      return e->initiator && e->sa->state() != ike::IkeSaState::kDeleting;
    });
    if (!connecting) start_initiator(t);
  }
  return {};
}

Status IkeDriver::initiate(const std::string& name) {
  Batch batch(*this);
  auto found = negotiating(name);
  if (!found) return fail(found.error());
  Tunnel& t = **found;
  for (const auto& e : t.entries) {
    if (e->closed) continue;
    if (e->sa->state() == ike::IkeSaState::kEstablished) {
      return fail(Error::exists("tunnel '" + name + "' already has an established IKE SA"));
    }
    if (e->initiator) return {};  // already connecting
  }
  t.restart.cancel();
  t.restart_armed = false;
  start_initiator(t);
  return {};
}

Status IkeDriver::rekey(const std::string& name, bool child) {
  Batch batch(*this);
  auto found = negotiating(name);
  if (!found) return fail(found.error());
  Tunnel& t = **found;
  const auto now = Clock::TimePoint(std::chrono::steady_clock::now());
  for (auto& e : t.entries) {
    if (e->closed || e->sa->state() != ike::IkeSaState::kEstablished) continue;
    execute(t, *e, child ? e->sa->rekey_child(now) : e->sa->rekey_ike(now));
    reap(t);
    return {};
  }
  return fail(Error::precondition("tunnel '" + name + "' has no established IKE SA to rekey"));
}

void IkeDriver::start_initiator(Tunnel& t) {
  if (t.entries.size() >= kMaxSasPerTunnel) return;
  Entry& e = add_entry(t, ike::Role::kInitiator, *t.config.remote, kIkePort, kIkePort);
  VGW_LOG(kInfo, "ike") << "tunnel " << t.config.name << ": initiating IKE SA with "
                        << t.config.remote->to_string();
  execute(t, e, e.sa->start(Clock::TimePoint(std::chrono::steady_clock::now())));
  reap(t);
}

IkeDriver::Entry& IkeDriver::add_entry(Tunnel& t, ike::Role role, const IpAddress& remote, uint16_t remote_port,
                                       uint16_t local_port) {
  // N(INITIAL_CONTACT) only when this tunnel has no other IKE SA: it tells the peer to drop
  // whatever it still holds from an earlier life of ours (RFC 7296 2.4).
  const bool alone = std::none_of(t.entries.begin(), t.entries.end(), [](const auto& e) { return !e->closed; });
  auto e = std::make_unique<Entry>(io_, next_entry_id_++);
  e->initiator = role == ike::Role::kInitiator;
  e->peer = remote;
  e->local_port = local_port;
  if (local_port == esp::kNatTraversalPort) {
    e->peer_nat_t_port = remote_port;
  } else {
    e->peer_port = remote_port;
  }
  e->created = Clock::TimePoint(std::chrono::steady_clock::now());
  const TunnelIkeConfig& k = t.config.ike;
  ike::IkeSaConfig c;
  c.role = role;
  c.local_address = *t.config.local;
  c.local_port = local_port;
  c.remote_address = remote;
  c.remote_port = remote_port;
  c.local_id = t.settings.local_id;
  c.remote_id = t.settings.remote_id;
  c.psk = ike::crypto::SecretBytes(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(k.pre_shared_key.data()), k.pre_shared_key.size()));
  c.ike_proposals = t.settings.ike_proposals;
  c.esp_proposals = t.settings.esp_proposals;
  c.ike_lifetime = std::chrono::seconds(k.ike_lifetime_or_default());
  c.child_lifetime = std::chrono::seconds(k.esp_lifetime_or_default());
  c.dpd_interval = std::chrono::seconds(k.dpd_interval_or_default());
  c.dpd_retries = static_cast<int>(k.dpd_retries_or_default());
  c.initial_contact = alone;
  c.force_udp_encapsulation = t.config.udp_encapsulation;
  for (const auto& p : t.selectors.first) c.local_ts.push_back(ike::wire::TrafficSelector::from_prefix(p));
  for (const auto& p : t.selectors.second) c.remote_ts.push_back(ike::wire::TrafficSelector::from_prefix(p));
  c.cookie_secret = cookie_secret_;
  // Our inbound SPIs from the dataplane: unique among its inbound SAs, and with SPI mod
  // workers = the tunnel's worker, so both directions of the tunnel run on one thread.
  c.allocate_spi = [this, name = t.config.name, self = e.get()]() -> Result<uint32_t> {
    const uint32_t spi = dataplane_.allocate_spi(name);
    self->reserved.push_back(spi);
    if (self->reserved.size() > kMaxReservedSpis) {
      dataplane_.release_spi(self->reserved.front());
      self->reserved.erase(self->reserved.begin());
    }
    return spi;
  };
  e->sa = std::make_unique<ike::IkeSa>(std::move(c));
  t.entries.push_back(std::move(e));
  return *t.entries.back();
}

// ---- datagrams -------------------------------------------------------------------------------

// The tunnel whose configured peer this is, or whose IKE SA's peer moved here (a NAT
// rebinding): the index first; the scan only for a message of an existing IKE SA (a moved
// peer's), so that a flood of IKE_SA_INIT from strangers costs one lookup each.
IkeDriver::Tunnel* IkeDriver::find_tunnel(const IpAddress& local, const IpAddress& remote, bool of_existing_sa) {
  if (auto it = by_endpoints_.find({local, remote}); it != by_endpoints_.end()) return it->second;
  if (!of_existing_sa) return nullptr;
  for (auto& [name, t] : tunnels_) {
    if (*t->config.local != local) continue;
    for (const auto& e : t->entries) {
      if (!e->closed && e->peer == remote) return t.get();
    }
  }
  return nullptr;
}

void IkeDriver::on_nat_t_datagrams(const std::vector<esp::IkeDatagram>& datagrams) {
  Batch batch(*this);
  for (const auto& d : datagrams) dispatch(d.local, d.local_port, d.remote, d.remote_port, d.message, true);
}

void IkeDriver::dispatch(const IpAddress& local, uint16_t local_port, const IpAddress& remote,
                         uint16_t remote_port, std::span<const uint8_t> message, bool via_nat_t) {
  Batch batch(*this);
  ++counters_.received;
  auto header = ike::wire::parse_header(message);
  Tunnel* tunnel = find_tunnel(local, remote, header && header->responder_spi != 0);
  Entry* owner = nullptr;
  if (tunnel) {
    for (auto& e : tunnel->entries) {
      if (!e->closed && e->sa->owns(message)) {
        owner = e.get();
        break;
      }
    }
  }
  if (!tunnel) {
    ++counters_.unknown_peer;
    return;
  }
  const auto now = Clock::TimePoint(std::chrono::steady_clock::now());
  if (!owner) {
    const bool init_request = header && header->exchange == ike::wire::ExchangeType::kIkeSaInit &&
                              header->initiator && !header->response && header->responder_spi == 0 &&
                              header->message_id == 0;
    if (!init_request) {
      ++counters_.unmatched;
      return;
    }
    size_t half_open = 0;
    for (const auto& e : tunnel->entries) half_open += e->half_open() ? 1 : 0;
    size_t half_open_total = 0;
    for (const auto& [name, t] : tunnels_) {
      for (const auto& e : t->entries) half_open_total += e->half_open() ? 1 : 0;
      if (half_open_total >= kCookieThreshold) break;
    }
    if (half_open >= kMaxHalfOpenPerTunnel || tunnel->entries.size() >= kMaxSasPerTunnel) {
      ++counters_.half_open_drops;
      return;
    }
    Entry& e = add_entry(*tunnel, ike::Role::kResponder, remote, remote_port, local_port);
    const bool cookies = half_open_total >= kCookieThreshold;
    e.sa->set_cookie_required(cookies);
    execute(*tunnel, e, e.sa->on_datagram(message, now, via_nat_t));
    if (e.sa->state() == ike::IkeSaState::kIdle) {
      // Answered with COOKIE (no state kept, RFC 7296 2.6) or INVALID_KE_PAYLOAD: the peer
      // starts again with a new request.
      if (e.sa->reason() == ike::kAnsweredWithCookie) ++counters_.cookies_sent;
      e.closed = true;
    } else if (e.half_open()) {
      arm(*tunnel, e, e.created + kHalfOpenTimeout);
    }
    reap(*tunnel);
    return;
  }
  Entry& e = *owner;
  // Where the peer is now: answers go back there, and ESP follows a NAT rebinding.
  if (via_nat_t) {
    bool moved = e.peer != remote || e.peer_nat_t_port != remote_port;
    e.peer = remote;
    e.peer_nat_t_port = remote_port;
    if (moved && !e.installed.empty()) {
      esp::SaUpdate u;
      u.remote = remote;
      u.remote_port = remote_port;
      (void)dataplane_.update_sa(tunnel->config.name, u);
    }
  } else {
    e.peer = remote;
    e.peer_port = remote_port;
  }
  execute(*tunnel, e, e.sa->on_datagram(message, now, via_nat_t));
  reap(*tunnel);
}

// ---- actions ---------------------------------------------------------------------------------

void IkeDriver::transmit(const PendingSend& p) {
  if (p.nat_t) {
    esp::IkeDatagram d;
    d.local = p.local;
    d.local_port = esp::kNatTraversalPort;
    d.remote = p.peer;
    d.remote_port = p.port;
    d.message = p.datagram;
    if (auto st = dataplane_.send_ike(d); !st) {
      ++counters_.send_errors;
      VGW_LOG(kWarning, "ike") << "tunnel " << p.tunnel << ": send to " << p.peer.to_string() << ":" << p.port
                               << " failed: " << st.error().message;
    }
    return;
  }
  auto l = listeners_.find(p.local);
  if (l == listeners_.end()) return;
  boost::system::error_code ec;
  l->second->socket.send_to(asio::buffer(p.datagram), udp::endpoint(to_asio(p.peer), p.port), 0, ec);
  if (ec) {
    ++counters_.send_errors;
    VGW_LOG(kWarning, "ike") << "tunnel " << p.tunnel << ": send to " << p.peer.to_string() << ":" << p.port
                             << " failed: " << ec.message();
  }
}

void IkeDriver::emit(const Tunnel& t, const Entry& e, std::string kind, ike::ChildSpis child, std::string reason) {
  if (!event_sink_) return;
  IkeEventView v;
  v.tunnel = t.config.name;
  v.kind = std::move(kind);
  v.spis = e.sa->spis();
  v.child = child;
  v.reason = std::move(reason);
  v.peer = e.peer;
  event_sink_(v);
}

void IkeDriver::execute(Tunnel& t, Entry& e, std::vector<ike::Action> actions) {
  const std::string& name = t.config.name;
  for (auto& action : actions) {
    if (auto* s = std::get_if<ike::Send>(&action)) {
      PendingSend p{name, *t.config.local, s->nat_t, e.peer, s->nat_t ? e.peer_nat_t_port : e.peer_port,
                    std::move(s->datagram)};
      // Inside a batch the send waits for the flush: the dataplane must have published the SAs
      // installed before it (make before break) when the peer gets the message.
      if (batch_depth_ > 0) {
        pending_sends_.push_back(std::move(p));
      } else {
        transmit(p);
      }
    } else if (auto* ic = std::get_if<ike::InstallChild>(&action)) {
      install_child(t, e, ic->child);
    } else if (auto* rc = std::get_if<ike::RemoveChild>(&action)) {
      VGW_LOG(kInfo, "ike") << "tunnel " << name << ": CHILD SA " << spis_text(rc->spis) << " removed ("
                            << rc->reason << ")";
      remove_child(t, e, rc->spis);
      emit(t, e, "child-removed", rc->spis, rc->reason);
    } else if (auto* est = std::get_if<ike::Established>(&action)) {
      t.backoff = kFirstRestart;
      t.last_error.clear();
      // Our own attempt that the peer has not even answered yet is not needed any more (both
      // ends initiated at once): it goes silently rather than making a second IKE SA.
      for (auto& other : t.entries) {
        if (other.get() != &e && !other->closed && other->initiator &&
            other->sa->state() == ike::IkeSaState::kInitSent) {
          other->closed = true;
          other->timer.cancel();
        }
      }
      auto suite = e.sa->suite();
      VGW_LOG(kInfo, "ike") << "tunnel " << name << ": IKE SA established with " << e.peer.to_string()
                            << " as " << (e.initiator ? "initiator" : "responder")
                            << (suite ? ", " + suite->name() : std::string())
                            << (e.sa->nat_detected() ? ", UDP encapsulated" : "");
      emit(t, e, "established");
      if (est->initial_contact) drop_forgotten(t, e);
    } else if (auto* rk = std::get_if<ike::IkeRekeyed>(&action)) {
      (void)rk;
      VGW_LOG(kInfo, "ike") << "tunnel " << name << ": IKE SA rekeyed";
      emit(t, e, "rekeyed");
    } else if (auto* cl = std::get_if<ike::Closed>(&action)) {
      e.closed = true;
      e.timer.cancel();
      t.last_error = cl->reason;
      VGW_LOG(kInfo, "ike") << "tunnel " << name << ": IKE SA with " << e.peer.to_string() << " closed: "
                            << cl->reason;
      // Whatever the state machine did not remove itself goes with the SA.
      for (const auto& spis : std::vector<ike::ChildSpis>(e.installed)) {
        remove_child(t, e, spis);
        emit(t, e, "child-removed", spis, cl->reason);
      }
      emit(t, e, "closed", {}, cl->reason);
    } else if (auto* at = std::get_if<ike::ArmTimer>(&action)) {
      arm(t, e, at->at);
    }
  }
}

// RFC 7296 2.4: the peer's new IKE SA came with N(INITIAL_CONTACT), so it holds no other IKE
// SA with us (it restarted, or lost its state). The tunnel's other established IKE SAs are
// stale: they go now, with their Child SAs, instead of when DPD or a rekey finds them dead.
// SAs still being negotiated stay (both ends initiating at once: that race is settled by the
// exchanges themselves).
void IkeDriver::drop_forgotten(Tunnel& t, Entry& fresh) {
  const auto now = Clock::TimePoint(std::chrono::steady_clock::now());
  for (auto& other : t.entries) {
    if (other.get() == &fresh || other->closed || other->sa->state() != ike::IkeSaState::kEstablished) continue;
    VGW_LOG(kInfo, "ike") << "tunnel " << t.config.name << ": IKE SA " << spis_text(other->sa->spis())
                          << " dropped: the peer's new IKE SA carried INITIAL_CONTACT";
    execute(t, *other, other->sa->abandon(now, "replaced: the peer started again (INITIAL_CONTACT)"));
  }
}

void IkeDriver::install_child(Tunnel& t, Entry& e, const ike::ChildSa& child) {
  const std::string& name = t.config.name;
  if (child.udp_encap != t.config.udp_encapsulation) {
    t.last_error = child.udp_encap ? "a NAT was detected between the peers: ESP must travel in UDP "
                                     "(encapsulation udp)"
                                   : "no NAT between the peers, but the tunnel sends ESP in UDP";
    VGW_LOG(kError, "ike") << "tunnel " << name << ": CHILD SA " << spis_text(child.spis)
                           << " not installed: " << t.last_error;
    return;
  }
  auto esp_sa = [&](uint32_t spi, const ike::crypto::ChildSaDirectionKeys& keys) {
    esp::SaConfig c;
    c.spi = spi;
    c.transform = to_transform(child.suite);
    c.encryption_key = keys.encryption.span();
    c.integrity_key = keys.integrity.span();
    c.esn = child.suite.esn;
    return c;
  };
  const esp::SaConfig in = esp_sa(child.spis.inbound, child.inbound_keys);
  if (auto st = dataplane_.add_sa(name, esp::Direction::kInbound, in); !st) {
    t.last_error = "inbound SA " + format_spi(in.spi) + ": " + st.error().message;
    VGW_LOG(kError, "ike") << "tunnel " << name << ": " << t.last_error;
    return;
  }
  const esp::SaConfig out = esp_sa(child.spis.outbound, child.outbound_keys);
  if (auto st = dataplane_.add_sa(name, esp::Direction::kOutbound, out); !st) {
    (void)dataplane_.delete_sa(name, esp::Direction::kInbound, in.spi);
    t.last_error = "outbound SA " + format_spi(out.spi) + ": " + st.error().message;
    VGW_LOG(kError, "ike") << "tunnel " << name << ": " << t.last_error;
    return;
  }
  if (child.udp_encap && (e.peer != *t.config.remote || e.peer_nat_t_port != esp::kNatTraversalPort)) {
    esp::SaUpdate u;
    u.remote = e.peer;
    u.remote_port = e.peer_nat_t_port;
    (void)dataplane_.update_sa(name, u);
  }
  e.installed.push_back(child.spis);
  std::erase(e.reserved, child.spis.inbound);  // add_sa took the reservation over
  emit(t, e, "child-installed", child.spis);
  VGW_LOG(kInfo, "ike") << "tunnel " << name << ": CHILD SA " << spis_text(child.spis) << " installed, "
                        << child.suite.name() << ", " << ike::describe(child.local_ts) << " === "
                        << ike::describe(child.remote_ts);
}

void IkeDriver::remove_child(Tunnel& t, Entry& e, const ike::ChildSpis& spis) {
  auto it = std::find(e.installed.begin(), e.installed.end(), spis);
  if (it == e.installed.end()) return;
  e.installed.erase(it);
  (void)dataplane_.delete_sa(t.config.name, esp::Direction::kInbound, spis.inbound);
  (void)dataplane_.delete_sa(t.config.name, esp::Direction::kOutbound, spis.outbound);
}

void IkeDriver::arm(Tunnel& t, Entry& e, Clock::TimePoint at) {
  e.timer.expires_at(at);
  e.timer.async_wait([this, name = t.config.name, id = e.id,
                      alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    auto it = tunnels_.find(name);
    if (it == tunnels_.end()) return;
    Tunnel& tun = *it->second;
    for (auto& entry : tun.entries) {
      if (entry->id != id || entry->closed) continue;
      const auto now = Clock::TimePoint(std::chrono::steady_clock::now());
      if (entry->timer.expiry() > now) return;  // re-armed meanwhile
      if (entry->half_open() && now >= entry->created + kHalfOpenTimeout) {
        ++counters_.half_open_expired;
        VGW_LOG(kInfo, "ike") << "tunnel " << name << ": half-open IKE SA from " << entry->peer.to_string()
                              << " dropped: no IKE_AUTH within " << kHalfOpenTimeout.count() << " s";
        entry->closed = true;
        reap(tun);
        return;
      }
      Batch batch(*this);
      execute(tun, *entry, entry->sa->on_timer(now));
      reap(tun);
      return;
    }
  });
}

// Forgets closed SAs; an initiating tunnel left without a live SA starts again later.
void IkeDriver::reap(Tunnel& t) {
  auto closed = [](const std::unique_ptr<Entry>& e) { return e->closed; };
  if (std::none_of(t.entries.begin(), t.entries.end(), closed)) return;
  for (const auto& e : t.entries) {
    if (e->closed) release_reserved(*e);
  }
  t.entries.erase(std::remove_if(t.entries.begin(), t.entries.end(), closed), t.entries.end());
  if (!t.config.ike.respond_only && t.entries.empty()) schedule_restart(t);
}

void IkeDriver::release_reserved(Entry& e) {
  for (uint32_t spi : e.reserved) dataplane_.release_spi(spi);
  e.reserved.clear();
}

void IkeDriver::schedule_restart(Tunnel& t) {
  if (t.restart_armed) return;
  t.restart_armed = true;
  t.next_attempt = Clock::TimePoint(std::chrono::steady_clock::now()) + t.backoff;
  t.restart.expires_at(t.next_attempt);
  const Clock::Duration wait = t.backoff;
  t.backoff = std::min<Clock::Duration>(t.backoff * 2, kMaxRestart);
  VGW_LOG(kInfo, "ike") << "tunnel " << t.config.name << ": next IKE attempt in "
                        << std::chrono::duration_cast<std::chrono::seconds>(wait).count() << " s";
  t.restart.async_wait([this, name = t.config.name,
                        alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    auto it = tunnels_.find(name);
    if (it == tunnels_.end()) return;
    it->second->restart_armed = false;
    Batch batch(*this);
    if (it->second->entries.empty()) start_initiator(*it->second);
  });
}

bool IkeDriver::on_sa_event(const esp::SaEvent& ev) {
  Batch batch(*this);
  auto it = tunnels_.find(ev.tunnel);
  if (it == tunnels_.end()) return false;
  Tunnel& t = *it->second;
  for (auto& e : t.entries) {
    auto match = std::find_if(e->installed.begin(), e->installed.end(), [&](const ike::ChildSpis& s) {
      return ev.direction == esp::Direction::kInbound ? s.inbound == ev.spi : s.outbound == ev.spi;
    });
    if (match == e->installed.end()) continue;
    if (ev.kind != esp::SaEventKind::kHardExpired && !e->closed) {
      execute(t, *e, e->sa->rekey_child(Clock::TimePoint(std::chrono::steady_clock::now())));
      reap(t);
    }
    return true;
  }
  return false;
}

// ---- views -----------------------------------------------------------------------------------

IkeSaView IkeDriver::view_of(const Tunnel& t, const Entry& e, Clock::TimePoint now) const {
  IkeSaView v;
  v.initiator = e.initiator;
  v.state = ike::state_name(e.sa->state());
  v.local = *t.config.local;
  v.remote = e.peer;
  const bool nat_t = e.sa->nat_detected();
  v.local_port = nat_t ? esp::kNatTraversalPort : e.local_port;
  v.remote_port = nat_t ? e.peer_nat_t_port : e.peer_port;
  const ike::IkeSa& sa = *e.sa;
  v.reason = sa.reason();
  v.local_id = sa.config().effective_local_id().to_string();
  v.remote_id = sa.remote_id().to_string();
  v.spis = sa.spis();
  if (auto s = sa.suite()) v.suite = s->name();
  v.nat_t = nat_t;
  if (auto at = sa.established_at()) v.age = now - *at;
  if (auto due = sa.ike_rekey_due()) v.rekey_in = *due - now;
  for (const auto& c : sa.children()) {
    IkeSaView::Child cv;
    cv.spis = c.spis;
    cv.suite = c.suite.name();
    cv.transform = to_transform(c.suite).name();
    cv.esn = c.suite.esn;
    cv.state = ike::state_name(c.state);
    cv.local_ts = ike::describe(c.local_ts);
    cv.remote_ts = ike::describe(c.remote_ts);
    cv.age = now - c.established;
    if (auto due = sa.child_rekey_due(c)) cv.rekey_in = *due - now;
    cv.udp_encap = nat_t;
    v.children.push_back(std::move(cv));
  }
  v.counters = sa.counters();
  return v;
}

std::vector<IkeTunnelView> IkeDriver::view(const std::string& name) const {
  std::vector<IkeTunnelView> out;
  const auto now = Clock::TimePoint(std::chrono::steady_clock::now());
  for (const auto& [n, t] : tunnels_) {
    if (!name.empty() && n != name) continue;
    IkeTunnelView tv;
    tv.tunnel = n;
    tv.respond_only = t->config.ike.respond_only;
    tv.last_error = t->last_error;
    bool established = false, connecting = false;
    for (const auto& e : t->entries) {
      if (e->closed) continue;
      tv.sas.push_back(view_of(*t, *e, now));
      if (e->sa->state() == ike::IkeSaState::kEstablished) established = true;
      else connecting = true;
    }
    tv.status = established ? "established" : connecting ? "connecting" : t->config.ike.respond_only ? "waiting" : "down";
    if (t->restart_armed) tv.next_attempt_in = t->next_attempt - now;
    out.push_back(std::move(tv));
  }
  return out;
}

}  // namespace vgw::routing
