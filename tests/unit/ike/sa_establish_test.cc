// IKE_SA_INIT + IKE_AUTH between two in-process endpoints (RFC 7296 1.2): the suites vgw
// offers, the Child SA's keys crosswise, traffic selector narrowing (2.9), INVALID_KE_PAYLOAD
// (2.7), COOKIE (2.6) and NAT detection (2.23).
#include <gtest/gtest.h>

#include "sa_test_util.h"
#include "vgw/base/hex.h"
#include "vgw/ike/nat.h"
#include "vgw/ike/traffic_selectors.h"
#include "vgw/ike/wire/wire.h"

namespace vgw::ike::test {
namespace {

wire::Message parse(const std::vector<uint8_t>& d) {
  auto m = wire::parse_message(d);
  EXPECT_TRUE(m.ok());
  return m ? *m : wire::Message{};
}

void expect_child_pair(const Pair& p) {
  ASSERT_EQ(p.i.installed.size(), 1u);
  ASSERT_EQ(p.r.installed.size(), 1u);
  const ChildSa& ci = p.i.installed[0];
  const ChildSa& cr = p.r.installed[0];
  EXPECT_EQ(ci.spis.inbound, cr.spis.outbound);
  EXPECT_EQ(ci.spis.outbound, cr.spis.inbound);
  EXPECT_EQ(ci.suite, cr.suite);
  // What one end encrypts with, the other decrypts with.
  EXPECT_TRUE(same_keys(ci.outbound_keys, cr.inbound_keys));
  EXPECT_TRUE(same_keys(ci.inbound_keys, cr.outbound_keys));
  EXPECT_FALSE(same_keys(ci.outbound_keys, ci.inbound_keys));
  EXPECT_EQ(ci.outbound_keys.encryption.size(), ci.suite.encr_key_size());
  EXPECT_EQ(ci.outbound_keys.integrity.size(), ci.suite.integ_key_size());
  EXPECT_EQ(ci.local_ts, cr.remote_ts);
  EXPECT_EQ(ci.remote_ts, cr.local_ts);
}

struct Suites {
  const char* ike;
  const char* esp;
};

class Establish : public ::testing::TestWithParam<Suites> {};

TEST_P(Establish, BothEndsAgreeOnKeysAndSpis) {
  Pair p(make_config(Role::kInitiator, GetParam().ike, GetParam().esp),
         make_config(Role::kResponder, GetParam().ike, GetParam().esp));
  p.establish();
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished) << p.i.sa->reason();
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kEstablished) << p.r.sa->reason();
  EXPECT_EQ(p.i.established, 1);
  EXPECT_EQ(p.r.established, 1);
  EXPECT_EQ(p.i.sa->spis(), p.r.sa->spis());
  ASSERT_TRUE(p.i.sa->suite());
  EXPECT_EQ(p.i.sa->suite()->name(), *p.r.sa->suite() == *p.i.sa->suite() ? p.r.sa->suite()->name() : "");
  EXPECT_EQ(p.i.sa->suite()->name(), (*parse_ike_proposals(GetParam().ike))[0].name());
  expect_child_pair(p);
  EXPECT_EQ(p.i.installed[0].suite.name(), (*parse_esp_proposals(GetParam().esp))[0].name());
  EXPECT_EQ(describe(p.i.installed[0].local_ts), "0.0.0.0/0 ::/0");
  EXPECT_FALSE(p.i.installed[0].udp_encap);
  EXPECT_FALSE(p.i.sa->nat_detected());
}

INSTANTIATE_TEST_SUITE_P(
    Suites, Establish,
    ::testing::Values(Suites{"aes256-sha256-modp2048", "aes128gcm16"},
                      Suites{"aes256-sha256-modp2048", "aes256-sha256"},
                      Suites{"aes128gcm16-prfsha256-ecp256", "aes128gcm16"},
                      Suites{"aes128gcm16-prfsha256-ecp256", "aes256-sha256"},
                      Suites{"aes256gcm16-prfsha384-x25519", "aes128gcm16"},
                      Suites{"aes256gcm16-prfsha384-x25519", "aes256-sha256"}));

TEST(Establish, StepByStep) {
  Pair p(make_config(Role::kInitiator, "aes256gcm16-prfsha384-x25519", "aes128gcm16"),
         make_config(Role::kResponder, "aes256gcm16-prfsha384-x25519", "aes128gcm16"));
  p.start();
  ASSERT_EQ(p.i.outbox.size(), 1u);
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kInitSent);
  // HDR, SAi1, KEi, Ni, N(NATD_S), N(NATD_D)  -->
  const wire::Message init = parse(p.i.outbox.front().datagram);
  EXPECT_EQ(wire::describe(init.payloads),
            "SA KE Nonce N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP)");
  EXPECT_EQ(init.header.message_id, 0u);
  EXPECT_TRUE(init.header.initiator);
  EXPECT_EQ(init.header.responder_spi, 0u);
  p.deliver(p.i, p.r);
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kInitDone);
  // <--  HDR, SAr1, KEr, Nr, N(NATD_S), N(NATD_D)
  const wire::Message resp = parse(p.r.outbox.front().datagram);
  EXPECT_EQ(wire::describe(resp.payloads),
            "SA KE Nonce N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP)");
  EXPECT_TRUE(resp.header.response);
  EXPECT_FALSE(resp.header.initiator);
  EXPECT_NE(resp.header.responder_spi, 0u);
  p.deliver(p.r, p.i);
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kAuthSent);
  // HDR, SK {IDi, N(INITIAL_CONTACT), AUTH, SAi2, TSi, TSr}  -->
  const wire::Message auth = parse(p.i.outbox.front().datagram);
  EXPECT_EQ(auth.header.exchange, wire::ExchangeType::kIkeAuth);
  EXPECT_EQ(auth.header.message_id, 1u);
  EXPECT_TRUE(auth.encrypted.has_value());
  p.deliver(p.i, p.r);
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kEstablished);
  // The responder installs the Child SA before its response leaves.
  ASSERT_EQ(p.r.log.back(), "send");
  EXPECT_LT(p.r.position("install " + std::to_string(p.r.installed.at(0).spis.inbound)),
            p.r.log.size() - 1);
  // <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
  p.deliver(p.r, p.i);
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished);
  expect_child_pair(p);
  EXPECT_TRUE(p.i.outbox.empty());
  EXPECT_TRUE(p.r.outbox.empty());
}

TEST(Establish, ResponderNarrowsTrafficSelectors) {
  auto ic = make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16");
  auto rc = make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16");
  rc.local_ts = {wire::TrafficSelector::from_prefix(*Prefix::parse("10.1.0.0/16"))};
  rc.remote_ts = {wire::TrafficSelector::from_prefix(*Prefix::parse("10.2.0.0/16"))};
  Pair p(std::move(ic), std::move(rc));
  p.establish();
  ASSERT_EQ(p.i.sa->state(), IkeSaState::kEstablished) << p.i.sa->reason();
  expect_child_pair(p);
  EXPECT_EQ(describe(p.i.installed[0].local_ts), "10.2.0.0/16");
  EXPECT_EQ(describe(p.i.installed[0].remote_ts), "10.1.0.0/16");
}

TEST(Establish, InvalidKePayloadRetryWithTheGroupAsked) {
  // The initiator's KE is for ecp256 (its first proposal); the responder only takes modp2048.
  Pair p(make_config(Role::kInitiator, "aes256-sha256-ecp256,aes256-sha256-modp2048", "aes128gcm16"),
         make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16"));
  p.start();
  p.deliver(p.i, p.r);
  // <--  HDR(SPIi, 0), N(INVALID_KE_PAYLOAD, MODP_2048)
  const wire::Message nack = parse(p.r.outbox.front().datagram);
  EXPECT_EQ(wire::describe(nack.payloads), "N(INVALID_KE_PAYLOAD)");
  EXPECT_EQ(nack.header.responder_spi, 0u);
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kIdle);  // nothing kept
  p.deliver(p.r, p.i);
  // HDR, SAi1, KEi(MODP_2048), Ni  -->  (Message ID 0 again)
  const wire::Message again = parse(p.i.outbox.front().datagram);
  EXPECT_EQ(again.header.message_id, 0u);
  EXPECT_EQ(wire::find_payload(again.payloads, wire::PayloadType::kKe)->get<wire::KePayload>()->group,
            wire::dh::kModp2048);
  p.run();
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished) << p.i.sa->reason();
  EXPECT_EQ(p.i.sa->suite()->name(), "aes256-sha256-modp2048");
  expect_child_pair(p);
}

TEST(Establish, CookieRoundTrip) {
  Pair p(make_config(Role::kInitiator, "aes128gcm16-prfsha256-ecp256", "aes128gcm16"),
         make_config(Role::kResponder, "aes128gcm16-prfsha256-ecp256", "aes128gcm16"));
  p.r.sa->set_cookie_required(true);
  p.start();
  p.deliver(p.i, p.r);
  // <--  HDR(SPIi, 0), N(COOKIE)
  const wire::Message cookie = parse(p.r.outbox.front().datagram);
  EXPECT_EQ(wire::describe(cookie.payloads), "N(COOKIE)");
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kIdle);
  p.deliver(p.r, p.i);
  // HDR, N(COOKIE), SAi1, KEi, Ni, N, N  -->  (the cookie first, RFC 7296 2.6)
  const wire::Message again = parse(p.i.outbox.front().datagram);
  ASSERT_FALSE(again.payloads.empty());
  EXPECT_EQ(again.payloads[0].get<wire::NotifyPayload>()->type, wire::NotifyType::kCookie);
  p.run();
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished) << p.i.sa->reason();
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kEstablished) << p.r.sa->reason();
  expect_child_pair(p);
}

TEST(Establish, NatDetectedMovesToPort4500AndUdpEncap) {
  auto ic = make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16");
  auto rc = make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16");
  ic.local_address = *IpAddress::parse("10.0.0.2");  // behind a NAT that maps it to 192.0.2.1
  rc.remote_id = *Identity::parse("%any");           // its identity is its private address
  Pair p(std::move(ic), std::move(rc));
  p.start();
  p.run();
  ASSERT_EQ(p.i.sa->state(), IkeSaState::kEstablished) << p.i.sa->reason();
  EXPECT_TRUE(p.i.sa->nat_detected());
  EXPECT_TRUE(p.r.sa->nat_detected());
  expect_child_pair(p);
  EXPECT_TRUE(p.i.installed[0].udp_encap);
  EXPECT_TRUE(p.r.installed[0].udp_encap);
}

// RFC 7296 2.23 lets an end pretend a NAT: its NAT_DETECTION_SOURCE_IP hash is of no real
// address, so the peer sees a NAT too. Both ends then float to 4500 and put ESP in UDP, with
// no NAT at all, as a dataplane that only speaks ESP in UDP needs (strongSwan: encap = yes).
TEST(Establish, ForcedUdpEncapsulationWithoutANat) {
  for (bool initiator_forces : {true, false}) {
    auto ic = make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16");
    auto rc = make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16");
    (initiator_forces ? ic : rc).force_udp_encapsulation = true;
    Pair p(std::move(ic), std::move(rc));
    p.start();
    ASSERT_EQ(p.i.outbox.size(), 1u);
    EXPECT_FALSE(p.i.outbox.front().nat_t);  // IKE_SA_INIT on port 500
    p.run();
    ASSERT_EQ(p.i.sa->state(), IkeSaState::kEstablished) << p.i.sa->reason();
    EXPECT_TRUE(p.i.sa->nat_detected()) << initiator_forces;
    EXPECT_TRUE(p.r.sa->nat_detected()) << initiator_forces;
    expect_child_pair(p);
    EXPECT_TRUE(p.i.installed[0].udp_encap);
    EXPECT_TRUE(p.r.installed[0].udp_encap);
  }
}

TEST(Establish, TrafficSelectorsPrintAsPrefixesWhereTheyAreOne) {
  auto ts = [](const char* a, const char* b) {
    wire::TrafficSelector t = wire::TrafficSelector::any(Family::kIpv4);
    t.start = *IpAddress::parse(a);
    t.end = *IpAddress::parse(b);
    return t;
  };
  std::vector<wire::TrafficSelector> v{ts("169.254.77.0", "169.254.77.3"), ts("10.0.0.0", "10.0.0.5"),
                                       ts("192.0.2.7", "192.0.2.7"), ts("10.1.0.0", "10.1.255.255"),
                                       ts("10.0.0.1", "10.0.0.2")};
  EXPECT_EQ(describe(v), "169.254.77.0/30 10.0.0.0-10.0.0.5 192.0.2.7 10.1.0.0/16 10.0.0.1-10.0.0.2");
}

TEST(Establish, ResponderPicksTheInitiatorsFirstSupportedProposal) {
  Pair p(make_config(Role::kInitiator, "aes128gcm16-prfsha256-ecp256,aes256-sha256-modp2048",
                     "aes256-sha256,aes128gcm16"),
         make_config(Role::kResponder, "aes256-sha256-modp2048,aes128gcm16-prfsha256-ecp256",
                     "aes128gcm16,aes256-sha256"));
  p.establish();
  ASSERT_EQ(p.i.sa->state(), IkeSaState::kEstablished) << p.i.sa->reason();
  EXPECT_EQ(p.i.sa->suite()->name(), "aes128gcm16-prfsha256-ecp256");
  EXPECT_EQ(p.i.installed.at(0).suite.name(), "aes256-sha256");
}

TEST(Establish, FqdnIdentities) {
  auto ic = make_config(Role::kInitiator, "aes256-sha256-modp2048", "aes128gcm16");
  auto rc = make_config(Role::kResponder, "aes256-sha256-modp2048", "aes128gcm16");
  ic.local_id = *Identity::parse("fqdn:branch.example.com");
  ic.remote_id = *Identity::parse("email:vpn@example.com");
  rc.local_id = *Identity::parse("email:vpn@example.com");
  rc.remote_id = *Identity::parse("fqdn:branch.example.com");
  Pair p(std::move(ic), std::move(rc));
  p.establish();
  EXPECT_EQ(p.i.sa->state(), IkeSaState::kEstablished) << p.i.sa->reason();
  EXPECT_EQ(p.r.sa->state(), IkeSaState::kEstablished) << p.r.sa->reason();
}

TEST(NatDetection, HashIsSha1OfSpisAddressAndPort) {
  // RFC 7296 2.23: SHA-1(SPIi | SPIr | IP | Port), checked against Python's hashlib.
  EXPECT_EQ(to_hex(nat_detection_hash(0x0102030405060708, 0, *IpAddress::parse("192.0.2.1"), 500)),
            "644b4575455bd6fcc1efe2be8162a9218e448e5f");
}

TEST(Identity, ParsesTheTextForms) {
  EXPECT_EQ(Identity::parse("192.0.2.1")->type, wire::IdType::kIpv4Addr);
  EXPECT_EQ(Identity::parse("2001:db8::1")->type, wire::IdType::kIpv6Addr);
  EXPECT_EQ(Identity::parse("fqdn:vpn.example.com")->type, wire::IdType::kFqdn);
  EXPECT_EQ(Identity::parse("email:a@b")->type, wire::IdType::kRfc822Addr);
  EXPECT_EQ(Identity::parse("a@b")->type, wire::IdType::kRfc822Addr);
  EXPECT_TRUE(Identity::parse("%any")->any);
  EXPECT_EQ(Identity::parse("fqdn:vpn.example.com")->to_string(), "fqdn:vpn.example.com");
  EXPECT_FALSE(Identity::parse("fqdn:").ok());
}

}  // namespace
}  // namespace vgw::ike::test
