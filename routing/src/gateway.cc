#include "bgp_plan.h"
#include "bfd_driver.h"
#include "gateway_state.h"
#include "vpn_connections.h"

#include <sys/stat.h>
#include <unistd.h>


#include "vgw/base/asn.h"
#include "vgw/base/file.h"
#include "vgw/base/log.h"
#include "vgw/bgp/speaker.h"
#include "vgw/routing/version.h"

namespace vgw::routing {

namespace {

v1::CustomerGateway to_proto(const CustomerGatewayConfig& c) {
  v1::CustomerGateway out;
  out.set_name(c.name);
  out.set_ip_address(c.ip_address.to_string());
  out.set_asn(c.asn);
  out.set_description(c.description);
  return out;
}

Result<uint32_t> parse_asn_field(const std::string& text) {
  if (text.empty()) return fail(Error::invalid("asn is required"));
  auto asn = parse_asn(text);
  if (!asn) return fail(Error::invalid("asn: " + asn.error().message));
  return asn;
}

}  // namespace

Gateway::Gateway(Options options)
    : options_(std::move(options)), started_(std::chrono::steady_clock::now()) {
  vpn_ = std::make_unique<VpnConnections>(
      rib_, [this](const std::string& tunnel) { return tunnel_link(tunnel); }, [this] { sync_vpn(); });
}

Gateway::~Gateway() {
  bfd_.reset();
  stop_tunnels();
}

void Gateway::stop_kernel(bool retain) {
  stop_bfd();  // AdminDown first: the peers' BGP keeps its routes until our Cease
  vpn_->stop();
  stop_speaker();
  stop_tunnels();
  if (!kernel_ || !kernel_->program_fib()) return;
  if (retain) {
    VGW_LOG(kInfo, "fib") << "leaving vgw's routes in the kernel (--retain)";
    return;
  }
  auto removed = kernel_->withdraw_all();
  if (!removed) {
    VGW_LOG(kError, "fib") << "could not remove vgw's routes: " << removed.error().message;
  } else {
    VGW_LOG(kInfo, "fib") << "removed " << *removed << " route(s) from the kernel";
  }
}

Status Gateway::start_kernel(boost::asio::io_context& io, KernelSync::Options options) {
  kernel_ = std::make_unique<KernelSync>(io, rib_, options);
  kernel_->on_interfaces_changed([this] {
    sync_static_routes();
    sync_vpn();
    if (speaker_) speaker_->nexthops_changed();
    if (bfd_) bfd_->refresh_interfaces();
    // BGP waiting for a router-id (none configured, no IPv4 address yet: vgwd started before
    // its interfaces were addressed, as in a container) starts with the first address.
    if (bgp_plan_ && !speaker_ && !bgp_plan_->router_id && kernel_->highest_ipv4()) sync_bgp(nullptr);
  });
  if (auto st = kernel_->start(); !st) {
    kernel_.reset();
    return st;
  }
  sync_static_routes();
  io_ = &io;
  vpn_->set_io(&io);
  start_tunnels(io);  // before BGP: sessions may run over the tunnels' inside addresses
  if (auto plan = plan_bgp(model_)) bgp_plan_ = std::make_unique<BgpPlan>(std::move(*plan));
  sync_bgp(nullptr);
  sync_bfd();
  return {};
}

Status Gateway::commit(ConfigModel next) {
  if (auto st = check_and_persist(next); !st) return st;
  Changed changed;
  changed.statics = next.static_routes != model_.static_routes;
  changed.tunnels = next.tunnels != model_.tunnels;
  changed.policies = next.policies != model_.policies;
  // A connection's subnets are its tunnels' IKE traffic selectors: the tunnels re-sync (a no-op
  // for those whose selectors stay).
  changed.connections = next.vpn_connections != model_.vpn_connections;
  changed.vpn = changed.tunnels || changed.connections || next.vpn_gateway != model_.vpn_gateway;
  model_ = std::move(next);
  reconcile(changed);
  return {};
}

Status Gateway::commit_tunnel(TunnelConfig tunnel) {
  const std::string name = tunnel.name;
  std::optional<TunnelConfig> before;
  auto [it, added] = model_.tunnels.try_emplace(name);
  if (!added) before = std::move(it->second);
  it->second = std::move(tunnel);
  if (auto st = check_and_persist(model_); !st) {
    if (before) {
      model_.tunnels[name] = std::move(*before);
    } else {
      model_.tunnels.erase(name);
    }
    return st;
  }
  reconcile(Changed{.tunnels = true, .vpn = true});
  return {};
}

Status Gateway::check_and_persist(const ConfigModel& next) {
  if (auto st = validate_connections_bgp(next); !st) return st;
  if (next.bgp) {
    if (auto st = validate_peer_groups(*next.bgp); !st) return st;
  }
  if (auto st = validate_public_addresses(next); !st) return st;
  if (persist_ && !options_.config_path.empty()) {
    auto written = write_file_atomic(options_.config_path, render_config(next, true), 0600);
    if (!written) {
      persist_problem_ = written.error().message;
      VGW_LOG(kError, "config") << "change refused, configuration not persisted: "
                                << written.error().message;
      return fail(Error::unavailable("configuration could not be saved, nothing was changed: " +
                                     written.error().message));
    }
    persist_problem_.clear();
    ++changes_;
  }
  return {};
}

void Gateway::reconcile(const Changed& changed) {
  // BGP follows the plan derived from the whole model (router bgp and the connections' sessions).
  auto plan = plan_bgp(model_);
  bool bgp_changed = static_cast<bool>(plan) != static_cast<bool>(bgp_plan_) || (plan && !(*plan == *bgp_plan_));
  if (changed.tunnels || changed.connections) sync_tunnels();
  if (changed.statics) sync_static_routes();
  if (changed.vpn) sync_vpn();
  if (bgp_changed) {
    std::unique_ptr<BgpPlan> before = std::move(bgp_plan_);
    if (plan) bgp_plan_ = std::make_unique<BgpPlan>(std::move(*plan));
    sync_bgp(before.get());
    refresh_tunnels_bgp();
  }
  if (changed.policies) {
    ++policy_version_;
    sync_bgp_policies();
  }
  sync_bfd();
}

Result<bool> Gateway::replace_config(ConfigModel next) {
  if (next == model_) return false;
  if (auto st = commit(std::move(next)); !st) return fail(st.error());
  return true;
}

Result<v1::GetVersionResponse> Gateway::get_version(const v1::GetVersionRequest&) const {
  v1::GetVersionResponse r;
  r.set_version(kVersion);
  r.set_git_commit(kGitCommit);
  r.set_build_type(kBuildType);
  r.set_api_version("v1");
  return r;
}

Result<v1::GetRunningConfigResponse> Gateway::get_running_config(
    const v1::GetRunningConfigRequest& req) const {
  v1::GetRunningConfigResponse r;
  r.set_config(render_config(model_, req.show_secrets()));
  return r;
}

Result<v1::GetLogResponse> Gateway::get_log(const v1::GetLogRequest& req) const {
  log::Level min = log::Level::kDebug;
  if (!req.min_level().empty() && (!log::parse_level(req.min_level(), min) || min == log::Level::kOff)) {
    return fail(Error::invalid("min_level '" + req.min_level() + "' is not debug, info, warning or error"));
  }
  v1::GetLogResponse r;
  std::vector<const log::Entry*> matching;
  auto kept = log::recent();
  for (const auto& e : kept) {
    if (e.level >= min && (req.component().empty() || e.component == req.component())) matching.push_back(&e);
  }
  size_t first = req.max_lines() && matching.size() > req.max_lines() ? matching.size() - req.max_lines() : 0;
  for (size_t i = first; i < matching.size(); ++i) {
    auto* l = r.add_lines();
    l->set_unix_ms(static_cast<uint64_t>(matching[i]->unix_ms));
    l->set_level(log::level_name(matching[i]->level));
    l->set_component(matching[i]->component);
    l->set_message(matching[i]->message);
  }
  r.set_level(log::level_name(log::level()));
  r.set_kept(static_cast<uint32_t>(log::kKeptLines));
  r.set_suppressed(log::suppressed_total());
  return r;
}

Result<v1::HealthResponse> Gateway::health(const v1::HealthRequest&) const {
  v1::HealthResponse r;
  r.set_state(v1::HealthResponse::SERVING);
  r.set_uptime_seconds(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                 std::chrono::steady_clock::now() - started_)
                                                 .count()));
  r.set_config_file(options_.config_path);
  r.set_config_changes(changes_);
  r.set_pid(static_cast<uint32_t>(getpid()));
  if (!persist_problem_.empty()) {
    r.set_state(v1::HealthResponse::DEGRADED);
    r.add_problems("last configuration write failed: " + persist_problem_);
  }
  return r;
}

// One customer gateway per device: two names for one public address would be two descriptions
// of the same peer, and tunnels or BGP neighbors could not tell them apart.
Status Gateway::check_address_unused(const std::string& name, const IpAddress& ip) const {
  for (const auto& [other, cgw] : model_.customer_gateways) {
    if (other != name && cgw.ip_address == ip) {
      return fail(Error::exists("ip_address " + ip.to_string() + " is customer gateway '" + other +
                                "' already"));
    }
  }
  return {};
}

// A customer gateway that a tunnel (its remote address) or a BGP neighbor (its address) uses
// cannot be deleted: the error names what uses it.
Status Gateway::check_customer_gateway_unused(const CustomerGatewayConfig& cgw) const {
  std::vector<std::string> users;
  for (const auto& [name, t] : model_.tunnels) {
    if (t.remote && *t.remote == cgw.ip_address) users.push_back("tunnel " + name);
  }
  for (const auto& [name, c] : model_.vpn_connections) {
    if (c.customer_gateway == cgw.name) users.push_back("VPN connection " + name);
  }
  if (bgp_plan_ && bgp_plan_->peer_addresses().count(cgw.ip_address)) {
    users.push_back("BGP neighbor " + cgw.ip_address.to_string());
  }
  if (users.empty()) return {};
  std::string list;
  for (const auto& u : users) list += (list.empty() ? "" : ", ") + u;
  return fail(Error::precondition("customer gateway '" + cgw.name + "' (" +
                                         cgw.ip_address.to_string() + ") is in use by " + list +
                                         "; remove those first"));
}

Result<v1::CustomerGateway> Gateway::create_customer_gateway(
    const v1::CreateCustomerGatewayRequest& req) {
  if (auto s = validate_resource_name("name", req.name()); !s) return fail(s.error());
  auto ip = parse_customer_gateway_ip(req.ip_address());
  if (!ip) return fail(ip.error());
  auto asn = parse_asn_field(req.asn());
  if (!asn) return fail(asn.error());
  if (auto s = validate_description("description", req.description()); !s) return fail(s.error());
  if (model_.customer_gateways.count(req.name())) {
    return fail(Error::exists("customer gateway '" + req.name() + "' already exists"));
  }
  if (auto s = check_address_unused(req.name(), *ip); !s) return fail(s.error());
  CustomerGatewayConfig cgw{req.name(), *ip, *asn, req.description()};
  ConfigModel next = model_;
  next.customer_gateways[cgw.name] = cgw;
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  VGW_LOG(kInfo, "vpn") << "customer gateway " << cgw.name << " created (" << ip->to_string()
                        << ", AS " << *asn << ")";
  return to_proto(cgw);
}

Result<v1::DescribeCustomerGatewaysResponse> Gateway::describe_customer_gateways(
    const v1::DescribeCustomerGatewaysRequest& req) const {
  v1::DescribeCustomerGatewaysResponse r;
  if (!req.name().empty()) {
    auto it = model_.customer_gateways.find(req.name());
    if (it == model_.customer_gateways.end()) {
      return fail(Error::not_found("customer gateway '" + req.name() + "' does not exist"));
    }
    *r.add_customer_gateways() = to_proto(it->second);
    return r;
  }
  for (const auto& [name, cgw] : model_.customer_gateways) *r.add_customer_gateways() = to_proto(cgw);
  return r;
}

Result<v1::CustomerGateway> Gateway::modify_customer_gateway(
    const v1::ModifyCustomerGatewayRequest& req) {
  if (auto s = validate_resource_name("name", req.name()); !s) return fail(s.error());
  auto it = model_.customer_gateways.find(req.name());
  if (it == model_.customer_gateways.end()) {
    return fail(Error::not_found("customer gateway '" + req.name() + "' does not exist"));
  }
  CustomerGatewayConfig cgw = it->second;
  if (req.has_ip_address()) {
    auto ip = parse_customer_gateway_ip(req.ip_address());
    if (!ip) return fail(ip.error());
    if (auto s = check_address_unused(req.name(), *ip); !s) return fail(s.error());
    cgw.ip_address = *ip;
  }
  if (req.has_asn()) {
    auto asn = parse_asn_field(req.asn());
    if (!asn) return fail(asn.error());
    cgw.asn = *asn;
  }
  if (req.has_description()) {
    if (auto s = validate_description("description", req.description()); !s) return fail(s.error());
    cgw.description = req.description();
  }
  if (cgw == it->second) return to_proto(cgw);  // nothing to change, nothing to write
  ConfigModel next = model_;
  next.customer_gateways[cgw.name] = cgw;
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  VGW_LOG(kInfo, "vpn") << "customer gateway " << cgw.name << " modified";
  return to_proto(cgw);
}

Result<v1::DeleteCustomerGatewayResponse> Gateway::delete_customer_gateway(
    const v1::DeleteCustomerGatewayRequest& req) {
  if (req.name().empty()) return fail(Error::invalid("name is required"));
  if (!model_.customer_gateways.count(req.name())) {
    return fail(Error::not_found("customer gateway '" + req.name() + "' does not exist"));
  }
  if (auto s = check_customer_gateway_unused(model_.customer_gateways.at(req.name())); !s) {
    return fail(s.error());
  }
  ConfigModel next = model_;
  next.customer_gateways.erase(req.name());
  if (auto s = commit(std::move(next)); !s) return fail(s.error());
  VGW_LOG(kInfo, "vpn") << "customer gateway " << req.name() << " deleted";
  return v1::DeleteCustomerGatewayResponse{};
}

}  // namespace vgw::routing
