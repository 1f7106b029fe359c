// libFuzzer: WeChat answer parsers never crash on any body.
#include <cstdint>
#include <string_view>

#include "wxlived/wechat/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)wxlived::wechat::parse_room_list(body);
  (void)wxlived::wechat::parse_replay(body);
  (void)wxlived::wechat::parse_quota(body);
  (void)wxlived::wechat::parse_token(body);
  return 0;
}
