#!/bin/sh
# Benchmark: `pipec check` of 10,000 generated pipelines (100 files of 100),
# wall time and peak RSS, best of 3.  Target: < 1 s and < 100 MB.
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PIPEC="$ROOT/$B/pipec"
work=$(mktemp -d -t pipec-bench-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import os, sys
root = sys.argv[1]
os.makedirs(os.path.join(root, "pipelines"))
with open(os.path.join(root, "pipec.yaml"), "w") as f:
    f.write("""project: bench
default_environment: dev
environments:
  dev:
    region: eu-west-1
    account: "123456789012"
    role: arn:aws:iam::123456789012:role/glue
    script_bucket: bench-artifacts
    temp_dir: s3://bench-artifacts/tmp/
    table_bucket: bench-lake
    variables: { raw_bucket: bench-raw, lake_bucket: bench-lake }
""")
n = 0
for fi in range(100):
    parts = []
    for pi in range(100):
        kind = n % 3
        if kind == 0:
            src = ('  source s3 "s3://${raw_bucket}/events/%d/" {\n'
                   '    format json\n    recurse\n  }\n'
                   '  target s3tables analytics.events_%d\n'
                   '  mode append\n  incremental new files\n'
                   '  partition by days(event_ts), category\n'
                   '  schedule cron "0 6 * * ? *"\n') % (n, n)
        elif kind == 1:
            src = ('  source jdbc postgresql {\n    connection "orders-pg"\n'
                   '    table public.orders_%d\n    split by id into 8\n  }\n'
                   '  target iceberg lake.orders_%d at "s3://${lake_bucket}/orders_%d/"\n'
                   '  create if missing\n'
                   '  mode merge on id\n'
                   '  incremental by event_ts lag 15m initial "2024-01-01T00:00:00Z"\n'
                   '  partition by months(event_ts), bucket(16, id)\n'
                   '  schedule every 1h\n') % (n, n, n)
        else:
            src = ('  source table lake.raw_%d\n'
                   '  target parquet "s3://${lake_bucket}/p_%d/" table lake.p_%d\n'
                   '  create if missing\n'
                   '  mode replace\n  partition by category\n  schedule on demand\n') % (n, n, n)
        parts.append("pipeline p%05d {\n  description \"generated pipeline %d\"\n%s"
                     "  columns {\n    id        bigint    required\n"
                     "    event_ts  timestamp from \"ts\"\n    category  string\n"
                     "    amount    decimal(10,2)\n    tags      array<string>\n  }\n"
                     "  validate {\n    not_null id\n    expect amount >= 0\n    sample 5\n  }\n"
                     "  job {\n    workers 4 G.2X\n    timeout 90m\n    retries 1\n  }\n}\n"
                     % (n, n, src))
        n += 1
    with open(os.path.join(root, "pipelines", "f%03d.pipe" % fi), "w") as f:
        f.write("\n".join(parts))
PY
bytes=$(cat "$work"/pipelines/*.pipe | wc -c)
"$PIPEC" check "$work" >/dev/null 2>"$work/err" || { echo "check failed:"; head -20 "$work/err"; exit 1; }
best=""
for i in 1 2 3; do
	/usr/bin/time -f "%e %M" -o "$work/t" "$PIPEC" check "$work" >/dev/null 2>&1
	cur=$(cat "$work/t")
	if [ -z "$best" ] || [ "$(echo "$cur" | cut -d' ' -f1 | tr -d .)" -lt "$(echo "$best" | cut -d' ' -f1 | tr -d .)" ]; then best=$cur; fi
done
set -- $best
printf 'check: 10000 pipelines, %s bytes of .pipe: wall %s s (target < 1 s), peak RSS %s MB (target < 100 MB: %s)\n' \
	"$bytes" "$1" "$(($2 / 1024))" "$([ "$2" -lt 102400 ] && echo met || echo NOT met)"
