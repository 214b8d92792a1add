// The seed corpus of the bfd_packet fuzz target (tests/fuzz/bfd_packet.cc), built with the
// codec's own serializer (and, for the drop-* seeds, one broken field) so that the seeds stay
// what their names say as the codec changes:
//   ok-*   a packet decode_control_packet accepts (the session states, P/F, auth sections)
//   drop-* a payload refused with the DropReason its name ends in
// Regenerate after a format change:
//   VGW_WRITE_BFD_SEEDS=tests/fuzz/corpus/bfd_packet build/tests/unit/bfd/bfd_test
//     --gtest_filter='BfdFuzzSeeds.*'        (one command line)
// Without the variable the test checks that the committed seeds are unchanged.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "bfd_test_util.h"
#include "vgw/bfd/wire.h"
#include "vgw/seed_corpus.h"

namespace vgw::bfd {
namespace {

using Bytes = std::vector<uint8_t>;

ControlPacket base(State state, uint32_t your) {
  ControlPacket p;
  p.state = state;
  p.detect_mult = 3;
  p.my_discriminator = 0x0a0b0c0d;
  p.your_discriminator = your;
  p.desired_min_tx_us = 300'000;
  p.required_min_rx_us = 300'000;
  return p;
}

std::map<std::string, Bytes> seeds() {
  std::map<std::string, Bytes> s;
  // FRR's first packets: Down, Your Discriminator 0, the 1 s slow timers, echo 50 ms.
  ControlPacket down = base(State::kDown, 0);
  down.desired_min_tx_us = down.required_min_rx_us = 1'000'000;
  down.required_min_echo_rx_us = 50'000;
  s["ok-down-first"] = serialize(down);
  s["ok-init"] = serialize(base(State::kInit, 0x11111111));
  s["ok-up"] = serialize(base(State::kUp, 0x11111111));
  ControlPacket poll = base(State::kUp, 0x11111111);
  poll.poll = true;
  poll.desired_min_tx_us = poll.required_min_rx_us = 50'000;
  s["ok-up-poll"] = serialize(poll);
  ControlPacket fin = base(State::kUp, 0x11111111);
  fin.final = true;
  s["ok-up-final"] = serialize(fin);
  ControlPacket admin = base(State::kAdminDown, 0x11111111);
  admin.diag = Diag::kAdministrativelyDown;
  s["ok-admin-down"] = serialize(admin);
  ControlPacket expired = base(State::kDown, 0);
  expired.diag = Diag::kControlDetectionTimeExpired;
  s["ok-down-detection-expired"] = serialize(expired);
  ControlPacket demand = base(State::kUp, 0x11111111);
  demand.demand = true;
  demand.control_plane_independent = true;
  s["ok-up-demand"] = serialize(demand);
  ControlPacket silent = base(State::kUp, 0x11111111);
  silent.required_min_rx_us = 0;
  s["ok-up-required-rx-zero"] = serialize(silent);
  ControlPacket sha1 = base(State::kDown, 0);
  sha1.auth_present = true;
  sha1.auth = AuthSection{AuthType::kKeyedSha1, 1, Bytes(25, 0x5a)};
  s["ok-auth-keyed-sha1"] = serialize(sha1);
  ControlPacket md5 = base(State::kUp, 0x11111111);
  md5.auth_present = true;
  md5.auth = AuthSection{AuthType::kMeticulousKeyedMd5, 2, Bytes(21, 0x3c)};
  s["ok-auth-meticulous-md5"] = serialize(md5);
  ControlPacket pw = base(State::kInit, 0x11111111);
  pw.auth_present = true;
  pw.auth = AuthSection{AuthType::kSimplePassword, 3, Bytes{'s', 'e', 'c', 'r', 'e', 't'}};
  s["ok-auth-simple-password"] = serialize(pw);
  Bytes padded = serialize(base(State::kUp, 0x11111111));
  padded.resize(40, 0);
  s["ok-up-padded"] = padded;

  const Bytes up = serialize(base(State::kUp, 0x11111111));
  s["drop-truncated"] = Bytes(up.begin(), up.begin() + 23);
  Bytes b = up;
  b[0] = 0x00;  // version 0
  s["drop-bad-version"] = b;
  b = up;
  b[3] = 20;
  s["drop-bad-length"] = b;
  b = up;
  b[3] = 28;
  s["drop-length-exceeds-payload"] = b;
  b = serialize(sha1);
  b[25] = 24;  // Auth Len says MD5 size in a SHA1 section
  s["drop-bad-auth-section"] = b;
  b = up;
  b[2] = 0;
  s["drop-zero-detect-mult"] = b;
  b = up;
  b[1] |= 0x01;
  s["drop-multipoint"] = b;
  s["drop-zero-my-discriminator"] = serialize([] {
    ControlPacket p = base(State::kUp, 0x11111111);
    p.my_discriminator = 0;
    return p;
  }());
  s["drop-zero-your-discriminator"] = serialize(base(State::kUp, 0));
  return s;
}

DropReason expected_reason(const std::string& name) {
  for (size_t i = 0; i < static_cast<size_t>(DropReason::kCount); ++i) {
    auto r = static_cast<DropReason>(i);
    if (name == std::string("drop-") + drop_reason_name(r)) return r;
  }
  ADD_FAILURE() << "no reason named by " << name;
  return DropReason::kCount;
}

TEST(BfdFuzzSeeds, EachSeedDecodesAsItsNameSays) {
  for (const auto& [name, b] : seeds()) {
    auto d = decode_control_packet(b);
    if (name.starts_with("ok-")) {
      EXPECT_TRUE(d.ok()) << name << ": " << drop_reason_name(d.error());
    } else {
      ASSERT_FALSE(d.ok()) << name;
      EXPECT_EQ(d.error(), expected_reason(name)) << name;
    }
  }
}

TEST(BfdFuzzSeeds, WriteOrCheckTheCommittedCorpus) {
  ::vgw::test::write_or_check_seeds(seeds(), "VGW_WRITE_BFD_SEEDS", VGW_BFD_CORPUS_DIR);
}

}  // namespace
}  // namespace vgw::bfd
