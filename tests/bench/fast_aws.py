#!/usr/bin/env python3
"""fast_aws.py ENV_FILE [--delay MS] [--lifetime S]

An in-memory, stateful stand-in of the AWS calls that `pipec plan` and
`pipec deploy` of tests/bench/deploy.sh make (and that the sequential boto3
client tests/bench/boto3_deploy.py makes), for the deploy benchmark.

Why: moto (tests/tools/moto_auth.sh) is one Python process; on a 2-core
machine it spends ~10 ms per call under parallel load, so a client's parallel
requests queue on the test server, which the real service (scaling across
requests) does not do.  This server answers in well under a millisecond of
CPU and adds the latency itself: every request waits --delay MS (default 40,
the round trip of a real AWS endpoint) in its own connection thread before it
is answered, so concurrent requests overlap as they do at AWS.

Same rules as the moto setup where the benchmark relies on them:
  * SigV4 is verified on every AWS call (access key, scope, signed headers,
    payload hash; S3's x-amz-checksum-sha256 too); a bad one answers 403
    SignatureDoesNotMatch.
  * Glue request bodies are validated against botocore's Glue model
    (tests/tools/glue_model.py, as moto_plus.py does): 400 InvalidInputException.
  * Create* of an existing name answers AlreadyExistsException, a missing
    resource EntityNotFoundException; a trigger's WorkflowName must exist.
  * Jobs read back with the service-side defaults Glue fills in (as
    moto_plus.py: JobMode SCRIPT, ExecutionProperty.MaxConcurrentRuns 1,
    MaxRetries 0, Timeout 480 for Glue >= 5.0 else 2880, MaxCapacity /
    AllocatedCapacity = NumberOfWorkers x DPU per worker).

Calls: sts GetCallerIdentity; s3 CreateBucket, HeadBucket, PutObject,
GetObject, HeadObject, DeleteObject, ListObjectsV2 (path style); glue
Create/Update/Delete/Get/BatchGet/List of jobs, triggers, workflows and Data
Quality rulesets, GetJobs, GetTriggers, StartTrigger, StopTrigger, GetTags,
TagResource, UntagResource.  Anything else answers 400
UnknownOperationException (and counts as an error).

Control (loopback, no auth, not counted, no delay):
  GET  /pipec-test/calls        {"total", "calls": {"glue.CreateJob": n}, "errors": {...}}
  POST /pipec-test/calls/reset  zeroes the counters and the connection statistics
  GET  /pipec-test/stats        {"connections": C, "max_in_flight": M}: TCP connections
                                that carried a call, and most calls in flight at once

On start it binds 127.0.0.1 on a free port, generates an access key, and
writes shell export lines (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, AWS_REGION) to ENV_FILE once it
answers.  It exits after --lifetime seconds (default 3600) or on SIGTERM.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "standin"))
import glue_model  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
DPU = {"G.025X": 0.25, "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8, "G.12X": 12, "G.16X": 16,
       "R.1X": 1, "R.2X": 2, "R.4X": 4, "R.8X": 8, "Z.2X": 2, "Standard": 1}
LOCK = threading.Lock()


class Fail(Exception):
    def __init__(self, status, code, msg):
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def not_found(what, name):
    return Fail(400, "EntityNotFoundException", "%s %s not found." % (what, name))


# ---------------------------------------------------------------- SigV4

def _uri_encode(s, safe="-_.~"):
    return urllib.parse.quote(s, safe=safe)


def _canonical_query(query):
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    enc = sorted((_uri_encode(k), _uri_encode(v)) for k, v in pairs)
    return "&".join("%s=%s" % kv for kv in enc)


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def verify_sigv4(method, raw_path, headers, body, keys):
    """None when the request is signed by a known key, else the reason."""
    auth = headers.get("authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,"
                 r"\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$", auth)
    if not m:
        return "missing or malformed Authorization"
    ak, day, region, service, signed, sig = m.groups()
    if ak not in keys:
        return "unknown access key"
    amz_date = headers.get("x-amz-date", "")
    if not amz_date.startswith(day):
        return "x-amz-date is not the credential's day"
    names = signed.split(";")
    if "host" not in names:
        return "host is not signed"
    path, _, query = raw_path.partition("?")
    if service != "s3":
        path = _uri_encode(urllib.parse.unquote(path), safe="/-_.~%")
    payload = headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    canon = "\n".join([method, path, _canonical_query(query),
                       "".join("%s:%s\n" % (n, " ".join(headers.get(n, "").split()))
                               for n in names),
                       signed, payload])
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(canon.encode()).hexdigest()])
    k = _hmac(("AWS4" + keys[ak]).encode(), day)
    for part in (region, service, "aws4_request"):
        k = _hmac(k, part)
    want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, sig):
        return "signature does not match"
    return None


def decode_aws_chunked(body):
    """The payload of an aws-chunked body (unsigned chunks, optional trailer)."""
    out, i = [], 0
    while True:
        j = body.index(b"\r\n", i)
        size = int(body[i:j].split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(body[j + 2:j + 2 + size])
        i = j + 2 + size + 2


# ---------------------------------------------------------------- state

class State:
    def __init__(self):
        self.buckets = {}       # name -> {key: {"body", "etag", "meta", "sha256", "mtime"}}
        self.jobs, self.triggers, self.workflows, self.rulesets = {}, {}, {}, {}
        self.tags = {}          # arn -> {k: v}
        self.reset_counts()

    def reset_counts(self):
        self.total, self.calls, self.errors = 0, {}, {}
        self.connections, self.in_flight, self.max_in_flight = 0, 0, 0

    def count(self, op, ok):
        self.total += 1
        self.calls[op] = self.calls.get(op, 0) + 1
        if not ok:
            self.errors[op] = self.errors.get(op, 0) + 1


STATE = State()


def arn(kind, name):
    return "arn:aws:glue:%s:%s:%s/%s" % (REGION, ACCOUNT, kind, name)


# ---------------------------------------------------------------- Glue

def job_out(j):
    d = dict(j)
    d.setdefault("JobMode", "SCRIPT")
    if not d.get("ExecutionProperty"):
        d["ExecutionProperty"] = {"MaxConcurrentRuns": 1}
    d.setdefault("MaxRetries", 0)
    if d.get("Timeout") is None:
        try:
            d["Timeout"] = 480 if float(d.get("GlueVersion") or "5.1") >= 5.0 else 2880
        except ValueError:
            d["Timeout"] = 480
    wt, nw = d.get("WorkerType"), d.get("NumberOfWorkers")
    if wt in DPU and isinstance(nw, int):
        d["MaxCapacity"] = float(DPU[wt] * nw)
        d["AllocatedCapacity"] = int(DPU[wt] * nw)
    return d


def trigger_out(t):
    d = {k: v for k, v in t.items() if v not in (None, "", [], {})}
    if t["Type"] != "SCHEDULED":
        d.pop("Schedule", None)
    return d


def page(names, p, default_max):
    names = sorted(names)
    start = int(p["NextToken"]) if str(p.get("NextToken", "")).isdigit() else 0
    n = p.get("MaxResults") or default_max
    out = names[start:start + n]
    token = str(start + n) if start + n < len(names) else None
    return out, token


def tagged(kind, name, want):
    have = STATE.tags.get(arn(kind, name), {})
    return all(have.get(k) == v for k, v in (want or {}).items())


def put_tags(kind, name, tags):
    if tags:
        STATE.tags.setdefault(arn(kind, name), {}).update(tags)


def create(store, kind, what, p, body, key="Name"):
    name = p[key]
    if name in store:
        raise Fail(400, "AlreadyExistsException", "%s %s already exists." % (what, name))
    now = time.time()
    body.update({"CreatedOn": now, "LastModifiedOn": now})
    store[name] = body
    put_tags(kind, name, p.get("Tags"))
    return {"Name": name}


def g_create_job(p):
    return create(STATE.jobs, "job", "Job", p, {k: v for k, v in p.items() if k != "Tags"})


def g_update_job(p):
    name = p["JobName"]
    old = STATE.jobs.get(name)
    if old is None:
        raise not_found("Job", name)
    new = dict(p["JobUpdate"], Name=name, CreatedOn=old["CreatedOn"], LastModifiedOn=time.time())
    STATE.jobs[name] = new
    return {"JobName": name}


def g_delete(store, kind, key):
    def fn(p):
        name = p[key]
        store.pop(name, None)
        STATE.tags.pop(arn(kind, name), None)
        return {key if key != "JobName" else "JobName": name}
    return fn


def g_get_job(p):
    j = STATE.jobs.get(p["JobName"])
    if j is None:
        raise not_found("Job", p["JobName"])
    return {"Job": job_out(j)}


def g_batch_get_jobs(p):
    names = p["JobNames"]
    return {"Jobs": [job_out(STATE.jobs[n]) for n in names if n in STATE.jobs],
            "JobsNotFound": [n for n in names if n not in STATE.jobs]}


def g_list(store, kind, field, default_max):
    def fn(p):
        names = [n for n in store if tagged(kind, n, p.get("Tags"))]
        out, token = page(names, p, default_max)
        d = {field: out}
        if token:
            d["NextToken"] = token
        return d
    return fn


def g_get_all(store, field, conv):
    def fn(p):
        out, token = page(list(store), p, 100)
        d = {field: [conv(store[n]) for n in out]}
        if token:
            d["NextToken"] = token
        return d
    return fn


def g_create_trigger(p):
    wf = p.get("WorkflowName")
    if wf is not None and wf not in STATE.workflows:
        raise not_found("Workflow", wf)
    t = {"Name": p["Name"], "Type": p["Type"], "Actions": p["Actions"],
         "State": "ACTIVATED" if p.get("StartOnCreation") else "CREATED",
         "WorkflowName": wf, "Schedule": p.get("Schedule"), "Predicate": p.get("Predicate"),
         "Description": p.get("Description"),
         "EventBatchingCondition": p.get("EventBatchingCondition")}
    res = create(STATE.triggers, "trigger", "Trigger", p, t)
    for k in ("CreatedOn", "LastModifiedOn"):
        t.pop(k)
    return res


def get_trigger(name):
    t = STATE.triggers.get(name)
    if t is None:
        raise not_found("Trigger", name)
    return t


def g_set_trigger_state(state):
    def fn(p):
        get_trigger(p["Name"])["State"] = state
        return {"Name": p["Name"]}
    return fn


def g_update_trigger(p):
    t = get_trigger(p["Name"])
    upd = p["TriggerUpdate"]
    if upd.get("Name") not in (None, p["Name"]):
        raise Fail(400, "InvalidInputException", "triggers cannot be renamed")
    for k in ("Schedule", "Description", "Actions", "Predicate", "EventBatchingCondition"):
        if k in upd:
            t[k] = upd[k]
    if t["Type"] == "CONDITIONAL" and not t.get("Predicate"):
        raise Fail(400, "InvalidInputException", "Predicate cannot be null or empty")
    return {"Trigger": trigger_out(t)}


def g_batch_get_triggers(p):
    names = p["TriggerNames"]
    return {"Triggers": [trigger_out(STATE.triggers[n]) for n in names if n in STATE.triggers],
            "TriggersNotFound": [n for n in names if n not in STATE.triggers]}


def g_create_workflow(p):
    return create(STATE.workflows, "workflow", "Workflow", p,
                  {k: v for k, v in p.items() if k != "Tags"})


def g_update_workflow(p):
    w = STATE.workflows.get(p["Name"])
    if w is None:
        raise not_found("Workflow", p["Name"])
    for k in ("Description", "DefaultRunProperties", "MaxConcurrentRuns"):
        if k in p:
            w[k] = p[k]
    w["LastModifiedOn"] = time.time()
    return {"Name": p["Name"]}


def g_batch_get_workflows(p):
    names = p["Names"]
    return {"Workflows": [STATE.workflows[n] for n in names if n in STATE.workflows],
            "MissingWorkflows": [n for n in names if n not in STATE.workflows]}


def rule_count(text):
    try:
        import _standin_dqdl
        return len(_standin_dqdl.split_rules(text))
    except ImportError:
        return text.count("\n") + 1


def ruleset(name):
    rs = STATE.rulesets.get(name)
    if rs is None:
        raise Fail(400, "EntityNotFoundException", "Cannot find Data Quality Ruleset in "
                   "account %s with name %s" % (ACCOUNT, name))
    return rs


RS_KEYS = ("Name", "Description", "Ruleset", "TargetTable", "DataQualitySecurityConfiguration")


def g_create_ruleset(p):
    return create(STATE.rulesets, "dataQualityRuleset", "Data Quality Ruleset", p,
                  {k: p[k] for k in RS_KEYS if p.get(k) is not None})


def g_update_ruleset(p):
    rs = ruleset(p["Name"])
    for k in ("Description", "Ruleset"):
        if p.get(k) is not None:
            rs[k] = p[k]
    rs["LastModifiedOn"] = time.time()
    return {k: rs[k] for k in ("Name", "Description", "Ruleset") if k in rs}


def g_list_rulesets(p):
    flt, want = p.get("Filter") or {}, p.get("Tags") or {}
    items = []
    for name in sorted(STATE.rulesets):
        rs = STATE.rulesets[name]
        if any(flt.get(k) and flt[k] != rs.get(k) for k in ("Name", "Description", "TargetTable")):
            continue
        if not tagged("dataQualityRuleset", name, want):
            continue
        d = {k: rs[k] for k in ("Name", "Description", "CreatedOn", "LastModifiedOn",
                                "TargetTable") if k in rs}
        d["RuleCount"] = rule_count(rs.get("Ruleset") or "")
        items.append(d)
    start = int(p["NextToken"]) if str(p.get("NextToken", "")).isdigit() else 0
    n = p.get("MaxResults") or 100
    out = {"Rulesets": items[start:start + n]}
    if start + n < len(items):
        out["NextToken"] = str(start + n)
    return out


def resource_of(a):
    m = re.match(r"arn:aws:glue:[^:]*:[^:]*:(job|trigger|workflow|dataQualityRuleset)/(.+)$", a)
    if not m:
        raise Fail(400, "InvalidInputException", "not a Glue resource ARN: %s" % a)
    store = {"job": STATE.jobs, "trigger": STATE.triggers, "workflow": STATE.workflows,
             "dataQualityRuleset": STATE.rulesets}[m.group(1)]
    if m.group(2) not in store:
        raise Fail(400, "EntityNotFoundException", "%s not found" % a)
    return a


def g_get_tags(p):
    return {"Tags": dict(STATE.tags.get(resource_of(p["ResourceArn"]), {}))}


def g_tag_resource(p):
    STATE.tags.setdefault(resource_of(p["ResourceArn"]), {}).update(p.get("TagsToAdd") or {})
    return {}


def g_untag_resource(p):
    have = STATE.tags.get(resource_of(p["ResourceArn"]), {})
    for k in p.get("TagsToRemove") or []:
        have.pop(k, None)
    return {}


def g_get(store, what, key, field, conv=lambda x: x):
    def fn(p):
        v = store.get(p[key])
        if v is None:
            raise not_found(what, p[key])
        return {field: conv(v)} if field else conv(v)
    return fn


GLUE = {
    "CreateJob": g_create_job, "UpdateJob": g_update_job, "GetJob": g_get_job,
    "DeleteJob": g_delete(STATE.jobs, "job", "JobName"), "BatchGetJobs": g_batch_get_jobs,
    "ListJobs": g_list(STATE.jobs, "job", "JobNames", 100),
    "GetJobs": g_get_all(STATE.jobs, "Jobs", job_out),
    "CreateTrigger": g_create_trigger, "UpdateTrigger": g_update_trigger,
    "GetTrigger": g_get(STATE.triggers, "Trigger", "Name", "Trigger", trigger_out),
    "DeleteTrigger": g_delete(STATE.triggers, "trigger", "Name"),
    "BatchGetTriggers": g_batch_get_triggers,
    "ListTriggers": g_list(STATE.triggers, "trigger", "TriggerNames", 100),
    "GetTriggers": g_get_all(STATE.triggers, "Triggers", trigger_out),
    "StartTrigger": g_set_trigger_state("ACTIVATED"),
    "StopTrigger": g_set_trigger_state("DEACTIVATED"),
    "CreateWorkflow": g_create_workflow, "UpdateWorkflow": g_update_workflow,
    "GetWorkflow": g_get(STATE.workflows, "Workflow", "Name", "Workflow"),
    "DeleteWorkflow": g_delete(STATE.workflows, "workflow", "Name"),
    "BatchGetWorkflows": g_batch_get_workflows,
    "ListWorkflows": g_list(STATE.workflows, "workflow", "Workflows", 25),
    "CreateDataQualityRuleset": g_create_ruleset, "UpdateDataQualityRuleset": g_update_ruleset,
    "GetDataQualityRuleset": lambda p: dict(ruleset(p["Name"])),
    "DeleteDataQualityRuleset": g_delete(STATE.rulesets, "dataQualityRuleset", "Name"),
    "ListDataQualityRulesets": g_list_rulesets,
    "GetTags": g_get_tags, "TagResource": g_tag_resource, "UntagResource": g_untag_resource,
}


def glue_call(op, body):
    fn = GLUE.get(op)
    if fn is None:
        raise Fail(400, "UnknownOperationException", "%s is not served here" % op)
    try:
        p = json.loads(body or b"{}")
    except ValueError:
        raise Fail(400, "InvalidInputException", "request body is not JSON")
    problems = glue_model.validate(op, p)
    if problems:
        raise Fail(400, "InvalidInputException", "; ".join(problems)[:2000])
    if op == "DeleteDataQualityRuleset":
        ruleset(p["Name"])
    with LOCK:
        return json.dumps(fn(p)).encode()


# ---------------------------------------------------------------- S3

def s3_error(status, code, msg):
    return Fail(status, code, msg)


def s3_call(h, method, path, query, body):
    """(operation, status, headers, body) of one path-style S3 request."""
    parts = path.lstrip("/").split("/", 1)
    bucket = urllib.parse.unquote(parts[0])
    key = urllib.parse.unquote(parts[1]) if len(parts) > 1 and parts[1] else None
    q = urllib.parse.parse_qs(query, keep_blank_values=True)
    with LOCK:
        objs = STATE.buckets.get(bucket)
        if key is None:
            if method == "PUT":
                STATE.buckets.setdefault(bucket, {})
                return "CreateBucket", 200, {"Location": "/" + bucket}, b""
            if objs is None:
                raise s3_error(404, "NoSuchBucket", "The specified bucket does not exist")
            if method == "HEAD":
                return "HeadBucket", 200, {}, b""
            if method == "GET" and q.get("list-type") == ["2"]:
                return "ListObjectsV2", 200, {"Content-Type": "application/xml"}, \
                    list_v2(bucket, objs, q)
            raise s3_error(400, "NotImplemented", "%s of a bucket is not served here" % method)
        if objs is None:
            raise s3_error(404, "NoSuchBucket", "The specified bucket does not exist")
        if method == "PUT":
            return "PutObject", 200, put_object(h, objs, key, body), b""
        if method == "DELETE":
            objs.pop(key, None)
            return "DeleteObject", 204, {}, b""
        o = objs.get(key)
        op = {"GET": "GetObject", "HEAD": "HeadObject"}.get(method)
        if op is None:
            raise s3_error(400, "NotImplemented", "%s of an object is not served here" % method)
        if o is None:
            raise s3_error(404, "NoSuchKey" if method == "GET" else "NotFound",
                           "The specified key does not exist.")
        hdr = {"ETag": o["etag"], "Last-Modified": time.strftime(
            "%a, %d %b %Y %H:%M:%S GMT", time.gmtime(o["mtime"])),
            "Content-Type": o["ctype"], "Content-Length-Object": str(len(o["body"]))}
        hdr.update(o["meta"])
        if h.get("x-amz-checksum-mode", "").upper() == "ENABLED" and o["sha256"]:
            hdr["x-amz-checksum-sha256"] = o["sha256"]
        return op, 200, hdr, o["body"]


def put_object(h, objs, key, body):
    if "aws-chunked" in h.get("content-encoding", "") or \
            h.get("x-amz-content-sha256", "").startswith("STREAMING-"):
        body = decode_aws_chunked(body)
    sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
    want = h.get("x-amz-checksum-sha256")
    if want and want != sha:
        raise s3_error(400, "BadDigest", "The SHA256 you specified did not match the calculated "
                       "checksum.")
    etag = '"%s"' % hashlib.md5(body).hexdigest()
    objs[key] = {"body": body, "etag": etag, "mtime": time.time(),
                 "ctype": h.get("content-type", "binary/octet-stream"),
                 "meta": {k: v for k, v in h.items() if k.startswith("x-amz-meta-")},
                 "sha256": sha if want else None}
    out = {"ETag": etag}
    if want:
        out["x-amz-checksum-sha256"] = sha
    return out


def list_v2(bucket, objs, q):
    prefix = q.get("prefix", [""])[0]
    after = q.get("continuation-token", q.get("start-after", [""]))[0]
    n = int(q.get("max-keys", ["1000"])[0])
    keys = sorted(k for k in objs if k.startswith(prefix) and k > after)
    page_keys, more = keys[:n], len(keys) > n
    items = "".join(
        "<Contents><Key>%s</Key><LastModified>%s</LastModified><ETag>%s</ETag><Size>%d</Size>"
        "<StorageClass>STANDARD</StorageClass></Contents>" % (
            escape(k), time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(objs[k]["mtime"])),
            escape(objs[k]["etag"]), len(objs[k]["body"])) for k in page_keys)
    token = "<NextContinuationToken>%s</NextContinuationToken>" % escape(page_keys[-1]) \
        if more else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.'
            'com/doc/2006-03-01/"><Name>%s</Name><Prefix>%s</Prefix><KeyCount>%d</KeyCount>'
            '<MaxKeys>%d</MaxKeys><IsTruncated>%s</IsTruncated>%s%s</ListBucketResult>' % (
                escape(bucket), escape(prefix), len(page_keys), n, "true" if more else "false",
                items, token)).encode()


# ---------------------------------------------------------------- HTTP

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fast_aws"
    counted = False     # per connection: did it carry a call

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass

    def _send(self, status, headers, body, head=False):
        """The whole answer in one write: status, headers and body sent apart
        wait for the client's delayed ACK (~40 ms on Linux) under Nagle."""
        self.send_response(status)
        length = headers.pop("Content-Length-Object", None)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("x-amzn-RequestId", secrets.token_hex(8))
        self.send_header("Content-Length", length if head and length else str(len(body)))
        self._headers_buffer.append(b"\r\n")
        if not head:
            self._headers_buffer.append(body)
        self.flush_headers()

    def _control(self):
        p = self.path.split("?")[0].rstrip("/")
        with LOCK:
            if p == "/pipec-test/calls/reset" and self.command == "POST":
                STATE.reset_counts()
                ans = {"reset": True}
            elif p == "/pipec-test/calls":
                ans = {"total": STATE.total, "calls": dict(sorted(STATE.calls.items())),
                       "errors": dict(sorted(STATE.errors.items()))}
            elif p == "/pipec-test/stats":
                ans = {"connections": STATE.connections, "max_in_flight": STATE.max_in_flight}
            else:
                ans = None
        if ans is None:
            self._send(404, {}, b'{"error": "not found"}')
        else:
            self._send(200, {"Content-Type": "application/json"}, json.dumps(ans).encode())

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/pipec-test/"):
            return self._control()
        with LOCK:
            STATE.in_flight += 1
            STATE.max_in_flight = max(STATE.max_in_flight, STATE.in_flight)
            if not self.counted:
                self.counted = True
                STATE.connections += 1
        try:
            time.sleep(self.server.delay)
            op, status, headers, out = self._dispatch(body)
        finally:
            with LOCK:
                STATE.in_flight -= 1
        with LOCK:
            STATE.count(op, status < 300)
        self._send(status, headers, out, head=self.command == "HEAD")

    def _dispatch(self, body):
        h = {k.lower(): v for k, v in self.headers.items()}
        target = h.get("x-amz-target", "")
        m = re.search(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", h.get("authorization", ""))
        service = m.group(1) if m else ("glue" if target.startswith("AWSGlue.") else "s3")
        path, _, query = self.path.partition("?")
        op = target.partition(".")[2] if target else None
        form = {}
        if "x-www-form-urlencoded" in h.get("content-type", ""):
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            op = form.get("Action", [op])[0]
        label = "%s.%s" % (service, op or self.command)
        try:
            bad = verify_sigv4(self.command, self.path, h, body, self.server.keys)
            if bad:
                raise Fail(403, "SignatureDoesNotMatch", bad)
            if service == "glue":
                return label, 200, {"Content-Type": "application/x-amz-json-1.1"}, \
                    glue_call(op, body)
            if service == "sts" and op == "GetCallerIdentity":
                return label, 200, {"Content-Type": "text/xml"}, sts_identity()
            if service == "s3":
                op, status, headers, out = s3_call(h, self.command, path, query, body)
                return "s3." + op, status, headers, out
            raise Fail(400, "UnknownOperationException", "%s is not served here" % label)
        except Fail as e:
            return label, e.status, *error_body(service, e)
        except (KeyError, TypeError, ValueError) as e:
            return label, 400, *error_body(service, Fail(400, "InvalidInputException",
                                                         "bad request: %r" % (e,)))

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


def error_body(service, e):
    if service == "glue":
        return {"Content-Type": "application/x-amz-json-1.1"}, \
            json.dumps({"__type": e.code, "message": e.msg}).encode()
    if service == "sts":
        return {"Content-Type": "text/xml"}, (
            "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
            "</Error></ErrorResponse>" % (e.code, escape(e.msg))).encode()
    return {"Content-Type": "application/xml"}, (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>%s</Code><Message>%s</Message>"
        "</Error>" % (e.code, escape(e.msg))).encode()


def sts_identity():
    return ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            "<GetCallerIdentityResult><Arn>arn:aws:iam::%s:user/pipec-bench</Arn>"
            "<UserId>AIDAPIPECBENCH</UserId><Account>%s</Account></GetCallerIdentityResult>"
            "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>" % (ACCOUNT, ACCOUNT, secrets.token_hex(8))).encode()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("env_file")
    ap.add_argument("--delay", type=float, default=40.0, help="milliseconds added per call")
    ap.add_argument("--lifetime", type=float, default=3600.0)
    a = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.delay = a.delay / 1000.0
    ak, sk = "AKIA" + secrets.token_hex(8).upper(), secrets.token_urlsafe(30)
    srv.keys = {ak: sk}
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % srv.server_address[1]
    tmp = a.env_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY='%s'\n" % (ak, sk))
        f.write("export AWS_ENDPOINT_URL=%s AWS_DEFAULT_REGION=%s AWS_REGION=%s\n"
                % (url, REGION, REGION))
    os.rename(tmp, a.env_file)
    sys.stderr.write("fast_aws.py: %s, %g ms per call\n" % (url, a.delay))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    time.sleep(a.lifetime)


if __name__ == "__main__":
    main()
