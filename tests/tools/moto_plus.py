#!/usr/bin/env python3
"""moto_plus.py [-H HOST] [-p PORT]

moto's server (moto 5.2.1, same command line as moto_server) plus what pipec's
tests need and moto lacks. Start it through tests/tools/moto_auth.sh, which
turns SigV4 + IAM enforcement on exactly as before.

Added to Glue (every Glue request body is first validated against botocore's
Glue model -- shape, required, types, min -- and the max/pattern/enum
constraints botocore skips; a violation answers 400 InvalidInputException):
  UpdateJob                 full overwrite: every field not in JobUpdate is reset
  UpdateTrigger             Schedule/Description/Actions/Predicate/EventBatchingCondition
  Create/Update/Get/Delete/ListDataQualityRulesets (+ GetTags/TagResource on
                            arn:aws:glue:REGION:ACCOUNT:dataQualityRuleset/NAME)
  CreateJob/CreateTrigger   AlreadyExistsException for an existing name
  GetJob/GetJobs/BatchGetJobs  also return JobMode, JobRunQueuingEnabled,
                            MaintenanceWindow when set, and the service-side
                            defaults Glue fills in (JobMode SCRIPT,
                            ExecutionProperty.MaxConcurrentRuns 1, MaxRetries 0,
                            Timeout 480 for Glue >= 5.0 else 2880, MaxCapacity /
                            AllocatedCapacity = NumberOfWorkers x DPU per worker)
Call counting (not counted themselves, no auth):
  GET  /pipec-test/calls        {"total": N, "calls": {"glue.CreateJob": n, ...},
                                 "errors": {"glue.CreateJob": n, ...},
                                 "log": [{"op": "glue.CreateJob", "status": 200}, ...]}
  POST /pipec-test/calls/reset  zeroes the counters and the log
An operation is "<service>.<Operation>": the signing service from the
Authorization header (else the X-Amz-Target prefix) and the operation from
X-Amz-Target, the query/form Action, or for S3 a REST classification
(PutObject, GetObject, HeadObject, DeleteObject, ListObjectsV2, CreateBucket,
HeadBucket, ...).
"""
import argparse
import copy
import io
import json
import os
import re
import signal
import sys
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# Last: only _standin_dqdl is wanted from there; its boto3 and pyspark
# stand-ins must not shadow the real modules moto imports.
sys.path.append(os.path.normpath(os.path.join(HERE, "..", "standin")))

from moto.core.utils import camelcase_to_underscores, utcnow  # noqa: E402
from moto.glue import models as gm  # noqa: E402
from moto.glue.exceptions import (EntityNotFoundException, GlueClientError,  # noqa: E402
                                  InvalidInputException)
from moto.glue.responses import GlueResponse  # noqa: E402
from moto.glue.utils import Action, Predicate  # noqa: E402
from moto.moto_server.werkzeug_app import (DomainDispatcherApplication,  # noqa: E402
                                           create_backend_app)
from werkzeug.serving import run_simple  # noqa: E402

import glue_model  # noqa: E402

DPU = {"G.025X": 0.25, "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8, "G.12X": 12, "G.16X": 16,
       "R.1X": 1, "R.2X": 2, "R.4X": 4, "R.8X": 8, "Z.2X": 2, "Standard": 1}
JOB_EXTRA = ("JobMode", "JobRunQueuingEnabled", "MaintenanceWindow")


def _AlreadyExists(msg):
    return GlueClientError("AlreadyExistsException", msg)


# ---------------------------------------------------------------- validation

def _validated(op, fn):
    def wrapper(self):
        try:
            params = json.loads(self.body or "{}")
        except ValueError:
            raise InvalidInputException(op, "request body is not JSON")
        problems = glue_model.validate(op, params)
        if problems:
            raise InvalidInputException(op, "; ".join(problems)[:2000])
        return fn(self)
    wrapper.__name__ = fn.__name__
    return wrapper


# ---------------------------------------------------------------- jobs

_orig_job_as_dict = gm.FakeJob.as_dict


def _job_as_dict(self):
    d = _orig_job_as_dict(self)
    extra = getattr(self, "_pipec_extra", {})
    d.update({k: v for k, v in extra.items() if v is not None})
    d.setdefault("JobMode", "SCRIPT")
    if d.get("JobMode") is None:
        d["JobMode"] = "SCRIPT"
    if not d.get("ExecutionProperty"):
        d["ExecutionProperty"] = {"MaxConcurrentRuns": 1}
    if d.get("MaxRetries") is None:
        d["MaxRetries"] = 0
    if d.get("Timeout") is None:
        gv = d.get("GlueVersion") or "5.1"
        try:
            d["Timeout"] = 480 if float(gv) >= 5.0 else 2880
        except ValueError:
            d["Timeout"] = 480
    wt, nw = d.get("WorkerType"), d.get("NumberOfWorkers")
    if wt in DPU and isinstance(nw, int):
        cap = DPU[wt] * nw
        d["MaxCapacity"] = float(cap)
        d["AllocatedCapacity"] = int(cap)
    return {k: v for k, v in d.items() if v is not None}


gm.FakeJob.as_dict = _job_as_dict

_orig_create_job = GlueResponse.create_job


def create_job(self):
    name = self._get_param("Name")
    if name in self.glue_backend.jobs:
        raise _AlreadyExists("Job %s already exists." % name)
    res = _orig_create_job(self)
    job = self.glue_backend.jobs[name]
    job._pipec_extra = {k: self._get_param(k) for k in JOB_EXTRA}
    return res


def update_job(self):
    name = self._get_param("JobName")
    upd = self._get_param("JobUpdate") or {}
    backend = self.glue_backend
    old = backend.jobs.get(name)
    if old is None:
        raise EntityNotFoundException("Job %s not found." % name)
    new = gm.FakeJob(
        name, upd.get("Role"), upd.get("Command"), upd.get("Description"), upd.get("LogUri"),
        upd.get("ExecutionProperty"), upd.get("DefaultArguments"),
        upd.get("NonOverridableArguments"), upd.get("Connections"), upd.get("MaxRetries"),
        upd.get("AllocatedCapacity"), upd.get("Timeout"), upd.get("MaxCapacity"),
        upd.get("SecurityConfiguration"), None, upd.get("NotificationProperty"),
        upd.get("GlueVersion"), upd.get("NumberOfWorkers"), upd.get("WorkerType"),
        upd.get("CodeGenConfigurationNodes"), upd.get("ExecutionClass"),
        upd.get("SourceControlDetails"), backend=backend)
    new.created_on = old.created_on
    new.job_runs = old.job_runs
    new._pipec_extra = {k: upd.get(k) for k in JOB_EXTRA}
    backend.jobs[name] = new
    return json.dumps({"JobName": name})


# ---------------------------------------------------------------- triggers

_orig_create_trigger = GlueResponse.create_trigger


def create_trigger(self):
    name = self._get_param("Name")
    if name in self.glue_backend.triggers:
        raise _AlreadyExists("Trigger %s already exists." % name)
    return _orig_create_trigger(self)


def update_trigger(self):
    name = self._get_param("Name")
    upd = self._get_param("TriggerUpdate") or {}
    trig = self.glue_backend.triggers.get(name)
    if trig is None:
        raise EntityNotFoundException("Trigger %s not found." % name)
    if upd.get("Name") not in (None, name):
        raise InvalidInputException("UpdateTrigger", "TriggerUpdate.Name must be the "
                                    "trigger's name (triggers cannot be renamed)")
    if "Schedule" in upd:
        trig.schedule = upd["Schedule"]
    if "Description" in upd:
        trig.description = upd["Description"]
    if "Actions" in upd:
        trig.actions = [Action(a) for a in upd["Actions"]]
    if "Predicate" in upd:
        trig.predicate = Predicate(upd["Predicate"]) if upd["Predicate"] else None
    if "EventBatchingCondition" in upd:
        trig.event_batching_condition = upd["EventBatchingCondition"]
    if trig.trigger_type == "CONDITIONAL" and not trig.predicate:
        raise InvalidInputException("UpdateTrigger", "Predicate cannot be null or empty")
    return json.dumps({"Trigger": trig.as_dict()}, default=str)


# ---------------------------------------------------------------- DQ rulesets

def _rulesets(backend):
    if not hasattr(backend, "_pipec_rulesets"):
        backend._pipec_rulesets = {}
    return backend._pipec_rulesets


def _ruleset_arn(backend, name):
    return "arn:aws:glue:%s:%s:dataQualityRuleset/%s" % (backend.region_name,
                                                         backend.account_id, name)


def _ts(dt):
    return dt.timestamp()


def _rule_count(text):
    import _standin_dqdl
    return len(_standin_dqdl.split_rules(text))


def create_data_quality_ruleset(self):
    b = self.glue_backend
    name = self._get_param("Name")
    store = _rulesets(b)
    if name in store:
        raise _AlreadyExists("Data Quality Ruleset %s already exists." % name)
    now = utcnow()
    store[name] = {"Name": name, "Description": self._get_param("Description"),
                   "Ruleset": self._get_param("Ruleset"),
                   "TargetTable": self._get_param("TargetTable"),
                   "DataQualitySecurityConfiguration":
                       self._get_param("DataQualitySecurityConfiguration"),
                   "CreatedOn": now, "LastModifiedOn": now}
    tags = self._get_param("Tags")
    if tags:
        b.tag_resource(_ruleset_arn(b, name), tags)
    return json.dumps({"Name": name})


def _get_ruleset(self, name):
    rs = _rulesets(self.glue_backend).get(name)
    if rs is None:
        raise EntityNotFoundException("Cannot find Data Quality Ruleset in account %s with "
                                      "name %s" % (self.glue_backend.account_id, name))
    return rs


def _ruleset_out(rs, keys):
    out = {}
    for k in keys:
        v = rs.get(k)
        if v is None:
            continue
        out[k] = _ts(v) if k in ("CreatedOn", "LastModifiedOn") else v
    return out


def get_data_quality_ruleset(self):
    rs = _get_ruleset(self, self._get_param("Name"))
    return json.dumps(_ruleset_out(rs, ("Name", "Description", "Ruleset", "TargetTable",
                                        "CreatedOn", "LastModifiedOn",
                                        "DataQualitySecurityConfiguration")))


def update_data_quality_ruleset(self):
    rs = _get_ruleset(self, self._get_param("Name"))
    for k in ("Description", "Ruleset"):
        v = self._get_param(k)
        if v is not None:
            rs[k] = v
    rs["LastModifiedOn"] = utcnow()
    return json.dumps(_ruleset_out(rs, ("Name", "Description", "Ruleset")))


def delete_data_quality_ruleset(self):
    b = self.glue_backend
    name = self._get_param("Name")
    _get_ruleset(self, name)
    del _rulesets(b)[name]
    arn = _ruleset_arn(b, name)
    keys = list(b.get_tags(arn).keys())
    if keys:
        b.untag_resource(arn, keys)
    return json.dumps({})


def list_data_quality_rulesets(self):
    b = self.glue_backend
    flt = self._get_param("Filter") or {}
    tags = self._get_param("Tags") or {}
    max_results = self._get_int_param("MaxResults") or 100
    token = self._get_param("NextToken")
    items = []
    for name in sorted(_rulesets(b)):
        rs = _rulesets(b)[name]
        if flt.get("Name") and flt["Name"] != name:
            continue
        if flt.get("Description") and flt["Description"] != rs.get("Description"):
            continue
        if flt.get("TargetTable") and flt["TargetTable"] != rs.get("TargetTable"):
            continue
        if tags:
            have = b.get_tags(_ruleset_arn(b, name))
            if any(have.get(k) != v for k, v in tags.items()):
                continue
        d = _ruleset_out(rs, ("Name", "Description", "CreatedOn", "LastModifiedOn",
                              "TargetTable"))
        d["RuleCount"] = _rule_count(rs.get("Ruleset") or "")
        items.append(d)
    start = int(token) if token and token.isdigit() else 0
    page = items[start:start + max_results]
    out = {"Rulesets": page}
    if start + max_results < len(items):
        out["NextToken"] = str(start + max_results)
    return json.dumps(out)


NEW_METHODS = {
    "create_job": create_job, "update_job": update_job,
    "create_trigger": create_trigger, "update_trigger": update_trigger,
    "create_data_quality_ruleset": create_data_quality_ruleset,
    "get_data_quality_ruleset": get_data_quality_ruleset,
    "update_data_quality_ruleset": update_data_quality_ruleset,
    "delete_data_quality_ruleset": delete_data_quality_ruleset,
    "list_data_quality_rulesets": list_data_quality_rulesets,
}


def patch_glue():
    for name, fn in NEW_METHODS.items():
        setattr(GlueResponse, name, fn)
    model = glue_model.model()
    for op in model.operation_names:
        meth = camelcase_to_underscores(op)
        fn = getattr(GlueResponse, meth, None)
        if fn is not None and callable(fn) and not getattr(fn, "_pipec_validated", False):
            w = _validated(op, fn)
            w._pipec_validated = True
            setattr(GlueResponse, meth, w)


# ---------------------------------------------------------------- call counting

class Calls:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.calls, self.errors, self.log = {}, {}, []

    def add(self, op, status):
        with self.lock:
            self.calls[op] = self.calls.get(op, 0) + 1
            if status >= 400:
                self.errors[op] = self.errors.get(op, 0) + 1
            if len(self.log) < 10000:
                self.log.append({"op": op, "status": status})

    def snapshot(self):
        with self.lock:
            return {"total": sum(self.calls.values()), "calls": dict(sorted(self.calls.items())),
                    "errors": dict(sorted(self.errors.items())), "log": list(self.log)}


def _s3_op(method, path, query):
    parts = [p for p in path.split("/") if p]
    q = urllib.parse.parse_qs(query, keep_blank_values=True)
    if not parts:
        return "ListBuckets"
    if len(parts) == 1:
        if method == "PUT":
            return "CreateBucket"
        if method == "HEAD":
            return "HeadBucket"
        if method == "DELETE":
            return "DeleteBucket"
        if method == "GET":
            return "ListObjectsV2" if q.get("list-type") == ["2"] else "ListObjects"
        if method == "POST" and "delete" in q:
            return "DeleteObjects"
        return "%s bucket" % method
    if method == "PUT":
        return "CopyObject" if False else "PutObject"
    return {"GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject",
            "POST": "PostObject"}.get(method, method)


def classify(environ, body):
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = re.search(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", auth)
    service = m.group(1) if m else None
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        prefix, _, op = target.partition(".")
        if not service:
            service = {"AWSGlue": "glue"}.get(prefix, prefix.lower())
        return "%s.%s" % (service, op)
    ctype = environ.get("CONTENT_TYPE", "")
    params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if "x-www-form-urlencoded" in ctype and body:
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    if "Action" in params:
        return "%s.%s" % (service or "unknown", params["Action"][0])
    if service == "s3" or service is None:
        return "s3.%s" % _s3_op(environ.get("REQUEST_METHOD", "GET"),
                                environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""))
    return "%s.%s %s" % (service, environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))


class CountingApp:
    def __init__(self, app):
        self.app = app
        self.calls = Calls()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/pipec-test/calls"):
            if path.rstrip("/") == "/pipec-test/calls/reset" and \
                    environ.get("REQUEST_METHOD") == "POST":
                with self.calls.lock:
                    self.calls.reset()
                body = b'{"reset": true}'
            elif path.rstrip("/") == "/pipec-test/calls":
                body = json.dumps(self.calls.snapshot()).encode()
            else:
                start_response("404 Not Found", [("Content-Type", "application/json")])
                return [b'{"error": "not found"}']
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if path.startswith("/moto-api") or path == "/favicon.ico":
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        op = classify(environ, body)
        status_holder = {}

        def sr(status, headers, exc_info=None):
            status_holder["s"] = int(status.split()[0])
            return start_response(status, headers, exc_info)
        result = self.app(environ, sr)
        try:
            return list(result)
        finally:
            self.calls.add(op, status_holder.get("s", 500))
            if hasattr(result, "close"):
                result.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description="moto server + pipec test additions")
    ap.add_argument("-H", "--host", default="127.0.0.1")
    ap.add_argument("-p", "--port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)))
    args = ap.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("moto_plus.py: loopback only")
    os.environ.setdefault("MOTO_PORT", str(args.port))
    patch_glue()

    def stop(signum, frame):
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    app = CountingApp(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)


_ = copy
if __name__ == "__main__":
    main()
