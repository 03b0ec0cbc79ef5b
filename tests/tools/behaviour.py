#!/usr/bin/env python3
"""behaviour.py PIPEC CASE_DIR SCRATCH

Runs one behaviour case (tests/behaviour/<case>/): builds the case's project
with PIPEC (--no-catalog), then runs its pipeline once per entry of
case.json "runs" on the row-level stand-in (tools/run_rows.py), all runs
sharing one state directory, and compares each run's outcome and the
target table's rows afterwards with the expectation.

case.json:
  {"pipeline": "NAME",
   "project": "DIR",    (optional: build this project, relative to the case
                         directory, instead of the case's own, e.g. the
                         examples; without "pipe" runs)
   "xfail": "why today's generated job gets this wrong",   (optional)
   "runs": [{"name": "first run",
             "pipeline": "NAME",  (optional: run this pipeline of the project
                                   instead, e.g. the upstream of a `source
                                   pipeline`; expect is about its target)
             "pipe": "FILE",    (optional: FILE of the case dir replaces the
                                 pipeline's .pipe file and the project is
                                 rebuilt before this run)
             "plan": {"status": N, "edits": [["safe", "add-column", "c"], ...]},
                                (optional, with "pipe": `pipec plan --from NEW
                                 --against OLD` between the two builds exits N
                                 and classifies exactly these schema edits:
                                 [class, edit, column or null], in order)
             "add": {"s3": {...}, "sources": {...}, "tables": {...}},
             "fail": "before-write" | "before-commit" | "s3-call-N",  (optional)
             "expect": {"outcome": "ok" | "fails",
                        "error": "substring of the error",     (optional)
                        "log": ["substring of a log line"],    (optional)
                        "rows": [{...}, ...],                  (optional)
                        "columns": [["id", "bigint"], ...],    (optional: the
                                       target table's schema afterwards)
                        "partitions": ["days(ts)", ...],  (optional: the
                                       target table's partition spec afterwards)
                        "alters": N,   (optional: ALTER TABLE statements the
                                        table has seen, all runs so far)
                        "parameters": {...},  (optional: the target table's
                                        parameters afterwards)
                        "s3_under": {"s3://q/": [{...}, ...]}}}]}
                                       (optional: the JSON lines of every
                                        object under each prefix, any order)
Prints TAP-like lines: "ok CASE", "not ok CASE", "ok CASE # xfail REASON"
(an xfail case that passes is "not ok": remove its mark), details as "# ...".
Exit status 0 unless the case could not be run at all.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_rows  # noqa: E402


def s3_lines(state, prefix):
    """The JSON-lines records of the objects under prefix, sorted."""
    path = os.path.join(state, "s3.json")
    objects = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            objects = json.load(f)
    recs = [json.loads(line) for k, text in objects.items() if k.startswith(prefix)
            for line in text.splitlines() if line.strip()]
    return sorted(recs, key=lambda r: json.dumps(r, sort_keys=True))


def check_run(i, run, res, state):
    exp = run.get("expect", {})
    errs = []
    want = exp.get("outcome", "ok")
    if res["outcome"] != want:
        errs.append("run %d (%s): outcome %s, expected %s%s" % (
            i + 1, run.get("name", ""), res["outcome"], want,
            (": " + str(res.get("error"))) if res.get("error") else ""))
    if exp.get("error") and exp["error"] not in (res.get("error") or ""):
        errs.append("run %d (%s): error %r does not contain %r" % (
            i + 1, run.get("name", ""), res.get("error"), exp["error"]))
    for needle in exp.get("log", []):
        if not any(needle in line for line in res.get("log", [])):
            errs.append("run %d (%s): no log line contains %r (log: %s)" % (
                i + 1, run.get("name", ""), needle, res.get("log")))
    if "rows" in exp:
        got = res.get("rows")
        want_rows = run_rows.sort_rows(exp["rows"])
        if got != want_rows:
            errs.append("run %d (%s): target rows differ\n   expected %s\n   got      %s" % (
                i + 1, run.get("name", ""), json.dumps(want_rows), json.dumps(got)))
    if "files_read" in exp:
        got = sorted(v.rsplit("@", 1)[0] for v in res.get("files_read", []))
        if got != sorted(exp["files_read"]):
            errs.append("run %d (%s): files read %s, expected %s" % (
                i + 1, run.get("name", ""), json.dumps(got),
                json.dumps(sorted(exp["files_read"]))))
    for prefix, want_recs in exp.get("s3_under", {}).items():
        got = s3_lines(state, prefix)
        want_recs = sorted(want_recs, key=lambda r: json.dumps(r, sort_keys=True))
        if got != want_recs:
            errs.append("run %d (%s): objects under %s differ\n   expected %s\n   got      %s" % (
                i + 1, run.get("name", ""), prefix, json.dumps(want_recs), json.dumps(got)))
    if "columns" in exp and res.get("columns") != exp["columns"]:
        errs.append("run %d (%s): target columns %s, expected %s" % (
            i + 1, run.get("name", ""), json.dumps(res.get("columns")),
            json.dumps(exp["columns"])))
    if "partitions" in exp and res.get("partitions") != exp["partitions"]:
        errs.append("run %d (%s): target partition spec %s, expected %s" % (
            i + 1, run.get("name", ""), json.dumps(res.get("partitions")),
            json.dumps(exp["partitions"])))
    if "parameters" in exp and res.get("parameters") != exp["parameters"]:
        errs.append("run %d (%s): target parameters %s, expected %s" % (
            i + 1, run.get("name", ""), json.dumps(res.get("parameters")),
            json.dumps(exp["parameters"])))
    if "alters" in exp and len(res.get("alters") or []) != exp["alters"]:
        errs.append("run %d (%s): %d ALTER TABLE statements so far, expected %d: %s" % (
            i + 1, run.get("name", ""), len(res.get("alters") or []), exp["alters"],
            res.get("alters")))
    return errs


def build_project(pipec, case_dir, build):
    p = subprocess.run([os.path.abspath(pipec), "build", "--no-catalog", "-o",
                        os.path.abspath(build), "."], cwd=case_dir,
                       capture_output=True, text=True)
    return None if p.returncode == 0 else "pipec build failed: " + (p.stderr or p.stdout).strip()


def with_pipe(pipec, case_dir, scratch, case, pipe, build):
    """Copy the case's project to scratch with FILE as the pipeline's .pipe
    file (pipelines/<pipeline>.pipe), and build it."""
    proj = os.path.join(scratch, "project")
    shutil.rmtree(proj, ignore_errors=True)
    shutil.copytree(case_dir, proj)
    shutil.copyfile(os.path.join(case_dir, pipe),
                    os.path.join(proj, "pipelines", case["pipeline"] + ".pipe"))
    shutil.rmtree(build, ignore_errors=True)
    return build_project(pipec, proj, build)


def check_plan(pipec, i, want, build, prev):
    """The plan between the previous build and this one classifies the
    schema edits as the run expects."""
    p = subprocess.run([os.path.abspath(pipec), "plan", "--from", os.path.abspath(build),
                        "--against", os.path.abspath(prev), "--format", "json"],
                       capture_output=True, text=True)
    errs = []
    if p.returncode != want.get("status", 2):
        errs.append("run %d: pipec plan exited %d, want %d: %s" % (
            i + 1, p.returncode, want.get("status", 2), p.stderr.strip()[:400]))
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return errs + ["run %d: pipec plan printed no JSON plan" % (i + 1)]
    got = [[e["class"], e["edit"], e.get("column")]
           for c in doc["changes"] for e in c.get("schema_edits", [])]
    if got != want.get("edits", []):
        errs.append("run %d: plan schema edits %s, want %s" % (i + 1, got, want.get("edits")))
    return errs


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    pipec, case_dir, scratch = argv
    name = os.path.basename(os.path.normpath(case_dir))
    with open(os.path.join(case_dir, "case.json"), encoding="utf-8") as f:
        case = json.load(f)
    build = os.path.join(scratch, name, "build")
    state = os.path.join(scratch, name, "state")
    shutil.rmtree(os.path.join(scratch, name), ignore_errors=True)
    os.makedirs(state)
    err = build_project(pipec, os.path.join(case_dir, case.get("project", ".")), build)
    errs = [err] if err else []
    if not err:
        for i, run in enumerate(case["runs"]):
            if run.get("pipe"):
                prev = build + ".prev"
                shutil.rmtree(prev, ignore_errors=True)
                shutil.copytree(build, prev)
                err = with_pipe(pipec, case_dir, os.path.join(scratch, name), case,
                                run["pipe"], build)
                if err:
                    errs.append("run %d: %s" % (i + 1, err))
                    break
                if "plan" in run:
                    errs += check_plan(pipec, i, run["plan"], build, prev)
            res = run_rows.run(build, run.get("pipeline", case["pipeline"]), state,
                               run.get("add"),
                               run.get("fail"), "jr_%d" % (i + 1))
            errs += check_run(i, run, res, state)
    xfail = case.get("xfail")
    if xfail:
        if errs:
            print("ok %s # xfail %s" % (name, xfail))
            for e in errs:
                for line in e.splitlines():
                    print("#   " + line)
        else:
            print("not ok %s # XPASS: passes now, remove its xfail mark (%s)" % (name, xfail))
        return 0
    print(("not ok " if errs else "ok ") + name)
    for e in errs:
        for line in e.splitlines():
            print("# " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
