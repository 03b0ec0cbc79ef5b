"""Stand-in of pyspark.sql.catalog.Catalog (PySpark 3.5)."""
import _standin as S
from pyspark.errors import PySparkTypeError

__all__ = ["Catalog"]


class Catalog:
    def __init__(self, sparkSession):
        self._session = sparkSession
        self._db = "default"
        self._cat = "spark_catalog"

    def tableExists(self, tableName, dbName=None):
        S.require_type(tableName, str, "Catalog.tableExists", "tableName", PySparkTypeError)
        name = tableName if dbName is None else "%s.%s" % (dbName, tableName)
        parts = S.split_name(name)
        if len(parts) == 1 and parts[0].lower() in S.STATE.temp_views:
            res = True
        else:
            ref = S.resolve_table(name, "Catalog.tableExists")
            res = S.table_state(ref) != "absent"
        S.event("catalog.tableExists", table=name, result=res)
        return res

    def databaseExists(self, dbName):
        S.require_type(dbName, str, "Catalog.databaseExists", "dbName", PySparkTypeError)
        return True

    def currentDatabase(self):
        return self._db

    def setCurrentDatabase(self, dbName):
        self._db = dbName

    def currentCatalog(self):
        return self._cat

    def setCurrentCatalog(self, catalogName):
        self._cat = catalogName

    def listTables(self, dbName=None, pattern=None):
        return []

    def listDatabases(self, pattern=None):
        return []

    def refreshTable(self, tableName):
        S.event("catalog.refreshTable", table=tableName)

    def dropTempView(self, viewName):
        return S.STATE.temp_views.pop(viewName.lower(), None) is not None

    def cacheTable(self, tableName, storageLevel=None):
        pass

    def uncacheTable(self, tableName):
        pass

    def clearCache(self):
        pass

    def isCached(self, tableName):
        return False


S.strict(Catalog)
