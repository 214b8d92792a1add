// Small helpers for the RIB tests: parse prefixes and addresses, intern groups by text.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vgw/rib/rib.h"

namespace vgw::rib::testing {

inline Prefix P(const char* text) {
  auto p = Prefix::parse(text);
  EXPECT_TRUE(p.ok()) << text;
  return p.ok() ? *p : Prefix();
}

inline IpAddress A(const char* text) {
  auto a = IpAddress::parse(text);
  EXPECT_TRUE(a.ok()) << text;
  return a.ok() ? *a : IpAddress();
}

// "via 10.0.0.1", "dev t1", "via 10.0.0.1 dev t1", optionally " weight N".
inline Nexthop N(const std::string& text) {
  Nexthop n;
  size_t pos = 0;
  auto word = [&]() {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    size_t start = pos;
    while (pos < text.size() && text[pos] != ' ') ++pos;
    return text.substr(start, pos - start);
  };
  for (std::string w = word(); !w.empty(); w = word()) {
    if (w == "via") n.address = A(word().c_str());
    else if (w == "dev") n.interface = word();
    else if (w == "weight") n.weight = static_cast<uint8_t>(std::stoi(word()));
    else ADD_FAILURE() << "bad next-hop text " << text;
  }
  return n;
}

// Interns groups by text and holds the caller's reference until release_all() or destruction.
class Groups {
 public:
  explicit Groups(Rib& rib) : rib_(rib) {}
  ~Groups() {
    for (NexthopGroupId g : held_) rib_.groups().release(g);
  }
  NexthopGroupId operator()(std::initializer_list<const char*> members) {
    std::vector<Nexthop> v;
    for (const char* m : members) v.push_back(N(m));
    auto g = rib_.groups().intern(std::move(v));
    EXPECT_TRUE(g.ok());
    held_.push_back(*g);
    return *g;
  }
  void release_all() {
    for (NexthopGroupId g : held_) rib_.groups().release(g);
    held_.clear();
  }

 private:
  Rib& rib_;
  std::vector<NexthopGroupId> held_;
};

inline RouteSpec spec(RouteSource source, NexthopGroupId g, uint32_t metric = 0,
                      uint16_t instance = 0) {
  RouteSpec s;
  s.source = source;
  s.group = g;
  s.metric = metric;
  s.instance = instance;
  return s;
}

}  // namespace vgw::rib::testing
