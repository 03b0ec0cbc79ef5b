"""Stand-in of awsglue.context.GlueContext (aws-glue-libs, Glue 5.x).

Every read and write is recorded with its connection_type, options, format,
format_options and transformation_ctx. Option checks are those Glue enforces
at run time (or silently gets wrong): S3 `paths` must be a list, `exclusions`
a JSON string, xml needs rowTag and cannot be written, Redshift needs a temp
dir, pre/postactions may not contain newlines. Unknown format_options keys are
refused (stricter than Glue, which ignores them)."""
import json
import datetime
import re

import _standin as S
from pyspark.context import SparkContext
from pyspark.sql.context import SQLContext
from pyspark.sql.dataframe import DataFrame
from pyspark.sql.session import SparkSession
from awsglue.dynamicframe import (DynamicFrame, DynamicFrameCollection, DynamicFrameReader,
                                  DynamicFrameWriter)

__all__ = ["GlueContext"]

_JDBC = {"postgresql", "mysql", "sqlserver", "oracle", "redshift", "jdbc"}
_CONNECTION_TYPES = _JDBC | {"s3", "dynamodb", "snowflake", "bigquery", "marketplace.jdbc",
                             "custom.jdbc", "marketplace.spark", "custom.spark", "documentdb",
                             "mongodb", "opensearch", "kafka", "kinesis", "iceberg", "hudi",
                             "delta", "parquet", "orc"}
_READ_FORMATS = {"csv", "json", "parquet", "orc", "avro", "xml", "ion", "grokLog", "hudi",
                 "delta", "iceberg"}
_WRITE_FORMATS = {"csv", "json", "parquet", "glueparquet", "orc", "avro", "ion", "hudi",
                  "delta", "iceberg"}
_FORMAT_OPTIONS = {
    "csv": {"separator", "escaper", "quoteChar", "multiLine", "withHeader", "writeHeader",
            "skipFirst", "optimizePerformance", "strictCheckingOfColumnCount"},
    "json": {"jsonPath", "multiLine", "optimizePerformance", "withSchema"},
    "xml": {"rowTag", "encoding", "excludeAttribute", "treatEmptyValuesAsNulls",
            "attributePrefix", "valueTag", "ignoreSurroundingSpaces", "withSchema"},
    "parquet": {"useGlueParquetWriter", "compression", "blockSize", "pageSize"},
    "glueparquet": {"compression", "blockSize", "pageSize"},
    "orc": set(), "avro": {"version"}, "ion": set(),
    "grokLog": {"logFormat", "customPatterns", "MISSING", "MalformedLog"},
}


def _check_common(api, connection_type, connection_options, format, format_options,
                  transformation_ctx):
    S.require_type(connection_type, str, api, "connection_type")
    S.require_type(connection_options, dict, api, "connection_options")
    S.require_type(format, str, api, "format", allow_none=True)
    S.require_type(format_options, dict, api, "format_options")
    S.require_type(transformation_ctx, str, api, "transformation_ctx")
    S.require(connection_type.lower() in _CONNECTION_TYPES, api,
              "unknown connection_type %r" % connection_type, ValueError)
    if format is not None:
        allowed = _FORMAT_OPTIONS.get(format)
        if allowed is not None:
            unknown = sorted(set(format_options) - allowed)
            S.require(not unknown, api, "unknown format_options for %s: %s (Glue would ignore "
                      "them silently)" % (format, ", ".join(unknown)), ValueError)


def _s3_paths(api, opts, key):
    paths = opts.get(key)
    S.require(isinstance(paths, list) and paths and all(isinstance(p, str) for p in paths),
              api, "connection_options['%s'] must be a non-empty list of str, got %r"
              % (key, paths))
    for p in paths:
        S.require(p.startswith(("s3://", "s3a://", "s3n://")), api,
                  "S3 path must start with s3://: %r" % p, ValueError)
    return paths


def _no_newlines(api, opts):
    for k in ("preactions", "postactions"):
        if k in opts:
            S.require_type(opts[k], str, api, k)
            S.require("\n" not in opts[k] and "\r" not in opts[k], api,
                      "%s must not contain newlines (Redshift connector splits on ';')" % k,
                      ValueError)


def _source_key(connection_type, opts):
    ct = connection_type.lower()
    if ct == "s3":
        p = opts.get("paths") or []
        return p[0] if p else "s3"
    for k in ("dbtable", "dynamodb.input.tableName", "dynamodb.tableArn", "table", "query",
              "sampleQuery"):
        if opts.get(k):
            v = opts[k]
            if k == "dynamodb.tableArn":
                v = v.rsplit("/", 1)[-1]
            return v
    return ct


class GlueLogger:
    def __init__(self):
        pass

    def info(self, message):
        S.event("log", level="info", message=str(message))

    def warn(self, message):
        S.event("log", level="warn", message=str(message))

    def error(self, message):
        S.event("log", level="error", message=str(message))


_NO_ROWS = object()


def _one_value_query(ct, opts):
    """The one-row queries a job runs on its Redshift target (does it
    exist, its newest watermark) as (column, type, value): COUNT(*) is 1,
    MAX()/MIN() the STANDIN_WATERMARK value, typed by its form. The live
    columns (information_schema.columns, schema evolution) are no rows:
    this stand-in knows no Redshift table's columns, so the job adds none
    (the row-level stand-in models the lookup and the ALTER TABLE)."""
    if ct != "redshift" or not opts.get("sampleQuery"):
        return None
    q = opts["sampleQuery"].strip()
    if re.match(r"(?is)^SELECT\s+column_name\s+FROM\s+information_schema\.columns\s+WHERE\s", q):
        return ("column_name", "string", _NO_ROWS)
    m = re.match(r"(?is)^SELECT\s+COUNT\(\*\)(?:\s+AS\s+(\w+))?\s+FROM\s", q)
    if m:
        return (m.group(1) or "count", "bigint", 1)
    m = re.match(r"(?is)^SELECT\s+(?:MAX|MIN)\(.+?\)(?:\s+AS\s+(\w+))?\s+FROM\s", q)
    if m:
        v = S.watermark_value(None)
        typ = ("timestamp" if isinstance(v, datetime.datetime) else
               "date" if isinstance(v, datetime.date) else
               "bigint" if isinstance(v, int) else "string")
        return (m.group(1) or "max", typ, v)
    return None


class GlueContext(SQLContext):
    Spark_SQL_Formats = {"parquet", "orc"}

    def __init__(self, sparkContext, **options):
        S.require(isinstance(sparkContext, SparkContext), "GlueContext",
                  "GlueContext(sparkContext) needs a SparkContext, got %s"
                  % type(sparkContext).__name__)
        for k in options:
            S.require(k in ("minPartitions", "targetPartitions"), "GlueContext",
                      "GlueContext() got an unexpected keyword argument '%s'" % k)
        self._sc = sparkContext
        self.spark_session = SparkSession(sparkContext)
        self._sqlcontext_session = self.spark_session
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.create_data_frame = GlueDataFrameReader(self)
        self.write_dynamic_frame = DynamicFrameWriter(self)
        self.write_data_frame = GlueDataFrameWriter(self)
        self._glue_logger = GlueLogger()
        S.event("glueContext")

    def get_logger(self):
        return self._glue_logger

    # ------------------------------------------------------------ reads
    def _read(self, api, connection_type, connection_options, format, format_options,
              transformation_ctx, push_down_predicate, kwargs):
        _check_common(api, connection_type, connection_options, format, format_options,
                      transformation_ctx)
        S.require_type(push_down_predicate, str, api, "push_down_predicate")
        S.require(not kwargs, api, "%s() got an unexpected keyword argument '%s'"
                  % (api, next(iter(kwargs), "")), TypeError)
        ct = connection_type.lower()
        opts = connection_options
        if ct == "s3":
            _s3_paths(api, opts, "paths")
            S.require(format is not None, api, "S3 sources need a format", ValueError)
            S.require(format in _READ_FORMATS, api, "format %r cannot be read (%s)"
                      % (format, ", ".join(sorted(_READ_FORMATS))), ValueError)
            if "exclusions" in opts:
                ex = opts["exclusions"]
                S.require(isinstance(ex, str), api, "exclusions must be a string holding a "
                          "JSON list of globs, got %s" % type(ex).__name__)
                try:
                    S.require(isinstance(json.loads(ex), list), api,
                              "exclusions must hold a JSON list", ValueError)
                except ValueError:
                    S.violation(api, "exclusions is not valid JSON: %r" % ex)
                    raise
            if format == "xml":
                S.require("rowTag" in format_options, api, "xml needs format_options rowTag",
                          ValueError)
        elif ct in _JDBC:
            has_conn = opts.get("useConnectionProperties") in ("true", True) and \
                opts.get("connectionName")
            S.require(has_conn or opts.get("url") or opts.get("connectionName"), api,
                      "JDBC source needs url or connectionName(+useConnectionProperties)",
                      ValueError)
            S.require(opts.get("dbtable") or opts.get("query") or opts.get("sampleQuery"), api,
                      "JDBC source needs dbtable, query or sampleQuery", ValueError)
            if ct == "redshift":
                S.require(opts.get("redshiftTmpDir") or opts.get("tempdir"), api,
                          "Redshift source needs redshiftTmpDir", ValueError)
            if opts.get("enablePartitioningForSampleQuery") in ("true", True):
                sq = (opts.get("sampleQuery") or "").rstrip().upper()
                S.require(sq.endswith(" AND") or sq.endswith(" WHERE"), api,
                          "sampleQuery must end with AND or WHERE when "
                          "enablePartitioningForSampleQuery is true", ValueError)
            if "hashpartitions" in opts:
                S.require(str(opts["hashpartitions"]).isdigit(), api,
                          "hashpartitions must be a number", ValueError)
        elif ct == "dynamodb":
            S.require(opts.get("dynamodb.input.tableName") or opts.get("dynamodb.tableArn"),
                      api, "DynamoDB source needs dynamodb.input.tableName or "
                      "dynamodb.tableArn", ValueError)
            S.require(not (str(opts.get("dynamodb.unnestDDBJson")).lower() == "true" and
                           str(opts.get("dynamodb.simplifyDDBJson")).lower() == "true"), api,
                      "unnestDDBJson and simplifyDDBJson cannot both be true", ValueError)
        elif ct in ("snowflake", "bigquery"):
            S.require(opts.get("connectionName"), api, "%s needs connectionName" % ct,
                      ValueError)
        if ct == "bigquery":
            # The spark-bigquery connector: every read is billed to
            # parentProject; a query runs only with viewsEnabled and is
            # materialized into materializationDataset before it is read.
            S.require(opts.get("parentProject"), api,
                      "bigquery read needs parentProject", ValueError)
            if opts.get("sourceType") == "query":
                S.require(str(opts.get("viewsEnabled", "")).lower() == "true", api,
                          "bigquery query needs viewsEnabled=true", ValueError)
                S.require(opts.get("materializationDataset"), api,
                          "bigquery query needs materializationDataset", ValueError)
        key = _source_key(ct, opts)
        one = _one_value_query(ct, opts)
        if one is not None:
            S.event("read", api=api, connection_type=connection_type,
                    connection_options=opts, format=format, format_options=format_options,
                    transformation_ctx=transformation_ctx,
                    push_down_predicate=push_down_predicate,
                    job_initialized=S.STATE.job_initialized, source=key)
            name, typ, value = one
            if value is _NO_ROWS:
                return DataFrame._new(self.spark_session, [(name, typ)], 0, key, rows=[])
            return DataFrame._new(self.spark_session, [(name, typ)], 1, key,
                                  rows=[{name: value}])
        S.event("read", api=api, connection_type=connection_type, connection_options=opts,
                format=format, format_options=format_options,
                transformation_ctx=transformation_ctx, push_down_predicate=push_down_predicate,
                job_initialized=S.STATE.job_initialized, source=key)
        cols = S.schema_for(key)
        return DataFrame._new(self.spark_session, cols or [], S.count_for(key), key,
                              open_=cols is None)

    def _read_catalog(self, api, database, table_name, redshift_tmp_dir, transformation_ctx,
                      push_down_predicate, additional_options, catalog_id, kwargs):
        if database is not None and "name_space" in kwargs:
            raise Exception("Parameter name_space and database are both specified, choose one.")
        if database is None and "name_space" not in kwargs:
            raise Exception("Parameter name_space or database is missing.")
        db = kwargs.pop("name_space", database)
        S.require(not kwargs, api, "%s() got an unexpected keyword argument '%s'"
                  % (api, next(iter(kwargs), "")), TypeError)
        if table_name is None:
            raise Exception("Parameter table_name is missing.")
        S.require_type(db, str, api, "database")
        S.require_type(table_name, str, api, "table_name")
        S.require_type(redshift_tmp_dir, str, api, "redshift_tmp_dir")
        S.require_type(transformation_ctx, str, api, "transformation_ctx")
        S.require_type(push_down_predicate, str, api, "push_down_predicate")
        S.require_type(additional_options, dict, api, "additional_options")
        key = "%s.%s" % (db, table_name)
        S.event("read", api=api, database=db, table_name=table_name,
                transformation_ctx=transformation_ctx, push_down_predicate=push_down_predicate,
                additional_options=additional_options, catalog_id=catalog_id,
                redshift_tmp_dir=redshift_tmp_dir, job_initialized=S.STATE.job_initialized,
                source=key)
        ref = S.TableRef(key)
        if S.table_state(ref) == "absent":
            raise S.table_not_found(ref, api)
        cols = S.schema_for(key)
        return DataFrame._new(self.spark_session, cols or [], S.count_for(key), key,
                              open_=cols is None)

    def create_dynamic_frame_from_options(self, connection_type, connection_options={},
                                          format=None, format_options={}, transformation_ctx="",
                                          push_down_predicate="", **kwargs):
        df = self._read("create_dynamic_frame.from_options", connection_type,
                        connection_options, format, format_options, transformation_ctx,
                        push_down_predicate, kwargs)
        return DynamicFrame(df, self, transformation_ctx)

    def create_dynamic_frame_from_catalog(self, database=None, table_name=None,
                                          redshift_tmp_dir="", transformation_ctx="",
                                          push_down_predicate="", additional_options={},
                                          catalog_id=None, **kwargs):
        df = self._read_catalog("create_dynamic_frame.from_catalog", database, table_name,
                                redshift_tmp_dir, transformation_ctx, push_down_predicate,
                                additional_options, catalog_id, dict(kwargs))
        return DynamicFrame(df, self, table_name)

    def create_data_frame_from_catalog(self, database=None, table_name=None, redshift_tmp_dir="",
                                       transformation_ctx="", push_down_predicate="",
                                       additional_options={}, catalog_id=None, **kwargs):
        return self._read_catalog("create_data_frame.from_catalog", database, table_name,
                                  redshift_tmp_dir, transformation_ctx, push_down_predicate,
                                  additional_options, catalog_id, dict(kwargs))

    def create_data_frame_from_options(self, connection_type, connection_options={},
                                       format=None, format_options={}, transformation_ctx="",
                                       push_down_predicate="", **kwargs):
        return self._read("create_data_frame.from_options", connection_type,
                          connection_options, format, format_options, transformation_ctx,
                          push_down_predicate, kwargs)

    # ------------------------------------------------------------ writes
    def write_dynamic_frame_from_options(self, frame, connection_type, connection_options={},
                                         format=None, format_options={}, transformation_ctx=""):
        return self.write_from_options(frame, connection_type, connection_options, format,
                                       format_options, transformation_ctx)

    def write_from_options(self, frame_or_dfc, connection_type, connection_options={},
                           format={}, format_options={}, transformation_ctx="", **kwargs):
        api = "write_dynamic_frame.from_options"
        if not isinstance(frame_or_dfc, (DynamicFrame, DynamicFrameCollection)):
            S.violation(api, "frame_or_dfc must be DynamicFrame or DynamicFrameCollection. "
                        "Got " + str(type(frame_or_dfc)))
            raise TypeError("frame_or_dfc must be DynamicFrame orDynamicFrameCollection. Got "
                            + str(type(frame_or_dfc)))
        if format == {}:
            format = None
        _check_common(api, connection_type, connection_options, format, format_options,
                      transformation_ctx)
        for k in kwargs:
            S.require(k == "accumulator_size", api,
                      "write_from_options() got an unexpected keyword argument '%s'" % k)
        ct = connection_type.lower()
        opts = connection_options
        if ct == "s3":
            S.require(isinstance(opts.get("path"), str) and opts["path"].startswith("s3://"),
                      api, "S3 sink needs connection_options['path'] = 's3://...'", ValueError)
            if "partitionKeys" in opts:
                S.require(isinstance(opts["partitionKeys"], list), api,
                          "partitionKeys must be a list")
            S.require(format in _WRITE_FORMATS, api, "format %r cannot be written (%s)"
                      % (format, ", ".join(sorted(_WRITE_FORMATS))), ValueError)
        elif ct in _JDBC:
            S.require(opts.get("dbtable"), api, "JDBC sink needs dbtable", ValueError)
            S.require(opts.get("url") or opts.get("connectionName"), api,
                      "JDBC sink needs url or connectionName", ValueError)
            if ct == "redshift":
                S.require(opts.get("redshiftTmpDir"), api, "Redshift sink needs redshiftTmpDir",
                          ValueError)
            _no_newlines(api, opts)
        frame = frame_or_dfc if isinstance(frame_or_dfc, DynamicFrame) else None
        S.event("write", api=api, connection_type=connection_type, connection_options=opts,
                format=format, format_options=format_options,
                transformation_ctx=transformation_ctx,
                rows=frame._df._count if frame else None,
                columns=frame._df.columns if frame else None,
                filters=frame._df._filters if frame else None)
        return frame_or_dfc

    def write_dynamic_frame_from_catalog(self, frame, database=None, table_name=None,
                                         redshift_tmp_dir="", transformation_ctx="",
                                         additional_options={}, catalog_id=None, **kwargs):
        api = "write_dynamic_frame.from_catalog"
        if database is not None and "name_space" in kwargs:
            raise Exception("Parameter name_space and database are both specified, choose one.")
        if database is None and "name_space" not in kwargs:
            raise Exception("Parameter name_space or database is missing.")
        db = kwargs.pop("name_space", database)
        S.require(not kwargs, api, "unexpected keyword argument '%s'" % next(iter(kwargs), ""))
        if table_name is None:
            raise Exception("Parameter table_name is missing.")
        S.require(isinstance(frame, DynamicFrame), api, "frame must be a DynamicFrame, got %s"
                  % type(frame).__name__)
        S.require_type(additional_options, dict, api, "additional_options")
        S.require_type(transformation_ctx, str, api, "transformation_ctx")
        S.event("write", api=api, database=db, table_name=table_name,
                additional_options=additional_options, transformation_ctx=transformation_ctx,
                redshift_tmp_dir=redshift_tmp_dir, catalog_id=catalog_id,
                rows=frame._df._count, columns=frame._df.columns, filters=frame._df._filters)
        return frame

    def write_dynamic_frame_from_jdbc_conf(self, frame, catalog_connection,
                                           connection_options={}, redshift_tmp_dir="",
                                           transformation_ctx="", catalog_id=None):
        self.write_from_jdbc_conf(frame, catalog_connection, connection_options,
                                  redshift_tmp_dir, transformation_ctx, catalog_id)

    def write_from_jdbc_conf(self, frame_or_dfc, catalog_connection, connection_options={},
                             redshift_tmp_dir="", transformation_ctx="", catalog_id=None):
        api = "write_dynamic_frame.from_jdbc_conf"
        if not isinstance(frame_or_dfc, (DynamicFrame, DynamicFrameCollection)):
            S.violation(api, "frame_or_dfc must be DynamicFrame or DynamicFrameCollection")
            raise TypeError("frame_or_dfc must be DynamicFrame orDynamicFrameCollection. Got "
                            + str(type(frame_or_dfc)))
        S.require_type(catalog_connection, str, api, "catalog_connection")
        S.require_type(connection_options, dict, api, "connection_options")
        S.require_type(redshift_tmp_dir, str, api, "redshift_tmp_dir")
        S.require_type(transformation_ctx, str, api, "transformation_ctx")
        S.require(connection_options.get("dbtable"), api, "from_jdbc_conf needs dbtable",
                  ValueError)
        _no_newlines(api, connection_options)
        frame = frame_or_dfc if isinstance(frame_or_dfc, DynamicFrame) else None
        S.event("write", api=api, catalog_connection=catalog_connection,
                connection_options=connection_options, redshift_tmp_dir=redshift_tmp_dir,
                transformation_ctx=transformation_ctx, catalog_id=catalog_id,
                rows=frame._df._count if frame else None,
                columns=frame._df.columns if frame else None,
                filters=frame._df._filters if frame else None)
        return frame_or_dfc

    # ------------------------------------------------------------ misc
    def extract_jdbc_conf(self, connection_name, catalog_id=None):
        S.require_type(connection_name, str, "extract_jdbc_conf", "connection_name")
        S.event("extract_jdbc_conf", connection_name=connection_name)
        return {"user": "standin", "password": "standin", "vendor": "postgresql",
                "url": "jdbc:postgresql://standin.invalid:5432", "fullUrl":
                "jdbc:postgresql://standin.invalid:5432/db"}

    def purge_table(self, database, table_name, options={}, transformation_ctx="",
                    catalog_id=None):
        S.require_type(options, dict, "purge_table", "options")
        S.event("purge", api="purge_table", database=database, table_name=table_name,
                options=options)

    def purge_s3_path(self, s3_path, options={}, transformation_ctx=""):
        S.require(isinstance(s3_path, str) and s3_path.startswith("s3://"), "purge_s3_path",
                  "s3_path must be an s3:// URL", ValueError)
        S.require_type(options, dict, "purge_s3_path", "options")
        S.event("purge", api="purge_s3_path", path=s3_path, options=options)

    def get_catalog_schema_as_spark_schema(self, database=None, table_name=None,
                                           catalog_id=None):
        return DataFrame._new(self.spark_session, S.schema_for("%s.%s" % (database, table_name))
                              or [], 0, "schema").schema


class GlueDataFrameReader:
    """glueContext.create_data_frame (awsglue.dataframereader.DataFrameReader)."""

    def __init__(self, glue_context):
        self._glue_context = glue_context

    def from_catalog(self, database=None, table_name=None, redshift_tmp_dir="",
                     transformation_ctx="", push_down_predicate="", additional_options={},
                     catalog_id=None, **kwargs):
        return self._glue_context.create_data_frame_from_catalog(
            database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate,
            additional_options, catalog_id, **kwargs)

    def from_options(self, connection_type, connection_options={}, format=None,
                     format_options={}, transformation_ctx="", push_down_predicate="",
                     **kwargs):
        return self._glue_context.create_data_frame_from_options(
            connection_type, connection_options, format, format_options, transformation_ctx,
            push_down_predicate, **kwargs)


class GlueDataFrameWriter:
    """glueContext.write_data_frame (awsglue.dataframewriter.DataFrameWriter)."""

    def __init__(self, glue_context):
        self._glue_context = glue_context

    def from_catalog(self, frame, database=None, table_name=None, redshift_tmp_dir="",
                     transformation_ctx="", additional_options={}, catalog_id=None, **kwargs):
        api = "write_data_frame.from_catalog"
        S.require(isinstance(frame, DataFrame), api, "frame must be a DataFrame, got %s"
                  % type(frame).__name__)
        S.require(not kwargs, api, "unexpected keyword argument '%s'" % next(iter(kwargs), ""))
        S.require_type(database, str, api, "database")
        S.require_type(table_name, str, api, "table_name")
        S.require_type(additional_options, dict, api, "additional_options")
        S.event("write", api=api, database=database, table_name=table_name,
                additional_options=additional_options, transformation_ctx=transformation_ctx,
                rows=frame._count, columns=frame.columns, filters=frame._filters)


for _c in (GlueContext, GlueLogger, GlueDataFrameReader, GlueDataFrameWriter):
    S.strict(_c)
_ = re
