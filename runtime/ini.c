#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "strbuf.h"
#include "xalloc.h"

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* "profile   dev " → "profile dev" */
static char *normalise_section(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	bool space = false;
	size_t i;
	char *t = trimmed(s, n);

	for (i = 0; t[i]; i++) {
		if (isspace((unsigned char)t[i])) {
			space = true;
			continue;
		}
		if (space)
			strbuf_addch(&sb, ' ');
		space = false;
		strbuf_addch(&sb, t[i]);
	}
	free(t);
	return strbuf_detach(&sb, NULL);
}

static void put(struct ini *ini, const char *section, char *key, char *value)
{
	size_t i;

	for (i = 0; i < ini->n; i++) {
		if (!strcmp(ini->v[i].section, section) && !strcmp(ini->v[i].key, key)) {
			OPENSSL_cleanse(ini->v[i].value, strlen(ini->v[i].value));
			free(ini->v[i].value);
			ini->v[i].value = value;
			free(key);
			return;
		}
	}
	XGROW(ini->v, ini->alloc, ini->n + 1);
	ini->v[ini->n].section = xstrdup(section);
	ini->v[ini->n].key = key;
	ini->v[ini->n].value = value;
	ini->n++;
}

int ini_parse(struct ini *ini, const char *text, size_t len, const char *filename, char **err)
{
	const char *p = text, *end = text + len;
	char *section = NULL, *parent = NULL;
	int lineno = 0;
	struct strbuf e = STRBUF_INIT;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p, *sep;
		bool indented = s < le && (*s == ' ' || *s == '\t');
		size_t k;

		lineno++;
		p = nl ? nl + 1 : end;
		while (s < le && isspace((unsigned char)*s))
			s++;
		if (s == le || *s == '#' || *s == ';')
			continue;
		if (*s == '[' && !indented) {
			const char *close = memchr(s, ']', (size_t)(le - s));

			if (!close) {
				strbuf_addf(&e, "%s:%d: section header without ']'", filename, lineno);
				goto fail;
			}
			free(section);
			free(parent);
			parent = NULL;
			section = normalise_section(s + 1, (size_t)(close - s - 1));
			continue;
		}
		if (!section) {
			strbuf_addf(&e, "%s:%d: a setting before any [section]", filename, lineno);
			goto fail;
		}
		sep = s;
		while (sep < le && *sep != '=' && *sep != ':')
			sep++;
		if (sep == le) {
			strbuf_addf(&e, "%s:%d: expected 'key = value'", filename, lineno);
			goto fail;
		}
		{
			char *key = trimmed(s, (size_t)(sep - s));
			char *value = trimmed(sep + 1, (size_t)(le - sep - 1));

			for (k = 0; key[k]; k++)
				key[k] = (char)tolower((unsigned char)key[k]);
			if (indented && parent) {
				char *full = xmalloc(strlen(parent) + strlen(key) + 2);

				strcpy(full, parent);
				strcat(full, ".");
				strcat(full, key);
				free(key);
				put(ini, section, full, value);
				continue;
			}
			free(parent);
			parent = !*value ? xstrdup(key) : NULL;
			put(ini, section, key, value);
		}
	}
	free(section);
	free(parent);
	return 0;
fail:
	free(section);
	free(parent);
	*err = strbuf_detach(&e, NULL);
	return -1;
}

int ini_load(struct ini *ini, const char *path, char **err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (strbuf_read_file(&sb, path) < 0) {
		int saved = errno;

		strbuf_release(&sb);
		if (saved == ENOENT || saved == ENOTDIR)
			return 1;
		strbuf_addf(&sb, "cannot read '%s': %s", path, strerror(saved));
		*err = strbuf_detach(&sb, NULL);
		return -1;
	}
	rc = ini_parse(ini, sb.buf, sb.len, path, err);
	OPENSSL_cleanse(sb.buf, sb.len);
	strbuf_release(&sb);
	return rc;
}

const char *ini_get(const struct ini *ini, const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < ini->n; i++)
		if (!strcmp(ini->v[i].section, section) && !strcmp(ini->v[i].key, key))
			return ini->v[i].value;
	return NULL;
}

bool ini_has_section(const struct ini *ini, const char *section)
{
	size_t i;

	for (i = 0; i < ini->n; i++)
		if (!strcmp(ini->v[i].section, section))
			return true;
	return false;
}

void ini_release(struct ini *ini)
{
	size_t i;

	for (i = 0; i < ini->n; i++) {
		free(ini->v[i].section);
		free(ini->v[i].key);
		OPENSSL_cleanse(ini->v[i].value, strlen(ini->v[i].value));
		free(ini->v[i].value);
	}
	free(ini->v);
	ini->v = NULL;
	ini->n = ini->alloc = 0;
}
