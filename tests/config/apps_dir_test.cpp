// [daemon] apps_dir: one app per file, read with the config file (real files
// in a temp folder). Problems name the app file and its line.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/config_fixture.hpp"

using wxlived::config::ConfigErrors;
using wxlived::testing::ConfigFixture;
using wxlived::testing::valid_fake_config;

namespace {

std::string all_lines(const ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

// valid_fake_config() (app "shop") with apps_dir = "apps.d" in its [daemon].
std::string config_with_apps_dir(const std::string& apps_dir = "apps.d") {
  std::string toml = valid_fake_config();
  const std::string daemon = "[daemon]\n";
  return toml.insert(toml.find(daemon) + daemon.size(), "apps_dir = \"" + apps_dir + "\"\n");
}

// An app file's keys; secret paths in it resolve against apps.d.
std::string app_file(const std::string& appid, const std::string& extra = "") {
  return extra + "appid = \"" + appid + "\"\nsecret_file = \"../secrets/shop\"\napi_base = \"http://127.0.0.1:8080\"\n";
}

// The one problem of a config expected to fail with exactly one.
wxlived::config::ConfigError only_error(const ConfigFixture& fx, const std::string& toml) {
  auto result = fx.load(toml);
  REQUIRE_FALSE(result);
  INFO(all_lines(result.error()));
  REQUIRE(result.error().size() == 1);
  return result.error().front();
}

}  // namespace

TEST_CASE("an app file in apps_dir loads as an app after the app blocks, its name taken from the file") {
  ConfigFixture fx;
  fx.dir.write("apps.d/outlet.toml", app_file("wxfake000000000002", "page_size = 50\n"));
  auto config = fx.load(config_with_apps_dir());
  INFO((config ? std::string() : all_lines(config.error())));
  REQUIRE(config);
  CHECK(config->daemon.apps_dir == fx.dir / "apps.d");  // relative: against the config file's folder
  REQUIRE(config->apps.size() == 2);
  CHECK(config->apps_from_dir == 1);
  CHECK(config->apps[0].name == "shop");
  CHECK(config->apps[1].name == "outlet");
  CHECK(config->apps[1].appid == "wxfake000000000002");
  CHECK(config->apps[1].page_size == 50);
  CHECK(config->apps[1].secret.reveal() == wxlived::testing::kAppSecret);
  CHECK(config->apps[1].secret.origin() == "file " + (fx.dir / "apps.d/../secrets/shop").string());
  CHECK(config->summary() == "2 apps (1 in the config file: shop; 1 in " + (fx.dir / "apps.d").string() +
                                 ": outlet), 1 webhook (crm), state dir " + (fx.dir / "state").string());
}

TEST_CASE("an app file may repeat its file's name as its name") {
  ConfigFixture fx;
  fx.dir.write("apps.d/outlet.toml", app_file("wxfake000000000002", "name = \"outlet\"\n"));
  auto config = fx.load(config_with_apps_dir());
  REQUIRE(config);
  CHECK(config->apps.back().name == "outlet");
}

TEST_CASE("an app file's name that is not its file's name is refused at its line") {
  ConfigFixture fx;
  const auto file = fx.dir.write("apps.d/outlet.toml", app_file("wxfake000000000002", "name = \"mall\"\n"));
  auto e = only_error(fx, config_with_apps_dir());
  CHECK(e.to_string() == file.string() +
                             ":1: app.name: \"mall\" is not the file's name \"outlet\": one file per app, found by "
                             "the app's name; rename the file or leave name out");
}

TEST_CASE("an app file named like an app block is refused in the app file, naming the block's line") {
  ConfigFixture fx;
  const auto file = fx.dir.write("apps.d/shop.toml", app_file("wxfake000000000002"));
  auto e = only_error(fx, config_with_apps_dir());
  CHECK(e.to_string() == file.string() + ":1: app.name: duplicate name \"shop\" (first at " + fx.path() + ":7)");
}

TEST_CASE("the same appid in two app files is refused in the later file, naming the first") {
  ConfigFixture fx;
  const auto first = fx.dir.write("apps.d/a.toml", app_file("wxfake000000000002"));
  const auto second = fx.dir.write("apps.d/b.toml", "# b\n" + app_file("wxfake000000000002"));
  auto e = only_error(fx, config_with_apps_dir());
  CHECK(e.to_string() == second.string() + ":2: app.appid: duplicate appid \"wxfake000000000002\" (first at " +
                             first.string() + ":1)");
}

TEST_CASE("an unknown key in an app file is refused at its line in that file with a suggestion") {
  ConfigFixture fx;
  const auto file = fx.dir.write("apps.d/outlet.toml", app_file("wxfake000000000002") + "page_sise = 10\n");
  auto e = only_error(fx, config_with_apps_dir());
  CHECK(e.to_string() == file.string() + ":4: app.page_sise: unknown key (did you mean \"page_size\"?)");
}

TEST_CASE("a bad value and a syntax error are reported in their app files") {
  ConfigFixture fx;
  const auto bad = fx.dir.write("apps.d/a.toml", app_file("wxfake000000000002", "daily_quota = \"lots\"\n"));
  const auto broken = fx.dir.write("apps.d/b.toml", "appid = \n");
  auto result = fx.load(config_with_apps_dir());
  REQUIRE_FALSE(result);
  const auto& errors = result.error();
  INFO(all_lines(errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].to_string() == bad.string() + ":1: app.daily_quota: must be a number of calls or \"auto\", not "
                                                "\"lots\"");
  CHECK(errors[1].file == broken.string());
  CHECK(errors[1].line == 1);
  CHECK(errors[1].key == "syntax");
}

TEST_CASE("the config file's problems come first in line order, then each app file's in file name order") {
  ConfigFixture fx;
  const auto b = fx.dir.write("apps.d/b.toml", app_file("wxfake000000000003", "page_size = 0\n"));
  const auto a = fx.dir.write("apps.d/a.toml", app_file("wxfake000000000002") + "page_size = 101\nfoo = 1\n");
  std::string toml = config_with_apps_dir();
  toml += "timeout_s = 0\n";
  auto result = fx.load(toml);
  REQUIRE_FALSE(result);
  const auto& errors = result.error();
  INFO(all_lines(errors));
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].file == fx.path());
  CHECK(errors[1].to_string() == a.string() + ":4: app.page_size: must be from 1 to 100, not 101");
  CHECK(errors[2].to_string() == a.string() + ":5: app.foo: unknown key");
  CHECK(errors[3].to_string() == b.string() + ":1: app.page_size: must be from 1 to 100, not 0");
}

TEST_CASE("an app block header in an app file is refused with what to write instead") {
  ConfigFixture fx;
  const auto file = fx.dir.write("apps.d/outlet.toml", "[[app]]\n" + app_file("wxfake000000000002"));
  auto e = only_error(fx, config_with_apps_dir());
  CHECK(e.to_string() == file.string() +
                             ":1: app: an app file holds the keys of one [[app]] block at top level, without the "
                             "[[app]] line");
}

TEST_CASE("an apps_dir that does not exist is refused at the line of the key") {
  ConfigFixture fx;
  auto e = only_error(fx, config_with_apps_dir("missing.d"));
  CHECK(e.to_string() == fx.path() + ":2: daemon.apps_dir: " + (fx.dir / "missing.d").string() +
                             ": No such file or directory (an empty folder is fine: no apps from it)");
}

TEST_CASE("an apps_dir that is a file is refused at the line of the key") {
  ConfigFixture fx;
  fx.dir.write("apps.toml", "");
  auto e = only_error(fx, config_with_apps_dir("apps.toml"));
  CHECK(e.to_string() == fx.path() + ":2: daemon.apps_dir: " + (fx.dir / "apps.toml").string() + ": Not a directory");
}

TEST_CASE("only *.toml files directly in apps_dir count: other names, dot-files and folders are ignored") {
  ConfigFixture fx;
  fx.dir.write("apps.d/outlet.toml", app_file("wxfake000000000002"));
  for (const char* ignored : {"apps.d/README", "apps.d/mall.toml.tmp", "apps.d/mall.toml~", "apps.d/.mall.toml",
                              "apps.d/nested.toml/mall.toml", "apps.d/sub/mall.toml"})
    fx.dir.write(ignored, "this is not TOML = = =\n");
  auto config = fx.load(config_with_apps_dir());
  INFO((config ? std::string() : all_lines(config.error())));
  REQUIRE(config);
  REQUIRE(config->apps.size() == 2);
  CHECK(config->apps[1].name == "outlet");
}

TEST_CASE("app files are read in file name order") {
  ConfigFixture fx;
  fx.dir.write("apps.d/b.toml", app_file("wxfake000000000003"));
  fx.dir.write("apps.d/a.toml", app_file("wxfake000000000002"));
  fx.dir.write("apps.d/c.toml", app_file("wxfake000000000004"));
  auto config = fx.load(config_with_apps_dir());
  REQUIRE(config);
  REQUIRE(config->apps.size() == 4);
  CHECK(config->apps[1].name == "a");
  CHECK(config->apps[2].name == "b");
  CHECK(config->apps[3].name == "c");
}

TEST_CASE("an empty apps_dir adds no app, and with no app block either the config is refused") {
  ConfigFixture fx;
  std::filesystem::create_directories(fx.dir / "apps.d");
  auto with_block = fx.load(config_with_apps_dir());
  REQUIRE(with_block);
  CHECK(with_block->apps.size() == 1);
  CHECK(with_block->apps_from_dir == 0);
  CHECK(with_block->summary().starts_with("1 app (1 in the config file: shop; 0 in " + (fx.dir / "apps.d").string() +
                                          "), "));

  auto e = only_error(fx, "[daemon]\napps_dir = \"apps.d\"\n");
  CHECK(e.to_string() == fx.path() + ":1: app: no app: no [[app]] block here and no app file in apps_dir " +
                             (fx.dir / "apps.d").string());
}

TEST_CASE("apps from apps_dir alone are a valid config, and webhooks may name them") {
  ConfigFixture fx;
  fx.dir.write("apps.d/outlet.toml", app_file("wxfake000000000002"));
  auto config = fx.load("[daemon]\nstate_dir = \"state\"\napps_dir = \"" + (fx.dir / "apps.d").string() +
                        "\"\n[poll]\nmin_interval_s = 5\n[[webhook]]\nname = \"crm\"\nurl = "
                        "\"http://127.0.0.1:9000/hook\"\nsecret_file = \"secrets/crm\"\napps = [\"outlet\"]\n");
  INFO((config ? std::string() : all_lines(config.error())));
  REQUIRE(config);
  REQUIRE(config->apps.size() == 1);
  CHECK(config->webhooks[0].wants_app("outlet"));
  CHECK(config->summary().starts_with("1 app (1 in " + (fx.dir / "apps.d").string() + ": outlet), "));
}

TEST_CASE("an app file's secret_credential comes from the unit's LoadCredential= as an app block's does") {
  ConfigFixture fx;
  fx.dir.write("creds/outlet", "outlet-secret\n");
  fx.dir.write("apps.d/outlet.toml",
               "appid = \"wxfake000000000002\"\nsecret_credential = \"secrets_outlet\"\napi_base = "
               "\"http://127.0.0.1:8080\"\n");
  wxlived::config::LoadOptions options;
  options.credential_loads = {{"secrets", fx.dir / "creds"}};
  auto config = wxlived::config::load_config(fx.dir.write("wxlived.toml", config_with_apps_dir()), fx.env(), options);
  INFO((config ? std::string() : all_lines(config.error())));
  REQUIRE(config);
  CHECK(config->apps[1].secret.reveal() == "outlet-secret");
  CHECK(config->apps[1].secret.origin() == "credential secrets_outlet");
}

TEST_CASE("an app file's problems never echo a secret, and its secrets reach the redactor's list") {
  ConfigFixture fx;
  fx.dir.write("apps.d/outlet.toml", app_file("wxfake000000000002"));
  auto config = fx.load(config_with_apps_dir());
  REQUIRE(config);
  CHECK(config->secret_values().size() == 3);  // shop, outlet, crm
  fx.dir.write("apps.d/outlet.toml", app_file("wxfake000000000002") + "token_command = \"x\"\n");
  auto refused = fx.load(config_with_apps_dir());
  REQUIRE_FALSE(refused);
  CHECK(all_lines(refused.error()).find(wxlived::testing::kAppSecret) == std::string::npos);
}

TEST_CASE("the summary of an apps_dir of many apps names the first ten and counts the rest") {
  ConfigFixture fx;
  for (int i = 0; i < 12; ++i) {
    const std::string n = std::to_string(10 + i);
    fx.dir.write("apps.d/app" + n + ".toml", app_file("wxfake0000000000" + n));
  }
  auto config = fx.load(config_with_apps_dir());
  INFO((config ? std::string() : all_lines(config.error())));
  REQUIRE(config);
  CHECK(config->apps.size() == 13);
  CHECK(config->summary().starts_with("13 apps (1 in the config file: shop; 12 in " + (fx.dir / "apps.d").string() +
                                      ": app10, app11, app12, app13, app14, app15, app16, app17, app18, app19 and 2 "
                                      "more), "));
}

TEST_CASE("an app file's credential missing under systemd says that credentials added since the start need a restart") {
  ConfigFixture fx;
  std::filesystem::create_directories(fx.dir / "run-credentials");
  fx.vars["CREDENTIALS_DIRECTORY"] = (fx.dir / "run-credentials").string();
  const auto file = fx.dir.write("apps.d/outlet.toml",
                                 "appid = \"wxfake000000000002\"\nsecret_credential = \"secrets_outlet\"\napi_base = "
                                 "\"http://127.0.0.1:8080\"\n");
  auto e = only_error(fx, config_with_apps_dir());
  CHECK(e.to_string() == file.string() + ":2: app.secret_credential: cannot read " +
                             (fx.dir / "run-credentials/secrets_outlet").string() +
                             ": No such file or directory (systemd hands the service the credentials that existed "
                             "when it started: one added since needs systemctl restart wxlived)");
}
