// esp_gateway: a standalone ESP gateway around vgw::esp::Dataplane, driven by line commands
// on stdin, for the dataplane integration test (test_dataplane.py) and the benchmark
// (lab/bench/esp). One reply line per command on stdout: "ok key=value ..." or "error text".
//
//   esp_gateway [--workers N] [--batch N] [--tick-ms N] [--log LEVEL]
//   esp_gateway --plain local=IP remote=IP inside=A/L [port=N] [mtu=N]   (no crypto, see
//                                                                  plain_forwarder.h)
// Commands:
//   tunnel NAME local=IP remote=IP inside=A/L [encap=udp|esp] [lport=N] [rport=N] [mtu=N]
//          [path-mtu=N]
//   sa NAME in|out spi=N transform=aes128gcm16|aes256gcm16|chacha20poly1305|aes128-sha256|...
//          enc=HEX [integ=HEX] [esn=1] [window=N] [soft-packets=N] [hard-packets=N]
//          [soft-bytes=N] [hard-bytes=N] [soft-seconds=N] [hard-seconds=N] [last-seq=N]
//   update NAME [remote=IP] [rport=N]        del-sa NAME in|out SPI       rm-tunnel NAME
//   counters NAME   global   sa-state NAME in|out SPI   info NAME   events   ike   spi [NAME]
//   open-endpoint IP PORT   send-ike local=IP lport=N remote=IP rport=N hex=HEX   quit
// Numbers accept 0x-hex. Keys are never printed.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "plain_forwarder.h"
#include "vgw/base/hex.h"
#include "vgw/base/log.h"
#include "vgw/esp/dataplane/dataplane.h"
#include "vgw/esp/dataplane/mtu.h"

namespace {

using namespace vgw;
using namespace vgw::esp;

struct Args {
  std::vector<std::string> words;            // positional
  std::map<std::string, std::string> pairs;  // key=value
};

Args split(const std::string& line) {
  Args a;
  std::istringstream in(line);
  std::string w;
  while (in >> w) {
    const auto eq = w.find('=');
    if (eq == std::string::npos)
      a.words.push_back(w);
    else
      a.pairs[w.substr(0, eq)] = w.substr(eq + 1);
  }
  return a;
}

bool number(const std::string& text, uint64_t& out) {
  try {
    size_t used = 0;
    out = std::stoull(text, &used, 0);
    return used == text.size();
  } catch (...) {
    return false;
  }
}

bool hex_bytes(const std::string& text, std::vector<uint8_t>& out) {
  auto bytes = parse_hex(text);
  if (!bytes) return false;
  out = std::move(*bytes);
  return true;
}

std::optional<Transform> transform_named(const std::string& name) {
  auto t = parse_transform(name);
  if (!t) return std::nullopt;
  return *t;
}

class Gateway {
 public:
  explicit Gateway(std::unique_ptr<Dataplane> d) : d_(std::move(d)) {}
  // Returns false on quit.
  bool handle(const std::string& line, std::ostream& out);

 private:
  std::string tunnel(const Args& a);
  std::string sa(const Args& a);
  std::string sa_state(const Args& a);
  std::unique_ptr<Dataplane> d_;
};

std::string status_reply(const Status& s) { return s ? "ok" : "error " + s.error().message; }

std::string Gateway::tunnel(const Args& a) {
  if (a.words.size() < 2) return "error usage";
  TunnelSpec spec;
  spec.name = a.words[1];
  auto get = [&](const char* k) {
    auto it = a.pairs.find(k);
    return it == a.pairs.end() ? std::string() : it->second;
  };
  auto local = IpAddress::parse(get("local"));
  auto remote = IpAddress::parse(get("remote"));
  auto inside = InterfaceAddress::parse(get("inside"));
  if (!local || !remote || !inside) return "error bad local/remote/inside";
  spec.local = *local;
  spec.remote = *remote;
  spec.inside = *inside;
  if (get("encap") == "esp") spec.encapsulation = Encapsulation::kEsp;
  uint64_t v;
  if (number(get("lport"), v)) spec.local_port = static_cast<uint16_t>(v);
  if (number(get("rport"), v)) spec.remote_port = static_cast<uint16_t>(v);
  if (number(get("mtu"), v)) spec.mtu = static_cast<uint32_t>(v);
  if (number(get("path-mtu"), v)) spec.path_mtu = static_cast<uint32_t>(v);
  if (auto t = transform_named(get("transforms")); t) spec.transforms = {*t};
  auto s = d_->add_tunnel(spec);
  if (!s) return status_reply(s);
  auto info = d_->tunnel(spec.name);
  return "ok ifname=" + info->interface_name + " mtu=" + std::to_string(info->mtu) +
         " worker=" + std::to_string(info->worker);
}

std::string Gateway::sa(const Args& a) {
  if (a.words.size() < 3) return "error usage";
  const Direction dir = a.words[2] == "out" ? Direction::kOutbound : Direction::kInbound;
  auto get = [&](const char* k) {
    auto it = a.pairs.find(k);
    return it == a.pairs.end() ? std::string() : it->second;
  };
  SaConfig c;
  uint64_t v;
  if (!number(get("spi"), v)) return "error bad spi";
  c.spi = static_cast<uint32_t>(v);
  auto t = transform_named(get("transform"));
  if (!t) return "error unknown transform";
  c.transform = *t;
  std::vector<uint8_t> enc, integ;
  if (!hex_bytes(get("enc"), enc) || !hex_bytes(get("integ"), integ)) return "error bad key hex";
  c.encryption_key = enc;
  c.integrity_key = integ;
  c.esn = get("esn") == "1";
  if (number(get("window"), v)) c.replay_window = static_cast<uint32_t>(v);
  if (number(get("soft-packets"), v)) c.lifetime.soft_packets = v;
  if (number(get("hard-packets"), v)) c.lifetime.hard_packets = v;
  if (number(get("soft-bytes"), v)) c.lifetime.soft_bytes = v;
  if (number(get("hard-bytes"), v)) c.lifetime.hard_bytes = v;
  const auto now = SteadyClock::instance().now();
  if (number(get("soft-seconds"), v)) c.lifetime.soft_expiry = now + std::chrono::seconds(v);
  if (number(get("hard-seconds"), v)) c.lifetime.hard_expiry = now + std::chrono::seconds(v);
  if (number(get("last-seq"), v)) c.last_sequence = v;
  return status_reply(d_->add_sa(a.words[1], dir, c));
}

std::string Gateway::sa_state(const Args& a) {
  uint64_t spi;
  if (a.words.size() < 4 || !number(a.words[3], spi)) return "error usage";
  const Direction dir = a.words[2] == "out" ? Direction::kOutbound : Direction::kInbound;
  auto s = d_->sa_state(a.words[1], dir, static_cast<uint32_t>(spi));
  if (!s) return "error " + s.error().message;
  std::ostringstream o;
  char bitmap[19];
  std::snprintf(bitmap, sizeof bitmap, "0x%016llx",
                static_cast<unsigned long long>(s->replay_bitmap));
  o << "ok transform=" << s->transform.name() << " worker=" << s->worker << " active=" << s->active
    << " packets=" << s->counters.packets << " bytes=" << s->counters.bytes
    << " replay_drops=" << s->counters.replay_drops
    << " integrity_failures=" << s->counters.integrity_failures
    << " malformed=" << s->counters.malformed << " expired=" << s->counters.expired
    << " errors=" << s->counters.errors << " dummy=" << s->counters.dummy
    << " last_sequence=" << s->last_sequence << " replay_top=" << s->replay_top
    << " replay_bitmap=" << bitmap << " replay_window=" << s->replay_window
    << " lifetime=" << lifetime_state_name(s->lifetime_status.state)
    << " lifetime_cause=" << lifetime_cause_name(s->lifetime_status.cause);
  return o.str();
}

bool Gateway::handle(const std::string& line, std::ostream& out) {
  const Args a = split(line);
  if (a.words.empty()) return true;
  const std::string& cmd = a.words[0];
  std::string reply;
  uint64_t v;
  if (cmd == "quit") {
    out << "ok" << std::endl;
    return false;
  } else if (cmd == "tunnel") {
    reply = tunnel(a);
  } else if (cmd == "sa") {
    reply = sa(a);
  } else if (cmd == "update" && a.words.size() >= 2) {
    SaUpdate u;
    if (auto it = a.pairs.find("remote"); it != a.pairs.end()) {
      auto ip = IpAddress::parse(it->second);
      if (!ip) return out << "error bad remote" << std::endl, true;
      u.remote = *ip;
    }
    if (auto it = a.pairs.find("rport"); it != a.pairs.end() && number(it->second, v))
      u.remote_port = static_cast<uint16_t>(v);
    reply = status_reply(d_->update_sa(a.words[1], u));
  } else if (cmd == "del-sa" && a.words.size() >= 4 && number(a.words[3], v)) {
    reply = status_reply(
        d_->delete_sa(a.words[1], a.words[2] == "out" ? Direction::kOutbound : Direction::kInbound,
                      static_cast<uint32_t>(v)));
  } else if (cmd == "rm-tunnel" && a.words.size() >= 2) {
    reply = status_reply(d_->remove_tunnel(a.words[1]));
  } else if (cmd == "counters" && a.words.size() >= 2) {
    auto c = d_->counters(a.words[1]);
    if (!c) {
      reply = "error " + c.error().message;
    } else {
      std::ostringstream o;
      o << "ok tx_packets=" << c->tx_packets << " tx_bytes=" << c->tx_bytes
        << " rx_packets=" << c->rx_packets << " rx_bytes=" << c->rx_bytes
        << " replay_drops=" << c->replay_drops << " integrity_failures=" << c->integrity_failures
        << " malformed=" << c->malformed << " expired=" << c->expired
        << " no_sa_drops=" << c->no_sa_drops << " errors=" << c->errors << " dummy=" << c->dummy
        << " too_big=" << c->too_big;
      reply = o.str();
    }
  } else if (cmd == "global") {
    const DataplaneCounters c = d_->counters();
    std::ostringstream o;
    o << "ok no_sa_drops=" << c.no_sa_drops << " malformed=" << c.malformed
      << " keepalives=" << c.keepalives << " ike_datagrams=" << c.ike_datagrams
      << " ike_dropped=" << c.ike_dropped << " misrouted=" << c.misrouted << " errors=" << c.errors
      << " workers=" << d_->worker_count();
    reply = o.str();
  } else if (cmd == "sa-state") {
    reply = sa_state(a);
  } else if (cmd == "info" && a.words.size() >= 2) {
    auto t = d_->tunnel(a.words[1]);
    if (!t) {
      reply = "error " + t.error().message;
    } else {
      std::ostringstream o;
      o << "ok ifname=" << t->interface_name << " ifindex=" << t->ifindex << " mtu=" << t->mtu
        << " worker=" << t->worker << " remote=" << t->spec.remote.to_string()
        << " rport=" << t->spec.remote_port << " active_out="
        << (t->active_outbound_spi ? std::to_string(*t->active_outbound_spi) : "none")
        << " outbound=" << t->outbound_spis.size() << " inbound=" << t->inbound_spis.size();
      reply = o.str();
    }
  } else if (cmd == "events") {
    std::ostringstream o;
    o << "ok";
    int i = 0;
    for (const SaEvent& e : d_->take_sa_events())
      o << " event" << i++ << "=" << sa_event_kind_name(e.kind) << ","
        << (e.direction == Direction::kOutbound ? "out" : "in") << "," << e.spi << ","
        << lifetime_cause_name(e.cause) << "," << e.tunnel;
    reply = o.str();
  } else if (cmd == "ike") {
    std::ostringstream o;
    o << "ok";
    int i = 0;
    for (const IkeDatagram& d : d_->take_ike_datagrams()) {
      o << " ike" << i++ << "=" << d.remote.to_string() << ":" << d.remote_port << ",";
      for (uint8_t b : d.message) {
        char h[3];
        std::snprintf(h, sizeof h, "%02x", b);
        o << h;
      }
    }
    reply = o.str();
  } else if (cmd == "spi") {
    reply = "ok spi=" + std::to_string(d_->allocate_spi(a.words.size() > 1 ? a.words[1] : ""));
  } else if (cmd == "open-endpoint" && a.words.size() >= 3 && number(a.words[2], v)) {
    auto ip = IpAddress::parse(a.words[1]);
    reply = ip ? status_reply(d_->open_udp_endpoint(*ip, static_cast<uint16_t>(v)))
               : "error bad address";
  } else if (cmd == "send-ike") {
    IkeDatagram d;
    auto get = [&](const char* k) {
      auto it = a.pairs.find(k);
      return it == a.pairs.end() ? std::string() : it->second;
    };
    auto l = IpAddress::parse(get("local"));
    auto r = IpAddress::parse(get("remote"));
    uint64_t lp, rp;
    if (!l || !r || !number(get("lport"), lp) || !number(get("rport"), rp) ||
        !hex_bytes(get("hex"), d.message)) {
      reply = "error usage";
    } else {
      d.local = *l;
      d.remote = *r;
      d.local_port = static_cast<uint16_t>(lp);
      d.remote_port = static_cast<uint16_t>(rp);
      reply = status_reply(d_->send_ike(d));
    }
  } else {
    reply = "error unknown command: " + line;
  }
  out << reply << std::endl;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  DataplaneOptions options;
  std::vector<std::string> rest;
  bool plain = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    uint64_t v = 0;
    if (a == "--plain") {
      plain = true;
    } else if ((a == "--workers" || a == "--batch" || a == "--tick-ms") && i + 1 < argc &&
               number(argv[i + 1], v)) {
      if (a == "--workers") options.workers = static_cast<unsigned>(v);
      if (a == "--batch") options.batch = static_cast<unsigned>(v);
      if (a == "--tick-ms") options.tick = std::chrono::milliseconds(v);
      ++i;
    } else if (a == "--log" && i + 1 < argc) {
      log::Level level;
      if (log::parse_level(argv[++i], level)) log::set_level(level);
    } else {
      rest.push_back(a);
    }
  }
  if (plain) {
    std::string line;
    for (const auto& r : rest) line += r + " ";
    const Args a = split(line);
    return run_plain_forwarder(a.pairs);
  }
  auto d = Dataplane::create(options);
  if (!d) {
    std::cerr << "esp_gateway: " << d.error().message << "\n";
    return 1;
  }
  Gateway gw(std::move(*d));
  std::cout << "ok ready" << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!gw.handle(line, std::cout)) break;
  }
  return 0;
}
