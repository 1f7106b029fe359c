#include "wxlived/engine/outlook.hpp"

#include <rapidjson/document.h>

#include <array>
#include <utility>

#include "json_reader.hpp"
#include "json_writer.hpp"
#include "wxlived/core/json_nesting.hpp"

namespace wxlived::engine {
namespace {

constexpr std::array<std::pair<OutlookReason, const char*>, 13> kReasons{{
    {OutlookReason::first_sweep, "first_sweep"},
    {OutlookReason::sweep_pages_left, "sweep_pages_left"},
    {OutlookReason::replay_pages_left, "replay_pages_left"},
    {OutlookReason::daily_quota_unknown, "daily_quota_unknown"},
    {OutlookReason::quota_exhausted, "quota_exhausted"},
    {OutlookReason::auth_failed, "auth_failed"},
    {OutlookReason::failure_backoff, "failure_backoff"},
    {OutlookReason::after_failed_sweep, "after_failed_sweep"},
    {OutlookReason::rule_deadline, "rule_deadline"},
    {OutlookReason::likely_change, "likely_change"},
    {OutlookReason::quiet, "quiet"},
    {OutlookReason::fixed_interval, "fixed_interval"},
    {OutlookReason::replay_check, "replay_check"},
}};

std::optional<OutlookReason> reason_from(std::string_view text) {
  for (const auto& [reason, name] : kReasons)
    if (text == name) return reason;
  return std::nullopt;
}

}  // namespace

const char* to_string(OutlookReason reason) {
  for (const auto& [r, name] : kReasons)
    if (r == reason) return name;
  return "unknown";
}

std::string outlook_to_json(const Outlook& o) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::key(w, "computed_at_ms"); w.Int64(o.computed_at);
  json::key(w, "call"); json::str(w, o.call);
  json::key(w, "at_ms"); w.Int64(o.at);
  json::key(w, "reason"); json::str(w, to_string(o.reason));
  json::key(w, "rooms");
  w.StartArray();
  for (std::int64_t id : o.rooms) w.Int64(id);
  w.EndArray();
  if (o.deadline) { json::key(w, "deadline_ms"); w.Int64(*o.deadline); }
  json::key(w, "policy"); json::str(w, o.policy);
  json::key(w, "daily_limit"); w.Int64(o.daily_limit);
  json::key(w, "limit_known"); w.Bool(o.limit_known);
  json::key(w, "used_today"); w.Int64(o.used_today);
  json::key(w, "budget_left"); w.Int64(o.budget_left);
  json::key(w, "resets_at_ms"); w.Int64(o.resets_at);
  if (o.last_sweep) { json::key(w, "last_sweep_ms"); w.Int64(*o.last_sweep); }
  if (o.sweeps_left) { json::key(w, "sweeps_left"); w.Int64(*o.sweeps_left); }
  if (o.even_interval) { json::key(w, "even_interval_ms"); w.Int64(*o.even_interval); }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<Outlook> outlook_from_json(std::string_view text) {
  using json::bool_member;
  using json::int_member;
  using json::string_member;
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, text) || !doc.IsObject()) return std::nullopt;
  const auto call = string_member(doc, "call");
  const auto reason = string_member(doc, "reason");
  const auto parsed_reason = reason ? reason_from(*reason) : std::nullopt;
  const auto computed_at = int_member(doc, "computed_at_ms");
  const auto at = int_member(doc, "at_ms");
  if (!call || !parsed_reason || !computed_at || !at) return std::nullopt;
  Outlook o;
  o.computed_at = *computed_at;
  o.call = *call;
  o.at = *at;
  o.reason = *parsed_reason;
  if (const auto rooms = doc.FindMember("rooms"); rooms != doc.MemberEnd() && rooms->value.IsArray()) {
    for (const auto& id : rooms->value.GetArray())
      if (id.IsInt64()) o.rooms.push_back(id.GetInt64());
  }
  o.deadline = int_member(doc, "deadline_ms");
  o.policy = string_member(doc, "policy").value_or(std::string());
  o.daily_limit = int_member(doc, "daily_limit").value_or(0);
  o.limit_known = bool_member(doc, "limit_known").value_or(true);
  o.used_today = int_member(doc, "used_today").value_or(0);
  o.budget_left = int_member(doc, "budget_left").value_or(0);
  o.resets_at = int_member(doc, "resets_at_ms").value_or(0);
  o.last_sweep = int_member(doc, "last_sweep_ms");
  o.sweeps_left = int_member(doc, "sweeps_left");
  o.even_interval = int_member(doc, "even_interval_ms");
  return o;
}

}  // namespace wxlived::engine
