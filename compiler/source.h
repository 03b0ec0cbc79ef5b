/*
 * source: one input text (a .pipe file, pipec.yaml, a catalog snapshot)
 * with a line index.  Locations everywhere are byte spans into `text`;
 * they become line:column only when a diagnostic is rendered.
 * Columns are 1-based and count UTF-8 characters (invalid bytes count one).
 */
#ifndef PIPEC_SOURCE_H
#define PIPEC_SOURCE_H

#include <stddef.h>
#include <stdint.h>

/* .pipe files and pipec.yaml larger than this are refused: keeps the memory
 * of a check bounded (at worst about 90 times this: millions of tiny settings). */
#define SOURCE_MAX_BYTES (16u * 1024u * 1024u)
/* Catalog snapshots of large accounts are bigger (about 540 bytes a table):
 * their own limit, still well inside 32-bit spans. */
#define SOURCE_MAX_SNAPSHOT_BYTES (1024u * 1024u * 1024u)

struct span {
	uint32_t start;
	uint32_t end;	/* exclusive */
};

struct source {
	char *path;	/* as given by the user; owned */
	char *text;	/* NUL-terminated (text may itself contain NULs); owned */
	size_t len;
	uint32_t *line_starts;	/* offset of each line; owned */
	size_t nlines;
	int index;	/* order of loading, for stable sorting of diagnostics */
};

struct source_pos {
	size_t line;	/* 1-based */
	size_t col;	/* 1-based, in characters */
};

/* Loads a file of at most SOURCE_MAX_BYTES.  Returns 0, or -1 with errno
 * set (EFBIG when too large). */
int source_load_file(struct source *src, const char *path);
/* The same with another size limit. */
int source_load_file_max(struct source *src, const char *path, size_t max);
/* Takes a copy of text. */
void source_from_string(struct source *src, const char *path, const char *text, size_t len);
void source_release(struct source *src);
struct source_pos source_pos_of(const struct source *src, size_t offset);
/* The text of 1-based line `line` without its newline. */
const char *source_line(const struct source *src, size_t line, size_t *len);
struct span span_make(size_t start, size_t end);
struct span span_join(struct span a, struct span b);



/* Length of the valid UTF-8 sequence at p (1..4), or 0 when the byte at p
 * does not start a valid sequence within avail bytes. */
size_t utf8_seq_len(const unsigned char *p, size_t avail);
#endif
