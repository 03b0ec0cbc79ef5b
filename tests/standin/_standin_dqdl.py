"""DQDL sanity checks shared by the stand-in (EvaluateDataQuality refuses a
ruleset Glue's parser would refuse) and tests/tools/check_artifacts.py.

Not a full DQDL grammar (awslabs/dqdl); it catches what generated rulesets get
wrong in practice: no `Rules = [ ... ]`, `==`, unbalanced quotes/brackets,
unknown rule types, Python-style comparisons, empty rules.

evaluate() runs a ruleset on concrete rows; run_sqlite() runs validate.sql
statements on the same rows (see the notes above them)."""
import datetime
import math
import re
import sqlite3

RULE_TYPES = {
    "RowCount", "RowCountMatch", "ColumnCount", "Completeness", "IsComplete",
    "ColumnDataType", "ColumnNamesMatchPattern", "ColumnExists", "ColumnCorrelation",
    "Uniqueness", "IsUnique", "IsPrimaryKey", "Mean", "Sum", "StandardDeviation", "Variance",
    "Entropy", "DistinctValuesCount", "UniqueValueRatio", "ColumnLength", "ColumnValues",
    "DataFreshness", "CustomSql", "ReferentialIntegrity", "DatasetMatch", "SchemaMatch",
    "AggregateMatch", "DetectAnomalies", "FileMatch", "FileUniqueness", "FileFreshness",
    "FileSize", "AllStatistics",
}


def _scan(text):
    """Yields (index, char, in_quote) with string literals tracked."""
    q = False
    i = 0
    while i < len(text):
        c = text[i]
        if q:
            if c == "\\" and i + 1 < len(text):
                yield i, c, True
                i += 1
                yield i, text[i], True
                i += 1
                continue
            if c == '"':
                q = False
            yield i, c, True if q or c == '"' else False
        else:
            if c == '"':
                q = True
                yield i, c, True
            else:
                yield i, c, False
        i += 1


def strip_comments(text):
    out = []
    for line in text.splitlines():
        buf, q, esc = [], False, False
        for ch in line:
            if q and esc:
                esc = False
            elif q and ch == "\\":
                esc = True
            elif ch == '"':
                q = not q
            if ch == "#" and not q:
                break
            buf.append(ch)
        out.append("".join(buf))
    return "\n".join(out)


def rules_block(text):
    """Returns the text inside Rules = [ ... ] or None."""
    t = strip_comments(text)
    m = re.search(r"\bRules\s*=\s*\[", t)
    if not m:
        return None
    depth, start = 0, m.end() - 1
    for i, c, inq in _scan(t[start:]):
        if inq:
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return t[start + 1:start + i]
    return None


def split_rules(text):
    block = rules_block(text)
    if block is None:
        return []
    rules, depth, cur = [], 0, []
    for _, c, inq in _scan(block):
        if not inq:
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c == "," and depth == 0:
                rules.append("".join(cur).strip())
                cur = []
                continue
        cur.append(c)
    if "".join(cur).strip():
        rules.append("".join(cur).strip())
    return rules


def check(text):
    """Returns a list of problems (empty when the ruleset looks valid)."""
    problems = []
    if not isinstance(text, str) or not text.strip():
        return ["ruleset is empty"]
    t = strip_comments(text)
    # QUOTED_STRING is '"' (ESC | .)*? '"' with ESC = \" or \\ (awslabs/dqdl
    # CommonLexerRules.g4): a quote left after removing the strings is unpaired.
    if '"' in re.sub(r'"(?:\\["\\]|[^"\\])*"', "", t):
        problems.append("unbalanced double quotes")
    depth = {"[": 0, "(": 0}
    pairs = {"]": "[", ")": "("}
    for _, c, inq in _scan(t):
        if inq:
            continue
        if c in depth:
            depth[c] += 1
        elif c in pairs:
            depth[pairs[c]] -= 1
            if depth[pairs[c]] < 0:
                problems.append("unbalanced '%s'" % c)
                depth[pairs[c]] = 0
    for k, v in depth.items():
        if v:
            problems.append("unbalanced '%s'" % k)
    outside = "".join(c for _, c, inq in _scan(t) if not inq)
    if "==" in outside:
        problems.append("'==' is not a DQDL operator (use '=')")
    if re.search(r"(?<![<>!])=>|&&|\|\|", outside):
        problems.append("Python/C-style operator in DQDL")
    if not re.search(r"\bRules\s*=\s*\[", t):
        problems.append("missing 'Rules = [ ... ]'")
        return problems
    if rules_block(text) is None:
        problems.append("'Rules = [' is not closed")
        return problems
    for r in split_rules(text):
        # a composite rule's `) and (` counts outside quoted strings only: a
        # CustomSql statement may hold `) AND (` itself
        masked = re.sub(r'"(?:\\["\\]|[^"\\])*"', '""', r)
        for part in re.split(r"\)\s*(?:and|or|AND|OR)\s*\(", masked.strip().strip("()")):
            m = re.match(r"^\(?\s*([A-Za-z]+)", part.strip())
            if not m:
                problems.append("rule does not start with a rule type: %r" % r)
            elif m.group(1) not in RULE_TYPES:
                problems.append("unknown rule type %r in %r" % (m.group(1), r))
        if re.match(r"^ColumnValues\s+\"[^\"]*\"\s+(Completeness|IsComplete)\b", r):
            problems.append("malformed rule %r" % r)
    return problems


# ---- Evaluation on concrete rows ----
#
# The rule types pipec writes, and ColumnValues (what pipec deliberately
# does not write), are evaluated with the behaviour the AWS Glue DQDL
# reference documents:
#   composite rules: each rule on the whole data, then and/or on the
#     outcomes (dqdl.html, "How composite rules work": the default).
#   ColumnValues: "For all ColumnValues rules (other than != and NOT IN),
#     NULL rows will fail the rule" (dqdl-rule-types-ColumnValues.html,
#     "Null behavior"); `= NULL` / `!= NULL` test for NULL; NULL in an
#     in-list admits NULL rows.
#   DataFreshness: every row at most the duration old; NULL rows fail
#     (dqdl-rule-types-DataFreshness.html, "Null behavior").
#   IsComplete: every value non-NULL; Completeness: the non-NULL share
#     (dqdl-rule-types-IsComplete.html, -Completeness.html).
#   between: exclusive (awslabs/dqdl NumberBasedCondition: > lo && < hi).
#   CustomSql: the query (Spark SQL, the evaluated rows as `primary`)
#     returns one number, compared with the condition
#     (dqdl-rule-types-CustomSql.html).
#   ColumnCount: the number of the evaluated frame's columns.
#   Mean, Sum, StandardDeviation: "will ignore rows with NULL values"
#     (dqdl-rule-types-Mean.html, -Sum.html, -StandardDeviation.html, "Null
#     behavior"); StandardDeviation is the population one (the page's
#     0, 20, 40 give 16.33); with no value left there is no metric and the
#     rule fails (not documented: an assumption, pipec's validate.sql says
#     the same with COALESCE(..., false)).
#   ColumnLength: every row's length meets the condition; NULL is a string
#     of length 0 (dqdl-rule-types-ColumnLength.html, "Null behavior").
#   DistinctValuesCount, Uniqueness: AWS does not document NULLs; here a
#     NULL is not a value (Spark's count(DISTINCT)), and Uniqueness is the
#     share of the rows with a value whose value occurs exactly once
#     (dqdl-rule-types-Uniqueness.html: "Unique values occur exactly once"),
#     no such row failing (assumptions: pipec writes both as CustomSql).
#   IsUnique: AWS does not document NULL keys; here NULL keys group
#     together, as in SQL's GROUP BY (an assumption: pipec writes unique as
#     a CustomSql count for that reason).
# Rows are dicts of Python values: None, bool, int, float, str,
# datetime.date, datetime.datetime.  matches is Java's String.matches: the
# whole value (re.fullmatch).

_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:\\["\\]|[^"\\])*")|(?P<num>-?\d+(?:\.\d+)?)'
                    r'|(?P<op>!=|>=|<=|=|<|>|\[|\]|,)|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))')


def _tokens(text):
    out, i = [], 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        m = _TOKEN.match(text, i)
        if not m or m.end() == i:
            raise ValueError("cannot read DQDL at %r" % text[i:])
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "str":
            val = re.sub(r'\\(["\\])', r"\1", val[1:-1])
        elif kind == "num":
            val = float(val) if "." in val else int(val)
        out.append((kind, val))
        i = m.end()
    return out


def _literal(tok, sample):
    """A DQDL value as a Python value comparable with the column's values."""
    kind, val = tok
    if kind == "word" and val.upper() == "NULL":
        return None
    if kind == "str" and re.fullmatch(r"\d{4}-\d\d-\d\d", val):
        d = datetime.date.fromisoformat(val)    # the DATE token
        return datetime.datetime.combine(d, datetime.time()) \
            if isinstance(sample, datetime.datetime) else d
    return val


_CMP = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _condition(toks, value, sample=None):
    """Whether value meets the condition tokens (NULL rules as documented)."""
    neg = toks[0] == ("word", "not")
    if neg:
        toks = toks[1:]
    op = toks[0][1]
    if op == "in":
        vals = [_literal(t, sample) for t in toks[2:-1] if t != ("op", ",")]
        if value is None:   # NULL passes `not in` unless listed, `in` if listed
            return (None not in vals) if neg else (None in vals)
        return (value in vals) != neg
    if op == "matches":
        if value is None:
            return neg
        return bool(re.fullmatch(toks[1][1], value)) != neg
    if op == "between":
        lo, hi = _literal(toks[1], sample), _literal(toks[3], sample)
        if value is None:
            return False
        return (lo < value < hi) != neg
    lit = _literal(toks[1], sample)
    if op not in ("=", "!=") and isinstance(lit, str):
        # stringBasedCondition has only =, !=, in, matches (the grammar)
        raise ValueError("DQDL has no %s on a string: %r" % (op, lit))
    if lit is None:
        return (value is None) == (op == "=")
    if value is None:
        return op == "!="
    return _CMP[op](value, lit)


def _as_ts(v):
    return v if isinstance(v, datetime.datetime) else datetime.datetime.combine(v, datetime.time())


def _sample(rows, col):
    return next((r.get(col) for r in rows if r.get(col) is not None), None)


def _stddev_pop(vals):
    mean = sum(vals) / len(vals)
    return math.sqrt(sum((v - mean) ** 2 for v in vals) / len(vals))


_STATS = {"Mean": lambda vals: sum(vals) / len(vals), "Sum": sum,
          "StandardDeviation": _stddev_pop}


def _custom_sql(query, rows, columns, now):
    sql = spark_to_sqlite(query)
    return _sqlite_scalar(sql, rows, columns, now, "spark")


def _atom(rule, rows, now, sources, columns):
    m = re.match(r'\s*(\w+)\s*', rule)
    kind, rest = m.group(1), _tokens(rule[m.end():])
    if kind == "RowCount":
        return _condition(rest, len(rows))
    if kind == "RowCountMatch":
        ref = sources[rest[0][1]]
        return _condition(rest[1:], len(rows) / len(ref) if ref else 0.0)
    if kind == "CustomSql":
        return _condition(rest[1:], _custom_sql(rest[0][1], rows, columns, now))
    if kind == "ColumnCount":
        return _condition(rest, len(columns))
    col = rest[0][1]
    if kind in _STATS:
        vals = [r.get(col) for r in rows if r.get(col) is not None]
        return bool(vals) and _condition(rest[1:], _STATS[kind](vals))
    if kind == "ColumnLength":
        return all(_condition(rest[1:], len(r.get(col) or "")) for r in rows)
    if kind == "DistinctValuesCount":
        return _condition(rest[1:], len({r.get(col) for r in rows} - {None}))
    if kind == "Uniqueness":
        vals = [r.get(col) for r in rows if r.get(col) is not None]
        once = sum(1 for v in set(vals) if vals.count(v) == 1)
        return bool(vals) and _condition(rest[1:], once / len(vals))
    if kind == "IsComplete":
        return all(r.get(col) is not None for r in rows)
    if kind == "Completeness":
        share = sum(r.get(col) is not None for r in rows) / len(rows) if rows else 0.0
        return _condition(rest[1:], share)
    if kind == "IsUnique":
        keys = [tuple(r.get(t[1]) for t in rest) for r in rows]
        return len(keys) == len(set(keys))
    if kind == "DataFreshness":     # every row; NULL rows fail (DataFreshness page)
        unit = {"days": 86400, "hours": 3600, "minutes": 60}[rest[3][1]]
        limit = rest[2][1] * unit
        return all(r.get(col) is not None and
                   _CMP[rest[1][1]]((now - _as_ts(r.get(col))).total_seconds(), limit)
                   for r in rows)
    if kind == "ColumnValues":
        sample = _sample(rows, col)
        return all(_condition(rest[1:], r.get(col), sample) for r in rows)
    raise ValueError("the stand-in does not evaluate %s rules" % kind)


def _split_top(rule, word):
    """Splits '(a) WORD (b) ...' at a top-level WORD between parenthesized
    rules (the docs' form), so `between 1 and 2` stays whole."""
    parts, depth, cur, i = [], 0, [], 0
    sep = re.compile(r"\s+(?:%s|%s)\s+(?=\()" % (word, word.upper()))
    while i < len(rule):
        c = rule[i]
        if c == '"':
            j = i + 1
            while rule[j] != '"':
                j += 2 if rule[j] == "\\" else 1
            cur.append(rule[i:j + 1])
            i = j + 1
            continue
        m = sep.match(rule, i) if depth == 0 and i and rule[i - 1] == ")" else None
        if m:
            parts.append("".join(cur))
            cur = []
            i = m.end()
            continue
        depth += (c == "(") - (c == ")")
        cur.append(c)
        i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def _unwrap(rule):
    rule = rule.strip()
    if rule.startswith("(") and rule.endswith(")") and len(_split_top(rule, "or")) == 1 \
            and len(_split_top(rule, "and")) == 1:
        depth = 0
        for i, c in enumerate(rule):
            depth += c == "("
            depth -= c == ")"
            if depth == 0 and i < len(rule) - 1:
                return rule
        return _unwrap(rule[1:-1])
    return rule


def _rule(rule, rows, now, sources, columns):
    rule = _unwrap(rule)
    ors = _split_top(rule, "or")
    if len(ors) > 1:
        return any(_rule(p, rows, now, sources, columns) for p in ors)
    ands = _split_top(rule, "and")
    if len(ands) > 1:
        return all(_rule(p, rows, now, sources, columns) for p in ands)
    return _atom(rule, rows, now, sources, columns)


def evaluate(ruleset, rows, columns, now, sources=None):
    """[(rule text, passed)] for every rule of the ruleset, evaluated on
    rows (columns: name -> Spark type, for the SQL table)."""
    return [(r, _rule(r, rows, now, sources or {}, columns)) for r in split_rules(ruleset)]


# ---- SQL on SQLite ----
#
# The CustomSql queries (Spark SQL) and validate.sql (Athena/Trino) are run
# on SQLite after a minimal mapping of the few constructs pipec writes:
# the table becomes "primary"; DATE '…' and TIMESTAMP '…' become ISO text
# (dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS', which compare in
# order as text); current_timestamp minus an interval of seconds becomes
# datetime(now, '-N seconds'); Spark's backslash string escapes become
# doubled quotes, its concat(a, b) and chr(n) become a || b and char(n);
# Trino's DECIMAL '1.5' is 1.5; RLIKE, regexp_like and Redshift's
# REGEXP_COUNT(c, re, 1, 'p') > 0 find the pattern (Java's find); COUNT_IF
# is a COUNT of a CASE; booleans are 1/0.  Redshift strings read a
# backslash as an escape (redshift_to_sqlite undoes it).
#
# For the conditions of `expect EXPR` (docs/language.md, "Expressions in
# expect rules"): CAST(x AS DATE/TIMESTAMP) becomes date(x)/datetime(x)
# (the others keep SQLite's affinity casts: DECIMAL and BIGINT are numbers,
# VARCHAR text, DOUBLE real); Trino's trim(BOTH ' ' FROM x) is trim(x, ' ')
# and its concat() is ||; MOD (Trino, Redshift: the remainder has the
# dividend's sign, NULL for 0), BTRIM, and each engine's regexp_extract /
# REGEXP_SUBSTR are Python functions with that engine's documented result
# when nothing matches: '' in Spark (RegExpExtract), NULL in Trino
# (regexp_extract), '' in Redshift (REGEXP_SUBSTR).  Spark's integer
# overflow (wrapping) is not modelled: the agreement cases stay in range.

def _iso(v):
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


def _spark_strings(sql):
    out, i = [], 0
    while i < len(sql):
        if sql[i] != "'":
            out.append(sql[i])
            i += 1
            continue
        j, buf = i + 1, []
        while sql[j] != "'":
            if sql[j] == "\\":
                j += 1
            buf.append(sql[j])
            j += 1
        out.append("'" + "".join(buf).replace("'", "''") + "'")
        i = j + 1
    return "".join(out)


def _call_args(sql, start):
    """The top-level arguments of the call whose '(' is at start, and the
    index after its ')'; strings are '...' with '' inside."""
    args, cur, depth, i, q = [], [], 0, start + 1, False
    while True:
        c = sql[i]
        if q:
            q = c != "'" or sql[i + 1:i + 2] == "'"
            if c == "'" and q:
                cur.append(c)
                i += 1
        elif c == "'":
            q = True
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                args.append("".join(cur).strip())
                return args, i + 1
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1


def _concat(sql):
    """Spark's concat(a, b, ...) -> (a || b || ...); chr(n) -> char(n)."""
    while True:
        m = re.search(r"\bconcat\(", sql)
        if not m:
            break
        args, end = _call_args(sql, m.end() - 1)
        sql = sql[:m.start()] + "(" + " || ".join(args) + ")" + sql[end:]
    return re.sub(r"\bchr\(", "char(", sql)


def spark_to_sqlite(sql):
    sql = _casts(_concat(_spark_strings(sql)))
    sql = re.sub(r"\bFROM primary\b", 'FROM "primary"', sql)
    sql = re.sub(r"current_timestamp\(\) - INTERVAL (\d+) SECOND",
                 r"datetime(:now, '-\1 seconds')", sql)
    sql = sql.replace(" RLIKE ", " REGEXP ")
    return re.sub(r"\b(?:DATE|TIMESTAMP) '", "'", sql)


def _count_if(sql):
    """COUNT_IF(x) -> COUNT(CASE WHEN x THEN 1 END): 0 on no rows, as in
    Trino (a SQLite aggregate function would give NULL)."""
    while "COUNT_IF(" in sql:
        start = sql.index("COUNT_IF(")
        i, depth, q = start + len("COUNT_IF("), 1, False
        while depth:
            c = sql[i]
            if c == "'":
                q = not q
            elif not q:
                depth += (c == "(") - (c == ")")
            i += 1
        inner = sql[start + len("COUNT_IF("):i - 1]
        sql = sql[:start] + "COUNT(CASE WHEN %s THEN 1 END)" % inner + sql[i:]
    return sql


def _casts(sql):
    """CAST(x AS DATE) -> date(x), CAST(x AS TIMESTAMP) -> datetime(x)."""
    start = 0
    while True:
        m = re.compile(r"\bCAST\(").search(sql, start)
        if not m:
            return sql
        args, end = _call_args(sql, m.end() - 1)
        x, _, t = args[0].rpartition(" AS ")
        fn = {"date": "date", "timestamp": "datetime"}.get(t.strip().lower())
        if fn:
            sql = sql[:m.start()] + "%s(%s)" % (fn, x) + sql[end:]
        start = m.start() + 1


def athena_to_sqlite(sql):
    sql = _casts(_concat(_count_if(sql)))
    sql = sql.replace("trim(BOTH ' ' FROM ", "trimspace(")
    sql = re.sub(r'\bFROM (?:"(?:[^"]|"")*"\.)+"(?:[^"]|"")*"', 'FROM "primary"', sql)
    sql = re.sub(r"current_timestamp - INTERVAL '(\d+)' SECOND",
                 r"datetime(:now, '-\1 seconds')", sql)
    sql = re.sub(r"\bDECIMAL '(-?[0-9.]+)'", r"\1", sql)
    return re.sub(r"\b(?:DATE|TIMESTAMP) '", "'", sql)


def _redshift_strings(sql):
    """Redshift reads \\x in a string as x: undo it for SQLite."""
    out, i = [], 0
    while i < len(sql):
        if sql[i] != "'":
            out.append(sql[i])
            i += 1
            continue
        j, buf = i + 1, []
        while sql[j] != "'" or sql[j + 1:j + 2] == "'":
            if sql[j] == "\\" or sql[j] == "'":
                j += 1
            buf.append(sql[j])
            j += 1
        out.append("'" + "".join(buf).replace("'", "''") + "'")
        i = j + 1
    return "".join(out)


def redshift_to_sqlite(sql):
    sql = _casts(_redshift_strings(sql))
    sql = re.sub(r'\bFROM (?:"(?:[^"]|"")*"\.)+"(?:[^"]|"")*"', 'FROM "primary"', sql)
    sql = re.sub(r"GETDATE\(\) - INTERVAL '(\d+) seconds'",
                 r"datetime(:now, '-\1 seconds')", sql)
    sql = re.sub(r"REGEXP_COUNT\(((?:\"(?:[^\"]|\"\")*\")), ('(?:[^']|'')*'), 1, 'p'\) > 0",
                 r"regexp_like(\1, \2)", sql)
    return re.sub(r"\b(?:DATE|TIMESTAMP) '", "'", sql)


def _mod(a, b):
    """MOD / %: the remainder with the dividend's sign; NULL for 0."""
    if a is None or b is None or b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    return math.fmod(a, b)


def _regexp_extract(empty):
    def f(v, p, g):
        if v is None:
            return None
        m = re.search(p, v)
        if not m or m.group(g) is None:
            return empty
        return m.group(g)
    return f


def _regexp_substr(v, p, pos, occ, flags):
    if v is None:
        return None
    m = re.search(p, v)
    if not m:
        return ""
    return (m.group(1) if "e" in flags else m.group(0)) or ""


def _engine_functions(db, dialect):
    db.create_function("mod", 2, _mod)
    db.create_function("trimspace", 1, lambda v: None if v is None else v.strip(" "))
    db.create_function("btrim", 2, lambda v, c: None if v is None else v.strip(c))
    db.create_function("regexp_substr", 5, _regexp_substr)
    db.create_function("regexp_extract", 3,
                       _regexp_extract(None if dialect == "athena" else ""))


class _StddevPop:
    def __init__(self):
        self.vals = []

    def step(self, v):
        if v is not None:
            self.vals.append(v)

    def finalize(self):
        return _stddev_pop(self.vals) if self.vals else None


# The catalog's list of the table's columns (column_count): Athena's
# information_schema.columns (of the S3 Tables catalog or the default one)
# and Redshift's SVV_COLUMNS, filtered to the table, become one SQLite
# table of the table's columns.
_CATALOG_COLUMNS = re.compile(
    r"\bFROM (?:\"(?:[^\"]|\"\")*\"\.)?(?:information_schema\.columns|svv_columns)\s+"
    r"WHERE table_schema = '(?:[^']|'')*' AND table_name = '(?:[^']|'')*'")


def _catalog_columns(sql):
    return _CATALOG_COLUMNS.sub("FROM catalog_columns", sql)


def _connect(rows, columns, now, dialect="athena"):
    db = sqlite3.connect(":memory:")
    _engine_functions(db, dialect)
    db.create_aggregate("stddev_pop", 1, _StddevPop)
    db.execute("CREATE TABLE catalog_columns (column_name)")
    db.executemany("INSERT INTO catalog_columns VALUES (?)", [[n] for n in columns])
    db.create_function("regexp_like", 2,
                       lambda v, p: None if v is None else bool(re.search(p, v)))
    db.create_function("regexp", 2,
                       lambda p, v: None if v is None else bool(re.search(p, v)))
    names = list(columns)
    db.execute('CREATE TABLE "primary" (%s)' % ", ".join('"%s"' % n for n in names))
    db.executemany('INSERT INTO "primary" VALUES (%s)' % ", ".join("?" * len(names)),
                   [[_iso(r.get(n)) for n in names] for r in rows])
    return db


def _sqlite_scalar(sql, rows, columns, now, dialect="spark"):
    db = _connect(rows, columns, now, dialect)
    try:
        return db.execute(sql, {"now": _iso(now)}).fetchone()[0]
    finally:
        db.close()


def run_sqlite(sql, rows, columns, now, dialect="athena"):
    """Rows (as dicts) of one statement of validate.sql (Athena or
    Redshift)."""
    db = _connect(rows, columns, now, dialect)
    lite = (redshift_to_sqlite if dialect == "redshift" else athena_to_sqlite)(
        _catalog_columns(sql))
    try:
        cur = db.execute(lite, {"now": _iso(now)} if ":now" in lite else {})
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        db.close()
