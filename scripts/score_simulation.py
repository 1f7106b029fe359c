#!/usr/bin/env python3
"""Independent scorer for `wxlived simulate --events-out`.

    scripts/score_simulation.py SCENARIO.json EVENTS.jsonl

Recomputes the scenario's true status changes from the file alone (its own
reading of SPEC section 7's rules, sharing no code with wxlived) and grades the
events: prints {"transitions_total","detected","missed","latency_s":{"p50","p95","max"},
"rule_latency_s":{"count","p50","p95","max"},"rule_latency_known_s":{...}}.
A transition is a change of true status inside [0, duration_s) while the room
is listed; it is detected by the first room.created/room.status_changed event
for that room whose data.to is the new status, emitted (timestamp) at or after
the change and before the room's next change. Percentiles are nearest-rank.
latency_s covers timeline changes; rule_latency_s the rule ones (106 -> 103,
102 -> 107) from the true deadline; rule_latency_known_s the same from the
deadline the engine could know: its latest event to 106 for the room up to the
detecting one, plus abnormal_timeout_s (the true deadline if it never saw the
106), and the change time itself for 102 -> 107.
Python 3 standard library only.
"""
import json
import math
import sys
from datetime import datetime, timezone


def unix(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp())


def true_changes(room, timeout):
    """[(t, from, to, cause)] with WeChat's rules: 106 for `timeout` s -> 103,
    102 at end_time -> 107, 103/107 final."""
    out = []
    status, since = 102, None
    entries = list(room.get("timeline", []))
    i = 0
    while status not in (103, 107):
        rule = None
        if status == 106:
            rule = (since + timeout, 103, "abnormal_timeout")
        elif status == 102:
            rule = (room["end_time"] if since is None else max(since, room["end_time"]), 107, "end_time_passed")
        entry = entries[i] if i < len(entries) else None
        if rule and (entry is None or rule[0] <= entry[0]):
            out.append((rule[0], status, rule[1], rule[2]))
            status, since = rule[1], rule[0]
            continue
        if entry is None:
            break
        i += 1
        t, to = entry
        if to == status:
            continue
        if to == 102 and t >= room["end_time"]:
            to = 107
        out.append((t, status, to, "timeline"))
        status, since = to, t
    return out


def listed(room, t):
    deleted = room.get("deleted_at")
    return room["created_at"] <= t and (deleted is None or t < deleted)


def percentile(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    k = max(1, math.ceil(p / 100 * len(v)))
    return float(v[min(k, len(v)) - 1])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    scenario = json.load(open(sys.argv[1]))
    origin = unix(scenario["origin"])
    duration = scenario["duration_s"]
    timeout = scenario.get("abnormal_timeout_s", 900)
    emitted = {}
    with open(sys.argv[2]) as f:
        for line in f:
            if not line.strip():
                continue
            e = json.loads(line)
            if e["type"] not in ("room.created", "room.status_changed"):
                continue
            d = e["data"]
            if "to" not in d:
                continue
            emitted.setdefault(d["room_id"], []).append((unix(e["timestamp"]) - origin, d["to"]))
    total = detected = 0
    latencies, rule_true, rule_known = [], [], []
    for room in scenario["rooms"]:
        changes = true_changes(room, timeout)
        mine = emitted.get(room["roomid"], [])
        for k, (t, _frm, to, cause) in enumerate(changes):
            if not (0 <= t < duration) or not listed(room, t):
                continue
            total += 1
            nxt = changes[k + 1][0] if k + 1 < len(changes) else float("inf")
            hits = [at for at, s in mine if s == to and t <= at < nxt]
            if hits:
                detected += 1
                hit = min(hits)
                if cause == "timeline":
                    latencies.append(hit - t)
                    continue
                known = t
                if cause == "abnormal_timeout":
                    seen = [at for at, s in mine if s == 106 and at <= hit]
                    if seen:
                        known = max(seen) + timeout
                rule_true.append(hit - t)
                rule_known.append(hit - known)
    def summary(values):
        return {"count": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
                "max": float(max(values)) if values else 0.0}
    latency = summary(latencies)
    del latency["count"]
    print(json.dumps({"transitions_total": total, "detected": detected, "missed": total - detected,
                      "latency_s": latency, "rule_latency_s": summary(rule_true),
                      "rule_latency_known_s": summary(rule_known)}))


if __name__ == "__main__":
    main()
