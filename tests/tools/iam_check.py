#!/usr/bin/env python3
"""Checks of `pipec iam-policy` documents (suite 83-iam-policy).

  iam_check.py actions POLICY...        structure; every action names a real
                                        operation or permission (botocore)
  iam_check.py cfn OUT POLICY...        a CloudFormation template embedding
                                        each policy as AWS::IAM::ManagedPolicy
  iam_check.py covers POLICY CALLS...   every operation counted by moto_plus
                                        (/pipec-test/calls JSON) is allowed
  iam_check.py job-covers POLICY TABLE_BUCKET TRACE...
                                        every S3 object, listing and catalog
                                        table a generated job touched on the
                                        stand-in (tests/tools/run_job.py
                                        traces) is allowed, resource by
                                        resource (IAM wildcards, the s3:prefix
                                        condition of ListBucket)

Action names: glue:X, events:X, s3tables:X, lakeformation:X, logs:X, iam:X,
dynamodb:X, athena:X, redshift-data:X, redshift-serverless:X, redshift:X and
secretsmanager:X must be operations of botocore's model of that service.  S3
permissions are not all operation names; S3_PERMISSION maps the S3 operations
pipec and its jobs send to the permission IAM checks (HeadObject is authorised
as s3:GetObject, ListObjectsV2 as s3:ListBucket).  STS GetCallerIdentity needs
no permission.
"""
import json
import re
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
MODELLED = {"glue", "events", "s3tables", "lakeformation", "logs", "iam", "dynamodb", "athena",
            "redshift-data", "redshift-serverless", "redshift", "secretsmanager"}
# S3 permissions of Athena's query result location (pipec iam-policy --for validator)
S3_RESULTS = {"GetBucketLocation", "AbortMultipartUpload"}

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
        return None if name in set(S3_PERMISSION.values()) | S3_RESULTS else "%s: not an S3 permission pipec knows" % action
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


def _match(pattern, value):
    """IAM's ARN wildcards: * any run of characters, ? one."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value) is not None


def allows(doc, action, resource, context=None):
    """True when an Allow statement grants action on resource; a StringLike or
    StringEquals condition must hold for the keys given in context."""
    for s in doc["Statement"]:
        if s.get("Effect") != "Allow" or action not in as_list(s["Action"]):
            continue
        if not any(_match(r, resource) for r in as_list(s["Resource"])):
            continue
        ok = True
        for op, kv in s.get("Condition", {}).items():
            for key, vals in kv.items():
                have = (context or {}).get(key)
                test = _match if op == "StringLike" else (lambda a, b: a == b)
                ok &= have is not None and any(test(v, have) for v in as_list(vals))
        if ok:
            return True
    return False


def _table_arn(ident, region_account, table_bucket):
    """catalog.`db`.`t` (or `db`.`t`) as the Glue table ARN, or None."""
    parts = [p.strip("`").lower() for p in re.findall(r"`[^`]*`|[^.`]+", ident)]
    if len(parts) == 2:
        parts = ["spark_catalog"] + parts
    if len(parts) != 3:
        return None
    cat, db, t = parts
    if cat == "s3tablescatalog":
        return "arn:aws:glue:%s:table/s3tablescatalog/%s/%s/%s" % (region_account, table_bucket, db, t)
    return "arn:aws:glue:%s:table/%s/%s" % (region_account, db, t)


def _s3_needs(url, write):
    """(action, resource, context) triples reading (or writing) under url."""
    bucket, _, key = url[5:].partition("/")
    probe = key + ("part-00000" if key.endswith("/") or not key else "")
    out = [("s3:GetObject", "arn:aws:s3:::%s/%s" % (bucket, probe), None)]
    if write:
        out += [("s3:PutObject", "arn:aws:s3:::%s/%s" % (bucket, probe), None),
                ("s3:DeleteObject", "arn:aws:s3:::%s/%s" % (bucket, probe), None)]
    if key.endswith("/") or not key:
        out.append(("s3:ListBucket", "arn:aws:s3:::%s" % bucket, {"s3:prefix": key}))
    return out


def _connection_needs(opts, region_account):
    """A Glue connector's options: its connection, staging dir, DynamoDB table."""
    out = []
    if opts.get("connectionName"):
        out.append(("glue:GetConnection", "arn:aws:glue:%s:connection/%s" % (region_account, opts["connectionName"]), None))
    tmp = opts.get("redshiftTmpDir")
    if isinstance(tmp, str) and tmp.startswith("s3://"):
        out += _s3_needs(tmp if tmp.endswith("/") else tmp + "/", True)
    arn = opts.get("dynamodb.tableArn")
    if arn:
        out.append(("dynamodb:DescribeTable", arn, None))
        if opts.get("dynamodb.export"):
            out.append(("dynamodb:ExportTableToPointInTime", arn, None))
            out += _s3_needs("s3://%s/%s" % (opts.get("dynamodb.s3.bucket"), opts.get("dynamodb.s3.prefix", "")), True)
        else:
            out.append(("dynamodb:Scan", arn, None))
    return out


MODIFYING_SQL = ("ALTER TABLE", "MERGE", "INSERT", "CREATE TABLE", "DELETE", "UPDATE")


def job_needs(event, region_account, table_bucket):
    """What one stand-in trace event needs of the job role."""
    kind, out = event.get("kind"), []
    if kind == "s3":
        op, bucket = event.get("op"), event.get("bucket")
        if op == "ListObjectsV2":
            out.append(("s3:ListBucket", "arn:aws:s3:::%s" % bucket, {"s3:prefix": event.get("prefix", "")}))
        else:
            out.append(("s3:" + S3_PERMISSION.get(op, op), "arn:aws:s3:::%s/%s" % (bucket, event.get("key")), None))
    elif kind == "glue":
        out.append(("glue:" + event.get("op", ""),
                    "arn:aws:glue:%s:table/%s/%s" % (region_account, event.get("database", "").lower(),
                                                     event.get("table", event.get("name", "")).lower()), None))
    src = event.get("source") if kind == "read" else None
    if isinstance(src, str) and src.startswith("s3://"):
        out += _s3_needs(src, False)
    path = event.get("path") if kind == "write" else None
    if isinstance(path, str) and path.startswith("s3://"):
        out += _s3_needs(path, True)
    opts = event.get("connection_options") if kind in ("read", "write") else None
    if isinstance(opts, dict):
        out += _connection_needs(opts, region_account)
    if event.get("api") == "create_dynamic_frame.from_catalog":
        out.append(("glue:GetTable", "arn:aws:glue:%s:table/%s/%s" % (
            region_account, str(event.get("database")).lower(), str(event.get("table_name")).lower()), None))
    tables = [event["table"]] if isinstance(event.get("table"), str) and \
        kind in ("read", "write", "writeTo") else []
    tables += event.get("tables", []) if kind == "sql" else []
    modifying = kind in ("write", "writeTo") or \
        (kind == "sql" and event.get("statement", "").startswith(MODIFYING_SQL))
    for t in tables:
        arn = _table_arn(t.rsplit(".snapshots", 1)[0], region_account, table_bucket)
        if arn:
            out.append(("glue:GetTable", arn, None))
            if modifying:
                out.append(("glue:UpdateTable", arn, None))
    return out


def cmd_job_covers(policy, table_bucket, traces):
    doc = json.load(open(policy))
    arns = [r for s in doc["Statement"] for r in as_list(s["Resource"]) if r.startswith("arn:aws:logs:")]
    region_account = ":".join(arns[0].split(":")[3:5]) if arns else "*:*"
    missing, n = set(), 0
    for path in traces:
        trace = json.load(open(path))
        trace = trace.get("trace", trace)
        for e in trace.get("events", []):
            for act, res, ctx in job_needs(e, region_account, table_bucket):
                n += 1
                if not allows(doc, act, res, ctx):
                    missing.add("%s on %s%s is not allowed" % (act, res, " %s" % ctx if ctx else ""))
    for m in sorted(missing):
        print(m)
    print("# %d needs checked" % n)
    return 1 if missing or not n else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "actions":
        return cmd_actions(argv[1:])
    if len(argv) >= 3 and argv[0] == "cfn":
        return cmd_cfn(argv[1], argv[2:])
    if len(argv) >= 4 and argv[0] == "job-covers":
        return cmd_job_covers(argv[1], argv[2], argv[3:])
    if len(argv) >= 3 and argv[0] == "covers":
        return cmd_covers(argv[1], argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
