// The command language as vgwd's config loader runs it (cli::Session in config-file mode over
// the API's dispatcher into a Gateway without a kernel): every line of the input is a config
// line, applied until the first refusal, as `vgwd -C` and a start would.
// Beyond "no crash, no memory error, no stall" (policy regexes included: RE2 with bounded
// compilation) the target checks the promise that what is accepted reloads: when the whole
// input loads, its running config (secrets shown, as written to the file) loads into a fresh
// gateway to the same model and renders to the same text; otherwise it aborts with both texts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "vgw/base/log.h"
#include "vgw/direct_backend.h"
#include "vgw/routing/api/dispatcher.h"
#include "vgw/routing/apply/config_apply.h"
#include "vgw/routing/cli/session.h"
#include "vgw/routing/gateway.h"

using namespace vgw;
using namespace vgw::routing;

namespace {

// Loads text line by line as the config loader does (apply_lines); the first refusal ends it.
bool load(Gateway& gw, std::string_view text, std::string* why) {
  static const api::Dispatcher dispatcher;  // stateless: built once, not per input
  test::DirectBackend backend(gw, &dispatcher);
  auto st = apply_lines(backend, text, "");
  if (!st && why) *why = st.error().message;
  return st.ok();
}

std::string running(const Gateway& gw) {
  v1::GetRunningConfigRequest request;
  request.set_show_secrets(true);
  return gw.get_running_config(request)->config();
}

// Which parts of two models differ, for the report.
std::string differing(const ConfigModel& x, const ConfigModel& y) {
  std::string out;
  auto part = [&](const char* name, bool same) {
    if (!same) out += std::string(out.empty() ? "" : ", ") + name;
  };
  part("customer_gateways", x.customer_gateways == y.customer_gateways);
  part("static_routes", x.static_routes == y.static_routes);
  part("bgp", x.bgp == y.bgp);
  part("tunnels", x.tunnels == y.tunnels);
  part("policies.prefix_lists", x.policies.prefix_lists == y.policies.prefix_lists);
  part("policies.as_path_lists", x.policies.as_path_lists == y.policies.as_path_lists);
  part("policies.community_lists", x.policies.community_lists == y.policies.community_lists);
  part("policies.large_community_lists", x.policies.large_community_lists == y.policies.large_community_lists);
  part("policies.route_maps", x.policies.route_maps == y.policies.route_maps);
  part("vpn_gateway", x.vpn_gateway == y.vpn_gateway);
  part("vpn_connections", x.vpn_connections == y.vpn_connections);
  part("bfd_peers", x.bfd_peers == y.bfd_peers);
  return out;
}

[[noreturn]] void broken(const char* what, const std::string& first, const std::string& second) {
  std::fprintf(stderr, "config_loader: %s\n--- running config\n%s\n--- then\n%s\n", what,
               first.c_str(), second.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  log::set_level(log::Level::kError);  // the loader logs every change at info
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Gateway a({""});
  a.set_persist(false);
  if (!load(a, text, nullptr)) return 0;
  const std::string first = running(a);
  Gateway b({""});
  b.set_persist(false);
  std::string why;
  if (!load(b, first, &why)) broken(("accepted, but its running config is refused: " + why).c_str(), first, "");
  if (!(a.config() == b.config())) {
    broken(("reloads to a different model (" + differing(a.config(), b.config()) + ")").c_str(), first, running(b));
  }
  if (running(b) != first) broken("renders differently after a reload", first, running(b));
  return 0;
}
