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
