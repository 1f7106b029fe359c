#pragma once
// wxlivectl's subcommands over the state database (SPEC section 3). Each
// returns the process exit code: 0 ok, 1 not found or a store error (the
// message, with the failing SQL, on stderr).
#include <chrono>
#include <cstdint>
#include <functional>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>

#include "wxlived/store/location.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 64;

struct Context {
  std::filesystem::path db;  // SQLite; empty when the config names a PostgreSQL store
  bool json = false;
  std::ostream& out;
  std::ostream& err;
  std::int64_t now_ms = 0;
  std::vector<std::string> configured_endpoints;  // with --config
  int utc_offset_min = 0;                         // --tz: text output only; --json stays UTC
  std::string postgresql_dsn{};                   // the config's [store] dsn (never printed)

  // An instant as the tables print it: RFC 3339 at --tz's offset.
  std::string time(std::int64_t unix_ms) const;
  std::string time_or(const std::optional<std::int64_t>& unix_ms, const char* none = "-") const;
};

// Where --db or --config points: the SQLite file or the PostgreSQL store.
store::StoreLocation store_location(const Context& ctx);
// The store error on stderr, naming the database; returns kExitFailure.
int store_failure(const Context& ctx, const store::StoreError& error);
// Read-only, beside the daemon; never creates or migrates anything: a
// missing file is an error. On failure `rc` is set and the reason printed.
std::optional<store::StateStore> open_for_reading(const Context& ctx, int& rc);
// A JSON document (--json) or one JSON Lines record, and its newline.
void print_json(const Context& ctx, const rapidjson::StringBuffer& buffer);
// For the repair commands' one short write: checks the schema read-only
// first, so wxlivectl never migrates a database under a running daemon.
std::optional<store::StateStore> open_for_writing(const Context& ctx, int& rc);

int list_rooms(const Context& ctx, const std::optional<std::string>& app);
int show_room(const Context& ctx, std::int64_t room_id, const std::optional<std::string>& app);
int list_events(const Context& ctx, const store::EventFilter& filter);
// events --follow: the matching events as they are committed, one line each
// (--json: one compact JSON object per line), until interrupted. Without
// --since or --after it starts after the newest event. Polls every `poll`.
int follow_events(const Context& ctx, store::EventFilter filter, std::chrono::milliseconds poll,
                  const std::function<bool()>& keep_going);
// One event as the events table shows it.
std::vector<std::string> event_row(const Context& ctx, const store::EventRecord& e);
// What each app's engine plans next (or only `app`'s: 1 if none is stored).
int show_schedule(const Context& ctx, const std::optional<std::string>& app);
// The fleet's daemons and the app leases each holds (PostgreSQL store).
int show_fleet(const Context& ctx);
int list_deliveries(const Context& ctx, const store::DeliveryFilter& filter);
int redeliver_events(const Context& ctx, const std::vector<std::string>& event_ids,
                     const std::optional<std::string>& endpoint);
int redeliver_dead(const Context& ctx, const std::optional<std::string>& endpoint);
int show_quota(const Context& ctx, const std::string& day);
int list_endpoints(const Context& ctx);
int enable_endpoint(const Context& ctx, const std::string& name);
// Every app's learned habits beside the prior (or only `app`'s: 1 if the store
// knows no such app).
int show_habits(const Context& ctx, const std::optional<std::string>& app);

}  // namespace wxlived::ctl
