#!/bin/sh
# Installs the Debian packages given as arguments when any is missing:
# as root directly, otherwise through sudo.  apt's output is shown only
# when it fails.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1; then
	as_root="sudo"
else
	echo "deps: missing packages:$missing; install them, or run as root" >&2
	exit 1
fi
log=$(mktemp -t pipec-deps.XXXXXX)
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! { $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq $missing; } >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "deps: could not install:$missing" >&2
	exit 1
fi
rm -f "$log"
