"""Stand-in of pyspark.sql.SparkSession (PySpark 3.5) and its SQL runner.

spark.sql() records every statement and emulates what Spark's analyzer would
refuse: unknown catalogs, missing tables/views, MERGE/UPDATE/DELETE/CALL
without the Iceberg session extensions, CREATE of an existing table, SET of a
static config, syntax it can see (unbalanced quotes, several statements)."""
import re

import _standin as S
from _spark_names import describe_field, field_key, quote_if_needed
from pyspark.errors import AnalysisException, ParseException, PySparkTypeError
from pyspark.sql.column import Column
from pyspark.sql.conf import RuntimeConfig, check_settable
from pyspark.sql.dataframe import DataFrame
from pyspark.sql.readwriter import DataFrameReader, _table_df

__all__ = ["SparkSession"]

_ACTIVE = [None]


def _start_session(sc):
    if not S.STATE.session_started:
        S.STATE.session_started = True
        conf = S.argv_conf(S.TRACE["argv"])
        for k, v in conf.items():
            S.STATE.conf.setdefault(k, v)
        if sc is not None and sc._conf is not None:
            for k, v in sc._conf._items.items():
                S.STATE.conf[k] = v
        S.event("session.start", conf=dict(sorted(S.STATE.conf.items())))


class _Builder:
    def __init__(self):
        self._options = {}

    def appName(self, name):
        self._options["spark.app.name"] = name
        return self

    def master(self, master):
        self._options["spark.master"] = master
        return self

    def config(self, key=None, value=None, conf=None, *, map=None):
        if conf is not None:
            self._options.update(conf._items)
        if map is not None:
            self._options.update({k: str(v) for k, v in map.items()})
        if key is not None:
            self._options[key] = "true" if value is True else "false" if value is False \
                else str(value)
        return self

    def enableHiveSupport(self):
        self._options["spark.sql.catalogImplementation"] = "hive"
        return self

    def getOrCreate(self):
        from pyspark.context import SparkContext
        if _ACTIVE[0] is not None:
            for k, v in self._options.items():
                if k in ("spark.app.name", "spark.master"):
                    continue
                if not RuntimeConfig().isModifiable(k):
                    S.violation("SparkSession.builder.config",
                                "static config %s ignored: the session already exists" % k)
                    S.event("warning", message="Using an existing Spark session; only runtime "
                            "SQL configurations will take effect (%s ignored)" % k)
                else:
                    S.STATE.conf[k] = v
            return _ACTIVE[0]
        sc = SparkContext.getOrCreate()
        for k, v in self._options.items():
            S.STATE.conf[k] = v
        return SparkSession(sc)


class _BuilderDescriptor:
    def __get__(self, obj, owner):
        return _Builder()


class SparkSession:
    builder = _BuilderDescriptor()

    def __init__(self, sparkContext, jsparkSession=None, options={}):
        from pyspark.context import SparkContext
        S.require_type(sparkContext, SparkContext, "SparkSession", "sparkContext")
        self._sc = sparkContext
        _start_session(sparkContext)
        if _ACTIVE[0] is None:
            _ACTIVE[0] = self
        self._conf = RuntimeConfig()

    @classmethod
    def getActiveSession(cls):
        return _ACTIVE[0]

    @classmethod
    def active(cls):
        return _ACTIVE[0]

    @property
    def sparkContext(self):
        return self._sc

    @property
    def version(self):
        return "3.5.6-amzn-0"

    @property
    def conf(self):
        return self._conf

    @property
    def catalog(self):
        from pyspark.sql.catalog import Catalog
        return Catalog(self)

    @property
    def read(self):
        return DataFrameReader(self)

    def newSession(self):
        return self

    def stop(self):
        S.event("session.stop")

    def table(self, tableName):
        S.require_type(tableName, str, "SparkSession.table", "tableName", PySparkTypeError)
        S.event("read", api="spark.table", table=tableName)
        return _table_df(self, tableName, "spark.table")

    def range(self, start, end=None, step=1, numPartitions=None):
        if end is None:
            start, end = 0, start
        n = max(0, (end - start + step - 1) // step) if step > 0 else 0
        return DataFrame._new(self, [("id", "bigint")], n, "range",
                              rows=[{"id": start + i * step} for i in range(min(n, 1000))])

    def createDataFrame(self, data, schema=None, samplingRatio=None, verifySchema=True):
        from pyspark.sql.types import StructType, _parse_datatype_string
        from pyspark.sql.row import Row
        S.require(not isinstance(data, DataFrame), "SparkSession.createDataFrame",
                  "[INVALID_TYPE] data is already a DataFrame", PySparkTypeError)
        rows = list(data)
        cols = None
        if isinstance(schema, StructType):
            cols = [(f.name, f.dataType.simpleString()) for f in schema.fields]
        elif isinstance(schema, str):
            S.text("SparkSession.createDataFrame", "schema", schema)
            cols = []
            for p in S.depth0_split(schema):
                name, _, typ = p.replace(":", " ", 1).partition(" ")
                typ = typ.strip() or "string"
                _parse_datatype_string(typ)
                cols.append((name.strip(), typ))
        elif isinstance(schema, (list, tuple)):
            cols = [(c, "string") for c in schema]
        dicts = []
        for r in rows:
            if isinstance(r, Row) and hasattr(r, "__fields__"):
                d = r.asDict()
            elif isinstance(r, dict):
                d = dict(r)
            elif isinstance(r, (list, tuple)):
                names = [c for c, _ in cols] if cols else ["_%d" % (i + 1) for i in range(len(r))]
                S.require(len(names) == len(r), "SparkSession.createDataFrame",
                          "[LENGTH_SHOULD_BE_THE_SAME] schema and row length differ")
                d = dict(zip(names, r))
            else:
                d = {"value": r}
            dicts.append(d)
        if cols is None:
            cols = [(k, _pytype(v)) for k, v in (dicts[0].items() if dicts else [])]
        S.event("createDataFrame", columns=[c for c, _ in cols], rows=len(dicts))
        return DataFrame._new(self, cols, len(dicts), "createDataFrame", rows=dicts)

    def sql(self, sqlQuery, args=None, **kwargs):
        S.require(isinstance(sqlQuery, str), "SparkSession.sql",
                  "[NOT_STR] Argument `sqlQuery` should be a str, got %s."
                  % type(sqlQuery).__name__, PySparkTypeError)
        if kwargs:
            sqlQuery = _format_sql(sqlQuery, kwargs)
        S.text("SparkSession.sql", "sql", sqlQuery)
        return _run_sql(self, sqlQuery, args)


def _pytype(v):
    import datetime
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "bigint"
    if isinstance(v, float):
        return "double"
    if isinstance(v, datetime.datetime):
        return "timestamp"
    if isinstance(v, datetime.date):
        return "date"
    return "string"


def _format_sql(text, kwargs):
    vals = {}
    for k, v in kwargs.items():
        if isinstance(v, DataFrame):
            name = "__standin_view_%d" % len(S.STATE.temp_views)
            S.STATE.temp_views[name] = v
            vals[k] = name
        elif isinstance(v, Column):
            vals[k] = v._expr
        else:
            vals[k] = v
    return text.format(**vals)


_KNOWN = re.compile(
    r"^\s*(SELECT|WITH|VALUES|FROM|MERGE|INSERT|CREATE|DROP|ALTER|UPDATE|DELETE|CALL|SET|"
    r"RESET|SHOW|DESCRIBE|DESC|USE|CACHE|UNCACHE|REFRESH|TRUNCATE|MSCK|ANALYZE|EXPLAIN|"
    r"REPLACE)\b", re.I)


def _parse_error(text, why):
    S.violation("SparkSession.sql", "%s in: %s" % (why, text.strip()[:200]))
    S.event("sql", text=text, statement="INVALID", error=why)
    return ParseException("[PARSE_SYNTAX_ERROR] Syntax error: %s. == SQL == %s"
                          % (why, " ".join(text.split())))


def _merge_target_columns(target):
    """The target's columns when known: created or declared in this run, or
    configured for this table by name (the "*" default describes sources)."""
    ref = S.TableRef(target)
    cols = (S.STATE.created.get(ref.key) or {}).get("columns") or \
        S.STATE.declared.get(ref.key)
    named = {k: v for k, v in S.SCHEMAS.items() if k != "*"}
    if not cols and S._lookup(named, target) is not None:
        cols = S.schema_for(target)
    return {n.lower() for n, _ in cols} if cols else None


def _check_merge_columns(text, parts, target, sdf):
    """The columns MERGE names exist: SET and INSERT columns in the target,
    s.col values in the source; INSERT has one value per column."""
    tcols = _merge_target_columns(target)
    scols = None if sdf is None or sdf._open else {c.lower() for c in sdf.columns}
    salias = (parts.get("source_alias") or "").strip("`").lower()
    for cl in parts["clauses"]:
        if cl.get("malformed"):
            raise _parse_error(text, "MERGE %s" % cl["malformed"])
        named = [x["column"] for x in cl.get("set", [])] + cl.get("insert_columns", [])
        values = [x["value"] for x in cl.get("set", [])] + cl.get("values", [])
        if len(cl.get("insert_columns", [])) != len(cl.get("values", [])):
            raise _parse_error(text, "INSERT names %d columns but gives %d values" % (
                len(cl["insert_columns"]), len(cl["values"])))
        for c in named:
            if tcols is not None and c.lower() not in tcols:
                raise _merge_unresolved(c, target, sorted(tcols))
        for v in values:
            ident = S._merge_ident(v)
            if ident and ident[0] and ident[0].lower() == salias and scols is not None \
                    and ident[1].lower() not in scols:
                raise _merge_unresolved(v, parts["source"], sorted(scols))


def _merge_unresolved(name, where, known):
    S.violation("SparkSession.sql", "MERGE names column %s, not in %s" % (name, where))
    return AnalysisException("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function "
                             "parameter with name %s cannot be resolved in %s. Did you "
                             "mean one of the following? [%s]." % (name, where,
                                                                   ", ".join(known)))


def _run_sql(session, text, args):
    clean, err = S.strip_sql(text)
    if err:
        raise _parse_error(text, err)
    body = S.mask_quoted(clean).strip()
    while body.endswith(";"):
        body = body[:-1].rstrip()
    if ";" in body:
        raise _parse_error(text, "more than one statement (';' inside the text)")
    if body.count("(") != body.count(")"):
        raise _parse_error(text, "unbalanced parentheses")
    if not _KNOWN.match(body):
        raise _parse_error(text, "unknown statement '%s'" % body.split()[0] if body else "empty")
    sql = clean.strip()
    while sql.endswith(";"):
        sql = sql[:-1].rstrip()
    masked = S.mask_literals(sql)
    info = {"text": text, "statement": _stmt_kind(masked)}
    S.event("sql", **info)
    ev = S.TRACE["events"][-1]

    ctes = S.cte_names(masked)
    refs = []
    for k, name in S.table_refs(masked):
        refs.append({"kw": k, "name": name})
    ev["tables"] = [r["name"] for r in refs]
    stmt = info["statement"]

    if stmt == "SET":
        m = re.match(r"^\s*SET\s+([^=\s]+)\s*=\s*(.*)$", sql, re.I | re.S)
        if m:
            key, val = m.group(1).strip(), m.group(2).strip()
            ev["set"] = {key: val}
            check_settable(key, "SparkSession.sql(SET)")
            S.STATE.conf[key] = val
        return DataFrame._new(session, [("key", "string"), ("value", "string")], 1, "SET")
    if stmt == "DESCRIBE":
        return _describe(session, sql, masked)
    if stmt in ("SHOW", "USE", "EXPLAIN", "CACHE", "UNCACHE", "REFRESH", "RESET",
                "ANALYZE", "MSCK"):
        return DataFrame._new(session, [], 0, stmt)
    if stmt == "CREATE NAMESPACE":
        return DataFrame._new(session, [], 0, stmt)

    # Resolve every referenced name like the analyzer would.
    target = None
    if stmt in ("CREATE TABLE", "CREATE OR REPLACE TABLE", "REPLACE TABLE", "DROP TABLE",
                "INSERT", "MERGE", "UPDATE", "DELETE", "ALTER TABLE", "TRUNCATE",
                "CREATE VIEW"):
        target = _target_name(masked, sql, stmt)
        ev["target"] = target
    view_target = stmt == "CREATE VIEW"
    for r in refs:
        name = r["name"]
        if name == target and (view_target or stmt in ("CREATE TABLE", "CREATE OR REPLACE TABLE",
                                                        "REPLACE TABLE")):
            continue
        parts = S.split_name(name)
        if len(parts) == 1 and (parts[0].lower() in ctes or parts[0].lower() in
                                S.STATE.temp_views):
            continue
        ref = S.resolve_table(name, "SparkSession.sql")
        if len(parts) == 1 and name != target:
            raise S.table_not_found(ref, "SparkSession.sql")
        if name == target and stmt in ("DROP TABLE",):
            continue
        if S.table_state(ref) == "absent" and not (name == target and stmt == "DROP TABLE"):
            raise S.table_not_found(ref, "SparkSession.sql")

    if stmt in ("MERGE", "UPDATE", "DELETE", "CALL") or \
            (stmt == "ALTER TABLE" and re.search(r"\b(PARTITION\s+FIELD|WRITE\s+(ORDERED|"
                                                 r"DISTRIBUTED|LOCALLY))\b", masked, re.I)):
        _require_iceberg_extensions(masked, stmt, target)

    if stmt == "MERGE":
        parts = S.merge_parts(sql)
        if parts is None:
            raise _parse_error(text, "MERGE statement not understood")
        ev["merge"] = parts
        src = parts["source"]
        sdf = None
        if not src.startswith("("):
            sp = S.split_name(src)
            if len(sp) == 1 and sp[0].lower() in S.STATE.temp_views:
                sdf = S.STATE.temp_views[sp[0].lower()]
                ev["merge"]["source_filters"] = sdf._filters
        _check_merge_columns(text, parts, target, sdf)
        S.mark_written(S.TableRef(target), 0)
        return DataFrame._new(session, [], 0, "MERGE")
    if stmt in ("CREATE TABLE", "CREATE OR REPLACE TABLE", "REPLACE TABLE"):
        return _create_table(session, sql, masked, stmt, target, ev)
    if stmt == "CREATE VIEW":
        m = S.find_kw(masked, "AS")
        sel = sql[m[1]:].strip() if m else ""
        df = _select(session, sel, S.mask_literals(sel), ev) if sel else \
            DataFrame._new(session, [], 0, target)
        S.STATE.temp_views[S.split_name(target)[-1].lower()] = df
        return DataFrame._new(session, [], 0, stmt)
    if stmt == "DROP TABLE":
        ref = S.resolve_table(target, "SparkSession.sql")
        if S.table_state(ref) == "absent" and not re.search(r"\bIF\s+EXISTS\b", masked, re.I):
            raise S.table_not_found(ref, "SparkSession.sql")
        S.STATE.dropped.add(ref.key)
        S.STATE.created.pop(ref.key, None)
        return DataFrame._new(session, [], 0, stmt)
    if stmt == "INSERT":
        m = S.find_kw(masked, "SELECT")
        if m:
            sel = sql[m[0]:]
            sdf = _select(session, sel, S.mask_literals(sel), {})
            ev["source_filters"] = sdf._filters
            S.mark_written(S.TableRef(target), sdf._count)
        ev["overwrite"] = bool(re.match(r"^\s*INSERT\s+OVERWRITE\b", masked, re.I))
        return DataFrame._new(session, [], 0, stmt)
    if stmt == "ALTER TABLE" and re.search(r"\bPARTITION\s+FIELD\b", masked, re.I):
        _alter_spec(sql, masked, target, ev)
    elif stmt == "ALTER TABLE" and re.search(r"\bRENAME\s+COLUMN\b", masked, re.I):
        _rename_column(sql, target, ev)
    elif stmt == "ALTER TABLE" and re.search(r"\bDROP\s+COLUMNS?\b", masked, re.I):
        _drop_columns(sql, target, ev)
    elif stmt == "ALTER TABLE" and re.search(r"\bADD\s+COLUMNS?\b|\bALTER\s+COLUMN\b.*\bTYPE\b",
                                            masked, re.I | re.S):
        _alter_columns(sql, masked, target, ev)
    if stmt in ("UPDATE", "DELETE", "ALTER TABLE", "TRUNCATE", "CALL", "DROP VIEW"):
        if stmt == "CALL":
            m = re.match(r"^\s*CALL\s+(%s)" % S.NAME_RE.pattern, masked, re.I)
            if m:
                cat = S.split_name(m.group(1))[0]
                if "spark.sql.catalog.%s" % cat not in S.STATE.conf:
                    S.resolve_table(m.group(1) + ".x" if len(S.split_name(m.group(1))) < 3
                                    else m.group(1), "SparkSession.sql")
        if stmt == "DROP VIEW":
            m = re.search(r"VIEW\s+(?:IF\s+EXISTS\s+)?(%s)" % S.NAME_RE.pattern, masked, re.I)
            if m:
                S.STATE.temp_views.pop(S.split_name(m.group(1))[-1].lower(), None)
        return DataFrame._new(session, [], 0, stmt)
    if stmt in ("SELECT", "WITH", "VALUES", "FROM"):
        return _select(session, sql, masked, ev)
    return DataFrame._new(session, [], 0, stmt)


def _stmt_kind(masked):
    w = masked.split()
    u = [x.upper() for x in w[:6]]
    if not u:
        return "EMPTY"
    if u[0] == "CREATE":
        rest = " ".join(u[1:])
        if re.match(r"^(OR REPLACE )?(GLOBAL )?(TEMP|TEMPORARY )?\s*VIEW", rest) or \
                "VIEW" in u[1:5]:
            return "CREATE VIEW"
        if rest.startswith("OR REPLACE TABLE"):
            return "CREATE OR REPLACE TABLE"
        if "TABLE" in u[1:4]:
            return "CREATE TABLE"
        if u[1] in ("DATABASE", "SCHEMA", "NAMESPACE"):
            return "CREATE NAMESPACE"
        return "CREATE"
    if u[0] == "REPLACE" and len(u) > 1 and u[1] == "TABLE":
        return "REPLACE TABLE"
    if u[0] == "DROP":
        if len(u) > 1 and u[1] == "TABLE":
            return "DROP TABLE"
        if "VIEW" in u[1:3]:
            return "DROP VIEW"
        return "DROP"
    if u[0] == "ALTER":
        return "ALTER TABLE"
    if u[0] == "DELETE":
        return "DELETE"
    if u[0] == "DESC":
        return "DESCRIBE"
    return u[0]


def _target_name(masked, sql, stmt):
    pats = {
        "CREATE TABLE": r"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(%s)",
        "CREATE OR REPLACE TABLE": r"TABLE\s+(%s)",
        "REPLACE TABLE": r"TABLE\s+(%s)",
        "DROP TABLE": r"TABLE\s+(?:IF\s+EXISTS\s+)?(%s)",
        "INSERT": r"INSERT\s+(?:INTO|OVERWRITE)\s+(?:TABLE\s+)?(%s)",
        "MERGE": r"MERGE\s+INTO\s+(%s)",
        "UPDATE": r"UPDATE\s+(%s)",
        "DELETE": r"DELETE\s+FROM\s+(%s)",
        "ALTER TABLE": r"ALTER\s+TABLE\s+(%s)",
        "TRUNCATE": r"TRUNCATE\s+TABLE\s+(%s)",
        "CREATE VIEW": r"VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?(%s)",
    }
    m = re.search(pats[stmt] % S.NAME_RE.pattern, masked, re.I)
    return re.sub(r"\s+", "", sql[m.start(1):m.end(1)]) if m else None


def _rename_column(sql, target, ev):
    """ALTER TABLE t RENAME COLUMN a TO b.
    DOC: Iceberg Spark DDL, ALTER TABLE ... RENAME COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-rename-column):
      the column keeps its id (and its values) under the new name. Spark
      renames columns of v2 tables only: a table outside an Iceberg catalog
      refuses it. The table's known columns follow the rename, so a later
      spark.table(t).schema shows the new name."""
    ref = S.TableRef(target)
    cat = ref.catalog
    if cat is None or cat == "spark_catalog" or not S.is_iceberg_catalog(cat):
        S.violation("SparkSession.sql", "RENAME COLUMN on a non-Iceberg table %s" % target)
        raise AnalysisException("[UNSUPPORTED_FEATURE.TABLE_OPERATION] The table %s does "
                                "not support RENAME COLUMN." % target)
    m = re.search(r"\bRENAME\s+COLUMN\s+(?P<a>%s)\s+TO\s+(?P<b>%s)\s*$"
                  % (S.NAME_RE.pattern, S.NAME_RE.pattern), sql, re.I | re.S)
    if not m:
        raise ParseException("[PARSE_SYNTAX_ERROR] RENAME COLUMN: %s" % sql[:200])
    old, new = m.group("a").strip("`"), m.group("b").strip("`")
    ev["rename_column"] = {"from": old, "to": new}
    created = S.STATE.created.get(ref.key)
    cols = (created or {}).get("columns") or S.STATE.altered.get(ref.key) or \
        S.schema_for(target) or S.STATE.declared.get(ref.key)
    if not cols:
        return
    names = [c[0].lower() for c in cols]
    if new.lower() in names:
        raise AnalysisException("[FIELDS_ALREADY_EXISTS] Cannot rename column, because "
                                "%s already exists" % new)
    if old.lower() not in names:
        raise AnalysisException("[UNRESOLVED_COLUMN] %s" % old)
    cols = [(new,) + tuple(c[1:]) if c[0].lower() == old.lower() else tuple(c) for c in cols]
    if created is not None and created.get("columns"):
        created["columns"] = cols
    else:
        S.STATE.altered[ref.key] = cols


def _drop_columns(sql, target, ev):
    """ALTER TABLE t DROP COLUMN c / DROP COLUMNS (a, b).
    DOC: Iceberg Spark DDL, ALTER TABLE ... DROP COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-drop-column);
      Spark 3.5 ALTER TABLE ... DROP COLUMNS
      (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-ddl-alter-table.html#drop-columns):
      a v2 table operation: a table outside an Iceberg catalog refuses it
      (UNSUPPORTED_FEATURE.TABLE_OPERATION); a column the table lacks fails
      (UNRESOLVED_COLUMN). The table's known columns lose the dropped
      ones, so a later spark.table(t).schema no longer shows them."""
    ref = S.TableRef(target)
    cat = ref.catalog
    if cat is None or cat == "spark_catalog" or not S.is_iceberg_catalog(cat):
        S.violation("SparkSession.sql", "DROP COLUMN on a non-Iceberg table %s" % target)
        raise AnalysisException("[UNSUPPORTED_FEATURE.TABLE_OPERATION] The table %s does "
                                "not support DROP COLUMNS." % target)
    m = re.search(r"\bDROP\s+COLUMNS?\s+(\(?)(?P<l>.*?)(\)?)\s*$", sql, re.I | re.S)
    names = [c.strip() for c in S.depth0_split(m.group("l"))] if m else []
    if not m or bool(m.group(1)) != bool(m.group(3)) or not names or \
            not all(re.match(r"^(%s)$" % S.NAME_RE.pattern, c) for c in names):
        raise ParseException("[PARSE_SYNTAX_ERROR] DROP COLUMN: %s" % sql[:200])
    drops = [c[1:-1].replace("``", "`") if c.startswith("`") else c for c in names]
    ev["drop_columns"] = drops
    created = S.STATE.created.get(ref.key)
    cols = (created or {}).get("columns") or S.STATE.altered.get(ref.key) or \
        S.schema_for(target) or S.STATE.declared.get(ref.key)
    if not cols:
        return
    have = [c[0].lower() for c in cols]
    for d in drops:
        if d.lower() not in have:
            raise AnalysisException("[UNRESOLVED_COLUMN] %s" % d)
    cols = [tuple(c) for c in cols if c[0].lower() not in {d.lower() for d in drops}]
    if created is not None and created.get("columns"):
        created["columns"] = cols
    else:
        S.STATE.altered[ref.key] = cols


def _path(text):
    """`point`.`z` -> ["point", "z"] (a doubled backquote kept once)."""
    parts = re.findall(r"`(?:[^`]|``)+`|[^.`\s]+", text.strip())
    return [p[1:-1].replace("``", "`") if p.startswith("`") else p for p in parts]


def _nested_parent(known, path, sql):
    """The type at path[:-1] of a known column (None when the column's type
    is not known).
    DOC: Iceberg Spark DDL, ALTER TABLE ... ADD COLUMN / ALTER COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-add-column):
      a struct's field is named by its path, "point.z"; the struct of an
      array's elements by "element", of a map's values by "value"
      ("points.element.z"). Iceberg's SchemaUpdate refuses a path it cannot
      resolve ("Cannot find parent struct: ...") and a change under a
      map's keys ("Cannot add fields to map keys" / "Cannot alter map
      keys")."""
    from py4j.protocol import Py4JJavaError
    from pyspark.sql.types import ArrayType, MapType, StructType, _parse_datatype_string
    cols = dict((c.lower(), t) for c, t in known or [])
    if path[0].lower() not in cols:
        if known:
            raise AnalysisException("[UNRESOLVED_COLUMN] %s" % path[0])
        return None
    ty = _parse_datatype_string(cols[path[0].lower()])
    for i, part in enumerate(path[1:-1], 1):
        here = ".".join(path[:i + 1])
        if isinstance(ty, StructType):
            ty = next((f.dataType for f in ty.fields if f.name.lower() == part.lower()), None)
        elif isinstance(ty, ArrayType) and part.lower() == "element":
            ty = ty.elementType
        elif isinstance(ty, MapType) and part.lower() == "value":
            ty = ty.valueType
        elif isinstance(ty, MapType) and part.lower() == "key":
            raise Py4JJavaError("java.lang.IllegalArgumentException: Cannot alter map keys: "
                                "%s" % here)
        else:
            ty = None
        if ty is None:
            raise Py4JJavaError("java.lang.IllegalArgumentException: Cannot find parent "
                                "struct: %s" % here)
    return ty


def _add_field(known, path, sql):
    """ADD COLUMNS (a.b type): the parent must be a struct without the field.
    DOC: Iceberg's SchemaUpdate.addColumn: "Cannot add to non-struct
      column: ..." when the parent is no struct, "Cannot add column, name
      already exists: ..." when it has the field."""
    from py4j.protocol import Py4JJavaError
    from pyspark.sql.types import StructType
    parent = _nested_parent(known, path, sql)
    if parent is None:
        return
    if not isinstance(parent, StructType):
        raise Py4JJavaError("java.lang.IllegalArgumentException: Cannot add to non-struct "
                            "column: %s: %s" % (".".join(path[:-1]), parent.simpleString()))
    if path[-1].lower() in [f.name.lower() for f in parent.fields]:
        raise Py4JJavaError("java.lang.IllegalArgumentException: Cannot add column, name "
                            "already exists: %s" % ".".join(path))


def _promotable(have, want):
    """DOC: Iceberg spec, Schema Evolution / type promotion: int -> long,
      float -> double, decimal(P,S) -> decimal(P',S) with P' > P."""
    dec = re.compile(r"^decimal\((\d+),(\d+)\)$")
    dh, dw = dec.match(have or ""), dec.match(want)
    return have == want or (have, want) in (("int", "bigint"), ("float", "double")) or \
        bool(dh and dw and dh.group(2) == dw.group(2) and int(dw.group(1)) > int(dh.group(1)))


def _alter_field(known, path, want, sql):
    """ALTER COLUMN a.b TYPE type: a primitive field promoted.
    DOC: Iceberg Spark DDL, ALTER TABLE ... ALTER COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-alter-column):
      "ALTER TABLE prod.db.sample ALTER COLUMN location.lat TYPE double";
      only a safe promotion, else "Cannot change column type: ...";
      a missing field: "Cannot update missing column: ..."."""
    from py4j.protocol import Py4JJavaError
    from pyspark.sql.types import ArrayType, MapType, StructType
    parent = _nested_parent(known, path, sql)
    if parent is None:
        return
    last = path[-1].lower()
    if isinstance(parent, StructType):
        have = next((f.dataType for f in parent.fields if f.name.lower() == last), None)
    elif isinstance(parent, ArrayType) and last == "element":
        have = parent.elementType
    elif isinstance(parent, MapType) and last == "value":
        have = parent.valueType
    else:
        have = None
    if have is None:
        raise Py4JJavaError("java.lang.IllegalArgumentException: Cannot update missing "
                            "column: %s" % ".".join(path))
    have = have.simpleString().replace(" ", "").lower()
    if not _promotable(have, want):
        raise AnalysisException("Cannot change column type: %s: %s -> %s"
                                % (".".join(path), have, want))


def _alter_columns(sql, masked, target, ev):
    """ALTER TABLE t ADD COLUMNS (...) / ALTER COLUMN c TYPE t.
    DOC: Iceberg Spark DDL, ALTER TABLE ... ADD COLUMN, ALTER COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-add-column):
      added columns are optional (no NOT NULL); a type changes only by a
      safe promotion (Iceberg spec, Schema Evolution: int -> long, float ->
      double, decimal(P,S) -> decimal(P',S), P' > P). A table outside an
      Iceberg catalog (Spark's session catalog, Hive) refuses ALTER COLUMN
      ... TYPE, and a nested field's path in either (_add_field,
      _alter_field)."""
    ref = S.TableRef(target)
    known = S.STATE.created.get(ref.key, {}).get("columns") or S.STATE.declared.get(ref.key)
    cat = ref.catalog
    iceberg = not (cat is None or cat == "spark_catalog" or not S.is_iceberg_catalog(cat))
    tm = re.search(r"\bALTER\s+COLUMN\s+(?P<c>%s)\s+TYPE\s+(?P<t>.+)$" % S.NAME_RE.pattern, sql,
                   re.I | re.S)
    if tm:
        if not iceberg:
            S.violation("SparkSession.sql", "ALTER COLUMN TYPE on a non-Iceberg table %s"
                        % target)
            raise AnalysisException("[UNSUPPORTED_FEATURE.TABLE_OPERATION] The table %s does "
                                    "not support ALTER COLUMN ... TYPE." % target)
        path, want = _path(tm.group("c")), tm.group("t").strip().lower().replace(" ", "")
        ev["alter_column"] = {"column": ".".join(path), "type": want}
        if len(path) > 1:
            _alter_field(known, path, want, sql)
            return
        have = dict((c.lower(), t.lower().replace(" ", "")) for c, t in known or []).get(
            path[0].lower())
        if have and not _promotable(have, want):
            raise AnalysisException("Cannot change column type: %s: %s -> %s"
                                    % (path[0], have, want))
        return
    m = S.find_kw(masked, "COLUMNS") or S.find_kw(masked, "COLUMN")
    inner = sql[m[1]:].strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    added = []
    for c in S.depth0_split(inner):
        if re.search(r"\bNOT\s+NULL\b", c, re.I):
            raise AnalysisException("Incompatible change: cannot add required column: %s" % c)
        nm = re.match(r"\s*(%s)\s" % S.NAME_RE.pattern, c)
        path = _path(nm.group(1) if nm else c.strip().split(None, 1)[0])
        if len(path) > 1 and not iceberg:
            S.violation("SparkSession.sql", "ADD COLUMNS of a nested field on a non-Iceberg "
                        "table %s" % target)
            raise AnalysisException("[UNSUPPORTED_FEATURE.TABLE_OPERATION] The table %s does "
                                    "not support adding a nested field." % target)
        if len(path) > 1:
            _add_field(known, path, sql)
        added.append(".".join(path))
    ev["add_columns"] = added


def _require_iceberg_extensions(masked, stmt, target):
    cat = None
    if target:
        cat = S.TableRef(target).catalog
    if stmt == "CALL":
        m = re.match(r"^\s*CALL\s+(%s)" % S.NAME_RE.pattern, masked, re.I)
        cat = S.split_name(m.group(1))[0] if m else None
    if not S.iceberg_extensions_on():
        S.event("error", api="SparkSession.sql", message="Iceberg extensions missing",
                statement=stmt)
        from py4j.protocol import Py4JJavaError
        if stmt == "CALL":
            raise ParseException("[PARSE_SYNTAX_ERROR] Syntax error at or near 'CALL' "
                                 "(spark.sql.extensions lacks IcebergSparkSessionExtensions)")
        raise Py4JJavaError(
            "java.lang.UnsupportedOperationException: %s TABLE is not supported temporarily. "
            "(spark.sql.extensions lacks IcebergSparkSessionExtensions)"
            % ("MERGE INTO" if stmt == "MERGE" else stmt))
    if cat is not None and cat != "spark_catalog" and not S.is_iceberg_catalog(cat):
        raise AnalysisException("[UNSUPPORTED_FEATURE.TABLE_OPERATION] The table does not "
                                "support %s (catalog '%s' is not an Iceberg catalog)."
                                % (stmt, cat))


_TRANSFORMS = {"years", "year", "months", "month", "days", "day", "date", "hours", "hour",
               "date_hour", "bucket", "truncate", "identity"}


def _partitioned_by(sql, masked):
    """The fields of a CREATE TABLE's PARTITIONED BY (...), as written."""
    pm = S.find_kw(masked, "PARTITIONED BY")
    parts = []
    if pm:
        rest = masked[pm[1]:].lstrip()
        if rest.startswith("("):
            depth, k = 0, 0
            for k, c in enumerate(rest):
                depth += (c == "(") - (c == ")")
                if depth == 0:
                    break
            off = pm[1] + (len(masked[pm[1]:]) - len(rest))
            for p in S.depth0_split(sql[off + 1:off + k]):
                parts.append(p)
                _check_transform(sql, p)
    return parts


def _check_transform(sql, p):
    fm = re.match(r"^(\w+)\s*\(", p)
    if fm and fm.group(1).lower() not in _TRANSFORMS:
        raise _parse_error(sql, "unknown partition transform %s" % fm.group(1))
    if fm and fm.group(1).lower() in ("bucket", "truncate") and \
            not re.match(r"^\w+\s*\(\s*\d+\s*,", p):
        raise _parse_error(sql, "%s takes (N, column): %s" % (fm.group(1), p))


def _describe(session, sql, masked):
    """DESCRIBE [TABLE] [EXTENDED] t.
    DOC: Spark 3.5 DescribeTableExec (sql/core .../v2/DescribeTableExec.scala,
      addPartitioning): the columns (col_name, data_type, comment), then,
      when every partition field is an identity one, "# Partition
      Information", "# col_name | data_type | comment" and a row per
      partition column; otherwise an empty row, "# Partitioning" and rows
      "Part N | <transform.describe()>" such as "days(ts)" or
      "bucket(16, id)". A table without partitions has neither section."""
    m = re.match(r"^\s*DESC(?:RIBE)?\s+(?:TABLE\s+)?(?:EXTENDED\s+|FORMATTED\s+)?(%s)\s*$"
                 % S.NAME_RE.pattern, masked, re.I)
    out = [("col_name", "string"), ("data_type", "string"), ("comment", "string")]
    if not m:
        return DataFrame._new(session, out, 0, "DESCRIBE")
    name = re.sub(r"\s+", "", sql[m.start(1):m.end(1)])
    ref = S.resolve_table(name, "SparkSession.sql")
    df = _table_df(session, name, "SparkSession.sql")
    rows = [{"col_name": c, "data_type": t, "comment": None} for c, t in df._cols]
    spec = S.spec_for(ref)
    idents = [p for p in spec if not re.match(r"^\w+\s*\(", p)]
    if spec and len(idents) == len(spec):
        rows.append({"col_name": "# Partition Information", "data_type": "", "comment": ""})
        rows.append({"col_name": "# col_name", "data_type": "data_type", "comment": "comment"})
        types = {c.lower(): t for c, t in df._cols}
        rows += [{"col_name": quote_if_needed(p),
                  "data_type": types.get(p.strip().strip("`").lower(), "string"),
                  "comment": None} for p in spec]
    elif spec:
        rows.append({"col_name": "", "data_type": "", "comment": ""})
        rows.append({"col_name": "# Partitioning", "data_type": "", "comment": ""})
        rows += [{"col_name": "Part %d" % i, "data_type": describe_field(p),
                  "comment": ""} for i, p in enumerate(spec)]
    return DataFrame._new(session, out, len(rows), "DESCRIBE", rows=rows)


def _alter_spec(sql, masked, target, ev):
    """ALTER TABLE t ADD / DROP / REPLACE PARTITION FIELD.
    DOC: Iceberg Spark DDL, "ALTER TABLE ... ADD PARTITION FIELD" and
      following (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-add-partition-field):
      needs the Iceberg SQL extensions (checked by the caller); ADD of a
      field the spec has fails ("Cannot add duplicate partition field"),
      DROP or REPLACE of a field it lacks fails ("Cannot find partition
      field to remove")."""
    from py4j.protocol import Py4JJavaError
    ref = S.resolve_table(target, "SparkSession.sql")
    spec = S.STATE.specs.setdefault(ref.key, S.spec_for(ref))
    tail = sql[re.search(r"\bPARTITION\s+FIELD\b", masked, re.I).end():].strip()
    verb = re.search(r"\b(ADD|DROP|REPLACE)\s+PARTITION\s+FIELD\b", masked, re.I)
    if not verb:
        raise _parse_error(sql, "ADD, DROP or REPLACE PARTITION FIELD expected")
    verb = verb.group(1).upper()
    keys = [field_key(p) for p in spec]
    if verb == "REPLACE":
        wm = re.search(r"\s+WITH\s+", tail, re.I)
        if not wm:
            raise _parse_error(sql, "REPLACE PARTITION FIELD old WITH new")
        old, new = tail[:wm.start()].strip(), tail[wm.end():].strip()
    elif verb == "DROP":
        old, new = tail, None
    else:
        old, new = None, tail
    if new is not None:
        _check_transform(sql, new)
    if old is not None and field_key(old) not in keys:
        raise Py4JJavaError("java.lang.IllegalArgumentException: Cannot find partition field "
                            "to remove: %s" % old)
    if new is not None and field_key(new) in keys and field_key(new) != field_key(old or ""):
        raise Py4JJavaError("java.lang.IllegalArgumentException: Cannot add duplicate "
                            "partition field: %s" % new)
    if old is not None:
        spec.pop(keys.index(field_key(old)))
    if new is not None:
        spec.append(new)
    ev["partition_spec"] = list(spec)


def _create_table(session, sql, masked, stmt, target, ev):
    ref = S.resolve_table(target, "SparkSession.sql")
    state = S.table_state(ref)
    if_not = bool(re.search(r"\bIF\s+NOT\s+EXISTS\b", masked, re.I))
    if stmt == "CREATE TABLE" and state != "absent":
        if if_not:
            ev["noop"] = True
            try:
                cols = _declared_columns(sql, masked, target)
                # the table is taken to have the spec the statement states
                # (the schema-level stand-in holds no catalog)
                S.STATE.specs.setdefault(ref.key, S.spec_for(ref) or
                                         _partitioned_by(sql, masked))
            except ParseException:
                cols = []
            if cols:
                S.STATE.declared[ref.key] = cols
            return DataFrame._new(session, [], 0, stmt)
        raise S.table_exists_error(ref, "SparkSession.sql")
    if stmt == "REPLACE TABLE" and state == "absent":
        raise S.table_not_found(ref, "SparkSession.sql")
    cols = _declared_columns(sql, masked, target)
    parts = _partitioned_by(sql, masked)
    S.STATE.specs[ref.key] = list(parts)
    ev["columns"] = [c for c, _ in cols]
    ev["partitionedBy"] = parts
    ev["location"] = bool(S.find_kw(masked, "LOCATION"))
    if ev["location"] and ref.catalog and _is_s3tables(ref.catalog):
        S.violation("SparkSession.sql", "LOCATION is not allowed for S3 Tables (%s)" % target)
        raise AnalysisException("S3 Tables manage their own location: LOCATION is not "
                                "supported for %s" % target)
    asm = S.find_kw(masked, "AS")
    rows = 0
    if asm and re.match(r"\s*(SELECT|WITH)\b", masked[asm[1]:], re.I):
        sel = sql[asm[1]:].strip()
        sdf = _select(session, sel, S.mask_literals(sel), {})
        rows = sdf._count
        if not cols:
            cols = sdf._cols
    S.mark_created(ref, cols, rows)
    return DataFrame._new(session, [], 0, stmt)


def _declared_columns(sql, masked, target):
    from pyspark.sql.types import _parse_datatype_string
    cols = []
    m = re.search(r"%s\s*\(" % re.escape(target), sql)
    # the structure is read with quoted text masked: a back-quoted name may
    # hold '(', ')', ',', '<' or '>'
    masked = S.mask_quoted(sql)
    if m:
        depth, k = 0, m.end() - 1
        while k < len(masked):
            if masked[k] == "(":
                depth += 1
            elif masked[k] == ")":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        # Commas inside a complex type (map<string,int>, struct<a:int,b:int>)
        # do not end a column definition.
        defs, buf = [], ""
        for d in S.depth0_split(sql[m.end():k]):
            buf = d if not buf else buf + "," + d
            mb = S.mask_quoted(buf)
            if mb.count("<") <= mb.count(">"):
                defs.append(buf)
                buf = ""
        if buf:
            defs.append(buf)
        for d in defs:
            dm = re.match(r"^(`(?:[^`]|``)+`|\w+)\s+(.+?)(\s+NOT\s+NULL|\s+COMMENT\s+'.*'|\s+"
                          r"DEFAULT\s+.*)*$", d, re.I | re.S)
            if not dm:
                raise _parse_error(sql, "bad column definition %r" % d)
            typ = dm.group(2).strip()
            try:
                _parse_datatype_string(typ)
            except ParseException as e:
                S.violation("SparkSession.sql", str(e))
                raise
            name = dm.group(1)
            if name.startswith("`"):
                name = name[1:-1].replace("``", "`")
            cols.append((name, typ.lower()))
    return cols


def _is_s3tables(cat):
    c = S.STATE.conf
    return "s3tablescatalog" in c.get("spark.sql.catalog.%s.glue.id" % cat, "") or \
        c.get("spark.sql.catalog.%s.warehouse" % cat, "").startswith("arn:aws:s3tables") or \
        "S3TablesCatalog" in c.get("spark.sql.catalog.%s.catalog-impl" % cat, "")


def _select(session, sql, masked, ev):
    items, where, group = S.select_items(sql)
    src = None
    fm = S.find_kw(masked, "FROM")
    if fm:
        rest = masked[fm[1]:].lstrip()
        m = re.match(r"(%s)" % S.NAME_RE.pattern, rest)
        if m and not rest.startswith("("):
            name = re.sub(r"\s+", "", m.group(1))
            parts = S.split_name(name)
            if len(parts) == 1 and parts[0].lower() in S.STATE.temp_views:
                src = S.STATE.temp_views[parts[0].lower()]
            elif len(parts) == 1 and parts[0].lower() in S.cte_names(masked):
                src = None
            else:
                src = _table_df(session, name, "SparkSession.sql")
    if where:
        ev["where"] = where
    if src is None:
        src = DataFrame._new(session, [], 1 if not fm else S.count_for(None), "subquery",
                             open_=True)
    if items is None:
        return src._derive()
    cols, aggs, plain = [], [], False
    for it in items:
        if re.match(r"^(\w+\.)?\*$", it.strip()):
            cols.extend(src._cols)
            plain = True
            continue
        expr, name = S.item_name(it)
        a = S.item_agg(expr)
        if a and not group:
            c = Column._make(expr, {a[1]} if a[1] else set(), None, name,
                             (a[0], a[1], None), "agg")
            aggs.append((name, c))
            typ = "bigint" if a[0].startswith("count") else (src._type_of(a[1] or "") or
                                                              "string")
            cols.append((name, typ))
        else:
            plain = True
            cols.append((name, src._type_of(name) or "string"))
    if aggs and not plain:
        df = src._derive(cols=cols, count=1, open_=False)
        df._rows = None
        df._aggs = aggs
        df._aggsrc = src
        if where:
            df._filters.append(where)
        return df
    df = src._derive(cols=cols, open_=False)
    if where:
        df._filters.append(where)
    df._rows = None if src._rows is None else df._rows
    if re.search(r"\bLIMIT\s+(\d+)", masked, re.I):
        n = int(re.search(r"\bLIMIT\s+(\d+)", masked, re.I).group(1))
        df._count = min(df._count, n)
    return df


S.strict(SparkSession)
S.strict(_Builder)
