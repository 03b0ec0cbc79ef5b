/*
 * plan_md: the Markdown of a plan within a size (see plan_md.h).
 */
#include "plan_md.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

bool plan_md_marker_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > PLAN_MD_MAX_MARKER || strstr(s, "--") || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '>')
			return false;
	return true;
}

bool plan_md_url_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > PLAN_MD_MAX_URL)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] > 0x7e || strchr("<>()[]\"'`|\\", s[i]))
			return false;
	return true;
}

/* The end of the line that replaces a block left out. */
static void hint_text(const struct plan_md_limit *o, struct strbuf *out)
{
	strbuf_addf(out, "left out to keep this plan within %zu bytes; ", o->max_bytes);
	if (o->full_plan_url)
		strbuf_addf(out, "[the full plan](%s) has them", o->full_plan_url);
	else
		strbuf_addstr(out, "`pipec plan` without `--max-bytes` shows them");
}

static size_t count_blocks(const size_t *bytes, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += bytes[i] != 0;
	return k;
}

/* The note a cut Markdown ends with. */
static void cut_note(const struct plan_md_limit *o, struct strbuf *out)
{
	strbuf_addf(out, "\n**The rest of this plan is left out: it does not fit in %zu bytes.** ",
		    o->max_bytes);
	if (o->full_plan_url)
		strbuf_addf(out, "[The full plan](%s) has it.\n", o->full_plan_url);
	else
		strbuf_addstr(out, "`pipec plan` without `--max-bytes` shows it.\n");
}

struct md_candidate {
	size_t change, saves;
	unsigned char bit;
};

/* Largest saving first; then the order of the plan (field table first). */
static int candidate_cmp(const void *a, const void *b)
{
	const struct md_candidate *x = a, *y = b;

	if (x->saves != y->saves)
		return x->saves < y->saves ? 1 : -1;
	if (x->change != y->change)
		return x->change < y->change ? -1 : 1;
	return x->bit < y->bit ? -1 : x->bit > y->bit;
}

/* Chooses the blocks to leave out so that full_len shrinks to max: the
 * largest savings first.  full and short_ hold each block's bytes in full
 * and left out (0: no such block).  Returns the predicted length. */
static size_t choose_elided(const struct plan *p, const size_t *full, const size_t *short_,
			    size_t full_len, size_t max, unsigned char *elide, size_t *nelided)
{
	struct md_candidate *cand = xcalloc(2 * p->count + 1, sizeof(*cand));
	size_t n = 0, i, len = full_len;

	for (i = 0; i < 2 * p->count; i++)
		if (full[i] && full[i] > short_[i]) {
			cand[n].change = i / 2;
			cand[n].bit = i % 2 ? PLAN_MD_ELIDE_DIFF : PLAN_MD_ELIDE_FIELDS;
			cand[n++].saves = full[i] - short_[i];
		}
	qsort(cand, n, sizeof(*cand), candidate_cmp);
	for (i = 0; i < n && len > max; i++) {
		elide[cand[i].change] |= cand[i].bit;
		len -= cand[i].saves;
		(*nelided)++;
	}
	free(cand);
	return len;
}

/* Cuts out at the last line end that leaves room for the note (keeping
 * at least keep_min bytes: the marker line), and appends the note. */
static void cut_at_line(struct strbuf *out, size_t keep_min, const struct plan_md_limit *o,
			size_t max)
{
	struct strbuf note = STRBUF_INIT;
	size_t room, pos;

	cut_note(o, &note);
	room = max - note.len;
	pos = out->len < room ? out->len : room;
	while (pos > keep_min && out->buf[pos - 1] != '\n')
		pos--;
	strbuf_setlen(out, pos);
	strbuf_add(out, note.buf, note.len);
	strbuf_release(&note);
}

/* The plan's Markdown within max bytes (0: no limit; the notes name
 * o->max_bytes). */
static void render_fit(const struct plan *p, const struct plan_md_limit *o, size_t max,
		       struct strbuf *out, struct plan_md_result *res)
{
	struct plan_md_layout l = { o->marker, NULL, NULL, NULL };
	struct strbuf md = STRBUF_INIT, hint = STRBUF_INIT;
	size_t *full, *short_, full_len;
	unsigned char *elide;
	struct plan_md_result r = { 0, false, false };

	full = xcalloc(2 * p->count + 1, sizeof(*full));
	short_ = xcalloc(2 * p->count + 1, sizeof(*short_));
	elide = xcalloc(p->count + 1, 1);
	l.block_bytes = full;
	plan_render_markdown(p, &l, &md);
	full_len = md.len;
	if (max && full_len > max) {
		hint_text(o, &hint);
		l.hint = hint.buf;
		/* every block left out, to measure each one's short form */
		memset(elide, PLAN_MD_ELIDE_FIELDS | PLAN_MD_ELIDE_DIFF, p->count);
		l.elide = elide;
		l.block_bytes = short_;
		strbuf_reset(&md);
		plan_render_markdown(p, &l, &md);
		memset(elide, 0, p->count);
		choose_elided(p, full, short_, full_len, max, elide, &r.elided);
		l.block_bytes = NULL;
		strbuf_reset(&md);
		plan_render_markdown(p, &l, &md);
		if (md.len > max) {
			/* every block short (no <details> or fence left open by
			 * the cut), then cut at a line */
			memset(elide, PLAN_MD_ELIDE_FIELDS | PLAN_MD_ELIDE_DIFF, p->count);
			strbuf_reset(&md);
			plan_render_markdown(p, &l, &md);
			r.elided = count_blocks(short_, 2 * p->count);
			r.cut = true;
			cut_at_line(&md, o->marker ? strlen(o->marker) + 10 : 0, o, max);
		}
	}
	strbuf_add(out, md.buf, md.len);
	if (res)
		*res = r;
	strbuf_release(&md);
	strbuf_release(&hint);
	free(full);
	free(short_);
	free(elide);
}

/* The line that replaces the pipeline graph when it does not fit. */
static void graph_note(const struct plan_md_limit *o, struct strbuf *out)
{
	strbuf_addf(out, "\n_The pipeline graph is left out: with it this plan would not fit "
			 "in %zu bytes. `pipec graph` draws it._\n", o->max_bytes);
}

void plan_md_render(const struct plan *p, const struct plan_md_limit *o, struct strbuf *out,
		    struct plan_md_result *res)
{
	struct strbuf md = STRBUF_INIT, note = STRBUF_INIT;
	struct plan_md_result r = { 0, false, false };
	size_t glen = o->graph ? strlen(o->graph) : 0;

	if (!glen) {
		render_fit(p, o, o->max_bytes, out, res);
		return;
	}
	render_fit(p, o, 0, &md, &r);
	if (!o->max_bytes || md.len + 1 + glen <= o->max_bytes) {
		strbuf_add(out, md.buf, md.len);
		strbuf_addch(out, '\n');
		strbuf_add(out, o->graph, glen);
	} else {
		/* the graph goes first */
		graph_note(o, &note);
		strbuf_reset(&md);
		render_fit(p, o, o->max_bytes - note.len, &md, &r);
		r.graph_left_out = true;
		strbuf_add(out, md.buf, md.len);
		strbuf_add(out, note.buf, note.len);
	}
	if (res)
		*res = r;
	strbuf_release(&md);
	strbuf_release(&note);
}
