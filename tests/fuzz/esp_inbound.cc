// Fuzz target for ESP inbound processing. Input: [sa] [mode] [data...]
//   sa    picks one fixed SA (every transform, without and with ESN; see esp_fixtures.h);
//         fresh SAs per input keep runs deterministic.
//   mode  0: data is a UDP 4500 payload: classify it (RFC 3948), decapsulate it if ESP.
//         1: data is a plaintext ESP body: seal it authentically, then decapsulate, so the
//            fuzzer reaches the checks behind the ICV (padding, next header, inner packet).
//         2: data is an inner packet: encapsulate, decapsulate, and demand it comes back.
//         3: data drives a replay window (5-octet steps: flags, low 32 bits of a sequence
//            number) and is checked against a plain model of RFC 4303 3.4.3.
// Any contract violation aborts.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <span>
#include <vector>

#include "esp_fixtures.h"
#include "vgw/esp/esp.h"

using namespace vgw::esp;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void decapsulate_udp(InboundSa& sa, std::span<const uint8_t> payload) {
  const UdpEncapKind kind = classify_udp_encap(payload);
  if (kind != UdpEncapKind::kEsp) return;
  std::vector<uint8_t> packet(payload.begin(), payload.end());
  const DecapResult r = decapsulate(sa, packet);
  if (r.ok()) {
    require(r.inner.data() >= packet.data() &&
            r.inner.data() + r.inner.size() <= packet.data() + packet.size());
    require(r.next_header == kNextHeaderIpv4 || r.next_header == kNextHeaderIpv6);
  }
  // Whatever it was, the same bytes again are never accepted twice.
  if (r.ok() || r.status == DecapStatus::kDummy) {
    std::vector<uint8_t> again(payload.begin(), payload.end());
    require(decapsulate(sa, again).status == DecapStatus::kReplayed);
  }
}

void decapsulate_sealed_body(const SaConfig& config, const testing::Keys& keys, InboundSa& sa,
                             std::span<const uint8_t> body) {
  auto packet = testing::seal_raw(config.transform, keys, config.spi, 1, config.esn, body);
  if (packet.empty()) return;  // CBC needs whole blocks
  const DecapResult r = decapsulate(sa, packet);
  require(r.status == DecapStatus::kOk || r.status == DecapStatus::kDummy ||
          r.status == DecapStatus::kMalformed);
  // Long enough for the trailer, the packet is authentic: the window must have recorded it.
  if (body.size() >= 2) require(r.seq == 1 && sa.replay_window().top() == 1);
  if (r.ok()) require(r.inner.size() + 2 <= body.size());
}

void round_trip(OutboundSa& out, InboundSa& in, std::span<const uint8_t> inner) {
  std::vector<uint8_t> buf(out.encapsulated_size(inner.size()));
  auto size = encapsulate(out, inner, buf);
  if (!size.ok()) {
    require(size.error() == EncapError::kInvalidPacket);
    return;
  }
  const DecapResult r = decapsulate(in, std::span<uint8_t>(buf.data(), *size));
  // The inner packet's own length may not fit what was sent (then malformed), or be shorter
  // (then trimmed): either way never anything but those bytes.
  require(r.status == DecapStatus::kOk || r.status == DecapStatus::kMalformed);
  if (r.ok()) {
    require(r.inner.size() <= inner.size());
    require(std::memcmp(r.inner.data(), inner.data(), r.inner.size()) == 0);
  }
}

void replay_window_model(bool esn, std::span<const uint8_t> steps) {
  ReplayWindow window(ReplayWindow::kMinSize, esn);
  std::set<uint64_t> received;
  uint64_t top = 0;
  for (size_t i = 0; i + 5 <= steps.size(); i += 5) {
    const uint8_t flags = steps[i];
    uint32_t low = 0;
    for (size_t k = 1; k <= 4; ++k) low = low << 8 | steps[i + k];
    if (flags & 0x80) low = static_cast<uint32_t>(top) + (flags & 0x7f);  // stay near the top
    const auto c = window.check(low);
    const auto again = window.check(low);
    require(c.verdict == again.verdict && c.seq == again.seq);  // check() has no effect
    require(static_cast<uint32_t>(c.seq) == low || c.seq == 0);
    using V = ReplayWindow::Verdict;
    if (c.seq != 0) {
      V expected = c.seq > top                    ? V::kAhead
                   : top - c.seq >= window.size() ? V::kTooOld
                   : received.count(c.seq) != 0   ? V::kDuplicate
                                                  : V::kInWindow;
      require(c.verdict == expected);
    }
    if (c.acceptable() && (flags & 1)) {
      window.commit(c.seq);
      received.insert(c.seq);
      if (c.seq > top) top = c.seq;
      require(window.top() == top);
      require(window.check(low).verdict == V::kDuplicate);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t index = data[0] % testing::fuzz_sa_count();
  const uint8_t mode = data[1] % 4;
  std::span<const uint8_t> rest(data + 2, size - 2);
  const testing::Keys keys = testing::fuzz_sa_keys(index);
  const SaConfig config = testing::fuzz_sa_config(index, keys);
  auto in = InboundSa::create(config);
  require(in.ok());
  switch (mode) {
    case 0: decapsulate_udp(*in, rest); break;
    case 1: decapsulate_sealed_body(config, keys, *in, rest); break;
    case 2: {
      auto out = OutboundSa::create(config);
      require(out.ok());
      round_trip(*out, *in, rest);
      break;
    }
    default: replay_window_model(config.esn, rest); break;
  }
  return 0;
}
