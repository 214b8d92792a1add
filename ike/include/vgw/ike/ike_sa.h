// IkeSa: one IKE SA endpoint (RFC 7296) as a pure state machine.
//
// Inputs are events with the time they happen at; outputs are Actions (actions.h) the driver
// executes in order: send a datagram, install or remove a Child SA, arm the timer, report
// Established / IkeRekeyed / Closed. No socket, no timer, no clock of its own.
//
//   initiator:  start() -> IKE_SA_INIT -> IKE_AUTH (+ first Child SA) -> established
//   responder:  on_datagram(IKE_SA_INIT request) -> ... the same, answered
//   either:     rekey_child(), rekey_ike() (CREATE_CHILD_SA), delete_sa(), dpd_check()
//               (INFORMATIONAL); on_timer() drives retransmission, DPD and lifetimes
//
// A responder IkeSa accepts the first IKE_SA_INIT it is given; the driver creates one per
// new initiator SPI (and may answer COOKIE with set_cookie_required() under load, without
// the IkeSa keeping any state). Datagrams for the SA are recognised with owns().
//
// What is kept for `show ike sa`: state(), reason() (why it is in that state, in words:
// "peer answered AUTHENTICATION_FAILED", "IKE_SA_INIT request: retransmits exhausted
// (5 tries, 2 s base)"), the negotiated suite, NAT, the Child SAs and counters().
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vgw/base/clock.h"
#include "vgw/ike/actions.h"
#include "vgw/ike/config.h"
#include "vgw/ike/sa_context.h"

namespace vgw::ike {

// reason() of a responder that answered IKE_SA_INIT with N(COOKIE) and kept nothing.
inline constexpr const char* kAnsweredWithCookie = "under load: answered with a COOKIE";

class IkeSa {
 public:
  explicit IkeSa(IkeSaConfig config);
  ~IkeSa();
  IkeSa(const IkeSa&) = delete;
  IkeSa& operator=(const IkeSa&) = delete;

  // Initiator: sends IKE_SA_INIT.
  std::vector<Action> start(Clock::TimePoint now);
  // One UDP payload (without the non-ESP marker of port 4500); via_nat_t: it came on 4500.
  std::vector<Action> on_datagram(std::span<const uint8_t> datagram, Clock::TimePoint now,
                                  bool via_nat_t = false);
  std::vector<Action> on_timer(Clock::TimePoint now);
  // Rekeys the (first) Child SA / the IKE SA with CREATE_CHILD_SA.
  std::vector<Action> rekey_child(Clock::TimePoint now);
  std::vector<Action> rekey_ike(Clock::TimePoint now);
  // Deletes the IKE SA (and its Child SAs) with INFORMATIONAL.
  std::vector<Action> delete_sa(Clock::TimePoint now);
  // Ends the SA at once, for a peer that has forgotten it (it sent INITIAL_CONTACT on a new
  // IKE SA, RFC 7296 2.4): one Delete, sent only when no request is outstanding and never
  // retransmitted (a peer that still has the SA, as when both ends initiated at once, deletes
  // it too), then every Child SA removed and Closed with reason.
  std::vector<Action> abandon(Clock::TimePoint now, std::string reason);
  // Sends a liveness check now.
  std::vector<Action> dpd_check(Clock::TimePoint now);
  // Responder: answer IKE_SA_INIT requests without a valid cookie with N(COOKIE).
  void set_cookie_required(bool required) { sa_.cookie_required = required; }

  bool owns(std::span<const uint8_t> datagram) const;
  IkeSaState state() const { return sa_.state; }
  const std::string& reason() const { return sa_.reason; }
  IkeSpis spis() const;
  std::optional<crypto::IkeSuite> suite() const;
  bool nat_detected() const { return sa_.nat_t(); }
  const std::vector<ChildRecord>& children() const { return sa_.children; }
  const IkeSaCounters& counters() const { return sa_.counters; }
  bool rekeyed_sa_pending() const { return sa_.old_ike != nullptr; }
  std::optional<Clock::TimePoint> next_timer() const;
  // When the IKE SA was authenticated (or last rekeyed); unset before.
  std::optional<Clock::TimePoint> established_at() const;
  // When this end rekeys the IKE SA / a Child SA by lifetime (unset: never or not established).
  std::optional<Clock::TimePoint> ike_rekey_due() const;
  std::optional<Clock::TimePoint> child_rekey_due(const ChildRecord& child) const;
  const IkeSaConfig& config() const { return sa_.config; }
  const Identity& remote_id() const { return sa_.remote_id; }

 private:
  template <typename F>
  std::vector<Action> run(Clock::TimePoint now, F&& f);
  void handle(std::span<const uint8_t> datagram, bool via_nat_t);
  void handle_protected(std::span<const uint8_t> datagram, const wire::Header& h, Channel& ch,
                        bool via_nat_t);
  void handle_request(Channel& ch, const wire::Header& h,
                      const Result<std::vector<wire::Payload>, wire::ParseError>& inner);
  void handle_response(Channel& ch, const wire::Header& h,
                       std::span<const wire::Payload> inner);
  void handle_init_response(const wire::Message& m, std::span<const uint8_t> datagram);
  void pump();
  bool send_request(Channel& ch, std::unique_ptr<Task> task);
  void timers();
  void maybe_rekey();

  SaContext sa_;
  std::optional<Clock::TimePoint> armed_;
};

}  // namespace vgw::ike
