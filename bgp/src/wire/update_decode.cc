// UPDATE decoding (RFC 4271 4.3) with the error handling of RFC 7606: the loop over path
// attributes that applies the descriptor table, duplicate and flag checks, AS4_PATH /
// AS4_AGGREGATOR reconstruction (RFC 6793 4.2.3) and the missing-attribute check.
//
// UPDATE body layout (RFC 4271 4.3):
//   Withdrawn Routes Length (2) | Withdrawn Routes | Total Path Attribute Length (2) |
//   Path Attributes | Network Layer Reachability Information (the rest)
// Path attribute (RFC 4271 4.3):
//   Flags (1) | Type Code (1) | Length (1, or 2 with the Extended Length flag) | Value
#include <algorithm>
#include <bitset>

#include "attribute_table.h"
#include "vgw/base/asn.h"

namespace vgw::bgp::wire {

using detail::AttributeDescriptor;
using detail::LengthRule;
using detail::Outcome;
using detail::UpdateDecoder;

namespace {

constexpr size_t kMaxDiagnostics = 16;

ParseError make_error(ErrorAction action, uint8_t subcode, std::span<const uint8_t> data,
                      std::string text) {
  ParseError e;
  e.action = action;
  e.code = err::kUpdateMessage;
  e.subcode = subcode;
  e.data.assign(data.begin(), data.end());
  e.text = std::move(text);
  return e;
}

// Records a non-fatal problem in the Update.
void note(Update& u, ParseError e) {
  if (e.action > u.action) u.action = e.action;
  if (u.errors.size() < kMaxDiagnostics) u.errors.push_back(std::move(e));
}

bool length_ok(const AttributeDescriptor& d, const SessionContext& ctx, size_t len) {
  switch (d.rule) {
    case LengthRule::kAny: return true;
    case LengthRule::kFixed: return len == d.size;
    case LengthRule::kNonZeroMultiple: return len != 0 && len % d.size == 0;
    case LengthRule::kFixedPlusAsn: return len == d.size + (ctx.four_octet_as ? 4u : 2u);
  }
  return false;
}

// RFC 6793 4.2.3: fold AS4_AGGREGATOR / AS4_PATH received from an OLD speaker into
// AGGREGATOR / AS_PATH.
void reconstruct_as4(UpdateDecoder& d) {
  PathAttributes& a = d.out.attributes;
  bool use_as4_path = d.has_as4_path;
  if (d.has_as4_aggregator && a.has(attr::kAggregator)) {
    if (a.aggregator.asn == kAsTrans) {
      a.aggregator = d.as4_aggregator;
    } else {
      // The AGGREGATOR was set by an OLD speaker after the AS4 attributes were: both
      // AS4_AGGREGATOR and AS4_PATH are ignored.
      use_as4_path = false;
    }
  }
  if (!use_as4_path || !a.has(attr::kAsPath)) return;
  size_t have = a.as_path.path_length();
  size_t have4 = d.as4_path.path_length();
  if (have < have4) return;  // AS4_PATH is ignored
  size_t needed = have - have4;
  thread_local AsPath merged;
  merged.clear();
  for (AsPath::Segment s : a.as_path) {
    if (is_confed(s.type)) {  // leading confederation segments count 0 and are kept
      merged.append(s);
      continue;
    }
    if (needed == 0) break;
    if (s.type == SegmentType::kSet) {
      merged.append(s);
      --needed;
    } else {
      size_t take = std::min(needed, s.asns.size());
      merged.append(s.type, s.asns.first(take));
      needed -= take;
    }
  }
  for (AsPath::Segment s : d.as4_path) merged.append(s);
  std::swap(a.as_path, merged);
}

// RFC 7606 3.d: ORIGIN and AS_PATH (and NEXT_HOP for the IPv4 NLRI field) must be present
// when the UPDATE announces anything. RFC 4760 makes NEXT_HOP unnecessary otherwise.
void check_mandatory(Update& u, uint64_t malformed) {
  bool announces = !u.nlri.empty() ||
                   (u.has_mp_reach && (!u.mp_reach.nlri4.empty() || !u.mp_reach.nlri6.empty()));
  if (!announces) return;
  auto require = [&](uint8_t type) {
    if (u.attributes.has(type) || (malformed >> type & 1)) return;
    const uint8_t code[1] = {type};
    note(u, make_error(ErrorAction::kTreatAsWithdraw, err::kMissingWellKnownAttribute, code,
                       "missing well-known attribute " + attribute_name(type)));
  };
  require(attr::kOrigin);
  require(attr::kAsPath);
  if (!u.nlri.empty()) require(attr::kNextHop);
}

}  // namespace

Result<void, ParseError> parse_update(std::span<const uint8_t> body, const SessionContext& ctx,
                                      Update& out) {
  out.clear();
  auto fatal = [](uint8_t subcode, std::string text) {
    return fail(make_error(ErrorAction::kSessionReset, subcode, {}, std::move(text)));
  };
  ByteReader r(body);
  auto wlen = r.u16();
  if (!wlen) return fatal(err::kMalformedAttributeList, "UPDATE shorter than 4 octets");
  auto withdrawn = r.bytes(*wlen);
  if (!withdrawn)
    return fatal(err::kMalformedAttributeList, "Withdrawn Routes Length runs past the message");
  auto alen = r.u16();
  if (!alen) return fatal(err::kMalformedAttributeList, "no Total Path Attribute Length");
  auto attrs = r.bytes(*alen);
  if (!attrs)
    return fatal(err::kMalformedAttributeList, "Total Path Attribute Length runs past the message");
  // RFC 7606 5.3: NLRI that cannot be parsed -> session reset.
  if (const char* why = parse_ipv4_nlri(*withdrawn, out.withdrawn))
    return fatal(err::kInvalidNetworkField, std::string("Withdrawn Routes: ") + why);
  if (const char* why = parse_ipv4_nlri(r.rest(), out.nlri))
    return fatal(err::kInvalidNetworkField, std::string("NLRI: ") + why);

  thread_local AsPath as4_scratch;
  UpdateDecoder d(ctx, out, as4_scratch);
  std::bitset<256> seen;
  uint64_t malformed = 0;  // known attributes found malformed (for the missing check)
  ByteReader ar(*attrs);
  while (!ar.empty()) {
    size_t start = ar.position();
    // RFC 7606 4: too few octets left for an attribute header, or an attribute running
    // past the Total Path Attribute Length -> treat-as-withdraw, stop parsing attributes.
    uint8_t flags = ar.rest()[0];
    size_t hdr = (flags & attr_flag::kExtendedLength) ? 4 : 3;
    if (ar.remaining() < hdr) {
      note(out, make_error(ErrorAction::kTreatAsWithdraw, err::kMalformedAttributeList, {},
                           "truncated path attribute header"));
      break;
    }
    uint8_t type = ar.rest()[1];
    size_t len = hdr == 4 ? (size_t{ar.rest()[2]} << 8 | ar.rest()[3]) : ar.rest()[2];
    ar.skip(hdr);
    auto value = ar.bytes(len);
    ++out.attribute_count;
    if (!value) {
      // Without the whole MP attribute its NLRI cannot be withdrawn: reset (RFC 7606 5.3).
      ErrorAction act = (type == attr::kMpReachNlri || type == attr::kMpUnreachNlri)
                            ? ErrorAction::kSessionReset
                            : ErrorAction::kTreatAsWithdraw;
      auto e = make_error(act, err::kAttributeLengthError, attrs->subspan(start),
                          attribute_name(type) + ": length runs past the path attributes");
      if (act == ErrorAction::kSessionReset) return fail(std::move(e));
      if (type < 64) malformed |= uint64_t{1} << type;
      note(out, std::move(e));
      break;
    }
    std::span<const uint8_t> whole = attrs->subspan(start, hdr + len);

    // RFC 7606 3.g: a repeated MP attribute resets the session; other repeats are dropped.
    if (seen[type]) {
      if (type == attr::kMpReachNlri || type == attr::kMpUnreachNlri)
        return fail(make_error(ErrorAction::kSessionReset, err::kMalformedAttributeList, {},
                               attribute_name(type) + " appears more than once"));
      note(out, make_error(ErrorAction::kAttributeDiscard, err::kMalformedAttributeList, whole,
                           attribute_name(type) + " appears more than once; repeat discarded"));
      continue;
    }
    seen[type] = true;

    const AttributeDescriptor& desc = detail::attribute_descriptor(type);
    if (!desc.name) {
      // RFC 4271 5 / 6.3: unrecognised well-known -> error (treat-as-withdraw per RFC 7606);
      // optional transitive -> kept for propagation with Partial set; optional
      // non-transitive -> quietly ignored.
      if (!(flags & attr_flag::kOptional)) {
        note(out, make_error(ErrorAction::kTreatAsWithdraw, err::kUnrecognizedWellKnownAttribute,
                             whole, attribute_name(type) + ": unrecognized well-known attribute"));
      } else if (flags & attr_flag::kTransitive) {
        out.attributes.add_unknown(flags, type, *value);
      }
      continue;
    }
    // RFC 7606 7.5: LOCAL_PREF from an external peer is discarded whatever it looks like.
    if (desc.discard_from_external && ctx.peer == PeerKind::kExternal) {
      note(out, make_error(ErrorAction::kAttributeDiscard, err::kAttributeLengthError, whole,
                           std::string(desc.name) + ": from an external peer; discarded"));
      continue;
    }
    // RFC 7606 3.c: Optional/Transitive bits in conflict -> the attribute is malformed.
    // RFC 4271 6.3 / RFC 7606 4 / RFC 7606 7: length rules of the attribute.
    Outcome o;
    uint8_t subcode = 0;
    const bool is_mp = type == attr::kMpReachNlri || type == attr::kMpUnreachNlri;
    if (is_mp && len >= 3)
      d.mp_family = {static_cast<Afi>((*value)[0] << 8 | (*value)[1]),
                     static_cast<Safi>((*value)[2])};
    if ((flags & (attr_flag::kOptional | attr_flag::kTransitive)) != desc.flags) {
      o = Outcome::malformed("attribute flags conflict with the attribute type");
      subcode = err::kAttributeFlagsError;
    } else if (!length_ok(desc, ctx, len)) {
      o = Outcome::malformed("invalid attribute length");
      subcode = err::kAttributeLengthError;
    } else {
      o = desc.decode(d, *value);
      subcode = o.subcode ? o.subcode : desc.subcode;
    }
    switch (o.kind) {
      case Outcome::Kind::kOk: {
        constexpr uint8_t kOptTrans = attr_flag::kOptional | attr_flag::kTransitive;
        if ((flags & attr_flag::kPartial) && desc.flags == kOptTrans && type < 64 &&
            desc.encode && type != attr::kAs4Path && type != attr::kAs4Aggregator)
          out.attributes.partial |= uint64_t{1} << type;
        break;
      }
      case Outcome::Kind::kDiscard:
        note(out, make_error(ErrorAction::kAttributeDiscard, desc.subcode, whole,
                             std::string(desc.name) + ": " + o.why));
        break;
      case Outcome::Kind::kMalformed: {
        ErrorAction act = o.action != ErrorAction::kNone ? o.action : desc.on_error;
        // A malformed MP attribute whose AFI/SAFI could not be read resets the session.
        if (act == ErrorAction::kAfiSafiDisable && !(is_mp && len >= 3))
          act = ErrorAction::kSessionReset;
        auto e = make_error(act, subcode, whole, std::string(desc.name) + ": " + o.why);
        if (is_mp) e.afi_safi = d.mp_family;
        if (act >= ErrorAction::kAfiSafiDisable) return fail(std::move(e));
        if (type < 64) malformed |= uint64_t{1} << type;
        note(out, std::move(e));
        break;
      }
    }
  }

  if (!ctx.four_octet_as && (d.has_as4_path || d.has_as4_aggregator)) reconstruct_as4(d);
  check_mandatory(out, malformed);
  return {};
}

}  // namespace vgw::bgp::wire
