// Build identity, filled in by CMake (routing/version.cc.in).
#pragma once

namespace vgw::routing {
extern const char* const kVersion;
extern const char* const kGitCommit;
extern const char* const kBuildType;
}  // namespace vgw::routing
