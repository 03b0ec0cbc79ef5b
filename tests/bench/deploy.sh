#!/bin/sh
# Plan and deploy of N (default 500) generated pipelines with a latency of
# LATENCY_MS (default 40: the round trip of a real AWS endpoint) on every
# call: API calls, wall time, client CPU, and the TCP connections and calls in
# flight, side by side with a sequential boto3 script making the same calls
# through the same server and latency in the same run
# (tests/bench/boto3_deploy.py).  The server, BENCH_SERVER:
#   fast (default)  tests/bench/fast_aws.py: in memory, SigV4 and Glue input
#                   validation enforced, the latency added per call inside the
#                   server, calls served concurrently.  The real service scales
#                   across requests, so 16 parallel calls cost one round trip;
#                   this measures pipec, not the test server.
#   moto            moto (tests/tools/moto_auth.sh, auth enforced) behind
#                   tests/tools/fault_proxy.py --delay: one Python process with
#                   ~5 ms of CPU per call (plus the proxy's), so on 2 cores
#                   pipec's parallel calls queue on it (its ratio is the test
#                   server's figure more than pipec's).
#   both            fast, then moto.
# PIPEC_CONCURRENCY, when set, is passed to pipec as --concurrency (default:
# pipec's own, 16).  Then every pipeline gains validation rules (a Data
# Quality ruleset each): that deploy, and the unchanged plan of N validating
# pipelines, whose rulesets are known from one listing.  Every run must end as
# it should (plan 2 before a deploy and 0 after it, deploy 0, the unchanged
# runs saying "No changes"; boto3's plan finds every job and trigger it
# deployed), or the bench fails.  pipec's CPU includes its front end (parse,
# check and render every pipeline); the per-call figure subtracts the
# all-create plan, which runs the same front end and reads.  Aims: deploy wall
# time <= 1/10 of the sequential client's; an unchanged plan in <= 20 calls;
# client CPU per call <= 1/10 of boto3's.  Usage: deploy.sh [BUILD_DIR] [N]
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${1:-build}
N=${2:-500}
LATENCY_MS=${LATENCY_MS:-40}
case "$B" in /*) PIPEC=$B/pipec ;; *) PIPEC=$ROOT/$B/pipec ;; esac
T=$(mktemp -d -t pipec-bench-deploy.XXXXXX)
PROXY_PID=
# set by moto_auth.sh's environment file when this bench starts moto; one
# inherited from a caller names a server that is not this bench's
MOTO_AUTH_PID_FILE=
cleanup() {
	stop_server
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do
	[ "$v" = AWS_CA_BUNDLE ] || unset "$v"
done
export HOME="$T/home" AWS_CONFIG_FILE="$T/none" AWS_SHARED_CREDENTIALS_FILE="$T/none"
export AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME"

# start_server fast|moto: sets CLIENT_EP (the clients' endpoint URL, latency
# included) and CTL_EP (where the calls are counted); the credentials are exported
SERVER_PID=
start_server() {
	if [ "$1" = fast ]; then
		python3 "$ROOT/tests/bench/fast_aws.py" "$T/fast.env" --delay "$LATENCY_MS" 2>"$T/fast.err" &
		SERVER_PID=$!
		i=0
		while [ ! -s "$T/fast.env" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		[ -s "$T/fast.env" ] || { cat "$T/fast.err"; exit 1; }
		. "$T/fast.env"
		CTL_EP=$AWS_ENDPOINT_URL
		CLIENT_EP=$AWS_ENDPOINT_URL
		# auth is enforced: a wrong secret must be refused
		AWS_SECRET_ACCESS_KEY=wrong python3 -c 'import boto3, botocore.exceptions
try:
    boto3.client("sts").get_caller_identity()
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "SignatureDoesNotMatch", e
else:
    raise SystemExit("fast_aws.py accepted a wrong secret")' || exit 1
		return
	fi
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	MOTO_PID_FILE="$T/moto.pid" bash "$ROOT/tests/tools/moto_auth.sh" "$PORT" >"$T/moto.env" 2>"$T/moto.err" ||
		{ cat "$T/moto.err"; exit 1; }
	. "$T/moto.env"
	CTL_EP=$AWS_ENDPOINT_URL
	# every client call goes through the latency proxy; the call counts are read from moto itself
	rm -f "$T/proxy.port"
	python3 "$ROOT/tests/tools/fault_proxy.py" 0 "$CTL_EP" --delay "$LATENCY_MS" --port-file "$T/proxy.port" \
		--log /dev/null --lifetime 3600 2>"$T/proxy.err" &
	PROXY_PID=$!
	i=0
	while [ ! -s "$T/proxy.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$T/proxy.port" ] || { cat "$T/proxy.err"; exit 1; }
	CLIENT_EP=http://127.0.0.1:$(cat "$T/proxy.port")
	export AWS_ENDPOINT_URL=$CLIENT_EP
}
stop_server() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
	[ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null
	if [ -n "${MOTO_AUTH_PID_FILE:-}" ] && [ -f "$MOTO_AUTH_PID_FILE" ]; then
		kill "$(cat "$MOTO_AUTH_PID_FILE")" 2>/dev/null
	fi
	SERVER_PID='' PROXY_PID='' MOTO_AUTH_PID_FILE=''
	rm -f "$T/fast.env"
}
CONC=
[ -n "${PIPEC_CONCURRENCY:-}" ] && CONC="--concurrency $PIPEC_CONCURRENCY"

# The project: N pipelines, S3 JSON to S3 Tables, hourly.
make_project() {
P="$T/project"
rm -rf "$P"
mkdir -p "$P/pipelines"
cat >"$P/pipec.yaml" <<YAML
project: bench
default_environment: dev
environments:
  dev:
    region: us-east-1
    account: "123456789012"
    role: arn:aws:iam::123456789012:role/pipec-glue
    script_bucket: bench-artifacts
    temp_dir: s3://bench-artifacts/tmp/
    table_bucket: bench-lake
    name_prefix: dev_
  base:
    region: us-west-2
    account: "123456789012"
    role: arn:aws:iam::123456789012:role/pipec-glue
    script_bucket: bench-artifacts
    temp_dir: s3://bench-artifacts/tmp/
    table_bucket: bench-lake
    name_prefix: base_
YAML
i=1
while [ $i -le "$N" ]; do
	cat >"$P/pipelines/p$i.pipe" <<PIPE
pipeline p$i {
  source s3 "s3://bench-raw/p$i/" { format json }
  target s3tables analytics.p$i
  columns {
    id string required
    ts timestamp
  }
  schedule every 1h
}
PIPE
	i=$((i + 1))
done
}

calls_reset() {
	python3 -c 'import sys, urllib.request
for u in sys.argv[1:]:
    urllib.request.urlopen(urllib.request.Request(u, method="POST")).read()' \
		"$CTL_EP/pipec-test/calls/reset" ${PROXY_PID:+"$CLIENT_EP/__fault_proxy/reset"}
}
# the TCP connections that carried calls and most calls in flight at once (seen by
# the latency proxy in front of moto, or by fast_aws.py itself)
proxy_seen() {
	if [ -n "$PROXY_PID" ]; then u=$CLIENT_EP/__fault_proxy/stats; else u=$CTL_EP/pipec-test/stats; fi
	python3 -c 'import json, sys, urllib.request; s = json.load(urllib.request.urlopen(sys.argv[1])); print(s["connections"], s["max_in_flight"])' "$u"
}
# user+sys CPU seconds of the test server's processes (fast_aws.py; moto and the proxy)
server_cpu() {
	pids="$SERVER_PID $PROXY_PID"
	[ -n "${MOTO_AUTH_PID_FILE:-}" ] && pids="$pids $(cat "$MOTO_AUTH_PID_FILE")"
	# shellcheck disable=SC2086
	python3 -c 'import os, sys
hz = os.sysconf("SC_CLK_TCK")
print("%.2f" % sum(sum(map(int, open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()[11:13])) / hz
                   for p in sys.argv[1:]))' $pids
}
calls_total() { python3 -c 'import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/pipec-test/calls"))["total"])' "$CTL_EP"; }

# measure NAME STATUS ARGS...: runs pipec in the project; records calls, wall,
# user+sys CPU.  The exit status must be STATUS (plan: 0 no changes, 2 changes;
# deploy: 0), and a run expected unchanged must say so, or the bench fails: a
# deploy that did not happen must not pass for a fast one.
measure() {
	name=$1 want=$2
	shift 2
	calls_reset
	s0=$(server_cpu)
	# shellcheck disable=SC2086
	(cd "$P" && /usr/bin/time -f '%e %U %S' -o "$T/$name.time" "$PIPEC" "$@" $CONC) >"$T/$name.out" 2>"$T/$name.err"
	got=$(sed -n 's/^Command exited with non-zero status \([0-9]*\)$/\1/p' "$T/$name.time")
	case "$name" in *unchanged*) grep -q '^No changes' "$T/$name.out" || got="$got (changes reported)" ;; esac
	if [ "${got:-0}" != "$want" ]; then
		echo "deploy.sh: $SERVER: pipec $* ($name) exited ${got:-0}, expected $want" >&2
		tail -n 20 "$T/$name.out" "$T/$name.err" >&2
		exit 1
	fi
	echo "$name $(calls_total) $(tail -n 1 "$T/$name.time") $(proxy_seen) $(echo "$(server_cpu) $s0" | awk '{ print $1 - $2 }')" >>"$T/results"
}
boto() {
	name=$1
	calls_reset
	s0=$(server_cpu)
	AWS_DEFAULT_REGION=us-west-2 python3 "$ROOT/tests/bench/boto3_deploy.py" "$2" "$3" "$T/$name.json" ||
		{ echo "deploy.sh: $SERVER: the boto3 $2 failed" >&2; exit 1; }
	python3 - "$T/$name.json" "$name" "$(calls_total)" "$(proxy_seen)" "$(server_cpu)" "$s0" >>"$T/results" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(sys.argv[2], sys.argv[3], f"{d['wall']:.2f}", f"{d['cpu']:.2f}", "0", sys.argv[4],
      f"{float(sys.argv[5]) - float(sys.argv[6]):.2f}")
PY
}

# bench SERVER: the whole sequence against one server (fresh state and project)
bench() {
SERVER=$1
start_server "$SERVER"
make_project
python3 -c 'import boto3; boto3.client("s3").create_bucket(Bucket="bench-artifacts")'
: >"$T/results"
measure plan-create 2 plan
measure deploy 0 deploy
measure plan-unchanged 0 plan
measure deploy-unchanged 0 deploy
(cd "$P" && "$PIPEC" build --env base -o "$T/build" .) >/dev/null
boto boto3-deploy deploy "$T/build"
boto boto3-plan-unchanged plan "$T/build"
for f in "$P"/pipelines/*.pipe; do
	sed -i 's/^  schedule every 1h$/  schedule every 1h\n  validate {\n    not_null id\n    row_count > 0\n  }/' "$f"
done
measure plan-validate 2 plan
measure deploy-validate 0 deploy
measure plan-unchanged-val 0 plan
measure deploy-unchanged-val 0 deploy
stop_server

if [ "$SERVER" = fast ]; then
	echo "pipec plan/deploy of $N pipelines against fast_aws.py (in-memory, auth enforced, ${LATENCY_MS} ms added to every call, calls concurrent as at AWS); pipec ${CONC:-with its default concurrency}; CPU = client user+sys; conns = TCP connections that carried calls, in flight = most calls at once; server = its user+sys CPU"
else
	echo "pipec plan/deploy of $N pipelines against moto (auth enforced; one Python process, on which parallel calls queue: see server ms/call) behind a ${LATENCY_MS} ms latency proxy; pipec ${CONC:-with its default concurrency}; CPU = client user+sys; conns = TCP connections the proxy accepted, in flight = most requests at once; server = moto's and the proxy's user+sys CPU"
fi
awk '
{ name[NR] = $1; calls[NR] = $2; wall[NR] = $3; cpu[NR] = $4 + $5; conns[NR] = $6; fl[NR] = $7; srv[NR] = $8 }
END {
	printf "%-22s %8s %9s %9s %14s %6s %10s %14s\n", "run", "calls", "wall s", "cpu s", "cpu ms/call", "conns", "in flight", "server ms/call"
	for (i = 1; i <= NR; i++)
		printf "%-22s %8d %9.2f %9.2f %14.3f %6d %10d %14.3f\n", name[i], calls[i], wall[i], cpu[i], calls[i] ? 1000 * cpu[i] / calls[i] : 0, conns[i], fl[i], calls[i] ? 1000 * srv[i] / calls[i] : 0
}' "$T/results"
awk '
$1 == "plan-create" { fe = $4 + $5; fc = $2; fw = $3 }
$1 == "deploy" { pc = ($4 + $5 - fe) / ($2 - fc) }
$1 == "boto3-deploy" { bc = $4 / $2; bw = $3; bn = $2 }
END { if (!bn || !dn) { print "deploy.sh: a deploy row is missing" > "/dev/stderr"; exit 1 } }
$1 == "deploy" { dw = $3; dn = $2 }
$1 == "plan-unchanged" { pu = $2 }
$1 == "plan-unchanged-val" { pv = $2 }
END {
	printf "deploy of new pipelines, wall time: pipec %.2f s (%d calls), sequential boto3 %.2f s (%d calls), ratio 1/%.1f (aim <= 1/10): %s\n",
		dw, dn, bw, bn, bw / dw, (bw / dw >= 10 ? "met" : "missed")
	printf "  the same without the front end and reads (pipec: deploy minus the all-create plan, as boto3 is timed around its writes only): pipec %.2f s, ratio 1/%.1f (aim <= 1/10): %s\n",
		dw - fw, bw / (dw - fw), (bw / (dw - fw) >= 10 ? "met" : "missed")
	printf "unchanged plan: %d calls (aim <= 20): %s\n", pu, (pu <= 20 ? "met" : "missed")
	printf "unchanged plan, every pipeline validating: %d calls (aim <= 20): %s\n", pv, (pv <= 20 ? "met" : "missed")
	printf "deploy client CPU per write call (pipec: deploy minus the all-create plan, i.e. the same front end and reads): pipec %.3f ms, boto3 %.3f ms, ratio 1/%.1f (aim 1/10): %s\n",
		1000 * pc, 1000 * bc, bc / pc, (bc / pc >= 10 ? "met" : "missed")
}' "$T/results"
}

case "${BENCH_SERVER:-fast}" in
fast | moto) bench "${BENCH_SERVER:-fast}" ;;
both) bench fast && echo && bench moto ;;
*) echo "deploy.sh: BENCH_SERVER is fast, moto or both" >&2; exit 1 ;;
esac
