"""Stand-in of pyspark.sql.readwriter (PySpark 3.5): DataFrameReader,
DataFrameWriter, DataFrameWriterV2. Every terminal call is recorded in the
trace; table-state rules follow Spark (append to a missing table fails,
create of an existing table fails, ...)."""
import _standin as S
from pyspark.errors import AnalysisException, PySparkTypeError, IllegalArgumentException
from pyspark.sql.column import Column

__all__ = ["DataFrameReader", "DataFrameWriter", "DataFrameWriterV2"]

_SAVE_MODES = {"append", "overwrite", "error", "errorifexists", "ignore", "default"}


def _optval(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return v if v is None else str(v)


# Iceberg metadata tables, read as catalog.db.table.NAME
# (https://iceberg.apache.org/docs/1.6.0/spark-queries/#inspecting-tables).
_ICEBERG_METADATA = {
    "snapshots": [("committed_at", "timestamp"), ("snapshot_id", "bigint"),
                  ("parent_id", "bigint"), ("operation", "string"),
                  ("manifest_list", "string"), ("summary", "map<string,string>")],
}


def _table_df(session, raw, api):
    from pyspark.sql.dataframe import DataFrame
    parts = S.split_name(raw)
    if len(parts) == 4 and parts[-1].lower() in _ICEBERG_METADATA:
        base = S.resolve_table(raw[:raw.rstrip().rfind(".")], api)
        if S.table_state(base) == "absent":
            raise S.table_not_found(base, api)
        return DataFrame._new(session, _ICEBERG_METADATA[parts[-1].lower()], 0, raw)
    ref = S.resolve_table(raw, api)
    if ref.key in S.STATE.temp_views and len(ref.parts) == 1:
        return S.STATE.temp_views[ref.key]
    state = S.table_state(ref)
    if state == "absent":
        raise S.table_not_found(ref, api)
    created = S.STATE.created.get(ref.key)
    if created is not None:
        cols = created.get("columns") or []
        return DataFrame._new(session, cols, created.get("rows", 0), raw, open_=not cols,
                              empty=created.get("rows", 0) == 0)
    cols = S.STATE.altered.get(ref.key) or S.schema_for(raw) or S.STATE.declared.get(ref.key)
    return DataFrame._new(session, cols or [], S.count_for(raw), raw, open_=cols is None)


class DataFrameReader:
    def __init__(self, spark):
        self._spark = spark
        self._format = None
        self._options = {}
        self._schema = None

    def format(self, source):
        S.require_type(source, str, "DataFrameReader.format", "source")
        self._format = source
        return self

    def schema(self, schema):
        from pyspark.sql.types import StructType
        S.require(isinstance(schema, (StructType, str)), "DataFrameReader.schema",
                  "[NOT_STR_OR_STRUCT] Argument `schema` should be a str or struct type",
                  PySparkTypeError)
        S.text("DataFrameReader.schema", "schema", schema)
        self._schema = schema
        return self

    def option(self, key, value):
        S.require_type(key, str, "DataFrameReader.option", "key")
        self._options[key] = _optval(value)
        return self

    def options(self, **options):
        for k, v in options.items():
            self._options[k] = _optval(v)
        return self

    def _read(self, api, paths, fmt, extra):
        from pyspark.sql.dataframe import DataFrame
        opts = dict(self._options)
        opts.update({k: _optval(v) for k, v in extra.items() if v is not None})
        fmt = fmt or self._format or "parquet"
        key = paths[0] if paths else opts.get("dbtable") or opts.get("query") or fmt
        S.event("read", api=api, format=fmt, paths=paths, options=opts)
        if S.FIRST_RUN:
            for p in paths:
                if S.table_state(S.TableRef(p)) == "absent" and p.lower() in S.ABSENT:
                    S.event("error", api=api, message="path not found", path=p)
                    raise AnalysisException("[PATH_NOT_FOUND] Path does not exist: %s." % p)
        cols = None
        if self._schema is not None:
            from pyspark.sql.types import StructType, _parse_datatype_string
            sch = self._schema
            if isinstance(sch, str):
                cols = [(p.strip().split()[0], " ".join(p.strip().split()[1:]) or "string")
                        for p in S.depth0_split(sch)]
            elif isinstance(sch, StructType):
                cols = [(f.name, f.dataType.simpleString()) for f in sch.fields]
            _ = _parse_datatype_string
        if cols is None:
            cols = S.schema_for(key)
        return DataFrame._new(self._spark, cols or [], S.count_for(key), key,
                              open_=cols is None)

    def load(self, path=None, format=None, schema=None, **options):
        if schema is not None:
            self.schema(schema)
        paths = [path] if isinstance(path, str) else list(path or [])
        return self._read("spark.read.load", paths, format, options)

    def table(self, tableName):
        S.require_type(tableName, str, "DataFrameReader.table", "tableName")
        S.event("read", api="spark.read.table", table=tableName)
        return _table_df(self._spark, tableName, "spark.read.table")

    def parquet(self, *paths, **options):
        for p in paths:
            S.require_type(p, str, "DataFrameReader.parquet", "paths")
        return self._read("spark.read.parquet", list(paths), "parquet", options)

    def orc(self, path, mergeSchema=None, pathGlobFilter=None, recursiveFileLookup=None,
            modifiedBefore=None, modifiedAfter=None):
        paths = [path] if isinstance(path, str) else list(path)
        return self._read("spark.read.orc", paths, "orc", dict(
            mergeSchema=mergeSchema, pathGlobFilter=pathGlobFilter,
            recursiveFileLookup=recursiveFileLookup))

    def csv(self, path, schema=None, sep=None, encoding=None, quote=None, escape=None,
            comment=None, header=None, inferSchema=None, ignoreLeadingWhiteSpace=None,
            ignoreTrailingWhiteSpace=None, nullValue=None, nanValue=None, positiveInf=None,
            negativeInf=None, dateFormat=None, timestampFormat=None, maxColumns=None,
            maxCharsPerColumn=None, maxMalformedLogPerPartition=None, mode=None,
            columnNameOfCorruptRecord=None, multiLine=None, charToEscapeQuoteEscaping=None,
            samplingRatio=None, enforceSchema=None, emptyValue=None, locale=None, lineSep=None,
            pathGlobFilter=None, recursiveFileLookup=None, modifiedBefore=None,
            modifiedAfter=None, unescapedQuoteHandling=None):
        if schema is not None:
            self.schema(schema)
        paths = [path] if isinstance(path, str) else list(path)
        return self._read("spark.read.csv", paths, "csv", dict(
            sep=sep, encoding=encoding, quote=quote, escape=escape, header=header,
            inferSchema=inferSchema, multiLine=multiLine, mode=mode, nullValue=nullValue,
            dateFormat=dateFormat, timestampFormat=timestampFormat, lineSep=lineSep,
            recursiveFileLookup=recursiveFileLookup, pathGlobFilter=pathGlobFilter))

    def json(self, path, schema=None, primitivesAsString=None, prefersDecimal=None,
             allowComments=None, allowUnquotedFieldNames=None, allowSingleQuotes=None,
             allowNumericLeadingZero=None, allowBackslashEscapingAnyCharacter=None, mode=None,
             columnNameOfCorruptRecord=None, dateFormat=None, timestampFormat=None,
             multiLine=None, allowUnquotedControlChars=None, lineSep=None, samplingRatio=None,
             dropFieldIfAllNull=None, encoding=None, locale=None, pathGlobFilter=None,
             recursiveFileLookup=None, modifiedBefore=None, modifiedAfter=None,
             allowNonNumericNumbers=None):
        if schema is not None:
            self.schema(schema)
        paths = [path] if isinstance(path, str) else list(path)
        return self._read("spark.read.json", paths, "json", dict(
            multiLine=multiLine, mode=mode, dateFormat=dateFormat,
            timestampFormat=timestampFormat, lineSep=lineSep, encoding=encoding,
            recursiveFileLookup=recursiveFileLookup, pathGlobFilter=pathGlobFilter))

    def jdbc(self, url, table, column=None, lowerBound=None, upperBound=None,
             numPartitions=None, predicates=None, properties=None):
        S.require_type(url, str, "DataFrameReader.jdbc", "url")
        S.require_type(table, str, "DataFrameReader.jdbc", "table")
        opts = {"url": url, "dbtable": table}
        if column is not None:
            opts.update(partitionColumn=column, lowerBound=lowerBound, upperBound=upperBound,
                        numPartitions=numPartitions)
        return self._read("spark.read.jdbc", [], "jdbc", opts)


class DataFrameWriter:
    def __init__(self, df):
        self._df = df
        self._mode = None
        self._format = None
        self._options = {}
        self._partition_by = []
        self._bucket_by = None

    def mode(self, saveMode):
        if saveMode is not None:
            S.require_type(saveMode, str, "DataFrameWriter.mode", "saveMode")
            if saveMode.lower() not in _SAVE_MODES:
                S.violation("DataFrameWriter.mode", "unknown save mode %s" % saveMode)
                raise IllegalArgumentException(
                    "Unknown save mode: %s. Accepted save modes are 'overwrite', 'append', "
                    "'ignore', 'error', 'errorifexists', 'default'." % saveMode)
        self._mode = saveMode
        return self

    def format(self, source):
        S.require_type(source, str, "DataFrameWriter.format", "source")
        self._format = source
        return self

    def option(self, key, value):
        S.require_type(key, str, "DataFrameWriter.option", "key")
        self._options[key] = _optval(value)
        return self

    def options(self, **options):
        for k, v in options.items():
            self._options[k] = _optval(v)
        return self

    def partitionBy(self, *cols):
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        for c in cols:
            S.require_type(c, str, "DataFrameWriter.partitionBy", "cols", PySparkTypeError)
            self._df._check_refs(Column._ref(c), "DataFrameWriter.partitionBy")
        self._partition_by = list(cols)
        return self

    def bucketBy(self, numBuckets, col, *cols):
        S.require_type(numBuckets, int, "DataFrameWriter.bucketBy", "numBuckets")
        self._bucket_by = [numBuckets, col] + list(cols)
        return self

    def sortBy(self, col, *cols):
        return self

    def _record(self, op, **kw):
        ev = {"op": op, "mode": self._mode, "format": self._format,
              "partitionBy": self._partition_by, "options": self._options,
              "rows": self._df._count, "columns": self._df.columns,
              "filters": self._df._filters}
        ev.update(kw)
        S.event("write", api="DataFrameWriter.%s" % op, **ev)

    def save(self, path=None, format=None, mode=None, partitionBy=None, **options):
        if mode is not None:
            self.mode(mode)
        if format is not None:
            self.format(format)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        self.options(**options)
        self._record("save", path=path)

    def saveAsTable(self, name, format=None, mode=None, partitionBy=None, **options):
        S.require_type(name, str, "DataFrameWriter.saveAsTable", "name")
        if mode is not None:
            self.mode(mode)
        if format is not None:
            self.format(format)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        self.options(**options)
        ref = S.resolve_table(name, "DataFrameWriter.saveAsTable")
        state = S.table_state(ref)
        m = (self._mode or "errorifexists").lower()
        if state != "absent" and m in ("error", "errorifexists", "default"):
            raise S.table_exists_error(ref, "DataFrameWriter.saveAsTable")
        if state == "absent" or m == "overwrite":
            S.mark_created(ref, self._df._cols, self._df._count)
        else:
            S.mark_written(ref, self._df._count)
        self._record("saveAsTable", table=name)

    def insertInto(self, tableName, overwrite=None):
        S.require_type(tableName, str, "DataFrameWriter.insertInto", "tableName")
        ref = S.resolve_table(tableName, "DataFrameWriter.insertInto")
        if S.table_state(ref) == "absent":
            raise S.table_not_found(ref, "DataFrameWriter.insertInto")
        # Spark 3.5 insertInto: "the format or options will be ignored".  A
        # script that set them believes they apply (partitionOverwriteMode
        # most of all), so that is a violation.
        ignored = dict(self._options)
        if self._format is not None:
            ignored["format"] = self._format
        if ignored:
            S.violation("DataFrameWriter.insertInto",
                        "insertInto ignores format and options (set: %s)"
                        % ", ".join(sorted(ignored)))
        overwriting = bool(overwrite) or (self._mode or "").lower() == "overwrite"
        # The overwrite mode is the session's: static (the default) deletes
        # every partition of the table, dynamic only those written.
        pom = None
        if overwriting:
            pom = S.STATE.conf.get("spark.sql.sources.partitionOverwriteMode",
                                   "static").lower()
        S.mark_written(ref, self._df._count)
        self._record("insertInto", table=tableName, overwrite=overwrite,
                     ignored_options=sorted(ignored), partition_overwrite_mode=pom)

    def parquet(self, path, mode=None, partitionBy=None, compression=None):
        S.require_type(path, str, "DataFrameWriter.parquet", "path")
        if mode is not None:
            self.mode(mode)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        if compression is not None:
            self._options["compression"] = compression
        self._format = "parquet"
        self._record("parquet", path=path)

    def orc(self, path, mode=None, partitionBy=None, compression=None):
        S.require_type(path, str, "DataFrameWriter.orc", "path")
        if mode is not None:
            self.mode(mode)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        self._format = "orc"
        self._record("orc", path=path)

    def json(self, path, mode=None, compression=None, dateFormat=None, timestampFormat=None,
             lineSep=None, encoding=None, ignoreNullFields=None):
        S.require_type(path, str, "DataFrameWriter.json", "path")
        if mode is not None:
            self.mode(mode)
        self._format = "json"
        self._record("json", path=path)

    def csv(self, path, mode=None, compression=None, sep=None, quote=None, escape=None,
            header=None, nullValue=None, escapeQuotes=None, quoteAll=None, dateFormat=None,
            timestampFormat=None, ignoreLeadingWhiteSpace=None, ignoreTrailingWhiteSpace=None,
            charToEscapeQuoteEscaping=None, encoding=None, emptyValue=None, lineSep=None):
        S.require_type(path, str, "DataFrameWriter.csv", "path")
        if mode is not None:
            self.mode(mode)
        self._format = "csv"
        self._record("csv", path=path)

    def jdbc(self, url, table, mode=None, properties=None):
        S.require_type(url, str, "DataFrameWriter.jdbc", "url")
        S.require_type(table, str, "DataFrameWriter.jdbc", "table")
        if mode is not None:
            self.mode(mode)
        self._format = "jdbc"
        self._record("jdbc", url=url, table=table)


class DataFrameWriterV2:
    def __init__(self, df, table):
        self._df = df
        self._table = table
        self._provider = None
        self._options = {}
        self._props = {}
        self._partitioned = []

    def using(self, provider):
        S.require_type(provider, str, "DataFrameWriterV2.using", "provider")
        self._provider = provider
        return self

    def option(self, key, value):
        S.require_type(key, str, "DataFrameWriterV2.option", "key")
        self._options[key] = _optval(value)
        return self

    def options(self, **options):
        for k, v in options.items():
            self._options[k] = _optval(v)
        return self

    def tableProperty(self, property, value):
        S.require_type(property, str, "DataFrameWriterV2.tableProperty", "property")
        S.require_type(value, str, "DataFrameWriterV2.tableProperty", "value")
        self._props[property] = value
        return self

    def partitionedBy(self, col, *cols):
        for c in (col,) + cols:
            if isinstance(c, str):
                c = Column._ref(c)
            S.require(isinstance(c, Column), "DataFrameWriterV2.partitionedBy",
                      "[NOT_COLUMN_OR_STR] partitionedBy takes Columns or column names",
                      PySparkTypeError)
            S.require(c._kind in (None, "transform"), "DataFrameWriterV2.partitionedBy",
                      "partitionedBy only takes columns or partition transforms "
                      "(years/months/days/hours/bucket), got %s" % c._expr, PySparkTypeError)
            self._df._check_refs(c, "DataFrameWriterV2.partitionedBy")
            self._partitioned.append(c._expr)
        return self

    def _go(self, op, condition=None):
        api = "DataFrameWriterV2.%s" % op
        ref = S.resolve_table(self._table, api)
        state = S.table_state(ref)
        S.event("writeTo", api=api, op=op, table=self._table, provider=self._provider,
                options=self._options, properties=self._props, partitionedBy=self._partitioned,
                condition=condition, rows=self._df._count, columns=self._df.columns,
                filters=self._df._filters, table_state=state)
        if op in ("append", "overwritePartitions", "overwrite", "replace") and state == "absent":
            raise S.table_not_found(ref, api)
        if op == "create" and state != "absent":
            raise S.table_exists_error(ref, api)
        if op in ("create", "replace", "createOrReplace"):
            S.mark_created(ref, self._df._cols, self._df._count)
        else:
            S.mark_written(ref, self._df._count)

    def append(self):
        self._go("append")

    def overwritePartitions(self):
        self._go("overwritePartitions")

    def overwrite(self, condition):
        S.require(isinstance(condition, Column), "DataFrameWriterV2.overwrite",
                  "[NOT_COLUMN] Argument `condition` should be a Column", PySparkTypeError)
        self._go("overwrite", condition._expr)

    def create(self):
        self._go("create")

    def replace(self):
        self._go("replace")

    def createOrReplace(self):
        self._go("createOrReplace")


S.strict(DataFrameReader)
S.strict(DataFrameWriter)
S.strict(DataFrameWriterV2)
