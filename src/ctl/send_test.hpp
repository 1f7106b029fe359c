#pragma once
// wxlivectl send-test ENDPOINT: a signed webhook.test event through the
// daemon's own delivery path (its worker signs and POSTs it and records the
// answer), then the receiver's answer as the daemon saw it.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"

namespace wxlived::ctl {

struct SendTestOptions {
  std::string endpoint;
  std::chrono::milliseconds timeout{30000};        // waiting for the daemon's attempt
  std::chrono::milliseconds poll_interval{100};
  std::optional<std::vector<std::string>> configured;  // with --config: the [[webhook]] names
};

// 0 when the receiver answered 2xx; 1 for any other answer, no answer, no
// daemon attempt within the timeout, an unknown or disabled endpoint, or a
// store error.
int send_test(const Context& ctx, const SendTestOptions& options);

}  // namespace wxlived::ctl
