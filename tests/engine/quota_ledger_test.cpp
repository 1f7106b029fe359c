#include "engine_fixture.hpp"

using namespace engine_test;

TEST_CASE("the ledger resets at 00:00 Beijing time on either side of midnight") {
  QuotaLedger ledger(3);
  const Millis before = kMidnight + kDay - 1;  // 23:59:59.999 +08:00
  ledger.spend(before - kHour);
  ledger.spend(before - kSecond);
  ledger.spend(before);
  CHECK(ledger.exhausted(before));
  CHECK(ledger.used(before) == 3);
  CHECK(ledger.resets_at(before) == kMidnight + kDay);
  CHECK_FALSE(ledger.exhausted(kMidnight + kDay));
  CHECK(ledger.remaining(kMidnight + kDay) == 3);
  ledger.spend(kMidnight + kDay);
  CHECK(ledger.used(kMidnight + kDay) == 1);
}

TEST_CASE("the Beijing day is not the UTC day") {
  QuotaLedger ledger(10);
  // 15:59 UTC and 16:01 UTC are two Beijing days, one UTC day.
  ledger.spend(kMidnight - kMinute);
  CHECK(ledger.used(kMidnight + kMinute) == 0);
  CHECK(beijing_date(kMidnight - kMinute) == "2026-11-23");
  CHECK(beijing_date(kMidnight + kMinute) == "2026-11-24");
}

TEST_CASE("45009 ends the day whatever the count says and is reported once") {
  QuotaLedger ledger(500);
  ledger.spend(kT0);
  CHECK(ledger.mark_exhausted(kT0));
  CHECK_FALSE(ledger.mark_exhausted(kT0 + kMinute));
  CHECK(ledger.exhausted(kT0 + kHour));
  CHECK(ledger.remaining(kT0 + kHour) == 0);
  CHECK_FALSE(ledger.exhausted(kMidnight + kDay));
}

TEST_CASE("restore counts calls already spent today and ignores other days") {
  QuotaLedger ledger(500);
  ledger.restore(kT0, 200);
  CHECK(ledger.remaining(kT0) == 300);
  QuotaLedger exhausted(500);
  exhausted.restore(kT0, 10, kT0 - kHour);
  CHECK(exhausted.exhausted(kT0));
  QuotaLedger yesterday(500);
  yesterday.restore(kT0, 10, kT0 - kDay);
  CHECK_FALSE(yesterday.exhausted(kT0));
}

TEST_CASE("auto quota asks the quota API first and adopts its limit") {
  EngineSettings s = settings();
  s.daily_quota = std::nullopt;
  AppEngine engine(s);
  Plan plan = engine.plan(kT0);
  REQUIRE(plan.call);
  CHECK(plan.call->kind == Call::Kind::quota);
  CHECK(plan.effects.quota.empty());  // the quota API is not a getliveinfo call
  engine.on_quota(kT0, *plan.call, {100000, 40, 99960});
  CHECK(engine.ledger().limit() == 100000);
  CHECK(engine.ledger().used(kT0) == 40);
}

TEST_CASE("45009 stops calls emits one quota_exhausted and resumes after midnight") {
  Driver d(settings());
  d.rooms_at = [](Millis) { return std::vector<RoomInfo>{room(7, kLive, kT0, kT0 + 20 * kHour)}; };
  const Millis cut = kT0 + kHour;
  const Millis reset = kMidnight + kDay;
  d.fault = [&](const Call&, Millis t) {
    return t >= cut && t < reset ? std::optional<ApiError>(ApiError{Outcome::quota_exhausted, 45009, 0, ""})
                                 : std::nullopt;
  };
  d.run_until(reset + 2 * kHour);
  CHECK(events_of(d.all, "app.quota_exhausted").size() == 1);
  CHECK(events_of(d.all, "app.recovered").size() == 1);
  std::int64_t after_cut = 0;
  for (const auto& [t, c] : d.calls) {
    if (t >= cut && t < reset) ++after_cut;
  }
  CHECK(after_cut == 1);  // the call that met 45009, then silence
  CHECK(d.calls.back().first >= reset);
}

TEST_CASE("every call is counted in the quota delta of its Beijing day") {
  AppEngine engine(settings());
  Plan plan = engine.plan(kMidnight + kDay - kSecond);
  REQUIRE(plan.effects.quota.size() == 1);
  CHECK(plan.effects.quota[0].day == "2026-11-24");
  CHECK(plan.effects.quota[0].list_calls == 1);
  engine.on_failure(kMidnight + kDay, *plan.call, ApiError{Outcome::busy, -1, 0, ""});
  CHECK(engine.ledger().used(kMidnight + kDay - kSecond) == 1);
}

TEST_CASE("a clock stepped back across 00:00 Beijing keeps the later day's spent count") {
  QuotaLedger ledger(3);
  const Millis after = kMidnight + kDay + kMinute;  // 00:01 +08:00
  for (int i = 0; i < 3; ++i) ledger.spend(after);
  CHECK(ledger.exhausted(after - 2 * kMinute));  // 23:59 the day before: stepped back
  ledger.spend(after - 2 * kMinute);
  CHECK(ledger.exhausted(after + kMinute));  // forward again: the day is still spent
  CHECK(ledger.used(after + kMinute) == 4);
  CHECK(ledger.remaining(kMidnight + 2 * kDay) == 3);  // the next real day
}

namespace {

std::vector<Millis> quota_calls(const Driver& d) {
  std::vector<Millis> out;
  for (const auto& [t, c] : d.calls)
    if (c.kind == Call::Kind::quota) out.push_back(t);
  return out;
}

ApiError busy() { return ApiError{Outcome::busy, -1, 0, ""}; }

}  // namespace

TEST_CASE("auto quota: a failed quota API call is asked again with backoff until it answers") {
  EngineSettings s = settings();
  s.daily_quota = std::nullopt;
  Driver d(s);
  d.rooms_at = [](Millis) { return std::vector<RoomInfo>{room(7, kLive, kT0, kT0 + 20 * kHour)}; };
  d.fault = [](const Call& c, Millis t) {
    return c.kind == Call::Kind::quota && t < kT0 + 20 * kMinute ? std::optional<ApiError>(busy()) : std::nullopt;
  };
  d.quota_at = [](Millis) { return wxlived::liveapi::QuotaInfo{100000, 0, 100000}; };
  d.run_until(kT0 + 2 * kHour);
  // 5, 10, 20 minutes apart; the fourth answers and its limit is adopted.
  const std::vector<Millis> expected{kT0, kT0 + 5 * kMinute, kT0 + 15 * kMinute, kT0 + 35 * kMinute};
  CHECK(quota_calls(d) == expected);
  CHECK(d.engine.ledger().limit() == 100000);
}

TEST_CASE("auto quota: a failed quota API call is asked again at the latest when the next Beijing day begins") {
  EngineSettings s = settings();
  s.daily_quota = std::nullopt;
  s.quota_api_retry = 12 * kHour;
  Driver d(s);
  d.now = kMidnight + 23 * kHour;  // 23:00 +08:00
  d.fault = [](const Call& c, Millis t) {
    return c.kind == Call::Kind::quota && t < kMidnight + kDay ? std::optional<ApiError>(busy()) : std::nullopt;
  };
  d.run_until(kMidnight + kDay + kHour);
  const std::vector<Millis> expected{kMidnight + 23 * kHour, kMidnight + kDay};
  CHECK(quota_calls(d) == expected);
  CHECK(d.engine.ledger().limit_known());
}

TEST_CASE("effects merged across 00:00 Beijing keep both days' quota counts") {
  AppEngine engine(settings());
  Plan before = engine.plan(kMidnight + kDay - kSecond);  // 23:59:59 +08:00
  REQUIRE(before.call);
  Effects merged = std::move(before.effects);
  merged.append(engine.on_failure(kMidnight + kDay - kSecond, *before.call, busy()));
  Effects next_day;
  next_day.quota.push_back(QuotaDelta{"2026-11-25", 2, 1, 0, std::nullopt});
  merged.append(std::move(next_day));
  Effects same_day;
  same_day.quota.push_back(QuotaDelta{"2026-11-24", 0, 0, 1, kMidnight + kDay - kSecond});
  merged.append(std::move(same_day));
  REQUIRE(merged.quota.size() == 2);
  CHECK(merged.quota[0].day == "2026-11-24");
  CHECK(merged.quota[0].list_calls == 1);
  CHECK(merged.quota[0].quota_errors == 1);
  CHECK(merged.quota[0].exhausted_at == kMidnight + kDay - kSecond);
  CHECK(merged.quota[1].day == "2026-11-25");
  CHECK(merged.quota[1].list_calls == 2);
  CHECK(merged.quota[1].replay_calls == 1);
}
