// vgw::ike - IKEv2 (RFC 7296) as pure state machines: one IkeSa per IKE SA endpoint, its
// exchanges as tasks, no sockets, timers or esp/ (library vgw::ike; depends on vgw::ike_wire
// and vgw::ike_crypto).
//
// How data flows:
//   driver (routing/, ike endpoint)  --events-->  IkeSa  --Actions-->  driver
//     start / on_datagram / on_timer / rekey_* / delete_sa / dpd_check
//                                    Send{datagram}, InstallChild{ChildSa}, RemoveChild,
//                                    Established, IkeRekeyed, Closed{reason}, ArmTimer
//   inside IkeSa (ike_sa.cc): header -> Channel by SPIs -> window and Message ID -> SK open
//   -> wire::check_payloads -> the exchange's task (initiator) or responder function:
//     ike_sa_init.cc  IKE_SA_INIT: proposals, KE, nonces, NAT detection, COOKIE, INVALID_KE
//     ike_auth.cc     IKE_AUTH: PSK AUTH, identities, the first Child SA, TS narrowing
//     create_child_sa.cc  Child SA rekey (PFS, 2.8.1 collisions), IKE SA rekey (2.18)
//     informational.cc    Delete, DPD liveness checks, AUTHENTICATION_FAILED
//   Child SAs leave as plain structs (actions.h); routing/ installs them into esp/.
//
// Headers: config.h (IkeSaConfig, identities, proposals), actions.h (outputs), ike_sa.h (the
// endpoint), sa_context.h and task.h (internals shared by the tasks), proposal.h,
// traffic_selectors.h, nat.h (negotiation helpers).
#pragma once

#include "vgw/ike/actions.h"
#include "vgw/ike/config.h"
#include "vgw/ike/ike_sa.h"
