/*
 * coltype: a column type as Spark DDL or the Glue catalog spells it, and
 * the rules between two types: which declared type writes into which
 * table column without loss (docs/catalog.md, "Type widening"), and which
 * table type Iceberg promotes to which (docs/catalog.md, "Schema
 * evolution").  Used by the catalog checks and by plan's classification
 * of schema edits.
 */
#ifndef PIPEC_COLTYPE_H
#define PIPEC_COLTYPE_H

#include <stdbool.h>

enum coltype_kind {
	COLTYPE_STRING, COLTYPE_BOOLEAN, COLTYPE_TINYINT, COLTYPE_SMALLINT, COLTYPE_INT,
	COLTYPE_BIGINT, COLTYPE_FLOAT, COLTYPE_DOUBLE, COLTYPE_DECIMAL, COLTYPE_DATE,
	COLTYPE_TIMESTAMP, COLTYPE_BINARY, COLTYPE_OTHER,
};

struct coltype {
	enum coltype_kind kind;
	int precision, scale;
	char norm[256];		/* lowercase, without blanks: compared for COLTYPE_OTHER */
};

/* Parses text ("decimal(10, 2)", "INT", "struct<a:int>"); never fails:
 * a type it does not know is COLTYPE_OTHER, compared by its text. */
void coltype_parse(const char *text, struct coltype *t);
/* True when values of the declared type d are written into a column of
 * type t without loss. */
bool coltype_widens(const struct coltype *d, const struct coltype *t);
/* True when Iceberg promotes the table type t to the declared d. */
bool coltype_promotes(const struct coltype *t, const struct coltype *d);

#endif
