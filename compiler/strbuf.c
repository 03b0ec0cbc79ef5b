#include "strbuf.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	strbuf_grow(sb, 0);
	res = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return res;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	int fresh = sb->alloc == 0;

	if (need < sb->len)
		xmalloc((size_t)-1);
	if (need <= sb->alloc)
		return;
	if (fresh)
		sb->buf = NULL;
	XGROW(sb->buf, sb->alloc, need);
	if (fresh)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addchars(struct strbuf *sb, int c, size_t n)
{
	if (!n)
		return;
	strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

/* Formats into the room the buffer has (at least 64 bytes), and a second
 * time only when the text did not fit: one vsnprintf for most calls. */
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	size_t room;
	int n;

	strbuf_grow(sb, 64);
	room = sb->alloc - sb->len;
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, room, fmt, cp);
	va_end(cp);
	if (n <= 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* /dev/null reads as an empty file (AWS_CONFIG_FILE=/dev/null is the
 * usual way to switch a config file off); every other device is refused. */
static bool is_null_device(const struct stat *st)
{
	struct stat null;

	return S_ISCHR(st->st_mode) && stat("/dev/null", &null) == 0 &&
	       S_ISCHR(null.st_mode) && st->st_rdev == null.st_rdev;
}

int strbuf_read_file_max(struct strbuf *sb, const char *path, size_t max)
{
	char tmp[65536];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd, e;

	/* O_NONBLOCK: opening a FIFO with no writer must not hang; the type
	 * is checked on the open descriptor, never by a separate stat. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		goto fail;
	if (!S_ISREG(st.st_mode) && !is_null_device(&st)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
		goto fail;
	}
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		/* the limit counts the bytes read, not st_size: a file that
		 * grows while it is read stops here too */
		if ((size_t)n > max - got) {
			errno = EFBIG;
			goto fail;
		}
		strbuf_add(sb, tmp, (size_t)n);
		got += (size_t)n;
	}
	close(fd);
	strbuf_grow(sb, 0);
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

const char *strbuf_file_error(int err)
{
	if (err == ENODEV)
		return "not a regular file (a FIFO, device or socket)";
	if (err == EFBIG)
		return "file too large";
	return strerror(err);
}

int strbuf_read_file(struct strbuf *sb, const char *path)
{
	return strbuf_read_file_max(sb, path, STRBUF_READ_MAX);
}

int strbuf_write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The mode a new file gets from fopen: 0666 without the umask. */
static mode_t new_file_mode(void)
{
	mode_t um = umask(0);

	umask(um);
	return 0666 & ~um;
}

int strbuf_write_file(const struct strbuf *sb, const char *path)
{
	struct strbuf tmp = STRBUF_INIT;
	const char *slash = strrchr(path, '/');
	mode_t mode = new_file_mode();
	struct stat st;
	int fd, e;

	/* the temporary file sits beside the target so rename() is atomic */
	if (slash)
		strbuf_add(&tmp, path, (size_t)(slash - path + 1));
	strbuf_addf(&tmp, ".%s.tmp.XXXXXX", slash ? slash + 1 : path);
	/* lstat: a symbolic link at the target is replaced, never followed */
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			strbuf_release(&tmp);
			errno = EISDIR;
			return -1;
		}
		if (S_ISREG(st.st_mode))
			mode = st.st_mode & 07777;
	}
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		e = errno;
		strbuf_release(&tmp);
		errno = e;
		return -1;
	}
	if (fchmod(fd, mode) != 0 || strbuf_write_all(fd, sb->buf, sb->len) != 0 ||
	    fsync(fd) != 0) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		e = errno;
		goto fail;
	}
	if (rename(tmp.buf, path) != 0) {
		e = errno;
		goto fail;
	}
	strbuf_release(&tmp);
	return 0;
fail:
	unlink(tmp.buf);
	strbuf_release(&tmp);
	errno = e;
	return -1;
}
