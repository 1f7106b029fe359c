#!/usr/bin/env python3
"""What foreknowledge would buy: the latency of a schedule that knows each true change to within
a window of W seconds (the grid cell of width W that holds it), with N sweeps and the 60 s floor.

    scripts/foreknowledge_bound.py SCENARIO.json... [--sweeps N] [--floor 60] [--windows 60,300,900,1800]

Several scenarios: the table gives the mean of their p50, p95 and max.

    scripts/foreknowledge_bound.py SCENARIO.json... --phases 10 [--sweeps N]

instead measures how much one scenario's figures depend on luck: the same even schedule (N sweeps
evenly from a minute before the first change to the end of the day), shifted by k/10 of its
interval for k = 0..9, gives per scenario the range of p95 and of missed blips (a change is
missed when the room changes again before a sweep sees it; simulate counts such a blip as two
missed transitions, the change and its return). No foreknowledge is involved; the
spread is what any per-scenario comparison between two policies has to stay above. --day N limits
it to the changes of the scenario's Nth Beijing day (multi-day scenarios).

The schedule sweeps each cell that holds a change, evenly, the last sweep on the cell's end: at
the floor if N sweeps cover the cells that way, else as far apart as N sweeps need. A change at t is seen by the first sweep at or after t.
Monotone by construction: a narrower window never needs more sweeps for the same coverage. It
is a bound for the engine, which knows no change in advance, and it sits under the physical
limit: no latency is below 0 and, at the floor, none is above 60 s.
Python 3 stdlib only. Timeline changes inside [0, duration) only (rule transitions excluded).
"""
import argparse
import json
import math

DAY = 86400


def room_changes(scenario):
    """[[t, ...] per room]: the times of each room's timeline changes inside [0, duration)."""
    out = []
    for room in scenario["rooms"]:
        prev, times = 102, []
        for t, status in room["timeline"]:
            if status != prev and 0 <= t < scenario["duration_s"]:
                times.append(t)
            prev = status
        out.append(times)
    return out


def changes(scenario):
    out = []
    for room in scenario["rooms"]:
        prev = 102
        for t, status in room["timeline"]:
            if status != prev and 0 <= t < scenario["duration_s"]:
                out.append(t)
            prev = status
    return sorted(out)


def nearest_rank(values, p):
    v = sorted(values)
    return v[max(1, math.ceil(p / 100 * len(v))) - 1]


def cell_sweeps(cells, width, step):
    """Sweeps step apart through each cell, the last one on the cell's end (a change is in the
    cell, so a sweep at its end always follows it)."""
    starts = []
    for c in cells:
        n = math.ceil(width / step)
        end = (c + 1) * width
        starts += [end - (n - 1 - k) * (width / n) for k in range(n)]
    return sorted(set(starts))


def schedule(cells, width, sweeps, floor):
    step = float(floor)
    while len(cells) * math.ceil(width / step) > sweeps:
        step *= 1.01  # the even interval over the covered time that the budget allows
    return cell_sweeps(cells, width, step), step


def latencies(change_times, starts):
    import bisect
    out = []
    for t in change_times:
        i = bisect.bisect_left(starts, t)
        if i < len(starts):
            out.append(starts[i] - t)
    return out


def missed(per_room, starts):
    import bisect
    n = 0
    for times in per_room:
        for t, nxt in zip(times, times[1:]):
            i = bisect.bisect_left(starts, t)
            n += i == len(starts) or starts[i] >= nxt
    return n


def phase_spread(loaded, sweeps, phases, day=None):
    scope = f"day {day} of each scenario" if day else "each scenario"
    print(f"{len(loaded)} scenario(s), {scope}; one even schedule of {sweeps} sweeps a day, shifted by k/{phases} of its interval")
    print("| scenario | changes | interval s | p50 min | p50 max | p95 min | p95 max | p95 max/min | missed blips min | max |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    over50 = over95 = 0
    for name, sc in loaded:
        lo_day, hi_day = ((day - 1) * DAY, day * DAY) if day else (0, sc["duration_s"])
        per_room = [[t for t in times if lo_day <= t < hi_day] for times in room_changes(sc)]
        ch = sorted(t for times in per_room for t in times)
        if not ch:
            continue
        lo, hi = ch[0] - 60, hi_day
        step = (hi - lo) / (sweeps * (hi_day - lo_day) / DAY)
        p50s, p95s, miss = [], [], []
        for k in range(phases):
            starts = [lo + step * (i + k / phases) for i in range(int((hi - lo) / step) + 2)]
            lat = latencies(ch, starts)
            p50s.append(nearest_rank(lat, 50))
            p95s.append(nearest_rank(lat, 95))
            miss.append(missed(per_room, starts))
        over50 += max(p50s) > 1.05 * min(p50s)
        over95 += max(p95s) > 1.05 * min(p95s)
        print(f"| {name} | {len(ch)} | {step:.0f} | {min(p50s):.0f} | {max(p50s):.0f} | {min(p95s):.0f} | {max(p95s):.0f} | "
              f"{max(p95s) / min(p95s):.2f} | {min(miss)} | {max(miss)} |")
    print(f"scenarios whose p50 / p95 moves by more than 5 % with the phase alone: {over50} / {over95} of {len(loaded)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="+")
    ap.add_argument("--sweeps", type=int, default=430)
    ap.add_argument("--floor", type=float, default=60)
    ap.add_argument("--windows", default="60,300,900,1800,3600")
    ap.add_argument("--phases", type=int, help="measure the phase spread of an even schedule instead")
    ap.add_argument("--day", type=int, help="with --phases: only the changes of this Beijing day (1 = the first)")
    a = ap.parse_args()
    if a.phases:
        import os
        phase_spread([(os.path.basename(f)[:-5], json.load(open(f))) for f in a.scenarios if not f.endswith(".truth.json")],
                     a.sweeps, a.phases, a.day)
        return
    loaded = [json.load(open(f)) for f in a.scenarios]
    all_changes = [changes(sc) for sc in loaded]
    print(f"{len(loaded)} scenario(s), {sum(map(len, all_changes))} timeline changes, {a.sweeps} sweeps a day, "
          f"floor {a.floor:.0f} s; means over the scenarios")
    print("| window | covered h | interval s | p50 | p95 | max |")
    print("|---|---|---|---|---|---|")
    for w in (int(x) for x in a.windows.split(",")):
        rows = []
        for ch in all_changes:
            cells = sorted({int(t // w) for t in ch})
            starts, interval = schedule(cells, w, a.sweeps, a.floor)
            lat = latencies(ch, starts)
            rows.append((len(cells) * w / 3600, interval, nearest_rank(lat, 50), nearest_rank(lat, 95), max(lat)))
        mean = [sum(col) / len(col) for col in zip(*rows)]
        print(f"| {w} s | {mean[0]:.1f} | {mean[1]:.0f} | {mean[2]:.0f} | {mean[3]:.0f} | {mean[4]:.0f} |")


if __name__ == "__main__":
    main()
