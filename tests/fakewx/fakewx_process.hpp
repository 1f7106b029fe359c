#pragma once
// The real wxlive-fakewx binary running as a child process for one test,
// plus a small HTTP client speaking to it.
#include <httplib.h>
#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenario_text.hpp"
#include "support/child_process.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace wxlived::fakewx::testing {

// One HTTP answer, with its body parsed when it is JSON.
struct Answer {
  int status = 0;  // 0: no answer (connection error or client timeout)
  std::string body;
  std::string content_type;
  rapidjson::Document json;

  std::int64_t errcode() const {
    return json.IsObject() && json.HasMember("errcode") ? json["errcode"].GetInt64() : 0;
  }
  std::string string(const char* key) const {
    return json.IsObject() && json.HasMember(key) && json[key].IsString() ? json[key].GetString() : "";
  }
};

inline Answer make_answer(const httplib::Result& result) {
  Answer answer;
  if (!result) return answer;
  answer.status = result->status;
  answer.body = result->body;
  answer.content_type = result->get_header_value("Content-Type");
  answer.json.Parse(answer.body.c_str());
  return answer;
}

class RunningFakewx {
 public:
  // Writes `scenario_json` to a temp file and starts the binary on a free port.
  explicit RunningFakewx(const std::string& scenario_json, std::vector<std::string> extra_args = {"--origin", "now"}) {
    const auto scenario_file = dir_.write("scenario.json", scenario_json);
    std::vector<std::string> args{"--scenario", scenario_file.string(), "--listen", "127.0.0.1:0",
                                  "--port-file", (dir_ / "port").string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<wxlived::testing::ChildProcess>(wxlived::testing::bin("wxlive-fakewx"), args,
                                                                 dir_ / "output.log");
    const auto port_text = process_->wait_for_file(dir_ / "port");
    if (!port_text) throw std::runtime_error("wxlive-fakewx did not start: " + process_->output());
    port_ = std::stoi(*port_text);
  }

  int port() const { return port_; }
  wxlived::testing::ChildProcess& process() { return *process_; }
  std::string output() const { return process_->output(); }

  std::unique_ptr<httplib::Client> client(std::chrono::milliseconds read_timeout = std::chrono::seconds(10)) const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(read_timeout);
    c->set_connection_timeout(std::chrono::seconds(5));
    return c;
  }

  Answer get(const std::string& path) const { return make_answer(client()->Get(path.c_str())); }
  Answer post(const std::string& path, const std::string& body) const {
    return make_answer(client()->Post(path.c_str(), body, "application/json"));
  }

  // A classic token for the test scenario's app.
  std::string token() const {
    const Answer a = get(std::string("/cgi-bin/token?grant_type=client_credential&appid=") + appid +
                         "&secret=" + secret);
    return a.string("access_token");
  }
  Answer list(const std::string& token, std::int64_t start, std::int64_t limit) const {
    return post("/wxa/business/getliveinfo?access_token=" + token,
                "{\"start\":" + std::to_string(start) + ",\"limit\":" + std::to_string(limit) + "}");
  }
  Answer replay(const std::string& token, std::int64_t room_id) const {
    return post("/wxa/business/getliveinfo?access_token=" + token,
                "{\"action\":\"get_replay\",\"room_id\":" + std::to_string(room_id) + ",\"start\":0,\"limit\":10}");
  }

 private:
  wxlived::testing::TempDir dir_;
  std::unique_ptr<wxlived::testing::ChildProcess> process_;
  int port_ = 0;
};

}  // namespace wxlived::fakewx::testing
