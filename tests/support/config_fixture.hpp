#pragma once
// Shared set-up for config tests: a temp folder with secrets in it and an
// environment that the test controls.
#include <map>
#include <string>

#include "support/temp_dir.hpp"
#include "wxlived/config/load.hpp"

namespace wxlived::testing {

inline constexpr const char* kAppSecret = "app-secret-9f8e7d6c5b4a";
inline constexpr const char* kHookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
inline constexpr const char* kHookSecret2 = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

struct ConfigFixture {
  TempDir dir;
  std::map<std::string, std::string> vars;

  ConfigFixture() {
    // 0600, as a correct install has them (others' read bits draw a warning).
    for (const auto& [name, secret] : {std::pair{"secrets/shop", kAppSecret}, std::pair{"secrets/crm", kHookSecret}})
      std::filesystem::permissions(dir.write(name, std::string(secret) + "\n"), std::filesystem::perms(0600));
  }

  config::EnvLookup env() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }

  // Writes `toml` as wxlived.toml in the temp folder and loads it.
  Expected<config::Config, config::ConfigErrors> load(const std::string& toml) const {
    return config::load_config(dir.write("wxlived.toml", toml), env());
  }

  std::string path() const { return (dir / "wxlived.toml").string(); }
};

// A valid config against a local fake; tests append or replace parts.
inline std::string valid_fake_config() {
  return R"([daemon]
state_dir = "state"
log_format = "json"

[[app]]
name = "shop"
appid = "wxfake000000000001"
secret_file = "secrets/shop"
api_base = "http://127.0.0.1:8080"

[poll]
min_interval_s = 5

[rules]
abnormal_timeout_s = 30
replay_delay_s = 10

[[webhook]]
name = "crm"
url = "http://127.0.0.1:9000/hook"
secret_file = "secrets/crm"
)";
}

}  // namespace wxlived::testing
