#include "escape.h"

#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "xalloc.h"

/* Decodes one UTF-8 sequence at p; returns its length (0 = invalid byte). */
static size_t utf8_decode(const unsigned char *p, size_t avail, unsigned long *cp)
{
	size_t n = utf8_seq_len(p, avail), i;
	unsigned long c;

	if (n == 0)
		return 0;
	if (n == 1) {
		*cp = p[0];
		return 1;
	}
	c = p[0] & (0xffu >> (n + 1));
	for (i = 1; i < n; i++)
		c = (c << 6) | (p[i] & 0x3fu);
	*cp = c;
	return n;
}

void escape_python(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t avail = strlen(s);

	strbuf_addch(out, '"');
	while (avail) {
		unsigned long cp;
		size_t n;

		switch (*p) {
		case '\\': strbuf_addstr(out, "\\\\"); p++; avail--; continue;
		case '"': strbuf_addstr(out, "\\\""); p++; avail--; continue;
		case '\n': strbuf_addstr(out, "\\n"); p++; avail--; continue;
		case '\r': strbuf_addstr(out, "\\r"); p++; avail--; continue;
		case '\t': strbuf_addstr(out, "\\t"); p++; avail--; continue;
		default: break;
		}
		if (*p >= 0x20 && *p < 0x7f) {
			strbuf_addch(out, *p);
			p++;
			avail--;
			continue;
		}
		if (*p < 0x80) {
			strbuf_addf(out, "\\x%02x", *p);
			p++;
			avail--;
			continue;
		}
		n = utf8_decode(p, avail, &cp);
		if (n == 0) {
			/* A str cannot hold a stray byte; the checker refuses such
			 * input, so this only keeps the literal well-formed. */
			strbuf_addstr(out, "\\ufffd");
			p++;
			avail--;
			continue;
		}
		/* Non-ASCII is spelled with escapes so the script is plain ASCII:
		 * no encoding questions, no invisible or bidi characters. */
		if (cp <= 0xffff)
			strbuf_addf(out, "\\u%04lx", cp);
		else
			strbuf_addf(out, "\\U%08lx", cp);
		p += n;
		avail -= n;
	}
	strbuf_addch(out, '"');
}

static void quote_doubling(struct strbuf *out, const char *s, char q)
{
	strbuf_addch(out, q);
	for (; *s; s++) {
		if (*s == q)
			strbuf_addch(out, q);
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, q);
}

void escape_spark_ident(struct strbuf *out, const char *s)
{
	quote_doubling(out, s, '`');
}

void escape_spark_string(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\'' || c == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, c);
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(out, "\\u%04x", c);
		} else {
			strbuf_addch(out, c);
		}
	}
	strbuf_addch(out, '\'');
}

void escape_athena_ident(struct strbuf *out, const char *s)
{
	quote_doubling(out, s, '"');
}

void escape_athena_string(struct strbuf *out, const char *s)
{
	quote_doubling(out, s, '\'');
}

void escape_redshift_ident(struct strbuf *out, const char *s)
{
	quote_doubling(out, s, '"');
}

void escape_redshift_string(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			strbuf_addch(out, *s);
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

bool escape_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

bool escape_dqdl_ok(const char *s)
{
	return !escape_has_control(s);
}

void escape_dqdl(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

/* A Spark SQL string literal whose DQDL spelling needs no escape: the
 * DQDL lexer reads \" and \\ inside a quoted string, but the reference
 * parser (awslabs/dqdl DQDLParserListener) keeps rule parameters, the
 * CustomSql statement included, as written, escapes and all.  A statement
 * without a double quote or a backslash reads the same either way, so the
 * characters that Spark would escape with a backslash are written as
 * chr(N): 'it', chr(39), 's' joined by concat(). */
static bool spark_special(unsigned char c)
{
	return c == '\'' || c == '"' || c == '\\' || c < 0x20 || c == 0x7f;
}

void escape_spark_string_plain(struct strbuf *out, const char *s)
{
	struct strbuf parts = STRBUF_INIT;
	size_t n = 0, len;
	const char *p = s;

	while (*p) {
		if (n++)
			strbuf_addstr(&parts, ", ");
		if (spark_special((unsigned char)*p)) {
			strbuf_addf(&parts, "chr(%u)", (unsigned char)*p++);
			continue;
		}
		for (len = 0; p[len] && !spark_special((unsigned char)p[len]); len++)
			;
		{
			char *piece = xstrndup(p, len);

			escape_spark_string(&parts, piece);
			free(piece);
		}
		p += len;
	}
	if (n == 0)
		strbuf_addstr(out, "''");
	else if (n == 1)
		strbuf_addstr(out, parts.buf);
	else
		strbuf_addf(out, "concat(%s)", parts.buf);
	strbuf_release(&parts);
}

