// The path attribute descriptor table (see attribute_table.h). Each row cites the RFC
// section that sets its flags, length and error action.
#include "attribute_table.h"

#include <array>

namespace vgw::bgp::wire::detail {
namespace {

constexpr uint8_t kWellKnown = attr_flag::kTransitive;  // Optional 0, Transitive 1
constexpr uint8_t kOptTrans = attr_flag::kOptional | attr_flag::kTransitive;
constexpr uint8_t kOptNonTrans = attr_flag::kOptional;

using A = ErrorAction;
using L = LengthRule;

constexpr std::array<AttributeDescriptor, 256> make_table() {
  std::array<AttributeDescriptor, 256> t{};
  // RFC 4271 5.1.1; RFC 7606 7.1: length != 1 or undefined value -> treat-as-withdraw.
  t[attr::kOrigin] = {"ORIGIN", kWellKnown, L::kFixed, 1, A::kTreatAsWithdraw,
                      err::kInvalidOriginAttribute, false, decode_origin, encode_origin};
  // RFC 4271 5.1.2, RFC 5065; RFC 7606 7.2: malformed -> treat-as-withdraw.
  t[attr::kAsPath] = {"AS_PATH", kWellKnown, L::kAny, 0, A::kTreatAsWithdraw,
                      err::kMalformedAsPath, false, decode_as_path, encode_as_path};
  // RFC 4271 5.1.3; RFC 7606 7.3: length != 4 -> treat-as-withdraw.
  t[attr::kNextHop] = {"NEXT_HOP", kWellKnown, L::kFixed, 4, A::kTreatAsWithdraw,
                       err::kInvalidNextHopAttribute, false, decode_next_hop, encode_next_hop};
  // RFC 4271 5.1.4; RFC 7606 7.4: length != 4 -> treat-as-withdraw.
  t[attr::kMultiExitDisc] = {"MULTI_EXIT_DISC", kOptNonTrans, L::kFixed, 4, A::kTreatAsWithdraw,
                             err::kOptionalAttributeError, false, decode_med, encode_med};
  // RFC 4271 5.1.5; RFC 7606 7.5: from an external peer -> attribute discard; from an
  // internal one length != 4 -> treat-as-withdraw.
  t[attr::kLocalPref] = {"LOCAL_PREF", kWellKnown, L::kFixed, 4, A::kTreatAsWithdraw,
                         err::kAttributeLengthError, true, decode_local_pref, encode_local_pref};
  // RFC 4271 5.1.6; RFC 7606 7.6: length != 0 -> attribute discard.
  t[attr::kAtomicAggregate] = {"ATOMIC_AGGREGATE", kWellKnown, L::kFixed, 0, A::kAttributeDiscard,
                               err::kAttributeLengthError, false, decode_atomic_aggregate,
                               encode_atomic_aggregate};
  // RFC 4271 5.1.7, RFC 6793 (6 or 8 octets); RFC 7606 7.7: wrong length -> attribute discard.
  t[attr::kAggregator] = {"AGGREGATOR", kOptTrans, L::kFixedPlusAsn, 4, A::kAttributeDiscard,
                          err::kOptionalAttributeError, false, decode_aggregator,
                          encode_aggregator};
  // RFC 1997; RFC 7606 7.8: length not a non-zero multiple of 4 -> treat-as-withdraw.
  t[attr::kCommunities] = {"COMMUNITIES", kOptTrans, L::kNonZeroMultiple, 4, A::kTreatAsWithdraw,
                           err::kOptionalAttributeError, false, decode_communities,
                           encode_communities};
  // RFC 4456 8; RFC 7606 7.9: length != 4 -> treat-as-withdraw.
  t[attr::kOriginatorId] = {"ORIGINATOR_ID", kOptNonTrans, L::kFixed, 4, A::kTreatAsWithdraw,
                            err::kOptionalAttributeError, false, decode_originator_id,
                            encode_originator_id};
  // RFC 4456 8; RFC 7606 7.10: length not a non-zero multiple of 4 -> treat-as-withdraw.
  t[attr::kClusterList] = {"CLUSTER_LIST", kOptNonTrans, L::kNonZeroMultiple, 4,
                           A::kTreatAsWithdraw, err::kOptionalAttributeError, false,
                           decode_cluster_list, encode_cluster_list};
  // RFC 4760 3/4 and 7; RFC 7606 7.11/7.12 and 5.3: malformed -> AFI/SAFI disable, or
  // session reset when not even the AFI/SAFI can be read (set by the decoder).
  t[attr::kMpReachNlri] = {"MP_REACH_NLRI", kOptNonTrans, L::kAny, 0, A::kAfiSafiDisable,
                           err::kOptionalAttributeError, false, decode_mp_reach, nullptr};
  t[attr::kMpUnreachNlri] = {"MP_UNREACH_NLRI", kOptNonTrans, L::kAny, 0, A::kAfiSafiDisable,
                             err::kOptionalAttributeError, false, decode_mp_unreach, nullptr};
  // RFC 4360; RFC 7606 7.14: length not a non-zero multiple of 8 -> treat-as-withdraw.
  t[attr::kExtendedCommunities] = {"EXTENDED_COMMUNITIES", kOptTrans, L::kNonZeroMultiple, 8,
                                   A::kTreatAsWithdraw, err::kOptionalAttributeError, false,
                                   decode_extended_communities, encode_extended_communities};
  // RFC 6793 6: malformed AS4_PATH / AS4_AGGREGATOR -> attribute discard.
  t[attr::kAs4Path] = {"AS4_PATH", kOptTrans, L::kAny, 0, A::kAttributeDiscard,
                       err::kOptionalAttributeError, false, decode_as4_path, encode_as4_path};
  t[attr::kAs4Aggregator] = {"AS4_AGGREGATOR", kOptTrans, L::kFixed, 8, A::kAttributeDiscard,
                             err::kOptionalAttributeError, false, decode_as4_aggregator,
                             encode_as4_aggregator};
  // RFC 8092 5/6: length not a non-zero multiple of 12 -> treat-as-withdraw.
  t[attr::kLargeCommunities] = {"LARGE_COMMUNITY", kOptTrans, L::kNonZeroMultiple, 12,
                                A::kTreatAsWithdraw, err::kOptionalAttributeError, false,
                                decode_large_communities, encode_large_communities};
  return t;
}

constexpr std::array<AttributeDescriptor, 256> kTable = make_table();

constexpr uint8_t kEncodeOrder[] = {
    attr::kOrigin,        attr::kAsPath,      attr::kNextHop,
    attr::kMultiExitDisc, attr::kLocalPref,   attr::kAtomicAggregate,
    attr::kAggregator,    attr::kCommunities, attr::kOriginatorId,
    attr::kClusterList,   attr::kExtendedCommunities, attr::kAs4Path,
    attr::kAs4Aggregator, attr::kLargeCommunities,
};

}  // namespace

const AttributeDescriptor& attribute_descriptor(uint8_t type) { return kTable[type]; }

std::span<const uint8_t> encoded_attribute_types() { return kEncodeOrder; }

void write_attribute_header(ByteWriter& w, uint8_t flags, uint8_t type, size_t value_len) {
  if (value_len > 255) {
    w.u8(flags | attr_flag::kExtendedLength);
    w.u8(type);
    w.u16(static_cast<uint16_t>(value_len));
  } else {
    w.u8(static_cast<uint8_t>(flags & ~attr_flag::kExtendedLength));
    w.u8(type);
    w.u8(static_cast<uint8_t>(value_len));
  }
}

}  // namespace vgw::bgp::wire::detail
