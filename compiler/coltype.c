/*
 * coltype: column types and the rules between them (coltype.h).
 */
#include "coltype.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void normalize(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++)
		if (!isspace((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

void coltype_parse(const char *text, struct coltype *t)
{
	static const struct {
		const char *name;
		enum coltype_kind kind;
	} simple[] = {
		{ "string", COLTYPE_STRING },	    { "boolean", COLTYPE_BOOLEAN }, { "tinyint", COLTYPE_TINYINT },
		{ "smallint", COLTYPE_SMALLINT }, { "int", COLTYPE_INT },	      { "integer", COLTYPE_INT },
		{ "bigint", COLTYPE_BIGINT },	    { "float", COLTYPE_FLOAT },     { "real", COLTYPE_FLOAT },
		{ "double", COLTYPE_DOUBLE },	    { "date", COLTYPE_DATE },	      { "timestamp", COLTYPE_TIMESTAMP },
		{ "binary", COLTYPE_BINARY },
	};
	size_t i;

	memset(t, 0, sizeof(*t));
	normalize(text, t->norm, sizeof(t->norm));
	t->kind = COLTYPE_OTHER;
	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (!strcmp(t->norm, simple[i].name)) {
			t->kind = simple[i].kind;
			return;
		}
	if (!strncmp(t->norm, "decimal", 7)) {
		int p = 10, s = 0;
		if (!t->norm[7] || sscanf(t->norm + 7, "(%d,%d)", &p, &s) == 2 ||
		    sscanf(t->norm + 7, "(%d)", &p) == 1) {
			t->kind = COLTYPE_DECIMAL;
			t->precision = p;
			t->scale = s;
		}
	}
}

static int int_rank(enum coltype_kind k)
{
	switch (k) {
	case COLTYPE_TINYINT:
		return 1;
	case COLTYPE_SMALLINT:
		return 2;
	case COLTYPE_INT:
		return 3;
	case COLTYPE_BIGINT:
		return 4;
	default:
		return 0;
	}
}

/* Decimal digits an integer type needs. */
static int int_digits(enum coltype_kind k)
{
	static const int digits[] = { 0, 3, 5, 10, 19 };

	return digits[int_rank(k)];
}

/* True when values of the declared type d are written into a column of
 * type t without loss: the widening table of docs/catalog.md. */
bool coltype_widens(const struct coltype *d, const struct coltype *t)
{
	if (d->kind == COLTYPE_OTHER || t->kind == COLTYPE_OTHER)
		return d->kind == t->kind && !strcmp(d->norm, t->norm);
	if (d->kind == COLTYPE_DECIMAL && t->kind == COLTYPE_DECIMAL)
		return t->precision - t->scale >= d->precision - d->scale && t->scale >= d->scale;
	if (d->kind == t->kind)
		return true;
	if (int_rank(d->kind) && int_rank(t->kind))
		return int_rank(t->kind) >= int_rank(d->kind);
	if (int_rank(d->kind) && t->kind == COLTYPE_DECIMAL)
		return t->precision - t->scale >= int_digits(d->kind);
	if (d->kind == COLTYPE_FLOAT && t->kind == COLTYPE_DOUBLE)
		return true;
	if (d->kind == COLTYPE_DATE && t->kind == COLTYPE_TIMESTAMP)
		return true;
	return false;
}

/* Iceberg's type promotion (Iceberg spec, "Schema Evolution"; Spark DDL
 * "ALTER TABLE ... ALTER COLUMN ... TYPE"): int -> bigint, float -> double,
 * decimal(P,S) -> decimal(P',S) with P' > P. The job widens the table's
 * type t to the declared d at start (templates/pyspark/evolve_iceberg). */
bool coltype_promotes(const struct coltype *t, const struct coltype *d)
{
	if (t->kind == COLTYPE_INT && d->kind == COLTYPE_BIGINT)
		return true;
	if (t->kind == COLTYPE_FLOAT && d->kind == COLTYPE_DOUBLE)
		return true;
	return t->kind == COLTYPE_DECIMAL && d->kind == COLTYPE_DECIMAL && d->scale == t->scale &&
	       d->precision > t->precision;
}

