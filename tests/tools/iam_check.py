#!/usr/bin/env python3
"""Checks of `pipec iam-policy` documents (suite 83-iam-policy).

  iam_check.py actions POLICY...        structure; every action names a real
                                        operation or permission (botocore)
  iam_check.py cfn OUT POLICY...        a CloudFormation template embedding
                                        each policy as AWS::IAM::ManagedPolicy
  iam_check.py covers POLICY CALLS...   every operation counted by moto_plus
                                        (/pipec-test/calls JSON) is allowed

Action names: glue:X, events:X, s3tables:X, lakeformation:X, logs:X, iam:X and
dynamodb:X must be operations of botocore's model of that service.  S3
permissions are not all operation names; S3_PERMISSION maps the S3 operations
pipec and its jobs send to the permission IAM checks (HeadObject is authorised
as s3:GetObject, ListObjectsV2 as s3:ListBucket).  STS GetCallerIdentity needs
no permission.
"""
import json
import sys

import botocore.session

S3_PERMISSION = {
    "GetObject": "GetObject", "HeadObject": "GetObject", "PutObject": "PutObject",
    "DeleteObject": "DeleteObject", "ListObjectsV2": "ListBucket", "ListObjects": "ListBucket",
    "HeadBucket": "ListBucket",
}
NO_PERMISSION = {"sts:GetCallerIdentity"}
# IAM actions that authorise something other than one API operation (the
# Service Authorization Reference lists them; cfn-lint's action list, run on
# the same policies, knows them): passing a role, the Data Quality results a
# job publishes, Lake Formation's credential vending, S3 Tables' object I/O.
PERMISSION_ONLY = {"iam:PassRole", "glue:PublishDataQuality", "lakeformation:GetDataAccess",
                   "s3tables:GetTableData", "s3tables:PutTableData"}
MODELLED = {"glue", "events", "s3tables", "lakeformation", "logs", "iam", "dynamodb"}

_session = botocore.session.get_session()
_ops = {}


def operations(service):
    if service not in _ops:
        _ops[service] = set(_session.get_service_model(service).operation_names)
    return _ops[service]


def as_list(v):
    return v if isinstance(v, list) else [v]


def check_structure(doc):
    """Problems with the document's shape, as strings."""
    bad = []
    if doc.get("Version") != "2012-10-17":
        bad.append("Version is not 2012-10-17")
    stmts = doc.get("Statement")
    if not isinstance(stmts, list) or not stmts:
        return bad + ["no Statement list"]
    sids = [s.get("Sid") for s in stmts]
    if len(set(sids)) != len(sids):
        bad.append("repeated Sid: %s" % sids)
    for s in stmts:
        sid = s.get("Sid")
        if not isinstance(sid, str) or not sid.isalnum():
            bad.append("Sid %r is not alphanumeric" % sid)
        if s.get("Effect") != "Allow":
            bad.append("%s: Effect is not Allow" % sid)
        for key in ("Action", "Resource"):
            v = s.get(key)
            if not isinstance(v, list) or not v or v != sorted(set(v)):
                bad.append("%s: %s is not a sorted, unique, non-empty list" % (sid, key))
        extra = set(s) - {"Sid", "Effect", "Action", "Resource", "Condition"}
        if extra:
            bad.append("%s: unexpected keys %s" % (sid, sorted(extra)))
        for r in as_list(s.get("Resource", [])):
            if r != "*" and not r.startswith("arn:aws:"):
                bad.append("%s: resource %r is not an ARN" % (sid, r))
    return bad


def check_action(action):
    service, _, name = action.partition(":")
    if not name:
        return "%s: not service:Action" % action
    if action in PERMISSION_ONLY:
        return None
    if service == "s3":
        return None if name in set(S3_PERMISSION.values()) else "%s: not an S3 permission pipec knows" % action
    if service not in MODELLED:
        return "%s: service %s is not checked" % (action, service)
    if name not in operations(service):
        return "%s: botocore's %s model has no operation %s" % (action, service, name)
    return None


def cmd_actions(paths):
    bad = []
    for p in paths:
        doc = json.load(open(p))
        bad += ["%s: %s" % (p, b) for b in check_structure(doc)]
        for s in doc.get("Statement", []):
            for a in as_list(s.get("Action", [])):
                e = check_action(a)
                if e:
                    bad.append("%s: %s" % (p, e))
    for b in bad:
        print(b)
    return 1 if bad else 0


def cmd_cfn(out, paths):
    resources = {}
    for i, p in enumerate(paths):
        resources["Policy%d" % i] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {"PolicyDocument": json.load(open(p))},
        }
    json.dump({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources},
              open(out, "w"), indent=1)
    return 0


def allowed_actions(doc):
    return {a for s in doc["Statement"] if s.get("Effect") == "Allow" for a in as_list(s["Action"])}


def needed(op):
    """moto_plus's "service.Operation" as the IAM action it needs, or None."""
    service, _, name = op.partition(".")
    if "%s:%s" % (service, name) in NO_PERMISSION:
        return None
    if service == "s3":
        return "s3:" + S3_PERMISSION.get(name, name)
    return "%s:%s" % (service, name)


def cmd_covers(policy, calls):
    allowed = allowed_actions(json.load(open(policy)))
    missing, seen = [], set()
    for c in calls:
        for op in json.load(open(c))["calls"]:
            seen.add(op)
            act = needed(op)
            if act and act not in allowed:
                missing.append("%s (from %s) is not allowed" % (act, op))
    for m in sorted(set(missing)):
        print(m)
    print("# %d operations checked" % len(seen))
    return 1 if missing or not seen else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "actions":
        return cmd_actions(argv[1:])
    if len(argv) >= 3 and argv[0] == "cfn":
        return cmd_cfn(argv[1], argv[2:])
    if len(argv) >= 3 and argv[0] == "covers":
        return cmd_covers(argv[1], argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
