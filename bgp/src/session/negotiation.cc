// OPEN checks that need configuration and capability negotiation (RFC 4271 6.2, RFC 5492,
// RFC 4760 8, RFC 6793 3-4, RFC 2918, RFC 7313, RFC 4724, RFC 6286).
#include "vgw/bgp/session/negotiation.h"

#include <algorithm>

#include "vgw/base/asn.h"
#include "vgw/base/bytes.h"

namespace vgw::bgp::session {
namespace {

wire::ParseError open_error(uint8_t subcode, std::string text, std::vector<uint8_t> data = {}) {
  wire::ParseError e;
  e.action = wire::ErrorAction::kSessionReset;
  e.code = wire::err::kOpenMessage;
  e.subcode = subcode;
  e.data = std::move(data);
  e.text = std::move(text);
  return e;
}

}  // namespace

wire::Open make_open(const LocalSettings& s) {
  wire::Open o;
  o.version = 4;
  o.set_asn(s.local_as);
  o.hold_time = s.hold_time;
  o.bgp_identifier = s.router_id;
  wire::Capabilities& c = o.capabilities;
  if (s.ipv4_unicast) c.multiprotocol.push_back(wire::kIpv4Unicast);
  if (s.ipv6_unicast) c.multiprotocol.push_back(wire::kIpv6Unicast);
  c.route_refresh = s.route_refresh;
  c.enhanced_route_refresh = s.route_refresh && s.enhanced_route_refresh;
  if (s.graceful_restart) {
    wire::GracefulRestart gr;
    gr.restart_time = std::min<uint16_t>(s.graceful_restart_time, 0x0fff);
    c.graceful_restart = gr;  // helper only: no families (RFC 4724 3)
  }
  return o;
}

wire::SessionContext Negotiated::context(bool internal) const {
  wire::SessionContext ctx;
  ctx.four_octet_as = four_octet_as;
  ctx.peer = internal ? wire::PeerKind::kInternal : wire::PeerKind::kExternal;
  ctx.ipv4_unicast = ipv4_unicast;
  ctx.ipv6_unicast = ipv6_unicast;
  return ctx;
}

Result<Negotiated, wire::ParseError> negotiate(const wire::Open& o, const LocalSettings& s) {
  const wire::Capabilities& caps = o.capabilities;
  // RFC 6793 4: the 4-octet AS capability carries the real ASN. Without it, AS_TRANS in My
  // Autonomous System cannot be the peer's AS.
  uint32_t asn = o.asn();
  if (!caps.four_octet_as && o.my_as == kAsTrans) {
    return fail(open_error(wire::err::kBadPeerAs, "peer announces AS_TRANS without the 4-octet AS capability"));
  }
  if (caps.four_octet_as && *caps.four_octet_as <= 0xffff && o.my_as != *caps.four_octet_as) {
    return fail(open_error(wire::err::kBadPeerAs,
                           "My Autonomous System " + std::to_string(o.my_as) +
                               " differs from the 4-octet AS capability " +
                               std::to_string(*caps.four_octet_as)));
  }
  if (s.any_external_as ? asn == s.local_as : asn != s.remote_as) {
    std::vector<uint8_t> data;
    ByteWriter w(data);
    w.u16(o.my_as);  // RFC 4271 6.2 gives no data; FRR and BIRD send the field, so do we
    std::string expected = s.any_external_as ? "an AS other than ours (remote-as external)" : asn_to_string(s.remote_as);
    return fail(open_error(wire::err::kBadPeerAs, "peer announces AS " + asn_to_string(asn) + ", expected " + expected,
                           std::move(data)));
  }
  // RFC 6286 2.2: the identifier must be unique within an AS (the codec refused 0).
  if (o.bgp_identifier == s.router_id && s.internal()) {
    std::vector<uint8_t> data;
    ByteWriter(data).u32(o.bgp_identifier);
    return fail(open_error(wire::err::kBadBgpIdentifier,
                           "internal peer uses our BGP Identifier", std::move(data)));
  }
  // RFC 4271 4.2 / 6.2: hold time 1 or 2 is unacceptable (the codec checks it too).
  if (o.hold_time == 1 || o.hold_time == 2) {
    return fail(open_error(wire::err::kUnacceptableHoldTime,
                           "hold time " + std::to_string(o.hold_time) + " s"));
  }

  Negotiated n;
  n.remote_as = asn;
  n.remote_id = o.bgp_identifier;
  n.hold_time = std::min(o.hold_time, s.hold_time);
  if (n.hold_time > 0) {
    uint16_t ka = s.keepalive_time == 0 ? n.hold_time / 3 : s.keepalive_time;
    n.keepalive_time = std::max<uint16_t>(1, std::min<uint16_t>(ka, n.hold_time / 3));
  }
  n.four_octet_as = caps.four_octet_as.has_value();
  // RFC 4760 8: a peer that sends no multiprotocol capability supports IPv4 unicast only.
  bool peer_v4 = caps.multiprotocol.empty() || caps.supports(wire::kIpv4Unicast);
  bool peer_v6 = caps.supports(wire::kIpv6Unicast);
  n.ipv4_unicast = s.ipv4_unicast && peer_v4;
  n.ipv6_unicast = s.ipv6_unicast && peer_v6;
  if (!n.ipv4_unicast && !n.ipv6_unicast) {
    // RFC 5492 5: Unsupported Capability, data = the capabilities we would need.
    std::vector<uint8_t> data;
    ByteWriter w(data);
    for (wire::AfiSafi f : {wire::kIpv4Unicast, wire::kIpv6Unicast}) {
      if (!(f == wire::kIpv4Unicast ? s.ipv4_unicast : s.ipv6_unicast)) continue;
      w.u8(wire::cap::kMultiprotocol);
      w.u8(4);
      w.u16(static_cast<uint16_t>(f.afi));
      w.u8(0);
      w.u8(static_cast<uint8_t>(f.safi));
    }
    return fail(open_error(wire::err::kUnsupportedCapability,
                           "no address family in common with the peer", std::move(data)));
  }
  n.route_refresh = s.route_refresh &&
                    (caps.route_refresh || caps.find(wire::cap::kRouteRefreshCisco) != nullptr);
  n.enhanced_route_refresh = n.route_refresh && s.enhanced_route_refresh &&
                             caps.enhanced_route_refresh;
  n.peer_graceful_restart = caps.graceful_restart;
  n.graceful_restart = s.graceful_restart && caps.graceful_restart.has_value();
  n.received = caps;
  return n;
}

}  // namespace vgw::bgp::session
