"""Stand-in of pyspark.sql.SQLContext (PySpark 3.5; GlueContext's base)."""
import _standin as S
from pyspark.sql.conf import _NoValue

__all__ = ["SQLContext", "HiveContext"]


class SQLContext:
    def __init__(self, sparkContext, sparkSession=None, jsqlContext=None):
        from pyspark.context import SparkContext
        from pyspark.sql.session import SparkSession
        S.require_type(sparkContext, SparkContext, "SQLContext", "sparkContext")
        self._sc = sparkContext
        self._sqlcontext_session = sparkSession or SparkSession.builder.getOrCreate()

    @property
    def sparkSession(self):
        return self._sqlcontext_session

    @property
    def read(self):
        return self._sqlcontext_session.read

    def sql(self, sqlQuery):
        return self._sqlcontext_session.sql(sqlQuery)

    def table(self, tableName):
        return self._sqlcontext_session.table(tableName)

    def createDataFrame(self, data, schema=None, samplingRatio=None, verifySchema=True):
        return self._sqlcontext_session.createDataFrame(data, schema, samplingRatio,
                                                        verifySchema)

    def setConf(self, key, value):
        self._sqlcontext_session.conf.set(key, value)

    def getConf(self, key, defaultValue=_NoValue):
        return self._sqlcontext_session.conf.get(key, defaultValue)

    def registerDataFrameAsTable(self, df, tableName):
        df.createOrReplaceTempView(tableName)


class HiveContext(SQLContext):
    pass


S.strict(SQLContext)
