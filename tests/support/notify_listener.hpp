#pragma once
// A stand-in for systemd's notify socket: a unix datagram socket the test
// binds, whose path goes into NOTIFY_SOCKET for the code (or child process)
// under test. Every datagram is one notification ("READY=1\nSTATUS=...").
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace wxlived::testing {

class NotifyListener {
 public:
  explicit NotifyListener(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket(AF_UNIX) failed");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.string().size() >= sizeof(addr.sun_path)) throw std::runtime_error("notify socket path too long");
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
      throw std::runtime_error("bind(" + path_.string() + ") failed");
  }
  ~NotifyListener() {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // The next datagram, or nullopt once `limit` passes without one.
  std::optional<std::string> next(std::chrono::milliseconds limit) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(limit.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((limit.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
  }

  // Reads datagrams until one contains `needle` (returned) or `limit` passes;
  // everything read on the way is appended to `seen`.
  std::optional<std::string> wait_for(const std::string& needle, std::chrono::milliseconds limit,
                                      std::vector<std::string>& seen) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto message = next(std::max(left, std::chrono::milliseconds(1)));
      if (!message) break;
      seen.push_back(*message);
      if (message->find(needle) != std::string::npos) return message;
    }
    return std::nullopt;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace wxlived::testing
