// The Gateway's TunnelService: `tunnel NAME` blocks with manually keyed SAs or IKE settings
// (validated, persisted, then applied to the ESP dataplane as a diff; IKE is handed to the
// IkeDriver, gateway_ike.cc), and the tunnels' and SAs' state as the API shows it.
//
// The dataplane (vgw::esp::Dataplane: TUN interfaces, UDP 4500 / raw ESP sockets, worker
// threads) is created when the first complete tunnel is configured after start_kernel(). A
// tunnel the dataplane refuses (e.g. its local address is not on this host yet) keeps its
// configuration, shows the reason, and is retried every few seconds. SA events (lifetimes,
// sequence exhaustion) arrive through the dataplane's eventfd on the control thread.
#include <unistd.h>

#include <algorithm>
#include <string_view>

#include "vgw/base/hex.h"
#include "vgw/base/log.h"
#include "vgw/esp/dataplane/dataplane.h"
#include "vgw/esp/replay_window.h"
#include "gateway_state.h"

namespace vgw::routing {

v1::TunnelIke ike_to_proto(const TunnelIkeConfig& k);  // gateway_ike.cc
v1::TunnelHealthCheck health_check_to_proto(const TunnelConfig& t);  // gateway_health.cc

namespace {

constexpr std::chrono::seconds kRetryInterval{3};

esp::Direction to_esp(SaDirection d) {
  return d == SaDirection::kInbound ? esp::Direction::kInbound : esp::Direction::kOutbound;
}

v1::SaDirection to_proto(SaDirection d) {
  return d == SaDirection::kInbound ? v1::INBOUND : v1::OUTBOUND;
}

const char* direction_word(SaDirection d) { return d == SaDirection::kInbound ? "inbound" : "outbound"; }

// Hex key material ("0x" optional) -> lower-case hex without prefix. The message never
// repeats the key.
Result<std::string> normalize_key(const std::string& field, const std::string& text) {
  auto bytes = parse_hex(text);
  if (!bytes) return fail(Error::invalid(field + ": " + bytes.error().message));
  if (bytes->empty()) return fail(Error::invalid(field + " is required"));
  std::string hex = to_hex(*bytes);
  std::fill(bytes->begin(), bytes->end(), uint8_t{0});
  return hex;
}

// Key bytes for the dataplane, wiped once handed over (the SA copies them into its contexts).
struct KeyBytes {
  std::vector<uint8_t> bytes;
  explicit KeyBytes(const std::string& hex) {
    if (auto b = parse_hex(hex)) bytes = std::move(*b);  // validated when configured
  }
  ~KeyBytes() { std::fill(bytes.begin(), bytes.end(), uint8_t{0}); }
};

v1::TunnelConfig to_proto(const TunnelConfig& t) {
  v1::TunnelConfig c;
  c.set_name(t.name);
  if (t.local) c.set_local(t.local->to_string());
  if (t.remote) c.set_remote(t.remote->to_string());
  if (t.inside) c.set_inside(t.inside->to_string());
  c.set_encapsulation(t.udp_encapsulation ? "udp" : "esp");
  c.set_mtu(t.mtu);
  c.set_description(t.description);
  *c.mutable_ike() = ike_to_proto(t.ike);
  if (t.health_check) *c.mutable_health_check() = health_check_to_proto(t);
  c.set_shutdown(t.shutdown);
  if (t.bfd) {
    auto* b = c.mutable_bfd();
    b->set_detect_multiplier(t.bfd->detect_multiplier);
    b->set_receive_interval_ms(t.bfd->receive_interval_ms);
    b->set_transmit_interval_ms(t.bfd->transmit_interval_ms);
  }
  return c;
}

v1::SaConfig to_proto(const std::string& tunnel, const TunnelSaConfig& sa) {
  v1::SaConfig c;
  c.set_tunnel(tunnel);
  c.set_direction(to_proto(sa.direction));
  c.set_spi(sa.spi);
  c.set_algorithm(sa.algorithm);
  c.set_esn(sa.esn);
  c.set_replay_window(sa.replay_window);
  return c;
}

void fill(v1::TunnelCounters& out, const esp::TunnelCounters& c) {
  out.set_tx_packets(c.tx_packets);
  out.set_tx_bytes(c.tx_bytes);
  out.set_rx_packets(c.rx_packets);
  out.set_rx_bytes(c.rx_bytes);
  out.set_replay_drops(c.replay_drops);
  out.set_integrity_failures(c.integrity_failures);
  out.set_malformed(c.malformed);
  out.set_expired(c.expired);
  out.set_no_sa_drops(c.no_sa_drops);
  out.set_errors(c.errors);
  out.set_dummy(c.dummy);
  out.set_too_big(c.too_big);
}

void fill(v1::SecurityAssociation& out, const esp::SaState& s) {
  out.set_installed(true);
  out.set_active(s.active);
  out.set_worker(s.worker);
  auto* c = out.mutable_counters();
  c->set_packets(s.counters.packets);
  c->set_bytes(s.counters.bytes);
  c->set_replay_drops(s.counters.replay_drops);
  c->set_integrity_failures(s.counters.integrity_failures);
  c->set_malformed(s.counters.malformed);
  c->set_expired(s.counters.expired);
  c->set_errors(s.counters.errors);
  c->set_dummy(s.counters.dummy);
  out.set_last_sequence(s.last_sequence);
  out.set_replay_top(s.replay_top);
  out.set_replay_bitmap(s.replay_bitmap);
  out.set_replay_window(s.replay_window);
  out.mutable_lifetime()->set_state(esp::lifetime_state_name(s.lifetime_status.state));
  out.mutable_lifetime()->set_cause(esp::lifetime_cause_name(s.lifetime_status.cause));
}

}  // namespace

Status Gateway::validate_tunnel(const TunnelConfig& t, const TunnelConfig* before) const {
  if (t.local && t.remote && t.local->family() != t.remote->family()) {
    return fail(Error::invalid("local " + t.local->to_string() + " and remote " + t.remote->to_string() +
                               " are of different address families"));
  }
  if (t.local && t.remote && *t.local == *t.remote) {
    return fail(Error::invalid("local and remote are the same address"));
  }
  if (t.mtu && (t.mtu < 576 || t.mtu > 9000)) {
    return fail(Error::invalid("mtu " + std::to_string(t.mtu) + " is out of range (576-9000)"));
  }
  if (t.mtu && t.inside && t.inside->address.family() == Family::kIpv6 && t.mtu < 1280) {
    return fail(Error::invalid("mtu " + std::to_string(t.mtu) + " is below IPv6's minimum of 1280"));
  }
  // Overlaps: only when the inside network is new (each tunnel's was checked when it was set).
  if (t.inside && (!before || !before->inside || before->inside->network() != t.inside->network())) {
    const Prefix mine = t.inside->network();
    for (const auto& [name, other] : model_.tunnels) {
      if (!other.inside || other.inside->address.family() != mine.family() || name == t.name) continue;
      const Prefix theirs = other.inside->network();
      if (theirs.contains(mine) || mine.contains(theirs)) {
        return fail(Error::invalid("inside " + t.inside->to_string() + " overlaps tunnel " + name + "'s " +
                                   other.inside->to_string()));
      }
    }
  }
  return {};
}

Result<v1::Tunnel> Gateway::create_tunnel(const v1::CreateTunnelRequest& req) {
  const auto& c = req.tunnel();
  if (auto s = validate_resource_name("name", c.name()); !s) return fail(s.error());
  if (model_.tunnels.count(c.name())) return fail(Error::exists("tunnel '" + c.name() + "' already exists"));
  v1::UpdateTunnelRequest u;
  u.set_name(c.name());
  u.set_local(c.local());
  u.set_remote(c.remote());
  u.set_inside(c.inside());
  u.set_encapsulation(c.encapsulation().empty() ? "udp" : c.encapsulation());
  u.set_mtu(c.mtu());
  u.set_description(c.description());
  if (!req.ike_pre_shared_key().empty()) {
    const auto& k = c.ike();
    u.set_ike_pre_shared_key(req.ike_pre_shared_key());
    u.set_ike_local_id(k.local_id());
    u.set_ike_remote_id(k.remote_id());
    u.set_ike_proposals(k.ike_proposals());
    u.set_esp_proposals(k.esp_proposals());
    u.set_ike_lifetime(k.ike_lifetime());
    u.set_esp_lifetime(k.esp_lifetime());
    if (k.dpd_interval() || k.dpd_retries()) {
      u.set_ike_dpd_interval(k.dpd_interval());
      u.set_ike_dpd_retries(k.dpd_retries());
    }
    u.set_ike_respond_only(k.respond_only());
  } else if (c.ike().enabled()) {
    return fail(Error::invalid("tunnel.ike.enabled needs ike_pre_shared_key"));
  }
  if (c.has_health_check()) *u.mutable_health_check() = c.health_check();
  if (c.shutdown()) u.set_shutdown(true);
  TunnelConfig t;
  t.name = c.name();
  return apply_tunnel(std::move(t), u, "created");
}

Result<v1::Tunnel> Gateway::update_tunnel(const v1::UpdateTunnelRequest& req) {
  if (auto s = validate_resource_name("name", req.name()); !s) return fail(s.error());
  auto it = model_.tunnels.find(req.name());
  if (it == model_.tunnels.end()) return fail(Error::not_found("tunnel '" + req.name() + "' does not exist"));
  return apply_tunnel(it->second, req, "changed");
}

Result<v1::Tunnel> Gateway::apply_tunnel(TunnelConfig t, const v1::UpdateTunnelRequest& req, const char* verb) {
  if (req.has_local()) {
    auto a = parse_optional_unicast("local", req.local());
    if (!a) return fail(a.error());
    t.local = *a;
  }
  if (req.has_remote()) {
    auto a = parse_optional_unicast("remote", req.remote());
    if (!a) return fail(a.error());
    t.remote = *a;
  }
  if (req.has_inside()) {
    if (req.inside().empty()) {
      t.inside.reset();
    } else {
      auto a = InterfaceAddress::parse(req.inside());
      if (!a) return fail(Error::invalid("inside: " + a.error().message));
      t.inside = *a;
    }
  }
  if (req.has_encapsulation()) {
    if (req.encapsulation() != "udp" && req.encapsulation() != "esp") {
      return fail(Error::invalid("encapsulation '" + req.encapsulation() + "' is not udp or esp"));
    }
    t.udp_encapsulation = req.encapsulation() == "udp";
  }
  if (req.has_mtu()) t.mtu = req.mtu();
  if (req.has_shutdown()) t.shutdown = req.shutdown();
  if (req.has_description()) {
    if (auto s = validate_description("description", req.description()); !s) return fail(s.error());
    t.description = req.description();
  }
  if (auto s = apply_tunnel_ike(t, req); !s) return fail(s.error());
  if (auto s = apply_tunnel_health(t, req); !s) return fail(s.error());
  if (auto s = apply_tunnel_bfd(t, req); !s) return fail(s.error());
  auto it = model_.tunnels.find(t.name);
  if (it != model_.tunnels.end() && it->second == t) return describe_tunnel(t);
  if (auto s = validate_tunnel(t, it == model_.tunnels.end() ? nullptr : &it->second); !s) return fail(s.error());
  if (auto s = validate_tunnel_health(t); !s) return fail(s.error());
  if (auto s = commit_tunnel(t); !s) return fail(s.error());
  // A config file sets a tunnel line by line: one "created" for it, not a "changed" per line.
  if (persist_ || std::string_view(verb) != "changed") {
    VGW_LOG(kInfo, "tunnel") << "tunnel " << t.name << " " << verb;
  }
  return describe_tunnel(model_.tunnels.at(t.name));
}

Result<v1::DeleteTunnelResponse> Gateway::delete_tunnel(const v1::DeleteTunnelRequest& req) {
  if (req.name().empty()) return fail(Error::invalid("name is required"));
  if (!model_.tunnels.count(req.name())) return fail(Error::not_found("tunnel '" + req.name() + "' does not exist"));
  for (const auto& [name, c] : model_.vpn_connections) {
    for (const auto& t : c.tunnels) {
      if (t.tunnel == req.name()) {
        return fail(Error::precondition("tunnel '" + req.name() + "' belongs to VPN connection " + name +
                                        "; remove it from the connection first"));
      }
    }
  }
  ConfigModel next = model_;
  next.tunnels.erase(req.name());
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  VGW_LOG(kInfo, "tunnel") << "tunnel " << req.name() << " deleted";
  return v1::DeleteTunnelResponse{};
}

Result<v1::ListTunnelsResponse> Gateway::list_tunnels(const v1::ListTunnelsRequest& req) const {
  v1::ListTunnelsResponse r;
  if (tunnels_ && tunnels_->dataplane) {
    auto* d = r.mutable_dataplane();
    auto c = tunnels_->dataplane->counters();
    d->set_running(true);
    d->set_workers(tunnels_->dataplane->worker_count());
    d->set_no_sa_drops(c.no_sa_drops);
    d->set_malformed(c.malformed);
    d->set_keepalives(c.keepalives);
    d->set_ike_datagrams(c.ike_datagrams);
    d->set_errors(c.errors);
  } else if (tunnels_) {
    r.mutable_dataplane()->set_problem(tunnels_->problem);
  }
  if (!req.name().empty()) {
    auto it = model_.tunnels.find(req.name());
    if (it == model_.tunnels.end()) return fail(Error::not_found("tunnel '" + req.name() + "' does not exist"));
    *r.add_tunnels() = describe_tunnel(it->second);
    return r;
  }
  for (const auto& [name, t] : model_.tunnels) *r.add_tunnels() = describe_tunnel(t);
  return r;
}

Result<v1::SecurityAssociation> Gateway::add_sa(const v1::AddSaRequest& req) {
  const auto& c = req.sa();
  auto it = model_.tunnels.find(c.tunnel());
  if (c.tunnel().empty()) return fail(Error::invalid("sa.tunnel is required"));
  if (it == model_.tunnels.end()) return fail(Error::not_found("tunnel '" + c.tunnel() + "' does not exist"));
  if (it->second.ike.enabled()) {
    return fail(Error::invalid("tunnel " + c.tunnel() + " negotiates its SAs with IKE (ike pre-shared-key): " +
                               "turn IKE off before keying it by hand"));
  }
  if (c.direction() != v1::INBOUND && c.direction() != v1::OUTBOUND) {
    return fail(Error::invalid("sa.direction must be INBOUND or OUTBOUND"));
  }
  TunnelSaConfig sa;
  sa.direction = c.direction() == v1::INBOUND ? SaDirection::kInbound : SaDirection::kOutbound;
  if (c.spi() < 256) {
    return fail(Error::invalid("sa.spi " + std::to_string(c.spi()) + " is reserved (RFC 4303 2.1: 1-255 reserved, 0 invalid)"));
  }
  sa.spi = c.spi();
  auto transform = esp::parse_transform(c.algorithm());
  if (!transform) return fail(Error::invalid("sa.algorithm: " + transform.error().message));
  sa.algorithm = transform->name();
  auto ek = normalize_key("encryption_key", req.encryption_key());
  if (!ek) return fail(ek.error());
  if (ek->size() != 2 * transform->encryption_key_size()) {
    return fail(Error::invalid("encryption_key must be " + std::to_string(transform->encryption_key_size()) +
                               " octets for " + sa.algorithm +
                               (transform->is_aead() ? " (key and 4-octet salt)" : "") + ", got " +
                               std::to_string(ek->size() / 2)));
  }
  sa.encryption_key = *ek;
  if (transform->is_aead()) {
    if (!req.integrity_key().empty()) {
      return fail(Error::invalid("integrity_key is not used by " + sa.algorithm + " (combined-mode cipher)"));
    }
  } else {
    auto ik = normalize_key("integrity_key", req.integrity_key());
    if (!ik) return fail(Error::invalid(ik.error().message + " for " + sa.algorithm));
    if (ik->size() != 2 * transform->integrity_key_size()) {
      return fail(Error::invalid("integrity_key must be " + std::to_string(transform->integrity_key_size()) +
                                 " octets for " + sa.algorithm + ", got " + std::to_string(ik->size() / 2)));
    }
    sa.integrity_key = *ik;
  }
  sa.esn = c.esn();
  if (c.replay_window()) {
    if (sa.direction != SaDirection::kInbound) {
      return fail(Error::invalid("sa.replay_window applies to inbound SAs only"));
    }
    if (!esp::ReplayWindow::valid_size(c.replay_window())) {
      return fail(Error::invalid("sa.replay_window " + std::to_string(c.replay_window()) +
                                 " must be a power of two from 64 to 65536"));
    }
    sa.replay_window = c.replay_window();
  }
  if (sa.direction == SaDirection::kInbound) {
    for (const auto& [name, t] : model_.tunnels) {
      if (name == c.tunnel()) continue;
      for (const auto& other : t.sas) {
        if (other.direction == SaDirection::kInbound && other.spi == sa.spi) {
          return fail(Error::exists("inbound SPI " + format_spi(sa.spi) + " is already used by tunnel " + name));
        }
      }
    }
  }
  TunnelConfig t = it->second;
  auto same = std::find_if(t.sas.begin(), t.sas.end(), [&](const TunnelSaConfig& o) {
    return o.direction == sa.direction && o.spi == sa.spi;
  });
  if (same != t.sas.end()) {
    if (*same == sa) return describe_sa(t, sa);
    t.sas.erase(same);  // replaced: the new one goes last (for outbound: becomes active)
  }
  t.sas.push_back(sa);
  ConfigModel next = model_;
  next.tunnels[t.name] = t;
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  VGW_LOG(kInfo, "tunnel") << "tunnel " << t.name << ": " << direction_word(sa.direction) << " SA "
                           << format_spi(sa.spi) << " " << sa.algorithm << " added";
  return describe_sa(model_.tunnels.at(t.name), sa);
}

Result<v1::DeleteSaResponse> Gateway::delete_sa(const v1::DeleteSaRequest& req) {
  auto it = model_.tunnels.find(req.tunnel());
  if (req.tunnel().empty()) return fail(Error::invalid("tunnel is required"));
  if (it == model_.tunnels.end()) return fail(Error::not_found("tunnel '" + req.tunnel() + "' does not exist"));
  if (req.direction() != v1::INBOUND && req.direction() != v1::OUTBOUND) {
    return fail(Error::invalid("direction must be INBOUND or OUTBOUND"));
  }
  SaDirection d = req.direction() == v1::INBOUND ? SaDirection::kInbound : SaDirection::kOutbound;
  TunnelConfig t = it->second;
  auto same = std::find_if(t.sas.begin(), t.sas.end(),
                           [&](const TunnelSaConfig& o) { return o.direction == d && o.spi == req.spi(); });
  if (same == t.sas.end()) {
    return fail(Error::not_found(std::string("tunnel ") + t.name + " has no " + direction_word(d) + " SA " +
                                 format_spi(req.spi())));
  }
  t.sas.erase(same);
  ConfigModel next = model_;
  next.tunnels[t.name] = t;
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  VGW_LOG(kInfo, "tunnel") << "tunnel " << t.name << ": " << direction_word(d) << " SA " << format_spi(req.spi())
                           << " deleted";
  return v1::DeleteSaResponse{};
}

Result<v1::ListSasResponse> Gateway::list_sas(const v1::ListSasRequest& req) const {
  v1::ListSasResponse r;
  if (!req.tunnel().empty() && !model_.tunnels.count(req.tunnel())) {
    return fail(Error::not_found("tunnel '" + req.tunnel() + "' does not exist"));
  }
  for (const auto& [name, t] : model_.tunnels) {
    if (!req.tunnel().empty() && name != req.tunnel()) continue;
    for (const auto& sa : t.sas) *r.add_sas() = describe_sa(t, sa);
    if (!t.ike.enabled() || !tunnels_ || !tunnels_->ike) continue;
    // The SAs IKE negotiated, as installed in the dataplane.
    for (const auto& view : tunnels_->ike->view(name)) {
      for (const auto& ike_sa : view.sas) {
        for (const auto& child : ike_sa.children) {
          for (SaDirection d : {SaDirection::kInbound, SaDirection::kOutbound}) {
            TunnelSaConfig c;
            c.direction = d;
            c.spi = d == SaDirection::kInbound ? child.spis.inbound : child.spis.outbound;
            c.algorithm = child.transform;
            c.esn = child.esn;
            v1::SecurityAssociation out = describe_sa(t, c);
            out.set_has_keys(true);
            out.set_keyed_by("ike");
            *r.add_sas() = std::move(out);
          }
        }
      }
    }
  }
  return r;
}

v1::SecurityAssociation Gateway::describe_sa(const TunnelConfig& t, const TunnelSaConfig& sa) const {
  v1::SecurityAssociation out;
  *out.mutable_config() = to_proto(t.name, sa);
  out.set_has_keys(!sa.encryption_key.empty());
  out.set_keyed_by("manual");
  if (tunnels_ && tunnels_->dataplane && tunnels_->installed.count(t.name)) {
    auto st = tunnels_->dataplane->sa_state(t.name, to_esp(sa.direction), sa.spi);
    if (st) fill(out, *st);
  }
  return out;
}

v1::Tunnel Gateway::describe_tunnel(const TunnelConfig& t) const {
  v1::Tunnel out;
  *out.mutable_config() = to_proto(t);
  auto* s = out.mutable_state();
  if (!t.complete()) {
    std::string missing;
    if (!t.local) missing += "local";
    if (!t.remote) missing += std::string(missing.empty() ? "" : ", ") + "remote";
    if (!t.inside) missing += std::string(missing.empty() ? "" : ", ") + "inside";
    s->set_status("incomplete");
    s->set_reason("not configured: " + missing);
    return out;
  }
  if (!tunnels_ || !tunnels_->dataplane) {
    s->set_status("error");
    s->set_reason(tunnels_ && !tunnels_->problem.empty() ? "dataplane: " + tunnels_->problem
                                                         : "the dataplane is not running");
    return out;
  }
  if (auto f = tunnels_->failed.find(t.name); f != tunnels_->failed.end()) {
    s->set_status("error");
    s->set_reason(f->second + " (retrying)");
    return out;
  }
  auto info = tunnels_->dataplane->tunnel(t.name);
  if (!info) {
    s->set_status("error");
    s->set_reason(info.error().message);
    return out;
  }
  s->set_interface_name(info->interface_name);
  s->set_ifindex(info->ifindex);
  s->set_mtu(info->mtu);
  s->set_worker(info->worker);
  if (info->active_outbound_spi) s->set_active_outbound_spi(*info->active_outbound_spi);
  for (uint32_t spi : info->outbound_spis) s->add_outbound_spis(spi);
  for (uint32_t spi : info->inbound_spis) s->add_inbound_spis(spi);
  if (auto c = tunnels_->dataplane->counters(t.name)) fill(*s->mutable_counters(), *c);
  describe_health(t.name, *s);
  if (!info->active_outbound_spi && t.ike.enabled()) {
    s->set_status("down");
    std::string why = "IKE: not negotiated yet";
    if (tunnels_->ike) {
      for (const auto& v : tunnels_->ike->view(t.name)) {
        why = "IKE " + v.status + (v.last_error.empty() ? "" : ": " + v.last_error);
      }
    }
    s->set_reason(why);
  } else if (!info->active_outbound_spi) {
    s->set_status("down");
    s->set_reason("no outbound SA");
  } else if (info->inbound_spis.empty()) {
    s->set_status("down");
    s->set_reason("no inbound SA");
  } else if (s->has_health() && !s->health().up()) {
    s->set_status("down");
    s->set_reason(s->health().reason());
  } else {
    s->set_status("up");
  }
  return out;
}

// ---- applying the configuration to the dataplane --------------------------------------------

void Gateway::start_tunnels(boost::asio::io_context& io) {
  tunnels_ = std::make_unique<TunnelRuntime>(io);
  sync_tunnels();
}

void Gateway::stop_tunnels() {
  if (!tunnels_) return;
  tunnels_->retry.cancel();
  if (tunnels_->events) {
    tunnels_->events->cancel();
    tunnels_->events.reset();
  }
  if (tunnels_->dataplane) {
    VGW_LOG(kInfo, "tunnel") << "removing " << tunnels_->installed.size() << " tunnel interface(s)";
  }
  tunnels_.reset();  // joins the workers, closes the TUNs and sockets
}

Status Gateway::ensure_dataplane() {
  auto& rt = *tunnels_;
  if (rt.dataplane) return {};
  auto d = esp::Dataplane::create();
  if (!d) {
    rt.problem = d.error().message;
    VGW_LOG(kError, "tunnel") << "ESP dataplane could not start: " << rt.problem;
    return fail(d.error());
  }
  rt.problem.clear();
  rt.dataplane = std::move(*d);
  rt.events = std::make_unique<boost::asio::posix::stream_descriptor>(rt.retry.get_executor(),
                                                                      ::dup(rt.dataplane->event_fd()));
  VGW_LOG(kInfo, "tunnel") << "ESP dataplane started with " << rt.dataplane->worker_count() << " worker(s)";
  watch_dataplane_events();
  return {};
}

void Gateway::watch_dataplane_events() {
  tunnels_->events->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                               [this](const boost::system::error_code& ec) {
                                 if (ec || !tunnels_ || !tunnels_->dataplane) return;
                                 drain_dataplane_events();
                                 watch_dataplane_events();
                               });
}

void Gateway::drain_dataplane_events() {
  auto& d = *tunnels_->dataplane;
  for (const auto& e : d.take_sa_events()) {
    if (tunnels_->ike && tunnels_->ike->on_sa_event(e)) continue;  // IKE rekeys or removes it
    std::string what = "tunnel " + e.tunnel + ": " +
                       (e.direction == esp::Direction::kInbound ? "inbound" : "outbound") + " SA " +
                       format_spi(e.spi) + " " + esp::sa_event_kind_name(e.kind) + " (" +
                       esp::lifetime_cause_name(e.cause) + ")";
    if (e.kind == esp::SaEventKind::kSoftExpired) {
      VGW_LOG(kInfo, "tunnel") << what << ": manual SA, rekey by configuring a new one";
    } else {
      VGW_LOG(kWarning, "tunnel") << what;
    }
  }
  auto ike = d.take_ike_datagrams();
  if (tunnels_->ike) {
    tunnels_->ike->on_nat_t_datagrams(ike);
  } else if (!ike.empty()) {
    if (tunnels_->ike_dropped == 0) {
      VGW_LOG(kInfo, "tunnel") << "IKE message from " << ike.front().remote.to_string()
                               << " dropped: IKE is not configured";
    }
    tunnels_->ike_dropped += ike.size();
  }
}

void Gateway::sync_tunnels() {
  if (!tunnels_) return;  // not started: start_tunnels applies the whole model
  auto& rt = *tunnels_;
  // Gone or changed beyond the SAs: remove from the dataplane.
  for (auto it = rt.installed.begin(); it != rt.installed.end();) {
    auto now = model_.tunnels.find(it->first);
    bool keep = now != model_.tunnels.end() && now->second.complete() &&
                now->second.endpoint_key() == it->second.endpoint_key();
    if (keep) {
      ++it;
      continue;
    }
    if (rt.ike) rt.ike->remove_tunnel(it->first);
    if (auto ifname = tunnel_interface(it->first)) forget_tunnel_health(it->first, *ifname);
    if (auto st = rt.dataplane->remove_tunnel(it->first); !st) {
      VGW_LOG(kError, "tunnel") << "tunnel " << it->first << ": removal failed: " << st.error().message;
    }
    it = rt.installed.erase(it);
  }
  for (auto it = rt.failed.begin(); it != rt.failed.end();) {
    it = model_.tunnels.count(it->first) ? std::next(it) : rt.failed.erase(it);
  }
  for (const auto& [name, t] : model_.tunnels) {
    if (!t.complete()) {
      rt.failed.erase(name);
      continue;
    }
    if (auto st = apply_to_dataplane(t); !st) {
      if (rt.failed[name] != st.error().message) {
        VGW_LOG(kError, "tunnel") << "tunnel " << name << " is not up: " << st.error().message;
      }
      rt.failed[name] = st.error().message;
    } else {
      rt.failed.erase(name);
      sync_tunnel_ike(t);
      sync_tunnel_health(t);
    }
  }
  sync_bfd();  // tunnels with `bfd` run their sessions on the interfaces that now exist
  if ((!rt.failed.empty() || (!rt.dataplane && !rt.problem.empty())) && !rt.retry_armed) {
    rt.retry_armed = true;
    rt.retry.expires_after(kRetryInterval);
    rt.retry.async_wait([this](const boost::system::error_code& ec) {
      if (ec || !tunnels_) return;
      tunnels_->retry_armed = false;
      sync_tunnels();
    });
  }
}

Status Gateway::apply_to_dataplane(const TunnelConfig& t) {
  auto& rt = *tunnels_;
  auto inst = rt.installed.find(t.name);
  if (inst != rt.installed.end() && inst->second.sas == t.sas) return {};
  if (auto st = ensure_dataplane(); !st) return st;
  auto& d = *rt.dataplane;
  if (inst == rt.installed.end()) {
    esp::TunnelSpec spec;
    spec.name = t.name;
    spec.local = *t.local;
    spec.remote = *t.remote;
    spec.inside = *t.inside;
    spec.encapsulation = t.udp_encapsulation ? esp::Encapsulation::kUdp : esp::Encapsulation::kEsp;
    if (t.mtu) spec.mtu = t.mtu;
    if (auto st = d.add_tunnel(spec); !st) return st;
    TunnelConfig empty = t;
    empty.sas.clear();
    inst = rt.installed.emplace(t.name, std::move(empty)).first;
    VGW_LOG(kInfo, "tunnel") << "tunnel " << t.name << " up as interface " << d.interface_names().at(t.name)
                             << " (" << t.local->to_string() << " -> " << t.remote->to_string() << ", "
                             << (t.udp_encapsulation ? "ESP in UDP 4500" : "ESP") << ")";
  }
  auto& applied = inst->second.sas;
  auto in = [](const std::vector<TunnelSaConfig>& v, const TunnelSaConfig& sa) {
    return std::find(v.begin(), v.end(), sa) != v.end();
  };
  // Removed or changed SAs go first (a changed SA is deleted and added with its new keys).
  for (auto it = applied.begin(); it != applied.end();) {
    if (in(t.sas, *it)) {
      ++it;
      continue;
    }
    if (auto st = d.delete_sa(t.name, to_esp(it->direction), it->spi); !st) {
      VGW_LOG(kWarning, "tunnel") << "tunnel " << t.name << ": " << st.error().message;
    }
    it = applied.erase(it);
  }
  for (const auto& sa : t.sas) {
    if (in(applied, sa)) continue;
    KeyBytes ek(sa.encryption_key), ik(sa.integrity_key);
    esp::SaConfig c;
    c.spi = sa.spi;
    c.transform = *esp::parse_transform(sa.algorithm);
    c.encryption_key = ek.bytes;
    c.integrity_key = ik.bytes;
    c.esn = sa.esn;
    if (sa.replay_window) c.replay_window = sa.replay_window;
    if (auto st = d.add_sa(t.name, to_esp(sa.direction), c); !st) {
      return fail(Error{st.error().code, std::string(direction_word(sa.direction)) + " SA " + format_spi(sa.spi) +
                                             ": " + st.error().message});
    }
    applied.push_back(sa);
  }
  return {};
}

// The kernel interface of a tunnel (its name, or the short unique name a name longer than
// Linux's 15 characters maps to), once the dataplane has created it.
std::optional<std::string> Gateway::tunnel_interface(const std::string& tunnel) const {
  if (!tunnels_ || !tunnels_->dataplane) return std::nullopt;
  const auto& names = tunnels_->dataplane->interface_names();
  auto it = names.find(tunnel);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

}  // namespace vgw::routing
