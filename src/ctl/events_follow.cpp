// wxlivectl events --follow: tail the outbox. The daemon commits events in
// seq order, so polling for seq > the last one printed sees each exactly once.
#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include <ostream>
#include <thread>

#include "commands.hpp"
#include "wxlived/admin/views.hpp"
#include "wxlived/core/json_nesting.hpp"

namespace wxlived::ctl {
namespace {

// events_json is an array pretty-printed for people; a follower wants one
// object per line (JSON Lines), so each element is written compactly.
void print_json_lines(const Context& ctx, const std::vector<store::EventRecord>& events) {
  rapidjson::Document doc;
  const std::string text = admin::events_json(events);
  if (!parse_bounded_json(doc, text) || !doc.IsArray()) return;
  for (const auto& e : doc.GetArray()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    e.Accept(w);
    print_json(ctx, buffer);
  }
}

void print_lines(const Context& ctx, const std::vector<store::EventRecord>& events) {
  for (const auto& e : events) {
    const std::vector<std::string> cells = event_row(ctx, e);
    std::string line;
    for (const std::string& cell : cells) line += (line.empty() ? "" : "  ") + cell;
    ctx.out << line << '\n';
  }
}

}  // namespace

int follow_events(const Context& ctx, store::EventFilter filter, std::chrono::milliseconds poll,
                  const std::function<bool()>& keep_going) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  if (filter.after_seq == 0 && !filter.since_ms) {
    auto last = store->last_event_seq();
    if (!last) return store_failure(ctx, last.error());
    filter.after_seq = *last;
  }
  filter.limit = 1000;
  // On stderr, so that stdout stays one event per line for scripts; it also
  // tells a caller (and the tests) from when on events are printed.
  ctx.err << "wxlivectl: following events after seq " << filter.after_seq << "; Ctrl-C stops\n";
  ctx.err.flush();
  while (keep_going()) {
    auto events = store->events(filter);
    if (!events) return store_failure(ctx, events.error());
    if (!events->empty()) {
      ctx.json ? print_json_lines(ctx, *events) : print_lines(ctx, *events);
      ctx.out.flush();
      filter.after_seq = events->back().seq;
      if (static_cast<int>(events->size()) == filter.limit) continue;  // more are waiting
    }
    std::this_thread::sleep_for(poll);
  }
  return kExitOk;
}

}  // namespace wxlived::ctl
