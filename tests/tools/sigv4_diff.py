#!/usr/bin/env python3
"""Differential test of pipec's SigV4 signer against botocore.

Generates requests from a seeded RNG (deterministic), signs each one with
`pipec debug sign` and with botocore's SigV4Auth / S3SigV4Auth at the same
frozen time, and compares the Authorization header and every header the
signers add.  On a mismatch it shows both canonical requests.

Prints one "ok"/"not ok" line per request category (TAP-like, as the test
runner expects), with "#" detail lines on failure.

usage: sigv4_diff.py PIPEC [--seed N] [--per-category N] [--jobs N]
"""

import argparse
import datetime
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

UNRESERVED = ('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
              '0123456789-_.~')
# Characters that may appear raw in a path or query on the wire.
RAW_OK_PATH = "!$&'()*+,;=:@"
RAW_OK_QUERY = "!$'()*,;:@/?"
UNICODE = ['é', 'ü', 'ß', 'Ω', 'ж', '日本', '€', '😀', 'ñ', 'ç']
ASCII_ODD = ' !"#$%&\'()*+,/:;<=>?@[\\]^`{|}'
REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1']


class Case:
    def __init__(self, category, service, method, host, path, query_wire,
                 params, headers, body, token, secure=True, boto_path=None):
        self.category = category
        self.service = service
        self.method = method
        self.host = host
        self.path = path                # wire path (ours)
        self.boto_path = boto_path or path
        self.query_wire = query_wire    # str or None
        self.params = params            # decoded [(k, v)] for botocore, or None
        self.headers = headers          # [(name, raw value)] in send order
        self.body = body                # bytes
        self.token = token
        self.secure = secure
        self.region = 'us-east-1'
        self.access_key = 'AKIDEXAMPLE'
        self.secret_key = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
        self.time = '20150830T123600Z'

    suite_form = False  # the AWS SigV4 test suite's .req files (below)

    def raw(self):
        target = self.path + ('?' + self.query_wire if self.query_wire is not None else '')
        lines = [f'{self.method} {target} HTTP/1.1']
        for name, value in self.headers:
            lines.append(f'{name}:{value}')
        if self.suite_form:
            # '\n' line ends; without a body the headers end at the end of
            # the file, with no blank line
            head = '\n'.join(lines) + ('\n\n' if self.body else '')
            return head.encode('utf-8') + self.body
        head = '\r\n'.join(lines) + '\r\n\r\n'
        return head.encode('utf-8') + self.body


def rand_text(rng, n, alphabet):
    return ''.join(rng.choice(alphabet) for _ in range(n))


def rand_component(rng, allow_unicode=True):
    """A decoded path/query component mixing plain, odd ASCII and unicode."""
    parts = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.45:
            parts.append(rand_text(rng, rng.randint(1, 6), UNRESERVED))
        elif r < 0.8 or not allow_unicode:
            parts.append(rand_text(rng, rng.randint(1, 3), ASCII_ODD))
        else:
            parts.append(rng.choice(UNICODE))
    return ''.join(parts)


def encode_sloppy(rng, s, raw_ok):
    """Percent-encodes s the way a sloppy but valid client might."""
    out = []
    for ch in s:
        if ch in UNRESERVED:
            if rng.random() < 0.05 and ch.isalpha():
                out.append('%%%02x' % ord(ch))      # needless, lowercase hex
            else:
                out.append(ch)
        elif ch in raw_ok and rng.random() < 0.5:
            out.append(ch)
        else:
            for b in ch.encode('utf-8'):
                out.append(('%%%02X' if rng.random() < 0.7 else '%%%02x') % b)
    return ''.join(out)


def gen_query(rng):
    """(wire query, decoded params) with repeats, empties and valueless keys."""
    names = ['Param', 'Param-3', 'param', 'a', 'A', 'list-type', 'prefix', 'tagging',
             'x', 'Action', 'Version']
    items = []
    wire = []
    for _ in range(rng.randint(1, 6)):
        r = rng.random()
        if r < 0.5:
            name = rng.choice(names)
        else:
            name = rand_component(rng)
        kind = rng.random()
        if kind < 0.15:
            wire.append(encode_sloppy(rng, name, RAW_OK_QUERY))
            items.append((name, ''))                 # valueless: "name" → "name="
            continue
        if kind < 0.3:
            value = ''
        elif kind < 0.4 and items:
            name = items[-1][0]                      # repeated key
            value = rand_component(rng)
        elif kind < 0.5:
            value = 'a=b=c'                          # split at the first '='
        else:
            value = rand_component(rng)
        items.append((name, value))
        wire.append(encode_sloppy(rng, name, RAW_OK_QUERY) + '=' +
                    encode_sloppy(rng, value, RAW_OK_QUERY + '='))
    return '&'.join(wire), items


def gen_path(rng):
    segs = []
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if r < 0.12:
            segs.append('.')
        elif r < 0.24:
            segs.append('..')
        elif r < 0.34:
            segs.append('')                          # '//' run
        else:
            segs.append(encode_sloppy(rng, rand_component(rng), RAW_OK_PATH))
    path = '/' + '/'.join(segs)
    if rng.random() < 0.3:
        path += '/'
    return path


def pad(rng, value):
    ws = [' ', '  ', '\t', ' \t ', '']
    inner = value
    if ' ' in value and rng.random() < 0.5:
        inner = value.replace(' ', rng.choice(['   ', '\t', ' \t  ']))
    return rng.choice(ws) + inner + rng.choice(ws)


def base_headers(rng, host):
    hs = [('Host', ' ' + host)]
    if rng.random() < 0.3:
        hs.append(('User-Agent', ' pipec/test'))     # signed by debug sign
    return hs


def random_token(rng):
    return rand_text(rng, rng.randint(20, 300), UNRESERVED + '/+=')


def gen_glue(rng, i):
    op = rng.choice(['GetDatabases', 'CreateJob', 'GetJob', 'StartJobRun', 'GetTables'])
    body = ('{"Name": "%s", "Description": "%s"}' % (
        rand_text(rng, 8, UNRESERVED), rng.choice(UNICODE) * rng.randint(0, 3))).encode()
    if rng.random() < 0.1:
        body = b'{}'
    hs = base_headers(rng, 'glue.us-east-1.amazonaws.com')
    hs += [('X-Amz-Target', ' AWSGlue.' + op), ('Content-Type', ' application/x-amz-json-1.1')]
    rng.shuffle(hs)
    token = random_token(rng) if rng.random() < 0.5 else None
    return Case('glue-json', 'glue', 'POST', 'glue.us-east-1.amazonaws.com', '/', None, None,
                hs, body, token)


def gen_paths(rng, i):
    host = 'example.execute-api.us-east-1.amazonaws.com'
    return Case('paths-dot-segments-double-encoding', 'execute-api', rng.choice(['GET', 'POST']),
                host, gen_path(rng), None, None, base_headers(rng, host),
                b'', None)


def gen_query_case(rng, i):
    host = 'sts.us-east-1.amazonaws.com' if i % 2 else 'example.amazonaws.com'
    wire, params = gen_query(rng)
    return Case('query-canonicalisation', 'sts' if i % 2 else 'service', 'GET', host, '/',
                wire, params, base_headers(rng, host), b'', None)


def gen_headers(rng, i):
    host = 'glue.eu-west-1.amazonaws.com'
    hs = base_headers(rng, host)
    names = ['X-Amz-Meta-Test', 'x-amz-meta-test-two', 'X-Amz-Meta-Test', 'My-Header1',
             'my-header1', 'X-Custom', 'x-custom-', 'Content-Type', 'Expect', 'Connection',
             'Keep-Alive', 'TE', 'X-Amzn-Trace-Id', 'Transfer-Encoding', 'Accept',
             'Content-MD5', 'X-Empty']
    for _ in range(rng.randint(1, 7)):
        name = rng.choice(names)
        if name == 'X-Empty':
            value = ''
        elif rng.random() < 0.2:
            value = rng.choice(UNICODE) + ' ' + rand_text(rng, 4, UNRESERVED)
        else:
            value = rand_text(rng, rng.randint(1, 5), UNRESERVED) + ' ' + \
                rand_text(rng, rng.randint(0, 5), UNRESERVED + '"/=,;:')
        hs.append((name, pad(rng, value)))
    rng.shuffle(hs)
    token = random_token(rng) if rng.random() < 0.3 else None
    return Case('headers-padding-repeats-prefixes', 'glue', 'POST', host, '/', None, None, hs,
                b'{}', token)


def gen_binary(rng, i):
    body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3000)))
    if rng.random() < 0.2:
        body += b'\r\n\r\n\x00\x00'
    s3 = i % 2 == 0
    host = 'bucket-1.s3.us-east-1.amazonaws.com' if s3 else 'glue.us-east-1.amazonaws.com'
    hs = base_headers(rng, host) + [('Content-Type', ' application/octet-stream')]
    path = '/obj/' + rand_text(rng, 6, UNRESERVED) if s3 else '/'
    return Case('binary-bodies', 's3' if s3 else 'glue', 'PUT' if s3 else 'POST', host, path,
                None, None, hs, body, random_token(rng) if rng.random() < 0.3 else None)


def gen_tokens(rng, i):
    host = 'glue.ap-southeast-2.amazonaws.com'
    hs = base_headers(rng, host) + [('X-Amz-Target', ' AWSGlue.GetJobs'),
                                    ('Content-Type', ' application/x-amz-json-1.1')]
    if rng.random() < 0.3:
        hs.append(('X-Amz-Security-Token', ' stale-token-to-be-replaced'))
    c = Case('session-tokens', 'glue', 'POST', host, '/', None, None, hs, b'{}',
             random_token(rng))
    c.region = 'ap-southeast-2'
    c.access_key = 'ASIA' + rand_text(rng, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')
    c.secret_key = rand_text(rng, 40, UNRESERVED + '/+')
    return c


def gen_s3(rng, i):
    host = rng.choice(['s3.us-east-1.amazonaws.com', 'bucket.s3.eu-west-1.amazonaws.com',
                       '127.0.0.1:5123', 'localhost:9000'])
    key_parts = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.1:
            key_parts.append('')                     # '//' kept for S3
        elif r < 0.2:
            key_parts.append(rng.choice(['.', '..']))  # not normalised for S3
        else:
            key_parts.append(rand_component(rng))
    key = 'bucket/' + '/'.join(key_parts)
    boto_path = '/' + quote(key, safe='/~')
    # Our wire path: the same key, sometimes sloppily (but validly) encoded.
    wire = '/' + '/'.join(encode_sloppy(rng, p, "!$'()*") for p in key.split('/'))
    method = rng.choice(['GET', 'PUT', 'HEAD', 'DELETE'])
    body = b''
    if method == 'PUT':
        body = rand_text(rng, rng.randint(0, 200), UNRESERVED + ' \n').encode()
    hs = base_headers(rng, host)
    if method == 'PUT':
        hs.append(('Content-Type', ' text/x-python'))
        if rng.random() < 0.5:
            hs.append(('x-amz-meta-sha256', ' ' + rand_text(rng, 8, UNRESERVED)))
    wire_q, params = (None, None)
    r = rng.random()
    if r < 0.2:
        wire_q, params = 'tagging', [('tagging', '')]
    elif r < 0.4:
        wire_q, params = gen_query(rng)
    c = Case('s3-rules', 's3', method, host, wire, wire_q, params, hs, body,
             random_token(rng) if rng.random() < 0.3 else None,
             secure=not host[0].isdigit() and not host.startswith('localhost'),
             boto_path=boto_path)
    c.region = rng.choice(REGIONS)
    return c


def gen_regions(rng, i):
    svc = rng.choice(['glue', 'events', 'sts', 'iam', 'execute-api'])
    host = '%s.%s.amazonaws.com' % (svc, rng.choice(REGIONS))
    hs = base_headers(rng, host) + [('Content-Type', ' application/x-amz-json-1.1')]
    c = Case('regions-services-methods', svc, rng.choice(['POST', 'GET', 'PUT', 'PATCH']),
             host, gen_path(rng) if rng.random() < 0.5 else '/', None, None, hs,
             rand_text(rng, rng.randint(0, 50), UNRESERVED).encode(), None)
    c.region = rng.choice(REGIONS)
    return c


def gen_suite_form(rng, i):
    """Requests written as the AWS SigV4 test suite writes its .req files:
    '\n' line ends, no blank line after the headers when there is no body,
    and paths with raw spaces in the request line ("get-space")."""
    host = 'example.amazonaws.com'
    words = [rand_text(rng, rng.randint(1, 6), UNRESERVED) for _ in range(rng.randint(1, 3))]
    path = '/' + ' '.join(words) + ('/' if rng.random() < 0.5 else '')
    hs = [('Host', host), ('X-Amz-Date', '20150830T123600Z')]
    if rng.random() < 0.5:
        hs.append(('My-Header1', ' ' + rand_text(rng, rng.randint(1, 8), UNRESERVED)))
    body = b'' if i % 2 else rand_text(rng, rng.randint(1, 40), UNRESERVED).encode()
    c = Case('aws-test-suite-form', 'service', 'POST' if body else 'GET', host, path, None, None,
             hs, body, None)
    c.suite_form = True
    return c


CATEGORIES = [gen_glue, gen_paths, gen_query_case, gen_headers, gen_binary, gen_tokens,
              gen_s3, gen_regions, gen_suite_form]


def boto_sign(c):
    scheme = 'https' if c.secure else 'http'
    url = '%s://%s%s' % (scheme, c.host, c.boto_path)
    req = AWSRequest(method=c.method, url=url, data=c.body,
                     params=c.params if c.params else None)
    if c.params is None and c.query_wire:
        req.url = url + '?' + c.query_wire
    for name, value in c.headers:
        req.headers[name] = value
    creds = Credentials(c.access_key, c.secret_key, c.token)
    cls = botocore.auth.S3SigV4Auth if c.service == 's3' else botocore.auth.SigV4Auth
    signer = cls(creds, c.service, c.region)
    when = datetime.datetime.strptime(c.time, '%Y%m%dT%H%M%SZ')
    saved = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: when
    # pipec debug sign signs every header it is given (the runtime itself
    # keeps botocore's unsigned list, tested in tests/unit/test_sigv4.c)
    saved_unsigned = botocore.auth.SIGNED_HEADERS_BLACKLIST
    botocore.auth.SIGNED_HEADERS_BLACKLIST = []
    try:
        signer.add_auth(req)
        auth = req.headers['Authorization']
        del req.headers['Authorization']
        canonical = signer.canonical_request(req)
        req.headers['Authorization'] = auth
    finally:
        botocore.auth.get_current_datetime = saved
        botocore.auth.SIGNED_HEADERS_BLACKLIST = saved_unsigned
    added = {}
    for name in ('Authorization', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-SHA256'):
        if name in req.headers:
            added[name.lower()] = req.headers[name]
    return added, canonical


def pipec_sign(pipec, c, extra=()):
    args = [pipec, 'debug', 'sign', '--access-key', c.access_key, '--secret-key', c.secret_key,
            '--region', c.region, '--service', c.service, '--time', c.time]
    if c.token:
        args += ['--session-token', c.token]
    args += list(extra)
    p = subprocess.run(args, input=c.raw(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


def parse_signed(out):
    eol = b'\r\n' if b'\r\n' in out.split(b'\n', 1)[0] + b'\n' else b'\n'
    head, sep, body = out.partition(eol + eol)
    lines = head.decode('utf-8').rstrip(eol.decode()).split(eol.decode())[1:]
    headers = []
    for line in lines:
        name, _, value = line.partition(':')
        headers.append((name, value.strip()))
    return headers, body


def check(pipec, c):
    """Returns [] when pipec and botocore agree, else a list of detail lines."""
    want, want_cr = boto_sign(c)
    rc, out, err = pipec_sign(pipec, c)
    if rc != 0:
        return ['pipec exited %d: %s' % (rc, err.decode('utf-8', 'replace').strip())]
    headers, body = parse_signed(out)
    problems = []
    if body != c.body:
        problems.append('body changed (%d bytes in, %d out)' % (len(c.body), len(body)))
    got = {}
    for name, value in headers:
        if name.lower() in want or name.lower() in ('authorization', 'x-amz-date'):
            got.setdefault(name.lower(), value)
    for name in sorted(set(want) | set(got)):
        if want.get(name) != got.get(name):
            problems.append('%s: botocore %r, pipec %r' % (name, want.get(name), got.get(name)))
    sent = [n.lower() for n, _ in headers]
    if sent.count('authorization') != 1:
        problems.append('Authorization appears %d times' % sent.count('authorization'))
    if problems:
        _, cr, _ = pipec_sign(pipec, c, ['--canonical'])
        problems.append('request: %r' % c.raw()[:400])
        problems.append('botocore canonical request:')
        problems += ['  ' + line for line in want_cr.split('\n')]
        problems.append('pipec canonical request:')
        problems += ['  ' + line for line in cr.decode('utf-8', 'replace').rstrip('\n').split('\n')]
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('pipec')
    ap.add_argument('--seed', type=int, default=20240611)
    ap.add_argument('--per-category', type=int, default=70)
    ap.add_argument('--jobs', type=int, default=4)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    cases = []
    for gen in CATEGORIES:
        for i in range(args.per_category):
            cases.append(gen(rng, i))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: check(args.pipec, c), cases))

    failed = 0
    by_cat = {}
    for c, problems in zip(cases, results):
        by_cat.setdefault(c.category, []).append(problems)
    for cat, res in by_cat.items():
        bad = [p for p in res if p]
        if bad:
            failed += 1
            print('not ok sigv4 matches botocore: %s (%d of %d requests differ)'
                  % (cat, len(bad), len(res)))
            for p in bad[:2]:
                for line in p:
                    print('# ' + line)
        else:
            print('ok sigv4 matches botocore: %s (%d requests)' % (cat, len(res)))
    print('# %d requests in %d categories, seed %d' % (len(cases), len(by_cat), args.seed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
