#include "source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

static void index_lines(struct source *src)
{
	size_t i, cap = 0;

	src->line_starts = NULL;
	src->nlines = 0;
	XGROW(src->line_starts, cap, 1);
	src->line_starts[src->nlines++] = 0;
	for (i = 0; i < src->len; i++) {
		if (src->text[i] == '\n') {
			XGROW(src->line_starts, cap, src->nlines + 1);
			src->line_starts[src->nlines++] = (uint32_t)(i + 1);
		}
	}
}

void source_from_string(struct source *src, const char *path, const char *text, size_t len)
{
	memset(src, 0, sizeof(*src));
	src->path = xstrdup(path);
	src->text = xstrndup(text, len);
	src->len = len;
	index_lines(src);
}

int source_load_file_max(struct source *src, const char *path, size_t max)
{
	struct strbuf sb = STRBUF_INIT;

	memset(src, 0, sizeof(*src));
	if (strbuf_read_file_max(&sb, path, max) < 0) {
		int e = errno;
		strbuf_release(&sb);
		errno = e;
		return -1;
	}
	src->path = xstrdup(path);
	src->len = sb.len;
	src->text = strbuf_detach(&sb, NULL);
	index_lines(src);
	return 0;
}

int source_load_file(struct source *src, const char *path)
{
	return source_load_file_max(src, path, SOURCE_MAX_BYTES);
}

void source_release(struct source *src)
{
	free(src->path);
	free(src->text);
	free(src->line_starts);
	memset(src, 0, sizeof(*src));
}

struct source_pos source_pos_of(const struct source *src, size_t offset)
{
	struct source_pos pos;
	size_t lo = 0, hi = src->nlines, i;

	if (offset > src->len)
		offset = src->len;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (src->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	pos.line = lo + 1;
	pos.col = 1;
	i = src->line_starts[lo];
	while (i < offset) {
		size_t n = utf8_seq_len((const unsigned char *)src->text + i, src->len - i);
		i += n ? n : 1;
		pos.col++;
	}
	return pos;
}

const char *source_line(const struct source *src, size_t line, size_t *len)
{
	size_t start, end;

	if (line < 1 || line > src->nlines) {
		*len = 0;
		return "";
	}
	start = src->line_starts[line - 1];
	end = line < src->nlines ? src->line_starts[line] - 1 : src->len;
	if (end > start && src->text[end - 1] == '\r')
		end--;
	*len = end - start;
	return src->text + start;
}

struct span span_make(size_t start, size_t end)
{
	struct span s;

	s.start = (uint32_t)start;
	s.end = (uint32_t)(end < start ? start : end);
	return s;
}

struct span span_join(struct span a, struct span b)
{
	struct span s;

	s.start = a.start < b.start ? a.start : b.start;
	s.end = a.end > b.end ? a.end : b.end;
	return s;
}

size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	size_t n, i;
	unsigned long cp;

	if (avail == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}
