"""Stand-in of boto3 (schema level): the S3 client calls pipec's scripts
make, with their documented parameters (S3 API Reference: ListObjectsV2,
GetObject, PutObject, CopyObject, DeleteObject). Every call is recorded in
the trace as an "s3" event; a GetObject finds no key (the state of a first
run), and a listing is empty except under the job's source location
(--source_path), which holds the objects of SOURCE_OBJECTS: a job that lists
its source (an s3 source with 'include' or a location template) finds files
to read, one name per common form (a day/hour layout among them). The Glue client's GetTable and UpdateTable requests are
validated against botocore's Glue model and recorded as "glue" events;
GetTable answers with the columns the table has in this run. Any other
client, method or parameter is a violation."""
import sys

import _standin as S

SOURCE_OBJECTS = ("2024-01-01/part-00001.json", "2024-01-01/05/part-00001.json", "_SUCCESS",
                  "part-00000.csv", "part-00000.json", "part-00000.parquet")


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


class EntityNotFoundException(Exception):
    """botocore's Glue.Client.exceptions.EntityNotFoundException."""


class ConcurrentModificationException(Exception):
    """botocore's Glue.Client.exceptions.ConcurrentModificationException."""


class _GlueExceptions:
    EntityNotFoundException = EntityNotFoundException
    ConcurrentModificationException = ConcurrentModificationException


def _glue_request(api, operation, params):
    import botocore.session
    from botocore.validate import ParamValidator
    shape = botocore.session.get_session().get_service_model("glue") \
        .operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    S.require(not report.has_errors(), api, "%s request does not match the Glue model: %s"
              % (operation, report.generate_report() if report.has_errors() else ""), ValueError)
    S.event("glue", op=operation, database=params.get("DatabaseName"),
            table=params.get("Name") or (params.get("TableInput") or {}).get("Name"))


@S.strict
class GlueClient:
    exceptions = _GlueExceptions

    def get_table(self, **params):
        from pyspark.sql.readwriter import _table_df
        _glue_request("GlueClient.get_table", "GetTable", params)
        ref = S.resolve_table("`%s`.`%s`" % (params["DatabaseName"].replace("`", "``"),
                                             params["Name"].replace("`", "``")),
                              "GlueClient.get_table")
        if S.table_state(ref) == "absent":
            raise EntityNotFoundException("An error occurred (EntityNotFoundException) when "
                                          "calling the GetTable operation: Table %s not "
                                          "found." % params["Name"])
        cols = _table_df(None, ref.raw, "GlueClient.get_table").columns
        return {"Table": {
            "Name": params["Name"], "DatabaseName": params["DatabaseName"],
            "StorageDescriptor": {"Columns": [{"Name": c, "Type": "string"} for c in cols],
                                  "Location": "s3://standin/"},
            "PartitionKeys": [], "TableType": "EXTERNAL_TABLE", "Parameters": {},
            "VersionId": "1"}}

    def update_table(self, **params):
        _glue_request("GlueClient.update_table", "UpdateTable", params)
        S.require("VersionId" in params, "GlueClient.update_table",
                  "UpdateTable without VersionId overwrites a concurrent change", ValueError)
        return {}


def client(service_name, **kwargs):
    S.require(service_name in ("s3", "glue"), "boto3.client",
              "client %r is not modelled" % service_name, ValueError)
    S.require(not kwargs, "boto3.client", "client options %s are not modelled" % sorted(kwargs),
              ValueError)
    return GlueClient() if service_name == "glue" else S3Client()
