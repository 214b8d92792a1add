// IKE_SA_INIT (RFC 7296 1.2), both sides.
//
//   Initiator                         Responder
//   HDR, SAi1, KEi, Ni,
//     N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)  -->
//                                <--  HDR, SAr1, KEr, Nr, N(NATD_S), N(NATD_D)
// and the three short answers a responder may give instead, each a Notify alone with SPIr 0:
//   N(COOKIE)             under load (2.6): the initiator repeats its request with
//                         N(COOKIE) first; nothing is kept until the cookie comes back
//   N(INVALID_KE_PAYLOAD) the KE group is not the one the chosen proposal needs (2.7): the
//                         initiator repeats with that group (if it offered it)
//   N(NO_PROPOSAL_CHOSEN) nothing in common (2.7, 3.10.1): the SA fails, the reason names both
//                         sides' proposals
// The request and response as sent are kept: IKE_AUTH signs them (2.15). NAT detection
// (2.23, nat.h) decides whether IKE moves to UDP 4500. A wrong IKE_SA_INIT is dropped, never
// answered (nothing is authenticated yet).
#include <algorithm>
#include <array>

#include "vgw/ike/crypto/dh.h"
#include "vgw/ike/crypto/key_schedule.h"
#include "vgw/ike/crypto/random.h"
#include "vgw/ike/ike_sa.h"
#include "vgw/ike/nat.h"
#include "vgw/ike/proposal.h"
#include "vgw/ike/task.h"
#include "vgw/ike/wire/names.h"

namespace vgw::ike {
namespace {

using wire::NotifyType;
using wire::PayloadType;

constexpr int kMaxRetries = 3;  // COOKIE / INVALID_KE round trips before giving up

Bytes group_bytes(crypto::DhGroup g) {
  auto v = static_cast<uint16_t>(g);
  return {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

std::string group_name(uint16_t g) {
  return wire::transform_id_name(wire::TransformType::kDh, g);
}

// Whether the peer's NAT_DETECTION_* notifies of `type` exist and none matches `expected`.
bool nat_between(std::span<const wire::Payload> payloads, NotifyType type, const Bytes& expected) {
  bool seen = false;
  for (const auto& p : payloads) {
    const auto* n = p.get<wire::NotifyPayload>();
    if (!n || n->type != type) continue;
    seen = true;
    if (n->data == expected) return false;
  }
  return seen;
}

// Our NAT_DETECTION_SOURCE_IP data: the hash of our address and port, or, to make the peer
// see a NAT (force_udp_encapsulation), of the unspecified address and port 0.
Bytes source_hash(const SaContext& sa, uint64_t spi_i, uint64_t spi_r) {
  if (sa.config.force_udp_encapsulation) {
    const IpAddress none = sa.config.local_address.family() == Family::kIpv6
                               ? IpAddress::v6(std::array<uint8_t, 16>{})
                               : IpAddress::v4(uint32_t{0});
    return nat_detection_hash(spi_i, spi_r, none, 0);
  }
  return nat_detection_hash(spi_i, spi_r, sa.config.local_address, sa.config.local_port);
}

Status derive_keys(SaContext& sa, Channel& ch, const crypto::IkeSuite& suite,
                   const crypto::SecretBytes& g_ir) {
  auto seed = crypto::skeyseed(suite.prf, sa.init.nonce_i, sa.init.nonce_r, g_ir);
  if (!seed) return fail(std::move(seed.error()));
  auto keys = crypto::derive_ike_sa_keys(suite, *seed, sa.init.nonce_i, sa.init.nonce_r,
                                         ch.spis.initiator, ch.spis.responder);
  if (!keys) return fail(std::move(keys.error()));
  return ch.install_keys(suite, std::move(*keys));
}

class IkeInitTask final : public Task {
 public:
  wire::ExchangeType exchange() const override { return wire::ExchangeType::kIkeSaInit; }
  std::string name() const override { return "IKE_SA_INIT"; }

  Result<std::vector<wire::Payload>> build(SaContext& sa) override {
    const auto& ours = sa.config.ike_proposals;
    if (ours.empty()) return fail(Error::invalid("no IKE proposal configured"));
    if (!group_) group_ = ours.front().dh;
    if (nonce_.empty()) {
      auto n = crypto::random_nonce(crypto::kDefaultNonceSize);
      if (!n) return fail(std::move(n.error()));
      nonce_ = std::move(*n);
    }
    if (!dh_ || dh_->group() != *group_) {
      auto d = crypto::DhKeyPair::generate(*group_);
      if (!d) return fail(std::move(d.error()));
      dh_.emplace(std::move(*d));
    }
    const uint64_t spi_i = sa.ike->spis.initiator;
    std::vector<wire::Payload> p;
    if (!cookie_.empty()) p.push_back(notify(NotifyType::kCookie, cookie_));  // first (2.6)
    p.push_back(wire::make_payload(ike_offer(ours, {})));
    p.push_back(wire::make_payload(wire::KePayload{
        static_cast<uint16_t>(*group_), Bytes(dh_->public_value().begin(), dh_->public_value().end())}));
    p.push_back(wire::make_payload(wire::NoncePayload{nonce_}));
    p.push_back(notify(NotifyType::kNatDetectionSourceIp, source_hash(sa, spi_i, 0)));
    p.push_back(notify(NotifyType::kNatDetectionDestinationIp,
                       nat_detection_hash(spi_i, 0, sa.config.remote_address, sa.config.remote_port)));
    return p;
  }

  void sent(SaContext& sa, std::span<const uint8_t> request) override {
    sa.init.request.assign(request.begin(), request.end());
    sa.init.nonce_i = nonce_;
  }

  TaskResult process(SaContext& sa, std::span<const wire::Payload> r) override {
    if (const auto* err = wire::find_error_notify(r)) return error(sa, *err);
    if (const auto* c = wire::find_notify(r, NotifyType::kCookie);
        c && !wire::find_payload(r, PayloadType::kSa)) {
      if (++retries_ > kMaxRetries || c->data.empty() || c->data.size() > 64) {
        sa.close("IKE_SA_INIT: peer keeps asking for a COOKIE");
        return TaskResult::kDone;
      }
      cookie_ = c->data;
      return TaskResult::kRetry;
    }
    const auto& ours = sa.config.ike_proposals;
    const auto* sa_p = wire::find_payload(r, PayloadType::kSa)->get<wire::SaPayload>();
    const auto* ke = wire::find_payload(r, PayloadType::kKe)->get<wire::KePayload>();
    const auto* nr = wire::find_payload(r, PayloadType::kNonce)->get<wire::NoncePayload>();
    auto choice = select_ike(*sa_p, ours);
    if (!choice) {
      sa.close("IKE_SA_INIT: peer chose " + describe_offer(*sa_p) + ", which we did not offer");
      return TaskResult::kDone;
    }
    const crypto::IkeSuite suite = choice->suite;
    if (suite.dh != *group_ || ke->group != static_cast<uint16_t>(*group_)) {
      sa.close("IKE_SA_INIT: peer answered KE group " + group_name(ke->group) + ", we sent " +
               group_name(static_cast<uint16_t>(*group_)));
      return TaskResult::kDone;
    }
    if (auto ok = crypto::check_nonce_size(nr->data.size(), suite.prf); !ok) {
      sa.close("IKE_SA_INIT: peer's nonce: " + ok.error().message);
      return TaskResult::kDone;
    }
    if (sa.init.response_spi == 0) {
      sa.close("IKE_SA_INIT: response without a responder SPI");
      return TaskResult::kDone;
    }
    auto g_ir = dh_->shared_secret(ke->data);
    if (!g_ir) {
      sa.close("IKE_SA_INIT: peer's KE: " + g_ir.error().message);
      return TaskResult::kDone;
    }
    Channel& ch = *sa.ike;
    ch.spis.responder = sa.init.response_spi;
    sa.init.nonce_r = nr->data;
    if (auto k = derive_keys(sa, ch, suite, *g_ir); !k) {
      sa.close("IKE_SA_INIT: keys: " + k.error().message);
      return TaskResult::kDone;
    }
    dh_.reset();
    sa.nat_remote = nat_between(r, NotifyType::kNatDetectionSourceIp,
                                nat_detection_hash(ch.spis.initiator, ch.spis.responder,
                                                   sa.config.remote_address, sa.config.remote_port));
    sa.nat_local = nat_between(r, NotifyType::kNatDetectionDestinationIp,
                               nat_detection_hash(ch.spis.initiator, ch.spis.responder,
                                                  sa.config.local_address, sa.config.local_port));
    sa.nat_local = sa.nat_local || sa.config.force_udp_encapsulation;
    sa.state = IkeSaState::kAuthSent;
    sa.queue.push_front(make_ike_auth_task());
    return TaskResult::kDone;
  }

 private:
  TaskResult error(SaContext& sa, const wire::NotifyPayload& n) {
    const auto& ours = sa.config.ike_proposals;
    if (n.type == NotifyType::kInvalidKePayload && n.data.size() == 2) {
      const uint16_t g = static_cast<uint16_t>(n.data[0] << 8 | n.data[1]);
      const bool offered = std::any_of(ours.begin(), ours.end(), [&](const crypto::IkeSuite& s) {
        return static_cast<uint16_t>(s.dh) == g;
      });
      if (offered && g != static_cast<uint16_t>(*group_) && ++retries_ <= kMaxRetries) {
        group_ = static_cast<crypto::DhGroup>(g);  // 2.7: same offer, the group asked for
        return TaskResult::kRetry;
      }
      sa.close("peer answered INVALID_KE_PAYLOAD asking for " + group_name(g) +
               (offered ? " again" : ", which we do not offer"));
      return TaskResult::kDone;
    }
    if (n.type == NotifyType::kNoProposalChosen) {
      sa.close("NO_PROPOSAL_CHOSEN: we offered " + describe_suites(ours) + ", peer none");
      return TaskResult::kDone;
    }
    sa.close("peer answered " + notify_name(n.type) + " to IKE_SA_INIT");
    return TaskResult::kDone;
  }

  std::optional<crypto::DhGroup> group_;
  std::optional<crypto::DhKeyPair> dh_;
  Bytes nonce_;
  Bytes cookie_;
  int retries_ = 0;
};

// An IKE_SA_INIT response carrying only a notify, SPIr 0 (2.6, 2.7).
void answer_notify(SaContext& sa, const wire::Header& req, NotifyType type, Bytes data) {
  wire::Message m;
  m.header.initiator_spi = req.initiator_spi;
  m.header.exchange = wire::ExchangeType::kIkeSaInit;
  m.header.response = true;
  m.payloads.push_back(notify(type, std::move(data)));
  auto bytes = wire::serialize_message(m);
  if (bytes) sa.send(std::move(*bytes));
}

}  // namespace

std::unique_ptr<Task> make_ike_init_task() { return std::make_unique<IkeInitTask>(); }

void respond_ike_sa_init(SaContext& sa, const wire::Message& request,
                         std::span<const uint8_t> datagram) {
  const wire::Header& h = request.header;
  const auto& req = request.payloads;
  const auto* sa_p = wire::find_payload(req, PayloadType::kSa)->get<wire::SaPayload>();
  const auto* ke = wire::find_payload(req, PayloadType::kKe)->get<wire::KePayload>();
  const auto* ni = wire::find_payload(req, PayloadType::kNonce)->get<wire::NoncePayload>();
  const auto& ours = sa.config.ike_proposals;

  if (sa.cookie_required) {
    Bytes expected = make_cookie(sa.cookie_secret, ni->data, sa.config.remote_address,
                                 h.initiator_spi);
    const auto* c = wire::find_notify(req, NotifyType::kCookie);
    if (!c || c->data != expected) {
      sa.reason = kAnsweredWithCookie;
      return answer_notify(sa, h, NotifyType::kCookie, std::move(expected));
    }
  }
  auto choice = select_ike(*sa_p, ours);
  if (!choice) {
    answer_notify(sa, h, NotifyType::kNoProposalChosen, {});
    return sa.close("NO_PROPOSAL_CHOSEN: peer offered " + describe_offer(*sa_p) +
                    ", we accept " + describe_suites(ours));
  }
  const crypto::IkeSuite suite = choice->suite;
  if (ke->group != static_cast<uint16_t>(suite.dh)) {
    sa.reason = "asked the peer for " + group_name(static_cast<uint16_t>(suite.dh)) +
                " instead of " + group_name(ke->group) + " (INVALID_KE_PAYLOAD)";
    return answer_notify(sa, h, NotifyType::kInvalidKePayload, group_bytes(suite.dh));
  }
  if (!crypto::check_nonce_size(ni->data.size(), suite.prf)) {
    ++sa.counters.malformed;
    return;
  }
  auto dh = crypto::DhKeyPair::generate(suite.dh);
  if (!dh) return sa.close("IKE_SA_INIT: " + dh.error().message);
  auto g_ir = dh->shared_secret(ke->data);
  if (!g_ir) {
    ++sa.counters.malformed;
    sa.reason = "dropped IKE_SA_INIT with a bad KE: " + g_ir.error().message;
    return;
  }
  auto spi_r = crypto::random_ike_spi();
  auto nr = crypto::random_nonce(std::max(crypto::kDefaultNonceSize, crypto::nonce_size(suite.prf)));
  if (!spi_r || !nr) return sa.close("IKE_SA_INIT: no random values");

  auto ch = std::make_unique<Channel>();
  ch->spis = IkeSpis{h.initiator_spi, *spi_r};
  ch->original_initiator = false;
  sa.init.nonce_i = ni->data;
  sa.init.nonce_r = *nr;
  sa.init.request.assign(datagram.begin(), datagram.end());
  if (auto k = derive_keys(sa, *ch, suite, *g_ir); !k)
    return sa.close("IKE_SA_INIT: keys: " + k.error().message);

  wire::Message m;
  m.header.initiator_spi = ch->spis.initiator;
  m.header.responder_spi = ch->spis.responder;
  m.header.exchange = wire::ExchangeType::kIkeSaInit;
  m.header.response = true;
  m.payloads.push_back(wire::make_payload(wire::SaPayload{{ike_proposal(suite, choice->number, {})}}));
  m.payloads.push_back(wire::make_payload(wire::KePayload{
      static_cast<uint16_t>(suite.dh), Bytes(dh->public_value().begin(), dh->public_value().end())}));
  m.payloads.push_back(wire::make_payload(wire::NoncePayload{*nr}));
  m.payloads.push_back(
      notify(NotifyType::kNatDetectionSourceIp, source_hash(sa, ch->spis.initiator, ch->spis.responder)));
  m.payloads.push_back(notify(NotifyType::kNatDetectionDestinationIp,
                              nat_detection_hash(ch->spis.initiator, ch->spis.responder,
                                                 sa.config.remote_address, sa.config.remote_port)));
  auto bytes = wire::serialize_message(m);
  if (!bytes) return sa.close("IKE_SA_INIT: " + bytes.error().message);

  sa.nat_remote = nat_between(req, NotifyType::kNatDetectionSourceIp,
                              nat_detection_hash(h.initiator_spi, 0, sa.config.remote_address,
                                                 sa.config.remote_port));
  sa.nat_local = nat_between(req, NotifyType::kNatDetectionDestinationIp,
                             nat_detection_hash(h.initiator_spi, 0, sa.config.local_address,
                                                sa.config.local_port));
  sa.nat_local = sa.nat_local || sa.config.force_udp_encapsulation;
  sa.init.response = *bytes;
  ch->peer_next_request_id = 1;
  ch->cached_response_id = 0;
  ch->cached_response = *bytes;
  sa.ike = std::move(ch);
  sa.state = IkeSaState::kInitDone;
  sa.reason.clear();
  sa.last_inbound = sa.now;
  ++sa.counters.sent;
  sa.emit(Send{std::move(*bytes), false});
}

}  // namespace vgw::ike
