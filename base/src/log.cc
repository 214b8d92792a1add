#include "vgw/base/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace vgw::log {

namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mutex;
const char* kNames[] = {"debug", "info", "warning", "error", "off"};
}  // namespace

Level level() { return g_level.load(std::memory_order_relaxed); }
void set_level(Level l) { g_level.store(l, std::memory_order_relaxed); }
bool enabled(Level l) { return l >= level() && l != Level::kOff; }

bool parse_level(std::string_view text, Level& out) {
  for (int i = 0; i <= 4; ++i) {
    if (text == kNames[i]) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  if (text == "warn") {
    out = Level::kWarning;
    return true;
  }
  return false;
}

void write(Level l, std::string_view component, std::string_view message) {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s.%03dZ %-7s %.*s: %.*s\n", stamp, static_cast<int>(ms),
               kNames[static_cast<int>(l)], static_cast<int>(component.size()), component.data(),
               static_cast<int>(message.size()), message.data());
}

}  // namespace vgw::log
