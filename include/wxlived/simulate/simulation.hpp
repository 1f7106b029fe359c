#pragma once
// `wxlived simulate`: the daemon's engine against the fake WeChat, in-process
// and in virtual time (a discrete-event loop that jumps from one wake-up to
// the next), then graded against the scenario's truth model.
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wxlived/engine/app_engine.hpp"
#include "wxlived/scenario/scenario.hpp"

namespace wxlived::simulate {

using engine::Millis;

struct SimulationSettings {
  engine::EngineSettings engine;
  std::string secret;                        // for the token endpoint
  Millis held_request_timeout = 10 * engine::kSecond;  // what a "timeout" fault costs in virtual time
  std::uint64_t token_seed = 1;
};

// One getliveinfo, token or quota call as --calls-out writes it.
struct CallLine {
  Millis at = 0;
  std::string api;  // list | replay | token | quota
  std::int64_t start = 0;
  std::int64_t limit = 0;
  std::int64_t room_id = 0;
  std::optional<std::int64_t> errcode;  // none: no WeChat JSON answer (timeout, HTTP 500, broken body)
  std::string outcome;
};

struct EmittedEvent {
  Millis at = 0;
  engine::EventOut event;
};

struct SimulationRun {
  std::vector<EmittedEvent> events;
  std::vector<CallLine> calls;
  engine::EngineStats stats;
  std::int64_t warnings = 0;
  double wall_s = 0;
  std::string habits_json;  // habits_summary_json of what the engine learned by the end
};

// What simulate uses without --config: the scenario's app, secret and
// daily_quota, a 60 s floor, 100 rooms a page, WeChat's documented rule
// durations (the scenario may shorten 106's).
SimulationSettings scenario_settings(const scenario::Scenario& s);

// Runs [origin, origin + duration) of the scenario.
SimulationRun run_simulation(const scenario::Scenario& s, const SimulationSettings& settings);

struct LatencySummary {
  std::int64_t count = 0;
  double p50 = 0;
  double p95 = 0;
  double max = 0;
  double mean = 0;
};
// Nearest-rank percentiles (the scorer script uses the same definition).
LatencySummary summarize(std::vector<double> values);

// One Beijing day's share of a run (multi-day scenarios show learning).
struct DayGrade {
  std::int64_t transitions_total = 0;
  std::int64_t detected = 0;
  std::int64_t missed = 0;
  std::vector<double> latencies;  // observed transitions, seconds
};

// One true transition and what the run made of it (the report's timeline).
struct GradedTransition {
  std::int64_t room_id = 0;
  std::int64_t changed_at_s = 0;                 // true time, relative to the scenario origin
  int from = 0;
  int to = 0;
  std::string kind;                              // start, pause, resume, drop, recover, end, other; or the rule's cause
  bool by_rule = false;                          // 106 -> 103 / 102 -> 107 by WeChat's rules
  std::optional<std::int64_t> detected_at_s;     // emission of the detecting event; none: missed
};

struct Grade {
  std::vector<GradedTransition> transitions;  // in room order, then time
  std::int64_t transitions_total = 0;
  std::int64_t detected = 0;
  std::int64_t missed = 0;
  std::int64_t spurious = 0;
  std::vector<double> latencies;       // observed (timeline) transitions, seconds
  std::vector<double> rule_latencies;  // 106->103 and 102->107 by WeChat's rules, from the true deadline, seconds
  // The same rule transitions measured from the deadline the engine can know:
  // its own first sighting of the 106 + abnormal_timeout_s (the onset is only
  // known to within a sweep interval), end_time for 102 -> 107. Negative when
  // a poll saw the rule fire before that latest possible deadline.
  std::vector<double> rule_latencies_known;
  std::map<std::string, std::vector<double>> rule_true_by_cause;   // "abnormal_timeout" | "end_time_passed"
  std::map<std::string, std::vector<double>> rule_known_by_cause;
  std::vector<std::string> spurious_detail;
  // Observed transitions by kind: start (102 ->), pause (101 -> 105), resume
  // (105 -> 101), drop (101 -> 106), recover (106 -> 101), end (-> 103), other.
  std::map<std::string, std::vector<double>> latency_by_change;
  std::map<std::int64_t, DayGrade> days;  // by Beijing day number (engine::beijing_day)
};

// A transition is a change of true status (scenario::transitions) inside the
// window while the room is listed; detected by the first event for that room
// whose data.to is the new status, emitted at or after the change and before
// the room's next change. Spurious: a status event whose `to` the room had
// neither when emitted nor at its changed_at. A rule 106 -> 103's knowable
// deadline is the emission time of the room's latest status event to 106
// before the detecting one, plus the scenario's abnormal_timeout_s (the true
// deadline if the engine never saw the 106); a 102 -> 107's is end_time.
Grade grade(const scenario::Scenario& s, const std::vector<EmittedEvent>& events);

struct QuotaCheck {
  std::int64_t list = 0;
  std::int64_t replay = 0;
  std::int64_t token = 0;
  std::int64_t quota_api = 0;
  std::int64_t quota_errors = 0;
  std::int64_t days_over_quota = 0;
  std::optional<double> min_sweep_gap_s;  // between list calls with start = 0
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> per_day;  // Beijing day -> (list, replay)
  // Per scripted fault window: seconds from its end to the start of the first
  // sweep whose first page was answered (none: no sweep before the run ended).
  std::vector<std::optional<double>> fault_recovery_s;
};
QuotaCheck check_calls(const scenario::Scenario& s, const std::vector<CallLine>& calls);

// The one JSON object simulate prints.
std::string report_json(const scenario::Scenario& s, const SimulationSettings& settings, const SimulationRun& run,
                        const Grade& grade, const QuotaCheck& quota);
// --calls-out line; t in seconds relative to the scenario origin.
std::string call_line_json(const scenario::Scenario& s, const CallLine& call);

struct SimulateOptions {
  std::string scenario_file;
  std::optional<std::string> config_file;
  std::vector<engine::Policy> policies{engine::Policy::adaptive};
  std::vector<std::int64_t> quotas;  // empty: the scenario's (or the config's) daily_quota
  bool no_learn = false;
  std::optional<std::string> events_out;  // one run only
  std::optional<std::string> calls_out;   // one run only
  bool json = false;                      // one JSON object per run, whatever stdout is
  bool table = false;                     // the table, whatever stdout is
  bool stdout_is_terminal = false;        // neither flag: a terminal gets the table, a pipe JSON
  std::optional<std::string> report_file;
  std::optional<std::string> timeline;    // POLICY:QUOTA, the run the report's timeline shows
  unsigned jobs = 0;                      // 0: the machine's cores
};

// The subcommand: 0 and the report on out; 2 on a bad scenario, config or
// option (a config whose appid is not the scenario's is one).
int simulate_command(const SimulateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace wxlived::simulate
