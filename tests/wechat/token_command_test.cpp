// token_mode = "command": a real /bin/sh runs the command.
#include <doctest/doctest.h>

#include <asio/io_context.hpp>

#include "../../src/wechat/token_command.hpp"

using namespace wxlived::wechat;
using wxlived::Expected;

namespace {

Expected<TokenGrant, ApiError> run(const std::string& command, std::chrono::seconds timeout = std::chrono::seconds(5)) {
  asio::io_context io;
  Expected<TokenGrant, ApiError> result = wxlived::Unexpected(ApiError{});
  int calls = 0;
  run_token_command(io, command, timeout, [&](Expected<TokenGrant, ApiError> r) {
    ++calls;
    result = std::move(r);
  });
  io.run();
  CHECK(calls == 1);
  return result;
}

}  // namespace

TEST_CASE("a command printing a bare token gives that token for a short lifetime") {
  auto grant = run("echo TOKEN-abc");
  REQUIRE(grant);
  CHECK(grant->access_token == "TOKEN-abc");
  CHECK(grant->expires_in == kBareTokenLifetime);
}

TEST_CASE("a command printing WeChat's JSON gives its expires_in") {
  auto grant = run(R"(printf '{"access_token":"J","expires_in":6000}')");
  REQUIRE(grant);
  CHECK(grant->access_token == "J");
  CHECK(grant->expires_in == 6000);
}

TEST_CASE("a failing command is a retryable error naming its status") {
  auto grant = run("echo T; exit 3");
  REQUIRE_FALSE(grant);
  CHECK(grant.error().outcome == Outcome::transport_error);
  CHECK(grant.error().detail == "token_command: exited with status 3");
}

TEST_CASE("a command that hangs is killed at its timeout") {
  auto grant = run("sleep 30", std::chrono::seconds(1));
  REQUIRE_FALSE(grant);
  CHECK(grant.error().outcome == Outcome::timeout);
}

TEST_CASE("a command printing nothing or prose is refused") {
  CHECK_FALSE(run("true"));
  CHECK_FALSE(parse_token_command_output("error: server down"));
  CHECK(parse_token_command_output("  tok\n")->access_token == "tok");
}
