// What one IKE SA endpoint is told before it starts: its role, the identities and pre-shared
// key it authenticates with (RFC 7296 2.15), the proposals it offers or accepts (3.3), the
// traffic selectors of its Child SAs (2.9), lifetimes, dead peer detection (2.4) and the
// retransmission schedule of its requests (2.1).
//
// Identities are written as text: "192.0.2.1" or "2001:db8::1" (ID_IPV4_ADDR / ID_IPV6_ADDR),
// "fqdn:vpn.example.com" (ID_FQDN), "email:a@b.example" (ID_RFC822_ADDR), "%any" (remote only:
// accept whatever the peer sends). Unset, the local identity is the local address and the
// remote identity the remote address. Proposals are strongSwan keyword strings, comma
// separated ("aes256-sha256-modp2048,aes128gcm16-prfsha256-ecp256"). Traffic selectors
// default to everything on both sides (0.0.0.0/0 and ::/0, a route-based VPN).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/ike/crypto/secret.h"
#include "vgw/ike/crypto/suite.h"
#include "vgw/ike/wire/payloads.h"

namespace vgw::ike {

using Bytes = std::vector<uint8_t>;

enum class Role : uint8_t {
  kInitiator,  // starts the IKE SA (and also answers, as every IKE SA does)
  kResponder,  // waits for the peer's IKE_SA_INIT
};

// An IKE identity (RFC 7296 3.5).
struct Identity {
  wire::IdType type = wire::IdType::kIpv4Addr;
  Bytes data;
  bool any = false;  // "%any": matches every identity (remote identities only)

  static Result<Identity> parse(std::string_view text);
  static Identity from_address(const IpAddress& a);
  wire::IdPayload payload() const;
  bool matches(const wire::IdPayload& id) const;
  std::string to_string() const;
  friend bool operator==(const Identity&, const Identity&) = default;
};
// "192.0.2.1", "fqdn:vpn.example.com", "email:a@b", "ID type 9 (4 octets)".
std::string id_to_string(const wire::IdPayload& id);

// RFC 7296 2.1: a request is retransmitted until answered; the wait after the n-th send
// (n = 0 for the first) is timeout * base^n, and after `tries` retransmissions and the wait
// that follows the last one, the IKE SA is given up (strongSwan's retransmit_* settings).
struct RetransmitPolicy {
  Clock::Duration timeout = std::chrono::seconds(2);
  double base = 1.8;
  int tries = 5;

  Clock::Duration wait(int sends_before) const;
  // "5 tries, 2 s base"
  std::string to_string() const;
};

struct IkeSaConfig {
  Role role = Role::kInitiator;
  IpAddress local_address;
  uint16_t local_port = 500;
  IpAddress remote_address;
  uint16_t remote_port = 500;
  std::optional<Identity> local_id;   // unset: local_address
  std::optional<Identity> remote_id;  // unset: remote_address; sent as IDr only when set
  crypto::SecretBytes psk;
  std::vector<crypto::IkeSuite> ike_proposals;  // in order of preference
  std::vector<crypto::EspSuite> esp_proposals;  // dh: PFS group for CREATE_CHILD_SA
  std::vector<wire::TrafficSelector> local_ts;   // empty: 0.0.0.0/0 and ::/0
  std::vector<wire::TrafficSelector> remote_ts;  // empty: 0.0.0.0/0 and ::/0
  // Rekey after this long (zero: never). The original initiator rekeys at the lifetime, the
  // other side 10% later, so that the two rarely collide.
  Clock::Duration ike_lifetime = std::chrono::hours(24);
  Clock::Duration child_lifetime = std::chrono::hours(1);
  // Dead peer detection (RFC 7296 2.4): an empty INFORMATIONAL after dpd_interval without a
  // message from the peer, repeated every dpd_interval; dead after dpd_retries unanswered.
  // Zero interval: only on dpd_check().
  Clock::Duration dpd_interval{0};
  int dpd_retries = 3;
  RetransmitPolicy retransmit;
  bool initial_contact = true;  // N(INITIAL_CONTACT) in IKE_AUTH (RFC 7296 2.4)
  // Act as if a NAT were between the peers: our NAT_DETECTION_SOURCE_IP hash is of no real
  // address, so the peer detects a NAT too, and both move IKE to UDP 4500 and ESP into UDP
  // (RFC 7296 2.23 allows this; strongSwan calls it encap = yes). For a dataplane that
  // speaks only ESP in UDP, and for paths that drop IP protocol 50.
  bool force_udp_encapsulation = false;
  Bytes cookie_secret;          // RFC 7296 2.6; empty: a random one per IkeSa
  // Our inbound ESP SPI for each Child SA we negotiate; unset: a random one
  // (crypto::random_esp_spi). A driver hands out SPIs its dataplane reserves (unique among its
  // inbound SAs, and steered to the worker of the tunnel, Dataplane::allocate_spi).
  std::function<Result<uint32_t>()> allocate_spi;

  Identity effective_local_id() const;
  Identity effective_remote_id() const;
  std::vector<wire::TrafficSelector> effective_local_ts() const;
  std::vector<wire::TrafficSelector> effective_remote_ts() const;
};

// Comma-separated strongSwan proposals, each expanded to its suites in order.
Result<std::vector<crypto::IkeSuite>> parse_ike_proposals(std::string_view text);
Result<std::vector<crypto::EspSuite>> parse_esp_proposals(std::string_view text);

}  // namespace vgw::ike
