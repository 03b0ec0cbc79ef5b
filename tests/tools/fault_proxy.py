#!/usr/bin/env python3
"""fault_proxy.py PORT UPSTREAM [--plan SPEC] [--delay MS] [--log FILE] [--port-file FILE]
                [--lifetime S]

A loopback HTTP proxy that the client uses as its endpoint URL: it forwards
every request to UPSTREAM (http://127.0.0.1:PORT or http://localhost:PORT,
loopback only) unchanged -- Host header included, so SigV4 signatures still
verify upstream -- and injects faults following a deterministic plan.

PORT 0 picks a free port (written to --port-file, and printed on stderr).

SPEC is a comma-separated list of rules ACTION@WHEN[/OPERATION]; the first
rule that matches a request decides, otherwise the request is forwarded.
  WHEN:  N        the Nth request (1-based)
         A-B      requests A..B
         everyN   every Nth request (N, 2N, ...)
         firstN   requests 1..N
         afterN   every request after the Nth
         all      every request
  /OPERATION      count only requests whose X-Amz-Target (or query/form
                  Action) names OPERATION; N is then the Nth such request
  ACTION: ok           forward
          throttle     400 {"__type":"ThrottlingException","message":"Rate exceeded"}
          throttle=MS  the same with an x-amz-retry-after: MS header
          500          500 {"__type":"InternalServiceException",...}
          503          503 with an empty body
          denied       400 AccessDeniedException (not retryable)
          reset        TCP reset, no answer
          close        close the connection without an answer
          slow=S       wait S seconds, then forward
          http=CODE    answer CODE with an empty JSON object
          slowdown     503 with S3's XML error SlowDown (S3's throttling)
          failentry    200 {"FailedEntryCount": 1, "FailedEntries": [...]}: the
                       answer of an EventBridge PutTargets/RemoveTargets whose
                       entry failed (not forwarded)
Example: --plan 'throttle@1,500@every4,slow=2@3/CreateJob,reset@7'

--delay MS adds a fixed delay to every request before it is answered (the
round trip of a real AWS endpoint, for benchmarks; default 0).  The server
is threaded (one thread per connection) and keeps connections alive, so a
client's parallel requests are in flight at the same time.

Every request is logged (--log, default stderr) as one line:
  "<n> <METHOD> <path> op=<operation> action=<action> status=<status>"
GET /__fault_proxy/stats answers {"requests": N, "actions": {"throttle": n, ...},
"per_operation": {...}, "log": [...], "connections": C, "max_in_flight": M,
"entries": [{"n", "method", "op", "name", "start", "end", "start_ms",
"end_ms", "status"}, ...]} and is
neither forwarded nor counted: C is the number of TCP connections that
carried a request (a client that reuses its connections opens few), M the largest number of
requests in flight at once, and each entry one request with the resource
name its body names (JobName, Name, ResourceArn, ...; an S3 request's path)
and the values of one event counter when it had arrived and just before its answer
was sent (and the monotonic clock's milliseconds then), so that an order (a
job's CreateJob answered before its trigger's CreateTrigger arrived) and a
backoff (the gap before a throttled request came again) can be checked.
S3 object requests count as operations PutObject, GetObject, HeadObject
and DeleteObject (so /PutObject selects uploads).  POST /__fault_proxy/reset clears
the counters and the log (the plan's request numbers start again at 1). SIGTERM/SIGINT stop it
cleanly; it also stops by itself after --lifetime seconds (default 900).
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
       "trailers", "transfer-encoding", "upgrade"}


class Rule:
    def __init__(self, text):
        m = re.fullmatch(r"([a-z0-9]+)(?:=([0-9.]+))?@([A-Za-z0-9-]+)(?:/([A-Za-z0-9]+))?", text)
        if not m:
            raise ValueError("bad plan rule %r" % text)
        self.text = text
        self.action, self.arg, when, self.op = m.group(1), m.group(2), m.group(3), m.group(4)
        if self.action not in ("ok", "throttle", "500", "503", "denied", "reset", "close",
                               "slow", "http", "failentry", "slowdown"):
            raise ValueError("unknown action in %r" % text)
        if self.action in ("slow", "http") and self.arg is None:
            raise ValueError("%s needs a value: %r" % (self.action, text))
        if when == "all":
            self.match = lambda n: True
        elif re.fullmatch(r"\d+", when):
            k = int(when)
            self.match = lambda n: n == k
        elif re.fullmatch(r"\d+-\d+", when):
            a, b = map(int, when.split("-"))
            self.match = lambda n: a <= n <= b
        elif re.fullmatch(r"every\d+", when):
            k = int(when[5:])
            self.match = lambda n: k > 0 and n % k == 0
        elif re.fullmatch(r"first\d+", when):
            k = int(when[5:])
            self.match = lambda n: n <= k
        elif re.fullmatch(r"after\d+", when):
            k = int(when[5:])
            self.match = lambda n: n > k
        else:
            raise ValueError("bad WHEN in %r" % text)


class State:
    def __init__(self, rules, log, delay):
        self.rules = rules
        self.lock = threading.Lock()
        self.log = log
        self.delay = delay
        self.reset()

    def reset(self):
        with self.lock:
            self.total = 0
            self.per_op = {}
            self.actions = {}
            self.lines = []
            self.connections = 0
            self.in_flight = 0
            self.max_in_flight = 0
            self.clock = 0
            self.entries = []

    def tick(self):
        """The event counter (call with the lock held)."""
        self.clock += 1
        return self.clock

    def enter(self):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.tick(), time.monotonic()

    def answered(self):
        """A request is answered (just before the answer is sent): no longer
        in flight; returns the event counter and the clock now."""
        with self.lock:
            self.in_flight -= 1
            return self.tick(), time.monotonic()

    def leave(self, n, method, op, name, start, end, status):
        end = end or self.answered()
        with self.lock:
            self.entries.append({"n": n, "method": method, "op": op.split(".")[-1],
                                 "name": name, "start": start[0], "end": end[0],
                                 "start_ms": round(start[1] * 1000, 1),
                                 "end_ms": round(end[1] * 1000, 1),
                                 "status": status})

    def stats(self):
        with self.lock:
            return {"requests": self.total, "actions": dict(self.actions),
                    "per_operation": dict(self.per_op), "log": list(self.lines),
                    "connections": self.connections, "max_in_flight": self.max_in_flight,
                    "entries": sorted(self.entries, key=lambda e: e["start"])}

    def decide(self, op):
        with self.lock:
            self.total += 1
            n = self.total
            self.per_op[op] = self.per_op.get(op, 0) + 1
            nop = self.per_op[op]
            for r in self.rules:
                if r.op is not None:
                    if r.op != op.split(".")[-1]:
                        continue
                    if r.match(nop):
                        return n, r
                elif r.match(n):
                    return n, r
            return n, None

    def record(self, n, method, path, op, action, status):
        line = "%d %s %s op=%s action=%s status=%s" % (n, method, path, op, action, status)
        with self.lock:
            self.actions[action] = self.actions.get(action, 0) + 1
            self.lines.append(line)
            self.log.write(line + "\n")
            self.log.flush()


# S3 (REST: no target, no Action) named by its method, as its object calls are
S3_OPS = {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}


def operation(headers, path, body, method=""):
    t = headers.get("X-Amz-Target")
    if t:
        return t
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    if "Action" in q:
        return q["Action"][0]
    if "x-www-form-urlencoded" in (headers.get("Content-Type") or "") and body:
        f = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in f:
            return f["Action"][0]
    return S3_OPS.get(method, "-")


NAME_KEYS = ("JobName", "Name", "ResourceArn", "ResourceARN", "Rule", "RulesetName")


def resource_name(path, body):
    """The resource a request is about: a JSON body's name field, else the path."""
    try:
        j = json.loads(body) if body[:1] == b"{" else None
    except ValueError:
        j = None
    if isinstance(j, dict):
        for k in NAME_KEYS:
            if isinstance(j.get(k), str):
                return j[k]
        return None
    return urllib.parse.unquote(urllib.parse.urlsplit(path).path)


def make_handler(state, up_host, up_port):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            self._counted = False  # a connection counts from its first forwarded request
            # headers and body are written apart: under Nagle the body would wait
            # for the client's delayed ACK (~40 ms on Linux) of the headers
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, fmt, *args):
            pass

        def end_headers(self):
            # the answer's "end" is taken before any of it is sent: a request
            # the client makes once it has the answer always starts later
            if getattr(self, "_answered", 0) is None:
                self._answered = state.answered()
            super().end_headers()

        def _answer(self, code, body, extra=()):
            self.send_response(code)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-RequestId", "fault-proxy")
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/__fault_proxy/stats"):
                self._answer(200, json.dumps(state.stats()).encode())
                return
            if self.path.startswith("/__fault_proxy/reset"):
                state.reset()
                self._answer(200, b"{}")
                return
            if not self._counted:
                self._counted = True
                with state.lock:
                    state.connections += 1
            start = state.enter()
            self._n = 0
            self._answered = None
            op = operation(self.headers, self.path, body, self.command)
            status = "-"
            try:
                if state.delay:
                    time.sleep(state.delay)
                status = self._act(op, body)
            finally:
                state.leave(self._n, self.command, op, resource_name(self.path, body), start,
                            self._answered, status)

        def _act(self, op, body):
            """Answers one request as the plan says; returns the status sent."""
            n, rule = state.decide(op)
            self._n = n
            action = rule.action if rule else "ok"
            label = rule.text.split("@")[0] if rule else "ok"
            if action == "reset":
                state.record(n, self.command, self.path, op, label, "reset")
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return "reset"
            if action == "close":
                state.record(n, self.command, self.path, op, label, "closed")
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return "closed"
            if action == "throttle":
                extra = [("x-amz-retry-after", rule.arg)] if rule.arg else []
                self._answer(400, b'{"__type":"ThrottlingException","message":"Rate exceeded"}',
                             extra)
                state.record(n, self.command, self.path, op, label, 400)
                return 400
            if action == "500":
                self._answer(500, b'{"__type":"InternalServiceException","message":'
                             b'"injected by fault_proxy"}')
                state.record(n, self.command, self.path, op, label, 500)
                return 500
            if action == "503":
                self._answer(503, b"")
                state.record(n, self.command, self.path, op, label, 503)
                return 503
            if action == "denied":
                self._answer(400, b'{"__type":"AccessDeniedException","message":'
                             b'"injected by fault_proxy"}')
                state.record(n, self.command, self.path, op, label, 400)
                return 400
            if action == "slowdown":
                self.send_response(503)
                data = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                        b"<Message>Please reduce your request rate.</Message></Error>")
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                state.record(n, self.command, self.path, op, label, 503)
                return 503
            if action == "failentry":
                self._answer(200, b'{"FailedEntryCount":1,"FailedEntries":[{"TargetId":'
                             b'"pipec-alerts","ErrorCode":"ValidationException",'
                             b'"ErrorMessage":"injected by fault_proxy"}]}')
                state.record(n, self.command, self.path, op, label, 200)
                return 200
            if action == "http":
                self._answer(int(rule.arg), b"{}")
                state.record(n, self.command, self.path, op, label, int(rule.arg))
                return int(rule.arg)
            if action == "slow":
                time.sleep(float(rule.arg))
            status = self._forward(body)
            state.record(n, self.command, self.path, op, label, status)
            return status

        def _forward(self, body):
            conn = http.client.HTTPConnection(up_host, up_port, timeout=60)
            try:
                conn.putrequest(self.command, self.path, skip_host=True,
                                skip_accept_encoding=True)
                for k, v in self.headers.items():
                    if k.lower() not in HOP and k.lower() != "content-length":
                        conn.putheader(k, v)
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in HOP and k.lower() != "content-length":
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                return resp.status
            except OSError as e:
                msg = json.dumps({"__type": "ProxyError", "message": str(e)}).encode()
                self._answer(502, msg)
                return 502
            finally:
                conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

    return Handler


def main(argv=None):
    ap = argparse.ArgumentParser(description="deterministic fault-injecting proxy")
    ap.add_argument("port", type=int)
    ap.add_argument("upstream")
    ap.add_argument("--plan", default="")
    ap.add_argument("--log")
    ap.add_argument("--port-file")
    ap.add_argument("--lifetime", type=float, default=900.0)
    ap.add_argument("--delay", type=float, default=0.0, help="milliseconds added to every request")
    a = ap.parse_args(argv)
    up = urllib.parse.urlsplit(a.upstream)
    if up.scheme != "http" or up.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("fault_proxy.py: UPSTREAM must be http://127.0.0.1:PORT (loopback only)")
    try:
        rules = [Rule(r.strip()) for r in a.plan.split(",") if r.strip()]
    except ValueError as e:
        sys.exit("fault_proxy.py: %s" % e)
    log = open(a.log, "a", encoding="utf-8") if a.log else sys.stderr
    state = State(rules, log, a.delay / 1000.0)
    srv = ThreadingHTTPServer(("127.0.0.1", a.port),
                              make_handler(state, up.hostname, up.port or 80))
    srv.daemon_threads = True
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(a.port_file + ".tmp", a.port_file)
    sys.stderr.write("fault_proxy.py: 127.0.0.1:%d -> %s plan=%r delay=%gms\n"
                     % (port, a.upstream, a.plan, a.delay))
    sys.stderr.flush()

    def stop(*_):
        threading.Thread(target=srv.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(a.lifetime, stop)
    timer.daemon = True
    timer.start()
    srv.serve_forever(poll_interval=0.2)
    srv.server_close()
    with state.lock:
        log.write("# fault_proxy.py: %d requests, actions %s\n"
                  % (state.total, json.dumps(state.actions, sort_keys=True)))
    log.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
