#!/bin/sh
# pipec build of 1,000 and 10,000 generated pipelines (a mix of S3 -> S3
# Tables with validation, PostgreSQL -> Iceberg merge with a watermark, and
# S3 -> Parquet), against the I/O floor: cp -r of the same output tree,
# written on tmpfs (/dev/shm) and on disk (BENCH_DISK_DIR, default /var/tmp).
# Each is run BENCH_RUNS times (default 3) into a fresh directory, and the
# run with the least wall time counts: the machine may be shared, and one
# slow run would flip the verdict.  Prints, for the best run of each, wall
# and CPU (user+sys) time, peak RSS and output MB/s, the wall times of all
# runs, and the ratio of the best build to the best cp -r beside its target
# (build within 1.5x of cp -r).  Usage: build.sh [BUILD_DIR] (default
# build); BENCH_SIZES overrides the sizes ("1000 10000").
set -eu
B=${1:-build}
case "$B" in /*) ;; *) B=$(pwd)/$B ;; esac
PIPEC=$B/pipec
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: $TIME is needed (apt-get install time)"; exit 1; }
work=$(mktemp -d -t pipec-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

gen() {	# N DIR
	n=$1 dir=$2
	mkdir -p "$dir/pipelines"
	cat >"$dir/pipec.yaml" <<'YAML'
project: bench
default_environment: dev
environments:
  dev:
    region: eu-west-1
    account: "123456789012"
    role: arn:aws:iam::123456789012:role/pipec-glue-dev
    script_bucket: bench-artifacts
    temp_dir: s3://bench-artifacts/tmp/
    table_bucket: bench-lake
    name_prefix: dev_
    variables:
      raw_bucket: bench-raw
      lake_bucket: bench-lake
YAML
	awk -v n="$n" -v dir="$dir/pipelines" 'BEGIN {
		for (i = 0; i < n; i++) {
			f = sprintf("%s/p%03d.pipe", dir, i % 100)
			k = i % 3
			if (k == 0) {
				printf "pipeline events_%d {\n  source s3 \"s3://${raw_bucket}/events/%d/\" { format json }\n  target s3tables analytics.events_%d\n  create if missing\n  columns {\n    event_id string required\n    user_id string\n    amount decimal(10,2)\n    event_ts timestamp from \"timestamp\"\n  }\n  partition by days(event_ts)\n  incremental new files\n  schedule cron \"0 6 * * ? *\"\n  validate {\n    not_null event_id, user_id\n    expect amount >= 0\n    sample 5\n  }\n}\n\n", i, i, i > f
			} else if (k == 1) {
				printf "pipeline orders_%d {\n  source jdbc postgresql {\n    connection \"orders-pg\"\n    table public.orders_%d\n    split by order_id into 8\n  }\n  target iceberg lake.orders_%d at \"s3://${lake_bucket}/orders_%d/\"\n  create if missing\n  columns {\n    order_id bigint required\n    customer_id bigint\n    updated_at timestamp\n  }\n  mode merge on order_id\n  incremental by updated_at lag 15m initial \"2024-01-01T00:00:00Z\"\n  partition by bucket(16, customer_id)\n}\n\n", i, i, i, i > f
			} else {
				printf "pipeline files_%d {\n  source s3 \"s3://${raw_bucket}/files/%d/\" { format csv; header }\n  target parquet \"s3://${lake_bucket}/files_%d/\" table lake.files_%d\n  create if missing\n  columns {\n    id bigint required\n    name string\n  }\n  mode replace\n}\n\n", i, i, i, i > f
			}
		}
	}'
}

measure() {	# LABEL OUTFILE CMD...: prints "seconds maxrss_kb cpu_seconds"
	label=$1 tf=$2
	shift 2
	$TIME -f "%e %M %U %S" -o "$tf" "$@" >/dev/null 2>"$work/$label.err" ||
		{ echo "bench: $label failed"; cat "$work/$label.err"; exit 1; }
	awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$tf"
}

# best LABEL DEST CMD...: runs CMD BENCH_RUNS times, an argument "{}"
# replaced by DEST.1, DEST.2, ...: each run writes a directory of its own and
# nothing is removed between runs (on a disk mounted with discard, the
# removal of one run's 40,000 files slowed the next run several times over),
# and the dirty pages are flushed (sync) before each run.  Prints "seconds
# maxrss_kb cpu_seconds all_seconds" of the run with the least wall time,
# all_seconds the wall times of every run joined by "/".
best() {
	label=$1 dest=$2
	shift 2
	: >"$work/$label.runs"
	r=1
	while [ "$r" -le "${BENCH_RUNS:-3}" ]; do
		sync
		(
			for a do
				shift
				[ "$a" = "{}" ] && a=$dest.$r
				set -- "$@" "$a"
			done
			measure "$label" "$work/t.$label" "$@"
		) >>"$work/$label.runs" || exit 1
		r=$((r + 1))
	done
	awk 'NR == 1 || $1 < b { b = $1; line = $0 }
	     { all = all (NR > 1 ? "/" : "") $1 }
	     END { print line, all }' "$work/$label.runs"
}

# where outputs go: tmpfs and disk, each when it is there
places=""
if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	places="tmpfs:/dev/shm"
fi
disk=${BENCH_DISK_DIR:-/var/tmp}
[ -d "$disk" ] && [ "$(stat -f -c %T "$disk" 2>/dev/null)" != tmpfs ] && places="$places disk:$disk"

printf '%-6s %-8s %-8s %8s %8s %8s %8s %8s  %s\n' where pipelines what "wall s" "cpu s" "peak MB" \
	"out MB" "MB/s" "wall s of the runs"
for n in ${BENCH_SIZES:-1000 10000}; do
	proj="$work/proj$n"
	gen "$n" "$proj"
	for place in $places; do
		where=${place%%:*} dir=${place#*:}
		outs=$(mktemp -d "$dir/pipec-bench-out.XXXXXX")
		out="$outs/build" copy="$outs/copy"
		set -- $(cd "$proj" && best build "$out" "$PIPEC" build -q -o {} pipelines)
		bs=$1 brss=$2 bc=$3 ball=$4
		mb=$(du -sk "$out.1" | awk '{ printf "%.1f", $1 / 1024 }')
		set -- $(best cp "$copy" cp -r "$out.1" {})
		cs=$1 crss=$2 cc=$3 call=$4
		rm -rf "$outs"
		sync
		awk -v w="$where" -v n="$n" -v bs="$bs" -v br="$brss" -v bc="$bc" -v cs="$cs" \
		    -v cr="$crss" -v cc="$cc" -v mb="$mb" -v ball="$ball" -v call="$call" 'BEGIN {
			printf "%-6s %-8s %-8s %8.2f %8.2f %8.1f %8s %8.1f  %s\n", w, n, "build", bs, bc, br / 1024, mb, (bs > 0 ? mb / bs : 0), ball
			printf "%-6s %-8s %-8s %8.2f %8.2f %8.1f %8s %8.1f  %s\n", w, n, "cp -r", cs, cc, cr / 1024, mb, (cs > 0 ? mb / cs : 0), call
			r = cs > 0 ? bs / cs : 0
			printf "%-6s %-8s %-8s %7.2fx (target <= 1.50x: %s)\n", w, n, "ratio", r, r <= 1.5 ? "met" : "NOT met"
		}'
	done
	rm -rf "$proj"
done
