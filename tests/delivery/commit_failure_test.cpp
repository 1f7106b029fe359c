// Outcomes that cannot be committed (issue 12, defect 1): a full store must
// not turn into webhooks re-POSTed at network speed. The store is filled for
// real (PRAGMA max_page_count, the SQLITE_FULL a full file system gives),
// with a trigger that makes every outcome UPDATE need a fresh page.
#include <map>

#include "delivery_harness.hpp"

using namespace wxlived::delivery;
using namespace wxlived::delivery::testing;
using wxlived::store::DeliveryState;

namespace {

wxlived::http::CurlGlobal curl_global;

std::int64_t page_count(wxlived::store::StateStore& store) {
  auto pages = store.database().prepare("PRAGMA page_count");
  REQUIRE(pages);
  REQUIRE(must(pages->step()));
  return pages->int64(0);
}

// From now on every recorded outcome needs a new page and the file may not grow.
void fill_the_disk(wxlived::store::StateStore& store) {
  must(store.database().exec("CREATE TABLE filler(b BLOB)"));
  must(store.database().exec(
      "CREATE TRIGGER fill AFTER UPDATE ON deliveries BEGIN INSERT INTO filler VALUES (zeroblob(16384)); END"));
  must(store.database().exec("PRAGMA max_page_count = " + std::to_string(page_count(store))));
}

void free_space(wxlived::store::StateStore& store) {
  must(store.database().exec("PRAGMA max_page_count = 1073741823"));
}

}  // namespace

TEST_CASE("a full store holds the answered lanes instead of re-POSTing them, then delivers each event once") {
  Receiver receiver(always(204));
  Harness h;
  constexpr int kRooms = 4;
  constexpr int kPerRoom = 5;
  for (int n = 1; n <= kPerRoom; ++n)
    for (int room = 1; room <= kRooms; ++room) h.commit(room, n, {"crm"});
  fill_the_disk(h.store);

  auto options = h.options();
  options.commit_retry_min = 10ms;
  options.commit_retry_max = 80ms;
  h.start({webhook("crm", receiver.url())}, options);
  // Each lane's head is POSTed once; its outcome cannot be recorded, so the
  // lane stays busy and nothing else starts (before the fix: hundreds of
  // POSTs of the same rows in this second).
  REQUIRE(h.run_until([&] { return receiver.requests() >= kRooms; }));
  h.run_for(1s);
  CHECK(receiver.requests() == kRooms);
  CHECK(h.count(DeliveryState::pending) == kRooms * kPerRoom);

  free_space(h.store);
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));
  // Exactly once each, in order per room: the held outcomes were committed,
  // not re-sent.
  const auto got = receiver.received();
  CHECK(got.size() == static_cast<std::size_t>(kRooms * kPerRoom));
  std::map<std::string, int> last_n;
  for (const Received& r : got) {
    const std::string room = r.id.substr(0, r.id.rfind('_'));
    const int n = std::stoi(r.id.substr(r.id.rfind('_') + 1));
    CHECK_MESSAGE(n == last_n[room] + 1, r.id << " after " << last_n[room]);
    last_n[room] = n;
  }
  for (const auto& d : h.deliveries()) CHECK(d.attempts == 1);
}

TEST_CASE("a stop while outcomes cannot be committed gives them up at once and leaves them due") {
  Receiver receiver(always(204));
  Harness h;
  h.commit(7, 1, {"crm"});
  fill_the_disk(h.store);
  h.start({webhook("crm", receiver.url())});
  REQUIRE(h.run_until([&] { return receiver.requests() >= 1; }));
  h.run_for(100ms);
  bool stopped = false;
  h.worker->stop(std::chrono::steady_clock::now() + 30s, [&] { stopped = true; });
  REQUIRE(h.run_until([&] { return stopped; }, 5s));
  CHECK(h.worker->in_flight() == 0);
  free_space(h.store);
  const auto row = h.deliveries().at(0);
  CHECK(row.state == DeliveryState::pending);
  CHECK(row.attempts == 0);
}
