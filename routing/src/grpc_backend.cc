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

GrpcBackend::GrpcBackend(std::string target, const Tls& tls) : impl_(std::make_unique<Impl>()) {
  impl_->target = std::move(target);
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (!tls.ca.empty() || !tls.cert.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls.ca;
    ssl.pem_cert_chain = tls.cert;
    ssl.pem_private_key = tls.key;
    creds = grpc::SslCredentials(ssl);
  }
  impl_->channel = grpc::CreateChannel(impl_->target, creds);
  impl_->stub = std::make_unique<grpc::GenericStub>(impl_->channel);
}

GrpcBackend::~GrpcBackend() = default;

namespace {

std::string to_bytes(grpc::ByteBuffer& buf) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buf.Dump(&slices).ok()) return out;
  for (auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

Error from_grpc(const grpc::Status& status) {
  return Error{static_cast<ErrorCode>(status.error_code()), "% " + status.error_message()};
}

// Reads a server stream: one request out, then messages in until the server finishes.
class StreamReader final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamReader(google::protobuf::Message& response, const std::function<Status()>& on_message)
      : response_(response), on_message_(on_message) {}

  void start(grpc::GenericStub& stub, const char* path, const std::string& request) {
    grpc::Slice slice(request);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub.PrepareBidiStreamingCall(&ctx_, path, grpc::StubOptions(), this);
    StartWrite(&request_);
    StartWritesDone();
    StartRead(&incoming_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the server finished; OnDone brings the status
    if (!response_.ParseFromString(to_bytes(incoming_))) {
      result_ = fail(Error::internal("% Malformed stream message from vgwd"));
      ctx_.TryCancel();
      return;
    }
    if (auto st = on_message_(); !st) {
      result_ = st;
      ctx_.TryCancel();
      return;
    }
    StartRead(&incoming_);
  }

  void OnDone(const grpc::Status& status) override {
    if (result_.ok() && !status.ok()) result_ = fail(from_grpc(status));
    done_.set_value();
  }

  Status wait() {
    done_.get_future().wait();
    return result_;
  }

 private:
  google::protobuf::Message& response_;
  const std::function<Status()>& on_message_;
  grpc::ClientContext ctx_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer incoming_;
  Status result_;
  std::promise<void> done_;
};

}  // namespace

Status GrpcBackend::connect() {
  using namespace std::chrono;
  if (!impl_->connected) {
    if (!impl_->channel->WaitForConnected(system_clock::now() + seconds(3))) {
      return fail(Error::unavailable("% Cannot reach vgwd at " + impl_->target +
                                     " (is it running? use --socket PATH)"));
    }
    impl_->connected = true;
  }
  return {};
}

Status GrpcBackend::stream(const char* path, const google::protobuf::Message& request,
                           google::protobuf::Message& response,
                           const std::function<Status()>& on_message) {
  if (auto st = connect(); !st) return st;
  StreamReader reader(response, on_message);
  reader.start(*impl_->stub, path, request.SerializeAsString());
  return reader.wait();
}

Status GrpcBackend::call(const char* path, const google::protobuf::Message& request,
                         google::protobuf::Message& response) {
  using namespace std::chrono;
  if (auto st = connect(); !st) return st;
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
  if (!status.ok()) return fail(from_grpc(status));
  if (!response.ParseFromString(to_bytes(recv))) {
    return fail(Error::internal("% Malformed reply from vgwd for " + std::string(path)));
  }
  return {};
}

}  // namespace vgw::routing
