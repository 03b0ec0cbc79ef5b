#!/bin/sh
# Files pipec writes and reads: every output is replaced atomically (a
# failing write leaves the original intact, keeps its mode, writes no
# symbolic link's target), a failed write to stdout is exit 1, and every
# input must be a regular file within its size limit (a FIFO, device or
# directory is refused at once, never a hang).  Writes fail for real: on a
# full tmpfs when mounting is allowed, else through an LD_PRELOAD shim that
# fails write() on pipec's temporary files with ENOSPC.
set -u
T=$SUITE_TMP
say() { if [ "$1" = 0 ]; then echo "ok $2"; else echo "not ok $2"; fi; }
# expect_fail NAME STATUS CMD...: CMD exits STATUS within 10 s
expect_fail() {
	name=$1 want=$2
	shift 2
	timeout 10 "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		echo "ok $name"
	else
		echo "not ok $name"
		echo "# exit $rc, wanted $want"
		sed 's/^/# stderr: /' "$T/err" | head -5
	fi
}

# a small project: one pipeline with a file source, and the catalog
P=$T/proj
mkdir -p "$P/pipelines" "$P/data"
cp "$ROOT/tests/golden/check-source-file-missing/pipec.yaml" "$P/pipec.yaml"
printf 'id,name\n1,a\n' >"$P/data/customers.csv"
cat >"$P/pipelines/c.pipe" <<'PIPE'
pipeline customers {
  source file "data/customers.csv" {
    format csv
    header
  }
  target parquet "s3://${lake_bucket}/customers/" table lake.customers
  columns {
    id   int    required
    name string
  }
  mode replace
  schedule on demand
}
PIPE
cp "$ROOT/examples/catalog.yaml" "$T/catalog.yaml"
"$PIPEC" check --no-catalog "$P" >"$T/err" 2>&1
say $? "the project checks clean"
sed 's/^/# /' "$T/err" | head -5

# --- the write-failure shim
cat >"$T/shim.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static int is_tmp(int fd)
{
	char link[64], target[4096];
	ssize_t n;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = 0;
	return strstr(target, ".tmp.") != NULL;
}
ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (is_tmp(fd)) {
		errno = ENOSPC;
		return -1;
	}
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	return real(fd, buf, len);
}
int fsync(int fd)
{
	(void)fd;
	errno = ENOSPC;
	return -1;
}
C
cc -shared -fPIC -o "$T/shim.so" "$T/shim.c" -ldl
say $? "the write-failure shim builds"
# ASan insists on coming first; the shim only wraps write() and fsync()
cat >"$T/failing" <<SH
#!/bin/sh
ASAN_OPTIONS="\${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD="$T/shim.so" exec "\$@"
SH
chmod +x "$T/failing"
failing="$T/failing"

# --- fmt --write on a full file system
UNFORMATTED='pipeline   x {
source file "data/customers.csv" { format csv }
target parquet "s3://b/x/" table lake.x
columns { id int }
}
'
M=$T/mnt
mkdir -p "$M"
if mount -t tmpfs -o size=64k tmpfs "$M" 2>/dev/null; then
	echo "# fmt --write: on a full tmpfs"
	printf '%s' "$UNFORMATTED" >"$M/x.pipe"
	dd if=/dev/zero of="$M/fill" bs=1k count=1024 2>/dev/null
	cp "$M/x.pipe" "$T/x.orig"
	expect_fail "fmt --write on a full file system fails" 1 "$PIPEC" fmt --write "$M/x.pipe"
	cmp -s "$M/x.pipe" "$T/x.orig"
	say $? "fmt --write on a full file system leaves the file intact"
	[ -z "$(ls -A "$M" | grep -v '^x.pipe$' | grep -v '^fill$')" ]
	say $? "fmt --write on a full file system leaves no temporary file"
	umount "$M"
else
	echo "# fmt --write: mounting is not permitted, through the shim"
	printf '%s' "$UNFORMATTED" >"$M/x.pipe"
	cp "$M/x.pipe" "$T/x.orig"
	expect_fail "fmt --write on a full file system fails" 1 "$failing" "$PIPEC" fmt --write "$M/x.pipe"
	cmp -s "$M/x.pipe" "$T/x.orig"
	say $? "fmt --write on a full file system leaves the file intact"
	[ "$(ls -A "$M")" = x.pipe ]
	say $? "fmt --write on a full file system leaves no temporary file"
fi
grep -q "x.pipe" "$T/err"
say $? "the fmt --write error names the file"

# --- build, plan --out, catalog fmt -o with a failing write
B=$T/build
"$PIPEC" build --no-catalog -o "$B" "$P" >/dev/null 2>&1
say $? "build writes"
cp "$B/customers/job.py" "$T/job.orig"
chmod 0640 "$B/customers/job.py"
expect_fail "build with a failing write fails" 1 "$failing" "$PIPEC" build --no-catalog -o "$B" "$P"
cmp -s "$B/customers/job.py" "$T/job.orig"
say $? "build with a failing write leaves job.py intact"
[ -z "$(find "$B" -name '.*.tmp.*')" ]
say $? "build with a failing write leaves no temporary file"
# a successful build keeps the mode of the file it replaces
echo "# stale" >>"$B/customers/job.py"
"$PIPEC" build --no-catalog -o "$B" "$P" >/dev/null 2>&1
[ "$(stat -c %a "$B/customers/job.py")" = 640 ] && cmp -s "$B/customers/job.py" "$T/job.orig"
say $? "build keeps the mode of the file it replaces"
( umask 027; rm -f "$B/customers/job.json"; "$PIPEC" build --no-catalog -o "$B" "$P" >/dev/null 2>&1 )
[ "$(stat -c %a "$B/customers/job.json")" = 640 ]
say $? "a new file gets 0666 less the umask"

echo '{"old": true}' >"$T/plan.json"
cp "$T/plan.json" "$T/plan.orig"
expect_fail "plan --out with a failing write fails" 1 "$failing" "$PIPEC" plan --no-catalog --against "$B" --out "$T/plan.json" "$P"
cmp -s "$T/plan.json" "$T/plan.orig"
say $? "plan --out with a failing write leaves the file intact"

echo "old" >"$T/cat.out"
expect_fail "catalog fmt -o with a failing write fails" 1 "$failing" "$PIPEC" catalog fmt -o "$T/cat.out" "$T/catalog.yaml"
[ "$(cat "$T/cat.out")" = old ]
say $? "catalog fmt -o with a failing write leaves the file intact"
"$PIPEC" catalog fmt -o "$T/cat.out" "$T/catalog.yaml" >/dev/null 2>&1 && [ "$(cat "$T/cat.out")" != old ]
say $? "catalog fmt -o writes without the shim"

# --- a symbolic link planted in the build directory is not written through
echo "outside" >"$T/outside.py"
rm -f "$B/customers/job.py"
ln -s "$T/outside.py" "$B/customers/job.py"
"$PIPEC" build --no-catalog -o "$B" "$P" >/dev/null 2>&1
[ "$(cat "$T/outside.py")" = outside ] && [ ! -L "$B/customers/job.py" ] && [ -f "$B/customers/job.py" ]
say $? "build replaces a planted symbolic link, its target is untouched"

# --- nor a symbolic link planted as a pipeline's directory (DIR/events -> elsewhere)
mkdir -p "$T/elsewhere"
echo "keep" >"$T/elsewhere/job.py"
rm -rf "$B/customers"
ln -s "$T/elsewhere" "$B/customers"
"$PIPEC" build --no-catalog -o "$B" "$P" >"$T/dirlink.out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(ls "$T/elsewhere")" = job.py ] && [ "$(cat "$T/elsewhere/job.py")" = keep ] &&
	[ ! -L "$B/customers" ] && [ -d "$B/customers" ] && [ -f "$B/customers/job.py" ] &&
	[ -f "$B/customers/job.json" ]
say $? "build replaces a symbolic link planted as a pipeline directory; what it points to is untouched"
rm -rf "$B/customers"
echo "not a directory" >"$B/customers"
"$PIPEC" build --no-catalog -o "$B" "$P" >"$T/dirfile.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "customers': something that is not a directory is in the way" "$T/dirfile.out" &&
	[ "$(cat "$B/customers")" = "not a directory" ]
say $? "a file in the way of a pipeline directory is an error, left as it is"
rm -f "$B/customers"
"$PIPEC" build --no-catalog -o "$B" "$P" >/dev/null 2>&1

# --- a failed write to stdout is exit 1
expect_fail "fmt > /dev/full exits 1" 1 sh -c '"$0" fmt "$1" >/dev/full' "$PIPEC" "$P/pipelines/c.pipe"
grep -q "standard output" "$T/err"
say $? "the /dev/full error is on stderr"
expect_fail "check --dump-model > /dev/full exits 1" 1 sh -c '"$0" check --no-catalog --dump-model "$1" >/dev/full' "$PIPEC" "$P"
expect_fail "build (errors) > /dev/full exits 1" 1 sh -c '"$0" build --no-catalog -o "$1/b2" "$2" >/dev/full 2>&1' "$PIPEC" "$T" "$T/nonexistent"
expect_fail "plan --against > /dev/full exits 1" 1 sh -c '"$0" plan --no-catalog --against "$1" "$2" >/dev/full' "$PIPEC" "$B" "$P"
expect_fail "catalog fmt > /dev/full exits 1" 1 sh -c '"$0" catalog fmt "$1" >/dev/full' "$PIPEC" "$T/catalog.yaml"
expect_fail "--help > /dev/full exits 1" 1 sh -c '"$0" --help >/dev/full' "$PIPEC"

# --- inputs must be regular files
mkfifo "$T/fifo.pipe" "$T/fifo.yaml" "$T/fifo.csv"
mkdir -p "$T/dir.yaml"
for kind in zero fifo dir; do
	case $kind in
	zero) pipe=/dev/zero yaml=/dev/zero cat=/dev/zero ;;
	fifo) pipe=$T/fifo.pipe yaml=$T/fifo.yaml cat=$T/fifo.yaml ;;
	dir) pipe=$T/dir.yaml yaml=$T/dir.yaml cat=$T/dir.yaml ;;
	esac
	if [ "$kind" != dir ]; then
		expect_fail "$kind as .pipe is refused" 1 "$PIPEC" fmt "$pipe"
	fi
	expect_fail "$kind as pipec.yaml is refused" 1 "$PIPEC" check --config "$yaml" "$P"
	expect_fail "$kind as catalog snapshot (check) is refused" 1 "$PIPEC" check --catalog "$cat" "$P"
	expect_fail "$kind as catalog snapshot (catalog check) is refused" 1 "$PIPEC" catalog check "$cat"
done
expect_fail "a FIFO as deploy --plan is refused" 1 "$PIPEC" deploy --plan "$T/fifo.yaml"
expect_fail "/dev/zero as deploy --plan is refused" 1 "$PIPEC" deploy --plan /dev/zero
grep -q "not a regular file" "$T/err"
say $? "the refusal says why"

# source file: a FIFO, a device, a directory
Q=$T/q
mkdir -p "$Q/pipelines" "$Q/data/dir.csv"
cp "$P/pipec.yaml" "$Q/"
mkfifo "$Q/data/fifo.csv"
ln -s /dev/zero "$Q/data/zero.csv"
for f in fifo zero dir; do
	sed "s|data/customers.csv|data/$f.csv|" "$P/pipelines/c.pipe" >"$Q/pipelines/c.pipe"
	expect_fail "source file: $f is refused" 1 "$PIPEC" check --no-catalog "$Q"
done
grep -q "c.pipe:2:" "$T/err"
say $? "the source file refusal is located"

# source file: outside the root
echo "secret" >"$T/secret.csv"
sed 's|data/customers.csv|../secret.csv|' "$P/pipelines/c.pipe" >"$Q/pipelines/c.pipe"
expect_fail "source file: ../ outside the root is refused" 1 "$PIPEC" check --no-catalog "$Q"
grep -q "outside the project root" "$T/err"
say $? "the ../ refusal says outside the project root"
ln -s "$T/secret.csv" "$Q/data/link.csv"
sed 's|data/customers.csv|data/link.csv|' "$P/pipelines/c.pipe" >"$Q/pipelines/c.pipe"
expect_fail "source file: a symbolic link out of the root is refused" 1 "$PIPEC" check --no-catalog "$Q"
grep -q "outside the project root" "$T/err"
say $? "the symbolic link refusal says outside the project root"
ln -s customers.csv "$P/data/inside.csv"
sed 's|data/customers.csv|data/inside.csv|' "$P/pipelines/c.pipe" >"$Q/pipelines/c.pipe"
cp "$P/data/customers.csv" "$Q/data/"
ln -s customers.csv "$Q/data/inside.csv"
timeout 10 "$PIPEC" check --no-catalog "$Q" >/dev/null 2>&1
say $? "source file: a symbolic link inside the root is fine"

# --- YAML: nesting, a second document, S3 key prefixes
deep() { i=0; while [ $i -lt 200 ]; do printf '['; i=$((i + 1)); done; echo; }
{ cat "$P/pipec.yaml"; printf 'x: '; deep; } >"$T/deep.yaml"
expect_fail "pipec.yaml nested 200 deep is refused" 1 "$PIPEC" check --no-catalog --config "$T/deep.yaml" "$P"
grep -q "nested deeper than 64" "$T/err"
say $? "the pipec.yaml nesting error names the limit"
{ printf 'version: 1\nx: '; deep; } >"$T/deep-cat.yaml"
expect_fail "catalog snapshot nested 200 deep is refused" 1 "$PIPEC" catalog check "$T/deep-cat.yaml"
grep -q "nested deeper than 64" "$T/err"
say $? "the snapshot nesting error names the limit"
{ cat "$P/pipec.yaml"; printf -- '---\nproject: other\n'; } >"$T/two.yaml"
expect_fail "a second document in pipec.yaml is refused" 1 "$PIPEC" check --no-catalog --config "$T/two.yaml" "$P"
grep -q "two.yaml:[0-9]*:[0-9]*: error: pipec.yaml holds more than one YAML document" "$T/err"
say $? "the second document error is located"
for bad in 'a/../b/' './x/' 'a//b/' 'x\\x01y/'; do
	printf '%s\n' "$(cat "$P/pipec.yaml")" | sed "s|^    script_bucket: shop-dev-artifacts|&\n    script_prefix: \"$bad\"|" >"$T/prefix.yaml"
	expect_fail "script_prefix '$bad' is refused" 1 "$PIPEC" check --no-catalog --config "$T/prefix.yaml" "$P"
	grep -q "prefix.yaml:[0-9]*:[0-9]*: error: script_prefix" "$T/err"
	say $? "script_prefix '$bad': the error is located"
done
sed "s|^    script_bucket: shop-dev-artifacts|&\n    script_prefix: \"jobs/v1/\"|" "$P/pipec.yaml" >"$P/prefix.yaml"
timeout 10 "$PIPEC" check --no-catalog --config "$P/prefix.yaml" "$P" >/dev/null 2>&1
say $? "script_prefix 'jobs/v1/' is fine"
exit 0
