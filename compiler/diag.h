/*
 * diag: user-facing diagnostics.  Every phase reports mistakes in the
 * user's files here (never by printing), keeps going, and the CLI renders
 * the whole set at the end in the GCC/clang layout, as JSON, or as GitHub
 * workflow-command annotations.  Messages are lowercase, without a trailing
 * period, names in single quotes.
 *
 * Ownership: the set owns every diag and note; sources are borrowed and
 * must outlive the set.
 */
#ifndef PIPEC_DIAG_H
#define PIPEC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "source.h"

enum diag_severity { DIAG_ERROR, DIAG_WARNING };
enum diag_format { DIAG_FORMAT_TEXT, DIAG_FORMAT_JSON, DIAG_FORMAT_GITHUB };

struct diag_note {
	bool is_help;			/* help: vs note: */
	const struct source *src;	/* NULL: no location */
	struct span span;
	char *msg;
};

struct diag {
	enum diag_severity severity;
	const struct source *src;	/* NULL: not tied to a file */
	struct span span;
	bool has_span;			/* false: whole file (path only) */
	char *msg;
	struct diag_note *notes;
	size_t nnotes, notes_alloc;
	size_t seq;			/* emission order, for stable sorting */
};

struct diag_set {
	struct diag **items;
	size_t count, alloc;
	size_t nerrors, nwarnings;
	size_t error_limit;		/* per source; 0 = unlimited */
	size_t *per_source;		/* errors per source index */
	size_t per_source_alloc;
	bool truncated;
	bool warnings_as_errors;
};

void diag_set_init(struct diag_set *ds);
void diag_set_release(struct diag_set *ds);

/* Report at a span of src.  The returned diag takes notes and helps. */
struct diag *diag_error(struct diag_set *ds, const struct source *src, struct span span,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
struct diag *diag_warning(struct diag_set *ds, const struct source *src, struct span span,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same with a va_list, for modules that wrap reporting (they count
 * their own errors). */
struct diag *diag_vreport(struct diag_set *ds, enum diag_severity sev, const struct source *src,
			  struct span span, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* Report about a whole file (src may be NULL: then `path` names it, or nothing). */
struct diag *diag_error_file(struct diag_set *ds, const struct source *src, const char *path,
			     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_help(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(struct diag *d, const struct source *src, struct span span,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_note_plain(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True once src has reached the error limit: phases may stop early. */
bool diag_limit_reached(const struct diag_set *ds, const struct source *src);

/* Sorts by file then position (stable) and writes all diagnostics.
 * text goes to err; json and github go to out. */
void diag_render(struct diag_set *ds, enum diag_format fmt, FILE *out, FILE *err);
/* Parses "text" / "json" / "github"; returns -1 on anything else. */
int diag_format_parse(const char *s, enum diag_format *out);

/* The closest candidate to word by edit distance, or NULL when nothing is
 * close enough to be a plausible typo. */
const char *diag_closest(const char *word, const char *const *cands, size_t n);

#endif
