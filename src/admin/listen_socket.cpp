#include "listen_socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

namespace wxlived::admin {

namespace {

struct HostPort {
  std::string host;  // without IPv6 brackets
  int port = 0;
};

std::optional<HostPort> split_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  HostPort out;
  out.host = address.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  const std::string_view port(address.data() + colon + 1, address.size() - colon - 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (ec != std::errc() || end != port.data() + port.size() || out.port < 0 || out.port > 65535) return std::nullopt;
  return out;
}

bool is_loopback(const sockaddr* addr) {
  if (addr->sa_family == AF_INET)
    return (ntohl(reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr) >> 24) == 127;
  if (addr->sa_family == AF_INET6) return IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr);
  return false;
}

int bound_port(int fd) {
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) return -1;
  if (bound.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
}

// One candidate address: -1 and errno set when it cannot be used.
int bind_one(const addrinfo& ai, int backlog) {
  const int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) return -1;
  // SO_REUSEADDR only lets a restarted daemon bind past its old TIME_WAIT
  // connections; it never lets two listeners share the port.
  int yes = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0 &&
      ::bind(fd, ai.ai_addr, ai.ai_addrlen) == 0 && ::listen(fd, backlog) == 0)
    return fd;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return -1;
}

}  // namespace

Expected<ListenSocket, std::string> listen_on(const std::string& address, int backlog) {
  const auto where = split_address(address);
  if (!where) return Unexpected{"admin_listen " + address + ": expected HOST:PORT"};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(where->port);
  const int rc = ::getaddrinfo(where->host.empty() ? nullptr : where->host.c_str(), port_text.c_str(), &hints, &found);
  if (rc != 0) return Unexpected{"cannot listen on admin_listen " + address + ": " + ::gai_strerror(rc)};
  ListenSocket out;
  int error = EADDRNOTAVAIL;
  for (const addrinfo* ai = found; ai != nullptr && out.fd < 0; ai = ai->ai_next) {
    out.fd = bind_one(*ai, backlog);
    if (out.fd < 0) error = errno;
    else out.loopback = is_loopback(ai->ai_addr);
  }
  ::freeaddrinfo(found);
  if (out.fd < 0) return Unexpected{"cannot listen on admin_listen " + address + ": " + std::strerror(error)};
  out.port = bound_port(out.fd);
  struct stat identity {};
  if (::fstat(out.fd, &identity) == 0) out.inode = identity.st_ino;
  const bool v6 = where->host.find(':') != std::string::npos;
  out.address = (v6 ? "[" + where->host + "]" : where->host) + ":" + std::to_string(out.port);
  return out;
}

}  // namespace wxlived::admin
