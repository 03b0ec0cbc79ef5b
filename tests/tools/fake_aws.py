#!/usr/bin/env python3
"""Tiny local stand-ins for the runtime tests of pipec (loopback only).

  fake_aws.py faults    PORTFILE LOG   a JSON 1.1 endpoint answering from a script
  fake_aws.py container PORTFILE LOG   container credentials endpoint (GET /creds)
  fake_aws.py imds      PORTFILE LOG   IMDSv2 (token, role list, role credentials)
  fake_aws.py sso       PORTFILE LOG   SSO portal GetRoleCredentials

The server binds 127.0.0.1 on a free port and writes the port to PORTFILE.
Every request is appended to LOG as one line: "METHOD PATH key=value ...".
It exits by itself after FAKE_LIFETIME seconds (default 600).

faults: POST /__control/script with a body such as "throttle,500,ok" sets
the answers of the next requests (then "ok" forever) and clears the log.
Answers: ok, throttle, retryafter:MS (throttle + x-amz-retry-after),
500, 503 (no body), reset (TCP reset, no answer), denied (400, not retryable).

container / imds: the credentials come from the environment:
FAKE_AK, FAKE_SK, FAKE_TOKEN (optional), FAKE_AUTH (container: the expected
Authorization header value).

sso: GET /federation/credentials?account_id=A&role_name=R with header
x-amz-sso_bearer_token equal to FAKE_SSO_TOKEN answers roleCredentials
(FAKE_AK, FAKE_SK, FAKE_TOKEN; expiration in epoch milliseconds, as the
portal does); another token gets 401 UnauthorizedException.  Logged as
"GET /federation/credentials account=A role=R token=ok|bad|none".
"""

import json
import os
import socket
import struct
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE, PORTFILE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
LOCK = threading.Lock()
STATE = {'script': []}
IMDS_TOKEN = 'imds-session-token-123'
ROLE = 'pipec-instance-role'


def log(line):
    with LOCK:
        with open(LOG, 'a') as f:
            f.write(line + '\n')


def creds_json(with_code=False):
    d = {'AccessKeyId': os.environ.get('FAKE_AK', 'AKIDFAKE'),
         'SecretAccessKey': os.environ.get('FAKE_SK', 'fake-secret'),
         'Expiration': '2099-01-01T00:00:00Z'}
    if os.environ.get('FAKE_TOKEN'):
        d['Token'] = os.environ['FAKE_TOKEN']
    if with_code:
        d['Code'] = 'Success'
        d['Type'] = 'AWS-HMAC'
    return json.dumps(d).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def send(self, status, body=b'', ctype='application/json', extra=None):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def record(self, extra=''):
        target = self.headers.get('X-Amz-Target', '')
        auth = 'signed' if self.headers.get('Authorization', '').startswith('AWS4-') else 'unsigned'
        log('%s %s %s %s %s conn=%d' % (self.command, self.path, target, auth, extra,
                                        self.client_address[1]))

    # ---- faults ----
    def faults(self):
        data = self.body()
        if self.path == '/__control/script':
            with LOCK:
                STATE['script'] = [s for s in data.decode().split(',') if s]
                open(LOG, 'w').close()
            return self.send(200, b'{}')
        tok = self.headers.get('X-Amz-Security-Token')
        self.record('token=%s' % ('yes' if tok else 'no'))
        with LOCK:
            step = STATE['script'].pop(0) if STATE['script'] else 'ok'
        if step == 'ok':
            return self.send(200, b'{"DatabaseList": []}', 'application/x-amz-json-1.1')
        if step == 'throttle' or step.startswith('retryafter:'):
            extra = {'X-Amzn-ErrorType': 'ThrottlingException'}
            if step.startswith('retryafter:'):
                extra['x-amz-retry-after'] = step.split(':', 1)[1]
            return self.send(400, b'{"__type": "ThrottlingException", "message": "Rate exceeded"}',
                             'application/x-amz-json-1.1', extra)
        if step == '500':
            return self.send(500, b'{"__type": "InternalServiceException", "message": "boom"}',
                             'application/x-amz-json-1.1')
        if step == '503':
            return self.send(503, b'', 'text/plain')
        if step == 'denied':
            return self.send(400, b'{"__type": "com.amazonaws.glue#AccessDeniedException:'
                                  b'http://internal/", "Message": "not allowed"}',
                             'application/x-amz-json-1.1')
        if step == 'reset':
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack('ii', 1, 0))
            self.close_connection = True
            self.connection.close()
            return None
        return self.send(500, b'unknown step', 'text/plain')

    # ---- container ----
    def container(self):
        self.body()
        got = self.headers.get('Authorization', '')
        want = os.environ.get('FAKE_AUTH', '')
        self.record('auth=%s' % ('match' if got == want else 'mismatch'))
        if self.command != 'GET' or not self.path.startswith('/creds'):
            return self.send(404, b'{}')
        if want and got != want:
            return self.send(401, b'{"code": "Unauthorized", "message": "bad token"}')
        return self.send(200, creds_json())

    # ---- imds ----
    def imds(self):
        self.body()
        tok = self.headers.get('X-aws-ec2-metadata-token')
        self.record('token=%s' % ('ok' if tok == IMDS_TOKEN else ('bad' if tok else 'none')))
        if self.command == 'PUT' and self.path == '/latest/api/token':
            if not self.headers.get('X-aws-ec2-metadata-token-ttl-seconds'):
                return self.send(400, b'', 'text/plain')
            return self.send(200, IMDS_TOKEN.encode(), 'text/plain')
        if tok != IMDS_TOKEN:
            return self.send(401, b'', 'text/plain')
        base = '/latest/meta-data/iam/security-credentials/'
        if self.path == base:
            return self.send(200, ROLE.encode(), 'text/plain')
        if self.path == base + ROLE:
            return self.send(200, creds_json(True))
        return self.send(404, b'', 'text/plain')

    # ---- sso portal ----
    def sso(self):
        self.body()
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        tok = self.headers.get('x-amz-sso_bearer_token')
        want = os.environ.get('FAKE_SSO_TOKEN', '')
        log('%s %s account=%s role=%s token=%s' % (
            self.command, url.path, ','.join(q.get('account_id', [])),
            ','.join(q.get('role_name', [])),
            'ok' if tok == want else ('bad' if tok else 'none')))
        if self.command != 'GET' or url.path != '/federation/credentials':
            return self.send(404, b'{}')
        if tok != want:
            return self.send(401, b'{"message": "Session token not found or invalid"}',
                             extra={'x-amzn-ErrorType': 'UnauthorizedException'})
        rc = {'accessKeyId': os.environ.get('FAKE_AK', 'AKIDFAKE'),
              'secretAccessKey': os.environ.get('FAKE_SK', 'fake-secret'),
              'sessionToken': os.environ.get('FAKE_TOKEN', ''),
              'expiration': 4070908800000}
        return self.send(200, json.dumps({'roleCredentials': rc}).encode())

    def handle_any(self):
        getattr(self, MODE)()

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_any


def main():
    # A test server never outlives its suite by much: it exits on its own.
    lifetime = float(os.environ.get('FAKE_LIFETIME', '600'))
    threading.Timer(lifetime, lambda: os._exit(0)).start()
    open(LOG, 'w').close()
    srv = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    srv.daemon_threads = True
    with open(PORTFILE + '.tmp', 'w') as f:
        f.write(str(srv.server_address[1]))
    os.rename(PORTFILE + '.tmp', PORTFILE)
    srv.serve_forever()


if __name__ == '__main__':
    main()
