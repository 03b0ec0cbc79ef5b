#!/usr/bin/env python3
"""Corner-case corpus and generative fuzz of .pipe programs.

Usage:
  corpus.py corpus DIR            write the corner-case corpus into DIR
  corpus.py fuzz DIR SEED COUNT   write COUNT random programs (seeded) into DIR
  corpus.py run PIPEC DIR OUT     check and build every program of DIR
  corpus.py soak PIPEC OUT SECONDS  fuzz with new seeds until SECONDS pass

A program is one pipeline in DIR/pipelines/NAME.pipe, beside DIR/pipec.yaml.
`run` holds each program to the property of issue "every emitted name,
type, literal and rule is valid in the engine that reads it":

  - `pipec check` either accepts it (exit 0) or refuses it (exit 1) with
    at least one error located at FILE:LINE:COL of that program, and
    never anything else (a crash, a sanitizer report, exit 2 or more);
  - when accepted, `pipec build` writes every artifact (exit 0) and job.py
    compiles; a sample of the accepted programs is built into OUT/grammar
    for the engine grammars (tests/tools/engine_texts.py and
    tests/grammars/parse.mjs) to parse every text they emit;
  - when refused, `pipec build` writes nothing.

It prints one "ok NAME" / "not ok NAME" line per program and a summary on
stderr: how many were accepted and refused, so that a corpus that is all
refused (or all accepted) shows.

The corpus is systematic: every tricky name (quotes, backquotes,
backslashes, ';', '%s', spaces, unicode, reserved words, upper case) in
every place a name goes (column, struct field, table, database, Redshift
schema) for every target engine; every column type x every literal form x
every rule kind x every target engine.  The fuzz is generative: random
combinations of the grammar's clauses, seeded, so a failure is replayed
with the same SEED.
"""

import json
import os
import random
import re
import shutil
import subprocess
import sys

PROJECT = """project: corpus
default_environment: dev
environments:
  dev:
    region: eu-west-1
    account: "123456789012"
    role: arn:aws:iam::123456789012:role/pipec-glue-dev
    script_bucket: corpus-artifacts
    temp_dir: s3://corpus-artifacts/tmp/
    table_bucket: corpus-lake
    variables:
      raw_bucket: corpus-raw
      lake_bucket: corpus-lake
"""

# Names as a .pipe file writes them: plain, reserved words, backquoted.
NAMES = [
    "plain", "order", "select", "date", "timestamp", "end", "table", "from",
    "user", "limit", "group", "Upper", "CamelCase", "_under", "x1",
    "`zip code`", "`it's`", '`say "hi"`', "`semi;colon`", "`pct%s`",
    "`back\\slash`", "`été`", "`dash-ed`", "`dot.ted`", "`a,b`",
    "`(paren)`", "`<angle>`", "`tab\there`", "`$dollar`", "`#hash`",
    "`@at`", "`日本`", "`'`", "`\\`", "`%`", "`;`", "` lead`",
]
# Lowercase names that engines fold to and accept bare, for the places a
# name is only part of the test (the other names of a pipeline).
SAFE = ["id", "ts", "v"]

TYPES = ["string", "boolean", "tinyint", "smallint", "int", "bigint", "float",
         "double", "decimal(12,2)", "decimal(38,10)", "date", "timestamp",
         "binary", "array<string>", "map<string, int>",
         "struct<a: string, b: int>", "array<struct<x: double>>",
         "map<string, array<int>>"]

STRINGS = ['"x"', '""', '"it\'s"', '"say \\"hi\\""', '"back\\\\slash"',
           '"ends\\\\"', '"semi;colon"', '"%s"', '"%%"', '"été"', '"日本"',
           '"tab\\there"', '"new\\nline"', '"$x"', '"{x}"', '"a\'\'b"',
           '"--comment"', '"/* c */"']
NUMBERS = ["0", "1", "-1", "42", "1.5", "-0.25", "100000000000", "0.001",
           "99999999999.99"]
DATES = ['"2024-01-01"', '"1970-01-01"', '"9999-12-31"']
TIMESTAMPS = ['"2024-01-01 10:00:00"', '"2024-01-01T10:00:00"',
              '"2024-01-01 10:00:00.123"', '"2024-01-01"']
BOOLS = ["true", "false"]
LITERALS = STRINGS + NUMBERS + DATES + TIMESTAMPS + BOOLS
CMPS = ["=", "!=", "<", "<=", ">", ">="]

TARGETS = {
    "s3tables": "target s3tables {db}.{table}\n  create if missing",
    "iceberg": 'target iceberg {db}.{table} at "s3://${{lake_bucket}}/t/"\n  create if missing',
    "parquet": 'target parquet "s3://${{lake_bucket}}/p/" table {db}.{table}\n  create if missing',
    "redshift": 'target redshift "dw" {db}.{table} {{ staging "s3://${{lake_bucket}}/rs/" }}\n'
                '  create if missing',
}
SOURCES = {
    "s3": 'source s3 "s3://${raw_bucket}/in/" { format json }',
    "postgresql": 'source jdbc postgresql {{ connection "pg"; table {table} }}',
    "mysql": 'source jdbc mysql {{ connection "my"; table {table} }}',
}


def pipeline(name, columns, source=None, target="s3tables", db="lake", table="t",
             rules=(), mode=None, incremental=None, partition=None, extra=()):
    src = source or SOURCES["s3"]
    lines = ["pipeline %s {" % name, "  " + src,
             "  " + TARGETS[target].format(db=db, table=table), "  columns {"]
    for col, typ, more in columns:
        lines.append("    %s %s%s" % (col, typ, more))
    lines.append("  }")
    if partition:
        lines.append("  partition by " + partition)
    if mode:
        lines.append("  mode " + mode)
    if incremental:
        lines.append("  incremental " + incremental)
    lines.extend("  " + e for e in extra)
    if rules:
        lines.append("  validate {")
        lines.extend("    " + r for r in rules)
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def literal_fits(lit, typ):
    """Whether a literal has the form of the column type's values (the
    corpus writes both: the mismatches must be refused)."""
    if typ == "string":
        return lit in STRINGS
    if typ == "boolean":
        return lit in BOOLS
    if typ == "date":
        return lit in DATES
    if typ == "timestamp":
        return lit in TIMESTAMPS or lit in DATES
    return lit in NUMBERS


def corpus_programs():
    progs = {}
    n = [0]

    def add(kind, text_fn):
        n[0] += 1
        name = "c%04d_%s" % (n[0], kind)
        progs[name] = text_fn(name)

    # names in every place, for every target engine
    for target in TARGETS:
        for nm in NAMES:
            add("col_" + target, lambda p, nm=nm, target=target: pipeline(
                p, [("id", "bigint", " required"), (nm, "string", "")], target=target,
                rules=["not_null " + nm, "expect %s = \"x\"" % nm]))
            add("field_" + target, lambda p, nm=nm, target=target: pipeline(
                p, [("id", "bigint", ""), ("s", "struct<%s: string, n: int>" % nm, "")],
                target=target))
            add("table_" + target, lambda p, nm=nm, target=target: pipeline(
                p, [("id", "bigint", "")], target=target, table=nm))
            add("db_" + target, lambda p, nm=nm, target=target: pipeline(
                p, [("id", "bigint", "")], target=target, db=nm))
            add("key_" + target, lambda p, nm=nm, target=target: pipeline(
                p, [(nm, "bigint", " required"), ("v", "string", "")], target=target,
                mode="merge on " + nm))
        for nm in NAMES:
            for eng in ("postgresql", "mysql"):
                add("src_" + eng, lambda p, nm=nm, eng=eng, target=target: pipeline(
                    p, [("id", "bigint", "")],
                    source=SOURCES[eng].format(table="public." + nm), target=target))
    # every type x every literal form x every rule kind x every target
    for target in TARGETS:
        for typ in TYPES:
            add("type_" + target, lambda p, typ=typ, target=target: pipeline(
                p, [("id", "bigint", ""), ("c", typ, "")], target=target,
                rules=["not_null c", "unique c", "completeness c >= 0.5"]))
            scalar = "<" not in typ
            if not scalar:
                continue
            # the literals of the column's own form, every comparison: one
            # program per comparison, each accepted or refused as a whole
            fits = [lit for lit in LITERALS if literal_fits(lit, typ)]
            for cmp_ in CMPS:
                add("cmp_" + target, lambda p, typ=typ, fits=fits, cmp_=cmp_, target=target:
                    pipeline(p, [("id", "bigint", ""), ("c", typ, "")], target=target,
                             rules=["expect c %s %s" % (cmp_, lit) for lit in fits]))
            add("in_" + target, lambda p, typ=typ, fits=fits, target=target: pipeline(
                p, [("id", "bigint", ""), ("c", typ, "")], target=target,
                rules=["expect c in (%s)" % ", ".join(fits)]
                + ["expect c in (%s)" % lit for lit in fits]))
            # a literal of another form is refused the same way for every
            # target: once, on the first target
            if target == "s3tables":
                for lit in LITERALS:
                    if not literal_fits(lit, typ):
                        add("mismatch", lambda p, typ=typ, lit=lit: pipeline(
                            p, [("id", "bigint", ""), ("c", typ, "")],
                            rules=["expect c = %s" % lit]))
            for a, b in (("0", "10"), ('"2024-01-01"', '"2024-12-31"'),
                         ('"a"', '"b"'), ("-1.5", "1.5")):
                add("between_" + target, lambda p, typ=typ, a=a, b=b, target=target: pipeline(
                    p, [("id", "bigint", ""), ("c", typ, "")], target=target,
                    rules=["expect c between %s and %s" % (a, b)]))
            for rx in ('"^[a-z]+$"', '"a\\\\.b"', '"it\'s"', '"[\\"]"', '".*;.*"'):
                add("matches_" + target, lambda p, typ=typ, rx=rx, target=target: pipeline(
                    p, [("id", "bigint", ""), ("c", typ, "")], target=target,
                    rules=["expect c matches " + rx]))
            add("fresh_" + target, lambda p, typ=typ, target=target: pipeline(
                p, [("id", "bigint", ""), ("c", typ, "")], target=target,
                rules=["freshness c within 2h", "expect c is not null"]))
        add("rowcount_" + target, lambda p, target=target: pipeline(
            p, [("id", "bigint", "")], target=target,
            rules=["row_count > 0", "row_count between 1 and 1000000",
                   "row_count matches source", "sample 5"]))
    return progs


# ------------------------------------------------------------------ fuzz

PRINTABLE = [n for n in NAMES if "\t" not in n] + SAFE
PLAIN = [n for n in NAMES if re.match(r"^[a-z_][a-z0-9_]*$", n)] + SAFE
SCALARS = [ty for ty in TYPES if "<" not in ty and ty != "binary"]
ORDERABLE = ["int", "bigint", "date", "timestamp"]


def fuzz_programs(seed, count):
    """Random programs, most of them valid: each choice follows the rules
    pipec enforces with probability 1 - WILD, else it is any choice of the
    grammar (so that both sides of each rule are drawn)."""
    rnd = random.Random(seed)
    wild = 0.15

    def pick(valid, anything):
        return rnd.choice(anything if rnd.random() < wild or not valid else valid)

    progs = {}
    for i in range(count):
        name = "f%d_%04d" % (seed, i)
        target = rnd.choice(list(TARGETS))
        src_kind = rnd.choice(["s3", "s3", "postgresql", "mysql"])
        cols, used = [], set()
        for _ in range(rnd.randint(1, 6)):
            nm = pick(PLAIN if target in ("s3tables", "redshift") else PRINTABLE,
                      NAMES + SAFE)
            if nm.lower() in used:
                continue
            used.add(nm.lower())
            typ = pick(SCALARS + TYPES, TYPES)
            if rnd.random() < 0.2 and target != "redshift":
                typ = "struct<%s: %s>" % (pick(NAMES + SAFE, NAMES), typ)
            cols.append((nm, typ, " required" if rnd.random() < 0.3 else ""))

        def col_of(types):
            return [c for c in cols if c[1] in types]

        rules = []
        for _ in range(rnd.randint(0, 5)):
            nm, typ, _m = rnd.choice(cols)
            fits = [lit for lit in LITERALS if literal_fits(lit, typ)]
            kind = rnd.choice(["cmp", "in", "between", "not_null", "unique", "matches",
                               "completeness", "freshness", "notnull", "rowcount"])
            lit = lambda: pick(fits, LITERALS)  # noqa: E731
            if kind == "cmp":
                rules.append("expect %s %s %s" % (nm, rnd.choice(CMPS), lit()))
            elif kind == "in":
                rules.append("expect %s in (%s)" % (nm, ", ".join(
                    lit() for _ in range(rnd.randint(1, 3)))))
            elif kind == "between":
                a, b = sorted([lit(), lit()])
                rules.append("expect %s between %s and %s" % (nm, a, b))
            elif kind == "matches":
                s = pick(col_of(["string"]), cols)
                rules.append("expect %s matches %s" % (s[0], rnd.choice(STRINGS)))
            elif kind == "completeness":
                rules.append("completeness %s >= %s" % (nm, rnd.choice(["0", "0.5", "1"])))
            elif kind == "freshness":
                f = pick(col_of(["date", "timestamp"]), cols)
                rules.append("freshness %s within %s" % (f[0], rnd.choice(["1h", "2d", "30m"])))
            elif kind == "notnull":
                rules.append("expect %s is not null" % nm)
            elif kind == "rowcount":
                rules.append(rnd.choice(["row_count > 0", "row_count matches source",
                                         "row_count between 1 and 10"]))
            else:
                rules.append("%s %s" % (kind, nm))
        partition = None
        if target != "redshift" or rnd.random() < wild:
            pc = pick(col_of(["string", "int", "bigint", "date", "boolean"]), cols)
            tc = pick(col_of(["date", "timestamp"]), cols)
            forms = [None, pc[0]] if target == "parquet" else \
                [None, pc[0], "days(%s)" % tc[0], "bucket(4, %s)" % pc[0]]
            partition = rnd.choice(forms)
        modes = ["append", "replace", "merge on " + cols[0][0]]
        if target == "parquet":
            modes.remove("merge on " + cols[0][0])
        if partition and target != "redshift":
            modes.append("overwrite")
        mode = pick(modes, ["append", "replace", "overwrite", "merge on " + cols[0][0]])
        incs = [None, None]
        if src_kind == "s3" and mode in ("append", "merge on " + cols[0][0]):
            incs.append("new files")
        oc = col_of(ORDERABLE)
        if oc and mode != "replace" and not mode.startswith("overwrite"):
            incs.append("by " + rnd.choice(oc)[0])
        incremental = pick(incs, [None, "new files", "by " + cols[-1][0]])
        src = SOURCES["s3"] if src_kind == "s3" else SOURCES[src_kind].format(
            table=("public." if src_kind == "postgresql" else "shop.") + pick(PLAIN, NAMES))
        lower = target in ("s3tables", "redshift")
        progs[name] = pipeline(name, cols, source=src, target=target,
                               db=pick(["lake", "lake"] + (PLAIN if lower else PRINTABLE), NAMES),
                               table=pick(["t_" + name] + (PLAIN if lower else PRINTABLE), NAMES),
                               rules=rules, mode=mode, incremental=incremental,
                               partition=partition)
    return progs


def write(dirpath, progs):
    os.makedirs(os.path.join(dirpath, "pipelines"), exist_ok=True)
    with open(os.path.join(dirpath, "pipec.yaml"), "w") as f:
        f.write(PROJECT)
    for name, text in sorted(progs.items()):
        with open(os.path.join(dirpath, "pipelines", name + ".pipe"), "w",
                  encoding="utf-8") as f:
            f.write(text)


# ------------------------------------------------------------------- run

CRASH = re.compile(r"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|"
                   r"Segmentation fault|core dumped|LeakSanitizer")
# Of the refused programs, every SAMPLE-th is also built alone, to see
# that a refused build writes nothing.
SAMPLE = 20
# Of the accepted programs, every GRAMMAR_EVERY-th is built into OUT/grammar
# for the engine grammars (tests/suites/66-corpus.sh).
GRAMMAR_EVERY = int(os.environ.get("CORPUS_GRAMMAR_EVERY", "8"))


def _pipec(pipec, args, cwd):
    env = dict(os.environ, LC_ALL="C")
    return subprocess.run([pipec] + args, cwd=cwd, capture_output=True, text=True,
                          errors="replace", env=env, timeout=600)


def _check(pipec, dirpath, names, errors):
    """One `pipec check` of a project: adds each program's errors to
    errors; returns how many programs it refused, None on a broken run."""
    chk = _pipec(pipec, ["check", "--no-catalog", "--diagnostics-format", "json",
                         "pipelines"], dirpath)
    if CRASH.search(chk.stderr) or chk.returncode not in (0, 1):
        print("not ok corpus: pipec check of the corpus exited %d" % chk.returncode)
        for line in chk.stderr.splitlines()[:20]:
            print("#   " + line)
        return None
    found = set()
    for d in json.loads(chk.stdout)["diagnostics"]:
        if d["severity"] != "error":
            continue
        loc = d.get("location") or {}
        f = os.path.basename(loc.get("file", ""))
        if not f.endswith(".pipe") or not loc.get("line") or not loc.get("column"):
            print("not ok corpus: an error without a location: %s" % d["message"])
            return None
        if f[:-5] not in names:
            print("not ok corpus: an error in %s, which is not a program" % f)
            return None
        errors.setdefault(f[:-5], []).append(d)
        found.add(f[:-5])
    if chk.returncode != (1 if found else 0):
        print("not ok corpus: pipec check exited %d with %d programs in error"
              % (chk.returncode, len(found)))
        return None
    return len(found)


def _copy(dirpath, dest, names):
    """A project of the given programs of dirpath."""
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(os.path.join(dest, "pipelines"))
    shutil.copy(os.path.join(dirpath, "pipec.yaml"), dest)
    for n in names:
        shutil.copy(os.path.join(dirpath, "pipelines", n + ".pipe"),
                    os.path.join(dest, "pipelines"))


def run(pipec, dirpath, out):
    """Checks the whole corpus with one `pipec check` (JSON diagnostics
    give each program's errors), builds the accepted ones with one `pipec
    build`, and builds a sample of the refused ones alone."""
    os.makedirs(out, exist_ok=True)
    pdir = os.path.join(dirpath, "pipelines")
    names = sorted(n[:-5] for n in os.listdir(pdir) if n.endswith(".pipe"))
    problems = {n: [] for n in names}
    # pipec runs its last rules (check_glue_check) only on a project with no
    # other error, so a program's late errors show once the programs with
    # early ones are set aside: check the candidates again until none is
    # refused
    errors = {}
    candidates = list(names)
    adir = os.path.join(out, "accepted")
    src = dirpath
    while candidates:
        found = _check(pipec, src, candidates, errors)
        if found is None:
            return 1
        candidates = [n for n in candidates if n not in errors]
        _copy(dirpath, adir, candidates)
        src = adir
        if not found:
            break
    accepted = [n for n in names if n not in errors]
    refused = [n for n in names if n in errors]
    bdir = os.path.join(out, "build")
    if accepted:
        bld = _pipec(pipec, ["build", "--no-catalog", "-o", bdir, "pipelines"], adir)
        if CRASH.search(bld.stderr) or bld.returncode != 0:
            print("not ok corpus: pipec build of the accepted programs exited %d"
                  % bld.returncode)
            for line in bld.stderr.splitlines()[:20]:
                print("#   " + line)
            return 1
    for n in accepted:
        job = os.path.join(bdir, n, "job.py")
        if not os.path.isfile(job):
            problems[n].append("accepted, but no %s" % job)
            continue
        with open(job, encoding="utf-8") as f:
            src = f.read()
        try:
            compile(src, job, "exec")
        except SyntaxError as e:
            problems[n].append("job.py does not compile: %s" % e)
    for i, n in enumerate(refused):
        if i % SAMPLE:
            continue
        rdir = os.path.join(out, "refused", n)
        bld = _pipec(pipec, ["build", "--no-catalog", "-o", rdir,
                             os.path.join("pipelines", n + ".pipe")], dirpath)
        if CRASH.search(bld.stderr) or bld.returncode != 1:
            problems[n].append("pipec build of a refused program exited %d" % bld.returncode)
        if os.path.exists(os.path.join(rdir, n)):
            problems[n].append("refused, but build wrote %s" % os.path.join(rdir, n))
    bad = 0
    for n in names:
        if problems[n]:
            bad += 1
            print("not ok corpus %s" % n)
            for p in problems[n]:
                print("# " + p)
            with open(os.path.join(pdir, n + ".pipe"), encoding="utf-8") as f:
                for line in f.read().splitlines()[:30]:
                    print("#   | " + line)
        else:
            print("ok corpus %s (%s)" % (n, "accepted" if n in accepted else "refused: "
                                         + errors[n][0]["message"][:80]))
    # every GRAMMAR_EVERY-th accepted program, built on its own for the
    # engine grammars (running each job on the stand-in costs; the sample
    # still covers every kind of program, they come in kind order)
    sample = accepted[::GRAMMAR_EVERY]
    sdir = os.path.join(out, "sample")
    _copy(adir, sdir, sample)
    if sample:
        bld = _pipec(pipec, ["build", "--no-catalog", "-o", os.path.join(out, "grammar"),
                             "pipelines"], sdir)
        if bld.returncode != 0:
            print("not ok corpus: pipec build of the grammar sample exited %d"
                  % bld.returncode)
            bad += 1
    print("corpus: %d programs, %d accepted, %d refused, %d broke the property"
          % (len(names), len(accepted), len(refused), bad), file=sys.stderr)
    return 1 if bad else 0


def soak(pipec, out, seconds):
    """Rounds of 200 random programs, each round with a new seed (printed,
    so that a failure is replayed with `fuzz DIR SEED 200`), until the time
    is up or a round breaks the property."""
    import time
    end = time.monotonic() + seconds
    seed = int(time.time())
    while time.monotonic() < end:
        d = os.path.join(out, "seed-%d" % seed)
        write(d, fuzz_programs(seed, 200))
        print("# soak: seed %d" % seed, file=sys.stderr)
        if run(pipec, d, d + "-out"):
            print("soak: seed %d broke the property" % seed, file=sys.stderr)
            return 1
        shutil.rmtree(d)
        shutil.rmtree(d + "-out")
        seed += 1
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "corpus":
        write(argv[2], corpus_programs())
        return 0
    if len(argv) >= 5 and argv[1] == "fuzz":
        write(argv[2], fuzz_programs(int(argv[3]), int(argv[4])))
        return 0
    if len(argv) >= 5 and argv[1] == "run":
        return run(argv[2], argv[3], argv[4])
    if len(argv) >= 5 and argv[1] == "soak":
        return soak(argv[2], argv[3], float(argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
