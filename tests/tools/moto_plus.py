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
  CreateJob/CreateTrigger/CreateWorkflow  AlreadyExistsException for an existing
                            name (moto's CreateWorkflow replaces the workflow)
  CreateWorkflow/DeleteWorkflow  the Tags given are the workflow's (GetTags), and
                            go with it (moto keeps neither)
  CreateTrigger             a WorkflowName must name an existing workflow
                            (EntityNotFoundException), so a workflow created
                            after the triggers that join it fails as in Glue
  GetJob/GetJobs/BatchGetJobs  also return JobMode, JobRunQueuingEnabled,
                            MaintenanceWindow when set, and the service-side
                            defaults Glue fills in (JobMode SCRIPT,
                            ExecutionProperty.MaxConcurrentRuns 1, MaxRetries 0,
                            Timeout 480 for Glue >= 5.0 else 2880, MaxCapacity /
                            AllocatedCapacity = NumberOfWorkers x DPU per worker)
Athena and the Redshift Data API run no query in moto; here each query
text is looked up in a list of canned answers, set by the test (no auth):
  POST /pipec-test/queries      {"queries": [{"match": REGEX, "columns": [NAME...],
                                 "rows": [[VALUE...]...], "fail": REASON, "polls": N,
                                 "page_size": N}, ...]}  replaces the list; the first
                                 whose REGEX (re.search) matches the query text wins.
                                 VALUEs are JSON (null, true, 1, 1.5, "x"); "fail"
                                 ends the query FAILED (Athena StateChangeReason,
                                 Data API Error), "cancel" CANCELLED / ABORTED; "polls" is how many status calls
                                 answer RUNNING/STARTED first (default 1);
                                 "page_size" splits the results into pages.  A
                                 query nothing matches fails "no canned answer".
  StartQueryExecution/GetQueryExecution/GetQueryResults (WorkGroup must exist) and
  ExecuteStatement/DescribeStatement/GetStatementResult: request bodies validated
  against botocore's athena / redshift-data input shapes, answers against their
  output shapes (a violation answers 500).
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
                                (athena and redshift-data entries also hold the
                                 request "body")
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
import time
import urllib.parse
import uuid

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
import botocore.session  # noqa: E402
from botocore.validate import ParamValidator  # noqa: E402

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
    wf = self._get_param("WorkflowName")
    if wf is not None and wf not in self.glue_backend.workflows:
        raise EntityNotFoundException("Workflow %s not found." % wf)
    return _orig_create_trigger(self)


# ---------------------------------------------------------------- workflows

_orig_create_workflow = GlueResponse.create_workflow


def _workflow_arn(backend, name):
    return "arn:aws:glue:%s:%s:workflow/%s" % (backend.region_name, backend.account_id, name)


def create_workflow(self):
    name = self._get_param("Name")
    backend = self.glue_backend
    if name in backend.workflows:
        raise _AlreadyExists("Workflow %s already exists." % name)
    res = _orig_create_workflow(self)
    tags = self._get_param("Tags") or {}
    if tags:
        backend.tagger.tag_resource(_workflow_arn(backend, name),
                                    backend.tagger.convert_dict_to_tags_input(tags))
    return res


_orig_delete_workflow = GlueResponse.delete_workflow


def delete_workflow(self):
    backend = self.glue_backend
    arn = _workflow_arn(backend, self._get_param("Name"))
    res = _orig_delete_workflow(self)
    backend.tagger.delete_all_tags_for_resource(arn)
    return res


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
    "create_workflow": create_workflow, "delete_workflow": delete_workflow,
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


# ---------------------------------------------------------------- Athena and Redshift Data API

class QueryFake:
    """Canned answers of Athena and Redshift Data API queries."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.runs = {}      # query / statement id -> state

    def set_rules(self, rules):
        with self.lock:
            self.rules = [dict(r, _re=re.compile(r["match"], re.S)) for r in rules]

    def start(self, engine, text, extra):
        with self.lock:
            rule = next((r for r in self.rules if r["_re"].search(text)), None)
            qid = str(uuid.uuid4())
            self.runs[qid] = {"engine": engine, "text": text, "rule": rule,
                              "polls": (rule or {}).get("polls", 1), "extra": extra,
                              "at": time.time()}
            return qid

    def status(self, qid):
        """(run, "running" | "failed" | "done", reason) or (None, ...)."""
        with self.lock:
            run = self.runs.get(qid)
            if run is None:
                return None, None, None
            if run["polls"] > 0:
                run["polls"] -= 1
                return run, "running", None
            rule = run["rule"]
            if rule is None:
                return run, "failed", "no canned answer for this query"
            if "fail" in rule:
                return run, "failed", rule["fail"]
            if "cancel" in rule:
                return run, "cancelled", rule["cancel"]
            return run, "done", None


QUERIES = QueryFake()
_SHAPES = {}


def _shape_problems(service, op, params, output):
    key = (service, op, output)
    if key not in _SHAPES:
        m = botocore.session.get_session().get_service_model(service)
        o = m.operation_model(op)
        _SHAPES[key] = o.output_shape if output else o.input_shape
    report = ParamValidator().validate(params, _SHAPES[key])
    return report.generate_report() if report.has_errors() else ""


class _QueryError(Exception):
    def __init__(self, status, code, msg):
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def _query_op(service, op):
    def deco(fn):
        def wrapper(self):
            try:
                params = json.loads(self.body or "{}")
                problems = _shape_problems(service, op, params, False)
                if problems:
                    raise _QueryError(400, "InvalidRequestException" if service == "athena"
                                      else "ValidationException", problems[:2000])
                out = fn(self, params)
            except _QueryError as e:
                return e.status, {"status": e.status}, json.dumps(
                    {"__type": e.code, "Message": e.msg})
            problems = _shape_problems(service, op, out, True)
            if problems:
                return 500, {"status": 500}, json.dumps(
                    {"__type": "InternalFailure", "Message": "moto_plus answer: " + problems})
            return 200, {}, json.dumps(out)
        wrapper.__name__ = fn.__name__
        return wrapper
    return deco


def _athena_value(v):
    if v is None:
        return {}
    if isinstance(v, bool):
        return {"VarCharValue": "true" if v else "false"}
    return {"VarCharValue": str(v)}


def _athena_type(v):
    return {bool: "boolean", int: "bigint", float: "double"}.get(type(v), "varchar")


@_query_op("athena", "StartQueryExecution")
def athena_start_query_execution(self, params):
    wg = params.get("WorkGroup", "primary")
    if not self.athena_backend.get_work_group(wg):
        raise _QueryError(400, "InvalidRequestException", "WorkGroup %s is not found." % wg)
    qid = QUERIES.start("athena", params["QueryString"], params)
    return {"QueryExecutionId": qid}


def _athena_run(qid):
    run, state, reason = QUERIES.status(qid)
    if run is None or run["engine"] != "athena":
        raise _QueryError(400, "InvalidRequestException",
                          "QueryExecution %s was not found" % qid)
    return run, state, reason


@_query_op("athena", "GetQueryExecution")
def athena_get_query_execution(self, params):
    qid = params["QueryExecutionId"]
    run, state, reason = _athena_run(qid)
    status = {"State": {"running": "RUNNING", "failed": "FAILED", "cancelled": "CANCELLED",
                        "done": "SUCCEEDED"}[state],
              "SubmissionDateTime": run["at"]}
    if state == "cancelled":
        status["StateChangeReason"] = reason
    if state == "failed":
        status["StateChangeReason"] = reason
        status["AthenaError"] = {"ErrorCategory": 2, "ErrorType": 1006, "Retryable": False,
                                 "ErrorMessage": reason}
    if state != "running":
        status["CompletionDateTime"] = run["at"]
    qe = {"QueryExecutionId": qid, "Query": run["text"], "StatementType": "DML",
          "Status": status, "WorkGroup": run["extra"].get("WorkGroup", "primary")}
    for k in ("ResultConfiguration", "QueryExecutionContext"):
        if k in run["extra"]:
            qe[k] = run["extra"][k]
    return {"QueryExecution": qe}


def _page(rows, params, page_size):
    start = int(params.get("NextToken") or 0)
    size = min(params.get("MaxResults") or 1000, page_size or 1000)
    out = rows[start:start + size]
    token = str(start + size) if start + size < len(rows) else None
    return out, token


@_query_op("athena", "GetQueryResults")
def athena_get_query_results(self, params):
    qid = params["QueryExecutionId"]
    run, state, reason = _athena_run(qid)
    if state != "done":
        raise _QueryError(400, "InvalidRequestException",
                          "Query has not yet finished. Current state: %s"
                          % {"failed": "FAILED", "cancelled": "CANCELLED"}.get(state, "RUNNING"))
    rule = run["rule"]
    cols, data = rule.get("columns", []), rule.get("rows", [])
    types = [_athena_type(next((r[i] for r in data if r[i] is not None), ""))
             for i in range(len(cols))]
    rows = [{"Data": [{"VarCharValue": c} for c in cols]}] + \
        [{"Data": [_athena_value(v) for v in r]} for r in data]
    page, token = _page(rows, params, rule.get("page_size"))
    out = {"UpdateCount": 0, "ResultSet": {
        "Rows": page, "ResultSetMetadata": {"ColumnInfo": [
            {"CatalogName": "hive", "Name": c, "Label": c, "Type": t}
            for c, t in zip(cols, types)]}}}
    if token:
        out["NextToken"] = token
    return out


def _rs_field(v):
    if v is None:
        return {"isNull": True}
    if isinstance(v, bool):
        return {"booleanValue": v}
    if isinstance(v, int):
        return {"longValue": v}
    if isinstance(v, float):
        return {"doubleValue": v}
    return {"stringValue": str(v)}


@_query_op("redshift-data", "ExecuteStatement")
def rs_execute_statement(self, params):
    if bool(params.get("WorkgroupName")) == bool(params.get("ClusterIdentifier")):
        raise _QueryError(400, "ValidationException",
                          "Either WorkgroupName or ClusterIdentifier is required")
    qid = QUERIES.start("redshift-data", params["Sql"], params)
    out = {"Id": qid, "CreatedAt": time.time(), "Database": params["Database"]}
    for k in ("ClusterIdentifier", "WorkgroupName", "SecretArn", "DbUser"):
        if k in params:
            out[k] = params[k]
    return out


def _rs_run(sid):
    run, state, reason = QUERIES.status(sid)
    if run is None or run["engine"] != "redshift-data":
        raise _QueryError(400, "ResourceNotFoundException", "Query does not exist.")
    return run, state, reason


@_query_op("redshift-data", "DescribeStatement")
def rs_describe_statement(self, params):
    run, state, reason = _rs_run(params["Id"])
    out = {"Id": params["Id"], "QueryString": run["text"], "CreatedAt": run["at"],
           "UpdatedAt": run["at"], "HasResultSet": state == "done",
           "Status": {"running": "STARTED", "failed": "FAILED", "cancelled": "ABORTED",
                      "done": "FINISHED"}[state]}
    if state in ("failed", "cancelled"):
        out["Error"] = reason
    if state == "done":
        out["ResultRows"] = len(run["rule"].get("rows", []))
    return out


@_query_op("redshift-data", "GetStatementResult")
def rs_get_statement_result(self, params):
    run, state, reason = _rs_run(params["Id"])
    if state != "done":
        raise _QueryError(400, "ValidationException", "Query does not have result. "
                          "Please check query status with DescribeStatement.")
    rule = run["rule"]
    cols, data = rule.get("columns", []), rule.get("rows", [])
    page, token = _page([[_rs_field(v) for v in r] for r in data], params,
                        rule.get("page_size"))
    out = {"Records": page, "TotalNumRows": len(data),
           "ColumnMetadata": [{"name": c, "label": c, "typeName": "varchar"} for c in cols]}
    if token:
        out["NextToken"] = token
    return out


def patch_queries():
    from moto.athena.responses import AthenaResponse
    from moto.redshiftdata.responses import RedshiftDataAPIServiceResponse
    for name, fn in (("start_query_execution", athena_start_query_execution),
                     ("get_query_execution", athena_get_query_execution),
                     ("get_query_results", athena_get_query_results)):
        setattr(AthenaResponse, name, fn)
    for name, fn in (("execute_statement", rs_execute_statement),
                     ("describe_statement", rs_describe_statement),
                     ("get_statement_result", rs_get_statement_result)):
        setattr(RedshiftDataAPIServiceResponse, name, fn)


# ---------------------------------------------------------------- call counting

class Calls:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.calls, self.errors, self.log = {}, {}, []

    def add(self, op, status, body=None):
        with self.lock:
            self.calls[op] = self.calls.get(op, 0) + 1
            if status >= 400:
                self.errors[op] = self.errors.get(op, 0) + 1
            if len(self.log) < 10000:
                entry = {"op": op, "status": status}
                if body is not None:
                    entry["body"] = body
                self.log.append(entry)

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
        if path.rstrip("/") == "/pipec-test/queries" and environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                QUERIES.set_rules(json.loads(environ["wsgi.input"].read(length))["queries"])
                status, body = "200 OK", b'{"set": true}'
            except (ValueError, KeyError, TypeError, re.error) as e:
                status, body = "400 Bad Request", json.dumps({"error": str(e)}).encode()
            start_response(status, [("Content-Type", "application/json"),
                                    ("Content-Length", str(len(body)))])
            return [body]
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
            logged = None
            if op.split(".")[0] in ("athena", "redshift-data"):
                try:
                    logged = json.loads(body or b"{}")
                except ValueError:
                    logged = body.decode("utf-8", "replace")
            self.calls.add(op, status_holder.get("s", 500), logged)
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
    patch_queries()

    def stop(signum, frame):
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    app = CountingApp(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)


_ = copy
if __name__ == "__main__":
    main()
