// The Control packet codec (RFC 5880 4.1-4.4) and the packet-only reception checks of 6.8.6.
// Bytes are read and written only through ByteReader / ByteWriter; the checks run in the
// order 6.8.6 lists them, so the first failing rule is the reason reported.
#include "vgw/bfd/wire.h"

#include <algorithm>
#include <cstdio>

#include "vgw/base/bytes.h"

namespace vgw::bfd {

namespace {

// 4.1: the bits of the second octet after the two-bit State.
constexpr uint8_t kFlagPoll = 0x20;
constexpr uint8_t kFlagFinal = 0x10;
constexpr uint8_t kFlagControlPlaneIndependent = 0x08;
constexpr uint8_t kFlagAuthPresent = 0x04;
constexpr uint8_t kFlagDemand = 0x02;
constexpr uint8_t kFlagMultipoint = 0x01;

// 4.2-4.4: the Auth Len each type allows (Auth Type + Auth Len + Key ID + the rest).
bool auth_length_fits(AuthType type, size_t auth_len) {
  switch (type) {
    case AuthType::kSimplePassword: return auth_len >= 4 && auth_len <= 19;  // 1..16 octets
    case AuthType::kKeyedMd5:
    case AuthType::kMeticulousKeyedMd5: return auth_len == 24;
    case AuthType::kKeyedSha1:
    case AuthType::kMeticulousKeyedSha1: return auth_len == 28;
    case AuthType::kReserved: break;
  }
  return auth_len >= 3;  // reserved types: opaque, but the Key ID octet is common to all
}

}  // namespace

const char* state_name(State s) {
  switch (s) {
    case State::kAdminDown: return "AdminDown";
    case State::kDown: return "Down";
    case State::kInit: return "Init";
    case State::kUp: return "Up";
  }
  return "?";
}

const char* diag_name(Diag d) {
  switch (d) {
    case Diag::kNone: return "No Diagnostic";
    case Diag::kControlDetectionTimeExpired: return "Control Detection Time Expired";
    case Diag::kEchoFunctionFailed: return "Echo Function Failed";
    case Diag::kNeighborSignaledSessionDown: return "Neighbor Signaled Session Down";
    case Diag::kForwardingPlaneReset: return "Forwarding Plane Reset";
    case Diag::kPathDown: return "Path Down";
    case Diag::kConcatenatedPathDown: return "Concatenated Path Down";
    case Diag::kAdministrativelyDown: return "Administratively Down";
    case Diag::kReverseConcatenatedPathDown: return "Reverse Concatenated Path Down";
  }
  return "Reserved";
}

const char* auth_type_name(AuthType t) {
  switch (t) {
    case AuthType::kReserved: return "reserved";
    case AuthType::kSimplePassword: return "simple-password";
    case AuthType::kKeyedMd5: return "keyed-md5";
    case AuthType::kMeticulousKeyedMd5: return "meticulous-keyed-md5";
    case AuthType::kKeyedSha1: return "keyed-sha1";
    case AuthType::kMeticulousKeyedSha1: return "meticulous-keyed-sha1";
  }
  return "reserved";
}

const char* drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::kTruncated: return "truncated";
    case DropReason::kBadVersion: return "bad-version";
    case DropReason::kBadLength: return "bad-length";
    case DropReason::kLengthExceedsPayload: return "length-exceeds-payload";
    case DropReason::kBadAuthSection: return "bad-auth-section";
    case DropReason::kZeroDetectMult: return "zero-detect-mult";
    case DropReason::kMultipoint: return "multipoint";
    case DropReason::kZeroMyDiscriminator: return "zero-my-discriminator";
    case DropReason::kZeroYourDiscriminator: return "zero-your-discriminator";
    case DropReason::kAuthBitMismatch: return "auth-bit-mismatch";
    case DropReason::kNoSession: return "no-session";
    case DropReason::kYourDiscriminatorMismatch: return "your-discriminator-mismatch";
    case DropReason::kAuthNotInUse: return "auth-not-in-use";
    case DropReason::kCount: break;
  }
  return "?";
}

std::optional<uint32_t> AuthSection::sequence_number() const {
  switch (type) {
    case AuthType::kKeyedMd5:
    case AuthType::kMeticulousKeyedMd5:
    case AuthType::kKeyedSha1:
    case AuthType::kMeticulousKeyedSha1: {
      ByteReader r(data);
      if (!r.skip(1)) return std::nullopt;  // Reserved
      return r.u32();
    }
    default: return std::nullopt;
  }
}

std::string ControlPacket::to_string() const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s diag=%u my=0x%x your=0x%x tx=%u rx=%u echo=%u mult=%u",
                state_name(state), static_cast<unsigned>(diag), my_discriminator,
                your_discriminator, desired_min_tx_us, required_min_rx_us,
                required_min_echo_rx_us, detect_mult);
  std::string s = buf;
  if (poll) s += " P";
  if (final) s += " F";
  if (control_plane_independent) s += " C";
  if (auth_present) s += " A";
  if (demand) s += " D";
  if (multipoint) s += " M";
  if (auth) s += std::string(" auth=") + auth_type_name(auth->type);
  return s;
}

Result<ControlPacket, DropReason> parse_control_packet(std::span<const uint8_t> payload) {
  ByteReader r(payload);
  if (r.remaining() < kMandatoryLength) return fail(DropReason::kTruncated);
  ControlPacket p;
  const uint8_t vers_diag = *r.u8();
  const uint8_t sta_flags = *r.u8();
  p.version = vers_diag >> 5;
  p.diag = static_cast<Diag>(vers_diag & 0x1f);
  if (p.version != kVersion) return fail(DropReason::kBadVersion);
  p.state = static_cast<State>(sta_flags >> 6);
  p.poll = (sta_flags & kFlagPoll) != 0;
  p.final = (sta_flags & kFlagFinal) != 0;
  p.control_plane_independent = (sta_flags & kFlagControlPlaneIndependent) != 0;
  p.auth_present = (sta_flags & kFlagAuthPresent) != 0;
  p.demand = (sta_flags & kFlagDemand) != 0;
  p.multipoint = (sta_flags & kFlagMultipoint) != 0;
  p.detect_mult = *r.u8();
  const size_t length = *r.u8();
  if (length < kMandatoryLength || (p.auth_present && length < kMinLengthWithAuth)) {
    return fail(DropReason::kBadLength);
  }
  if (length > payload.size()) return fail(DropReason::kLengthExceedsPayload);
  p.my_discriminator = *r.u32();
  p.your_discriminator = *r.u32();
  p.desired_min_tx_us = *r.u32();
  p.required_min_rx_us = *r.u32();
  p.required_min_echo_rx_us = *r.u32();
  if (!p.auth_present) return p;  // octets between 24 and Length (if any) are not ours to read

  // 4.1: the authentication section fills the packet up to Length; Auth Len counts its own
  // Auth Type and Auth Len octets.
  auto section = r.sub(length - kMandatoryLength);
  if (!section) return fail(DropReason::kLengthExceedsPayload);  // unreachable: checked above
  AuthSection a;
  a.type = static_cast<AuthType>(*section->u8());
  const size_t auth_len = *section->u8();
  if (auth_len != length - kMandatoryLength || !auth_length_fits(a.type, auth_len)) {
    return fail(DropReason::kBadAuthSection);
  }
  a.key_id = *section->u8();
  auto rest = section->rest();
  a.data.assign(rest.begin(), rest.end());
  p.auth = std::move(a);
  return p;
}

std::optional<DropReason> validate(const ControlPacket& p) {
  if (p.version != kVersion) return DropReason::kBadVersion;
  if (p.detect_mult == 0) return DropReason::kZeroDetectMult;
  if (p.multipoint) return DropReason::kMultipoint;
  if (p.my_discriminator == 0) return DropReason::kZeroMyDiscriminator;
  if (p.your_discriminator == 0 && p.state != State::kDown && p.state != State::kAdminDown) {
    return DropReason::kZeroYourDiscriminator;
  }
  if (p.auth_present != p.auth.has_value()) return DropReason::kAuthBitMismatch;
  return std::nullopt;
}

Result<ControlPacket, DropReason> decode_control_packet(std::span<const uint8_t> payload) {
  auto p = parse_control_packet(payload);
  if (!p) return p;
  if (auto why = validate(*p)) return fail(*why);
  return p;
}

void serialize(const ControlPacket& p, std::vector<uint8_t>& out) {
  ByteWriter w(out);
  // Length is one octet: authentication data beyond what it can count is cut.
  constexpr size_t kMaxAuthData = 255 - kMandatoryLength - 3;
  const size_t auth_data = p.auth ? std::min(p.auth->data.size(), kMaxAuthData) : 0;
  const size_t length = kMandatoryLength + (p.auth ? 3 + auth_data : 0);
  w.u8(static_cast<uint8_t>((p.version & 0x07) << 5 | (static_cast<uint8_t>(p.diag) & 0x1f)));
  uint8_t flags = static_cast<uint8_t>((static_cast<uint8_t>(p.state) & 0x03) << 6);
  if (p.poll) flags |= kFlagPoll;
  if (p.final) flags |= kFlagFinal;
  if (p.control_plane_independent) flags |= kFlagControlPlaneIndependent;
  if (p.auth) flags |= kFlagAuthPresent;
  if (p.demand) flags |= kFlagDemand;
  if (p.multipoint) flags |= kFlagMultipoint;
  w.u8(flags);
  w.u8(p.detect_mult);
  w.u8(static_cast<uint8_t>(length));
  w.u32(p.my_discriminator);
  w.u32(p.your_discriminator);
  w.u32(p.desired_min_tx_us);
  w.u32(p.required_min_rx_us);
  w.u32(p.required_min_echo_rx_us);
  if (p.auth) {
    w.u8(static_cast<uint8_t>(p.auth->type));
    w.u8(static_cast<uint8_t>(3 + auth_data));
    w.u8(p.auth->key_id);
    w.bytes(std::span(p.auth->data).first(auth_data));
  }
}

std::vector<uint8_t> serialize(const ControlPacket& p) {
  std::vector<uint8_t> out;
  serialize(p, out);
  return out;
}

}  // namespace vgw::bfd
