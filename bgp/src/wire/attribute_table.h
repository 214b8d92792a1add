// Internal: the path attribute descriptor table. One row per attribute type code this codec
// knows, saying what RFC 4271 section 5/6.3 and RFC 7606 section 7 require of it: the
// expected Optional/Transitive flags, the length rule, the RFC 7606 action when it is
// malformed, the NOTIFICATION subcode, and the functions that decode it from an UPDATE and
// encode it into one. The UPDATE decoder and encoder are loops over this table; everything
// attribute-specific is here (decoders in attribute_decode.cc, encoders in
// attribute_encode.cc).
#pragma once

#include <cstdint>
#include <span>

#include "vgw/base/bytes.h"
#include "vgw/bgp/wire/update.h"

namespace vgw::bgp::wire::detail {

// The state an attribute decoder works on for one UPDATE.
struct UpdateDecoder {
  UpdateDecoder(const SessionContext& c, Update& u, AsPath& scratch)
      : ctx(c), out(u), as4_path(scratch) {}
  const SessionContext& ctx;
  Update& out;
  // AS4_PATH / AS4_AGGREGATOR seen on a 2-octet session, folded in after the loop.
  bool has_as4_path = false;
  bool has_as4_aggregator = false;
  Aggregator as4_aggregator;
  AsPath& as4_path;  // scratch owned by the caller
  // The family of the MP attribute being decoded (for kAfiSafiDisable errors).
  AfiSafi mp_family;
};

// What a decoder concluded about one attribute value.
struct Outcome {
  enum class Kind : uint8_t { kOk, kMalformed, kDiscard };
  Kind kind = Kind::kOk;
  const char* why = nullptr;
  // For kMalformed: overrides the descriptor's action/subcode when not kNone/0.
  ErrorAction action = ErrorAction::kNone;
  uint8_t subcode = 0;

  static Outcome ok() { return {}; }
  static Outcome malformed(const char* why, ErrorAction action = ErrorAction::kNone,
                           uint8_t subcode = 0) {
    return {Kind::kMalformed, why, action, subcode};
  }
  // Ignored without being an error of the attribute (e.g. a family not negotiated).
  static Outcome discard(const char* why) { return {Kind::kDiscard, why}; }
};

enum class LengthRule : uint8_t {
  kAny,              // checked by the decoder
  kFixed,            // exactly `size`
  kNonZeroMultiple,  // size, 2*size, ...
  kFixedPlusAsn,     // `size` + 2 or 4 (the ASN width of the session)
};

using DecodeFn = Outcome (*)(UpdateDecoder& d, std::span<const uint8_t> value);
// Writes the attribute (header included) if `a` carries it; nothing otherwise.
using EncodeFn = void (*)(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);

struct AttributeDescriptor {
  const char* name = nullptr;  // nullptr: not a known attribute
  uint8_t flags = 0;           // expected Optional | Transitive bits
  LengthRule rule = LengthRule::kAny;
  uint8_t size = 0;
  ErrorAction on_error = ErrorAction::kTreatAsWithdraw;  // when malformed (RFC 7606 7)
  uint8_t subcode = 0;  // for a malformed value; flags/length errors use 4/5
  bool discard_from_external = false;  // LOCAL_PREF from an eBGP peer (RFC 7606 7.5)
  DecodeFn decode = nullptr;
  EncodeFn encode = nullptr;  // nullptr: encoded by the UPDATE writer itself (MP_*)
};

// Indexed by type code; rows with name == nullptr are unknown attributes.
const AttributeDescriptor& attribute_descriptor(uint8_t type);
// Type codes with an encoder, ascending (the order attributes are written in).
std::span<const uint8_t> encoded_attribute_types();

// Decoders (attribute_decode.cc).
Outcome decode_origin(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_as_path(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_next_hop(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_med(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_local_pref(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_atomic_aggregate(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_aggregator(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_communities(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_originator_id(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_cluster_list(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_mp_reach(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_mp_unreach(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_extended_communities(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_as4_path(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_as4_aggregator(UpdateDecoder& d, std::span<const uint8_t> v);
Outcome decode_large_communities(UpdateDecoder& d, std::span<const uint8_t> v);

// Encoders (attribute_encode.cc).
void encode_origin(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_as_path(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_next_hop(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_med(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_local_pref(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_atomic_aggregate(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_aggregator(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_communities(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_originator_id(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_cluster_list(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_extended_communities(const PathAttributes& a, const SessionContext& ctx,
                                 ByteWriter& w);
void encode_as4_path(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_as4_aggregator(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);
void encode_large_communities(const PathAttributes& a, const SessionContext& ctx, ByteWriter& w);

// Writes an attribute header, using the Extended Length bit when value_len > 255.
void write_attribute_header(ByteWriter& w, uint8_t flags, uint8_t type, size_t value_len);

// AS path wire form (RFC 4271 4.3 b, RFC 6793): segments with 2- or 4-octet ASNs.
enum class ConfedSegments : uint8_t {
  kReject,        // from an external peer (RFC 5065 5, RFC 7606 7.2)
  kAllowLeading,  // accepted only before any AS_SET/AS_SEQUENCE
  kSkip,          // dropped (AS4_PATH, RFC 6793 6); *skipped is set
};
// Appends the decoded segments to out. Returns nullptr or why the bytes are malformed.
const char* parse_as_path(std::span<const uint8_t> v, bool four_octet, ConfedSegments confed,
                          AsPath& out, bool* skipped = nullptr);

}  // namespace vgw::bgp::wire::detail
