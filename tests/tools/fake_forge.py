#!/usr/bin/env python3
"""A fake of the parts of the GitHub and GitLab REST APIs the CI kit's
comment scripts call (examples/ci/plan-comment.sh, gitlab-note.sh), on
127.0.0.1 only, for suite 87-ci-kit.

Usage: fake_forge.py PORT TOKEN

GitHub (token in `Authorization: Bearer TOKEN`):
  GET   /repos/O/R/issues/N/comments?per_page=&page=   list (pages)
  POST  /repos/O/R/issues/N/comments {"body"}          create
  PATCH /repos/O/R/issues/comments/ID {"body"}         update
GitLab (token in `PRIVATE-TOKEN: TOKEN`):
  GET   /api/v4/user                                   the token's user
  GET   /api/v4/projects/P/merge_requests/N/notes?per_page=&page=
  POST  /api/v4/projects/P/merge_requests/N/notes {"body"}
  PUT   /api/v4/projects/P/merge_requests/N/notes/ID {"body"}
Test control (no token):
  GET   /_state                  {"comments": [...], "log": [[METHOD, PATH, STATUS]]}
  POST  /_seed {"thread", "body", "login"}   a comment by someone else

A body longer than the forge's limit (GitHub 65,536 characters, GitLab
1,000,000) is refused with 422, as the forges do.  Comments are kept in
memory; ids are increasing integers shared by both APIs.
"""

import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.RLock()
STATE = {"comments": [], "log": [], "next": 1000}
BOT = {"github": "github-actions[bot]", "gitlab": "pipec-bot"}
LIMIT = {"github": 65536, "gitlab": 1000000}

GH_LIST = re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
GH_ONE = re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$")
GL_LIST = re.compile(r"^/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes$")
GL_ONE = re.compile(r"^/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes/(\d+)$")


def view(c):
    if c["forge"] == "github":
        return {"id": c["id"], "body": c["body"], "user": {"login": c["login"]}}
    return {"id": c["id"], "body": c["body"], "author": {"username": c["login"]},
            "system": False}


class Handler(BaseHTTPRequestHandler):
    token = ""

    def log_message(self, *args):
        pass

    def answer(self, status, doc):
        data = json.dumps(doc).encode()
        with LOCK:
            STATE["log"].append([self.command, self.path, status])
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}")

    def authorised(self, forge):
        if forge == "github":
            return self.headers.get("Authorization") == "Bearer " + self.token
        return self.headers.get("PRIVATE-TOKEN") == self.token

    def route(self):
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        for forge, pattern, kind in (("github", GH_LIST, "list"), ("github", GH_ONE, "one"),
                                     ("gitlab", GL_LIST, "list"), ("gitlab", GL_ONE, "one")):
            m = pattern.match(url.path)
            if m:
                return forge, kind, m.groups(), q
        return None, None, None, q

    def do_GET(self):
        if self.path == "/_state":
            with LOCK:
                return self.answer(200, STATE)
        if self.path == "/api/v4/user":
            if not self.authorised("gitlab"):
                return self.answer(401, {"message": "401 Unauthorized"})
            return self.answer(200, {"username": BOT["gitlab"]})
        forge, kind, g, q = self.route()
        if kind != "list":
            return self.answer(404, {"message": "Not Found"})
        if not self.authorised(forge):
            return self.answer(401, {"message": "Bad credentials"})
        per = int(q.get("per_page", ["30"])[0])
        page = int(q.get("page", ["1"])[0])
        thread = "/".join(g)
        with LOCK:
            mine = [view(c) for c in STATE["comments"] if c["thread"] == thread]
        self.answer(200, mine[(page - 1) * per:page * per])

    def write(self, method):
        forge, kind, g, _ = self.route()
        if self.path == "/_seed" and method == "POST":
            d = self.body()
            with LOCK:
                STATE["next"] += 1
                STATE["comments"].append({"id": STATE["next"], "thread": d["thread"],
                                          "forge": d.get("forge", "github"),
                                          "body": d["body"], "login": d["login"]})
            return self.answer(201, {"id": STATE["next"]})
        if forge is None:
            return self.answer(404, {"message": "Not Found"})
        if not self.authorised(forge):
            return self.answer(401, {"message": "Bad credentials"})
        body = self.body().get("body")
        if not isinstance(body, str) or not body:
            return self.answer(422, {"message": "body is missing"})
        if len(body) > LIMIT[forge]:
            return self.answer(422, {"message": "Body is too long (maximum is %d characters)"
                                     % LIMIT[forge]})
        with LOCK:
            if kind == "list" and method == "POST":
                STATE["next"] += 1
                c = {"id": STATE["next"], "thread": "/".join(g), "forge": forge,
                     "body": body, "login": BOT[forge]}
                STATE["comments"].append(c)
                status = 201
            elif kind == "one" and method == ("PATCH" if forge == "github" else "PUT"):
                cid = int(g[-1])
                found = [c for c in STATE["comments"] if c["id"] == cid]
                if not found:
                    c, status = None, 404
                elif found[0]["login"] != BOT[forge]:
                    c, status = None, 403
                else:
                    c, status = found[0], 200
                    c["body"] = body
            else:
                c, status = None, 405
        if c is None:
            return self.answer(status, {"message": "refused"})
        self.answer(status, view(c))

    def do_POST(self):
        self.write("POST")

    def do_PATCH(self):
        self.write("PATCH")

    def do_PUT(self):
        self.write("PUT")


def main():
    port, Handler.token = int(sys.argv[1]), sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
