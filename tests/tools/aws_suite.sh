# Sourced by the suites that talk to AWS stand-ins (moto and local fakes):
# scratch directory $T, servers stopped by pid on exit, ok/nok, free_port,
# an AWS environment cleared of the developer's shell and ~/.aws, and
# start_moto.  Every server listens on 127.0.0.1 only.
# Usage: SUITE_NAME=NAME; . "$ROOT/tests/tools/aws_suite.sh"  (NAME prefixes the results)
: "${SUITE_NAME:?set SUITE_NAME before sourcing aws_suite.sh}"
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PIPEC=${PIPEC:-$ROOT/build/pipec}
T=${SUITE_TMP:-$(mktemp -d -t "pipec-$SUITE_NAME.XXXXXX")}
mkdir -p "$T"
PIDS=""
aws_suite_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	if [ -n "${MOTO_AUTH_PID_FILE:-}" ] && [ -f "$MOTO_AUTH_PID_FILE" ]; then
		kill "$(cat "$MOTO_AUTH_PID_FILE")" 2>/dev/null
	fi
}
trap aws_suite_cleanup EXIT
trap 'exit 1' INT TERM

ok() { echo "ok $1"; }
# nok NAME FILE...: a failure, with the first lines of each file as detail
nok() {
	echo "not ok $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | head -40; done
}
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

for tool in moto_server python3; do
	command -v $tool >/dev/null 2>&1 || { echo "not ok $SUITE_NAME: $tool is not installed"; exit 0; }
done
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do
	[ "$v" = AWS_CA_BUNDLE ] || unset "$v"
done
export HOME="$T/home"
mkdir -p "$HOME"
export AWS_CONFIG_FILE="$T/none-config" AWS_SHARED_CREDENTIALS_FILE="$T/none-credentials"
export AWS_EC2_METADATA_DISABLED=true
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

# start_moto: moto with SigV4 and IAM enforced (tests/tools/moto_auth.sh); its
# credentials and endpoint are exported.  A failure is reported and ends the suite.
start_moto() {
	if ! MOTO_PID_FILE="$T/moto.pid" bash "$ROOT/tests/tools/moto_auth.sh" "$(free_port)" \
		>"$T/moto.env" 2>"$T/moto.err"; then
		nok "$SUITE_NAME: moto with auth enforced starts" "$T/moto.err"
		exit 0
	fi
	. "$T/moto.env"
	ok "$SUITE_NAME: moto with auth enforced starts"
}
