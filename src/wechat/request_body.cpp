#include "request_body.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace wxlived::wechat {

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string list_body(std::int64_t start, std::int64_t limit) {
  return R"({"start":)" + std::to_string(start) + R"(,"limit":)" + std::to_string(limit) + "}";
}

std::string replay_body(std::int64_t room_id, std::int64_t start, std::int64_t limit) {
  return R"({"action":"get_replay","room_id":)" + std::to_string(room_id) + R"(,"start":)" + std::to_string(start) +
         R"(,"limit":)" + std::to_string(limit) + "}";
}

std::string quota_body() { return R"({"cgi_path":"/wxa/business/getliveinfo"})"; }

std::string stable_token_body(const std::string& appid, const std::string& secret, bool force_refresh) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("grant_type");
  w.String("client_credential");
  w.Key("appid");
  w.String(appid.c_str(), static_cast<rapidjson::SizeType>(appid.size()));
  w.Key("secret");
  w.String(secret.c_str(), static_cast<rapidjson::SizeType>(secret.size()));
  w.Key("force_refresh");
  w.Bool(force_refresh);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string endpoint(std::string_view api_base, std::string_view path) {
  while (!api_base.empty() && api_base.back() == '/') api_base.remove_suffix(1);
  return std::string(api_base) + std::string(path);
}

}  // namespace wxlived::wechat
