// The Gateway's IKE part: the `ike ...` / `esp ...` settings of tunnel blocks (validated like
// every other field, persisted, then handed to the IkeDriver), and the IkeService.
#include <algorithm>
#include <chrono>

#include "vgw/base/clock.h"
#include "vgw/base/log.h"
#include "vgw/ike/config.h"
#include "event_stream.h"
#include "gateway_state.h"
#include "ike_driver.h"
#include "vgw/routing/server_stream.h"

namespace vgw::routing {

namespace {

constexpr size_t kMinPskLength = 8;
constexpr size_t kMaxPskLength = 255;
constexpr uint32_t kMinLifetime = 60;          // seconds
constexpr uint32_t kMaxLifetime = 7 * 86400;
constexpr uint32_t kMaxDpdInterval = 3600;
constexpr uint32_t kMaxDpdRetries = 100;

// One word of printable ASCII: what a config line can carry and read back unchanged.
Status check_word(const std::string& field, const std::string& v, size_t max) {
  if (v.size() > max) return fail(Error::invalid(field + " is longer than " + std::to_string(max) + " characters"));
  for (unsigned char c : v) {
    if (c <= ' ' || c >= 0x7f) {
      return fail(Error::invalid(field + " must be printable ASCII without spaces"));
    }
  }
  if (v == kMaskedSecret) return fail(Error::invalid(field + " cannot be the mask " + std::string(kMaskedSecret)));
  return {};
}

Status check_identity(const std::string& field, const std::string& v, bool remote) {
  if (v.empty()) return {};
  if (auto st = check_word(field, v, 260); !st) return st;
  if (!remote && v == "%any") return fail(Error::invalid(field + " %any is for the remote identity only"));
  auto id = ike::Identity::parse(v);
  if (!id) return fail(Error::invalid(field + ": " + id.error().message));
  return {};
}

// "" (the default) or proposals that parse to at least one suite.
template <typename Parse>
Status check_proposals(const std::string& field, const std::string& v, Parse parse) {
  if (v.empty()) return {};
  if (auto st = check_word(field, v, 1024); !st) return st;
  auto p = parse(v);
  if (!p) return fail(Error::invalid(field + ": " + p.error().message));
  if (p->empty()) return fail(Error::invalid(field + ": no proposal given"));
  return {};
}

Status check_lifetime(const std::string& field, uint32_t v) {
  if (v != 0 && (v < kMinLifetime || v > kMaxLifetime)) {
    return fail(Error::invalid(field + " " + std::to_string(v) + " is out of range (" + std::to_string(kMinLifetime) +
                               "-" + std::to_string(kMaxLifetime) + " seconds)"));
  }
  return {};
}

int64_t seconds(const std::optional<Clock::Duration>& d) {
  if (!d) return -1;
  auto s = std::chrono::duration_cast<std::chrono::seconds>(*d).count();
  return s < 0 ? 0 : s;
}

v1::IkeSa to_proto(const IkeSaView& v) {
  v1::IkeSa o;
  o.set_initiator(v.initiator);
  o.set_state(v.state);
  o.set_reason(v.reason);
  o.set_local_address(v.local.to_string());
  o.set_local_port(v.local_port);
  o.set_remote_address(v.remote.to_string());
  o.set_remote_port(v.remote_port);
  o.set_local_id(v.local_id);
  o.set_remote_id(v.remote_id);
  o.set_initiator_spi(format_ike_spi(v.spis.initiator));
  o.set_responder_spi(format_ike_spi(v.spis.responder));
  o.set_suite(v.suite);
  o.set_nat_t(v.nat_t);
  o.set_age_seconds(seconds(v.age));
  o.set_rekey_in_seconds(seconds(v.rekey_in));
  for (const auto& c : v.children) {
    auto* p = o.add_children();
    p->set_inbound_spi(c.spis.inbound);
    p->set_outbound_spi(c.spis.outbound);
    p->set_suite(c.suite);
    p->set_state(c.state);
    p->set_local_ts(c.local_ts);
    p->set_remote_ts(c.remote_ts);
    p->set_age_seconds(static_cast<uint64_t>(seconds(c.age)));
    p->set_rekey_in_seconds(seconds(c.rekey_in));
    p->set_udp_encapsulated(c.udp_encap);
  }
  auto* k = o.mutable_counters();
  k->set_received(v.counters.received);
  k->set_sent(v.counters.sent);
  k->set_retransmits(v.counters.retransmits);
  k->set_malformed(v.counters.malformed);
  k->set_integrity_failures(v.counters.integrity_failures);
  k->set_unexpected_responses(v.counters.unexpected_responses);
  k->set_duplicate_requests(v.counters.duplicate_requests);
  return o;
}

}  // namespace

v1::TunnelIke ike_to_proto(const TunnelIkeConfig& k) {
  v1::TunnelIke o;
  o.set_enabled(k.enabled());
  o.set_local_id(k.local_id);
  o.set_remote_id(k.remote_id);
  o.set_ike_proposals(k.ike_proposals_or_default());
  o.set_esp_proposals(k.esp_proposals_or_default());
  o.set_ike_lifetime(k.ike_lifetime_or_default());
  o.set_esp_lifetime(k.esp_lifetime_or_default());
  o.set_dpd_interval(k.dpd_interval_or_default());
  o.set_dpd_retries(k.dpd_retries_or_default());
  o.set_respond_only(k.respond_only);
  return o;
}

Status Gateway::apply_tunnel_ike(TunnelConfig& t, const v1::UpdateTunnelRequest& req) const {
  TunnelIkeConfig& k = t.ike;
  if (req.has_ike_pre_shared_key()) {
    const std::string& psk = req.ike_pre_shared_key();
    if (!psk.empty()) {
      if (psk.size() < kMinPskLength) {
        return fail(Error::invalid("ike_pre_shared_key is shorter than " + std::to_string(kMinPskLength) +
                                   " characters"));
      }
      if (auto st = check_word("ike_pre_shared_key", psk, kMaxPskLength); !st) return st;
    }
    k.pre_shared_key = psk;
  }
  if (req.has_ike_local_id()) {
    if (auto st = check_identity("ike_local_id", req.ike_local_id(), false); !st) return st;
    k.local_id = req.ike_local_id();
  }
  if (req.has_ike_remote_id()) {
    if (auto st = check_identity("ike_remote_id", req.ike_remote_id(), true); !st) return st;
    k.remote_id = req.ike_remote_id();
  }
  if (req.has_ike_proposals()) {
    if (auto st = check_proposals("ike_proposals", req.ike_proposals(), ike::parse_ike_proposals); !st) return st;
    k.ike_proposals = req.ike_proposals();
  }
  if (req.has_esp_proposals()) {
    if (auto st = check_proposals("esp_proposals", req.esp_proposals(), ike::parse_esp_proposals); !st) return st;
    k.esp_proposals = req.esp_proposals();
  }
  if (req.has_ike_lifetime()) {
    if (auto st = check_lifetime("ike_lifetime", req.ike_lifetime()); !st) return st;
    k.ike_lifetime = req.ike_lifetime();
  }
  if (req.has_esp_lifetime()) {
    if (auto st = check_lifetime("esp_lifetime", req.esp_lifetime()); !st) return st;
    k.esp_lifetime = req.esp_lifetime();
  }
  if (req.ike_dpd_default()) {
    k.dpd_interval.reset();
    k.dpd_retries = 0;
  }
  if (req.has_ike_dpd_interval()) {
    if (req.ike_dpd_interval() > kMaxDpdInterval) {
      return fail(Error::invalid("ike_dpd_interval " + std::to_string(req.ike_dpd_interval()) +
                                 " is out of range (0-" + std::to_string(kMaxDpdInterval) + " seconds)"));
    }
    k.dpd_interval = req.ike_dpd_interval();
  }
  if (req.has_ike_dpd_retries()) {
    if (req.ike_dpd_retries() > kMaxDpdRetries) {
      return fail(Error::invalid("ike_dpd_retries " + std::to_string(req.ike_dpd_retries()) +
                                 " is out of range (1-" + std::to_string(kMaxDpdRetries) + ")"));
    }
    k.dpd_retries = req.ike_dpd_retries();
  }
  if (req.has_ike_respond_only()) k.respond_only = req.ike_respond_only();
  if (k.enabled() && !t.sas.empty()) {
    return fail(Error::invalid("tunnel " + t.name + " has manually keyed SAs: remove them (no sa ...) before " +
                               "turning IKE on; a tunnel is keyed by IKE or by hand, not both"));
  }
  if (k.enabled() && t.remote && t.local) {
    for (const auto& [name, other] : model_.tunnels) {
      if (name != t.name && other.ike.enabled() && other.local == t.local && other.remote == t.remote) {
        return fail(Error::invalid("tunnel " + name + " already negotiates with IKE between " + t.local->to_string() +
                                   " and " + t.remote->to_string() + ": IKE tells tunnels apart by these addresses"));
      }
    }
  }
  return {};
}

// After the tunnel is in the dataplane: IKE follows its settings.
// A tunnel of a policy-based connection negotiates its subnets, plus its inside addresses (so
// that its health check and BGP pass) unless a subnet covers them; a side without subnets, and
// any other tunnel, negotiates 0.0.0.0/0 and ::/0.
std::pair<std::vector<Prefix>, std::vector<Prefix>> Gateway::tunnel_selectors(const TunnelConfig& t) const {
  IkeDriver::Selectors out;
  for (const auto& [name, c] : model_.vpn_connections) {
    if (c.local_subnets.empty() && c.remote_subnets.empty()) continue;
    bool member = std::any_of(c.tunnels.begin(), c.tunnels.end(), [&](const auto& x) { return x.tunnel == t.name; });
    if (!member) continue;
    auto add = [](std::vector<Prefix>& v, const std::set<Prefix>& subnets, std::optional<IpAddress> host) {
      v.assign(subnets.begin(), subnets.end());
      if (subnets.empty() || !host) return;  // none: any address (which covers the host)
      bool covered = std::any_of(subnets.begin(), subnets.end(), [&](const Prefix& p) { return p.contains(*host); });
      if (!covered) v.push_back(Prefix(*host, host->bit_length()));
    };
    std::optional<IpAddress> mine = t.inside ? std::optional<IpAddress>(t.inside->address) : std::nullopt;
    std::optional<IpAddress> peer = t.inside ? point_to_point_peer(*t.inside) : std::nullopt;
    add(out.first, c.local_subnets, mine);
    add(out.second, c.remote_subnets, peer);
    break;
  }
  return out;
}

void Gateway::sync_tunnel_ike(const TunnelConfig& t) {
  auto& rt = *tunnels_;
  if (!rt.dataplane) return;
  if (!rt.ike) {
    rt.ike = std::make_unique<IkeDriver>(rt.io, *rt.dataplane);
    rt.ike->set_event_sink([this](const IkeEventView& v) {
      refresh_tunnel_keys(v.tunnel);
      publish_ike_event(v);
    });
  }
  if (!t.ike.enabled()) {
    rt.ike->remove_tunnel(t.name);
    return;
  }
  if (auto st = rt.ike->set_tunnel(t, tunnel_selectors(t)); !st) {
    if (rt.failed[t.name] != st.error().message) {
      VGW_LOG(kError, "ike") << "tunnel " << t.name << ": " << st.error().message;
    }
    rt.failed[t.name] = st.error().message;
  }
}

Result<v1::ListIkeSasResponse> Gateway::list_ike_sas(const v1::ListIkeSasRequest& req) const {
  v1::ListIkeSasResponse r;
  if (!req.tunnel().empty()) {
    auto it = model_.tunnels.find(req.tunnel());
    if (it == model_.tunnels.end()) return fail(Error::not_found("tunnel '" + req.tunnel() + "' does not exist"));
    if (!it->second.ike.enabled()) {
      return fail(Error::not_found("tunnel '" + req.tunnel() + "' does not negotiate with IKE (no ike pre-shared-key)"));
    }
  }
  std::map<std::string, IkeTunnelView> views;
  if (tunnels_ && tunnels_->ike) {
    for (auto& v : tunnels_->ike->view(req.tunnel())) views.emplace(v.tunnel, std::move(v));
    const auto& c = tunnels_->ike->counters();
    auto* g = r.mutable_counters();
    g->set_received(c.received);
    g->set_unknown_peer(c.unknown_peer);
    g->set_unmatched(c.unmatched);
    g->set_half_open_drops(c.half_open_drops);
    g->set_send_errors(c.send_errors);
    g->set_cookies_sent(c.cookies_sent);
    g->set_half_open_expired(c.half_open_expired);
  }
  auto* sum = r.mutable_summary();
  for (const auto& [name, t] : model_.tunnels) {
    if (!t.ike.enabled() || (!req.tunnel().empty() && name != req.tunnel())) continue;
    sum->set_tunnels(sum->tunnels() + 1);
    auto v = views.find(name);
    const std::string status = v == views.end() ? "down" : v->second.status;
    if (status == "established") sum->set_established(sum->established() + 1);
    else if (status == "connecting") sum->set_connecting(sum->connecting() + 1);
    else if (status == "waiting") sum->set_waiting(sum->waiting() + 1);
    else sum->set_down(sum->down() + 1);
    if (v != views.end()) {
      sum->set_ike_sas(sum->ike_sas() + static_cast<uint32_t>(v->second.sas.size()));
      for (const auto& sa : v->second.sas) sum->set_child_sas(sum->child_sas() + static_cast<uint32_t>(sa.children.size()));
    }
    if (req.summary_only()) continue;
    auto* o = r.add_tunnels();
    o->set_tunnel(name);
    o->set_respond_only(t.ike.respond_only);
    o->set_next_attempt_in_seconds(-1);
    if (v == views.end()) {
      // Not running: the tunnel itself is not up (incomplete, or refused by the dataplane).
      o->set_status("down");
      v1::Tunnel described = describe_tunnel(t);
      o->set_last_error("tunnel " + described.state().status() +
                        (described.state().reason().empty() ? "" : ": " + described.state().reason()));
      continue;
    }
    o->set_status(v->second.status);
    o->set_last_error(v->second.last_error);
    o->set_next_attempt_in_seconds(seconds(v->second.next_attempt_in));
    for (const auto& sa : v->second.sas) *o->add_sas() = to_proto(sa);
  }
  return r;
}

namespace {
Status ike_tunnel_exists(const ConfigModel& model, const std::string& name) {
  if (name.empty()) return fail(Error::invalid("tunnel is required"));
  auto it = model.tunnels.find(name);
  if (it == model.tunnels.end()) return fail(Error::not_found("tunnel '" + name + "' does not exist"));
  if (!it->second.ike.enabled()) {
    return fail(Error::not_found("tunnel '" + name + "' does not negotiate with IKE (no ike pre-shared-key)"));
  }
  return {};
}
}  // namespace

Result<IkeDriver*> Gateway::running_ike(const std::string& tunnel) const {
  if (auto st = ike_tunnel_exists(model_, tunnel); !st) return fail(st.error());
  if (!tunnels_ || !tunnels_->ike || !tunnels_->ike->has_tunnel(tunnel)) {
    return fail(Error::unavailable("tunnel '" + tunnel + "' is not up in the dataplane yet (see show tunnel)"));
  }
  return tunnels_->ike.get();
}

Result<v1::InitiateIkeResponse> Gateway::initiate_ike(const v1::InitiateIkeRequest& req) {
  auto ike = running_ike(req.tunnel());
  if (!ike) return fail(ike.error());
  if (auto st = (*ike)->initiate(req.tunnel()); !st) return fail(st.error());
  return v1::InitiateIkeResponse{};
}

Result<v1::RekeyIkeResponse> Gateway::rekey_ike(const v1::RekeyIkeRequest& req) {
  auto ike = running_ike(req.tunnel());
  if (!ike) return fail(ike.error());
  if (auto st = (*ike)->rekey(req.tunnel(), req.child()); !st) return fail(st.error());
  return v1::RekeyIkeResponse{};
}

Result<v1::TerminateIkeResponse> Gateway::terminate_ike(const v1::TerminateIkeRequest& req) {
  auto ike = running_ike(req.tunnel());
  if (!ike) return fail(ike.error());
  if (auto st = (*ike)->reset(req.tunnel()); !st) return fail(st.error());
  VGW_LOG(kInfo, "ike") << "tunnel " << req.tunnel() << ": IKE SAs cleared by the operator";
  return v1::TerminateIkeResponse{};
}

// ---- IkeService.Watch ------------------------------------------------------------------------


Result<std::unique_ptr<api::ServerStream>> Gateway::watch_ike(const v1::WatchIkeRequest& req) {
  if (!req.tunnel().empty()) {
    if (auto st = ike_tunnel_exists(model_, req.tunnel()); !st) return fail(st.error());
  }
  auto subscribe = [this](std::function<void(const v1::IkeEvent&)> sink) {
    uint64_t id = add_ike_event_sink(std::move(sink));
    return std::function<void()>([this, id] { remove_ike_event_sink(id); });
  };
  std::function<bool(const v1::IkeEvent&)> filter;
  if (!req.tunnel().empty()) filter = [t = req.tunnel()](const v1::IkeEvent& e) { return e.tunnel() == t; };
  return std::unique_ptr<api::ServerStream>(
      std::make_unique<QueuedEventStream<v1::IkeEvent, v1::WatchIkeResponse>>(subscribe, std::move(filter)));
}

uint64_t Gateway::add_ike_event_sink(IkeEventSink sink) {
  uint64_t id = next_sink_id_++;
  ike_event_sinks_.emplace(id, std::move(sink));
  return id;
}

void Gateway::remove_ike_event_sink(uint64_t id) { ike_event_sinks_.erase(id); }

void Gateway::publish_ike_event(const IkeEventView& v) {
  if (ike_event_sinks_.empty()) return;
  v1::IkeEvent e;
  e.set_tunnel(v.tunnel);
  e.set_kind(v.kind);
  e.set_initiator_spi(format_ike_spi(v.spis.initiator));
  e.set_responder_spi(format_ike_spi(v.spis.responder));
  e.set_inbound_spi(v.child.inbound);
  e.set_outbound_spi(v.child.outbound);
  e.set_reason(v.reason);
  e.set_peer(v.peer.to_string());
  e.set_unix_time_ms(static_cast<uint64_t>(unix_ms_now()));
  for (auto& [id, sink] : ike_event_sinks_) sink(e);
}

}  // namespace vgw::routing
