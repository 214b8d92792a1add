#include "vgw/base/ip.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "vgw/base/name.h"

namespace vgw {

IpAddress IpAddress::v4(uint32_t host_order) {
  IpAddress a;
  a.bytes_[0] = static_cast<uint8_t>(host_order >> 24);
  a.bytes_[1] = static_cast<uint8_t>(host_order >> 16);
  a.bytes_[2] = static_cast<uint8_t>(host_order >> 8);
  a.bytes_[3] = static_cast<uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::v4(std::array<uint8_t, 4> bytes) {
  IpAddress a;
  std::memcpy(a.bytes_.data(), bytes.data(), 4);
  return a;
}

IpAddress IpAddress::v6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.family_ = Family::kIpv6;
  a.bytes_ = bytes;
  return a;
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton is strict for AF_INET (exactly four decimal octets) and complete for AF_INET6.
  // inet_pton reads a C string: text with a NUL in it would be cut short and accepted.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) {
    return fail(Error::invalid(quote_for_error(text) + " is not an IP address"));
  }
  std::string s(text);
  IpAddress a;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), a.bytes_.data()) == 1) return a;
    return fail(Error::invalid("'" + s + "' is not an IPv4 address (expected A.B.C.D)"));
  }
  a.family_ = Family::kIpv6;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes_.data()) == 1) return a;
  return fail(Error::invalid("'" + s + "' is not an IPv6 address"));
}

uint32_t IpAddress::v4_host_order() const {
  return uint32_t{bytes_[0]} << 24 | uint32_t{bytes_[1]} << 16 | uint32_t{bytes_[2]} << 8 |
         bytes_[3];
}

bool IpAddress::is_unspecified() const {
  for (size_t i = 0; i < size(); ++i)
    if (bytes_[i] != 0) return false;
  return true;
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes_[0] == 127;
  for (int i = 0; i < 15; ++i)
    if (bytes_[i] != 0) return false;
  return bytes_[15] == 1;
}

bool IpAddress::is_multicast() const {
  return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddress::is_link_local() const {
  return is_v4() ? (bytes_[0] == 169 && bytes_[1] == 254)
                 : (bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80);
}

bool IpAddress::is_v4_broadcast() const { return is_v4() && v4_host_order() == 0xffffffffu; }

bool IpAddress::is_v4_mapped() const {
  if (!is_v6()) return false;
  for (int i = 0; i < 10; ++i)
    if (bytes_[i] != 0) return false;
  return bytes_[10] == 0xff && bytes_[11] == 0xff;
}

IpAddress IpAddress::unmapped() const {
  if (!is_v4_mapped()) return *this;
  return v4(std::array<uint8_t, 4>{bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

IpAddress IpAddress::masked(int len) const {
  IpAddress r = *this;
  for (int i = 0; i < static_cast<int>(size()); ++i) {
    int keep = len - i * 8;
    if (keep >= 8) continue;
    r.bytes_[i] = keep <= 0 ? 0 : static_cast<uint8_t>(r.bytes_[i] & (0xff << (8 - keep)));
  }
  return r;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

size_t hash_value(const IpAddress& a) {
  // FNV-1a over the used bytes and the family.
  size_t h = 1469598103934665603ull ^ static_cast<size_t>(a.family());
  for (size_t i = 0; i < a.size(); ++i) {
    h ^= a.data()[i];
    h *= 1099511628211ull;
  }
  return h;
}

namespace {

// Splits "addr/len" and parses both halves.
Result<std::pair<IpAddress, int>> parse_with_length(std::string_view text, const char* what) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail(Error::invalid(quote_for_error(text) + " is not " + what +
                               " (expected ADDRESS/LENGTH)"));
  }
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return fail(addr.error());
  auto len_text = text.substr(slash + 1);
  int len = -1;
  auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc() || ptr != len_text.data() + len_text.size() || len_text.empty() ||
      len < 0 || len > addr->bit_length()) {
    return fail(Error::invalid(quote_for_error(text) + ": prefix length must be 0.." +
                               std::to_string(addr->bit_length())));
  }
  return std::pair{*addr, len};
}

}  // namespace

Prefix::Prefix(IpAddress addr, int len) : addr_(addr.masked(len)), len_(len) {}

Result<Prefix> Prefix::parse(std::string_view text, bool allow_host_bits) {
  auto r = parse_with_length(text, "a prefix");
  if (!r) return fail(r.error());
  auto [addr, len] = *r;
  Prefix p(addr, len);
  if (!allow_host_bits && p.addr_ != addr) {
    return fail(Error::invalid("'" + std::string(text) + "' has host bits set (did you mean " +
                               p.to_string() + "?)"));
  }
  return p;
}

bool Prefix::contains(const IpAddress& a) const {
  return a.family() == family() && a.masked(len_) == addr_;
}

bool Prefix::contains(const Prefix& p) const {
  return p.family() == family() && p.len_ >= len_ && p.addr_.masked(len_) == addr_;
}

std::string Prefix::to_string() const { return addr_.to_string() + "/" + std::to_string(len_); }

Result<InterfaceAddress> InterfaceAddress::parse(std::string_view text) {
  auto r = parse_with_length(text, "an interface address");
  if (!r) return fail(r.error());
  return InterfaceAddress{r->first, r->second};
}

std::string InterfaceAddress::to_string() const {
  return address.to_string() + "/" + std::to_string(length);
}

}  // namespace vgw
