// The Gateway's BgpService: `router bgp` configuration (validated, persisted, then applied to
// the bgp::Speaker as a diff), and the speaker's state as the API shows it.
#include <algorithm>
#include <cstdio>

#include "vgw/base/asn.h"
#include "vgw/base/log.h"
#include "vgw/bgp/policy.h"
#include "vgw/bgp/speaker.h"
#include "vgw/routing/gateway.h"
#include "vgw/routing/server_stream.h"
#include "bgp_neighbors.h"
#include "bgp_plan.h"
#include "peer_config_proto.h"

namespace vgw::routing {

namespace {

constexpr size_t kPathBatch = 500;

std::string community_text(uint32_t c) {
  return std::to_string(c >> 16) + ":" + std::to_string(c & 0xffff);
}

const char* origin_text(bgp::wire::Origin o) {
  switch (o) {
    case bgp::wire::Origin::kIgp: return "IGP";
    case bgp::wire::Origin::kEgp: return "EGP";
    case bgp::wire::Origin::kIncomplete: return "incomplete";
  }
  return "?";
}

void fill_attributes(v1::Path& p, const bgp::wire::PathAttributes& a) {
  p.set_as_path(a.as_path.to_string());
  p.set_origin(origin_text(a.origin));
  if (a.has(bgp::wire::attr::kMultiExitDisc)) {
    p.set_med(a.med);
    p.set_has_med(true);
  }
  for (uint32_t c : a.communities) p.add_communities(community_text(c));
  for (const auto& l : a.large_communities) {
    p.add_large_communities(std::to_string(l.global_administrator) + ":" +
                            std::to_string(l.local_data_1) + ":" + std::to_string(l.local_data_2));
  }
}

v1::Path to_proto(const bgp::PathView& v) {
  v1::Path p;
  p.set_prefix(v.prefix.to_string());
  if (v.peer) p.set_peer(v.peer->to_string());
  p.set_peer_as(v.peer_as);
  p.set_next_hop(v.next_hop.to_string());
  fill_attributes(p, v.attributes);
  p.set_local_pref(v.local_pref);
  p.set_weight(v.weight);
  p.set_best(v.best);
  p.set_multipath(v.multipath);
  p.set_reachable(v.reachable);
  p.set_stale(v.stale);
  p.set_external(v.external);
  p.set_reason(v.reason);
  return p;
}

v1::Path to_proto(const bgp::RouteView& v, const IpAddress& peer) {
  v1::Path p;
  p.set_prefix(v.prefix.to_string());
  p.set_peer(peer.to_string());
  p.set_next_hop(v.next_hop.to_string());
  fill_attributes(p, v.attributes);
  p.set_local_pref(v.attributes.has(bgp::wire::attr::kLocalPref) ? v.attributes.local_pref : 0);
  p.set_weight(v.weight);
  p.set_best(v.best);
  p.set_stale(v.stale);
  p.set_reachable(true);
  return p;
}

void fill_state(v1::PeerState& s, const bgp::PeerStatus& st) {
  s.set_state(bgp::session::state_name(st.state));
  s.set_state_seconds(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                SteadyClock::instance().now() - st.state_since)
                                                .count()));
  // Since when a session that was up is down (show bgp summary's Up/Down, as FRR's).
  if (st.state != bgp::session::State::kEstablished && st.established_transitions > 0) {
    s.set_down_seconds(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                 SteadyClock::instance().now() - st.counters.last_down)
                                                 .count()));
  }
  if (st.remote_id) s.set_remote_id(IpAddress::v4(st.remote_id).to_string());
  if (st.local_address) s.set_local_address(st.local_address->to_string());
  s.set_local_port(st.local_port);
  s.set_remote_port(st.remote_port);
  s.set_local_as(st.local_as);
  s.set_remote_as(st.remote_as);
  s.set_external(st.external);
  if (st.negotiated) {
    const auto& n = *st.negotiated;
    s.set_hold_time(n.hold_time);
    s.set_keepalive_time(n.keepalive_time);
    if (n.four_octet_as) s.add_capabilities("4-octet-as");
    if (n.ipv4_unicast) s.add_capabilities("ipv4-unicast");
    if (n.ipv6_unicast) s.add_capabilities("ipv6-unicast");
    if (n.route_refresh) s.add_capabilities("route-refresh");
    if (n.enhanced_route_refresh) s.add_capabilities("enhanced-route-refresh");
    if (n.graceful_restart) s.add_capabilities("graceful-restart");
  }
  const auto& c = st.counters;
  s.set_messages_received(c.received.total());
  s.set_messages_sent(c.sent.total());
  s.set_updates_received(c.received.update);
  s.set_updates_sent(c.sent.update);
  s.set_notifications_received(c.received.notification);
  s.set_notifications_sent(c.sent.notification);
  s.set_prefixes_accepted_ipv4(st.accepted_ipv4);
  s.set_prefixes_accepted_ipv6(st.accepted_ipv6);
  s.set_prefixes_advertised_ipv4(st.advertised_ipv4);
  s.set_prefixes_advertised_ipv6(st.advertised_ipv6);
  s.set_prefixes_denied(c.denied_by_policy);
  s.set_treat_as_withdraw(c.treat_as_withdraw);
  s.set_prefixes_first_as_mismatch(c.first_as_mismatch);
  s.set_prefixes_martian_next_hop(c.martian_next_hop);
  s.set_prefixes_as_path_loop(c.as_path_loops);
  s.set_established_transitions(st.established_transitions);
  s.set_last_error(st.last_error.to_string());
  s.set_last_error_code(st.last_error.code);
  s.set_last_error_subcode(st.last_error.subcode);
  s.set_connect_error(st.connect_error);
  s.set_policy_blocks_import(st.policy_blocks_import);
  s.set_policy_blocks_export(st.policy_blocks_export);
  s.set_maximum_prefix_exceeded(st.maximum_prefix_exceeded);
  s.set_graceful_restart_helping(st.graceful_restart_helping);
}

// A route-map as the speaker's callback. The set was validated when it was accepted, so
// compiling cannot fail on content; if it does anyway, the peer gets nothing (fail closed).
bgp::Policy peer_policy(const bgp::policy::PolicySet& policies, const std::string& name,
                        bgp::policy::Direction direction, const IpAddress& peer) {
  if (name.empty()) return {};
  auto compiled = bgp::policy::compile_route_map(policies, name, direction);
  if (compiled) return *compiled;
  VGW_LOG(kError, "bgp") << "neighbor " << peer.to_string() << ": route-map " << name
                         << " does not compile (" << compiled.error().message << "); rejecting all routes";
  return [](const bgp::PolicyContext&, bgp::PolicyRoute&) { return bgp::PolicyResult::kReject; };
}

bgp::PeerConfig speaker_peer(const BgpNeighborConfig& n, const bgp::policy::PolicySet& policies, uint64_t version) {
  bgp::PeerConfig p = speaker_peer_config(n);
  // Peers with the same route-map out (of the same policy version) form one update group.
  if (!n.route_map_out.empty()) p.export_policy_id = n.route_map_out + "@" + std::to_string(version);
  p.import_policy = peer_policy(policies, n.route_map_in, bgp::policy::Direction::kImport, n.address);
  p.export_policy = peer_policy(policies, n.route_map_out, bgp::policy::Direction::kExport, n.address);
  return p;
}

}  // namespace

bgp::PeerConfig speaker_peer_config(const BgpNeighborConfig& n) {
  bgp::PeerConfig p;
  p.address = n.address;
  p.remote_as = n.remote_as;
  if (n.remote_as_kind == BgpNeighborConfig::RemoteAs::kExternal) p.remote_as_kind = bgp::PeerConfig::RemoteAs::kExternal;
  if (n.remote_as_kind == BgpNeighborConfig::RemoteAs::kInternal) p.remote_as_kind = bgp::PeerConfig::RemoteAs::kInternal;
  p.description = n.description;
  p.password = n.password;
  if (n.ebgp_multihop) p.ebgp_multihop = n.ebgp_multihop;
  p.ttl_security = n.ttl_security;
  p.source_address = n.update_source;
  p.passive = n.passive;
  p.hold_time = n.hold;
  p.keepalive_time = n.keepalive;
  p.connect_retry_time = n.connect_retry;
  p.shutdown = n.shutdown;
  p.shutdown_message = n.shutdown_message;
  p.ipv4_unicast = n.ipv4_unicast;
  p.ipv6_unicast = n.ipv6_unicast;
  if (n.maximum_prefix) p.maximum_prefix = n.maximum_prefix;
  p.maximum_prefix_warning_only = n.maximum_prefix_warning_only;
  p.maximum_prefix_restart = n.maximum_prefix_restart;
  p.advertisement_interval_ms = uint32_t{n.advertisement_interval} * 1000;
  p.next_hop_self = n.next_hop_self;
  p.weight = n.weight;
  return p;
}

namespace {

// Peers in address order, one message each.
class ListPeerStream final : public api::ServerStream {
 public:
  explicit ListPeerStream(std::vector<v1::Peer> peers) : peers_(std::move(peers)) {}
  Next next() override {
    if (i_ >= peers_.size()) return end();
    auto m = std::make_unique<v1::ListPeerResponse>();
    *m->mutable_peer() = std::move(peers_[i_++]);
    return message(std::move(m));
  }

 private:
  std::vector<v1::Peer> peers_;
  size_t i_ = 0;
};

class ListPathStream final : public api::ServerStream {
 public:
  ListPathStream(const Gateway& gw, v1::ListPathRequest req, Family family, std::optional<IpAddress> peer)
      : gw_(gw), req_(std::move(req)), family_(family), peer_(peer) {}
  Next next() override {
    const bgp::Speaker* sp = gw_.bgp_speaker();
    if (!sp || done_) return end();
    auto out = std::make_unique<v1::ListPathResponse>();
    if (!req_.prefix().empty()) {  // one prefix: all its paths, or its entry in the Adj-RIB
      done_ = true;
      auto p = *Prefix::parse(req_.prefix());
      if (req_.table() == v1::ListPathRequest::LOC_RIB) {
        for (const auto& v : sp->paths(p)) *out->add_paths() = to_proto(v);
      } else {
        auto routes = req_.table() == v1::ListPathRequest::ADJ_RIB_IN
                          ? sp->adj_rib_in(*peer_, p.family(), std::nullopt, SIZE_MAX)
                          : sp->adj_rib_out(*peer_, p.family(), std::nullopt, SIZE_MAX);
        for (const auto& r : routes)
          if (r.prefix == p) *out->add_paths() = to_proto(r, *peer_);
      }
      return message(std::move(out));
    }
    if (req_.table() == v1::ListPathRequest::LOC_RIB) {
      auto paths = sp->loc_rib(family_, after_, kPathBatch);
      if (paths.empty()) return end();
      std::optional<Prefix> last;
      for (const auto& best : paths) {
        if (last && *last == best.prefix) continue;
        last = best.prefix;
        for (const auto& v : sp->paths(best.prefix)) *out->add_paths() = to_proto(v);
      }
      after_ = last;
    } else {
      auto routes = req_.table() == v1::ListPathRequest::ADJ_RIB_IN
                        ? sp->adj_rib_in(*peer_, family_, after_, kPathBatch)
                        : sp->adj_rib_out(*peer_, family_, after_, kPathBatch);
      if (routes.empty()) return end();
      for (const auto& r : routes) *out->add_paths() = to_proto(r, *peer_);
      after_ = routes.back().prefix;
    }
    return message(std::move(out));
  }

 private:
  const Gateway& gw_;
  v1::ListPathRequest req_;
  Family family_;
  std::optional<IpAddress> peer_;
  std::optional<Prefix> after_;
  bool done_ = false;
};

}  // namespace

// ---- applying the configuration -------------------------------------------------------------

Result<IpAddress> Gateway::configured_peer(const std::string& field, const std::string& text) const {
  if (!bgp_plan_) return fail(Error::precondition("BGP is not configured (router bgp ASN)"));
  auto addr = IpAddress::parse(text);
  if (!addr) return fail(Error::invalid(field + ": " + addr.error().message));
  if (!bgp_plan_->neighbors.count(*addr) && !bgp_plan_->connection_peers.count(*addr)) {
    return fail(Error::not_found("peer " + addr->to_string() + " does not exist"));
  }
  return addr;
}

// A session a connection runs is configured in its vpn-connection block, not as a neighbor.
Status Gateway::check_not_connection_peer(const IpAddress& address) const {
  if (const auto* c = connection_peer(address)) {
    return fail(Error::precondition("peer " + address.to_string() + " is the BGP session of vpn-connection " +
                                    c->connection + " over tunnel " + c->tunnel +
                                    "; change it in that connection (bgp, customer-gateway)"));
  }
  return {};
}

std::optional<IpAddress> Gateway::bgp_router_id() const {
  if (!bgp_plan_) return std::nullopt;
  if (bgp_plan_->router_id) return bgp_plan_->router_id;
  return kernel_ ? kernel_->highest_ipv4() : std::nullopt;
}

bool Gateway::bgp_network(const Prefix& prefix) const { return bgp_plan_ && bgp_plan_->networks.count(prefix); }

void Gateway::sync_bgp(const BgpPlan* before) {
  if (!io_) return;  // applied when the gateway starts
  if (!bgp_plan_) {
    if (speaker_) {
      stop_speaker();
      VGW_LOG(kInfo, "bgp") << "BGP stopped";
    }
    bgp_problem_.clear();
    return;
  }
  const BgpPlan& b = *bgp_plan_;
  auto add = [this](const IpAddress& a, bgp::PeerConfig p, bool update) {
    auto st = update ? speaker_->update_peer(std::move(p)) : speaker_->add_peer(std::move(p));
    if (!st) {
      VGW_LOG(kError, "bgp") << "neighbor " << a.to_string() << ": " << st.error().message;
    }
  };
  if (!speaker_ || !before || before->identity() != b.identity()) {
    stop_speaker();
    auto rid = bgp_router_id();
    if (!rid) {
      bgp_problem_ = "no router-id: configure `bgp router-id` (no IPv4 address on any interface)";
      VGW_LOG(kWarning, "bgp") << bgp_problem_;
      return;
    }
    bgp::Config cfg;
    cfg.local_as = b.asn;
    cfg.router_id = rid->v4_host_order();
    cfg.ebgp_requires_policy = b.ebgp_requires_policy;
    cfg.multipath_relax = b.multipath_relax;
    cfg.maximum_paths = b.maximum_paths;
    cfg.maximum_paths_ibgp = b.maximum_paths;
    cfg.on_peer_event = [this](const bgp::PeerEvent& e) { publish_peer_event(e); };
    auto sp = std::make_unique<bgp::Speaker>(*io_, rib_, cfg);
    if (auto st = sp->start(); !st) {
      bgp_problem_ = "BGP could not start: " + st.error().message;
      VGW_LOG(kError, "bgp") << bgp_problem_;
      return;
    }
    speaker_ = std::move(sp);
    bgp_problem_.clear();
    refresh_connection_export();
    VGW_LOG(kInfo, "bgp") << "BGP AS " << b.asn << " running, router-id " << rid->to_string();
    for (const auto& [a, n] : b.neighbors) add(a, speaker_peer(n, model_.policies, policy_version_), false);
    for (const auto& [a, p] : b.connection_peers) add(a, connection_speaker_peer(p), false);
    for (const auto& p : b.networks) (void)speaker_->add_network(p);
    sync_redistribution();
    return;
  }
  // In place, without a session reset: the decision runs again / the RFC 8212 gate moves.
  if (before->maximum_paths != b.maximum_paths || before->multipath_relax != b.multipath_relax) {
    speaker_->set_multipath(b.maximum_paths, b.maximum_paths, b.multipath_relax);
  }
  if (before->ebgp_requires_policy != b.ebgp_requires_policy) {
    speaker_->set_ebgp_requires_policy(b.ebgp_requires_policy);
  }
  for (const auto& a : before->peer_addresses()) {
    if (!b.neighbors.count(a) && !b.connection_peers.count(a)) (void)speaker_->remove_peer(a);
  }
  // A session that moves between router bgp and a connection is removed and added again.
  for (const auto& [a, n] : b.neighbors) {
    auto old = before->neighbors.find(a);
    if (old != before->neighbors.end() && old->second == n) continue;
    if (before->connection_peers.count(a)) (void)speaker_->remove_peer(a);
    add(a, speaker_peer(n, model_.policies, policy_version_), old != before->neighbors.end());
  }
  // The connections' export policies read which session belongs to which connection: when that
  // changed, every connection session gets the new policy (a soft reset out).
  bool exports_changed = refresh_connection_export() || before->kind != b.kind;  // kind: the weights
  for (const auto& [a, p] : b.connection_peers) {
    auto old = before->connection_peers.find(a);
    if (old != before->connection_peers.end() && old->second == p && !exports_changed) continue;
    if (before->neighbors.count(a)) (void)speaker_->remove_peer(a);
    add(a, connection_speaker_peer(p), old != before->connection_peers.end());
  }
  for (const auto& p : before->networks)
    if (!b.networks.count(p)) withdraw_network(p);
  for (const auto& p : b.networks)
    if (!before->networks.count(p)) (void)speaker_->add_network(p);
  sync_redistribution();
}

void Gateway::sync_bgp_policies() {
  if (!speaker_ || !bgp_plan_) return;
  for (const auto& [a, n] : bgp_plan_->neighbors) {  // with their groups' route-maps
    if (n.route_map_in.empty() && n.route_map_out.empty()) continue;
    if (auto st = speaker_->update_peer(speaker_peer(n, model_.policies, policy_version_)); !st) {
      VGW_LOG(kError, "bgp") << "neighbor " << a.to_string() << ": " << st.error().message;
    }
  }
}

// ---- BgpService -----------------------------------------------------------------------------

Result<v1::Bgp> Gateway::get_bgp(const v1::GetBgpRequest&) const {
  if (!bgp_plan_) return fail(Error::not_found("BGP is not configured (router bgp ASN)"));
  const BgpPlan& plan = *bgp_plan_;
  v1::Bgp out;
  out.set_asn(plan.asn);
  out.set_router_bgp(model_.bgp.has_value());
  out.set_maximum_paths_in_use(plan.maximum_paths);
  if (model_.bgp) {
    const BgpConfig& b = *model_.bgp;
    if (b.router_id) out.set_router_id(b.router_id->to_string());
    out.set_ebgp_requires_policy(b.ebgp_requires_policy);
    out.set_multipath_relax(b.multipath_relax);
    out.set_maximum_paths(b.maximum_paths);
    for (const auto& p : b.networks) out.add_networks(p.to_string());
    for (const auto& [family, protocol] : b.redistribute) {
      auto* r = out.add_redistribute();
      r->set_family(family == Family::kIpv4 ? "ipv4" : "ipv6");
      r->set_protocol(protocol);
    }
  } else {
    out.set_ebgp_requires_policy(plan.ebgp_requires_policy);
    out.set_maximum_paths(plan.maximum_paths);
  }
  out.set_running(speaker_ != nullptr);
  // The id the speaker runs with (picked at its start when none is configured; the highest
  // address may have changed since).
  if (speaker_) out.set_router_id_in_use(IpAddress::v4(speaker_->config().router_id).to_string());
  out.set_problem(bgp_problem_);
  if (speaker_) {
    auto st = speaker_->stats();
    out.set_destinations_ipv4(st.destinations_ipv4);
    out.set_destinations_ipv6(st.destinations_ipv6);
    out.set_attribute_sets(st.attribute_sets);
    out.set_memory_bytes(st.memory_bytes);
    out.set_update_groups(st.update_groups);
    out.set_export_evaluations(st.export_evaluations);
    out.set_export_shared(st.export_shared);
  }
  return out;
}

Result<v1::Bgp> Gateway::set_bgp(const v1::SetBgpRequest& req) {
  if (req.asn() == 0) return fail(Error::invalid("asn is required (1..4294967295)"));
  if (req.asn() == kAsTrans) return fail(Error::invalid("asn 23456 is AS_TRANS (RFC 6793)"));
  ConfigModel next = model_;
  if (next.bgp && next.bgp->asn != req.asn()) {
    return fail(Error::precondition("BGP is already running with AS " + std::to_string(next.bgp->asn) +
                                    "; delete it first (no router bgp)"));
  }
  if (!next.bgp) {
    next.bgp.emplace();
    next.bgp->asn = req.asn();
  }
  BgpConfig& b = *next.bgp;
  if (req.has_router_id()) {
    if (req.router_id().empty()) {
      b.router_id.reset();
    } else {
      auto r = IpAddress::parse(req.router_id());
      if (!r || !r->is_v4()) return fail(Error::invalid("router_id must be an IPv4 address (A.B.C.D)"));
      if (r->is_unspecified() || r->is_multicast() || r->is_v4_broadcast()) {
        return fail(Error::invalid("router_id " + r->to_string() + " is not usable as a BGP Identifier"));
      }
      b.router_id = *r;
    }
  }
  if (req.has_ebgp_requires_policy()) b.ebgp_requires_policy = req.ebgp_requires_policy();
  if (req.has_multipath_relax()) b.multipath_relax = req.multipath_relax();
  if (req.has_maximum_paths()) {
    if (req.maximum_paths() < 1 || req.maximum_paths() > 64) {
      return fail(Error::invalid("maximum_paths must be 1..64"));
    }
    b.maximum_paths = static_cast<uint16_t>(req.maximum_paths());
  }
  if (req.has_redistribute()) {
    b.redistribute.clear();
    for (const auto& r : req.redistribute().items()) {
      if (r.family() != "ipv4" && r.family() != "ipv6") {
        return fail(Error::invalid("redistribute.family '" + r.family() + "' is not ipv4 or ipv6"));
      }
      if (r.protocol() != "connected" && r.protocol() != "static") {
        return fail(Error::invalid("redistribute.protocol '" + r.protocol() + "' is not connected or static"));
      }
      b.redistribute.insert({r.family() == "ipv4" ? Family::kIpv4 : Family::kIpv6, r.protocol()});
    }
  }
  if (next.bgp != model_.bgp) {
    if (auto st = commit(std::move(next)); !st) return fail(st.error());
  }
  return get_bgp({});
}

Result<v1::DeleteBgpResponse> Gateway::delete_bgp(const v1::DeleteBgpRequest&) {
  if (!model_.bgp) return fail(Error::not_found("BGP is not configured"));
  ConfigModel next = model_;
  next.bgp.reset();
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  return v1::DeleteBgpResponse{};
}

Result<v1::Peer> Gateway::describe_peer(const IpAddress& address) const {
  v1::Peer out;
  if (const auto* c = connection_peer(address)) {
    *out.mutable_config() = peer_to_proto(c->neighbor);
    out.mutable_config()->set_vpn_connection(c->connection);
    out.mutable_config()->set_tunnel(c->tunnel);
  } else {
    *out.mutable_config() = peer_to_proto(bgp_plan_->neighbors.at(address));
    const BgpNeighborConfig& configured = model_.bgp->neighbors.at(address);
    if (auto g = model_.bgp->peer_groups.find(configured.peer_group); g != model_.bgp->peer_groups.end()) {
      for (auto& f : fields_of_settings(g->second.set & ~configured.own)) out.mutable_config()->add_inherited_fields(f);
    }
  }
  if (speaker_) {
    if (auto st = speaker_->peer(address)) fill_state(*out.mutable_state(), *st);
  } else {
    out.mutable_state()->set_state("Idle");
    out.mutable_state()->set_last_error(bgp_problem_);
  }
  return out;
}

Result<v1::Peer> Gateway::add_peer(const v1::AddPeerRequest& req) {
  if (!model_.bgp) return fail(Error::precondition("BGP is not configured (router bgp ASN)"));
  const std::string& group = req.peer().peer_group();
  auto n = parse_peer(req.peer(), nullptr, group.empty() ? PeerConfigKind::kPeer : PeerConfigKind::kMember);
  if (!n) return fail(n.error());
  if (model_.bgp->neighbors.count(n->address)) {
    return fail(Error::exists("peer " + n->address.to_string() + " already exists"));
  }
  if (auto st = check_not_connection_peer(n->address); !st) return fail(st.error());
  if (!group.empty()) {
    if (auto st = join_peer_group(*n, group, non_default_settings(*n)); !st) return fail(st.error());
  }
  ConfigModel next = model_;
  next.bgp->neighbors[n->address] = *n;
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  return describe_peer(n->address);
}

Status Gateway::join_peer_group(BgpNeighborConfig& n, const std::string& group, NeighborSettings own) const {
  auto g = model_.bgp->peer_groups.find(group);
  if (g == model_.bgp->peer_groups.end()) {
    return fail(Error::not_found("peer.peer_group: peer-group " + group.substr(0, 64) + " does not exist"));
  }
  // A remote-as equal to the group's is the group's; another one is refused on commit.
  const auto as = setting_index(NeighborSetting::kRemoteAs);
  if (own.test(as) && g->second.set.test(as) && n.remote_as == g->second.settings.remote_as &&
      n.remote_as_kind == g->second.settings.remote_as_kind) {
    own.reset(as);
  }
  n.peer_group = group;
  n.own = settings_that_render(n, own);
  reset_settings_except(n, n.own);
  return {};
}

Result<v1::Peer> Gateway::update_peer(const v1::UpdatePeerRequest& req) {
  auto addr = configured_peer("peer.address", req.peer().address());
  if (!addr) return fail(addr.error());
  if (auto st = check_not_connection_peer(*addr); !st) return fail(st.error());
  const BgpNeighborConfig& old = model_.bgp->neighbors.at(*addr);
  const BgpNeighborConfig in_force = bgp_plan_->neighbors.at(*addr);
  auto listed = settings_of_fields(req.update_fields(), "update_fields", true);
  if (!listed) return fail(listed.error());
  auto inherit = settings_of_fields(req.inherit_fields(), "inherit_fields");
  if (!inherit) return fail(inherit.error());
  // Listed fields are taken from the request, the others stay as they are in force.
  const bool partial = req.update_fields_size() > 0 || req.inherit_fields_size() > 0;
  v1::PeerConfig wanted = req.peer();
  if (partial) {
    wanted = describe_peer(*addr)->config();
    if (auto st = overlay_fields(req.peer(), wanted, req.update_fields(), "update_fields", true); !st) return fail(st.error());
  }
  wanted.clear_inherited_fields();
  const std::string& group = wanted.peer_group();
  if (!old.peer_group.empty() && !group.empty() && group != old.peer_group) {
    return fail(Error::precondition("peer " + addr->to_string() + " is a member of peer-group " + old.peer_group +
                                    ": take it out of that group first (as FRR)"));
  }
  auto n = parse_peer(wanted, &in_force, group.empty() ? PeerConfigKind::kPeer : PeerConfigKind::kMember);
  if (!n) return fail(n.error());
  if (group.empty()) {
    reset_settings_except(*n, ~*inherit);  // back to the defaults
    if (n->remote_as == 0 && n->remote_as_kind == BgpNeighborConfig::RemoteAs::kNumber) {
      return fail(Error::invalid("peer.remote_as is required (1..4294967295): peer " + addr->to_string() +
                                 " is in no peer-group to take one from"));
    }
  } else {
    // Own: a member's own settings and the listed ones; joining, the settings the peer had.
    NeighborSettings own = !partial                      ? non_default_settings(*n)
                           : old.peer_group.empty()       ? non_default_settings(old) | *listed
                                                          : old.own | *listed;
    if (auto st = join_peer_group(*n, group, own & ~*inherit); !st) return fail(st.error());
  }
  if (!(*n == old)) {
    ConfigModel next = model_;
    next.bgp->neighbors[n->address] = *n;
    if (auto st = commit(std::move(next)); !st) return fail(st.error());
  }
  return describe_peer(n->address);
}

Result<v1::DeletePeerResponse> Gateway::delete_peer(const v1::DeletePeerRequest& req) {
  auto addr = configured_peer("address", req.address());
  if (!addr) return fail(addr.error());
  if (auto st = check_not_connection_peer(*addr); !st) return fail(st.error());
  ConfigModel next = model_;
  next.bgp->neighbors.erase(*addr);
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  return v1::DeletePeerResponse{};
}

Result<std::unique_ptr<api::ServerStream>> Gateway::list_peer(const v1::ListPeerRequest& req) {
  if (!bgp_plan_) return fail(Error::not_found("BGP is not configured (router bgp ASN)"));
  std::vector<v1::Peer> peers;
  if (!req.address().empty()) {
    auto addr = configured_peer("address", req.address());
    if (!addr) return fail(addr.error());
    peers.push_back(*describe_peer(*addr));
  } else {
    for (const auto& a : bgp_plan_->peer_addresses()) peers.push_back(*describe_peer(a));
  }
  return std::unique_ptr<api::ServerStream>(std::make_unique<ListPeerStream>(std::move(peers)));
}

Result<v1::ResetPeerResponse> Gateway::reset_peer(const v1::ResetPeerRequest& req) {
  auto addr = configured_peer("address", req.address());
  if (!addr) return fail(addr.error());
  if (!speaker_) return fail(Error::precondition("BGP is not running: " + bgp_problem_));
  Status st;
  if (!req.soft()) {
    st = speaker_->hard_reset(*addr);
  } else {
    if (req.direction() != v1::ResetPeerRequest::OUT) st = speaker_->soft_reset_in(*addr);
    if (st && req.direction() != v1::ResetPeerRequest::IN) st = speaker_->soft_reset_out(*addr);
  }
  if (!st) return fail(Error::precondition(st.error().message));
  return v1::ResetPeerResponse{};
}

Result<v1::AddPathResponse> Gateway::add_path(const v1::AddPathRequest& req) {
  if (!model_.bgp) return fail(Error::precondition("BGP is not configured (router bgp ASN)"));
  auto p = Prefix::parse(req.prefix());
  if (!p) return fail(Error::invalid("prefix: " + p.error().message));
  if (p->address().is_multicast()) {
    return fail(Error::invalid("prefix " + p->to_string() + " is multicast: BGP unicast cannot originate it"));
  }
  if (!model_.bgp->networks.count(*p)) {
    ConfigModel next = model_;
    next.bgp->networks.insert(*p);
    if (auto st = commit(std::move(next)); !st) return fail(st.error());
  }
  return v1::AddPathResponse{};
}

Result<v1::DeletePathResponse> Gateway::delete_path(const v1::DeletePathRequest& req) {
  if (!model_.bgp) return fail(Error::precondition("BGP is not configured"));
  auto p = Prefix::parse(req.prefix());
  if (!p) return fail(Error::invalid("prefix: " + p.error().message));
  if (!model_.bgp->networks.count(*p)) {
    return fail(Error::not_found("no network " + p->to_string()));
  }
  ConfigModel next = model_;
  next.bgp->networks.erase(*p);
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  return v1::DeletePathResponse{};
}

Result<std::unique_ptr<api::ServerStream>> Gateway::list_path(const v1::ListPathRequest& req) {
  if (!bgp_plan_) return fail(Error::not_found("BGP is not configured (router bgp ASN)"));
  Family family = req.family() == v1::IPV6 ? Family::kIpv6 : Family::kIpv4;
  std::optional<IpAddress> peer;
  if (req.table() != v1::ListPathRequest::LOC_RIB) {
    auto a = configured_peer("peer", req.peer());
    if (!a) return fail(a.error());
    peer = *a;
  }
  if (!req.prefix().empty()) {
    auto p = Prefix::parse(req.prefix());
    if (!p) return fail(Error::invalid("prefix: " + p.error().message));
  }
  return std::unique_ptr<api::ServerStream>(std::make_unique<ListPathStream>(*this, req, family, peer));
}

}  // namespace vgw::routing
