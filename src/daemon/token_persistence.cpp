#include "token_persistence.hpp"

#include <charconv>

#include "wxlived/log/log.hpp"

namespace wxlived::daemon {
namespace {

// The appid is part of the key: a config that moves an app name to another
// mini program must not reuse the old program's token.
std::string key_for(const std::string& app, const std::string& appid) { return "token/" + app + "/" + appid; }

}  // namespace

wechat::TokenPersistence store_token_persistence(store::StateStore& store, std::string appid, wechat::Clock clock) {
  wechat::TokenPersistence p;
  p.load = [&store, appid, clock](const std::string& app) -> std::optional<wechat::CachedToken> {
    auto value = store.kv_get(key_for(app, appid), clock());
    if (!value || !*value) return std::nullopt;
    // value: "<expires_at_ms> <token>"
    const std::string& text = **value;
    const auto space = text.find(' ');
    std::int64_t expires = 0;
    if (space == std::string::npos ||
        std::from_chars(text.data(), text.data() + space, expires).ec != std::errc())
      return std::nullopt;
    return wechat::CachedToken{text.substr(space + 1), expires};
  };
  p.save = [&store, appid](const std::string& app, const wechat::CachedToken& token) {
    auto saved = store.kv_put(key_for(app, appid), std::to_string(token.expires_at_ms) + " " + token.access_token,
                              token.expires_at_ms);
    if (!saved) log::warn("could not persist the access token", {{"app", app}, {"error", saved.error().to_string()}});
  };
  return p;
}

}  // namespace wxlived::daemon
