"""Stand-in of pyspark.SparkContext (PySpark 3.5). One active context, as in
Spark: a second SparkContext() raises."""
import _standin as S
from pyspark.conf import SparkConf

__all__ = ["SparkContext"]


class SparkContext:
    _active_spark_context = None

    def __init__(self, master=None, appName=None, sparkHome=None, pyFiles=None,
                 environment=None, batchSize=0, serializer=None, conf=None, gateway=None,
                 jsc=None, profiler_cls=None, udf_profiler_cls=None, memory_profiler_cls=None):
        if SparkContext._active_spark_context is not None:
            S.violation("SparkContext", "a second SparkContext was created")
            raise ValueError("Cannot run multiple SparkContexts at once; existing "
                             "SparkContext(app=glue, master=jes) created by __init__")
        if conf is not None:
            S.require_type(conf, SparkConf, "SparkContext", "conf")
        self._conf = conf
        self.appName = appName or "glue"
        self.master = master or "jes"
        SparkContext._active_spark_context = self
        S.event("sparkContext", conf=dict(conf._items) if conf else {})

    @classmethod
    def getOrCreate(cls, conf=None):
        if cls._active_spark_context is None:
            SparkContext(conf=conf)
        return cls._active_spark_context

    @property
    def applicationId(self):
        return "spark-application-standin"

    @property
    def defaultParallelism(self):
        return 8

    @property
    def version(self):
        return "3.5.6-amzn-0"

    def getConf(self):
        c = SparkConf()
        c._items.update(S.STATE.conf)
        return c

    def setLogLevel(self, logLevel):
        S.require(str(logLevel).upper() in ("ALL", "DEBUG", "ERROR", "FATAL", "INFO", "OFF",
                                            "TRACE", "WARN"), "SparkContext.setLogLevel",
                  "invalid log level %s" % logLevel, ValueError)

    def setCheckpointDir(self, dirName):
        pass

    def addPyFile(self, path):
        pass

    def broadcast(self, value):
        return value

    def stop(self):
        S.event("sparkContext.stop")


S.strict(SparkContext)
