#include "names.h"

#include <ctype.h>
#include <string.h>

const char *const names_builtin_variables[NAMES_NBUILTIN_VARIABLES] = {
	"env", "region", "account", "project",
};

const char *const names_spark_worker_types[NAMES_NSPARK_WORKER_TYPES] = {
	"G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

bool names_is_identifier(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

bool names_is_builtin_variable(const char *s)
{
	return in_list(s, names_builtin_variables, NAMES_NBUILTIN_VARIABLES);
}

const char *names_bucket_problem(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 3 || n > 63)
		return "bucket names are 3 to 63 characters long";
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.')
			return "bucket names use lowercase letters, digits, '.' and '-'";
	if (!isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return "bucket names start and end with a letter or digit";
	if (strstr(s, ".."))
		return "bucket names cannot contain '..'";
	return NULL;
}

const char *names_s3_url_problem(const char *s)
{
	const char *b, *slash;
	char bucket[64];
	size_t n;

	if (strncmp(s, "s3://", 5))
		return "it must start with 's3://'";
	b = s + 5;
	slash = strchr(b, '/');
	n = slash ? (size_t)(slash - b) : strlen(b);
	if (!n)
		return "the bucket name is missing";
	if (n >= sizeof(bucket))
		return "bucket names are 3 to 63 characters long";
	memcpy(bucket, b, n);
	bucket[n] = '\0';
	if (names_bucket_problem(bucket))
		return names_bucket_problem(bucket);
	if (slash && strstr(slash, "//"))
		return "the key prefix contains an empty segment ('//')";
	return NULL;
}

const char *names_tag_key_problem(const char *key)
{
	size_t n = strlen(key);

	if (n < 1 || n > 128)
		return "tag keys are 1 to 128 characters";
	if (!strncmp(key, "aws:", 4))
		return "the 'aws:' prefix is reserved by AWS";
	if (!strncmp(key, "pipec:", 6))
		return "the 'pipec:' prefix is reserved for pipec's own tags";
	return NULL;
}

const char *names_worker_type_problem(const char *type)
{
	if (in_list(type, names_spark_worker_types, NAMES_NSPARK_WORKER_TYPES))
		return NULL;
	if (!strcmp(type, "G.025X"))
		return "is for streaming jobs only";
	if (!strcmp(type, "Z.2X"))
		return "is for Ray jobs only";
	if (!strcmp(type, "Standard"))
		return "is a legacy worker type not available in Glue 5.1";
	return "is not a Glue 5.1 Spark worker type";
}

/* ---- names per engine ---- */

const struct names_rule names_rules[NAMES_NENGINES] = {
	/* S3 Tables naming rules (Amazon S3 User Guide, "Naming rules for
	 * tables and namespaces"). */
	[NAMES_S3TABLES] = { "S3 Tables", true, true, true, false, 255,
			     "S3 Tables names are lowercase letters, digits and '_'",
			     "S3 Tables names are lowercase" },
	/* Iceberg's GlueCatalog validates database and table names against
	 * ^[a-z0-9_]{1,255}$ (IcebergToGlueConverter) on every load and
	 * create, unless glue.skip-name-validation is set, which pipec does
	 * not set. */
	[NAMES_GLUE_ICEBERG] = { "Iceberg", true, true, false, false, 255,
				 "Iceberg's GlueCatalog accepts ^[a-z0-9_]{1,255}$",
				 "Iceberg's GlueCatalog accepts ^[a-z0-9_]{1,255}$" },
	/* Redshift folds names to lowercase (information_schema holds them
	 * so); identifiers are at most 127 bytes.  The connector splits
	 * preactions and postactions at every ';' and formats an action that
	 * contains "%s". */
	[NAMES_REDSHIFT_TABLE] = { "Redshift", true, false, false, true, 127,
				   "Redshift identifiers are at most 127 bytes",
				   "Redshift stores names in lowercase" },
	[NAMES_REDSHIFT_COLUMN] = { "Redshift", false, false, false, true, 127,
				    "Redshift identifiers are at most 127 bytes", NULL },
};

static bool word_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* Bytes of the UTF-8 character at p (1 for a stray byte). */
static size_t char_len(const char *p)
{
	unsigned char b = (unsigned char)*p;
	size_t n = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4, i;

	for (i = 1; i < n; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

struct names_problem names_engine_problem(enum names_engine e, const char *s)
{
	const struct names_rule *r = &names_rules[e];
	struct names_problem pr = { NAMES_OK, s, 0 };
	const char *p;

	if (!*s) {
		pr.kind = NAMES_EMPTY;
		return pr;
	}
	for (p = s; *p; p += pr.len) {
		unsigned char ch = (unsigned char)*p;

		pr.at = p;
		pr.len = char_len(p);
		if (r->action_safe && ch == ';') {
			pr.kind = NAMES_SEMICOLON;
			return pr;
		}
		if (r->action_safe && ch == '%' && p[1] == 's') {
			pr.kind = NAMES_PERCENT_S;
			pr.len = 2;
			return pr;
		}
		if (r->lowercase && ch >= 'A' && ch <= 'Z') {
			pr.kind = NAMES_UPPER;
			return pr;
		}
		if (r->word_chars && !word_char(ch)) {
			pr.kind = NAMES_BAD_CHAR;
			return pr;
		}
	}
	pr.at = s;
	pr.len = 0;
	if (r->alnum_first && !isalnum((unsigned char)*s)) {
		pr.kind = NAMES_BAD_FIRST;
		pr.len = char_len(s);
	} else if (strlen(s) > r->max) {
		pr.kind = NAMES_TOO_LONG;
	}
	return pr;
}

void names_engine_fix(enum names_engine e, const char *s, char *out)
{
	const struct names_rule *r = &names_rules[e];
	const char *p = s;

	while (*p) {
		unsigned char ch = (unsigned char)*p;
		size_t n = char_len(p);

		if (r->lowercase && ch >= 'A' && ch <= 'Z')
			*out++ = (char)(ch - 'A' + 'a');
		else if ((r->word_chars && !word_char(ch)) || (r->action_safe && ch == ';') ||
			 (r->action_safe && ch == '%' && p[1] == 's'))
			*out++ = '_';
		else {
			memcpy(out, p, n);
			out += n;
		}
		p += n;
	}
	*out = '\0';
}

/* ---- pipec's own tag values ---- */

bool names_tag_char_ok(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr(" _.:/=+-@", ch) != NULL);
}

void names_tag_encode(const char *s, char *out)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (names_tag_char_ok(ch) && ch != '=') {
			*out++ = (char)ch;
		} else {
			*out++ = '=';
			*out++ = hex[ch >> 4];
			*out++ = hex[ch & 15];
		}
	}
	*out = '\0';
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

void names_tag_decode(const char *s, char *out)
{
	for (; *s; s++) {
		int hi, lo;

		if (*s == '=' && (hi = hex_value(s[1])) >= 0 && (lo = hex_value(s[2])) >= 0 &&
		    hi + lo > 0) {
			*out++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}
