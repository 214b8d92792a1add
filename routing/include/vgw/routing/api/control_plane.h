// ControlPlane: the one thread that runs every protocol state machine (an asio io_context),
// and the doorway through which other threads (gRPC, the config loader) hand it requests.
// Requests are posted to the loop and answered through a callback, so no lock guards the
// Gateway: only this thread ever touches it.
#pragma once

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
  ControlPlane(Gateway& gateway, const Dispatcher& dispatcher);
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  boost::asio::io_context& io();
  void start();  // runs the loop on its own thread
  void stop();   // lets queued work finish, abandons pending waits, joins

  // Serves a request given as wire bytes; `done` runs on the control-plane thread.
  void submit(std::string path, std::string request,
              std::function<void(Result<std::string>)> done);
  // Serves a request and waits for it. Never call this from the control-plane thread.
  Result<std::unique_ptr<Message>> call(std::string_view path, const Message& request);
  // Runs fn on the control-plane thread and waits for it. Never from that thread itself.
  void run(std::function<void(Gateway&)> fn);
  // Queues fn on the control-plane thread.
  void post(std::function<void()> fn);
  // Runs a server-streaming method to its end, handing each message to on_message on the
  // calling thread (a stream that would wait for more counts as ended). Never from the
  // control-plane thread.
  Status stream(std::string_view path, const Message& request,
                const std::function<Status(const Message&)>& on_message);

  // For the transport, on the control-plane thread only.
  Gateway& gateway();
  const Dispatcher& dispatcher() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vgw::routing::api
