#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>

#include "wxlived/core/json_nesting.hpp"
#include "wxlived/engine/beijing_time.hpp"
#include "wxlived/scenario/listing.hpp"
#include "wxlived/scenario/quota.hpp"
#include "wxlived/scenario/truth.hpp"
#include "wxlived/simulate/simulation.hpp"

namespace wxlived::simulate {
namespace {

using engine::kSecond;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

struct StatusEvent {
  scenario::Seconds emitted = 0;  // relative to origin
  scenario::Seconds changed_at = 0;
  std::int64_t room_id = 0;
  int to = 0;
  std::string id;
};

std::vector<StatusEvent> status_events(const scenario::Scenario& s, const std::vector<EmittedEvent>& events) {
  std::vector<StatusEvent> out;
  for (const EmittedEvent& e : events) {
    if (e.event.type != "room.created" && e.event.type != "room.status_changed") continue;
    rapidjson::Document doc;
    if (!parse_bounded_json(doc, e.event.body_json) || !doc.IsObject() || !doc.HasMember("data")) continue;
    const rapidjson::Value& data = doc["data"];
    if (!data.HasMember("to") || !data["to"].IsInt() || !data.HasMember("room_id")) continue;
    StatusEvent se;
    se.emitted = e.at / kSecond - s.origin_unix;
    se.changed_at = se.emitted;
    if (data.HasMember("changed_at") && data["changed_at"].IsString()) {
      // Events carry RFC 3339 UTC; the engine's own formatter wrote it, parse back the same way.
      const std::string text = data["changed_at"].GetString();
      std::tm tm{};
      if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                      &tm.tm_min, &tm.tm_sec) == 6) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        se.changed_at = static_cast<scenario::Seconds>(timegm(&tm)) - s.origin_unix;
      }
    }
    se.room_id = data["room_id"].GetInt64();
    se.to = data["to"].GetInt();
    se.id = e.event.id;
    out.push_back(se);
  }
  return out;
}

// The latest deadline the engine could know for a rule transition (see grade()).
scenario::Seconds knowable_deadline(const scenario::Scenario& s, const scenario::Transition& c, const std::vector<const StatusEvent*>& mine,
                                    const StatusEvent& hit) {
  // 102 -> 107 happens at end_time (or when a room falls back to 102 past it): known in advance.
  if (c.cause == scenario::TransitionCause::end_time_passed) return c.t;
  const StatusEvent* sighting = nullptr;
  for (const StatusEvent* e : mine) {
    if (e->to == scenario::code(scenario::LiveStatus::abnormal) && e->emitted <= hit.emitted) sighting = e;
  }
  return sighting != nullptr ? sighting->emitted + s.abnormal_timeout_s : c.t;
}

void write_summary(Writer& w, const LatencySummary& l, bool with_count) {
  w.StartObject();
  if (with_count) {
    w.Key("count");
    w.Int64(l.count);
  }
  w.Key("p50");
  w.Double(l.p50);
  w.Key("p95");
  w.Double(l.p95);
  w.Key("max");
  w.Double(l.max);
  w.Key("mean");
  w.Double(std::round(l.mean * 10) / 10);
  w.EndObject();
}

}  // namespace

LatencySummary summarize(std::vector<double> values) {
  LatencySummary out;
  out.count = static_cast<std::int64_t>(values.size());
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  auto rank = [&](double p) {
    const auto n = static_cast<double>(values.size());
    const auto k = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100.0 * n)));
    return values[std::min(k, values.size()) - 1];
  };
  out.p50 = rank(50);
  out.p95 = rank(95);
  out.max = values.back();
  double sum = 0;
  for (const double v : values) sum += v;
  out.mean = sum / static_cast<double>(values.size());
  return out;
}

namespace {

std::string change_kind(const scenario::Transition& c) {
  const int from = scenario::code(c.from);
  const int to = scenario::code(c.to);
  if (from == 102) return "start";
  if (to == 103) return "end";
  if (from == 101 && to == 105) return "pause";
  if (from == 105 && to == 101) return "resume";
  if (from == 101 && to == 106) return "drop";
  if (from == 106 && to == 101) return "recover";
  return "other";
}

}  // namespace

Grade grade(const scenario::Scenario& s, const std::vector<EmittedEvent>& events) {
  Grade g;
  const std::vector<StatusEvent> status = status_events(s, events);
  std::map<std::int64_t, std::vector<const StatusEvent*>> by_room;
  for (const StatusEvent& e : status) by_room[e.room_id].push_back(&e);

  for (const scenario::Room& room : s.rooms) {
    const std::vector<scenario::Transition> changes = scenario::transitions(s, room);
    const auto& mine = by_room[room.roomid];
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const scenario::Transition& c = changes[i];
      if (c.t < 0 || c.t >= s.duration_s || !scenario::listed(room, c.t)) continue;
      ++g.transitions_total;
      DayGrade& day = g.days[engine::beijing_day((s.origin_unix + c.t) * kSecond)];
      ++day.transitions_total;
      const scenario::Seconds next =
          i + 1 < changes.size() ? changes[i + 1].t : std::numeric_limits<scenario::Seconds>::max();
      const StatusEvent* hit = nullptr;
      for (const StatusEvent* e : mine) {
        if (e->to == scenario::code(c.to) && e->emitted >= c.t && e->emitted < next) {
          hit = e;
          break;
        }
      }
      GradedTransition& graded = g.transitions.emplace_back();
      graded.room_id = room.roomid;
      graded.changed_at_s = c.t;
      graded.from = scenario::code(c.from);
      graded.to = scenario::code(c.to);
      graded.by_rule = c.cause != scenario::TransitionCause::timeline;
      graded.kind = graded.by_rule ? std::string(scenario::cause_name(c.cause)) : change_kind(c);
      if (hit != nullptr) graded.detected_at_s = hit->emitted;
      if (hit == nullptr) {
        ++g.missed;
        ++day.missed;
        continue;
      }
      ++g.detected;
      ++day.detected;
      const auto latency = static_cast<double>(hit->emitted - c.t);
      if (c.cause == scenario::TransitionCause::timeline) {
        g.latencies.push_back(latency);
        day.latencies.push_back(latency);
        g.latency_by_change[change_kind(c)].push_back(latency);
        continue;
      }
      const scenario::Seconds known = knowable_deadline(s, c, mine, *hit);
      const auto known_latency = static_cast<double>(hit->emitted - known);
      const std::string cause(scenario::cause_name(c.cause));
      g.rule_latencies.push_back(latency);
      g.rule_latencies_known.push_back(known_latency);
      g.rule_true_by_cause[cause].push_back(latency);
      g.rule_known_by_cause[cause].push_back(known_latency);
    }
  }
  for (const StatusEvent& e : status) {
    const scenario::Room* room = scenario::find_room(s, e.room_id);
    if (room == nullptr) {
      ++g.spurious;
      g.spurious_detail.push_back(e.id + ": unknown room");
      continue;
    }
    const int at_emit = scenario::code(scenario::status_at(s, *room, e.emitted));
    const int at_change = scenario::code(scenario::status_at(s, *room, e.changed_at));
    if (at_emit != e.to && at_change != e.to) {
      ++g.spurious;
      g.spurious_detail.push_back(e.id + ": room " + std::to_string(e.room_id) + " to " + std::to_string(e.to) +
                                  " but true " + std::to_string(at_emit));
    }
  }
  return g;
}

QuotaCheck check_calls(const scenario::Scenario& s, const std::vector<CallLine>& calls) {
  QuotaCheck q;
  std::optional<Millis> last_sweep;
  for (const CallLine& c : calls) {
    if (c.api == "token") {
      ++q.token;
      continue;
    }
    if (c.api == "quota") {
      ++q.quota_api;
      continue;
    }
    (c.api == "list" ? q.list : q.replay) += 1;
    auto& [day_list, day_replay] = q.per_day[engine::beijing_day(c.at)];
    (c.api == "list" ? day_list : day_replay) += 1;
    if (c.errcode == 45009) ++q.quota_errors;
    if (c.api == "list" && c.start == 0) {
      if (last_sweep) {
        const double gap = static_cast<double>(c.at - *last_sweep) / kSecond;
        if (!q.min_sweep_gap_s || gap < *q.min_sweep_gap_s) q.min_sweep_gap_s = gap;
      }
      last_sweep = c.at;
    }
  }
  for (const auto& [day, spent] : q.per_day) {
    if (spent.first + spent.second > s.daily_quota) ++q.days_over_quota;
  }
  for (const scenario::Fault& fault : s.faults) {
    const Millis end = (s.origin_unix + fault.to) * kSecond;
    std::optional<double> delay;
    for (const CallLine& c : calls) {
      if (c.api == "list" && c.start == 0 && c.at >= end && c.outcome == "ok") {
        delay = static_cast<double>(c.at - end) / kSecond;
        break;
      }
    }
    q.fault_recovery_s.push_back(delay);
  }
  return q;
}

std::string report_json(const scenario::Scenario& s, const SimulationSettings& settings, const SimulationRun& run,
                        const Grade& g, const QuotaCheck& q) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("policy");
  w.String(engine::to_string(settings.engine.policy));
  w.Key("daily_quota");
  w.Int64(settings.engine.daily_quota.value_or(s.daily_quota));
  w.Key("learn");
  w.Bool(settings.engine.learn);
  w.Key("transitions_total");
  w.Int64(g.transitions_total);
  w.Key("detected");
  w.Int64(g.detected);
  w.Key("missed");
  w.Int64(g.missed);
  w.Key("spurious");
  w.Int64(g.spurious);
  w.Key("latency_s");
  write_summary(w, summarize(g.latencies), false);
  w.Key("rule_latency_s");
  write_summary(w, summarize(g.rule_latencies), true);
  w.Key("rule_latency_known_s");
  write_summary(w, summarize(g.rule_latencies_known), true);
  w.Key("rule_latency_by_cause");
  w.StartObject();
  for (const auto& [cause, values] : g.rule_true_by_cause) {
    w.Key(cause.c_str());
    w.StartObject();
    w.Key("true");
    write_summary(w, summarize(values), true);
    w.Key("known");
    const auto known = g.rule_known_by_cause.find(cause);
    write_summary(w, summarize(known != g.rule_known_by_cause.end() ? known->second : std::vector<double>{}), true);
    w.EndObject();
  }
  w.EndObject();
  w.Key("latency_by_change_s");
  w.StartObject();
  for (const auto& [kind, values] : g.latency_by_change) {
    w.Key(kind.c_str());
    write_summary(w, summarize(values), true);
  }
  w.EndObject();
  if (g.days.size() > 1) {
    w.Key("days");
    w.StartArray();
    for (const auto& [day, d] : g.days) {
      w.StartObject();
      w.Key("day");
      w.String(engine::beijing_date(day * engine::kDay).c_str());
      w.Key("transitions_total");
      w.Int64(d.transitions_total);
      w.Key("detected");
      w.Int64(d.detected);
      w.Key("missed");
      w.Int64(d.missed);
      w.Key("latency_s");
      write_summary(w, summarize(d.latencies), false);
      const auto calls = q.per_day.find(day);
      w.Key("calls");
      w.StartObject();
      w.Key("list");
      w.Int64(calls != q.per_day.end() ? calls->second.first : 0);
      w.Key("replay");
      w.Int64(calls != q.per_day.end() ? calls->second.second : 0);
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  }
  if (!run.habits_json.empty()) {
    w.Key("habits");
    w.RawValue(run.habits_json.c_str(), run.habits_json.size(), rapidjson::kObjectType);
  }
  if (!q.fault_recovery_s.empty()) {
    w.Key("fault_recovery_s");
    w.StartArray();
    for (const auto& delay : q.fault_recovery_s) {
      if (delay) {
        w.Double(*delay);
      } else {
        w.Null();
      }
    }
    w.EndArray();
  }
  w.Key("calls");
  w.StartObject();
  w.Key("list");
  w.Int64(q.list);
  w.Key("replay");
  w.Int64(q.replay);
  w.Key("token");
  w.Int64(q.token);
  w.Key("quota");
  w.Int64(q.quota_api);
  w.EndObject();
  w.Key("quota_errors");
  w.Int64(q.quota_errors);
  w.Key("events");
  w.Int64(static_cast<std::int64_t>(run.events.size()));
  std::map<std::string, std::int64_t> by_type;
  for (const EmittedEvent& e : run.events) ++by_type[e.event.type];
  w.Key("events_by_type");
  w.StartObject();
  for (const auto& [type, n] : by_type) {
    w.Key(type.c_str());
    w.Int64(n);
  }
  w.EndObject();
  w.Key("sweeps");
  w.Int64(run.stats.sweeps);
  w.Key("complete_sweeps");
  w.Int64(run.stats.complete_sweeps);
  w.Key("min_sweep_gap_s");
  if (q.min_sweep_gap_s) {
    w.Double(*q.min_sweep_gap_s);
  } else {
    w.Null();
  }
  w.Key("days_over_quota");
  w.Int64(q.days_over_quota);
  w.Key("inferred");
  w.Int64(run.stats.inferred);
  w.Key("failures");
  w.Int64(run.stats.failures);
  w.Key("warnings");
  w.Int64(run.warnings);
  w.Key("wall_s");
  w.Double(std::round(run.wall_s * 1000) / 1000);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string call_line_json(const scenario::Scenario& s, const CallLine& c) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("t");
  w.Int64(c.at / kSecond - s.origin_unix);
  w.Key("api");
  w.String(c.api.c_str());
  w.Key("start");
  w.Int64(c.start);
  w.Key("limit");
  w.Int64(c.limit);
  w.Key("room_id");
  w.Int64(c.room_id);
  w.Key("errcode");
  if (c.errcode) {
    w.Int64(*c.errcode);
  } else {
    w.Null();
  }
  w.Key("outcome");
  w.String(c.outcome.c_str());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace wxlived::simulate
