"""pyspark.sql.types of the row-level stand-in.

The stand-in holds a type as a string ("bigint", "string", ...) or a tuple
(("decimal", p, s), ("array", T), ("map", K, V), ("struct", [(name, T)]));
these classes are what a script sees through DataFrame.schema, with the
names, attributes and simpleString() of the PySpark API.

DOC: PySpark 3.5 data types,
  https://spark.apache.org/docs/3.5.0/api/python/reference/pyspark.sql/data_types.html
  -- StructType(fields) with .fields and .names, StructField(name, dataType,
  nullable), ArrayType(elementType), MapType(keyType, valueType); a type's
  simpleString() is its DDL spelling without quotes: "struct<a:int,b:string>",
  "array<bigint>", "map<string,int>", "decimal(10,2)", "void" for NULL.
"""


class DataType:
    _name = None

    def simpleString(self):
        return self._name

    def typeName(self):
        return self._name

    def internal(self):
        return self._name

    def __eq__(self, other):
        return isinstance(other, DataType) and self.internal() == other.internal()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(repr(self.internal()))

    def __repr__(self):
        return "%s()" % type(self).__name__


def _atomic(cls_name, name):
    return type(cls_name, (DataType,), {"_name": name})


StringType = _atomic("StringType", "string")
BinaryType = _atomic("BinaryType", "binary")
BooleanType = _atomic("BooleanType", "boolean")
DateType = _atomic("DateType", "date")
TimestampType = _atomic("TimestampType", "timestamp")
ByteType = _atomic("ByteType", "tinyint")
ShortType = _atomic("ShortType", "smallint")
IntegerType = _atomic("IntegerType", "int")
LongType = _atomic("LongType", "bigint")
FloatType = _atomic("FloatType", "float")
DoubleType = _atomic("DoubleType", "double")
NullType = _atomic("NullType", "void")
NullType.internal = lambda self: "null"

_ATOMIC = {c._name: c for c in (StringType, BinaryType, BooleanType, DateType, TimestampType,
                                 ByteType, ShortType, IntegerType, LongType, FloatType,
                                 DoubleType)}
_ATOMIC["null"] = NullType


class DecimalType(DataType):
    def __init__(self, precision=10, scale=0):
        self.precision, self.scale = precision, scale

    def simpleString(self):
        return "decimal(%d,%d)" % (self.precision, self.scale)

    def internal(self):
        return ("decimal", self.precision, self.scale)


class ArrayType(DataType):
    def __init__(self, elementType, containsNull=True):
        self.elementType, self.containsNull = elementType, containsNull

    def simpleString(self):
        return "array<%s>" % self.elementType.simpleString()

    def internal(self):
        return ("array", self.elementType.internal())


class MapType(DataType):
    def __init__(self, keyType, valueType, valueContainsNull=True):
        self.keyType, self.valueType = keyType, valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self):
        return "map<%s,%s>" % (self.keyType.simpleString(), self.valueType.simpleString())

    def internal(self):
        return ("map", self.keyType.internal(), self.valueType.internal())


class StructField:
    def __init__(self, name, dataType, nullable=True, metadata=None):
        self.name, self.dataType, self.nullable = name, dataType, nullable

    def simpleString(self):
        return "%s:%s" % (self.name, self.dataType.simpleString())

    def __repr__(self):
        return "StructField(%r, %r, %r)" % (self.name, self.dataType, self.nullable)


class StructType(DataType):
    def __init__(self, fields=None):
        self.fields = list(fields or [])

    @property
    def names(self):
        return [f.name for f in self.fields]

    def fieldNames(self):
        return self.names

    def __iter__(self):
        return iter(self.fields)

    def __len__(self):
        return len(self.fields)

    def __getitem__(self, key):
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise KeyError("No StructField named %s" % key)
        return self.fields[key]

    def simpleString(self):
        return "struct<%s>" % ",".join(f.simpleString() for f in self.fields)

    def internal(self):
        return ("struct", [(f.name, f.dataType.internal()) for f in self.fields])


def from_internal(t):
    """The PySpark type object of a stand-in type."""
    if isinstance(t, str):
        return _ATOMIC.get(t, StringType)()
    if t[0] == "decimal":
        return DecimalType(t[1], t[2])
    if t[0] == "array":
        return ArrayType(from_internal(t[1]))
    if t[0] == "map":
        return MapType(from_internal(t[1]), from_internal(t[2]))
    return StructType([StructField(n, from_internal(x)) for n, x in t[1]])


__all__ = ["DataType", "StringType", "BinaryType", "BooleanType", "DateType", "TimestampType",
           "ByteType", "ShortType", "IntegerType", "LongType", "FloatType", "DoubleType",
           "NullType", "DecimalType", "ArrayType", "MapType", "StructField", "StructType"]
