// The state one IkeSa keeps, shared by its exchange tasks (task.h) and its message layer
// (ike_sa.cc). Not an API for drivers: they use IkeSa (ike_sa.h).
//
// An IKE SA is, on the wire, a pair of SPIs with keys and two message-ID sequences (RFC 7296
// 2.2, 2.3): a Channel. IkeSa has one, or two while an IKE SA rekey (2.18) waits for the old
// SA's Delete: the new Channel carries everything, the old one only finishes its Delete.
// Each Channel has a window of one outstanding request (2.3) with its retransmission state,
// and the last response it sent, re-sent when the peer retransmits that request (2.1).
//
// Child SAs belong to the endpoint, not to a Channel: an IKE rekey moves them implicitly.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/base/result.h"
#include "vgw/ike/actions.h"
#include "vgw/ike/config.h"
#include "vgw/ike/crypto/dh.h"
#include "vgw/ike/crypto/key_schedule.h"
#include "vgw/ike/crypto/sk_cipher.h"
#include "vgw/ike/wire/message.h"

namespace vgw::ike {

class Task;

enum class IkeSaState : uint8_t {
  kIdle,         // not started (initiator) / waiting for IKE_SA_INIT (responder)
  kInitSent,     // initiator: IKE_SA_INIT request outstanding
  kInitDone,     // responder: IKE_SA_INIT answered, waiting for IKE_AUTH
  kAuthSent,     // initiator: IKE_AUTH request outstanding
  kEstablished,  // authenticated; CREATE_CHILD_SA and INFORMATIONAL run here
  kDeleting,     // our Delete of the IKE SA is outstanding
  kClosed,       // gone; reason says why
};
// "init-sent", "init-answered", "auth-sent", "established", ... (the API's words)
const char* state_name(IkeSaState s);

struct IkeSaCounters {
  uint64_t received = 0;             // datagrams given to on_datagram
  uint64_t sent = 0;                 // Send actions (retransmissions included)
  uint64_t retransmits = 0;          // requests sent again after a timeout
  uint64_t malformed = 0;            // dropped: header, payload or rule errors
  uint64_t integrity_failures = 0;   // dropped: SK payload did not verify or decrypt
  uint64_t unexpected_responses = 0; // dropped: no outstanding request with that ID
  uint64_t unknown_spi = 0;          // dropped: SPIs of no SA of ours
  uint64_t old_requests = 0;         // dropped: request ID neither expected nor last
  uint64_t duplicate_requests = 0;   // answered from the response cache
  uint64_t invalid_syntax_sent = 0;  // authenticated requests answered with INVALID_SYNTAX
};

struct Outstanding {
  std::unique_ptr<Task> task;
  uint32_t message_id = 0;
  wire::ExchangeType exchange = wire::ExchangeType::kInformational;
  Bytes datagram;
  bool nat_t = false;
  RetransmitPolicy policy;
  int retransmits = 0;
  Clock::TimePoint next{};
};

// One pair of IKE SPIs with its keys and message-ID window.
struct Channel {
  IkeSpis spis;
  bool original_initiator = false;  // we sent its IKE_SA_INIT (or its rekey request): I flag
  crypto::IkeSuite suite;
  crypto::IkeSaKeys keys;
  std::optional<crypto::SkCipher> out;  // seals what we send
  std::optional<crypto::SkCipher> in;   // opens what we receive
  uint32_t next_request_id = 0;         // our next request's Message ID
  uint32_t peer_next_request_id = 0;    // the Message ID we expect in the peer's next request
  std::optional<Outstanding> outstanding;
  std::optional<uint32_t> cached_response_id;
  Bytes cached_response;
  bool cached_nat_t = false;

  // Keys in place: SkCiphers for both directions by role.
  Status install_keys(const crypto::IkeSuite& s, crypto::IkeSaKeys k);
  // A protected message (RFC 7296 3.14) around the inner payloads.
  Result<Bytes> seal(wire::ExchangeType exchange, bool response, uint32_t message_id,
                     std::span<const wire::Payload> inner);
};

// IKE_SA_INIT material IKE_AUTH signs (RFC 7296 2.15).
struct InitExchange {
  Bytes nonce_i, nonce_r;
  Bytes request, response;  // RealMessage1 and RealMessage2, as sent
  uint64_t response_spi = 0;  // SPIr of the IKE_SA_INIT response being processed
};

struct ChildRecord {
  enum class State : uint8_t { kInstalled, kRekeying, kRekeyed, kDeleting };
  ChildSpis spis;
  crypto::EspSuite suite;
  std::vector<wire::TrafficSelector> local_ts, remote_ts;
  Clock::TimePoint established{};
  State state = State::kInstalled;
  // RFC 7296 2.8.1: a rekey of this SA by the peer that we answered while our own rekey of
  // it was outstanding: its nonces and the SA it created.
  struct PeerRekey {
    Bytes ni, nr;
    ChildSpis created;
  };
  std::optional<PeerRekey> peer_rekey;
};
// "installed", "rekeying", "rekeyed", "deleting"
const char* state_name(ChildRecord::State s);

struct SaContext {
  explicit SaContext(IkeSaConfig c);

  IkeSaConfig config;
  Identity local_id, remote_id;
  std::vector<wire::TrafficSelector> local_ts, remote_ts;

  IkeSaState state = IkeSaState::kIdle;
  std::string reason;  // why the SA is in its state: the last error, for `show ike sa`
  std::unique_ptr<Channel> ike;
  std::unique_ptr<Channel> old_ike;  // rekeyed, waiting for its Delete
  InitExchange init;
  bool nat_local = false;   // we are behind a NAT
  bool nat_remote = false;  // the peer is
  bool floated = false;     // the peer reached us on UDP 4500 (so we answer there)
  bool ike_rekeying = false;  // an IKE SA rekey is queued or outstanding
  std::vector<ChildRecord> children;
  std::deque<std::unique_ptr<Task>> queue;  // requests waiting for the window
  IkeSaCounters counters;
  bool cookie_required = false;
  Bytes cookie_secret;
  std::string close_after_response;  // set by a responder task: close once answered
  bool drop_old_after_response = false;  // the peer deleted the rekeyed old IKE SA

  Clock::TimePoint now{};
  Clock::TimePoint last_inbound{};
  Clock::TimePoint established_at{};
  std::vector<Action>* out = nullptr;  // the actions of the event being handled

  bool nat_t() const { return nat_local || nat_remote || floated; }
  void emit(Action a) { out->push_back(std::move(a)); }
  void send(Bytes datagram);
  // Records the reason, removes every Child SA, emits Closed. Idempotent.
  void close(std::string why);
  void enqueue(std::unique_ptr<Task> t);
  // An inbound ESP SPI for a new Child SA (config.allocate_spi, else random).
  Result<uint32_t> new_esp_spi();
  ChildRecord* child_by_inbound(uint32_t spi);
  ChildRecord* child_by_outbound(uint32_t spi);
  // Records the Child SA and emits InstallChild.
  void install_child(ChildSa sa);
  // Emits RemoveChild and forgets it.
  void remove_child(const ChildSpis& spis, std::string why);
};

}  // namespace vgw::ike
