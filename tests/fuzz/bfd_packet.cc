// Fuzz target for the BFD codec and session (vgw::bfd). Each input is one UDP payload:
//  - parse_control_packet must refuse it cleanly or decode it; what decodes must encode,
//    decode again equal, and - when its Length is exactly what serialize writes - encode to
//    the input's own octets;
//  - decode_control_packet (parse + validate) must agree with parse then validate;
//  - a valid packet is fed to a session that is Up (addressed to it when Your Discriminator
//    is set), then the session's timers run for a few seconds of fake time. Every packet the
//    session sends must pass validate() and never carry P and F together; a Poll must be
//    answered with a Final; a packet the session took must leave its remote state recorded.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "vgw/bfd/session.h"
#include "vgw/bfd/wire.h"

namespace {

using namespace vgw;
using namespace vgw::bfd;
using namespace std::chrono_literals;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_sent(const Actions& actions) {
  for (const Action& a : actions) {
    if (const Send* s = std::get_if<Send>(&a)) {
      check(!validate(s->packet).has_value());
      check(!(s->packet.poll && s->packet.final));
      auto again = decode_control_packet(serialize(s->packet));
      check(again.ok() && *again == s->packet);
    }
  }
}

bool has_final(const Actions& actions) {
  return std::any_of(actions.begin(), actions.end(), [](const Action& a) {
    const Send* s = std::get_if<Send>(&a);
    return s != nullptr && s->packet.final;
  });
}

void feed_to_up_session(const ControlPacket& p, std::span<const uint8_t> input) {
  uint64_t seed = 0;
  for (uint8_t b : input) seed = seed * 131 + b;
  SplitMix64 random(seed);
  FakeClock clock;
  const uint32_t local = p.your_discriminator != 0 ? p.your_discriminator : 0x5eed;
  BfdSession s(local, SessionConfig{}, random);
  check_sent(s.start(clock.now()));
  // Bring it Up: the peer says Init.
  ControlPacket init;
  init.state = State::kInit;
  init.detect_mult = 3;
  init.my_discriminator = 0x9ee7;
  init.your_discriminator = local;
  init.desired_min_tx_us = init.required_min_rx_us = 300'000;
  check_sent(s.on_packet(init, clock.now()));
  check(s.state() == State::kUp);

  clock.advance(10ms);
  auto out = s.on_packet(p, clock.now());
  check_sent(out);
  const bool dropped = !out.empty() && std::holds_alternative<Dropped>(out.front());
  if (!dropped) {
    check(s.remote_discriminator() == p.my_discriminator);
    check(s.remote_state() == p.state);
    if (p.poll) check(has_final(out));
  } else {
    check(s.state() == State::kUp);
  }
  // Run the timers for a while; the session must keep its own invariants.
  for (int i = 0; i < 64; ++i) {
    auto next = s.next_tx_at();
    auto det = s.detect_at();
    if (!next && !det) break;
    auto at = next && det ? std::min(*next, *det) : next ? *next : *det;
    if (at > clock.now()) clock.advance(at - clock.now());
    check_sent(s.on_timer(clock.now()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  auto parsed = parse_control_packet(input);
  auto decoded = decode_control_packet(input);
  if (!parsed.ok()) {
    check(!decoded.ok() && decoded.error() == parsed.error());
    return 0;
  }
  const ControlPacket& p = *parsed;
  auto out = serialize(p);
  auto again = parse_control_packet(out);
  check(again.ok() && *again == p);
  if (input[3] == out.size()) check(std::equal(out.begin(), out.end(), input.begin()));

  auto why = validate(p);
  check(decoded.ok() == !why.has_value());
  if (why) {
    check(decoded.error() == *why);
    return 0;
  }
  check(*decoded == p);
  feed_to_up_session(p, input);
  return 0;
}
