#include "wxlived/scenario/parse.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <utility>
#include <vector>

#include "wxlived/core/json_nesting.hpp"
#include "wxlived/scenario/rfc3339.hpp"

namespace wxlived::scenario {
namespace {

using rapidjson::Value;

// Times beyond ~3000 years are typos, and keeping them bounded keeps every
// sum the truth model makes (origin + t + timeout + a year) far from overflow.
constexpr std::int64_t max_abs_seconds = 100'000'000'000;
constexpr std::int64_t max_count = 1'000'000'000;

std::string describe(const Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsInt64()) return "an integer";
  if (v.IsNumber()) return v.IsDouble() ? "a fractional number" : "an out-of-range integer";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  return "an object";
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Reads the fields of one JSON object, recording the first problem with its
// place ("rooms[3] (roomid 1003): start_time: ..."). Methods return false once
// anything is wrong, so a reader body is a chain of &&.
class ObjectFields {
 public:
  ObjectFields(const Value& object, std::string where, std::string& error)
      : object_(object), where_(std::move(where)), error_(error) {}

  bool fail(std::string_view field, const std::string& message) {
    if (error_.empty()) {
      error_ = where_;
      if (!where_.empty()) error_ += ": ";
      if (!field.empty()) error_ += std::string(field) + ": ";
      error_ += message;
    }
    return false;
  }

  // Rejects keys outside `allowed` (and duplicates): a typo in a test scenario must be loud.
  bool only_keys(std::initializer_list<std::string_view> allowed) {
    std::vector<std::string_view> seen;
    for (auto it = object_.MemberBegin(); it != object_.MemberEnd(); ++it) {
      const std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (key == "comment") continue;
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return fail("", "unknown key " + quoted(key));
      }
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        return fail("", "key " + quoted(key) + " appears twice");
      }
      seen.push_back(key);
    }
    return true;
  }

  // nullptr when absent (or null, if null_is_absent).
  const Value* find(std::string_view key, bool null_is_absent = false) const {
    const Value name(rapidjson::StringRef(key.data(), key.size()));
    const auto it = object_.FindMember(name);
    if (it == object_.MemberEnd()) return nullptr;
    if (null_is_absent && it->value.IsNull()) return nullptr;
    return &it->value;
  }

  bool integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
    const Value* v = find(key);
    if (v == nullptr) return fail(key, "required key is missing");
    return integer_value(key, *v, out, min, max);
  }

  // Absent or null leaves `out` empty.
  bool optional_integer(std::string_view key, std::optional<std::int64_t>& out, std::int64_t min,
                        std::int64_t max) {
    const Value* v = find(key, true);
    if (v == nullptr) return true;
    std::int64_t value = 0;
    if (!integer_value(key, *v, value, min, max)) return false;
    out = value;
    return true;
  }

  bool integer_value(std::string_view field, const Value& v, std::int64_t& out, std::int64_t min,
                     std::int64_t max) {
    if (!v.IsInt64()) return fail(field, "expected an integer, got " + describe(v));
    const std::int64_t value = v.GetInt64();
    if (value < min || value > max) {
      return fail(field, std::to_string(value) + " is out of range [" + std::to_string(min) + ", " +
                             std::to_string(max) + "]");
    }
    out = value;
    return true;
  }

  bool string(std::string_view key, std::string& out, bool allow_empty = true) {
    const Value* v = find(key);
    if (v == nullptr) return fail(key, "required key is missing");
    if (!v->IsString()) return fail(key, "expected a string, got " + describe(*v));
    out.assign(v->GetString(), v->GetStringLength());
    if (!allow_empty && out.empty()) return fail(key, "must not be empty");
    return true;
  }

  bool optional_string(std::string_view key, std::optional<std::string>& out) {
    const Value* v = find(key, true);
    if (v == nullptr) return true;
    if (!v->IsString()) return fail(key, "expected a string, got " + describe(*v));
    out.emplace(v->GetString(), v->GetStringLength());
    return true;
  }

  const std::string& where() const { return where_; }

 private:
  const Value& object_;
  std::string where_;
  std::string& error_;
};

std::string indexed(std::string_view name, std::size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

bool read_timeline(ObjectFields& fields, const Value* timeline, std::vector<TimelineEntry>& out) {
  if (timeline == nullptr) return true;
  if (!timeline->IsArray()) return fields.fail("timeline", "expected an array of [t, status], got " + describe(*timeline));
  for (rapidjson::SizeType i = 0; i < timeline->Size(); ++i) {
    const Value& entry = (*timeline)[i];
    const std::string field = indexed("timeline", i);
    if (!entry.IsArray() || entry.Size() != 2) {
      return fields.fail(field, "expected [t, status], got " +
                                    (entry.IsArray() ? "an array of " + std::to_string(entry.Size()) : describe(entry)));
    }
    std::int64_t t = 0;
    std::int64_t status = 0;
    if (!fields.integer_value(field + ": t", entry[0], t, -max_abs_seconds, max_abs_seconds)) return false;
    if (!entry[1].IsInt64()) return fields.fail(field, "status: expected an integer, got " + describe(entry[1]));
    status = entry[1].GetInt64();
    if (!is_live_status_code(status)) {
      return fields.fail(field, "status " + std::to_string(status) + " is not a WeChat live status");
    }
    if (!out.empty() && t <= out.back().t) {
      return fields.fail(field, "t " + std::to_string(t) + " is not after timeline[" + std::to_string(i - 1) +
                                    "] t " + std::to_string(out.back().t) + " (timeline must be sorted, one entry a second)");
    }
    out.push_back(TimelineEntry{t, static_cast<LiveStatus>(status)});
  }
  return true;
}

bool read_replay(ObjectFields& room_fields, const Value* replay, std::optional<ReplayPlan>& out, std::string& error) {
  if (replay == nullptr) return true;
  if (!replay->IsObject()) return room_fields.fail("replay", "expected an object or null, got " + describe(*replay));
  ObjectFields fields(*replay, room_fields.where() + ": replay", error);
  ReplayPlan plan;
  if (!(fields.only_keys({"delay_s", "segments"}) &&
        fields.integer("delay_s", plan.delay_s, 0, max_abs_seconds) &&
        fields.integer("segments", plan.segments, 1, 100'000))) {
    return false;
  }
  out = plan;
  return true;
}

// Goods pass through to the fake's answers; real ones nest 2 levels.
constexpr std::size_t max_goods_nesting = 32;


bool read_goods(ObjectFields& fields, const Value* goods, std::string& out) {
  if (goods == nullptr) return true;
  if (!goods->IsArray()) return fields.fail("goods", "expected an array, got " + describe(*goods));
  if (wxlived::json_nests_deeper_than(*goods, max_goods_nesting)) {
    return fields.fail("goods", "nests deeper than " + std::to_string(max_goods_nesting) + " levels");
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  goods->Accept(writer);
  out.assign(buffer.GetString(), buffer.GetSize());
  return true;
}

bool read_room(const Value& value, std::size_t index, double live_satus_share, Room& room, std::string& error) {
  std::string where = indexed("rooms", index);
  if (!value.IsObject()) {
    ObjectFields(value, where, error).fail("", "expected an object, got " + describe(value));
    return false;
  }
  // Name the room in every message once its id is readable.
  if (const auto it = value.FindMember("roomid"); it != value.MemberEnd() && it->value.IsInt64()) {
    where += " (roomid " + std::to_string(it->value.GetInt64()) + ")";
  }
  ObjectFields fields(value, where, error);
  constexpr std::int64_t lo = -max_abs_seconds;
  constexpr std::int64_t hi = max_abs_seconds;
  const bool ok =
      fields.only_keys({"roomid", "name", "anchor_name", "cover_img", "created_at", "start_time", "end_time",
                        "timeline", "replay", "deleted_at", "goods"}) &&
      fields.integer("roomid", room.roomid, 1, std::numeric_limits<std::int64_t>::max()) &&
      fields.string("name", room.name) && fields.string("anchor_name", room.anchor_name) &&
      fields.optional_string("cover_img", room.cover_img) && fields.integer("created_at", room.created_at, lo, hi) &&
      fields.integer("start_time", room.start_time, lo, hi) && fields.integer("end_time", room.end_time, lo, hi) &&
      fields.optional_integer("deleted_at", room.deleted_at, lo, hi) &&
      read_timeline(fields, fields.find("timeline"), room.timeline) &&
      read_replay(fields, fields.find("replay", true), room.replay, error) &&
      read_goods(fields, fields.find("goods"), room.goods_json);
  if (!ok) return false;
  if (room.end_time < room.start_time) {
    return fields.fail("end_time", std::to_string(room.end_time) + " is before start_time " +
                                       std::to_string(room.start_time));
  }
  if (room.deleted_at && *room.deleted_at <= room.created_at) {
    return fields.fail("deleted_at", std::to_string(*room.deleted_at) + " is not after created_at " +
                                         std::to_string(room.created_at) + " (the room would never be listed)");
  }
  room.spells_live_satus = spells_live_satus(room.roomid, live_satus_share);
  return true;
}

bool read_enum_fault_kind(ObjectFields& fields, FaultKind& out) {
  std::string kind;
  if (!fields.string("kind", kind)) return false;
  for (const FaultKind k : {FaultKind::busy, FaultKind::http_500, FaultKind::timeout, FaultKind::malformed,
                            FaultKind::token_expired, FaultKind::quota_exhausted}) {
    if (fault_kind_name(k) == kind) {
      out = k;
      return true;
    }
  }
  return fields.fail("kind", quoted(kind) +
                                 " is not one of busy, http_500, timeout, malformed, token_expired, quota_exhausted");
}

bool read_fault_scope(ObjectFields& fields, FaultScope& out) {
  std::optional<std::string> api;
  if (!fields.optional_string("api", api)) return false;
  if (!api || *api == "all") return true;
  if (*api == "list") out = FaultScope::list;
  else if (*api == "replay") out = FaultScope::replay;
  else if (*api == "token") out = FaultScope::token;
  else return fields.fail("api", quoted(*api) + " is not one of list, replay, token, all");
  return true;
}

bool read_fault(const Value& value, std::size_t index, Fault& fault, std::string& error) {
  ObjectFields fields(value, indexed("faults", index), error);
  if (!value.IsObject()) return fields.fail("", "expected an object, got " + describe(value));
  const bool ok = fields.only_keys({"from", "to", "kind", "api"}) &&
                  fields.integer("from", fault.from, -max_abs_seconds, max_abs_seconds) &&
                  fields.integer("to", fault.to, -max_abs_seconds, max_abs_seconds) &&
                  read_enum_fault_kind(fields, fault.kind) && read_fault_scope(fields, fault.scope);
  if (!ok) return false;
  if (fault.to <= fault.from) {
    return fields.fail("to", std::to_string(fault.to) + " is not after from " + std::to_string(fault.from));
  }
  return true;
}

// The file's own description (wxlivectl export-scenario says where it came
// from): a string or an array of strings, read by people only. Inside rooms,
// replay plans and faults "comment" stays free-form.
bool check_comment(ObjectFields& fields) {
  const Value* comment = fields.find("comment");
  if (comment == nullptr || comment->IsString()) return true;
  if (!comment->IsArray()) {
    return fields.fail("comment", "expected a string or an array of strings, got " + describe(*comment));
  }
  for (rapidjson::SizeType i = 0; i < comment->Size(); ++i) {
    if (!(*comment)[i].IsString()) {
      return fields.fail(indexed("comment", i), "expected a string, got " + describe((*comment)[i]));
    }
  }
  return true;
}

bool read_scenario(const Value& root, Scenario& s, std::string& error) {
  ObjectFields fields(root, "", error);
  if (!root.IsObject()) return fields.fail("", "a scenario must be a JSON object, got " + describe(root));
  std::string origin;
  const bool ok = fields.only_keys({"origin", "duration_s", "appid", "secret", "daily_quota", "abnormal_timeout_s",
                                    "live_satus_share", "rooms", "faults"}) &&
                  check_comment(fields) && fields.string("origin", origin) && fields.integer("duration_s", s.duration_s, 1, max_abs_seconds) &&
                  fields.string("appid", s.appid, false) && fields.string("secret", s.secret) &&
                  fields.integer("daily_quota", s.daily_quota, 0, max_count);
  if (!ok) return false;
  const auto origin_unix = parse_rfc3339(origin);
  if (!origin_unix) {
    return fields.fail("origin", quoted(origin) + " is not an RFC 3339 time with an offset, like 2026-11-24T00:00:00+08:00");
  }
  s.origin_unix = *origin_unix;

  std::optional<std::int64_t> timeout;
  if (!fields.optional_integer("abnormal_timeout_s", timeout, 1, max_abs_seconds)) return false;
  if (timeout) s.abnormal_timeout_s = *timeout;

  if (const Value* share = fields.find("live_satus_share", true)) {
    if (!share->IsNumber()) return fields.fail("live_satus_share", "expected a number, got " + describe(*share));
    s.live_satus_share = share->GetDouble();
    if (!(s.live_satus_share >= 0.0 && s.live_satus_share <= 1.0)) {
      return fields.fail("live_satus_share", "must be between 0 and 1");
    }
  }

  const Value* rooms = fields.find("rooms");
  if (rooms == nullptr) return fields.fail("rooms", "required key is missing");
  if (!rooms->IsArray()) return fields.fail("rooms", "expected an array, got " + describe(*rooms));
  std::unordered_map<std::int64_t, std::size_t> index_of_roomid;
  s.rooms.reserve(rooms->Size());
  for (rapidjson::SizeType i = 0; i < rooms->Size(); ++i) {
    Room room;
    if (!read_room((*rooms)[i], i, s.live_satus_share, room, error)) return false;
    const auto [it, inserted] = index_of_roomid.emplace(room.roomid, i);
    if (!inserted) {
      ObjectFields room_fields((*rooms)[i], indexed("rooms", i) + " (roomid " + std::to_string(room.roomid) + ")", error);
      return room_fields.fail("roomid", "already used by " + indexed("rooms", it->second));
    }
    s.rooms.push_back(std::move(room));
  }

  if (const Value* faults = fields.find("faults", true)) {
    if (!faults->IsArray()) return fields.fail("faults", "expected an array, got " + describe(*faults));
    for (rapidjson::SizeType i = 0; i < faults->Size(); ++i) {
      Fault fault;
      if (!read_fault((*faults)[i], i, fault, error)) return false;
      s.faults.push_back(fault);
    }
  }
  return true;
}

Expected<Scenario, ParseError> parse_or_throw(std::string_view json) {
  rapidjson::Document doc;
  // Iterative parsing: a deeply nested hostile file cannot exhaust the stack.
  const char* text = json.empty() ? "" : json.data();  // rapidjson wants a non-null pointer
  doc.Parse<rapidjson::kParseIterativeFlag>(text, json.size());
  if (doc.HasParseError()) {
    const std::size_t offset = std::min(doc.GetErrorOffset(), json.size());
    const auto line = 1 + std::count(json.begin(), json.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    return Unexpected(ParseError{"JSON syntax error at line " + std::to_string(line) + " (offset " +
                                 std::to_string(offset) + "): " + rapidjson::GetParseError_En(doc.GetParseError())});
  }
  Scenario s;
  std::string error;
  if (!read_scenario(doc, s, error)) return Unexpected(ParseError{std::move(error)});
  return s;
}

}  // namespace

bool spells_live_satus(std::int64_t roomid, double share) noexcept {
  // splitmix64: a fixed, well-spread hash, so the same rooms misspell the key in every run.
  std::uint64_t h = static_cast<std::uint64_t>(roomid) + 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  h ^= h >> 31;
  const double fraction = static_cast<double>(h >> 11) * 0x1.0p-53;  // in [0, 1)
  return fraction < share;
}

Expected<Scenario, ParseError> parse_scenario(std::string_view json) noexcept {
  try {
    return parse_or_throw(json);
  } catch (const std::exception& e) {  // only allocation can throw here
    return Unexpected(ParseError{std::string("cannot parse scenario: ") + e.what()});
  }
}

Expected<Scenario, ParseError> load_scenario_file(const std::string& path) noexcept {
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Unexpected(ParseError{path + ": cannot open: " + std::strerror(errno)});
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return Unexpected(ParseError{path + ": read error"});
    auto parsed = parse_or_throw(text.str());
    if (!parsed) return Unexpected(ParseError{path + ": " + parsed.error().message});
    return parsed;
  } catch (const std::exception& e) {
    return Unexpected(ParseError{path + ": cannot load scenario: " + e.what()});
  }
}

}  // namespace wxlived::scenario
