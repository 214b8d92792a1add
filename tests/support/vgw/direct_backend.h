// The tests' cli::Backend: requests go straight to a Gateway through the Dispatcher on the
// calling thread (routing/apply's DirectBackend, the one vgwd's ApplyConfig uses).
#pragma once

#include "vgw/routing/apply/config_apply.h"

namespace vgw::test {

using routing::DirectBackend;

}  // namespace vgw::test
