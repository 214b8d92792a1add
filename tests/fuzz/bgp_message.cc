// Fuzz target for the BGP wire codec (vgw::bgp_wire). Each input is decoded as a whole
// message and, separately, as a bare UPDATE and OPEN body, under several session contexts
// (2-/4-octet AS, external/internal/confederation peer, IPv6 on/off, extended next hop).
// Whatever decodes must encode, decode again and compare equal; decoded UPDATEs are also
// re-packed with pack_announce and must come back with the same attributes and prefixes.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "vgw/bgp/wire/wire.h"

namespace {

using namespace vgw::bgp::wire;

void check(bool ok) {
  if (!ok) std::abort();
}

SessionContext context(int i) {
  SessionContext c;
  c.four_octet_as = i % 2 == 0;
  c.peer = static_cast<PeerKind>(i % 3);
  c.ipv6_unicast = i != 3;
  c.extended_next_hop_ipv4 = i >= 2;
  return c;
}

void round_trip(const Message& m, const SessionContext& ctx) {
  std::vector<uint8_t> out;
  if (!serialize(m, ctx, out).ok()) return;  // re-encoding may not fit 4096 octets
  auto h = parse_header(out);
  check(h.ok() && h->length == out.size());
  auto again = parse_message(out, ctx);
  check(again.ok());
  check(*again == m);
}

void repack(const Update& u, const SessionContext& ctx) {
  if (u.nlri.empty()) return;
  std::vector<uint8_t> out;
  auto n = pack_announce(ctx, u.attributes, u.nlri, out);
  if (!n.ok()) return;
  std::vector<Ipv4Prefix> back;
  size_t off = 0, messages = 0;
  Update d;
  while (off < out.size()) {
    auto h = parse_header(std::span(out).subspan(off));
    check(h.ok() && off + h->length <= out.size());
    check(parse_update(std::span(out).subspan(off + kHeaderSize, h->length - kHeaderSize), ctx, d)
              .ok());
    check(d.attributes == u.attributes);
    back.insert(back.end(), d.nlri.begin(), d.nlri.end());
    off += h->length;
    ++messages;
  }
  check(messages == *n && back == u.nlri);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  Update update;
  for (int i = 0; i < 4; ++i) {
    const SessionContext ctx = context(i);
    auto m = parse_message(in, ctx);
    if (m.ok()) {
      round_trip(*m, ctx);
      if (auto* u = std::get_if<Update>(&*m)) repack(*u, ctx);
    }
    if (parse_update(in, ctx, update).ok()) {
      round_trip(Message(update), ctx);
      repack(update, ctx);
      (void)update.end_of_rib();
      (void)to_string(update.attributes);
      for (const auto& e : update.errors) (void)to_string(e);
    }
  }
  if (auto o = parse_open(in); o.ok()) round_trip(Message(*o), {});
  if (auto n = parse_notification(in); n.ok()) (void)n->to_string();
  return 0;
}
