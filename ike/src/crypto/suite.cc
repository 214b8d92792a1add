// Cipher suites and strongSwan proposal keywords (see suite.h).
#include "vgw/ike/crypto/suite.h"

#include <algorithm>
#include <array>

namespace vgw::ike::crypto {
namespace {

enum class Kind : uint8_t { kEncr, kInteg, kPrf, kDh, kEsn };

struct Keyword {
  std::string_view word;
  Kind kind;
  uint16_t id;        // IANA transform ID; for kEsn 1 = esn, 0 = noesn
  uint16_t key_bits;  // kEncr only
};

// The first spelling of each algorithm is its canonical name.
constexpr std::array kKeywords = {
    Keyword{"aes128", Kind::kEncr, 12, 128},
    Keyword{"aes", Kind::kEncr, 12, 128},
    Keyword{"aes192", Kind::kEncr, 12, 192},
    Keyword{"aes256", Kind::kEncr, 12, 256},
    Keyword{"aes128gcm16", Kind::kEncr, 20, 128},
    Keyword{"aes128gcm128", Kind::kEncr, 20, 128},
    Keyword{"aes192gcm16", Kind::kEncr, 20, 192},
    Keyword{"aes192gcm128", Kind::kEncr, 20, 192},
    Keyword{"aes256gcm16", Kind::kEncr, 20, 256},
    Keyword{"aes256gcm128", Kind::kEncr, 20, 256},
    Keyword{"chacha20poly1305", Kind::kEncr, 28, 256},
    Keyword{"sha256", Kind::kInteg, 12, 0},
    Keyword{"sha2_256", Kind::kInteg, 12, 0},
    Keyword{"sha384", Kind::kInteg, 13, 0},
    Keyword{"sha2_384", Kind::kInteg, 13, 0},
    Keyword{"sha512", Kind::kInteg, 14, 0},
    Keyword{"sha2_512", Kind::kInteg, 14, 0},
    Keyword{"prfsha256", Kind::kPrf, 5, 0},
    Keyword{"prfsha384", Kind::kPrf, 6, 0},
    Keyword{"prfsha512", Kind::kPrf, 7, 0},
    Keyword{"modp2048", Kind::kDh, 14, 0},
    Keyword{"modp3072", Kind::kDh, 15, 0},
    Keyword{"modp4096", Kind::kDh, 16, 0},
    Keyword{"ecp256", Kind::kDh, 19, 0},
    Keyword{"ecp384", Kind::kDh, 20, 0},
    Keyword{"ecp521", Kind::kDh, 21, 0},
    Keyword{"curve25519", Kind::kDh, 31, 0},
    Keyword{"x25519", Kind::kDh, 31, 0},
    Keyword{"esn", Kind::kEsn, 1, 0},
    Keyword{"noesn", Kind::kEsn, 0, 0},
};

const Keyword* find_keyword(std::string_view word) {
  for (const Keyword& k : kKeywords)
    if (k.word == word) return &k;
  return nullptr;
}

std::string_view canonical(Kind kind, uint16_t id, uint16_t key_bits = 0) {
  for (const Keyword& k : kKeywords)
    if (k.kind == kind && k.id == id && k.key_bits == key_bits) return k.word;
  return {};
}

std::string unknown_name(std::string_view what, unsigned id) {
  return std::string(what) + "(" + std::to_string(id) + ")";
}

// The PRF an integrity algorithm implies when a proposal names none (strongSwan's rule).
PrfId prf_for(IntegId integ) {
  switch (integ) {
    case IntegId::kHmacSha384_192: return PrfId::kHmacSha384;
    case IntegId::kHmacSha512_256: return PrfId::kHmacSha512;
    default: return PrfId::kHmacSha256;
  }
}

std::vector<PrfId> prfs_for(const std::vector<IntegId>& integ) {
  std::vector<PrfId> out;
  for (IntegId i : integ)
    if (std::find(out.begin(), out.end(), prf_for(i)) == out.end()) out.push_back(prf_for(i));
  return out;
}

template <typename T>
void push_unique(std::vector<T>& list, T value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::string supported_keywords(bool ike) {
  std::string out;
  for (const Keyword& k : kKeywords) {
    if ((ike && k.kind == Kind::kEsn) || (!ike && k.kind == Kind::kPrf)) continue;
    out += (out.empty() ? "" : ", ") + std::string(k.word);
  }
  return out;
}

// The keywords of a proposal, sorted by kind, each list in order and without repeats.
struct Words {
  std::vector<Cipher> encr;
  std::vector<IntegId> integ;
  std::vector<PrfId> prf;
  std::vector<DhGroup> dh;
  std::vector<bool> esn;
};

Result<Words> split_words(std::string_view proposal, bool ike) {
  const char* what = ike ? "IKE" : "ESP";
  const std::string quoted = "'" + std::string(proposal) + "'";
  if (proposal.empty()) return fail(Error::invalid(std::string(what) + " proposal is empty"));
  Words w;
  size_t start = 0;
  while (start <= proposal.size()) {
    size_t end = proposal.find('-', start);
    if (end == std::string_view::npos) end = proposal.size();
    std::string_view word = proposal.substr(start, end - start);
    start = end + 1;
    if (word.empty())
      return fail(Error::invalid(std::string("empty keyword in ") + what + " proposal " + quoted));
    const Keyword* k = find_keyword(word);
    if (k == nullptr)
      return fail(Error::invalid("unknown " + std::string(what) + " algorithm keyword '" +
                                 std::string(word) + "' in " + quoted +
                                 " (supported: " + supported_keywords(ike) + ")"));
    switch (k->kind) {
      case Kind::kEncr: push_unique(w.encr, Cipher{static_cast<EncrId>(k->id), k->key_bits}); break;
      case Kind::kInteg: push_unique(w.integ, static_cast<IntegId>(k->id)); break;
      case Kind::kPrf:
        if (!ike)
          return fail(Error::invalid("'" + std::string(word) + "' in " + quoted +
                                     " is a PRF: ESP proposals take none"));
        push_unique(w.prf, static_cast<PrfId>(k->id));
        break;
      case Kind::kDh: push_unique(w.dh, static_cast<DhGroup>(k->id)); break;
      case Kind::kEsn:
        if (ike)
          return fail(Error::invalid("'" + std::string(word) + "' in " + quoted +
                                     " applies to ESP proposals only"));
        push_unique(w.esn, k->id == 1);
        break;
    }
  }
  if (w.encr.empty())
    return fail(Error::invalid(std::string(what) + " proposal " + quoted +
                               " names no encryption algorithm"));
  const size_t aeads = static_cast<size_t>(
      std::count_if(w.encr.begin(), w.encr.end(), [](const Cipher& c) { return is_aead(c.id); }));
  if (aeads != 0 && aeads != w.encr.size())
    return fail(Error::invalid(std::string(what) + " proposal " + quoted +
                               " mixes combined-mode (AEAD) and classic ciphers; put them in "
                               "separate proposals (RFC 7296 3.3)"));
  return w;
}

template <typename T, typename F>
void append_names(std::string& out, const std::vector<T>& list, F name_of) {
  for (const T& item : list) out += (out.empty() ? "" : "-") + name_of(item);
}

}  // namespace

std::string keyword(const Cipher& cipher) {
  auto k = canonical(Kind::kEncr, static_cast<uint16_t>(cipher.id), cipher.key_bits);
  return k.empty() ? unknown_name("encr", static_cast<unsigned>(cipher.id)) : std::string(k);
}
std::string keyword(IntegId id) {
  auto k = canonical(Kind::kInteg, static_cast<uint16_t>(id));
  return k.empty() ? unknown_name("integ", static_cast<unsigned>(id)) : std::string(k);
}
std::string keyword(PrfId id) {
  auto k = canonical(Kind::kPrf, static_cast<uint16_t>(id));
  return k.empty() ? unknown_name("prf", static_cast<unsigned>(id)) : std::string(k);
}
std::string keyword(DhGroup group) {
  auto k = canonical(Kind::kDh, static_cast<uint16_t>(group));
  return k.empty() ? unknown_name("dh", static_cast<unsigned>(group)) : std::string(k);
}

std::string IkeSuite::name() const {
  IkeAlgorithms a{{encr}, {}, {prf}, {dh}};
  if (integ != IntegId::kNone) a.integ.push_back(integ);
  return a.name();
}

std::string EspSuite::name() const {
  EspAlgorithms a{{encr}, {}, {}, {esn}};
  if (integ != IntegId::kNone) a.integ.push_back(integ);
  if (dh) a.dh.push_back(*dh);
  return a.name();
}

std::string IkeAlgorithms::name() const {
  std::string out;
  append_names(out, encr, [](const Cipher& c) { return keyword(c); });
  append_names(out, integ, [](IntegId i) { return keyword(i); });
  // Left out when the integrity algorithms imply exactly these PRFs, so the name parses back.
  if (integ.empty() || prf != prfs_for(integ))
    append_names(out, prf, [](PrfId p) { return keyword(p); });
  append_names(out, dh, [](DhGroup g) { return keyword(g); });
  return out;
}

std::string EspAlgorithms::name() const {
  std::string out;
  append_names(out, encr, [](const Cipher& c) { return keyword(c); });
  append_names(out, integ, [](IntegId i) { return keyword(i); });
  append_names(out, dh, [](DhGroup g) { return keyword(g); });
  if (esn != std::vector<bool>{false})
    append_names(out, esn, [](bool e) { return std::string(e ? "esn" : "noesn"); });
  return out;
}

std::vector<IkeSuite> IkeAlgorithms::suites() const {
  std::vector<IkeSuite> out;
  const std::vector<IntegId> integs = integ.empty() ? std::vector<IntegId>{IntegId::kNone} : integ;
  for (const Cipher& e : encr)
    for (IntegId i : integs)
      for (PrfId p : prf)
        for (DhGroup g : dh) out.push_back(IkeSuite{e, i, p, g});
  return out;
}

std::vector<EspSuite> EspAlgorithms::suites() const {
  std::vector<EspSuite> out;
  const std::vector<IntegId> integs = integ.empty() ? std::vector<IntegId>{IntegId::kNone} : integ;
  std::vector<std::optional<DhGroup>> groups;
  for (DhGroup g : dh) groups.emplace_back(g);
  if (groups.empty()) groups.emplace_back(std::nullopt);
  for (const Cipher& e : encr)
    for (IntegId i : integs)
      for (const auto& g : groups)
        for (bool x : esn) out.push_back(EspSuite{e, i, g, x});
  return out;
}

Status validate(const IkeSuite& s) {
  if (!is_known(s.encr.id) || !valid_key_bits(s.encr.id, s.encr.key_bits))
    return fail(Error::invalid("unsupported IKE encryption " + keyword(s.encr) + " with " +
                               std::to_string(s.encr.key_bits) + "-bit key"));
  if (s.is_aead() && s.integ != IntegId::kNone)
    return fail(Error::invalid("combined-mode cipher takes no integrity algorithm"));
  if (!s.is_aead() && (s.integ == IntegId::kNone || !is_known(s.integ)))
    return fail(Error::invalid("AES-CBC needs a supported integrity algorithm"));
  if (!is_known(s.prf) || s.prf == PrfId::kHmacSha1)
    return fail(Error::invalid("unsupported PRF " + keyword(s.prf)));
  if (!is_known(s.dh))
    return fail(Error::invalid("unsupported key exchange method " + keyword(s.dh)));
  return {};
}

Status validate(const EspSuite& s) {
  if (!is_known(s.encr.id) || !valid_key_bits(s.encr.id, s.encr.key_bits) ||
      (s.encr.id == EncrId::kAesGcm16 && s.encr.key_bits == 192))
    return fail(Error::invalid("unsupported ESP encryption " + keyword(s.encr) + " with " +
                               std::to_string(s.encr.key_bits) + "-bit key"));
  if (s.is_aead() && s.integ != IntegId::kNone)
    return fail(Error::invalid("combined-mode cipher takes no integrity algorithm"));
  if (!s.is_aead() && (s.integ == IntegId::kNone || !is_known(s.integ)))
    return fail(Error::invalid("AES-CBC needs a supported integrity algorithm"));
  if (s.dh && !is_known(*s.dh))
    return fail(Error::invalid("unsupported PFS group " + keyword(*s.dh)));
  return {};
}

Result<IkeAlgorithms> parse_ike_algorithms(std::string_view proposal) {
  auto w = split_words(proposal, true);
  if (!w) return fail(std::move(w.error()));
  const std::string quoted = "'" + std::string(proposal) + "'";
  IkeAlgorithms a{std::move(w->encr), std::move(w->integ), std::move(w->prf), std::move(w->dh)};
  if (is_aead(a.encr.front().id)) {
    // strongSwan: integrity keywords in an AEAD proposal only name PRFs, and are dropped.
    if (a.prf.empty()) a.prf = prfs_for(a.integ);
    if (a.prf.empty())
      return fail(Error::invalid("AEAD IKE proposal " + quoted +
                                 " needs a PRF keyword (prfsha256, prfsha384 or prfsha512)"));
    a.integ.clear();
  } else {
    if (a.integ.empty())
      return fail(Error::invalid("IKE proposal " + quoted +
                                 " needs an integrity algorithm (sha256, sha384 or sha512)"));
    if (a.prf.empty()) a.prf = prfs_for(a.integ);
  }
  if (a.dh.empty())
    return fail(Error::invalid("IKE proposal " + quoted +
                               " needs a key exchange method (e.g. modp2048, ecp256, curve25519)"));
  return a;
}

Result<EspAlgorithms> parse_esp_algorithms(std::string_view proposal) {
  auto w = split_words(proposal, false);
  if (!w) return fail(std::move(w.error()));
  const std::string quoted = "'" + std::string(proposal) + "'";
  EspAlgorithms a{std::move(w->encr), std::move(w->integ), std::move(w->dh), std::move(w->esn)};
  if (a.esn.empty()) a.esn = {false};
  const bool aead = is_aead(a.encr.front().id);
  if (aead && !a.integ.empty())
    return fail(Error::invalid("ESP proposal " + quoted + ": combined-mode cipher " +
                               keyword(a.encr.front()) + " takes no integrity algorithm"));
  if (!aead && a.integ.empty())
    return fail(Error::invalid("ESP proposal " + quoted +
                               " needs an integrity algorithm (sha256, sha384 or sha512)"));
  for (const Cipher& c : a.encr)
    if (c.id == EncrId::kAesGcm16 && c.key_bits == 192)
      return fail(Error::invalid("ESP proposal " + quoted + ": " + keyword(c) +
                                 " is not supported for ESP (128 or 256 bits)"));
  return a;
}

Result<IkeSuite> parse_ike_suite(std::string_view proposal) {
  auto a = parse_ike_algorithms(proposal);
  if (!a) return fail(std::move(a.error()));
  auto suites = a->suites();
  if (suites.size() != 1)
    return fail(Error::invalid("IKE proposal '" + std::string(proposal) + "' names " +
                               std::to_string(suites.size()) +
                               " suites; one algorithm of each kind is expected here"));
  return suites.front();
}

Result<EspSuite> parse_esp_suite(std::string_view proposal) {
  auto a = parse_esp_algorithms(proposal);
  if (!a) return fail(std::move(a.error()));
  auto suites = a->suites();
  if (suites.size() != 1)
    return fail(Error::invalid("ESP proposal '" + std::string(proposal) + "' names " +
                               std::to_string(suites.size()) +
                               " suites; one algorithm of each kind is expected here"));
  return suites.front();
}

}  // namespace vgw::ike::crypto
