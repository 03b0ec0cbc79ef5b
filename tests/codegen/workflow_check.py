#!/usr/bin/env python3
"""workflow_check.py BUILD_DIR: every <pipeline>/workflow.json against
botocore's models (Glue CreateWorkflow, EventBridge PutRule and PutTargets)
and against the trigger that joins the workflow; then the workflows of the
whole build against its triggers (docs/artifacts.md, "## workflow.json"):
each has exactly one start trigger, a conditional trigger watches only jobs
of its own workflow (or, outside one, jobs outside any), and a chain's
MaxConcurrentRuns is no more than any of its jobs allows.  Prints ok / not
ok lines."""
import json
import os
import sys

import botocore.session
from botocore.validate import ParamValidator


def validate(service, op, params):
    model = botocore.session.get_session().get_service_model(service)
    report = ParamValidator().validate(params, model.operation_model(op).input_shape)
    return [report.generate_report()] if report.has_errors() else []


def key_filter_problems(pattern, source_path):
    """The rule matches the source's bucket, and every object-key matcher
    (EventBridge content filtering: a string is an exact value; prefix,
    suffix, or wildcard with '*' for any characters and '\\' escaping)
    accepts only keys under the source location."""
    bucket, _, prefix = source_path[len("s3://"):].partition("/")
    detail = pattern.get("detail", {})
    probs = []
    if detail.get("bucket", {}).get("name") != [bucket]:
        probs.append("the rule matches bucket %r, not the source's %r"
                     % (detail.get("bucket"), bucket))
    for m in detail.get("object", {}).get("key", []):
        if isinstance(m, str):
            start = m
        elif isinstance(m, dict) and len(m) == 1 and isinstance(list(m.values())[0], str):
            op, v = list(m.items())[0]
            if op == "wildcard":
                unescaped = v.replace("\\\\", "").replace("\\*", "")
                if unescaped.count("*") != 1:
                    probs.append("wildcard %r needs exactly one unescaped '*'" % v)
                start = v.split("*")[0].replace("\\", "")
            elif op in ("prefix", "suffix"):
                start = v if op == "prefix" else ""
            else:
                probs.append("key matcher %r is not a string, prefix, suffix or wildcard" % m)
                continue
        else:
            probs.append("key matcher %r is malformed" % (m,))
            continue
        if not start.startswith(prefix):
            probs.append("key matcher %r accepts keys outside the source location %s"
                         % (m, source_path))
    if prefix and not detail.get("object", {}).get("key"):
        probs.append("the rule accepts keys outside the source location %s" % source_path)
    return probs


def main(build):
    failed = 0
    for name in sorted(os.listdir(build)):
        path = os.path.join(build, name, "workflow.json")
        if not os.path.isfile(path):
            continue
        wf = json.load(open(path, encoding="utf-8"))
        trig = json.load(open(os.path.join(build, name, "triggers.json"), encoding="utf-8"))
        probs = validate("glue", "CreateWorkflow", wf["CreateWorkflow"])
        if "PutRule" not in wf:
            # an 'after' chain's workflow: this pipeline's trigger starts it
            starts = [t for t in trig if t.get("WorkflowName") == wf["CreateWorkflow"]["Name"]
                      and t.get("Type") in ("SCHEDULED", "ON_DEMAND")]
            if len(starts) != 1 or set(wf) != {"CreateWorkflow"}:
                probs.append("the chain's root has no SCHEDULED/ON_DEMAND trigger in the workflow")
            print("%s %s: workflow.json" % ("not ok" if probs else "ok", name))
            for p in probs:
                print("# " + p.replace("\n", "\n# "))
            failed += bool(probs)
            continue
        probs += validate("events", "PutRule", wf["PutRule"])
        probs += validate("events", "PutTargets", wf["PutTargets"])
        pattern = json.loads(wf["PutRule"]["EventPattern"])
        if pattern.get("source") != ["aws.s3"] or pattern.get("detail-type") != ["Object Created"]:
            probs.append("the rule does not match S3 Object Created events: %r" % pattern)
        job = json.load(open(os.path.join(build, name, "job.json"), encoding="utf-8"))
        probs += key_filter_problems(pattern, job["DefaultArguments"].get("--source_path", ""))
        if wf["PutTargets"]["Rule"] != wf["PutRule"]["Name"]:
            probs.append("PutTargets names another rule")
        arn = wf["PutTargets"]["Targets"][0]["Arn"]
        if not arn.endswith(":workflow/" + wf["CreateWorkflow"]["Name"]):
            probs.append("the rule targets %s, not the workflow" % arn)
        # EventBridge assumes the target's role: the Glue job's role trusts
        # only glue.amazonaws.com, so it must be another one.
        role = wf["PutTargets"]["Targets"][0].get("RoleArn")
        if not role or ":role/" not in role:
            probs.append("PutTargets has no RoleArn for EventBridge")
        elif role == job.get("Role"):
            probs.append("PutTargets RoleArn is the Glue job's role %s" % role)
        events = [t for t in trig if t.get("Type") == "EVENT"]
        if len(events) != 1 or events[0].get("WorkflowName") != wf["CreateWorkflow"]["Name"]:
            probs.append("triggers.json has no EVENT trigger in the workflow")
        print("%s %s: workflow.json" % ("not ok" if probs else "ok", name))
        for p in probs:
            print("# " + p.replace("\n", "\n# "))
        failed += bool(probs)
    return 1 if failed or not chains_ok(build) else 0


def chains_ok(build):
    """The workflows of the build against all its triggers and jobs."""
    workflows, wf_of_job, triggers, jobs = {}, {}, [], {}
    for name in sorted(os.listdir(build)):
        d = os.path.join(build, name)
        if not os.path.isfile(os.path.join(d, "triggers.json")):
            continue
        if os.path.isfile(os.path.join(d, "workflow.json")):
            wf = json.load(open(os.path.join(d, "workflow.json"), encoding="utf-8"))["CreateWorkflow"]
            workflows[wf["Name"]] = wf
        job = json.load(open(os.path.join(d, "job.json"), encoding="utf-8"))
        jobs[job["Name"]] = job
        for t in json.load(open(os.path.join(d, "triggers.json"), encoding="utf-8")):
            triggers.append(t)
            for a in t.get("Actions", []):
                wf_of_job[a["JobName"]] = t.get("WorkflowName")
    probs = []
    for t in triggers:
        w = t.get("WorkflowName")
        if w is not None and w not in workflows:
            probs.append("trigger %s joins %s, which no workflow.json creates" % (t["Name"], w))
        for c in t.get("Predicate", {}).get("Conditions", []):
            if wf_of_job.get(c.get("JobName")) != w:
                probs.append("trigger %s (workflow %s) watches job %s of workflow %s: it may "
                             "not fire within one workflow run" % (t["Name"], w, c.get("JobName"), wf_of_job.get(c.get("JobName"))))
    for w, wf in sorted(workflows.items()):
        starts = [t["Name"] for t in triggers
                  if t.get("WorkflowName") == w and t.get("Type") != "CONDITIONAL"]
        if len(starts) != 1:
            probs.append("workflow %s has start triggers %s, not exactly one" % (w, starts))
        runs = wf.get("MaxConcurrentRuns")
        members = [j for j, x in wf_of_job.items() if x == w]
        if len(members) > 1 and runs is None:
            probs.append("workflow %s of %d jobs has no MaxConcurrentRuns" % (w, len(members)))
        for j in members:
            limit = jobs[j].get("ExecutionProperty", {}).get("MaxConcurrentRuns", 1)
            if runs is not None and runs > limit:
                probs.append("workflow %s allows %d runs at a time, job %s only %d" % (w, runs, j, limit))
    print("%s workflows: one start trigger each, conditions within the workflow, "
          "MaxConcurrentRuns within every job's" % ("not ok" if probs else "ok"))
    for p in probs:
        print("# " + p)
    return not probs


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
