// ControlPlane: the one thread that runs every protocol state machine (an asio io_context),
// and the doorway through which other threads (gRPC, the config loader) hand it requests.
// Requests are posted to the loop and answered through a callback, so no lock guards the
// Gateway: only this thread ever touches it.
//
// Lifetimes are right by construction: the ControlPlane owns the io_context and the Gateway,
// and stop() destroys the Gateway on the loop's own thread while the io_context is still alive
// (every timer, socket and descriptor the Gateway holds is bound to that io_context), then
// ends the loop. A call made once the loop has stopped fails with UNAVAILABLE ("control plane
// stopped") instead of waiting forever; call() also gives up after its deadline.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "vgw/base/result.h"
#include "vgw/routing/api/dispatcher.h"

namespace boost::asio {
class io_context;
}

namespace vgw::routing::api {

class ControlPlane {
 public:
  // How long call() waits for the loop by default.
  static constexpr std::chrono::seconds kDefaultDeadline{60};

  // make_gateway runs once, on the calling thread (nothing runs on the loop yet).
  ControlPlane(const std::function<std::unique_ptr<Gateway>()>& make_gateway,
               const Dispatcher& dispatcher);
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  boost::asio::io_context& io();
  void start();  // runs the loop on its own thread
  // Lets queued work finish, destroys the Gateway on the loop thread, ends the loop, joins.
  // Work queued after this is never run; waiters on it are answered "control plane stopped".
  void stop();
  bool stopped() const;

  // Serves a request given as wire bytes; `done` runs on the control-plane thread (never, if
  // the loop stops first).
  void submit(std::string path, std::string request,
              std::function<void(Result<std::string>)> done);
  // Serves a request and waits for it, at most `deadline` (DEADLINE_EXCEEDED; the request may
  // still be served later: it owns a copy of what it needs). UNAVAILABLE once stopped.
  // Never call this from the control-plane thread.
  Result<std::unique_ptr<Message>> call(std::string_view path, const Message& request,
                                        std::chrono::milliseconds deadline = kDefaultDeadline);
  // Runs fn on the control-plane thread and waits for it (fn may capture by reference, so
  // there is no deadline; an error only if the loop stopped before fn ran). Never from the
  // control-plane thread itself.
  Status run(std::function<void(Gateway&)> fn);
  // Queues fn on the control-plane thread.
  void post(std::function<void()> fn);
  // Runs a server-streaming method to its end, handing each message to on_message on the
  // calling thread (a stream that would wait for more counts as ended). Never from the
  // control-plane thread.
  Status stream(std::string_view path, const Message& request,
                const std::function<Status(const Message&)>& on_message);

  // For the transport, on the control-plane thread only (null once stop() has begun).
  Gateway* gateway();
  const Dispatcher& dispatcher() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vgw::routing::api
