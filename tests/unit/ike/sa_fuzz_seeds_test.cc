// The seed corpus of the ike_responder fuzz target (tests/fuzz/ike_responder.cc), made by
// real initiators so the seeds stay valid as the exchanges change. Each seed is the target's
// input format: a flags octet, then [length (2)][datagram] for each datagram an initiator
// sent to a responder in one session (IKE_SA_INIT alone, with COOKIE and INVALID_KE retries,
// whole sessions up to Delete). Regenerate:
//   VGW_WRITE_IKE_RESPONDER_SEEDS=tests/fuzz/corpus/ike_responder
//     build/tests/unit/ike/ike_core_test --gtest_filter='FuzzSeeds.*'   (one command line)
// Without the variable the test only checks that sessions produce seeds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sa_test_util.h"

namespace vgw::ike::test {
namespace {

struct Seed {
  std::string name;
  std::vector<uint8_t> octets;
};

// Runs a session and records what the initiator sent, in the target's format.
Seed session(std::string name, const char* ike_i, const char* ike_r, bool cookie,
             bool full) {
  auto rc = make_config(Role::kResponder, ike_r, "aes128gcm16,aes256-sha256");
  rc.cookie_secret = std::vector<uint8_t>(32, 0x42);  // as the fuzz target's responder
  Pair p(make_config(Role::kInitiator, ike_i, "aes128gcm16"), std::move(rc));
  p.r.sa->set_cookie_required(cookie);
  Seed s{std::move(name), {static_cast<uint8_t>(cookie ? 1 : 0)}};
  auto record = [&](const std::vector<uint8_t>& d) {
    s.octets.push_back(static_cast<uint8_t>(d.size() >> 8));
    s.octets.push_back(static_cast<uint8_t>(d.size()));
    s.octets.insert(s.octets.end(), d.begin(), d.end());
  };
  auto shuttle = [&] {
    for (int n = 0; n < 50 && (!p.i.outbox.empty() || !p.r.outbox.empty()); ++n) {
      if (!p.i.outbox.empty()) record(p.deliver(p.i, p.r));
      p.deliver(p.r, p.i);
    }
  };
  p.start();
  if (!full) {
    record(p.drop(p.i));
    return s;
  }
  shuttle();
  p.i.take(p.i.sa->rekey_child(p.now()));
  shuttle();
  p.i.take(p.i.sa->dpd_check(p.now()));
  shuttle();
  p.i.take(p.i.sa->rekey_ike(p.now()));
  shuttle();
  p.i.take(p.i.sa->delete_sa(p.now()));
  shuttle();
  return s;
}

TEST(FuzzSeeds, WriteOrCheck) {
  std::vector<Seed> seeds = {
      session("init-aes256-sha256-modp2048", "aes256-sha256-modp2048", "aes256-sha256-modp2048",
              false, false),
      session("init-aes128gcm16-ecp256", "aes128gcm16-prfsha256-ecp256",
              "aes128gcm16-prfsha256-ecp256", false, false),
      session("init-x25519", "aes256gcm16-prfsha384-x25519", "aes256gcm16-prfsha384-x25519",
              false, false),
      session("init-no-proposal", "aes128-sha512-modp4096", "aes256-sha256-modp2048", false,
              false),
      session("session-cookie", "aes256-sha256-modp2048", "aes256-sha256-modp2048", true, true),
      session("session-invalid-ke", "aes256-sha256-ecp384,aes256-sha256-modp2048",
              "aes256-sha256-modp2048", false, true),
      session("session-full", "aes128gcm16-prfsha256-ecp256", "aes128gcm16-prfsha256-ecp256",
              false, true),
  };
  for (const Seed& s : seeds) EXPECT_GT(s.octets.size(), 100u) << s.name;
  const char* dir = std::getenv("VGW_WRITE_IKE_RESPONDER_SEEDS");
  if (!dir) return;
  std::filesystem::create_directories(dir);
  for (const Seed& s : seeds) {
    std::ofstream out(std::filesystem::path(dir) / s.name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(s.octets.data()),
              static_cast<std::streamsize>(s.octets.size()));
  }
}

}  // namespace
}  // namespace vgw::ike::test
