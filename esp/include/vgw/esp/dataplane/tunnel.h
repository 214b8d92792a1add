// What the control plane says about a tunnel: its outer endpoints, its inside address, how ESP
// travels (UDP 4500 per RFC 3948, or IP protocol 50), and what the dataplane reports back about
// it (interface name, MTU, SPIs). Types only; Dataplane (dataplane.h) acts on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/esp/transform.h"
#include "vgw/esp/udp_encap.h"

namespace vgw::esp {

enum class Encapsulation : uint8_t {
  kUdp,  // ESP in UDP (RFC 3948), NAT traversal; what strongSwan's kernel-libipsec speaks
  kEsp,  // bare ESP, IP protocol 50
};
const char* encapsulation_name(Encapsulation e);  // "udp", "esp"

struct TunnelSpec {
  std::string name;            // the tunnel's name, e.g. "vgw-c1-t1"; the TUN is named after it
  IpAddress local;             // outer source address (must be configured on this host)
  IpAddress remote;            // outer destination address (the peer gateway)
  InterfaceAddress inside;     // the TUN's address, e.g. 169.254.10.1/30
  Encapsulation encapsulation = Encapsulation::kUdp;
  uint16_t local_port = kNatTraversalPort;   // kUdp only
  uint16_t remote_port = kNatTraversalPort;  // kUdp only (a NAT may map the peer elsewhere)
  // The TUN's MTU. Default: the largest inner packet that still fits path_mtu once wrapped in
  // the worst of `transforms` (see mtu.h for the arithmetic).
  std::optional<uint32_t> mtu;
  uint32_t path_mtu = 1500;
  // Transforms the tunnel may negotiate; empty = every transform the codec supports.
  std::vector<Transform> transforms;
};

// A move of the peer's outer endpoint (NAT rebinding, MOBIKE): strongSwan's kernel interface
// calls this update_sa. It applies to the tunnel's outbound SAs (the inbound SAs are found by
// SPI whatever the source).
struct SaUpdate {
  std::optional<IpAddress> remote;
  std::optional<uint16_t> remote_port;
};

struct TunnelInfo {
  std::string name;
  std::string interface_name;  // == name unless name is not a valid 15-octet interface name
  int ifindex = 0;
  uint32_t mtu = 0;
  TunnelSpec spec;              // as added (remote endpoint as last updated)
  unsigned worker = 0;          // the worker that reads the TUN and owns the outbound SAs
  std::optional<uint32_t> active_outbound_spi;
  std::vector<uint32_t> outbound_spis;  // in the order added; the last one is active
  std::vector<uint32_t> inbound_spis;
};

}  // namespace vgw::esp
