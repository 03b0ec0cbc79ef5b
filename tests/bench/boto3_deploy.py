#!/usr/bin/env python3
"""boto3_deploy.py MODE BUILD_DIR OUT.json: the sequential boto3 baseline of
tests/bench/deploy.sh, doing the calls pipec makes, one after the other.

  deploy  per pipeline: PutObject of job.py, CreateJob, CreateTrigger
          (+ StartTrigger when not started on creation)
  plan    ListJobs/ListTriggers by the pipec:owner tag, BatchGetJobs and
          BatchGetTriggers in chunks of 100 (an unchanged project's plan)

The plan fails (exit status 1) when a deployed job or trigger is not found.
Writes {"calls", "wall", "cpu"} (cpu = this process's user + system seconds,
from getrusage, measured around the calls only) to OUT.json."""
import json
import os
import resource
import sys
import time

import boto3

mode, build, out = sys.argv[1:4]
manifest = json.load(open(os.path.join(build, "manifest.json")))
owner = {"pipec:owner": f"{manifest['project']}/{manifest['environment']}"}
glue = boto3.client("glue")
s3 = boto3.client("s3")
pipelines = sorted(manifest["pipelines"])
jobs, triggers, scripts = [], [], []
for p in pipelines:
    d = os.path.join(build, p)
    job = json.load(open(os.path.join(d, "job.json")))
    job.setdefault("Tags", {}).update(owner)
    jobs.append(job)
    scripts.append(open(os.path.join(d, "job.py"), "rb").read())
    for t in json.load(open(os.path.join(d, "triggers.json"))):
        t.setdefault("Tags", {}).update(owner)
        triggers.append(t)

calls = 0


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


c0, w0 = cpu(), time.monotonic()
if mode == "deploy":
    for job, script in zip(jobs, scripts):
        bucket, key = job["Command"]["ScriptLocation"][5:].split("/", 1)
        s3.put_object(Bucket=bucket, Key=key, Body=script)
        glue.create_job(**job)
        calls += 2
    for t in triggers:
        glue.create_trigger(**t)
        calls += 1
        if t["Type"] in ("SCHEDULED", "CONDITIONAL") and not t.get("StartOnCreation"):
            glue.start_trigger(Name=t["Name"])
            calls += 1
else:
    names, token = [], None
    while True:
        kw = {"Tags": owner, "MaxResults": 1000}
        if token:
            kw["NextToken"] = token
        r = glue.list_jobs(**kw)
        calls += 1
        names += r["JobNames"]
        token = r.get("NextToken")
        if not token:
            break
    tnames, token = [], None
    while True:
        kw = {"Tags": owner, "MaxResults": 200}
        if token:
            kw["NextToken"] = token
        r = glue.list_triggers(**kw)
        calls += 1
        tnames += r["TriggerNames"]
        token = r.get("NextToken")
        if not token:
            break
    want = sorted(set(names) | {j["Name"] for j in jobs})
    missing = []
    for i in range(0, len(want), 100):
        missing += glue.batch_get_jobs(JobNames=want[i:i + 100])["JobsNotFound"]
        calls += 1
    want = sorted(set(tnames) | {t["Name"] for t in triggers})
    for i in range(0, len(want), 100):
        missing += glue.batch_get_triggers(TriggerNames=want[i:i + 100])["TriggersNotFound"]
        calls += 1
wall, used = time.monotonic() - w0, cpu() - c0
if mode == "plan" and missing:
    sys.exit("boto3_deploy.py: %d deployed resources not found, e.g. %s"
             % (len(missing), missing[0]))
json.dump({"calls": calls, "wall": wall, "cpu": used}, open(out, "w"))
