/*
 * plan_render: the three renderings of a plan (text for a terminal,
 * Markdown for a pull-request comment, versioned JSON for tools and for
 * `pipec deploy --plan`) and the reader of that JSON.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const action_marks[PLAN_NACTIONS] = { "=", "+", "~", "-/+", "-", "?" };

static size_t nchanges(const struct plan *p)
{
	return p->counts[PLAN_CREATE] + p->counts[PLAN_UPDATE] + p->counts[PLAN_REPLACE] +
	       p->counts[PLAN_DESTROY];
}

static void summary(const struct plan *p, struct strbuf *out)
{
	strbuf_addf(out, "%zu to create, %zu to update, %zu to replace, %zu to destroy, %zu unchanged",
		    p->counts[PLAN_CREATE], p->counts[PLAN_UPDATE], p->counts[PLAN_REPLACE],
		    p->counts[PLAN_DESTROY], p->counts[PLAN_UNCHANGED]);
	if (p->counts[PLAN_KEEP])
		strbuf_addf(out, ", %zu undeclared kept", p->counts[PLAN_KEEP]);
}

static void against_label(const struct plan *p, struct strbuf *out)
{
	if (!strcmp(p->against, "live"))
		strbuf_addstr(out, "the deployed resources");
	else
		strbuf_addf(out, "build '%s'", p->against);
}

static void value_text(const json_t *v, struct strbuf *out)
{
	char *s;

	if (!v) {
		strbuf_addstr(out, "(absent)");
		return;
	}
	s = plan_json_text(v);
	strbuf_addstr(out, s);
	free(s);
}

static void indent_lines(struct strbuf *out, const char *text, const char *pad)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		strbuf_addstr(out, pad);
		strbuf_add(out, text, len);
		strbuf_addch(out, '\n');
		text += len + (nl ? 1 : 0);
	}
}

/* "add-column tier string", "widen-type amount int -> bigint" */
static void edit_summary(const json_t *e, struct strbuf *out)
{
	const char *col = json_string_value(json_object_get(e, "column"));
	const char *from = json_string_value(json_object_get(e, "from"));
	const char *to = json_string_value(json_object_get(e, "to"));

	strbuf_addstr(out, json_string_value(json_object_get(e, "edit")));
	if (col)
		strbuf_addf(out, " %s", col);
	if (from && to)
		strbuf_addf(out, " %s -> %s", from, to);
	else if (from || to)
		strbuf_addf(out, " %s", from ? from : to);
}

static const char *edit_class(const json_t *e)
{
	const char *cls = json_string_value(json_object_get(e, "class"));

	return cls ? cls : "?";
}

static void breaking_footer(const struct plan *p, struct strbuf *out)
{
	size_t n = plan_schema_edit_count(p, "breaking");

	if (n)
		strbuf_addf(out, "\n%zu breaking schema edit%s: pipec deploy applies %s only with --allow-breaking.\n",
			    n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
}

static void render_text(const struct plan *p, struct strbuf *out)
{
	const char *cur = NULL;
	size_t i, j;

	strbuf_addf(out, "Plan for project '%s', environment '%s', against ", p->project,
		    p->environment);
	against_label(p, out);
	strbuf_addstr(out, "\n");
	if (p->account)
		strbuf_addf(out, "Account %s, region %s\n", p->account, p->region ? p->region : "?");
	for (i = 0; i < p->count; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->action == PLAN_UNCHANGED)
			continue;
		if (!cur || strcmp(cur, c->pipeline)) {
			cur = c->pipeline;
			if (!strcmp(cur, PLAN_PIPELINE_ALERTS))
				strbuf_addf(out, "\nalerts of environment '%s'\n", p->environment);
			else
				strbuf_addf(out, "\npipeline %s\n", *cur ? cur : "(undeclared)");
		}
		strbuf_addf(out, "  %s %s %s (%s)\n", action_marks[c->action], plan_kind_name(c->kind),
			    c->name, plan_action_name(c->action));
		if (c->note)
			strbuf_addf(out, "      note: %s\n", c->note);
		if (c->action == PLAN_UPDATE || c->action == PLAN_REPLACE)
			for (j = 0; j < c->fields.count; j++) {
				strbuf_addf(out, "      %s: ", c->fields.items[j].path);
				value_text(c->fields.items[j].old_value, out);
				strbuf_addstr(out, " -> ");
				value_text(c->fields.items[j].new_value, out);
				strbuf_addch(out, '\n');
			}
		for (j = 0; j < json_array_size(c->schema_edits); j++) {
			const json_t *e = json_array_get(c->schema_edits, j);

			strbuf_addf(out, "      schema (%s): ", edit_class(e));
			edit_summary(e, out);
			strbuf_addf(out, ": %s\n",
				    json_string_value(json_object_get(e, "consequence")));
		}
		if (c->script_diff && c->action != PLAN_CREATE)
			indent_lines(out, c->script_diff, "      ");
	}
	for (i = 0; i < p->nerrors; i++)
		strbuf_addf(out, "\nerror: %s", p->errors[i]);
	if (p->nerrors)
		strbuf_addch(out, '\n');
	if (p->nwarnings)
		strbuf_addstr(out, "\nwarnings:\n");
	for (i = 0; i < p->nwarnings; i++)
		strbuf_addf(out, "  %s: %s: %s\n", p->warnings[i].pipeline, p->warnings[i].code,
			    p->warnings[i].message);
	breaking_footer(p, out);
	strbuf_addstr(out, nchanges(p) ? "\nPlan: " : "\nNo changes. ");
	summary(p, out);
	strbuf_addstr(out, ".\n");
}

/* Text safe inside an HTML element and a Markdown table cell. */
static void md_html(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '|': strbuf_addstr(out, "&#124;"); break;
		case '`': strbuf_addstr(out, "&#96;"); break;
		case '\n': strbuf_addstr(out, "<br>"); break;
		default: strbuf_addch(out, *s);
		}
	}
}

static void md_code(struct strbuf *out, const char *s)
{
	strbuf_addstr(out, "<code>");
	md_html(out, s);
	strbuf_addstr(out, "</code>");
}

static void md_value(struct strbuf *out, const json_t *v)
{
	char *s;

	if (!v) {
		strbuf_addstr(out, "<i>absent</i>");
		return;
	}
	s = plan_json_text(v);
	md_code(out, s);
	free(s);
}

/* A fence longer than any run of backticks in text. */
static size_t fence_len(const char *text)
{
	size_t best = 0, run = 0;

	for (; *text; text++) {
		run = *text == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best < 3 ? 3 : best + 1;
}

static void md_fields(const struct plan_change *c, struct strbuf *out)
{
	size_t j;

	strbuf_addf(out, "\n<details><summary>%s ", plan_kind_name(c->kind));
	md_code(out, c->name);
	strbuf_addf(out, ": %zu field%s</summary>\n\n| field | before | after |\n|---|---|---|\n",
		    c->fields.count, c->fields.count == 1 ? "" : "s");
	for (j = 0; j < c->fields.count; j++) {
		strbuf_addstr(out, "| ");
		md_code(out, c->fields.items[j].path);
		strbuf_addstr(out, " | ");
		md_value(out, c->fields.items[j].old_value);
		strbuf_addstr(out, " | ");
		md_value(out, c->fields.items[j].new_value);
		strbuf_addstr(out, " |\n");
	}
	strbuf_addstr(out, "\n</details>\n");
}

static void md_script_diff(const struct plan_change *c, struct strbuf *out)
{
	size_t f = fence_len(c->script_diff);

	strbuf_addstr(out, "\n<details><summary>");
	md_code(out, c->pipeline);
	strbuf_addf(out, "/job.py (%s)</summary>\n\n", c->action == PLAN_CREATE ? "new" : "diff");
	strbuf_addchars(out, '`', f);
	strbuf_addstr(out, "diff\n");
	strbuf_addstr(out, c->script_diff);
	strbuf_addchars(out, '`', f);
	strbuf_addstr(out, "\n\n</details>\n");
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n' || (!s[1] && *s != '\n');
	return n;
}

/* The line that stands for a field table or script diff left out. */
static void md_elided(const struct plan_change *c, int which, const char *hint, struct strbuf *out)
{
	size_t n;

	strbuf_addch(out, '\n');
	if (which == 0) {
		n = c->fields.count;
		strbuf_addf(out, "%s ", plan_kind_name(c->kind));
		md_code(out, c->name);
		strbuf_addf(out, ": %zu changed field%s", n, n == 1 ? "" : "s");
	} else {
		n = count_lines(c->script_diff);
		md_code(out, c->pipeline);
		strbuf_addf(out, "/job.py (%s): %zu line%s", c->action == PLAN_CREATE ? "new" : "diff",
			    n, n == 1 ? "" : "s");
	}
	strbuf_addf(out, " %s\n", hint ? hint : "left out");
}

/* Change i's field table (which 0) or script diff (which 1), when it has
 * one: in full, or the line saying it was left out (l->elide); its size in
 * l->block_bytes. */
static void md_block(const struct plan *p, size_t i, int which, const struct plan_md_layout *l,
		     struct strbuf *out)
{
	const struct plan_change *c = &p->changes[i];
	size_t start = out->len;
	bool has = which == 0 ? (c->action == PLAN_UPDATE || c->action == PLAN_REPLACE) && c->fields.count
			      : c->script_diff != NULL;

	if (!has)
		return;
	if (l && l->elide && (l->elide[i] & (which == 0 ? PLAN_MD_ELIDE_FIELDS : PLAN_MD_ELIDE_DIFF)))
		md_elided(c, which, l->hint, out);
	else if (which == 0)
		md_fields(c, out);
	else
		md_script_diff(c, out);
	if (l && l->block_bytes)
		l->block_bytes[2 * i + (size_t)which] = out->len - start;
}

static void render_markdown(const struct plan *p, const struct plan_md_layout *l, struct strbuf *out)
{
	const char *cur = NULL;
	size_t i, j;

	if (l && l->marker)
		strbuf_addf(out, "<!-- %s -->\n", l->marker);
	strbuf_addstr(out, "## pipec plan: ");
	md_code(out, p->project);
	strbuf_addstr(out, " / ");
	md_code(out, p->environment);
	strbuf_addstr(out, "\n\nAgainst ");
	if (!strcmp(p->against, "live"))
		strbuf_addstr(out, "the deployed resources");
	else {
		strbuf_addstr(out, "build ");
		md_code(out, p->against);
	}
	if (p->account) {
		strbuf_addstr(out, " in account ");
		md_code(out, p->account);
		strbuf_addstr(out, ", region ");
		md_code(out, p->region ? p->region : "?");
	}
	strbuf_addstr(out, ". **");
	if (!nchanges(p))
		strbuf_addstr(out, "No changes.** ");
	summary(p, out);
	strbuf_addstr(out, nchanges(p) ? ".**\n" : ".\n");
	for (i = 0; i < p->nerrors; i++) {
		strbuf_addstr(out, "\n> [!CAUTION]\n> ");
		md_html(out, p->errors[i]);
		strbuf_addch(out, '\n');
	}
	if (plan_schema_edit_count(p, "breaking")) {
		size_t n = plan_schema_edit_count(p, "breaking");

		strbuf_addf(out, "\n> [!IMPORTANT]\n> %zu breaking schema edit%s (below): `pipec deploy` applies %s only with `--allow-breaking`.\n",
			    n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
	}
	if (p->nwarnings) {
		strbuf_addstr(out, "\n> [!WARNING]\n> **Dangerous edits**\n>\n");
		for (i = 0; i < p->nwarnings; i++) {
			strbuf_addstr(out, "> - ");
			md_code(out, p->warnings[i].pipeline);
			strbuf_addstr(out, " (");
			strbuf_addstr(out, p->warnings[i].code);
			strbuf_addstr(out, "): ");
			md_html(out, p->warnings[i].message);
			strbuf_addch(out, '\n');
		}
	}
	for (i = 0; i < p->count; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->action == PLAN_UNCHANGED)
			continue;
		if (!cur || strcmp(cur, c->pipeline)) {
			cur = c->pipeline;
			strbuf_addstr(out, "\n### ");
			if (!strcmp(cur, PLAN_PIPELINE_ALERTS))
				strbuf_addstr(out, "alerts");
			else if (*cur)
				md_code(out, cur);
			else
				strbuf_addstr(out, "undeclared resources");
			strbuf_addstr(out, "\n\n| | resource | action |\n|---|---|---|\n");
			for (j = i; j < p->count && !strcmp(p->changes[j].pipeline, cur); j++) {
				const struct plan_change *d = &p->changes[j];

				if (d->action == PLAN_UNCHANGED)
					continue;
				strbuf_addf(out, "| %s | %s ", action_marks[d->action],
					    plan_kind_name(d->kind));
				md_code(out, d->name);
				strbuf_addf(out, " | %s", plan_action_name(d->action));
				if (d->note) {
					strbuf_addstr(out, ": ");
					md_html(out, d->note);
				}
				strbuf_addstr(out, " |\n");
			}
		}
		md_block(p, i, 0, l, out);
		if (json_array_size(c->schema_edits)) {
			strbuf_addstr(out, "\nSchema edits of ");
			md_code(out, c->name);
			strbuf_addstr(out, ":\n\n| class | edit | consequence |\n|---|---|---|\n");
			for (j = 0; j < json_array_size(c->schema_edits); j++) {
				const json_t *e = json_array_get(c->schema_edits, j);
				struct strbuf sum = STRBUF_INIT;

				edit_summary(e, &sum);
				strbuf_addf(out, "| %s | ", edit_class(e));
				md_code(out, sum.buf);
				strbuf_addstr(out, " | ");
				md_html(out, json_string_value(json_object_get(e, "consequence")));
				strbuf_addstr(out, " |\n");
				strbuf_release(&sum);
			}
		}
		md_block(p, i, 1, l, out);
	}
}

void plan_render_markdown(const struct plan *p, const struct plan_md_layout *l, struct strbuf *out)
{
	render_markdown(p, l, out);
}

json_t *plan_to_json(const struct plan *p)
{
	json_t *doc = json_object(), *changes = json_array(), *warnings = json_array();
	json_t *sum = json_object(), *errors = json_array();
	size_t i, j;

	json_object_set_new(doc, "format", json_string("pipec-plan"));
	json_object_set_new(doc, "version", json_integer(PLAN_FORMAT_VERSION));
	json_object_set_new(doc, "project", json_string(p->project));
	json_object_set_new(doc, "environment", json_string(p->environment));
	json_object_set_new(doc, "against", json_string(p->against));
	json_object_set_new(doc, "prune", json_boolean(p->prune));
	if (p->refresh_tags)	/* the tags read are part of the fingerprint */
		json_object_set_new(doc, "refresh_tags", json_true());
	if (p->refresh)		/* so is what --refresh read */
		json_object_set_new(doc, "refresh", json_true());
	json_object_set_new(doc, "fingerprint", p->fingerprint ? json_string(p->fingerprint) : json_null());
	json_object_set_new(doc, "region", p->region ? json_string(p->region) : json_null());
	json_object_set_new(doc, "account", p->account ? json_string(p->account) : json_null());
	for (i = 0; i < PLAN_NACTIONS; i++)
		json_object_set_new(sum, plan_action_name((enum plan_action)i), json_integer((json_int_t)p->counts[i]));
	json_object_set_new(doc, "summary", sum);
	json_object_set_new(doc, "changes", changes);
	for (i = 0; i < p->count; i++) {
		const struct plan_change *c = &p->changes[i];
		json_t *o = json_object(), *fields = json_array();

		json_object_set_new(o, "kind", json_string(plan_kind_name(c->kind)));
		json_object_set_new(o, "name", json_string(c->name));
		json_object_set_new(o, "pipeline", json_string(c->pipeline));
		json_object_set_new(o, "action", json_string(plan_action_name(c->action)));
		if (c->note)
			json_object_set_new(o, "note", json_string(c->note));
		for (j = 0; j < c->fields.count; j++) {
			json_t *f = json_object();

			json_object_set_new(f, "path", json_string(c->fields.items[j].path));
			if (c->fields.items[j].old_value)
				json_object_set(f, "old", c->fields.items[j].old_value);
			if (c->fields.items[j].new_value)
				json_object_set(f, "new", c->fields.items[j].new_value);
			json_array_append_new(fields, f);
		}
		json_object_set_new(o, "fields", fields);
		if (c->tags_changed)
			json_object_set_new(o, "tags_changed", json_true());
		if (c->script_diff)
			json_object_set_new(o, "script_diff", json_string(c->script_diff));
		if (c->schema_edits)
			json_object_set(o, "schema_edits", c->schema_edits);
		if (c->desired)
			json_object_set(o, "desired", c->desired);
		if (c->deployed)
			json_object_set(o, "deployed", c->deployed);
		if (c->script && c->action != PLAN_UNCHANGED)
			json_object_set_new(o, "script", json_string(c->script));
		json_array_append_new(changes, o);
	}
	for (i = 0; i < p->nwarnings; i++)
		json_array_append_new(warnings, json_pack("{s:s, s:s, s:s}", "pipeline",
							  p->warnings[i].pipeline, "code",
							  p->warnings[i].code, "message",
							  p->warnings[i].message));
	json_object_set_new(doc, "warnings", warnings);
	for (i = 0; i < p->nerrors; i++)
		json_array_append_new(errors, json_string(p->errors[i]));
	json_object_set_new(doc, "errors", errors);
	{
		char digest[65];

		plan_digest(doc, digest);
		json_object_set_new(doc, "digest", json_string(digest));
	}
	return doc;
}

void plan_render(const struct plan *p, enum plan_format fmt, struct strbuf *out)
{
	if (fmt == PLAN_FORMAT_TEXT) {
		render_text(p, out);
	} else if (fmt == PLAN_FORMAT_MARKDOWN) {
		render_markdown(p, NULL, out);
	} else {
		json_t *doc = plan_to_json(p);
		char *s = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);

		strbuf_addstr(out, s);
		strbuf_addch(out, '\n');
		free(s);
		json_decref(doc);
	}
}

void plan_digest(const json_t *doc, char out[65])
{
	json_t *copy = json_deep_copy(doc);
	char *s;

	json_object_del(copy, "digest");
	s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	plan_sha256_hex(s, strlen(s), out);
	free(s);
	json_decref(copy);
}

static char *dup_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? xstrdup(s) : NULL;
}

int plan_from_json(struct plan *p, const json_t *doc, struct strbuf *err)
{
	json_t *changes = json_object_get(doc, "changes");
	size_t i, j;
	json_t *c, *f;

	if (!json_is_object(doc) ||
	    strcmp(json_string_value(json_object_get(doc, "format")) ? json_string_value(json_object_get(doc, "format")) : "", "pipec-plan")) {
		strbuf_addstr(err, "not a pipec plan file");
		return -1;
	}
	if (json_integer_value(json_object_get(doc, "version")) != PLAN_FORMAT_VERSION) {
		strbuf_addf(err, "plan file version %lld is not supported (this pipec reads version %d)",
			    (long long)json_integer_value(json_object_get(doc, "version")),
			    PLAN_FORMAT_VERSION);
		return -1;
	}
	if (!json_is_array(changes)) {
		strbuf_addstr(err, "plan file has no 'changes' list");
		return -1;
	}
	free(p->project);
	free(p->environment);
	free(p->against);
	p->project = dup_str(doc, "project");
	p->environment = dup_str(doc, "environment");
	p->against = dup_str(doc, "against");
	p->fingerprint = dup_str(doc, "fingerprint");
	p->region = dup_str(doc, "region");
	p->account = dup_str(doc, "account");
	p->prune = json_is_true(json_object_get(doc, "prune"));
	p->refresh_tags = json_is_true(json_object_get(doc, "refresh_tags"));
	p->refresh = json_is_true(json_object_get(doc, "refresh"));
	if (!p->project || !p->environment || !p->against) {
		strbuf_addstr(err, "plan file lacks project, environment or against");
		return -1;
	}
	json_array_foreach(changes, i, c) {
		const char *kind = json_string_value(json_object_get(c, "kind"));
		const char *action = json_string_value(json_object_get(c, "action"));
		struct plan_change *pc;
		int k, a;

		k = kind ? plan_kind_from_name(kind) : -1;
		a = action ? plan_action_from_name(action) : -1;
		if (k < 0 || a < 0 || !json_is_string(json_object_get(c, "name"))) {
			strbuf_addf(err, "plan file change %zu is malformed", i);
			return -1;
		}
		XGROW(p->changes, p->alloc, p->count + 1);
		pc = &p->changes[p->count++];
		memset(pc, 0, sizeof(*pc));
		pc->kind = (enum plan_kind)k;
		pc->action = (enum plan_action)a;
		pc->name = dup_str(c, "name");
		pc->pipeline = dup_str(c, "pipeline");
		if (!pc->pipeline)
			pc->pipeline = xstrdup("");
		pc->note = dup_str(c, "note");
		pc->script = dup_str(c, "script");
		pc->script_diff = dup_str(c, "script_diff");
		pc->tags_changed = json_is_true(json_object_get(c, "tags_changed"));
		if (json_is_array(json_object_get(c, "schema_edits")))
			pc->schema_edits = json_incref(json_object_get(c, "schema_edits"));
		pc->desired = json_incref(json_object_get(c, "desired"));
		pc->deployed = json_incref(json_object_get(c, "deployed"));
		json_array_foreach(json_object_get(c, "fields"), j, f) {
			XGROW(pc->fields.items, pc->fields.alloc, pc->fields.count + 1);
			pc->fields.items[pc->fields.count].path =
				xstrdup(json_string_value(json_object_get(f, "path")) ?
					json_string_value(json_object_get(f, "path")) : "");
			pc->fields.items[pc->fields.count].old_value = json_incref(json_object_get(f, "old"));
			pc->fields.items[pc->fields.count].new_value = json_incref(json_object_get(f, "new"));
			pc->fields.count++;
		}
		if ((a == PLAN_CREATE || a == PLAN_UPDATE || a == PLAN_REPLACE) && !pc->desired) {
			strbuf_addf(err, "plan file change %zu (%s '%s') has no desired definition", i,
				    kind, pc->name);
			return -1;
		}
		p->counts[a]++;
	}
	json_array_foreach(json_object_get(doc, "warnings"), i, c) {
		XGROW(p->warnings, p->warnings_alloc, p->nwarnings + 1);
		p->warnings[p->nwarnings].pipeline = dup_str(c, "pipeline");
		p->warnings[p->nwarnings].code = dup_str(c, "code");
		p->warnings[p->nwarnings].message = dup_str(c, "message");
		if (!p->warnings[p->nwarnings].pipeline || !p->warnings[p->nwarnings].code ||
		    !p->warnings[p->nwarnings].message) {
			free(p->warnings[p->nwarnings].pipeline);
			free(p->warnings[p->nwarnings].code);
			free(p->warnings[p->nwarnings].message);
			continue;
		}
		p->nwarnings++;
	}
	return 0;
}
