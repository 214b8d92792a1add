// SaContext and Channel (sa_context.h), and the helpers the exchange tasks share (task.h):
// SK framing of outgoing messages (RFC 7296 3.14), Child SA key material (2.17), the
// default give-up of a request (2.1).
#include "vgw/ike/sa_context.h"

#include <algorithm>
#include <cstring>

#include "vgw/ike/crypto/random.h"
#include "vgw/ike/task.h"
#include "vgw/ike/wire/encrypted.h"
#include "vgw/ike/wire/names.h"

namespace vgw::ike {

const char* state_name(IkeSaState s) {
  switch (s) {
    case IkeSaState::kIdle: return "idle";
    case IkeSaState::kInitSent: return "init-sent";
    case IkeSaState::kInitDone: return "init-answered";
    case IkeSaState::kAuthSent: return "auth-sent";
    case IkeSaState::kEstablished: return "established";
    case IkeSaState::kDeleting: return "deleting";
    case IkeSaState::kClosed: return "closed";
  }
  return "?";
}

const char* state_name(ChildRecord::State s) {
  switch (s) {
    case ChildRecord::State::kInstalled: return "installed";
    case ChildRecord::State::kRekeying: return "rekeying";
    case ChildRecord::State::kRekeyed: return "rekeyed";
    case ChildRecord::State::kDeleting: return "deleting";
  }
  return "?";
}

Status Channel::install_keys(const crypto::IkeSuite& s, crypto::IkeSaKeys k) {
  suite = s;
  keys = std::move(k);
  const bool i = original_initiator;
  auto o = crypto::SkCipher::create(suite, i ? keys.sk_ei : keys.sk_er, i ? keys.sk_ai : keys.sk_ar);
  if (!o) return fail(std::move(o.error()));
  auto n = crypto::SkCipher::create(suite, i ? keys.sk_er : keys.sk_ei, i ? keys.sk_ar : keys.sk_ai);
  if (!n) return fail(std::move(n.error()));
  out.emplace(std::move(*o));
  in.emplace(std::move(*n));
  return {};
}

Result<Bytes> Channel::seal(wire::ExchangeType exchange, bool response, uint32_t message_id,
                            std::span<const wire::Payload> inner) {
  if (!out) return fail(Error::internal("no keys to protect " + wire::exchange_type_name(exchange)));
  wire::Header h;
  h.initiator_spi = spis.initiator;
  h.responder_spi = spis.responder;
  h.exchange = exchange;
  h.initiator = original_initiator;
  h.response = response;
  h.message_id = message_id;
  auto plain = wire::serialize_payloads(inner);
  if (!plain) return fail(std::move(plain.error()));
  const size_t size = out->sealed_size(plain->size());
  auto frame = wire::build_protected(h, wire::first_type(inner), size);
  if (!frame) return fail(std::move(frame.error()));
  auto sealed = out->seal(*plain, frame->associated_data());
  if (!sealed) return fail(std::move(sealed.error()));
  if (sealed->size() != size) return fail(Error::internal("SK payload size changed while sealing"));
  std::copy(sealed->begin(), sealed->end(), frame->body().begin());
  return std::move(frame->message);
}

SaContext::SaContext(IkeSaConfig c) : config(std::move(c)) {
  local_id = config.effective_local_id();
  remote_id = config.effective_remote_id();
  local_ts = config.effective_local_ts();
  remote_ts = config.effective_remote_ts();
  cookie_secret = config.cookie_secret;
  if (cookie_secret.empty()) {
    auto r = crypto::random_nonce(32);
    if (r) cookie_secret = std::move(*r);
    else cookie_secret.assign(32, 0x5a);  // no DRBG: cookies still work, only guessable
  }
}

void SaContext::send(Bytes datagram) {
  ++counters.sent;
  emit(Send{std::move(datagram), nat_t()});
}

void SaContext::close(std::string why) {
  if (state == IkeSaState::kClosed) return;
  reason = why;
  for (const ChildRecord& c : children) emit(RemoveChild{c.spis, why});
  children.clear();
  queue.clear();
  if (ike) ike->outstanding.reset();
  if (old_ike) old_ike->outstanding.reset();
  state = IkeSaState::kClosed;
  emit(Closed{std::move(why)});
}

void SaContext::enqueue(std::unique_ptr<Task> t) { queue.push_back(std::move(t)); }

Result<uint32_t> SaContext::new_esp_spi() {
  return config.allocate_spi ? config.allocate_spi() : crypto::random_esp_spi();
}

ChildRecord* SaContext::child_by_inbound(uint32_t spi) {
  for (auto& c : children)
    if (c.spis.inbound == spi) return &c;
  return nullptr;
}

ChildRecord* SaContext::child_by_outbound(uint32_t spi) {
  for (auto& c : children)
    if (c.spis.outbound == spi) return &c;
  return nullptr;
}

void SaContext::install_child(ChildSa sa) {
  ChildRecord r;
  r.spis = sa.spis;
  r.suite = sa.suite;
  r.local_ts = sa.local_ts;
  r.remote_ts = sa.remote_ts;
  r.established = now;
  children.push_back(std::move(r));
  emit(InstallChild{std::move(sa)});
}

void SaContext::remove_child(const ChildSpis& which, std::string why) {
  const ChildSpis spis = which;  // `which` may live in the record erased below
  auto it = std::find_if(children.begin(), children.end(),
                         [&](const ChildRecord& c) { return c.spis == spis; });
  if (it == children.end()) return;
  children.erase(it);
  emit(RemoveChild{spis, std::move(why)});
}

void Task::timed_out(SaContext& sa, const RetransmitPolicy& p) {
  sa.close(name() + " request: retransmits exhausted (" + p.to_string() + ")");
}

wire::Payload notify(wire::NotifyType type, Bytes data) {
  wire::NotifyPayload n;
  n.type = type;
  n.data = std::move(data);
  return wire::make_payload(std::move(n));
}

std::string notify_name(wire::NotifyType type) { return wire::notify_type_name(type); }

Result<ChildSa> make_child(SaContext& sa, const crypto::EspSuite& suite, ChildSpis spis,
                           std::span<const uint8_t> g_ir, std::span<const uint8_t> ni,
                           std::span<const uint8_t> nr, bool initiator,
                           std::vector<wire::TrafficSelector> local_ts,
                           std::vector<wire::TrafficSelector> remote_ts) {
  auto keys = crypto::derive_child_sa_keys(sa.ike->suite.prf, sa.ike->keys.sk_d, suite, g_ir, ni, nr);
  if (!keys) return fail(std::move(keys.error()));
  ChildSa c;
  c.spis = spis;
  c.suite = suite;
  c.outbound_keys = initiator ? std::move(keys->initiator_to_responder)
                              : std::move(keys->responder_to_initiator);
  c.inbound_keys = initiator ? std::move(keys->responder_to_initiator)
                             : std::move(keys->initiator_to_responder);
  c.local_ts = std::move(local_ts);
  c.remote_ts = std::move(remote_ts);
  c.udp_encap = sa.nat_t();
  return c;
}

uint32_t spi_from_bytes(std::span<const uint8_t> b) {
  if (b.size() != 4) return 0;
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
}

Bytes spi_bytes(uint32_t spi) {
  return {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16),
          static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
}

bool nonce_less(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace vgw::ike
