#!/usr/bin/env python3
"""check.py BUILD_DIR: the hostile pipeline of tests/injection/escaped, once
per artifact kind.  Each check decodes the artifact with that language's own
rules and asserts the exact original strings come back.  Prints ok / not ok
lines."""
import ast
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import run_job  # noqa: E402

DESCRIPTION = ("quote \" backslash \\ newline \n tab \t backtick ` triple \"\"\" "
               "dollar ${x} caf\u00e9")
KEY = 'we"ird'
UNI = "caf\u00e9 \u00fcn\u00ef"
FIELD = "a`b'c\\d\"e"
PATH = "s3://shop-dev-raw/it's \"q\" \\/"
VALUES = ["it's", 'say "hi" \\']
TAG = 'a "quoted" \\ value\nnext'

failed = 0


def check(name, problems):
    global failed
    if problems:
        failed += 1
        print("not ok %s" % name)
        for p in problems:
            print("# %s" % p)
    else:
        print("ok %s" % name)


def strings_of(tree):
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)}


def check_python(pdir):
    path = os.path.join(pdir, "job.py")
    src = open(path, encoding="utf-8").read()
    out = []
    try:
        tree = ast.parse(src)
    except SyntaxError as e:
        return ["job.py does not parse: %s" % e]
    if ast.get_docstring(tree, clean=False) != DESCRIPTION:
        out.append("docstring is %r" % ast.get_docstring(tree, clean=False))
    s = strings_of(tree)
    # The source field stands as itself in the COLUMNS table; the script
    # back-quotes it (spark_ident) when it builds the column reference.
    for want in (KEY, UNI, "`%s`" % KEY, FIELD):
        if want not in s:
            out.append("no Python string %r in job.py" % want)
    p = subprocess.run(["/usr/bin/python3", "-m", "pyflakes", path], capture_output=True,
                       text=True)
    if p.returncode != 0:
        out.append("pyflakes: " + p.stdout + p.stderr)
    if not src.isascii():
        out.append("job.py is not plain ASCII")
    return out


def trace_strings(v, acc):
    if isinstance(v, str):
        acc.add(v)
    elif isinstance(v, dict):
        for k, x in v.items():
            acc.add(k)
            trace_strings(x, acc)
    elif isinstance(v, list):
        for x in v:
            trace_strings(x, acc)
    return acc


def check_standin(build):
    res = run_job.run(build, "hostile", "incremental", "pass",
                      schema={"*": [KEY + ":bigint", FIELD + ":string", UNI + ":string"]})
    if res["exit_code"] != 0:
        return ["job.py failed on the stand-in: " + res["stderr"][-600:]]
    seen = set()
    for e in res["trace"]["events"]:
        trace_strings(e, seen)
    blob = "\n".join(seen)
    out = []
    for want in (KEY, UNI, PATH, "back tick"):
        if want not in seen and want not in blob:
            out.append("the stand-in never saw %r" % want)
    # The source field is looked up in the stand-in's schema by its exact
    # original spelling: a wrong unescaping shows as an unresolved column.
    for e in res["trace"]["events"]:
        if e.get("kind") == "error":
            out.append("stand-in error: %s %r" % (e.get("message"), e.get("column")))
    for v in res["trace"].get("violations", []):
        out.append("stand-in violation: %s: %s" % (v.get("api"), v.get("message")))
    return out


def check_json(pdir):
    job = json.load(open(os.path.join(pdir, "job.json"), encoding="utf-8"))
    trig = json.load(open(os.path.join(pdir, "triggers.json"), encoding="utf-8"))
    out = []
    if job.get("Description") != DESCRIPTION:
        out.append("job.json Description is %r" % job.get("Description"))
    if job["DefaultArguments"].get("--source_path") != PATH:
        out.append("job.json --source_path is %r" % job["DefaultArguments"].get("--source_path"))
    if job.get("Tags", {}).get("note") != TAG:
        out.append("job.json tag is %r" % job.get("Tags", {}).get("note"))
    for t in trig:
        if t.get("Tags", {}).get("note") != TAG:
            out.append("triggers.json tag is %r" % t.get("Tags", {}).get("note"))
    return out


def athena_tokens(sql):
    """Statements of an Athena script, with decoded identifiers and strings."""
    sql = "\n".join(l for l in sql.splitlines() if not l.startswith("--"))
    idents, strs, stmts, cur = [], [], [], ""
    i = 0
    while i < len(sql):
        c = sql[i]
        if c in "\"'":
            j, val = i + 1, ""
            while True:
                if j >= len(sql):
                    raise ValueError("unterminated quote at %d" % i)
                if sql[j] == c and sql[j + 1:j + 2] == c:
                    val += c
                    j += 2
                elif sql[j] == c:
                    break
                else:
                    val += sql[j]
                    j += 1
            (idents if c == '"' else strs).append(val)
            cur += sql[i:j + 1]
            i = j + 1
            continue
        if c == ";":
            stmts.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    if cur.strip():
        raise ValueError("text after the last statement: %r" % cur.strip())
    return idents, strs, stmts


def check_athena(pdir):
    try:
        idents, strs, stmts = athena_tokens(open(os.path.join(pdir, "validate.sql"),
                                                 encoding="utf-8").read())
    except ValueError as e:
        return ["validate.sql does not tokenize: %s" % e]
    out = []
    for want in (KEY, UNI):
        if want not in idents:
            out.append("no identifier %r in validate.sql (have %r)" % (want, idents))
    for want in VALUES:
        if want not in strs:
            out.append("no string %r in validate.sql (have %r)" % (want, strs))
    for s in stmts:
        if not s.upper().startswith("SELECT"):
            out.append("statement does not start with SELECT: %r" % s[:60])
    return out


def spark_sql_names(sql):
    """Backquoted identifiers (backquotes doubled), string literals
    (backslash escapes) and concat('…', chr(N), …) strings of a Spark SQL
    text, decoded."""
    out = [m.replace("``", "`") for m in re.findall(r"`((?:``|[^`])*)`", sql)]
    for m in re.findall(r"'((?:\\.|[^'\\])*)'", sql):
        out.append(re.sub(r"\\(.)", r"\1", m))
    for m in re.findall(r"concat\(((?:'(?:\\.|[^'\\])*'|chr\(\d+\)|, )*)\)", sql):
        parts = re.findall(r"'((?:\\.|[^'\\])*)'|chr\((\d+)\)", m)
        out.append("".join(re.sub(r"\\(.)", r"\1", a) if not n else chr(int(n))
                           for a, n in parts))
    return out


def check_dqdl(pdir):
    rs = json.load(open(os.path.join(pdir, "ruleset.json"), encoding="utf-8"))["Ruleset"]
    # QUOTED_STRING: '"' (ESC | .)*? '"' with ESC: '\\"' | '\\\\'
    found = [re.sub(r'\\(["\\])', r"\1", m) for m in re.findall(r'"((?:\\["\\]|[^"\\])*)"', rs)]
    # CustomSql queries are Spark SQL inside the DQDL string
    found += [n for q in found if q.startswith("SELECT ") for n in spark_sql_names(q)]
    out = []
    # a column with '"' cannot be named in a rule (DQDL keeps escapes in rule
    # parameters: docs/language.md, "Literals per engine"); its null check
    # is validate.sql's
    for want in [UNI] + VALUES:
        if want not in found:
            out.append("no DQDL string %r (have %r)" % (want, found))
    if "\\" in rs:
        out.append("the ruleset holds a backslash (an escape the reference parser keeps)")
    if "\n" in "".join(found):
        out.append("a DQDL string holds a line break")
    return out


# pipeline: (engine quote characters, the table's parts as written)
JDBC_TABLES = {
    "jdbc_pg": ('"', '"', ['Sa"les', "or]d'ers; x"]),
    "jdbc_mysql": ("`", "`", ["shop", "o\"r]d'ers x"]),
    "jdbc_mssql": ("[", "]", ["dbo", 'Or]d"ers']),
    "jdbc_oracle": ('"', '"', ["SALES", 'orders"x']),
    "jdbc_redshift_plain": ('"', '"', ["public", "order"]),
}
# Parts the engine would read unquoted as themselves (folded case, no
# reserved word): the only ones allowed bare.
BARE = {"shop", "dbo", "SALES", "public"}


def sql_name_parts(text, open_, close):
    """Splits a dotted SQL name, undoing the engine's quoting; a part that
    was bare is returned as is, with a flag."""
    parts, i = [], 0
    while i < len(text):
        if text[i] == open_:
            j, buf = i + 1, ""
            while True:
                if j >= len(text):
                    raise ValueError("unterminated quoted part in %r" % text)
                if text[j] == close:
                    if text[j + 1:j + 2] == close:
                        buf += close
                        j += 2
                        continue
                    break
                buf += text[j]
                j += 1
            parts.append((buf, True))
            i = j + 1
        else:
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i:])
            if not m:
                raise ValueError("bad character at %d in %r" % (i, text))
            parts.append((m.group(0), False))
            i += m.end()
        if i < len(text):
            if text[i] != ".":
                raise ValueError("expected '.' at %d in %r" % (i, text))
            i += 1
    return parts


def check_jdbc(build):
    out = []
    for name, (open_, close, want) in sorted(JDBC_TABLES.items()):
        try:
            with open(os.path.join(build, name, "job.json"), encoding="utf-8") as f:
                table = json.load(f)["DefaultArguments"]["--source_table"]
            got = sql_name_parts(table, open_, close)
        except (OSError, KeyError, ValueError) as e:
            out.append("%s: %s" % (name, e))
            continue
        if [g for g, _ in got] != want:
            out.append("%s: source_table %r reads back as %r, not %r"
                       % (name, table, [g for g, _ in got], want))
        for part, quoted in got:
            if not quoted and part not in BARE:
                out.append("%s: %r left unquoted in %r" % (name, part, table))
    return out


def main(build):
    pdir = os.path.join(build, "hostile")
    check("injection python (job.py)", check_python(pdir))
    check("injection python on the stand-in", check_standin(build))
    check("injection json (job.json, triggers.json)", check_json(pdir))
    check("injection athena sql (validate.sql)", check_athena(pdir))
    check("injection dqdl (ruleset.json)", check_dqdl(pdir))
    check("injection jdbc table names (per engine)", check_jdbc(build))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
