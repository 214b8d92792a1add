#include "vgw/base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vgw {

namespace {

Error sys_error(const std::string& what, const std::string& path) {
  return Error::unavailable(what + " " + path + ": " + std::strerror(errno));
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail(sys_error("cannot create", tmp));
  // The mode given to open() is filtered by the umask; make it exact.
  if (::fchmod(fd, mode) != 0) {
    Error e = sys_error("cannot chmod", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(e);
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = sys_error("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(e);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Error e = sys_error("cannot fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(e);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = sys_error("cannot rename onto", path);
    ::unlink(tmp.c_str());
    return fail(e);
  }
  int dfd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(sys_error("cannot open", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(sys_error("cannot read", path));
  return ss.str();
}

}  // namespace vgw
