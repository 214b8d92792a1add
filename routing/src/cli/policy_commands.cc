// Routing-policy commands in FRR's syntax: prefix-lists, as-path access-lists, (large-)
// community-lists, route-maps with their match and set clauses, `neighbor X route-map NAME
// in|out`, and `show route-map` / `show ip prefix-list` / `show bgp policy`.
//
// Each command reads the whole policy set (PolicyService.GetPolicies), edits it and writes it
// back with the version it read, so two shells editing at once never lose a change.
#include <algorithm>

#include "output.h"
#include "vgw/base/asn.h"
#include "vgw/routing/api/methods.h"
#include "vgw/v1/bgp.pb.h"
#include "vgw/v1/system.pb.h"

namespace vgw::routing::cli {

namespace {

namespace api = vgw::routing::api;


v1::PolicyAction action(const Args& a) { return a.has("deny") ? v1::DENY : v1::PERMIT; }

Status edit(Session& s, const std::function<Status(v1::Policies&)>& change) {
  if (v1::Policies* batch = s.policy_batch()) return change(*batch);  // loading a config file
  v1::Policies p;
  if (auto st = s.backend().call(api::kGetPolicies, v1::GetPoliciesRequest{}, p); !st) return st;
  v1::SetPoliciesRequest req;
  req.set_expected_version(p.version());
  if (auto st = change(p); !st) return st;
  p.clear_undefined();
  *req.mutable_policies() = std::move(p);
  v1::Policies out;
  return s.backend().call(api::kSetPolicies, req, out);
}

// The object named `name` in a repeated field (created at the end if absent and create).
template <typename T>
T* find(google::protobuf::RepeatedPtrField<T>& items, const std::string& name, bool create) {
  // A config file names the same list on consecutive lines: try the last one first.
  if (!items.empty() && items.rbegin()->name() == name) return &*items.rbegin();
  for (auto& x : items)
    if (x.name() == name) return &x;
  if (!create) return nullptr;
  T* x = items.Add();
  x->set_name(name);
  return x;
}

template <typename T>
void erase_if(google::protobuf::RepeatedPtrField<T>& items, const std::function<bool(const T&)>& pred) {
  for (int i = items.size() - 1; i >= 0; --i)
    if (pred(items.Get(i))) items.DeleteSubrange(i, 1);
}

// The entry's seq: given, or the next multiple of 5 after the highest (FRR's rule).
template <typename Entries>
uint32_t seq_for(const Entries& entries, const Args& a) {
  if (a.has_value("SEQ")) return number(a, "SEQ");
  uint32_t high = 0;
  for (const auto& e : entries) high = std::max(high, e.seq());
  return high / 5 * 5 + 5;
}

// Puts e into entries (kept in seq order, as GetPolicies returns them), replacing an entry
// with the same seq. A config file's entries come in seq order: appending costs nothing.
template <typename Entries, typename Entry>
void put(Entries& entries, const Entry& e) {
  if (entries.empty() || entries.rbegin()->seq() < e.seq()) {
    *entries.Add() = e;
    return;
  }
  auto it = std::lower_bound(entries.begin(), entries.end(), e.seq(),
                             [](const Entry& x, uint32_t seq) { return x.seq() < seq; });
  if (it != entries.end() && it->seq() == e.seq()) {
    *it = e;
    return;
  }
  const int pos = static_cast<int>(it - entries.begin());
  *entries.Add() = e;
  for (int i = entries.size() - 1; i > pos; --i) entries.SwapElements(i, i - 1);
}

Status not_found(const std::string& what) { return fail(Error::not_found("% " + what + " does not exist")); }

// ---- lists ---------------------------------------------------------------------------------

Handler prefix_list(bool v6) {
  return [v6](Session& s, const Args& a) {
    return edit(s, [&](v1::Policies& p) -> Status {
      auto* l = find(*p.mutable_prefix_lists(), a.get("NAME"), true);
      v1::PrefixListEntry e;
      e.set_seq(seq_for(l->entries(), a));
      e.set_action(action(a));
      e.set_prefix(a.get(v6 ? "PREFIX6" : "PREFIX4"));
      if (a.has_value("GE")) e.set_ge(number(a, "GE"));
      if (a.has_value("LE")) e.set_le(number(a, "LE"));
      put(*l->mutable_entries(), e);
      return {};
    });
  };
}

Handler no_prefix_list(bool v6) {
  return [v6](Session& s, const Args& a) {
    return edit(s, [&](v1::Policies& p) -> Status {
      auto* l = find(*p.mutable_prefix_lists(), a.get("NAME"), false);
      if (!l) return not_found(std::string(v6 ? "ipv6" : "ip") + " prefix-list " + a.get("NAME"));
      erase_if<v1::PrefixListEntry>(*l->mutable_entries(), [&](const v1::PrefixListEntry& e) {
        bool family = (e.prefix().find(':') != std::string::npos) == v6;
        return family && (!a.has_value("SEQ") || e.seq() == number(a, "SEQ"));
      });
      if (l->entries().empty()) {
        erase_if<v1::PrefixList>(*p.mutable_prefix_lists(), [&](const v1::PrefixList& x) { return x.name() == a.get("NAME"); });
      }
      return {};
    });
  };
}

Status as_path_list(Session& s, const Args& a) {
  return edit(s, [&](v1::Policies& p) -> Status {
    auto* l = find(*p.mutable_as_path_lists(), a.get("NAME"), true);
    v1::AsPathListEntry e;
    e.set_seq(seq_for(l->entries(), a));
    e.set_action(action(a));
    e.set_regex(a.get("TEXT"));
    put(*l->mutable_entries(), e);
    return {};
  });
}

Status no_as_path_list(Session& s, const Args& a) {
  return edit(s, [&](v1::Policies& p) -> Status {
    auto* l = find(*p.mutable_as_path_lists(), a.get("NAME"), false);
    if (!l) return not_found("as-path access-list " + a.get("NAME"));
    erase_if<v1::AsPathListEntry>(*l->mutable_entries(), [&](const v1::AsPathListEntry& e) {
      return !a.has_value("SEQ") || e.seq() == number(a, "SEQ");
    });
    if (l->entries().empty()) {
      erase_if<v1::AsPathList>(*p.mutable_as_path_lists(), [&](const v1::AsPathList& x) { return x.name() == a.get("NAME"); });
    }
    return {};
  });
}

Handler community_list(bool large) {
  return [large](Session& s, const Args& a) {
    return edit(s, [&](v1::Policies& p) -> Status {
      auto* l = find(*p.mutable_community_lists(), a.get("NAME"), true);
      if (l->large() != large && !l->entries().empty()) {
        return fail(Error::invalid("% " + a.get("NAME") + " is a " + (l->large() ? "large-" : "") + "community-list"));
      }
      l->set_large(large);
      v1::CommunityListEntry e;
      e.set_seq(seq_for(l->entries(), a));
      e.set_action(action(a));
      std::string text = a.get("TEXT");
      size_t pos = 0;
      while (pos < text.size()) {
        size_t end = text.find(' ', pos);
        if (end == std::string::npos) end = text.size();
        if (end > pos) e.add_values(text.substr(pos, end - pos));
        pos = end + 1;
      }
      put(*l->mutable_entries(), e);
      return {};
    });
  };
}

Handler no_community_list(bool large) {
  return [large](Session& s, const Args& a) {
    return edit(s, [&](v1::Policies& p) -> Status {
      auto* l = find(*p.mutable_community_lists(), a.get("NAME"), false);
      if (!l || l->large() != large) return not_found(std::string(large ? "large-" : "") + "community-list " + a.get("NAME"));
      erase_if<v1::CommunityListEntry>(*l->mutable_entries(), [&](const v1::CommunityListEntry& e) {
        return !a.has_value("SEQ") || e.seq() == number(a, "SEQ");
      });
      if (l->entries().empty()) {
        erase_if<v1::CommunityList>(*p.mutable_community_lists(), [&](const v1::CommunityList& x) { return x.name() == a.get("NAME"); });
      }
      return {};
    });
  };
}

// ---- route-maps ----------------------------------------------------------------------------

Status route_map(Session& s, const Args& a) {
  auto st = edit(s, [&](v1::Policies& p) -> Status {
    auto* m = find(*p.mutable_route_maps(), a.get("NAME"), true);
    for (auto& e : *m->mutable_entries()) {
      if (e.seq() == number(a, "SEQ")) {
        e.set_action(action(a));
        return {};
      }
    }
    auto* e = m->add_entries();
    e->set_seq(number(a, "SEQ"));
    e->set_action(action(a));
    return {};
  });
  if (!st) return st;
  s.enter(Mode::kRouteMap, {{"RMAP", a.get("NAME")}, {"RMAP_SEQ", a.get("SEQ")}});
  return {};
}

Status no_route_map(Session& s, const Args& a) {
  return edit(s, [&](v1::Policies& p) -> Status {
    auto* m = find(*p.mutable_route_maps(), a.get("NAME"), false);
    if (!m) return not_found("route-map " + a.get("NAME"));
    erase_if<v1::RouteMapEntry>(*m->mutable_entries(), [&](const v1::RouteMapEntry& e) {
      return !a.has_value("SEQ") || e.seq() == number(a, "SEQ");
    });
    if (m->entries().empty()) {
      erase_if<v1::RouteMap>(*p.mutable_route_maps(), [&](const v1::RouteMap& x) { return x.name() == a.get("NAME"); });
    }
    return {};
  });
}

// A change to the route-map entry this block is in.
Handler entry(std::function<Status(v1::RouteMapEntry&, const Args&)> change) {
  return [change](Session& s, const Args& a) {
    return edit(s, [&](v1::Policies& p) -> Status {
      auto* m = find(*p.mutable_route_maps(), s.context("RMAP"), false);
      if (m) {
        for (auto& e : *m->mutable_entries()) {
          if (std::to_string(e.seq()) == s.context("RMAP_SEQ")) return change(e, a);
        }
      }
      return not_found("route-map " + s.context("RMAP") + " " + s.context("RMAP_SEQ"));
    });
  };
}

using MatchSetter = void (v1::RouteMapMatch::*)(const std::string&);

void add_match(std::vector<CommandSpec>& c, const std::string& words, MatchSetter setter, const char* help) {
  c.push_back({Mode::kRouteMap, "match " + words + " NAME", help,
               entry([setter](v1::RouteMapEntry& e, const Args& a) {
                 (e.mutable_match()->*setter)(a.get("NAME"));
                 return Status{};
               })});
  c.push_back({Mode::kRouteMap, "no match " + words + " [NAME]", "Remove the match clause",
               entry([setter](v1::RouteMapEntry& e, const Args&) {
                 (e.mutable_match()->*setter)("");
                 return Status{};
               })});
}

// "65001 65002" or "last-as 2" -> the prepend fields.
Status prepend(v1::RouteMapSet& set, const std::string& text) {
  set.clear_as_path_prepend();
  set.set_as_path_prepend_last_as(0);
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    if (end > pos) words.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  if (words.size() == 2 && words[0] == "last-as") {
    try {
      set.set_as_path_prepend_last_as(static_cast<uint32_t>(std::stoul(words[1])));
    } catch (...) {
      return fail(Error::invalid("% last-as takes a count (1-10)"));
    }
    return {};
  }
  for (const auto& w : words) {
    auto asn = parse_asn(w);
    if (!asn) return fail(Error::invalid("% set as-path prepend: " + asn.error().message));
    set.add_as_path_prepend(*asn);
  }
  if (words.empty()) return fail(Error::invalid("% set as-path prepend needs AS numbers or last-as N"));
  return {};
}

// "65000:1 no-export additive" / "none" -> values and the additive flag.
void communities(const std::string& text, google::protobuf::RepeatedPtrField<std::string>& values, bool& additive) {
  values.Clear();
  additive = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    std::string w = text.substr(pos, end - pos);
    if (w == "additive") additive = true;
    else if (!w.empty() && w != "none") *values.Add() = w;
    pos = end + 1;
  }
}

// ---- show ----------------------------------------------------------------------------------

Status show_policy(Session& s, const Args& a) {
  v1::Policies p;
  if (auto st = s.backend().call(api::kGetPolicies, v1::GetPoliciesRequest{}, p); !st) return st;
  if (a.has("json")) return print_json(s, p);
  v1::GetRunningConfigResponse rc;
  if (auto st = s.backend().call(api::kGetRunningConfig, v1::GetRunningConfigRequest{}, rc); !st) return st;
  // The policy part of the running configuration: the lines before the first non-policy block.
  const std::string& text = rc.config();
  size_t pos = 0;
  bool in_map = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    bool policy = line.rfind("ip prefix-list ", 0) == 0 || line.rfind("ipv6 prefix-list ", 0) == 0 ||
                  line.rfind("bgp as-path ", 0) == 0 || line.rfind("bgp community-list ", 0) == 0 ||
                  line.rfind("bgp large-community-list ", 0) == 0 || line.rfind("route-map ", 0) == 0;
    if (line.rfind("route-map ", 0) == 0) in_map = true;
    if (policy || (in_map && (line.rfind(" ", 0) == 0 || line == "exit"))) s.out() << line << "\n";
    if (line == "exit") in_map = false;
  }
  if (p.undefined_size()) {
    s.out() << "\nUndefined references (a match on them does not match; a missing route-map rejects all):\n";
    for (const auto& u : p.undefined()) s.out() << "  " << u << "\n";
  }
  return {};
}

}  // namespace

void add_policy_commands(std::vector<CommandSpec>& c, std::map<std::string, std::string>& help) {
  using M = Mode;
  const size_t first = c.size();
  c.push_back({M::kConfig, "ip prefix-list NAME [seq SEQ] (permit|deny) PREFIX4 [ge GE] [le LE]",
               "Add an IPv4 prefix-list entry", prefix_list(false)});
  c.push_back({M::kConfig, "ipv6 prefix-list NAME [seq SEQ] (permit|deny) PREFIX6 [ge GE] [le LE]",
               "Add an IPv6 prefix-list entry", prefix_list(true)});
  c.push_back({M::kConfig, "no ip prefix-list NAME [seq SEQ]", "Remove IPv4 prefix-list entries", no_prefix_list(false)});
  c.push_back({M::kConfig, "no ipv6 prefix-list NAME [seq SEQ]", "Remove IPv6 prefix-list entries", no_prefix_list(true)});
  c.push_back({M::kConfig, "bgp as-path access-list NAME [seq SEQ] (permit|deny) TEXT",
               "Add an AS-path filter entry (regular expression, _ = delimiter)", as_path_list});
  c.push_back({M::kConfig, "no bgp as-path access-list NAME [seq SEQ]", "Remove AS-path filter entries", no_as_path_list});
  c.push_back({M::kConfig, "bgp community-list standard NAME [seq SEQ] (permit|deny) TEXT",
               "Add a community-list entry (all values must be present)", community_list(false)});
  c.push_back({M::kConfig, "no bgp community-list standard NAME [seq SEQ]", "Remove community-list entries",
               no_community_list(false)});
  c.push_back({M::kConfig, "bgp large-community-list standard NAME [seq SEQ] (permit|deny) TEXT",
               "Add a large-community-list entry", community_list(true)});
  c.push_back({M::kConfig, "no bgp large-community-list standard NAME [seq SEQ]", "Remove large-community-list entries",
               no_community_list(true)});
  c.push_back({M::kConfig, "route-map NAME (permit|deny) SEQ", "Create or change a route-map entry and enter it", route_map});
  c.push_back({M::kConfig, "no route-map NAME [(permit|deny) SEQ]", "Remove a route-map or one entry", no_route_map});

  add_match(c, "ip address prefix-list", &v1::RouteMapMatch::set_ip_address_prefix_list, "IPv4 prefix permitted by the list");
  add_match(c, "ipv6 address prefix-list", &v1::RouteMapMatch::set_ipv6_address_prefix_list, "IPv6 prefix permitted by the list");
  add_match(c, "ip next-hop prefix-list", &v1::RouteMapMatch::set_ip_next_hop_prefix_list, "IPv4 next-hop permitted by the list");
  add_match(c, "ipv6 next-hop prefix-list", &v1::RouteMapMatch::set_ipv6_next_hop_prefix_list, "IPv6 next-hop permitted by the list");
  add_match(c, "as-path", &v1::RouteMapMatch::set_as_path, "AS path permitted by the as-path access-list");
  add_match(c, "community", &v1::RouteMapMatch::set_community, "Communities permitted by the community-list");
  add_match(c, "large-community", &v1::RouteMapMatch::set_large_community, "Large communities permitted by the list");

  auto number_set = [&](const char* word, void (v1::RouteMapSet::*setter)(uint32_t),
                        void (v1::RouteMapSet::*clear)(), const char* text) {
    c.push_back({M::kRouteMap, std::string("set ") + word + " NUMBER", text,
                 entry([setter](v1::RouteMapEntry& e, const Args& a) {
                   (e.mutable_set()->*setter)(number(a, "NUMBER"));
                   return Status{};
                 })});
    c.push_back({M::kRouteMap, std::string("no set ") + word + " [NUMBER]", "Remove the set clause",
                 entry([clear](v1::RouteMapEntry& e, const Args&) {
                   (e.mutable_set()->*clear)();
                   return Status{};
                 })});
  };
  number_set("local-preference", &v1::RouteMapSet::set_local_preference, &v1::RouteMapSet::clear_local_preference,
             "Set LOCAL_PREF");
  number_set("metric", &v1::RouteMapSet::set_metric, &v1::RouteMapSet::clear_metric, "Set MED");
  number_set("weight", &v1::RouteMapSet::set_weight, &v1::RouteMapSet::clear_weight, "Set the local weight");
  c.push_back({M::kRouteMap, "set as-path prepend TEXT", "Prepend AS numbers (or last-as N)",
               entry([](v1::RouteMapEntry& e, const Args& a) { return prepend(*e.mutable_set(), a.get("TEXT")); })});
  c.push_back({M::kRouteMap, "no set as-path prepend [TEXT]", "Remove the prepend", entry([](v1::RouteMapEntry& e, const Args&) {
                 e.mutable_set()->clear_as_path_prepend();
                 e.mutable_set()->set_as_path_prepend_last_as(0);
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "set community TEXT", "Set communities: VALUES [additive] or none",
               entry([](v1::RouteMapEntry& e, const Args& a) {
                 bool additive = false;
                 communities(a.get("TEXT"), *e.mutable_set()->mutable_community(), additive);
                 e.mutable_set()->set_set_community(true);
                 e.mutable_set()->set_community_additive(additive);
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "no set community [TEXT]", "Remove the set clause", entry([](v1::RouteMapEntry& e, const Args&) {
                 e.mutable_set()->set_set_community(false);
                 e.mutable_set()->clear_community();
                 e.mutable_set()->set_community_additive(false);
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "set large-community TEXT", "Set large communities: VALUES [additive] or none",
               entry([](v1::RouteMapEntry& e, const Args& a) {
                 bool additive = false;
                 communities(a.get("TEXT"), *e.mutable_set()->mutable_large_community(), additive);
                 e.mutable_set()->set_set_large_community(true);
                 e.mutable_set()->set_large_community_additive(additive);
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "no set large-community [TEXT]", "Remove the set clause",
               entry([](v1::RouteMapEntry& e, const Args&) {
                 e.mutable_set()->set_set_large_community(false);
                 e.mutable_set()->clear_large_community();
                 e.mutable_set()->set_large_community_additive(false);
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "set comm-list NAME delete", "Delete the communities the community-list names",
               entry([](v1::RouteMapEntry& e, const Args& a) {
                 e.mutable_set()->set_comm_list_delete(a.get("NAME"));
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "no set comm-list [NAME delete]", "Remove the set clause",
               entry([](v1::RouteMapEntry& e, const Args&) {
                 e.mutable_set()->set_comm_list_delete("");
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "set ip next-hop (ADDRESS4|peer-address)", "Set the IPv4 next-hop",
               entry([](v1::RouteMapEntry& e, const Args& a) {
                 e.mutable_set()->set_ip_next_hop(a.has("peer-address") ? "peer-address" : a.get("ADDRESS4"));
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "no set ip next-hop [ADDRESS4|peer-address]", "Remove the set clause",
               entry([](v1::RouteMapEntry& e, const Args&) {
                 e.mutable_set()->set_ip_next_hop("");
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "set ipv6 next-hop global ADDRESS6", "Set the IPv6 global next-hop",
               entry([](v1::RouteMapEntry& e, const Args& a) {
                 e.mutable_set()->set_ipv6_next_hop_global(a.get("ADDRESS6"));
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "no set ipv6 next-hop global [ADDRESS6]", "Remove the set clause",
               entry([](v1::RouteMapEntry& e, const Args&) {
                 e.mutable_set()->set_ipv6_next_hop_global("");
                 return Status{};
               })});
  c.push_back({M::kRouteMap, "exit", "Leave the route-map entry", [](Session& s, const Args&) {
                 s.leave();
                 return Status{};
               }});
  c.push_back({M::kExec, "show bgp policy [json]",
               "Prefix-lists, as-path and community lists, route-maps, and undefined references", show_policy});

  help.insert({{"prefix-list", "Prefix list"},
               {"seq", "Sequence number of the entry"},
               {"permit", "Permit (match)"},
               {"deny", "Deny (no match)"},
               {"ge", "Minimum prefix length"},
               {"le", "Maximum prefix length"},
               {"access-list", "AS-path filter"},
               {"community-list", "Community list"},
               {"large-community-list", "Large-community list"},
               {"standard", "Standard list (values)"},
               {"route-map", "Route map"},
               {"match", "Match clause"},
               {"set", "Set clause"},
               {"address", "The route's prefix"},
               {"next-hop", "The route's next-hop"},
               {"community", "Communities (RFC 1997)"},
               {"large-community", "Large communities (RFC 8092)"},
               {"local-preference", "LOCAL_PREF"},
               {"metric", "MED"},
               {"weight", "Local weight"},
               {"prepend", "Prepend AS numbers"},
               {"comm-list", "Community list"},
               {"delete", "Delete matching communities"},
               {"peer-address", "The session address"},
               {"global", "Global address"},
               {"policy", "Routing policy"}});
  // Every configuration command here edits the policy set (and nothing else).
  for (size_t i = first; i < c.size(); ++i) c[i].policy_edit = c[i].mode != M::kExec;
}

}  // namespace vgw::routing::cli
