"""Stand-in of awsglue.dynamicframe (aws-glue-libs, Glue 5.x): DynamicFrame,
DynamicFrameCollection, DynamicFrameReader/Writer. A DynamicFrame wraps a
stand-in DataFrame; reads/writes go through awsglue.context, which records
them."""
import _standin as S
from pyspark.errors import AnalysisException
from pyspark.sql.dataframe import DataFrame

__all__ = ["DynamicFrame", "DynamicFrameCollection", "DynamicFrameReader",
           "DynamicFrameWriter", "ResolveOption"]

_GLUE_TYPES = {"array", "struct", "map", "choice", "null", "decimal", "string", "int", "long",
               "bigint", "double", "float", "boolean", "timestamp", "date", "short", "byte",
               "binary", "smallint", "tinyint", "integer"}


def _glue_type(t, api):
    from pyspark.sql.types import _parse_datatype_string
    S.require_type(t, str, api, "mapping type")
    if t.lower() in _GLUE_TYPES:
        return t.lower()
    try:
        return _parse_datatype_string(t).simpleString()
    except Exception as e:
        S.violation(api, "invalid type %r in mapping: %s" % (t, e))
        raise


class ResolveOption:
    def __init__(self, path, action, target=None):
        self.path = path
        self.action = action
        self.target = target


def _common(api, transformation_ctx, info, stageThreshold, totalThreshold):
    S.require_type(transformation_ctx, str, api, "transformation_ctx")
    S.require_type(info, str, api, "info")
    S.require_type(stageThreshold, int, api, "stageThreshold")
    S.require_type(totalThreshold, int, api, "totalThreshold")


class DynamicFrame:
    def __init__(self, jdf, glue_ctx, name=""):
        from awsglue.context import GlueContext
        S.require(isinstance(jdf, DataFrame), "DynamicFrame",
                  "DynamicFrame(jdf, ...) takes a Java DynamicFrame; use DynamicFrame.fromDF")
        S.require_type(glue_ctx, GlueContext, "DynamicFrame", "glue_ctx")
        self._df = jdf
        self.glue_ctx = glue_ctx
        self.name = name

    def _standin_repr(self):
        return "DynamicFrame(%s)" % self._df._standin_repr()

    def _wrap(self, df, name=None):
        return DynamicFrame(df, self.glue_ctx, self.name if name is None else name)

    @classmethod
    def fromDF(cls, dataframe, glue_ctx, name):
        from awsglue.context import GlueContext
        S.require(isinstance(dataframe, DataFrame), "DynamicFrame.fromDF",
                  "fromDF: dataframe must be a pyspark.sql.DataFrame, got %s"
                  % type(dataframe).__name__)
        S.require_type(glue_ctx, GlueContext, "DynamicFrame.fromDF", "glue_ctx")
        S.require_type(name, str, "DynamicFrame.fromDF", "name")
        return DynamicFrame(dataframe, glue_ctx, name)

    def toDF(self, options=None):
        if options is not None:
            S.require_type(options, list, "DynamicFrame.toDF", "options")
        return self._df

    def count(self):
        return self._df.count()

    def schema(self):
        return self._df.schema

    def printSchema(self):
        print(self._df.schema.treeString())

    def show(self, num_rows=20):
        self._df.show(num_rows)

    def getNumPartitions(self):
        return 8

    def errorsCount(self):
        return 0

    def stageErrorsCount(self):
        return 0

    def assertErrorThreshold(self):
        return None

    def apply_mapping(self, mappings, case_sensitive=False, transformation_ctx="", info="",
                      stageThreshold=0, totalThreshold=0):
        api = "DynamicFrame.apply_mapping"
        _common(api, transformation_ctx, info, stageThreshold, totalThreshold)
        if isinstance(mappings, tuple):
            mappings = [mappings]
        S.require_type(mappings, list, api, "mappings")
        cols = []
        known = {n.lower(): n for n, _ in self._df._cols}
        for m in mappings:
            S.require(isinstance(m, tuple) and len(m) == 4 and all(isinstance(x, str) for x in m),
                      api, "each mapping must be a (source, source_type, target, target_type) "
                      "tuple of str, got %r" % (m,))
            src, st, tgt, tt = m
            _glue_type(st, api)
            tt = _glue_type(tt, api)
            top = src.split(".")[0].strip("`")
            if not self._df._open and (top if case_sensitive else top.lower()) not in (
                    {n for n, _ in self._df._cols} if case_sensitive else known):
                S.event("warning", api=api, message="mapping source field not in frame "
                        "(Glue drops it silently)", field=src)
                continue
            cols.append((tgt, tt))
        S.event("transform", api=api, mappings=[list(m) for m in mappings],
                transformation_ctx=transformation_ctx)
        df = self._df._derive(cols=cols, open_=False)
        return self._wrap(df)

    def applyMapping(self, *args, **kwargs):
        return self.apply_mapping(*(args[1:]), **kwargs)

    def resolveChoice(self, specs=None, choice="", database=None, table_name=None,
                      transformation_ctx="", info="", stageThreshold=0, totalThreshold=0,
                      catalog_id=None):
        api = "DynamicFrame.resolveChoice"
        _common(api, transformation_ctx, info, stageThreshold, totalThreshold)
        if specs is not None:
            S.require_type(specs, list, api, "specs")
            for sp in specs:
                S.require(isinstance(sp, tuple) and len(sp) == 2, api,
                          "specs must be a list of (path, action) tuples")
        if choice:
            S.require(choice in ("cast", "make_cols", "make_struct", "project", "match_catalog")
                      or choice.startswith(("cast:", "project:")), api,
                      "unknown choice %r" % choice, ValueError)
            if choice == "match_catalog":
                S.require(database is not None and table_name is not None, api,
                          "match_catalog needs database and table_name", ValueError)
        S.event("transform", api=api, specs=specs, choice=choice,
                transformation_ctx=transformation_ctx)
        cols = list(self._df._cols)
        for path, action in (specs or []):
            if action.startswith("cast:"):
                cols = [(n, action[5:] if n == path else t) for n, t in cols]
        return self._wrap(self._df._derive(cols=cols))

    def drop_fields(self, paths, transformation_ctx="", info="", stageThreshold=0,
                    totalThreshold=0):
        api = "DynamicFrame.drop_fields"
        _common(api, transformation_ctx, info, stageThreshold, totalThreshold)
        if isinstance(paths, str):
            paths = [paths]
        S.require_type(paths, list, api, "paths")
        return self._wrap(self._df.drop(*paths))

    def select_fields(self, paths, transformation_ctx="", info="", stageThreshold=0,
                      totalThreshold=0):
        api = "DynamicFrame.select_fields"
        _common(api, transformation_ctx, info, stageThreshold, totalThreshold)
        if isinstance(paths, str):
            paths = [paths]
        S.require_type(paths, list, api, "paths")
        keep = {p.lower() for p in paths}
        cols = [(n, t) for n, t in self._df._cols if n.lower() in keep]
        if self._df._open:
            cols += [(p, "string") for p in paths if p.lower() not in
                     {n.lower() for n, _ in cols}]
        return self._wrap(self._df._derive(cols=cols, open_=False))

    def rename_field(self, oldName, newName, transformation_ctx="", info="", stageThreshold=0,
                     totalThreshold=0):
        api = "DynamicFrame.rename_field"
        _common(api, transformation_ctx, info, stageThreshold, totalThreshold)
        S.require_type(oldName, str, api, "oldName")
        S.require_type(newName, str, api, "newName")
        return self._wrap(self._df.withColumnRenamed(oldName.strip("`"), newName.strip("`")))

    def filter(self, f, transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
        api = "DynamicFrame.filter"
        _common(api, transformation_ctx, info, stageThreshold, totalThreshold)
        S.require(callable(f), api, "f must be a function of a DynamicRecord")
        S.event("filter", api=api, expr="<python function %s>" % getattr(f, "__name__", "?"),
                refs=[])
        return self._wrap(self._df._derive())

    def map(self, f, preservesPartitioning=False, transformation_ctx="", info="",
            stageThreshold=0, totalThreshold=0):
        api = "DynamicFrame.map"
        _common(api, transformation_ctx, info, stageThreshold, totalThreshold)
        S.require(callable(f), api, "f must be callable")
        return self._wrap(self._df._derive())

    def join(self, paths1, paths2, frame2, transformation_ctx="", info="", stageThreshold=0,
             totalThreshold=0):
        api = "DynamicFrame.join"
        _common(api, transformation_ctx, info, stageThreshold, totalThreshold)
        S.require_type(frame2, DynamicFrame, api, "frame2")
        return self._wrap(self._df.join(frame2._df), self.name + frame2.name)

    def unnest(self, transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
        _common("DynamicFrame.unnest", transformation_ctx, info, stageThreshold, totalThreshold)
        return self._wrap(self._df._derive())

    def union(self, other_frame, transformation_ctx="", info="", stageThreshold=0,
              totalThreshold=0):
        S.require_type(other_frame, DynamicFrame, "DynamicFrame.union", "other_frame")
        return self._wrap(self._df._derive(count=self._df._count + other_frame._df._count))

    def repartition(self, num_partitions, transformation_ctx="", info="", stageThreshold=0,
                    totalThreshold=0):
        S.require_type(num_partitions, int, "DynamicFrame.repartition", "num_partitions")
        return self._wrap(self._df._derive())

    def coalesce(self, num_partitions, shuffle=False, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        S.require_type(num_partitions, int, "DynamicFrame.coalesce", "num_partitions")
        return self._wrap(self._df._derive())

    def mergeDynamicFrame(self, stage_dynamic_frame, primary_keys, transformation_ctx="",
                          options={}, info="", stageThreshold=0, totalThreshold=0):
        S.require_type(stage_dynamic_frame, DynamicFrame, "DynamicFrame.mergeDynamicFrame",
                       "stage_dynamic_frame")
        S.require_type(primary_keys, list, "DynamicFrame.mergeDynamicFrame", "primary_keys")
        return self._wrap(self._df._derive())

    def write(self, connection_type, connection_options={}, format=None, format_options={},
              accumulator_size=0):
        return self.glue_ctx.write_from_options(
            frame_or_dfc=self, connection_type=connection_type,
            connection_options=connection_options, format=format,
            format_options=format_options, accumulator_size=accumulator_size)


class DynamicFrameCollection:
    def __init__(self, dynamic_frames, glue_ctx):
        S.require_type(dynamic_frames, dict, "DynamicFrameCollection", "dynamic_frames")
        self._df_dict = dynamic_frames
        self._glue_ctx = glue_ctx

    def __getitem__(self, key):
        return self._df_dict[key]

    def __len__(self):
        return len(self._df_dict)

    def keys(self):
        return self._df_dict.keys()

    def values(self):
        return self._df_dict.values()

    def select(self, key, transformation_ctx=""):
        S.require_type(transformation_ctx, str, "DynamicFrameCollection.select",
                       "transformation_ctx")
        if key not in self._df_dict:
            S.violation("DynamicFrameCollection.select", "no frame named %r (have %s)"
                        % (key, sorted(self._df_dict)))
            raise KeyError(key)
        return self._df_dict[key]

    def map(self, callable, transformation_ctx=""):
        return DynamicFrameCollection({k: callable(v, transformation_ctx + k)
                                       for k, v in self._df_dict.items()}, self._glue_ctx)


class DynamicFrameReader:
    def __init__(self, glue_context):
        self._glue_context = glue_context

    def from_options(self, connection_type, connection_options={}, format=None,
                     format_options={}, transformation_ctx="", push_down_predicate="",
                     **kwargs):
        return self._glue_context.create_dynamic_frame_from_options(
            connection_type, connection_options, format, format_options, transformation_ctx,
            push_down_predicate, **kwargs)

    def from_catalog(self, database=None, table_name=None, redshift_tmp_dir="",
                     transformation_ctx="", push_down_predicate="", additional_options={},
                     catalog_id=None, **kwargs):
        return self._glue_context.create_dynamic_frame_from_catalog(
            database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate,
            additional_options, catalog_id, **kwargs)


class DynamicFrameWriter:
    def __init__(self, glue_context):
        self._glue_context = glue_context

    def from_options(self, frame, connection_type, connection_options={}, format=None,
                     format_options={}, transformation_ctx=""):
        return self._glue_context.write_dynamic_frame_from_options(
            frame, connection_type, connection_options, format, format_options,
            transformation_ctx)

    def from_catalog(self, frame, database=None, table_name=None, redshift_tmp_dir="",
                     transformation_ctx="", additional_options={}, catalog_id=None, **kwargs):
        return self._glue_context.write_dynamic_frame_from_catalog(
            frame, database, table_name, redshift_tmp_dir, transformation_ctx,
            additional_options, catalog_id, **kwargs)

    def from_jdbc_conf(self, frame, catalog_connection, connection_options={},
                       redshift_tmp_dir="", transformation_ctx="", catalog_id=None):
        return self._glue_context.write_dynamic_frame_from_jdbc_conf(
            frame, catalog_connection, connection_options, redshift_tmp_dir,
            transformation_ctx, catalog_id)


for _c in (DynamicFrame, DynamicFrameCollection, DynamicFrameReader, DynamicFrameWriter,
           ResolveOption):
    S.strict(_c)
_ = AnalysisException
