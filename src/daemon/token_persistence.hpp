#pragma once
// Access tokens survive restarts in the store's kv table (the database file
// is 0600 and wxlivectl never shows kv), so a restart spends no token call.
#include "wxlived/store/state_store.hpp"
#include "wxlived/wechat/client.hpp"

namespace wxlived::daemon {

wechat::TokenPersistence store_token_persistence(store::StateStore& store, std::string appid, wechat::Clock clock);

}  // namespace wxlived::daemon
