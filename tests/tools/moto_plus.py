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
Job runs, scripted (replacing moto's, whose runs do not progress as Glue's do):
  StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun, and the data-quality
  results ListDataQualityResults / GetDataQualityResult; every answer is
  checked against botocore's output shape before it is sent.
  POST /pipec-test/runs         {"job": NAME, "steps": [STEP, ...]}: the script of
                                the next run of NAME started (queued per job). Each
                                GetJobRun of the run applies the next STEP:
                                {"state": "RUNNING", "output": [LINE...], "error":
                                [LINE...], "error_message": M, "dpu_seconds": N,
                                "execution_time": N}; the lines are put as events in
                                /aws-glue/jobs/output and /aws-glue/jobs/error, in
                                the driver's stream "<JobRunId>-driver" (Glue 5.x;
                                "output_bare"/"error_bare": stream "<JobRunId>", the
                                name of earlier versions). After the last step the run
                                stays as it is. Without a script: RUNNING, SUCCEEDED.
                                BatchStopJobRun: STOPPING, then STOPPED.
  GET  /pipec-test/runs         {"runs": [{"job", "id", "arguments", "stop_requests",
                                "polls", "state"}, ...]} in start order
  POST /pipec-test/dq-results   {"results": [GetDataQualityResult answers]}: added
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


# ---------------------------------------------------------------- job runs (scripted)

class Runs:
    """Job runs whose sequence of states and log lines a test scripts."""

    def __init__(self):
        self.lock = threading.RLock()
        self.scripts = {}       # job -> [steps, ...] waiting for a StartJobRun
        self.runs = []          # every run, in start order
        self.results = []       # data-quality results
        self.clock = 0

    def now_ms(self):
        with self.lock:
            self.clock += 1
            return int(utcnow().timestamp() * 1000) + self.clock


RUNS = Runs()
_RUN_KEYS = ("state", "output", "error", "output_bare", "error_bare", "error_message",
             "dpu_seconds", "execution_time")
_FINAL = ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED")


def _check_output(service, op, answer):
    """Raises when answer does not fit botocore's output shape of op."""
    import botocore.session
    shape = botocore.session.get_session().get_service_model(service) \
        .operation_model(op).output_shape
    problems = []
    _walk_out(shape, answer, op, problems)
    if problems:
        raise AssertionError("moto_plus %s answer: %s" % (op, "; ".join(problems)))
    return answer


def _walk_out(shape, value, path, out):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            return out.append("%s: not an object" % path)
        for k, v in value.items():
            if k not in shape.members:
                out.append("%s.%s: not in the shape" % (path, k))
            else:
                _walk_out(shape.members[k], v, path + "." + k, out)
    elif t == "list":
        if not isinstance(value, list):
            return out.append("%s: not a list" % path)
        for i, v in enumerate(value):
            _walk_out(shape.member, v, "%s[%d]" % (path, i), out)
    elif t == "map":
        if not isinstance(value, dict):
            return out.append("%s: not a map" % path)
        for k, v in value.items():
            _walk_out(shape.value, v, "%s[%s]" % (path, k), out)
    elif t == "string":
        if not isinstance(value, str):
            out.append("%s: not a string" % path)
        elif shape.enum and value not in shape.enum:
            out.append("%s: %r not in %s" % (path, value, shape.enum))
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            out.append("%s: not an integer" % path)
    elif t in ("double", "float", "timestamp"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            out.append("%s: not a number" % path)
    elif t == "boolean":
        if not isinstance(value, bool):
            out.append("%s: not a boolean" % path)


def _put_lines(account, region, group, stream, lines):
    from moto.logs.models import logs_backends
    be = logs_backends[account][region]
    if group not in be.groups:
        be.create_log_group(group, {})
    if stream not in be.groups[group].streams:
        be.create_log_stream(group, stream)
    if lines:
        be.put_log_events(group, stream, [{"timestamp": RUNS.now_ms(), "message": m}
                                          for m in lines])


def _run_out(run):
    d = {k: v for k, v in run["out"].items() if v is not None}
    return d


def _find_run(job, run_id):
    for r in RUNS.runs:
        if r["job"] == job and r["id"] == run_id:
            return r
    return None


def start_job_run(self):
    p = json.loads(self.body or "{}")
    name = p["JobName"]
    if name not in self.glue_backend.jobs:
        raise EntityNotFoundException("Job %s not found." % name)
    job = self.glue_backend.jobs[name].as_dict()
    with RUNS.lock:
        queue = RUNS.scripts.get(name) or []
        steps = queue.pop(0) if queue else [{"state": "RUNNING"}, {"state": "SUCCEEDED"}]
        rid = "jr_%064x" % (len(RUNS.runs) + 1 + (hash(name) & 0xffffff) * 4096)
        now = utcnow().timestamp()
        args = dict(job.get("DefaultArguments") or {})
        args.update(p.get("Arguments") or {})
        run = {"job": name, "id": rid, "arguments": p.get("Arguments"), "steps": steps,
               "step": 0, "polls": 0, "stop_requests": 0,
               "account": self.current_account, "region": self.region,
               "out": {"Id": rid, "Attempt": 0, "JobName": name, "JobMode": "SCRIPT",
                       "StartedOn": now, "LastModifiedOn": now, "JobRunState": "STARTING",
                       "Arguments": args, "ExecutionTime": 0,
                       "Timeout": job.get("Timeout", 480),
                       "MaxCapacity": job.get("MaxCapacity"),
                       "WorkerType": job.get("WorkerType"),
                       "NumberOfWorkers": job.get("NumberOfWorkers"),
                       "LogGroupName": "/aws-glue/jobs", "GlueVersion": job.get("GlueVersion")}}
        RUNS.runs.append(run)
    return json.dumps(_check_output("glue", "StartJobRun", {"JobRunId": rid}))


def _advance(run):
    out = run["out"]
    run["polls"] += 1
    if out["JobRunState"] in _FINAL:
        return
    if out["JobRunState"] == "STOPPING":
        out["JobRunState"] = "STOPPED"
    elif run["step"] < len(run["steps"]):
        st = run["steps"][run["step"]]
        run["step"] += 1
        bad = set(st) - set(_RUN_KEYS)
        if bad:
            raise AssertionError("unknown step keys %s" % sorted(bad))
        out["JobRunState"] = st.get("state", out["JobRunState"])
        for key, field in (("error_message", "ErrorMessage"), ("dpu_seconds", "DPUSeconds"),
                           ("execution_time", "ExecutionTime")):
            if key in st:
                out[field] = st[key]
        # Glue 5: the driver's stream is "<run id>-driver"; "_bare" keys
        # write to "<run id>", the name earlier versions use
        for kind in ("output", "error"):
            for key, stream in ((kind, run["id"] + "-driver"), (kind + "_bare", run["id"])):
                if st.get(key):
                    _put_lines(run["account"], run["region"], "/aws-glue/jobs/" + kind,
                               stream, st[key])
    out["LastModifiedOn"] = utcnow().timestamp()
    if out["JobRunState"] in _FINAL:
        out["CompletedOn"] = out["LastModifiedOn"]


def get_job_run(self):
    p = json.loads(self.body or "{}")
    with RUNS.lock:
        run = _find_run(p.get("JobName"), p.get("RunId"))
        if run is None:
            raise EntityNotFoundException("Job run %s not found." % p.get("RunId"))
        _advance(run)
        out = _run_out(run)
    return json.dumps(_check_output("glue", "GetJobRun", {"JobRun": out}))


def get_job_runs(self):
    p = json.loads(self.body or "{}")
    name = p["JobName"]
    if name not in self.glue_backend.jobs:
        raise EntityNotFoundException("Job %s not found." % name)
    with RUNS.lock:
        mine = [_run_out(r) for r in reversed(RUNS.runs) if r["job"] == name]
    start = int(p["NextToken"]) if str(p.get("NextToken", "")).isdigit() else 0
    n = p.get("MaxResults") or 100
    ans = {"JobRuns": mine[start:start + n]}
    if start + n < len(mine):
        ans["NextToken"] = str(start + n)
    return json.dumps(_check_output("glue", "GetJobRuns", ans))


def batch_stop_job_run(self):
    p = json.loads(self.body or "{}")
    ok, errors = [], []
    with RUNS.lock:
        for rid in p.get("JobRunIds", []):
            run = _find_run(p["JobName"], rid)
            if run is None or run["out"]["JobRunState"] in _FINAL:
                errors.append({"JobName": p["JobName"], "JobRunId": rid,
                               "ErrorDetail": {"ErrorCode": "InvalidInputException",
                                               "ErrorMessage": "run not running"}})
                continue
            run["stop_requests"] += 1
            run["out"]["JobRunState"] = "STOPPING"
            ok.append({"JobName": p["JobName"], "JobRunId": rid})
    return json.dumps(_check_output("glue", "BatchStopJobRun",
                                    {"SuccessfulSubmissions": ok, "Errors": errors}))


def list_data_quality_results(self):
    p = json.loads(self.body or "{}")
    f = p.get("Filter") or {}
    with RUNS.lock:
        res = [r for r in RUNS.results
               if all(r.get(k) == f[k] for k in ("JobName", "JobRunId") if k in f)]
    res.sort(key=lambda r: r.get("StartedOn", 0), reverse=True)
    keys = ("ResultId", "DataSource", "JobName", "JobRunId", "StartedOn")
    ans = {"Results": [{k: r[k] for k in keys if k in r} for r in res]}
    return json.dumps(_check_output("glue", "ListDataQualityResults", ans))


def get_data_quality_result(self):
    p = json.loads(self.body or "{}")
    with RUNS.lock:
        for r in RUNS.results:
            if r["ResultId"] == p.get("ResultId"):
                return json.dumps(_check_output("glue", "GetDataQualityResult", r))
    raise EntityNotFoundException("Cannot find Data Quality result %s" % p.get("ResultId"))


def runs_control(environ):
    """The /pipec-test/runs and /pipec-test/dq-results endpoints: (status, body)."""
    path = environ.get("PATH_INFO", "").rstrip("/")
    method = environ.get("REQUEST_METHOD")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
    if path == "/pipec-test/runs" and method == "POST":
        for st in data["steps"]:
            bad = set(st) - set(_RUN_KEYS)
            if bad:
                return "400 Bad Request", {"error": "unknown step keys %s" % sorted(bad)}
        with RUNS.lock:
            RUNS.scripts.setdefault(data["job"], []).append(data["steps"])
        return "200 OK", {"queued": True}
    if path == "/pipec-test/runs":
        with RUNS.lock:
            return "200 OK", {"runs": [{"job": r["job"], "id": r["id"],
                                        "arguments": r["arguments"],
                                        "stop_requests": r["stop_requests"],
                                        "polls": r["polls"],
                                        "state": r["out"]["JobRunState"]} for r in RUNS.runs]}
    if path == "/pipec-test/dq-results" and method == "POST":
        for r in data["results"]:
            _check_output("glue", "GetDataQualityResult", r)
        with RUNS.lock:
            RUNS.results.extend(data["results"])
        return "200 OK", {"added": len(data["results"])}
    return "404 Not Found", {"error": "not found"}


NEW_METHODS = {
    "create_job": create_job, "update_job": update_job,
    "create_trigger": create_trigger, "update_trigger": update_trigger,
    "create_data_quality_ruleset": create_data_quality_ruleset,
    "get_data_quality_ruleset": get_data_quality_ruleset,
    "update_data_quality_ruleset": update_data_quality_ruleset,
    "delete_data_quality_ruleset": delete_data_quality_ruleset,
    "list_data_quality_rulesets": list_data_quality_rulesets,
    "start_job_run": start_job_run, "get_job_run": get_job_run, "get_job_runs": get_job_runs,
    "batch_stop_job_run": batch_stop_job_run,
    "list_data_quality_results": list_data_quality_results,
    "get_data_quality_result": get_data_quality_result,
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
        if path.startswith("/pipec-test/runs") or path.startswith("/pipec-test/dq-results"):
            try:
                status, ans = runs_control(environ)
            except (ValueError, KeyError, AssertionError) as e:
                status, ans = "400 Bad Request", {"error": str(e)}
            body = json.dumps(ans).encode()
            start_response(status, [("Content-Type", "application/json"),
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
