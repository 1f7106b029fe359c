#include "send_test.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <ostream>
#include <thread>

#include "terminal_text.hpp"
#include "wxlived/admin/json_fields.hpp"
#include "wxlived/engine/event_builder.hpp"

namespace wxlived::ctl {
namespace {

using admin::json::field;
using admin::json::Writer;

constexpr const char* kType = "webhook.test";

std::string answer_text(const std::optional<std::string>& answer) {
  if (!answer) return "-";
  if (answer->empty()) return "(empty)";
  return terminal_safe(*answer);
}

void print_report(const Context& ctx, const std::string& event_id, const std::string& endpoint,
                  const store::AttemptReport& r) {
  const bool delivered = r.state == store::DeliveryState::delivered;
  if (ctx.json) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    field(w, "event_id", event_id);
    field(w, "endpoint", endpoint);
    w.Key("delivered");
    w.Bool(delivered);
    field(w, "status", r.last_status ? std::optional<std::int64_t>(*r.last_status) : std::nullopt);
    field(w, "latency_ms", r.last_latency_ms);
    field(w, "answer", r.last_answer);
    field(w, "error", delivered ? std::nullopt : r.last_error);
    w.EndObject();
    print_json(ctx, buffer);
    return;
  }
  const std::string latency = r.last_latency_ms ? std::to_string(*r.last_latency_ms) + " ms" : "-";
  ctx.out << kType << ' ' << event_id << " to " << terminal_safe(endpoint) << '\n';
  if (r.last_status) {
    ctx.out << "status:  HTTP " << *r.last_status << (delivered ? " (delivered)" : " (not delivered)") << '\n';
  } else {
    ctx.out << "status:  no answer\n";
  }
  ctx.out << "latency: " << latency << '\n';
  ctx.out << "answer:  " << answer_text(r.last_answer) << '\n';
  if (!delivered && r.last_error) ctx.out << "error:   " << terminal_safe(*r.last_error) << '\n';
}

}  // namespace

int send_test(const Context& ctx, const SendTestOptions& options) {
  if (options.configured &&
      std::find(options.configured->begin(), options.configured->end(), options.endpoint) ==
          options.configured->end()) {
    ctx.err << "wxlivectl: no [[webhook]] named " << terminal_safe(options.endpoint) << " in the config";
    if (!options.configured->empty()) {
      ctx.err << " (there are:";
      for (const std::string& name : *options.configured) ctx.err << ' ' << terminal_safe(name);
      ctx.err << ')';
    }
    ctx.err << '\n';
    return kExitFailure;
  }
  int rc = kExitOk;
  auto store = open_for_writing(ctx, rc);
  if (!store) return rc;
  auto endpoints = store->endpoints();
  if (!endpoints) return store_failure(ctx, endpoints.error());
  for (const store::EndpointRecord& e : *endpoints) {
    if (e.name != options.endpoint || !e.disabled_at_ms) continue;
    ctx.err << "wxlivectl: endpoint " << terminal_safe(e.name) << " is disabled ("
            << terminal_safe(e.disabled_reason.value_or("")) << "); nothing is sent to it until `wxlivectl "
            << "enable-endpoint " << terminal_safe(e.name) << "`\n";
    return kExitFailure;
  }

  // A lane of its own (app "", no room): a test never waits behind, or
  // holds up, a room's events.
  store::NewEvent event;
  event.type = kType;
  event.created_at_ms = ctx.now_ms;
  event.body_json = engine::test_event_body(options.endpoint, ctx.now_ms);
  event.id = engine::event_id("", kType, std::nullopt, ctx.now_ms, 0, event.body_json);
  event.endpoints = {options.endpoint};
  auto seq = store->append_event(event);
  if (!seq) return store_failure(ctx, seq.error());

  // The daemon's worker finds it on its next sweep (about a second), POSTs
  // it once and records the answer.
  const auto give_up = std::chrono::steady_clock::now() + options.timeout;
  for (;;) {
    auto report = store->attempt_report(*seq, options.endpoint);
    if (!report) return store_failure(ctx, report.error());
    if (*report && (*report)->attempts > 0) {
      print_report(ctx, event.id, options.endpoint, **report);
      return (*report)->state == store::DeliveryState::delivered ? kExitOk : kExitFailure;
    }
    if (std::chrono::steady_clock::now() >= give_up) break;
    std::this_thread::sleep_for(options.poll_interval);
  }
  const auto waited_s = std::chrono::duration_cast<std::chrono::seconds>(options.timeout).count();
  auto abandoned = store->abandon_pending_delivery(
      *seq, options.endpoint, "wxlivectl send-test stopped waiting after " + std::to_string(waited_s) + " s");
  if (!abandoned) return store_failure(ctx, abandoned.error());
  if (*abandoned == 0) {  // the daemon took it after all, between the last look and now
    auto report = store->attempt_report(*seq, options.endpoint);
    if (!report) return store_failure(ctx, report.error());
    if (*report && (*report)->attempts > 0) {
      print_report(ctx, event.id, options.endpoint, **report);
      return (*report)->state == store::DeliveryState::delivered ? kExitOk : kExitFailure;
    }
  }
  ctx.err << "wxlivectl: no attempt of test event " << event.id << " to " << terminal_safe(options.endpoint)
          << " within " << waited_s
          << " s: is wxlived running on this database, with this [[webhook]] in its config? "
             "(the event was withdrawn)\n";
  return kExitFailure;
}

}  // namespace wxlived::ctl
