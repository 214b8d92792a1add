// A throw-away lab for interop tests: the test process lives in its own network namespace
// (lab.cc's main() unshares one), and each real peer - FRR (zebra + bgpd) or BIRD 2 - gets a
// named namespace linked to ours by a veth pair, a working directory with its config, logs and
// control sockets, and is started as a child process. Names carry the pid and a random tag so
// parallel runs never collide; the destructor stops exactly the processes it started (SIGTERM,
// then SIGKILL), deletes the namespaces and the directory, whatever the test's outcome
// (VGW_INTEROP_KEEP=1 keeps the directory with the peers' configs and logs for debugging).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace vgw::interop {

// Runs a shell command (output discarded); returns its exit status.
int sh(const std::string& command);
// Runs a shell command and returns its stdout (trailing newline removed).
std::string capture(const std::string& command);
// Polls pred every 200 ms until it holds or the timeout passes.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

class Lab {
 public:
  Lab();
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // A peer namespace linked to ours: our side gets <v4 prefix>.1 and <v6 prefix>::1, the peer
  // .2 and ::2, e.g. link("frr", "10.91.1", "fd00:91:1"). Returns our interface's name.
  std::string link(const std::string& peer, const std::string& v4, const std::string& v6);
  std::string ns(const std::string& peer) const { return prefix_ + "-" + peer; }
  std::string dir(const std::string& peer) const { return dir_ + "/" + peer; }

  // FRR zebra + bgpd in the peer's namespace with this bgpd.conf.
  void start_frr(const std::string& peer, const std::string& bgpd_conf);
  // `vtysh -c` against that FRR (several commands: "conf t", ... in one call).
  std::string vtysh(const std::string& peer, const std::vector<std::string>& commands);
  // A value from FRR's JSON output: vtysh -c command | jq -r filter.
  std::string frr_json(const std::string& peer, const std::string& command, const std::string& filter);
  // The pid of a daemon started in the peer's namespace ("bgpd", "zebra", "bird"); -1 if none.
  pid_t daemon_pid(const std::string& peer, const std::string& name) const;
  pid_t bgpd_pid(const std::string& peer) const { return daemon_pid(peer, "bgpd"); }

  // BIRD 2 in the peer's namespace with this bird.conf.
  void start_bird(const std::string& peer, const std::string& conf);
  std::string birdc(const std::string& peer, const std::string& command);

 private:
  pid_t spawn(const std::string& ns, const std::vector<std::string>& argv, const std::string& log);
  struct Daemon {
    std::string peer;
    std::string name;
    pid_t pid;
  };
  std::string prefix_;
  std::string dir_;
  std::vector<std::string> namespaces_;
  std::vector<Daemon> daemons_;
};

}  // namespace vgw::interop
