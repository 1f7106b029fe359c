#!/usr/bin/env python3
"""What foreknowledge would buy: the latency of a schedule that knows each true change to within
a window of W seconds (the grid cell of width W that holds it), with N sweeps and the 60 s floor.

    scripts/foreknowledge_bound.py SCENARIO.json... [--sweeps N] [--floor 60] [--windows 60,300,900,1800]

Several scenarios: the table gives the mean of their p50, p95 and max.

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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="+")
    ap.add_argument("--sweeps", type=int, default=430)
    ap.add_argument("--floor", type=float, default=60)
    ap.add_argument("--windows", default="60,300,900,1800,3600")
    a = ap.parse_args()
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
