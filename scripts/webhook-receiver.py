#!/usr/bin/env python3
"""wxlived's reference webhook receiver.

Verifies every webhook the way the Standard Webhooks specification says
(https://www.standardwebhooks.com), prints each event on a line or two, and
answers like a well-behaved receiver:

    204  the event was accepted (also for a duplicate: same webhook-id again)
    401  the signature or timestamp did not verify (wxlived retries it with
         its backoff: fix the secret and the events arrive)
    503  --fail-every K: every K-th request, to watch wxlived retry

Python 3 standard library only, so a merchant can read it top to bottom and
copy what they need. Usage:

    scripts/webhook-receiver.py --port 9000 --secret-file /path/to/crm-hook

The secret file holds one or more "whsec_..." lines (several = rotation: a
signature made with any of them is accepted).
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_S = 5 * 60  # reject timestamps further than this from our clock (replay protection)


def load_keys(path):
    """Each non-empty line of the file is a secret: "whsec_" + base64 of the key."""
    keys = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            secret = line.strip()
            if not secret or secret.startswith("#"):
                continue
            if secret.startswith("whsec_"):
                secret = secret[len("whsec_"):]
            keys.append(base64.b64decode(secret, validate=True))
    if not keys:
        raise SystemExit(f"{path}: no secret in the file")
    return keys


def verify(keys, msg_id, timestamp, body, signature_header, now=None):
    """Returns None if the webhook verifies, else the reason it does not.

    Signed content: "{webhook-id}.{webhook-timestamp}.{raw body}", HMAC-SHA256,
    base64. The header holds space-separated "v1,<signature>" entries, one per
    secret the sender has; one match with one of our keys is enough.
    """
    if not msg_id or not timestamp or not signature_header:
        return "missing webhook-id, webhook-timestamp or webhook-signature"
    try:
        ts = int(timestamp)
    except ValueError:
        return "webhook-timestamp is not a number"
    now = time.time() if now is None else now
    if abs(now - ts) > TOLERANCE_S:
        return f"webhook-timestamp {ts} is more than {TOLERANCE_S} s from now"
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body  # the raw bytes, never re-serialised JSON
    expected = [base64.b64encode(hmac.new(k, signed, hashlib.sha256).digest()) for k in keys]
    for entry in signature_header.split(" "):
        version, _, sig = entry.partition(",")
        if version != "v1":
            continue
        for e in expected:
            if hmac.compare_digest(e, sig.encode()):  # constant time
                return None
    return "no signature matches our secret(s)"


STATUS_NAMES = {101: "live", 102: "not_started", 103: "ended", 104: "banned",
                105: "paused", 106: "abnormal", 107: "expired"}


def describe(event):
    """One or two readable lines about an event."""
    kind = event.get("type", "?")
    data = event.get("data") or {}
    if kind == "webhook.test":  # wxlivectl send-test: no app, no room
        return [f"webhook.test to endpoint={data.get('endpoint', '?')}: {data.get('message', '')}"]
    app = data.get("app", "?")
    parts = [kind, f"app={app}"]
    if "room_id" in data:
        room = data.get("room") or {}
        name = room.get("name")
        parts.append(f"room={data['room_id']}" + (f" {name!r}" if name else ""))
    if "to" in data:
        before = data.get("from_name") or STATUS_NAMES.get(data.get("from"), data.get("from")) or "(new)"
        after = data.get("to_name") or STATUS_NAMES.get(data.get("to"), data.get("to"))
        parts.append(f"{before} -> {after}")
    if "reason" in data:
        parts.append(f"reason={data['reason']}" + (" (inferred)" if data.get("inferred") else ""))
    lines = [" ".join(str(p) for p in parts)]
    segments = data.get("segments")
    if isinstance(segments, list):
        lines.append(f"    {len(segments)} replay segment(s)" +
                     (f", first {segments[0].get('media_url')}" if segments and isinstance(segments[0], dict) else ""))
    return lines


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: wxlived reuses its connections

    # Shared by the server's threads.
    keys = []
    fail_every = 0
    requests = 0
    seen = set()
    lock = threading.Lock()

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        msg_id = self.headers.get("webhook-id", "")
        with Receiver.lock:
            Receiver.requests += 1
            n = Receiver.requests
        if self.fail_every and n % self.fail_every == 0:
            self.log(f"503 (simulated failure, request {n}) id={msg_id}")
            return self.answer(503)
        problem = verify(self.keys, msg_id, self.headers.get("webhook-timestamp", ""), body,
                         self.headers.get("webhook-signature", ""))
        if problem:
            self.log(f"401 REJECTED id={msg_id}: {problem}")
            return self.answer(401, problem)
        try:
            event = json.loads(body)
        except ValueError:
            self.log(f"400 id={msg_id}: body is not JSON")
            return self.answer(400, "body is not JSON")
        with Receiver.lock:
            duplicate = msg_id in Receiver.seen
            Receiver.seen.add(msg_id)
        # A real receiver would store the event and act on it here, idempotently
        # by webhook-id: at-least-once delivery means duplicates can happen.
        lines = describe(event)
        lines[0] += f" id={msg_id}" + ("  DUPLICATE (already seen, ignored)" if duplicate else "")
        self.log("\n".join(lines))
        return self.answer(204)

    def answer(self, status, text=""):
        data = text.encode()
        self.send_response(status)
        self.send_header("content-length", str(len(data)))
        if data:
            self.send_header("content-type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write(data)

    def log(self, text):
        stamp = datetime.datetime.now().strftime("%H:%M:%S")
        with Receiver.lock:
            print(f"{stamp} {text}", flush=True)

    def log_message(self, format, *args):  # silence the default access log
        pass


def main():
    parser = argparse.ArgumentParser(description="Verify and print wxlived webhooks.")
    parser.add_argument("--port", type=int, required=True, help="port to listen on (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret-file", required=True, help="whsec_... secrets, one per line")
    parser.add_argument("--fail-every", type=int, default=0, metavar="K", help="answer 503 to every K-th request")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    args = parser.parse_args()

    Receiver.keys = load_keys(args.secret_file)
    Receiver.fail_every = args.fail_every
    server = ThreadingHTTPServer((args.host, args.port), Receiver)
    server.daemon_threads = True
    port = server.server_address[1]
    print(f"webhook receiver listening on http://{args.host}:{port}/ "
          f"({len(Receiver.keys)} secret(s){', 503 every %d' % args.fail_every if args.fail_every else ''})",
          flush=True)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # systemctl stop / Ctrl-C: quiet exit
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
