// vgwd: the vgw router daemon. Loads its config file (vgwsh's command language), runs the
// control plane on one thread, serves the gRPC API on a unix socket, and persists every
// acknowledged change back to the config file.
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>

#include "vgw/base/file.h"
#include "vgw/base/log.h"
#include "vgw/routing/api/control_plane.h"
#include "vgw/routing/api/dispatcher.h"
#include "vgw/routing/api/server.h"
#include "vgw/routing/apply/config_apply.h"
#include "vgw/routing/cli/session.h"
#include "vgw/routing/gateway.h"
#include "vgw/routing/version.h"

namespace {

using namespace vgw;
using namespace vgw::routing;

constexpr const char* kUsage = R"(Usage: vgwd [OPTIONS]
The vgw router daemon: IPsec-VPN gateway with BGP, managed with vgwsh or gRPC.

  -f, --config FILE        configuration file (default /etc/vgw/vgwd.conf); every
                           acknowledged change is saved to it
  -s, --socket PATH        gRPC unix socket (default /run/vgw/vgwd.sock)
  -l, --listen HOST:PORT   also serve gRPC on TCP, with mutual TLS: needs --tls-cert,
                           --tls-key and --tls-client-ca
      --tls-cert FILE      PEM certificate for the TCP listener
      --tls-key FILE       PEM private key for the TCP listener
      --tls-client-ca FILE PEM CA certificate(s): TCP clients must present a certificate
                           signed by one of them
      --secrets-clients CN[,CN...]
                           client certificates (by common name) that may read secrets
                           (GetRunningConfig show_secrets) over TCP; the unix socket's
                           file permissions govern it locally
      --insecure           serve --listen in plaintext without client authentication
                           (loopback addresses only; secrets are never served on it)
      --log-level LEVEL    debug, info (default), warning, error
      --no-fib             never change kernel routes (connected routes are still
                           learned from the kernel's interfaces)
  -r, --retain             leave vgw's routes in the kernel on exit (they are
                           replaced or removed at the next start)
  -C, --check              check the configuration file and exit
  -v, --version            print the version and exit
  -h, --help               print this help and exit
)";

// Sends the config loader's requests straight to the control plane, the way gRPC would.
class LocalBackend final : public cli::Backend {
 public:
  explicit LocalBackend(api::ControlPlane& cp) : cp_(cp) {}
  Status call(const char* path, const google::protobuf::Message& request,
              google::protobuf::Message& response) override {
    auto r = cp_.call(path, request);
    if (!r) return fail(r.error());
    response.CopyFrom(**r);
    return {};
  }
  Status stream(const char* path, const google::protobuf::Message& request,
                google::protobuf::Message& response,
                const std::function<Status()>& on_message) override {
    return cp_.stream(path, request, [&](const google::protobuf::Message& m) {
      response.CopyFrom(m);
      return on_message();
    });
  }

 private:
  api::ControlPlane& cp_;
};

// Applies the config file line by line; an error names the file and line.
Status load_config(api::ControlPlane& cp, const std::string& path, const std::string& text) {
  LocalBackend backend(cp);
  return apply_lines(backend, text, path);
}

int fail_start(const std::string& msg) {
  std::fprintf(stderr, "vgwd: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = "/etc/vgw/vgwd.conf";
  api::ServerOptions server_options{.unix_socket = "/run/vgw/vgwd.sock"};
  bool check_only = false;
  bool program_fib = true;
  bool retain = false;
  enum { kTlsCert = 256, kTlsKey, kTlsClientCa, kSecretsClients, kInsecure, kLogLevel, kNoFib };
  static const option long_options[] = {
      {"config", required_argument, nullptr, 'f'},   {"socket", required_argument, nullptr, 's'},
      {"listen", required_argument, nullptr, 'l'},   {"tls-cert", required_argument, nullptr, kTlsCert},
      {"tls-key", required_argument, nullptr, kTlsKey}, {"log-level", required_argument, nullptr, kLogLevel},
      {"tls-client-ca", required_argument, nullptr, kTlsClientCa},
      {"secrets-clients", required_argument, nullptr, kSecretsClients},
      {"insecure", no_argument, nullptr, kInsecure},
      {"no-fib", no_argument, nullptr, kNoFib},      {"retain", no_argument, nullptr, 'r'},
      {"check", no_argument, nullptr, 'C'},          {"version", no_argument, nullptr, 'v'},
      {"help", no_argument, nullptr, 'h'},           {nullptr, 0, nullptr, 0}};
  int opt;
  while ((opt = getopt_long(argc, argv, "f:s:l:rCvh", long_options, nullptr)) != -1) {
    switch (opt) {
      case 'f': config_path = optarg; break;
      case 's': server_options.unix_socket = optarg; break;
      case 'l': server_options.tcp_address = optarg; break;
      case kTlsCert: server_options.tls_cert = optarg; break;
      case kTlsKey: server_options.tls_key = optarg; break;
      case kTlsClientCa: server_options.tls_client_ca = optarg; break;
      case kSecretsClients: {
        std::istringstream names(optarg);
        std::string name;
        while (std::getline(names, name, ',')) {
          if (name.empty()) return fail_start("--secrets-clients: an empty name");
          server_options.secrets_clients.insert(name);
        }
        break;
      }
      case kInsecure: server_options.plaintext = true; break;
      case kLogLevel: {
        log::Level level;
        if (!log::parse_level(optarg, level)) {
          return fail_start(std::string("unknown log level '") + optarg +
                            "' (debug, info, warning, error)");
        }
        log::set_level(level);
        break;
      }
      case 'C': check_only = true; break;
      case kNoFib: program_fib = false; break;
      case 'r': retain = true; break;
      case 'v': std::printf("vgwd %s (commit %s)\n", kVersion, kGitCommit); return 0;
      case 'h': std::fputs(kUsage, stdout); return 0;
      default: std::fputs(kUsage, stderr); return 2;
    }
  }
  if (optind < argc) return fail_start(std::string("unexpected argument '") + argv[optind] + "'");
  if (auto st = api::check_server_options(server_options); !st) return fail_start(st.error().message);

  // Signals are taken synchronously by the main thread; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  if (!check_only && api::unix_socket_in_use(server_options.unix_socket)) {
    return fail_start("socket " + server_options.unix_socket +
                      " is in use (is another vgwd running?)");
  }

  // The control plane owns the Gateway and destroys it on its own thread before its io_context
  // goes (see control_plane.h), whichever way main returns.
  api::Dispatcher dispatcher([](Gateway& gw, const v1::ApplyConfigRequest& r) { return apply_config(gw, r); });
  api::ControlPlane control_plane(
      [&] {
        auto gateway = std::make_unique<Gateway>(Gateway::Options{.config_path = check_only ? "" : config_path});
        gateway->set_persist(false);  // loading the file must not rewrite it
        return gateway;
      },
      dispatcher);
  control_plane.start();

  std::error_code ec;
  if (std::filesystem::exists(config_path, ec)) {
    auto text = read_file(config_path);
    if (!text) return fail_start(text.error().message);
    if (auto st = load_config(control_plane, config_path, *text); !st) {
      return fail_start(st.error().message + "\nvgwd: configuration not loaded, not starting");
    }
    (void)control_plane.run([&](Gateway& gw) {
      const ConfigModel& m = gw.config();
      VGW_LOG(kInfo, "config") << "loaded " << config_path << ": " << m.customer_gateways.size()
                               << " customer gateway(s), " << m.tunnels.size() << " tunnel(s), "
                               << m.vpn_connections.size() << " VPN connection(s)"
                               << (m.bgp ? ", router bgp " + std::to_string(m.bgp->asn) : "");
    });
  } else if (check_only) {
    return fail_start("config file " + config_path + " does not exist");
  } else {
    VGW_LOG(kWarning, "config") << "config file " << config_path
                                << " does not exist; starting with an empty configuration"
                                   " (the file is created on the first change)";
  }
  if (check_only) {
    std::printf("%s: configuration OK\n", config_path.c_str());
    return 0;
  }
  // A write interrupted by a crash leaves its temporary file behind; the rename never happened,
  // so the config file itself is whole. Remove such leftovers.
  {
    std::filesystem::path cfg(config_path);
    std::string stem = cfg.filename().string() + ".tmp.";
    std::error_code it_ec;
    auto dir = cfg.has_parent_path() ? cfg.parent_path() : std::filesystem::path(".");
    for (const auto& e : std::filesystem::directory_iterator(dir, it_ec)) {
      if (e.path().filename().string().rfind(stem, 0) == 0) std::filesystem::remove(e.path(), it_ec);
    }
  }

  // From here on every acknowledged change is written to the config file before the reply.
  Status kernel_started;
  Status ran = control_plane.run([&](Gateway& gw) {
    gw.set_persist(true);
    kernel_started = gw.start_kernel(control_plane.io(), {.program_fib = program_fib});
  });
  if (!ran) return fail_start(ran.error().message);
  if (!kernel_started) return fail_start("kernel: " + kernel_started.error().message);

  std::error_code dir_ec;
  auto socket_dir = std::filesystem::path(server_options.unix_socket).parent_path();
  if (!socket_dir.empty()) std::filesystem::create_directories(socket_dir, dir_ec);
  api::ApiServer server(control_plane);
  if (auto st = server.start(server_options); !st) return fail_start(st.error().message);
  VGW_LOG(kInfo, "vgwd") << "vgwd " << kVersion << " started (pid " << getpid() << ", config "
                         << config_path << ")";

  int sig = 0;
  while (true) {
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      VGW_LOG(kInfo, "vgwd") << "SIGHUP ignored (configuration changes go through vgwsh/gRPC)";
      continue;
    }
    break;
  }
  VGW_LOG(kInfo, "vgwd") << "received " << strsignal(sig) << ", shutting down";
  server.shutdown();
  (void)control_plane.run([&](Gateway& gw) { gw.stop_kernel(retain); });
  control_plane.stop();
  VGW_LOG(kInfo, "vgwd") << "stopped";
  return 0;
}
