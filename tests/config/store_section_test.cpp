// [store]: SQLite by default, PostgreSQL for a fleet, the DSN as a secret.
#include <doctest/doctest.h>

#include <algorithm>

#include "support/config_fixture.hpp"

using wxlived::config::StoreBackend;
using wxlived::testing::ConfigFixture;
using wxlived::testing::valid_fake_config;

namespace {

std::string all_lines(const wxlived::config::ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

// The config's line number of `needle` (1-based).
int line_of(const std::string& toml, const std::string& needle) {
  const auto at = toml.find(needle);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(toml.begin(), toml.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

}  // namespace

TEST_CASE("without a [store] section the state is SQLite in state_dir and the node is the host name") {
  ConfigFixture fx;
  auto config = fx.load(valid_fake_config());
  REQUIRE_MESSAGE(config, (config ? "" : all_lines(config.error())));
  CHECK(config->store.backend == StoreBackend::sqlite);
  CHECK(config->store.lease_s == 15);
  CHECK_FALSE(config->store.node.empty());
}

TEST_CASE("a postgresql store takes an inline DSN without a password, lease_s and node") {
  ConfigFixture fx;
  auto config = fx.load(valid_fake_config() +
                        "\n[store]\nbackend = \"postgresql\"\ndsn = \"host=/run/postgresql dbname=wxlived\"\n"
                        "lease_s = 5\nnode = \"poller-2\"\n");
  REQUIRE_MESSAGE(config, (config ? "" : all_lines(config.error())));
  CHECK(config->store.backend == StoreBackend::postgresql);
  CHECK(config->store.dsn.reveal() == "host=/run/postgresql dbname=wxlived");
  CHECK(config->store.lease_s == 5);
  CHECK(config->store.node == "poller-2");
}

TEST_CASE("an inline DSN with a password is refused at its line, in either libpq form") {
  for (const std::string dsn : {"host=db dbname=wxlived password=hunter2", "postgresql://wxlived:hunter2@db/wxlived"}) {
    CAPTURE(dsn);
    ConfigFixture fx;
    const std::string toml = valid_fake_config() + "\n[store]\nbackend = \"postgresql\"\ndsn = \"" + dsn + "\"\n";
    auto config = fx.load(toml);
    REQUIRE_FALSE(config);
    const std::string text = all_lines(config.error());
    CHECK(text.find(fx.path() + ":" + std::to_string(line_of(toml, "dsn = ")) + ": store.dsn: holds a password") !=
          std::string::npos);
    CHECK(text.find("hunter2") == std::string::npos);
  }
  ConfigFixture fx;
  auto without = fx.load(valid_fake_config() +
                         "\n[store]\nbackend = \"postgresql\"\ndsn = \"postgresql://wxlived@db/wxlived\"\n");
  CHECK(without.has_value());
}

TEST_CASE("a DSN with a password comes from dsn_file and is redacted like the other secrets") {
  ConfigFixture fx;
  std::filesystem::permissions(fx.dir.write("secrets/pg", "host=db dbname=wxlived password=s3cr3t-pg\n"),
                               std::filesystem::perms(0600));
  auto config = fx.load(valid_fake_config() + "\n[store]\nbackend = \"postgresql\"\ndsn_file = \"secrets/pg\"\n");
  REQUIRE_MESSAGE(config, (config ? "" : all_lines(config.error())));
  CHECK(config->store.dsn.reveal() == "host=db dbname=wxlived password=s3cr3t-pg");
  const auto secrets = config->secret_values();
  CHECK(std::find(secrets.begin(), secrets.end(), config->store.dsn.reveal()) != secrets.end());
}

TEST_CASE("a postgresql store without a DSN, or with two, is an error at the section") {
  ConfigFixture fx;
  const std::string none = valid_fake_config() + "\n[store]\nbackend = \"postgresql\"\n";
  auto missing = fx.load(none);
  REQUIRE_FALSE(missing);
  CHECK(all_lines(missing.error()).find(fx.path() + ":" + std::to_string(line_of(none, "[store]")) + ": store.dsn:") !=
        std::string::npos);
  auto two = fx.load(valid_fake_config() +
                     "\n[store]\nbackend = \"postgresql\"\ndsn = \"dbname=a\"\ndsn_env = \"PG_DSN\"\n");
  REQUIRE_FALSE(two);
  CHECK(all_lines(two.error()).find("set only one of dsn, dsn_file, dsn_env, dsn_credential") != std::string::npos);
}

TEST_CASE("an unknown backend, a lease out of range and an unknown [store] key are errors at their lines") {
  ConfigFixture fx;
  const std::string toml = valid_fake_config() + "\n[store]\nbackend = \"mysql\"\nlease_s = 1\nleas_s = 9\n";
  auto config = fx.load(toml);
  REQUIRE_FALSE(config);
  const std::string text = all_lines(config.error());
  CHECK(text.find(":" + std::to_string(line_of(toml, "backend = ")) + ": store.backend: must be one of sqlite, postgresql") !=
        std::string::npos);
  CHECK(text.find(":" + std::to_string(line_of(toml, "lease_s = 1")) + ": store.lease_s: must be from 3 to 300") !=
        std::string::npos);
  CHECK(text.find("store.leas_s: unknown key (did you mean \"lease_s\"?)") != std::string::npos);
}

TEST_CASE("a DSN beside the sqlite backend is a warning, not an error") {
  ConfigFixture fx;
  auto config = fx.load(valid_fake_config() + "\n[store]\ndsn = \"dbname=wxlived\"\n");
  REQUIRE(config);
  CHECK(config->store.backend == StoreBackend::sqlite);
  const bool warned = std::any_of(config->warnings.begin(), config->warnings.end(), [](const std::string& w) {
    return w.find("store.dsn: warning: ignored: backend is sqlite") != std::string::npos;
  });
  CHECK(warned);
}
