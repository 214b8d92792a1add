// Two in-process IkeSa endpoints wired back to back on a FakeClock, for the exchange tests.
// Each endpoint records what its actions asked for (datagrams to send, Child SAs installed
// and removed, events) in order; Pair delivers datagrams between them, or lets a test drop,
// duplicate or tamper with one.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/ike/ike_sa.h"

namespace vgw::ike::test {

using namespace std::chrono_literals;

inline IkeSaConfig make_config(Role role, std::string_view ike, std::string_view esp,
                               std::string_view psk = "correct horse battery staple") {
  IkeSaConfig c;
  c.role = role;
  const IpAddress a = *IpAddress::parse("192.0.2.1");
  const IpAddress b = *IpAddress::parse("198.51.100.1");
  c.local_address = role == Role::kInitiator ? a : b;
  c.remote_address = role == Role::kInitiator ? b : a;
  c.psk = crypto::SecretBytes(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(psk.data()), psk.size()));
  auto ip = parse_ike_proposals(ike);
  auto ep = parse_esp_proposals(esp);
  EXPECT_TRUE(ip.ok()) << ike;
  EXPECT_TRUE(ep.ok()) << esp;
  if (ip) c.ike_proposals = *ip;
  if (ep) c.esp_proposals = *ep;
  return c;
}

struct Endpoint {
  std::unique_ptr<IkeSa> sa;
  std::deque<Send> outbox;
  std::vector<ChildSa> installed;
  std::vector<ChildSpis> removed;
  std::vector<IkeRekeyed> rekeyed;
  int established = 0;
  bool initial_contact = false;  // the last Established said the peer sent INITIAL_CONTACT
  std::string closed;  // Closed reason, if any
  bool is_closed = false;
  std::vector<std::string> log;  // "send", "install <in>", "remove <in>", "established", ...
  std::optional<Clock::TimePoint> timer;

  void take(std::vector<Action> actions) {
    for (Action& a : actions) {
      if (auto* s = std::get_if<Send>(&a)) {
        log.push_back("send");
        outbox.push_back(std::move(*s));
      } else if (auto* i = std::get_if<InstallChild>(&a)) {
        log.push_back("install " + std::to_string(i->child.spis.inbound));
        installed.push_back(std::move(i->child));
      } else if (auto* r = std::get_if<RemoveChild>(&a)) {
        log.push_back("remove " + std::to_string(r->spis.inbound));
        removed.push_back(r->spis);
      } else if (auto* e = std::get_if<Established>(&a)) {
        log.push_back("established");
        ++established;
        initial_contact = e->initial_contact;
      } else if (auto* k = std::get_if<IkeRekeyed>(&a)) {
        log.push_back("ike rekeyed");
        rekeyed.push_back(*k);
      } else if (auto* c = std::get_if<Closed>(&a)) {
        log.push_back("closed");
        closed = c->reason;
        is_closed = true;
      } else if (auto* t = std::get_if<ArmTimer>(&a)) {
        timer = t->at;
      }
    }
  }
  const ChildSa* installed_by_inbound(uint32_t spi) const {
    for (const auto& c : installed)
      if (c.spis.inbound == spi) return &c;
    return nullptr;
  }
  size_t position(const std::string& entry) const {
    for (size_t n = 0; n < log.size(); ++n)
      if (log[n] == entry) return n;
    return log.size();
  }
};

struct Pair {
  FakeClock clock;
  Endpoint i;  // initiator
  Endpoint r;  // responder

  Pair(IkeSaConfig ic, IkeSaConfig rc) {
    i.sa = std::make_unique<IkeSa>(std::move(ic));
    r.sa = std::make_unique<IkeSa>(std::move(rc));
  }
  Clock::TimePoint now() const { return clock.now(); }
  void start() { i.take(i.sa->start(now())); }

  // Hands the oldest datagram `from` sent to `to`; returns it (empty if none).
  std::vector<uint8_t> deliver(Endpoint& from, Endpoint& to) {
    if (from.outbox.empty()) return {};
    Send s = std::move(from.outbox.front());
    from.outbox.pop_front();
    to.take(to.sa->on_datagram(s.datagram, now(), s.nat_t));
    return s.datagram;
  }
  std::vector<uint8_t> drop(Endpoint& from) {
    if (from.outbox.empty()) return {};
    auto d = std::move(from.outbox.front().datagram);
    from.outbox.pop_front();
    return d;
  }
  // Delivers everything until both are quiet.
  void run() {
    for (int n = 0; n < 200 && (!i.outbox.empty() || !r.outbox.empty()); ++n) {
      deliver(i, r);
      deliver(r, i);
    }
  }
  void fire() {
    for (Endpoint* e : {&i, &r})
      if (e->timer && *e->timer <= now()) {
        e->timer.reset();
        e->take(e->sa->on_timer(now()));
      }
  }
  void advance(Clock::Duration d) {
    clock.advance(d);
    fire();
  }
  void establish() {
    start();
    run();
  }
};

inline bool same_keys(const crypto::ChildSaDirectionKeys& a, const crypto::ChildSaDirectionKeys& b) {
  return a.encryption == b.encryption && a.integrity == b.integrity;
}

}  // namespace vgw::ike::test
