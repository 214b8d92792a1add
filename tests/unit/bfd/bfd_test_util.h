// Helpers for the BFD tests: hex byte strings, scripted randomness, and a two-session link on
// a FakeClock that carries every packet through the codec (serialize, decode_control_packet)
// and fires each session's timers exactly at their deadlines.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <string_view>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/base/hex.h"
#include "vgw/bfd/session.h"
#include "vgw/bfd/wire.h"

namespace vgw::bfd {

inline std::vector<uint8_t> operator+(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

namespace test {

using namespace std::chrono_literals;

// Hex digits, spaces ignored.
inline std::vector<uint8_t> bytes(std::string_view hex) {
  std::string digits;
  for (char c : hex)
    if (c != ' ') digits.push_back(c);
  auto b = parse_hex(digits);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? *b : std::vector<uint8_t>{};
}

// Returns the scripted values in turn, then `rest` forever.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<uint64_t> script = {}, uint64_t rest = 0)
      : script_(script.begin(), script.end()), rest_(rest) {}
  uint64_t next() override {
    if (script_.empty()) return rest_;
    uint64_t v = script_.front();
    script_.pop_front();
    return v;
  }

 private:
  std::deque<uint64_t> script_;
  uint64_t rest_;
};

template <typename T>
std::vector<T> all_of(const Actions& a) {
  std::vector<T> out;
  for (const Action& x : a)
    if (const T* t = std::get_if<T>(&x)) out.push_back(*t);
  return out;
}

inline std::vector<ControlPacket> sent(const Actions& a) {
  std::vector<ControlPacket> out;
  for (const Send& s : all_of<Send>(a)) out.push_back(s.packet);
  return out;
}

// Carries the packets a session sent to another one through the codec; returns its actions.
inline Actions deliver(const Actions& from, BfdSession& to, Clock::TimePoint now) {
  Actions out;
  for (const ControlPacket& p : sent(from)) {
    auto d = decode_control_packet(serialize(p));
    EXPECT_TRUE(d.ok()) << p.to_string();
    if (!d.ok()) continue;
    auto a = to.on_packet(*d, now);
    out.insert(out.end(), a.begin(), a.end());
  }
  return out;
}

// Two sessions joined by a link with a fixed one-way delay; each direction can be cut.
class Link {
 public:
  struct Change {
    Clock::TimePoint at;
    StateChanged change;
  };
  struct Node {
    BfdSession session;
    std::vector<Change> changes;
    std::vector<std::pair<Clock::TimePoint, ControlPacket>> sent;
  };

  Link(SessionConfig a, SessionConfig b, RandomSource& random, Clock::Duration delay = 0ms)
      : a_{BfdSession(0x0a0a0a0a, a, random), {}, {}},
        b_{BfdSession(0x0b0b0b0b, b, random), {}, {}}, delay_(delay) {}

  FakeClock& clock() { return clock_; }
  Clock::TimePoint now() const { return clock_.now(); }
  Node& a() { return a_; }
  Node& b() { return b_; }
  void cut_a_to_b(bool cut) { a_to_b_ = !cut; }
  void cut_b_to_a(bool cut) { b_to_a_ = !cut; }

  void start() {
    handle(a_, a_.session.start(now()));
    handle(b_, b_.session.start(now()));
  }
  // Applies actions a node's session returned outside run() (set_intervals, admin down).
  void handle(Node& from, const Actions& actions) {
    Node& to = &from == &a_ ? b_ : a_;
    bool up = &from == &a_ ? a_to_b_ : b_to_a_;
    for (const Action& x : actions) {
      if (const Send* s = std::get_if<Send>(&x)) {
        from.sent.emplace_back(now(), s->packet);
        if (up) in_flight_.emplace(now() + delay_, Packet{&to, serialize(s->packet)});
      } else if (const StateChanged* c = std::get_if<StateChanged>(&x)) {
        from.changes.push_back({now(), *c});
      }
    }
  }
  // Runs both sessions until `until`, firing every deadline and delivery on time.
  void run_until(Clock::TimePoint until) {
    for (;;) {
      std::optional<Clock::TimePoint> next;
      auto consider = [&](std::optional<Clock::TimePoint> t) {
        if (t && (!next || *t < *next)) next = t;
      };
      for (Node* n : {&a_, &b_}) {
        consider(n->session.next_tx_at());
        consider(n->session.detect_at());
      }
      if (!in_flight_.empty()) consider(in_flight_.begin()->first);
      if (!next || *next > until) break;
      if (*next > now()) clock_.advance(*next - now());
      while (!in_flight_.empty() && in_flight_.begin()->first <= now()) {
        Packet p = std::move(in_flight_.begin()->second);
        in_flight_.erase(in_flight_.begin());
        auto d = decode_control_packet(p.bytes);
        ASSERT_TRUE(d.ok());
        last_rx_[p.to] = now();
        handle(*p.to, p.to->session.on_packet(*d, now()));
      }
      for (Node* n : {&a_, &b_}) {
        auto tx = n->session.next_tx_at(), det = n->session.detect_at();
        if ((tx && *tx <= now()) || (det && *det <= now())) {
          handle(*n, n->session.on_timer(now()));
        }
      }
    }
    if (until > now()) clock_.advance(until - now());
  }
  void run_for(Clock::Duration d) { run_until(now() + d); }
  // When a node last received a packet.
  std::optional<Clock::TimePoint> last_rx(Node& n) const {
    auto it = last_rx_.find(&n);
    if (it == last_rx_.end()) return std::nullopt;
    return it->second;
  }

 private:
  struct Packet {
    Node* to;
    std::vector<uint8_t> bytes;
  };
  FakeClock clock_;
  Node a_, b_;
  Clock::Duration delay_;
  bool a_to_b_ = true, b_to_a_ = true;
  std::multimap<Clock::TimePoint, Packet> in_flight_;
  std::map<const Node*, Clock::TimePoint> last_rx_;
};

}  // namespace test
}  // namespace vgw::bfd
