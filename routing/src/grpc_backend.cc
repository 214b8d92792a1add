#include "grpc_backend.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>

namespace vgw::routing {

struct GrpcBackend::Impl {
  std::string target;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
  bool connected = false;
};

GrpcBackend::GrpcBackend(std::string target, const std::string& tls_ca_pem)
    : impl_(std::make_unique<Impl>()) {
  impl_->target = std::move(target);
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (!tls_ca_pem.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls_ca_pem;
    creds = grpc::SslCredentials(ssl);
  }
  impl_->channel = grpc::CreateChannel(impl_->target, creds);
  impl_->stub = std::make_unique<grpc::GenericStub>(impl_->channel);
}

GrpcBackend::~GrpcBackend() = default;

Status GrpcBackend::call(const char* path, const google::protobuf::Message& request,
                         google::protobuf::Message& response) {
  using namespace std::chrono;
  if (!impl_->connected) {
    if (!impl_->channel->WaitForConnected(system_clock::now() + seconds(3))) {
      return fail(Error::unavailable("% Cannot reach vgwd at " + impl_->target +
                                     " (is it running? use --socket PATH)"));
    }
    impl_->connected = true;
  }
  std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer send(&slice, 1);
  grpc::ByteBuffer recv;
  grpc::ClientContext ctx;
  ctx.set_deadline(system_clock::now() + seconds(60));
  std::promise<grpc::Status> done;
  impl_->stub->UnaryCall(&ctx, path, grpc::StubOptions(), &send, &recv,
                         [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    return fail(Error{static_cast<ErrorCode>(status.error_code()), "% " + status.error_message()});
  }
  std::vector<grpc::Slice> slices;
  if (!recv.Dump(&slices).ok()) return fail(Error::internal("% Cannot read the reply"));
  std::string reply;
  for (auto& s : slices) reply.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (!response.ParseFromString(reply)) {
    return fail(Error::internal("% Malformed reply from vgwd for " + std::string(path)));
  }
  return {};
}

}  // namespace vgw::routing
