#pragma once
// token_mode = "command": a merchant's central server owns the token and a
// command prints it. stdout is either the bare token (cached for
// kBareTokenLifetime) or WeChat's own JSON {"access_token": .., "expires_in": ..}.
#include <chrono>
#include <functional>
#include <string>

#include <asio/io_context.hpp>

#include "wxlived/core/expected.hpp"
#include "wxlived/wechat/answers.hpp"
#include "wxlived/wechat/outcome.hpp"

namespace wxlived::wechat {

inline constexpr std::int64_t kBareTokenLifetime = 300;  // seconds

// Parses the command's stdout.
Expected<TokenGrant, ApiError> parse_token_command_output(std::string_view output);

// Runs `command` through /bin/sh, kills it after `timeout`, and reports once.
void run_token_command(asio::io_context& io, const std::string& command, std::chrono::seconds timeout,
                       std::function<void(Expected<TokenGrant, ApiError>)> done);

}  // namespace wxlived::wechat
