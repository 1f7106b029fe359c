#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "wxlived/log/redactor.hpp"

using namespace wxlived::log;

TEST_CASE("access_token as the first query parameter is masked") {
  CHECK(mask_access_tokens("GET https://api.weixin.qq.com/wxa/business/getliveinfo?access_token=77_AbC-xyz&start=0") ==
        "GET https://api.weixin.qq.com/wxa/business/getliveinfo?access_token=***&start=0");
}

TEST_CASE("access_token in the middle or at the end of a query is masked") {
  CHECK(mask_access_tokens("/cgi-bin/x?start=0&access_token=SECRET1&limit=100") ==
        "/cgi-bin/x?start=0&access_token=***&limit=100");
  CHECK(mask_access_tokens("url=/x?a=1&access_token=SECRET1") == "url=/x?a=1&access_token=***");
  CHECK(mask_access_tokens("\"/x?access_token=SECRET1\" failed") == "\"/x?access_token=***\" failed");
}

TEST_CASE("access_token in a JSON body is masked") {
  CHECK(mask_access_tokens(R"({"access_token":"77_AbC","expires_in":7200})") ==
        R"({"access_token":"***","expires_in":7200})");
  CHECK(mask_access_tokens(R"({"access_token" : "77_AbC"})") == R"({"access_token" : "***"})");
  CHECK(mask_access_tokens(R"({"component_access_token":"77_AbC"})") == R"({"component_access_token":"***"})");
}

TEST_CASE("access_token inside an escaped JSON string is masked") {
  CHECK(mask_access_tokens(R"(body="{\"access_token\":\"77_AbC\"}")") == R"(body="{\"access_token\":\"***\"}")");
}

TEST_CASE("every access_token occurrence is masked and other text is kept") {
  CHECK(mask_access_tokens("a?access_token=ONE b?ACCESS_TOKEN=TWO access_token without value") ==
        "a?access_token=*** b?ACCESS_TOKEN=*** access_token without value");
  CHECK(mask_access_tokens("nothing to hide") == "nothing to hide");
  CHECK(mask_access_tokens("access_token=") == "access_token=");
}

TEST_CASE("a registered secret is masked wherever it appears") {
  Redactor r;
  REQUIRE(r.add_secret("whsec_s3cr3t"));
  CHECK(r.redact("signing with whsec_s3cr3t now") == "signing with *** now");
  CHECK(r.redact("whsec_s3cr3twhsec_s3cr3t") == "******");
  CHECK(r.redact("no secret here") == "no secret here");
}

TEST_CASE("a secret is also masked in its percent-encoded form") {
  Redactor r;
  REQUIRE(r.add_secret("ab+c/d=="));
  CHECK(r.redact("secret=ab%2Bc%2Fd%3D%3D&x=1") == "secret=***&x=1");
}

TEST_CASE("secrets shorter than four characters are ignored") {
  Redactor r;
  CHECK_FALSE(r.add_secret("abc"));
  CHECK_FALSE(r.add_secret(""));
  CHECK(r.secret_count() == 0);
  CHECK(r.redact("abc abc") == "abc abc");
}

TEST_CASE("a longer secret containing a shorter one is masked whole") {
  Redactor r;
  r.add_secret("abcd");
  r.add_secret("abcdefgh");
  CHECK(r.redact("x abcdefgh y abcd") == "x *** y ***");
}

TEST_CASE("set_secrets replaces the registry and remove_secret forgets one") {
  Redactor r;
  r.add_secret("old-token-1");
  r.set_secrets({"new-token-1", "new-token-2", "new-token-1", "no"});
  CHECK(r.secret_count() == 2);
  CHECK(r.redact("old-token-1 new-token-1 new-token-2") == "old-token-1 *** ***");
  r.remove_secret("new-token-2");
  CHECK(r.redact("new-token-2") == "new-token-2");
  r.clear();
  CHECK(r.secret_count() == 0);
}

TEST_CASE("secrets and access_token patterns are both applied") {
  Redactor r;
  r.add_secret("appsecret-123");
  CHECK(r.redact("GET /token?appid=wx1&secret=appsecret-123 -> {\"access_token\":\"T0KEN\"}") ==
        "GET /token?appid=wx1&secret=*** -> {\"access_token\":\"***\"}");
}

TEST_CASE("the registry can be changed while other threads redact") {
  Redactor r;
  r.add_secret("stable-secret");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 200; ++i) {
        if (t % 2 == 0) {
          r.add_secret("secret-" + std::to_string(i));
        } else {
          CHECK(r.redact("x stable-secret y") == "x *** y");
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(r.secret_count() == 201);
}

TEST_CASE("the process redactor backs the free redact function") {
  process_redactor().add_secret("process-wide-secret");
  CHECK(redact("has process-wide-secret inside") == "has *** inside");
  process_redactor().remove_secret("process-wide-secret");
}

TEST_CASE("a reload's set_secrets keeps the access tokens held at runtime masked") {
  Redactor r;
  REQUIRE(r.add_runtime_secret("ACCESS-TOKEN-1"));
  r.set_secrets({"app-secret-1"});
  CHECK(r.redact("ACCESS-TOKEN-1 app-secret-1") == "*** ***");
  r.set_secrets({});
  CHECK(r.redact("ACCESS-TOKEN-1 app-secret-1") == "*** app-secret-1");
  CHECK(r.secret_count() == 1);
}

TEST_CASE("a runtime token stays masked until its last holder drops it") {
  Redactor r;
  r.add_runtime_secret("shared-token");
  r.add_runtime_secret("shared-token");
  r.remove_runtime_secret("shared-token");
  CHECK(r.redact("shared-token") == "***");
  r.remove_runtime_secret("shared-token");
  CHECK(r.redact("shared-token") == "shared-token");
  r.remove_runtime_secret("shared-token");  // one too many: harmless
  CHECK(r.secret_count() == 0);
}

TEST_CASE("a value both configured and held at runtime stays masked when either part drops it") {
  Redactor r;
  r.set_secrets({"same-value"});
  r.add_runtime_secret("same-value");
  CHECK(r.secret_count() == 1);
  r.remove_runtime_secret("same-value");
  CHECK(r.redact("same-value") == "***");
  r.add_runtime_secret("same-value");
  r.set_secrets({});
  CHECK(r.redact("same-value") == "***");
}

TEST_CASE("secrets whose occurrences overlap are masked together") {
  Redactor r;
  r.add_secret("abcdefgh");
  r.add_secret("efghijkl");
  CHECK(r.redact("x abcdefghijkl y") == "x *** y");
  CHECK(r.redact("efghijkl abcdefgh") == "*** ***");
}

TEST_CASE("ten thousand secrets and ten thousand tokens are each masked, and forgotten when removed") {
  // A daemon with 10,000 apps registers an app secret and an access token for each.
  Redactor r;
  std::vector<std::string> secrets;
  for (int i = 0; i < 10000; ++i) secrets.push_back("app-secret-" + std::to_string(i));
  r.set_secrets(secrets);
  for (int i = 0; i < 10000; ++i) REQUIRE(r.add_runtime_secret("86_token" + std::to_string(i) + "_end"));
  CHECK(r.secret_count() == 20000);
  CHECK(r.redact("app=app7 secret=app-secret-7 token=86_token9999_end") == "app=app7 secret=*** token=***");
  // app-secret-1 is a prefix of app-secret-1234: the longer one is masked whole.
  CHECK(r.redact("[app-secret-1234] [app-secret-1]") == "[***] [***]");
  for (int i = 0; i < 10000; i += 2) r.remove_runtime_secret("86_token" + std::to_string(i) + "_end");
  CHECK(r.redact("86_token4_end 86_token5_end") == "86_token4_end ***");
  r.set_secrets({});
  CHECK(r.redact("app-secret-7") == "app-secret-7");
  CHECK(r.secret_count() == 5000);
}
