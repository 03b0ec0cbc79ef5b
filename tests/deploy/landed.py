#!/usr/bin/env python3
"""landed.py BUILD_DIR PROJECT ENV: reads back with boto3 what `pipec deploy`
put in Glue and S3 and checks it equals the build's artifacts: every member
of job.json, triggers.json, ruleset.json and workflow.json (workflow,
EventBridge rule and targets), pipec's ownership tags, the
trigger states (scheduled and conditional activated, on-demand not started),
the content marker ending each Description (the first 16 hex digits of the
pipec:hash tag) and the uploaded script bytes.  Prints one line per failed check; exit 1
when any failed."""
import json
import os
import sys

import boto3

build, project, env = sys.argv[1:4]
glue = boto3.client("glue")
s3 = boto3.client("s3")
events = boto3.client("events")
sts = boto3.client("sts")
account = sts.get_caller_identity()["Account"]
region = glue.meta.region_name
manifest = json.load(open(os.path.join(build, "manifest.json")))
bad = []


def arn(kind, name):
    return f"arn:aws:glue:{region}:{account}:{kind}/{name}"


def check_tags(kind, name, want, pipeline):
    got = glue.get_tags(ResourceArn=arn(kind, name))["Tags"]
    for k, v in (want or {}).items():
        if got.get(k) != v:
            bad.append(f"{kind} {name}: tag {k} = {got.get(k)!r}, want {v!r}")
    for k, v in (("pipec:project", project), ("pipec:environment", env), ("pipec:pipeline", pipeline)):
        if got.get(k) != v:
            bad.append(f"{kind} {name}: tag {k} = {got.get(k)!r}, want {v!r}")
    if len(got.get("pipec:hash", "")) != 64:
        bad.append(f"{kind} {name}: no pipec:hash tag")
    return got


def check_description(kind, name, want, got, tags):
    marker = "[pipec:sha256=%s]" % tags.get("pipec:hash", "")[:16]
    want = (want.get("Description") + " " if want.get("Description") else "") + marker
    if got.get("Description") != want:
        bad.append(f"{kind} {name}: Description = {got.get('Description')!r}, want {want!r}")


def same(kind, name, want, got, skip=("Tags", "StartOnCreation", "Description")):
    for k, v in want.items():
        if k in skip:
            continue
        if got.get(k) != v:
            bad.append(f"{kind} {name}: {k} = {json.dumps(got.get(k), default=str)}, want {json.dumps(v)}")


for pipeline in sorted(manifest["pipelines"]):
    d = os.path.join(build, pipeline)
    job = json.load(open(os.path.join(d, "job.json")))
    got = glue.get_job(JobName=job["Name"])["Job"]
    same("job", job["Name"], job, got)
    check_description("job", job["Name"], job, got, check_tags("job", job["Name"], job.get("Tags"), pipeline))
    loc = job["Command"]["ScriptLocation"][len("s3://"):]
    bucket, key = loc.split("/", 1)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    if body != open(os.path.join(d, "job.py"), "rb").read():
        bad.append(f"job {job['Name']}: uploaded script differs from job.py")
    for t in json.load(open(os.path.join(d, "triggers.json"))):
        got = glue.get_trigger(Name=t["Name"])["Trigger"]
        same("trigger", t["Name"], t, got)
        check_description("trigger", t["Name"], t, got,
                          check_tags("trigger", t["Name"], t.get("Tags"), pipeline))
        want_state = "ACTIVATED" if t["Type"] in ("SCHEDULED", "CONDITIONAL") else "CREATED"
        if got.get("State") != want_state:
            bad.append(f"trigger {t['Name']}: state {got.get('State')}, want {want_state}")
    rp = os.path.join(d, "ruleset.json")
    if os.path.exists(rp):
        r = json.load(open(rp))
        got = glue.get_data_quality_ruleset(Name=r["Name"])
        same("ruleset", r["Name"], r, got)
        check_description("ruleset", r["Name"], r, got,
                          check_tags("dataQualityRuleset", r["Name"], r.get("Tags"), pipeline))
    wp = os.path.join(d, "workflow.json")
    if os.path.exists(wp):
        w = json.load(open(wp))
        cw = w["CreateWorkflow"]
        got = glue.get_workflow(Name=cw["Name"])["Workflow"]
        same("workflow", cw["Name"], cw, got)
        check_description("workflow", cw["Name"], cw, got,
                          check_tags("workflow", cw["Name"], cw.get("Tags"), pipeline))
        if "PutRule" not in w:
            continue  # an after chain's workflow: no EventBridge rule
        rule = events.describe_rule(Name=w["PutRule"]["Name"])
        same("event-rule", rule["Name"], w["PutRule"], rule)
        targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        if targets != w["PutTargets"]["Targets"]:
            bad.append(f"event-rule {rule['Name']}: targets {targets}, want {w['PutTargets']['Targets']}")
for line in bad:
    print(line)
sys.exit(1 if bad else 0)
