/*
 * strbuf: a growable, always NUL-terminated byte buffer.
 * Invariant: `buf` is never NULL after strbuf_init (it points to a static
 * empty string until the first write).  The caller owns the struct; the
 * buffer is freed by strbuf_release or handed over by strbuf_detach.
 */
#ifndef PIPEC_STRBUF_H
#define PIPEC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { strbuf_empty, 0, 0 }
extern char strbuf_empty[];

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Returns the buffer (caller frees) and re-initialises sb. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Default limit of strbuf_read_file. */
#define STRBUF_READ_MAX ((size_t)1024 * 1024 * 1024)
/* Reads a whole regular file of at most max bytes, opened once (the type is
 * checked with fstat on the open descriptor; a FIFO never blocks).  Returns
 * 0, or -1 with errno set: EISDIR for a directory, ENODEV for any other
 * file that is not regular (but /dev/null, read as empty), EFBIG when more than max bytes were read. */
int strbuf_read_file_max(struct strbuf *sb, const char *path, size_t max);
int strbuf_read_file(struct strbuf *sb, const char *path);
/* The reason for an errno of the readers above, for messages: names the
 * file that is not regular and the one that is too large. */
const char *strbuf_file_error(int err);
/* Replaces path with the buffer atomically: writes a temporary file in the
 * same directory, fsyncs it and renames it over path.  An existing regular
 * file keeps its mode; a new file gets 0666 less the umask.  A symbolic link
 * at path is replaced by the file, its target is never written.  On failure
 * path is untouched, the temporary file removed, and -1 returned with errno
 * set. */
int strbuf_write_file(const struct strbuf *sb, const char *path);
/* Writes all of p[0..len) to fd, through short writes and EINTR.  Returns
 * 0, or -1 with errno (EIO when write makes no progress). */
int strbuf_write_all(int fd, const char *p, size_t len);

#endif
