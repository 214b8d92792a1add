#include "vgw/routing/api/control_plane.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include "vgw/routing/gateway.h"

namespace vgw::routing::api {

namespace {

Error stopped_error() { return Error::unavailable("control plane stopped (vgwd is shutting down)"); }

}  // namespace

struct ControlPlane::Impl {
  explicit Impl(const Dispatcher& d) : dispatcher(d) {}
  const Dispatcher& dispatcher;
  // Declared first, destroyed last: everything the Gateway holds is bound to it.
  boost::asio::io_context io{1};
  std::unique_ptr<Gateway> gateway;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::thread thread;
  std::atomic<bool> stopped{false};  // set once the loop thread has ended

  // Waits for a future fed by the loop; fails once the loop has ended without serving it.
  template <typename T>
  bool wait(std::future<T>& f, std::chrono::steady_clock::time_point deadline, Error& why) {
    while (f.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
      if (stopped.load()) {
        // The loop is gone; the handler either ran before it ended or never will.
        if (f.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return true;
        why = stopped_error();
        return false;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        why = Error{ErrorCode::kDeadlineExceeded, "the control plane did not answer in time"};
        return false;
      }
    }
    return true;
  }
};

ControlPlane::ControlPlane(const std::function<std::unique_ptr<Gateway>()>& make_gateway,
                           const Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(dispatcher)) {
  impl_->gateway = make_gateway();
}

ControlPlane::~ControlPlane() {
  stop();
  // Never started: nothing ran on a loop thread, so the Gateway goes here, before the io_context.
  impl_->gateway.reset();
}

boost::asio::io_context& ControlPlane::io() { return impl_->io; }

void ControlPlane::start() {
  impl_->work.emplace(impl_->io.get_executor());
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void ControlPlane::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->work.reset();
  // Work queued so far still runs; then the Gateway goes, on this thread, while the io_context
  // it is bound to is alive; waits that never end (sockets, netlink) are abandoned.
  boost::asio::post(impl_->io, [this] {
    impl_->gateway.reset();
    impl_->io.stop();
  });
  impl_->thread.join();
  impl_->stopped.store(true);
}

bool ControlPlane::stopped() const { return impl_->stopped.load(); }

void ControlPlane::submit(std::string path, std::string request,
                          std::function<void(Result<std::string>)> done) {
  boost::asio::post(impl_->io, [this, path = std::move(path), request = std::move(request),
                                done = std::move(done)] {
    if (!impl_->gateway) return done(fail(stopped_error()));
    done(impl_->dispatcher.handle_bytes(*impl_->gateway, path, request));
  });
}

Result<std::unique_ptr<Message>> ControlPlane::call(std::string_view path, const Message& request,
                                                    std::chrono::milliseconds deadline) {
  if (stopped()) return fail(stopped_error());
  const auto until = std::chrono::steady_clock::now() + deadline;
  // The handler owns what it uses: after a deadline the caller's request and stack are gone.
  std::shared_ptr<Message> copy(request.New());
  copy->CopyFrom(request);
  auto promise = std::make_shared<std::promise<Result<std::unique_ptr<Message>>>>();
  auto future = promise->get_future();
  boost::asio::post(impl_->io, [this, path = std::string(path), copy, promise] {
    if (!impl_->gateway) return promise->set_value(fail(stopped_error()));
    promise->set_value(impl_->dispatcher.handle(*impl_->gateway, path, *copy));
  });
  Error why;
  if (!impl_->wait(future, until, why)) return fail(why);
  return future.get();
}

void ControlPlane::post(std::function<void()> fn) { boost::asio::post(impl_->io, std::move(fn)); }

Gateway* ControlPlane::gateway() { return impl_->gateway.get(); }
const Dispatcher& ControlPlane::dispatcher() const { return impl_->dispatcher; }

Status ControlPlane::stream(std::string_view path, const Message& request,
                            const std::function<Status(const Message&)>& on_message) {
  std::unique_ptr<ServerStream> stream;
  const auto forever = std::chrono::steady_clock::time_point::max();
  Error why;
  {
    std::promise<Status> opened;
    auto f = opened.get_future();
    if (auto st = run([&](Gateway& gw) {
          auto s = impl_->dispatcher.open_stream(gw, path, request);
          if (!s) {
            opened.set_value(fail(s.error()));
            return;
          }
          stream = std::move(*s);
          stream->wake = [] {};
          opened.set_value({});
        });
        !st) {
      return st;
    }
    if (auto st = f.get(); !st) return st;
  }
  Status result;
  while (true) {
    std::promise<ServerStream::Next> next;
    auto f = next.get_future();
    boost::asio::post(impl_->io, [&] { next.set_value(stream->next()); });
    if (!impl_->wait(f, forever, why)) {
      result = fail(why);
      break;
    }
    auto n = f.get();
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
  // The stream belongs to the control-plane thread: destroy it there (or here, if that thread
  // has ended: then nothing else can touch it).
  if (!run([&](Gateway&) { stream.reset(); })) stream.reset();
  return result;
}

Status ControlPlane::run(std::function<void(Gateway&)> fn) {
  if (stopped()) return fail(stopped_error());
  std::promise<bool> promise;
  auto future = promise.get_future();
  boost::asio::post(impl_->io, [&] {
    if (!impl_->gateway) return promise.set_value(false);
    fn(*impl_->gateway);
    promise.set_value(true);
  });
  Error why;
  if (!impl_->wait(future, std::chrono::steady_clock::time_point::max(), why)) return fail(why);
  if (!future.get()) return fail(stopped_error());
  return {};
}

}  // namespace vgw::routing::api
