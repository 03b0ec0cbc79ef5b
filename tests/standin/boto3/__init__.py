"""Stand-in of boto3 (schema level): the S3 client calls pipec's scripts
make, with their documented parameters (S3 API Reference: ListObjectsV2,
GetObject, PutObject, CopyObject, DeleteObject). Every call is recorded in
the trace as an "s3" event; a GetObject finds no key (the state of a first
run), and a listing is empty except under the job's source location
(--source_path), which holds the objects of SOURCE_OBJECTS: a job that lists
its source (an s3 source with 'include') finds files to read, one name per
common form. Any other client, method or parameter is a violation."""
import sys

import _standin as S

SOURCE_OBJECTS = ("2024-01-01/part-00001.json", "_SUCCESS", "part-00000.csv",
                  "part-00000.json", "part-00000.parquet")


def _source_location():
    """(bucket, key prefix ending in '/') of --source_path, or None."""
    argv = sys.argv
    for i, a in enumerate(argv):
        url = argv[i + 1] if a == "--source_path" and i + 1 < len(argv) else \
            a[len("--source_path="):] if a.startswith("--source_path=") else None
        if url and url.startswith("s3://"):
            bucket, _, prefix = url[5:].partition("/")
            return bucket, prefix if not prefix or prefix.endswith("/") else prefix + "/"
    return None

__all__ = ["client"]


class NoSuchKey(Exception):
    """botocore's S3.Client.exceptions.NoSuchKey."""


class _Exceptions:
    NoSuchKey = NoSuchKey


def _key(api, Bucket, Key):
    S.require_type(Bucket, str, api, "Bucket")
    S.require_type(Key, str, api, "Key")
    S.require(Bucket and "/" not in Bucket, api, "%s: Bucket is a bucket name, got %r"
              % (api, Bucket), ValueError)


@S.strict
class Paginator:
    def __init__(self, operation_name):
        self._op = operation_name

    def paginate(self, Bucket, Prefix=""):
        _key("Paginator.paginate", Bucket, Prefix or "-")
        S.event("s3", op="ListObjectsV2", bucket=Bucket, prefix=Prefix)
        if _source_location() != (Bucket, Prefix):
            return iter([{"KeyCount": 0}])
        return iter([{"KeyCount": len(SOURCE_OBJECTS),
                      "Contents": [{"Key": Prefix + k} for k in SOURCE_OBJECTS]}])


@S.strict
class S3Client:
    exceptions = _Exceptions

    def get_paginator(self, operation_name):
        S.require(operation_name == "list_objects_v2", "S3Client.get_paginator",
                  "paginator %r is not modelled" % operation_name, ValueError)
        return Paginator(operation_name)

    def get_object(self, Bucket, Key):
        _key("S3Client.get_object", Bucket, Key)
        S.event("s3", op="GetObject", bucket=Bucket, key=Key)
        raise NoSuchKey("An error occurred (NoSuchKey) when calling the GetObject "
                        "operation: The specified key does not exist.")

    def put_object(self, Bucket, Key, Body):
        _key("S3Client.put_object", Bucket, Key)
        S.require_type(Body, (bytes, str), "S3Client.put_object", "Body")
        S.event("s3", op="PutObject", bucket=Bucket, key=Key)

    def copy_object(self, Bucket, Key, CopySource):
        _key("S3Client.copy_object", Bucket, Key)
        S.require(isinstance(CopySource, dict) and set(CopySource) == {"Bucket", "Key"},
                  "S3Client.copy_object", "CopySource must be {'Bucket', 'Key'}")
        S.event("s3", op="CopyObject", bucket=Bucket, key=Key, source=dict(CopySource))

    def delete_object(self, Bucket, Key):
        _key("S3Client.delete_object", Bucket, Key)
        S.event("s3", op="DeleteObject", bucket=Bucket, key=Key)


def client(service_name, **kwargs):
    S.require(service_name == "s3", "boto3.client", "client %r is not modelled" % service_name,
              ValueError)
    S.require(not kwargs, "boto3.client", "client options %s are not modelled" % sorted(kwargs),
              ValueError)
    return S3Client()
