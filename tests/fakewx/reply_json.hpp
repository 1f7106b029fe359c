#pragma once
// A fake WeChat reply's body as a JSON document, for the tests that call
// FakeWechat directly (a body that is not JSON gives a document with an error).
#include <rapidjson/document.h>

#include "wxlived/fakewx/fake_wechat.hpp"

namespace wxlived::fakewx::testing {

inline rapidjson::Document json(const Reply& reply) {
  rapidjson::Document doc;
  doc.Parse(reply.body.c_str());
  return doc;
}

}  // namespace wxlived::fakewx::testing
