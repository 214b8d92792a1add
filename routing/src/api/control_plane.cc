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
