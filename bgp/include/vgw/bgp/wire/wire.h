// vgw::bgp::wire - the BGP-4 message codec (library vgw::bgp_wire; depends on base/ only).
//
// What it is for: turning the octets of a BGP session into typed messages and back, with
// no I/O, clock or RIB knowledge. The session/FSM reads 19 octets, asks parse_header() for
// the length, reads the rest and calls parse_message() (or, on the hot path, parse_update()
// with an Update it reuses for every message). It sends with serialize() and the pack_*
// functions of update.h, which spread a prefix list with one attribute set over as few
// 4096-octet UPDATEs as possible.
//
// How UPDATE data flows:
//   bytes -> parse_update(body, SessionContext, Update&)
//            - Withdrawn Routes and NLRI -> vectors of compact Ipv4Prefix/Ipv6Prefix
//            - each path attribute -> the descriptor table (src/wire/attribute_table.cc):
//              flags and length rules, then the attribute's decoder; problems become
//              ParseErrors carrying the RFC 7606 action and the RFC 4271 NOTIFICATION
//            - AS4_PATH/AS4_AGGREGATOR folded in on 2-octet sessions (RFC 6793 4.2.3)
//            - missing mandatory attributes -> treat-as-withdraw (RFC 7606 3.d)
//         -> Update { withdrawn, attributes (canonical, hashable), nlri, mp_reach,
//                     mp_unreach, action, errors }
//   The session acts on Update::action (or on the returned ParseError for session reset /
//   AFI-SAFI disable); PathAttributes is the value to intern (operator==, hash_value).
//
// Headers: constants.h (numbers and names), error.h (ParseError, ErrorAction),
// session_context.h, nlri.h, as_path.h, attributes.h, update.h, open.h, notification.h,
// route_refresh.h, message.h (header, Message variant, parse/serialize).
#pragma once

#include "vgw/bgp/wire/as_path.h"
#include "vgw/bgp/wire/attributes.h"
#include "vgw/bgp/wire/constants.h"
#include "vgw/bgp/wire/error.h"
#include "vgw/bgp/wire/message.h"
#include "vgw/bgp/wire/nlri.h"
#include "vgw/bgp/wire/notification.h"
#include "vgw/bgp/wire/open.h"
#include "vgw/bgp/wire/route_refresh.h"
#include "vgw/bgp/wire/session_context.h"
#include "vgw/bgp/wire/update.h"
