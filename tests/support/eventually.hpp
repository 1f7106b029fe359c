#pragma once
// Waiting for a condition in tests that drive real processes: poll every
// 100 ms until it holds or `limit` passes (a limit only bounds a failure;
// nothing here assumes how fast the machine is).
#include <chrono>
#include <functional>
#include <thread>

namespace wxlived::testing {

inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

}  // namespace wxlived::testing
