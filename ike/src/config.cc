// IkeSaConfig helpers: identities from text, effective defaults, proposal lists (config.h).
#include "vgw/ike/config.h"

#include <cmath>
#include <sstream>

namespace vgw::ike {
namespace {

std::vector<wire::TrafficSelector> any_ts() {
  return {wire::TrafficSelector::any(Family::kIpv4), wire::TrafficSelector::any(Family::kIpv6)};
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    size_t c = text.find(',');
    std::string_view part = text.substr(0, c);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    out.push_back(part);
    if (c == std::string_view::npos) break;
    text.remove_prefix(c + 1);
  }
  return out;
}

}  // namespace

Result<Identity> Identity::parse(std::string_view text) {
  Identity id;
  if (text == "%any") {
    id.any = true;
    return id;
  }
  auto text_id = [&](wire::IdType type, std::string_view rest) -> Result<Identity> {
    if (rest.empty() || rest.size() > 255)
      return fail(Error::invalid("identity '" + std::string(text) + "': empty or too long"));
    id.type = type;
    id.data.assign(rest.begin(), rest.end());
    return id;
  };
  if (text.starts_with("fqdn:")) return text_id(wire::IdType::kFqdn, text.substr(5));
  if (text.starts_with("email:")) return text_id(wire::IdType::kRfc822Addr, text.substr(6));
  auto a = IpAddress::parse(text);
  if (a) return from_address(*a);
  // strongSwan's convention: a name with '@' is an email, anything else an FQDN.
  if (text.find('@') != std::string_view::npos) return text_id(wire::IdType::kRfc822Addr, text);
  return text_id(wire::IdType::kFqdn, text);
}

Identity Identity::from_address(const IpAddress& a) {
  Identity id;
  id.type = a.is_v4() ? wire::IdType::kIpv4Addr : wire::IdType::kIpv6Addr;
  id.data.assign(a.data(), a.data() + a.size());
  return id;
}

wire::IdPayload Identity::payload() const { return wire::IdPayload{type, data}; }

bool Identity::matches(const wire::IdPayload& p) const {
  return any || (p.type == type && p.data == data);
}

std::string Identity::to_string() const { return any ? "%any" : id_to_string(payload()); }

std::string id_to_string(const wire::IdPayload& id) {
  switch (id.type) {
    case wire::IdType::kIpv4Addr:
    case wire::IdType::kIpv6Addr: {
      auto a = id.address();
      if (a) return a->to_string();
      break;
    }
    case wire::IdType::kFqdn: return "fqdn:" + std::string(id.data.begin(), id.data.end());
    case wire::IdType::kRfc822Addr:
      return "email:" + std::string(id.data.begin(), id.data.end());
    default: break;
  }
  return "ID type " + std::to_string(static_cast<int>(id.type)) + " (" +
         std::to_string(id.data.size()) + " octets)";
}

Clock::Duration RetransmitPolicy::wait(int sends_before) const {
  const double f = std::pow(base, sends_before);
  return std::chrono::duration_cast<Clock::Duration>(
      std::chrono::duration<double>(std::chrono::duration<double>(timeout).count() * f));
}

std::string RetransmitPolicy::to_string() const {
  std::ostringstream s;
  s << tries << " tries, " << std::chrono::duration<double>(timeout).count() << " s base";
  return s.str();
}

Identity IkeSaConfig::effective_local_id() const {
  return local_id ? *local_id : Identity::from_address(local_address);
}
Identity IkeSaConfig::effective_remote_id() const {
  return remote_id ? *remote_id : Identity::from_address(remote_address);
}
std::vector<wire::TrafficSelector> IkeSaConfig::effective_local_ts() const {
  return local_ts.empty() ? any_ts() : local_ts;
}
std::vector<wire::TrafficSelector> IkeSaConfig::effective_remote_ts() const {
  return remote_ts.empty() ? any_ts() : remote_ts;
}

Result<std::vector<crypto::IkeSuite>> parse_ike_proposals(std::string_view text) {
  std::vector<crypto::IkeSuite> out;
  for (std::string_view p : split_commas(text)) {
    auto a = crypto::parse_ike_algorithms(p);
    if (!a) return fail(std::move(a.error()));
    for (auto& s : a->suites()) out.push_back(s);
  }
  return out;
}

Result<std::vector<crypto::EspSuite>> parse_esp_proposals(std::string_view text) {
  std::vector<crypto::EspSuite> out;
  for (std::string_view p : split_commas(text)) {
    auto a = crypto::parse_esp_algorithms(p);
    if (!a) return fail(std::move(a.error()));
    for (auto& s : a->suites()) out.push_back(s);
  }
  return out;
}

}  // namespace vgw::ike
