// fib_watch: counts IPv4 routes entering the kernel's main table of the network namespace it
// runs in, from rtnetlink notifications (run.py starts it with `ip netns exec RECEIVER_NS`), and
// says when the count reaches the target. Standalone: no vgw code.
//
// Why not poll a count: with 1,000,000 routes one read of /proc/net/fib_triestat walks the
// whole trie (~105 ms of CPU, measured), /proc/net/route is 128 MB of text (1.9 s) and a
// netlink dump is no better - polling any of them every 0.1 s takes a core from the receiver.
// The kernel builds an RTM_NEWROUTE notification for the RTMGRP_IPV4_ROUTE group after each
// route it inserts whether anyone listens or not (net/ipv4/fib_trie.c, fib_table_insert; zebra
// and BIRD listen themselves); this listener adds the delivery to one more socket, in the
// receiver's context, for every receiver alike. Counted: RTM_NEWROUTE of AF_INET in table main
// without NLM_F_REPLACE (a new route), minus RTM_DELROUTE. Read with recvmmsg in batches; when
// routes trickle (one per wake-up, as from BIRD's synchronous writes), it sleeps 1 ms between
// wake-ups; it used 0.6-1.9 s of CPU per million routes in the benchmark, resolution ~1 ms.
// The receive buffer is forced to 256 MiB; if the kernel still drops notifications (ENOBUFS),
// "overflow" says so and the count is no longer exact.
//
// Output, JSON lines on stdout, times in CLOCK_MONOTONIC seconds (Python's time.monotonic()):
//   {"event":"ready"}                          subscribed
//   {"event":"count","t":T,"routes":N}         every EVERY_MS ms while it changes
//   {"event":"done","t":T,"routes":N}          N >= target, t = when that batch was read
//   {"event":"overflow","t":T,"routes":N}      notifications were lost
// Runs until killed.    Usage: fib_watch [--oif IFINDEX] TARGET [EVERY_MS=500]
//
// With --oif (lab/bench/failover: routes moving from one tunnel to another), the count is instead
// the routes of table main whose output interface is IFINDEX (RTA_OIF, or the first hop of
// RTA_MULTIPATH), replacements included: each RTM_NEWROUTE sets its prefix's interface,
// RTM_DELROUTE forgets it.
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace {

double now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void emit(const char* event, long long routes) {
  std::printf("{\"event\":\"%s\",\"t\":%.6f,\"routes\":%lld}\n", event, now(), routes);
  std::fflush(stdout);
}

// --oif mode: prefix (address << 8 | length) -> output interface.
int g_oif = 0;
std::unordered_map<uint64_t, int> g_oif_of;

// The route's prefix key and output interface, from its attributes.
void route_oif(const uint8_t* msg, size_t len, const rtmsg& rt, uint64_t& key, int& oif) {
  uint32_t dst = 0;
  oif = 0;
  size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rtmsg));
  while (off + sizeof(rtattr) <= len) {
    rtattr a;
    std::memcpy(&a, msg + off, sizeof a);
    if (a.rta_len < sizeof(rtattr) || off + a.rta_len > len) break;
    const uint8_t* v = msg + off + RTA_LENGTH(0);
    size_t vlen = a.rta_len - RTA_LENGTH(0);
    if (a.rta_type == RTA_DST && vlen >= 4) std::memcpy(&dst, v, 4);
    if (a.rta_type == RTA_OIF && vlen >= 4) std::memcpy(&oif, v, 4);
    if (a.rta_type == RTA_MULTIPATH && vlen >= sizeof(rtnexthop)) {
      rtnexthop nh;
      std::memcpy(&nh, v, sizeof nh);
      oif = nh.rtnh_ifindex;
    }
    off += RTA_ALIGN(a.rta_len);
  }
  key = static_cast<uint64_t>(dst) << 8 | rt.rtm_dst_len;
}

// Applies the notifications in one datagram to count (bounds-checked: the kernel's lengths are
// trusted only as far as the bytes received).
void apply(const uint8_t* p, size_t n, long long& count) {
  size_t off = 0;
  while (n - off >= NLMSG_LENGTH(sizeof(rtmsg))) {
    nlmsghdr h;
    std::memcpy(&h, p + off, sizeof h);
    if (h.nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) break;
    if (h.nlmsg_type == RTM_NEWROUTE || h.nlmsg_type == RTM_DELROUTE) {
      rtmsg rt;
      std::memcpy(&rt, p + off + NLMSG_HDRLEN, sizeof rt);
      if (g_oif && rt.rtm_family == AF_INET && rt.rtm_table == RT_TABLE_MAIN) {
        uint64_t key;
        int oif;
        route_oif(p + off, std::min<size_t>(h.nlmsg_len, n - off), rt, key, oif);
        auto it = g_oif_of.find(key);
        int before = it == g_oif_of.end() ? 0 : it->second;
        int after = h.nlmsg_type == RTM_DELROUTE ? 0 : oif;
        if (after) {
          g_oif_of[key] = after;
        } else if (it != g_oif_of.end()) {
          g_oif_of.erase(it);
        }
        count += (after == g_oif) - (before == g_oif);
      } else if (rt.rtm_family == AF_INET && rt.rtm_table == RT_TABLE_MAIN) {
        if (h.nlmsg_type == RTM_DELROUTE) {
          --count;
        } else if ((h.nlmsg_flags & NLM_F_REPLACE) == 0) {
          ++count;
        }
      }
    }
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= n - off) break;  // the last (or a truncated) message
    off += step;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--oif") == 0) {
    g_oif = std::atoi(argv[2]);
    argv += 2;
    argc -= 2;
  }
  if (argc < 2 || argc > 3 || g_oif < 0) {
    std::fprintf(stderr, "usage: fib_watch [--oif IFINDEX] TARGET [EVERY_MS=500]\n");
    return 2;
  }
  const long long target = std::atoll(argv[1]);
  const int every_ms = argc > 2 ? std::atoi(argv[2]) : 500;
  if (target <= 0 || every_ms <= 0) {
    std::fprintf(stderr, "fib_watch: TARGET and EVERY_MS must be positive\n");
    return 2;
  }
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    std::perror("fib_watch: socket");
    return 1;
  }
  int size = 256 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_IPV4_ROUTE;
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    std::perror("fib_watch: bind");
    return 1;
  }
  std::printf("{\"event\":\"ready\"}\n");
  std::fflush(stdout);

  constexpr size_t kBatch = 256, kSize = 8192;
  std::vector<uint8_t> store(kBatch * kSize);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  long long count = 0, reported = 0;
  bool done = false;
  double next_report = now() + every_ms / 1000.0;
  while (true) {
    pollfd p{fd, POLLIN, 0};
    (void)poll(&p, 1, every_ms);
    size_t got = 0;
    while (true) {
      for (size_t i = 0; i < kBatch; ++i) {
        iov[i] = {store.data() + i * kSize, kSize};
        msgs[i] = {};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int r = recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (r < 0) {
        if (errno == EINTR) continue;
        if (errno == ENOBUFS) {
          emit("overflow", count);
          continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        std::perror("fib_watch: recvmmsg");
        return 1;
      }
      for (int i = 0; i < r; ++i) apply(store.data() + i * kSize, msgs[i].msg_len, count);
      got += static_cast<size_t>(r);
      if (static_cast<size_t>(r) < kBatch) break;
    }
    if (!done && count >= target) {
      done = true;
      emit("done", count);
    }
    if (now() >= next_report) {
      if (count != reported) emit("count", count);
      reported = count;
      next_report = now() + every_ms / 1000.0;
    }
    if (got > 0 && got < 64) {
      timespec pause{0, 1000000};  // trickling: let a batch build up
      nanosleep(&pause, nullptr);
    }
  }
}
