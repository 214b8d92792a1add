// IKE_AUTH with a pre-shared key and the first Child SA (RFC 7296 1.2, 2.15, 2.9, 2.17).
//
//   Initiator                         Responder
//   HDR, SK {IDi, [N(INITIAL_CONTACT)], [IDr,] AUTH, SAi2, TSi, TSr}  -->
//                                <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
//
// AUTH = prf(prf(PSK, "Key Pad for IKEv2"), RealMessage | peer's Nonce | prf(SK_p, ID')),
// each side over its own IKE_SA_INIT message (crypto/auth.h). IDr goes in the request only
// when a remote identity is configured (the responder would otherwise have to match it).
// The Child SA's ESP offer has no DH transform (no KE in IKE_AUTH, 1.2) and its keys come
// from SK_d and the IKE_SA_INIT nonces. The responder narrows the traffic selectors to its
// policy (2.9): nothing left is TS_UNACCEPTABLE.
//
// Failures:
//   - the responder cannot verify the initiator (identity or AUTH): SK {N(AUTHENTICATION_FAILED)}
//     and the SA is gone on both sides (2.21.2);
//   - the initiator cannot verify the responder: it tells it in an INFORMATIONAL
//     N(AUTHENTICATION_FAILED) and closes;
//   - the Child SA fails (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE) while the IKE SA succeeds
//     (2.21.3): a tunnel without a Child SA is useless to a route-based VPN, so the
//     initiator deletes the IKE SA with that reason.
#include "vgw/ike/crypto/auth.h"
#include "vgw/ike/crypto/random.h"
#include "vgw/ike/proposal.h"
#include "vgw/ike/task.h"
#include "vgw/ike/traffic_selectors.h"
#include "vgw/ike/wire/names.h"

namespace vgw::ike {
namespace {

using wire::NotifyType;
using wire::PayloadType;

// RestOfIDPayload (2.15): the ID payload body, after its generic header.
Bytes id_rest(const wire::IdPayload& id) {
  Bytes out;
  ByteWriter w(out);
  (void)wire::serialize(id, w);
  return out;
}

Result<crypto::SecretBytes> auth_of(SaContext& sa, bool initiator_side, const wire::IdPayload& id) {
  const Channel& ch = *sa.ike;
  return crypto::psk_auth(ch.suite.prf, sa.config.psk,
                          initiator_side ? sa.init.request : sa.init.response,
                          initiator_side ? sa.init.nonce_r : sa.init.nonce_i,
                          initiator_side ? ch.keys.sk_pi : ch.keys.sk_pr, id_rest(id));
}

template <typename T>
const T* body(std::span<const wire::Payload> p, PayloadType type) {
  const wire::Payload* x = wire::find_payload(p, type);
  return x ? x->get<T>() : nullptr;
}

class IkeAuthTask final : public Task {
 public:
  wire::ExchangeType exchange() const override { return wire::ExchangeType::kIkeAuth; }
  std::string name() const override { return "IKE_AUTH"; }

  Result<std::vector<wire::Payload>> build(SaContext& sa) override {
    if (sa.config.esp_proposals.empty()) return fail(Error::invalid("no ESP proposal configured"));
    auto spi = sa.new_esp_spi();
    if (!spi) return fail(std::move(spi.error()));
    spi_ = *spi;
    const wire::IdPayload idi = sa.local_id.payload();
    auto auth = auth_of(sa, true, idi);
    if (!auth) return fail(std::move(auth.error()));
    std::vector<wire::Payload> p;
    p.push_back(wire::make_payload(PayloadType::kIdi, idi));
    if (sa.config.initial_contact) p.push_back(notify(NotifyType::kInitialContact));
    if (sa.config.remote_id && !sa.config.remote_id->any)
      p.push_back(wire::make_payload(PayloadType::kIdr, sa.config.remote_id->payload()));
    p.push_back(wire::make_payload(wire::AuthPayload{
        wire::AuthMethod::kSharedKeyMic, Bytes(auth->span().begin(), auth->span().end())}));
    p.push_back(wire::make_payload(esp_offer(sa.config.esp_proposals, spi_, false)));
    p.push_back(wire::make_payload(PayloadType::kTsi, wire::TsPayload{sa.local_ts}));
    p.push_back(wire::make_payload(PayloadType::kTsr, wire::TsPayload{sa.remote_ts}));
    return p;
  }

  TaskResult process(SaContext& sa, std::span<const wire::Payload> r) override {
    const auto* auth = body<wire::AuthPayload>(r, PayloadType::kAuth);
    const auto* idr = body<wire::IdPayload>(r, PayloadType::kIdr);
    if (!auth || !idr) {  // the error shape: a notify alone
      const auto* n = wire::find_error_notify(r);
      sa.close("peer answered " + notify_name(n ? n->type : NotifyType::kNone));
      return TaskResult::kDone;
    }
    std::string bad;
    if (!sa.remote_id.matches(*idr)) {
      bad = "peer's identity " + id_to_string(*idr) + " is not the expected " +
            sa.remote_id.to_string();
    } else if (auth->method != wire::AuthMethod::kSharedKeyMic) {
      bad = "peer authenticated with " + wire::auth_method_name(auth->method) +
            ", expected a pre-shared key";
    } else {
      auto expected = auth_of(sa, false, *idr);
      if (!expected || !crypto::auth_matches(*expected, auth->data))
        bad = "peer's AUTH did not verify (pre-shared key mismatch?)";
    }
    if (!bad.empty()) {
      sa.queue.push_front(make_notify_task(NotifyType::kAuthenticationFailed, bad));
      return TaskResult::kDone;
    }
    sa.state = IkeSaState::kEstablished;
    sa.established_at = sa.now;
    sa.reason.clear();
    std::string child_error = child(sa, r);
    sa.emit(Established{sa.ike->spis, wire::find_notify(r, NotifyType::kInitialContact) != nullptr});
    if (!child_error.empty()) {
      sa.reason = child_error;
      sa.enqueue(make_delete_ike_task(child_error, false));
    }
    return TaskResult::kDone;
  }

 private:
  // Installs the first Child SA; or why not.
  std::string child(SaContext& sa, std::span<const wire::Payload> r) {
    const auto* sa_p = body<wire::SaPayload>(r, PayloadType::kSa);
    if (!sa_p) {
      const auto* n = wire::find_error_notify(r);
      return "Child SA: peer answered " +
             (n ? notify_name(n->type) : std::string("without a Child SA"));
    }
    auto choice = select_esp(*sa_p, sa.config.esp_proposals, true);
    if (!choice) return "Child SA: peer chose " + describe_offer(*sa_p) + ", which we did not offer";
    const auto& tsi = body<wire::TsPayload>(r, PayloadType::kTsi)->selectors;
    const auto& tsr = body<wire::TsPayload>(r, PayloadType::kTsr)->selectors;
    if (tsi.empty() || tsr.empty() || !covered(tsi, sa.local_ts) || !covered(tsr, sa.remote_ts))
      return "Child SA: peer's traffic selectors " + describe(tsi) + " / " + describe(tsr) +
             " are not within ours";
    auto c = make_child(sa, choice->suite, ChildSpis{spi_, choice->spi}, {}, sa.init.nonce_i,
                        sa.init.nonce_r, true, tsi, tsr);
    if (!c) return "Child SA keys: " + c.error().message;
    sa.install_child(std::move(*c));
    return {};
  }

  uint32_t spi_ = 0;
};

}  // namespace

std::unique_ptr<Task> make_ike_auth_task() { return std::make_unique<IkeAuthTask>(); }

std::vector<wire::Payload> respond_ike_auth(SaContext& sa, Channel& ch,
                                            std::span<const wire::Payload> req) {
  auto refuse = [&](std::string why) {
    sa.close_after_response = std::move(why);
    return std::vector<wire::Payload>{notify(NotifyType::kAuthenticationFailed)};
  };
  const auto* idi = body<wire::IdPayload>(req, PayloadType::kIdi);
  const auto* auth = body<wire::AuthPayload>(req, PayloadType::kAuth);
  if (!auth) return refuse("peer asked for EAP, which vgw does not do");
  if (!sa.remote_id.matches(*idi))
    return refuse("peer's identity " + id_to_string(*idi) + " is not the expected " +
                  sa.remote_id.to_string());
  if (auth->method != wire::AuthMethod::kSharedKeyMic)
    return refuse("peer authenticated with " + wire::auth_method_name(auth->method) +
                  ", expected a pre-shared key");
  auto expected = auth_of(sa, true, *idi);
  if (!expected || !crypto::auth_matches(*expected, auth->data))
    return refuse("peer's AUTH did not verify (pre-shared key mismatch?)");

  const wire::IdPayload idr = sa.local_id.payload();
  auto my_auth = auth_of(sa, false, idr);
  if (!my_auth) return refuse("cannot compute our AUTH: " + my_auth.error().message);
  sa.state = IkeSaState::kEstablished;
  sa.established_at = sa.now;
  sa.reason.clear();

  std::vector<wire::Payload> out;
  out.push_back(wire::make_payload(PayloadType::kIdr, idr));
  out.push_back(wire::make_payload(wire::AuthPayload{
      wire::AuthMethod::kSharedKeyMic, Bytes(my_auth->span().begin(), my_auth->span().end())}));

  const auto* sa_p = body<wire::SaPayload>(req, PayloadType::kSa);
  if (sa_p) {
    const auto& tsi = body<wire::TsPayload>(req, PayloadType::kTsi)->selectors;
    const auto& tsr = body<wire::TsPayload>(req, PayloadType::kTsr)->selectors;
    auto choice = select_esp(*sa_p, sa.config.esp_proposals, true);
    auto tsi_n = narrow(tsi, sa.remote_ts);
    auto tsr_n = narrow(tsr, sa.local_ts);
    Result<uint32_t> spi = fail(Error::unavailable("no SPI"));
    if (choice && !tsi_n.empty() && !tsr_n.empty()) spi = sa.new_esp_spi();  // only when needed
    if (!choice) {
      sa.reason = "Child SA: NO_PROPOSAL_CHOSEN: peer offered " + describe_offer(*sa_p) +
                  ", we accept " + describe_suites(sa.config.esp_proposals);
      out.push_back(notify(NotifyType::kNoProposalChosen));
    } else if (tsi_n.empty() || tsr_n.empty()) {
      sa.reason = "Child SA: TS_UNACCEPTABLE: peer proposed " + describe(tsi) + " / " +
                  describe(tsr) + ", our policy is " + describe(sa.remote_ts) + " / " +
                  describe(sa.local_ts);
      out.push_back(notify(NotifyType::kTsUnacceptable));
    } else if (!spi) {
      out.push_back(notify(NotifyType::kNoAdditionalSas));
    } else {
      auto c = make_child(sa, choice->suite, ChildSpis{*spi, choice->spi}, {}, sa.init.nonce_i,
                          sa.init.nonce_r, false, tsr_n, tsi_n);
      if (!c) {
        sa.reason = "Child SA keys: " + c.error().message;
        out.push_back(notify(NotifyType::kNoAdditionalSas));
      } else {
        out.push_back(wire::make_payload(
            wire::SaPayload{{esp_proposal(choice->suite, choice->number, *spi, false)}}));
        out.push_back(wire::make_payload(PayloadType::kTsi, wire::TsPayload{tsi_n}));
        out.push_back(wire::make_payload(PayloadType::kTsr, wire::TsPayload{tsr_n}));
        sa.install_child(std::move(*c));  // before the response that lets the peer use it
      }
    }
  }
  sa.emit(Established{ch.spis, wire::find_notify(req, NotifyType::kInitialContact) != nullptr});
  return out;
}

}  // namespace vgw::ike
