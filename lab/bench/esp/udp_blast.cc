// udp_blast: the benchmark's traffic generator and sink (iperf3's UDP mode sends one write()
// per packet and tops out near 70,000 packets/s on this kind of machine, below the rates under
// test). Standalone, built by run.py with g++; no vgw code.
//
//   udp_blast send DST PORT SIZE PPS SECONDS   paced sendmmsg() batches of 32; prints "sent=N"
//   udp_blast sink PORT                        recvmmsg() loop; each line on stdin prints the
//                                              running totals "received=N bytes=M"; EOF ends it
// SIZE is the UDP payload; the IPv4 packet is SIZE + 28 octets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int send_mode(const char* dst, int port, size_t size, double pps, double seconds) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int buf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, dst, &to.sin_addr) != 1) return 2;
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) return perror("connect"), 1;
  constexpr unsigned kBatch = 32;
  std::vector<uint8_t> payload(size, 0x5a);
  std::vector<iovec> iov(kBatch, iovec{payload.data(), size});
  std::vector<mmsghdr> msgs(kBatch);
  for (unsigned i = 0; i < kBatch; ++i) {
    msgs[i].msg_hdr = {};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  const double start = now();
  uint64_t sent = 0;
  for (;;) {
    const double t = now() - start;
    if (t >= seconds) break;
    const double due = pps * t;  // packets that should be out by now
    if (static_cast<double>(sent) >= due) {
      const double wait = (static_cast<double>(sent) + kBatch - due) / pps;
      timespec ts{0, static_cast<long>(std::min(wait, 0.001) * 1e9)};
      nanosleep(&ts, nullptr);
      continue;
    }
    const int n = sendmmsg(fd, msgs.data(), kBatch, 0);
    if (n > 0) sent += static_cast<uint64_t>(n);
  }
  std::printf("sent=%llu seconds=%.3f\n", static_cast<unsigned long long>(sent), now() - start);
  return 0;
}

int sink_mode(int port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int buf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) < 0) return perror("bind"), 1;
  constexpr unsigned kBatch = 64;
  std::vector<uint8_t> arena(kBatch * 2048);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  uint64_t received = 0, bytes = 0;
  std::printf("ready\n");
  std::fflush(stdout);
  pollfd fds[2] = {{fd, POLLIN, 0}, {0, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents) {
      std::string line;
      if (!std::getline(std::cin, line)) break;
      std::printf("received=%llu bytes=%llu\n", static_cast<unsigned long long>(received),
                  static_cast<unsigned long long>(bytes));
      std::fflush(stdout);
    }
    if (fds[0].revents & POLLIN) {
      for (;;) {
        for (unsigned i = 0; i < kBatch; ++i) {
          iov[i] = {arena.data() + i * 2048, 2048};
          msgs[i].msg_hdr = {};
          msgs[i].msg_hdr.msg_iov = &iov[i];
          msgs[i].msg_hdr.msg_iovlen = 1;
        }
        const int n = recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (n <= 0) break;
        received += static_cast<uint64_t>(n);
        for (int i = 0; i < n; ++i) bytes += msgs[i].msg_len;
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 7 && std::strcmp(argv[1], "send") == 0)
    return send_mode(argv[2], std::atoi(argv[3]), std::strtoul(argv[4], nullptr, 10),
                     std::atof(argv[5]), std::atof(argv[6]));
  if (argc == 3 && std::strcmp(argv[1], "sink") == 0) return sink_mode(std::atoi(argv[2]));
  std::fprintf(stderr, "usage: udp_blast send DST PORT SIZE PPS SECONDS | sink PORT\n");
  return 2;
}
