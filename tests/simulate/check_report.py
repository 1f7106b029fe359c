#!/usr/bin/env python3
"""The simulate HTML report in a real browser (headless chromium, DevTools protocol).

    check_report.py REPORT.html RUNS.jsonl SCREENSHOT.png

Loads REPORT.html in headless chromium and fails (exit 1, every problem printed) on:
  - a console error, an uncaught exception, a log entry of level error;
  - a request for anything but the file itself (the page must be self-contained);
  - a [data-run][data-field] element whose text is not the JSON's own text of that field in that
    run's line of RUNS.jsonl (one JSON object per run, as `wxlived simulate --json` prints);
    runs are matched by "policy" and "daily_quota" (by order if the lines lack daily_quota);
    calls_used must be calls.list + calls.replay, budget daily_quota x data-days;
  - a run of RUNS.jsonl without a row, or a row without its figures;
  - a script loaded from elsewhere, a link, an image or a frame in the page;
  - a hover over the timeline that does not show the time under the cursor.
Writes a full-page screenshot (1400 px wide, at least 900 high) to SCREENSHOT.png.
Exit 77 (ctest's skip) when no chromium is installed. Chromium is killed at the end whatever happens.
Python 3 stdlib only: the WebSocket client (RFC 6455, client frames masked) is below.
"""
import base64
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse

SKIP = 77


class Failure(Exception):
    pass


class WebSocket:
    """The client side of RFC 6455, enough for the DevTools protocol: text frames, fragmentation, ping."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, url, timeout=30):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                   "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            byte = self.sock.recv(1)
            if not byte:
                raise Failure("DevTools closed the connection during the WebSocket handshake")
            head += byte
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise Failure(f"WebSocket handshake refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:] if l)}
        expected = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            raise Failure("WebSocket handshake: wrong Sec-WebSocket-Accept")

    def _exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(min(n - len(buf), 1 << 20))
            if not chunk:
                raise Failure("DevTools closed the WebSocket")
            buf += chunk
        return bytes(buf)

    def _frame(self, opcode, payload):
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self, timeout):
        self.sock.settimeout(max(timeout, 0.01))
        message = bytearray()
        while True:
            b0, b1 = self._exact(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            payload = self._exact(n)
            if mask:
                payload = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise Failure("DevTools closed the WebSocket")
            if opcode == 0x9:
                self._frame(0xA, payload)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if b0 & 0x80:
                    return message.decode()

    def close(self):
        try:
            self._frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()


class DevTools:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, timeout=60):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Failure(f"{method}: no answer in {timeout} s")
            msg = json.loads(self.ws.recv(remaining))
            if msg.get("id") == ident:
                if "error" in msg:
                    raise Failure(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for e in self.events:
                if e["method"] == method:
                    return e
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Failure(f"no {method} in {timeout} s")
            try:
                self.events.append(json.loads(self.ws.recv(remaining)))
            except socket.timeout:
                pass

    def drain(self, seconds):
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                msg = json.loads(self.ws.recv(remaining))
            except socket.timeout:
                return
            if "method" in msg:
                self.events.append(msg)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise Failure(f"evaluating {expression[:60]}...: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def start_chromium(binary, profile, log):
    argv = [binary, "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
            "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1400,900", "about:blank"]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)


def devtools_port(proc, profile, log_path, timeout=60):
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Failure(f"chromium exited with {proc.returncode} before DevTools listened:\n{tail(log_path)}")
        try:
            with open(port_file) as f:
                first = f.readline().strip()
            if first.isdigit():
                return int(first)
        except FileNotFoundError:
            pass
        time.sleep(0.1)
    raise Failure(f"no {port_file} after {timeout} s:\n{tail(log_path)}")


def page_target(port):
    for _ in range(50):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/json/list")
        targets = json.loads(conn.getresponse().read())
        conn.close()
        pages = [t for t in targets if t.get("type") == "page" and "webSocketDebuggerUrl" in t]
        if pages:
            return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    raise Failure("chromium has no page target")


def tail(path, lines=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def stop(proc):
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def path_value(obj, path):
    for key in path.split("."):
        if not isinstance(obj, dict) or key not in obj:
            raise KeyError(path)
        obj = obj[key]
    return obj


def same(text, value):
    """The cell's text is the JSON's own text of value: same value, same kind (int, float, bool, null)."""
    if isinstance(value, str):
        return text == value
    try:
        parsed = json.loads(text)
    except ValueError:
        return False
    if isinstance(value, bool) or isinstance(parsed, bool):
        return parsed is value
    if value is None:
        return parsed is None
    return type(parsed) is type(value) and parsed == value


def compare(cells, runs):
    """Problems between the page's figure cells and the runs' JSON objects."""
    problems = []
    notes = []
    page_runs = []
    for c in cells:
        if c["run"] not in page_runs:
            page_runs.append(c["run"])
    if all("daily_quota" in r for r in runs):
        by_key = {f"{r['policy']}@{r['daily_quota']}": r for r in runs}
    else:
        notes.append("the JSON lines carry no daily_quota: runs matched by order")
        by_key = dict(zip(page_runs, runs))
        if len(page_runs) != len(runs):
            problems.append(f"{len(runs)} JSON lines but {len(page_runs)} runs on the page")
    for key in by_key:
        if key not in page_runs:
            problems.append(f"run {key} of the JSON lines has no figures on the page")
    required = {"policy", "daily_quota", "transitions_total", "detected", "missed", "latency_s.p50",
                "latency_s.p95", "latency_s.max", "calls.list", "calls.replay", "calls_used", "budget"}
    seen = {}
    for c in cells:
        run, field, text = c["run"], c["field"], c["text"]
        if run not in by_key:
            problems.append(f"page run {run!r} ({field}) matches no JSON line")
            continue
        r = by_key[run]
        seen.setdefault(run, set()).add(field)
        if field == "calls_used":
            expected = path_value(r, "calls.list") + path_value(r, "calls.replay")
        elif field == "budget":
            if not str(c.get("days") or "").isdigit():
                problems.append(f"{run} budget: no data-days")
                continue
            quota = r["daily_quota"] if "daily_quota" in r else int(run.rpartition("@")[2])
            expected = quota * int(c["days"])
        else:
            try:
                expected = path_value(r, field)
            except KeyError:
                problems.append(f"{run} {field}: not in the run's JSON (page says {text!r})")
                continue
        if not same(text, expected):
            problems.append(f"{run} {field}: page {text!r}, JSON {json.dumps(expected)}")
    for run in page_runs:
        missing = required - seen.get(run, set())
        if missing:
            problems.append(f"{run}: no figure for {', '.join(sorted(missing))}")
    return problems, notes


CELLS_JS = """JSON.stringify(Array.from(document.querySelectorAll('[data-run][data-field]')).map(e => ({
  run: e.dataset.run, field: e.dataset.field, text: e.textContent, days: e.dataset.days || null})))"""

PAGE_JS = """JSON.stringify({
  scripts: Array.from(document.scripts).map(s => s.src || 'inline'),
  external: document.querySelectorAll('link, img, iframe, frame, object, embed, video, audio, source').length,
  title: document.title,
  lanes: document.querySelectorAll('#timeline-svg g.lane').length,
  views: document.querySelectorAll('svg.timeline').length,
  width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})"""

HOVER_JS = """(() => {
  const svg = document.getElementById('timeline-svg');
  if (!svg) return 'no timeline';
  const r = svg.getBoundingClientRect();
  svg.dispatchEvent(new MouseEvent('mousemove', {clientX: r.left + r.width * 0.6, clientY: r.top + 40, bubbles: true}));
  const cursor = svg.querySelector('.cursor');
  const shown = cursor.getAttribute('visibility') + ' ' + cursor.querySelector('text').textContent;
  svg.dispatchEvent(new MouseEvent('mouseleave', {bubbles: false}));
  return shown;
})()"""


def check(report, runs_file, screenshot):
    runs = []
    with open(runs_file) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                runs.append(json.loads(line))
            except ValueError as e:
                raise Failure(f"{runs_file}:{number}: not a JSON object ({e}): {line[:80]!r}")
    if not runs:
        raise Failure(f"{runs_file}: no runs")
    binary = find_chromium()
    if binary is None:
        print("SKIP: chromium is not installed (scripts/deps installs it: apt-get install chromium)")
        return SKIP
    url = "file://" + urllib.parse.quote(os.path.abspath(report))
    profile = tempfile.mkdtemp(prefix="wxlived-chromium-")
    log_path = os.path.join(profile, "chromium.log")
    proc = None
    ws = None
    try:
        with open(log_path, "w") as log:
            proc = start_chromium(binary, profile, log)
        port = devtools_port(proc, profile, log_path)
        ws = WebSocket(page_target(port))
        dt = DevTools(ws)
        for domain in ("Runtime", "Log", "Page", "Network"):
            dt.call(f"{domain}.enable")
        dt.call("Emulation.setDeviceMetricsOverride",
                {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        nav = dt.call("Page.navigate", {"url": url})
        if nav.get("errorText"):
            raise Failure(f"cannot load {url}: {nav['errorText']}")
        dt.wait_for("Page.loadEventFired", timeout=60)
        page = json.loads(dt.evaluate(PAGE_JS))
        hover = dt.evaluate(HOVER_JS)
        cells = json.loads(dt.evaluate(CELLS_JS))
        dt.drain(0.5)

        problems = []
        for e in dt.events:
            method, p = e["method"], e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                problems.append(f"console {p['type']}: {text}")
            elif method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                problems.append(f"uncaught exception: {d.get('exception', {}).get('description') or d.get('text')}")
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                problems.append(f"log error: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            elif method == "Network.requestWillBeSent":
                requested = p.get("request", {}).get("url", "")
                if requested != url and not requested.startswith(("data:", "about:")):
                    problems.append(f"the page requested {requested}")
            elif method == "Network.loadingFailed":
                problems.append(f"a load failed: {p.get('errorText')}")
        if page["scripts"] != ["inline"]:
            problems.append(f"scripts: {page['scripts']} (one inline script expected)")
        if page["external"]:
            problems.append(f"{page['external']} link/img/frame/media elements (none expected)")
        if not hover.startswith("visible ") or len(hover.split(" ")[1]) != 8:
            problems.append(f"hovering the timeline shows {hover!r}, not the time under the cursor")
        if not cells:
            problems.append("no [data-run][data-field] element on the page")
        mismatches, notes = compare(cells, runs)
        problems += mismatches

        height = min(max(900, int(page["height"])), 16000)
        dt.call("Emulation.setDeviceMetricsOverride",
                {"width": 1400, "height": height, "deviceScaleFactor": 1, "mobile": False})
        shot = dt.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, timeout=120)
        png = base64.b64decode(shot["data"])
        with open(screenshot, "wb") as f:
            f.write(png)
        width, high = struct.unpack("!II", png[16:24])
        if png[:8] != b"\x89PNG\r\n\x1a\n" or width < 1400 or high < 900:
            problems.append(f"screenshot {width}x{high}, expected at least 1400x900")

        for note in notes:
            print(f"note: {note}")
        print(f"{report}: {os.path.getsize(report)} bytes, {len(runs)} runs, {len(cells)} figures compared, "
              f"{page['lanes']} room lanes, hover {hover!r}, screenshot {screenshot} ({width}x{high})")
        if problems:
            for p in problems:
                print(f"FAIL: {p}")
            return 1
        print("ok: no console error or exception, nothing fetched, every figure equals its run's JSON")
        return 0
    finally:
        if ws is not None:
            ws.close()
        stop(proc)
        shutil.rmtree(profile, ignore_errors=True)


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 64
    try:
        return check(*sys.argv[1:])
    except (Failure, OSError, ValueError) as e:
        print(f"FAIL: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
