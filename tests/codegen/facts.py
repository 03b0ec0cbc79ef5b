#!/usr/bin/env python3
"""facts.py BUILD_DIR: writes BUILD_DIR/<pipeline>/pipeline.facts.json for
tests/tools/check_artifacts.py from the facts pipec puts in manifest.json.
Run it on a scratch copy of a build: the sidecars are test input, not
build output."""
import json
import os
import sys

KINDS = {"table": "catalog"}
VALUE_KINDS = {"integer": "int"}


def main(build):
    with open(os.path.join(build, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    for name, p in manifest["pipelines"].items():
        inc = p["incremental"]
        # The predicate runs on the source, so it names the source column.
        wm = (inc["source_column"] or inc["column"]) \
            if inc["kind"] in ("watermark", "partition") else None
        facts = {
            "name": name,
            "source_kind": KINDS.get(p["source_kind"], p["source_kind"]),
            "target_kind": p["target_kind"],
            "mode": p["mode"],
            "merge_keys": p["merge_keys"],
            "watermark_column": wm,
            "bookmarks": p["bookmarks"],
            # joined tables: read whole every run (no bookmark)
            "joins": [{"database": j["database"], "table": j["table"]}
                      for j in p.get("joins", [])],
            "validates": p["validates"],
            "on_failure": p["on_failure"],
            # a derived column is not read; an aggregate reads its input columns
            "schema": {"*": ["%s:%s" % (c["source"], c["type"])
                             for c in p.get("input_columns", p["columns"])
                             if "source" in c]},
        }
        if p["target"] and p["target_kind"] != "redshift":
            # The target holds the declared (renamed) columns, under the
            # name a column had before when it is declared `was OLD` (the
            # table as the previous version left it: the job renames it).
            # Keyed by db.table: the stand-in matches the last two parts.
            key = ".".join(p["target"].replace("`", "").split(".")[-2:])
            facts["schema"][key] = [
                "%s:%s" % (c.get("was") or c["name"], c["type"]) for c in p["columns"]]
        for j in p.get("joins", []):
            # A joined table holds (at least) the columns the job reads;
            # one of unknown type (no catalog, not taken) is read as text.
            facts["schema"]["%s.%s" % (j["database"], j["table"])] = [
                "%s:%s" % (n, t or "string") for n, t in j["columns"]]
        if p["source_kind"] == "table":
            with open(os.path.join(build, name, "job.json"), encoding="utf-8") as f:
                args = json.load(f)["DefaultArguments"]
            src = args["--source_table"]
            if "--source_database" in args:
                src = args["--source_database"] + "." + src
            facts["source_table"] = src.replace("`", "")
        if wm:
            # A Spark-side filter runs after the columns step, on the
            # declared (target) name.
            facts["watermark_target_column"] = inc["column"]
            facts["watermark_type"] = VALUE_KINDS.get(inc["value_kind"], inc["value_kind"])
            facts["watermark_kind"] = inc["kind"]
            facts["watermark_initial"] = inc["initial"]
        with open(os.path.join(build, name, "pipeline.facts.json"), "w",
                  encoding="utf-8") as f:
            json.dump(facts, f, indent=2, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
