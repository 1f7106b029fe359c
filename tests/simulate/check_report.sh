#!/bin/bash
# The simulate report in a real browser: report.html and the runs' JSON lines of SCENARIO (some rooms
# renamed with names the page must escape), then check_report.py (headless chromium over DevTools).
# Made by the real `wxlived simulate --json --report`.
#   check_report.sh WXLIVED SOURCE_DIR OUT_DIR NAME SCENARIO POLICIES QUOTAS POLICY:QUOTA
# Writes OUT_DIR/NAME.html, NAME-runs.jsonl, NAME-scenario.json, NAME-screenshot.png. Exit 77: no chromium.
set -euo pipefail
wxlived=$1 src=$2 out=$3 name=$4 scenario=$5 policies=$6 quotas=$7 timeline=$8
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  echo "SKIP: chromium is not installed (scripts/deps installs it)"
  exit 77
fi
mkdir -p "$out"
python3 - "$scenario" "$out/$name-scenario.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
names = ["<b>bold</b> & \"quoted\" 'single'", "直播间 <好货> &amp; 🎉",
         "<script>console.error('injected')</script>", "<img src=x onerror=\"console.error('injected')\">",
         "]]></title></text></svg><svg onload=\"console.error('injected')\">", "https://example.com/not-a-link"]
for room in s["rooms"]:
    tl = room.get("timeline") or []
    if names and tl and tl[-1][0] >= 0 and tl[0][0] < s["duration_s"]:
        room["name"] = names.pop(0)
json.dump(s, open(sys.argv[2], "w"), ensure_ascii=False)
PY
"$wxlived" simulate --scenario "$out/$name-scenario.json" --policy "$policies" --quota "$quotas" --json \
  --report "$out/$name.html" --timeline "$timeline" >"$out/$name-runs.jsonl"
exec python3 "$src/tests/simulate/check_report.py" "$out/$name.html" "$out/$name-runs.jsonl" "$out/$name-screenshot.png"
