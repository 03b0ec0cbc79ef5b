/*
 * nested: the fields of a struct, array or map type, as Spark DDL or the
 * Glue catalog spells it ("struct<x:int,y:int>", "array<struct<...>>"),
 * and the edits between a table's nested type and a declared one, field
 * path by field path: what the Iceberg job evolves (templates/pyspark/
 * evolve_iceberg.py.tmpl, the same rules), what plan classifies
 * (plan_evolve.c) and what the catalog check accepts (catalog_check.c).
 * A path names the fields from the column down, dot-separated, the
 * struct of an array's elements as "element" and a map's keys and values
 * as "key" and "value", as Iceberg's Spark DDL does: "point.z",
 * "tags.element.z", "attrs.value.z".
 */
#ifndef PIPEC_NESTED_H
#define PIPEC_NESTED_H

#include <stdbool.h>

enum nested_edit {
	NESTED_ADD,		/* a declared field the table's struct lacks */
	NESTED_WIDEN,		/* a primitive Iceberg promotes to the declared type */
	NESTED_NARROW,		/* a declared primitive that writes into the field */
	NESTED_UNDECLARE,	/* a field of the table's struct not declared */
	NESTED_CHANGE,		/* a primitive neither promoted nor written into */
	NESTED_KIND,		/* primitive, struct, array or map: not the same */
	NESTED_KEY,		/* a map's key type changed */
};

/* Called once per edit: path of the field; from, the table's type (NULL
 * for NESTED_ADD); to, the declared type (NULL for NESTED_UNDECLARE). */
typedef void (*nested_fn)(void *arg, enum nested_edit e, const char *path, const char *from,
			  const char *to);

/* True when text is a struct, array or map type. */
bool nested_is(const char *text);
/* Walks the table's type from and the declared type to of column name
 * (either nested), calling fn for each field that differs, in declared
 * order, then for the table's fields the declaration lacks. Returns the
 * number of edits. */
int nested_diff(const char *name, const char *from, const char *to, nested_fn fn, void *arg);
/* True for the edits the Iceberg job refuses (it fails before writing). */
bool nested_refused(enum nested_edit e);

#endif
