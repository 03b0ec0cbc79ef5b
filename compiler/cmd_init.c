/*
 * cmd_init: `pipec init [--project NAME] [DIR]` — a new project: a
 * commented pipec.yaml, a catalog snapshot with the lake database and no
 * table, and one example pipeline that checks clean against them.  Nothing
 * is overwritten: when one of the files exists, nothing is written.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"

static const char init_usage[] =
	"usage: pipec init [--project NAME] [DIR]\n"
	"\n"
	"Starts a project in DIR (default: the current directory; created when\n"
	"missing): pipec.yaml with one environment 'dev' and a comment on every\n"
	"setting, catalog.yaml (a Glue Data Catalog snapshot with the database\n"
	"'lake' and no table; 'pipec catalog pull' writes the real one) and\n"
	"pipelines/events.pipe, an example pipeline that checks clean.\n"
	"\n"
	"  --project NAME   the project's name (default: DIR's name); it also\n"
	"                   names the example buckets (NAME-dev-raw, ...)\n"
	"  -h, --help       show this help\n"
	"\n"
	"Nothing is overwritten: if one of the files exists, none is written.\n"
	"Exit status: 0 project written, 1 a file exists or cannot be written,\n"
	"2 usage error.\n";

static const char yaml_text[] =
	"# pipec project file: the project and its environments\n"
	"# (docs/cli.md, \"Project file\").  Replace the account, the role and the\n"
	"# buckets with yours, then run 'pipec check'.\n"
	"project: %s\n"
	"default_environment: dev\n"
	"environments:\n"
	"  dev:\n"
	"    region: eu-west-1                  # the AWS region of the jobs and tables\n"
	"    account: \"123456789012\"            # your 12-digit account id, quoted\n"
	"    # the IAM role the Glue jobs run as ('pipec iam-policy --for job' prints\n"
	"    # the policy it needs)\n"
	"    role: arn:aws:iam::123456789012:role/%s-glue-dev\n"
	"    script_bucket: %s-dev-artifacts    # deploy uploads the job scripts here\n"
	"    temp_dir: s3://%s-dev-artifacts/tmp/   # the jobs' --TempDir\n"
	"    name_prefix: dev_                  # prepended to every Glue resource name\n"
	"    catalog: catalog.yaml              # the snapshot pipelines are checked against\n"
	"    variables:                         # ${name} in the .pipe files\n"
	"      raw_bucket: %s-dev-raw\n"
	"      lake_bucket: %s-dev-lake\n"
	"    defaults:                          # job settings of every pipeline\n"
	"      workers: 2\n"
	"      worker_type: G.1X\n"
	"      timeout: 60m\n"
	"      retries: 1\n"
	"      tags: { project: %s, env: dev }\n";

static const char catalog_text[] =
	"# A snapshot of the Glue Data Catalog (docs/catalog.md): the tables\n"
	"# pipelines read and write are checked against it.  Write the real one with\n"
	"#   pipec catalog pull --env dev --databases lake -o catalog.yaml\n"
	"version: 1\n"
	"databases:\n"
	"  - name: lake\n"
	"    tables: []\n";

static const char pipe_text[] =
	"# An example pipeline (docs/language.md): the JSON files that land under\n"
	"# s3://RAW/events/ are appended to an Iceberg table, each file once, every\n"
	"# hour.  'pipec check' checks it, 'pipec build' writes its Glue job.\n"
	"pipeline events {\n"
	"  description \"Web events, appended as they land\"\n"
	"  source s3 \"s3://${raw_bucket}/events/\" {\n"
	"    format json\n"
	"  }\n"
	"  target iceberg lake.events at \"s3://${lake_bucket}/events/\"\n"
	"  create if missing\n"
	"  columns {\n"
	"    event_id   string    required\n"
	"    user_id    bigint\n"
	"    kind       string\n"
	"    created_at timestamp required\n"
	"  }\n"
	"  derive event_date date = date(created_at)\n"
	"  partition by event_date\n"
	"  mode append\n"
	"  incremental new files\n"
	"  schedule every 1h\n"
	"  validate {\n"
	"    not_null event_id\n"
	"    unique event_id\n"
	"  }\n"
	"}\n";

/* NAME as bucket-name material: lower case letters, digits and '-'. */
static void bucket_word(const char *name, struct strbuf *out)
{
	const char *p;

	for (p = name; *p && out->len < 40; p++) {
		unsigned char ch = (unsigned char)*p;

		if (isalnum(ch))
			strbuf_addch(out, (char)tolower(ch));
		else if (out->len && out->buf[out->len - 1] != '-')
			strbuf_addch(out, '-');
	}
	while (out->len && out->buf[out->len - 1] == '-')
		out->buf[--out->len] = '\0';
	if (out->len < 3) {
		strbuf_reset(out);
		strbuf_addstr(out, "my-lake");
	}
}

static int mkdirs(const char *path)
{
	struct strbuf p = STRBUF_INIT;
	int rc = 0;

	strbuf_addstr(&p, path);
	for (size_t i = 1; i <= p.len && rc == 0; i++) {
		if (i < p.len && p.buf[i] != '/')
			continue;
		p.buf[i] = '\0';
		if (mkdir(p.buf, 0777) < 0 && errno != EEXIST)
			rc = -1;
		if (i < p.len)
			p.buf[i] = '/';
	}
	strbuf_release(&p);
	return rc;
}

struct init_file {
	const char *name;
	struct strbuf text;
};

static int write_all(const char *dir, struct init_file *files, size_t n)
{
	struct strbuf path = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, files[i].name);
		if (access(path.buf, F_OK) == 0) {
			fprintf(stderr, "pipec: error: %s exists\n", path.buf);
			rc = 1;
		}
	}
	if (rc) {
		fprintf(stderr, "pipec: nothing written: 'pipec init' starts a new project\n");
		strbuf_release(&path);
		return 1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		const char *slash = strrchr(files[i].name, '/');

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%.*s", dir, slash ? (int)(slash - files[i].name) : 0,
			    files[i].name);
		if (mkdirs(path.buf) < 0) {
			fprintf(stderr, "pipec: error: cannot create %s: %s\n", path.buf, strerror(errno));
			rc = 1;
			break;
		}
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, files[i].name);
		if (strbuf_write_file(&files[i].text, path.buf) < 0) {
			fprintf(stderr, "pipec: error: cannot write %s: %s\n", path.buf, strerror(errno));
			rc = 1;
		}
	}
	strbuf_release(&path);
	return rc;
}

enum { OPT_PROJECT };

static const struct cli_opt init_opts[] = {
	{ "--project", NULL, true, OPT_PROJECT },
};

struct init_args {
	const char *dir, *project;
};

static int set_init_option(void *ctx, int id, const char *opt, const char *v)
{
	struct init_args *a = ctx;

	(void)opt;
	if (id == OPT_PROJECT) {
		a->project = v;
		return 0;
	}
	if (!strcmp(v, "-"))
		return cli_usage_error("init", "unknown option '%s'", v);
	if (a->dir)
		return cli_usage_error("init", "one directory at most");
	a->dir = v;
	return 0;
}

int cmd_init(int argc, char **argv)
{
	struct init_args a = { NULL, NULL };
	struct cli_spec spec = {
		.cmd = "init", .usage = init_usage,
		.opts = init_opts, .nopts = sizeof(init_opts) / sizeof(init_opts[0]),
		.set = set_init_option, .ctx = &a,
	};
	const char *dir, *project, *base;
	struct strbuf word = STRBUF_INIT, absdir = STRBUF_INIT;
	struct init_file files[3] = {
		{ "pipec.yaml", STRBUF_INIT },
		{ "catalog.yaml", STRBUF_INIT },
		{ "pipelines/events.pipe", STRBUF_INIT },
	};
	char cwd[4096];
	int i, rc;

	if (cli_parse(&spec, argc, argv, &rc) != 0)
		return rc;
	dir = a.dir ? a.dir : ".";
	project = a.project;
	strbuf_addstr(&absdir, dir);
	if (!strcmp(dir, ".") && getcwd(cwd, sizeof(cwd))) {
		strbuf_reset(&absdir);
		strbuf_addstr(&absdir, cwd);
	}
	while (absdir.len > 1 && absdir.buf[absdir.len - 1] == '/')
		absdir.buf[--absdir.len] = '\0';
	base = strrchr(absdir.buf, '/') ? strrchr(absdir.buf, '/') + 1 : absdir.buf;
	bucket_word(project ? project : base, &word);
	if (!project)
		project = word.buf;
	if (strchr(project, '\n') || strchr(project, '#') || strchr(project, ':')) {
		strbuf_release(&word);
		strbuf_release(&absdir);
		return cli_usage_error("init", "--project: a name without '#', ':' or line breaks");
	}
	strbuf_addf(&files[0].text, yaml_text, project, word.buf, word.buf, word.buf, word.buf,
		    word.buf, word.buf);
	strbuf_addstr(&files[1].text, catalog_text);
	strbuf_addstr(&files[2].text, pipe_text);
	rc = write_all(dir, files, 3);
	if (rc == 0)
		printf("created %s/pipec.yaml, %s/catalog.yaml and %s/pipelines/events.pipe\n"
		       "next: set the account, the role and the buckets in pipec.yaml, then\n"
		       "  pipec check %s\n"
		       "  pipec build -o build %s\n",
		       dir, dir, dir, dir, dir);
	for (i = 0; i < 3; i++)
		strbuf_release(&files[i].text);
	strbuf_release(&word);
	strbuf_release(&absdir);
	return rc;
}
