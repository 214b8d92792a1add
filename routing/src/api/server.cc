#include "vgw/routing/api/server.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>

#include "vgw/base/file.h"
#include "vgw/base/ip.h"
#include "vgw/base/log.h"

namespace vgw::routing::api {

namespace {

grpc::StatusCode to_grpc(ErrorCode code) { return static_cast<grpc::StatusCode>(code); }

bool read_request(grpc::ByteBuffer& buffer, std::string& out) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  for (auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return true;
}

// Who may read secrets: callers on the unix socket (its file permissions decide who they
// are), and TCP clients whose verified certificate's common name is listed.
struct Access {
  std::set<std::string> secrets_clients;
};

// The caller's certificate common name (empty if none was verified).
std::string client_name(const grpc::ServerContextBase& ctx) {
  auto auth = ctx.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return "";
  auto names = auth->FindPropertyValues("x509_common_name");
  return names.empty() ? "" : std::string(names.front().data(), names.front().size());
}

// PERMISSION_DENIED if the request asks for secrets the caller may not read.
std::optional<grpc::Status> refuse_secrets(const grpc::ServerContextBase& ctx, const Access& access,
                                           std::string_view method, const std::string& request) {
  if (!Dispatcher::reveals_secrets(method, request)) return std::nullopt;
  if (ctx.peer().rfind("unix:", 0) == 0) return std::nullopt;
  std::string name = client_name(ctx);
  if (!name.empty() && access.secrets_clients.count(name)) return std::nullopt;
  std::string who = name.empty() ? "a plaintext TCP client" : "client certificate CN=" + name;
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                      "secrets are not served to " + who +
                          " (over TCP only to certificates named in vgwd --secrets-clients;"
                          " locally through the unix socket)");
}

// One unary call: read the request, hand it to the control plane, write the reply.
class UnaryReactor final : public grpc::ServerGenericBidiReactor {
 public:
  UnaryReactor(grpc::GenericCallbackServerContext* ctx, ControlPlane& cp, const Access& access)
      : ctx_(ctx), cp_(cp), access_(access) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
      return;
    }
    std::string bytes;
    if (!read_request(request_, bytes)) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL, "cannot read request"));
      return;
    }
    if (auto refused = refuse_secrets(*ctx_, access_, ctx_->method(), bytes)) {
      Finish(*refused);
      return;
    }
    cp_.submit(ctx_->method(), std::move(bytes), [this](Result<std::string> r) {
      if (!r) {
        Finish(grpc::Status(to_grpc(r.error().code), r.error().message));
        return;
      }
      reply_bytes_ = std::move(*r);
      grpc::Slice slice(reply_bytes_);
      reply_ = grpc::ByteBuffer(&slice, 1);
      StartWriteAndFinish(&reply_, grpc::WriteOptions(), grpc::Status::OK);
    });
  }

  void OnDone() override { delete this; }

 private:
  grpc::GenericCallbackServerContext* ctx_;
  ControlPlane& cp_;
  const Access& access_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer reply_;
  std::string reply_bytes_;
};

// One server-streaming call. The ServerStream is created, pumped and destroyed on the
// control-plane thread; gRPC's callbacks only post work there. One write is in flight at a
// time, so a slow client throttles the stream instead of growing a buffer.
class StreamReactor final : public grpc::ServerGenericBidiReactor {
 public:
  StreamReactor(grpc::GenericCallbackServerContext* ctx, ControlPlane& cp)
      : ctx_(ctx), cp_(cp), state_(std::make_shared<State>()) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
      return;
    }
    std::string bytes;
    if (!read_request(request_, bytes)) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL, "cannot read request"));
      return;
    }
    cp_.post([this, bytes = std::move(bytes)] {
      Gateway* gateway = cp_.gateway();
      if (!gateway) {
        finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "control plane stopped"));
        return;
      }
      auto s = cp_.dispatcher().open_stream_bytes(*gateway, ctx_->method(), bytes);
      if (!s) {
        finish(grpc::Status(to_grpc(s.error().code), s.error().message));
        return;
      }
      state_->stream = std::move(*s);
      std::weak_ptr<State> weak = state_;
      state_->stream->wake = [this, weak] {
        auto st = weak.lock();
        if (!st || !st->waiting) return;
        st->waiting = false;
        cp_.post([this, weak] {
          if (weak.lock()) pump();
        });
      };
      pump();
    });
  }

  void OnWriteDone(bool ok) override {
    std::weak_ptr<State> weak = state_;
    cp_.post([this, ok, weak] {
      if (!weak.lock()) return;
      if (!ok) {
        finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
        return;
      }
      pump();
    });
  }

  void OnCancel() override {
    std::weak_ptr<State> weak = state_;
    cp_.post([this, weak] {
      if (weak.lock() && state_->waiting) finish(grpc::Status::CANCELLED);
    });
  }

  void OnDone() override {
    // Destroy the stream (which may hold subscriptions) on its own thread, then ourselves.
    cp_.post([this] {
      state_.reset();
      delete this;
    });
  }

 private:
  struct State {
    std::unique_ptr<ServerStream> stream;
    bool waiting = false;
    bool finished = false;
  };

  // Control-plane thread.
  void pump() {
    if (state_->finished) return;
    if (ctx_->IsCancelled()) {
      finish(grpc::Status::CANCELLED);
      return;
    }
    auto next = state_->stream->next();
    switch (next.kind) {
      case ServerStream::Next::Kind::kMessage: {
        reply_bytes_ = next.message->SerializeAsString();
        grpc::Slice slice(reply_bytes_);
        reply_ = grpc::ByteBuffer(&slice, 1);
        StartWrite(&reply_);
        break;
      }
      case ServerStream::Next::Kind::kWait: state_->waiting = true; break;
      case ServerStream::Next::Kind::kEnd: finish(grpc::Status::OK); break;
      case ServerStream::Next::Kind::kError:
        finish(grpc::Status(to_grpc(next.error.code), next.error.message));
        break;
    }
  }

  void finish(grpc::Status status) {
    if (state_->finished) return;
    state_->finished = true;
    Finish(std::move(status));
  }

  grpc::GenericCallbackServerContext* ctx_;
  ControlPlane& cp_;
  std::shared_ptr<State> state_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer reply_;
  std::string reply_bytes_;
};

class GenericService final : public grpc::CallbackGenericService {
 public:
  explicit GenericService(ControlPlane& cp) : cp_(cp) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    // The method table is immutable after start-up: safe to read from gRPC's threads.
    const auto* m = cp_.dispatcher().find(ctx->method());
    if (m && m->streaming()) return new StreamReactor(ctx, cp_);
    return new UnaryReactor(ctx, cp_, access);
  }
  Access access;  // set before the server starts

 private:
  ControlPlane& cp_;
};

bool loopback(const std::string& host_port) {
  std::string host = host_port.substr(0, host_port.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") return true;
  auto ip = IpAddress::parse(host);
  return ip && ip->is_loopback();
}

}  // namespace

struct ApiServer::Impl {
  explicit Impl(ControlPlane& cp) : service(cp) {}
  GenericService service;
  std::unique_ptr<grpc::Server> server;
  std::string unix_socket;
};

ApiServer::ApiServer(ControlPlane& cp) : impl_(std::make_unique<Impl>(cp)) {}

ApiServer::~ApiServer() { shutdown(); }

bool unix_socket_in_use(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  bool in_use = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return in_use;
}

Status check_server_options(const ServerOptions& o) {
  const bool tls = !o.tls_cert.empty() || !o.tls_key.empty() || !o.tls_client_ca.empty();
  if (o.tcp_address.empty()) {
    if (tls || o.plaintext || !o.secrets_clients.empty()) {
      return fail(Error::invalid("--tls-cert, --tls-key, --tls-client-ca, --secrets-clients and "
                                 "--insecure go with --listen"));
    }
    return {};
  }
  if (o.plaintext) {
    if (tls || !o.secrets_clients.empty()) {
      return fail(Error::invalid("--insecure is plaintext: no --tls-* or --secrets-clients with it"));
    }
    if (!loopback(o.tcp_address)) {
      return fail(Error::invalid("--insecure: " + o.tcp_address +
                                 " is not a loopback address (plaintext TCP is for the local "
                                 "host only; use mutual TLS elsewhere)"));
    }
    return {};
  }
  if (o.tls_cert.empty() || o.tls_key.empty() || o.tls_client_ca.empty()) {
    return fail(Error::invalid("--listen needs --tls-cert, --tls-key and --tls-client-ca (mutual "
                               "TLS: clients present a certificate signed by that CA); "
                               "--insecure serves plaintext on a loopback address instead"));
  }
  return {};
}

Status ApiServer::start(const ServerOptions& options) {
  if (auto st = check_server_options(options); !st) return st;
  if (options.unix_socket.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return fail(Error::invalid("socket path " + options.unix_socket + " is too long"));
  }
  if (unix_socket_in_use(options.unix_socket)) {
    return fail(Error::unavailable("socket " + options.unix_socket +
                                   " is in use (is another vgwd running?)"));
  }
  ::unlink(options.unix_socket.c_str());  // a stale socket from a crashed daemon

  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + options.unix_socket, grpc::InsecureServerCredentials());
  int tcp_port = 0;
  if (!options.tcp_address.empty()) {
    std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
    if (!options.plaintext) {
      auto cert = read_file(options.tls_cert);
      if (!cert) return fail(Error::invalid("TLS certificate: " + cert.error().message));
      auto key = read_file(options.tls_key);
      if (!key) return fail(Error::invalid("TLS key: " + key.error().message));
      auto ca = read_file(options.tls_client_ca);
      if (!ca) return fail(Error::invalid("TLS client CA: " + ca.error().message));
      grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
      ssl.pem_key_cert_pairs.push_back({*key, *cert});
      ssl.pem_root_certs = *ca;
      creds = grpc::SslServerCredentials(ssl);
    }
    impl_->service.access.secrets_clients = options.secrets_clients;
    builder.AddListeningPort(options.tcp_address, creds, &tcp_port);
  }
  builder.RegisterCallbackGenericService(&impl_->service);
  impl_->server = builder.BuildAndStart();
  if (!impl_->server) {
    return fail(Error::unavailable("cannot listen on unix:" + options.unix_socket +
                                   (options.tcp_address.empty() ? "" : " or " + options.tcp_address)));
  }
  if (!options.tcp_address.empty() && tcp_port == 0) {
    impl_->server->Shutdown();
    impl_->server.reset();
    return fail(Error::unavailable("cannot listen on " + options.tcp_address));
  }
  impl_->unix_socket = options.unix_socket;
  ::chmod(options.unix_socket.c_str(), 0660);
  VGW_LOG(kInfo, "api") << "serving gRPC on unix:" << options.unix_socket
                        << (options.tcp_address.empty()
                                ? ""
                                : " and " + options.tcp_address +
                                      (options.plaintext ? " (plaintext)" : " (mutual TLS)"));
  return {};
}

void ApiServer::shutdown() {
  if (!impl_->server) return;
  impl_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  impl_->server->Wait();
  impl_->server.reset();
  ::unlink(impl_->unix_socket.c_str());
}

}  // namespace vgw::routing::api
