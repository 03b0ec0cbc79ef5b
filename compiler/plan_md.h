/*
 * plan_md: the Markdown of a plan kept within a number of bytes, for a
 * pull-request comment (GitHub refuses comments over 65,536 characters).
 * When the full Markdown is longer, the longest field tables and script
 * diffs are replaced, one by one, by a line saying how many lines were left
 * out and where the full plan is; the resource tables, each change's
 * headline, warnings and schema edits stay.  When that is not enough the
 * Markdown is cut at a line and ends with a note.  A pipeline graph given
 * to end the Markdown with is left out before anything else (a note says
 * so).  Deterministic: the same plan and options give the same bytes.
 */
#ifndef PIPEC_PLAN_MD_H
#define PIPEC_PLAN_MD_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"
#include "strbuf.h"

/* The smallest max_bytes accepted (marker, cut note and link always fit). */
#define PLAN_MD_MIN_BYTES 1024
#define PLAN_MD_MAX_MARKER 200
#define PLAN_MD_MAX_URL 500

struct plan_md_limit {
	size_t max_bytes;		/* 0: no limit */
	const char *marker;		/* first line <!-- marker -->, or NULL */
	const char *full_plan_url;	/* where the full plan is, or NULL */
	const char *graph;		/* Markdown of the pipeline graph to end with, or
					   NULL; left out first (with a note) when the
					   whole would be over max_bytes */
};

/* What plan_md_render did to fit. */
struct plan_md_result {
	size_t elided;			/* field tables and script diffs left out */
	bool cut;			/* the Markdown was also cut at a line */
	bool graph_left_out;		/* the graph did not fit */
};

/* Appends p's Markdown to out, at most o->max_bytes bytes (which must be
 * 0 or >= PLAN_MD_MIN_BYTES, with marker and URL valid); res may be NULL. */
void plan_md_render(const struct plan *p, const struct plan_md_limit *o, struct strbuf *out,
		    struct plan_md_result *res);

/* A marker fits an HTML comment on one line: 1 to PLAN_MD_MAX_MARKER
 * printable ASCII bytes without "--" or '>'. */
bool plan_md_marker_ok(const char *s);
/* A URL usable as is in a Markdown link: 1 to PLAN_MD_MAX_URL printable
 * ASCII bytes, none of space, <>()[]"'`| or backslash. */
bool plan_md_url_ok(const char *s);

#endif
