#include "creds.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "aws_internal.h"
#include "endpoint.h"
#include "xalloc.h"

#define MAX_ROLE_CHAIN 8

enum found { NOT_FOUND, FOUND };

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void set_source(struct aws_client *c, struct strbuf *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_source(struct aws_client *c, struct strbuf *src, const char *fmt, ...)
{
	va_list ap;

	(void)c;
	strbuf_reset(src);
	va_start(ap, fmt);
	strbuf_vaddf(src, fmt, ap);
	va_end(ap);
}

/* Reads a small secret file, trimming trailing whitespace. */
static int read_secret_file(const char *path, char **out)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_read_file(&sb, path) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	while (sb.len && isspace((unsigned char)sb.buf[sb.len - 1]))
		strbuf_setlen(&sb, sb.len - 1);
	*out = xstrdup(sb.buf);
	OPENSSL_cleanse(sb.buf, sb.len);
	strbuf_release(&sb);
	return 0;
}

/* ---- 1. environment ---- */

static enum aws_status from_env(struct aws_client *c, struct aws_credentials *cr,
				enum found *found)
{
	const char *ak = env_nonempty("AWS_ACCESS_KEY_ID");
	const char *sk = env_nonempty("AWS_SECRET_ACCESS_KEY");
	const char *tok = env_nonempty("AWS_SESSION_TOKEN");

	*found = NOT_FOUND;
	if (!tok)
		tok = env_nonempty("AWS_SECURITY_TOKEN");
	if (!ak && !sk)
		return AWS_OK;
	if (!ak || !sk)
		return aws_fail(c, AWS_ERR_CREDENTIALS, "%s is set but %s is not (or is empty)",
				ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
				ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	cr->access_key_id = xstrdup(ak);
	cr->secret_access_key = xstrdup(sk);
	cr->session_token = tok ? xstrdup(tok) : NULL;
	*found = FOUND;
	return AWS_OK;
}

/* ---- 4./5. static keys of a profile ---- */

static enum aws_status static_keys(struct aws_client *c, const char *profile, bool config_file,
				   struct aws_credentials *cr, enum found *found)
{
	struct strbuf tmp = STRBUF_INIT;
	const struct ini *ini = config_file ? &c->config : &c->credentials;
	const char *section = config_file ? aws_config_section(c, profile, &tmp) : profile;
	const char *ak = ini_get(ini, section, "aws_access_key_id");
	const char *sk = ini_get(ini, section, "aws_secret_access_key");
	const char *tok = ini_get(ini, section, "aws_session_token");
	const char *file = config_file ? c->config_path : c->credentials_path;

	enum aws_status st = AWS_OK;

	*found = NOT_FOUND;
	if ((!ak || !*ak) && (!sk || !*sk)) {
		/* no keys here */
	} else if (!ak || !*ak || !sk || !*sk) {
		st = aws_fail(c, AWS_ERR_CREDENTIALS, "profile '%s' in %s has %s but no %s", profile,
			      file, ak && *ak ? "aws_access_key_id" : "aws_secret_access_key",
			      ak && *ak ? "aws_secret_access_key" : "aws_access_key_id");
	} else {
		if (!tok)
			tok = ini_get(ini, section, "aws_security_token");
		cr->access_key_id = xstrdup(ak);
		cr->secret_access_key = xstrdup(sk);
		cr->session_token = tok && *tok ? xstrdup(tok) : NULL;
		*found = FOUND;
	}
	strbuf_release(&tmp);
	return st;
}

static enum aws_status credential_process(struct aws_client *c, const char *profile,
					  const char *command, struct aws_credentials *cr);

static enum aws_status sso_credentials(struct aws_client *c, const char *profile,
				       struct aws_credentials *cr, struct strbuf *src);

static enum aws_status profile_static(struct aws_client *c, const char *profile,
				      struct aws_credentials *cr, enum found *found,
				      struct strbuf *src)
{
	enum aws_status st;

	/* botocore SSOProvider comes first: sso_account_id or sso_role_name. */
	if (aws_profile_get(c, profile, "sso_account_id") ||
	    aws_profile_get(c, profile, "sso_role_name")) {
		st = sso_credentials(c, profile, cr, src);
		*found = st == AWS_OK ? FOUND : NOT_FOUND;
		return st;
	}
	st = static_keys(c, profile, false, cr, found);

	if (st != AWS_OK || *found == FOUND) {
		if (*found == FOUND)
			set_source(c, src, "profile '%s' in %s", profile, c->credentials_path);
		return st;
	}
	/* botocore's profile providers: credentials file, login, process, config file. */
	{
		const char *login = aws_profile_get(c, profile, "login_session");

		if (login && *login)
			return aws_fail(c, AWS_ERR_CREDENTIALS,
					"profile '%s' uses login_session (aws login), which pipec does "
					"not support; use an SSO profile, credential_process, a role or "
					"keys in the environment", profile);
	}
	{
		const char *cmd = aws_profile_get(c, profile, "credential_process");

		if (cmd && *cmd) {
			st = credential_process(c, profile, cmd, cr);
			if (st == AWS_OK) {
				*found = FOUND;
				set_source(c, src, "profile '%s' (credential_process)", profile);
			}
			return st;
		}
	}
	st = static_keys(c, profile, true, cr, found);
	if (st == AWS_OK && *found == FOUND)
		set_source(c, src, "profile '%s' in %s", profile, c->config_path);
	return st;
}

/* ---- credential_process ---- */

/*
 * botocore ProcessProvider runs the command without a shell:
 * compat_shell_split is shlex.split (POSIX mode, no comments).  Words split
 * at blanks; '...' is literal; "..." lets a backslash escape only \ " $ `
 * and newline; outside quotes a backslash escapes any character.
 */
int creds_shell_split(const char *cmd, char ***argv_out, size_t *argc_out)
{
	struct strbuf word = STRBUF_INIT;
	char **argv = NULL;
	size_t argc = 0;
	bool in_word = false;
	const char *p = cmd;

	while (*p) {
		char ch = *p;

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			if (in_word) {
				argv = xrealloc(argv, (argc + 2) * sizeof(*argv));
				argv[argc++] = strbuf_detach(&word, NULL);
				in_word = false;
			}
			p++;
		} else if (ch == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end)
				goto unbalanced;
			strbuf_add(&word, p + 1, (size_t)(end - p - 1));
			in_word = true;
			p = end + 1;
		} else if (ch == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("\\\"$`\n", p[1]))
					p++;
				strbuf_addch(&word, *p++);
			}
			if (!*p)
				goto unbalanced;
			in_word = true;
			p++;
		} else if (ch == '\\') {
			if (!p[1])
				goto unbalanced;
			strbuf_addch(&word, p[1]);
			in_word = true;
			p += 2;
		} else {
			strbuf_addch(&word, ch);
			in_word = true;
			p++;
		}
	}
	if (in_word) {
		argv = xrealloc(argv, (argc + 2) * sizeof(*argv));
		argv[argc++] = strbuf_detach(&word, NULL);
	}
	strbuf_release(&word);
	if (!argv)
		argv = xcalloc(1, sizeof(*argv));
	argv[argc] = NULL;
	*argv_out = argv;
	*argc_out = argc;
	return 0;
unbalanced:
	strbuf_release(&word);
	while (argc)
		free(argv[--argc]);
	free(argv);
	return -1;
}

void creds_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/*
 * The process's JSON, as botocore reads it: Version must be the number 1;
 * AccessKeyId and SecretAccessKey are required; SessionToken and
 * Expiration optional.  The error never quotes the output.
 */
int creds_process_parse(const char *out, size_t len, struct aws_credentials *cr,
			struct strbuf *err)
{
	json_t *j = json_loadb(out, len, 0, NULL);
	json_t *ver = json_object_get(j, "Version");
	const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
	const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
	const char *tok = json_string_value(json_object_get(j, "SessionToken"));
	const char *exp = json_string_value(json_object_get(j, "Expiration"));
	int rc = -1;

	memset(cr, 0, sizeof(*cr));
	if (!j || !json_is_object(j))
		strbuf_addstr(err, "its output is not a JSON object");
	else if (!ver)
		strbuf_addstr(err, "its output has no Version (expected 1)");
	else if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		strbuf_addstr(err, "unsupported Version in its output (supported: 1)");
	else if (!ak || !*ak)
		strbuf_addstr(err, "its output has no AccessKeyId");
	else if (!sk || !*sk)
		strbuf_addstr(err, "its output has no SecretAccessKey");
	else if (exp && aws_parse_iso8601(exp, &cr->expiration) < 0)
		strbuf_addstr(err, "its Expiration is not an ISO 8601 time");
	else
		rc = 0;
	if (rc == 0) {
		cr->access_key_id = xstrdup(ak);
		cr->secret_access_key = xstrdup(sk);
		cr->session_token = tok && *tok ? xstrdup(tok) : NULL;
	} else {
		cr->expiration = 0;
	}
	if (sk)
		OPENSSL_cleanse((char *)sk, strlen(sk));
	if (tok)
		OPENSSL_cleanse((char *)tok, strlen(tok));
	json_decref(j);
	return rc;
}

#define PROCESS_OUTPUT_MAX (1 << 20)

/* Runs argv with stdout and stderr read through pipes; returns the wait status or -1. */
static int run_process(char **argv, struct strbuf *out, struct strbuf *errout, int *exec_errno)
{
	int po[2], pe[2], px[2];
	pid_t pid;
	int status = 0;
	struct pollfd fds[2];
	int open_fds = 2;
	ssize_t n;

	*exec_errno = 0;
	if (pipe(po) < 0)
		return -1;
	if (pipe(pe) < 0) {
		close(po[0]), close(po[1]);
		return -1;
	}
	if (pipe(px) < 0) {
		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]), close(px[0]), close(px[1]);
		return -1;
	}
	if (pid == 0) {
		int e;

		close(po[0]), close(pe[0]), close(px[0]);
		fcntl(px[1], F_SETFD, FD_CLOEXEC);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[1]), close(pe[1]);
		execvp(argv[0], argv);
		e = errno;
		if (write(px[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(po[1]), close(pe[1]), close(px[1]);
	fds[0].fd = po[0];
	fds[1].fd = pe[0];
	fds[0].events = fds[1].events = POLLIN;
	while (open_fds) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 2; k++) {
			char buf[4096];
			struct strbuf *sb = k ? errout : out;

			if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[k].fd, buf, sizeof(buf));
			if (n <= 0) {
				close(fds[k].fd);
				fds[k].fd = -1;
				open_fds--;
			} else if (sb->len < PROCESS_OUTPUT_MAX) {
				strbuf_add(sb, buf, (size_t)n);
			}
		}
	}
	if (read(px[0], exec_errno, sizeof(*exec_errno)) != (ssize_t)sizeof(*exec_errno))
		*exec_errno = 0;
	close(px[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

static enum aws_status credential_process(struct aws_client *c, const char *profile,
					  const char *command, struct aws_credentials *cr)
{
	struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT, why = STRBUF_INIT;
	char **argv = NULL;
	size_t argc = 0;
	int status, exec_errno;
	enum aws_status st = AWS_OK;

	if (creds_shell_split(command, &argv, &argc) < 0 || argc == 0) {
		creds_argv_free(argv);
		return aws_fail(c, AWS_ERR_CONFIG,
				"profile '%s': credential_process is empty or has an unbalanced quote",
				profile);
	}
	status = run_process(argv, &out, &errout, &exec_errno);
	while (errout.len && isspace((unsigned char)errout.buf[errout.len - 1]))
		strbuf_setlen(&errout, errout.len - 1);
	if (errout.len > 500)
		strbuf_setlen(&errout, 500);
	if (status < 0) {
		st = aws_fail(c, AWS_ERR_CREDENTIALS,
			      "profile '%s': credential_process '%s' could not be started: %s",
			      profile, argv[0], strerror(errno));
	} else if (exec_errno) {
		st = aws_fail(c, AWS_ERR_CREDENTIALS,
			      "profile '%s': credential_process '%s' could not be run: %s", profile,
			      argv[0], strerror(exec_errno));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* botocore reports the process's stderr; its stdout is never shown. */
		if (WIFEXITED(status))
			st = aws_fail(c, AWS_ERR_CREDENTIALS,
				      "profile '%s': credential_process '%s' exited with status %d%s%s",
				      profile, argv[0], WEXITSTATUS(status),
				      errout.len ? ": " : "", errout.buf);
		else
			st = aws_fail(c, AWS_ERR_CREDENTIALS,
				      "profile '%s': credential_process '%s' was killed by signal %d",
				      profile, argv[0], WTERMSIG(status));
	} else if (creds_process_parse(out.buf, out.len, cr, &why) < 0) {
		st = aws_fail(c, AWS_ERR_CREDENTIALS, "profile '%s': credential_process '%s': %s",
			      profile, argv[0], why.buf);
	}
	OPENSSL_cleanse(out.buf, out.len);
	strbuf_release(&out);
	strbuf_release(&errout);
	strbuf_release(&why);
	creds_argv_free(argv);
	return st;
}

/* ---- SSO (IAM Identity Center) ---- */

/*
 * botocore utils.SSOTokenLoader: the cache file is
 * ~/.aws/sso/cache/<sha1 hex of the sso-session name, or of the start URL
 * for a legacy profile>.json.
 */
void creds_sso_cache_name(const char *key, char out[41])
{
	unsigned char md[SHA_DIGEST_LENGTH];
	static const char hex[] = "0123456789abcdef";

	SHA1((const unsigned char *)key, strlen(key), md);
	for (int i = 0; i < SHA_DIGEST_LENGTH; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[40] = '\0';
}

/*
 * expiresAt as botocore reads it (dateutil): ISO 8601, and also the
 * "2019-11-14T04:05:45UTC" form older CLIs wrote.
 */
static int sso_parse_time(const char *s, time_t *t)
{
	size_t n = strlen(s);
	int rc;

	if (n > 3 && !strcmp(s + n - 3, "UTC")) {
		char *z = xstrdup(s);

		strcpy(z + n - 3, "Z");
		rc = aws_parse_iso8601(z, t);
		free(z);
		return rc;
	}
	return aws_parse_iso8601(s, t);
}

int creds_sso_token_parse(const char *text, size_t len, time_t now, char **token,
			  struct strbuf *err)
{
	json_t *j = json_loadb(text, len, 0, NULL);
	const char *tok = json_string_value(json_object_get(j, "accessToken"));
	const char *exp = json_string_value(json_object_get(j, "expiresAt"));
	time_t t;
	int rc = -1;

	*token = NULL;
	if (!j || !json_is_object(j))
		strbuf_addstr(err, "is not a JSON object");
	else if (!tok || !*tok || !exp)
		strbuf_addstr(err, "has no accessToken or expiresAt");
	else if (sso_parse_time(exp, &t) < 0)
		strbuf_addstr(err, "has an expiresAt that is not an ISO 8601 time");
	else if (t <= now)
		strbuf_addf(err, "expired at %s", exp);
	else
		rc = 0;
	if (rc == 0)
		*token = xstrdup(tok);
	if (tok)
		OPENSSL_cleanse((char *)tok, strlen(tok));
	json_decref(j);
	return rc;
}

static void url_encode(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || strchr("-._~", ch))
			strbuf_addch(sb, ch);
		else
			strbuf_addf(sb, "%%%02X", ch);
	}
}

/*
 * botocore SSOProvider / SSOCredentialFetcher: sso_account_id and
 * sso_role_name in the profile; sso_start_url and sso_region from the
 * profile, or from [sso-session NAME] when sso_session names one.  The
 * cached token of `aws sso login` is sent, unsigned, to the portal's
 * GetRoleCredentials (GET /federation/credentials, header
 * x-amz-sso_bearer_token).  pipec does not refresh an expired token.
 */
static enum aws_status sso_credentials(struct aws_client *c, const char *profile,
				       struct aws_credentials *cr, struct strbuf *src)
{
	const char *account = aws_profile_get(c, profile, "sso_account_id");
	const char *role = aws_profile_get(c, profile, "sso_role_name");
	const char *session = aws_profile_get(c, profile, "sso_session");
	const char *start_url = aws_profile_get(c, profile, "sso_start_url");
	const char *region = aws_profile_get(c, profile, "sso_region");
	const char *home = getenv("HOME");
	const char *base = NULL, *err;
	struct strbuf tmp = STRBUF_INIT, path = STRBUF_INIT, why = STRBUF_INIT, query = STRBUF_INIT;
	struct strbuf url = STRBUF_INIT;
	char name[41], *token = NULL;
	struct endpoint ep;
	struct http_request r;
	enum aws_status st;

	if (session && *session) {
		strbuf_addf(&tmp, "sso-session %s", session);
		if (!ini_has_section(&c->config, tmp.buf)) {
			st = aws_fail(c, AWS_ERR_CONFIG,
				      "profile '%s': sso_session '%s' has no [sso-session %s] section in %s",
				      profile, session, session, c->config_path);
			goto out;
		}
		start_url = ini_get(&c->config, tmp.buf, "sso_start_url");
		region = ini_get(&c->config, tmp.buf, "sso_region");
	}
	if (!account || !*account || !role || !*role || !start_url || !*start_url || !region ||
	    !*region) {
		st = aws_fail(c, AWS_ERR_CONFIG,
			      "profile '%s' is configured to use SSO but is missing %s%s%s%s",
			      profile, !account || !*account ? "sso_account_id " : "",
			      !role || !*role ? "sso_role_name " : "",
			      !start_url || !*start_url ? "sso_start_url " : "",
			      !region || !*region ? "sso_region" : "");
		goto out;
	}
	creds_sso_cache_name(session && *session ? session : start_url, name);
	strbuf_addf(&path, "%s/.aws/sso/cache/%s.json", home ? home : "", name);
	strbuf_reset(&tmp);
	if (strbuf_read_file(&tmp, path.buf) < 0) {
		st = aws_fail(c, AWS_ERR_CREDENTIALS,
			      "profile '%s': no SSO token for %s '%s' (%s): run aws sso login "
			      "--profile %s", profile, session && *session ? "sso-session" : "start URL",
			      session && *session ? session : start_url, path.buf, profile);
		goto out;
	}
	if (creds_sso_token_parse(tmp.buf, tmp.len, time(NULL), &token, &why) < 0) {
		st = aws_fail(c, AWS_ERR_CREDENTIALS,
			      "profile '%s': the SSO token in %s %s: run aws sso login --profile %s",
			      profile, path.buf, why.buf, profile);
		goto out;
	}
	/*
	 * The portal's endpoint: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL (both off
	 * with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), or AWS's.
	 */
	if (endpoint_env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ||
	    (!(base = env_nonempty("AWS_ENDPOINT_URL_SSO")) &&
	     !(base = env_nonempty("AWS_ENDPOINT_URL"))))
		strbuf_addf(&url, "https://portal.sso.%s.amazonaws.com", region);
	else
		strbuf_addstr(&url, base);
	if (endpoint_parse(url.buf, &ep, &err) < 0) {
		st = aws_fail(c, AWS_ERR_CONFIG, "SSO portal endpoint '%s': %s", url.buf, err);
		goto out;
	}
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/federation/credentials", ep.base_path ? ep.base_path : "");
	strbuf_addstr(&query, "account_id=");
	url_encode(&query, account);
	strbuf_addstr(&query, "&role_name=");
	url_encode(&query, role);
	http_request_init(&r, "GET", ep.scheme, ep.authority, path.buf, query.buf);
	http_request_header(&r, "x-amz-sso_bearer_token", token);
	http_request_header(&r, "Accept", "application/json");
	r.label = "sso GetRoleCredentials";
	http_perform_one(&c->http, &r);
	if (!http_ok(&r)) {
		st = aws_result(c, &r, "sso GetRoleCredentials");
		if (r.status == 401 || r.status == 403)
			st = aws_fail(c, AWS_ERR_CREDENTIALS,
				      "profile '%s': the SSO token was refused (%s): run aws sso login "
				      "--profile %s", profile, c->errmsg.buf, profile);
		else
			st = aws_fail(c, AWS_ERR_CREDENTIALS, "profile '%s': %s", profile,
				      c->errmsg.buf);
	} else {
		json_t *j = json_loadb(r.resp_body.buf, r.resp_body.len, 0, NULL);
		json_t *rc = json_object_get(j, "roleCredentials");
		const char *ak = json_string_value(json_object_get(rc, "accessKeyId"));
		const char *sk = json_string_value(json_object_get(rc, "secretAccessKey"));
		const char *tok = json_string_value(json_object_get(rc, "sessionToken"));
		json_t *exp = json_object_get(rc, "expiration");

		if (!ak || !*ak || !sk || !*sk) {
			st = aws_fail(c, AWS_ERR_CREDENTIALS,
				      "profile '%s': sso GetRoleCredentials: the answer has no "
				      "roleCredentials", profile);
		} else {
			cr->access_key_id = xstrdup(ak);
			cr->secret_access_key = xstrdup(sk);
			cr->session_token = tok && *tok ? xstrdup(tok) : NULL;
			/* expiration is epoch milliseconds (botocore _parse_timestamp). */
			cr->expiration = json_is_number(exp) ? (time_t)(json_number_value(exp) / 1000)
							     : 0;
			set_source(c, src, "profile '%s' (SSO, account %s, role %s)", profile, account,
				   role);
			st = AWS_OK;
		}
		if (sk)
			OPENSSL_cleanse((char *)sk, strlen(sk));
		if (tok)
			OPENSSL_cleanse((char *)tok, strlen(tok));
		json_decref(j);
	}
	OPENSSL_cleanse(r.resp_body.buf, r.resp_body.len);
	http_request_release(&r);
	endpoint_release(&ep);
out:
	if (token) {
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	OPENSSL_cleanse(tmp.buf, tmp.len);
	strbuf_release(&tmp);
	strbuf_release(&path);
	strbuf_release(&why);
	strbuf_release(&query);
	strbuf_release(&url);
	return st;
}

/* ---- web identity ---- */

static enum aws_status web_identity(struct aws_client *c, const char *token_file,
				    const char *role_arn, const char *session,
				    struct aws_credentials *cr)
{
	char *token = NULL;
	enum aws_status st;

	if (read_secret_file(token_file, &token) < 0)
		return aws_fail(c, AWS_ERR_CREDENTIALS, "cannot read the web identity token file '%s': %s",
				token_file, strerror(errno));
	if (!*token) {
		free(token);
		return aws_fail(c, AWS_ERR_CREDENTIALS, "the web identity token file '%s' is empty",
				token_file);
	}
	st = aws_sts_assume_role_as(c, NULL, role_arn, session, NULL, token, 0, cr);
	OPENSSL_cleanse(token, strlen(token));
	free(token);
	if (st != AWS_OK) {
		struct strbuf m = STRBUF_INIT;

		strbuf_addf(&m, "web identity: assuming role '%s' failed: %s", role_arn,
			    c->errmsg.buf);
		st = aws_fail(c, AWS_ERR_CREDENTIALS, "%s", m.buf);
		strbuf_release(&m);
	}
	return st;
}

/* ---- 6. container ---- */

static bool host_is_loopback(const char *host)
{
	if (!strcmp(host, "localhost") || !strcmp(host, "[::1]"))
		return true;
	if (!strncmp(host, "127.", 4)) {
		const char *p;

		for (p = host + 4; *p; p++)
			if (!isdigit((unsigned char)*p) && *p != '.')
				return false;
		return true;
	}
	return false;
}

bool creds_container_uri_allowed(const char *url)
{
	struct endpoint ep;
	const char *err;
	bool ok;

	if (endpoint_parse(url, &ep, &err) < 0)
		return false;
	ok = !strcmp(ep.scheme, "https") || host_is_loopback(ep.host) ||
	     !strcmp(ep.host, "169.254.170.2") || !strcmp(ep.host, "169.254.170.23") ||
	     !strcasecmp(ep.host, "[fd00:ec2::23]");
	endpoint_release(&ep);
	return ok;
}

static enum aws_status parse_json_creds(struct aws_client *c, const char *what, const char *body,
					size_t len, struct aws_credentials *cr)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
	const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
	const char *tok = json_string_value(json_object_get(j, "Token"));
	const char *exp = json_string_value(json_object_get(j, "Expiration"));
	const char *code = json_string_value(json_object_get(j, "Code"));

	if (!ak || !sk) {
		enum aws_status st = aws_fail(c, AWS_ERR_CREDENTIALS,
					      "%s: the answer has no AccessKeyId/SecretAccessKey%s%s",
					      what, code ? "; Code: " : "", code ? code : "");

		json_decref(j);
		return st;
	}
	cr->access_key_id = xstrdup(ak);
	cr->secret_access_key = xstrdup(sk);
	cr->session_token = tok && *tok ? xstrdup(tok) : NULL;
	if (!exp || aws_parse_iso8601(exp, &cr->expiration) < 0)
		cr->expiration = 0;
	/* jansson keeps the secret in its own buffers: wipe them too. */
	OPENSSL_cleanse((char *)sk, strlen(sk));
	if (tok)
		OPENSSL_cleanse((char *)tok, strlen(tok));
	json_decref(j);
	return AWS_OK;
}

static enum aws_status from_container(struct aws_client *c, struct aws_credentials *cr,
				      enum found *found, struct strbuf *src)
{
	const char *rel = env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tokfile = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tokenv = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	struct strbuf url = STRBUF_INIT, path = STRBUF_INIT;
	struct endpoint ep;
	struct http_request r;
	char *token = NULL;
	const char *err, *q;
	enum aws_status st;

	*found = NOT_FOUND;
	if (!rel && !full)
		return AWS_OK;
	if (rel) {
		if (rel[0] != '/')
			return aws_fail(c, AWS_ERR_CREDENTIALS,
					"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
		strbuf_addf(&url, "http://169.254.170.2%s", rel);
	} else {
		if (!creds_container_uri_allowed(full))
			return aws_fail(c, AWS_ERR_CREDENTIALS,
					"AWS_CONTAINER_CREDENTIALS_FULL_URI '%s' is not allowed: use "
					"https, or a loopback or ECS/EKS link-local host", full);
		strbuf_addstr(&url, full);
	}
	{
		/* Split off path and query for the request line. */
		const char *after = strstr(url.buf, "://") + 3;
		const char *slash = after + strcspn(after, "/?");
		struct strbuf base = STRBUF_INIT;

		strbuf_add(&base, url.buf, (size_t)(slash - url.buf));
		if (endpoint_parse(base.buf, &ep, &err) < 0) {
			strbuf_release(&base);
			strbuf_release(&url);
			return aws_fail(c, AWS_ERR_CREDENTIALS, "container credentials URI '%s': %s",
					url.buf, err);
		}
		strbuf_release(&base);
		q = strchr(slash, '?');
		strbuf_add(&path, slash, q ? (size_t)(q - slash) : strlen(slash));
	}
	if (tokfile) {
		if (read_secret_file(tokfile, &token) < 0) {
			st = aws_fail(c, AWS_ERR_CREDENTIALS,
				      "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '%s': %s",
				      tokfile, strerror(errno));
			goto out_ep;
		}
	} else if (tokenv) {
		token = xstrdup(tokenv);
	}
	http_request_init(&r, "GET", ep.scheme, ep.authority, path.buf, q ? q + 1 : NULL);
	if (token)
		http_request_header(&r, "Authorization", token);
	http_request_header(&r, "Accept", "application/json");
	r.timeout_ms = 2000;
	r.connect_timeout_ms = 2000;
	r.max_attempts = 3;
	r.label = "container credentials";
	http_perform_one(&c->http, &r);
	if (!http_ok(&r)) {
		st = aws_result(c, &r, "container credentials");
		st = aws_fail(c, AWS_ERR_CREDENTIALS, "%s", c->errmsg.buf);
	} else {
		st = parse_json_creds(c, "container credentials", r.resp_body.buf, r.resp_body.len,
				      cr);
		if (st == AWS_OK) {
			*found = FOUND;
			set_source(c, src, "container credentials (%s)", url.buf);
		}
	}
	OPENSSL_cleanse(r.resp_body.buf, r.resp_body.len);
	http_request_release(&r);
	if (token) {
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
out_ep:
	endpoint_release(&ep);
	strbuf_release(&url);
	strbuf_release(&path);
	return st;
}

/* ---- 7. IMDSv2 ---- */

/* A duration in seconds from the environment, in milliseconds. */
static long env_seconds_ms(const char *name, long dflt_ms)
{
	const char *v = env_nonempty(name);
	char *end;
	double d;

	if (!v)
		return dflt_ms;
	d = strtod(v, &end);
	return *end || d <= 0 ? dflt_ms : (long)(d * 1000);
}

static void imds_request(struct aws_client *c, const struct endpoint *ep, const char *method,
			 const char *path, const char *token, struct http_request *r)
{
	struct strbuf full = STRBUF_INIT;
	long timeout = env_seconds_ms("AWS_METADATA_SERVICE_TIMEOUT", 1000);
	const char *att = env_nonempty("AWS_METADATA_SERVICE_NUM_ATTEMPTS");

	strbuf_addf(&full, "%s%s", ep->base_path, path);
	http_request_init(r, method, ep->scheme, ep->authority, full.buf, NULL);
	strbuf_release(&full);
	if (token)
		http_request_header(r, "X-aws-ec2-metadata-token", token);
	else if (!strcmp(method, "PUT"))
		http_request_header(r, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
	r->timeout_ms = timeout;
	r->connect_timeout_ms = r->timeout_ms;
	r->max_attempts = att ? atoi(att) : 1;
	if (r->max_attempts < 1)
		r->max_attempts = 1;
	r->label = "instance metadata";
	http_perform_one(&c->http, r);
}

static enum aws_status from_imds(struct aws_client *c, struct aws_credentials *cr,
				 enum found *found, struct strbuf *src, struct strbuf *why)
{
	const char *base = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	struct endpoint ep;
	struct http_request r;
	struct strbuf path = STRBUF_INIT;
	char *token = NULL, *role = NULL;
	const char *err;
	enum aws_status st = AWS_OK;

	*found = NOT_FOUND;
	if (endpoint_env_true("AWS_EC2_METADATA_DISABLED")) {
		strbuf_addstr(why, "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
		return AWS_OK;
	}
	if (!base)
		base = mode && !strcasecmp(mode, "IPv6") ? "http://[fd00:ec2::254]"
							 : "http://169.254.169.254";
	if (endpoint_parse(base, &ep, &err) < 0)
		return aws_fail(c, AWS_ERR_CONFIG, "AWS_EC2_METADATA_SERVICE_ENDPOINT '%s': %s", base,
				err);

	imds_request(c, &ep, "PUT", "/latest/api/token", NULL, &r);
	if (http_ok(&r)) {
		token = xstrndup(r.resp_body.buf, r.resp_body.len);
	} else if (r.curl_code != CURLE_OK) {
		strbuf_addf(why, "EC2 instance metadata (%s: %s)", base, r.curl_error);
		http_request_release(&r);
		endpoint_release(&ep);
		return AWS_OK;
	} else if ((r.status == 403 || r.status == 404 || r.status == 405) &&
		   !endpoint_env_true("AWS_EC2_METADATA_V1_DISABLED")) {
		/* IMDSv1 fallback. */
	} else {
		strbuf_addf(why, "EC2 instance metadata (token request: HTTP %ld)", r.status);
		http_request_release(&r);
		endpoint_release(&ep);
		return AWS_OK;
	}
	http_request_release(&r);

	imds_request(c, &ep, "GET", "/latest/meta-data/iam/security-credentials/", token, &r);
	if (!http_ok(&r) || !r.resp_body.len) {
		strbuf_addf(why, "EC2 instance metadata (no instance role: %s)",
			    r.curl_code != CURLE_OK ? r.curl_error : "no role listed");
		goto out;
	}
	role = xstrndup(r.resp_body.buf, strcspn(r.resp_body.buf, "\r\n"));
	http_request_release(&r);
	strbuf_addf(&path, "/latest/meta-data/iam/security-credentials/%s", role);
	imds_request(c, &ep, "GET", path.buf, token, &r);
	if (!http_ok(&r)) {
		aws_result(c, &r, "instance metadata credentials");
		st = aws_fail(c, AWS_ERR_CREDENTIALS, "%s", c->errmsg.buf);
		goto out;
	}
	st = parse_json_creds(c, "instance metadata credentials", r.resp_body.buf, r.resp_body.len,
			      cr);
	if (st == AWS_OK) {
		*found = FOUND;
		set_source(c, src, "EC2 instance metadata (role '%s')", role);
	}
	OPENSSL_cleanse(r.resp_body.buf, r.resp_body.len);
out:
	http_request_release(&r);
	if (token) {
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	free(role);
	strbuf_release(&path);
	endpoint_release(&ep);
	return st;
}

/* ---- 2. assume role from a profile ---- */

static enum aws_status profile_credentials(struct aws_client *c, const char *profile,
					   const char **chain, int depth,
					   struct aws_credentials *cr, enum found *found,
					   struct strbuf *src);

static enum aws_status assume_role_profile(struct aws_client *c, const char *profile,
					   const char **chain, int depth,
					   struct aws_credentials *cr, struct strbuf *src)
{
	const char *role_arn = aws_profile_get(c, profile, "role_arn");
	const char *source_profile = aws_profile_get(c, profile, "source_profile");
	const char *credential_source = aws_profile_get(c, profile, "credential_source");
	const char *wif = aws_profile_get(c, profile, "web_identity_token_file");
	const char *session = aws_profile_get(c, profile, "role_session_name");
	const char *external_id = aws_profile_get(c, profile, "external_id");
	const char *duration = aws_profile_get(c, profile, "duration_seconds");
	struct aws_credentials source;
	struct strbuf via = STRBUF_INIT;
	enum found f = NOT_FOUND;
	enum aws_status st;
	int i;

	memset(&source, 0, sizeof(source));
	if (aws_profile_get(c, profile, "mfa_serial"))
		return aws_fail(c, AWS_ERR_CREDENTIALS,
				"profile '%s' needs an MFA code (mfa_serial), which pipec cannot ask for",
				profile);
	if (source_profile && *source_profile) {
		if (!strcmp(source_profile, profile)) {
			/* Self-reference: the profile's own static keys are the source. */
			st = profile_static(c, profile, &source, &f, &via);
			if (st == AWS_OK && f == NOT_FOUND)
				st = aws_fail(c, AWS_ERR_CREDENTIALS,
					      "profile '%s' is its own source_profile but has no keys",
					      profile);
		} else {
			for (i = 0; i < depth; i++) {
				if (!strcmp(chain[i], source_profile)) {
					struct strbuf m = STRBUF_INIT;
					int k;

					for (k = 0; k < depth; k++)
						strbuf_addf(&m, "'%s' -> ", chain[k]);
					strbuf_addf(&m, "'%s'", source_profile);
					st = aws_fail(c, AWS_ERR_CONFIG,
						      "source_profile cycle: %s", m.buf);
					strbuf_release(&m);
					return st;
				}
			}
			{
				struct strbuf tmp = STRBUF_INIT;
				bool exists = ini_has_section(&c->credentials, source_profile) ||
					      ini_has_section(&c->config,
							      aws_config_section(c, source_profile, &tmp));

				strbuf_release(&tmp);
				if (!exists)
					return aws_fail(c, AWS_ERR_CONFIG,
							"profile '%s': source_profile '%s' does not exist",
							profile, source_profile);
			}
			st = profile_credentials(c, source_profile, chain, depth, &source, &f, &via);
			if (st == AWS_OK && f == NOT_FOUND)
				st = aws_fail(c, AWS_ERR_CREDENTIALS,
					      "profile '%s': source_profile '%s' has no credentials",
					      profile, source_profile);
		}
	} else if (credential_source && *credential_source) {
		if (!strcmp(credential_source, "Environment")) {
			st = from_env(c, &source, &f);
			strbuf_addstr(&via, "environment variables");
		} else if (!strcmp(credential_source, "EcsContainer")) {
			st = from_container(c, &source, &f, &via);
		} else if (!strcmp(credential_source, "Ec2InstanceMetadata")) {
			struct strbuf why = STRBUF_INIT;

			st = from_imds(c, &source, &f, &via, &why);
			strbuf_release(&why);
		} else {
			return aws_fail(c, AWS_ERR_CONFIG,
					"profile '%s': unknown credential_source '%s' (Environment, "
					"EcsContainer, Ec2InstanceMetadata)", profile, credential_source);
		}
		if (st == AWS_OK && f == NOT_FOUND)
			st = aws_fail(c, AWS_ERR_CREDENTIALS,
				      "profile '%s': credential_source %s found no credentials", profile,
				      credential_source);
	} else if (wif && *wif) {
		st = web_identity(c, wif, role_arn, session, cr);
		if (st == AWS_OK)
			set_source(c, src, "profile '%s' (web identity, role %s)", profile, role_arn);
		strbuf_release(&via);
		return st;
	} else {
		return aws_fail(c, AWS_ERR_CONFIG,
				"profile '%s' has role_arn but no source_profile, credential_source "
				"or web_identity_token_file", profile);
	}
	if (st != AWS_OK) {
		aws_credentials_release(&source);
		strbuf_release(&via);
		return st;
	}
	st = aws_sts_assume_role_as(c, &source, role_arn, session, external_id, NULL,
				    duration ? atoi(duration) : 0, cr);
	aws_credentials_release(&source);
	if (st != AWS_OK) {
		struct strbuf m = STRBUF_INIT;

		strbuf_addf(&m, "profile '%s': assuming role '%s' with credentials from %s failed: %s",
			    profile, role_arn, via.buf, c->errmsg.buf);
		st = aws_fail(c, AWS_ERR_CREDENTIALS, "%s", m.buf);
		strbuf_release(&m);
	} else {
		set_source(c, src, "profile '%s' (assumed role %s via %s)", profile, role_arn,
			   via.buf);
	}
	strbuf_release(&via);
	return st;
}

static enum aws_status profile_credentials(struct aws_client *c, const char *profile,
					   const char **chain, int depth,
					   struct aws_credentials *cr, enum found *found,
					   struct strbuf *src)
{
	enum aws_status st;

	*found = NOT_FOUND;
	if (depth >= MAX_ROLE_CHAIN)
		return aws_fail(c, AWS_ERR_CONFIG, "profile '%s': role chain longer than %d profiles",
				profile, MAX_ROLE_CHAIN);
	chain[depth] = profile;
	if (aws_profile_get(c, profile, "role_arn")) {
		st = assume_role_profile(c, profile, chain, depth + 1, cr, src);
		if (st == AWS_OK)
			*found = FOUND;
		return st;
	}
	return profile_static(c, profile, cr, found, src);
}

/* ---- the chain ---- */

enum aws_status creds_resolve(struct aws_client *c)
{
	struct aws_credentials cr;
	struct strbuf src = STRBUF_INIT, why = STRBUF_INIT;
	const char *chain[MAX_ROLE_CHAIN + 1];
	enum found f = NOT_FOUND;
	enum aws_status st;
	bool refreshable = true;

	if (c->resolving)
		return aws_fail(c, AWS_ERR_CREDENTIALS, "credential resolution re-entered");
	if ((st = aws_load_files(c)) != AWS_OK)
		return st;
	c->resolving++;
	memset(&cr, 0, sizeof(cr));
	aws_credentials_release(&c->creds);
	c->have_creds = false;

	if (!c->profile_explicit) {
		st = from_env(c, &cr, &f);
		if (st == AWS_OK && f == FOUND) {
			strbuf_addstr(&src, "environment variables");
			refreshable = false;
		}
	}
	if (st == AWS_OK && f == NOT_FOUND && aws_profile_get(c, c->profile, "role_arn"))
		st = profile_credentials(c, c->profile, chain, 0, &cr, &f, &src);
	if (st == AWS_OK && f == NOT_FOUND && env_nonempty("AWS_WEB_IDENTITY_TOKEN_FILE")) {
		const char *arn = env_nonempty("AWS_ROLE_ARN");

		if (!arn) {
			st = aws_fail(c, AWS_ERR_CREDENTIALS,
				      "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
		} else {
			st = web_identity(c, env_nonempty("AWS_WEB_IDENTITY_TOKEN_FILE"), arn,
					  env_nonempty("AWS_ROLE_SESSION_NAME"), &cr);
			if (st == AWS_OK) {
				f = FOUND;
				strbuf_addf(&src, "web identity (AWS_ROLE_ARN %s)", arn);
			}
		}
	}
	if (st == AWS_OK && f == NOT_FOUND) {
		/* Static keys never expire; credential_process ones may (and refresh). */
		st = profile_static(c, c->profile, &cr, &f, &src);
	}
	if (st == AWS_OK && f == NOT_FOUND)
		st = from_container(c, &cr, &f, &src);
	if (st == AWS_OK && f == NOT_FOUND)
		st = from_imds(c, &cr, &f, &src, &why);
	c->resolving--;

	if (st == AWS_OK && f == NOT_FOUND)
		st = aws_fail(c, AWS_ERR_CREDENTIALS,
			      "no AWS credentials found; tried %sprofile '%s' (%s, %s), web identity "
			      "(AWS_WEB_IDENTITY_TOKEN_FILE unset), container credentials (not "
			      "configured), %s",
			      c->profile_explicit ? "" : "environment variables, ", c->profile,
			      c->credentials_path, c->config_path,
			      why.len ? why.buf : "EC2 instance metadata");
	if (st == AWS_OK) {
		c->creds = cr;
		c->have_creds = true;
		c->creds_refreshable = refreshable && cr.expiration != 0;
		free(c->cred_source);
		c->cred_source = strbuf_detach(&src, NULL);
		if (c->http.trace)
			fprintf(c->http.trace, "aws: credentials: access key %s from %s%s\n",
				c->creds.access_key_id, c->cred_source,
				c->creds.session_token ? " (temporary)" : "");
	} else {
		aws_credentials_release(&cr);
	}
	strbuf_release(&src);
	strbuf_release(&why);
	return st;
}
