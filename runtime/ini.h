/*
 * ini: the AWS shared config and credentials file format, read the way
 * botocore reads it: [section] headers, "key = value" or "key: value" lines,
 * '#' and ';' comment lines (no inline comments), keys lowercased, values
 * trimmed, and indented "sub = value" lines under an empty "key =" stored as
 * "key.sub" (the nested form of [services] and s3 settings).
 *
 * Ownership: an ini owns copies of everything; ini_release wipes values
 * (they may be secrets) with OPENSSL_cleanse before freeing them.
 */
#ifndef PIPEC_INI_H
#define PIPEC_INI_H

#include <stdbool.h>
#include <stddef.h>

struct ini_entry {
	char *section;	/* whitespace-normalised: "default", "profile dev" */
	char *key;	/* lowercase; "parent.child" for nested keys */
	char *value;
};

struct ini {
	struct ini_entry *v;
	size_t n, alloc;
};

#define INI_INIT { NULL, 0, 0 }

/*
 * Parses text; returns 0, or -1 with *err (caller frees) naming the line.
 * A later duplicate key replaces the earlier value.
 */
int ini_parse(struct ini *ini, const char *text, size_t len, const char *filename, char **err);
/* Loads a file; a missing file is an empty ini (returns 1).  0 loaded, -1 error. */
int ini_load(struct ini *ini, const char *path, char **err);
const char *ini_get(const struct ini *ini, const char *section, const char *key);
bool ini_has_section(const struct ini *ini, const char *section);
void ini_release(struct ini *ini);

#endif
