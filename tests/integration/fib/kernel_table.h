// Reads the kernel's routing table independently of vgw's netlink code: `ip -j route show`,
// parsed with protobuf's JSON parser into a ListValue.
#pragma once

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace vgw::test {

inline std::string run_command(const std::string& cmd) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  return out;
}

// `ip -j [-6] route show proto N [table T]` as a list of JSON objects.
inline google::protobuf::ListValue kernel_routes(const std::string& args) {
  google::protobuf::ListValue list;
  std::string json = run_command("ip -j " + args);
  if (json.empty() || json == "\n") json = "[]";
  (void)google::protobuf::util::JsonStringToMessage(json, &list);
  return list;
}

inline std::string field(const google::protobuf::Value& v, const std::string& key) {
  const auto& f = v.struct_value().fields();
  auto it = f.find(key);
  if (it == f.end()) return "";
  if (it->second.has_number_value()) return std::to_string(static_cast<long>(it->second.number_value()));
  return it->second.string_value();
}

}  // namespace vgw::test
