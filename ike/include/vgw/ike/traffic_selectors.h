// Traffic selector narrowing (RFC 7296 2.9).
//
// The initiator proposes TSi (its side) and TSr (the responder's side); the responder answers
// with subsets of them that fit its own policy: here, every non-empty intersection of an
// offered selector with a configured one (same family; address range, port range and IP
// protocol intersected). Nothing left: TS_UNACCEPTABLE. The initiator accepts an answer only
// if each returned selector lies inside one it offered.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vgw/ike/wire/payloads.h"

namespace vgw::ike {

std::optional<wire::TrafficSelector> intersect(const wire::TrafficSelector& a,
                                               const wire::TrafficSelector& b);
std::vector<wire::TrafficSelector> narrow(std::span<const wire::TrafficSelector> offered,
                                          std::span<const wire::TrafficSelector> policy);
bool covered(std::span<const wire::TrafficSelector> returned,
             std::span<const wire::TrafficSelector> offered);
// "0.0.0.0/0 ::/0", "10.0.0.0-10.0.0.9[tcp/80]"
std::string describe(std::span<const wire::TrafficSelector> ts);

}  // namespace vgw::ike
