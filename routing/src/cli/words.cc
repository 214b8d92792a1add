// The API's field names in error messages, said in the command language's words: vgwd's
// validation speaks protobuf (`peer.hold_time`), which is right for API clients; the shell and
// the config loader show the same refusal in the words the user typed (`timers hold`).
#include <string>
#include <string_view>
#include <utility>

#include "vgw/routing/cli/session.h"

namespace vgw::routing::cli {

namespace {

constexpr std::pair<std::string_view, std::string_view> kWords[] = {
    // customer gateways, the VPN gateway, connections
    {"ip_address", "ip"},
    {"router_id", "router-id"},
    {"local_asn", "local-asn"},
    {"failback_delay", "failback-delay"},
    {"add_vpc_networks", "vpc-network"},
    {"remove_vpc_networks", "vpc-network"},
    {"add_public_addresses", "public-address"},
    {"remove_public_addresses", "public-address"},
    {"add_local_subnets", "local-subnet"},
    {"remove_local_subnets", "local-subnet"},
    {"local_subnets", "local-subnet"},
    {"add_remote_subnets", "remote-subnet"},
    {"remove_remote_subnets", "remote-subnet"},
    {"remote_subnets", "remote-subnet"},
    {"remove_route", "route"},
    {"set_tunnel.role", "tunnel role (active|standby)"},
    {"tunnels.role", "tunnel role (active|standby)"},
    {"bgp_hold", "bgp timers hold"},
    {"bgp_keepalive", "bgp timers keepalive"},
    // static routes
    {"route.prefix", "prefix"},
    {"route.nexthop_address", "next hop"},
    {"nexthop_address", "next hop"},
    {"route.interface", "interface"},
    {"route.weight", "weight"},
    {"route.distance", "distance"},
    {"route.type", "route type"},
    // router bgp
    {"maximum_paths", "maximum-paths"},
    {"redistribute.protocol", "redistribute"},
    {"redistribute.family", "address-family"},
    {"peer.address", "neighbor address"},
    {"peer.peer_group", "peer-group"},
    {"peer.remote_as", "remote-as"},
    {"peer.remote_as_type", "remote-as"},
    {"peer.update_source", "update-source"},
    {"peer.ebgp_multihop", "ebgp-multihop"},
    {"peer.ttl_security", "ttl-security"},
    {"peer.weight", "weight"},
    {"peer.description", "description"},
    {"peer.password", "password"},
    {"peer.shutdown_message", "shutdown message"},
    {"peer.maximum_prefix_restart", "maximum-prefix restart"},
    {"peer.keepalive_time", "timers keepalive"},
    {"peer.hold_time", "timers hold"},
    {"hold_time", "hold time"},
    {"peer.connect_retry_time", "timers connect"},
    {"peer.advertisement_interval", "advertisement-interval"},
    {"peer.route_map_in", "route-map in"},
    {"peer.route_map_out", "route-map out"},
    // tunnels: hand-keyed SAs, IKE, health, BFD
    {"sa.tunnel", "tunnel"},
    {"sa.spi", "spi"},
    {"sa.direction", "direction (inbound|outbound)"},
    {"sa.algorithm", "algorithm"},
    {"sa.replay_window", "replay-window"},
    {"encryption_key", "key"},
    {"integrity_key", "integrity-key"},
    {"tunnel.ike.enabled", "ike"},
    {"tunnel.ike", "ike"},
    {"ike_pre_shared_key", "ike pre-shared-key"},
    {"ike_local_id", "ike local-id"},
    {"ike_remote_id", "ike remote-id"},
    {"ike_proposals", "ike proposal"},
    {"esp_proposals", "esp proposal"},
    {"ike_lifetime", "ike lifetime"},
    {"esp_lifetime", "esp lifetime"},
    {"ike_dpd_interval", "ike dpd interval"},
    {"ike_dpd_retries", "ike dpd retries"},
    {"health_check.destination", "health-check destination"},
    {"health_check.source", "health-check source"},
    {"health_check.interval_ms", "health-check interval"},
    {"health_check.retries", "health-check retries"},
    {"health_check.udp_port", "health-check udp-port"},
    {"health_check", "health-check"},
    {"remove_health_check", "no health-check"},
    {"remove_bfd", "no bfd"},
    {"local_address", "local-address"},
    {"detect_multiplier", "detect-multiplier"},
    {"receive_interval_ms", "receive-interval"},
    {"transmit_interval_ms", "transmit-interval"},
    {"min_level", "level"},
    {"show_secrets", "secrets"},
};

std::string_view word_for(std::string_view field) {
  for (const auto& [api, cli] : kWords) {
    if (api == field) return cli;
  }
  return {};
}

bool field_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'; }

}  // namespace

std::string in_cli_words(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  bool quoted = false;  // what the user typed is quoted ('...') and kept as it is
  size_t i = 0;
  while (i < message.size()) {
    char c = message[i];
    if (c == '\'') quoted = !quoted;
    if (quoted || !field_char(c) || (i > 0 && field_char(message[i - 1]))) {
      out += c;
      ++i;
      continue;
    }
    size_t end = i;
    while (end < message.size() && field_char(message[end])) ++end;
    std::string_view token = message.substr(i, end - i);
    size_t trailing = 0;  // a sentence's full stop is not part of the field
    while (trailing < token.size() && token[token.size() - 1 - trailing] == '.') ++trailing;
    std::string_view word = word_for(token.substr(0, token.size() - trailing));
    if (word.empty()) {
      out += token;
    } else {
      out += word;
      out += token.substr(token.size() - trailing);
    }
    i = end;
  }
  return out;
}

}  // namespace vgw::routing::cli
