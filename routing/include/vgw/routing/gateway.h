// Gateway: the control-plane object of one vgwd process. It owns the configuration model and
// (as later issues add them) the RIB, the BGP speaker, IKE and the tunnels. Every method runs
// on the control-plane io_context thread; it takes no locks and never blocks except for the
// configuration write that must finish before a change is acknowledged.
//
// Requests arrive as the API's protobuf messages (from gRPC or from the config loader, which
// use the same path) and are answered with a message or an Error carrying the gRPC code.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "vgw/base/result.h"
#include "vgw/routing/config_model.h"
#include "vgw/v1/system.pb.h"
#include "vgw/v1/vpn.pb.h"

namespace vgw::routing {

class Gateway {
 public:
  struct Options {
    std::string config_path;  // where acknowledged changes are persisted; empty = nowhere
  };
  explicit Gateway(Options options);

  // While loading the config file at start-up, changes are applied but not written back.
  void set_persist(bool on) { persist_ = on; }

  // SystemService
  Result<v1::GetVersionResponse> get_version(const v1::GetVersionRequest&) const;
  Result<v1::GetRunningConfigResponse> get_running_config(const v1::GetRunningConfigRequest&) const;
  Result<v1::HealthResponse> health(const v1::HealthRequest&) const;

  // VpnService: customer gateways
  Result<v1::CustomerGateway> create_customer_gateway(const v1::CreateCustomerGatewayRequest&);
  Result<v1::DescribeCustomerGatewaysResponse> describe_customer_gateways(
      const v1::DescribeCustomerGatewaysRequest&) const;
  Result<v1::CustomerGateway> modify_customer_gateway(const v1::ModifyCustomerGatewayRequest&);
  Result<v1::DeleteCustomerGatewayResponse> delete_customer_gateway(
      const v1::DeleteCustomerGatewayRequest&);

  const ConfigModel& config() const { return model_; }

 private:
  // Persists `next` and makes it the running model; on a write error nothing changes.
  Status commit(ConfigModel next);

  Options options_;
  ConfigModel model_;
  bool persist_ = true;
  uint64_t changes_ = 0;  // persisted changes since start
  std::string persist_problem_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace vgw::routing
