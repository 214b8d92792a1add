// PeerConfig <-> BgpNeighborConfig, and the field names requests list.
#include "peer_config_proto.h"

#include <google/protobuf/descriptor.h>

#include <tuple>

#include "vgw/base/asn.h"

namespace vgw::routing {

namespace {

using S = NeighborSetting;

// Each settable PeerConfig field and the setting it belongs to.
struct FieldSetting {
  const char* field;
  NeighborSetting setting;
};
constexpr FieldSetting kFieldSettings[] = {
    {"remote_as", S::kRemoteAs},
    {"remote_as_type", S::kRemoteAs},
    {"description", S::kDescription},
    {"password", S::kPassword},
    {"has_password", S::kPassword},
    {"ebgp_multihop", S::kEbgpMultihop},
    {"ttl_security", S::kTtlSecurity},
    {"update_source", S::kUpdateSource},
    {"passive", S::kPassive},
    {"keepalive_time", S::kTimers},
    {"hold_time", S::kTimers},
    {"connect_retry_time", S::kConnectRetry},
    {"shutdown", S::kShutdown},
    {"shutdown_message", S::kShutdown},
    {"ipv4_unicast", S::kIpv4Unicast},
    {"ipv6_unicast", S::kIpv6Unicast},
    {"maximum_prefix", S::kMaximumPrefix},
    {"maximum_prefix_warning_only", S::kMaximumPrefix},
    {"maximum_prefix_restart", S::kMaximumPrefix},
    {"route_map_in", S::kRouteMapIn},
    {"route_map_out", S::kRouteMapOut},
    {"advertisement_interval", S::kAdvertisementInterval},
    {"next_hop_self", S::kNextHopSelf},
    {"weight", S::kWeight},
    {"bfd", S::kBfd},
};

const FieldSetting* find_field(std::string_view name) {
  for (const auto& f : kFieldSettings) {
    if (name == f.field) return &f;
  }
  return nullptr;
}

std::string quoted_field(std::string_view list, const std::string& name) {
  return std::string(list) + ": '" + name.substr(0, 64) + "' is not a PeerConfig field that can change";
}

}  // namespace

v1::PeerConfig peer_to_proto(const BgpNeighborConfig& n) {
  v1::PeerConfig c;
  c.set_address(n.address.to_string());
  c.set_remote_as(n.remote_as);
  if (n.remote_as_kind == BgpNeighborConfig::RemoteAs::kExternal) c.set_remote_as_type("external");
  if (n.remote_as_kind == BgpNeighborConfig::RemoteAs::kInternal) c.set_remote_as_type("internal");
  c.set_description(n.description);
  c.set_has_password(!n.password.empty());
  c.set_ebgp_multihop(n.ebgp_multihop);
  c.set_ttl_security(n.ttl_security);
  if (n.update_source) c.set_update_source(n.update_source->to_string());
  c.set_passive(n.passive);
  c.set_keepalive_time(n.keepalive);
  c.set_hold_time(n.hold);
  c.set_connect_retry_time(n.connect_retry);
  c.set_shutdown(n.shutdown);
  c.set_shutdown_message(n.shutdown_message);
  c.set_ipv4_unicast(n.ipv4_unicast);
  c.set_ipv6_unicast(n.ipv6_unicast);
  c.set_maximum_prefix(n.maximum_prefix);
  c.set_maximum_prefix_warning_only(n.maximum_prefix_warning_only);
  c.set_maximum_prefix_restart(n.maximum_prefix_restart);
  c.set_route_map_in(n.route_map_in);
  c.set_route_map_out(n.route_map_out);
  c.set_advertisement_interval(n.advertisement_interval);
  c.set_next_hop_self(n.next_hop_self);
  c.set_weight(n.weight);
  c.set_bfd(n.bfd);
  c.set_peer_group(n.peer_group);
  return c;
}


namespace {

Status check_secret(std::string_view field, const std::string& value) {
  if (value == kMaskedSecret) {
    return fail(Error::invalid(std::string(field) + ": '" + value +
                               "' is what show output prints for a hidden secret, not a secret"));
  }
  for (unsigned char ch : value) {
    if (ch <= ' ' || ch == 0x7f) {
      return fail(Error::invalid(std::string(field) + " must not contain spaces or control characters"));
    }
  }
  if (value.size() > 80) return fail(Error::invalid(std::string(field) + " is longer than 80 characters (RFC 2385 keys)"));
  return {};
}

}  // namespace

Result<BgpNeighborConfig> parse_peer(const v1::PeerConfig& m, const BgpNeighborConfig* old, PeerConfigKind kind) {
  BgpNeighborConfig n;
  if (kind != PeerConfigKind::kGroup) {
    auto a = IpAddress::parse(m.address());
    if (m.address().empty()) return fail(Error::invalid("peer.address is required"));
    if (!a) return fail(Error::invalid("peer.address: " + a.error().message));
    if (a->is_unspecified() || a->is_multicast() || a->is_v4_broadcast()) {
      return fail(Error::invalid("peer.address " + a->to_string() + " cannot be a BGP peer"));
    }
    n.address = *a;
  }
  if (m.remote_as_type() == "external" || m.remote_as_type() == "internal") {
    if (m.remote_as() != 0) {
      return fail(Error::invalid("remote-as is either a number or " + m.remote_as_type() + ", not both"));
    }
    n.remote_as_kind = m.remote_as_type() == "external" ? BgpNeighborConfig::RemoteAs::kExternal
                                                        : BgpNeighborConfig::RemoteAs::kInternal;
  } else if (!m.remote_as_type().empty()) {
    return fail(Error::invalid("peer.remote_as_type '" + m.remote_as_type() + "' is not external or internal"));
  } else {
    if (m.remote_as() == 0 && kind == PeerConfigKind::kPeer) {
      return fail(Error::invalid("peer.remote_as is required (1..4294967295)"));
    }
    if (m.remote_as() == kAsTrans) return fail(Error::invalid("peer.remote_as 23456 is AS_TRANS (RFC 6793)"));
  }
  n.remote_as = m.remote_as();
  if (auto st = validate_description("peer.description", m.description()); !st) return fail(st.error());
  n.description = m.description();
  if (!m.password().empty()) {
    if (auto st = check_secret("peer.password", m.password()); !st) return fail(st.error());
    n.password = m.password();
  } else if (m.has_password() && old) {
    n.password = old->password;  // keep the stored secret (replies never carry it)
  }
  if (m.ebgp_multihop() > 255) return fail(Error::invalid("peer.ebgp_multihop must be 1..255"));
  n.ebgp_multihop = static_cast<uint8_t>(m.ebgp_multihop());
  n.ttl_security = m.ttl_security();
  if (!m.update_source().empty()) {
    auto u = IpAddress::parse(m.update_source());
    if (!u) return fail(Error::invalid("peer.update_source: " + u.error().message));
    if (u->is_unspecified() || u->is_multicast() || u->is_v4_broadcast()) {
      return fail(Error::invalid("peer.update_source " + u->to_string() + " is not a unicast address"));
    }
    n.update_source = *u;
  }
  n.passive = m.passive();
  n.keepalive = static_cast<uint16_t>(m.keepalive_time() ? m.keepalive_time() : 30);
  n.hold = static_cast<uint16_t>(m.hold_time());
  if (m.keepalive_time() == 0 && m.hold_time() == 0 && !old) n.hold = 90;
  if (m.hold_time() > 65535 || m.keepalive_time() > 65535) return fail(Error::invalid("peer timers must be 0..65535"));
  if (n.hold != 0 && n.hold < 3) return fail(Error::invalid("peer.hold_time must be 0 or at least 3 (RFC 4271)"));
  if (m.connect_retry_time() > 65535) return fail(Error::invalid("peer.connect_retry_time must be 0..65535 seconds"));
  n.connect_retry = static_cast<uint16_t>(m.connect_retry_time() ? m.connect_retry_time() : 120);
  n.shutdown = m.shutdown();
  if (auto st = validate_description("peer.shutdown_message", m.shutdown_message()); !st) return fail(st.error());
  if (m.shutdown_message().size() > 255) return fail(Error::invalid("peer.shutdown_message is longer than 255 octets (RFC 9003)"));
  n.shutdown_message = m.shutdown_message();
  n.ipv4_unicast = m.ipv4_unicast();
  n.ipv6_unicast = m.ipv6_unicast();
  n.maximum_prefix = m.maximum_prefix();
  n.maximum_prefix_warning_only = m.maximum_prefix_warning_only();
  if (m.maximum_prefix_restart() > 65535) return fail(Error::invalid("peer.maximum_prefix_restart must be 0..65535 minutes"));
  n.maximum_prefix_restart = static_cast<uint16_t>(m.maximum_prefix_restart());
  if (m.advertisement_interval() > 600) {
    return fail(Error::invalid("peer.advertisement_interval must be 0..600 seconds"));
  }
  n.advertisement_interval = static_cast<uint16_t>(m.advertisement_interval());
  n.next_hop_self = m.next_hop_self();
  n.bfd = m.bfd();
  if (m.weight() > 65535) return fail(Error::invalid("peer.weight must be 0..65535"));  // FRR's range
  n.weight = m.weight();
  for (const auto& [field, value, out] : {std::tuple{"peer.route_map_in", &m.route_map_in(), &n.route_map_in},
                                          std::tuple{"peer.route_map_out", &m.route_map_out(), &n.route_map_out}}) {
    if (value->find_first_of(" \t") != std::string::npos || value->size() > 63) {
      return fail(Error::invalid(std::string(field) + " '" + *value + "' is not a route-map name (one word, at most 63)"));
    }
    *out = *value;
  }
  // The cross-field rules; a group's update-source is checked against each member's address.
  BgpNeighborConfig checked = n;
  if (kind == PeerConfigKind::kGroup) checked.update_source.reset();
  if (auto st = check_neighbor(checked); !st) return fail(st.error());
  return n;
}


Result<NeighborSettings> settings_of_fields(const FieldNames& names, std::string_view list, bool allow_peer_group) {
  NeighborSettings out;
  for (const std::string& name : names) {
    if (allow_peer_group && name == "peer_group") continue;
    const auto* f = find_field(name);
    if (f == nullptr) return fail(Error::invalid(quoted_field(list, name)));
    out.set(setting_index(f->setting));
  }
  return out;
}

std::vector<std::string> fields_of_settings(const NeighborSettings& settings) {
  std::vector<std::string> out;
  for (const auto& f : kFieldSettings) {
    if (settings.test(setting_index(f.setting)) && std::string_view(f.field) != "has_password") out.push_back(f.field);
  }
  return out;
}

Status overlay_fields(const v1::PeerConfig& from, v1::PeerConfig& to, const FieldNames& names, std::string_view list,
                      bool allow_peer_group) {
  const auto* desc = v1::PeerConfig::descriptor();
  const auto* refl = from.GetReflection();
  for (const std::string& name : names) {
    if (!find_field(name) && !(allow_peer_group && name == "peer_group")) {
      return fail(Error::invalid(quoted_field(list, name)));
    }
    const auto* f = desc->FindFieldByName(name);
    switch (f->cpp_type()) {
      case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
        refl->SetString(&to, f, refl->GetString(from, f));
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_UINT32:
        refl->SetUInt32(&to, f, refl->GetUInt32(from, f));
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_BOOL:
        refl->SetBool(&to, f, refl->GetBool(from, f));
        break;
      default:
        return fail(Error::invalid(quoted_field(list, name)));
    }
    // A password listed is the password: "" removes it (a reply's has_password is no secret).
    if (name == "password") to.set_has_password(!from.password().empty());
  }
  return {};
}

}  // namespace vgw::routing
