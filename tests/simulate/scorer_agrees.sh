#!/bin/bash
# simulate's own detected/missed/latency must equal the independent scorer's
# reading of --events-out (scripts/score_simulation.py), per scenario and policy.
set -euo pipefail
bin=$1 src=$2 scenarios=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in small.json day.json; do
  for policy in adaptive fixed; do
    "$bin" simulate --scenario "$scenarios/$name" --policy "$policy" --events-out "$tmp/events.jsonl" >"$tmp/report.json"
    python3 "$src/scripts/score_simulation.py" "$scenarios/$name" "$tmp/events.jsonl" >"$tmp/score.json"
    python3 - "$tmp/report.json" "$tmp/score.json" "$name/$policy" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
for k in ("transitions_total", "detected", "missed"):
    assert r[k] == s[k], f"{sys.argv[3]}: {k}: simulate {r[k]} != scorer {s[k]}"
for k in ("p50", "p95", "max"):
    assert float(r["latency_s"][k]) == float(s["latency_s"][k]), f"{sys.argv[3]}: latency {k}: {r['latency_s'][k]} != {s['latency_s'][k]}"
for field in ("rule_latency_s", "rule_latency_known_s"):
    for k in ("count", "p50", "p95", "max"):
        assert float(r[field][k]) == float(s[field][k]), f"{sys.argv[3]}: {field} {k}: {r[field][k]} != {s[field][k]}"
print(f"{sys.argv[3]}: agree ({r['detected']}/{r['transitions_total']}, p50 {r['latency_s']['p50']}, p95 {r['latency_s']['p95']})")
PY
  done
done
