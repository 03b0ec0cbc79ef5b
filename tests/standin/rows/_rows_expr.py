"""Spark SQL expressions of the row-level stand-in: F.expr() on the
expressions pipec writes for `derive` and `filter` (compiler/check_expr.c),
evaluated row by row with Spark 3.5's semantics, ANSI mode off (Glue 5.1's
default).

Grammar (what pipec emits, fully parenthesised): literals (integers,
decimals, 'text' with backslash escapes, true, false, NULL, DATE '...',
TIMESTAMP '...'), `quoted` columns and `a`.`b` struct fields, unary - and
NOT, * / % + -, = != < <= > >=, IS [NOT] NULL, [NOT] IN (...),
[NOT] BETWEEN x AND y, AND, OR, CASE WHEN ... THEN ... [ELSE ...] END,
CAST(x AS type), and the functions of the FUNCTIONS table. Anything else
raises: an expression the stand-in cannot model never passes silently.

DOC: Spark SQL, "ANSI Compliance"
  (https://spark.apache.org/docs/3.5.0/sql-ref-ansi-compliance.html):
  with spark.sql.ansi.enabled=false (the default in Spark 3.5), "Spark
  SQL ... returns null for invalid inputs to SQL operators/functions" —
  a division by zero is NULL, a cast of text that does not parse is NULL —
  and arithmetic on integral types overflows silently (Java's two's-
  complement wrap-around); a decimal result that does not fit its
  precision is NULL.
DOC: Spark SQL, "NULL Semantics"
  (https://spark.apache.org/docs/3.5.0/sql-ref-null-semantics.html):
  comparison and arithmetic operators return NULL when an operand is NULL;
  AND/OR follow three-valued logic (FALSE AND NULL = FALSE, TRUE OR NULL =
  TRUE); IN returns NULL when no value matches and the list holds a NULL;
  CASE without ELSE is NULL when no branch matches; coalesce returns its
  first non-NULL argument.
DOC: Spark SQL built-in functions (https://spark.apache.org/docs/3.5.0/api/sql/):
  `/` returns double for non-decimal operands; substring(str, pos, len)
  counts pos from 1 (0 acts as 1, negative counts from the end);
  regexp_extract returns '' when the pattern does not match; split(str,
  regex) keeps trailing empty strings (limit -1); datediff(end, start) is
  end - start in days; date_add(d, n) adds n days; date_trunc(unit, ts)
  truncates to the unit; from_unixtime(n, fmt) formats in the session time
  zone (UTC in Glue); to_timestamp / to_date(text, fmt) are NULL when the
  text does not match the pattern.
DOC: Spark's DecimalPrecision rules (sql/catalyst .../DecimalPrecision.scala,
  Spark 3.5) give the result type of decimal arithmetic: e1 + e2:
  max(s1, s2) + max(p1-s1, p2-s2) + 1; e1 * e2: p1+p2+1, s1+s2; e1 / e2:
  scale max(6, s1+p2+1), precision p1-s1+s2+scale; bounded to 38 digits
  (allowPrecisionLoss, default true). The values are computed exactly and
  rounded half-up to the result scale.
"""
import datetime
import decimal
import re

import _rows as R

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<str>'(?:[^'\\]|\\.)*')
  | (?P<qid>`(?:[^`]|``)+`)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|!=|<>|[-+*/%=<>(),.])
""", re.X)

_INT_BITS = {"tinyint": 8, "smallint": 16, "int": 32, "bigint": 64}
_INT_RANK = ["tinyint", "smallint", "int", "bigint"]
_DEC_DIGITS = {"tinyint": 3, "smallint": 5, "int": 10, "bigint": 20}


def _tokens(text):
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise R.AnalysisException("[PARSE_SYNTAX_ERROR] at %r in expression %r"
                                      % (text[pos:pos + 10], text))
        pos = m.end()
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(kind)))
    return out


def _unescape(s):
    body = s[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
                  .get(m.group(1), m.group(1)), body)


# ------------------------------------------------------------------ types

def _dec(t):
    m = re.match(r"^decimal\((\d+),\s*(\d+)\)$", t) if isinstance(t, str) else None
    return (int(m.group(1)), int(m.group(2))) if m else None


def _bounded(p, s):
    if p <= 38:
        return "decimal(%d,%d)" % (p, s)
    int_digits = p - s
    min_scale = min(s, 6)
    return "decimal(38,%d)" % max(38 - int_digits, min_scale)


def _as_dec(t):
    return _dec(t) or (_DEC_DIGITS[t], 0)


def _arith_type(op, a, b):
    if a is None and b is None:
        return "double" if op == "/" else "int"
    a, b = a or b, b or a
    if "double" in (a, b) or "float" in (a, b):
        return "float" if a == b == "float" and op != "/" else "double"
    if not _dec(a) and not _dec(b):
        if op == "/":
            return "double"
        return max(a, b, key=_INT_RANK.index)
    (p1, s1), (p2, s2) = _as_dec(a), _as_dec(b)
    if op in "+-":
        s = max(s1, s2)
        return _bounded(max(p1 - s1, p2 - s2) + s + 1, s)
    if op == "*":
        return _bounded(p1 + p2 + 1, s1 + s2)
    if op == "/":
        s = max(6, s1 + p2 + 1)
        return _bounded(p1 - s1 + s2 + s, s)
    s = max(s1, s2)
    return _bounded(min(p1 - s1, p2 - s2) + s, s)


def _fit_decimal(v, t):
    """A decimal value at type t's scale (half-up), NULL when it does not
    fit t's precision."""
    p, s = _dec(t)
    q = v.quantize(decimal.Decimal(1).scaleb(-s), rounding=decimal.ROUND_HALF_UP)
    if len(q.as_tuple().digits) - max(0, -q.as_tuple().exponent - s) > p or \
            abs(q) >= decimal.Decimal(10) ** (p - s):
        return None
    return q


def _wrap(v, t):
    bits = _INT_BITS[t]
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


def _num(v, t):
    if _dec(t):
        return decimal.Decimal(v)
    return v


def _compare_key(a, b):
    if isinstance(a, datetime.datetime) and type(b) is datetime.date:
        b = datetime.datetime(b.year, b.month, b.day)
    elif isinstance(b, datetime.datetime) and type(a) is datetime.date:
        a = datetime.datetime(a.year, a.month, a.day)
    if isinstance(a, decimal.Decimal) and isinstance(b, float):
        a = float(a)
    elif isinstance(b, decimal.Decimal) and isinstance(a, float):
        b = float(b)
    return a, b


# ------------------------------------------------------------------ nodes
# A node is a function (frame) -> (fn(row) -> value, type).

def _lit(value, t):
    return lambda fr: ((lambda r: value), t)


def _column(parts):
    def res(fr):
        names = [n.lower() for n, _ in fr.columns]
        if parts[0].lower() not in names:
            raise R.AnalysisException(
                "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with "
                "name `%s` cannot be resolved." % parts[0])
        i = names.index(parts[0].lower())
        t = fr.columns[i][1]
        path = []
        for p in parts[1:]:
            if not (isinstance(t, tuple) and t[0] == "struct"):
                raise R.AnalysisException("[INVALID_EXTRACT_BASE_FIELD_TYPE] %s" % p)
            fields = [f for f, _ in t[1]]
            lower = [f.lower() for f in fields]
            if p.lower() not in lower:
                raise R.AnalysisException("[FIELD_NOT_FOUND] No such struct field %s" % p)
            path.append(fields[lower.index(p.lower())])
            t = t[1][lower.index(p.lower())][1]

        def fn(r):
            v = r[i]
            for p in path:
                if v is None:
                    return None
                v = v.get(p) if isinstance(v, dict) else getattr(v, p, None)
            return v
        return fn, R.type_text(t) if isinstance(t, tuple) else t
    return res


def _binary(op, left, right):
    def res(fr):
        f1, t1 = left(fr)
        f2, t2 = right(fr)
        if op in ("AND", "OR"):
            def fn(r):
                a = f1(r)
                if op == "AND" and a is False:
                    return False
                if op == "OR" and a is True:
                    return True
                b = f2(r)
                if op == "AND":
                    return False if b is False else (None if a is None or b is None else True)
                return True if b is True else (None if a is None or b is None else False)
            return fn, "boolean"
        if op in ("=", "!=", "<>", "<", "<=", ">", ">="):
            cmp = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b,
                   "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
                   "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
                   ">=": lambda a, b: a >= b}[op]

            def fn(r):
                a, b = f1(r), f2(r)
                if a is None or b is None:
                    return None
                return cmp(*_compare_key(a, b))
            return fn, "boolean"
        t = _arith_type(op, None if t1 == "void" else t1, None if t2 == "void" else t2)

        def fn(r):
            a, b = f1(r), f2(r)
            if a is None or b is None:
                return None
            if _dec(t):
                a, b = decimal.Decimal(a), decimal.Decimal(b)
                with decimal.localcontext() as ctx:
                    ctx.prec = 80
                    if op in "/%" and b == 0:
                        return None
                    v = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if op == "/" else 0,
                         "%": a % b if op == "%" else 0}[op]
                return _fit_decimal(v, t)
            if t in ("double", "float"):
                a, b = float(a), float(b)
                if op in "/%" and b == 0:
                    return None
                if op == "%":
                    import math
                    return math.fmod(a, b)
                return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else None}[op]
            if op == "%":
                if b == 0:
                    return None
                v = abs(a) % abs(b)
                return _wrap(-v if a < 0 else v, t)
            return _wrap({"+": a + b, "-": a - b, "*": a * b}[op], t)
        return fn, t
    return res


def _unary(op, x):
    def res(fr):
        f, t = x(fr)
        if op == "NOT":
            return (lambda r: None if f(r) is None else not f(r)), "boolean"

        def fn(r):
            v = f(r)
            if v is None:
                return None
            return _wrap(-v, t) if t in _INT_BITS else -v
        return fn, t
    return res


def _is_null(x, negated):
    def res(fr):
        f, _ = x(fr)
        return (lambda r: (f(r) is not None) if negated else (f(r) is None)), "boolean"
    return res


def _in(x, items, negated):
    def res(fr):
        f, _ = x(fr)
        fs = [i(fr)[0] for i in items]

        def fn(r):
            v = f(r)
            if v is None:
                return None
            vals = [g(r) for g in fs]
            if any(w is not None and _compare_key(v, w)[0] == _compare_key(v, w)[1]
                   for w in vals):
                return not negated
            if any(w is None for w in vals):
                return None
            return negated
        return fn, "boolean"
    return res


def _between(x, lo, hi, negated):
    ge = _binary(">=", x, lo)
    le = _binary("<=", x, hi)
    both = _binary("AND", ge, le)
    return _unary("NOT", both) if negated else both


def _case(branches, default):
    def res(fr):
        conds = [(c(fr)[0], v(fr)) for c, v in branches]
        d = default(fr) if default else None
        types = [v[1] for _, v in conds] + ([d[1]] if d else [])
        t = next((x for x in types if x != "void"), "void")

        def fn(r):
            for c, (vf, _) in conds:
                if c(r) is True:
                    return vf(r)
            return d[0](r) if d else None
        return fn, t
    return res


def _cast(x, type_text):
    t = R.type_text(R.parse_type(type_text))

    def res(fr):
        f, _ = x(fr)
        return (lambda r: R.cast_value(f(r), t)), t
    return res


# -------------------------------------------------------------- functions

def _strict(fn):
    """A function whose result is NULL when an argument is NULL."""
    def g(*a):
        return None if any(v is None for v in a) else fn(*a)
    return g


def _substring(s, pos, length=None):
    if pos > 0:
        start = pos - 1
    elif pos == 0:
        start = 0
    else:
        start = max(len(s) + pos, 0)
    if length is None:
        return s[start:]
    return s[start:start + length] if length > 0 else ""


def _regexp_extract(s, pattern, idx):
    m = re.search(pattern, s)
    if not m:
        return ""
    return m.group(idx) or ""


def _date_of(v):
    if isinstance(v, datetime.datetime):
        return v.date()
    if isinstance(v, datetime.date):
        return v
    return R.cast_value(v, "date")


def _date_trunc(unit, ts):
    if type(ts) is datetime.date:
        ts = datetime.datetime(ts.year, ts.month, ts.day)
    unit = unit.lower()
    if unit == "year":
        return ts.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "quarter":
        return ts.replace(month=(ts.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0,
                          second=0, microsecond=0)
    if unit == "month":
        return ts.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "week":
        d = ts - datetime.timedelta(days=ts.weekday())
        return d.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return ts.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "hour":
        return ts.replace(minute=0, second=0, microsecond=0)
    if unit == "minute":
        return ts.replace(second=0, microsecond=0)
    if unit == "second":
        return ts.replace(microsecond=0)
    return None


def _from_unixtime(n, fmt="yyyy-MM-dd HH:mm:ss"):
    t = R.EPOCH + datetime.timedelta(seconds=n)
    out = fmt
    for tok, val in (("yyyy", "%04d" % t.year), ("MM", "%02d" % t.month),
                     ("dd", "%02d" % t.day), ("HH", "%02d" % t.hour),
                     ("mm", "%02d" % t.minute), ("ss", "%02d" % t.second)):
        out = out.replace(tok, val)
    if re.search(r"[A-Za-z]", re.sub(r"'[^']*'", "", out)):
        raise R.AnalysisException("standin rows: from_unixtime pattern not modelled: %s" % fmt)
    return out.replace("'", "")


def _parse_time(kind):
    def fn(s, fmt):
        v = R._parse_with(s, fmt)
        if v is None:
            return None
        return v.date() if kind == "date" and isinstance(v, datetime.datetime) else v
    return fn


# name: (function over the argument values, result type (None: the first
# argument's), NULL-strict)
FUNCTIONS = {
    "lower": (lambda s: s.lower(), "string", True),
    "upper": (lambda s: s.upper(), "string", True),
    "trim": (lambda s: s.strip(" "), "string", True),
    "length": (len, "int", True),
    "concat": (lambda *a: "".join(a), "string", True),
    "substring": (_substring, "string", True),
    "regexp_extract": (_regexp_extract, "string", True),
    "split": (lambda s, p: re.split(p, s), "array<string>", True),
    "coalesce": (lambda *a: next((v for v in a if v is not None), None), None, False),
    "year": (lambda d: d.year, "int", True),
    "month": (lambda d: d.month, "int", True),
    "dayofmonth": (lambda d: d.day, "int", True),
    "hour": (lambda t: t.hour, "int", True),
    "date_trunc": (_date_trunc, "timestamp", True),
    "date_add": (lambda d, n: _date_of(d) + datetime.timedelta(days=n), "date", True),
    "datediff": (lambda a, b: (_date_of(a) - _date_of(b)).days, "int", True),
    "from_unixtime": (_from_unixtime, "string", True),
    "to_timestamp": (_parse_time("timestamp"), "timestamp", True),
    "to_date": (_parse_time("date"), "date", True),
}


def _call(name, args):
    if name.lower() not in FUNCTIONS:
        raise R.AnalysisException("standin rows: function %s not modelled" % name)
    fn, rtype, strict = FUNCTIONS[name.lower()]
    f = _strict(fn) if strict else fn

    def res(fr):
        rs = [a(fr) for a in args]
        t = rtype or next((x[1] for x in rs if x[1] != "void"), "void")

        def g(r):
            return f(*[x[0](r) for x in rs])
        return g, t
    return res


# ----------------------------------------------------------------- parser

class _Parser:
    def __init__(self, text):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None)

    def word(self, *ws):
        kind, v = self.peek()
        return kind == "id" and v.upper() in ws

    def take(self, kind=None, value=None):
        k, v = self.peek()
        if k is None or (kind and k != kind) or (value and (v or "").upper() != value):
            raise R.AnalysisException("[PARSE_SYNTAX_ERROR] expected %s at token %d of %r"
                                      % (value or kind, self.i, self.text))
        self.i += 1
        return v

    def parse(self):
        e = self.or_()
        if self.i != len(self.toks):
            raise R.AnalysisException("[PARSE_SYNTAX_ERROR] extra input %r in %r"
                                      % (self.peek()[1], self.text))
        return e

    def or_(self):
        e = self.and_()
        while self.word("OR"):
            self.i += 1
            e = _binary("OR", e, self.and_())
        return e

    def and_(self):
        e = self.not_()
        while self.word("AND"):
            self.i += 1
            e = _binary("AND", e, self.not_())
        return e

    def not_(self):
        if self.word("NOT"):
            self.i += 1
            return _unary("NOT", self.not_())
        return self.pred()

    def pred(self):
        e = self.arith()
        k, v = self.peek()
        if k == "op" and v in ("=", "!=", "<>", "<", "<=", ">", ">="):
            self.i += 1
            return _binary(v, e, self.arith())
        if self.word("IS"):
            self.i += 1
            neg = self.word("NOT")
            if neg:
                self.i += 1
            self.take("id", "NULL")
            return _is_null(e, neg)
        neg = self.word("NOT") and self.peek(1)[1] and self.peek(1)[1].upper() in ("IN", "BETWEEN")
        if neg:
            self.i += 1
        if self.word("IN"):
            self.i += 1
            self.take("op", "(")
            items = [self.or_()]
            while self.peek() == ("op", ","):
                self.i += 1
                items.append(self.or_())
            self.take("op", ")")
            return _in(e, items, neg)
        if self.word("BETWEEN"):
            self.i += 1
            lo = self.arith()
            self.take("id", "AND")
            return _between(e, lo, self.arith(), neg)
        return e

    def arith(self):
        e = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()
            e = _binary(op, e, self.term())
        return e

    def term(self):
        e = self.unary()
        while self.peek() in (("op", "*"), ("op", "/"), ("op", "%")):
            op = self.take()
            e = _binary(op, e, self.unary())
        return e

    def unary(self):
        if self.peek() == ("op", "-"):
            self.i += 1
            k, v = self.peek()
            if k == "num":
                self.i += 1
                return self.number("-" + v)
            return _unary("-", self.unary())
        return self.primary()

    @staticmethod
    def number(text):
        if "." in text:
            d = decimal.Decimal(text)
            digits = len(text.replace("-", "").replace(".", "").lstrip("0")) or 1
            scale = len(text.split(".")[1])
            return _lit(d, "decimal(%d,%d)" % (max(digits, scale), scale))
        n = int(text)
        return _lit(n, "int" if -2 ** 31 <= n < 2 ** 31 else "bigint")

    def primary(self):
        k, v = self.peek()
        if k == "num":
            self.i += 1
            return self.number(v)
        if k == "str":
            self.i += 1
            return _lit(_unescape(v), "string")
        if k == "op" and v == "(":
            self.i += 1
            e = self.or_()
            self.take("op", ")")
            return e
        if k == "qid" or k == "id":
            return self.name_or_call()
        raise R.AnalysisException("[PARSE_SYNTAX_ERROR] at %r in %r" % (v, self.text))

    def name_or_call(self):
        k, v = self.take(), None
        kind, word = self.toks[self.i - 1]
        up = word.upper() if kind == "id" else None
        if up in ("TRUE", "FALSE"):
            return _lit(up == "TRUE", "boolean")
        if up == "NULL":
            return _lit(None, "void")
        if up in ("DATE", "TIMESTAMP") and self.peek()[0] == "str":
            s = _unescape(self.take("str"))
            val = R.cast_value(s, up.lower())
            if val is None:
                raise R.AnalysisException("[INVALID_TYPED_LITERAL] %s '%s'" % (up, s))
            return _lit(val, up.lower())
        if up == "CASE":
            return self.case()
        if up == "CAST":
            self.take("op", "(")
            e = self.or_()
            self.take("id", "AS")
            start = self.i
            depth = 0
            while self.i < len(self.toks) and not (self.peek() == ("op", ")") and depth == 0):
                if self.peek() == ("op", "("):
                    depth += 1
                elif self.peek() == ("op", ")"):
                    depth -= 1
                self.i += 1
            type_text = " ".join(t[1] for t in self.toks[start:self.i]).replace(" ( ", "(") \
                .replace(" , ", ",").replace(" )", ")")
            self.take("op", ")")
            return _cast(e, type_text)
        if kind == "id" and self.peek() == ("op", "("):
            self.i += 1
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.or_())
                while self.peek() == ("op", ","):
                    self.i += 1
                    args.append(self.or_())
            self.take("op", ")")
            return _call(word, args)
        parts = [word[1:-1].replace("``", "`") if kind == "qid" else word]
        while self.peek() == ("op", "."):
            self.i += 1
            k2, w2 = self.take()
            parts.append(w2[1:-1].replace("``", "`") if k2 == "qid" else w2)
        return _column(parts)

    def case(self):
        branches, default = [], None
        while self.word("WHEN"):
            self.i += 1
            c = self.or_()
            self.take("id", "THEN")
            branches.append((c, self.or_()))
        if not branches:
            raise R.AnalysisException("[PARSE_SYNTAX_ERROR] CASE without WHEN in %r" % self.text)
        if self.word("ELSE"):
            self.i += 1
            default = self.or_()
        self.take("id", "END")
        return _case(branches, default)


def column(text):
    """F.expr(text) as a Column of the row-level stand-in."""
    node = _Parser(text).parse()

    def res(fr):
        fn, t = node(fr)
        return fn, R.parse_type(t) if t != "void" else "null", text
    return R.Column(res, text)
