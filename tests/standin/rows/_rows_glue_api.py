"""boto3's Glue client in the row-level stand-in: GetTable and UpdateTable
on the catalog tables of the state directory (tables.json).

Each request is validated against botocore's Glue model (the real request
shapes: an unknown or missing member fails as botocore fails), and the
table it changes is the one Spark reads, so a run that drops a column with
UpdateTable is checked by the table's final columns, parameters and rows.

DOC: Glue API, GetTable
  (https://docs.aws.amazon.com/glue/latest/webapi/API_GetTable.html): the
  Table structure: Name, DatabaseName, StorageDescriptor (Columns,
  Location, InputFormat, OutputFormat, SerdeInfo), PartitionKeys,
  TableType, Parameters, VersionId. A missing table is
  EntityNotFoundException.
DOC: Glue API, UpdateTable
  (https://docs.aws.amazon.com/glue/latest/webapi/API_UpdateTable.html):
  TableInput replaces the table's definition: a member left out (Parameters,
  PartitionKeys, ...) is not kept. Modelled so: the table's parameters
  become TableInput's, its columns StorageDescriptor.Columns followed by
  PartitionKeys.
DOC: Glue optimistic locking (Iceberg AWS docs, "Optimistic Locking",
  https://iceberg.apache.org/docs/latest/aws/#optimistic-locking): each
  table has a version id; an update given a version id that is no longer
  the table's fails (ConcurrentModificationException). Each update here
  makes the next version.
Glue table of an Iceberg table: pipec never calls UpdateTable on one (it
strips metadata_location / table_type the way Terraform and CloudFormation
have); doing so is a violation here.

STANDIN_FAIL=glue-concurrent: the first UpdateTable finds the table changed
by another writer since it was read (its version moved on), as when two
runs evolve one table at once.
"""
import copy

import botocore.session
from botocore.exceptions import ParamValidationError
from botocore.validate import ParamValidator

import _rows as R

_MODEL = botocore.session.get_session().get_service_model("glue")
_HIVE_PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary":
                  "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
}


class EntityNotFoundException(Exception):
    """botocore's Glue.Client.exceptions.EntityNotFoundException."""


class ConcurrentModificationException(Exception):
    """botocore's Glue.Client.exceptions.ConcurrentModificationException."""


class _Exceptions:
    EntityNotFoundException = EntityNotFoundException
    ConcurrentModificationException = ConcurrentModificationException


def _validate(operation, params):
    report = ParamValidator().validate(params, _MODEL.operation_model(operation).input_shape)
    if report.has_errors():
        raise ParamValidationError(report=report.generate_report())


def _partition_names(t):
    return [p.strip().strip("`").lower() for p in t.get("partitions") or []]


class GlueClient:
    exceptions = _Exceptions

    def _table(self, api, DatabaseName, Name):
        key = ("%s.%s" % (DatabaseName, Name)).lower()
        t = R.SESSION.catalog.tables.get(key)
        if t is None:
            raise EntityNotFoundException(
                "An error occurred (EntityNotFoundException) when calling the %s "
                "operation: Table %s not found." % (api, Name))
        return t

    def get_table(self, **params):
        _validate("GetTable", params)
        t = self._table("GetTable", params["DatabaseName"], params["Name"])
        parts = _partition_names(t)
        cols = [{"Name": n, "Type": ty} for n, ty in t["columns"] if n.lower() not in parts]
        keys = [{"Name": n, "Type": ty} for n, ty in t["columns"] if n.lower() in parts]
        sd = {"Columns": cols, "Location": t.get("location", ""), "Compressed": False,
              "NumberOfBuckets": -1, "StoredAsSubDirectories": False}
        if t.get("format") == "iceberg":
            table_type = "ICEBERG"
        else:
            sd.update(copy.deepcopy(_HIVE_PARQUET))
            table_type = "EXTERNAL_TABLE"
        return {"Table": {
            "Name": params["Name"].lower(), "DatabaseName": params["DatabaseName"].lower(),
            "StorageDescriptor": sd, "PartitionKeys": keys, "TableType": table_type,
            "Parameters": dict(t.get("parameters") or {}),
            "VersionId": str(t.get("version", 0)),
            "IsRegisteredWithLakeFormation": False,
        }}

    def update_table(self, **params):
        _validate("UpdateTable", params)
        ti = params["TableInput"]
        t = self._table("UpdateTable", params["DatabaseName"], ti["Name"])
        if t.get("format") == "iceberg":
            raise RuntimeError("standin rows: violation: UpdateTable on the Iceberg table "
                               "%s.%s (its metadata_location and table_type would be "
                               "replaced)" % (params["DatabaseName"], ti["Name"]))
        if R.FAIL == "glue-concurrent" and not R.REPORT.get("failed_once"):
            R.REPORT["failed_once"] = True
            t["version"] = t.get("version", 0) + 1
        if "VersionId" in params and params["VersionId"] != str(t.get("version", 0)):
            raise ConcurrentModificationException(
                "An error occurred (ConcurrentModificationException) when calling the "
                "UpdateTable operation: Update table failed due to concurrent "
                "modifications.")
        sd = ti.get("StorageDescriptor") or {}
        keys = ti.get("PartitionKeys") or []
        old = {n.lower(): ty for n, ty in t["columns"]}
        t["columns"] = [[c["Name"], R.type_text(R.parse_type(c.get("Type", "string")))]
                        for c in list(sd.get("Columns", [])) + list(keys)]
        t["partitions"] = ["`%s`" % c["Name"] for c in keys]
        t["parameters"] = dict(ti.get("Parameters") or {})
        t["location"] = sd.get("Location", "")
        t["version"] = t.get("version", 0) + 1
        t.setdefault("alters", []).append("glue:UpdateTable columns %s -> %s" % (
            sorted(old), [c[0] for c in t["columns"]]))
        R._save("tables.json", R.SESSION.catalog.tables)
        return {}


def client():
    return GlueClient()
