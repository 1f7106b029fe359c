// raise_fd_limit: the soft RLIMIT_NOFILE goes up to the hard one, once.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include "wxlived/sys/fd_limit.hpp"

using wxlived::sys::raise_fd_limit;

TEST_CASE("a soft open-file limit below the hard one is raised to it, and one already there is left alone") {
  rlimit before{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &before) == 0);
  if (before.rlim_max == RLIM_INFINITY || before.rlim_max < 128) return;  // nothing to raise to here
  rlimit lowered = before;
  lowered.rlim_cur = 64;  // lowering the soft limit needs no privilege
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);

  auto raised = raise_fd_limit();
  REQUIRE_MESSAGE(raised.has_value(), (raised ? std::string() : raised.error()));
  CHECK(raised->raised);
  CHECK(raised->soft == before.rlim_max);
  rlimit now{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &now) == 0);
  CHECK(now.rlim_cur == before.rlim_max);

  auto again = raise_fd_limit();
  REQUIRE(again.has_value());
  CHECK_FALSE(again->raised);
  ::setrlimit(RLIMIT_NOFILE, &before);
}
