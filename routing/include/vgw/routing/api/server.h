// ApiServer: the gRPC front door. One generic handler serves every method of the API by
// passing the raw request to the ControlPlane and the raw reply back; the typed work happens
// in the Dispatcher. Listens on a unix socket (mode 0660: its file permissions are the access
// control, as vtysh's) and optionally on TCP with mutual TLS: the client must present a
// certificate signed by the configured CA. Secrets (GetRunningConfig show_secrets) go over TCP
// only to the client certificates named in secrets_clients; a plaintext TCP listener exists
// only on request, on a loopback address, and never serves secrets.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "vgw/base/result.h"
#include "vgw/routing/api/control_plane.h"

namespace vgw::routing::api {

struct ServerOptions {
  std::string unix_socket;  // path; required
  std::string tcp_address;  // "host:port", empty = no TCP listener
  std::string tls_cert;       // PEM files: the listener's certificate and key,
  std::string tls_key;
  std::string tls_client_ca;  // and the CA(s) that sign the clients' certificates
  std::set<std::string> secrets_clients;  // client certificates' CNs that may read secrets
  bool plaintext = false;     // TCP without TLS (loopback only)
};

// The options make sense together (TLS files all given or, with plaintext, none; a loopback
// address for plaintext); the error says what is missing.
Status check_server_options(const ServerOptions& options);

class ApiServer {
 public:
  explicit ApiServer(ControlPlane& control_plane);
  ~ApiServer();
  Status start(const ServerOptions& options);
  // Stops accepting, lets in-flight requests finish (up to a short deadline).
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether something accepts connections on this unix socket path (used to refuse a second
// daemon instead of stealing its socket).
bool unix_socket_in_use(const std::string& path);

}  // namespace vgw::routing::api
