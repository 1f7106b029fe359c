#include "wxlived/fakewx/requests.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>

#include "wxlived/core/json_nesting.hpp"

namespace wxlived::fakewx {
namespace {

using rapidjson::Value;

// getliveinfo bodies are flat; a hostile body of a million '[' crashed the
// recursive parser (the fake is a test tool, and must not crash either).
constexpr std::size_t kMaxRequestNesting = 32;

RequestError empty_post_data() { return {44002, "empty post data"}; }
RequestError data_format_error(std::string_view hint) {
  return {47001, "data format error hint: " + std::string(hint)};
}

// Parses body as a JSON object, or says what WeChat would.
Expected<rapidjson::Document, RequestError> parse_object(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Unexpected{empty_post_data()};
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, body, kMaxRequestNesting)) {
    return Unexpected{data_format_error(doc.HasParseError() ? rapidjson::GetParseError_En(doc.GetParseError())
                                                            : "nested too deep")};
  }
  if (!doc.IsObject()) return Unexpected{data_format_error("body is not a JSON object")};
  return doc;
}

// An optional integer member; false when present with another type.
bool read_int(const Value& obj, const char* key, std::int64_t& out) {
  const auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsInt64()) return false;
  out = it->value.GetInt64();
  return true;
}

bool read_string(const Value& obj, const char* key, std::string& out) {
  const auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsString()) return false;
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

}  // namespace

std::int64_t clamp_page_limit(std::int64_t limit) noexcept { return std::min(limit, max_page_limit); }

scenario::Api live_info_api(std::string_view body) noexcept {
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, body, kMaxRequestNesting) || !doc.IsObject()) return scenario::Api::list;
  const auto it = doc.FindMember("action");
  if (it != doc.MemberEnd() && it->value.IsString() && std::string_view(it->value.GetString()) == "get_replay") {
    return scenario::Api::replay;
  }
  return scenario::Api::list;
}

Expected<LiveInfoRequest, RequestError> parse_live_info_request(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return Unexpected{doc.error()};
  LiveInfoRequest request;
  std::string action;
  if (!read_string(*doc, "action", action)) return Unexpected{data_format_error("action must be a string")};
  if (!read_int(*doc, "start", request.start)) return Unexpected{data_format_error("start must be an integer")};
  if (!read_int(*doc, "limit", request.limit)) return Unexpected{data_format_error("limit must be an integer")};
  if (action.empty()) return request;
  if (action != "get_replay") return Unexpected{data_format_error("unknown action " + action)};
  request.api = scenario::Api::replay;
  request.room_id = -1;
  if (!read_int(*doc, "room_id", request.room_id) || request.room_id < 0) {
    return Unexpected{data_format_error("room_id must be a non-negative integer")};
  }
  return request;
}

Expected<StableTokenRequest, RequestError> parse_stable_token_request(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return Unexpected{doc.error()};
  StableTokenRequest request;
  if (!read_string(*doc, "grant_type", request.grant_type) || !read_string(*doc, "appid", request.appid) ||
      !read_string(*doc, "secret", request.secret)) {
    return Unexpected{data_format_error("grant_type, appid and secret must be strings")};
  }
  const auto it = doc->FindMember("force_refresh");
  if (it != doc->MemberEnd()) {
    if (!it->value.IsBool()) return Unexpected{data_format_error("force_refresh must be a boolean")};
    request.force_refresh = it->value.GetBool();
  }
  return request;
}

Expected<std::string, RequestError> parse_quota_request(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return Unexpected{doc.error()};
  std::string cgi_path;
  if (!read_string(*doc, "cgi_path", cgi_path)) return Unexpected{data_format_error("cgi_path must be a string")};
  return cgi_path;
}

}  // namespace wxlived::fakewx
