"""Parquet objects on S3 for the row-level stand-in, and boto3's S3 client.

A Parquet object is a value of s3.json that is a JSON object
{"parquet": {"columns": [[name, type], ...], "rows": [[value, ...], ...]}}
(values as in tables.json). DataFrameWriter.parquet writes them; a Parquet
table of tables.json with a "location" reads, besides its "rows" (what
insertInto wrote), the rows of the Parquet objects under its location:
directly under it when the table is unpartitioned, else under a partition
directory the catalog knows ("registered", written by ALTER TABLE ...
RECOVER PARTITIONS), with the partition values taken from the directory
names. So what a job wrote twice shows twice.

boto3.client("s3") is modelled for exactly the calls pipec's scripts make:
get_paginator("list_objects_v2").paginate, get_object, put_object,
copy_object, delete_object and exceptions.NoSuchKey; anything else raises
AttributeError. STANDIN_FAIL=s3-call-N makes the Nth changing call of the
run (put, copy, delete; counted from 1) raise before it changes anything:
a run that dies in the middle of its S3 steps.

This module imports _rows lazily, so tests/tools/run_rows.py can use
table_object_rows without a state directory set.
"""
import json
import os
import re

# DOC: Spark's partition directories are "name=value" with the value
#   escaped by ExternalCatalogUtils.escapePathName (control characters,
#   '"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', DEL, '{', '[', ']',
#   '^' as %XX) and a NULL or empty value written as
#   __HIVE_DEFAULT_PARTITION__ (Spark SQL "Partition Discovery",
#   https://spark.apache.org/docs/3.5.0/sql-data-sources-parquet.html#partition-discovery,
#   and Hive's hive.exec.default.partition.name).
HIVE_DEFAULT = "__HIVE_DEFAULT_PARTITION__"
_ESCAPE = {chr(c) for c in range(1, 32)} | set("\"#%'*/:=?\\\x7f{[]^")


def escape_path_name(s):
    return "".join("%%%02X" % ord(c) if c in _ESCAPE else c for c in s)


def unescape_path_name(s):
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), s)


def is_parquet(content):
    return isinstance(content, dict) and "parquet" in content


def hidden(name):
    # DOC: Hadoop's FileInputFormat and Spark's file index skip names
    #   starting with "_" or "." (hidden files: _SUCCESS, .crc), Spark
    #   "Generic File Source Options" / InMemoryFileIndex.shouldFilterOut.
    return name.startswith(("_", "."))


def _pvalue(text, typ):
    if text == HIVE_DEFAULT:
        return None
    v = unescape_path_name(text)
    if typ in ("tinyint", "smallint", "int", "bigint"):
        return int(v)
    if typ in ("float", "double"):
        return float(v)
    if typ == "boolean":
        return v.lower() == "true"
    return v


def partition_dir(d, parts, cols):
    """The partition values of directory d (relative to the table's
    location), or None when d is not a partition directory of the table."""
    segs = d.split("/") if d else []
    if len(segs) != len(parts):
        return None
    types = {n.lower(): t for n, t in cols}
    out = {}
    for seg, p in zip(segs, parts):
        name, eq, val = seg.partition("=")
        if not eq or name.lower() != p.lower():
            return None
        out[p.lower()] = _pvalue(val, types.get(p.lower()))
    return out


def table_object_rows(table, objects):
    """The rows (dicts, JSON values) of the Parquet objects a Parquet table
    of tables.json reads from objects (s3.json)."""
    loc = table.get("location")
    if not loc or table.get("format") != "parquet":
        return []
    loc = loc.rstrip("/") + "/"
    cols = table["columns"]
    parts = [p.strip().strip("`") for p in table.get("partitions") or []]
    registered = set(table.get("registered") or [])
    out = []
    for key in sorted(objects):
        if not key.startswith(loc):
            continue
        rest = key[len(loc):]
        if any(hidden(seg) for seg in rest.split("/")):
            continue
        d, _, _ = rest.rpartition("/")
        if parts:
            # DOC: a Hive table reads the locations of the partitions its
            #   catalog lists (Spark SQL "Hive Tables"; Athena "Partitioning
            #   data": "data in a partition ... not added to the catalog is
            #   not read").
            if d not in registered:
                continue
            vals = partition_dir(d, parts, cols)
        elif d:
            # ASSUMPTION: an unpartitioned Hive table reads the files
            #   directly under its location (Hive's default,
            #   mapreduce.input.fileinputformat.input.dir.recursive=false).
            continue
        else:
            vals = {}
        content = objects[key]
        if not is_parquet(content):
            raise RuntimeError("standin rows: %s, under the location of a Parquet table, "
                               "is not a Parquet object" % key)
        names = [n.lower() for n, _ in content["parquet"]["columns"]]
        for r in content["parquet"]["rows"]:
            row = dict(zip(names, r))
            row.update(vals)
            out.append({n: row.get(n.lower()) for n, _ in cols})
    return out


def recover_partitions(table, objects):
    """ALTER TABLE t RECOVER PARTITIONS: every partition directory under
    the table's location that holds a visible object is registered."""
    loc = table.get("location")
    parts = [p.strip().strip("`") for p in table.get("partitions") or []]
    if not loc or not parts:
        raise RuntimeError("standin rows: RECOVER PARTITIONS needs a partitioned table "
                           "with a location")
    loc = loc.rstrip("/") + "/"
    reg = set(table.get("registered") or [])
    for key in objects:
        if not key.startswith(loc):
            continue
        rest = key[len(loc):]
        if any(hidden(seg) for seg in rest.split("/")):
            continue
        d = rest.rpartition("/")[0]
        if partition_dir(d, parts, table["columns"]) is not None:
            reg.add(d)
    table["registered"] = sorted(reg)


# ---------------------------------------------------------------- boto3

class NoSuchKey(Exception):
    """botocore's S3.Client.exceptions.NoSuchKey."""


class _Exceptions:
    NoSuchKey = NoSuchKey


class _Body:
    def __init__(self, data):
        self._data = data

    def read(self):
        return self._data


_CALLS = {"n": 0}


class _Paginator:
    def __init__(self, client):
        self._c = client

    def paginate(self, Bucket, Prefix=""):
        # DOC: S3 ListObjectsV2 returns at most 1,000 keys per page, "in
        #   ascending order of the respective key names" (UTF-8 binary
        #   order), and no Contents when nothing matches
        #   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
        import _rows as R
        base = "s3://%s/" % Bucket
        keys = sorted((k[len(base):] for k in R._load("s3.json", {})
                       if k.startswith(base + Prefix)), key=lambda k: k.encode())
        if not keys:
            yield {"KeyCount": 0}
        for i in range(0, len(keys), 1000):
            chunk = keys[i:i + 1000]
            yield {"KeyCount": len(chunk), "Contents": [{"Key": k} for k in chunk]}


class S3Client:
    exceptions = _Exceptions

    @staticmethod
    def _change():
        import _rows as R
        _CALLS["n"] += 1
        m = re.match(r"^s3-call-(\d+)$", os.environ.get("STANDIN_FAIL", ""))
        if m and _CALLS["n"] == int(m.group(1)):
            raise RuntimeError("standin rows: injected failure at S3 call %d" % _CALLS["n"])
        R.REPORT["writes"] += 1

    def get_paginator(self, operation_name):
        if operation_name != "list_objects_v2":
            raise AttributeError("standin rows: paginator %s not modelled" % operation_name)
        return _Paginator(self)

    def get_object(self, Bucket, Key):
        # DOC: GetObject of a missing key fails with NoSuchKey
        #   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
        import _rows as R
        objects = R._load("s3.json", {})
        url = "s3://%s/%s" % (Bucket, Key)
        if url not in objects:
            raise NoSuchKey("An error occurred (NoSuchKey) when calling the GetObject "
                            "operation: The specified key does not exist.")
        v = objects[url]
        return {"Body": _Body(json.dumps(v).encode() if isinstance(v, dict) else v.encode())}

    def put_object(self, Bucket, Key, Body):
        import _rows as R
        self._change()
        objects = R._load("s3.json", {})
        objects["s3://%s/%s" % (Bucket, Key)] = (Body.decode() if isinstance(Body, bytes)
                                                 else Body)
        R._save("s3.json", objects)

    def copy_object(self, Bucket, Key, CopySource):
        # DOC: CopyObject "creates a copy of an object that is already
        #   stored in Amazon S3", replacing an object of the same key; a
        #   missing source fails with NoSuchKey
        #   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
        import _rows as R
        self._change()
        objects = R._load("s3.json", {})
        src = "s3://%s/%s" % (CopySource["Bucket"], CopySource["Key"])
        if src not in objects:
            raise NoSuchKey("An error occurred (NoSuchKey) when calling the CopyObject "
                            "operation: The specified key does not exist.")
        objects["s3://%s/%s" % (Bucket, Key)] = json.loads(json.dumps(objects[src]))
        R._save("s3.json", objects)

    def delete_object(self, Bucket, Key):
        # DOC: DeleteObject of a key that does not exist succeeds (204) in
        #   a bucket without versioning
        #   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html).
        import _rows as R
        self._change()
        objects = R._load("s3.json", {})
        objects.pop("s3://%s/%s" % (Bucket, Key), None)
        R._save("s3.json", objects)


def client(service_name, **kwargs):
    if kwargs:
        raise ValueError("standin rows: boto3 client options %s not modelled" % sorted(kwargs))
    if service_name == "glue":
        import _rows_glue_api
        return _rows_glue_api.client()
    if service_name != "s3":
        raise ValueError("standin rows: boto3 client %s not modelled" % service_name)
    return S3Client()
