#!/bin/sh
# The build directory: a rebuild into it gives the bytes a fresh build
# gives, removes the artifacts a pipeline no longer has and leaves no
# temporary file; a build that cannot write (a read-only directory, a full
# disk) fails with the path and the reason, exit 1, and replaces nothing —
# no manifest, no temporary file.  Under strace: no mkdir that fails, no
# unlink of a file that is not there, one flush for the whole build.
set -u
T=$SUITE_TMP
say() { if [ "$1" = 0 ]; then echo "ok $2"; else echo "not ok $2"; fi; }
no_tmp() { [ -z "$(find "$1" -name '.*.tmp.*')" ]; }

P=$T/proj
mkdir -p "$P"
cp -r "$ROOT/tests/codegen/files-to-parquet-s3-event/." "$P/"
rm -rf "$P/expected"
cat >>"$P/pipelines/p.pipe" <<'PIPE'

pipeline checked_events {
  source s3 "s3://${raw_bucket}/checked/" { format json }
  target parquet "s3://${lake_bucket}/checked/" table lake.checked
  create if missing
  columns {
    event_id string required
  }
  mode append
  incremental new files
  schedule on s3 event { suffix ".json" }
  validate {
    not_null event_id
  }
}
PIPE
B=$T/build
"$PIPEC" build --no-catalog -q -o "$B" "$P" >"$T/err" 2>&1
say $? "build writes"
sed 's/^/# /' "$T/err" | head -5
[ -f "$B/checked_events/workflow.json" ] && [ -f "$B/checked_events/ruleset.json" ]
say $? "the pipeline with an S3 event and rules has workflow.json and ruleset.json"

# --- a rebuild with the same input: the same bytes, nothing left over
cp -r "$B" "$T/first"
"$PIPEC" build --no-catalog -q -o "$B" "$P" >/dev/null 2>&1 && diff -r "$T/first" "$B" >"$T/diff" 2>&1
say $? "a rebuild into the same directory gives the same bytes"
no_tmp "$B"
say $? "a rebuild leaves no temporary file"

# --- the pipeline stops validating and stops using an S3 event
python3 - "$P/pipelines/p.pipe" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
head, tail = s.split("pipeline checked_events", 1)
tail = tail.replace('  schedule on s3 event { suffix ".json" }\n', "  schedule on demand\n")
tail = tail.replace("  validate {\n    not_null event_id\n  }\n", "")
open(p, "w").write(head + "pipeline checked_events" + tail)
PY
echo "keep" >"$B/checked_events/notes.txt"
"$PIPEC" build --no-catalog -q -o "$B" "$P" >"$T/err" 2>&1
say $? "the rebuild after the change succeeds"
[ ! -e "$B/checked_events/workflow.json" ] && [ ! -e "$B/checked_events/ruleset.json" ]
say $? "a rebuild removes the stale workflow.json and ruleset.json"
[ "$(cat "$B/checked_events/notes.txt")" = keep ] && [ -f "$B/events_parquet/workflow.json" ]
say $? "a rebuild removes nothing else"
no_tmp "$B"
say $? "the rebuild leaves no temporary file"
rm "$B/checked_events/notes.txt"
"$PIPEC" build --no-catalog -q -o "$T/fresh" "$P" >/dev/null 2>&1 && diff -r "$T/fresh" "$B" >"$T/diff" 2>&1
say $? "the rebuilt directory equals a fresh build"
sed 's/^/# /' "$T/diff" | head -5
! grep -q 'checked_events/workflow.json\|checked_events/ruleset.json' "$B/manifest.json"
say $? "the manifest no longer lists them"

# --- the write-failure shim: write() on pipec's temporary files fails with ENOSPC
cat >"$T/shim.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	char link[64], target[4096];
	ssize_t n;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n >= 0) {
		target[n] = 0;
		if (strstr(target, ".tmp.")) {
			errno = ENOSPC;
			return -1;
		}
	}
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	return real(fd, buf, len);
}
C
cc -shared -fPIC -o "$T/shim.so" "$T/shim.c" -ldl
say $? "the write-failure shim builds"
full() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD="$T/shim.so" "$@"; }

full "$PIPEC" build --no-catalog -q -o "$T/full" "$P" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && grep -q "^pipec: error: cannot write '$T/full/[a-z_]*/[a-z_]*\.[a-z]*': No space left on device$" "$T/err"
say $? "a build on a full disk fails: exit 1, the path and the reason"
sed 's/^/# /' "$T/err" | head -3
[ ! -e "$T/full/manifest.json" ] && no_tmp "$T/full"
say $? "a build on a full disk leaves no manifest and no temporary file"
[ -z "$(find "$T/full" -type f)" ]
say $? "a build on a full disk writes no artifact"
cp -r "$B" "$T/before"
full "$PIPEC" build --no-catalog -q -o "$B" "$P" >/dev/null 2>&1
[ $? -eq 1 ] && diff -r "$T/before" "$B" >/dev/null 2>&1
say $? "a failed rebuild replaces nothing: the old artifacts and manifest stay as they were"

# --- a read-only build directory
RO=$T/ro
mkdir -p "$RO"
chmod 0555 "$RO"
ro_done() { :; }
if mount --bind "$RO" "$RO" 2>/dev/null && { mount -o remount,bind,ro "$RO" 2>/dev/null ||
						  { umount "$RO"; false; }; }; then
	ro_done() { umount "$RO"; }
	trap 'umount "$RO" 2>/dev/null' EXIT
	echo "# read-only: a read-only bind mount"
elif [ "$(id -u)" != 0 ]; then
	echo "# read-only: mode 0555"
else	# root ignores the mode and may not mount: a directory of /proc
	echo "# read-only: under /proc"
	RO=/proc/self/pipec-build
fi
"$PIPEC" build --no-catalog -q -o "$RO/out" "$P" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && grep -q "^pipec: error: cannot create directory '$RO/out': " "$T/err"
say $? "a build into a read-only directory fails: exit 1, the directory and the reason"
sed 's/^/# /' "$T/err" | head -3
[ ! -e "$RO/out" ]
say $? "a build into a read-only directory writes nothing"
ro_done

# --- syscalls: no mkdir that fails, no unlink of a missing file, one flush
if ! command -v strace >/dev/null 2>&1; then
	echo "not ok strace is installed (tests/tools/deps.sh installs it)"
	exit 0
fi
S=$T/many
mkdir -p "$S/pipelines"
cp "$P/pipec.yaml" "$S/"
i=0
while [ $i -lt 50 ]; do
	cat >>"$S/pipelines/many.pipe" <<PIPE
pipeline many_$i {
  source s3 "s3://\${raw_bucket}/many/$i/" { format json }
  target parquet "s3://\${lake_bucket}/many_$i/" table lake.many_$i
  create if missing
  columns {
    id string required
  }
  mode append
  incremental new files
  validate {
    not_null id
  }
}

PIPE
	i=$((i + 1))
done
trace() {	# NAME: a build of $S into $T/sout under strace (LeakSanitizer cannot run under ptrace)
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq -e trace=mkdir,mkdirat,unlink,unlinkat,fsync,fdatasync,syncfs,rename,renameat,renameat2 \
		-o "$T/$1.trace" "$PIPEC" build --no-catalog -q -o "$T/sout" "$S" >/dev/null 2>"$T/$1.err"
}
if trace fresh; then
	grep -c . "$T/fresh.trace" >/dev/null
	[ "$(grep -c '^[0-9]* *mkdir.* = -1' "$T/fresh.trace")" = 0 ] &&
		[ "$(grep -c '^[0-9]* *mkdir.* = 0' "$T/fresh.trace")" = 51 ]
	say $? "strace: a fresh 50-pipeline build makes 51 directories, no mkdir fails"
	[ "$(grep -c 'unlink' "$T/fresh.trace")" = 0 ]
	say $? "strace: a fresh build unlinks nothing"
	[ "$(grep -c 'syncfs' "$T/fresh.trace")" = 1 ] && ! grep -q 'fsync\|fdatasync' "$T/fresh.trace"
	say $? "strace: a fresh build flushes once"
	# 50 pipelines x 5 artifacts + manifest.json
	[ "$(grep -c 'rename.* = 0' "$T/fresh.trace")" = 251 ]
	say $? "strace: every file is renamed into place once"
else
	echo "not ok strace: the traced build runs"
	sed 's/^/# /' "$T/fresh.err" | head -3
fi
if trace again; then
	! grep -q 'mkdir\|unlink' "$T/again.trace"
	say $? "strace: a rebuild makes no directory and unlinks nothing"
else
	echo "not ok strace: the traced rebuild runs"
fi
sed -i 's/^  validate {$/  validate { # none/; /^    not_null id$/d' "$S/pipelines/many.pipe"
sed -i '/^  validate { # none$/,/^  }$/d' "$S/pipelines/many.pipe"
if trace stale; then
	[ "$(grep -c 'unlink.* = 0' "$T/stale.trace")" = 50 ] && ! grep -q 'unlink.* = -1' "$T/stale.trace"
	say $? "strace: a rebuild unlinks exactly the 50 stale ruleset.json, none that is missing"
	[ -z "$(find "$T/sout" -name ruleset.json)" ]
	say $? "the stale ruleset.json files are gone"
else
	echo "not ok strace: the traced rebuild without rules runs"
fi
exit 0
