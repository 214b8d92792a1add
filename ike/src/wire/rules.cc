// The per-exchange payload tables (rules.h) and the one function that checks a message
// against them. Notation in the comments is RFC 7296's: "*" any number, "?" at most one,
// [ ] the optional Child SA group.
#include "vgw/ike/wire/rules.h"

#include <string>
#include <vector>

#include "vgw/ike/wire/names.h"

namespace vgw::ike::wire {
namespace {

using PT = PayloadType;
constexpr uint8_t kN = kUnbounded;
constexpr uint8_t kChildSa = 1;  // group: SA + TSi + TSr
constexpr uint8_t kTsPair = 2;   // group: TSi + TSr

// IKE_SA_INIT (RFC 7296 1.2): HDR, SA, KE, Ni, [N(COOKIE)], N*, V*, [CERTREQ*]
constexpr PayloadRule kIkeSaInit[] = {
    {PT::kSa, 1, 1},       {PT::kKe, 1, 1},     {PT::kNonce, 1, 1},
    {PT::kNotify, 0, kN},  {PT::kVendorId, 0, kN}, {PT::kCertReq, 0, kN},
};
// An error or COOKIE response carries Notify payloads alone (RFC 7296 1.2, 2.6, 2.21).
constexpr PayloadRule kNotifyOnly[] = {{PT::kNotify, 1, kN}, {PT::kVendorId, 0, kN}};

// IKE_AUTH request (RFC 7296 1.2, 2.16, RFC 4739, RFC 6023):
//   SK { IDi, CERT*, CERTREQ*, IDr?, AUTH?, [SA, TSi, TSr], CP?, N*, V* }  (no AUTH: EAP)
constexpr PayloadRule kIkeAuthI[] = {
    {PT::kIdi, 1, 1},           {PT::kCert, 0, kN},    {PT::kCertReq, 0, kN},
    {PT::kIdr, 0, 1},           {PT::kAuth, 0, 1},     {PT::kSa, 0, 1, kChildSa},
    {PT::kTsi, 0, 1, kChildSa}, {PT::kTsr, 0, 1, kChildSa}, {PT::kConfiguration, 0, 1},
    {PT::kNotify, 0, kN},       {PT::kVendorId, 0, kN},
};
// IKE_AUTH response: SK { IDr, CERT*, AUTH, EAP?, [SA, TSi, TSr], CP?, N*, V* }
constexpr PayloadRule kIkeAuthR[] = {
    {PT::kIdr, 1, 1},           {PT::kCert, 0, kN},    {PT::kAuth, 1, 1},
    {PT::kEap, 0, 1},           {PT::kSa, 0, 1, kChildSa}, {PT::kTsi, 0, 1, kChildSa},
    {PT::kTsr, 0, 1, kChildSa}, {PT::kConfiguration, 0, 1}, {PT::kNotify, 0, kN},
    {PT::kVendorId, 0, kN},
};
// EAP rounds (RFC 7296 2.16): SK { EAP }, either direction.
constexpr PayloadRule kEapRound[] = {
    {PT::kEap, 1, 1}, {PT::kNotify, 0, kN}, {PT::kVendorId, 0, kN}};
// Last EAP round: SK { AUTH } from the initiator, SK { AUTH, [SA, TSi, TSr], CP? } back.
constexpr PayloadRule kEapAuthI[] = {
    {PT::kAuth, 1, 1}, {PT::kNotify, 0, kN}, {PT::kVendorId, 0, kN}};
constexpr PayloadRule kEapAuthR[] = {
    {PT::kAuth, 1, 1},           {PT::kSa, 0, 1, kChildSa}, {PT::kTsi, 0, 1, kChildSa},
    {PT::kTsr, 0, 1, kChildSa},  {PT::kConfiguration, 0, 1}, {PT::kNotify, 0, kN},
    {PT::kVendorId, 0, kN},
};

// CREATE_CHILD_SA (RFC 7296 1.3): SK { [N(REKEY_SA)], SA, Ni, [KEi], [TSi, TSr] } and back;
// rekeying the IKE SA has a KE and no TS (1.3.2), so TSi and TSr are a group of their own.
constexpr PayloadRule kCreateChildSa[] = {
    {PT::kSa, 1, 1},           {PT::kNonce, 1, 1},        {PT::kKe, 0, 1},
    {PT::kTsi, 0, 1, kTsPair}, {PT::kTsr, 0, 1, kTsPair}, {PT::kNotify, 0, kN},
    {PT::kVendorId, 0, kN},
};

// INFORMATIONAL (RFC 7296 1.4): SK { [N,] [D,] [CP,] ... }; empty is a liveness check.
constexpr PayloadRule kInformational[] = {
    {PT::kNotify, 0, kN}, {PT::kDelete, 0, kN}, {PT::kConfiguration, 0, 1},
    {PT::kVendorId, 0, kN},
};

constexpr MessageShape kIkeSaInitRequest[] = {{"IKE_SA_INIT", kIkeSaInit}};
constexpr MessageShape kIkeSaInitResponse[] = {
    {"IKE_SA_INIT", kIkeSaInit},
    {"cookie", kNotifyOnly, ShapeCondition::kCookie},
    {"error", kNotifyOnly, ShapeCondition::kErrorNotify},
};
constexpr MessageShape kIkeAuthRequest[] = {
    {"authentication", kIkeAuthI},
    {"EAP", kEapRound},
    {"EAP AUTH", kEapAuthI},
};
constexpr MessageShape kIkeAuthResponse[] = {
    {"authentication", kIkeAuthR},
    {"EAP", kEapRound},
    {"EAP AUTH", kEapAuthR},
    {"error", kNotifyOnly, ShapeCondition::kErrorNotify},
};
constexpr MessageShape kCreateChildSaRequest[] = {{"CREATE_CHILD_SA", kCreateChildSa}};
constexpr MessageShape kCreateChildSaResponse[] = {
    {"CREATE_CHILD_SA", kCreateChildSa},
    {"error", kNotifyOnly, ShapeCondition::kErrorNotify},
};
constexpr MessageShape kInformationalShapes[] = {{"INFORMATIONAL", kInformational}};

// RFC 7296 3.3.1 SPI sizes per exchange.
constexpr SaProtocolRule kInitialIke[] = {{ProtocolId::kIke, 0}};
constexpr SaProtocolRule kChildOnly[] = {{ProtocolId::kEsp, 4}, {ProtocolId::kAh, 4}};
constexpr SaProtocolRule kRekeyOrChild[] = {
    {ProtocolId::kIke, 8}, {ProtocolId::kEsp, 4}, {ProtocolId::kAh, 4}};

constexpr ExchangeRules kRules[] = {
    {ExchangeType::kIkeSaInit, false, false, kIkeSaInitRequest, kInitialIke},
    {ExchangeType::kIkeSaInit, true, false, kIkeSaInitResponse, kInitialIke},
    {ExchangeType::kIkeAuth, false, true, kIkeAuthRequest, kChildOnly},
    {ExchangeType::kIkeAuth, true, true, kIkeAuthResponse, kChildOnly},
    {ExchangeType::kCreateChildSa, false, true, kCreateChildSaRequest, kRekeyOrChild},
    {ExchangeType::kCreateChildSa, true, true, kCreateChildSaResponse, kRekeyOrChild},
    {ExchangeType::kInformational, false, true, kInformationalShapes, {}},
    {ExchangeType::kInformational, true, true, kInformationalShapes, {}},
};

std::string num(size_t v) { return std::to_string(v); }

std::string where(const ExchangeRules& r) {
  return exchange_type_name(r.exchange) + (r.response ? " response" : " request");
}

ParseError rule_error(const ExchangeRules& r, PayloadType payload, std::string text) {
  ParseError e = syntax_error(0, where(r) + ": " + text);
  e.payload = payload;
  return e;
}

bool ignored(const Payload& p) { return std::holds_alternative<UnknownPayload>(p.body); }

bool condition_holds(ShapeCondition c, std::span<const Payload> payloads) {
  switch (c) {
    case ShapeCondition::kAlways: return true;
    case ShapeCondition::kErrorNotify: return find_error_notify(payloads) != nullptr;
    case ShapeCondition::kCookie: return find_notify(payloads, NotifyType::kCookie) != nullptr;
  }
  return false;
}

// Why the payloads do not fit the shape, or an empty optional.
std::optional<ParseError> mismatch(const ExchangeRules& r, const MessageShape& shape,
                                   std::span<const Payload> payloads) {
  std::vector<size_t> count(shape.payloads.size());
  for (const Payload& p : payloads) {
    if (ignored(p)) continue;
    size_t i = 0;
    while (i < shape.payloads.size() && shape.payloads[i].type != p.type) ++i;
    if (i == shape.payloads.size())
      return rule_error(r, p.type, "unexpected " + payload_type_name(p.type) + " payload");
    ++count[i];
  }
  for (size_t i = 0; i < shape.payloads.size(); ++i) {
    const PayloadRule& rule = shape.payloads[i];
    const std::string name = payload_type_name(rule.type);
    if (count[i] < rule.min) return rule_error(r, rule.type, "missing " + name + " payload");
    if (rule.max != kUnbounded && count[i] > rule.max)
      return rule_error(r, rule.type, num(count[i]) + " " + name + " payloads (at most " +
                                          num(rule.max) + ")");
  }
  // Groups: all present or all absent.
  for (size_t i = 0; i < shape.payloads.size(); ++i) {
    if (shape.payloads[i].group == 0 || count[i] != 0) continue;
    for (size_t j = 0; j < shape.payloads.size(); ++j)
      if (shape.payloads[j].group == shape.payloads[i].group && count[j] != 0)
        return rule_error(r, shape.payloads[i].type,
                          payload_type_name(shape.payloads[j].type) + " without " +
                              payload_type_name(shape.payloads[i].type));
  }
  return std::nullopt;
}

std::optional<ParseError> check_sa(const ExchangeRules& r, const SaPayload& sa) {
  if (r.response && sa.proposals.size() != 1)
    return rule_error(r, PT::kSa, "SA payload with " + num(sa.proposals.size()) +
                                      " proposals (a response accepts one)");
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    const Proposal& p = sa.proposals[i];
    // RFC 7296 3.3.1: an offer numbers its proposals 1, 2, 3, ...
    if (!r.response && p.number != i + 1)
      return rule_error(r, PT::kSa, "proposal " + num(i + 1) + " has number " + num(p.number));
    if (p.protocol != ProtocolId::kIke && p.protocol != ProtocolId::kAh &&
        p.protocol != ProtocolId::kEsp)
      continue;  // unknown protocols: negotiation skips the proposal (RFC 7296 3.3.6)
    bool allowed = false;
    for (const SaProtocolRule& a : r.sa_protocols)
      allowed |= a.protocol == p.protocol && a.spi_size == p.spi.size();
    if (!allowed)
      return rule_error(r, PT::kSa, "proposal " + num(p.number) + ": " +
                                        protocol_id_name(p.protocol) + " with SPI size " +
                                        num(p.spi.size()));
  }
  return std::nullopt;
}

}  // namespace

std::span<const ExchangeRules> exchange_rules() { return kRules; }

const ExchangeRules* find_rules(ExchangeType exchange, bool response) {
  for (const auto& r : kRules)
    if (r.exchange == exchange && r.response == response) return &r;
  return nullptr;
}

Result<void, ParseError> check_payloads(ExchangeType exchange, bool response, bool encrypted,
                                        std::span<const Payload> payloads) {
  const ExchangeRules* r = find_rules(exchange, response);
  if (!r)
    return fail(syntax_error(0, "no payload rules for " + exchange_type_name(exchange)));
  if (r->encrypted != encrypted)
    return fail(rule_error(*r, PT::kNone, encrypted ? "payloads must not be encrypted"
                                                    : "payloads must be inside SK"));
  std::optional<ParseError> first_error;
  bool fits = false;
  for (const MessageShape& shape : r->shapes) {
    if (!condition_holds(shape.condition, payloads)) continue;
    auto why = mismatch(*r, shape, payloads);
    if (!why) {
      fits = true;
      break;
    }
    if (!first_error) first_error = std::move(why);
  }
  if (!fits) {
    if (first_error) return fail(std::move(*first_error));
    return fail(rule_error(*r, PT::kNone, "no shape applies"));
  }
  for (const Payload& p : payloads)
    if (const auto* sa = p.get<SaPayload>())
      if (auto why = check_sa(*r, *sa)) return fail(std::move(*why));
  return {};
}

Result<void, ParseError> check_message(const Message& m) {
  const ExchangeRules* r = find_rules(m.header.exchange, m.header.response);
  if (!r)
    return fail(syntax_error(0, "no payload rules for " + exchange_type_name(m.header.exchange)));
  if (!r->encrypted) {
    if (m.encrypted) return fail(rule_error(*r, PT::kEncrypted, "unexpected SK payload"));
    return check_payloads(m.header.exchange, m.header.response, false, m.payloads);
  }
  if (!m.encrypted) return fail(rule_error(*r, PT::kEncrypted, "missing SK payload"));
  for (const Payload& p : m.payloads)
    if (!ignored(p))
      return fail(rule_error(*r, p.type, payload_type_name(p.type) + " payload outside SK"));
  return {};
}

}  // namespace vgw::ike::wire
