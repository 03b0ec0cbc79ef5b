#!/usr/bin/env python3
"""check_artifacts.py BUILD_DIR [--only NAME] [--no-run] [--python PY]

Checks what `pipec build -o BUILD_DIR` wrote, by construction (no Spark, no
Glue): every directory BUILD_DIR/<pipeline>/ holding a job.json is a pipeline.
Prints one `ok <pipeline>: <check>` / `not ok <pipeline>: <check>` line per
check, with `# ...` detail lines after a failure; exits 1 if any check failed.

Checks:
  job.json     CreateJob input shape (botocore ParamValidator) + the max/pattern/
               enum constraints botocore skips + pipec's rules (GlueVersion 5.1,
               glueetl, Python 3, Spark worker types, Flex only on G.1X/G.2X,
               Timeout 1..10080, NumberOfWorkers >= 2, no MaxCapacity with
               WorkerType, no aws: tag keys, packed --conf, --datalake-formats
               iceberg for Iceberg/S3 Tables, bookmark option)
  triggers     each CreateTrigger body + SCHEDULED/CONDITIONAL/ON_DEMAND/EVENT rules
  ruleset      CreateDataQualityRuleset body + DQDL sanity
  job.py       py_compile, pyflakes, pycodestyle --max-line-length=100
  runs         job.py on the awsglue/pyspark stand-in, first-run and incremental
               paths (and a failing Data Quality run when the pipeline validates);
               then, from the traces: no API misuse, resolved options provided by
               DefaultArguments, catalogs configured in --conf, MERGE ON uses the
               merge keys, watermark predicate uses the watermark column and the
               value read from the target, bookmarks (transformation_ctx, init,
               commit), no Spark conf set in the script, the target is written the
               way target_kind/mode say, the DQ ruleset evaluated is ruleset.json's,
               Glue connections used are listed in job.json.
  manifest     BUILD_DIR/manifest.json sha256 of every listed artifact.

Per-pipeline facts come from the sidecar BUILD_DIR/<pipeline>/pipeline.facts.json
(written by pipec's emitter; when absent only fact-free checks run):
  {
    "name": "orders",                 # pipeline name (= directory name)
    "source_kind": "file|s3|jdbc|snowflake|bigquery|dynamodb|catalog",
    "target_kind": "s3tables|iceberg|parquet|redshift",
    "mode": "append|merge|overwrite|replace",
    "merge_keys": ["order_id"],       # [] unless mode == merge
    "watermark_column": "updated_at", # or null
    "bookmarks": false,               # S3 new-files-only via job bookmarks
    "validates": true,                # a DQ ruleset is evaluated in the job
    "on_failure": "fail|warn",        # what a failed DQ evaluation does
    # optional:
    "watermark_type": "timestamp|date|int|string",   # default timestamp
    "target_table": "s3tablescatalog.sales.orders",  # absent on the first run
    "schema": {"<source>": ["col:type", ...]}        # STANDIN_SCHEMA for runs
  }
"""
import hashlib
import json
import os
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "standin")))

import glue_model  # noqa: E402
import run_job  # noqa: E402
import _standin_dqdl as DQDL  # noqa: E402

WORKER_TYPES = {"G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X",
                "R.1X", "R.2X", "R.4X", "R.8X"}
FLEX_WORKERS = {"G.1X", "G.2X"}
BOOKMARK_VALUES = {"job-bookmark-enable", "job-bookmark-disable", "job-bookmark-pause"}
# The incremental run makes MAX(watermark) return the probe; the predicate must
# then carry its year (a lag of days or seconds keeps it). Integer columns get
# the probe's first 12 digits from the stand-in when the type is known.
WATERMARK_PROBE = {"timestamp": ("2031-07-15 12:34:56", "2031"),
                   "date": ("2031-07-15", "2031"),
                   "int": ("203107151234", "2031"),
                   "string": ("2031-07-15T12:34:56", "2031")}
READ_APIS = {"create_dynamic_frame.from_options", "create_dynamic_frame.from_catalog"}


class Report:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, name, problems):
        problems = [p for p in problems if p]
        if problems:
            self.failed += 1
            print("not ok %s" % name)
            for p in problems:
                for line in str(p).splitlines() or [""]:
                    print("# %s" % line)
        else:
            self.passed += 1
            print("ok %s" % name)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------- --conf

def parse_conf(value):
    """Returns (pairs, problems) for Glue's packed `--conf` value."""
    problems = []
    if not isinstance(value, str):
        return [], ["--conf must be a string"]
    if value.startswith("--conf"):
        problems.append("--conf value must start with the first k=v, not with '--conf'")
    if "\n" in value or "\t" in value:
        problems.append("--conf value contains a newline or tab")
    if value != value.strip():
        problems.append("--conf value has leading/trailing whitespace")
    pairs = []
    seen = {}
    for part in value.strip().split(" --conf "):
        part = part.strip()
        if part.startswith("--conf "):
            part = part[7:].strip()
        if "=" not in part:
            problems.append("--conf entry without '=': %r" % part)
            continue
        k, v = part.split("=", 1)
        if k != k.strip() or not k:
            problems.append("--conf key with spaces or empty: %r" % part)
        if not k.startswith("spark."):
            problems.append("--conf key does not start with 'spark.': %r" % k)
        if not v:
            problems.append("--conf %s has an empty value" % k)
        if " " in v:
            problems.append("--conf %s value contains a space (not separated by ' --conf '?):"
                            " %r" % (k, v))
        if "--conf" in v:
            problems.append("--conf %s value swallowed another --conf (bad separator): %r"
                            % (k, v))
        if k in seen:
            problems.append("--conf key %s given twice" % k)
        seen[k] = v
        pairs.append((k, v))
    return pairs, problems


def iceberg_catalogs(conf):
    return {m.group(1) for k, v in conf.items()
            for m in [re.match(r"^spark\.sql\.catalog\.([^.]+)$", k)]
            if m and "iceberg" in v.lower()}


def is_s3tables_catalog(conf, cat):
    p = "spark.sql.catalog.%s." % cat
    return ("s3tablescatalog" in conf.get(p + "glue.id", "") or
            conf.get(p + "warehouse", "").startswith("arn:aws:s3tables") or
            "S3TablesCatalog" in conf.get(p + "catalog-impl", "") or
            "s3tables." in conf.get(p + "uri", ""))


# ---------------------------------------------------------------- job.json

def check_job_json(job, facts):
    shape = glue_model.shape_problems("CreateJob", job)
    cons = glue_model.constraint_problems("CreateJob", job) if isinstance(job, dict) else []
    rules = []
    if not isinstance(job, dict):
        return shape, cons, ["not a JSON object"], {}
    if job.get("GlueVersion") != "5.1":
        rules.append("GlueVersion must be \"5.1\", got %r" % job.get("GlueVersion"))
    cmd = job.get("Command") or {}
    if cmd.get("Name") != "glueetl":
        rules.append("Command.Name must be \"glueetl\", got %r" % cmd.get("Name"))
    if cmd.get("PythonVersion") != "3":
        rules.append("Command.PythonVersion must be \"3\", got %r" % cmd.get("PythonVersion"))
    loc = cmd.get("ScriptLocation") or ""
    if not (loc.startswith("s3://") and loc.endswith(".py")):
        rules.append("Command.ScriptLocation must be an s3://....py URL, got %r" % loc)
    if "Runtime" in cmd:
        rules.append("Command.Runtime is for Ray jobs only")
    wt = job.get("WorkerType")
    if wt not in WORKER_TYPES:
        rules.append("WorkerType %r is not a Glue 5.1 Spark worker type (%s)"
                     % (wt, " ".join(sorted(WORKER_TYPES))))
    nw = job.get("NumberOfWorkers")
    if not isinstance(nw, int) or isinstance(nw, bool) or nw < 2:
        rules.append("NumberOfWorkers must be an integer >= 2, got %r" % (nw,))
    for k in ("MaxCapacity", "AllocatedCapacity"):
        if k in job:
            rules.append("%s must not be set with WorkerType/NumberOfWorkers" % k)
    if job.get("ExecutionClass") == "FLEX" and wt not in FLEX_WORKERS:
        rules.append("ExecutionClass FLEX needs WorkerType G.1X or G.2X, got %r" % wt)
    if "Timeout" in job:
        t = job["Timeout"]
        if not isinstance(t, int) or isinstance(t, bool) or not 1 <= t <= 10080:
            rules.append("Timeout must be 1..10080 minutes, got %r" % (t,))
    if "MaintenanceWindow" in job:
        rules.append("MaintenanceWindow is for streaming jobs only")
    for k, v in (job.get("Tags") or {}).items():
        if k.lower().startswith("aws:"):
            rules.append("tag key %r uses the reserved 'aws' prefix" % k)
        if isinstance(v, str) and v.lower().startswith("aws:"):
            rules.append("tag value %r uses the reserved 'aws' prefix" % v)
    args = job.get("DefaultArguments") or {}
    for k in args:
        if not k.startswith("--"):
            rules.append("DefaultArguments key %r does not start with '--'" % k)
    for k in ("--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION"):
        if k in args:
            rules.append("DefaultArguments sets the reserved %s" % k)
    if args.get("--job-language", "python") != "python":
        rules.append("--job-language must be python")
    bm = args.get("--job-bookmark-option")
    if bm is not None and bm not in BOOKMARK_VALUES:
        rules.append("--job-bookmark-option %r is not one of %s" % (bm, sorted(BOOKMARK_VALUES)))
    if facts.get("bookmarks") and bm != "job-bookmark-enable":
        rules.append("pipeline uses bookmarks but --job-bookmark-option is %r" % bm)
    if not facts.get("bookmarks") and facts and bm == "job-bookmark-enable":
        rules.append("--job-bookmark-option is enabled but the facts say no bookmarks")
    conf = {}
    conf_problems = []
    if "--conf" in args:
        pairs, conf_problems = parse_conf(args["--conf"])
        conf = dict(pairs)
    for k in args:
        if k != "--conf" and k.strip().lower() == "--conf":
            conf_problems.append("odd --conf key %r" % k)
    formats = {x.strip() for x in args.get("--datalake-formats", "").split(",") if x.strip()}
    uses_iceberg = any("org.apache.iceberg" in v for v in conf.values()) or \
        facts.get("target_kind") in ("s3tables", "iceberg")
    if uses_iceberg:
        if "iceberg" not in formats:
            rules.append("Iceberg/S3 Tables job without --datalake-formats iceberg (got %r)"
                         % args.get("--datalake-formats"))
        if "IcebergSparkSessionExtensions" not in conf.get("spark.sql.extensions", ""):
            rules.append("Iceberg job without spark.sql.extensions=...IcebergSparkSession"
                         "Extensions in --conf")
        cats = iceberg_catalogs(conf)
        if not cats:
            rules.append("Iceberg job configures no Iceberg catalog in --conf")
        for c in sorted(cats):
            p = "spark.sql.catalog.%s." % c
            if p + "warehouse" not in conf:
                rules.append("catalog %s has no warehouse (\"Cannot derive default warehouse "
                             "location\")" % c)
            if p + "catalog-impl" not in conf and p + "type" not in conf:
                rules.append("catalog %s has neither catalog-impl nor type" % c)
        if facts.get("target_kind") == "s3tables" and not any(
                is_s3tables_catalog(conf, c) for c in cats):
            rules.append("target_kind s3tables but no catalog points at an S3 table bucket")
    for f in formats:
        if f not in ("iceberg", "hudi", "delta"):
            rules.append("--datalake-formats has unknown format %r" % f)
    rules.extend(conf_problems)
    return shape, cons, rules, conf


# ---------------------------------------------------------------- triggers

_CRON_FIELDS = [
    ("minutes", r"(\*|[0-5]?\d)([-/][0-5]?\d)?"),
    ("hours", r"(\*|[01]?\d|2[0-3])([-/]([01]?\d|2[0-3]))?"),
    ("day-of-month", r"(\*|\?|L|LW|([12]?\d|3[01])W?)([-/]([12]?\d|3[01]))?"),
    ("month", r"(\*|1[0-2]|0?[1-9]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"
              r"([-/](1[0-2]|0?[1-9]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC))?"),
    ("day-of-week", r"(\*|\?|L|[1-7]L?|SUN|MON|TUE|WED|THU|FRI|SAT)"
                    r"([-/]([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT))?"),
    ("year", r"(\*|19[7-9]\d|2[01]\d\d)([-/](19[7-9]\d|2[01]\d\d|\d+))?"),
]


def check_cron(schedule):
    m = re.fullmatch(r"cron\((.*)\)", schedule or "")
    if not m:
        return ["Schedule must be cron(...), got %r" % schedule]
    fields = m.group(1).split()
    if len(fields) != 6:
        return ["cron needs 6 fields (min hour dom month dow year), got %d in %r"
                % (len(fields), schedule)]
    out = []
    if "#" in m.group(1):
        out.append("'#' (nth weekday) is not supported in Glue cron: %r" % schedule)
    for (name, rx), value in zip(_CRON_FIELDS, fields):
        for item in value.upper().split(","):
            if not re.fullmatch(rx, item):
                out.append("cron %s field %r is not valid" % (name, value))
                break
    dom, dow = fields[2], fields[4]
    if (dom == "?") == (dow == "?"):
        out.append("exactly one of day-of-month (%r) and day-of-week (%r) must be '?'"
                   % (dom, dow))
    step = re.fullmatch(r"(\*|\d+)/(\d+)", fields[0])
    if fields[0] == "*" or (step and int(step.group(2)) < 5):
        out.append("cron runs more often than every 5 minutes: %r" % schedule)
    return out


def check_trigger(t, job_name):
    out = glue_model.validate("CreateTrigger", t)
    if not isinstance(t, dict):
        return out
    typ = t.get("Type")
    if typ == "SCHEDULED":
        out += check_cron(t.get("Schedule"))
        if "Predicate" in t:
            out.append("SCHEDULED trigger with a Predicate")
    elif typ == "CONDITIONAL":
        pred = t.get("Predicate") or {}
        conds = pred.get("Conditions") or []
        if not conds:
            out.append("CONDITIONAL trigger without Predicate.Conditions")
        if pred.get("Logical") not in ("AND", "ANY"):
            out.append("Predicate.Logical must be AND or ANY, got %r" % pred.get("Logical"))
        for i, c in enumerate(conds):
            if c.get("LogicalOperator") != "EQUALS":
                out.append("Conditions[%d].LogicalOperator must be EQUALS" % i)
            if bool(c.get("JobName")) == bool(c.get("CrawlerName")):
                out.append("Conditions[%d] needs exactly one of JobName/CrawlerName" % i)
            if c.get("JobName") and c.get("State") != "SUCCEEDED":
                out.append("Conditions[%d].State must be SUCCEEDED, got %r" % (i, c.get("State")))
            if c.get("CrawlerName") and c.get("CrawlState") != "SUCCEEDED":
                out.append("Conditions[%d].CrawlState must be SUCCEEDED" % i)
            if c.get("JobName") == job_name:
                out.append("Conditions[%d] waits for the job it starts" % i)
        if "Schedule" in t:
            out.append("CONDITIONAL trigger with a Schedule")
    elif typ == "ON_DEMAND":
        if t.get("StartOnCreation") is True:
            out.append("ON_DEMAND trigger must not set StartOnCreation true")
        for k in ("Schedule", "Predicate"):
            if k in t:
                out.append("ON_DEMAND trigger with %s" % k)
    elif typ == "EVENT":
        if not t.get("WorkflowName"):
            out.append("EVENT trigger needs WorkflowName")
        if not t.get("EventBatchingCondition"):
            out.append("EVENT trigger needs EventBatchingCondition")
    actions = t.get("Actions") or []
    if not actions:
        out.append("trigger without Actions")
    for i, a in enumerate(actions):
        if a.get("JobName") != job_name:
            out.append("Actions[%d].JobName %r is not this pipeline's job %r"
                       % (i, a.get("JobName"), job_name))
        if "--conf" in (a.get("Arguments") or {}):
            out.append("Actions[%d].Arguments sets --conf (replaces the job's whole --conf)" % i)
    return out


# ---------------------------------------------------------------- job.py static

def _tool(cmd_candidates):
    for c in cmd_candidates:
        exe = c[0]
        if os.path.isabs(exe) and os.path.exists(exe) or not os.path.isabs(exe) and \
                shutil.which(exe):
            if len(c) > 2 and c[1] == "-m":
                r = subprocess.run(c[:1] + ["-c", "import %s" % c[2]], capture_output=True)
                if r.returncode != 0:
                    continue
            return c
    return None


def static_checks(script, py):
    out = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            py_compile.compile(script, cfile=os.path.join(tmp, "job.pyc"), doraise=True)
        out["py_compile"] = []
    except py_compile.PyCompileError as e:
        out["py_compile"] = [str(e.msg)]
    flakes = _tool([["/usr/bin/python3", "-m", "pyflakes"], [py, "-m", "pyflakes"],
                    ["pyflakes"]])
    style = _tool([["/usr/bin/pycodestyle"], [py, "-m", "pycodestyle"], ["pycodestyle"]])
    for name, cmd, extra in (("pyflakes", flakes, []),
                             ("pycodestyle", style, ["--max-line-length=100"])):
        if cmd is None:
            out[name] = ["%s is not installed (apt-get install %s)" % (
                name, "python3-pyflakes" if name == "pyflakes" else "pycodestyle")]
            continue
        r = subprocess.run(cmd + extra + [script], capture_output=True, text=True)
        text = (r.stdout + r.stderr).strip()
        out[name] = [] if r.returncode == 0 else (text.splitlines() or
                                                  ["exit status %d" % r.returncode])
    return out


# ---------------------------------------------------------------- traces

def events(res, kind=None):
    t = res.get("trace") or {}
    return [e for e in t.get("events", []) if kind is None or e["kind"] == kind]


def run_problems(res):
    out = []
    if res["exit_code"] != 0:
        out.append("job.py exited with %s on the %s path (dq %s)" % (
            res["exit_code"], res["run"], res["dq"]))
        out += ["stderr: " + line for line in res["stderr"].strip().splitlines()[-12:]]
    if res.get("trace") is None:
        out.append("no trace written (the stand-in was not imported?)")
    return out


def all_tables(res):
    """(name, how) for every table the script touched by name."""
    out = []
    for e in events(res):
        if e["kind"] == "sql":
            for t in e.get("tables") or []:
                out.append((t, "sql"))
            if e.get("target"):
                out.append((e["target"], "sql"))
        elif e["kind"] == "writeTo":
            out.append((e["table"], "writeTo"))
        elif e["kind"] in ("read",) and e.get("table"):
            out.append((e["table"], e.get("api")))
        elif e["kind"] == "catalog.tableExists":
            out.append((e["table"], "tableExists"))
    return out


def split_name(name):
    return [p.strip("`") for p in re.findall(r"`[^`]+`|[^.]+", name)]


def check_catalogs(results, conf):
    out = []
    for res in results:
        for name, how in all_tables(res):
            parts = split_name(name)
            if len(parts) >= 3 and parts[0] != "spark_catalog":
                if "spark.sql.catalog.%s" % parts[0] not in conf:
                    out.append("%s (%s) uses catalog %r that --conf does not configure"
                               % (name, how, parts[0]))
    return sorted(set(out))


def merges(res):
    """Every merge seen: (where, equalities) from spark.sql MERGE and from
    Redshift postactions (MERGE ... ON / DELETE ... USING ... WHERE)."""
    import _standin as ST
    out = []
    for e in events(res, "sql"):
        if e.get("merge"):
            out.append(("spark.sql MERGE", e["merge"]["equalities"], e["merge"]["on"]))
    for e in events(res, "write"):
        opts = e.get("connection_options") or {}
        for k in ("postactions", "preactions"):
            for stmt in (opts.get(k) or "").split(";"):
                s = stmt.strip()
                if re.match(r"^MERGE\s+INTO\b", s, re.I):
                    p = ST.merge_parts(s)
                    if p:
                        out.append(("redshift %s MERGE" % k, p["equalities"], p["on"]))
                elif re.match(r"^DELETE\s+FROM\s+\S+\s+USING\b", s, re.I):
                    w = re.search(r"\bWHERE\b(.*)$", s, re.I | re.S)
                    eqs = []
                    if w:
                        # Names may be quoted ("schema"."table"."col"), as
                        # Redshift allows and hostile names require.
                        q = r'(?:(?:"(?:[^"]|"")*"|\w+)\.)*"?(\w+)"?'
                        for m in re.finditer(q + r"\s*=\s*" + q, w.group(1)):
                            eqs.append({"left_column": m.group(1), "right_column": m.group(2)})
                    out.append(("redshift %s DELETE USING" % k, eqs, w.group(1) if w else ""))
    return out


def check_merge_keys(results, facts):
    if facts.get("mode") != "merge":
        return []
    keys = [k.lower() for k in facts.get("merge_keys") or []]
    out = []
    if not keys:
        out.append("mode is merge but merge_keys is empty")
    for res in results:
        found = merges(res)
        if not found:
            out.append("%s run: no MERGE statement executed" % res["run"])
        for where, eqs, on in found:
            cols = set()
            for q in eqs:
                if q["left_column"].lower() == q["right_column"].lower():
                    cols.add(q["left_column"].lower())
            missing = [k for k in keys if k not in cols]
            if missing:
                out.append("%s run: %s ON clause %r does not match on %s"
                           % (res["run"], where, on, ", ".join(missing)))
        # Columns of the table the pipeline does not declare are left
        # alone: the MERGE names its columns (no SET * / INSERT *), and
        # never rewrites a key.
        for e in events(res, "sql"):
            for cl in (e.get("merge") or {}).get("clauses", []):
                if cl.get("star"):
                    out.append("%s run: spark.sql MERGE uses %s * instead of naming columns"
                               % (res["run"], cl["action"]))
                for a in cl.get("set", []):
                    if a["column"].lower() in keys:
                        out.append("%s run: spark.sql MERGE updates key %s"
                                   % (res["run"], a["column"]))
        # A row with a null key never matches: merged again on every run,
        # it would be duplicated.  The rows merged must exclude them.
        for where, filters in merged_rows_filters(res):
            norm = [f.replace("``", "\0").replace("`", "").replace("\0", "`").lower()
                    for f in filters]
            for k in keys:
                if not any("%s is not null" % k in f for f in norm):
                    out.append("%s run: %s merges rows whose key %s may be null (filters: %s)"
                               % (res["run"], where, k, filters))
    return sorted(set(out))


def merged_rows_filters(res):
    """(where, filters of the rows merged) for each merge: the MERGE's
    source view, or the frame a Redshift DELETE ... USING merge loads."""
    out = []
    for e in events(res):
        if e["kind"] == "sql" and e.get("merge"):
            out.append(("spark.sql MERGE", e["merge"].get("source_filters") or []))
        elif e["kind"] == "write" and (e.get("connection_type") or "").lower() == "redshift":
            post = (e.get("connection_options") or {}).get("postactions") or ""
            if re.search(r"DELETE\s+FROM\s+\S+\s+USING", post, re.I):
                out.append(("redshift merge", e.get("filters") or []))
    return out


def predicate_texts(res):
    out = []
    for e in events(res):
        if e["kind"] == "filter":
            out.append(("filter", e.get("expr") or ""))
        elif e["kind"] == "sql":
            if e.get("where"):
                out.append(("sql WHERE", e["where"]))
            if e.get("merge"):
                for f in e["merge"].get("source_filters") or []:
                    out.append(("merge source filter", f))
                if e["merge"]["source"].startswith("("):
                    out.append(("merge source query", e["merge"]["source"]))
            for f in e.get("source_filters") or []:
                out.append(("insert source filter", f))
        elif e["kind"] == "read":
            opts = dict(e.get("connection_options") or {})
            opts.update(e.get("additional_options") or {})
            for k in ("sampleQuery", "query", "filterPredicate", "catalogPartitionPredicate"):
                if opts.get(k):
                    out.append(("read option %s" % k, str(opts[k])))
            if e.get("push_down_predicate"):
                out.append(("push_down_predicate", e["push_down_predicate"]))
    return out


def watermark_predicates(res, col, target_col=None):
    """(operator, text) of every predicate bounding col (the source field,
    or target_col, its declared name after the columns step) from below."""
    out = []
    for name in dict.fromkeys(c for c in (col, target_col) if c):
        rx = re.compile(r"[`\"]?\b%s\b[`\"]?\s*(>=|>)" % re.escape(name), re.I)
        rx_rev = re.compile(r"(<=|<)\s*[`\"]?\b%s\b" % re.escape(name), re.I)
        for _, t in predicate_texts(res):
            for m in rx.finditer(t):
                out.append((m.group(1), t))
            for m in rx_rev.finditer(t):
                out.append((">=" if m.group(1) == "<=" else ">", t))
    return out


def check_watermark(first, inc, facts):
    """The documented bounds: the first run reads col >= initial (or
    everything); later runs read col > high - lag for timestamps and
    integers, col >= high - lag for dates and partitions (the last one
    loaded may have grown)."""
    col = facts.get("watermark_column")
    if not col:
        return []
    out = []
    wtype = facts.get("watermark_type") or "timestamp"
    _, marker = WATERMARK_PROBE.get(wtype, WATERMARK_PROBE["timestamp"])
    tcol = facts.get("watermark_target_column")
    hits = [(op, t) for op, t in watermark_predicates(inc, col, tcol) if marker in t]
    if not hits:
        seen = ["%s: %s" % wt for wt in predicate_texts(inc)] or ["(no predicates at all)"]
        if watermark_predicates(inc, col, tcol):
            return ["incremental run: the watermark predicate does not use the value read "
                    "from the target (probe %r)" % marker] + ["seen " + s for s in seen[:10]]
        return ["incremental run: no predicate `%s > ...` / `%s >= ...` on the source"
                % (col, col)] + ["seen " + s for s in seen[:10]]
    want = ">=" if wtype == "date" or facts.get("watermark_kind") == "partition" else ">"
    for op, t in hits:
        if op != want:
            out.append("incremental run: %s watermark%s must read %s %s high - lag, got %r"
                       % (wtype, " (partition)" if facts.get("watermark_kind") == "partition"
                          else "", col, want, t))
    # Hand-written facts may not say whether there is an initial value.
    if first is not None and first.get("exit_code") == 0 and "watermark_initial" in facts:
        initial = facts.get("watermark_initial")
        preds = watermark_predicates(first, col, tcol)
        if initial is None and preds:
            out.append("first run: no initial value, yet the source is bounded: %r"
                       % [t for _, t in preds])
        if initial is not None:
            ini = initial[:4]
            ok = [p for p in preds if ini in p[1]]
            if not ok:
                out.append("first run: no predicate %s >= %r" % (col, initial))
            for op, t in ok:
                if op != ">=":
                    out.append("first run: the initial value is inclusive (%s >= %r), got %r"
                               % (col, initial, t))
    return out


def check_bookmarks(results, facts):
    out = []
    for res in results:
        reads = [e for e in events(res, "read") if e.get("api") in READ_APIS]
        inits = events(res, "job.init")
        commits = events(res, "job.commit")
        if facts.get("bookmarks"):
            if not reads:
                out.append("%s run: bookmarks but no Glue DynamicFrame read" % res["run"])
            # A joined table is read whole every run: a transformation_ctx
            # would bookmark it too (only its new files read, rows matched
            # with nothing); the source's read must have one.
            joined = {(j.get("database"), j.get("table")) for j in facts.get("joins") or []}
            dims = [e for e in reads if (e.get("database"), e.get("table_name")) in joined]
            reads = [e for e in reads if e not in dims]
            for e in dims:
                if e.get("transformation_ctx"):
                    out.append("%s run: joined table %s.%s read with transformation_ctx %r "
                               "(bookmarked: only its new files)" % (
                                   res["run"], e.get("database"), e.get("table_name"),
                                   e["transformation_ctx"]))
            ctxs = [e.get("transformation_ctx") for e in reads]
            for e in reads:
                if not e.get("transformation_ctx"):
                    out.append("%s run: %s without transformation_ctx (bookmark silently off)"
                               % (res["run"], e["api"]))
                if not e.get("job_initialized"):
                    out.append("%s run: %s before job.init()" % (res["run"], e["api"]))
            if len(set(ctxs)) != len(ctxs):
                out.append("%s run: transformation_ctx reused: %s" % (res["run"], ctxs))
            if not inits:
                out.append("%s run: job.init() never called" % res["run"])
        if (inits or facts.get("bookmarks")) and res["exit_code"] == 0:
            if not commits:
                out.append("%s run: job.commit() never called" % res["run"])
            else:
                last_write = max([e["seq"] for e in events(res) if e["kind"] in (
                    "write", "writeTo") or (e["kind"] == "sql" and e.get("statement") in (
                        "MERGE", "INSERT"))] or [-1])
                if commits[-1]["seq"] < last_write:
                    out.append("%s run: job.commit() before the last write" % res["run"])
    return sorted(set(out))


def check_spark_conf(results, conf):
    out = []
    for res in results:
        for e in events(res):
            if e["kind"] == "conf.set" and (e["key"] in conf or
                                            e["key"].startswith("spark.sql.catalog.") or
                                            e["key"] == "spark.sql.extensions"):
                out.append("spark.conf.set(%r) in job.py (belongs in --conf)" % e["key"])
            if e["kind"] == "sparkconf.set" and e["key"] in conf:
                out.append("SparkConf.set(%r) in job.py duplicates --conf" % e["key"])
            if e["kind"] == "sql" and e.get("set"):
                for k in e["set"]:
                    if k in conf or k.startswith("spark.sql.catalog."):
                        out.append("SQL SET %s in job.py (belongs in --conf)" % k)
    return sorted(set(out))


def check_violations(results):
    out = []
    for res in results:
        for v in (res.get("trace") or {}).get("violations", []):
            out.append("%s run: %s: %s" % (res["run"], v["api"], v["message"]))
    return sorted(set(out))


def check_options(results, job):
    provided = {k[2:] for k in (job.get("DefaultArguments") or {})} | {"JOB_NAME"}
    if "TempDir" in provided:
        provided.add("RedshiftTempDir")
    out = []
    for res in results:
        for e in events(res, "getResolvedOptions"):
            for n in e.get("names") or []:
                if n not in provided:
                    out.append("getResolvedOptions asks for %r, which job.json DefaultArguments "
                               "does not provide" % n)
    return sorted(set(out))


def _target_writes(res, conf):
    """Kinds of target writes seen: list of (target_kind_guess, mode_guess, detail)."""
    out = []
    for e in events(res):
        k = e["kind"]
        if k == "writeTo":
            cat = split_name(e["table"])[0] if len(split_name(e["table"])) >= 3 else None
            tk = "s3tables" if cat and is_s3tables_catalog(conf, cat) else "iceberg"
            mode = {"append": "append", "overwritePartitions": "overwrite",
                    "overwrite": "overwrite", "create": "replace", "replace": "replace",
                    "createOrReplace": "replace"}[e["op"]]
            out.append((tk, mode, "writeTo(%s).%s()" % (e["table"], e["op"])))
        elif k == "sql" and e.get("statement") in ("MERGE", "INSERT", "CREATE TABLE",
                                                    "CREATE OR REPLACE TABLE", "REPLACE TABLE"):
            tgt = e.get("target") or ""
            parts = split_name(tgt)
            cat = parts[0] if len(parts) >= 3 else None
            tk = "s3tables" if cat and is_s3tables_catalog(conf, cat) else \
                "iceberg" if cat in iceberg_catalogs(conf) else "parquet"
            st = e["statement"]
            if st == "MERGE":
                mode = "merge"
            elif st == "INSERT":
                mode = "overwrite" if e.get("overwrite") else "append"
            elif st == "CREATE TABLE":
                if not re.search(r"\bAS\s+SELECT\b", e["text"], re.I):
                    continue
                mode = "replace"
            else:
                mode = "replace"
            out.append((tk, mode, "%s %s" % (st, tgt)))
        elif k == "write":
            api = e.get("api") or ""
            ct = (e.get("connection_type") or "").lower()
            opts = e.get("connection_options") or {}
            if ct == "redshift" or api.endswith("from_jdbc_conf"):
                pre = (opts.get("preactions") or "").upper()
                post = (opts.get("postactions") or "").upper()
                # A replace may also swap the rows inside the postactions'
                # transaction: DELETE FROM t (no USING) before the INSERT.
                post_delete_all = any(
                    re.match(r"^DELETE\s+FROM\s+\S+$", st.strip())
                    for st in post.split(";"))
                mode = "merge" if ("MERGE INTO" in post or re.search(r"DELETE\s+FROM\s+\S+\s+"
                                                                     r"USING", post)) else \
                    "replace" if ("TRUNCATE" in pre or re.search(r"DELETE\s+FROM", pre) or
                                  post_delete_all) else \
                    "append"
                out.append(("redshift", mode, "%s %s" % (api, opts.get("dbtable"))))
            elif api in ("DataFrameWriter.insertInto", "DataFrameWriter.saveAsTable") and \
                    split_name(e.get("table") or "")[0] not in iceberg_catalogs(conf):
                # A Hive table of the Glue catalog (spark_catalog): Parquet
                # files, partitions registered by the metastore.
                # insertInto ignores writer options: only the session's
                # partitionOverwriteMode (recorded by the stand-in) counts.
                m = (e.get("mode") or "").lower()
                pom = e.get("partition_overwrite_mode") or \
                    conf.get("spark.sql.sources.partitionOverwriteMode", "static").lower()
                if api == "DataFrameWriter.saveAsTable":
                    pom = "static"
                mode = "overwrite" if m == "overwrite" and pom == "dynamic" else \
                    "replace" if m == "overwrite" else "append"
                out.append(("parquet", mode, "%s %s" % (api, e.get("table"))))
            elif ct == "s3" or api.startswith("DataFrameWriter") or \
                    api == "write_dynamic_frame.from_catalog":
                fmt = (e.get("format") or "").lower()
                m = (e.get("mode") or "").lower()
                mode = "overwrite" if m == "overwrite" and \
                    conf.get("spark.sql.sources.partitionOverwriteMode", "").lower() == \
                    "dynamic" else "replace" if m == "overwrite" else "append"
                path = opts.get("path") or e.get("path") or ""
                if "_pipec/staging/" in path and \
                        (e.get("partitionBy") or [None])[0] == "pipec_src":
                    # The append once per source file: its staging prefix
                    # is replaced, then each file's objects are copied into
                    # the table by name (write_parquet.py.tmpl).
                    mode = "append"
                if fmt in ("parquet", "glueparquet") or api in (
                        "DataFrameWriter.parquet", "write_dynamic_frame.from_catalog"):
                    out.append(("parquet", mode, "%s %s" % (api, opts.get("path") or
                                                           e.get("path") or e.get("table_name"))))
            elif api == "write_data_frame.from_catalog":
                out.append(("iceberg", "append", api))
    return out


_MODE_OK = {"append": {"append"}, "merge": {"merge"}, "overwrite": {"overwrite", "replace"},
            "replace": {"replace", "overwrite"}}


def check_target(results, facts, conf):
    tk, mode = facts.get("target_kind"), facts.get("mode")
    out = []
    for res in results:
        if res["exit_code"] != 0:
            continue
        writes = _target_writes(res, conf)
        if not writes:
            out.append("%s run: nothing was written" % res["run"])
            continue
        if tk:
            kinds = {w[0] for w in writes}
            if tk not in kinds and not (tk == "iceberg" and "s3tables" in kinds and False):
                out.append("%s run: target_kind %s but writes were %s" % (
                    res["run"], tk, "; ".join("%s (%s)" % (w[2], w[0]) for w in writes)))
        if mode:
            modes = {w[1] for w in writes if not tk or w[0] == tk}
            # A Hive table's overwrite is decided by the session's
            # partitionOverwriteMode: overwrite must run dynamic (static would
            # delete every partition), replace static.
            ok = {mode} if tk == "parquet" else _MODE_OK.get(mode, {mode})
            if not modes & ok or (tk == "parquet" and modes - ok):
                out.append("%s run: mode %s but target writes were %s" % (
                    res["run"], mode, "; ".join("%s (%s)" % (w[2], w[1]) for w in writes)))
    return sorted(set(out))


def check_dq(results, facts, ruleset_json, dq_fail_res):
    out = []
    evaluated = set()
    for res in results:
        for e in events(res, "dq"):
            evaluated.add((e.get("ruleset") or "").strip())
    if facts.get("validates"):
        if not evaluated:
            out.append("the pipeline validates but no EvaluateDataQuality ran")
        if dq_fail_res is not None:
            on_failure = facts.get("on_failure", "fail")
            if on_failure == "fail" and dq_fail_res["exit_code"] == 0:
                out.append("on_failure fail, but the job exited 0 when Data Quality failed")
            if on_failure == "warn" and dq_fail_res["exit_code"] != 0:
                out.append("on_failure warn, but the job failed when Data Quality failed:")
                out += ["stderr: " + s for s in dq_fail_res["stderr"].strip().splitlines()[-6:]]
            if on_failure == "fail" and dq_fail_res["exit_code"] not in (0, None):
                later = [e for e in events(dq_fail_res) if e["kind"] in ("writeTo",) or
                         (e["kind"] == "sql" and e.get("statement") in ("MERGE", "INSERT"))]
                dqs = [e["seq"] for e in events(dq_fail_res, "dq")]
                if dqs and any(e["seq"] > dqs[0] for e in later):
                    out.append("the target was written after Data Quality failed")
    elif evaluated and facts:
        out.append("EvaluateDataQuality ran but the facts say validates=false")
    if ruleset_json is not None and evaluated:
        want = (ruleset_json.get("Ruleset") or "").strip()
        if want not in evaluated:
            out.append("the ruleset evaluated in job.py differs from ruleset.json's Ruleset")
    return out


def check_connections(results, job):
    listed = set((job.get("Connections") or {}).get("Connections") or [])
    out = []
    for res in results:
        for e in events(res):
            if e["kind"] not in ("read", "write"):
                continue
            opts = e.get("connection_options") or {}
            for name in (opts.get("connectionName"), e.get("catalog_connection")):
                if name and name not in listed:
                    out.append("Glue connection %r is used by job.py but not listed in "
                               "job.json Connections" % name)
    return sorted(set(out))


# ---------------------------------------------------------------- manifest

def check_manifest(build):
    path = os.path.join(build, "manifest.json")
    if not os.path.exists(path):
        return None
    try:
        man = load_json(path)
    except ValueError as e:
        return ["manifest.json is not JSON: %s" % e]
    entries = []
    if isinstance(man, dict) and isinstance(man.get("artifacts"), list):
        man = man["artifacts"]
    if isinstance(man, list):
        for a in man:
            if isinstance(a, dict) and "path" in a and "sha256" in a:
                entries.append((a["path"], a["sha256"]))
    elif isinstance(man, dict):
        src = man.get("artifacts") if isinstance(man.get("artifacts"), dict) else man
        for k, v in src.items():
            if isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v):
                entries.append((k, v))
            elif isinstance(v, dict) and "sha256" in v:
                entries.append((k, v["sha256"]))
    if not entries:
        return ["manifest.json lists no artifacts with sha256 (unknown shape)"]
    out = []
    for p, sha in entries:
        fp = os.path.join(build, p)
        if not os.path.exists(fp):
            out.append("manifest lists %s, which does not exist" % p)
            continue
        with open(fp, "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != sha:
            out.append("sha256 of %s is %s, manifest says %s" % (p, got, sha))
    listed = {os.path.normpath(p) for p, _ in entries}
    for d in sorted(os.listdir(build)):
        for f in ("job.py", "job.json", "triggers.json", "validate.sql", "ruleset.json"):
            rel = os.path.normpath(os.path.join(d, f))
            if os.path.exists(os.path.join(build, rel)) and rel not in listed:
                out.append("%s is not listed in manifest.json" % rel)
    return out


def check_redshift_insert(results):
    """Redshift's INSERT ... SELECT maps columns by position: the move from
    the staging table must name the same columns, in the same order, on
    both sides (SELECT * breaks as soon as the orders differ)."""
    out = []
    rx = re.compile(r"^INSERT\s+INTO\s+\S+\s*\((.*?)\)\s*SELECT\s+(.*?)\s+FROM\s+\S+$",
                    re.I | re.S)
    for res in results:
        for e in events(res, "write"):
            if (e.get("connection_type") or "").lower() != "redshift":
                continue
            post = (e.get("connection_options") or {}).get("postactions") or ""
            for st in [x.strip() for x in post.split(";")]:
                if not re.match(r"^INSERT\b", st, re.I):
                    continue
                m = rx.match(st)
                if not m:
                    out.append("%s run: Redshift %r does not name its columns"
                               % (res["run"], st[:120]))
                elif [c.strip() for c in m.group(1).split(",")] != \
                        [c.strip() for c in m.group(2).split(",")]:
                    out.append("%s run: Redshift %r names different columns on each side"
                               % (res["run"], st[:160]))
    return sorted(set(out))


def check_not_athena(build, name, facts):
    """A Redshift table is not in the Glue catalog: validate.sql holds
    Redshift statements on the target itself (no Athena-only function, no
    catalog name) and the manifest must not name an Athena table."""
    if facts.get("target_kind") != "redshift":
        return []
    out = []
    vpath = os.path.join(build, name, "validate.sql")
    if os.path.exists(vpath):
        with open(vpath, encoding="utf-8") as f:
            text = f.read()
        body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("--"))
        if not text.startswith("-- Redshift checks of pipeline "):
            out.append("validate.sql of a Redshift target does not say it is Redshift SQL")
        for st in (s.strip() for s in body.split(";")):
            if not st:
                continue
            for athena_only in ("COUNT_IF(", "rand()", "regexp_like(", "s3tablescatalog"):
                if athena_only in st:
                    out.append("Athena's %s in a Redshift statement: %r" % (athena_only, st[:120]))
            if "FROM " not in st:
                out.append("statement reads no table: %r" % st[:120])
    try:
        m = load_json(os.path.join(build, "manifest.json"))
        athena = ((m.get("pipelines") or {}).get(name) or {}).get("target_athena")
        if athena is not None:
            out.append("manifest names the Redshift target as Athena table %r" % athena)
    except (OSError, ValueError) as e:
        out.append("manifest.json: %s" % e)
    return out


# ---------------------------------------------------------------- driver

def check_pipeline(build, name, rep, do_run, py):
    pdir = os.path.join(build, name)
    P = lambda check: "%s: %s" % (name, check)  # noqa: E731
    facts = {}
    fpath = os.path.join(pdir, "pipeline.facts.json")
    if os.path.exists(fpath):
        try:
            facts = load_json(fpath)
        except ValueError as e:
            rep.check(P("facts"), ["pipeline.facts.json: %s" % e])
    try:
        job = load_json(os.path.join(pdir, "job.json"))
    except ValueError as e:
        rep.check(P("job.json shape"), ["job.json is not valid JSON: %s" % e])
        return
    shape, cons, rules, conf = check_job_json(job, facts)
    rep.check(P("job.json shape (CreateJob)"), shape)
    rep.check(P("job.json constraints (max/pattern/enum)"), cons)
    rep.check(P("job.json pipec rules"), rules)
    job_name = job.get("Name") if isinstance(job, dict) else None
    if facts and facts.get("name") not in (None, name):
        rep.check(P("facts name"), ["pipeline.facts.json name %r != directory %r"
                                    % (facts.get("name"), name)])

    tpath = os.path.join(pdir, "triggers.json")
    if os.path.exists(tpath):
        try:
            triggers = load_json(tpath)
            probs = []
            if not isinstance(triggers, list):
                probs = ["triggers.json must be a JSON array"]
                triggers = []
            names = [t.get("Name") for t in triggers if isinstance(t, dict)]
            if len(set(names)) != len(names):
                probs.append("duplicate trigger names: %s" % names)
            rep.check(P("triggers.json"), probs)
            for i, t in enumerate(triggers):
                rep.check(P("trigger %s" % (t.get("Name") if isinstance(t, dict) else i)),
                          check_trigger(t, job_name))
        except ValueError as e:
            rep.check(P("triggers.json"), ["not valid JSON: %s" % e])
    else:
        rep.check(P("triggers.json"), ["triggers.json is missing (write [] when none)"])

    rpath = os.path.join(pdir, "ruleset.json")
    ruleset = None
    if os.path.exists(rpath):
        try:
            ruleset = load_json(rpath)
            probs = glue_model.validate("CreateDataQualityRuleset", ruleset)
            if isinstance(ruleset, dict):
                probs += ["DQDL: " + p for p in DQDL.check(ruleset.get("Ruleset"))]
            rep.check(P("ruleset.json"), probs)
        except ValueError as e:
            rep.check(P("ruleset.json"), ["not valid JSON: %s" % e])
    elif facts.get("validates"):
        rep.check(P("ruleset.json"), ["the pipeline validates but ruleset.json is missing"])

    script = os.path.join(pdir, "job.py")
    if not os.path.exists(script):
        rep.check(P("job.py"), ["job.py is missing"])
        return
    st = static_checks(script, py)
    rep.check(P("job.py py_compile"), st["py_compile"])
    rep.check(P("job.py pyflakes"), st["pyflakes"])
    rep.check(P("job.py pycodestyle"), st["pycodestyle"])
    if not do_run or st["py_compile"]:
        return

    schema = facts.get("schema")
    wm_value, _ = WATERMARK_PROBE.get(facts.get("watermark_type") or "timestamp",
                                      WATERMARK_PROBE["timestamp"])
    first = run_job.run(build, name, "first-run", "pass", schema=schema)
    inc = run_job.run(build, name, "incremental", "pass", schema=schema, watermark=wm_value)
    rep.check(P("run first-run path"), run_problems(first))
    rep.check(P("run incremental path"), run_problems(inc))
    results = [first, inc]
    dq_fail = None
    if facts.get("validates"):
        dq_fail = run_job.run(build, name, "incremental", "fail", schema=schema,
                              watermark=wm_value)
        if dq_fail.get("trace") is None:
            rep.check(P("run with failing Data Quality"), run_problems(dq_fail))
    rep.check(P("no API misuse (stand-in violations)"), check_violations(
        results + ([dq_fail] if dq_fail else [])))
    rep.check(P("resolved options provided by DefaultArguments"), check_options(results, job))
    rep.check(P("catalogs configured in --conf"), check_catalogs(results, conf))
    rep.check(P("no Spark conf set in job.py"), check_spark_conf(results, conf))
    rep.check(P("Glue connections listed"), check_connections(results, job))
    rep.check(P("validate.sql of a Redshift target is Redshift SQL"),
              check_not_athena(build, name, facts))
    rep.check(P("Redshift INSERT names its columns"), check_redshift_insert(results))
    rep.check(P("bookmarks and job.commit"), check_bookmarks(results, facts))
    if facts:
        rep.check(P("merge keys"), check_merge_keys(results, facts))
        rep.check(P("watermark predicate"), check_watermark(first, inc, facts)
                  if inc["exit_code"] == 0
                  else ["incremental run failed"] if facts.get("watermark_column") else [])
        rep.check(P("target write matches target_kind/mode"), check_target(results, facts, conf))
        rep.check(P("data quality"), check_dq(results, facts, ruleset, dq_fail))


def main(argv):
    build, only, do_run = None, None, True
    py = sys.executable
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--only":
            only = argv[i + 1]
            i += 1
        elif a == "--no-run":
            do_run = False
        elif a == "--python":
            py = argv[i + 1]
            i += 1
        elif a.startswith("-"):
            sys.stderr.write(__doc__)
            return 2
        else:
            build = a
        i += 1
    if not build or not os.path.isdir(build):
        sys.stderr.write("usage: check_artifacts.py BUILD_DIR [--only NAME] [--no-run]\n")
        return 2
    rep = Report()
    man = check_manifest(build)
    if man is not None:
        rep.check("manifest.json", man)
    names = sorted(d for d in os.listdir(build)
                   if os.path.isfile(os.path.join(build, d, "job.json")) or
                   os.path.isfile(os.path.join(build, d, "job.py")))
    if only:
        names = [n for n in names if n == only]
    if not names:
        rep.check("pipelines", ["no pipeline directories (with job.json) under %s" % build])
    for n in names:
        if not os.path.isfile(os.path.join(build, n, "job.json")):
            rep.check("%s: job.json" % n, ["job.json is missing"])
            continue
        check_pipeline(build, n, rep, do_run, py)
    print("# check_artifacts: %d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
