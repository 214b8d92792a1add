#include "vgw/routing/cli/grammar.h"

#include <gtest/gtest.h>

#include "vgw/esp/transform.h"

#include "vgw/routing/cli/session.h"

#include <sstream>

namespace vgw::routing::cli {
namespace {

Status noop(Session&, const Args&) { return {}; }

Grammar test_grammar() {
  return Grammar(
      {
          {Mode::kExec, "show version [json]", "v", noop},
          {Mode::kExec, "show customer-gateway [NAME] [json]", "cg", noop},
          {Mode::kExec, "show (alpha|beta) ADDRESS", "ab", noop},
          {Mode::kConfig, "customer-gateway NAME ip ADDRESS asn ASN [description TEXT]", "c", noop},
          {Mode::kConfig, "no customer-gateway NAME", "n", noop},
      },
      {{"show", "h"}, {"version", "h"}, {"json", "h"}, {"customer-gateway", "h"}, {"alpha", "h"},
       {"beta", "h"}, {"ip", "h"}, {"asn", "h"}, {"description", "h"}, {"no", "h"}});
}

TEST(Grammar, MatchesWithPlaceholdersAndRestOfLine) {
  auto g = test_grammar();
  auto m = g.match(Mode::kConfig, "customer-gateway hq ip 192.0.2.1 asn 1.10 description  HQ  router ");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->command->help, "c");
  EXPECT_EQ(m->args.get("NAME"), "hq");
  EXPECT_EQ(m->args.get("ADDRESS"), "192.0.2.1");
  EXPECT_EQ(m->args.get("ASN"), "1.10");
  EXPECT_EQ(m->args.get("TEXT"), "HQ  router");  // inner spacing kept, trailing trimmed
  EXPECT_TRUE(m->args.has("description"));
}

TEST(Grammar, AcceptsUniqueAbbreviations) {
  auto g = test_grammar();
  auto m = g.match(Mode::kExec, "sh ver j");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->command->help, "v");
  EXPECT_TRUE(m->args.has("json"));
}

TEST(Grammar, PrefersKeywordOverPlaceholder) {
  auto g = test_grammar();
  auto m = g.match(Mode::kExec, "show customer-gateway json");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->args.has("json"));
  EXPECT_FALSE(m->args.has_value("NAME"));
  m = g.match(Mode::kExec, "show customer-gateway hq json");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->args.get("NAME"), "hq");
}

TEST(Grammar, ExpandsChoices) {
  auto g = test_grammar();
  EXPECT_TRUE(g.match(Mode::kExec, "show alpha 10.0.0.1").ok());
  EXPECT_TRUE(g.match(Mode::kExec, "show beta ::1").ok());
  EXPECT_FALSE(g.match(Mode::kExec, "show gamma ::1").ok());
}

TEST(Grammar, RespectsModes) {
  auto g = test_grammar();
  EXPECT_FALSE(g.match(Mode::kExec, "no customer-gateway x").ok());
  EXPECT_TRUE(g.match(Mode::kConfig, "no customer-gateway x").ok());
}

TEST(Grammar, ExplainsErrors) {
  auto g = test_grammar();
  auto r = g.match(Mode::kConfig, "customer-gateway hq ip 1.2.3 asn 5");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "% Invalid input '1.2.3' at position 24: '1.2.3' is not an IPv4 address (expected A.B.C.D)");
  r = g.match(Mode::kConfig, "customer-gateway hq ip 192.0.2.1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "% Incomplete command: customer-gateway hq ip 192.0.2.1 (next: asn)");
  r = g.match(Mode::kExec, "frobnicate");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "% Unknown command: frobnicate");
  r = g.match(Mode::kExec, "show version xml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "% Invalid input 'xml' at position 14: expected <cr>, json");
  r = g.match(Mode::kConfig, "customer-gateway hq ip 192.0.2.1 asn 0");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("reserved"), std::string::npos);
}

TEST(Grammar, ReportsAmbiguousAbbreviation) {
  auto g = test_grammar();
  // "s" + placeholder-free commands: "show alpha" vs "show beta" are distinct, but a bare
  // abbreviation that could be two different complete commands is ambiguous.
  Grammar g2({{Mode::kExec, "start", "a", noop}, {Mode::kExec, "stop", "b", noop}},
             {{"start", "h"}, {"stop", "h"}});
  auto r = g2.match(Mode::kExec, "st");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Ambiguous"), std::string::npos);
  EXPECT_NE(r.error().message.find("could be: start; stop"), std::string::npos) << r.error().message;
  EXPECT_TRUE(g2.match(Mode::kExec, "sta").ok());
}

// vtysh's rule (issue 14): a word typed in full as a keyword is that keyword, never an
// abbreviation of a longer one - "show ip sa" is not "show ipsec sa".
TEST(Grammar, AnExactKeywordWinsOverAPrefixOfAnother) {
  const auto& g = command_grammar();
  auto r = g.match(Mode::kExec, "show ip sa");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Invalid input 'sa'"), std::string::npos) << r.error().message;
  EXPECT_TRUE(g.match(Mode::kExec, "show ipsec sa").ok());
  EXPECT_TRUE(g.match(Mode::kExec, "show ips sa").ok());  // an abbreviation of ipsec alone
  EXPECT_TRUE(g.match(Mode::kExec, "sh ip ro").ok());
}

TEST(Grammar, ListsCandidates) {
  auto g = test_grammar();
  auto c = g.candidates(Mode::kExec, "show ");
  std::vector<std::string> tokens;
  for (auto& x : c) tokens.push_back(x.token);
  EXPECT_EQ(tokens, (std::vector<std::string>{"alpha", "beta", "customer-gateway", "version"}));
  c = g.candidates(Mode::kExec, "show cu");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].token, "customer-gateway");
  c = g.candidates(Mode::kExec, "show version ");
  tokens.clear();
  for (auto& x : c) tokens.push_back(x.token);
  EXPECT_EQ(tokens, (std::vector<std::string>{"<cr>", "json"}));
  c = g.candidates(Mode::kConfig, "customer-gateway hq ip ");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].token, "ADDRESS");
  EXPECT_TRUE(c[0].placeholder);
  EXPECT_FALSE(c[0].help.empty());
}

TEST(Grammar, ValidatesDeclarations) {
  Grammar bad({{Mode::kExec, "show [json", "x", noop}, {Mode::kExec, "show FOO", "y", noop},
               {Mode::kExec, "nothelped", "z", noop}},
              {{"show", "h"}, {"json", "h"}});
  auto problems = bad.validate();
  ASSERT_EQ(problems.size(), 3u);
}

TEST(Grammar, ShippedGrammarIsValid) {
  EXPECT_EQ(command_grammar().validate(), std::vector<std::string>{});
}

}  // namespace
}  // namespace vgw::routing::cli

namespace vgw::routing::cli {
namespace {

class NoBackend final : public Backend {
 public:
  Status call(const char*, const google::protobuf::Message&, google::protobuf::Message&) override {
    return fail(Error::internal("no backend"));
  }
  Status stream(const char*, const google::protobuf::Message&, google::protobuf::Message&,
                const std::function<Status()>&) override {
    return fail(Error::internal("no backend"));
  }
};

// A block grammar like `router bgp`: entering, context, falling back to the enclosing mode.
TEST(Session, BlocksNestAndFallBackToEnclosingModes) {
  std::vector<std::string> log;
  auto record = [&log](const char* what) {
    return [&log, what](Session& s, const Args& a) -> Status {
      log.push_back(std::string(what) + ":" + s.context("ASN") + ":" + a.get("NAME"));
      return {};
    };
  };
  Grammar g(
      {
          {Mode::kExec, "configure", "c", [](Session& s, const Args&) { s.enter(Mode::kConfig); return Status{}; }},
          {Mode::kConfig, "block ASN", "b",
           [](Session& s, const Args& a) { s.enter(Mode::kRouterBgp, {{"ASN", a.get("ASN")}}); return Status{}; }},
          {Mode::kConfig, "top NAME", "t", record("top")},
          {Mode::kConfig, "exit", "x", [](Session& s, const Args&) { s.leave(); return Status{}; }},
          {Mode::kRouterBgp, "inner NAME", "i", record("inner")},
          {Mode::kRouterBgp, "exit", "x", [](Session& s, const Args&) { s.leave(); return Status{}; }},
      },
      {{"configure", "h"}, {"block", "h"}, {"top", "h"}, {"inner", "h"}, {"exit", "h"}});
  NoBackend backend;
  std::ostringstream out;
  Session s(g, backend, out, {});
  ASSERT_TRUE(s.execute("configure").ok());
  ASSERT_TRUE(s.execute("block 65001").ok());
  EXPECT_EQ(s.mode(), Mode::kRouterBgp);
  ASSERT_TRUE(s.execute(" inner a").ok());
  // Not a block command: runs in config mode and closes the block.
  ASSERT_TRUE(s.execute("top b").ok());
  EXPECT_EQ(s.mode(), Mode::kConfig);
  EXPECT_FALSE(s.execute("inner c").ok());  // outside the block now
  ASSERT_TRUE(s.execute("block 65002").ok());
  ASSERT_TRUE(s.execute("exit").ok());
  EXPECT_EQ(s.mode(), Mode::kConfig);
  ASSERT_TRUE(s.execute("exit").ok());
  EXPECT_EQ(s.mode(), Mode::kExec);
  EXPECT_EQ(log, (std::vector<std::string>{"inner:65001:a", "top::b"}));

  // A config file never drops to exec mode.
  Session file(g, backend, out, {.config_file = true});
  ASSERT_TRUE(file.execute("exit").ok());
  EXPECT_EQ(file.mode(), Mode::kConfig);
}

TEST(GrammarTest, EspAlgorithmWordsAreTheDataplanesTransforms) {
  std::vector<std::string> words(std::begin(kEspAlgorithms), std::end(kEspAlgorithms));
  EXPECT_EQ(words, esp::transform_names());
}

TEST(GrammarTest, SpisInDecimalOrHex) {
  EXPECT_EQ(*parse_spi("0x1001"), 0x1001u);
  EXPECT_EQ(*parse_spi("0XFFFFFFFF"), 0xffffffffu);
  EXPECT_EQ(*parse_spi("256"), 256u);
  EXPECT_EQ(*parse_spi("4294967295"), 4294967295u);
  for (const char* bad : {"255", "0", "0x", "0xff", "4294967296", "0x100000000", "12a", "-1", ""}) {
    EXPECT_FALSE(parse_spi(bad).ok()) << bad;
  }
  EXPECT_NE(parse_spi("255").error().message.find("1-255 are reserved"), std::string::npos);
}

// A keyword's help follows the keyword before it where the same word means different things
// (issue 14: `show bgp summary` said "Counts of routes per protocol", `neighbor X weight` spoke
// of ECMP).
TEST(Grammar, KeywordHelpDependsOnThePreviousKeyword) {
  const Grammar& g = command_grammar();
  auto help_of = [&](Mode m, const char* line, const char* token) {
    for (const auto& c : g.candidates(m, line)) {
      if (c.token == token) return c.help;
    }
    return std::string("(not offered)");
  };
  EXPECT_EQ(help_of(Mode::kExec, "show bgp ", "summary"), "One line per BGP session: state, up/down time, prefixes");
  EXPECT_EQ(help_of(Mode::kExec, "show ip route ", "summary"), "Counts of routes per protocol");
  EXPECT_NE(help_of(Mode::kRouterBgp, "neighbor 192.0.2.1 ", "weight").find("Local weight of the peer's routes"),
            std::string::npos);
  EXPECT_NE(help_of(Mode::kConfig, "ip route 192.0.2.0/24 10.0.0.1 ", "weight").find("ECMP"), std::string::npos);
}

}  // namespace
}  // namespace vgw::routing::cli
