#include "project.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "catalog_check.h"
#include "check.h"
#include "check_glue.h"
#include "config.h"
#include "parse.h"
#include "strbuf.h"
#include "xalloc.h"

void project_init(struct project *p)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	diag_set_init(&p->diags);
}

void project_release(struct project *p)
{
	size_t i;

	diag_set_release(&p->diags);
	for (i = 0; i < p->nsources; i++) {
		source_release(p->sources[i]);
		free(p->sources[i]);
	}
	free(p->sources);
	for (i = 0; i < p->nasts; i++)
		arena_release(&p->ast_arenas[i]);
	free(p->ast_arenas);
	free(p->asts);
	arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

struct source *project_add_source(struct project *p, struct source *src)
{
	XGROW(p->sources, p->sources_alloc, p->nsources + 1);
	src->index = (int)p->nsources;
	p->sources[p->nsources++] = src;
	return src;
}

/* "./a//b/" -> "a/b": the spelling used in diagnostics and for deduplication. */
static char *normalize_path(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = path;
	bool absolute = *s == '/';

	if (absolute)
		strbuf_addch(&sb, '/');
	while (*s) {
		size_t n;

		while (*s == '/')
			s++;
		n = strcspn(s, "/");
		if (n == 0)
			break;
		if (!(n == 1 && s[0] == '.')) {
			if (sb.len && sb.buf[sb.len - 1] != '/')
				strbuf_addch(&sb, '/');
			strbuf_add(&sb, s, n);
		}
		s += n;
	}
	if (!sb.len)
		strbuf_addch(&sb, '.');
	return strbuf_detach(&sb, NULL);
}

static char *join_path(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	if (strcmp(dir, "."))
		strbuf_addf(&sb, "%s/", dir);
	strbuf_addstr(&sb, name);
	return strbuf_detach(&sb, NULL);
}

struct path_list {
	char **items;
	size_t count, alloc;
};

static bool has_pipe_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && !strcmp(name + n - 5, ".pipe");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directories already walked, by identity: a symlink loop (or a second
 * link to a walked directory) is skipped instead of followed again. */
struct dir_seen {
	struct dir_id {
		dev_t dev;
		ino_t ino;
	} *items;
	size_t count, alloc;
};

static bool dir_seen_add(struct dir_seen *seen, const struct stat *st)
{
	size_t i;

	for (i = 0; i < seen->count; i++)
		if (seen->items[i].dev == st->st_dev && seen->items[i].ino == st->st_ino)
			return false;
	XGROW(seen->items, seen->alloc, seen->count + 1);
	seen->items[seen->count].dev = st->st_dev;
	seen->items[seen->count].ino = st->st_ino;
	seen->count++;
	return true;
}

/* Every *.pipe under dir, recursively; hidden entries (.git, …) are skipped. */
static void walk_dir(struct project *p, const char *dir, struct path_list *out,
		     struct dir_seen *seen)
{
	DIR *d;
	struct dirent *e;
	struct path_list names = { NULL, 0, 0 };
	struct stat dst;
	size_t i;

	if (stat(dir, &dst) == 0 && !dir_seen_add(seen, &dst))
		return;
	d = opendir(dir);
	if (!d) {
		diag_error_file(&p->diags, NULL, dir, "cannot read directory: %s", strerror(errno));
		p->env_error = true;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		XGROW(names.items, names.alloc, names.count + 1);
		names.items[names.count++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (names.count)
		qsort(names.items, names.count, sizeof(*names.items), cmp_str);
	for (i = 0; i < names.count; i++) {
		char *full = join_path(dir, names.items[i]);
		struct stat st;

		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			walk_dir(p, full, out, seen);
			free(full);
		} else if (stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
			   has_pipe_suffix(names.items[i])) {
			XGROW(out->items, out->alloc, out->count + 1);
			out->items[out->count++] = full;
		} else {
			free(full);
		}
		free(names.items[i]);
	}
	free(names.items);
}

static void collect_files(struct project *p, const struct project_opts *o, struct path_list *out)
{
	static const char *dot[] = { "." };
	const char **paths = o->npaths ? o->paths : dot;
	size_t n = o->npaths ? o->npaths : 1, i, j;
	struct dir_seen seen = { NULL, 0, 0 };

	for (i = 0; i < n; i++) {
		char *norm = normalize_path(paths[i]);
		struct stat st;

		if (stat(norm, &st) < 0) {
			struct diag *d = diag_error_file(&p->diags, NULL, NULL, "cannot read '%s': %s",
							 paths[i], strerror(errno));
			diag_help(d, "pass .pipe files or directories that contain them");
			p->env_error = true;
			free(norm);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			walk_dir(p, norm, out, &seen);
			free(norm);
		} else {
			XGROW(out->items, out->alloc, out->count + 1);
			out->items[out->count++] = norm;
		}
	}
	free(seen.items);
	if (out->count)
		qsort(out->items, out->count, sizeof(*out->items), cmp_str);
	for (i = j = 0; i < out->count; i++) {
		if (j && !strcmp(out->items[j - 1], out->items[i])) {
			free(out->items[i]);
			continue;
		}
		out->items[j++] = out->items[i];
	}
	out->count = j;
}

/* Loads one file as a project source; NULL (with a diagnostic) when unreadable. */
static struct source *load_source(struct project *p, const char *path)
{
	struct source *src = xcalloc(1, sizeof(*src));
	struct stat st;

	if (stat(path, &st) == 0 && (unsigned long long)st.st_size > SOURCE_MAX_BYTES) {
		diag_error_file(&p->diags, NULL, path,
				"file is too large (%lld bytes; the limit is %u MiB)",
				(long long)st.st_size, SOURCE_MAX_BYTES / (1024u * 1024u));
		p->env_error = true;
		free(src);
		return NULL;
	}
	if (source_load_file(src, path) < 0) {
		if (errno == EFBIG)
			diag_error_file(&p->diags, NULL, path,
					"file is too large (the limit is %u MiB)",
					SOURCE_MAX_BYTES / (1024u * 1024u));
		else
			diag_error_file(&p->diags, NULL, path, "cannot read file: %s",
					strbuf_file_error(errno));
		p->env_error = true;
		free(src);
		return NULL;
	}
	return project_add_source(p, src);
}

/* Loads the catalog snapshot at path (relative paths are relative to the
 * project root) into cat (initialised).  Returns 0 when the snapshot
 * loaded, -1 when it could not be read or parsed. */
/* Loads the snapshot at path, relative to root (the directory of
 * pipec.yaml; the model, which also has it, is built after the load). */
static int load_catalog(struct project *p, const char *root, const char *path,
			struct catalog *cat)
{
	struct source *src = xcalloc(1, sizeof(*src));
	char *full, cwd[4096];
	const char *shown;
	int rc;

	if (path[0] != '/' && root && strcmp(root, ".")) {
		full = xmalloc(strlen(root) + strlen(path) + 2);
		sprintf(full, "%s/%s", root, path);
	} else {
		full = xstrdup(path);
	}
	/* diagnostics name the snapshot relative to the working directory */
	shown = full;
	if (full[0] == '/' && getcwd(cwd, sizeof(cwd))) {
		size_t n = strlen(cwd);
		if (!strncmp(full, cwd, n) && full[n] == '/')
			shown = full + n + 1;
	}
	if (source_load_file_max(src, full, SOURCE_MAX_SNAPSHOT_BYTES) < 0) {
		diag_error_file(&p->diags, NULL, shown, "cannot read catalog snapshot: %s",
				strbuf_file_error(errno));
		p->env_error = true;
		free(src);
		free(full);
		return -1;
	}
	if (shown != full) {
		free(src->path);
		src->path = xstrdup(shown);
	}
	free(full);
	src = project_add_source(p, src);
	rc = catalog_load(cat, src, &p->diags);
	return rc;
}

/* Checks the model against a loaded snapshot. */
static void check_catalog(struct project *p, const struct catalog *cat)
{
	enum model_format *before = xcalloc(p->model.npipelines + 1, sizeof(*before));
	size_t i;

	for (i = 0; i < p->model.npipelines; i++)
		before[i] = p->model.pipelines[i].source.table_format;
	catalog_check_model(&p->model, cat, &p->diags);
	/* a table source whose kind the catalog decided: derive its Glue
	 * settings (data lake formats, Spark conf) again */
	for (i = 0; i < p->model.npipelines; i++)
		if (p->model.pipelines[i].source.table_format != before[i])
			check_glue_derive(&p->model, &p->model.pipelines[i], &p->arena);
	free(before);
}

int project_load_config(struct project *p, const char *config_path, const char *first_path,
			const char *env_name, struct config *out)
{
	char *path = config_path ? xstrdup(config_path) : config_find(first_path);
	struct source *src = NULL;

	if (path) {
		src = xcalloc(1, sizeof(*src));
		if (source_load_file(src, path) < 0) {
			const char *why = strbuf_file_error(errno);

			diag_help(diag_error_file(&p->diags, NULL, path,
						  "cannot read project file: %s", why),
				  "pass an existing file to --config");
			p->env_error = true;
			free(src);
			free(path);
			memset(out, 0, sizeof(*out));
			return -1;
		}
		project_add_source(p, src);
		free(path);
	}
	return config_parse(src, env_name, &p->arena, &p->diags, out);
}

int project_load(struct project *p, const struct project_opts *o)
{
	struct path_list files = { NULL, 0, 0 };
	struct config cfg;
	struct catalog cat;
	const char *catalog;
	bool have_cat = false;
	size_t i;
	int cfg_rc;

	/* Formatting and AST dumps need no environment: a broken pipec.yaml
	 * must not stop them. */
	cfg_rc = o->parse_only ? 0
			       : project_load_config(p, o->config_path,
						     o->npaths ? o->paths[0] : NULL, o->env_name,
						     &cfg);
	collect_files(p, o, &files);
	if (!p->env_error && !files.count) {
		struct strbuf where = STRBUF_INIT;
		struct diag *d;

		for (i = 0; i < (o->npaths ? o->npaths : 1); i++)
			strbuf_addf(&where, "%s'%s'", i ? ", " : "", o->npaths ? o->paths[i] : ".");
		d = diag_error_file(&p->diags, NULL, NULL, "no .pipe files found in %s", where.buf);
		strbuf_release(&where);
		diag_help(d, "pass .pipe files, or directories that contain them");
		p->env_error = true;
	}
	p->asts = xcalloc(files.count ? files.count : 1, sizeof(*p->asts));
	p->ast_arenas = xcalloc(files.count ? files.count : 1, sizeof(*p->ast_arenas));
	for (i = 0; i < files.count; i++) {
		struct source *src = load_source(p, files.items[i]);

		if (src) {
			struct ast_file *f = &p->asts[p->nasts];

			arena_init(&p->ast_arenas[p->nasts++]);
			parse_file(src, &p->ast_arenas[p->nasts - 1], &p->arena, &p->diags, f);
			f->src = src;
		}
		free(files.items[i]);
	}
	free(files.items);
	if (o->parse_only || cfg_rc < 0 || !cfg.env_ok)
		return p->diags.nerrors ? 1 : 0;
	p->have_model = true;
	/* The snapshot is loaded first: a join takes its table's columns
	 * from it while the pipelines are checked. */
	catalog_init(&cat);
	catalog = o->catalog_path ? o->catalog_path : cfg.env.catalog_path;
	if (catalog && !o->no_catalog) {
		/* A --catalog path is relative to the working directory; the snapshot
		 * loader resolves relative paths against the project root. */
		char *abs = NULL;

		if (o->catalog_path && strcmp(cfg.root, ".") && o->catalog_path[0] != '/') {
			char *cwd = getcwd(NULL, 0);

			if (cwd) {
				struct strbuf sb = STRBUF_INIT;

				strbuf_addf(&sb, "%s/%s", cwd, o->catalog_path);
				abs = strbuf_detach(&sb, NULL);
				free(cwd);
			}
		}
		if (load_catalog(p, cfg.root, abs ? abs : catalog, &cat) < 0)
			p->env_error = true;
		else
			have_cat = true;
		free(abs);
	}
	check_project(p->asts, p->nasts, &cfg, have_cat ? &cat : NULL, &p->arena, &p->diags,
		      &p->model);
	if (have_cat)
		check_catalog(p, &cat);
	catalog_release(&cat);
	/* The last Glue rules need the whole derived model (the catalog may have
	 * changed a table source's kind), so they run once everything else passed. */
	if (!p->diags.nerrors)
		check_glue_check(&p->model, &p->diags);
	return p->diags.nerrors ? 1 : 0;
}
