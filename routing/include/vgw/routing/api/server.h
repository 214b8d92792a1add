// ApiServer: the gRPC front door. One generic handler serves every method of the API by
// passing the raw request to the ControlPlane and the raw reply back; the typed work happens
// in the Dispatcher. Listens on a unix socket (mode 0660) and optionally on TCP (with TLS when
// a certificate and key are given).
#pragma once

#include <memory>
#include <string>

#include "vgw/base/result.h"
#include "vgw/routing/api/control_plane.h"

namespace vgw::routing::api {

struct ServerOptions {
  std::string unix_socket;  // path; required
  std::string tcp_address;  // "host:port", empty = no TCP listener
  std::string tls_cert;     // PEM files; both empty = plaintext TCP
  std::string tls_key;
};

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
