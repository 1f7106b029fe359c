#include "wxlived/http/exchange.hpp"

namespace wxlived::http {

std::optional<std::string> Response::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

const char* to_string(Transport transport) {
  switch (transport) {
    case Transport::ok: return "ok";
    case Transport::timeout: return "timeout";
    case Transport::connect_failed: return "connect_failed";
    case Transport::too_large: return "too_large";
    case Transport::failed: return "failed";
  }
  return "?";
}

}  // namespace wxlived::http
