// CREATE_CHILD_SA (RFC 7296 1.3): rekeying a Child SA (1.3.3) and the IKE SA (1.3.2, 2.18).
//
//   Child SA rekey
//   HDR, SK {N(REKEY_SA), SA, Ni, [KEi,] TSi, TSr}  -->
//                                               <--  HDR, SK {SA, Nr, [KEr,] TSi, TSr}
//   KE only with a PFS group in the ESP proposal; KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr).
//   Make-before-break: the responder installs the new pair before its response goes out; the
//   initiator installs on the response, then deletes the old pair with INFORMATIONAL and
//   removes it only when that is answered (informational.cc).
//
//   Simultaneous Child SA rekeys (2.8.1): each side answers the other's request, so two new
//   pairs appear. The pair created by the exchange holding the lowest of the four nonces is
//   redundant, and the side that initiated that exchange deletes it; the other side, whose
//   pair survives, deletes the old one. Both sides compare the same four nonces, so they
//   agree. A rekey request for a pair we are already deleting gets TEMPORARY_FAILURE (2.25).
//
//   IKE SA rekey
//   HDR, SK {SA, Ni, KEi}  -->  <--  HDR, SK {SA, Nr, KEr}
//   The proposals carry the new SPIs (8 octets). SKEYSEED = prf(SK_d (old), g^ir | Ni | Nr),
//   keys as in 2.14 with the new SPIs and the new suite; the rekey's initiator is the new SA's
//   original initiator, Message IDs start at 0, Child SAs move over. The old SA stays until
//   the initiator's Delete on it is answered. A rekey request while ours is outstanding gets
//   TEMPORARY_FAILURE (vgw does not resolve IKE SA rekey collisions by nonce).
#include <algorithm>

#include "vgw/ike/crypto/dh.h"
#include "vgw/ike/crypto/key_schedule.h"
#include "vgw/ike/crypto/random.h"
#include "vgw/ike/proposal.h"
#include "vgw/ike/task.h"
#include "vgw/ike/traffic_selectors.h"
#include "vgw/ike/wire/names.h"

namespace vgw::ike {
namespace {

using wire::NotifyType;
using wire::PayloadType;

template <typename T>
const T* body(std::span<const wire::Payload> p, PayloadType type) {
  const wire::Payload* x = wire::find_payload(p, type);
  return x ? x->get<T>() : nullptr;
}

Bytes spi64(uint64_t v) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
  return b;
}

uint64_t from_spi64(std::span<const uint8_t> b) {
  uint64_t v = 0;
  for (uint8_t x : b) v = v << 8 | x;
  return v;
}

Bytes group_bytes(uint16_t g) { return {static_cast<uint8_t>(g >> 8), static_cast<uint8_t>(g)}; }

const Bytes& min_nonce(const Bytes& a, const Bytes& b) { return nonce_less(a, b) ? a : b; }

// The group an INVALID_KE_PAYLOAD asks for, if it is one of `offered`.
template <typename Suites, typename GroupOf>
std::optional<crypto::DhGroup> asked_group(const wire::NotifyPayload& n, const Suites& offered,
                                           GroupOf group_of) {
  if (n.type != NotifyType::kInvalidKePayload || n.data.size() != 2) return std::nullopt;
  const uint16_t g = static_cast<uint16_t>(n.data[0] << 8 | n.data[1]);
  for (const auto& s : offered)
    if (auto og = group_of(s); og && static_cast<uint16_t>(*og) == g) return *og;
  return std::nullopt;
}

// Builds KE for `group` (if any) and the new nonce.
Status fresh(std::optional<crypto::DhGroup> group, crypto::PrfId prf,
             std::optional<crypto::DhKeyPair>& dh, Bytes& nonce) {
  auto n = crypto::random_nonce(std::max(crypto::kDefaultNonceSize, crypto::nonce_size(prf)));
  if (!n) return fail(std::move(n.error()));
  nonce = std::move(*n);
  dh.reset();
  if (group) {
    auto d = crypto::DhKeyPair::generate(*group);
    if (!d) return fail(std::move(d.error()));
    dh.emplace(std::move(*d));
  }
  return {};
}

wire::Payload ke_payload(const crypto::DhKeyPair& dh) {
  return wire::make_payload(wire::KePayload{
      static_cast<uint16_t>(dh.group()), Bytes(dh.public_value().begin(), dh.public_value().end())});
}

class ChildRekeyTask final : public Task {
 public:
  explicit ChildRekeyTask(uint32_t inbound) : old_(inbound) {}
  wire::ExchangeType exchange() const override { return wire::ExchangeType::kCreateChildSa; }
  std::string name() const override { return "Child SA rekey"; }
  bool wanted(const SaContext& sa) const override {
    for (const auto& c : sa.children)
      if (c.spis.inbound == old_) return c.state == ChildRecord::State::kRekeying;
    return false;
  }

  Result<std::vector<wire::Payload>> build(SaContext& sa) override {
    ChildRecord* c = sa.child_by_inbound(old_);
    if (!c) return fail(Error::internal("the Child SA to rekey is gone"));
    const auto& suites = sa.config.esp_proposals;
    if (!group_ && !suites.empty()) group_ = suites.front().dh;
    auto spi = sa.new_esp_spi();
    if (!spi) return fail(std::move(spi.error()));
    spi_ = *spi;
    if (auto f = fresh(group_, sa.ike->suite.prf, dh_, nonce_); !f) return fail(std::move(f.error()));
    wire::NotifyPayload rekey{wire::ProtocolId::kEsp, spi_bytes(old_), NotifyType::kRekeySa, {}};
    std::vector<wire::Payload> p;
    p.push_back(wire::make_payload(std::move(rekey)));
    p.push_back(wire::make_payload(esp_offer(suites, spi_, true)));
    p.push_back(wire::make_payload(wire::NoncePayload{nonce_}));
    if (dh_) p.push_back(ke_payload(*dh_));
    p.push_back(wire::make_payload(PayloadType::kTsi, wire::TsPayload{c->local_ts}));
    p.push_back(wire::make_payload(PayloadType::kTsr, wire::TsPayload{c->remote_ts}));
    return p;
  }

  TaskResult process(SaContext& sa, std::span<const wire::Payload> r) override {
    ChildRecord* old = sa.child_by_inbound(old_);
    if (!old) return TaskResult::kDone;  // the peer deleted it meanwhile
    if (const auto* err = wire::find_error_notify(r)) {
      auto g = asked_group(*err, sa.config.esp_proposals, [](const crypto::EspSuite& s) { return s.dh; });
      if (g && g != group_ && ++retries_ <= 2) {
        group_ = g;
        return TaskResult::kRetry;
      }
      return give_up(sa, *old, "Child SA rekey: peer answered " + notify_name(err->type));
    }
    const auto* sa_p = body<wire::SaPayload>(r, PayloadType::kSa);
    const auto* nr = body<wire::NoncePayload>(r, PayloadType::kNonce);
    const auto* ke = body<wire::KePayload>(r, PayloadType::kKe);
    const auto* tsi = body<wire::TsPayload>(r, PayloadType::kTsi);
    const auto* tsr = body<wire::TsPayload>(r, PayloadType::kTsr);
    auto choice = select_esp(*sa_p, sa.config.esp_proposals, false);
    if (!choice || choice->suite.dh != group_ || !tsi || !tsr)
      return give_up(sa, *old, "Child SA rekey: peer's answer does not match our offer");
    crypto::SecretBytes g_ir;
    if (dh_) {
      if (!ke || ke->group != static_cast<uint16_t>(dh_->group()))
        return give_up(sa, *old, "Child SA rekey: peer's KE does not match");
      auto s = dh_->shared_secret(ke->data);
      if (!s) return give_up(sa, *old, "Child SA rekey: peer's KE: " + s.error().message);
      g_ir = std::move(*s);
    }
    const ChildSpis created{spi_, choice->spi};
    const ChildSpis replaced = old->spis;
    std::optional<ChildRecord::PeerRekey> collision = old->peer_rekey;
    old->state = ChildRecord::State::kRekeyed;
    if (collision &&
        nonce_less(min_nonce(nonce_, nr->data), min_nonce(collision->ni, collision->nr))) {
      // 2.8.1: ours holds the lowest nonce, so our new pair is the redundant one; the peer
      // keeps the pair it created and deletes the old one.
      sa.enqueue(make_delete_child_task({created}, "redundant rekey (RFC 7296 2.8.1)"));
      return TaskResult::kDone;
    }
    auto child = make_child(sa, choice->suite, created, g_ir, nonce_, nr->data, true,
                            tsi->selectors, tsr->selectors);
    if (!child) return give_up(sa, *sa.child_by_inbound(old_), "Child SA rekey keys: " + child.error().message);
    sa.install_child(std::move(*child));
    sa.enqueue(make_delete_child_task({replaced}, "rekeyed"));
    return TaskResult::kDone;
  }

 private:
  TaskResult give_up(SaContext& sa, ChildRecord& old, std::string why) {
    old.state = ChildRecord::State::kInstalled;
    old.established = sa.now;  // try again after another lifetime
    old.peer_rekey.reset();
    sa.reason = std::move(why);
    return TaskResult::kDone;
  }

  uint32_t old_;
  uint32_t spi_ = 0;
  std::optional<crypto::DhGroup> group_;
  std::optional<crypto::DhKeyPair> dh_;
  Bytes nonce_;
  int retries_ = 0;
};

class IkeRekeyTask final : public Task {
 public:
  wire::ExchangeType exchange() const override { return wire::ExchangeType::kCreateChildSa; }
  std::string name() const override { return "IKE SA rekey"; }

  Result<std::vector<wire::Payload>> build(SaContext& sa) override {
    const auto& ours = sa.config.ike_proposals;
    if (ours.empty()) return fail(Error::invalid("no IKE proposal configured"));
    if (!group_) group_ = ours.front().dh;
    auto spi = crypto::random_ike_spi();
    if (!spi) return fail(std::move(spi.error()));
    spi_ = *spi;
    if (auto f = fresh(group_, sa.ike->suite.prf, dh_, nonce_); !f) return fail(std::move(f.error()));
    std::vector<wire::Payload> p;
    p.push_back(wire::make_payload(ike_offer(ours, spi64(spi_))));
    p.push_back(wire::make_payload(wire::NoncePayload{nonce_}));
    p.push_back(ke_payload(*dh_));
    return p;
  }

  TaskResult process(SaContext& sa, std::span<const wire::Payload> r) override {
    if (const auto* err = wire::find_error_notify(r)) {
      auto g = asked_group(*err, sa.config.ike_proposals,
                           [](const crypto::IkeSuite& s) { return std::optional(s.dh); });
      if (g && g != group_ && ++retries_ <= 2) {
        group_ = g;
        return TaskResult::kRetry;
      }
      return give_up(sa, "IKE SA rekey: peer answered " + notify_name(err->type));
    }
    const auto* sa_p = body<wire::SaPayload>(r, PayloadType::kSa);
    const auto* nr = body<wire::NoncePayload>(r, PayloadType::kNonce);
    const auto* ke = body<wire::KePayload>(r, PayloadType::kKe);
    auto choice = select_ike(*sa_p, sa.config.ike_proposals);
    if (!choice || choice->suite.dh != *group_ || choice->spi.size() != 8 || !ke ||
        ke->group != static_cast<uint16_t>(*group_))
      return give_up(sa, "IKE SA rekey: peer's answer does not match our offer");
    auto g_ir = dh_->shared_secret(ke->data);
    if (!g_ir) return give_up(sa, "IKE SA rekey: peer's KE: " + g_ir.error().message);
    auto ch = std::make_unique<Channel>();
    ch->spis = IkeSpis{spi_, from_spi64(choice->spi)};
    ch->original_initiator = true;
    const Channel& old = *sa.ike;
    auto seed = crypto::rekey_skeyseed(old.suite.prf, old.keys.sk_d, *g_ir, nonce_, nr->data);
    if (!seed) return give_up(sa, "IKE SA rekey: " + seed.error().message);
    auto keys = crypto::derive_ike_sa_keys(choice->suite, *seed, nonce_, nr->data,
                                           ch->spis.initiator, ch->spis.responder);
    if (!keys) return give_up(sa, "IKE SA rekey: " + keys.error().message);
    if (auto k = ch->install_keys(choice->suite, std::move(*keys)); !k)
      return give_up(sa, "IKE SA rekey: " + k.error().message);
    const IkeSpis old_spis = old.spis;
    sa.old_ike = std::move(sa.ike);
    sa.ike = std::move(ch);
    sa.ike_rekeying = false;
    sa.established_at = sa.now;
    sa.emit(IkeRekeyed{old_spis, sa.ike->spis});
    sa.queue.push_front(make_delete_ike_task("rekeyed", true));
    return TaskResult::kDone;
  }

 private:
  TaskResult give_up(SaContext& sa, std::string why) {
    sa.ike_rekeying = false;
    sa.established_at = sa.now;  // try again after another lifetime
    sa.reason = std::move(why);
    return TaskResult::kDone;
  }

  uint64_t spi_ = 0;
  std::optional<crypto::DhGroup> group_;
  std::optional<crypto::DhKeyPair> dh_;
  Bytes nonce_;
  int retries_ = 0;
};

std::vector<wire::Payload> one(wire::NotifyType type, Bytes data = {}) {
  return {notify(type, std::move(data))};
}

std::vector<wire::Payload> respond_ike_rekey(SaContext& sa, Channel& ch,
                                             std::span<const wire::Payload> req) {
  if (sa.ike_rekeying || &ch != sa.ike.get()) return one(NotifyType::kTemporaryFailure);
  const auto* sa_p = body<wire::SaPayload>(req, PayloadType::kSa);
  const auto* ni = body<wire::NoncePayload>(req, PayloadType::kNonce);
  const auto* ke = body<wire::KePayload>(req, PayloadType::kKe);
  auto choice = select_ike(*sa_p, sa.config.ike_proposals);
  if (!choice || choice->spi.size() != 8) return one(NotifyType::kNoProposalChosen);
  const crypto::IkeSuite suite = choice->suite;
  if (!ke || ke->group != static_cast<uint16_t>(suite.dh))
    return one(NotifyType::kInvalidKePayload, group_bytes(static_cast<uint16_t>(suite.dh)));
  std::optional<crypto::DhKeyPair> dh;
  Bytes nr;
  if (!fresh(suite.dh, suite.prf, dh, nr)) return one(NotifyType::kTemporaryFailure);
  auto g_ir = dh->shared_secret(ke->data);
  auto spi_r = crypto::random_ike_spi();
  if (!g_ir || !spi_r) return one(NotifyType::kNoProposalChosen);
  auto next = std::make_unique<Channel>();
  next->spis = IkeSpis{from_spi64(choice->spi), *spi_r};
  next->original_initiator = false;
  auto seed = crypto::rekey_skeyseed(ch.suite.prf, ch.keys.sk_d, *g_ir, ni->data, nr);
  if (!seed) return one(NotifyType::kTemporaryFailure);
  auto keys = crypto::derive_ike_sa_keys(suite, *seed, ni->data, nr, next->spis.initiator,
                                         next->spis.responder);
  if (!keys || !next->install_keys(suite, std::move(*keys))) return one(NotifyType::kTemporaryFailure);
  std::vector<wire::Payload> out;
  out.push_back(wire::make_payload(
      wire::SaPayload{{ike_proposal(suite, choice->number, spi64(*spi_r))}}));
  out.push_back(wire::make_payload(wire::NoncePayload{nr}));
  out.push_back(ke_payload(*dh));
  const IkeSpis old_spis = ch.spis;
  sa.old_ike = std::move(sa.ike);  // `ch` lives on there and seals this response
  sa.ike = std::move(next);
  sa.established_at = sa.now;
  sa.emit(IkeRekeyed{old_spis, sa.ike->spis});
  return out;
}

}  // namespace

std::unique_ptr<Task> make_child_rekey_task(uint32_t inbound_spi) {
  return std::make_unique<ChildRekeyTask>(inbound_spi);
}
std::unique_ptr<Task> make_ike_rekey_task() { return std::make_unique<IkeRekeyTask>(); }

std::vector<wire::Payload> respond_create_child_sa(SaContext& sa, Channel& ch,
                                                   std::span<const wire::Payload> req) {
  const auto* sa_p = body<wire::SaPayload>(req, PayloadType::kSa);
  if (!sa_p->proposals.empty() && sa_p->proposals.front().protocol == wire::ProtocolId::kIke)
    return respond_ike_rekey(sa, ch, req);
  if (&ch != sa.ike.get() || sa.state != IkeSaState::kEstablished)
    return one(NotifyType::kTemporaryFailure);
  const auto* ni = body<wire::NoncePayload>(req, PayloadType::kNonce);
  const auto* ke = body<wire::KePayload>(req, PayloadType::kKe);
  const auto* tsi = body<wire::TsPayload>(req, PayloadType::kTsi);
  const auto* tsr = body<wire::TsPayload>(req, PayloadType::kTsr);
  if (!tsi || !tsr) return one(NotifyType::kInvalidSyntax);
  ChildRecord* old = nullptr;
  if (const auto* n = wire::find_notify(req, NotifyType::kRekeySa)) {
    old = n->protocol == wire::ProtocolId::kEsp ? sa.child_by_outbound(spi_from_bytes(n->spi))
                                                : nullptr;
    if (!old) return one(NotifyType::kChildSaNotFound);
    if (old->state == ChildRecord::State::kRekeyed || old->state == ChildRecord::State::kDeleting)
      return one(NotifyType::kTemporaryFailure);
  }
  auto choice = select_esp(*sa_p, sa.config.esp_proposals, false);
  if (!choice) {
    sa.reason = "Child SA rekey: NO_PROPOSAL_CHOSEN: peer offered " + describe_offer(*sa_p) +
                ", we accept " + describe_suites(sa.config.esp_proposals);
    return one(NotifyType::kNoProposalChosen);
  }
  const crypto::EspSuite suite = choice->suite;
  if (suite.dh && (!ke || ke->group != static_cast<uint16_t>(*suite.dh)))
    return one(NotifyType::kInvalidKePayload, group_bytes(static_cast<uint16_t>(*suite.dh)));
  auto tsi_n = narrow(tsi->selectors, sa.remote_ts);
  auto tsr_n = narrow(tsr->selectors, sa.local_ts);
  if (tsi_n.empty() || tsr_n.empty()) return one(NotifyType::kTsUnacceptable);
  std::optional<crypto::DhKeyPair> dh;
  Bytes nr;
  auto spi = sa.new_esp_spi();
  if (!spi || !fresh(suite.dh, sa.ike->suite.prf, dh, nr)) return one(NotifyType::kTemporaryFailure);
  crypto::SecretBytes g_ir;
  if (dh) {
    auto s = dh->shared_secret(ke->data);
    if (!s) return one(NotifyType::kInvalidSyntax);
    g_ir = std::move(*s);
  }
  const ChildSpis created{*spi, choice->spi};
  auto child = make_child(sa, suite, created, g_ir, ni->data, nr, false, tsr_n, tsi_n);
  if (!child) return one(NotifyType::kTemporaryFailure);
  if (old) {
    if (old->state == ChildRecord::State::kRekeying)
      old->peer_rekey = ChildRecord::PeerRekey{ni->data, nr, created};  // 2.8.1 collision
    else
      old->state = ChildRecord::State::kRekeyed;  // the peer deletes it next
  }
  std::vector<wire::Payload> out;
  out.push_back(wire::make_payload(wire::SaPayload{{esp_proposal(suite, choice->number, *spi, true)}}));
  out.push_back(wire::make_payload(wire::NoncePayload{nr}));
  if (dh) out.push_back(ke_payload(*dh));
  out.push_back(wire::make_payload(PayloadType::kTsi, wire::TsPayload{tsi_n}));
  out.push_back(wire::make_payload(PayloadType::kTsr, wire::TsPayload{tsr_n}));
  sa.install_child(std::move(*child));  // make-before-break: in before the response goes out
  return out;
}

}  // namespace vgw::ike
