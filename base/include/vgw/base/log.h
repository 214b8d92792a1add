// Leveled logging to stderr: "2026-11-27T15:04:05.123Z info  bgp: message".
//
//   VGW_LOG(kInfo, "bgp") << "peer " << addr << " established";
//
// The stream expression is evaluated only when the level is enabled. Secrets never go here.
// The last lines are also kept in memory (`show logging`); lines a remote party can trigger at
// will (connections from anywhere, malformed input) go through a Limiter.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vgw::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

Level level();
void set_level(Level level);
// "debug", "info", "warning" (or "warn"), "error", "off".
bool parse_level(std::string_view text, Level& out);
bool enabled(Level level);
void write(Level level, std::string_view component, std::string_view message);
const char* level_name(Level level);  // "debug", "info", "warning", "error", "off"

// The last lines written (at most kKeptLines), oldest first.
inline constexpr size_t kKeptLines = 1000;
struct Entry {
  int64_t unix_ms = 0;
  Level level = Level::kInfo;
  std::string component;
  std::string message;
};
std::vector<Entry> recent(size_t max = kKeptLines);
// Lines the Limiters held back since the start.
uint64_t suppressed_total();

// At most `burst` lines per `period` for one key (a peer's address, say); the others are
// counted, and the next line let through for that key says how many were held back
// (suppressed_text). Bounded: past max_keys distinct keys the oldest window is forgotten.
// Thread-safe.
class Limiter {
 public:
  Limiter(uint32_t burst, std::chrono::seconds period, size_t max_keys = 1024)
      : burst_(burst), period_(period), max_keys_(max_keys) {}
  // nullopt: hold the line back. Else how many lines of this key were held back before it.
  std::optional<uint64_t> admit(const std::string& key);

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    uint32_t written = 0;
    uint64_t held = 0;
  };
  uint32_t burst_;
  std::chrono::seconds period_;
  size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};
// " (N similar lines suppressed)" or "".
std::string suppressed_text(uint64_t n);

class Line {
 public:
  Line(Level level, std::string_view component) : level_(level), component_(component) {}
  ~Line() { write(level_, component_, out_.str()); }
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  template <typename T>
  Line& operator<<(const T& v) {
    out_ << v;
    return *this;
  }

 private:
  Level level_;
  std::string_view component_;
  std::ostringstream out_;
};

}  // namespace vgw::log

#define VGW_LOG(lvl, component)                                     \
  if (!::vgw::log::enabled(::vgw::log::Level::lvl)) {               \
  } else                                                            \
    ::vgw::log::Line(::vgw::log::Level::lvl, component)
