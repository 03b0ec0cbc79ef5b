#!/usr/bin/env python3
"""run_rows.py BUILD_DIR PIPELINE STATE_DIR [--add FILE] [--fail WHEN] [--run-id ID]

Runs BUILD_DIR/PIPELINE/job.py once on the row-level stand-in
(tests/standin/rows, see its _rows.py) against the state directory
STATE_DIR, the way Glue starts a run: sys.argv = [script, --JOB_NAME
<Name>, --JOB_RUN_ID <id>, then every DefaultArguments pair of job.json].

  --add FILE    JSON merged into the state before the run:
                {"s3": {"s3://b/k": "content"},          new objects
                 "sources": {"t": {"columns": [...], "rows": [...]}},
                                                  rows appended (columns set
                                                  when the table is new;
                                                  "replace": true first
                                                  empties the table)
                 "tables": {"db.t": {...}}}       catalog tables, as in
                                                  tables.json (replaced)
  --fail WHEN   before-write | before-commit: the run dies there.
Prints one JSON document: {"outcome": "ok"|"fails", "error": "...",
"exit_code": N, "target": "db.t", "rows": [target rows, sorted],
"files_read": [...], "log": [...], "stderr": "..."}.
Exit status 0 when the run was carried out (whatever its outcome), 2 usage.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = os.path.normpath(os.path.join(HERE, "..", "standin", "rows"))


def _load(path, default):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _save(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.write("\n")


def add_input(state, new):
    s3 = _load(os.path.join(state, "s3.json"), {})
    for k, v in (new.get("s3") or {}).items():
        s3.pop(k, None)   # a rewritten object is newer: it moves to the end
        s3[k] = v
    _save(os.path.join(state, "s3.json"), s3)
    src = _load(os.path.join(state, "sources.json"), {})
    for k, v in (new.get("sources") or {}).items():
        t = src.setdefault(k.lower(), {"columns": v.get("columns", []), "rows": []})
        if v.get("columns"):
            t["columns"] = v["columns"]
        if v.get("replace"):
            t["rows"] = []
        t["rows"] += v.get("rows", [])
    _save(os.path.join(state, "sources.json"), src)
    tabs = _load(os.path.join(state, "tables.json"), {})
    for k, v in (new.get("tables") or {}).items():
        tabs[k.lower()] = v
    _save(os.path.join(state, "tables.json"), tabs)


def sort_rows(rows):
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def table_key(name):
    import re
    parts = [p.strip('`"') for p in re.findall(r'`[^`]+`|"[^"]+"|[^.]+', name)]
    return ".".join(parts[-2:]).lower()


def run(build_dir, pipeline, state, add=None, fail=None, run_id="jr_1", timeout=120):
    os.makedirs(state, exist_ok=True)
    if add:
        add_input(state, add)
    pdir = os.path.abspath(os.path.join(build_dir, pipeline))
    with open(os.path.join(pdir, "job.json"), encoding="utf-8") as f:
        job = json.load(f)
    defaults = job.get("DefaultArguments") or {}
    argv = ["--JOB_NAME", job.get("Name") or pipeline, "--JOB_RUN_ID", run_id]
    for k in sorted(defaults):
        argv += [k, str(defaults[k])]
    env = dict(os.environ)
    env["PYTHONPATH"] = ROWS
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["STANDIN_DATA"] = os.path.abspath(state)
    env.pop("STANDIN_FAIL", None)
    if fail:
        env["STANDIN_FAIL"] = fail
    with tempfile.TemporaryDirectory(prefix="pipec-rows.") as tmp:
        out = os.path.join(tmp, "report.json")
        env["STANDIN_OUT"] = out
        try:
            p = subprocess.run([sys.executable, os.path.join(pdir, "job.py")] + argv, cwd=tmp,
                               env=env, stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=timeout)
            code, stderr = p.returncode, p.stderr
        except subprocess.TimeoutExpired:
            code, stderr = None, "timeout"
        rep = _load(out, {"outcome": "fails", "error": "no report (crashed before start)"})
    if code != 0 and rep.get("outcome") == "ok":
        rep["outcome"] = "fails"
        rep.setdefault("error", "exit status %s" % code)
    target = defaults.get("--target_table") or ""
    tabs = _load(os.path.join(state, "tables.json"), {})
    t = tabs.get(table_key(target)) if target else None
    if t:
        # A Parquet table also reads the objects under its location
        # (tests/standin/rows/_rows_files.py).
        sys.path.insert(0, ROWS)
        import _rows_files
        sys.path.remove(ROWS)
        t = dict(t, rows=t["rows"] + _rows_files.table_object_rows(
            t, _load(os.path.join(state, "s3.json"), {})))
    return {"outcome": rep.get("outcome"), "error": rep.get("error"), "exit_code": code,
            "target": table_key(target) if target else None,
            "rows": sort_rows(t["rows"]) if t else None,
            "columns": t["columns"] if t else None, "alters": t.get("alters", []) if t else [],
            "partitions": t.get("partitions") if t else None,
            "parameters": t.get("parameters") if t else None,
            "texts": rep.get("texts", []),
            "files_read": rep.get("files_read", []), "log": rep.get("log", []),
            "stderr": stderr[-4000:] if stderr else ""}


def main(argv):
    pos, add, fail, run_id = [], None, None, "jr_1"
    i = 0
    try:
        while i < len(argv):
            a = argv[i]
            if a == "--add":
                i += 1
                with open(argv[i], encoding="utf-8") as f:
                    add = json.load(f)
            elif a == "--fail":
                i += 1
                fail = argv[i]
            elif a == "--run-id":
                i += 1
                run_id = argv[i]
            elif a.startswith("--"):
                raise IndexError
            else:
                pos.append(a)
            i += 1
        if len(pos) != 3:
            raise IndexError
    except (IndexError, ValueError):
        sys.stderr.write(__doc__)
        return 2
    res = run(pos[0], pos[1], pos[2], add, fail, run_id)
    json.dump(res, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
