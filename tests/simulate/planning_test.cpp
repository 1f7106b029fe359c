#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "wxlived/scenario/parse.hpp"
#include "wxlived/simulate/planning.hpp"

using namespace wxlived;

namespace {

std::string shared_path(const std::string& name) {
  const std::string beside = std::string(WXLIVED_SOURCE_DIR) + "/../shared/scenarios/" + name;
  return std::filesystem::exists(beside) ? beside : "/work/shared/scenarios/" + name;
}

struct Ran {
  int rc = 0;
  std::string out;
  std::string err;
};

Ran simulate_with(simulate::SimulateOptions options) {
  std::ostringstream out;
  std::ostringstream err;
  const int rc = simulate::simulate_command(options, out, err);
  return Ran{rc, out.str(), err.str()};
}

simulate::SimulateOptions options_for(const std::string& scenario) {
  simulate::SimulateOptions o;
  o.scenario_file = shared_path(scenario);
  return o;
}

std::vector<rapidjson::Document> json_lines(const std::string& text) {
  std::vector<rapidjson::Document> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    REQUIRE_FALSE(d.HasParseError());
    out.push_back(std::move(d));
  }
  return out;
}

std::filesystem::path temp_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("wxlived-planning-" + name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("every policy and quota combination runs and each JSON object names its policy and quota") {
  auto o = options_for("small.json");
  o.policies = {engine::Policy::adaptive, engine::Policy::steady, engine::Policy::fixed};
  o.quotas = {50, 500};
  o.json = true;
  o.jobs = 2;
  const Ran r = simulate_with(o);
  REQUIRE(r.rc == 0);
  const auto runs = json_lines(r.out);
  REQUIRE(runs.size() == 6);
  std::vector<std::string> seen;
  for (const auto& run : runs) {
    seen.push_back(std::string(run["policy"].GetString()) + ":" + std::to_string(run["daily_quota"].GetInt64()));
    // The fake enforced the planned quota: never more calls a day than it.
    CHECK(run["days_over_quota"].GetInt64() == 0);
    CHECK(run["calls"]["list"].GetInt64() + run["calls"]["replay"].GetInt64() <= run["daily_quota"].GetInt64());
  }
  CHECK(seen == std::vector<std::string>{"adaptive:50", "adaptive:500", "steady:50", "steady:500", "fixed:50",
                                         "fixed:500"});
}

TEST_CASE("runs in parallel give exactly what the same runs give one at a time") {
  auto o = options_for("small.json");
  o.policies = {engine::Policy::adaptive, engine::Policy::steady};
  o.quotas = {100, 300};
  o.json = true;
  o.jobs = 1;
  const Ran one = simulate_with(o);
  o.jobs = 4;
  const Ran four = simulate_with(o);
  REQUIRE(one.rc == 0);
  REQUIRE(four.rc == 0);
  // wall_s differs from run to run; everything else must not.
  auto without_wall = [](const std::string& text) {
    std::string out;
    for (const auto& d : json_lines(text)) {
      rapidjson::Document copy;
      copy.CopyFrom(d, copy.GetAllocator());
      copy.RemoveMember("wall_s");
      rapidjson::StringBuffer b;
      rapidjson::Writer<rapidjson::StringBuffer> w(b);
      copy.Accept(w);
      out += b.GetString();
      out += "\n";
    }
    return out;
  };
  CHECK(without_wall(one.out) == without_wall(four.out));
}

TEST_CASE("the table has a header and one row per run with its policy and quota") {
  auto o = options_for("small.json");
  o.policies = {engine::Policy::adaptive, engine::Policy::fixed};
  o.quotas = {100, 200, 300};
  o.table = true;
  const Ran r = simulate_with(o);
  REQUIRE(r.rc == 0);
  std::istringstream in(r.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0].find("policy") == 0);
  CHECK(lines[0].find("p95 s") != std::string::npos);
  CHECK(lines[0].find("missed") != std::string::npos);
  CHECK(lines[1].find("adaptive") == 0);
  CHECK(lines[1].find(" 100 ") != std::string::npos);
  CHECK(lines[6].find("fixed") == 0);
  CHECK(lines[6].find(" 300 ") != std::string::npos);
}

TEST_CASE("a pipe without --table or --json gets JSON and a terminal gets the table") {
  auto o = options_for("small.json");
  const Ran piped = simulate_with(o);
  REQUIRE(piped.rc == 0);
  CHECK(piped.out.front() == '{');
  o.stdout_is_terminal = true;
  const Ran terminal = simulate_with(o);
  CHECK(terminal.out.find("policy") == 0);
  o.json = true;
  CHECK(simulate_with(o).out.front() == '{');
}

TEST_CASE("a config whose appid is not the scenario's is an error naming both, with exit 2") {
  const auto config = temp_file("other-app.toml", R"([daemon]
state_dir = "/tmp"

[[app]]
name = "other"
appid = "wx00000000000000ff"
secret_env = "WXLIVED_NO_SUCH_SECRET"
api_base = "http://127.0.0.1:1"
)");
  auto o = options_for("small.json");
  o.config_file = config.string();
  const Ran r = simulate_with(o);
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("no [[app]] with appid") != std::string::npos);
  CHECK(r.err.find("other (wx00000000000000ff)") != std::string::npos);
  std::filesystem::remove(config);
}

TEST_CASE("a config for the scenario's app sets the floor and quota, and its secret is never read") {
  auto s = scenario::load_scenario_file(shared_path("small.json"));
  REQUIRE(s.has_value());
  // secret_file names a file that does not exist: a planning run must not need it.
  const auto config = temp_file("same-app.toml", std::string(R"([daemon]
state_dir = "/tmp"

[[app]]
name = "shop"
appid = ")") + s->appid + R"("
secret_file = "/nonexistent/wxlived-secret"
api_base = "http://127.0.0.1:1"
daily_quota = 300

[poll]
min_interval_s = 120
)");
  auto o = options_for("small.json");
  o.config_file = config.string();
  o.json = true;
  const Ran r = simulate_with(o);
  REQUIRE(r.rc == 0);
  const auto runs = json_lines(r.out);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["daily_quota"].GetInt64() == 300);
  CHECK(runs[0]["min_sweep_gap_s"].GetDouble() >= 120);
  CHECK(runs[0]["detected"].GetInt64() > 0);
  std::filesystem::remove(config);
}

TEST_CASE("call and event traces are refused when several runs would write them") {
  auto o = options_for("small.json");
  o.quotas = {100, 200};
  o.calls_out = (std::filesystem::temp_directory_path() / "wxlived-planning-calls.jsonl").string();
  const Ran r = simulate_with(o);
  CHECK(r.rc == 2);
  CHECK(r.err.find("one run") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(*o.calls_out));
}

TEST_CASE("a report timeline that names no run is an error with exit 2 and writes nothing") {
  auto o = options_for("small.json");
  o.quotas = {100, 200};
  o.report_file = (std::filesystem::temp_directory_path() / "wxlived-planning-report.html").string();
  o.timeline = "steady:100";
  const Ran r = simulate_with(o);
  CHECK(r.rc == 2);
  CHECK(r.err.find("--timeline steady:100 is not one of the runs") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(*o.report_file));
  o.timeline = "adaptive:200";
  const Ran ok = simulate_with(o);
  CHECK(ok.rc == 0);
  CHECK(std::filesystem::exists(*o.report_file));
  std::filesystem::remove(*o.report_file);
}
