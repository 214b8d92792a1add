// Measures full-table ingestion through vgw::bgp::Speaker in one process, the way
// /work/shared/interop/bgp-ingest-method.md measures BIRD and FRR: a feeder (a forked child,
// so its 21 MB stream is not counted) opens an eBGP session over loopback, waits for
// Established and writes the pre-encoded stream as fast as TCP allows; the receiver is a
// Speaker with a RIB (no FIB). Prints the time from Established to N prefixes accepted and
// selected in the RIB, CPU time, and the receiver's peak RSS (VmHWM). Not a test: a tool for the
// lead's benchmark table.   Usage: bgp_ingest_measure [prefixes=1000000] [runs=1] [transit]
// With "transit", a second eBGP peer (another child that reads and discards) is sent the whole
// table, and the time until it has all been written (Adj-RIB-Out complete, queue empty) is
// printed too.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "vgw/bgp/speaker.h"
#include "vgw/bgp_fake_peer.h"
#include "vgw/bgp_full_table.h"
#include "vgw/io_thread.h"
#include "vgw/rib/rib.h"

using namespace vgw;
using namespace std::chrono;

namespace {

long status_kb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Child: generate, connect, establish, stream, then idle until killed.
[[noreturn]] void feed(size_t count, uint16_t port, int ready_fd) {
  test::FullTable table = test::make_full_table(count, 65100, IpAddress::v4(0x7f000002).v4_host_order());
  test::BgpFakePeer f;
  if (!f.connect(*IpAddress::parse("127.0.0.2"), *IpAddress::parse("127.0.0.1"), port)) _exit(2);
  bgp::wire::Open o = test::BgpFakePeer::make_open(65100, 0x0a636401, 240);
  o.capabilities.multiprotocol = {bgp::wire::kIpv4Unicast};
  if (!f.establish(o, milliseconds(10000))) _exit(3);
  char c = 1;
  (void)!write(ready_fd, &c, 1);
  // ~256 KiB chunks cut on message boundaries.
  const std::vector<uint8_t>& s = table.stream;
  size_t off = 0;
  while (off < s.size()) {
    size_t end = off;
    while (end < s.size() && end - off < 256 * 1024) end += size_t{s[end + 16]} << 8 | s[end + 17];
    f.send(std::vector<uint8_t>(s.begin() + static_cast<std::ptrdiff_t>(off),
                                s.begin() + static_cast<std::ptrdiff_t>(end)));
    off = end;
  }
  std::fprintf(stderr, "feeder: %zu prefixes in %zu UPDATEs, %.1f MB sent\n", table.prefixes,
               table.updates, static_cast<double>(s.size()) / 1e6);
  while (true) {
    f.send_keepalive();
    sleep(10);
  }
}

// Child: an eBGP peer that takes everything it is sent and throws it away.
[[noreturn]] void sink(uint16_t port) {
  test::BgpFakePeer f;
  if (!f.connect(*IpAddress::parse("127.0.0.3"), *IpAddress::parse("127.0.0.1"), port)) _exit(2);
  bgp::wire::Open o = test::BgpFakePeer::make_open(65300, 0x0a636403, 240);
  o.capabilities.multiprotocol = {bgp::wire::kIpv4Unicast};
  if (!f.establish(o, milliseconds(10000))) _exit(3);
  while (true) {
    if (!f.receive(milliseconds(1000)) && f.eof()) _exit(0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 1;
  bool transit = argc > 3 && std::string(argv[3]) == "transit";
  std::printf("baseline VmRSS %ld kB\n", status_kb("VmRSS:"));
  for (int run = 0; run < runs; ++run) {
    test::IoThread io;
    std::unique_ptr<rib::Rib> rib;
    std::unique_ptr<bgp::Speaker> speaker;
    io.call([&] {
      rib = std::make_unique<rib::Rib>();
      auto g = *rib->groups().intern({rib::Nexthop{std::nullopt, "lo", 1, 1}});
      rib::RouteSpec spec;
      spec.source = rib::RouteSource::kConnected;
      spec.group = g;
      (void)rib->add(*Prefix::parse("127.0.0.0/8"), spec);
      rib->groups().release(g);
      bgp::Config c;
      c.local_as = 65200;
      c.router_id = 0x0a636402;
      c.listen_address = *IpAddress::parse("127.0.0.1");
      c.listen_port = 0;
      c.ebgp_requires_policy = false;  // as FRR's "no bgp ebgp-requires-policy"
      speaker = std::make_unique<bgp::Speaker>(io.io(), *rib, c);
      (void)speaker->start();
      bgp::PeerConfig p;
      p.address = *IpAddress::parse("127.0.0.2");
      p.remote_as = 65100;
      p.passive = true;
      p.hold_time = 240;
      (void)speaker->add_peer(p);
      if (transit) {
        p.address = *IpAddress::parse("127.0.0.3");
        p.remote_as = 65300;
        (void)speaker->add_peer(p);
      }
    });
    uint16_t port = io.call([&] { return speaker->listen_port(); });
    pid_t sink_pid = -1;
    if (transit) {
      sink_pid = fork();
      if (sink_pid == 0) sink(port);
      io.wait_until([&] {
        return speaker->peer(*IpAddress::parse("127.0.0.3"))->state == bgp::session::State::kEstablished;
      }, seconds(10));
    }
    int pipefd[2];
    if (pipe(pipefd) != 0) return 1;
    pid_t child = fork();
    if (child == 0) feed(count, port, pipefd[1]);
    char c;
    if (read(pipefd[0], &c, 1) != 1) return 1;
    // t0: the feeder saw our KEEPALIVE (Established).
    auto t0 = steady_clock::now();
    double cpu0 = cpu_seconds();
    size_t accepted = 0;
    while (accepted < count) {
      std::this_thread::sleep_for(milliseconds(5));
      accepted = io.call([&] { return speaker->peer(*IpAddress::parse("127.0.0.2"))->accepted_ipv4; });
      if (steady_clock::now() - t0 > seconds(120)) break;
    }
    auto t1 = steady_clock::now();
    double cpu1 = cpu_seconds();
    size_t in_rib = io.call([&] { return rib->prefix_count(Family::kIpv4); });
    auto stats = io.call([&] { return speaker->stats(); });
    std::printf("run %d: %zu prefixes accepted in %.3f s (CPU %.2f s), RIB prefixes %zu, "
                "attribute sets %zu, BGP tables %.1f MB, VmRSS %ld kB, VmHWM %ld kB\n",
                run + 1, accepted, duration<double>(t1 - t0).count(), cpu1 - cpu0, in_rib,
                stats.attribute_sets, static_cast<double>(stats.memory_bytes) / 1e6,
                status_kb("VmRSS:"), status_kb("VmHWM:"));
    if (transit) {
      auto sent = [&] {
        auto s = *speaker->peer(*IpAddress::parse("127.0.0.3"));
        return s.advertised_ipv4 >= count && s.send_queue_bytes == 0;
      };
      io.wait_until(sent, seconds(120));
      auto t2 = steady_clock::now();
      std::printf("run %d: transit: the table was sent to the second peer %.3f s after Established "
                  "(CPU %.2f s), VmHWM %ld kB\n",
                  run + 1, duration<double>(t2 - t0).count(), cpu_seconds() - cpu0,
                  status_kb("VmHWM:"));
      kill(sink_pid, SIGKILL);
      waitpid(sink_pid, nullptr, 0);
    }
    std::fflush(stdout);
    kill(child, SIGKILL);
    if (std::getenv("VGW_QUICK_EXIT")) _exit(0);  // skip teardown (profiling)
    waitpid(child, nullptr, 0);
    close(pipefd[0]);
    close(pipefd[1]);
    io.call([&] {
      speaker.reset();
      rib.reset();
    });
  }
  return 0;
}
