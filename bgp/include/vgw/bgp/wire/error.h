// What the codec reports when a peer's bytes are wrong, and what the session must do about it.
//
// RFC 7606 replaced "reset the session on any UPDATE error" with graded actions. Every
// ParseError carries the action that applies, plus the NOTIFICATION code/subcode/data that
// RFC 4271 section 6 (and RFC 7313/5492/...) prescribe; the codec only decides, the session
// acts (sends the NOTIFICATION, withdraws, drops the attribute, disables the family).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vgw/bgp/wire/constants.h"

namespace vgw::bgp::wire {

// Ordered by severity: a larger value overrides a smaller one (RFC 7606 2).
enum class ErrorAction : uint8_t {
  kNone = 0,
  // The attribute is dropped, the rest of the UPDATE is used (RFC 7606 2).
  kAttributeDiscard = 1,
  // The UPDATE's announced NLRI are withdrawn instead (RFC 7606 2); Update still lists them.
  kTreatAsWithdraw = 2,
  // RFC 4760 7 / RFC 7606 5.3: drop every route of ParseError::afi_safi and ignore that
  // family for the rest of the session (the session may choose to reset instead).
  kAfiSafiDisable = 3,
  // Send the NOTIFICATION (code/subcode/data) and close the session.
  kSessionReset = 4,
};
const char* error_action_name(ErrorAction action);

struct ParseError {
  ErrorAction action = ErrorAction::kSessionReset;
  uint8_t code = 0;     // NOTIFICATION Error Code (err::k...)
  uint8_t subcode = 0;  // NOTIFICATION Error Subcode
  std::vector<uint8_t> data;  // NOTIFICATION Data (e.g. the offending attribute, RFC 4271 6.3)
  std::string text;           // for logs: names the field and the rule
  AfiSafi afi_safi{};         // the family concerned, for kAfiSafiDisable

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

// "treat-as-withdraw: UPDATE Message Error / Malformed AS_PATH: AS_PATH: ..."
std::string to_string(const ParseError& e);

}  // namespace vgw::bgp::wire
