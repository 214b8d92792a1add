// Lab implementation (see lab.h) and the interop tests' main(): move into a fresh network
// namespace before any test runs (not when gtest only lists the tests, which needs no root).
#include "lab.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace vgw::interop {

int sh(const std::string& command) {
  int rc = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string capture(const std::string& command) {
  std::string out;
  FILE* f = popen((command + " 2>/dev/null").c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Lab::Lab() {
  std::random_device rd;
  char tag[16];
  std::snprintf(tag, sizeof tag, "%05d%04x", static_cast<int>(getpid() % 100000), rd() & 0xffff);
  prefix_ = std::string("vgwi") + tag;
  dir_ = "/tmp/vgw-interop-" + std::string(tag);
  if (sh("mkdir -p " + dir_) != 0) throw std::runtime_error("cannot create " + dir_);
}

Lab::~Lab() {
  for (const Daemon& d : daemons_) kill(d.pid, SIGTERM);
  for (const Daemon& d : daemons_) {
    bool gone = false;
    for (int i = 0; i < 50 && !gone; ++i) {
      gone = waitpid(d.pid, nullptr, WNOHANG) == d.pid;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!gone) {
      kill(d.pid, SIGCONT);  // a stopped process would not die from SIGTERM's handler
      kill(d.pid, SIGKILL);
      waitpid(d.pid, nullptr, 0);
    }
  }
  for (const std::string& n : namespaces_) sh("ip netns del " + n);
  if (std::getenv("VGW_INTEROP_KEEP") != nullptr) {  // debugging: keep configs and logs
    std::fprintf(stderr, "lab files kept in %s\n", dir_.c_str());
  } else {
    sh("rm -rf " + dir_);
  }
}

std::string Lab::link(const std::string& peer, const std::string& v4, const std::string& v6) {
  const std::string n = ns(peer);
  const std::string ours = "v" + prefix_.substr(4, 9) + peer.substr(0, 1) + "0";
  const std::string theirs = "v" + prefix_.substr(4, 9) + peer.substr(0, 1) + "1";
  EXPECT_EQ(sh("ip netns add " + n), 0);
  namespaces_.push_back(n);
  EXPECT_EQ(sh("ip link add " + ours + " type veth peer name " + theirs), 0);
  EXPECT_EQ(sh("ip link set " + theirs + " netns " + n), 0);
  EXPECT_EQ(sh("ip addr add " + v4 + ".1/24 dev " + ours), 0);
  EXPECT_EQ(sh("ip addr add " + v6 + "::1/64 dev " + ours + " nodad"), 0);
  EXPECT_EQ(sh("ip link set " + ours + " up"), 0);
  const std::string in = "ip -n " + n + " ";
  EXPECT_EQ(sh(in + "addr add " + v4 + ".2/24 dev " + theirs), 0);
  EXPECT_EQ(sh(in + "addr add " + v6 + "::2/64 dev " + theirs + " nodad"), 0);
  EXPECT_EQ(sh(in + "link set " + theirs + " up"), 0);
  EXPECT_EQ(sh(in + "link set lo up"), 0);
  EXPECT_EQ(sh("mkdir -p " + dir(peer)), 0);
  return ours;
}

pid_t Lab::spawn(const std::string& netns, const std::vector<std::string>& argv,
                 const std::string& log) {
  std::vector<std::string> full{"ip", "netns", "exec", netns};
  full.insert(full.end(), argv.begin(), argv.end());
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : full) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp("ip", args.data());  // ip netns exec execs the daemon: the pid stays the same
    _exit(127);
  }
  return pid;
}

void Lab::start_frr(const std::string& peer, const std::string& bgpd_conf) {
  const std::string d = dir(peer);
  {
    std::ofstream(d + "/zebra.conf") << "hostname " << peer << "\nlog file " << d
                                     << "/frr.log informational\n";
    std::ofstream(d + "/bgpd.conf") << bgpd_conf;
  }
  std::vector<std::string> common{"-u", "root", "-g", "frrvty", "-z", d + "/zserv.api",
                                  "--vty_socket", d, "-P", "0"};
  std::vector<std::string> zebra{"/usr/lib/frr/zebra", "-f", d + "/zebra.conf", "-i", d + "/zebra.pid"};
  zebra.insert(zebra.end(), common.begin(), common.end());
  daemons_.push_back({peer, "zebra", spawn(ns(peer), zebra, d + "/zebra.out")});
  EXPECT_TRUE(eventually([&] { return access((d + "/zserv.api").c_str(), F_OK) == 0; },
                         std::chrono::seconds(10)));
  std::vector<std::string> bgpd{"/usr/lib/frr/bgpd", "-f", d + "/bgpd.conf", "-i", d + "/bgpd.pid"};
  bgpd.insert(bgpd.end(), common.begin(), common.end());
  daemons_.push_back({peer, "bgpd", spawn(ns(peer), bgpd, d + "/bgpd.out")});
  EXPECT_TRUE(eventually([&] { return access((d + "/bgpd.vty").c_str(), F_OK) == 0; },
                         std::chrono::seconds(10)));
}

std::string Lab::vtysh(const std::string& peer, const std::vector<std::string>& commands) {
  std::string cmd = "vtysh --vty_socket " + dir(peer);
  for (const std::string& c : commands) cmd += " -c '" + c + "'";
  return capture(cmd);
}

std::string Lab::frr_json(const std::string& peer, const std::string& command,
                          const std::string& filter) {
  return capture("vtysh --vty_socket " + dir(peer) + " -c '" + command + "' | jq -r '" + filter + "'");
}

pid_t Lab::daemon_pid(const std::string& peer, const std::string& name) const {
  for (const Daemon& d : daemons_) {
    if (d.peer == peer && d.name == name) return d.pid;
  }
  return -1;
}

void Lab::start_bird(const std::string& peer, const std::string& conf) {
  const std::string d = dir(peer);
  std::ofstream(d + "/bird.conf") << conf;
  daemons_.push_back({peer, "bird",
                      spawn(ns(peer), {"bird", "-f", "-c", d + "/bird.conf", "-s", d + "/bird.ctl"},
                            d + "/bird.out")});
  EXPECT_TRUE(eventually([&] { return access((d + "/bird.ctl").c_str(), F_OK) == 0; },
                         std::chrono::seconds(10)));
}

std::string Lab::birdc(const std::string& peer, const std::string& command) {
  return capture("birdc -s " + dir(peer) + "/bird.ctl " + command);
}

}  // namespace vgw::interop

int main(int argc, char** argv) {
  bool listing = false;
  for (int i = 1; i < argc; ++i) listing |= std::strstr(argv[i], "gtest_list_tests") != nullptr;
  if (!listing) {
    if (unshare(CLONE_NEWNET) != 0) {
      std::fprintf(stderr, "unshare(CLONE_NEWNET) failed: %s (interop tests need root)\n",
                   std::strerror(errno));
      return 1;
    }
    if (std::system("ip link set lo up") != 0) return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
