// Counters the dataplane keeps per SA, per tunnel and for what belongs to neither, and the state
// of one SA as the control plane sees it (show ipsec sa). Workers count into their own cells;
// these structs are the sums over all workers at the time of reading.
#pragma once

#include <cstdint>
#include <string>

#include "vgw/esp/crypto.h"
#include "vgw/esp/lifetime.h"
#include "vgw/esp/transform.h"

namespace vgw::esp {

struct SaCounters {
  uint64_t packets = 0;             // inner packets encrypted (out) / decrypted (in)
  uint64_t bytes = 0;               // their inner octets
  uint64_t replay_drops = 0;        // in: duplicate or below the window
  uint64_t integrity_failures = 0;  // in: ICV did not verify
  uint64_t malformed = 0;           // in: truncated, bad padding, bad inner packet
  uint64_t expired = 0;             // refused by a hard lifetime or sequence exhaustion
  uint64_t errors = 0;              // out: invalid inner packet, crypto or send failure
  uint64_t dummy = 0;               // dummy packets (Next Header 59) received
};

struct TunnelCounters {
  uint64_t tx_packets = 0;  // inner packets read from the TUN, encrypted and handed to the socket
  uint64_t tx_bytes = 0;
  uint64_t rx_packets = 0;  // inner packets decrypted and written to the TUN
  uint64_t rx_bytes = 0;
  uint64_t replay_drops = 0;
  uint64_t integrity_failures = 0;
  uint64_t malformed = 0;
  uint64_t expired = 0;
  uint64_t no_sa_drops = 0;  // read from the TUN while the tunnel had no outbound SA
  uint64_t errors = 0;       // encapsulation, send or TUN write failures
  uint64_t dummy = 0;
  uint64_t too_big = 0;      // inner packets above the MTU answered with ICMP too-big
};

// What cannot be put on a tunnel: inbound traffic before the SPI lookup.
struct DataplaneCounters {
  uint64_t no_sa_drops = 0;    // ESP with an SPI no inbound SA has
  uint64_t malformed = 0;      // not ESP, not IKE, not a keepalive; truncated outer headers
  uint64_t keepalives = 0;     // NAT-keepalives (RFC 3948 2.3), ignored
  uint64_t ike_datagrams = 0;  // non-ESP-marker datagrams handed to the control plane
  uint64_t ike_dropped = 0;    // ... dropped because its queue was full
  uint64_t misrouted = 0;      // reached a worker that does not own the SPI (must stay 0)
  uint64_t errors = 0;         // socket receive errors
};

struct SaState {
  uint32_t spi = 0;
  Direction direction = Direction::kInbound;
  std::string tunnel;
  Transform transform;
  bool esn = false;
  unsigned worker = 0;  // the one thread that writes this SA
  bool active = false;  // outbound: the SA the tunnel sends with; inbound: always true
  SaCounters counters;
  uint64_t last_sequence = 0;  // outbound: the last sequence number sent
  // Inbound replay window, as published by the owner (at most one housekeeping tick old):
  // the highest authentic sequence number and which of top, top-1, ... top-63 were received
  // (bit i = top - i).
  uint64_t replay_top = 0;
  uint64_t replay_bitmap = 0;
  uint32_t replay_window = 0;
  Lifetime lifetime;
  LifetimeStatus lifetime_status;  // as of the owner's last housekeeping tick
};

}  // namespace vgw::esp
