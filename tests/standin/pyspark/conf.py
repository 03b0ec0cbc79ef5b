"""Stand-in of pyspark.SparkConf (PySpark 3.5). Settings made before the
SparkContext exists reach the session (the documented alternative to --conf);
after that they are recorded and have no effect, as in Spark."""
import _standin as S

__all__ = ["SparkConf"]


class SparkConf:
    def __init__(self, loadDefaults=True, _jvm=None, _jconf=None):
        self._items = {}

    def set(self, key, value):
        S.require_type(key, str, "SparkConf.set", "key")
        self._items[key] = "true" if value is True else "false" if value is False \
            else str(value)
        S.event("sparkconf.set", key=key, value=value,
                after_session=S.STATE.session_started)
        return self

    def setIfMissing(self, key, value):
        if key not in self._items:
            self.set(key, value)
        return self

    def setAll(self, pairs):
        for k, v in pairs:
            self.set(k, v)
        return self

    def setAppName(self, value):
        return self.set("spark.app.name", value)

    def setMaster(self, value):
        return self.set("spark.master", value)

    def get(self, key, defaultValue=None):
        return self._items.get(key, S.STATE.conf.get(key, defaultValue))

    def getAll(self):
        merged = dict(S.STATE.conf)
        merged.update(self._items)
        return sorted(merged.items())

    def contains(self, key):
        return key in self._items or key in S.STATE.conf

    def toDebugString(self):
        return "\n".join("%s=%s" % kv for kv in self.getAll())


S.strict(SparkConf)
