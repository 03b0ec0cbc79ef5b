#!/usr/bin/env python3
"""run_job.py BUILD_DIR PIPELINE [--first-run|--incremental] [--dq pass|fail] [options]

Runs BUILD_DIR/PIPELINE/job.py on the awsglue/pyspark stand-in (tests/standin)
the way Glue would start it: sys.argv = [script, --JOB_NAME <Name>, then every
DefaultArguments pair of job.json]. Prints one JSON document on stdout:

  {"pipeline": NAME, "run": "first-run"|"incremental", "dq": "pass"|"fail",
   "argv": [...], "exit_code": N, "stderr": "...", "trace": {...}}

where "trace" is what the stand-in recorded (see tests/standin/_standin.py):
  {"version": 1, "run": ..., "dq": ..., "argv": [...],
   "conf": {effective Spark conf},
   "events": [{"seq": N, "kind": K, ...}, ...],
   "violations": [{"api", "message", "seq"}],      # API misuse, even if caught
   "exit": {"status": "ok"} | {"status": "exception", "type", "message"}}

Options:
  --first-run / --incremental   which path to drive (default --incremental)
  --dq pass|fail                Data Quality outcome (default pass)
  --schema JSON                 STANDIN_SCHEMA (source -> ["col:type", ...])
  --counts JSON                 STANDIN_COUNTS (source -> rows)
  --watermark VALUE             value MAX()/MIN() return on the incremental path
  --absent JSON                 extra tables/paths absent on the first run
  --arg KEY=VALUE               extra/overriding job argument (e.g. --arg --x=1)
  --trace-only                  print only the trace
Exit status: the job's own exit status; 2 usage / missing files; 3 timeout.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
STANDIN = os.path.normpath(os.path.join(HERE, "..", "standin"))


def job_argv(job_json, pipeline, extra_args=None):
    name = job_json.get("Name") or pipeline
    argv = ["--JOB_NAME", name]
    defaults = dict(job_json.get("DefaultArguments") or {})
    for k, v in (extra_args or {}).items():
        defaults[k] = v
    for k in sorted(defaults):
        argv += [k, str(defaults[k])]
    return argv


def _split(name):
    import re
    return [p.strip("`") for p in re.findall(r"`[^`]+`|[^.]+", name)]


def table_roles(trace):
    """(read-only tables, write targets) seen in a trace: the first run uses
    them to decide what exists before the job ever ran (targets do not,
    tables only read do)."""
    reads, writes = set(), set()
    for e in (trace or {}).get("events", []):
        k = e["kind"]
        if k == "writeTo":
            writes.add(e["table"])
        elif k == "sql":
            tgt = e.get("target")
            if tgt and e.get("statement") in ("MERGE", "INSERT", "CREATE TABLE",
                                              "CREATE OR REPLACE TABLE", "REPLACE TABLE",
                                              "UPDATE", "DELETE"):
                writes.add(tgt)
            for t in e.get("tables") or []:
                if t != tgt:
                    reads.add(t)
        elif k == "write":
            if e.get("table"):
                writes.add(e["table"])
            if e.get("api") == "write_dynamic_frame.from_catalog":
                writes.add("%s.%s" % (e.get("database"), e.get("table_name")))
            path = e.get("path") or (e.get("connection_options") or {}).get("path")
            if path:
                writes.add(path)
        elif k == "read" and e.get("table"):
            reads.add(e["table"])
    reads = {t for t in reads if len(_split(t)) > 1}
    return sorted(reads - writes), sorted(writes)


def declared_spec(script):
    """{table: partition fields} from the job's "# pipec:table" line: a
    target that exists before the run has the declared spec."""
    with open(script, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            if line.startswith("# pipec:table "):
                t, _ = json.JSONDecoder().raw_decode(line[len("# pipec:table "):])
                name = t.get("target") or ""
                parts = [x.strip("`") for x in name.split(".")]
                if t.get("target_kind") in ("iceberg", "s3tables") and len(parts) >= 2:
                    return {".".join(parts[-2:]): t.get("partition_spec") or []}
    return {}


def run(build_dir, pipeline, run_mode="incremental", dq="pass", schema=None, counts=None,
        watermark=None, absent=None, extra_args=None, timeout=120, present=None,
        pre_trace=None):
    """Runs one job on the stand-in; returns the result dict (see module doc).
    A first run is preceded by an incremental pre-run whose trace tells which
    tables the job writes (absent on the first run) and which it only reads
    (present); pre_trace, an incremental run's trace the caller has, stands
    for it."""
    if run_mode == "first-run":
        if pre_trace is None:
            pre_trace = run(build_dir, pipeline, "incremental", dq, schema, counts, watermark,
                            None, extra_args, timeout).get("trace")
        reads, writes = table_roles(pre_trace)
        absent = list(absent or []) + writes
        present = list(present or []) + reads
    pdir = os.path.abspath(os.path.join(build_dir, pipeline))
    script = os.path.join(pdir, "job.py")
    with open(os.path.join(pdir, "job.json"), encoding="utf-8") as f:
        job_json = json.load(f)
    facts = {}
    fpath = os.path.join(pdir, "pipeline.facts.json")
    if os.path.exists(fpath):
        with open(fpath, encoding="utf-8") as f:
            facts = json.load(f)
    argv = job_argv(job_json, pipeline, extra_args)
    env = dict(os.environ)
    env["PYTHONPATH"] = STANDIN + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH")
                                   else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["STANDIN_RUN"] = run_mode
    env["STANDIN_DQ"] = dq
    if schema is not None:
        env["STANDIN_SCHEMA"] = schema if isinstance(schema, str) else json.dumps(schema)
    if counts is not None:
        env["STANDIN_COUNTS"] = counts if isinstance(counts, str) else json.dumps(counts)
    if watermark is not None:
        env["STANDIN_WATERMARK"] = watermark
    spec = declared_spec(script)
    if spec:
        env["STANDIN_SPECS"] = json.dumps(spec)
    absent_list = list(absent or [])
    for k in ("target_table", "target_path"):
        if facts.get(k):
            absent_list.append(facts[k])
    env["STANDIN_ABSENT"] = json.dumps(absent_list)
    present_list = list(present or [])
    if facts.get("source_table"):
        present_list.append(facts["source_table"])
    if present_list:
        env["STANDIN_PRESENT"] = json.dumps(present_list)
    with tempfile.TemporaryDirectory(prefix="pipec-runjob.") as tmp:
        trace_path = os.path.join(tmp, "trace.json")
        env["STANDIN_TRACE"] = trace_path
        try:
            p = subprocess.run([sys.executable, script] + argv, cwd=tmp, env=env,
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=timeout)
            code, stderr, stdout = p.returncode, p.stderr, p.stdout
        except subprocess.TimeoutExpired as e:
            code, stderr, stdout = None, "timeout after %ss\n%s" % (timeout, e.stderr or ""), ""
        trace = None
        if os.path.exists(trace_path):
            with open(trace_path, encoding="utf-8") as f:
                trace = json.load(f)
    return {"pipeline": pipeline, "run": run_mode, "dq": dq, "argv": ["job.py"] + argv,
            "exit_code": code, "stderr": stderr, "stdout": stdout, "trace": trace}


def main(argv):
    args = list(argv)
    opts = {"run_mode": "incremental", "dq": "pass"}
    extra = {}
    trace_only = False
    pos = []
    i = 0
    try:
        while i < len(args):
            a = args[i]
            if a == "--first-run":
                opts["run_mode"] = "first-run"
            elif a == "--incremental":
                opts["run_mode"] = "incremental"
            elif a == "--dq":
                i += 1
                if args[i] not in ("pass", "fail"):
                    raise IndexError
                opts["dq"] = args[i]
            elif a in ("--schema", "--counts", "--watermark", "--absent"):
                i += 1
                key = a[2:]
                opts[key] = json.loads(args[i]) if key == "absent" else args[i]
            elif a == "--arg":
                i += 1
                k, _, v = args[i].partition("=")
                extra[k] = v
            elif a == "--trace-only":
                trace_only = True
            elif a.startswith("--"):
                raise IndexError
            else:
                pos.append(a)
            i += 1
        if len(pos) != 2:
            raise IndexError
    except (IndexError, ValueError):
        sys.stderr.write(__doc__)
        return 2
    build_dir, pipeline = pos
    for f in ("job.py", "job.json"):
        if not os.path.exists(os.path.join(build_dir, pipeline, f)):
            sys.stderr.write("run_job: %s/%s/%s not found\n" % (build_dir, pipeline, f))
            return 2
    res = run(build_dir, pipeline, extra_args=extra, **opts)
    json.dump(res["trace"] if trace_only else res, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    if res["exit_code"] is None:
        return 3
    return res["exit_code"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
