#!/bin/sh
# npm_deps.sh [DIR]: installs the npm packages of DIR (default
# tests/grammars, the engine grammars of suite 65-grammars; also
# tests/editors, the TextMate engine of suite 88-editors) when missing or
# when its package-lock.json changed: `npm ci` into DIR/node_modules
# (git-ignored), from the registry npm is configured with, scripts disabled.  Installs Debian's nodejs and npm first
# when they are missing (tests/tools/deps.sh).  npm's output is shown only
# when it fails.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
G=$ROOT/${1:-tests/grammars}
command -v node >/dev/null 2>&1 || sh "$ROOT/tests/tools/deps.sh" nodejs || exit 1
command -v npm >/dev/null 2>&1 || sh "$ROOT/tests/tools/deps.sh" npm || exit 1
stamp=$G/node_modules/.pipec-package-lock.json
if [ -f "$stamp" ] && cmp -s "$stamp" "$G/package-lock.json"; then
	exit 0
fi
log=$(mktemp -t pipec-npm.XXXXXX)
if ! (cd "$G" && npm ci --no-audit --no-fund --ignore-scripts) >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "npm_deps: npm ci in ${1:-tests/grammars} failed" >&2
	exit 1
fi
rm -f "$log"
cp "$G/package-lock.json" "$stamp"
