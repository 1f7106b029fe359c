// wxlivectl fleet: the daemons sharing a PostgreSQL store and the apps each
// one polls (their leases), as the database records them.
#include <map>
#include <ostream>
#include <rapidjson/stringbuffer.h>

#include "commands.hpp"
#include "table.hpp"
#include "wxlived/admin/json_fields.hpp"

namespace wxlived::ctl {

namespace {

using admin::json::field;
using admin::json::time_field;
using admin::json::Writer;

// By this machine's clock: close enough for a view (the daemons use the
// database's clock for the leases themselves).
std::string liveness(std::int64_t expires_at_ms, std::int64_t now_ms) {
  return expires_at_ms > now_ms ? "alive" : "expired";
}

}  // namespace

int show_fleet(const Context& ctx) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto members = store->fleet_members();
  if (!members) return store_failure(ctx, members.error());
  auto leases = store->leases();
  if (!leases) return store_failure(ctx, leases.error());
  std::map<std::string, std::int64_t> held;  // owner -> live leases
  for (const auto& l : *leases)
    if (l.expires_at_ms > ctx.now_ms) ++held[l.owner];
  std::map<std::string, std::string> node_of;
  for (const auto& m : *members) node_of[m.owner] = m.node;

  if (ctx.json) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("members");
    w.StartArray();
    for (const auto& m : *members) {
      w.StartObject();
      field(w, "owner", m.owner);
      field(w, "node", m.node);
      time_field(w, "started_at_ms", m.started_at_ms);
      time_field(w, "expires_at_ms", m.expires_at_ms);
      w.Key("alive");
      w.Bool(m.expires_at_ms > ctx.now_ms);
      field(w, "apps", held[m.owner]);
      w.EndObject();
    }
    w.EndArray();
    w.Key("leases");
    w.StartArray();
    for (const auto& l : *leases) {
      w.StartObject();
      field(w, "app", l.app);
      field(w, "owner", l.owner);
      field(w, "epoch", l.epoch);
      time_field(w, "acquired_at_ms", l.acquired_at_ms);
      time_field(w, "expires_at_ms", l.expires_at_ms);
      w.Key("live");
      w.Bool(l.expires_at_ms > ctx.now_ms);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    print_json(ctx, buffer);
    return kExitOk;
  }
  if (!store->database().postgresql()) {
    ctx.out << "no fleet: the store is SQLite, polled by one daemon ([store] backend = \"postgresql\" for a fleet)\n";
    return kExitOk;
  }
  Table daemons({"NODE", "OWNER", "STARTED", "HEARTBEAT UNTIL", "STATE", "APPS"});
  for (const auto& m : *members)
    daemons.add({m.node, m.owner, ctx.time(m.started_at_ms), ctx.time(m.expires_at_ms),
                 liveness(m.expires_at_ms, ctx.now_ms), std::to_string(held[m.owner])});
  daemons.print(ctx.out);
  ctx.out << '\n';
  Table apps({"APP", "NODE", "OWNER", "EPOCH", "SINCE", "LEASE UNTIL", "STATE"});
  for (const auto& l : *leases) {
    const auto node = node_of.find(l.owner);
    apps.add({l.app, node != node_of.end() ? node->second : "-", l.owner, std::to_string(l.epoch),
              ctx.time(l.acquired_at_ms), l.expires_at_ms == 0 ? "released" : ctx.time(l.expires_at_ms),
              l.expires_at_ms == 0 ? "released" : liveness(l.expires_at_ms, ctx.now_ms)});
  }
  apps.print(ctx.out);
  return kExitOk;
}

}  // namespace wxlived::ctl
