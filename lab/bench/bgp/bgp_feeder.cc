// bgp_feeder: the full-table ingest benchmark's feeder (lab/bench/bgp, run by run.py). It
// pre-encodes the synthetic table of tests/support/vgw/bgp_full_table.h (the dataset of
// /work/shared/interop/bgp-ingest-method.md) before touching the network, connects to the
// receiver under test (retrying until it listens), opens an eBGP session with BgpFakePeer (OPEN
// with IPv4 unicast, route refresh, 4-octet AS), takes the receiver's KEEPALIVE as Established,
// writes the whole stream as fast as TCP allows in ~256 KiB chunks cut on message boundaries, and
// then stays connected (KEEPALIVEs, reading and discarding what the receiver sends) until killed.
//
// Events are JSON lines on stdout, times in seconds of CLOCK_MONOTONIC (the clock Python's
// time.monotonic() reads, shared by every network namespace) plus CLOCK_REALTIME:
//   {"event":"ready", ...}        table encoded (prefixes, updates, bytes, generate_s)
//   {"event":"established", ...}  the receiver's KEEPALIVE arrived: t0 of the measurement
//   {"event":"sent", ...}         the last byte (End-of-RIB) was handed to TCP
//   {"event":"closed", ...}       the receiver closed the session or sent a NOTIFICATION (exit 1)
// Diagnostics go to stderr. Exit status: 0 never (runs until killed), 1 session lost, 2 usage,
// 3 could not connect or establish.
//
//   bgp_feeder [--prefixes N] [--local A.B.C.D] [--peer A.B.C.D] [--port P] [--local-as ASN]
//              [--peer-as ASN] [--hold S] [--chunk BYTES] [--seed N] [--connect-timeout S]
//              [--wait-go]
// --wait-go: after "ready", wait for a line on stdin before connecting (the runner lets the
// machine settle first). NEXT_HOP of every route is --local.
#include <getopt.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "vgw/bgp_fake_peer.h"
#include "vgw/bgp_full_table.h"

namespace {

using namespace vgw;
using Ms = std::chrono::milliseconds;

struct Options {
  size_t prefixes = 1000000;
  std::string local = "10.99.20.1";
  std::string peer = "10.99.20.2";
  uint16_t port = 179;
  uint32_t local_as = 65100;
  uint32_t peer_as = 65200;  // 0: accept any
  uint16_t hold = 240;
  size_t chunk = 256 * 1024;
  uint32_t seed = 4271;
  int connect_timeout = 60;
  bool wait_go = false;
};

constexpr const char* kUsage =
    "usage: bgp_feeder [--prefixes N] [--local ADDR4] [--peer ADDR4] [--port P]\n"
    "                  [--local-as ASN] [--peer-as ASN] [--hold S] [--chunk BYTES] [--seed N]\n"
    "                  [--connect-timeout S] [--wait-go]\n";

double clock_seconds(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// One JSON event line on stdout, flushed at once (the runner reads it as it comes).
void emit(const char* event, const std::string& fields = "") {
  std::printf("{\"event\":\"%s\",\"t\":%.6f,\"realtime\":%.6f%s%s}\n", event,
              clock_seconds(CLOCK_MONOTONIC), clock_seconds(CLOCK_REALTIME),
              fields.empty() ? "" : ",", fields.c_str());
  std::fflush(stdout);
}

bool parse_number(const char* text, uint64_t max, uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v > max) return false;
  out = v;
  return true;
}

bool parse_options(int argc, char** argv, Options& o) {
  enum { kPrefixes = 256, kLocal, kPeer, kPort, kLocalAs, kPeerAs, kHold, kChunk, kSeed,
         kConnectTimeout, kWaitGo };
  static const option kLong[] = {
      {"prefixes", required_argument, nullptr, kPrefixes},
      {"local", required_argument, nullptr, kLocal},
      {"peer", required_argument, nullptr, kPeer},
      {"port", required_argument, nullptr, kPort},
      {"local-as", required_argument, nullptr, kLocalAs},
      {"peer-as", required_argument, nullptr, kPeerAs},
      {"hold", required_argument, nullptr, kHold},
      {"chunk", required_argument, nullptr, kChunk},
      {"seed", required_argument, nullptr, kSeed},
      {"connect-timeout", required_argument, nullptr, kConnectTimeout},
      {"wait-go", no_argument, nullptr, kWaitGo},
      {"help", no_argument, nullptr, 'h'},
      {nullptr, 0, nullptr, 0}};
  int opt;
  while ((opt = getopt_long(argc, argv, "h", kLong, nullptr)) != -1) {
    uint64_t v = 0;
    // A number in [lo, hi] from optarg into v.
    auto number = [&](uint64_t lo, uint64_t hi) { return parse_number(optarg, hi, v) && v >= lo; };
    bool ok = true;
    switch (opt) {
      case kPrefixes: ok = number(1, 50000000); o.prefixes = v; break;
      case kLocal: o.local = optarg; break;
      case kPeer: o.peer = optarg; break;
      case kPort: ok = number(1, 65535); o.port = static_cast<uint16_t>(v); break;
      case kLocalAs: ok = number(1, UINT32_MAX); o.local_as = static_cast<uint32_t>(v); break;
      case kPeerAs: ok = number(0, UINT32_MAX); o.peer_as = static_cast<uint32_t>(v); break;
      case kHold:
        ok = number(0, 65535) && (v == 0 || v >= 3);  // RFC 4271 4.2: 0 or at least 3
        o.hold = static_cast<uint16_t>(v);
        break;
      case kChunk: ok = number(4096, 64u << 20); o.chunk = v; break;
      case kSeed: ok = number(0, UINT32_MAX); o.seed = static_cast<uint32_t>(v); break;
      case kConnectTimeout: ok = number(0, 3600); o.connect_timeout = static_cast<int>(v); break;
      case kWaitGo: o.wait_go = true; break;
      default: ok = false; break;
    }
    if (!ok) return false;
  }
  return optind == argc;
}

// Length of the BGP message at s[off] (RFC 4271 4.1: octets 16-17 of the header); the rest of
// the stream if the header is cut short (never, for the generator's stream).
size_t message_length(const std::vector<uint8_t>& s, size_t off) {
  if (s.size() - off < 19) return s.size() - off;
  size_t len = size_t{s[off + 16]} << 8 | s[off + 17];
  return len < 19 ? s.size() - off : len;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto local = IpAddress::parse(o.local);
  auto peer = IpAddress::parse(o.peer);
  if (!local || !peer || !local->is_v4() || !peer->is_v4()) {
    std::fprintf(stderr, "bgp_feeder: --local and --peer must be IPv4 addresses\n");
    return 2;
  }

  // Pre-encode everything before the session exists: generation is never measured.
  double g0 = clock_seconds(CLOCK_MONOTONIC);
  test::FullTable table =
      test::make_full_table(o.prefixes, o.local_as, local->v4_host_order(), o.seed);
  double g1 = clock_seconds(CLOCK_MONOTONIC);
  const std::vector<uint8_t>& s = table.stream;
  emit("ready", "\"prefixes\":" + std::to_string(table.prefixes) + ",\"updates\":" +
                    std::to_string(table.updates) + ",\"bytes\":" + std::to_string(s.size()) +
                    ",\"generate_s\":" + std::to_string(g1 - g0));
  if (o.wait_go) {
    char line[64];
    if (std::fgets(line, sizeof line, stdin) == nullptr) return 2;
  }

  // Connect, retrying until the receiver listens.
  test::BgpFakePeer f;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.connect_timeout);
  while (!f.connect(*local, *peer, o.port)) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "bgp_feeder: cannot connect to %s port %u: %s\n", o.peer.c_str(),
                   o.port, std::strerror(errno));
      return 3;
    }
    std::this_thread::sleep_for(Ms(50));
  }
  bgp::wire::Open open = test::BgpFakePeer::make_open(o.local_as, local->v4_host_order(), o.hold);
  open.capabilities.multiprotocol = {bgp::wire::kIpv4Unicast};
  if (!f.establish(open, Ms(30000))) {
    std::fprintf(stderr, "bgp_feeder: no session with %s (%zu NOTIFICATIONs received)\n",
                 o.peer.c_str(), f.notifications.size());
    for (const auto& n : f.notifications) {
      std::fprintf(stderr, "bgp_feeder: NOTIFICATION %u/%u\n", static_cast<unsigned>(n.code),
                   static_cast<unsigned>(n.subcode));
    }
    return 3;
  }
  emit("established", "\"peer_as\":" + std::to_string(f.peer_open.asn()) +
                          ",\"peer_hold\":" + std::to_string(f.peer_open.hold_time));
  if (o.peer_as != 0 && f.peer_open.asn() != o.peer_as) {
    std::fprintf(stderr, "bgp_feeder: warning: receiver's AS is %u, not %u\n", f.peer_open.asn(),
                 o.peer_as);
  }

  // The stream, in chunks cut on message boundaries.
  size_t off = 0;
  std::vector<uint8_t> chunk;
  while (off < s.size()) {
    size_t end = off;
    while (end < s.size() && end - off < o.chunk) end += message_length(s, end);
    end = std::min(end, s.size());
    chunk.assign(s.begin() + static_cast<std::ptrdiff_t>(off),
                 s.begin() + static_cast<std::ptrdiff_t>(end));
    f.send(chunk);
    if (!f.connected()) break;
    off = end;
  }
  emit("sent", "\"bytes\":" + std::to_string(off));

  // Keep the session: a KEEPALIVE every third of the hold time (at most 10 s); read and discard.
  uint16_t hold = std::min(o.hold, f.peer_open.hold_time);
  Ms interval = hold == 0 ? Ms(10000) : std::min(Ms(10000), Ms(hold * 1000 / 3));
  auto next = std::chrono::steady_clock::now();
  size_t seen_notifications = f.notifications.size();
  while (true) {
    auto now = std::chrono::steady_clock::now();
    if (now >= next) {
      f.send_keepalive();
      next = now + interval;
    }
    (void)f.read_until([&] { return f.eof() || f.notifications.size() > seen_notifications; },
                       std::chrono::duration_cast<Ms>(next - now) + Ms(1));
    if (f.eof() || f.notifications.size() > seen_notifications) {
      std::string why = f.eof() ? "\"reason\":\"connection closed\""
                                : "\"reason\":\"notification\"";
      if (f.notifications.size() > seen_notifications) {
        const auto& n = f.notifications.back();
        why += ",\"code\":" + std::to_string(n.code) + ",\"subcode\":" + std::to_string(n.subcode);
      }
      emit("closed", why);
      return 1;
    }
  }
}
