// secret_credential read outside systemd, the way the unit's
// LoadCredential=ID:PATH lines hand credentials to the service.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/config_fixture.hpp"

using wxlived::config::CredentialLoad;
using wxlived::config::parse_credential_load;
using wxlived::testing::ConfigFixture;
using wxlived::testing::valid_fake_config;

namespace {

std::string with_credentials(std::string toml) {
  for (auto [from, to] : {std::pair{"secret_file = \"secrets/shop\"", "secret_credential = \"secrets_shop\""},
                          std::pair{"secret_file = \"secrets/crm\"", "secret_credential = \"secrets_crm-hook\""}}) {
    const auto at = toml.find(from);
    REQUIRE(at != std::string::npos);
    toml.replace(at, std::string(from).size(), to);
  }
  return toml;
}

// As an install has them: /etc/wxlived/secrets/shop and .../crm-hook.
void write_install_secrets(const ConfigFixture& fx) {
  fx.dir.write("etc-secrets/shop", std::string(wxlived::testing::kAppSecret) + "\n");
  fx.dir.write("etc-secrets/crm-hook", std::string(wxlived::testing::kHookSecret) + "\n");
}

wxlived::config::LoadOptions loading(std::vector<CredentialLoad> loads) {
  wxlived::config::LoadOptions options;
  options.credential_loads = std::move(loads);
  return options;
}

}  // namespace

TEST_CASE("a folder given as LoadCredential=secrets:DIR provides each of its files F as credential secrets_F") {
  ConfigFixture fx;
  write_install_secrets(fx);
  const auto file = fx.dir.write("wxlived.toml", with_credentials(valid_fake_config()));
  auto config = wxlived::config::load_config(file, fx.env(), loading({{"secrets", fx.dir / "etc-secrets"}}));
  REQUIRE(config);
  CHECK(config->apps[0].secret.reveal() == wxlived::testing::kAppSecret);
  CHECK(config->apps[0].secret.origin() == "credential secrets_shop");
  CHECK(config->webhooks[0].secrets.at(0).reveal() == wxlived::testing::kHookSecret);
}

TEST_CASE("a file given as LoadCredential=ID:FILE is the credential ID") {
  ConfigFixture fx;
  write_install_secrets(fx);
  const auto file = fx.dir.write("wxlived.toml", with_credentials(valid_fake_config()));
  auto config = wxlived::config::load_config(
      file, fx.env(),
      loading({{"secrets_shop", fx.dir / "etc-secrets/shop"}, {"secrets_crm-hook", fx.dir / "etc-secrets/crm-hook"}}));
  REQUIRE(config);
  CHECK(config->apps[0].secret.reveal() == wxlived::testing::kAppSecret);
}

TEST_CASE("given credential sources win over CREDENTIALS_DIRECTORY") {
  ConfigFixture fx;
  write_install_secrets(fx);
  fx.dir.write("systemd-creds/secrets_shop", "the-service-copy\n");
  fx.vars["CREDENTIALS_DIRECTORY"] = (fx.dir / "systemd-creds").string();
  const auto file = fx.dir.write("wxlived.toml", with_credentials(valid_fake_config()));
  auto config = wxlived::config::load_config(file, fx.env(), loading({{"secrets", fx.dir / "etc-secrets"}}));
  REQUIRE(config);
  CHECK(config->apps[0].secret.reveal() == wxlived::testing::kAppSecret);
}

TEST_CASE("a secret file missing from the credentials folder is an error at its line naming the file") {
  ConfigFixture fx;
  fx.dir.write("etc-secrets/crm-hook", std::string(wxlived::testing::kHookSecret) + "\n");
  const auto file = fx.dir.write("wxlived.toml", with_credentials(valid_fake_config()));
  auto config = wxlived::config::load_config(file, fx.env(), loading({{"secrets", fx.dir / "etc-secrets"}}));
  REQUIRE_FALSE(config);
  REQUIRE(config.error().size() == 1);
  CHECK(config.error()[0].to_string() == file.string() + ":8: app[0].secret_credential: cannot read " +
                                             (fx.dir / "etc-secrets/shop").string() + ": No such file or directory");
}

TEST_CASE("a credential no source provides is named with the sources given") {
  ConfigFixture fx;
  write_install_secrets(fx);
  std::string toml = with_credentials(valid_fake_config());
  toml.replace(toml.find("secrets_shop"), 12, "shop");
  const auto file = fx.dir.write("wxlived.toml", toml);
  auto config = wxlived::config::load_config(file, fx.env(), loading({{"secrets", fx.dir / "etc-secrets"}}));
  REQUIRE_FALSE(config);
  REQUIRE(config.error().size() == 1);
  CHECK(config.error()[0].message ==
        "no --load-credential provides credential shop (given: secrets:" + (fx.dir / "etc-secrets").string() + ")");
}

TEST_CASE("a symbolic link in the credentials folder is refused, as systemd skips it") {
  ConfigFixture fx;
  write_install_secrets(fx);
  std::filesystem::rename(fx.dir / "etc-secrets/shop", fx.dir / "shop-elsewhere");
  std::filesystem::create_symlink(fx.dir / "shop-elsewhere", fx.dir / "etc-secrets/shop");
  const auto file = fx.dir.write("wxlived.toml", with_credentials(valid_fake_config()));
  auto config = wxlived::config::load_config(file, fx.env(), loading({{"secrets", fx.dir / "etc-secrets"}}));
  REQUIRE_FALSE(config);
  REQUIRE(config.error().size() == 1);
  CHECK(config.error()[0].message.starts_with((fx.dir / "etc-secrets/shop").string() + " is a symbolic link"));
}

TEST_CASE("a LoadCredential= argument is ID:PATH with an absolute PATH and an ID without '/'") {
  auto good = parse_credential_load("secrets:/etc/wxlived/secrets");
  REQUIRE(good);
  CHECK(good->id == "secrets");
  CHECK(good->path == "/etc/wxlived/secrets");
  CHECK(parse_credential_load("/etc/wxlived/secrets").error() ==
        "\"/etc/wxlived/secrets\" is not ID:PATH (as in the unit's LoadCredential=ID:PATH)");
  CHECK(parse_credential_load(":/etc/wxlived/secrets").error().find("not ID:PATH") != std::string::npos);
  CHECK(parse_credential_load("se/crets:/etc").error() == "the credential ID \"se/crets\" must not contain '/'");
  CHECK(parse_credential_load("secrets:etc/wxlived").error() == "the PATH of \"secrets:etc/wxlived\" must be absolute");
}
