// Habits as JSON: the store's copy (sparse observed bins, so a day's
// learning costs a few hundred bytes) and the operator's summary.
#include <rapidjson/document.h>

#include <cmath>

#include "json_writer.hpp"
#include "wxlived/core/json_nesting.hpp"
#include "wxlived/engine/habits.hpp"

namespace wxlived::engine {
namespace {

constexpr int kVersion = 1;

double rounded(double v) { return std::round(v * 1e4) / 1e4; }

void write_observed(json::Writer& w, const HabitDistribution& d) {
  w.StartObject();
  json::key(w, "n"); w.Double(rounded(d.observations()));
  json::key(w, "never"); w.Double(rounded(d.observed_never()));
  json::key(w, "bins");
  w.StartArray();
  const std::vector<double>& bins = d.observed();
  for (std::size_t k = 0; k < bins.size(); ++k) {
    if (bins[k] < 1e-4) continue;
    w.StartArray();
    w.Uint64(k);
    w.Double(rounded(bins[k]));
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
}

double number_or(const rapidjson::Value& obj, const char* name, double fallback) {
  const auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsNumber() && std::isfinite(it->value.GetDouble()) ? it->value.GetDouble()
                                                                                                 : fallback;
}

bool read_observed(const rapidjson::Value& v, HabitDistribution& d) {
  if (!v.IsObject()) return false;
  const auto never = v.FindMember("never");
  const auto bins = v.FindMember("bins");
  if (never == v.MemberEnd() || !never->value.IsNumber() || bins == v.MemberEnd() || !bins->value.IsArray()) {
    return false;
  }
  std::vector<double> observed(d.bins(), 0.0);
  for (const rapidjson::Value& pair : bins->value.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsUint64() || !pair[1].IsNumber()) return false;
    const std::uint64_t k = pair[0].GetUint64();
    if (k >= observed.size()) return false;
    observed[k] = pair[1].GetDouble();
  }
  d.set_observed(std::move(observed), never->value.GetDouble(), number_or(v, "n", -1));
  return true;
}


void write_figures(json::Writer& w, const HabitDistribution& d, bool prior) {
  w.StartObject();
  json::key(w, "p10_s"); w.Int64(std::llround(d.quantile(0.1, prior)));
  json::key(w, "p50_s"); w.Int64(std::llround(d.quantile(0.5, prior)));
  json::key(w, "p90_s"); w.Int64(std::llround(d.quantile(0.9, prior)));
  json::key(w, "never_share"); w.Double(rounded(prior ? d.prior_never() : d.never()));
  w.EndObject();
}

}  // namespace

std::string habits_to_json(const Habits& habits) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::key(w, "version"); w.Int(kVersion);
  json::key(w, "day"); w.Int64(habits.day);
  for (Habit h : kAllHabits) {
    json::key(w, to_string(h));
    write_observed(w, habits.of(h));
  }
  json::key(w, "interruptions");
  w.StartObject();
  json::key(w, "events"); w.Double(rounded(habits.interruptions.events));
  json::key(w, "live_hours"); w.Double(rounded(habits.interruptions.live_hours));
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<Habits> habits_from_json(std::string_view text) {
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, text) || !doc.IsObject()) return std::nullopt;
  if (number_or(doc, "version", 0) != kVersion) return std::nullopt;
  Habits habits = prior_habits();
  habits.day = static_cast<std::int64_t>(number_or(doc, "day", 0));
  for (Habit h : kAllHabits) {
    const auto it = doc.FindMember(to_string(h));
    if (it == doc.MemberEnd() || !read_observed(it->value, habits.of(h))) return std::nullopt;
  }
  const auto rate = doc.FindMember("interruptions");
  if (rate == doc.MemberEnd() || !rate->value.IsObject()) return std::nullopt;
  habits.interruptions.events = std::max(0.0, number_or(rate->value, "events", 0));
  habits.interruptions.live_hours = std::max(0.0, number_or(rate->value, "live_hours", 0));
  return habits;
}

std::string habits_summary_json(const std::string& app, const Habits& habits) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::key(w, "app"); json::str(w, app);
  json::key(w, "learning"); w.Bool(habits.learning);
  json::key(w, "habits");
  w.StartObject();
  for (Habit h : kAllHabits) {
    const HabitDistribution& d = habits.of(h);
    json::key(w, to_string(h));
    w.StartObject();
    json::key(w, "observations"); w.Double(rounded(d.observations()));
    json::key(w, "learned"); write_figures(w, d, false);
    json::key(w, "prior"); write_figures(w, d, true);
    w.EndObject();
  }
  const InterruptionRate& r = habits.interruptions;
  json::key(w, "interruptions_per_live_hour");
  w.StartObject();
  json::key(w, "observations"); w.Double(rounded(r.events));
  json::key(w, "live_hours"); w.Double(rounded(r.live_hours));
  json::key(w, "learned"); w.Double(rounded(r.per_hour()));
  json::key(w, "prior"); w.Double(rounded(r.prior_per_hour));
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace wxlived::engine
