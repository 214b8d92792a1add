// Fuzz target for the IKEv2 wire codec (vgw::ike_wire). Each input is decoded
//   1. as a whole datagram (parse_message, parse_protected, check_message),
//   2. as a decrypted inner chain whose first octet names the first payload type
//      (parse_payloads + check_payloads under every exchange and direction),
//   3. as the body of every payload type (parse_sa, parse_ts, ...).
// Whatever decodes must encode, decode again and compare equal; a protected message must also
// come back from build_protected() with the same associated data and body size.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "vgw/ike/wire/wire.h"

namespace {

using namespace vgw::ike::wire;

void check(bool ok) {
  if (!ok) std::abort();
}

template <typename T, typename Parse>
void body_round_trip(std::span<const uint8_t> in, Parse parse) {
  auto p = parse(in);
  if (!p.ok()) {
    (void)to_string(p.error());
    return;
  }
  std::vector<uint8_t> out;
  vgw::ByteWriter w(out);
  if (!serialize(*p, w).ok()) return;
  auto again = parse(std::span<const uint8_t>(out));
  check(again.ok() && *again == *p);
}

void message(std::span<const uint8_t> in) {
  auto m = parse_message(in);
  if (!m.ok()) {
    (void)to_string(m.error());
    return;
  }
  (void)describe(*m);
  (void)check_message(*m);
  auto out = serialize_message(*m);
  check(out.ok());
  auto again = parse_message(*out);
  check(again.ok() && *again == *m);

  auto v = parse_protected(in);
  check(v.ok() == m->encrypted.has_value());
  if (!v.ok()) return;
  check(v->associated_data.size() + v->body.size() == in.size());
  check(v->body.size() == m->encrypted->body.size());
  check(v->authenticated(v->body.size()).size() == v->associated_data.size());
  check(v->icv(v->body.size() + 1).empty());
  auto f = build_protected(v->header, v->first_payload, v->body.size(), v->cleartext,
                           v->fragment);
  check(f.ok());
  check(f->associated_data().size() == v->associated_data.size());
  std::copy(v->body.begin(), v->body.end(), f->body().begin());
  auto back = parse_protected(f->message);
  check(back.ok() && back->first_payload == v->first_payload && back->fragment == v->fragment &&
        back->cleartext == v->cleartext && back->body.size() == v->body.size());
}

void inner_chain(std::span<const uint8_t> in) {
  if (in.empty()) return;
  const auto first = static_cast<PayloadType>(in[0]);
  auto chain = parse_payloads(first, in.subspan(1));
  if (!chain.ok()) {
    (void)to_string(chain.error());
    return;
  }
  (void)describe(*chain);
  for (const ExchangeRules& r : exchange_rules()) {
    for (bool encrypted : {false, true})
      (void)check_payloads(r.exchange, r.response, encrypted, *chain);
  }
  auto out = serialize_payloads(*chain);
  check(out.ok());
  auto again = parse_payloads(first_type(*chain), *out);
  check(again.ok() && *again == *chain);
}

void bodies(std::span<const uint8_t> in) {
  body_round_trip<SaPayload>(in, parse_sa);
  body_round_trip<KePayload>(in, parse_ke);
  body_round_trip<IdPayload>(in, parse_id);
  body_round_trip<CertPayload>(in, parse_cert);
  body_round_trip<AuthPayload>(in, parse_auth);
  body_round_trip<NoncePayload>(in, parse_nonce);
  body_round_trip<NotifyPayload>(in, parse_notify);
  body_round_trip<DeletePayload>(in, parse_delete);
  body_round_trip<VendorIdPayload>(in, parse_vendor_id);
  body_round_trip<TsPayload>(in, parse_ts);
  body_round_trip<CpPayload>(in, parse_cp);
  body_round_trip<EapPayload>(in, parse_eap);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  message(in);
  inner_chain(in);
  bodies(in);
  return 0;
}
