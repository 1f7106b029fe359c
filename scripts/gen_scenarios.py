#!/usr/bin/env python3
"""Generate simulate scenarios of several shapes and seeds (SPEC section 7 format).

    scripts/gen_scenarios.py OUT_DIR            # the standard set used by scripts/bench-engine
    scripts/gen_scenarios.py OUT_DIR --shape evening --seed 7 --rooms 60
    scripts/gen_scenarios.py OUT_DIR --shape day --seed 200 --count 12      # seeds 200..211
    scripts/gen_scenarios.py OUT_DIR --shape habits --seed 1 --count 2      # late, breaks, flaky, punctual

Files are OUT_DIR/gen-SHAPE-SEED.json (gen-SHAPE-SEED-qQUOTA.json with --quota); their paths are
printed one a line. --shape takes one shape, a comma-separated list, or "habits" (the four habit
shapes); --count N makes seeds SEED..SEED+N-1 of each. --rooms: rooms of the day (day, habits: per day).

Shapes (all one Beijing day from 00:00 +08:00 unless noted):
  spread    lives spread over 08:00-23:00, a few at a time (like day.json)
  evening   a rush: most lives start between 19:00 and 22:00, many at once
  sparse    three or four lives in the day, long quiet stretches
  abnormal  lives that often drop to 106; some never recover (the 15 min rule)
  noshow    many rooms that never start (102 -> 107 at end_time) and early/late starts
  thousand  1,000 rooms (most long over), 30 lives today: the 2 s performance target
  twoday    two days (86400 s * 2): the quota resets at midnight between them
  day       the ordinary day, modelled on ../shared/scenarios/day.json: ~120 old rooms long over
            (created 3 days before, ~15% never started, ~half with replays, now and then one deleted
            during the day), 20 rooms today planned 08:00-22:00 in whole minutes, 1-3 h, ~15% never
            start (107 at end_time), start jitter -4..+15 min, pauses (105) and drops (106, a quarter
            of them never recover) as live_timeline makes them, ~85% with replays, created mostly
            1-2 days before; 5-7 rooms planned for later days. daily_quota 500, no faults.
Habit shapes: three Beijing days (duration_s 3 * 86400), 18-22 rooms a day planned 08:00-22:00,
each day's rooms created during the day before, 1-3 h, ~85% with replays, every room starts
(no no-shows), every drop recovers, no faults; ~120 old rooms and a few later rooms as usual.
All rooms of a scenario share one habit:
  late      late starters: start 15-25 min after start_time (never early), end at the planned end
            plus the same lateness +-10 min; few pauses (one in five broadcasts, 2-15 min), no drops
  breaks    long breaks: one or two pauses (105) of 20-45 min a broadcast (planned 2-3 h); start
            -4..+15 min, end at planned end + lateness +-10 min; no drops
  flaky     flaky streams: 4-8 short drops (106 for 90-300 s, then 101) a broadcast, every one
            recovers; few pauses (one in five broadcasts, 2-10 min); start -4..+15 min, end at
            planned end + lateness +-10 min
  punctual  start within +-60 s of start_time, end within +-2 min of end_time, rare pauses (one in
            ten broadcasts, 2-10 min), no drops
A habit scenario's truth (the designed ranges and what was generated: per habit n, p10/p50/p90,
never_share, and interruptions per live hour, the names of `wxlivectl habits`) goes to a sidecar
OUT_DIR/gen-SHAPE-SEED.truth.json: the scenario parser rejects unknown top-level keys.
Deterministic for a given (shape, seed); the shapes above `day` are byte-identical to what earlier
versions of this script wrote. Python 3 stdlib only.
"""
import argparse
import json
import os
import random

DAY = 86400


def live_timeline(rng, start_at, planned_len, abnormal_rate=0.15, pause_rate=0.35, timeout=900):
    """A broadcast from start_at: pauses (105), drops (106) and an end (103)."""
    tl = [[start_at, 101]]
    t = start_at
    end = start_at + max(600, int(planned_len * rng.uniform(0.7, 1.5)))
    while True:
        t += rng.randint(600, 4000)
        if t >= end:
            break
        r = rng.random()
        if r < abnormal_rate:
            if rng.random() < 0.25:  # never recovers: WeChat ends it after the timeout
                tl.append([t, 106])
                return tl
            tl.append([t, 106])
            t += rng.randint(30, timeout - 60)
            tl.append([t, 101])
        elif r < abnormal_rate + pause_rate:
            tl.append([t, 105])
            t += rng.randint(120, 1500)
            tl.append([t, 101])
    tl.append([max(end, t + 60), 103])
    return tl


def make_room(rng, roomid, start_time, length, created_at, *, never_starts=False, abnormal_rate=0.15,
              start_jitter=(-240, 900), deleted_at=None):
    room = {
        "roomid": roomid,
        "name": f"Live sale #{roomid}",
        "anchor_name": rng.choice(["Li", "Wang", "Zhang", "Chen", "Zhao", "Liu"]),
        "created_at": created_at,
        "start_time": start_time,
        "end_time": start_time + length,
        "timeline": [],
        "deleted_at": deleted_at,
    }
    if not never_starts:
        start_at = start_time + rng.randint(*start_jitter)
        room["timeline"] = live_timeline(rng, start_at, length, abnormal_rate=abnormal_rate)
        if rng.random() < 0.85:
            room["replay"] = {"delay_s": 600, "segments": rng.randint(1, 3)}
    return room


def old_rooms(rng, first_id, n):
    """Rooms whose lives are long over: the deep part of the list."""
    rooms = []
    for i in range(n):
        st = -rng.randint(2 * DAY, 120 * DAY) // 60 * 60
        length = rng.choice([3600, 5400, 7200, 10800])
        rooms.append({
            "roomid": first_id + i, "name": f"Live sale #{first_id + i}", "anchor_name": "Zhao",
            "created_at": st - rng.randint(3600, 5 * DAY), "start_time": st, "end_time": st + length,
            "timeline": [[st + 60, 101], [st + length, 103]], "deleted_at": None})
    return rooms


def scenario(shape, seed, rooms_hint=None):
    """The scenario of (shape, seed) as a dict (a habit shape's truth: see generate)."""
    return generate(shape, seed, rooms_hint)[0]


def generate(shape, seed, rooms_hint=None):
    """(scenario, truth): truth is None but for the habit shapes."""
    if shape == "day":
        return day_scenario(seed, rooms_hint), None
    if shape in HABITS:
        return habit_scenario(shape, seed, rooms_hint)
    return classic_scenario(shape, seed, rooms_hint), None


def classic_scenario(shape, seed, rooms_hint=None):
    """The shapes spread .. twoday, unchanged since they were written (tests depend on their bytes)."""
    rng = random.Random(f"{shape}:{seed}")
    rooms = []
    duration = DAY
    nid = 2000
    abnormal_rate = 0.15
    n_old = 120
    if shape == "spread":
        n = rooms_hint or 22
        starts = sorted(rng.randint(8 * 3600, 22 * 3600) // 60 * 60 for _ in range(n))
    elif shape == "evening":
        n = rooms_hint or 30
        starts = sorted(rng.randint(19 * 3600, 22 * 3600) // 60 * 60 for _ in range(n))
    elif shape == "sparse":
        n = rooms_hint or 4
        starts = sorted(rng.randint(9 * 3600, 21 * 3600) // 60 * 60 for _ in range(n))
    elif shape == "abnormal":
        n = rooms_hint or 20
        abnormal_rate = 0.45
        starts = sorted(rng.randint(9 * 3600, 22 * 3600) // 60 * 60 for _ in range(n))
    elif shape == "noshow":
        n = rooms_hint or 24
        starts = sorted(rng.randint(8 * 3600, 22 * 3600) // 60 * 60 for _ in range(n))
    elif shape == "thousand":
        n = 30
        n_old = 970
        starts = sorted(rng.randint(8 * 3600, 22 * 3600) // 60 * 60 for _ in range(n))
    elif shape == "twoday":
        n = rooms_hint or 40
        duration = 2 * DAY
        starts = sorted(rng.randint(8 * 3600, 2 * DAY - 2 * 3600) // 60 * 60 for _ in range(n))
    else:
        raise SystemExit(f"unknown shape {shape}")
    rooms += old_rooms(rng, 1000, n_old)
    for st in starts:
        length = rng.choice([1800, 3600, 5400, 7200, 10800])
        created = rng.choice([-DAY, -2 * DAY, rng.randint(0, max(1, st - 1800))])
        never = shape == "noshow" and rng.random() < 0.4
        jitter = (-600, 1500) if shape == "noshow" else (-240, 900)
        deleted = None
        if rng.random() < 0.05:
            deleted = min(duration - 1, st + length + rng.randint(3600, 4 * 3600))
        rooms.append(make_room(rng, nid, st, length, created, never_starts=never, abnormal_rate=abnormal_rate,
                               start_jitter=jitter, deleted_at=deleted))
        nid += 1
    # Rooms planned for after the window: listed on top, never change.
    for _ in range(rng.randint(2, 6)):
        st = duration + rng.randint(3600, 3 * DAY) // 60 * 60
        rooms.append(make_room(rng, nid, st, 7200, rng.randint(0, duration - 1), never_starts=True))
        nid += 1
    faults = []
    if seed % 2 == 1:  # odd seeds: some weather
        for _ in range(3):
            f = rng.randint(8 * 3600, duration - 3600)
            faults.append({"from": f, "to": f + rng.randint(120, 600),
                           "kind": rng.choice(["busy", "http_500", "timeout", "malformed", "token_expired"])})
        faults.sort(key=lambda x: x["from"])
    return {"origin": "2026-11-24T00:00:00+08:00", "duration_s": duration, "appid": "wxfake000000000001",
            "secret": "fake-secret", "daily_quota": 500, "rooms": rooms, "faults": faults}


def day_scenario(seed, rooms_hint=None):
    """The ordinary day, modelled on ../shared/scenarios/day.json."""
    rng = random.Random(f"day:{seed}")
    rooms = []
    # Old rooms, 1-120 days ago, created three days before their start; some never started (107
    # long ago), about 60% of the others have replays; now and then one is deleted during the day.
    for i in range(rng.randint(114, 126)):
        st = -rng.randint(DAY + 3600, 120 * DAY)
        length = rng.choice([3600, 7200, 10800])
        started = rng.random() >= 0.16
        room = {"roomid": 1000 + i, "name": f"Live sale #{1000 + i}", "anchor_name": rng.choice(ANCHORS),
                "created_at": st - 3 * DAY, "start_time": st, "end_time": st + length,
                "timeline": [[st + 60, 101], [st + length, 103]] if started else [],
                "deleted_at": rng.randint(8 * 3600, 20 * 3600) if rng.random() < 0.01 else None}
        if started and rng.random() < 0.6:
            room["replay"] = {"delay_s": 600, "segments": rng.randint(1, 2)}
        rooms.append(room)
    # Today: planned 08:00-22:00 in whole minutes; roomids are not in start order.
    n = rooms_hint or 20
    starts = sorted(rng.randint(8 * 3600, 22 * 3600) // 60 * 60 for _ in range(n))
    ids = list(range(1500, 1500 + n))
    rng.shuffle(ids)
    today = []
    for roomid, st in zip(ids, starts):
        length = rng.choice([3600, 5400, 7200, 10800])
        created = rng.choices([-2 * DAY, -DAY, None], weights=[35, 35, 30])[0]
        if created is None:
            created = rng.randint(0, max(1, st - 1800))
        today.append(make_room(rng, roomid, st, length, created, never_starts=rng.random() < 0.15))
    rooms += sorted(today, key=lambda r: r["roomid"])
    # Planned for later days: listed on top, never change in the window.
    for i in range(rng.randint(5, 7)):
        st = DAY + rng.randint(8 * 3600, 2 * DAY + 20 * 3600) // 60 * 60
        rooms.append(make_room(rng, 1900 + i, st, 7200, rng.randint(6 * 3600, 23 * 3600), never_starts=True))
    return {"origin": ORIGIN, "duration_s": DAY, "appid": "wxfake000000000001", "secret": "fake-secret",
            "daily_quota": 500, "rooms": rooms, "faults": []}


ANCHORS = ["Li", "Wang", "Zhang", "Chen", "Zhao", "Liu"]
ORIGIN = "2026-11-24T00:00:00+08:00"

# The habit shapes. start: actual start - start_time (s); end: actual end - end_time, plus the
# start's offset when end_follows_start; pauses: a count drawn from the list; drops: a count
# in [lo, hi]; lengths in seconds; min_gap: the least live time before, between and after
# interruptions; lengths: the planned lengths (end_time - start_time) to choose from.
HABITS = {
    "late": {"start": (900, 1500), "end": (-600, 600), "end_follows_start": True,
             "pauses": [1, 0, 0, 0, 0], "pause_len": (120, 900), "drops": (0, 0), "drop_len": None,
             "lengths": [3600, 5400, 7200, 10800], "min_gap": 300},
    "breaks": {"start": (-240, 900), "end": (-600, 600), "end_follows_start": True,
               "pauses": [1, 2], "pause_len": (1200, 2700), "drops": (0, 0), "drop_len": None,
               "lengths": [7200, 9000, 10800], "min_gap": 300},
    "flaky": {"start": (-240, 900), "end": (-600, 600), "end_follows_start": True,
              "pauses": [1, 0, 0, 0, 0], "pause_len": (120, 600), "drops": (4, 8), "drop_len": (90, 300),
              "lengths": [3600, 5400, 7200, 10800], "min_gap": 120},
    "punctual": {"start": (-60, 60), "end": (-120, 120), "end_follows_start": False,
                 "pauses": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], "pause_len": (120, 600), "drops": (0, 0),
                 "drop_len": None, "lengths": [3600, 5400, 7200, 10800], "min_gap": 300},
}
HABIT_DAYS = 3


def habit_timeline(rng, h, start_time, end_time):
    """One broadcast of habit h: the timeline and its true figures."""
    start_off = rng.randint(*h["start"])
    start_at = start_time + start_off
    end_at = end_time + (start_off if h["end_follows_start"] else 0) + rng.randint(*h["end"])
    cuts = [(105, rng.randint(*h["pause_len"])) for _ in range(rng.choice(h["pauses"]))]
    cuts += [(106, rng.randint(*h["drop_len"])) for _ in range(rng.randint(*h["drops"]))]
    rng.shuffle(cuts)
    gap = h["min_gap"]
    span = end_at - start_at
    while cuts and sum(c[1] for c in cuts) + (len(cuts) + 1) * gap > span:
        cuts.pop()  # does not happen with the shapes above; keeps the timeline sane if they change
    spare = span - sum(c[1] for c in cuts) - (len(cuts) + 1) * gap
    marks = [0] + sorted(rng.randint(0, spare) for _ in cuts) + [spare]
    live = [gap + b - a for a, b in zip(marks, marks[1:])]
    t = start_at
    tl = [[t, 101]]
    for (code, length), seg in zip(cuts, live):
        t += seg
        tl.append([t, code])
        t += length
        tl.append([t, 101])
    t += live[-1]
    tl.append([t, 103])
    assert t == end_at
    return tl


def quantile(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))] if v else None


def figures(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "min_s": min(values), "p10_s": quantile(values, 0.1), "p50_s": quantile(values, 0.5),
            "p90_s": quantile(values, 0.9), "max_s": max(values), "never_share": 0.0}


def timeline_truth(rooms, duration):
    """What the generated rooms did inside [0, duration): the figures `wxlivectl habits` learns."""
    start, end, pause, drop = [], [], [], []
    interruptions, live_s = 0, 0
    for r in rooms:
        tl = [e for e in r["timeline"] if e[0] < duration]
        if not tl or r["start_time"] < 0:
            continue
        start.append(tl[0][0] - r["start_time"])
        for (t, code), nxt in zip(tl, tl[1:] + [[duration, None]]):
            if code == 101:
                live_s += nxt[0] - t
                if nxt[1] in (105, 106):
                    interruptions += 1
            elif code == 105 and nxt[1] is not None:
                pause.append(nxt[0] - t)
            elif code == 106 and nxt[1] is not None:
                drop.append(nxt[0] - t)
            elif code == 103:
                end.append(t - r["end_time"])
    return {"start_offset": figures(start), "end_offset": figures(end), "pause_length": figures(pause),
            "abnormal_recovery": figures(drop),
            "interruptions_per_live_hour": round(interruptions / (live_s / 3600), 3) if live_s else 0.0,
            "interruptions": interruptions, "live_hours": round(live_s / 3600, 1)}


def habit_scenario(shape, seed, rooms_hint=None):
    """Three days of rooms that all share habit `shape`: (scenario, truth)."""
    h = HABITS[shape]
    rng = random.Random(f"{shape}:{seed}")
    duration = HABIT_DAYS * DAY
    rooms = old_rooms(rng, 1000, 120)
    nid = 2000
    for day in range(HABIT_DAYS):
        n = rooms_hint or rng.randint(18, 22)
        starts = sorted(day * DAY + rng.randint(8 * 3600, 22 * 3600) // 60 * 60 for _ in range(n))
        for st in starts:
            length = rng.choice(h["lengths"])
            room = {"roomid": nid, "name": f"Live sale #{nid}", "anchor_name": rng.choice(ANCHORS),
                    "created_at": (day - 1) * DAY + rng.randint(9 * 3600, 23 * 3600), "start_time": st,
                    "end_time": st + length, "timeline": habit_timeline(rng, h, st, st + length), "deleted_at": None}
            if rng.random() < 0.85:
                room["replay"] = {"delay_s": 600, "segments": rng.randint(1, 3)}
            rooms.append(room)
            nid += 1
    for _ in range(rng.randint(2, 6)):
        st = duration + rng.randint(3600, 3 * DAY) // 60 * 60
        rooms.append(make_room(rng, nid, st, 7200, rng.randint(0, duration - 1), never_starts=True))
        nid += 1
    sc = {"origin": ORIGIN, "duration_s": duration, "appid": "wxfake000000000001", "secret": "fake-secret",
          "daily_quota": 500, "rooms": rooms, "faults": []}
    follows = h["end_follows_start"]
    observed = timeline_truth(rooms, duration)
    truth = {
        "shape": shape, "seed": seed, "days": HABIT_DAYS,
        "start_offset_s": list(h["start"]),
        "end_offset_s": [h["end"][0] + (h["start"][0] if follows else 0), h["end"][1] + (h["start"][1] if follows else 0)],
        "end_follows_start": follows,
        "end_minus_start_offset_s": list(h["end"]) if follows else None,
        "pause_length_s": list(h["pause_len"]) if max(h["pauses"]) else None,
        "pauses_per_broadcast": [min(h["pauses"]), max(h["pauses"])],
        "pauses_per_broadcast_mean": round(sum(h["pauses"]) / len(h["pauses"]), 2),
        "abnormal_recovery_s": list(h["drop_len"]) if h["drop_len"] else None,
        "drops_per_broadcast": list(h["drops"]),
        "abnormal_never_share": 0.0,
        "no_show_share": 0.0,
        "interruptions_per_live_hour": observed["interruptions_per_live_hour"],
        "observed": observed,
    }
    return sc, truth


STANDARD = [("spread", 1), ("spread", 2), ("spread", 3), ("evening", 1), ("evening", 2), ("sparse", 1),
            ("abnormal", 1), ("abnormal", 2), ("noshow", 1), ("thousand", 1), ("twoday", 2)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--shape", help="a shape, a comma-separated list, or 'habits' (default: the standard set)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1, help="seeds SEED..SEED+COUNT-1 (with --shape)")
    ap.add_argument("--rooms", type=int)
    ap.add_argument("--quota", type=int)
    a = ap.parse_args()
    if a.count < 1:
        ap.error("--count must be at least 1")
    if a.shape:
        shapes = []
        for s in a.shape.split(","):
            shapes += list(HABITS) if s == "habits" else [s]
        for s in shapes:
            if s not in SHAPES:
                ap.error(f"unknown shape {s} (one of {', '.join(SHAPES)}, or habits)")
        wanted = [(s, seed) for s in shapes for seed in range(a.seed, a.seed + a.count)]
    elif a.count != 1:
        ap.error("--count needs --shape")
    else:
        wanted = STANDARD
    os.makedirs(a.out_dir, exist_ok=True)
    for shape, seed in wanted:
        sc, truth = generate(shape, seed, a.rooms)
        if a.quota:
            sc["daily_quota"] = a.quota
        stem = f"gen-{shape}-{seed}" if not a.quota else f"gen-{shape}-{seed}-q{a.quota}"
        with open(os.path.join(a.out_dir, stem + ".json"), "w") as f:
            json.dump(sc, f, indent=1)
        if truth is not None:
            with open(os.path.join(a.out_dir, stem + ".truth.json"), "w") as f:
                json.dump(truth, f, indent=1)
                f.write("\n")
        print(os.path.join(a.out_dir, stem + ".json"))


SHAPES = ["spread", "evening", "sparse", "abnormal", "noshow", "thousand", "twoday", "day"] + list(HABITS)


if __name__ == "__main__":
    main()
