"""Redshift of the row-level stand-in: the writes pipec's scripts make
through write_dynamic_frame.from_options(connection_type="redshift") and
the one-value queries of the watermark read.

DOC: preactions / postactions, https://repost.aws/knowledge-center/sql-commands-redshift-glue-job :
  "preactions: A semicolon-delimited list of SQL commands that are run
  before the COPY command ... postactions: ... run after a successful COPY
  command. If the commands fail, then Amazon Redshift throws an
  exception." Modelled: preactions, the COPY of the frame into `dbtable`,
  then postactions, each statement committed on its own (autocommit)
  except between BEGIN and END/COMMIT, which is one transaction: a failing
  statement there rolls back the whole block
  (https://docs.aws.amazon.com/redshift/latest/dg/r_BEGIN.html).
  The COPY maps the frame's columns to the table's BY NAME (as Glue's
  Redshift writer does with the frame's schema); a column of the table the
  frame lacks is NULL.
Dialect (the statements pipec writes): CREATE TABLE [IF NOT EXISTS] t (cols),
CREATE TABLE t (LIKE u), DROP TABLE [IF EXISTS] t, BEGIN, END/COMMIT,
DELETE FROM t, DELETE FROM t USING s WHERE t.a = s.a [AND ...],
INSERT INTO t (cols) SELECT cols FROM s [WHERE NOT EXISTS (SELECT 1 FROM u
WHERE c = 'v' [AND ...])] (by position), INSERT INTO t (cols) VALUES ('v', ...),
DELETE FROM t WHERE c = 'v' [AND ...], ALTER TABLE t ADD COLUMN c type,
ALTER TABLE t DROP COLUMN c,
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = lower('x')
AND table_name = lower('y'), SELECT column_name FROM information_schema.columns
WHERE table_schema = lower('x') AND table_name = lower('y'), SELECT MAX(col) AS x FROM t. Names fold to
lowercase (Redshift's default, enable_case_sensitive_identifier off).
Tables live in tables.json with "format": "redshift", keyed schema.table.
"""
import copy
import re

import _rows as R

_RS_TYPES = [
    (r"^(VARCHAR|CHARACTER VARYING|NVARCHAR|TEXT|CHAR|CHARACTER|NCHAR|BPCHAR)\b.*$", "string"),
    (r"^(SUPER)$", "string"),
    (r"^(BIGINT|INT8)$", "bigint"), (r"^(INTEGER|INT|INT4)$", "int"),
    (r"^(SMALLINT|INT2)$", "smallint"), (r"^(BOOLEAN|BOOL)$", "boolean"),
    (r"^(REAL|FLOAT4)$", "float"), (r"^(DOUBLE PRECISION|FLOAT8|FLOAT)$", "double"),
    (r"^DATE$", "date"), (r"^(TIMESTAMP|TIMESTAMPTZ|TIMESTAMP WITHOUT TIME ZONE|"
                          r"TIMESTAMP WITH TIME ZONE)$", "timestamp"),
    (r"^(VARBYTE|VARBINARY|BINARY VARYING).*$", "binary"),
]


def _rs_type(text):
    t = re.sub(r"\s+", " ", text.strip().upper())
    t = re.sub(r"\s+(NOT\s+NULL|NULL|ENCODE\s+\w+|DEFAULT\s+.*)$", "", t)
    m = re.match(r"^(DECIMAL|NUMERIC)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+))?\s*\))?$", t)
    if m:
        return "decimal(%s,%s)" % (m.group(2) or 18, m.group(3) or 0)
    for pat, spark in _RS_TYPES:
        if re.match(pat, t):
            return spark
    raise RuntimeError("standin rows: Redshift type not modelled: %s" % text)


# DOC: QUOTE_LITERAL, https://docs.aws.amazon.com/redshift/latest/dg/r_QUOTE_LITERAL.html :
#   it returns a string "so that it can be used as a string literal in a
#   SQL statement" and "appropriately doubles any embedded single quotation
#   marks and backslashes": in a literal '' is one quote and \\ one
#   backslash (a backslash escapes the character after it). Modelled: ''
#   and \x read as the character x; a literal whose last backslash escapes
#   its closing quote ('a\') does not match: it is unterminated.
_LITERAL = r"'((?:[^'\\]|''|\\.)*)'"


def _unquote(body):
    return re.sub(r"''|\\(.)", lambda m: m.group(1) if m.group(1) is not None else "'", body,
                  flags=re.S)


def key(name):
    parts = [p.strip('"').lower() for p in re.findall(r'"[^"]*"|[^.\s]+', name.strip())]
    return ".".join(parts[-2:])


def _col(name):
    return name.strip().split(".")[-1].strip('"').lower()


def _literal(text):
    """A string literal ('it''s') or a bare word, as text."""
    text = text.strip()
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1].replace("''", "'")
    return text


class Redshift:
    def __init__(self, tables):
        self.tables = tables          # the catalog's dict (tables.json)

    def _get(self, name):
        t = self.tables.get(key(name))
        if t is None or t.get("format") != "redshift":
            raise RuntimeError('ERROR: relation "%s" does not exist' % key(name))
        return t

    def statement(self, sql):
        s = sql.strip()
        up = s.upper()
        if up in ("BEGIN", "BEGIN TRANSACTION", "START TRANSACTION", "END", "COMMIT"):
            return
        m = re.match(r'(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\S+)\s*\(\s*LIKE\s+(\S+)\s*\)$',
                     s)
        if m:
            if key(m.group(2)) in self.tables:
                if m.group(1):
                    return
                raise RuntimeError('ERROR: relation "%s" already exists' % key(m.group(2)))
            src = self._get(m.group(3))
            self.tables[key(m.group(2))] = {"format": "redshift",
                                            "columns": copy.deepcopy(src["columns"]),
                                            "partitions": [], "rows": []}
            return
        m = re.match(r'(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\S+)\s*\((.*)\)$', s)
        if m:
            if key(m.group(2)) in self.tables:
                if m.group(1):
                    return
                raise RuntimeError('ERROR: relation "%s" already exists' % key(m.group(2)))
            cols = []
            for part in re.split(r",(?![^()]*\))", m.group(3)):
                cm = re.match(r'(?s)^\s*("[^"]+"|\w+)\s+(.*)$', part)
                cols.append([cm.group(1).strip('"').lower(), _rs_type(cm.group(2))])
            self.tables[key(m.group(2))] = {"format": "redshift", "columns": cols,
                                            "partitions": [], "rows": []}
            return
        m = re.match(r'(?is)^ALTER\s+TABLE\s+(\S+)\s+ADD\s+(?:COLUMN\s+)?("(?:[^"]|"")+"|\w+)\s+(.+)$',
                     s)
        if m:
            # DOC: ALTER TABLE, https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE.html :
            #   "ADD [ COLUMN ] column_name column_type [ DEFAULT default_expr ]
            #   ... [ NOT NULL | NULL ]": one column per statement, added
            #   after the table's columns; there is no IF NOT EXISTS for a
            #   column, and a name already in the table is an error. Rows
            #   already in the table read NULL (no DEFAULT). Not modelled:
            #   DEFAULT, NOT NULL, ENCODE (pipec writes none of them).
            t = self._get(m.group(1))
            name = m.group(2).strip('"').replace('""', '"').lower()
            if any(c == name for c, _ in t["columns"]):
                raise RuntimeError('ERROR: column "%s" of relation "%s" already exists'
                                   % (name, key(m.group(1))))
            if re.search(r"(?i)\b(DEFAULT|NOT\s+NULL|ENCODE)\b", m.group(3)):
                raise RuntimeError("standin rows: Redshift ADD COLUMN clause not modelled: %s"
                                   % s[:200])
            t["columns"].append([name, _rs_type(m.group(3))])
            for r in t["rows"]:
                r.setdefault(name, None)
            t.setdefault("alters", []).append(s)
            return
        m = re.match(r'(?is)^ALTER\s+TABLE\s+(\S+)\s+DROP\s+(?:COLUMN\s+)?'
                     r'("(?:[^"]|"")+"|\w+)(?:\s+(RESTRICT|CASCADE))?$', s)
        if m:
            # DOC: ALTER TABLE, https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE.html :
            #   "DROP [ COLUMN ] column_name [ RESTRICT | CASCADE ]": one
            #   column per statement, its values leave every row; there is
            #   no IF EXISTS for a column: a name the table lacks is an
            #   error; "You can't drop the last column in a table. A table
            #   must have at least one column." Not modelled: dependent
            #   views (RESTRICT), DISTKEY / SORTKEY columns (pipec creates
            #   tables with neither).
            t = self._get(m.group(1))
            name = m.group(2)
            name = (name[1:-1].replace('""', '"') if name.startswith('"') else name).lower()
            if not any(c == name for c, _ in t["columns"]):
                raise RuntimeError('ERROR: column "%s" of relation "%s" does not exist'
                                   % (name, key(m.group(1))))
            if len(t["columns"]) == 1:
                raise RuntimeError("ERROR: cannot drop the last column of a table")
            t["columns"] = [c for c in t["columns"] if c[0] != name]
            for r in t["rows"]:
                for k in [k for k in r if k.lower() == name]:
                    del r[k]
            t.setdefault("alters", []).append(s)
            return
        m = re.match(r"(?is)^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?(\S+)$", s)
        if m:
            if key(m.group(2)) not in self.tables:
                if m.group(1):
                    return
                raise RuntimeError('ERROR: table "%s" does not exist' % key(m.group(2)))
            del self.tables[key(m.group(2))]
            return
        m = re.match(r"(?is)^DELETE\s+FROM\s+(\S+)\s+USING\s+(\S+)\s+WHERE\s+(.*)$", s)
        if m:
            t, u = self._get(m.group(1)), self._get(m.group(2))
            pairs = []
            for cond in re.split(r"(?i)\s+AND\s+", m.group(3)):
                a, b = [x.strip() for x in cond.split("=")]
                ta, tb = key(a.rsplit(".", 1)[0]), key(b.rsplit(".", 1)[0])
                if ta == key(m.group(2)) and tb == key(m.group(1)):
                    a, b = b, a
                pairs.append((_col(a), _col(b)))
            tcols = [c for c, _ in t["columns"]]
            ucols = [c for c, _ in u["columns"]]
            keys = {tuple(r.get(ucols[ucols.index(b)]) for _, b in pairs) for r in u["rows"]}
            # `=` never matches NULL: rows with a NULL key are kept.
            t["rows"] = [r for r in t["rows"]
                         if any(r.get(tcols[tcols.index(a)]) is None for a, _ in pairs)
                         or tuple(r.get(a) for a, _ in pairs) not in keys]
            return
        m = re.match(r"(?is)^DELETE\s+FROM\s+(\S+)\s+WHERE\s+(.*)$", s)
        if m:
            t = self._get(m.group(1))
            conds = self._equalities(m.group(2))
            t["rows"] = [r for r in t["rows"] if not self._matches(r, conds)]
            return
        m = re.match(r"(?is)^INSERT\s+INTO\s+(\S+)\s*\((.*?)\)\s*VALUES\s*\((.*)\)$", s)
        if m:
            t = self._get(m.group(1))
            tc = [_col(c) for c in m.group(2).split(",")]
            vals = [_literal(v) for v in re.findall(r"'(?:[^']|'')*'|[^,\s]+", m.group(3))]
            if len(tc) != len(vals):
                raise RuntimeError("ERROR: INSERT has more target columns than expressions")
            new = {c: None for c, _ in t["columns"]}
            for c, v in zip(tc, vals):
                if c not in new:
                    raise RuntimeError('ERROR: column "%s" does not exist' % c)
                new[c] = v
            t["rows"].append(new)
            return
        m = re.match(r"(?is)^DELETE\s+FROM\s+(\S+)$", s)
        if m:
            self._get(m.group(1))["rows"] = []
            return
        m = re.match(r"(?is)^INSERT\s+INTO\s+(\S+)\s*\((.*?)\)\s*SELECT\s+(.*?)\s+FROM\s+(\S+)"
                     r"(?:\s+WHERE\s+NOT\s+EXISTS\s*\(\s*SELECT\s+1\s+FROM\s+(\S+)\s+WHERE\s+"
                     r"(.*)\))?$", s)
        if m:
            t, u = self._get(m.group(1)), self._get(m.group(4))
            if m.group(5):
                # an uncorrelated NOT EXISTS: all rows or none
                conds = self._equalities(m.group(6))
                if any(self._matches(r, conds) for r in self._get(m.group(5))["rows"]):
                    return
            tc = [_col(c) for c in m.group(2).split(",")]
            sc = [_col(c) for c in m.group(3).split(",")]
            if len(tc) != len(sc):
                raise RuntimeError("ERROR: INSERT has more target columns than expressions")
            types = dict((c, R.parse_type(ty)) for c, ty in t["columns"])
            for c in tc + sc:
                if c not in types and c not in [x for x, _ in u["columns"]]:
                    raise RuntimeError('ERROR: column "%s" does not exist' % c)
            for r in u["rows"]:
                new = {c: None for c, _ in t["columns"]}
                for a, b in zip(tc, sc):
                    new[a] = R.to_json_value(R.cast_value(
                        R.from_json_value(r.get(b), types[a]), types[a]))
                t["rows"].append(new)
            return
        raise RuntimeError("standin rows: Redshift statement not modelled: %s" % s[:200])

    @staticmethod
    def _equalities(where):
        """c = 'v' [AND ...] as [(column, value)]."""
        conds = []
        for cond in re.split(r"(?i)\s+AND\s+", where.strip()):
            cm = re.match(r"(?s)^\s*(\S+)\s*=\s*('(?:[^']|'')*')\s*$", cond)
            if not cm:
                raise RuntimeError("standin rows: Redshift condition not modelled: %s" % cond)
            conds.append((_col(cm.group(1)), _literal(cm.group(2))))
        return conds

    @staticmethod
    def _matches(row, conds):
        return all(row.get(c) is not None and str(row.get(c)) == v for c, v in conds)

    def run(self, sql, table=None):
        """A ';'-separated list, with BEGIN ... END blocks atomic.

        DOC: spark-redshift-community RedshiftWriter.scala (the connector
        Glue's Redshift writer uses): preactions and postactions are
        `split(";")` with no regard for quotes, and each action that
        contains "%s" is run as `action.format(table)` (Java's
        String.format, with the table being written). Modelled: the split,
        and "%s" replaced by `table`; another '%' in such an action, which
        String.format would read as a conversion, fails."""
        stmts = [x.strip() for x in sql.split(";") if x.strip()]
        saved = None
        for i, st in enumerate(stmts):
            if "%s" in st:
                if "%" in st.replace("%s", ""):
                    raise RuntimeError("standin rows: String.format of a Redshift action: "
                                       "unknown conversion in %r" % st)
                stmts[i] = st.replace("%s", table or "")
        for st in stmts:
            if st.upper() in ("BEGIN", "BEGIN TRANSACTION", "START TRANSACTION"):
                saved = copy.deepcopy(self.tables)
            try:
                self.statement(st)
            except Exception:
                if saved is not None:
                    self.tables.clear()
                    self.tables.update(saved)
                raise
            if st.upper() in ("END", "COMMIT"):
                saved = None

    def copy_into(self, name, frame):
        t = self._get(name)
        names = [n.lower() for n, _ in frame.columns]
        for r in frame.rows:
            new = {}
            for c, ty in t["columns"]:
                v = r[names.index(c)] if c in names else None
                new[c] = R.to_json_value(R.cast_value(v, R.parse_type(ty)))
            t["rows"].append(new)

    def query(self, sql):
        """The queries pipec's jobs run (one row, or the rows of
        information_schema.columns): (columns, rows), or None when not
        one of them."""
        s = sql.strip()
        m = re.match(r"(?is)^SELECT\s+COUNT\(\*\)\s+FROM\s+information_schema\.tables\s+WHERE\s+"
                     r"table_schema\s*=\s*lower\(" + _LITERAL + r"\)\s+AND\s+table_name\s*=\s*"
                     r"lower\(" + _LITERAL + r"\)$", s)
        if m:
            k = "%s.%s" % (_unquote(m.group(1)).strip('"').lower(),
                           _unquote(m.group(2)).strip('"').lower())
            t = self.tables.get(k)
            return [("count", "bigint")], [[1 if t and t.get("format") == "redshift" else 0]]
        m = re.match(r"(?is)^SELECT\s+column_name\s+FROM\s+information_schema\.columns\s+WHERE\s+"
                     r"table_schema\s*=\s*lower\(" + _LITERAL + r"\)\s+AND\s+table_name\s*=\s*"
                     r"lower\(" + _LITERAL + r"\)$", s)
        if m:
            # DOC: information_schema.columns has one row per column of each
            #   table, column_name as stored (folded to lower case, as every
            #   name: https://docs.aws.amazon.com/redshift/latest/dg/r_names.html);
            #   no rows for a table that does not exist.
            k = "%s.%s" % (_unquote(m.group(1)).strip('"').lower(),
                           _unquote(m.group(2)).strip('"').lower())
            t = self.tables.get(k)
            cols = [c for c, _ in t["columns"]] if t and t.get("format") == "redshift" else []
            return [("column_name", "string")], [[c] for c in cols]
        m = re.match(r"(?is)^SELECT\s+MAX\((.+?)\)(?:\s+AS\s+(\w+))?\s+FROM\s+(\S+)$", s)
        if m:
            t = self._get(m.group(3))
            c = _col(m.group(1))
            ty = R.parse_type(dict(t["columns"])[c])
            vals = [R.from_json_value(r.get(c), ty) for r in t["rows"] if r.get(c) is not None]
            return [(m.group(2) or "max", ty)], [[max(vals, key=R._sort_key) if vals else None]]
        return None
