#pragma once
// Runs one of our built executables and captures its exit code and output,
// for tests of command-line behaviour.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace wxlived::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved as written
};

// `command` is a shell command line; its stderr is folded into the output.
inline ProcessResult run_process(const std::string& command) {
  ProcessResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string bin(const std::string& name) { return std::string(WXLIVED_BIN_DIR) + "/" + name; }

}  // namespace wxlived::testing
