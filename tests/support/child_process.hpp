#pragma once
// Runs one of our long-running executables (a server) as a child process:
// start it, wait for the file it writes once ready (e.g. --port-file), stop
// it with a signal and check how it exited. stdout and stderr go to a file
// the test can read.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace wxlived::testing {

class ChildProcess {
 public:
  // Starts `binary` with `args`; its stdout and stderr are written to output_file.
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               std::filesystem::path output_file)
      : output_file_(std::move(output_file)) {
    std::vector<std::string> argv_storage{binary};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    // The child starts with default signal handling and nothing blocked,
    // whatever the test process did to its own threads.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("posix_spawn failed for " + binary);
  }

  ~ChildProcess() {
    if (!exit_code_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The exit code if the child has exited (128 + signal number if a signal
  // ended it); never blocks.
  std::optional<int> poll_exit() {
    if (exit_code_) return exit_code_;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) exit_code_ = decode(status);
    return exit_code_;
  }

  // Waits up to `timeout` for the child to exit.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!poll_exit() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_code_;
  }

  // Sends `sig` and waits; nullopt if the child did not exit in time (it is
  // then killed by the destructor).
  std::optional<int> stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (!exit_code_) ::kill(pid_, sig);
    return wait_exit(timeout);
  }

  // Waits until `file` exists with non-empty content and returns it; nullopt
  // on timeout or if the child exits first.
  std::optional<std::string> wait_for_file(const std::filesystem::path& file,
                                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(file);
      std::stringstream content;
      content << in.rdbuf();
      if (in && !content.str().empty()) return content.str();
      if (poll_exit()) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

  // Everything the child wrote to stdout and stderr so far.
  std::string output() const {
    std::ifstream in(output_file_);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }

 private:
  static int decode(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
  }

  std::filesystem::path output_file_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace wxlived::testing
