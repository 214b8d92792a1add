// IkeSa: the message layer of one IKE SA endpoint (RFC 7296 2.1-2.3, 2.21, 3.14).
//
// Every datagram goes through the same gate before any exchange logic sees it:
//   header (2.5: unreadable -> drop) -> which Channel (SPIs) -> IKE_SA_INIT: codec + payload
//   rules, never answered when wrong (nothing is authenticated yet) -> others: SK located,
//   Message ID against the window (2.3: requests the expected ID or the last one answered;
//   responses the outstanding ID) -> ICV / decryption (failure: counted, dropped, never
//   answered, 2.21) -> inner chain parsed and checked against wire::check_payloads -> a request
//   with a bad chain is answered INVALID_SYNTAX (it is authenticated, 3.10.1), a response with
//   one fails its exchange.
// A retransmitted request gets the cached response again (2.1); a response that answers
// nothing outstanding is dropped. Requests we send wait in a queue for the window of one and
// are retransmitted at timeout * base^n until the policy gives up.
#include "vgw/ike/ike_sa.h"

#include <algorithm>

#include "vgw/ike/crypto/random.h"
#include "vgw/ike/task.h"
#include "vgw/ike/wire/encrypted.h"
#include "vgw/ike/wire/names.h"
#include "vgw/ike/wire/rules.h"

namespace vgw::ike {
namespace {

using wire::ExchangeType;

Clock::Duration scaled(Clock::Duration d, bool later) {
  return later ? d + d / 10 : d;
}

}  // namespace

IkeSa::IkeSa(IkeSaConfig config) : sa_(std::move(config)) {}
IkeSa::~IkeSa() = default;

template <typename F>
std::vector<Action> IkeSa::run(Clock::TimePoint now, F&& f) {
  std::vector<Action> out;
  sa_.out = &out;
  sa_.now = now;
  if (sa_.state != IkeSaState::kClosed) f();
  if (sa_.state != IkeSaState::kClosed) pump();
  auto next = next_timer();
  if (next != armed_) {
    armed_ = next;
    if (next) out.push_back(ArmTimer{*next});
  }
  sa_.out = nullptr;
  return out;
}

std::vector<Action> IkeSa::start(Clock::TimePoint now) {
  return run(now, [&] {
    if (sa_.config.role != Role::kInitiator || sa_.state != IkeSaState::kIdle) return;
    auto spi = crypto::random_ike_spi();
    if (!spi) return sa_.close("no random IKE SPI: " + spi.error().message);
    sa_.ike = std::make_unique<Channel>();
    sa_.ike->spis.initiator = *spi;
    sa_.ike->original_initiator = true;
    sa_.last_inbound = now;
    sa_.state = IkeSaState::kInitSent;
    sa_.enqueue(make_ike_init_task());
  });
}

std::vector<Action> IkeSa::on_datagram(std::span<const uint8_t> datagram, Clock::TimePoint now,
                                       bool via_nat_t) {
  return run(now, [&] { handle(datagram, via_nat_t); });
}

std::vector<Action> IkeSa::on_timer(Clock::TimePoint now) {
  return run(now, [&] {
    timers();
    if (sa_.state == IkeSaState::kEstablished) maybe_rekey();
  });
}

std::vector<Action> IkeSa::rekey_child(Clock::TimePoint now) {
  return run(now, [&] {
    if (sa_.state != IkeSaState::kEstablished) return;
    for (ChildRecord& c : sa_.children)
      if (c.state == ChildRecord::State::kInstalled) {
        c.state = ChildRecord::State::kRekeying;
        sa_.enqueue(make_child_rekey_task(c.spis.inbound));
        return;
      }
  });
}

std::vector<Action> IkeSa::rekey_ike(Clock::TimePoint now) {
  return run(now, [&] {
    if (sa_.state != IkeSaState::kEstablished || sa_.ike_rekeying) return;
    sa_.ike_rekeying = true;
    sa_.enqueue(make_ike_rekey_task());
  });
}

std::vector<Action> IkeSa::delete_sa(Clock::TimePoint now) {
  return run(now, [&] {
    if (sa_.state == IkeSaState::kEstablished) {
      sa_.queue.clear();
      sa_.enqueue(make_delete_ike_task("deleted locally", false));
    } else if (sa_.state != IkeSaState::kDeleting) {
      sa_.close("deleted locally before it was established");
    }
  });
}

std::vector<Action> IkeSa::abandon(Clock::TimePoint now, std::string reason) {
  return run(now, [&] {
    if (sa_.state == IkeSaState::kEstablished && sa_.ike && !sa_.ike->outstanding) {
      const wire::Payload d = wire::make_payload(wire::DeletePayload{wire::ProtocolId::kIke, {}});
      Channel& ch = *sa_.ike;
      if (auto datagram = ch.seal(ExchangeType::kInformational, false, ch.next_request_id, {&d, 1})) {
        ++ch.next_request_id;
        ++sa_.counters.sent;
        sa_.emit(Send{std::move(*datagram), sa_.nat_t()});
      }
    }
    sa_.close(std::move(reason));
  });
}

std::vector<Action> IkeSa::dpd_check(Clock::TimePoint now) {
  return run(now, [&] {
    if (sa_.state == IkeSaState::kEstablished) sa_.enqueue(make_dpd_task());
  });
}

bool IkeSa::owns(std::span<const uint8_t> datagram) const {
  auto h = wire::parse_header(datagram);
  if (!h) return false;
  for (const Channel* ch : {sa_.ike.get(), sa_.old_ike.get()}) {
    if (!ch || ch->spis.initiator != h->initiator_spi) continue;
    if (h->responder_spi == ch->spis.responder) return true;
    if (h->exchange == ExchangeType::kIkeSaInit) return true;  // SPIr 0 / being learnt
  }
  return false;
}

IkeSpis IkeSa::spis() const { return sa_.ike ? sa_.ike->spis : IkeSpis{}; }

std::optional<crypto::IkeSuite> IkeSa::suite() const {
  if (!sa_.ike || !sa_.ike->out) return std::nullopt;
  return sa_.ike->suite;
}

std::optional<Clock::TimePoint> IkeSa::next_timer() const {
  if (sa_.state == IkeSaState::kClosed) return std::nullopt;
  std::optional<Clock::TimePoint> t;
  auto consider = [&](Clock::TimePoint at) {
    if (!t || at < *t) t = at;
  };
  for (const Channel* ch : {sa_.ike.get(), sa_.old_ike.get()})
    if (ch && ch->outstanding) consider(ch->outstanding->next);
  if (sa_.state != IkeSaState::kEstablished || sa_.ike->outstanding || !sa_.queue.empty())
    return t;
  const bool later = !sa_.ike->original_initiator;
  if (sa_.config.dpd_interval.count() > 0) consider(sa_.last_inbound + sa_.config.dpd_interval);
  if (sa_.config.ike_lifetime.count() > 0 && !sa_.ike_rekeying)
    consider(sa_.established_at + scaled(sa_.config.ike_lifetime, later));
  if (sa_.config.child_lifetime.count() > 0)
    for (const ChildRecord& c : sa_.children)
      if (c.state == ChildRecord::State::kInstalled)
        consider(c.established + scaled(sa_.config.child_lifetime, later));
  return t;
}

void IkeSa::pump() {
  while (!sa_.queue.empty() && sa_.state != IkeSaState::kClosed) {
    Task& front = *sa_.queue.front();
    Channel* ch = front.on_old_sa() ? sa_.old_ike.get() : sa_.ike.get();
    if (!ch) {
      sa_.queue.pop_front();
      continue;
    }
    if (ch->outstanding) return;
    auto task = std::move(sa_.queue.front());
    sa_.queue.pop_front();
    if (task->wanted(sa_)) send_request(*ch, std::move(task));
  }
}

bool IkeSa::send_request(Channel& ch, std::unique_ptr<Task> task) {
  auto payloads = task->build(sa_);
  if (sa_.state == IkeSaState::kClosed) return false;
  if (!payloads) {
    sa_.close(task->name() + ": " + payloads.error().message);
    return false;
  }
  const ExchangeType exchange = task->exchange();
  const uint32_t id = ch.next_request_id;
  Result<Bytes> datagram = Bytes{};
  if (exchange == ExchangeType::kIkeSaInit) {
    wire::Message m;
    m.header.initiator_spi = ch.spis.initiator;
    m.header.exchange = exchange;
    m.header.initiator = true;
    m.header.message_id = id;
    m.payloads = std::move(*payloads);
    datagram = wire::serialize_message(m);
  } else {
    datagram = ch.seal(exchange, false, id, *payloads);
  }
  if (!datagram) {
    sa_.close(task->name() + ": " + datagram.error().message);
    return false;
  }
  Outstanding o;
  o.policy = task->policy(sa_);
  o.message_id = id;
  o.exchange = exchange;
  o.datagram = *datagram;
  o.nat_t = exchange != ExchangeType::kIkeSaInit && sa_.nat_t();
  o.next = sa_.now + o.policy.wait(0);
  ++sa_.counters.sent;
  sa_.emit(Send{std::move(*datagram), o.nat_t});
  task->sent(sa_, o.datagram);
  if (sa_.state == IkeSaState::kClosed) return false;
  o.task = std::move(task);
  ch.outstanding = std::move(o);
  return true;
}

void IkeSa::timers() {
  for (Channel* ch : {sa_.ike.get(), sa_.old_ike.get()}) {
    if (!ch || !ch->outstanding || sa_.now < ch->outstanding->next) continue;
    Outstanding& o = *ch->outstanding;
    if (o.retransmits < o.policy.tries) {
      ++o.retransmits;
      o.next = sa_.now + o.policy.wait(o.retransmits);
      ++sa_.counters.retransmits;
      ++sa_.counters.sent;
      sa_.emit(Send{o.datagram, o.nat_t});
      continue;
    }
    Outstanding gone = std::move(o);
    ch->outstanding.reset();
    gone.task->timed_out(sa_, gone.policy);
    if (sa_.state == IkeSaState::kClosed) return;
  }
  if (sa_.state == IkeSaState::kEstablished && sa_.config.dpd_interval.count() > 0 &&
      !sa_.ike->outstanding && sa_.queue.empty() &&
      sa_.now >= sa_.last_inbound + sa_.config.dpd_interval)
    sa_.enqueue(make_dpd_task());
}

std::optional<Clock::TimePoint> IkeSa::established_at() const {
  if (sa_.state != IkeSaState::kEstablished && sa_.state != IkeSaState::kDeleting) return std::nullopt;
  return sa_.established_at;
}

std::optional<Clock::TimePoint> IkeSa::ike_rekey_due() const {
  if (sa_.state != IkeSaState::kEstablished || !sa_.ike || sa_.config.ike_lifetime.count() <= 0)
    return std::nullopt;
  return sa_.established_at + scaled(sa_.config.ike_lifetime, !sa_.ike->original_initiator);
}

std::optional<Clock::TimePoint> IkeSa::child_rekey_due(const ChildRecord& c) const {
  if (sa_.state != IkeSaState::kEstablished || !sa_.ike || sa_.config.child_lifetime.count() <= 0 ||
      c.state != ChildRecord::State::kInstalled)
    return std::nullopt;
  return c.established + scaled(sa_.config.child_lifetime, !sa_.ike->original_initiator);
}

void IkeSa::maybe_rekey() {
  if (sa_.ike->outstanding || !sa_.queue.empty()) return;
  const bool later = !sa_.ike->original_initiator;
  if (sa_.config.ike_lifetime.count() > 0 && !sa_.ike_rekeying &&
      sa_.now >= sa_.established_at + scaled(sa_.config.ike_lifetime, later)) {
    sa_.ike_rekeying = true;
    sa_.enqueue(make_ike_rekey_task());
    return;
  }
  if (sa_.config.child_lifetime.count() > 0)
    for (ChildRecord& c : sa_.children)
      if (c.state == ChildRecord::State::kInstalled &&
          sa_.now >= c.established + scaled(sa_.config.child_lifetime, later)) {
        c.state = ChildRecord::State::kRekeying;
        sa_.enqueue(make_child_rekey_task(c.spis.inbound));
        return;
      }
}

void IkeSa::handle(std::span<const uint8_t> datagram, bool via_nat_t) {
  ++sa_.counters.received;
  auto h = wire::parse_header(datagram);
  if (!h) {
    ++sa_.counters.malformed;
    return;
  }
  if (h->exchange == ExchangeType::kIkeSaInit) {
    // Nothing is authenticated yet: a wrong IKE_SA_INIT is dropped, never answered.
    auto m = wire::parse_message(datagram);
    if (!m || !wire::check_message(*m)) {
      ++sa_.counters.malformed;
      return;
    }
    if (h->response) return handle_init_response(*m, datagram);
    if (!h->initiator || h->responder_spi != 0 || h->message_id != 0) {
      ++sa_.counters.malformed;
      return;
    }
    if (sa_.state == IkeSaState::kIdle && sa_.config.role == Role::kResponder) {
      if (via_nat_t) sa_.floated = true;
      return respond_ike_sa_init(sa_, *m, datagram);
    }
    Channel* ch = sa_.ike.get();
    if (ch && !ch->original_initiator && ch->spis.initiator == h->initiator_spi &&
        ch->cached_response_id == 0u) {
      ++sa_.counters.duplicate_requests;
      ++sa_.counters.sent;
      sa_.emit(Send{ch->cached_response, false});
      return;
    }
    ++sa_.counters.unknown_spi;
    return;
  }
  for (Channel* ch : {sa_.ike.get(), sa_.old_ike.get()}) {
    if (ch && ch->in && ch->spis.initiator == h->initiator_spi &&
        ch->spis.responder == h->responder_spi) {
      // The I flag names the original initiator (3.1): it must be the peer's role.
      if (h->initiator == ch->original_initiator) {
        ++sa_.counters.malformed;
        return;
      }
      return handle_protected(datagram, *h, *ch, via_nat_t);
    }
  }
  ++sa_.counters.unknown_spi;
}

void IkeSa::handle_protected(std::span<const uint8_t> datagram, const wire::Header& h,
                             Channel& ch, bool via_nat_t) {
  auto v = wire::parse_protected(datagram);
  if (!v || v->fragment) {  // SKF (RFC 7383) is not offered, so never expected
    ++sa_.counters.malformed;
    return;
  }
  if (!h.response) {
    const bool expected = h.message_id == ch.peer_next_request_id;
    const bool last = ch.cached_response_id && *ch.cached_response_id == h.message_id;
    if (!expected && !last) {
      ++sa_.counters.old_requests;
      return;
    }
  } else if (!ch.outstanding || ch.outstanding->message_id != h.message_id ||
             ch.outstanding->exchange != h.exchange) {
    ++sa_.counters.unexpected_responses;
    return;
  }
  auto plain = ch.in->open(v->associated_data, v->body);
  if (!plain) {
    ++sa_.counters.integrity_failures;
    return;
  }
  sa_.last_inbound = sa_.now;
  if (via_nat_t) sa_.floated = true;
  auto inner = wire::parse_payloads(v->first_payload, *plain);
  if (inner) {
    auto checked = wire::check_payloads(h.exchange, h.response, true, *inner);
    if (!checked) inner = fail(std::move(checked.error()));
  }
  if (!h.response) return handle_request(ch, h, inner);
  if (!inner) {
    ++sa_.counters.malformed;
    Outstanding o = std::move(*ch.outstanding);
    ch.outstanding.reset();
    sa_.close("invalid " + o.task->name() + " response: " + wire::to_string(inner.error()));
    return;
  }
  handle_response(ch, h, *inner);
}

void IkeSa::handle_request(Channel& ch, const wire::Header& h,
                           const Result<std::vector<wire::Payload>, wire::ParseError>& inner) {
  if (h.message_id != ch.peer_next_request_id) {
    ++sa_.counters.duplicate_requests;
    ++sa_.counters.sent;
    sa_.emit(Send{ch.cached_response, ch.cached_nat_t});
    return;
  }
  std::vector<wire::Payload> response;
  if (!inner) {
    // Authenticated, so it is answered as the codec says (RFC 7296 3.10.1).
    const auto& e = inner.error();
    ++sa_.counters.malformed;
    ++sa_.counters.invalid_syntax_sent;
    response.push_back(notify(e.notify == wire::NotifyType::kNone ? wire::NotifyType::kInvalidSyntax
                                                                  : e.notify,
                              e.notify_data));
  } else {
    switch (h.exchange) {
      case ExchangeType::kIkeAuth:
        if (sa_.state != IkeSaState::kInitDone) {
          ++sa_.counters.old_requests;
          return;
        }
        response = respond_ike_auth(sa_, ch, *inner);
        break;
      case ExchangeType::kCreateChildSa:
        if (sa_.state != IkeSaState::kEstablished && sa_.state != IkeSaState::kDeleting) return;
        response = respond_create_child_sa(sa_, ch, *inner);
        break;
      case ExchangeType::kInformational:
        response = respond_informational(sa_, ch, *inner);
        break;
      default: {
        ++sa_.counters.malformed;
        return;
      }
    }
  }
  if (sa_.state == IkeSaState::kClosed) return;
  auto datagram = ch.seal(h.exchange, true, h.message_id, response);
  if (!datagram) return sa_.close("cannot protect a response: " + datagram.error().message);
  ch.peer_next_request_id = h.message_id + 1;
  ch.cached_response_id = h.message_id;
  ch.cached_response = *datagram;
  ch.cached_nat_t = sa_.nat_t();
  ++sa_.counters.sent;
  sa_.emit(Send{std::move(*datagram), ch.cached_nat_t});
  if (sa_.drop_old_after_response) {
    sa_.drop_old_after_response = false;
    if (&ch == sa_.old_ike.get()) sa_.old_ike.reset();  // ch is gone from here on
    return;
  }
  if (!sa_.close_after_response.empty()) {
    std::string why = std::move(sa_.close_after_response);
    sa_.close_after_response.clear();
    sa_.close(std::move(why));
  }
}

void IkeSa::handle_response(Channel& ch, const wire::Header&,
                            std::span<const wire::Payload> inner) {
  Outstanding o = std::move(*ch.outstanding);
  ch.outstanding.reset();
  ch.next_request_id = o.message_id + 1;
  const TaskResult r = o.task->process(sa_, inner);
  if (sa_.state == IkeSaState::kClosed) return;
  if (r == TaskResult::kRetry) send_request(ch, std::move(o.task));  // with the next ID
}

void IkeSa::handle_init_response(const wire::Message& m, std::span<const uint8_t> datagram) {
  Channel* ch = sa_.ike.get();
  if (!ch || !ch->outstanding || ch->outstanding->exchange != ExchangeType::kIkeSaInit ||
      m.header.initiator_spi != ch->spis.initiator || m.header.message_id != 0 ||
      m.header.initiator) {
    ++sa_.counters.unexpected_responses;
    return;
  }
  sa_.last_inbound = sa_.now;
  sa_.init.response.assign(datagram.begin(), datagram.end());
  sa_.init.response_spi = m.header.responder_spi;
  Outstanding o = std::move(*ch->outstanding);
  ch->outstanding.reset();
  const TaskResult r = o.task->process(sa_, m.payloads);
  if (sa_.state == IkeSaState::kClosed) return;
  if (r == TaskResult::kRetry) {
    send_request(*ch, std::move(o.task));
    return;
  }
  ch->next_request_id = 1;
}

}  // namespace vgw::ike
