#include <algorithm>
#include <doctest/doctest.h>

#include "../../src/config/toml_nesting.hpp"
#include "support/config_fixture.hpp"

using wxlived::config::ConfigErrors;
using wxlived::config::LogFormat;
using wxlived::config::TokenMode;
using wxlived::testing::ConfigFixture;
using wxlived::testing::valid_fake_config;

namespace {

// Replaces the one occurrence of `from` in `text` (the test fails if absent).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string all_lines(const ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

// The single error of a config expected to fail with exactly one problem.
wxlived::config::ConfigError only_error(const ConfigFixture& fx, const std::string& toml) {
  auto result = fx.load(toml);
  REQUIRE_FALSE(result);
  INFO(all_lines(result.error()));
  REQUIRE(result.error().size() == 1);
  return result.error().front();
}

}  // namespace

TEST_CASE("a valid config against the fake loads with every value") {
  ConfigFixture fx;
  auto config = fx.load(valid_fake_config());
  REQUIRE(config);
  CHECK(config->daemon.state_dir == fx.dir / "state");
  CHECK(config->daemon.log_format == LogFormat::json);
  REQUIRE(config->apps.size() == 1);
  CHECK(config->apps[0].name == "shop");
  CHECK(config->apps[0].secret.reveal() == wxlived::testing::kAppSecret);
  CHECK(config->apps[0].token_mode == TokenMode::stable);
  CHECK(config->apps[0].daily_quota == 500);
  CHECK(config->poll.min_interval_s == 5);
  CHECK(config->rules.abnormal_timeout_s == 30);
  REQUIRE(config->webhooks.size() == 1);
  CHECK(config->webhooks[0].secrets.size() == 1);
  CHECK(config->webhooks[0].wants_event("room.removed"));
  CHECK(config->webhooks[0].wants_app("anything"));
  CHECK(config->summary() == "1 app (shop), 1 webhook (crm), state dir " + (fx.dir / "state").string());
}

TEST_CASE("the shipped example etc/wxlived.toml is valid with its credentials present") {
  ConfigFixture fx;
  // As systemd lays them out for LoadCredential=secrets:/etc/wxlived/secrets.
  fx.dir.write("creds/secrets_shop", "real-looking-secret\n");
  fx.dir.write("creds/secrets_crm-hook", std::string(wxlived::testing::kHookSecret) + "\n");
  fx.vars["CREDENTIALS_DIRECTORY"] = (fx.dir / "creds").string();
  auto config = wxlived::config::load_config(WXLIVED_SOURCE_DIR "/etc/wxlived.toml", fx.env());
  INFO((config ? std::string() : all_lines(config.error())));
  REQUIRE(config);
  CHECK(config->apps[0].secret.origin() == "credential secrets_shop");
  CHECK(config->webhooks[0].events.size() == 2);
  CHECK(config->webhooks[0].wants_app("shop"));
  CHECK_FALSE(config->webhooks[0].wants_event("room.created"));
  CHECK(config->webhooks[0].wants_event("webhook.test"));  // no filter drops a test
  CHECK(config->delivery.failing_warn_s() == 3600);
}

TEST_CASE("a syntax error is reported at its line") {
  ConfigFixture fx;
  auto e = only_error(fx, "[daemon]\nlog_level = \"info\"\nstate_dir = = 3\n");
  CHECK(e.line == 3);
  CHECK(e.key == "syntax");
  CHECK(e.to_string().starts_with(fx.path() + ":3: syntax: "));
}

TEST_CASE("an unknown key is reported at its line with a suggestion") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "min_interval_s", "min_intervall_s");
  auto e = only_error(fx, toml);
  CHECK(e.line == 12);
  CHECK(e.key == "poll.min_intervall_s");
  CHECK(e.message == "unknown key (did you mean \"min_interval_s\"?)");
}

TEST_CASE("an unknown key a letter longer or shorter than a known key gets its suggestion") {
  ConfigFixture fx;
  auto longer = only_error(fx, replaced(valid_fake_config(), "min_interval_s", "min_interval_ss"));
  CHECK(longer.message == "unknown key (did you mean \"min_interval_s\"?)");
  auto shorter = only_error(fx, replaced(valid_fake_config(), "min_interval_s", "min_interval"));
  CHECK(shorter.message == "unknown key (did you mean \"min_interval_s\"?)");
}

TEST_CASE("a very long unknown key gets no suggestion") {
  ConfigFixture fx;
  auto e = only_error(fx, valid_fake_config() + std::string(5000, 'k') + " = 1\n");
  CHECK(e.message == "unknown key");
}

TEST_CASE("an unknown key far from every known key gets no suggestion") {
  ConfigFixture fx;
  auto e = only_error(fx, valid_fake_config() + "colour = \"blue\"\n");
  CHECK(e.key == "webhook[0].colour");
  CHECK(e.message == "unknown key");
}

TEST_CASE("a value of the wrong type is reported at its line") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "min_interval_s = 5", "min_interval_s = \"5\"");
  auto e = only_error(fx, toml);
  CHECK(e.line == 12);
  CHECK(e.message == "expected an integer, found a string");
}

TEST_CASE("a missing required key is reported at its block's line") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "appid = \"wxfake000000000001\"\n", "");
  auto e = only_error(fx, toml);
  CHECK(e.line == 5);
  CHECK(e.key == "app[0].appid");
  CHECK(e.message == "missing required key");
}

TEST_CASE("duplicate app names are reported at the second one") {
  ConfigFixture fx;
  std::string toml = valid_fake_config() +
                     "\n[[app]]\nname = \"shop\"\nappid = \"wxfake000000000002\"\nsecret_file = \"secrets/shop\"\n"
                     "api_base = \"http://127.0.0.1:8080\"\n";
  auto e = only_error(fx, toml);
  CHECK(e.line == 24);
  CHECK(e.key == "app[1].name");
  CHECK(e.message == "duplicate name \"shop\" (first at line 6)");
}

TEST_CASE("duplicate webhook names are reported") {
  ConfigFixture fx;
  std::string toml = valid_fake_config() +
                     "\n[[webhook]]\nname = \"crm\"\nurl = \"http://127.0.0.1:9001/\"\nsecret_file = \"secrets/crm\"\n";
  auto e = only_error(fx, toml);
  CHECK(e.key == "webhook[1].name");
  CHECK(e.line == 24);
}

TEST_CASE("a bad URL is reported with the reason") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "http://127.0.0.1:9000/hook", "ftp://example.com/x");
  auto e = only_error(fx, toml);
  CHECK(e.key == "webhook[0].url");
  CHECK(e.line == 20);
  CHECK(e.message == "scheme must be http or https, not \"ftp\"");
}

TEST_CASE("a min_interval_s below 60 is refused against WeChat's own host") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "http://127.0.0.1:8080", "https://api.weixin.qq.com");
  auto result = fx.load(toml);
  REQUIRE_FALSE(result);
  const auto& errors = result.error();
  REQUIRE(errors.size() == 3);  // min_interval_s, abnormal_timeout_s, replay_delay_s
  CHECK(errors[0].key == "poll.min_interval_s");
  CHECK(errors[0].line == 12);
  CHECK(errors[0].message ==
        "5 is below WeChat's 60 while app \"shop\" polls WeChat's own host (https://api.weixin.qq.com); only a fake "
        "on loopback may go below it");
  CHECK(errors[1].key == "rules.abnormal_timeout_s");
  CHECK(errors[2].key == "rules.replay_delay_s");
}

TEST_CASE("the floors bind for WeChat's host however it is spelled and for any host off this machine") {
  ConfigFixture fx;
  for (const char* base : {"https://API.WEIXIN.QQ.COM", "https://api.weixin.qq.com.", "https://Api.Weixin.QQ.com.:443",
                           "https://101.89.0.1", "https://wx-proxy.example.com", "https://[2001:db8::1]"}) {
    CAPTURE(base);
    auto result = fx.load(replaced(valid_fake_config(), "http://127.0.0.1:8080", base));
    REQUIRE_FALSE(result);
    CHECK(result.error().front().key == "poll.min_interval_s");
  }
  for (const char* base : {"http://127.0.0.1:8080", "http://127.0.0.2:1", "http://localhost:8080", "http://[::1]:80"}) {
    CAPTURE(base);
    CHECK(fx.load(replaced(valid_fake_config(), "http://127.0.0.1:8080", base)));
  }
}

TEST_CASE("plain http to WeChat's host is refused: the app secret would travel in clear") {
  ConfigFixture fx;
  std::string toml = replaced(valid_fake_config(), "http://127.0.0.1:8080", "http://API.weixin.qq.com");
  toml = replaced(toml, "min_interval_s = 5", "min_interval_s = 60");
  toml = replaced(toml, "abnormal_timeout_s = 30", "abnormal_timeout_s = 900");
  toml = replaced(toml, "replay_delay_s = 10", "replay_delay_s = 600");
  const auto error = only_error(fx, toml);
  CHECK(error.key == "app[0].api_base");
  CHECK(error.line == 9);
  CHECK(error.message == "plain http to WeChat's host would send the app secret in clear: use https");
}

TEST_CASE("WeChat's documented durations and longer ones are accepted against WeChat") {
  ConfigFixture fx;
  auto config = fx.load(R"([[app]]
name = "shop"
appid = "wx0123456789abcdef"
secret_file = "secrets/shop"
[poll]
min_interval_s = 120
[rules]
abnormal_timeout_s = 900
)");
  REQUIRE(config);
  CHECK(config->apps[0].api_base == "https://api.weixin.qq.com");
  CHECK(wxlived::config::is_wechat_host(config->apps[0].api_base));
  CHECK_FALSE(wxlived::config::is_wechat_host("http://127.0.0.1:8080"));
  CHECK_FALSE(wxlived::config::is_wechat_host("https://notweixin.qq.com.evil.example"));
  CHECK(wxlived::config::is_wechat_host("https://sh.api.weixin.qq.com"));
}

TEST_CASE("a missing secret file is reported with its path") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "secrets/shop", "secrets/nope");
  auto e = only_error(fx, toml);
  CHECK(e.key == "app[0].secret_file");
  CHECK(e.line == 8);
  CHECK(e.message == "cannot read " + (fx.dir / "secrets/nope").string() + ": No such file or directory");
}

TEST_CASE("an unreadable secret file is reported") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "secrets/shop", "secrets");  // a folder cannot be read as a file
  auto e = only_error(fx, toml);
  CHECK(e.key == "app[0].secret_file");
  CHECK(e.message.starts_with("cannot read "));
}

TEST_CASE("an empty secret is an error") {
  ConfigFixture fx;
  fx.dir.write("secrets/shop", "\n  \n");
  auto e = only_error(fx, valid_fake_config());
  CHECK(e.message == "the secret from file " + (fx.dir / "secrets/shop").string() + " is empty");
}

TEST_CASE("a webhook secret that is not whsec_ plus base64 is refused without echoing it") {
  ConfigFixture fx;
  const std::string bad = "not-a-whsec-secret-ABCDEFGH";
  fx.dir.write("secrets/crm", bad + "\n");
  auto e = only_error(fx, valid_fake_config());
  CHECK(e.key == "webhook[0].secret_file");
  CHECK(e.line == 21);
  CHECK(e.message.find("line 1 of the secret") != std::string::npos);
  CHECK(e.to_string().find(bad) == std::string::npos);
}

TEST_CASE("a webhook secret with a short or broken base64 body is refused") {
  using wxlived::config::is_webhook_secret;
  CHECK(is_webhook_secret(wxlived::testing::kHookSecret));
  CHECK_FALSE(is_webhook_secret("whsec_"));
  CHECK_FALSE(is_webhook_secret("whsec_c2hvcnQ="));          // 5 bytes
  CHECK_FALSE(is_webhook_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"));  // not a multiple of 4
  CHECK_FALSE(is_webhook_secret("whsec_MfKQ9r8GKYqrTwjU!D8ILPZIo2LaLaSw"));
  CHECK_FALSE(is_webhook_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

TEST_CASE("a webhook secret file with several lines gives several secrets for rotation") {
  ConfigFixture fx;
  fx.dir.write("secrets/crm", std::string(wxlived::testing::kHookSecret) + "\n\n" + wxlived::testing::kHookSecret2 + "\n");
  auto config = fx.load(valid_fake_config());
  REQUIRE(config);
  REQUIRE(config->webhooks[0].secrets.size() == 2);
  CHECK(config->webhooks[0].secrets[1].reveal() == wxlived::testing::kHookSecret2);
}

TEST_CASE("an unknown event type is reported with a suggestion") {
  ConfigFixture fx;
  auto e = only_error(fx, valid_fake_config() + "events = [\"room.status_change\"]\n");
  CHECK(e.key == "webhook[0].events");
  CHECK(e.line == 22);
  CHECK(e.message == "unknown event type \"room.status_change\" (did you mean \"room.status_changed\"?)");
}

TEST_CASE("webhook apps naming no configured app are reported") {
  ConfigFixture fx;
  auto e = only_error(fx, valid_fake_config() + "apps = [\"shop\", \"outlet\"]\n");
  CHECK(e.key == "webhook[0].apps");
  CHECK(e.line == 22);
  CHECK(e.message == "names no configured app: \"outlet\"");
}

TEST_CASE("every problem in a file is reported at once in line order") {
  ConfigFixture fx;
  auto result = fx.load(R"([daemon]
log_format = "xml"
log_levl = "info"

[[app]]
name = "shop"
appid = 42
secret_env = "NOT_SET"
page_size = 500

[[webhook]]
name = "crm"
url = "not a url"
secret_file = "secrets/crm"
timeout_s = 0
)");
  REQUIRE_FALSE(result);
  const auto& errors = result.error();
  INFO(all_lines(errors));
  REQUIRE(errors.size() == 7);
  CHECK(errors[0].to_string() == fx.path() + ":2: daemon.log_format: must be one of text, json, not \"xml\"");
  CHECK(errors[1].to_string() == fx.path() + ":3: daemon.log_levl: unknown key (did you mean \"log_level\"?)");
  CHECK(errors[2].to_string() == fx.path() + ":7: app[0].appid: expected a string, found an integer");
  CHECK(errors[3].to_string() == fx.path() + ":8: app[0].secret_env: environment variable NOT_SET is not set");
  CHECK(errors[4].to_string() == fx.path() + ":9: app[0].page_size: must be from 1 to 100, not 500");
  CHECK(errors[5].key == "webhook[0].url");
  CHECK(errors[5].line == 13);
  CHECK(errors[6].to_string() == fx.path() + ":15: webhook[0].timeout_s: must be from 1 to 300, not 0");
}

TEST_CASE("a config without any app is refused") {
  ConfigFixture fx;
  auto e = only_error(fx, "[daemon]\nlog_level = \"info\"\n");
  CHECK(e.key == "app");
  CHECK(e.message == "no [[app]] block: configure at least one mini program");
}

TEST_CASE("an app written as a single table instead of an array of tables is refused") {
  ConfigFixture fx;
  auto e = only_error(fx, "[app]\nname = \"shop\"\n");
  CHECK(e.key == "app");
  CHECK(e.line == 1);
}

TEST_CASE("secrets come from an environment variable") {
  ConfigFixture fx;
  fx.vars["SHOP_SECRET"] = "from-the-environment";
  std::string toml = valid_fake_config();
  toml = replaced(toml, "secret_file = \"secrets/shop\"", "secret_env = \"SHOP_SECRET\"");
  auto config = fx.load(toml);
  REQUIRE(config);
  CHECK(config->apps[0].secret.reveal() == "from-the-environment");
  CHECK(config->apps[0].secret.origin() == "env SHOP_SECRET");
}

TEST_CASE("a systemd credential without CREDENTIALS_DIRECTORY is a clear error") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "secret_file = \"secrets/shop\"", "secret_credential = \"shop\"");
  auto e = only_error(fx, toml);
  CHECK(e.key == "app[0].secret_credential");
  CHECK(e.message.starts_with("CREDENTIALS_DIRECTORY is not set"));
}

TEST_CASE("two secret sources for one app are refused") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "api_base =", "secret_env = \"X\"\napi_base =");
  auto e = only_error(fx, toml);
  CHECK(e.message == "set only one of secret_file, secret_env, secret_credential");
}

TEST_CASE("daily_quota accepts auto and rejects other words") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "[poll]", "daily_quota = \"auto\"\n[poll]");
  auto config = fx.load(toml);
  REQUIRE(config);
  CHECK_FALSE(config->apps[0].daily_quota.has_value());
  toml = replaced(toml, "\"auto\"", "\"lots\"");
  auto e = only_error(fx, toml);
  CHECK(e.message == "must be a number of calls or \"auto\", not \"lots\"");
}

TEST_CASE("token_mode command needs a token_command and no secret") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "secret_file = \"secrets/shop\"", "token_mode = \"command\"");
  auto e = only_error(fx, toml);
  CHECK(e.key == "app[0].token_command");
  toml = replaced(toml, "[poll]", "token_command = \"/usr/local/bin/get-token shop\"\n[poll]");
  auto config = fx.load(toml);
  REQUIRE(config);
  CHECK(config->apps[0].token_mode == TokenMode::command);
  CHECK(config->apps[0].token_command == "/usr/local/bin/get-token shop");
}

TEST_CASE("a state_dir left out follows systemd's STATE_DIRECTORY") {
  ConfigFixture fx;
  fx.vars["STATE_DIRECTORY"] = "/var/lib/wxlived";
  std::string toml = valid_fake_config();
  toml = replaced(toml, "state_dir = \"state\"\n", "");
  auto config = fx.load(toml);
  REQUIRE(config);
  CHECK(config->daemon.state_dir == "/var/lib/wxlived");
}

TEST_CASE("admin_listen must be HOST:PORT or empty") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "[[app]]", "admin_listen = \"\"\n[[app]]");
  REQUIRE(fx.load(toml));
  toml = replaced(toml, "admin_listen = \"\"", "admin_listen = \"localhost\"");
  auto e = only_error(fx, toml);
  CHECK(e.key == "daemon.admin_listen");
  CHECK(e.message == "expected HOST:PORT, e.g. 127.0.0.1:9466");
}

TEST_CASE("a config file that does not exist is one clear error") {
  auto result = wxlived::config::load_config("/nonexistent/wxlived.toml");
  REQUIRE_FALSE(result);
  CHECK(result.error().front().to_string() ==
        "/nonexistent/wxlived.toml:0: file: cannot open: No such file or directory");
}

TEST_CASE("delivery max_retry_age_s is read and bounded") {
  ConfigFixture fx;
  auto config = fx.load(valid_fake_config() + "\n[delivery]\nmax_retry_age_s = 3600\n");
  REQUIRE(config);
  CHECK(config->delivery.max_retry_age_s == 3600);
  auto e = only_error(fx, valid_fake_config() + "\n[delivery]\nmax_retry_age_s = 10\n");
  CHECK(e.key == "delivery.max_retry_age_s");
  CHECK(e.message == "must be from 60 to 604800, not 10");
}

TEST_CASE("failing_endpoint_warn_s defaults below the retry age and must stay below it") {
  ConfigFixture fx;
  auto defaults = fx.load(valid_fake_config());
  REQUIRE(defaults);
  CHECK(defaults->delivery.failing_warn_s() == 3600);
  // a short retry age set before the key existed stays valid: half of it
  auto short_age = fx.load(valid_fake_config() + "\n[delivery]\nmax_retry_age_s = 600\n");
  REQUIRE(short_age);
  CHECK(short_age->delivery.failing_warn_s() == 300);
  auto set = fx.load(valid_fake_config() + "\n[delivery]\nfailing_endpoint_warn_s = 120\n");
  REQUIRE(set);
  CHECK(set->delivery.failing_warn_s() == 120);
  const std::string base = valid_fake_config() + "\n[delivery]\nmax_retry_age_s = 3600\n";
  auto e = only_error(fx, base + "failing_endpoint_warn_s = 3600\n");
  CHECK(e.key == "delivery.failing_endpoint_warn_s");
  CHECK(e.line == static_cast<int>(std::count(base.begin(), base.end(), '\n')) + 1);
  CHECK(e.message ==
        "must be shorter than [delivery] max_retry_age_s (3600 s): the warning must come before the deliveries die");
  auto low = only_error(fx, valid_fake_config() + "\n[delivery]\nfailing_endpoint_warn_s = 5\n");
  CHECK(low.message == "must be from 10 to 604800, not 5");
}

TEST_CASE("webhook.test may be named in events and every endpoint takes it whatever its filter") {
  ConfigFixture fx;
  auto config = fx.load(valid_fake_config() + "events = [\"room.replay_ready\", \"webhook.test\"]\n");
  REQUIRE(config);
  CHECK(config->webhooks[0].wants_event("webhook.test"));
  auto filtered = fx.load(valid_fake_config() + "events = [\"room.replay_ready\"]\n");
  REQUIRE(filtered);
  CHECK(filtered->webhooks[0].wants_event("webhook.test"));
  CHECK_FALSE(filtered->webhooks[0].wants_event("room.created"));
}

TEST_CASE("retention days default to 30, 0 keeps everything, and must outlast the retry window") {
  ConfigFixture fx;
  auto defaults = fx.load(valid_fake_config());
  REQUIRE(defaults);
  CHECK(defaults->retention.days == 30);
  auto keep_all = fx.load(valid_fake_config() + "\n[retention]\ndays = 0\n");
  REQUIRE(keep_all);
  CHECK(keep_all->retention.days == 0);
  const std::string base = valid_fake_config() + "\n[delivery]\nmax_retry_age_s = 172800\n\n[retention]\n";
  auto e = only_error(fx, base + "days = 2\n");
  CHECK(e.key == "retention.days");
  CHECK(e.line == static_cast<int>(std::count(base.begin(), base.end(), '\n')) + 1);
  CHECK(e.message == "must keep events longer than [delivery] max_retry_age_s (172800 s), or be 0 to keep everything");
  CHECK(fx.load(base + "days = 3\n"));
}

TEST_CASE("loading without secrets never reads them and still checks the rest") {
  ConfigFixture fx;
  std::string toml = valid_fake_config();
  toml = replaced(toml, "secrets/shop", "secrets/missing");  // unreadable for this user
  auto config = wxlived::config::load_config(fx.dir.write("wxlived.toml", toml), fx.env(), {.read_secrets = false});
  REQUIRE(config);
  CHECK(config->apps[0].secret.empty());
  CHECK(config->webhooks[0].secrets.empty());
  CHECK(config->secret_values().empty());
  auto broken = wxlived::config::load_config(fx.dir.write("wxlived.toml", toml + "colour = 1\n"), fx.env(),
                                             {.read_secrets = false});
  REQUIRE_FALSE(broken);
  CHECK(broken.error()[0].key == "webhook[0].colour");
}

TEST_CASE("a config nested 40,000 deep is refused with its line before toml++ parses it") {
  ConfigFixture fx;
  std::string header = "[a";
  for (int i = 0; i < 40000; ++i) header += ".a";
  header += "]\n";
  const std::string arrays = "x = " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  std::string inline_tables = "y = ";
  for (int i = 0; i < 50000; ++i) inline_tables += "{a=";
  inline_tables += "1" + std::string(50000, '}') + "\n";
  for (const std::string& tail : {header, arrays, inline_tables}) {
    const auto error = only_error(fx, valid_fake_config() + "\n" + tail);
    CHECK(error.key == "syntax");
    const std::string head = valid_fake_config() + "\n";
    CHECK(error.line == 1 + std::count(head.begin(), head.end(), '\n'));
    CHECK(error.message.find("refused before parsing") != std::string::npos);
  }
}

TEST_CASE("nesting up to the limit, dots in values and brackets in strings and comments are not counted") {
  ConfigFixture fx;
  std::string ok = valid_fake_config();
  ok += "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ a.b.c.d\n";
  CHECK(fx.load(ok));
  const std::string deep_value = "x = " + std::string(64, '[') + "1.5, 2.5" + std::string(64, ']') + "\n";
  CHECK_FALSE(wxlived::config::toml_nesting_problem(deep_value));
  CHECK(wxlived::config::toml_nesting_problem("x = " + std::string(65, '[') + std::string(65, ']')));
  std::string key = "a";
  for (int i = 1; i < 64; ++i) key += ".a";
  CHECK_FALSE(wxlived::config::toml_nesting_problem(key + " = 1\n[" + key + "]\n"));
  CHECK(wxlived::config::toml_nesting_problem(key + ".a = 1\n"));
  const std::string strings = "s = \"[[[[{{{{a.a.a\\\"\"\nt = '''\n" + std::string(200, '[') + "\n'''\n";
  CHECK_FALSE(wxlived::config::toml_nesting_problem(strings));
  CHECK_FALSE(wxlived::config::toml_nesting_problem("floats = [\n" + std::string(100, '1') + ".5,\n  2.5e3,\n]\n"));
}

TEST_CASE("a secret file others can read and a non-loopback admin_listen are loaded with a warning each") {
  ConfigFixture fx;
  std::filesystem::permissions(fx.dir / "secrets/shop", std::filesystem::perms(0644));
  std::filesystem::permissions(fx.dir / "secrets/crm", std::filesystem::perms(0600));
  std::string toml = replaced(valid_fake_config(), "log_format = \"json\"",
                              "log_format = \"json\"\nadmin_listen = \"0.0.0.0:9466\"");
  auto config = fx.load(toml);
  REQUIRE(config);
  REQUIRE(config->warnings.size() == 2);
  const std::string all = config->warnings[0] + "\n" + config->warnings[1];
  INFO(all);
  CHECK(all.find(fx.path() + ":4: daemon.admin_listen: warning: 0.0.0.0:9466 is reachable from other machines") !=
        std::string::npos);
  CHECK(all.find("app[0].secret_file: warning: " + (fx.dir / "secrets/shop").string() +
                 " is readable by group or others (0644): chmod 600 it") != std::string::npos);
  CHECK(all.find(wxlived::testing::kAppSecret) == std::string::npos);

  std::filesystem::permissions(fx.dir / "secrets/shop", std::filesystem::perms(0600));
  auto tight = fx.load(replaced(toml, "0.0.0.0:9466", "127.0.0.1:9466"));
  REQUIRE(tight);
  CHECK(tight->warnings.empty());
}
