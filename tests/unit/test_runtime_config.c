/* Unit tests of AWS config parsing (ini), endpoint resolution and the
 * container-URI rule, without any network. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws.h"
#include "creds.h"
#include "endpoint.h"
#include "ini.h"
#include "unit.h"

static const char config_text[] =
	"# a comment\n"
	"; another\n"
	"[default]\n"
	"region = us-east-1\n"
	"Output=json\n"
	"\n"
	"[profile   dev  ]\n"
	"region: eu-west-1\n"
	"role_arn = arn:aws:iam::123456789012:role/x\n"
	"source_profile = base\n"
	"services = local\n"
	"\n"
	"[services local]\n"
	"glue =\n"
	"  endpoint_url = http://127.0.0.1:5000\n"
	"s3 =\n"
	"  endpoint_url = http://localhost:9000/base/\n"
	"\n"
	"[profile dup]\n"
	"region = a\n"
	"region = b\n";

static void test_ini(void)
{
	struct ini ini = INI_INIT;
	char *err = NULL;

	CHECK("ini parses", ini_parse(&ini, config_text, strlen(config_text), "config", &err) == 0);
	CHECK_STR("ini default region", ini_get(&ini, "default", "region"), "us-east-1");
	CHECK_STR("ini keys lowercased", ini_get(&ini, "default", "output"), "json");
	CHECK("ini section names normalised", ini_has_section(&ini, "profile dev"));
	CHECK_STR("ini ':' separator", ini_get(&ini, "profile dev", "region"), "eu-west-1");
	CHECK_STR("ini value with ':' inside", ini_get(&ini, "profile dev", "role_arn"),
		  "arn:aws:iam::123456789012:role/x");
	CHECK_STR("ini nested key", ini_get(&ini, "services local", "glue.endpoint_url"),
		  "http://127.0.0.1:5000");
	CHECK_STR("ini nested parent is empty", ini_get(&ini, "services local", "glue"), "");
	CHECK_STR("ini later duplicate wins", ini_get(&ini, "profile dup", "region"), "b");
	CHECK("ini missing key", ini_get(&ini, "default", "nope") == NULL);
	ini_release(&ini);

	CHECK("ini setting before a section is an error",
	      ini_parse(&ini, "a = b\n", 6, "f", &err) < 0 && err && strstr(err, "f:1:"));
	free(err);
	err = NULL;
	ini_release(&ini);
	CHECK("ini unterminated section is an error",
	      ini_parse(&ini, "[x\n", 3, "f", &err) < 0 && err);
	free(err);
	err = NULL;
	ini_release(&ini);
	CHECK("ini line without '=' is an error",
	      ini_parse(&ini, "[x]\njunk\n", 9, "f", &err) < 0 && err && strstr(err, "f:2:"));
	free(err);
	err = NULL;
	ini_release(&ini);
	CHECK("ini missing file is empty", ini_load(&ini, "/nonexistent/pipec/config", &err) == 1 &&
	      ini.n == 0);
	ini_release(&ini);
}

static void clear_endpoint_env(void)
{
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_GLUE");
	unsetenv("AWS_ENDPOINT_URL_S3");
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_ENDPOINT_URL_EVENTBRIDGE");
	unsetenv("AWS_ENDPOINT_URL_ATHENA");
	unsetenv("AWS_ENDPOINT_URL_REDSHIFT_DATA");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_USE_FIPS_ENDPOINT");
	unsetenv("AWS_USE_DUALSTACK_ENDPOINT");
}

static char *resolve(enum aws_service svc, const char *region, const char *explicit_url,
		     const struct ini *cfg, const char *section)
{
	struct endpoint_config ec;
	struct endpoint ep;
	struct strbuf sb = STRBUF_INIT;
	char *err = NULL;
	const char *origin;

	ec.explicit_url = explicit_url;
	ec.config = cfg;
	ec.profile_section = section;
	if (endpoint_resolve(svc, region, &ec, &ep, &origin, &err) < 0) {
		strbuf_addf(&sb, "error: %s", err);
		free(err);
		return strbuf_detach(&sb, NULL);
	}
	strbuf_addf(&sb, "%s://%s%s%s", ep.scheme, ep.authority, ep.base_path,
		    ep.custom ? " custom" : "");
	endpoint_release(&ep);
	return strbuf_detach(&sb, NULL);
}

#define CHECK_RESOLVE(name, want, ...)                 \
	do {                                           \
		char *got_ = resolve(__VA_ARGS__);     \
		CHECK_STR(name, got_, want);           \
		free(got_);                            \
	} while (0)

static void test_endpoints(void)
{
	struct ini cfg = INI_INIT;
	char *err = NULL;

	ini_parse(&cfg, config_text, strlen(config_text), "config", &err);
	clear_endpoint_env();
	CHECK_RESOLVE("endpoint glue default", "https://glue.eu-west-1.amazonaws.com",
		      AWS_SERVICE_GLUE, "eu-west-1", NULL, NULL, NULL);
	CHECK_RESOLVE("endpoint sts regional", "https://sts.us-east-1.amazonaws.com",
		      AWS_SERVICE_STS, "us-east-1", NULL, NULL, NULL);
	CHECK_RESOLVE("endpoint events default", "https://events.ap-south-1.amazonaws.com",
		      AWS_SERVICE_EVENTS, "ap-south-1", NULL, NULL, NULL);
	CHECK_RESOLVE("endpoint athena default", "https://athena.eu-west-1.amazonaws.com",
		      AWS_SERVICE_ATHENA, "eu-west-1", NULL, NULL, NULL);
	CHECK_RESOLVE("endpoint redshift-data default",
		      "https://redshift-data.eu-west-1.amazonaws.com", AWS_SERVICE_REDSHIFT_DATA,
		      "eu-west-1", NULL, NULL, NULL);
	CHECK_STR("service name redshift-data", aws_service_name(AWS_SERVICE_REDSHIFT_DATA),
		  "redshift-data");
	CHECK("service from name athena", aws_service_from_name("athena") == AWS_SERVICE_ATHENA);
	CHECK("service from name redshift-data",
	      aws_service_from_name("redshift-data") == AWS_SERVICE_REDSHIFT_DATA);
	CHECK_RESOLVE("endpoint china partition", "https://glue.cn-north-1.amazonaws.com.cn",
		      AWS_SERVICE_GLUE, "cn-north-1", NULL, NULL, NULL);
	setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
	CHECK_RESOLVE("endpoint FIPS", "https://glue-fips.us-east-1.amazonaws.com",
		      AWS_SERVICE_GLUE, "us-east-1", NULL, NULL, NULL);
	unsetenv("AWS_USE_FIPS_ENDPOINT");
	setenv("AWS_USE_DUALSTACK_ENDPOINT", "true", 1);
	CHECK_RESOLVE("endpoint dual-stack", "https://glue.us-east-1.api.aws", AWS_SERVICE_GLUE,
		      "us-east-1", NULL, NULL, NULL);
	unsetenv("AWS_USE_DUALSTACK_ENDPOINT");

	CHECK_RESOLVE("endpoint from the profile's [services] section",
		      "http://127.0.0.1:5000 custom", AWS_SERVICE_GLUE, "us-east-1", NULL, &cfg,
		      "profile dev");
	CHECK_RESOLVE("endpoint [services] base path kept, trailing '/' dropped",
		      "http://localhost:9000/base custom", AWS_SERVICE_S3, "us-east-1", NULL, &cfg,
		      "profile dev");
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", 1);
	CHECK_RESOLVE("endpoint AWS_ENDPOINT_URL beats the config file",
		      "http://127.0.0.1:4566 custom", AWS_SERVICE_GLUE, "us-east-1", NULL, &cfg,
		      "profile dev");
	setenv("AWS_ENDPOINT_URL_GLUE", "https://glue.example.test:443", 1);
	CHECK_RESOLVE("endpoint AWS_ENDPOINT_URL_GLUE beats AWS_ENDPOINT_URL; default port dropped",
		      "https://glue.example.test custom", AWS_SERVICE_GLUE, "us-east-1", NULL, &cfg,
		      "profile dev");
	setenv("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9", 1);
	CHECK_RESOLVE("endpoint AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9 custom",
		      AWS_SERVICE_EVENTS, "us-east-1", NULL, NULL, NULL);
	setenv("AWS_ENDPOINT_URL_ATHENA", "http://127.0.0.1:10", 1);
	setenv("AWS_ENDPOINT_URL_REDSHIFT_DATA", "http://127.0.0.1:11", 1);
	CHECK_RESOLVE("endpoint AWS_ENDPOINT_URL_ATHENA", "http://127.0.0.1:10 custom",
		      AWS_SERVICE_ATHENA, "us-east-1", NULL, NULL, NULL);
	CHECK_RESOLVE("endpoint AWS_ENDPOINT_URL_REDSHIFT_DATA", "http://127.0.0.1:11 custom",
		      AWS_SERVICE_REDSHIFT_DATA, "us-east-1", NULL, NULL, NULL);
	CHECK_RESOLVE("endpoint --endpoint-url beats everything", "http://[::1]:8080 custom",
		      AWS_SERVICE_GLUE, "us-east-1", "http://[::1]:8080/", &cfg, "profile dev");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	CHECK_RESOLVE("endpoint AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "https://glue.us-east-1.amazonaws.com",
		      AWS_SERVICE_GLUE, "us-east-1", NULL, &cfg, "profile dev");
	CHECK_RESOLVE("endpoint ignore does not affect --endpoint-url", "http://h:1 custom",
		      AWS_SERVICE_GLUE, "us-east-1", "http://h:1", &cfg, "profile dev");
	clear_endpoint_env();
	CHECK_RESOLVE("endpoint bad scheme is an error",
		      "error: bad endpoint URL 'ftp://x' (from --endpoint-url): the endpoint URL must "
		      "start with http:// or https://", AWS_SERVICE_GLUE, "us-east-1", "ftp://x",
		      NULL, NULL);
	CHECK_RESOLVE("endpoint bad port is an error",
		      "error: bad endpoint URL 'http://h:x' (from --endpoint-url): the endpoint URL has "
		      "a malformed port", AWS_SERVICE_GLUE, "us-east-1", "http://h:x", NULL, NULL);
	ini_release(&cfg);
}

static void check_s3(const char *name, const char *url, const char *bucket, const char *key,
		     const char *want)
{
	struct endpoint ep;
	struct strbuf path = STRBUF_INIT, got = STRBUF_INIT;
	char *authority = NULL;
	const char *err;
	struct endpoint_config ec = { NULL, NULL, NULL };
	char *e2 = NULL;

	if (url)
		endpoint_parse(url, &ep, &err);
	else
		endpoint_resolve(AWS_SERVICE_S3, "eu-west-1", &ec, &ep, NULL, &e2);
	endpoint_s3_target(&ep, bucket, key, &authority, &path);
	strbuf_addf(&got, "%s%s", authority, path.buf);
	CHECK_STR(name, got.buf, want);
	free(authority);
	strbuf_release(&path);
	strbuf_release(&got);
	endpoint_release(&ep);
}

static void test_s3_addressing(void)
{
	clear_endpoint_env();
	check_s3("s3 virtual-hosted on AWS", NULL, "my-bucket", "dir/a b.py",
		 "my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b.py");
	check_s3("s3 path-style for a dotted bucket", NULL, "my.bucket", "k",
		 "s3.eu-west-1.amazonaws.com/my.bucket/k");
	check_s3("s3 path-style for an IP endpoint", "http://127.0.0.1:5000", "b", "x/y",
		 "127.0.0.1:5000/b/x/y");
	check_s3("s3 path-style for localhost with a base path", "http://localhost:9000/p/",
		 "bkt", "k+1", "localhost:9000/p/bkt/k%2B1");
	check_s3("s3 path-style for any custom endpoint", "https://s3.example.test", "bkt", "k",
		 "s3.example.test/bkt/k");
}

static void test_container_uri(void)
{
	CHECK("container URI https anywhere", creds_container_uri_allowed("https://creds.example/x"));
	CHECK("container URI loopback http", creds_container_uri_allowed("http://127.0.0.1:8080/c"));
	CHECK("container URI localhost http", creds_container_uri_allowed("http://localhost/c"));
	CHECK("container URI ECS host", creds_container_uri_allowed("http://169.254.170.2/v2/c"));
	CHECK("container URI EKS host", creds_container_uri_allowed("http://169.254.170.23/v1"));
	CHECK("container URI EKS IPv6", creds_container_uri_allowed("http://[fd00:ec2::23]/v1"));
	CHECK("container URI IPv6 loopback", creds_container_uri_allowed("http://[::1]:80/c"));
	CHECK("container URI other http refused", !creds_container_uri_allowed("http://10.0.0.1/c"));
	CHECK("container URI lookalike refused",
	      !creds_container_uri_allowed("http://127.0.0.1.evil.test/c"));
	CHECK("container URI garbage refused", !creds_container_uri_allowed("file:///etc/passwd"));
}

static bool split_is(const char *cmd, const char *const *want, size_t n)
{
	char **argv = NULL;
	size_t argc = 0;
	bool same;

	if (creds_shell_split(cmd, &argv, &argc) < 0)
		return false;
	same = argc == n && argv[argc] == NULL;
	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(argv[i], want[i]);
	creds_argv_free(argv);
	return same;
}

static void test_credential_process(void)
{
	static const char *const a[] = { "/bin/get-creds", "--profile", "dev" };
	static const char *const b[] = { "tool", "a b", "c\"d", "$HOME;rm", "x y", "#z" };
	static const char *const c[] = { "p", "" };
	char **argv = NULL;
	size_t argc = 0;
	struct aws_credentials cr;
	struct strbuf err = STRBUF_INIT;
	const char *ok = "{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", "
			 "\"SecretAccessKey\": \"sec-RET\", \"SessionToken\": \"tok\", "
			 "\"Expiration\": \"2030-01-02T03:04:05Z\"}";

	CHECK("split: blanks", split_is("  /bin/get-creds  --profile\tdev ", a, 3));
	CHECK("split: quotes, escapes, no shell meaning",
	      split_is("tool 'a b' \"c\\\"d\" $HOME\\;rm x\\ y #z", b, 6));
	CHECK("split: empty quoted word kept", split_is("p ''", c, 2));
	CHECK("split: unbalanced quote", creds_shell_split("tool 'x", &argv, &argc) < 0);
	CHECK("split: trailing backslash", creds_shell_split("tool \\", &argv, &argc) < 0);

	CHECK("process json: parsed",
	      creds_process_parse(ok, strlen(ok), &cr, &err) == 0 &&
		      !strcmp(cr.access_key_id, "AKIAPROC") && !strcmp(cr.secret_access_key, "sec-RET") &&
		      cr.session_token && !strcmp(cr.session_token, "tok") && cr.expiration == 1893553445);
	aws_credentials_release(&cr);
	strbuf_reset(&err);
	CHECK("process json: Version 2 refused",
	      creds_process_parse("{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}",
				  58, &cr, &err) < 0 && strstr(err.buf, "Version"));
	strbuf_reset(&err);
	CHECK("process json: Version as a string refused",
	      creds_process_parse("{\"Version\": \"1\"}", 16, &cr, &err) < 0 &&
		      strstr(err.buf, "Version"));
	strbuf_reset(&err);
	CHECK("process json: missing secret named, value not quoted",
	      creds_process_parse("{\"Version\": 1, \"AccessKeyId\": \"AKIAX\"}", 38, &cr, &err) < 0 &&
		      strstr(err.buf, "SecretAccessKey") && !strstr(err.buf, "AKIAX"));
	strbuf_reset(&err);
	CHECK("process json: not JSON, output not quoted",
	      creds_process_parse("secret-garbage", 14, &cr, &err) < 0 &&
		      strstr(err.buf, "not a JSON object") && !strstr(err.buf, "garbage"));
	strbuf_reset(&err);
	CHECK("process json: no Expiration means no expiry",
	      creds_process_parse("{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}",
				  58, &cr, &err) == 0 && cr.expiration == 0 && !cr.session_token);
	aws_credentials_release(&cr);
	strbuf_release(&err);
}

static void test_sso(void)
{
	char name[41], *tok = NULL;
	struct strbuf err = STRBUF_INIT;
	const char *good = "{\"accessToken\": \"sso-TOKEN-1\", \"expiresAt\": \"2030-01-01T00:00:00Z\"}";
	time_t before = 1893455999, after = 1893456000;

	creds_sso_cache_name("my-sso", name);
	CHECK("sso cache name: sha1 hex of the session name",
	      !strcmp(name, "0ad374308c5a4e22f723adf10145eafad7c4031c"));
	creds_sso_cache_name("https://d-123.awsapps.com/start", name);
	CHECK("sso cache name: sha1 hex of the start URL",
	      !strcmp(name, "2b829a45f04c9828cb45b7d092d8e4aa30818393"));
	CHECK("sso token: valid before expiresAt",
	      creds_sso_token_parse(good, strlen(good), before, &tok, &err) == 0 && tok &&
		      !strcmp(tok, "sso-TOKEN-1"));
	free(tok);
	CHECK("sso token: expired at expiresAt, token not quoted",
	      creds_sso_token_parse(good, strlen(good), after, &tok, &err) < 0 && !tok &&
		      strstr(err.buf, "expired at 2030-01-01T00:00:00Z") && !strstr(err.buf, "TOKEN"));
	strbuf_reset(&err);
	CHECK("sso token: missing expiresAt",
	      creds_sso_token_parse("{\"accessToken\": \"x\"}", 20, before, &tok, &err) < 0 &&
		      strstr(err.buf, "expiresAt"));
	strbuf_reset(&err);
	CHECK("sso token: the older CLIs' UTC suffix",
	      creds_sso_token_parse("{\"accessToken\": \"x\", \"expiresAt\": \"2030-01-01T00:00:00UTC\"}",
				    59, before, &tok, &err) == 0 && tok);
	free(tok);
	strbuf_reset(&err);
	CHECK("sso token: not JSON", creds_sso_token_parse("nope", 4, before, &tok, &err) < 0);
	strbuf_release(&err);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A profile whose cached SSO token expired: resolving the client's
 * credentials fails before any portal call, naming the profile, the cache
 * file and what to run. */
static void test_sso_expired_profile(void)
{
	char dir[] = "/tmp/pipec-unit-sso.XXXXXX", name[41];
	struct strbuf path = STRBUF_INIT, want = STRBUF_INIT;
	struct aws_options o = AWS_OPTIONS_INIT;
	struct aws_client *c;
	enum aws_status st;

	if (!mkdtemp(dir)) {
		CHECK("sso expired: temporary directory", false);
		return;
	}
	strbuf_addf(&path, "%s/config", dir);
	write_text(path.buf, "[profile team]\nsso_session = corp\nsso_account_id = 111122223333\n"
			     "sso_role_name = Dev\nregion = us-east-1\n"
			     "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\n"
			     "sso_region = us-east-1\n");
	setenv("AWS_CONFIG_FILE", path.buf, 1);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/credentials", dir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path.buf, 1);
	setenv("HOME", dir, 1);
	setenv("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9", 1);	/* never reached */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_PROFILE");
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/.aws", dir);
	mkdir(path.buf, 0700);
	strbuf_addstr(&path, "/sso");
	mkdir(path.buf, 0700);
	strbuf_addstr(&path, "/cache");
	mkdir(path.buf, 0700);
	creds_sso_cache_name("corp", name);
	strbuf_addf(&path, "/%s.json", name);
	write_text(path.buf, "{\"accessToken\": \"sso-SECRET-2\", \"expiresAt\": \"2020-01-01T00:00:00Z\", "
			     "\"refreshToken\": \"r\"}");
	o.profile = "team";
	c = aws_client_new(&o);
	st = aws_client_resolve(c);
	strbuf_addf(&want, "profile 'team': the SSO token in %s expired at 2020-01-01T00:00:00Z: "
			   "run aws sso login --profile team", path.buf);
	CHECK("sso expired: credentials error", st == AWS_ERR_CREDENTIALS);
	CHECK_STR("sso expired: names the profile and says to run aws sso login --profile",
		  aws_errmsg(c), want.buf);
	CHECK("sso expired: the token is not quoted", !strstr(aws_errmsg(c), "SECRET"));
	aws_client_free(c);
	unlink(path.buf);
	{
		static const char *const left[] = { "/.aws/sso/cache", "/.aws/sso", "/.aws", "" };
		size_t i;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/config", dir);
		unlink(path.buf);
		for (i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
			strbuf_reset(&path);
			strbuf_addf(&path, "%s%s", dir, left[i]);
			rmdir(path.buf);
		}
	}
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_ENDPOINT_URL_SSO");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	strbuf_release(&path);
	strbuf_release(&want);
}

int main(void)
{
	test_ini();
	test_endpoints();
	test_s3_addressing();
	test_container_uri();
	test_credential_process();
	test_sso();
	test_sso_expired_profile();
	return unit_done();
}
