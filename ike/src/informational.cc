// INFORMATIONAL exchanges (RFC 7296 1.4): Delete, liveness checks, error notifications.
//
//   HDR, SK {D(IKE)}                  -->  <--  HDR, SK {}         the IKE SA and all its
//                                                                  Child SAs go (1.4.1)
//   HDR, SK {D(ESP, SPI...)}          -->  <--  HDR, SK {D(ESP, SPI...)}  each side names the
//                                                                  SPIs it receives on
//   HDR, SK {}                        -->  <--  HDR, SK {}         liveness check, DPD (2.4)
//   HDR, SK {N(AUTHENTICATION_FAILED)} -->                         the responder's AUTH did
//                                                                  not verify (2.21.2)
// DPD here: a liveness check after dpd_interval without a message from the peer, repeated
// every dpd_interval (not the usual back-off); dpd_retries unanswered checks close the SA
// with "DPD: no answer to N liveness checks". A Child SA is removed from the dataplane only
// once its Delete is answered (or, when the peer deletes it, before we answer).
#include "vgw/ike/task.h"
#include "vgw/ike/wire/names.h"

namespace vgw::ike {
namespace {

using wire::PayloadType;

class DeleteIkeTask final : public Task {
 public:
  DeleteIkeTask(std::string reason, bool old_sa) : reason_(std::move(reason)), old_sa_(old_sa) {}
  wire::ExchangeType exchange() const override { return wire::ExchangeType::kInformational; }
  std::string name() const override { return old_sa_ ? "Delete of the rekeyed IKE SA" : "Delete"; }
  bool on_old_sa() const override { return old_sa_; }

  Result<std::vector<wire::Payload>> build(SaContext& sa) override {
    if (!old_sa_) sa.state = IkeSaState::kDeleting;
    return std::vector<wire::Payload>{
        wire::make_payload(wire::DeletePayload{wire::ProtocolId::kIke, {}})};
  }
  TaskResult process(SaContext& sa, std::span<const wire::Payload>) override {
    done(sa);
    return TaskResult::kDone;
  }
  void timed_out(SaContext& sa, const RetransmitPolicy&) override { done(sa); }

 private:
  void done(SaContext& sa) {
    if (old_sa_) sa.old_ike.reset();  // the caller no longer touches that Channel
    else sa.close(reason_);
  }
  std::string reason_;
  bool old_sa_;
};

class DeleteChildTask final : public Task {
 public:
  DeleteChildTask(std::vector<ChildSpis> spis, std::string reason)
      : spis_(std::move(spis)), reason_(std::move(reason)) {}
  wire::ExchangeType exchange() const override { return wire::ExchangeType::kInformational; }
  std::string name() const override { return "Child SA Delete"; }

  Result<std::vector<wire::Payload>> build(SaContext& sa) override {
    wire::DeletePayload d{wire::ProtocolId::kEsp, {}};
    for (const ChildSpis& s : spis_) {
      d.spis.push_back(s.inbound);
      if (ChildRecord* c = sa.child_by_inbound(s.inbound)) c->state = ChildRecord::State::kDeleting;
    }
    return std::vector<wire::Payload>{wire::make_payload(std::move(d))};
  }
  TaskResult process(SaContext& sa, std::span<const wire::Payload>) override {
    for (const ChildSpis& s : spis_)
      if (ChildRecord* c = sa.child_by_inbound(s.inbound)) sa.remove_child(c->spis, reason_);
    return TaskResult::kDone;
  }

 private:
  std::vector<ChildSpis> spis_;
  std::string reason_;
};

class DpdTask final : public Task {
 public:
  wire::ExchangeType exchange() const override { return wire::ExchangeType::kInformational; }
  std::string name() const override { return "DPD liveness check"; }
  RetransmitPolicy policy(const SaContext& sa) const override {
    if (sa.config.dpd_interval.count() <= 0) return sa.config.retransmit;
    return RetransmitPolicy{sa.config.dpd_interval, 1.0, std::max(0, sa.config.dpd_retries - 1)};
  }
  Result<std::vector<wire::Payload>> build(SaContext&) override {
    return std::vector<wire::Payload>{};
  }
  TaskResult process(SaContext&, std::span<const wire::Payload>) override {
    return TaskResult::kDone;
  }
  void timed_out(SaContext& sa, const RetransmitPolicy& p) override {
    sa.close("DPD: no answer to " + std::to_string(p.tries + 1) + " liveness checks");
  }
};

class NotifyTask final : public Task {
 public:
  NotifyTask(wire::NotifyType type, std::string reason) : type_(type), reason_(std::move(reason)) {}
  wire::ExchangeType exchange() const override { return wire::ExchangeType::kInformational; }
  std::string name() const override { return "INFORMATIONAL " + notify_name(type_); }
  Result<std::vector<wire::Payload>> build(SaContext&) override {
    return std::vector<wire::Payload>{notify(type_)};
  }
  void sent(SaContext& sa, std::span<const uint8_t>) override { sa.close(reason_); }
  TaskResult process(SaContext&, std::span<const wire::Payload>) override {
    return TaskResult::kDone;
  }

 private:
  wire::NotifyType type_;
  std::string reason_;
};

}  // namespace

std::unique_ptr<Task> make_delete_ike_task(std::string reason, bool old_sa) {
  return std::make_unique<DeleteIkeTask>(std::move(reason), old_sa);
}
std::unique_ptr<Task> make_delete_child_task(std::vector<ChildSpis> spis, std::string reason) {
  return std::make_unique<DeleteChildTask>(std::move(spis), std::move(reason));
}
std::unique_ptr<Task> make_dpd_task() { return std::make_unique<DpdTask>(); }
std::unique_ptr<Task> make_notify_task(wire::NotifyType type, std::string reason) {
  return std::make_unique<NotifyTask>(type, std::move(reason));
}

std::vector<wire::Payload> respond_informational(SaContext& sa, Channel& ch,
                                                 std::span<const wire::Payload> req) {
  std::vector<wire::Payload> out;
  wire::DeletePayload ours{wire::ProtocolId::kEsp, {}};
  for (const wire::Payload& p : req) {
    if (const auto* n = p.get<wire::NotifyPayload>(); n && n->is_error()) {
      if (&ch == sa.ike.get()) sa.close_after_response = "peer reported " + notify_name(n->type);
      continue;
    }
    const auto* d = p.get<wire::DeletePayload>();
    if (!d) continue;
    if (d->protocol == wire::ProtocolId::kIke) {
      if (&ch == sa.old_ike.get()) sa.drop_old_after_response = true;
      else sa.close_after_response = "deleted by peer";
      continue;
    }
    if (d->protocol != wire::ProtocolId::kEsp) continue;
    for (uint32_t spi : d->spis) {
      ChildRecord* c = sa.child_by_outbound(spi);
      if (!c) continue;
      const ChildSpis gone = c->spis;
      ours.spis.push_back(gone.inbound);
      sa.remove_child(gone, "deleted by peer");
    }
  }
  if (!ours.spis.empty()) out.push_back(wire::make_payload(std::move(ours)));
  return out;
}

}  // namespace vgw::ike
