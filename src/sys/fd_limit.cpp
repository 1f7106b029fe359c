#include "wxlived/sys/fd_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace wxlived::sys {

Expected<FdLimit, std::string> raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return Unexpected{std::string("getrlimit: ") + std::strerror(errno)};
  FdLimit out{limit.rlim_cur, limit.rlim_max, false};
  // An unlimited hard limit cannot be a soft NOFILE limit (the kernel caps
  // it at fs.nr_open): leave such a setting alone.
  if (limit.rlim_cur >= limit.rlim_max || limit.rlim_max == RLIM_INFINITY) return out;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
    return Unexpected{"raising the soft RLIMIT_NOFILE from " + std::to_string(out.soft) + " to " +
                      std::to_string(out.hard) + ": " + std::strerror(errno)};
  out.soft = limit.rlim_cur;
  out.raised = true;
  return out;
}

}  // namespace wxlived::sys
