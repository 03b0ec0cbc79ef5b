"""Stand-in of pyspark.sql.types (PySpark 3.5): every Spark SQL type, with the
real constructor parameters, simpleString()/typeName()/json(), equality, and a
parser for DDL type strings (used by Column.cast and CREATE TABLE)."""
import json
import re

import _standin as S
from pyspark.errors import ParseException, PySparkTypeError

__all__ = [
    "DataType", "NullType", "CharType", "StringType", "VarcharType", "BinaryType",
    "BooleanType", "DateType", "TimestampType", "TimestampNTZType", "DecimalType",
    "DoubleType", "FloatType", "ByteType", "IntegerType", "LongType",
    "DayTimeIntervalType", "YearMonthIntervalType", "Row", "ShortType", "ArrayType",
    "MapType", "StructField", "StructType",
]


class DataType:
    def __repr__(self):
        return self.__class__.__name__ + "()"

    def __hash__(self):
        return hash(str(self))

    def __eq__(self, other):
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __ne__(self, other):
        return not self.__eq__(other)

    @classmethod
    def typeName(cls):
        return cls.__name__[:-4].lower()

    def simpleString(self):
        return self.typeName()

    def jsonValue(self):
        return self.typeName()

    def json(self):
        return json.dumps(self.jsonValue(), separators=(",", ":"), sort_keys=True)

    def needConversion(self):
        return False

    def toInternal(self, obj):
        return obj

    def fromInternal(self, obj):
        return obj


class DataTypeSingleton(type):
    _instances = {}

    def __call__(cls):
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__()
        return cls._instances[cls]


class NullType(DataType, metaclass=DataTypeSingleton):
    @classmethod
    def typeName(cls):
        return "void"


class AtomicType(DataType):
    pass


class NumericType(AtomicType):
    pass


class IntegralType(NumericType, metaclass=DataTypeSingleton):
    pass


class FractionalType(NumericType):
    pass


class StringType(AtomicType, metaclass=DataTypeSingleton):
    pass


class CharType(AtomicType):
    def __init__(self, length):
        self.length = length

    def simpleString(self):
        return "char(%d)" % self.length

    def jsonValue(self):
        return "char(%d)" % self.length

    def __repr__(self):
        return "CharType(%d)" % self.length


class VarcharType(AtomicType):
    def __init__(self, length):
        self.length = length

    def simpleString(self):
        return "varchar(%d)" % self.length

    def jsonValue(self):
        return "varchar(%d)" % self.length

    def __repr__(self):
        return "VarcharType(%d)" % self.length


class BinaryType(AtomicType, metaclass=DataTypeSingleton):
    pass


class BooleanType(AtomicType, metaclass=DataTypeSingleton):
    pass


class DateType(AtomicType, metaclass=DataTypeSingleton):
    pass


class TimestampType(AtomicType, metaclass=DataTypeSingleton):
    pass


class TimestampNTZType(AtomicType, metaclass=DataTypeSingleton):
    @classmethod
    def typeName(cls):
        return "timestamp_ntz"


class DecimalType(FractionalType):
    def __init__(self, precision=10, scale=0):
        if not isinstance(precision, int) or not isinstance(scale, int):
            raise PySparkTypeError("DecimalType precision and scale must be int")
        if not 1 <= precision <= 38 or not 0 <= scale <= precision:
            raise ValueError("[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] decimal(%d,%d) "
                             "is not valid (precision 1..38, scale 0..precision)"
                             % (precision, scale))
        self.precision = precision
        self.scale = scale
        self.hasPrecisionInfo = True

    def simpleString(self):
        return "decimal(%d,%d)" % (self.precision, self.scale)

    def jsonValue(self):
        return "decimal(%d,%d)" % (self.precision, self.scale)

    def __repr__(self):
        return "DecimalType(%d,%d)" % (self.precision, self.scale)


class DoubleType(FractionalType, metaclass=DataTypeSingleton):
    pass


class FloatType(FractionalType, metaclass=DataTypeSingleton):
    pass


class ByteType(IntegralType):
    def simpleString(self):
        return "tinyint"


class IntegerType(IntegralType):
    def simpleString(self):
        return "int"


class LongType(IntegralType):
    def simpleString(self):
        return "bigint"


class ShortType(IntegralType):
    def simpleString(self):
        return "smallint"


class DayTimeIntervalType(AtomicType):
    DAY, HOUR, MINUTE, SECOND = 0, 1, 2, 3
    _names = {0: "day", 1: "hour", 2: "minute", 3: "second"}

    def __init__(self, startField=None, endField=None):
        self.startField = 0 if startField is None else startField
        self.endField = 3 if endField is None else endField

    def simpleString(self):
        s, e = self._names[self.startField], self._names[self.endField]
        return "interval %s" % s if s == e else "interval %s to %s" % (s, e)

    jsonValue = simpleString


class YearMonthIntervalType(AtomicType):
    YEAR, MONTH = 0, 1
    _names = {0: "year", 1: "month"}

    def __init__(self, startField=None, endField=None):
        self.startField = 0 if startField is None else startField
        self.endField = 1 if endField is None else endField

    def simpleString(self):
        s, e = self._names[self.startField], self._names[self.endField]
        return "interval %s" % s if s == e else "interval %s to %s" % (s, e)

    jsonValue = simpleString


class ArrayType(DataType):
    def __init__(self, elementType, containsNull=True):
        if not isinstance(elementType, DataType):
            raise PySparkTypeError("elementType %r should be an instance of DataType"
                                   % (elementType,))
        self.elementType = elementType
        self.containsNull = containsNull

    def simpleString(self):
        return "array<%s>" % self.elementType.simpleString()

    def __repr__(self):
        return "ArrayType(%r, %s)" % (self.elementType, self.containsNull)

    def jsonValue(self):
        return {"type": "array", "elementType": self.elementType.jsonValue(),
                "containsNull": self.containsNull}


class MapType(DataType):
    def __init__(self, keyType, valueType, valueContainsNull=True):
        if not isinstance(keyType, DataType) or not isinstance(valueType, DataType):
            raise PySparkTypeError("keyType and valueType should be instances of DataType")
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self):
        return "map<%s,%s>" % (self.keyType.simpleString(), self.valueType.simpleString())

    def __repr__(self):
        return "MapType(%r, %r, %s)" % (self.keyType, self.valueType, self.valueContainsNull)

    def jsonValue(self):
        return {"type": "map", "keyType": self.keyType.jsonValue(),
                "valueType": self.valueType.jsonValue(),
                "valueContainsNull": self.valueContainsNull}


class StructField(DataType):
    def __init__(self, name, dataType, nullable=True, metadata=None):
        if not isinstance(dataType, DataType):
            raise PySparkTypeError("dataType %r should be an instance of DataType" % (dataType,))
        if not isinstance(name, str):
            raise PySparkTypeError("field name %r should be a string" % (name,))
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
        self.metadata = metadata or {}

    def simpleString(self):
        return "%s:%s" % (self.name, self.dataType.simpleString())

    def __repr__(self):
        return "StructField('%s', %r, %s)" % (self.name, self.dataType, self.nullable)

    def jsonValue(self):
        return {"name": self.name, "type": self.dataType.jsonValue(),
                "nullable": self.nullable, "metadata": self.metadata}


class StructType(DataType):
    def __init__(self, fields=None):
        self.fields = list(fields or [])
        for f in self.fields:
            if not isinstance(f, StructField):
                raise PySparkTypeError("fields should be a list of StructField")
        self.names = [f.name for f in self.fields]

    def add(self, field, data_type=None, nullable=True, metadata=None):
        if isinstance(field, StructField):
            self.fields.append(field)
        else:
            if isinstance(data_type, str):
                S.text("StructType.add", "type", data_type)
                data_type = _parse_datatype_string(data_type)
            self.fields.append(StructField(field, data_type, nullable, metadata))
        self.names = [f.name for f in self.fields]
        return self

    def __iter__(self):
        return iter(self.fields)

    def __len__(self):
        return len(self.fields)

    def __getitem__(self, key):
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise KeyError("No StructField named {0}".format(key))
        if isinstance(key, int):
            return self.fields[key]
        if isinstance(key, slice):
            return StructType(self.fields[key])
        raise PySparkTypeError("StructType keys should be strings, integers or slices")

    def fieldNames(self):
        return list(self.names)

    def simpleString(self):
        return "struct<%s>" % ",".join(f.simpleString() for f in self.fields)

    def __repr__(self):
        return "StructType([%s])" % ", ".join(repr(f) for f in self.fields)

    def jsonValue(self):
        return {"type": "struct", "fields": [f.jsonValue() for f in self.fields]}

    def treeString(self, level=None):
        return "root\n" + "".join(" |-- %s: %s (nullable = %s)\n" % (
            f.name, f.dataType.simpleString(), str(f.nullable).lower()) for f in self.fields)


from pyspark.sql.row import Row  # noqa: E402


# ---------------------------------------------------------------- DDL types

_SIMPLE = {
    "boolean": BooleanType, "tinyint": ByteType, "byte": ByteType,
    "smallint": ShortType, "short": ShortType, "int": IntegerType,
    "integer": IntegerType, "bigint": LongType, "long": LongType,
    "float": FloatType, "real": FloatType, "double": DoubleType,
    "date": DateType, "timestamp": TimestampType, "timestamp_ltz": TimestampType,
    "timestamp_ntz": TimestampNTZType, "string": StringType, "binary": BinaryType,
    "void": NullType, "null": NullType,
}


class _TypeParser:
    def __init__(self, text):
        self.text = text
        # DOC: Spark SQL identifiers, https://spark.apache.org/docs/3.5.4/sql-ref-identifier.html :
        #   a delimited identifier is enclosed in backticks, "any character
        #   from the character set. Use ` to escape special characters (e.g., `)";
        #   a field name that is not an identifier must be delimited.
        self.toks = re.findall(r"`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_]*|\d+|[<>(),:]|\S", text)
        self.i = 0

    def fail(self, why):
        raise ParseException(
            "[PARSE_SYNTAX_ERROR] Syntax error in data type '%s': %s" % (self.text, why))

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expect=None):
        t = self.peek()
        if t is None or (expect is not None and t.lower() != expect):
            self.fail("expected %s, got %s" % (expect or "a token", t or "end of input"))
        self.i += 1
        return t

    def parse(self):
        t = self.type_()
        if self.peek() is not None:
            self.fail("unexpected '%s'" % self.peek())
        return t

    def type_(self):
        name = self.take().lower()
        if name in _SIMPLE:
            return _SIMPLE[name]()
        if name in ("decimal", "dec", "numeric"):
            if self.peek() == "(":
                self.take("(")
                p = int(self.take())
                s = 0
                if self.peek() == ",":
                    self.take(",")
                    s = int(self.take())
                self.take(")")
                try:
                    return DecimalType(p, s)
                except ValueError as e:
                    self.fail(str(e))
            return DecimalType(10, 0)
        if name in ("char", "character", "varchar"):
            self.take("(")
            n = self.take()
            if not n.isdigit():
                self.fail("length must be a number")
            self.take(")")
            return VarcharType(int(n)) if name == "varchar" else CharType(int(n))
        if name == "array":
            self.take("<")
            e = self.type_()
            self.take(">")
            return ArrayType(e)
        if name == "map":
            self.take("<")
            k = self.type_()
            self.take(",")
            v = self.type_()
            self.take(">")
            return MapType(k, v)
        if name == "struct":
            self.take("<")
            fields = []
            while self.peek() != ">":
                fname = self.take()
                if fname.startswith("`"):
                    fname = fname[1:-1].replace("``", "`")
                elif not re.match(r"[A-Za-z_][A-Za-z0-9_]*$", fname):
                    self.fail("field name %r must be back-quoted" % fname)
                if self.peek() == ":":
                    self.take(":")
                fields.append(StructField(fname, self.type_()))
                if self.peek() == ",":
                    self.take(",")
                elif self.peek() != ">":
                    self.fail("expected , or >")
            self.take(">")
            return StructType(fields)
        if name == "interval":
            return DayTimeIntervalType()
        self.fail("unsupported data type '%s'" % name)


def _parse_datatype_string(s):
    """Parses a Spark DDL type string ("decimal(10,2)", "array<string>", ...)."""
    if not isinstance(s, str):
        raise PySparkTypeError("type string must be str")
    return _TypeParser(s.strip()).parse()


def _parse_datatype_json_string(json_string):
    return _parse_json_value(json.loads(json_string))


def _parse_json_value(v):
    if isinstance(v, str):
        return _parse_datatype_string(v)
    t = v.get("type")
    if t == "array":
        return ArrayType(_parse_json_value(v["elementType"]), v.get("containsNull", True))
    if t == "map":
        return MapType(_parse_json_value(v["keyType"]), _parse_json_value(v["valueType"]),
                       v.get("valueContainsNull", True))
    if t == "struct":
        return StructType([StructField(f["name"], _parse_json_value(f["type"]),
                                       f.get("nullable", True), f.get("metadata"))
                           for f in v["fields"]])
    raise ValueError("could not parse datatype: %r" % (v,))
