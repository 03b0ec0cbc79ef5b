"""Stand-in of pyspark.sql.conf.RuntimeConfig (PySpark 3.5).

set() of a static SQL config raises like Spark 3.5
("Cannot modify the value of a static config: ..."); set() of a Spark core
config raises [CANNOT_MODIFY_CONFIG]. Stricter than Spark on one point, on
purpose: spark.sql.catalog.* is treated as static (Glue jobs must configure
catalogs in the job's --conf; pipec never sets them in the script)."""
import re

import _standin as S
from pyspark.errors import AnalysisException, PySparkTypeError

__all__ = ["RuntimeConfig"]

STATIC_SQL_CONFS = {
    "spark.sql.extensions", "spark.sql.warehouse.dir", "spark.sql.catalogImplementation",
    "spark.sql.globalTempDatabase", "spark.sql.queryExecutionListeners",
    "spark.sql.streaming.streamingQueryListeners", "spark.sql.ui.retainedExecutions",
    "spark.sql.broadcastExchange.maxThreadThreshold", "spark.sql.subquery.maxThreadThreshold",
    "spark.sql.event.truncate.length", "spark.sql.cache.serializer",
    "spark.sql.sources.schemaStringLengthThreshold",
    "spark.sql.filesourceTableRelationCacheSize", "spark.sql.codegen.cache.maxEntries",
    "spark.sql.codegen.comments", "spark.sql.debug", "spark.sql.hive.thriftServer.singleSession",
    "spark.sql.legacy.sessionInitWithConfigDefaults",
    "spark.sql.defaultUrlStreamHandlerFactory.enabled", "spark.sql.streaming.ui.enabled",
    "spark.sql.streaming.ui.retainedProgressUpdates", "spark.sql.streaming.ui.retainedQueries",
    "spark.sql.metadataCacheTTLSeconds", "spark.sql.hive.metastore.version",
    "spark.sql.hive.metastore.jars", "spark.sql.hive.metastore.sharedPrefixes",
    "spark.sql.hive.metastore.barrierPrefixes",
}
_CORE = re.compile(r"^spark\.(executor|driver|dynamicAllocation|submit|kryo|eventLog|jars|"
                   r"files|archives|master|app\.name|serializer|task\.cpus|default\.parallelism|"
                   r"network\.timeout|yarn|memory|shuffle\.service)")
_DEFAULTS = {
    "spark.sql.sources.partitionOverwriteMode": "STATIC",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "200",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.caseSensitive": "false",
}


class _NoValueType:
    def __repr__(self):
        return "<no value>"


_NoValue = _NoValueType()


def check_settable(key, api):
    """Raises the AnalysisException Spark raises for a non-runtime config."""
    if key in STATIC_SQL_CONFS or key.startswith("spark.sql.catalog."):
        S.violation(api, "static config %s set at runtime" % key)
        raise AnalysisException(
            "Cannot modify the value of a static config: %s." % key)
    if _CORE.match(key):
        S.violation(api, "Spark core config %s set at runtime" % key)
        raise AnalysisException(
            "[CANNOT_MODIFY_CONFIG] Cannot modify the value of the Spark config: \"%s\"." % key)


class RuntimeConfig:
    def __init__(self, jconf=None):
        pass

    def set(self, key, value):
        S.require_type(key, str, "RuntimeConfig.set", "key", PySparkTypeError)
        S.require(isinstance(value, (str, int, bool)), "RuntimeConfig.set",
                  "[NOT_BOOL_OR_INT_OR_STR] Argument `value` should be a bool, int or str, got "
                  "%s." % type(value).__name__, PySparkTypeError)
        S.event("conf.set", key=key, value=value)
        check_settable(key, "RuntimeConfig.set")
        if isinstance(value, bool):
            value = "true" if value else "false"
        S.STATE.conf[key] = str(value)

    def get(self, key, default=_NoValue):
        S.require_type(key, str, "RuntimeConfig.get", "key", PySparkTypeError)
        if key in S.STATE.conf:
            return S.STATE.conf[key]
        if default is not _NoValue:
            return default
        if key in _DEFAULTS:
            return _DEFAULTS[key]
        from py4j.protocol import Py4JJavaError
        raise Py4JJavaError("java.util.NoSuchElementException: %s" % key)

    def unset(self, key):
        check_settable(key, "RuntimeConfig.unset")
        S.STATE.conf.pop(key, None)

    def isModifiable(self, key):
        return not (key in STATIC_SQL_CONFS or key.startswith("spark.sql.catalog.") or
                    _CORE.match(key))


S.strict(RuntimeConfig)
