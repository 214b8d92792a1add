// Exchanges as tasks, the strongSwan way: one task per exchange we initiate, with build()
// making the request's payloads and process() reading the response's; and per exchange type
// a responder function turning a checked request into the response's payloads. The message
// layer (ike_sa.cc) does the rest: Message IDs and the window of one (RFC 7296 2.3),
// framing, SK protection, retransmission (2.1), the response cache, payload rule checks
// (wire::check_payloads) before any task sees a payload.
//
//   file                  initiator task                responder function
//   ike_sa_init.cc        make_ike_init_task()          respond_ike_sa_init()   1.2, 2.6, 2.7,
//                                                                               2.10, 2.23
//   ike_auth.cc           make_ike_auth_task()          respond_ike_auth()      1.2, 2.9, 2.15
//   informational.cc      delete / liveness / notify    respond_informational() 1.4, 2.4
//   create_child_sa.cc    child rekey, IKE rekey        respond_create_child_sa() 1.3, 2.8, 2.18
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vgw/base/result.h"
#include "vgw/ike/sa_context.h"
#include "vgw/ike/wire/message.h"

namespace vgw::ike {

enum class TaskResult : uint8_t {
  kDone,   // the exchange is over (follow-up tasks may have been queued)
  kRetry,  // send build() again with the same Message ID (IKE_SA_INIT: COOKIE, INVALID_KE)
};

class Task {
 public:
  virtual ~Task() = default;
  virtual wire::ExchangeType exchange() const = 0;
  // For reasons and logs: "IKE_SA_INIT", "Child SA rekey", "DPD liveness check".
  virtual std::string name() const = 0;
  // Runs on the rekeyed IKE SA's old Channel (its Delete) instead of the current one.
  virtual bool on_old_sa() const { return false; }
  // Checked when the window frees up: a task whose subject went away meanwhile (a Child SA
  // the peer deleted) is dropped unsent.
  virtual bool wanted(const SaContext&) const { return true; }
  virtual RetransmitPolicy policy(const SaContext& sa) const { return sa.config.retransmit; }
  // The request's payloads (in cleartext for IKE_SA_INIT, inside SK otherwise). An error
  // closes the IKE SA with its message.
  virtual Result<std::vector<wire::Payload>> build(SaContext& sa) = 0;
  // The request as sent, once (IKE_SA_INIT keeps it for AUTH).
  virtual void sent(SaContext&, std::span<const uint8_t>) {}
  // The response, checked against the payload rules.
  virtual TaskResult process(SaContext& sa, std::span<const wire::Payload> response) = 0;
  // No response after the last retransmission: by default the IKE SA is given up.
  virtual void timed_out(SaContext& sa, const RetransmitPolicy& p);
};

std::unique_ptr<Task> make_ike_init_task();
std::unique_ptr<Task> make_ike_auth_task();
std::unique_ptr<Task> make_child_rekey_task(uint32_t inbound_spi);
std::unique_ptr<Task> make_ike_rekey_task();
// INFORMATIONAL { D(IKE) }; on the answer (or none) the SA closes with `reason`.
std::unique_ptr<Task> make_delete_ike_task(std::string reason, bool old_sa);
// INFORMATIONAL { D(ESP, spis) }; RemoveChild once answered.
std::unique_ptr<Task> make_delete_child_task(std::vector<ChildSpis> spis, std::string reason);
// Empty INFORMATIONAL (RFC 7296 2.4) repeated every dpd_interval, dpd_retries times.
std::unique_ptr<Task> make_dpd_task();
// INFORMATIONAL { N(type) } after which the SA closes with `reason` without waiting
// (AUTHENTICATION_FAILED about the responder's AUTH, RFC 7296 2.21.2).
std::unique_ptr<Task> make_notify_task(wire::NotifyType type, std::string reason);

// IKE_SA_INIT request (unencrypted): answers it (Send) or drops it, by itself.
void respond_ike_sa_init(SaContext& sa, const wire::Message& request,
                         std::span<const uint8_t> datagram);
// The encrypted exchanges: the response's inner payloads for a checked request that arrived
// on `ch`. May emit InstallChild/RemoveChild (before the caller's Send) and set
// sa.close_after_response.
std::vector<wire::Payload> respond_ike_auth(SaContext& sa, Channel& ch,
                                            std::span<const wire::Payload> request);
std::vector<wire::Payload> respond_create_child_sa(SaContext& sa, Channel& ch,
                                                   std::span<const wire::Payload> request);
std::vector<wire::Payload> respond_informational(SaContext& sa, Channel& ch,
                                                 std::span<const wire::Payload> request);

// Shared by the tasks.
wire::Payload notify(wire::NotifyType type, Bytes data = {});
std::string notify_name(wire::NotifyType type);
// Child SA keys from SK_d (and a PFS g^ir) for the exchange's nonces; `initiator` says
// whether we initiated the exchange that creates it (RFC 7296 2.17).
Result<ChildSa> make_child(SaContext& sa, const crypto::EspSuite& suite, ChildSpis spis,
                           std::span<const uint8_t> g_ir, std::span<const uint8_t> ni,
                           std::span<const uint8_t> nr, bool initiator,
                           std::vector<wire::TrafficSelector> local_ts,
                           std::vector<wire::TrafficSelector> remote_ts);
uint32_t spi_from_bytes(std::span<const uint8_t> b);
Bytes spi_bytes(uint32_t spi);
bool nonce_less(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace vgw::ike
