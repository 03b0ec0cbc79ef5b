/*
 * parse: drives the flex scanner and the bison parser over one source.
 * The scanner's actions land here (keywords, literals and their decoding,
 * brace tracking, bad bytes), and so does the bookkeeping that turns the
 * parser's syntax errors into diagnostics in the user's terms.
 */
#include "parse.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ast_build.h"
#include "parser.h"
#include "lexer.h"
#include "strbuf.h"
#include "xalloc.h"

struct keyword {
	const char *word;
	int tok;
};

/* sorted for bsearch */
static const struct keyword keywords[] = {
	{ "after", AFTER }, { "aggregate", AGGREGATE }, { "alerts", ALERTS }, { "and", AND }, { "as", AS }, { "between", BETWEEN }, { "by", BY },
	{ "case", CASE }, { "cast", CAST }, { "column_count", COLUMN_COUNT }, { "columns", COLUMNS }, { "completeness", COMPLETENESS },
	{ "create", CREATE }, { "cron", CRON }, { "dedupe", DEDUPE }, { "defaults", DEFAULTS },
	{ "demand", DEMAND },
	{ "derive", DERIVE }, { "description", DESCRIPTION }, { "distinct_count", DISTINCT_COUNT }, { "drop", DROP }, { "else", ELSE },
	{ "end", END }, { "event", EVENT }, { "every", EVERY }, { "expect", EXPECT },
	{ "failure", FAILURE }, { "false", FALSE_ }, { "files", FILES }, { "filter", FILTER },
	{ "freshness", FRESHNESS }, { "from", FROM }, { "if", IF }, { "in", IN },
	{ "incremental", INCREMENTAL }, { "initial", INITIAL }, { "is", IS }, { "job", JOB },
	{ "join", JOIN },
	{ "lag", LAG }, { "length", LENGTH }, { "matches", MATCHES }, { "mean", MEAN }, { "missing", MISSING }, { "mode", MODE },
	{ "new", NEW }, { "not", NOT }, { "not_null", NOT_NULL }, { "null", NULL_ }, { "on", ON },
	{ "or", OR }, { "order", ORDER }, { "partition", PARTITION }, { "pipeline", PIPELINE },
	{ "required", REQUIRED }, { "row_count", ROW_COUNT }, { "s3", S3 }, { "sample", SAMPLE },
	{ "schedule", SCHEDULE }, { "source", SOURCE }, { "stddev", STDDEV }, { "sum", SUM }, { "target", TARGET }, { "then", THEN },
	{ "true", TRUE_ }, { "unique", UNIQUE }, { "uniqueness", UNIQUENESS }, { "validate", VALIDATE }, { "when", WHEN },
	{ "within", WITHIN },
};

static int keyword_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct keyword *)elem)->word);
}

static struct diag *lex_error(struct parse_ctx *ctx, struct span at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct diag *lex_error(struct parse_ctx *ctx, struct span at, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	d = diag_vreport(ctx->ds, DIAG_ERROR, ctx->src, at, fmt, ap);
	va_end(ap);
	ctx->nerrors++;
	return d;
}

/* ---- scanner actions ---- */

/* Operators of expressions: a line holds at most PARSE_MAX_OPERATORS,
 * which bounds the depth of its tree for the printers' recursion. */
static bool is_expr_operator(int tok)
{
	static const int toks[] = {
		'+', '-', '*', '/', '%', '=', '<', '>', NE, LE, GE, EQEQ, AND, OR, NOT, IS, IN,
		BETWEEN, CASE, WHEN, CAST,
	};

	for (size_t i = 0; i < sizeof(toks) / sizeof(toks[0]); i++)
		if (toks[i] == tok)
			return true;
	return false;
}

/* Tokens an expression cannot end with: after one, a line goes on. */
static bool continues_line(int tok)
{
	static const int toks[] = {
		'+', '-', '*', '/', '%', '(', AND, OR, NOT, IN, IS,
		BETWEEN, CASE, WHEN, THEN, ELSE,
	};

	for (size_t i = 0; i < sizeof(toks) / sizeof(toks[0]); i++)
		if (toks[i] == tok)
			return true;
	return false;
}

bool parse_lex_term(struct parse_ctx *ctx)
{
	/* a list goes on after a comma at the end of a line (and its brackets
	 * still count towards the nesting limit) */
	if (ctx->last_tok == ',' || continues_line(ctx->last_tok))
		return false;
	ctx->line_nest = 0;
	ctx->line_ops = 0;
	return ctx->last_tok != 0 && ctx->last_tok != TERM && ctx->last_tok != '{';
}

void parse_lex_comment(struct parse_ctx *ctx, struct span at)
{
	struct ast_comment c = { at };

	ctx->comments = ast_vec_push(&ctx->scratch, ctx->comments, &c, sizeof(c));
}

static int too_deep(struct parse_ctx *ctx, struct span at)
{
	struct diag *d = lex_error(ctx, at, "nesting too deep");

	diag_help(d, "blocks and brackets nest at most %d levels deep", PARSE_MAX_DEPTH);
	ctx->fatal = true;
	return YYEOF;
}

int parse_lex_open_brace(struct parse_ctx *ctx, YYSTYPE *lval, struct span at)
{
	lval->span = at;
	if (ctx->depth >= PARSE_MAX_DEPTH)
		return too_deep(ctx, at);
	ctx->braces[ctx->depth].span = at;
	ctx->braces[ctx->depth].owner = ctx->stmt_word ? ctx->stmt_word : "{";
	ctx->depth++;
	return '{';
}

void parse_lex_close_brace(struct parse_ctx *ctx)
{
	ctx->stray_close = ctx->depth == 0;
	if (ctx->depth > 0)
		ctx->depth--;
}

void parse_quiet_error(struct parse_ctx *ctx, struct span at)
{
	if (++ctx->nquiet < PARSE_MAX_QUIET_ERRORS || ctx->fatal)
		return;
	diag_help(diag_error(ctx->ds, ctx->src, at, "too many syntax errors: the rest of the file is not read"),
		  "fix the first errors and check again");
	ctx->nerrors++;
	ctx->fatal = true;
}

int parse_lex_open(struct parse_ctx *ctx, struct span at, char c)
{
	if (++ctx->line_nest > PARSE_MAX_DEPTH)
		return too_deep(ctx, at);
	return c;
}

int parse_lex_duration(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at)
{
	struct ast_duration *d;
	size_t len = strlen(text);
	int64_t unit, v = 0;

	if (ctx->last_tok == '.' && ctx->last_span.end == at.start)
		return parse_lex_word_digits(ctx, lval, text, at);
	d = arena_alloc(ctx->arena, sizeof(*d));
	d->text = arena_strdup(ctx->text, text);
	d->span = at;
	switch (text[len - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	default: unit = 86400; break;
	}
	for (size_t i = 0; i + 1 < len; i++) {
		int digit = text[i] - '0';

		if (v > (INT64_MAX - digit) / 10) {
			d->overflow = true;
			break;
		}
		v = v * 10 + digit;
	}
	if (!d->overflow && v > INT64_MAX / unit)
		d->overflow = true;
	if (d->overflow) {
		struct diag *e = lex_error(ctx, at, "duration '%s' is too large", text);
		diag_help(e, "write a smaller number, or a larger unit");
	} else {
		d->seconds = v * unit;
	}
	lval->dur = d;
	return DURATION;
}

int parse_lex_number(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at)
{
	struct ast_number *n;

	if (ctx->last_tok == '.' && ctx->last_span.end == at.start && text[0] != '-') {
		/* a digit-led part of a dotted name (G.1X, a.1) */
		return parse_lex_word_digits(ctx, lval, text, at);
	}
	n = arena_alloc(ctx->arena, sizeof(*n));
	n->text = arena_strdup(ctx->text, text);
	n->span = at;
	n->is_int = strchr(text, '.') == NULL;
	errno = 0;
	n->value = strtod(text, NULL);
	if (n->is_int) {
		long long v;

		errno = 0;
		v = strtoll(text, NULL, 10);
		if (errno == ERANGE)
			n->overflow = true;
		else
			n->ival = (int64_t)v;
	} else if (errno == ERANGE) {
		n->overflow = true;
	}
	if (n->overflow) {
		struct diag *e = lex_error(ctx, at, "number '%s' is out of range", text);
		diag_help(e, "integers are 64-bit: at most 9223372036854775807");
	}
	lval->num = n;
	return NUMBER;
}

int parse_lex_word_digits(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at)
{
	size_t digits = strspn(text, "0123456789");
	struct diag *d;

	if (ctx->last_tok == '.' && ctx->last_span.end == at.start) {
		lval->name.text = arena_strdup(ctx->text, text);
		lval->name.span = at;
		return IDENT;
	}
	if (strlen(text + digits) <= 3 && strspn(text + digits, "abcdefghijklmnopqrstuvwxyz") ==
						    strlen(text + digits)) {
		d = lex_error(ctx, at, "invalid duration '%s'", text);
		diag_help(d, "durations are a whole number and one unit: 30s, 15m, 1h, 7d");
	} else {
		d = lex_error(ctx, at, "'%s' is not a name: names cannot start with a digit", text);
		diag_help(d, "write it in backquotes: `%s`", text);
	}
	return BADTOK;
}

int parse_lex_word(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at)
{
	const struct keyword *k = NULL;

	lval->name.span = at;
	/* after '.', a word is a name part, never a keyword */
	if (!(ctx->last_tok == '.' && ctx->last_span.end == at.start))
		k = bsearch(text, keywords, sizeof(keywords) / sizeof(keywords[0]),
			    sizeof(keywords[0]), keyword_cmp);
	/* a keyword's text is the table's: no copy per occurrence */
	lval->name.text = k ? k->word : arena_strdup(ctx->text, text);
	return k ? k->tok : IDENT;
}

int parse_lex_hyphenated(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at)
{
	struct diag *d = lex_error(ctx, at, "'%s' is not a name: names cannot contain '-'", text);

	diag_help(d, "write it in backquotes, `%s`, or use '_'", text);
	/* handed on as a name so the rest of the line still parses */
	lval->name.text = arena_strdup(ctx->text, text);
	lval->name.span = at;
	return IDENT;
}

int parse_lex_word_utf8(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, size_t len,
			struct span at)
{
	struct diag *d;

	for (size_t i = 0, n; i < len; i += n) {
		n = utf8_seq_len((const unsigned char *)text + i, len - i);
		if (!n) {
			/* point at the bytes that are not UTF-8, not at the whole word */
			size_t j = i;

			while (j < len && (unsigned char)text[j] >= 0x80 &&
			       !utf8_seq_len((const unsigned char *)text + j, len - j))
				j++;
			parse_lex_bad(ctx, text + i, j - i,
				      span_make(at.start + (uint32_t)i, at.start + (uint32_t)j));
			return BADTOK;
		}
	}
	d = lex_error(ctx, at, "name '%s' is not ASCII", text);
	diag_help(d, "names are ASCII letters, digits and '_'; quote other names with backquotes: `%s`",
		  text);
	/* handed on as a name so the rest of the line still parses */
	lval->name.text = arena_strdup(ctx->text, text);
	lval->name.span = at;
	return IDENT;
}

int parse_lex_single_quoted(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, size_t len,
			    struct span at)
{
	struct diag *d = lex_error(ctx, at, "strings use double quotes, not single quotes");
	struct ast_string *s = arena_alloc(ctx->arena, sizeof(*s));
	size_t inner = len >= 2 && text[len - 1] == '\'' ? len - 2 : len - 1;

	diag_help(d, "write \"%.*s\"", (int)inner, text + 1);
	if (inner) {
		struct ast_strpart *p = arena_alloc(ctx->arena, sizeof(*p));

		p->text = arena_strndup(ctx->text, text + 1, inner);
		p->len = inner;
		p->span = span_make(at.start + 1, at.start + 1 + inner);
		s->parts = p;
		s->nparts = 1;
	}
	s->span = at;
	lval->str = s;
	return STRING;
}

void parse_discard_brace(struct parse_ctx *ctx, struct span at)
{
	/* only the lookahead being thrown away; braces popped off the stack
	 * belong to blocks the recovery is already leaving */
	if (ctx->last_tok == '{' && at.start == ctx->last_span.start && !ctx->fatal) {
		ctx->skipping = true;
		ctx->skip_depth = ctx->depth - 1;
	}
}

int parse_lex_bqname(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at,
		     bool closed)
{
	size_t len = strlen(text);

	if (!closed) {
		struct diag *d = lex_error(ctx, span_make(at.start, at.start + 1),
					   "unterminated quoted name");
		diag_help(d, "close the name with '`' on the same line");
		return BADTOK;
	}
	if (len == 2) {
		lex_error(ctx, at, "empty quoted name");
		return BADTOK;
	}
	for (size_t i = 1; i + 1 < len; ) {
		size_t n = utf8_seq_len((const unsigned char *)text + i, len - 1 - i);
		unsigned char ch = (unsigned char)text[i];

		if (n && (ch < 0x20 || ch == 0x7f)) {
			struct diag *d = lex_error(ctx, span_make(at.start + i, at.start + i + 1),
						   "quoted name contains a control character "
						   "(byte 0x%02x)", ch);
			diag_help(d, "names are printable text: remove it, or write a "
				     "space or '_' instead");
			return BADTOK;
		}
		if (!n) {
			lex_error(ctx, at, "quoted name is not valid UTF-8 text");
			return BADTOK;
		}
		i += n;
	}
	lval->name.text = arena_strndup(ctx->text, text + 1, len - 2);
	lval->name.span = at;
	return BQIDENT;
}

/* ---- strings ---- */

static void add_part(struct parse_ctx *ctx, struct ast_vec **parts, bool is_var, const char *text,
		     size_t len, struct span at)
{
	struct ast_strpart p;

	p.is_var = is_var;
	p.text = arena_strndup(ctx->text, text, len);
	p.len = len;
	p.span = at;
	*parts = ast_vec_push(&ctx->scratch, *parts, &p, sizeof(p));
}

static void add_utf8(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (int)(0xc0 | (cp >> 6)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (int)(0xe0 | (cp >> 12)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (int)(0xf0 | (cp >> 18)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Parses a \u{...} escape at text[i] (the 'u'); returns bytes consumed or 0. */
static size_t unicode_escape(const char *text, size_t i, size_t end, uint32_t *cp)
{
	size_t j = i + 1, ndig = 0;
	uint32_t v = 0;

	if (j >= end || text[j] != '{')
		return 0;
	for (j++; j < end && text[j] != '}'; j++) {
		int c = text[j], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return 0;
		if (++ndig > 6)
			return 0;
		v = v * 16 + (uint32_t)d;
	}
	if (j >= end || ndig == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return j + 1 - i;
}

int parse_lex_string(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, size_t len,
		     struct span at, bool closed)
{
	struct ast_string *s = arena_alloc(ctx->arena, sizeof(*s));
	struct ast_vec *parts = NULL;
	struct strbuf lit = STRBUF_INIT;
	size_t end = closed ? len - 1 : len, i = 1, lit_start = 1;
	bool bad_utf8 = false;

	if (!closed) {
		struct diag *d = lex_error(ctx, span_make(at.start, at.start + 1),
					   "unterminated string");
		diag_help(d, "close the string with '\"' on the same line; write a line break as \\n");
	}
#define FLUSH_LIT(upto)                                                              \
	do {                                                                         \
		if (lit.len)                                                         \
			add_part(ctx, &parts, false, lit.buf, lit.len,               \
				 span_make(at.start + lit_start, at.start + (upto))); \
		strbuf_reset(&lit);                                                  \
	} while (0)

	while (i < end) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\\') {
			char e = i + 1 < end ? text[i + 1] : '\0';
			uint32_t cp;
			size_t n;

			switch (e) {
			case '"': strbuf_addch(&lit, '"'); i += 2; continue;
			case '\\': strbuf_addch(&lit, '\\'); i += 2; continue;
			case 'n': strbuf_addch(&lit, '\n'); i += 2; continue;
			case 't': strbuf_addch(&lit, '\t'); i += 2; continue;
			case 'r': strbuf_addch(&lit, '\r'); i += 2; continue;
			case '$': strbuf_addch(&lit, '$'); i += 2; continue;
			case 'u':
				n = unicode_escape(text, i + 1, end, &cp);
				if (n) {
					add_utf8(&lit, cp);
					i += 1 + n;
					continue;
				}
				{
					struct diag *d = lex_error(ctx, span_make(at.start + i, at.start + i + 2),
								   "invalid unicode escape");
					diag_help(d, "write a code point as \\u{1F600}: 1 to 6 hex digits, "
						     "at most 10FFFF, not a surrogate");
				}
				i += 2;
				continue;
			default: {
				size_t n2 = i + 1 < end ?
					utf8_seq_len((const unsigned char *)text + i + 1, end - i - 1) : 0;
				struct diag *d;

				if (!n2)
					n2 = 1;
				if (i + 1 >= end) {
					/* only an unterminated string ends in '\'; that
					 * is reported already */
					i++;
					continue;
				}
				if ((unsigned char)e >= 0x20 && (unsigned char)e < 0x7f)
					d = lex_error(ctx, span_make(at.start + i, at.start + i + 2),
						      "invalid escape sequence '\\%c'", e);
				else
					d = lex_error(ctx, span_make(at.start + i, at.start + i + 1 + n2),
						      "invalid escape sequence");
				diag_help(d, "the escapes are \\\" \\\\ \\n \\t \\r \\$ and \\u{...}");
				i += 1 + n2;
				continue;
			}
			}
		}
		if (c == '$' && i + 1 < end && text[i + 1] == '{') {
			size_t j = i + 2;

			while (j < end && is_name_char((unsigned char)text[j]))
				j++;
			if (j < end && text[j] == '}' && j > i + 2 && is_name_start((unsigned char)text[i + 2])) {
				FLUSH_LIT(i);
				add_part(ctx, &parts, true, text + i + 2, j - i - 2,
					 span_make(at.start + i, at.start + j + 1));
				i = j + 1;
				lit_start = i;
				continue;
			} else {
				struct diag *d = lex_error(ctx, span_make(at.start + i, at.start + i + 2),
							   "invalid variable reference");
				diag_help(d, "write ${name} with a name of letters, digits and '_', "
					     "or \\$ for a literal '$'");
				strbuf_addch(&lit, '$');
				i++;
				continue;
			}
		}
		if (c < 0x20 && c != '\t') {
			struct diag *d = lex_error(ctx, span_make(at.start + i, at.start + i + 1),
						   "control character in string");
			diag_help(d, "write line breaks and tabs as \\n, \\r and \\t");
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_seq_len((const unsigned char *)text + i, end - i);

			if (!n) {
				size_t j = i;

				while (j < end && (unsigned char)text[j] >= 0x80 &&
				       !utf8_seq_len((const unsigned char *)text + j, end - j))
					j++;
				if (!bad_utf8) {
					struct diag *d = lex_error(ctx, span_make(at.start + i, at.start + j),
								   "invalid UTF-8 in string");
					diag_help(d, "save the file as UTF-8");
				}
				bad_utf8 = true;
				i = j;
				continue;
			}
			strbuf_add(&lit, text + i, n);
			i += n;
			continue;
		}
		strbuf_addch(&lit, c);
		i++;
	}
	FLUSH_LIT(end);
#undef FLUSH_LIT
	strbuf_release(&lit);
	if (parts) {
		s->parts = ast_vec_take(ctx->arena, parts);
		s->nparts = parts->n;
	}
	s->span = at;
	lval->str = s;
	return STRING;
}

void parse_lex_bad(struct parse_ctx *ctx, const char *text, size_t len, struct span at)
{
	struct diag *d;
	size_t i, n;
	bool utf8 = true;

	if (len == 1 && (unsigned char)text[0] > 0x20 && (unsigned char)text[0] < 0x7f) {
		d = lex_error(ctx, at, "invalid character '%c'", text[0]);
		if (text[0] == '$')
			diag_help(d, "variables are written inside strings: \"${name}\"");
		else if (text[0] == '\'')
			diag_help(d, "strings use double quotes");
		else if (text[0] == '-')
			diag_help(d, "names use '_', not '-'; quote other names with backquotes");
		return;
	}
	for (i = 0; i < len; i += n) {
		n = utf8_seq_len((const unsigned char *)text + i, len - i);
		if (!n || (unsigned char)text[i] < 0x20 || (unsigned char)text[i] == 0x7f) {
			utf8 = false;
			break;
		}
	}
	if (utf8 && len < 64) {
		d = lex_error(ctx, at, "invalid character%s '%.*s'", len > 1 ? "s" : "", (int)len, text);
		diag_help(d, "names are ASCII letters, digits and '_'; put other text in a string");
	} else if (len == 1) {
		d = lex_error(ctx, at, "invalid character (byte 0x%02x)",
			      (unsigned char)ctx->src->text[at.start]);
		diag_help(d, ".pipe files are UTF-8 text");
	} else {
		d = lex_error(ctx, at, "invalid characters (%zu bytes that are not pipeline text)", len);
		diag_help(d, ".pipe files are UTF-8 text");
	}
}

/* ---- parser support ---- */

/* The real token read while deciding to close blocks left open: handed
 * to the parser after the made-up '}' and TERM. */
struct parse_held {
	bool full;
	int tok;
	YYSTYPE val;
	YYLTYPE loc;
};

static bool at_line_start(const struct parse_ctx *ctx, uint32_t at)
{
	const char *t = ctx->src->text;

	while (at > 0 && (t[at - 1] == ' ' || t[at - 1] == '\t' || t[at - 1] == '\r'))
		at--;
	return at == 0 || t[at - 1] == '\n';
}

/* 'pipeline NAME {' / 'defaults {': the rest of the line opens a block. */
static bool line_opens_block(const struct parse_ctx *ctx, uint32_t at)
{
	const char *t = ctx->src->text;

	for (; at < ctx->src->len && t[at] != '\n' && t[at] != '#'; at++)
		if (t[at] == '{')
			return true;
	return false;
}

static bool string_follows(const struct parse_ctx *ctx, uint32_t at)
{
	const char *t = ctx->src->text;

	while (at < ctx->src->len && (t[at] == ' ' || t[at] == '\t'))
		at++;
	return at < ctx->src->len && t[at] == '"';
}

/* Blocks of 'key value' settings (source, target, job, tags, schedule on
 * s3 event, ...): none of them has a setting named like a clause. */
static bool is_settings_block(const struct parse_brace *b)
{
	return strcmp(b->owner, "pipeline") && strcmp(b->owner, "defaults") &&
	       strcmp(b->owner, "columns") && strcmp(b->owner, "validate") &&
	       strcmp(b->owner, "{");
}

static bool is_clause_keyword(int tok)
{
	switch (tok) {
	case TARGET: case COLUMNS: case MODE: case PARTITION: case INCREMENTAL: case SCHEDULE:
	case VALIDATE: case JOB: case DESCRIPTION: case CREATE:
		return true;
	default:
		return false;
	}
}

/* Reports the innermost of the blocks to close, with notes at the others. */
static void report_unclosed(struct parse_ctx *ctx, const char *word, bool item, int keep)
{
	const struct parse_brace *b = &ctx->braces[ctx->depth - 1];
	struct diag *d;
	int i;

	if (ctx->fatal)
		return;
	d = diag_error(ctx->ds, ctx->src, span_make(ctx->content_end, ctx->content_end),
		       "expected '}' to close the '%s' block", b->owner);
	diag_note(d, ctx->src, b->span, "the '%s' block opened here", b->owner);
	for (i = ctx->depth - 1; i-- > keep;)
		diag_note(d, ctx->src, ctx->braces[i].span, "the '%s' block opened here is not "
			  "closed either", ctx->braces[i].owner);
	if (item)
		diag_help(d, "'%s' starts a new item: close every block before it", word);
	else
		diag_help(d, "'%s' is a clause, not a '%s' setting: close the block with '}' "
			  "before it", word, b->owner);
	ctx->nerrors++;
}

/* A block left open swallows the clauses and pipelines after it, and
 * its error would surface far away (or only at the end of the file).  Two
 * signs say where it should have closed: 'pipeline' or 'defaults' starting
 * a line that opens a block (items never nest), and a clause keyword
 * starting a statement inside a block of settings.  Queues the '}' of the
 * blocks to close and a TERM; returns false when nothing is to close. */
static bool resync(struct parse_ctx *ctx, int tok, const YYSTYPE *lval, struct span at,
		   bool skipped)
{
	bool item = (tok == PIPELINE || tok == DEFAULTS);
	int keep;

	if (ctx->fatal || ctx->last_tok == ',')
		return false;
	if (item) {
		if (!at_line_start(ctx, at.start) || !line_opens_block(ctx, at.end))
			return false;
		keep = 0;
	} else if (!skipped && is_clause_keyword(tok) &&
		   (ctx->parser_last == 0 || ctx->parser_last == TERM || ctx->parser_last == '{')) {
		/* at the start of a statement, wherever the line breaks: the same
		 * text must parse the same way once fmt has laid it out */
		/* tags take any key: 'description "x"' there is a tag */
		if (ctx->depth > 0 && !strcmp(ctx->braces[ctx->depth - 1].owner, "tags") &&
		    string_follows(ctx, at.end))
			return false;
		keep = ctx->depth;
		while (keep > 0 && is_settings_block(&ctx->braces[keep - 1]))
			keep--;
		if (keep == ctx->depth || keep == 0)
			return false;
	} else {
		return false;
	}
	if (skipped) {
		/* the skipped block was reported where its line went wrong; the
		 * parser knows only the blocks outside it */
		ctx->skipping = false;
		ctx->depth = ctx->skip_depth;
	} else if (ctx->depth > keep) {
		report_unclosed(ctx, lval->name.text, item, keep);
	} else {
		return false;
	}
	ctx->nqueue = ctx->qhead = 0;
	if (skipped || (ctx->parser_last != 0 && ctx->parser_last != TERM && ctx->parser_last != '{'))
		ctx->queue[ctx->nqueue++] = TERM;
	while (ctx->depth > keep) {
		ctx->queue[ctx->nqueue++] = '}';
		ctx->depth--;
	}
	ctx->queue[ctx->nqueue++] = TERM;
	ctx->queue_at = span_make(ctx->content_end, ctx->content_end);
	return true;
}

int parse_next_token(YYSTYPE *lval, YYLTYPE *lloc, struct parse_ctx *ctx)
{
	int tok;

	parse_flush(ctx);
	if (ctx->qhead < ctx->nqueue) {
		tok = ctx->queue[ctx->qhead++];
		*lloc = ctx->queue_at;
		lval->span = *lloc;
		ctx->last_tok = ctx->parser_last = tok;
		ctx->pending_prev_end = ctx->last_span.end;
		ctx->last_span = *lloc;
		return tok;
	}
	if (ctx->held->full) {
		ctx->held->full = false;
		tok = ctx->held->tok;
		*lval = ctx->held->val;
		*lloc = ctx->held->loc;
	} else {
		bool skipped = false;

		if (!ctx->fatal && diag_limit_reached(ctx->ds, ctx->src))
			ctx->fatal = true;
		tok = ctx->fatal ? YYEOF : lexer_lex(lval, lloc, ctx->scanner);
		/* a stray '}' after the top-level error already reported: drop it
		 * here, where it costs nothing (bison's recovery is not cheap) */
		while (tok == '}' && ctx->stray_close && ctx->toplevel_quiet && !ctx->fatal) {
			parse_quiet_error(ctx, *lloc);
			tok = ctx->fatal ? YYEOF : lexer_lex(lval, lloc, ctx->scanner);
		}
		while (ctx->skipping && !ctx->fatal && tok != YYEOF) {
			if (tok == '}' && ctx->depth == ctx->skip_depth) {
				ctx->skipping = false;
			} else if ((tok == PIPELINE || tok == DEFAULTS) &&
				   resync(ctx, tok, lval, *lloc, true)) {
				skipped = true;
				break;
			}
			ctx->last_tok = tok;
			tok = lexer_lex(lval, lloc, ctx->scanner);
		}
		if (!ctx->fatal && tok != YYEOF &&
		    (skipped || resync(ctx, tok, lval, *lloc, false))) {
			ctx->held->full = true;
			ctx->held->tok = tok;
			ctx->held->val = *lval;
			ctx->held->loc = *lloc;
			return parse_next_token(lval, lloc, ctx);
		}
	}
	if (ctx->fatal || tok == YYEOF) {
		tok = YYEOF;
		lloc->start = lloc->end = (uint32_t)ctx->src->len;
	}
	if (tok != TERM && tok != YYEOF &&
	    (ctx->last_tok == 0 || ctx->last_tok == TERM || ctx->last_tok == '{' || ctx->last_tok == '}'))
		ctx->stmt_word = tok == BQIDENT || tok == IDENT || tok >= PIPELINE ?
			lval->name.text : NULL;
	if (tok != TERM && tok != YYEOF)
		ctx->content_end = lloc->end;
	if (is_expr_operator(tok) && ++ctx->line_ops > PARSE_MAX_OPERATORS) {
		struct diag *d = lex_error(ctx, *lloc, "expression too long");

		diag_help(d, "a line holds at most %d operators; split the expression with 'derive'",
			  PARSE_MAX_OPERATORS);
		ctx->fatal = true;
		tok = YYEOF;
	}
	if ((tok == PIPELINE || tok == DEFAULTS) && ctx->depth == 0 &&
	    (ctx->last_tok == 0 || ctx->last_tok == TERM || ctx->last_tok == '}'))
		ctx->toplevel_quiet = false;
	ctx->last_tok = ctx->parser_last = tok;
	ctx->pending_prev_end = ctx->last_span.end;
	ctx->last_span = *lloc;
	return tok;
}

void parse_set_pending(struct parse_ctx *ctx, struct span at, char *msg, char *help,
		       const char *found, bool fixed)
{
	parse_flush(ctx);
	ctx->pending = true;
	ctx->pending_span = at;
	ctx->pending_msg = msg;
	ctx->pending_help = help;
	ctx->pending_found = found;
	ctx->pending_fixed = fixed;
}

void parse_flush(struct parse_ctx *ctx)
{
	if (!ctx->pending)
		return;
	if (ctx->pending_msg && !ctx->fatal) {
		struct diag *d = diag_error(ctx->ds, ctx->src, ctx->pending_span, "%s", ctx->pending_msg);

		if (ctx->pending_help)
			diag_help(d, "%s", ctx->pending_help);
		ctx->nerrors++;
	}
	free(ctx->pending_msg);
	free(ctx->pending_help);
	ctx->pending_msg = ctx->pending_help = NULL;
	ctx->pending = false;
}

void parse_expected(struct parse_ctx *ctx, struct span after, const char *what)
{
	if (ctx->pending && !ctx->pending_fixed && ctx->pending_msg &&
	    ctx->pending_prev_end == after.end) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "expected %s, found %s", what, ctx->pending_found);
		free(ctx->pending_msg);
		ctx->pending_msg = strbuf_detach(&sb, NULL);
		if (ctx->pending_help && strncmp(ctx->pending_help, "did you mean", 12)) {
			free(ctx->pending_help);
			ctx->pending_help = NULL;
		}
	}
	parse_flush(ctx);
}

void parse_add_item(struct parse_ctx *ctx, struct ast_item *it)
{
	if (it)
		ctx->items = ast_vec_push(&ctx->scratch, ctx->items, it, sizeof(*it));
}

struct ast_vec *parse_push_value(struct parse_ctx *ctx, struct ast_vec *vec, struct ast_value *v)
{
	if (vec && vec->n == PARSE_MAX_VALUES) {
		struct diag *d = diag_error(ctx->ds, ctx->src, v->span, "too many values");

		diag_help(d, "a setting or list holds at most %d values", PARSE_MAX_VALUES);
		ctx->nerrors++;
		/* one past the limit marks the list as reported */
	}
	if (!vec || vec->n <= PARSE_MAX_VALUES)
		vec = ast_vec_push(&ctx->scratch, vec, v, sizeof(*v));
	/* the list holds a copy: v's bytes go to the next value */
	arena_recycle(ctx->arena, v, sizeof(*v));
	return vec;
}

struct ast_column *parse_col_required(struct parse_ctx *ctx, struct ast_column *c, struct span at)
{
	if (c->required) {
		struct diag *d = diag_error(ctx->ds, ctx->src, at, "'required' written twice");
		diag_note(d, ctx->src, c->required_span, "first written here");
		ctx->nerrors++;
		return c;
	}
	c->required = true;
	c->required_span = at;
	return c;
}

struct ast_column *parse_col_from(struct parse_ctx *ctx, struct ast_column *c, struct ast_string *s,
				  struct span at)
{
	if (c->from) {
		struct diag *d = diag_error(ctx->ds, ctx->src, at, "'from' written twice");
		diag_help(d, "a column reads from one source field");
		ctx->nerrors++;
		return c;
	}
	c->from = s;
	return c;
}

struct ast_column *parse_col_attr(struct parse_ctx *ctx, struct ast_column *c,
				  const struct ast_name *key, struct ast_value *v, struct span at)
{
	struct ast_colattr *attrs;

	if (c->nattrs == PARSE_MAX_COLATTRS) {
		if (!c->attrs_overflow) {
			struct diag *d = diag_error(ctx->ds, ctx->src, at,
						    "too many column attributes");

			diag_help(d, "a column takes 'required', 'from', 'format' and 'epoch', "
				  "each once");
			ctx->nerrors++;
		}
		c->attrs_overflow = true;
		return c;
	}
	/* A handful at most: copying the list on each append stays cheap. */
	attrs = arena_alloc(ctx->arena, (c->nattrs + 1) * sizeof(*attrs));
	if (c->nattrs)
		memcpy(attrs, c->attrs, c->nattrs * sizeof(*attrs));
	attrs[c->nattrs].key = *key;
	attrs[c->nattrs].value = v;
	attrs[c->nattrs].span = at;
	c->attrs = attrs;
	c->nattrs++;
	return c;
}

/* on cast error ARGS: the only 'on' clause of a pipeline so far. */
struct ast_clause *parse_on_error_clause(struct parse_ctx *ctx, struct span on,
					 const struct ast_name *what, const struct ast_name *error,
					 struct ast_vec *args, struct span span)
{
	if (strcmp(what->text, "cast") || strcmp(error->text, "error")) {
		struct diag *d = diag_error(ctx->ds, ctx->src, span_join(what->span, error->span),
					    "expected 'cast error' after 'on'");

		diag_help(d, "write 'on cast error fail', 'on cast error drop' or "
			  "'on cast error null'");
		ctx->nerrors++;
		return NULL;
	}
	return ast_clause_on_error(ctx->arena, span_join(on, error->span), *what, args, span);
}

/* drop column NAME: 'column' is a plain word, checked here. */
struct ast_clause *parse_drop_clause(struct parse_ctx *ctx, struct span drop,
				     const struct ast_name *what, const struct ast_name *column,
				     struct span span)
{
	if (strcmp(what->text, "column")) {
		struct diag *d = diag_error(ctx->ds, ctx->src, what->span,
					    "expected 'column' after 'drop', found '%s'", what->text);
		static const char *const words[] = { "column" };

		if (diag_closest(what->text, words, 1))
			diag_help(d, "did you mean 'column'? write 'drop column NAME', one clause per column");
		else
			diag_help(d, "write 'drop column NAME', one clause per column");
		ctx->nerrors++;
		return NULL;
	}
	return ast_clause_drop_column(ctx->arena, span_join(drop, what->span), *column, span);
}

void parse_eqeq(struct parse_ctx *ctx, struct span at)
{
	struct diag *d = diag_error(ctx->ds, ctx->src, at, "'==' is not a comparison operator");

	diag_help(d, "use '=' to compare");
	ctx->nerrors++;
}

struct ast_vec *parse_after_add(struct parse_ctx *ctx, struct ast_vec *names, int sep, struct span at,
				const struct ast_name *name)
{
	if (names->n == 1) {
		ctx->after_sep = sep;
		ctx->after_sep_span = at;
	} else if (sep != ctx->after_sep) {
		struct diag *d = diag_error(ctx->ds, ctx->src, at,
					    "'and' and 'or' cannot be mixed in 'schedule after'");
		diag_note(d, ctx->src, ctx->after_sep_span, "the list is joined with '%s' here",
			  ctx->after_sep == AND ? "and" : "or");
		diag_help(d, "'after a and b' waits for all; 'after a or b' runs after any one");
		ctx->nerrors++;
	}
	return ast_vec_push(&ctx->scratch, names, name, sizeof(*name));
}

struct ast_clause *parse_after_clause(struct parse_ctx *ctx, struct span kw, struct ast_vec *names,
				      struct span span)
{
	return ast_clause_after(ctx->arena, kw, names, names->n > 1 && ctx->after_sep == OR, span);
}

size_t parse_file(const struct source *src, struct arena *arena, struct arena *text,
		  struct diag_set *ds, struct ast_file *out)
{
	struct parse_ctx ctx;
	struct parse_held held = { 0 };
	yyscan_t scanner;
	YY_BUFFER_STATE buf;
	char *copy;

	memset(&ctx, 0, sizeof(ctx));
	ctx.src = src;
	ctx.arena = arena;
	ctx.text = text;
	arena_init(&ctx.scratch);
	ctx.ds = ds;
	ctx.held = &held;
	memset(out, 0, sizeof(*out));
	out->src = src;
	out->arena = arena;

	if (lexer_lex_init_extra(&ctx, &scanner) != 0) {
		diag_error_file(ds, src, NULL, "cannot start the scanner");
		out->nsyntax_errors = 1;
		return 1;
	}
	ctx.scanner = scanner;
	/* flex rescans the current token at every NUL byte (it might be the end
	 * of the buffer), which is quadratic in a long run of NULs; NUL is an
	 * invalid character everywhere, so the scanner sees 0x01 instead, and
	 * diagnostics read the original bytes from src. */
	copy = xmalloc(src->len + 2);
	for (size_t i = 0; i < src->len; i++)
		copy[i] = src->text[i] ? src->text[i] : '\x01';
	copy[src->len] = copy[src->len + 1] = '\0';
	buf = lexer__scan_buffer(copy, src->len + 2, scanner);
	yyparse(&ctx);
	parse_flush(&ctx);
	lexer__delete_buffer(buf, scanner);
	lexer_lex_destroy(scanner);
	free(copy);

	if (ctx.items) {
		out->items = ast_vec_take(arena, ctx.items);
		out->nitems = ctx.items->n;
	}
	if (ctx.comments) {
		out->comments = ast_vec_take(arena, ctx.comments);
		out->ncomments = ctx.comments->n;
	}
	arena_release(&ctx.scratch);
	out->nsyntax_errors = ctx.nerrors;
	return ctx.nerrors;
}

/* ---- tokens ---- */

const char *parse_token_kind_name(enum parse_token_kind k)
{
	static const char *const names[] = {
		[PT_KEYWORD] = "keyword", [PT_NAME] = "name", [PT_QUOTED_NAME] = "quoted-name",
		[PT_STRING] = "string", [PT_NUMBER] = "number", [PT_DURATION] = "duration",
		[PT_PUNCT] = "punct", [PT_COMMENT] = "comment",
	};

	return names[k];
}

static enum parse_token_kind token_kind(int tok)
{
	switch (tok) {
	case IDENT: return PT_NAME;
	case BQIDENT: return PT_QUOTED_NAME;
	case STRING: return PT_STRING;
	case NUMBER: return PT_NUMBER;
	case DURATION: return PT_DURATION;
	default: return tok < 256 || tok == NE || tok == LE || tok == GE || tok == EQEQ
			? PT_PUNCT : PT_KEYWORD;
	}
}

struct parse_token {
	enum parse_token_kind kind;
	struct span at;
};

size_t parse_tokens(const struct source *src, struct diag_set *ds,
		    void (*fn)(void *arg, enum parse_token_kind kind, struct span at), void *arg)
{
	struct parse_ctx ctx;
	struct arena arena;
	yyscan_t scanner;
	YY_BUFFER_STATE buf;
	YYSTYPE lval;
	YYLTYPE lloc;
	struct parse_token *toks = NULL;
	const struct ast_comment *comments = NULL;
	size_t ntoks = 0, cap = 0, ncomments = 0, t, c;
	char *copy;
	int tok;

	memset(&ctx, 0, sizeof(ctx));
	arena_init(&arena);
	arena_init(&ctx.scratch);
	ctx.src = src;
	ctx.arena = ctx.text = &arena;
	ctx.ds = ds;
	if (lexer_lex_init_extra(&ctx, &scanner) != 0) {
		diag_error_file(ds, src, NULL, "cannot start the scanner");
		arena_release(&ctx.scratch);
		arena_release(&arena);
		return 1;
	}
	ctx.scanner = scanner;
	copy = xmalloc(src->len + 2);	/* NUL as 0x01, as parse_file does */
	for (size_t i = 0; i < src->len; i++)
		copy[i] = src->text[i] ? src->text[i] : '\x01';
	copy[src->len] = copy[src->len + 1] = '\0';
	buf = lexer__scan_buffer(copy, src->len + 2, scanner);
	while ((tok = lexer_lex(&lval, &lloc, scanner)) != 0) {
		if (tok != TERM && tok != BADTOK) {
			if (ntoks == cap) {
				cap = cap ? 2 * cap : 256;
				toks = xrealloc(toks, cap * sizeof(*toks));
			}
			toks[ntoks].kind = token_kind(tok);
			toks[ntoks++].at = lloc;
		}
		ctx.last_tok = tok;
		ctx.last_span = lloc;
	}
	lexer__delete_buffer(buf, scanner);
	lexer_lex_destroy(scanner);
	free(copy);
	if (ctx.comments) {
		comments = ast_vec_take(&arena, ctx.comments);
		ncomments = ctx.comments->n;
	}
	for (t = 0, c = 0; t < ntoks || c < ncomments; ) {
		if (c < ncomments && (t == ntoks || comments[c].span.start < toks[t].at.start))
			fn(arg, PT_COMMENT, comments[c++].span);
		else
			fn(arg, toks[t].kind, toks[t].at), t++;
	}
	free(toks);
	arena_release(&ctx.scratch);
	arena_release(&arena);
	return ctx.nerrors;
}
