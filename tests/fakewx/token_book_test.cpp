#include "wxlived/fakewx/token_book.hpp"

#include <doctest/doctest.h>

using wxlived::fakewx::TokenBook;
using wxlived::fakewx::TokenCheck;

namespace {
constexpr std::int64_t t0 = 1'795'449'600;
}

TEST_CASE("an issued token is valid until it expires after 7200 s") {
  TokenBook book;
  const auto issued = book.issue("tok-a", t0);
  CHECK(issued.expires_at == t0 + 7200);
  CHECK(book.check("tok-a", t0) == TokenCheck::valid);
  CHECK(book.check("tok-a", t0 + 7199) == TokenCheck::valid);
  CHECK(book.check("tok-a", t0 + 7200) == TokenCheck::expired);
}

TEST_CASE("a token never issued is invalid") {
  TokenBook book;
  book.issue("tok-a", t0);
  CHECK(book.check("tok-b", t0) == TokenCheck::invalid);
  CHECK(book.check("", t0) == TokenCheck::invalid);
}

TEST_CASE("the previous token stays valid for five minutes after a new one is issued") {
  TokenBook book;
  book.issue("tok-a", t0);
  book.issue("tok-b", t0 + 1000);
  CHECK(book.check("tok-a", t0 + 1000) == TokenCheck::valid);
  CHECK(book.check("tok-a", t0 + 1299) == TokenCheck::valid);
  CHECK(book.check("tok-a", t0 + 1300) == TokenCheck::invalid);
  CHECK(book.check("tok-b", t0 + 1300) == TokenCheck::valid);
}

TEST_CASE("only the latest two tokens are accepted") {
  TokenBook book;
  book.issue("tok-a", t0);
  book.issue("tok-b", t0 + 1);
  book.issue("tok-c", t0 + 2);
  CHECK(book.check("tok-a", t0 + 2) == TokenCheck::invalid);
  CHECK(book.check("tok-b", t0 + 2) == TokenCheck::valid);
  CHECK(book.check("tok-c", t0 + 2) == TokenCheck::valid);
}

TEST_CASE("a previous token past its own expiry answers expired until the overlap ends") {
  TokenBook book;
  book.issue("tok-a", t0);
  book.issue("tok-b", t0 + 7100);
  CHECK(book.check("tok-a", t0 + 7250) == TokenCheck::expired);
  CHECK(book.check("tok-a", t0 + 7400) == TokenCheck::invalid);
}

TEST_CASE("the current token counts as fresh until five minutes before expiry") {
  TokenBook book;
  CHECK_FALSE(book.current_if_fresh(t0).has_value());
  book.issue("tok-a", t0);
  REQUIRE(book.current_if_fresh(t0 + 6900).has_value());
  CHECK(book.current_if_fresh(t0 + 6900)->value == "tok-a");
  CHECK_FALSE(book.current_if_fresh(t0 + 6901).has_value());
}

TEST_CASE("expiring tokens issued before a time spares those issued since") {
  TokenBook book;
  book.issue("tok-a", t0);
  book.issue("tok-b", t0 + 10);
  book.expire_issued_before(t0 + 11, t0 + 20);
  CHECK(book.check("tok-a", t0 + 20) == TokenCheck::expired);
  CHECK(book.check("tok-b", t0 + 20) == TokenCheck::expired);
  CHECK_FALSE(book.current_if_fresh(t0 + 20).has_value());
  book.issue("tok-c", t0 + 30);
  CHECK(book.check("tok-c", t0 + 30) == TokenCheck::valid);
}

TEST_CASE("a token issued after the cutoff is not expired") {
  TokenBook book;
  book.issue("tok-a", t0);
  book.issue("tok-b", t0 + 10);
  book.expire_issued_before(t0 + 5, t0 + 20);
  CHECK(book.check("tok-a", t0 + 20) == TokenCheck::expired);
  CHECK(book.check("tok-b", t0 + 20) == TokenCheck::valid);
}
