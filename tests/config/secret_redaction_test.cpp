// A secret's value must never appear in any output: errors, summaries, or
// anything else a Config prints.
#include <doctest/doctest.h>

#include "support/config_fixture.hpp"

using wxlived::testing::ConfigFixture;
using wxlived::testing::kAppSecret;
using wxlived::testing::kHookSecret;
using wxlived::testing::valid_fake_config;

TEST_CASE("no config error message echoes a secret value") {
  ConfigFixture fx;
  fx.vars["HOOK"] = std::string(kHookSecret) + "\nwhsec_" + kAppSecret;  // second line invalid
  std::string toml = valid_fake_config();
  toml.replace(toml.find("secret_file = \"secrets/crm\""), 26, "secret_env = \"HOOK\"");
  toml += "events = [\"" + std::string(kAppSecret) + "\"]\n";  // a secret pasted in the wrong place
  auto result = fx.load(toml);
  REQUIRE_FALSE(result);
  for (const auto& e : result.error()) {
    INFO(e.to_string());
    CHECK(e.to_string().find(kHookSecret) == std::string::npos);
    CHECK(e.to_string().find(std::string("whsec_") + kAppSecret) == std::string::npos);
  }
}

TEST_CASE("the config summary and secret origins never contain a secret value") {
  ConfigFixture fx;
  auto config = fx.load(valid_fake_config());
  REQUIRE(config);
  const std::string shown = config->summary() + config->apps[0].secret.origin() + config->webhooks[0].secrets[0].origin();
  CHECK(shown.find(kAppSecret) == std::string::npos);
  CHECK(shown.find(kHookSecret) == std::string::npos);
  const auto values = config->secret_values();
  CHECK(values.size() == 2);
}
