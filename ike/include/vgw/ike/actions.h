// What an IkeSa asks its driver to do (RFC 7296 has the protocol; the driver has the sockets,
// the timers and the dataplane). Every input event returns a list of Actions, executed in
// order: the order is part of the contract, e.g. a rekeyed Child SA's InstallChild comes before
// the Send of the response that lets the peer use it, and its RemoveChild only after the
// Delete exchange (make-before-break, RFC 7296 1.3.3 and 2.8).
//
// A ChildSa is a plain struct (no esp/ types: ike never links esp, DESIGN.md): routing/
// installs it into the dataplane. Keys are per direction, inbound = what the peer encrypts
// with, so one end's outbound equals the other end's inbound.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/ike/crypto/key_schedule.h"
#include "vgw/ike/crypto/suite.h"
#include "vgw/ike/wire/payloads.h"

namespace vgw::ike {

// An ESP SA pair by its SPIs: inbound is the SPI we chose (the peer sends with it), outbound
// the peer's.
struct ChildSpis {
  uint32_t inbound = 0;
  uint32_t outbound = 0;
  friend bool operator==(const ChildSpis&, const ChildSpis&) = default;
};

// A negotiated Child SA (ESP, tunnel mode, RFC 7296 1.3 and 2.17).
struct ChildSa {
  ChildSpis spis;
  crypto::EspSuite suite;
  crypto::ChildSaDirectionKeys inbound_keys;   // peer -> us
  crypto::ChildSaDirectionKeys outbound_keys;  // us -> peer
  std::vector<wire::TrafficSelector> local_ts;
  std::vector<wire::TrafficSelector> remote_ts;
  bool udp_encap = false;  // a NAT was detected (RFC 7296 2.23): ESP in UDP 4500
};

// The two IKE SPIs (RFC 7296 3.1).
struct IkeSpis {
  uint64_t initiator = 0;
  uint64_t responder = 0;
  friend bool operator==(const IkeSpis&, const IkeSpis&) = default;
};

// Send one IKE message. nat_t: from and to port 4500 with the non-ESP marker (RFC 7296 2.23:
// after a NAT was detected); otherwise the configured ports.
struct Send {
  std::vector<uint8_t> datagram;
  bool nat_t = false;
};
struct InstallChild {
  ChildSa child;
};
struct RemoveChild {
  ChildSpis spis;
  std::string reason;
};
// The IKE SA is authenticated (IKE_AUTH done; its first Child SA, if any, was installed
// just before).
struct Established {
  IkeSpis spis;
  // The peer's IKE_AUTH carried N(INITIAL_CONTACT) (RFC 7296 2.4): it holds no other IKE SA
  // with us, so any other we hold with the same identities is stale (its driver may drop it).
  bool initial_contact = false;
};
// The IKE SA was rekeyed (RFC 7296 2.18): new_spis carry everything from now on; the old SA
// lives until its Delete exchange is done.
struct IkeRekeyed {
  IkeSpis old_spis;
  IkeSpis new_spis;
};
// The IKE SA is gone (every Child SA was removed first). reason says why.
struct Closed {
  std::string reason;
};
// Call on_timer() at this time (replaces any earlier request).
struct ArmTimer {
  Clock::TimePoint at;
};

using Action = std::variant<Send, InstallChild, RemoveChild, Established, IkeRekeyed, Closed,
                            ArmTimer>;

}  // namespace vgw::ike
