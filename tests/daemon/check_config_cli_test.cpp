// `wxlived check-config` as an operator runs it: the real binary, real files.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/config_fixture.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/version.hpp"

using wxlived::testing::bin;
using wxlived::testing::ConfigFixture;
using wxlived::testing::run_process;
using wxlived::testing::valid_fake_config;

TEST_CASE("check-config on a valid file exits 0 with a one-line summary") {
  ConfigFixture fx;
  fx.load(valid_fake_config());
  auto r = run_process(bin("wxlived") + " check-config --config " + fx.path());
  CHECK(r.exit_code == 0);
  CHECK(r.output == fx.path() + ": ok: 1 app (shop), 1 webhook (crm), state dir " + (fx.dir / "state").string() + "\n");
}

TEST_CASE("check-config on a broken file exits 2 with one line per problem") {
  ConfigFixture fx;
  std::string toml = valid_fake_config() + "events = [\"room.nope\"]\napps = [\"outlet\"]\n";
  fx.load(toml);
  auto r = run_process(bin("wxlived") + " check-config --config " + fx.path());
  CHECK(r.exit_code == 2);
  CHECK(r.output == fx.path() + ":22: webhook[0].events: unknown event type \"room.nope\"\n" + fx.path() +
                        ":23: webhook[0].apps: names no configured app: \"outlet\"\n");
}

TEST_CASE("check-config never prints a secret value") {
  ConfigFixture fx;
  fx.dir.write("secrets/crm", std::string("whsec_") + "but-not-base64-" + wxlived::testing::kAppSecret + "\n");
  fx.load(valid_fake_config());
  auto bad = run_process(bin("wxlived") + " check-config --config " + fx.path());
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find(wxlived::testing::kAppSecret) == std::string::npos);
  fx.dir.write("secrets/crm", std::string(wxlived::testing::kHookSecret) + "\n");
  auto good = run_process(bin("wxlived") + " check-config --config " + fx.path());
  CHECK(good.exit_code == 0);
  CHECK(good.output.find(wxlived::testing::kAppSecret) == std::string::npos);
  CHECK(good.output.find(wxlived::testing::kHookSecret) == std::string::npos);
}

namespace {

// The shipped config, checked from a shell as docs/OPERATIONS.md says, with
// the secrets where the install puts them (here in a temp folder).
struct ShippedConfigCheck {
  wxlived::testing::TempDir dir;
  const std::string config = WXLIVED_SOURCE_DIR "/etc/wxlived.toml";

  ShippedConfigCheck() {
    dir.write("secrets/shop", std::string(wxlived::testing::kAppSecret) + "\n");
    dir.write("secrets/crm-hook", std::string(wxlived::testing::kHookSecret) + "\n");
  }
  wxlived::testing::ProcessResult check(const std::string& extra) const {
    return run_process("env -u CREDENTIALS_DIRECTORY " + bin("wxlived") + " check-config --config " + config + " " +
                       extra);
  }
};

}  // namespace

TEST_CASE("check-config outside systemd reads secret_credential from the unit's LoadCredential= folder") {
  ShippedConfigCheck install;
  auto r = install.check("--load-credential secrets:" + (install.dir / "secrets").string());
  CHECK(r.exit_code == 0);
  CHECK(r.output == install.config + ": ok: 1 app (shop), 1 webhook (crm), state dir /var/lib/wxlived\n");
}

TEST_CASE("check-config outside systemd names a missing secret file at its config line, and prints no secret") {
  ShippedConfigCheck install;
  std::filesystem::remove(install.dir / "secrets/shop");
  auto r = install.check("--load-credential secrets:" + (install.dir / "secrets").string());
  CHECK(r.exit_code == 2);
  CHECK(r.output == install.config + ":18: app[0].secret_credential: cannot read " +
                        (install.dir / "secrets/shop").string() + ": No such file or directory\n");
  CHECK(r.output.find(wxlived::testing::kHookSecret) == std::string::npos);
}

TEST_CASE("check-config outside systemd without --load-credential says how to check credentials") {
  ShippedConfigCheck install;
  auto r = install.check("");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(install.config + ":18: app[0].secret_credential: CREDENTIALS_DIRECTORY is not set") == 0);
  CHECK(r.output.find("--load-credential ID:PATH") != std::string::npos);
}

TEST_CASE("check-config --load-credential that is not ID:PATH is a usage error") {
  ShippedConfigCheck install;
  auto r = install.check("--load-credential /etc/wxlived/secrets");
  CHECK(r.exit_code == 64);
  CHECK(r.output.find("is not ID:PATH") != std::string::npos);
}

TEST_CASE("check-config checks apps_dir's files with the unit's credentials and counts their apps in its ok line") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml.insert(toml.find("[daemon]\n") + 9, "apps_dir = \"apps.d\"\n");
  fx.dir.write("creds/outlet", "outlet-secret\n");
  const auto outlet = fx.dir.write("apps.d/outlet.toml", "appid = \"wxfake000000000002\"\nsecret_credential = "
                                                         "\"secrets_outlet\"\napi_base = \"http://127.0.0.1:8080\"\n");
  fx.load(toml);
  const std::string check = "env -u CREDENTIALS_DIRECTORY " + bin("wxlived") + " check-config --config " + fx.path() +
                            " --load-credential secrets:" + (fx.dir / "creds").string();
  auto ok = run_process(check);
  CHECK(ok.exit_code == 0);
  CHECK(ok.output == fx.path() + ": ok: 2 apps (1 in the config file: shop; 1 in " + (fx.dir / "apps.d").string() +
                         ": outlet), 1 webhook (crm), state dir " + (fx.dir / "state").string() + "\n");
  CHECK(ok.output.find("outlet-secret") == std::string::npos);

  std::filesystem::remove(fx.dir / "creds/outlet");
  auto missing = run_process(check);
  CHECK(missing.exit_code == 2);
  CHECK(missing.output == outlet.string() + ":2: app.secret_credential: cannot read " +
                              (fx.dir / "creds/outlet").string() + ": No such file or directory\n");
}

TEST_CASE("each binary answers --version and --help") {
  for (const char* name : {"wxlived", "wxlivectl", "wxlive-fakewx"}) {
    auto version = run_process(bin(name) + " --version");
    CHECK(version.exit_code == 0);
    CHECK(version.output == std::string(name) + " " + wxlived::kVersion + "\n");
    auto help = run_process(bin(name) + " --help");
    CHECK(help.exit_code == 0);
    CHECK(help.output.find("Usage:") != std::string::npos);
  }
}

TEST_CASE("an unknown subcommand is a usage error distinct from an invalid config") {
  auto r = run_process(bin("wxlived") + " frobnicate");
  CHECK(r.exit_code == 64);
}

TEST_CASE("run with an invalid config exits 2 with every problem and starts nothing") {
  ConfigFixture fx;
  fx.load(valid_fake_config() + "apps = [\"outlet\"]\n");
  auto r = run_process(bin("wxlived") + " run --config " + fx.path());
  CHECK(r.exit_code == 2);
  CHECK(r.output == fx.path() + ":22: webhook[0].apps: names no configured app: \"outlet\"\n");
  CHECK_FALSE(std::filesystem::exists(fx.dir / "state"));
}

TEST_CASE("run with a state_dir it cannot create exits 1 naming the path") {
  ConfigFixture fx;
  fx.dir.write("blocker", "a file where the state folder should go");
  std::string toml = valid_fake_config();
  const auto at = toml.find("state_dir = \"state\"");
  REQUIRE(at != std::string::npos);
  toml.replace(at, 19, "state_dir = \"blocker/state\"");
  fx.load(toml);
  auto r = run_process(bin("wxlived") + " run --config " + fx.path());
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("cannot lock the state directory") != std::string::npos);
  CHECK(r.output.find("cannot create state_dir " + (fx.dir / "blocker/state").string()) != std::string::npos);
  CHECK(r.output.find(wxlived::testing::kAppSecret) == std::string::npos);
}
