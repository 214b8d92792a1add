// Internal to vgw::ike_wire: the payload chain walk shared by the message parser (which stops
// at SK/SKF) and parse_payloads (for which SK/SKF inside a chain is an error).
#pragma once

#include <vector>

#include "vgw/base/bytes.h"
#include "vgw/ike/wire/message.h"

namespace vgw::ike::wire {

bool is_encrypted_type(PayloadType t);

// Decodes payloads from r starting with type `first` into out. Returns kNone when the chain
// ended (and r is exhausted), or SK/SKF when stop_at_encrypted and one comes next (r is then
// at its generic header). Error offsets are base + position in r.
Result<PayloadType, ParseError> walk_chain(PayloadType first, ByteReader& r, size_t base,
                                           bool stop_at_encrypted, std::vector<Payload>& out);

// The payload can be encoded: a chain type (not none/SK/SKF) and a body that fits it.
Status check_payload(const Payload& p);

}  // namespace vgw::ike::wire
