#!/usr/bin/env python3
"""schema_check.py PIPEC SCHEMA_DIR CASES_DIR FILE...

Checks editors/vscode/schemas against pipec itself:
- every pipec.yaml and catalog snapshot among FILE that pipec accepts
  (`pipec check` with that project reports no error from pipec.yaml;
  `pipec catalog check` exits 0) is valid under its schema: the schema never
  refuses what pipec accepts;
- every file of CASES_DIR/bad-*.yaml (a known-bad file, with the schema it
  is for in its first line, `# schema: pipec|catalog`) is invalid under its
  schema, and pipec refuses it too.
Prints ok/not ok per file.
"""
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def errors(schema, doc):
    v = jsonschema.Draft7Validator(schema)
    return sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))


def pipec_accepts_config(pipec, path):
    """pipec check on a project with only this pipec.yaml: no diagnostic
    located in the file (environments other than the selected one are
    validated too)."""
    r = subprocess.run([pipec, "check", "--no-catalog", "--config", path,
                        "--diagnostics-format", "json", os.path.dirname(path) or "."],
                       capture_output=True, text=True, check=False)
    try:
        diags = json.loads(r.stdout or "[]")
    except ValueError:
        return False
    if isinstance(diags, dict):
        diags = diags.get("diagnostics", [])
    base = os.path.basename(path)
    return not any(d.get("severity") == "error" and
                   os.path.basename((d.get("location") or {}).get("file") or "") == base
                   for d in diags)


def pipec_accepts_catalog(pipec, path):
    r = subprocess.run([pipec, "catalog", "check", path], capture_output=True, check=False)
    return r.returncode == 0


def main():
    pipec, schema_dir, cases, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    schemas = {k: json.load(open(os.path.join(schema_dir, k + ".schema.json")))
               for k in ("pipec", "catalog")}
    for s in schemas.values():
        jsonschema.Draft7Validator.check_schema(s)
    failed = 0
    checked = {"pipec": 0, "catalog": 0}
    for path in files:
        kind = "pipec" if os.path.basename(path) == "pipec.yaml" else "catalog"
        try:
            doc = load_yaml(path)
        except yaml.YAMLError:
            continue
        accepts = (pipec_accepts_config if kind == "pipec" else pipec_accepts_catalog)(pipec, path)
        if not accepts:
            continue
        checked[kind] += 1
        errs = errors(schemas[kind], doc)
        if errs:
            failed += 1
            print(f"not ok {kind} schema accepts {path}")
            for e in errs[:5]:
                print(f"# {'/'.join(map(str, e.absolute_path))}: {e.message}")
    for kind, n in checked.items():
        if n == 0:
            failed += 1
            print(f"not ok {kind} schema: no file that pipec accepts was checked")
        else:
            print(f"ok {kind} schema accepts the {n} files pipec accepts")
    bad = sorted(glob.glob(os.path.join(cases, "bad-*.yaml")))
    for path in bad:
        kind = open(path, encoding="utf-8").readline().split("schema:")[1].strip()
        doc = load_yaml(path)
        if kind == "pipec":
            refused = not pipec_accepts_config_copy(pipec, path)
        else:
            refused = not pipec_accepts_catalog(pipec, path)
        errs = errors(schemas[kind], doc)
        if errs and refused:
            print(f"ok {kind} schema refuses {os.path.basename(path)}: {errs[0].message}")
        else:
            failed += 1
            print(f"not ok {kind} schema refuses {os.path.basename(path)}"
                  f"{'' if errs else ' (the schema accepts it)'}{'' if refused else ' (pipec accepts it)'}")
    return 1 if failed else 0


def pipec_accepts_config_copy(pipec, path):
    """A known-bad pipec.yaml, checked from a scratch project of its own."""
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(path, os.path.join(d, "pipec.yaml"))
        return pipec_accepts_config(pipec, os.path.join(d, "pipec.yaml"))


if __name__ == "__main__":
    sys.exit(main())
