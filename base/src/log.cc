#include "vgw/base/log.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <mutex>

namespace vgw::log {

namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mutex;
std::deque<Entry> g_kept;  // under g_mutex
std::atomic<uint64_t> g_suppressed{0};
const char* kNames[] = {"debug", "info", "warning", "error", "off"};
}  // namespace

const char* level_name(Level l) { return kNames[static_cast<int>(l)]; }

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
  if (g_kept.size() >= kKeptLines) g_kept.pop_front();
  g_kept.push_back(Entry{duration_cast<milliseconds>(now.time_since_epoch()).count(), l, std::string(component),
                         std::string(message)});
  std::fprintf(stderr, "%s.%03dZ %-7s %.*s: %.*s\n", stamp, static_cast<int>(ms),
               kNames[static_cast<int>(l)], static_cast<int>(component.size()), component.data(),
               static_cast<int>(message.size()), message.data());
}

std::vector<Entry> recent(size_t max) {
  std::lock_guard lock(g_mutex);
  size_t n = std::min(max, g_kept.size());
  return std::vector<Entry>(g_kept.end() - static_cast<std::ptrdiff_t>(n), g_kept.end());
}

uint64_t suppressed_total() { return g_suppressed.load(std::memory_order_relaxed); }

std::optional<uint64_t> Limiter::admit(const std::string& key) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      auto oldest = windows_.begin();
      for (auto w = windows_.begin(); w != windows_.end(); ++w) {
        if (w->second.start < oldest->second.start) oldest = w;
      }
      windows_.erase(oldest);
    }
    it = windows_.emplace(key, Window{now, 0, 0}).first;
  }
  Window& w = it->second;
  if (now - w.start >= period_) {
    w.start = now;
    w.written = 0;
  }
  if (w.written >= burst_) {
    ++w.held;
    g_suppressed.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  ++w.written;
  uint64_t held = w.held;
  w.held = 0;
  return held;
}

std::string suppressed_text(uint64_t n) {
  return n ? " (" + std::to_string(n) + " similar line" + (n == 1 ? "" : "s") + " suppressed)" : "";
}

}  // namespace vgw::log
