#include "plan_diff.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define DIFF_CONTEXT 3
/* Beyond this many edits the shortest script is not worth its O(D^2)
 * memory: the changed middle is shown as one delete and one insert. */
#define DIFF_MAX_EDITS 2000

struct line {
	const char *p;
	size_t len;		/* without the newline */
	bool has_nl;
	unsigned long hash;
};

struct lines {
	struct line *items;
	size_t count, alloc;
};

enum op { OP_EQ, OP_DEL, OP_INS };

struct edit {
	enum op op;
	size_t a, b;		/* line index in a (EQ/DEL) and in b (EQ/INS) */
};

struct edits {
	struct edit *items;
	size_t count, alloc;
};

static void split_lines(const char *s, struct lines *out)
{
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		unsigned long h = 5381;
		size_t i;

		for (i = 0; i < len; i++)
			h = h * 33 + (unsigned char)s[i];
		XGROW(out->items, out->alloc, out->count + 1);
		out->items[out->count].p = s;
		out->items[out->count].len = len;
		out->items[out->count].has_nl = nl != NULL;
		out->items[out->count].hash = h;
		out->count++;
		s = nl ? nl + 1 : s + len;
	}
}

static bool line_eq(const struct line *x, const struct line *y)
{
	return x->hash == y->hash && x->len == y->len && x->has_nl == y->has_nl &&
	       memcmp(x->p, y->p, x->len) == 0;
}

static void push(struct edits *e, enum op op, size_t a, size_t b)
{
	XGROW(e->items, e->alloc, e->count + 1);
	e->items[e->count].op = op;
	e->items[e->count].a = a;
	e->items[e->count].b = b;
	e->count++;
}

/* Every line of a[a0..a1) deleted, then every line of b[b0..b1) inserted. */
static void replace_all(size_t a0, size_t a1, size_t b0, size_t b1, struct edits *out)
{
	size_t i;

	for (i = a0; i < a1; i++)
		push(out, OP_DEL, i, b0);
	for (i = b0; i < b1; i++)
		push(out, OP_INS, a1, i);
}

/*
 * Myers' greedy forward search over a[a0..a1) and b[b0..b1), keeping the
 * frontier of every round (2d+1 entries) to walk the path back.  Appends
 * the edits in order.
 */
static void myers(const struct lines *A, size_t a0, size_t a1, const struct lines *B, size_t b0,
		  size_t b1, struct edits *out)
{
	long n = (long)(a1 - a0), m = (long)(b1 - b0);
	long max = n + m, d, k, found = -1;
	long **trace;
	long *v;
	struct edits rev = { NULL, 0, 0 };
	long x, y;
	size_t i;

	if (n == 0 || m == 0) {
		/* one side empty: the search would take n + m rounds (and their
		 * n + m squared frontier) to find what replace_all writes */
		replace_all(a0, a1, b0, b1, out);
		return;
	}
	if (max > 2 * DIFF_MAX_EDITS)
		max = DIFF_MAX_EDITS;
	trace = xcalloc((size_t)max + 1, sizeof(*trace));
	v = xcalloc((size_t)(2 * max + 3), sizeof(*v));
	/* v is indexed by k + max + 1 so that k±1 stay in range. */
	for (d = 0; d <= max && found < 0; d++) {
		for (k = -d; k <= d; k += 2) {
			long *vk = &v[k + max + 1];

			if (k == -d || (k != d && vk[-1] < vk[1]))
				x = vk[1];
			else
				x = vk[-1] + 1;
			y = x - k;
			while (x < n && y < m &&
			       line_eq(&A->items[a0 + (size_t)x], &B->items[b0 + (size_t)y])) {
				x++;
				y++;
			}
			*vk = x;
			if (x >= n && y >= m) {
				found = d;
				break;
			}
		}
		trace[d] = xmalloc(sizeof(long) * (size_t)(2 * d + 1));
		for (k = -d; k <= d; k++)
			trace[d][k + d] = v[k + max + 1];
	}
	if (found < 0) {
		replace_all(a0, a1, b0, b1, out);
		goto done;
	}
	x = n;
	y = m;
	for (d = found; d > 0; d--) {
		long *prev = trace[d - 1];
		long pk, px, py;

		k = x - y;
		if (k == -d || (k != d && prev[k - 1 + (d - 1)] < prev[k + 1 + (d - 1)]))
			pk = k + 1;
		else
			pk = k - 1;
		px = prev[pk + (d - 1)];
		py = px - pk;
		while (x > px && y > py) {
			x--;
			y--;
			push(&rev, OP_EQ, a0 + (size_t)x, b0 + (size_t)y);
		}
		if (x == px) {
			y--;
			push(&rev, OP_INS, a0 + (size_t)x, b0 + (size_t)y);
		} else {
			x--;
			push(&rev, OP_DEL, a0 + (size_t)x, b0 + (size_t)y);
		}
	}
	while (x > 0 && y > 0) {
		x--;
		y--;
		push(&rev, OP_EQ, a0 + (size_t)x, b0 + (size_t)y);
	}
	for (i = rev.count; i-- > 0;)
		push(out, rev.items[i].op, rev.items[i].a, rev.items[i].b);
done:
	for (d = 0; d <= max; d++)
		free(trace[d]);
	free(trace);
	free(v);
	free(rev.items);
}

static void add_line(struct strbuf *out, char tag, const struct line *l)
{
	strbuf_addch(out, tag);
	strbuf_add(out, l->p, l->len);
	strbuf_addch(out, '\n');
	if (!l->has_nl)
		strbuf_addstr(out, "\\ No newline at end of file\n");
}

/* "-start,count" in unified-diff convention: an empty range names the line before it. */
static void add_range(struct strbuf *out, char sign, size_t start, size_t count)
{
	if (count == 0)
		strbuf_addf(out, "%c%zu,0", sign, start);
	else if (count == 1)
		strbuf_addf(out, "%c%zu", sign, start + 1);
	else
		strbuf_addf(out, "%c%zu,%zu", sign, start + 1, count);
}

static void emit_hunks(const struct edits *e, const struct lines *A, const struct lines *B,
		       struct strbuf *out)
{
	size_t i = 0;

	while (i < e->count) {
		size_t first, last, j, start, end, na = 0, nb = 0;

		while (i < e->count && e->items[i].op == OP_EQ)
			i++;
		if (i == e->count)
			break;
		first = i;
		last = i;
		/* extend while the next change is within 2*context equal lines */
		for (j = i; j < e->count; j++) {
			if (e->items[j].op != OP_EQ) {
				last = j;
			} else if (j - last > 2 * DIFF_CONTEXT) {
				break;
			}
		}
		start = first > DIFF_CONTEXT ? first - DIFF_CONTEXT : 0;
		end = last + 1 + DIFF_CONTEXT;
		if (end > e->count)
			end = e->count;
		for (j = start; j < end; j++) {
			if (e->items[j].op != OP_INS)
				na++;
			if (e->items[j].op != OP_DEL)
				nb++;
		}
		strbuf_addstr(out, "@@ ");
		add_range(out, '-', e->items[start].a, na);
		strbuf_addch(out, ' ');
		add_range(out, '+', e->items[start].b, nb);
		strbuf_addstr(out, " @@\n");
		for (j = start; j < end; j++) {
			const struct edit *ed = &e->items[j];

			if (ed->op == OP_EQ)
				add_line(out, ' ', &A->items[ed->a]);
			else if (ed->op == OP_DEL)
				add_line(out, '-', &A->items[ed->a]);
			else
				add_line(out, '+', &B->items[ed->b]);
		}
		i = end;
	}
}

bool plan_diff_text(const char *a, const char *b, const char *label_a, const char *label_b,
		    struct strbuf *out)
{
	struct lines A = { NULL, 0, 0 }, B = { NULL, 0, 0 };
	struct edits e = { NULL, 0, 0 };
	size_t pre = 0, suf = 0, i;

	if ((a ? a : "")[0] == '\0' && (b ? b : "")[0] == '\0')
		return false;
	if (a && b && !strcmp(a, b))
		return false;
	split_lines(a, &A);
	split_lines(b, &B);
	while (pre < A.count && pre < B.count && line_eq(&A.items[pre], &B.items[pre]))
		pre++;
	while (suf < A.count - pre && suf < B.count - pre &&
	       line_eq(&A.items[A.count - 1 - suf], &B.items[B.count - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++)
		push(&e, OP_EQ, i, i);
	myers(&A, pre, A.count - suf, &B, pre, B.count - suf, &e);
	for (i = 0; i < suf; i++)
		push(&e, OP_EQ, A.count - suf + i, B.count - suf + i);
	strbuf_addf(out, "--- %s\n+++ %s\n", a ? label_a : "/dev/null", b ? label_b : "/dev/null");
	emit_hunks(&e, &A, &B, out);
	free(A.items);
	free(B.items);
	free(e.items);
	return true;
}

static void field_push(struct plan_fields *f, const char *path, const json_t *o, const json_t *n)
{
	XGROW(f->items, f->alloc, f->count + 1);
	f->items[f->count].path = xstrdup(path);
	f->items[f->count].old_value = o ? json_incref((json_t *)o) : NULL;
	f->items[f->count].new_value = n ? json_incref((json_t *)n) : NULL;
	f->count++;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

size_t plan_diff_json(const json_t *o, const json_t *n, const char *prefix,
		      struct plan_fields *out)
{
	size_t before = out->count;

	if (o && n && json_equal((json_t *)o, (json_t *)n))
		return 0;
	if (o && n && json_is_object(o) && json_is_object(n)) {
		const char **keys = NULL;
		size_t nkeys = 0, alloc = 0, i;
		const char *key;
		json_t *val;

		json_object_foreach((json_t *)o, key, val) {
			XGROW(keys, alloc, nkeys + 1);
			keys[nkeys++] = key;
		}
		json_object_foreach((json_t *)n, key, val) {
			if (!json_object_get(o, key)) {
				XGROW(keys, alloc, nkeys + 1);
				keys[nkeys++] = key;
			}
		}
		if (nkeys)
			qsort(keys, nkeys, sizeof(*keys), cmp_str);
		for (i = 0; i < nkeys; i++) {
			struct strbuf p = STRBUF_INIT;

			if (*prefix)
				strbuf_addf(&p, "%s.%s", prefix, keys[i]);
			else
				strbuf_addstr(&p, keys[i]);
			plan_diff_json(json_object_get(o, keys[i]), json_object_get(n, keys[i]), p.buf,
				       out);
			strbuf_release(&p);
		}
		free(keys);
	} else if (o && n && json_is_array(o) && json_is_array(n) &&
		   json_array_size(o) == json_array_size(n)) {
		size_t i;

		for (i = 0; i < json_array_size(o); i++) {
			struct strbuf p = STRBUF_INIT;

			strbuf_addf(&p, "%s[%zu]", prefix, i);
			plan_diff_json(json_array_get(o, i), json_array_get(n, i), p.buf, out);
			strbuf_release(&p);
		}
	} else {
		field_push(out, *prefix ? prefix : "(value)", o, n);
	}
	return out->count - before;
}

void plan_fields_release(struct plan_fields *f)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		free(f->items[i].path);
		json_decref(f->items[i].old_value);
		json_decref(f->items[i].new_value);
	}
	free(f->items);
	f->items = NULL;
	f->count = f->alloc = 0;
}

char *plan_json_text(const json_t *v)
{
	char *s;

	if (!v)
		return xstrdup("null");
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!s)
		return xstrdup("null");
	return s;	/* jansson allocates with malloc: free() is right */
}
