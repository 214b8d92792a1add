#include "vgw/routing/api/control_plane.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <optional>
#include <thread>

namespace vgw::routing::api {

struct ControlPlane::Impl {
  Impl(Gateway& g, const Dispatcher& d) : gateway(g), dispatcher(d) {}
  Gateway& gateway;
  const Dispatcher& dispatcher;
  boost::asio::io_context io{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::thread thread;
};

ControlPlane::ControlPlane(Gateway& gateway, const Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(gateway, dispatcher)) {}

ControlPlane::~ControlPlane() { stop(); }

boost::asio::io_context& ControlPlane::io() { return impl_->io; }

void ControlPlane::start() {
  impl_->work.emplace(impl_->io.get_executor());
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void ControlPlane::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->work.reset();
  // Work queued so far still runs; waits that never end (sockets, netlink) are abandoned.
  boost::asio::post(impl_->io, [this] { impl_->io.stop(); });
  impl_->thread.join();
}

void ControlPlane::submit(std::string path, std::string request,
                          std::function<void(Result<std::string>)> done) {
  boost::asio::post(impl_->io, [this, path = std::move(path), request = std::move(request),
                                done = std::move(done)] {
    done(impl_->dispatcher.handle_bytes(impl_->gateway, path, request));
  });
}

Result<std::unique_ptr<Message>> ControlPlane::call(std::string_view path,
                                                    const Message& request) {
  std::promise<Result<std::unique_ptr<Message>>> promise;
  auto future = promise.get_future();
  boost::asio::post(impl_->io, [&] {
    promise.set_value(impl_->dispatcher.handle(impl_->gateway, path, request));
  });
  return future.get();
}

void ControlPlane::post(std::function<void()> fn) { boost::asio::post(impl_->io, std::move(fn)); }

Gateway& ControlPlane::gateway() { return impl_->gateway; }
const Dispatcher& ControlPlane::dispatcher() const { return impl_->dispatcher; }

Status ControlPlane::stream(std::string_view path, const Message& request,
                            const std::function<Status(const Message&)>& on_message) {
  std::unique_ptr<ServerStream> stream;
  {
    std::promise<Status> opened;
    boost::asio::post(impl_->io, [&] {
      auto s = impl_->dispatcher.open_stream(impl_->gateway, path, request);
      if (!s) {
        opened.set_value(fail(s.error()));
        return;
      }
      stream = std::move(*s);
      stream->wake = [] {};
      opened.set_value({});
    });
    if (auto st = opened.get_future().get(); !st) return st;
  }
  Status result;
  while (true) {
    std::promise<ServerStream::Next> next;
    boost::asio::post(impl_->io, [&] { next.set_value(stream->next()); });
    auto n = next.get_future().get();
    if (n.kind == ServerStream::Next::Kind::kMessage) {
      if (auto st = on_message(*n.message); !st) {
        result = st;
        break;
      }
      continue;
    }
    if (n.kind == ServerStream::Next::Kind::kError) result = fail(n.error);
    break;
  }
  // The stream belongs to the control-plane thread: destroy it there.
  run([&](Gateway&) { stream.reset(); });
  return result;
}

void ControlPlane::run(std::function<void(Gateway&)> fn) {
  std::promise<void> promise;
  auto future = promise.get_future();
  boost::asio::post(impl_->io, [&] {
    fn(impl_->gateway);
    promise.set_value();
  });
  future.get();
}

}  // namespace vgw::routing::api
