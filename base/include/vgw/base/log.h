// Leveled logging to stderr: "2026-11-27T15:04:05.123Z info  bgp: message".
//
//   VGW_LOG(kInfo, "bgp") << "peer " << addr << " established";
//
// The stream expression is evaluated only when the level is enabled. Secrets never go here.
#pragma once

#include <sstream>
#include <string_view>

namespace vgw::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

Level level();
void set_level(Level level);
// "debug", "info", "warning" (or "warn"), "error", "off".
bool parse_level(std::string_view text, Level& out);
bool enabled(Level level);
void write(Level level, std::string_view component, std::string_view message);

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
