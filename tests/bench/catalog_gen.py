"""Writes the catalog benchmark's inputs: a snapshot with 20,000 tables
(Glue databases and a table bucket) and 1,000 pipelines that read and write
tables of it, under the directory given as the only argument."""
import os
import sys

out = sys.argv[1]
os.makedirs(os.path.join(out, "pipelines"), exist_ok=True)
NDB, PER_DB = 19, 1000          # 19,000 Glue tables
NNS, PER_NS = 10, 100           # 1,000 S3 Tables tables
NPIPES = 1000

cols = [("id", "bigint"), ("customer_id", "bigint"), ("event_ts", "timestamp"),
        ("updated_at", "timestamp"), ("amount", "decimal(12,2)"), ("status", "string"),
        ("country", "string"), ("qty", "int")]


def columns(ind):
    return "".join(f"{ind}- {{name: {n}, type: \"{t}\"}}\n" for n, t in cols)


with open(os.path.join(out, "catalog.yaml"), "w") as f:
    f.write("version: 1\nregion: eu-west-1\naccount: \"123456789012\"\nconnections:\n")
    for i in range(50):
        f.write(f"  - name: pg-{i}\n    type: JDBC\n    url: jdbc:postgresql://db{i}.internal:5432/shop\n")
    f.write("databases:\n")
    for d in range(NDB):
        f.write(f"  - name: db{d:02d}\n    tables:\n")
        for t in range(PER_DB):
            f.write(f"      - name: t{t:04d}\n        type: ICEBERG\n        format: parquet\n"
                    f"        location: s3://bench-lake/db{d:02d}/t{t:04d}/\n        columns:\n")
            f.write(columns("          "))
            f.write("        partition_spec: [days(event_ts), \"bucket(16, customer_id)\"]\n")
    f.write("table_buckets:\n  - name: bench-lake\n"
            "    arn: arn:aws:s3tables:eu-west-1:123456789012:bucket/bench-lake\n    namespaces:\n")
    for n in range(NNS):
        f.write(f"      - name: ns{n}\n        tables:\n")
        for t in range(PER_NS):
            f.write(f"          - name: t{t:03d}\n            columns:\n")
            f.write(columns("              "))
            f.write("            partition_spec: [\"days(event_ts)\"]\n")

with open(os.path.join(out, "pipec.yaml"), "w") as f:
    f.write("project: bench\ndefault_environment: dev\nenvironments:\n  dev:\n"
            "    region: eu-west-1\n    account: \"123456789012\"\n"
            "    role: arn:aws:iam::123456789012:role/bench\n    script_bucket: bench-artifacts\n"
            "    temp_dir: s3://bench-artifacts/tmp/\n    table_bucket: bench-lake\n"
            "    catalog: catalog.yaml\n")

decl = ("  columns {\n    id          bigint required\n    customer_id bigint\n"
        "    event_ts    timestamp\n    updated_at  timestamp\n    amount      decimal(10,2)\n"
        "    qty         smallint\n  }\n")
for i in range(NPIPES):
    d, t = i % NDB, (i * 7) % PER_DB
    with open(os.path.join(out, "pipelines", f"p{i:04d}.pipe"), "w") as f:
        if i % 2 == 0:
            f.write(f"pipeline p{i:04d} {{\n  source jdbc postgresql {{\n"
                    f"    connection \"pg-{i % 50}\"\n    table public.t{i}\n  }}\n"
                    f"  target iceberg db{d:02d}.t{t:04d} at \"s3://bench-lake/db{d:02d}/t{t:04d}/\"\n"
                    f"{decl}  mode merge on id\n  incremental by updated_at lag 15m\n"
                    f"  partition by days(event_ts), bucket(16, customer_id)\n}}\n")
        else:
            f.write(f"pipeline p{i:04d} {{\n  source table db{d:02d}.t{(t + 1) % PER_DB:04d}\n"
                    f"  target s3tables ns{i % NNS}.t{i % PER_NS:03d}\n"
                    f"{decl}  partition by days(event_ts)\n}}\n")
