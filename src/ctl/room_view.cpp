// wxlivectl room ID: what an operator asks of one room. The snapshot's
// fields by name (never the engine's JSON), its replay URLs with their
// expiry, then its status history. --json is the admin API's document.
#include <ostream>

#include "commands.hpp"
#include "table.hpp"
#include "terminal_text.hpp"
#include "time_text.hpp"
#include "wxlived/admin/views.hpp"
#include "wxlived/engine/room_snapshot.hpp"

namespace wxlived::ctl {
namespace {

// WeChat's RFC 3339 text at --tz, "(expired)" once past; the text as it came
// when it does not parse.
std::string replay_time(const Context& ctx, const std::string& text, bool mark_expired) {
  const auto at = parse_time(text, ctx.now_ms);
  if (!at || text.empty()) return text.empty() ? "-" : text;
  return ctx.time(*at) + (mark_expired && *at <= ctx.now_ms ? " (expired)" : "");
}

std::string unix_seconds_time(const Context& ctx, std::int64_t seconds) {
  return seconds > 0 ? ctx.time(seconds * 1000) : "-";
}

void print_room(const Context& ctx, const admin::RoomHistory& history, const std::vector<admin::ReplaySegment>& replays) {
  const store::RoomRecord& r = history.room;
  const auto memory = engine::snapshot_from_json(r.snapshot_json);
  ctx.out << "app:         " << r.app << '\n'
          << "room:        " << r.room_id << '\n'
          << "name:        " << terminal_safe(admin::room_name(r.snapshot_json)) << '\n';
  if (memory) {
    ctx.out << "anchor:      " << terminal_safe(memory->info.anchor_name.empty() ? "-" : memory->info.anchor_name)
            << '\n'
            << "planned:     " << unix_seconds_time(ctx, memory->info.start_time) << " to "
            << unix_seconds_time(ctx, memory->info.end_time) << '\n';
  }
  ctx.out << "status:      " << r.status << ' ' << status_name(r.status) << " since " << ctx.time(r.status_since_ms)
          << '\n'
          << "first seen:  " << ctx.time(r.first_seen_ms) << '\n'
          << "last seen:   " << ctx.time(r.last_seen_ms) << '\n'
          << "removed:     " << ctx.time_or(r.removed_at_ms) << '\n';
  if (memory && memory->replay.active) {
    ctx.out << "replay:      checking; next check " << ctx.time(memory->replay.next_check) << ", gives up "
            << ctx.time(memory->replay.give_up_at) << '\n';
  }
  if (replays.empty()) {
    ctx.out << "replays:     none announced\n";
  } else {
    ctx.out << "replays:     " << replays.size() << " segment" << (replays.size() == 1 ? "" : "s") << '\n';
    Table segments({"#", "CREATED", "EXPIRES", "MEDIA URL"});
    for (std::size_t i = 0; i < replays.size(); ++i) {
      segments.add({std::to_string(i + 1), replay_time(ctx, replays[i].create_time, false),
                    replay_time(ctx, replays[i].expire_time, true), replays[i].media_url});
    }
    segments.print(ctx.out);
  }
  ctx.out << '\n';
  Table table({"AT", "FROM", "TO", "REASON", "EVENT"});
  for (const auto& t : history.transitions) {
    table.add({ctx.time(t.at_ms),
               t.from_status ? std::to_string(*t.from_status) + " " + std::string(status_name(*t.from_status)) : "-",
               std::to_string(t.to_status) + " " + std::string(status_name(t.to_status)),
               t.reason + (t.inferred ? " (inferred)" : ""), t.event_id.value_or("-")});
  }
  table.print(ctx.out);
}

}  // namespace

int show_room(const Context& ctx, std::int64_t room_id, const std::optional<std::string>& app) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto found = admin::room_histories(*store, room_id, app);
  if (!found) return store_failure(ctx, found.error());
  const std::vector<admin::RoomHistory>& histories = *found;
  if (histories.empty()) {
    ctx.err << "wxlivectl: no room " << room_id << (app ? " in app " + *app : std::string()) << '\n';
    return kExitFailure;
  }
  if (ctx.json) {
    ctx.out << admin::room_histories_json(histories) << '\n';
    return kExitOk;
  }
  for (std::size_t i = 0; i < histories.size(); ++i) {
    if (i > 0) ctx.out << '\n';
    print_room(ctx, histories[i], histories[i].replays);
  }
  return kExitOk;
}

}  // namespace wxlived::ctl
