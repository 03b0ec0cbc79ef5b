"""Stand-in of awsglue.transforms: the GlueTransform classes used as
`X.apply(frame=..., ...)`, with aws-glue-libs' parameter names."""
import _standin as S
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection


class GlueTransform:
    @classmethod
    def apply(cls, *args, **kwargs):
        transform = cls()
        return transform(*args, **kwargs)

    @classmethod
    def name(cls):
        return cls.__name__


def _frame(frame, api):
    S.require(isinstance(frame, DynamicFrame), api, "%s: frame must be a DynamicFrame, got %s"
              % (api, type(frame).__name__))


class ApplyMapping(GlueTransform):
    def __call__(self, frame, mappings, case_sensitive=False, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        _frame(frame, "ApplyMapping")
        return frame.apply_mapping(mappings, case_sensitive, transformation_ctx, info,
                                   stageThreshold, totalThreshold)


class ResolveChoice(GlueTransform):
    def __call__(self, frame, specs=None, choice="", database=None, table_name=None,
                 transformation_ctx="", info="", stageThreshold=0, totalThreshold=0,
                 catalog_id=None):
        _frame(frame, "ResolveChoice")
        return frame.resolveChoice(specs, choice, database, table_name, transformation_ctx,
                                   info, stageThreshold, totalThreshold, catalog_id)


class DropFields(GlueTransform):
    def __call__(self, frame, paths, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        _frame(frame, "DropFields")
        return frame.drop_fields(paths, transformation_ctx, info, stageThreshold,
                                 totalThreshold)


class SelectFields(GlueTransform):
    def __call__(self, frame, paths, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        _frame(frame, "SelectFields")
        return frame.select_fields(paths, transformation_ctx, info, stageThreshold,
                                   totalThreshold)


class RenameField(GlueTransform):
    def __call__(self, frame, old_name, new_name, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        _frame(frame, "RenameField")
        return frame.rename_field(old_name, new_name, transformation_ctx, info, stageThreshold,
                                  totalThreshold)


class DropNullFields(GlueTransform):
    def __call__(self, frame, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        _frame(frame, "DropNullFields")
        S.event("transform", api="DropNullFields", transformation_ctx=transformation_ctx)
        return frame._wrap(frame._df._derive())


class Filter(GlueTransform):
    def __call__(self, frame, f, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        _frame(frame, "Filter")
        return frame.filter(f, transformation_ctx, info, stageThreshold, totalThreshold)


class Map(GlueTransform):
    def __call__(self, frame, f, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        _frame(frame, "Map")
        return frame.map(f, False, transformation_ctx, info, stageThreshold, totalThreshold)


class Join(GlueTransform):
    def __call__(self, frame1, frame2, keys1, keys2, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        _frame(frame1, "Join")
        _frame(frame2, "Join")
        return frame1.join(keys1, keys2, frame2, transformation_ctx, info, stageThreshold,
                           totalThreshold)


class SelectFromCollection(GlueTransform):
    def __call__(self, dfc, key, transformation_ctx=""):
        S.require(isinstance(dfc, DynamicFrameCollection), "SelectFromCollection",
                  "dfc must be a DynamicFrameCollection, got %s" % type(dfc).__name__)
        return dfc.select(key, transformation_ctx)


ALL_TRANSFORMS = {ApplyMapping, ResolveChoice, DropFields, SelectFields, RenameField,
                  DropNullFields, Filter, Map, Join, SelectFromCollection}
__all__ = sorted(t.__name__ for t in ALL_TRANSFORMS)

for _t in ALL_TRANSFORMS | {GlueTransform}:
    S.strict(_t)
