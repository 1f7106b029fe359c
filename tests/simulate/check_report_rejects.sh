#!/bin/bash
# The browser check must not pass a wrong page: copies of a real report with a figure that is not its
# JSON's, a console error, an uncaught exception, a fetch from the network must each make
# check_report.py exit 1 naming the problem; the untouched page must pass.
#   check_report_rejects.sh WXLIVED SOURCE_DIR OUT_DIR      (exit 77: no chromium)
set -euo pipefail
wxlived=$1 src=$2 out=$3
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  echo "SKIP: chromium is not installed (scripts/deps installs it)"
  exit 77
fi
dir=$out/report-rejects
mkdir -p "$dir"
"$wxlived" simulate --scenario "$src/tests/simulate/scenarios/gen-sparse-1.json" --policy adaptive --quota 500 --json \
  --report "$dir/good.html" >"$dir/runs.jsonl"
python3 - "$dir" <<'PY'
import re, sys
d = sys.argv[1]
page = open(f"{d}/good.html").read()
def write(name, text):
    assert text != page, name
    open(f"{d}/{name}.html", "w").write(text)
write("figure", re.sub(r'(data-field="latency_s\.p95">)([^<]*)', lambda m: m.group(1) + m.group(2) + "1", page, count=1))
write("console", page.replace("<script>", "<script>console.error('tampered');", 1))
write("exception", page.replace("</script>", "throw new Error('tampered');</script>", 1))
write("fetch", page.replace("</main>", '<img src="https://example.invalid/x.png" alt=""></main>', 1))
PY
check() { python3 "$src/tests/simulate/check_report.py" "$dir/$1.html" "$dir/runs.jsonl" "$dir/$1.png" >"$dir/$1.log" 2>&1; }
expect_rejected() {
  local name=$1 pattern=$2
  if check "$name"; then
    echo "FAIL: check_report.py passed the $name page"
    cat "$dir/$name.log"
    exit 1
  fi
  if ! grep -q -- "$pattern" "$dir/$name.log"; then
    echo "FAIL: the $name page was rejected without '$pattern':"
    cat "$dir/$name.log"
    exit 1
  fi
  echo "rejected $name: $(grep -m1 -- "$pattern" "$dir/$name.log")"
}
check good || { echo "FAIL: the untouched page did not pass:"; cat "$dir/good.log"; exit 1; }
echo "passed the untouched page"
expect_rejected figure "FAIL: adaptive@500 latency_s.p95: page"
expect_rejected console "FAIL: console error: tampered"
expect_rejected exception "FAIL: uncaught exception: .*tampered"
expect_rejected fetch "FAIL: the page requested https://example.invalid/x.png"
