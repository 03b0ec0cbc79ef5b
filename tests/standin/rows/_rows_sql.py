"""spark.sql() of the row-level stand-in: the statements pipec's scripts run.

CREATE TABLE [IF NOT EXISTS] t (cols) USING iceberg|parquet [OPTIONS (...)]
  [PARTITIONED BY (...)] [LOCATION '...'] [TBLPROPERTIES (...)]
MERGE INTO t [AS] a USING view [AS] b ON cond
  WHEN MATCHED [AND c] THEN UPDATE SET * | UPDATE SET a.x = b.x, ... | DELETE
  WHEN NOT MATCHED [AND c] THEN INSERT * | INSERT (x, ...) VALUES (b.x, ...)
ALTER TABLE t ADD COLUMNS (col type, ...)      (Iceberg and Hive tables)
ALTER TABLE t ADD COLUMNS (col.field type)     (Iceberg tables; col.element.f,
                                                col.value.f inside arrays, maps)
ALTER TABLE t ALTER COLUMN col TYPE type       (Iceberg tables)
ALTER TABLE t ALTER COLUMN col.field TYPE type (Iceberg tables)
ALTER TABLE t RENAME COLUMN col TO col         (Iceberg tables)
ALTER TABLE t RECOVER PARTITIONS               (Parquet tables, _rows_files.py)
ALTER TABLE t ADD|DROP PARTITION FIELD f       (Iceberg tables)
ALTER TABLE t REPLACE PARTITION FIELD f WITH g (Iceberg tables)
DESCRIBE [TABLE] t
SELECT MAX(col) FROM t  (a watermark read)
Anything else raises: a statement the model does not know must not pass.
"""
import os
import re
import sys

import _rows as R

# tests/standin (the schema-level stand-in's directory) holds the name
# helpers both stand-ins share; appended, so rows' packages still shadow.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _spark_names import describe_field, field_key, quote_if_needed  # noqa: E402

_ID = r"(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)"
_NAME = r"%s(?:\s*\.\s*%s)*" % (_ID, _ID)


def _split_top(text, sep=","):
    parts, depth, cur, q = [], 0, [], None
    for ch in text:
        if q:
            cur.append(ch)
            if ch == q:
                q = None
            continue
        if ch in "'`\"":
            q = ch
        elif ch in "(<":
            depth += 1
        elif ch in ")>":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur).strip())
    return parts


def _paren(text, start):
    """(inside, end) of the parenthesised group opening at text[start]."""
    depth, q = 0, None
    for i in range(start, len(text)):
        ch = text[i]
        if q:
            if ch == q:
                q = None
            continue
        if ch in "'`":
            q = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
    raise R.AnalysisException("[PARSE_SYNTAX_ERROR] unbalanced parentheses")


def run(session, text):
    s = text.strip().rstrip(";").strip()
    if re.match(r"(?i)^CREATE\s+TABLE", s):
        return _create(session, s)
    if re.match(r"(?i)^MERGE\s+INTO", s):
        return _merge(session, s)
    m = re.match(r"(?is)^ALTER\s+TABLE\s+(%s)\s+RECOVER\s+PARTITIONS$" % _NAME, s)
    if m:
        return _recover(session, m.group(1))
    m = re.match(r"(?is)^ALTER\s+TABLE\s+(%s)\s+(ADD|DROP|REPLACE)\s+PARTITION\s+FIELD\s+(.+)$"
                 % _NAME, s)
    if m:
        return _alter_spec(session, m.group(1), m.group(2).upper(), m.group(3).strip())
    m = re.match(r"(?is)^ALTER\s+TABLE\s+(%s)\s+SET\s+TBLPROPERTIES\s*\(" % _NAME, s)
    if m:
        return _set_properties(session, m.group(1), s, m.end() - 1)
    if re.match(r"(?i)^ALTER\s+TABLE", s):
        return _alter(session, s)
    m = re.match(r"(?is)^SHOW\s+TBLPROPERTIES\s+(%s)$" % _NAME, s)
    if m:
        return _show_properties(session, m.group(1))
    m = re.match(r"(?is)^DESC(?:RIBE)?\s+(?:TABLE\s+)?(%s)$" % _NAME, s)
    if m:
        return _describe(session, m.group(1))
    m = re.match(r"(?is)^SELECT\s+MAX\((.+)\)(?:\s+AS\s+\w+)?\s+FROM\s+(%s)$" % _NAME, s)
    if m:
        df = session.table(m.group(2))
        return df.agg(R.agg_max(R.col(m.group(1).strip())))
    raise R.AnalysisException("standin rows: SQL statement not modelled: %s" % s[:200])


def _create(session, s):
    m = re.match(r"(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(%s)\s*" % _NAME, s)
    if not m:
        raise R.AnalysisException("[PARSE_SYNTAX_ERROR] CREATE TABLE: %s" % s[:200])
    name = m.group(2)
    cat = session.catalog
    if cat.get(name) is not None:
        if m.group(1):
            return R.DataFrame(R.Frame([], []), session)
        raise R.AnalysisException(
            "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view %s because it "
            "already exists." % name)
    inside, end = _paren(s, m.end())
    cols = []
    for c in _split_top(inside):
        cm = re.match(r"(?s)^(%s)\s+(.*?)(?:\s+NOT\s+NULL)?(?:\s+COMMENT\s+'.*')?$" % _ID, c)
        cols.append([cm.group(1).strip("`"), R.type_text(R.parse_type(cm.group(2)))])
    rest = s[end:]
    um = re.search(r"(?i)\bUSING\s+(\w+)", rest)
    fmt = um.group(1).lower() if um else "hive"
    parts = []
    pm = re.search(r"(?i)\bPARTITIONED\s+BY\s*\(", rest)
    if pm:
        pin, _ = _paren(rest, pm.end() - 1)
        parts = [p.strip() for p in _split_top(pin)]
    if fmt != "iceberg" and parts:
        # DOC: Spark 3.5 CREATE TABLE ... USING data_source
        #   (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-ddl-create-table-datasource.html):
        #   PARTITIONED BY names columns of the list; Spark's data source
        #   tables keep partition columns at the END of the table schema
        #   (the order insertInto's by-position resolution follows).
        pnames = [p.strip("`").lower() for p in parts]
        cols = [c for c in cols if c[0].lower() not in pnames] + \
               [c for p in pnames for c in cols if c[0].lower() == p]
    cat.tables[cat.key(name)] = {"format": fmt, "columns": cols, "partitions": parts,
                                 "rows": []}
    lm = re.search(r"(?i)\bLOCATION\s+'((?:[^'\\]|\\.)*)'", rest)
    if lm:
        cat.tables[cat.key(name)]["location"] = re.sub(r"\\(.)", r"\1", lm.group(1))
    tm = re.search(r"(?i)\bTBLPROPERTIES\s*\(", rest)
    if tm:
        pin, _ = _paren(rest, tm.end() - 1)
        cat.tables[cat.key(name)]["parameters"] = _properties(pin)
    R._save("tables.json", cat.tables)
    return R.DataFrame(R.Frame([], []), session)


def _recover(session, name):
    # DOC: Spark SQL ALTER TABLE ... RECOVER PARTITIONS "recovers all the
    #   partitions in the directory of a table and updates the Hive
    #   metastore" (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-ddl-alter-table.html#recover-partitions);
    #   partitions already known stay, directories that are not
    #   name=value of the partition columns, in order, are ignored.
    import _rows_files
    cat = session.catalog
    t = cat.get(name)
    if t is None:
        cat.frame(name, "ALTER TABLE")
    _rows_files.recover_partitions(t, R._load("s3.json", {}))
    R._save("tables.json", cat.tables)
    return R.DataFrame(R.Frame([], []), session)


def _describe(session, name):
    """DOC: Spark 3.5 DescribeTableExec (sql/core
      .../datasources/v2/DescribeTableExec.scala, addSchema then
      addPartitioning): a row (col_name, data_type, comment) per column;
      then, when every partition field is an identity field, "# Partition
      Information", "# col_name | data_type | comment" and a row per
      partition column, else an empty row, "# Partitioning" and
      "Part N | <Transform.describe()>" rows ("days(ts)", "bucket(16, id)";
      Iceberg's Spark3Util.toTransforms leaves out the void fields a v1
      table keeps for dropped ones). An unpartitioned table has neither."""
    t = session.catalog.get(name)
    if t is None:
        session.catalog.frame(name, "DESCRIBE TABLE")
    cols = [["col_name", "string"], ["data_type", "string"], ["comment", "string"]]
    rows = [[c, ty, None] for c, ty in t["columns"]]
    spec = t.get("partitions") or []
    types = {c.lower(): ty for c, ty in t["columns"]}
    if spec and all(not re.match(r"^\w+\s*\(", p) for p in spec):
        rows += [["# Partition Information", "", ""], ["# col_name", "data_type", "comment"]]
        rows += [[quote_if_needed(p), types.get(p.strip().strip("`").lower()), None]
                 for p in spec]
    elif spec:
        rows += [["", "", ""], ["# Partitioning", "", ""]]
        rows += [["Part %d" % i, describe_field(p), ""] for i, p in enumerate(spec)]
    return R.DataFrame(R.Frame(cols, rows), session)


def _alter_spec(session, name, verb, tail):
    """DOC: Iceberg Spark DDL, "ALTER TABLE ... ADD PARTITION FIELD", "DROP
      PARTITION FIELD", "REPLACE PARTITION FIELD ... WITH ..."
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-add-partition-field):
      each is one metadata commit; "Partition evolution is a metadata
      operation and does not eagerly rewrite files": rows already written
      keep their values (and their files the old spec). Iceberg's
      BaseUpdatePartitionSpec refuses a field the spec already has
      ("Cannot add duplicate partition field") and a removal of a field it
      lacks ("Cannot find partition field to remove"). Only Iceberg tables
      have partition fields: Spark refuses the statement elsewhere."""
    cat = session.catalog
    t = cat.get(name)
    if t is None:
        cat.frame(name, "ALTER TABLE")
    if t.get("format") != "iceberg":
        raise R.AnalysisException(
            "[UNSUPPORTED_FEATURE.TABLE_OPERATION] ALTER TABLE ... %s PARTITION FIELD is not "
            "supported for the non-Iceberg table %s" % (verb, name))
    spec = list(t.get("partitions") or [])
    keys = [field_key(p) for p in spec]
    old, new = None, None
    if verb == "REPLACE":
        wm = re.search(r"(?i)\s+WITH\s+", tail)
        if not wm:
            raise R.AnalysisException("[PARSE_SYNTAX_ERROR] REPLACE PARTITION FIELD: %s" % tail)
        old, new = tail[:wm.start()].strip(), tail[wm.end():].strip()
    elif verb == "DROP":
        old = tail
    else:
        new = tail
    if old is not None and field_key(old) not in keys:
        raise R.AnalysisException("java.lang.IllegalArgumentException: Cannot find partition "
                                  "field to remove: %s" % old)
    if old is not None:
        spec.pop(keys.index(field_key(old)))
    if new is not None and field_key(new) in [field_key(p) for p in spec]:
        raise R.AnalysisException("java.lang.IllegalArgumentException: Cannot add duplicate "
                                  "partition field: %s" % new)
    if new is not None:
        fm = re.match(r"^\s*\w+\s*\(\s*(?:\d+\s*,\s*)?(.+?)\s*\)\s*$", new)
        src = (fm.group(1) if fm else new).strip().strip("`").lower()
        if src not in [c.lower() for c, _ in t["columns"]]:
            raise R.AnalysisException("java.lang.IllegalArgumentException: Cannot find source "
                                      "column: %s" % src)
        spec.append(new)
    t.setdefault("spec_history", []).append(t.get("partitions") or [])
    t["partitions"] = spec
    t.setdefault("alters", []).append("ALTER TABLE %s %s PARTITION FIELD %s" % (name, verb, tail))
    R._save("tables.json", cat.tables)
    return R.DataFrame(R.Frame([], []), session)


def _promotable(have, want):
    """DOC: Iceberg spec, Schema Evolution / Type promotion
      (https://iceberg.apache.org/spec/#schema-evolution): int -> long,
      float -> double, decimal(P,S) -> decimal(P',S) if P' > P; nothing
      else (no narrowing, no scale change, no string <-> number)."""
    if (have, want) in (("int", "bigint"), ("float", "double")):
        return True
    dh = re.match(r"^decimal\((\d+),(\d+)\)$", have)
    dw = re.match(r"^decimal\((\d+),(\d+)\)$", want)
    return bool(dh and dw and dh.group(2) == dw.group(2) and int(dw.group(1)) > int(dh.group(1)))


_PATH = r"%s(?:\s*\.\s*%s)*" % (r"(?:`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)",
                                  r"(?:`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)")


def _path_parts(text):
    """`point`.`z` -> ["point", "z"] (a backquote doubled inside quotes)."""
    parts = re.findall(r"`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*", text)
    return [p[1:-1].replace("``", "`") if p.startswith("`") else p for p in parts]


def _nested_at(ty, path, shown, fn):
    """ty with the type at path (field names, "element" of an array,
    "value" of a map) replaced by fn(that type, its path as shown).
    DOC: Iceberg Spark DDL, ALTER TABLE ... ADD COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-add-column):
      "To add a field to a struct column, use dots to separate names"
      (point.z); the struct of an array's elements is `col.element`, of a
      map's values `col.value`. Iceberg's SchemaUpdate refuses a path it
      cannot resolve ("Cannot find parent struct: ...") and any change
      under a map's keys ("Cannot add fields to map keys: ...", "Cannot
      alter map keys: ...")."""
    if not path:
        return fn(ty, shown)
    head, rest = path[0], path[1:]
    here = shown + [head]
    if isinstance(ty, tuple) and ty[0] == "struct":
        fields = list(ty[1])
        for i, (n, ft) in enumerate(fields):
            if n.lower() == head.lower():
                fields[i] = (n, _nested_at(ft, rest, shown + [n], fn))
                return ("struct", fields)
    elif isinstance(ty, tuple) and ty[0] == "array" and head.lower() == "element":
        return ("array", _nested_at(ty[1], rest, here, fn))
    elif isinstance(ty, tuple) and ty[0] == "map" and head.lower() == "value":
        return ("map", ty[1], _nested_at(ty[2], rest, here, fn))
    elif isinstance(ty, tuple) and ty[0] == "map" and head.lower() == "key":
        raise R.AnalysisException("java.lang.IllegalArgumentException: Cannot alter map keys: "
                                  "%s" % ".".join(here))
    raise R.AnalysisException("java.lang.IllegalArgumentException: Cannot find parent struct: "
                              "%s" % ".".join(here))


def _column_of(t, name, table):
    for col in t["columns"]:
        if col[0].lower() == name.lower():
            return col
    raise R.AnalysisException("[UNRESOLVED_COLUMN] A column or function parameter with name "
                              "`%s` cannot be resolved (table %s)" % (name, table))


def _add_field(t, table, path, ty):
    """ADD COLUMNS (a.b.c type): a field added to the struct at a.b.
    DOC: Iceberg spec, Schema Evolution: an added field is optional and
      "existing data files ... read as null" for it (the rows' struct
      values read NULL there: Catalog.frame reads structs by field name).
      Iceberg's SchemaUpdate.addColumn: the parent must be a struct
      ("Cannot add to non-struct column: ..."), the name new in it
      ("Cannot add column, name already exists: ...")."""
    if t.get("format") != "iceberg":
        raise R.AnalysisException(
            "[UNSUPPORTED_FEATURE.TABLE_OPERATION] ALTER TABLE ... ADD COLUMNS with a nested "
            "field is not supported for the non-Iceberg table %s" % table)
    col = _column_of(t, path[0], table)

    def add(parent, shown):
        if not (isinstance(parent, tuple) and parent[0] == "struct"):
            raise R.AnalysisException("java.lang.IllegalArgumentException: Cannot add to "
                                      "non-struct column: %s: %s"
                                      % (".".join(shown), R.type_text(parent)))
        if path[-1].lower() in [n.lower() for n, _ in parent[1]]:
            raise R.AnalysisException("java.lang.IllegalArgumentException: Cannot add column, "
                                      "name already exists: %s" % ".".join(path))
        return ("struct", list(parent[1]) + [(path[-1], ty)])
    col[1] = R.type_text(_nested_at(R.parse_type(col[1]), path[1:-1], [col[0]], add))


def _alter_field(t, path, want):
    """ALTER COLUMN a.b TYPE type: a primitive field promoted.
    DOC: Iceberg Spark DDL, ALTER TABLE ... ALTER COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-alter-column):
      "ALTER TABLE prod.db.sample ALTER COLUMN location.lat TYPE double"
      widens a nested field; only a safe promotion (_promotable), else
      "Cannot change column type: ..."; a struct, array or map is not
      changed by it (its fields are, by their paths); a missing field
      fails ("Cannot update missing column: ...")."""
    col = _column_of(t, path[0], "")

    def alter(have, shown):
        if isinstance(have, tuple) and have[0] in ("struct", "array", "map"):
            raise R.AnalysisException("Cannot change column type: %s: %s -> %s"
                                      % (".".join(shown), R.type_text(have), want))
        have = R.type_text(have)
        if want != have and not _promotable(have, want):
            raise R.AnalysisException("Cannot change column type: %s: %s -> %s"
                                      % (".".join(shown), have, want))
        return R.parse_type(want)

    def missing(parent, shown):
        fields = [n.lower() for n, _ in parent[1]] \
            if isinstance(parent, tuple) and parent[0] == "struct" else []
        if path[-1].lower() in ("element", "value") and not fields:
            return parent
        if path[-1].lower() not in fields:
            raise R.AnalysisException("java.lang.IllegalArgumentException: Cannot update "
                                      "missing column: %s" % ".".join(path))
        return parent
    ty = R.parse_type(col[1])
    _nested_at(ty, path[1:-1], [col[0]], missing)
    col[1] = R.type_text(_nested_at(ty, path[1:], [col[0]], alter))


def _alter(session, s):
    """DOC: Spark 3.5 ALTER TABLE
      (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-ddl-alter-table.html):
      ADD COLUMNS (col_spec, ...); ALTER COLUMN col TYPE type.
    DOC: Iceberg Spark DDL, ALTER TABLE ... ADD COLUMN / ALTER COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-add-column):
      an added column is optional, existing rows read NULL in it; ALTER
      COLUMN TYPE only for a safe promotion (else it fails with "Cannot
      change column type"). A non-Iceberg (Spark v1 / Hive) table refuses
      ALTER COLUMN ... TYPE (Spark: ALTER TABLE CHANGE COLUMN is not
      supported for changing column type).
    DOC: Iceberg Spark DDL, ALTER TABLE ... RENAME COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-rename-column):
      Iceberg tracks columns by id, so the rows already written keep their
      values under the new name. Spark renames columns of v2 tables only:
      a Hive table refuses it (UNSUPPORTED_FEATURE.TABLE_OPERATION); a
      new name already present fails (FIELDS_ALREADY_EXISTS).
    DROP COLUMN / DROP COLUMNS: see _drop."""
    m = re.match(r"(?is)^ALTER\s+TABLE\s+(%s)\s+(.*)$" % _NAME, s)
    if not m:
        raise R.AnalysisException("[PARSE_SYNTAX_ERROR] ALTER TABLE: %s" % s[:200])
    cat = session.catalog
    t = cat.get(m.group(1))
    if t is None:
        raise R.AnalysisException("[TABLE_OR_VIEW_NOT_FOUND] The table or view %s cannot be "
                                  "found." % m.group(1))
    rest = m.group(2).strip()
    names = [c[0].lower() for c in t["columns"]]
    am = re.match(r"(?is)^ADD\s+COLUMNS?\s*\(", rest)
    if am:
        inside, _ = _paren(rest, am.end() - 1)
        for c in _split_top(inside):
            cm = re.match(r"(?s)^(%s)\s+(.*?)(?:\s+COMMENT\s+'.*')?$" % _PATH, c)
            if not cm or re.search(r"(?i)\bNOT\s+NULL\b", cm.group(2)):
                raise R.AnalysisException("[PARSE_SYNTAX_ERROR] ADD COLUMNS: %s" % c)
            path = _path_parts(cm.group(1))
            if len(path) > 1:
                _add_field(t, m.group(1), path, R.parse_type(cm.group(2)))
                continue
            name = path[0]
            if name.lower() in names:
                raise R.AnalysisException("[FIELDS_ALREADY_EXISTS] Cannot add column, because "
                                          "%s already exists" % name)
            new = [name, R.type_text(R.parse_type(cm.group(2)))]
            if t.get("format") == "iceberg":
                t["columns"].append(new)
            else:
                # DOC: Hive LanguageManual DDL, "Add/Replace Columns"
                #   (https://cwiki.apache.org/confluence/display/Hive/LanguageManual+DDL#LanguageManualDDL-Add/ReplaceColumns):
                #   "ADD COLUMNS lets you add new columns to the end of the
                #   existing columns but before the partition columns."
                #   Spark's AlterTableAddColumnsCommand (Spark 3.5,
                #   sql/core .../command/tables.scala) extends the table's
                #   data schema (catalog.alterTableDataSchema): partition
                #   columns stay last, and the table's properties
                #   ("parameters": partition projection among them) are
                #   not touched. ASSUMPTION: Glue's metastore client keeps
                #   the parameters it was handed back (none found saying
                #   otherwise): "parameters" is left as it is.
                nparts = len(t.get("partitions") or [])
                at = len(t["columns"]) - nparts
                t["columns"].insert(at, new)
            names.append(name.lower())
            # Rows written before have no value: they read NULL (a Parquet
            # file is read by column name, see Catalog.frame).
            for row in t["rows"]:
                row.setdefault(name, None)
    elif re.match(r"(?is)^DROP\s+COLUMNS?\s", rest):
        _drop(t, m.group(1), rest)
    elif re.match(r"(?is)^RENAME\s+COLUMN\s", rest):
        rm = re.match(r"(?is)^RENAME\s+COLUMN\s+(%s)\s+TO\s+(%s)$" % (_ID, _ID), rest)
        if not rm:
            raise R.AnalysisException("[PARSE_SYNTAX_ERROR] RENAME COLUMN: %s" % rest[:200])
        if t.get("format") != "iceberg":
            raise R.AnalysisException(
                "[UNSUPPORTED_FEATURE.TABLE_OPERATION] ALTER TABLE ... RENAME COLUMN "
                "is not supported for the non-Iceberg table %s" % m.group(1))
        old, new = rm.group(1).strip("`"), rm.group(2).strip("`")
        if old.lower() not in names:
            raise R.AnalysisException("[UNRESOLVED_COLUMN] %s" % old)
        if new.lower() in names:
            raise R.AnalysisException("[FIELDS_ALREADY_EXISTS] Cannot rename column, because "
                                      "%s already exists" % new)
        col = t["columns"][names.index(old.lower())]
        for row in t["rows"]:
            key = next((k for k in row if k.lower() == old.lower()), None)
            if key is not None:
                row[new] = row.pop(key)
        col[0] = new
    else:
        tm = re.match(r"(?is)^ALTER\s+COLUMN\s+(%s)\s+TYPE\s+(.+)$" % _PATH, rest)
        if not tm:
            raise R.AnalysisException("standin rows: ALTER TABLE not modelled: %s" % s[:200])
        if t.get("format") != "iceberg":
            raise R.AnalysisException(
                "[UNSUPPORTED_FEATURE.TABLE_OPERATION] ALTER TABLE ... ALTER COLUMN ... TYPE "
                "is not supported for the non-Iceberg table %s" % m.group(1))
        path = _path_parts(tm.group(1))
        if len(path) > 1:
            _alter_field(t, path, R.type_text(R.parse_type(tm.group(2))))
            t.setdefault("alters", []).append(s)
            R._save("tables.json", cat.tables)
            return R.DataFrame(R.Frame([], []), session)
        name = path[0]
        if name.lower() not in names:
            raise R.AnalysisException("[UNRESOLVED_COLUMN] %s" % name)
        col = t["columns"][names.index(name.lower())]
        want = R.type_text(R.parse_type(tm.group(2)))
        if want != col[1] and not _promotable(col[1], want):
            raise R.AnalysisException("Cannot change column type: %s: %s -> %s"
                                      % (name, col[1], want))
        col[1] = want
    t.setdefault("alters", []).append(s)
    R._save("tables.json", cat.tables)
    return R.DataFrame(R.Frame([], []), session)


_QID = r"(?:`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)"


def _unquote(ident):
    return ident[1:-1].replace("``", "`") if ident.startswith("`") else ident


def _drop(t, name, rest):
    """DOC: Spark 3.5 ALTER TABLE ... DROP COLUMNS
      (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-ddl-alter-table.html#drop-columns):
      ALTER TABLE t DROP { COLUMN | COLUMNS } [ ( ] col [ , ... ] [ ) ];
      it is a v2 table operation: a v1 (Hive / Spark data source) table
      refuses it (UNSUPPORTED_FEATURE.TABLE_OPERATION); a column the table
      lacks fails the statement (UNRESOLVED_COLUMN; Iceberg's
      SchemaUpdate: "Cannot delete missing column", FIELD_NOT_FOUND).
    DOC: Iceberg Spark DDL, ALTER TABLE ... DROP COLUMN
      (https://iceberg.apache.org/docs/latest/spark-ddl/#alter-table-drop-column):
      the column leaves the table's schema; Iceberg tracks columns by id,
      so the values in the data files already written are never read
      again (no file is rewritten): the rows no longer hold it. Iceberg's
      SchemaUpdate refuses to delete a partition source column ("Cannot
      delete partition source field") and an identifier field ("Cannot
      delete identifier field"; pipec never sets identifier fields, so
      they are not modelled)."""
    dm = re.match(r"(?is)^DROP\s+COLUMNS?\s+(\(?)\s*(.*?)\s*(\)?)$", rest)
    if not dm or bool(dm.group(1)) != bool(dm.group(3)):
        raise R.AnalysisException("[PARSE_SYNTAX_ERROR] DROP COLUMN: %s" % rest[:200])
    idents = [c.strip() for c in _split_top(dm.group(2))]
    if not idents or not all(re.match(r"(?s)^%s$" % _QID, c) for c in idents):
        raise R.AnalysisException("[PARSE_SYNTAX_ERROR] DROP COLUMN: %s" % rest[:200])
    if t.get("format") != "iceberg":
        raise R.AnalysisException(
            "[UNSUPPORTED_FEATURE.TABLE_OPERATION] ALTER TABLE ... DROP COLUMNS "
            "is not supported for the non-Iceberg table %s" % name)
    names = [c[0].lower() for c in t["columns"]]
    drops = [_unquote(c) for c in idents]
    for col in drops:
        if col.lower() not in names:
            raise R.AnalysisException("[UNRESOLVED_COLUMN] A column or function parameter "
                                      "with name %s cannot be resolved" % col)
        for p in t.get("partitions") or []:
            inner = re.sub(r"^\w+\((?:\s*\d+\s*,)?\s*(.*?)\s*\)$", r"\1", p.strip())
            if _unquote(inner).lower() == col.lower():
                raise R.AnalysisException("Cannot delete partition source field: %s" % col)
    gone = {c.lower() for c in drops}
    t["columns"] = [c for c in t["columns"] if c[0].lower() not in gone]
    for row in t["rows"]:
        for key in [k for k in row if k.lower() in gone]:
            del row[key]


def _ref(expr, aliases):
    """'s.`x`' -> ('s', 'x'); '`x`' -> (None, 'x')."""
    parts = R.strip_name(expr.strip())
    if len(parts) >= 2 and parts[0].lower() in aliases:
        return parts[0].lower(), parts[-1]
    return None, parts[-1]


def _merge(session, s):
    m = re.match(r"(?is)^MERGE\s+INTO\s+(%s)(?:\s+(?:AS\s+)?(%s))?\s+USING\s+(%s)"
                 r"(?:\s+(?:AS\s+)?(?!ON\b)(%s))?\s+ON\s+(.*)$" % (_NAME, _ID, _NAME, _ID), s)
    if not m:
        raise R.AnalysisException("[PARSE_SYNTAX_ERROR] MERGE: %s" % s[:200])
    tname, ta, sname, sa, rest = m.groups()
    ta = (ta or R.strip_name(tname)[-1]).strip("`").lower()
    sa = (sa or R.strip_name(sname)[-1]).strip("`").lower()
    wm = re.search(r"(?i)\bWHEN\b", rest)
    on = rest[:wm.start()].strip() if wm else rest
    clauses = []
    for cm in re.finditer(r"(?is)WHEN\s+(NOT\s+MATCHED|MATCHED)(?:\s+AND\s+(.*?))?\s+THEN\s+"
                          r"(.*?)(?=\s+WHEN\s+(?:NOT\s+)?MATCHED\b|$)", rest):
        clauses.append((cm.group(1).upper().replace("  ", " "), cm.group(2), cm.group(3).strip()))
    cat = session.catalog
    tfr = cat.frame(tname, "MERGE")
    src = session.table(sname)._f
    tcols = tfr.columns
    scols = src.columns
    aliases = {ta, sa}

    def find(cols, name, alias):
        for i, (n, _) in enumerate(cols):
            if n.lower() == name.lower():
                return i
        raise R.AnalysisException(
            "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
            "`%s`.`%s` cannot be resolved. Did you mean one of the following? [%s]."
            % (alias, name, ", ".join("`%s`.`%s`" % (alias, n) for n, _ in cols)))

    # ON: a conjunction of equalities a.x = b.y (or <=>, null-safe).
    eqs = []
    for part in re.split(r"(?i)\s+AND\s+", on):
        em = re.match(r"^\s*(.+?)\s*(<=>|=)\s*(.+?)\s*$", part)
        if not em:
            raise R.AnalysisException("standin rows: MERGE ON not modelled: %s" % on)
        l, r = _ref(em.group(1), aliases), _ref(em.group(3), aliases)
        if l[0] == sa:
            l, r = r, l
        eqs.append((find(tcols, l[1], ta), find(scols, r[1], sa), em.group(2) == "<=>"))

    def matches(trow, srow):
        for ti, si, nullsafe in eqs:
            a, b = trow[ti], srow[si]
            if a is None or b is None:
                if not (nullsafe and a is None and b is None):
                    return False
                continue
            a, b = R._coerce(a, b)
            if a != b:
                return False
        return True

    # Resolve the actions first: analysis errors come before any row.
    # DOC: Iceberg Spark writes, MERGE INTO
    #   (https://iceberg.apache.org/docs/latest/spark-writes/#merge-into) and
    #   Spark 3.5 MERGE resolution (ResolveReferences for MergeIntoTable):
    #   `UPDATE SET *` / `INSERT *` assign EVERY target column from the source
    #   column of the same name -- a target column the source lacks fails
    #   analysis with UNRESOLVED_COLUMN; an explicit SET list leaves unlisted
    #   columns unchanged; an explicit INSERT list sets unlisted columns to
    #   NULL.
    acts = []
    for when, cond, action in clauses:
        am = re.match(r"(?is)^UPDATE\s+SET\s+(.*)$", action)
        im = re.match(r"(?is)^INSERT\s*(.*)$", action)
        if cond:
            raise R.AnalysisException("standin rows: MERGE clause conditions not modelled")
        if am:
            body = am.group(1).strip()
            if body == "*":
                assign = [(i, find(scols, n, sa)) for i, (n, _) in enumerate(tcols)]
            else:
                assign = []
                for a in _split_top(body):
                    lhs, rhs = a.split("=", 1)
                    assign.append((find(tcols, _ref(lhs, aliases)[1], ta),
                                   find(scols, _ref(rhs, aliases)[1], sa)))
            acts.append((when, "update", assign))
        elif re.match(r"(?i)^DELETE$", action):
            acts.append((when, "delete", None))
        elif im:
            body = im.group(1).strip()
            if body == "*":
                assign = [(i, find(scols, n, sa)) for i, (n, _) in enumerate(tcols)]
            else:
                cl, end = _paren(body, body.index("("))
                vm = re.match(r"(?is)^\s*VALUES\s*", body[end:])
                vl, _ = _paren(body[end:], vm.end())
                assign = [(find(tcols, _ref(c, aliases)[1], ta), find(scols, _ref(v, aliases)[1], sa))
                          for c, v in zip(_split_top(cl), _split_top(vl))]
            acts.append((when, "insert", assign))
        else:
            raise R.AnalysisException("standin rows: MERGE action not modelled: %s" % action)

    # DOC: Spark 3.5 error class MERGE_CARDINALITY_VIOLATION
    #   (https://spark.apache.org/docs/3.5.0/sql-error-conditions.html#merge_cardinality_violation):
    #   "The ON search condition of the MERGE statement matched a single row
    #   from the target table with multiple rows of the source table. This
    #   could result in the target row being operated on more than once with
    #   an update or delete operation and is not allowed." Iceberg checks it
    #   too (spark-writes: "an error is thrown if more than one source row
    #   matches a target row", when a WHEN MATCHED clause exists).
    has_matched = any(w == "MATCHED" for w, _, _ in acts)
    out = []
    src_matched = [False] * len(src.rows)
    for trow in tfr.rows:
        hits = [j for j, srow in enumerate(src.rows) if matches(trow, srow)]
        for j in hits:
            src_matched[j] = True
        if len(hits) > 1 and has_matched:
            raise R.AnalysisException(
                "[MERGE_CARDINALITY_VIOLATION] The ON search condition of the MERGE statement "
                "matched a single row from the target table with multiple rows of the source "
                "table. This could result in the target row being operated on more than once "
                "with an update or delete operation and is not allowed.")
        act = next((a for a in acts if a[0] == "MATCHED"), None) if hits else None
        if act is None:
            out.append(list(trow))
        elif act[1] == "update":
            new = list(trow)
            for ti, si in act[2]:
                new[ti] = R.cast_value(src.rows[hits[0]][si], tcols[ti][1])
            out.append(new)
        # delete: dropped
    ins = next((a for a in acts if a[0] == "NOT MATCHED"), None)
    if ins is not None:
        for j, srow in enumerate(src.rows):
            if not src_matched[j]:
                new = [None] * len(tcols)
                for ti, si in ins[2]:
                    new[ti] = R.cast_value(srow[si], tcols[ti][1])
                out.append(new)
    cat.commit(tname, R.Frame(tcols, out))
    return R.DataFrame(R.Frame([], []), session)


def _literal(text):
    m = re.match(r"(?s)^'((?:[^'\\]|\\.)*)'$", text.strip())
    if not m:
        raise R.AnalysisException("[PARSE_SYNTAX_ERROR] a property is 'key' = 'value': %s"
                                  % text[:100])
    return re.sub(r"\\(.)", r"\1", m.group(1))


def _properties(inside):
    """'k' = 'v', ... of TBLPROPERTIES (keys and values as string literals,
    which is how pipec writes them)."""
    out = {}
    for item in _split_top(inside):
        k, eq, v = item.partition("=")
        if not eq:
            raise R.AnalysisException("[PARSE_SYNTAX_ERROR] TBLPROPERTIES item: %s" % item)
        out[_literal(k)] = _literal(v)
    return out


def _set_properties(session, name, s, open_at):
    """DOC: Spark 3.5 ALTER TABLE ... SET TBLPROPERTIES
      (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-ddl-alter-table.html#set-table-properties):
      "sets the table properties. If a particular property was already set,
      this overrides the old value with the new one"; the others stay.
      On a Hive table of the Glue catalog they are the table's Parameters
      (partition projection among them)."""
    t = session.catalog.get(name)
    if t is None:
        session.catalog.frame(name, "ALTER TABLE")
    inside, _ = _paren(s, open_at)
    t.setdefault("parameters", {}).update(_properties(inside))
    t.setdefault("alters", []).append(s)
    R._save("tables.json", session.catalog.tables)
    return R.DataFrame(R.Frame([], []), session)


def _show_properties(session, name):
    """DOC: Spark 3.5 SHOW TBLPROPERTIES
      (https://spark.apache.org/docs/3.5.0/sql-ref-syntax-aux-show-tblproperties.html):
      one row per property, columns key and value."""
    t = session.catalog.get(name)
    if t is None:
        session.catalog.frame(name, "SHOW TBLPROPERTIES")
    props = sorted((t.get("parameters") or {}).items())
    return R.DataFrame(R.Frame([("key", "string"), ("value", "string")],
                               [[k, v] for k, v in props]), session)
