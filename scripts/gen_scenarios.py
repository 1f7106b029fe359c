#!/usr/bin/env python3
"""Generate simulate scenarios of several shapes and seeds (SPEC section 7 format).

    scripts/gen_scenarios.py OUT_DIR            # the standard set used by scripts/bench-engine
    scripts/gen_scenarios.py OUT_DIR --shape evening --seed 7 --rooms 60

Shapes (all one Beijing day from 00:00 +08:00 unless noted):
  spread    lives spread over 08:00-23:00, a few at a time (like day.json)
  evening   a rush: most lives start between 19:00 and 22:00, many at once
  sparse    three or four lives in the day, long quiet stretches
  abnormal  lives that often drop to 106; some never recover (the 15 min rule)
  noshow    many rooms that never start (102 -> 107 at end_time) and early/late starts
  thousand  1,000 rooms (most long over), 30 lives today: the 2 s performance target
  twoday    two days (86400 s * 2): the quota resets at midnight between them
Deterministic for a given (shape, seed). Python 3 stdlib only.
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


STANDARD = [("spread", 1), ("spread", 2), ("spread", 3), ("evening", 1), ("evening", 2), ("sparse", 1),
            ("abnormal", 1), ("abnormal", 2), ("noshow", 1), ("thousand", 1), ("twoday", 2)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--shape")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rooms", type=int)
    ap.add_argument("--quota", type=int)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    wanted = [(a.shape, a.seed)] if a.shape else STANDARD
    for shape, seed in wanted:
        sc = scenario(shape, seed, a.rooms)
        if a.quota:
            sc["daily_quota"] = a.quota
        name = f"gen-{shape}-{seed}.json" if not a.quota else f"gen-{shape}-{seed}-q{a.quota}.json"
        with open(os.path.join(a.out_dir, name), "w") as f:
            json.dump(sc, f, indent=1)
        print(os.path.join(a.out_dir, name))


if __name__ == "__main__":
    main()
