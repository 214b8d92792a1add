// Fuzz target for the IKE SA state machine (vgw::ike) as a responder: arbitrary datagrams
// to a fresh responder IkeSa, with fake time moving on between them so retransmission and
// DPD timers fire too. Nothing may crash, whatever arrives in whatever order.
//
// Input: one flags octet (bit 0: answer IKE_SA_INIT with COOKIE, as under load), then
// datagrams as [length: 2 octets, big-endian][octets]; a short last one is taken as is.
// Seeds (tests/fuzz/corpus/ike_responder) are IKE_SA_INIT requests and whole initiator
// sessions written by the FuzzSeeds test in tests/unit/ike/sa_fuzz_seeds_test.cc.
#include <algorithm>
#include <cstdint>
#include <span>

#include "vgw/base/bytes.h"
#include "vgw/base/clock.h"
#include "vgw/ike/ike_sa.h"

namespace {

using namespace vgw;
using namespace vgw::ike;
using namespace std::chrono_literals;

IkeSaConfig responder_config() {
  IkeSaConfig c;
  c.role = Role::kResponder;
  c.local_address = *IpAddress::parse("198.51.100.1");
  c.remote_address = *IpAddress::parse("192.0.2.1");
  const char psk[] = "correct horse battery staple";
  c.psk = crypto::SecretBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(psk),
                                                       sizeof psk - 1));
  c.ike_proposals = *parse_ike_proposals(
      "aes256-sha256-modp2048,aes128gcm16-prfsha256-ecp256,aes256gcm16-prfsha384-x25519");
  c.esp_proposals = *parse_esp_proposals("aes128gcm16,aes256-sha256");
  c.dpd_interval = 10s;
  c.cookie_secret = std::vector<uint8_t>(32, 0x42);  // deterministic cookies
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  FakeClock clock;
  IkeSa sa(responder_config());
  sa.set_cookie_required(data[0] & 1);
  ByteReader r(std::span<const uint8_t>(data + 1, size - 1));
  while (!r.empty()) {
    size_t n = r.remaining();
    if (auto len = r.u16()) n = std::min<size_t>(*len, r.remaining());
    auto datagram = r.bytes(n);
    if (!datagram) break;
    (void)sa.on_datagram(*datagram, clock.now(), false);
    clock.advance(3s);
    (void)sa.on_timer(clock.now());
  }
  return 0;
}
