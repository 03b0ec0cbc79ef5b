# Seeds moto_server with the Glue catalog that tests/suites/40-catalog-pull.sh pulls.
import boto3, json, os, sys
ep = os.environ.get("AWS_ENDPOINT_URL") or sys.argv[1]
g = boto3.client("glue", endpoint_url=ep, region_name="us-east-1")
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1")
g.create_database(DatabaseInput={"Name": "lake"})
g.create_database(DatabaseInput={"Name": "raw"})
s3.create_bucket(Bucket="lake-meta")
meta = {"format-version": 2, "current-schema-id": 0, "schemas": [{"schema-id": 0, "type": "struct", "fields": [
    {"id": 1, "name": "order_id", "type": "long", "required": False},
    {"id": 2, "name": "order_ts", "type": "timestamp", "required": False},
    {"id": 3, "name": "customer_id", "type": "long", "required": False}]}],
    "default-spec-id": 1, "partition-specs": [{"spec-id": 0, "fields": []}, {"spec-id": 1, "fields": [
        {"source-id": 2, "field-id": 1000, "name": "order_ts_month", "transform": "month"},
        {"source-id": 3, "field-id": 1001, "name": "customer_id_bucket", "transform": "bucket[16]"}]}]}
s3.put_object(Bucket="lake-meta", Key="orders/metadata/00001.metadata.json", Body=json.dumps(meta).encode())
g.create_table(DatabaseName="lake", TableInput={"Name": "orders", "TableType": "EXTERNAL_TABLE",
    "Parameters": {"table_type": "ICEBERG", "metadata_location": "s3://lake-meta/orders/metadata/00001.metadata.json"},
    "StorageDescriptor": {"Location": "s3://lake/orders/", "Columns": [
        {"Name": "order_id", "Type": "bigint"}, {"Name": "order_ts", "Type": "timestamp"},
        {"Name": "customer_id", "Type": "bigint"}]}})
g.create_table(DatabaseName="lake", TableInput={"Name": "customers", "TableType": "EXTERNAL_TABLE",
    "Parameters": {"classification": "parquet"},
    "StorageDescriptor": {"Location": "s3://lake/customers/", "Columns": [
        {"Name": "id", "Type": "bigint", "Comment": "customer id"}, {"Name": "Amount", "Type": "DECIMAL(10,2)"}],
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"},
    "PartitionKeys": [{"Name": "dt", "Type": "string"}]})
g.create_table(DatabaseName="raw", TableInput={"Name": "events_csv", "TableType": "EXTERNAL_TABLE",
    "StorageDescriptor": {"Location": "s3://raw/events/", "Columns": [{"Name": "id", "Type": "string"}],
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"}}})
g.create_connection(ConnectionInput={"Name": "orders-pg", "ConnectionType": "JDBC", "ConnectionProperties": {
    "JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/shop", "USERNAME": "u", "PASSWORD": "secret-pw"}})
g.create_connection(ConnectionInput={"Name": "bq", "ConnectionType": "BIGQUERY", "ConnectionProperties": {}})
# a table bucket's namespace and table, in its federated catalog
bucket_catalog = "123456789012:s3tablescatalog/lakehouse"
g.create_database(CatalogId=bucket_catalog, DatabaseInput={"Name": "analytics"})
g.create_table(CatalogId=bucket_catalog, DatabaseName="analytics", TableInput={
    "Name": "events", "StorageDescriptor": {"Columns": [{"Name": "event_id", "Type": "string"}]}})
