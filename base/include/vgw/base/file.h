// Files that must never be torn: write to a temporary file in the same directory, fsync it,
// rename over the target, fsync the directory. A crash at any moment leaves either the old
// or the new content, never a mix or an empty file.
#pragma once

#include <string>
#include <sys/types.h>

#include "vgw/base/result.h"

namespace vgw {

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode);
Result<std::string> read_file(const std::string& path);

}  // namespace vgw
