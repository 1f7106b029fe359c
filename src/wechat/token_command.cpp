#include "token_command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <memory>

#include "wxlived/wechat/parse.hpp"

extern char** environ;

namespace wxlived::wechat {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;

// A failing command is treated like an unreachable server: retried later, not
// a reason to stop the app.
ApiError command_failed(std::string detail) {
  return {Outcome::transport_error, 0, 0, "token_command: " + std::move(detail)};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.front())) s.remove_prefix(1);
  while (!s.empty() && std::strchr(" \t\r\n", s.back())) s.remove_suffix(1);
  return s;
}

// One running command. Shared by the pending read, the deadline timer and
// the reaper so that whichever finishes last frees it.
struct CommandRun : std::enable_shared_from_this<CommandRun> {
  CommandRun(asio::io_context& io, pid_t child, int read_fd, std::chrono::seconds timeout,
             std::function<void(Expected<TokenGrant, ApiError>)> callback)
      : pid(child), out(io, read_fd), deadline(io), reaper(io), done(std::move(callback)) {
    deadline.expires_after(timeout);
  }

  pid_t pid;
  asio::posix::stream_descriptor out;
  asio::steady_timer deadline;
  asio::steady_timer reaper;
  std::array<char, 4096> chunk{};
  std::string output;
  bool timed_out = false;
  bool reported = false;
  std::function<void(Expected<TokenGrant, ApiError>)> done;

  void start() {
    deadline.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (ec) return;
      self->timed_out = true;
      ::kill(-self->pid, SIGKILL);  // the whole group: sh may have forked
    });
    read_more();
  }

  void read_more() {
    out.async_read_some(asio::buffer(chunk), [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
      if (!ec && self->output.size() + n <= kMaxOutput) {
        self->output.append(self->chunk.data(), n);
        self->read_more();
        return;
      }
      if (!ec) ::kill(-self->pid, SIGKILL);  // too much output: not a token
      self->reap();
    });
  }

  // stdout closed: wait for the exit status without blocking the loop.
  void reap() {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == 0) {
      reaper.expires_after(std::chrono::milliseconds(20));
      reaper.async_wait([self = shared_from_this()](const asio::error_code&) { self->reap(); });
      return;
    }
    deadline.cancel();
    report(r < 0 ? -1 : status);
  }

  void report(int status) {
    if (reported) return;
    reported = true;
    if (timed_out) return done(Unexpected(ApiError{Outcome::timeout, 0, 0, "token_command timed out"}));
    if (output.size() > kMaxOutput) return done(Unexpected(command_failed("output too large")));
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return done(Unexpected(command_failed("exited with status " + std::to_string(code))));
    }
    done(parse_token_command_output(output));
  }
};

}  // namespace

Expected<TokenGrant, ApiError> parse_token_command_output(std::string_view output) {
  const std::string_view text = trim(output);
  if (text.empty()) return Unexpected(command_failed("printed no token"));
  if (text.front() == '{') return parse_token(text);
  const std::string_view token = text.substr(0, text.find_first_of("\r\n"));
  if (token.find_first_of(" \t") != std::string_view::npos)
    return Unexpected(command_failed("the first line is not a bare token"));
  return TokenGrant{std::string(token), kBareTokenLifetime};
}

void run_token_command(asio::io_context& io, const std::string& command, std::chrono::seconds timeout,
                       std::function<void(Expected<TokenGrant, ApiError>)> done) {
  auto fail_later = [&](std::string why) {
    asio::post(io, [done = std::move(done), why = std::move(why)] { done(Unexpected(command_failed(why))); });
  };
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail_later(std::string("pipe: ") + std::strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // dup2 clears CLOEXEC on fd 1
  // Its own process group, so a timeout kills whatever the shell started.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = 0;
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  const int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attributes, const_cast<char* const*>(argv), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return fail_later(std::string("spawn: ") + std::strerror(rc));
  }
  std::make_shared<CommandRun>(io, pid, fds[0], timeout, std::move(done))->start();
}

}  // namespace wxlived::wechat
