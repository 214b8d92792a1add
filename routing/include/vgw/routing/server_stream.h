// ServerStream: what a server-streaming method of the API (List*, Watch*) is on the control
// plane. The Gateway's components produce them; the API layer (routing/api) transports them to
// gRPC or the config loader. It lives here, not in routing/api, so the components do not depend
// on the API layer that depends on them.
#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <memory>

#include "vgw/base/result.h"

namespace vgw::routing::api {

using Message = google::protobuf::Message;

// The control-plane side of one server-streaming call (List*, Watch*). The transport asks for
// the next message whenever the client can take one, so a long listing is produced batch by
// batch between other work and a slow client never makes the daemon buffer without bound.
// Lives on the control-plane thread only.
class ServerStream {
 public:
  virtual ~ServerStream() = default;
  struct Next {
    enum class Kind { kMessage, kWait, kEnd, kError } kind = Kind::kEnd;
    std::unique_ptr<Message> message;  // kMessage
    Error error;                       // kError
  };
  // kWait: nothing to send now; the stream calls wake() once there is.
  virtual Next next() = 0;
  // Set by the transport before the first next().
  std::function<void()> wake;

  static Next message(std::unique_ptr<Message> m) {
    return {Next::Kind::kMessage, std::move(m), {}};
  }
  static Next wait() { return {Next::Kind::kWait, nullptr, {}}; }
  static Next end() { return {Next::Kind::kEnd, nullptr, {}}; }
};

}  // namespace vgw::routing::api
