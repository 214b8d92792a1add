// Kernel FIB programming of a full table, side by side with `ip -batch` in the same run.
//
// In a private network namespace (unshare(CLONE_NEWNET): nothing outside is touched, and
// everything vanishes with the process) with two uplinks, installs N prefixes of the synthetic
// Internet table (tests/bench/internet_table.h):
//   1. vgw's RouteSocket, ECMP over both uplinks (one multipath route per prefix) — the way
//      vgwd installs BGP routes learned over two tunnels;
//   2. vgw's RouteSocket, a single next-hop;
//   3. `ip -batch` with the same single-next-hop routes (one netlink request + ack each), the
//      reference;
// and removes each again (RouteSocket batches vs `ip route flush proto`). Prints one table.
//   sudo ./fib_program [N=1000000]
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "internet_table.h"
#include "vgw/rib/fib/route_socket.h"

namespace {

using namespace vgw;
using namespace vgw::rib::fib;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

bool sh(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }

size_t kernel_count() {
  FILE* p = popen("ip -4 route show proto 199 | grep -c '^[0-9]'", "r");
  size_t n = 0;
  if (p) {
    if (std::fscanf(p, "%zu", &n) != 1) n = 0;
    pclose(p);
  }
  return n;
}

struct Row {
  const char* what;
  double install_s;
  double remove_s;
};

Row program(RouteSocket& sock, const std::vector<Prefix>& table, bool ecmp, const char* what) {
  KernelNexthop a{*IpAddress::parse("10.1.0.2"), 0, 1};
  KernelNexthop b{*IpAddress::parse("10.2.0.2"), 0, 1};
  auto t0 = Clock::now();
  for (const auto& p : table) {
    KernelRoute r{p, ecmp ? std::vector<KernelNexthop>{a, b} : std::vector<KernelNexthop>{a}};
    sock.replace(r);
    if (sock.queued() >= 65536) (void)sock.commit();
  }
  auto failures = sock.commit();
  double install = seconds_since(t0);
  if (!failures || !failures->empty() || kernel_count() != table.size()) {
    std::fprintf(stderr, "%s: install incomplete (%zu in the kernel)\n", what, kernel_count());
    std::exit(1);
  }
  t0 = Clock::now();
  for (const auto& p : table) {
    sock.remove(p, kMainTable, 20);
    if (sock.queued() >= 65536) (void)sock.commit();
  }
  (void)sock.commit();
  double remove = seconds_since(t0);
  if (kernel_count() != 0) {
    std::fprintf(stderr, "%s: removal incomplete\n", what);
    std::exit(1);
  }
  return {what, install, remove};
}

Row ip_batch(const std::vector<Prefix>& table) {
  std::string path = "/tmp/vgw-fib-bench-" + std::to_string(getpid()) + ".batch";
  {
    std::ofstream f(path);
    for (const auto& p : table) f << "route add " << p.to_string() << " via 10.1.0.2 proto 199 metric 20\n";
  }
  auto t0 = Clock::now();
  bool ok = sh("ip -batch " + path);
  double install = seconds_since(t0);
  std::remove(path.c_str());
  if (!ok || kernel_count() != table.size()) {
    std::fprintf(stderr, "ip -batch: install incomplete\n");
    std::exit(1);
  }
  t0 = Clock::now();
  sh("ip route flush proto 199");
  double remove = seconds_since(t0);
  return {"ip -batch, 1 next-hop (reference)", install, remove};
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  if (unshare(CLONE_NEWNET) != 0) {
    std::perror("unshare(CLONE_NEWNET) (run as root)");
    return 1;
  }
  if (!sh("ip link set lo up && ip link add up1 type veth peer name up1p && "
          "ip link add up2 type veth peer name up2p && ip addr add 10.1.0.1/24 dev up1 && "
          "ip addr add 10.2.0.1/24 dev up2 && for i in up1 up1p up2 up2p; do ip link set $i up; done")) {
    return 1;
  }
  auto table = bench::internet_table(n);
  auto sock = RouteSocket::open();
  if (!sock) {
    std::fprintf(stderr, "%s\n", sock.error().message.c_str());
    return 1;
  }
  std::vector<Row> rows;
  rows.push_back(program(**sock, table, true, "vgw RouteSocket, ECMP 2 next-hops"));
  rows.push_back(program(**sock, table, false, "vgw RouteSocket, 1 next-hop"));
  rows.push_back(ip_batch(table));
  double ref = rows.back().install_s, ref_rm = rows.back().remove_s;
  std::printf("\nKernel FIB programming, %zu IPv4 prefixes (Internet length mix), one run\n\n", table.size());
  std::printf("| method | install s | routes/s | vs ip -batch | remove s | vs flush |\n|---|---|---|---|---|---|\n");
  for (const auto& r : rows) {
    std::printf("| %s | %.2f | %.0f | %.2fx | %.2f | %.2fx |\n", r.what, r.install_s,
                static_cast<double>(table.size()) / r.install_s, ref / r.install_s, r.remove_s,
                ref_rm / r.remove_s);
  }
  return 0;
}
