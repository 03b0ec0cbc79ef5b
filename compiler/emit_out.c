/*
 * emit_out: the build directory's writer — temporary files beside their
 * targets, one flush to disk for the whole build, then the renames; what
 * the directory held read once, so nothing is created or removed blindly.
 */
#define _GNU_SOURCE	/* syncfs */
#include "emit_out.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

#define STREAM_CHUNK (256 * 1024)
/* At most this much file data waits for the writer thread at once. */
#define WRITER_MAX_QUEUED (16u * 1024 * 1024)

/* A file for the writer thread: data for a temporary file beside path,
 * or (remove) a stale path to unlink at commit, kept in order with them. */
struct emit_out_job {
	struct emit_out_job *next;
	char *path;
	char *tmp;		/* the temporary file, once written */
	char *data;
	size_t len;
	mode_t mode;
	bool remove;
	int error;		/* errno of a failed write */
};

static int writer_failed(struct emit_out *o, struct strbuf *err);

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct emit_out_entry *)a)->name,
		      ((const struct emit_out_entry *)b)->name);
}

static void dir_release(struct emit_out_dir *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* Reads path's entries into d (sorted).  Returns 0 or -1 with errno. */
static int dir_read(struct emit_out_dir *d, const char *path)
{
	DIR *dp = opendir(path);
	struct dirent *de;

	if (!dp)
		return -1;
	errno = 0;
	while ((de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		XGROW(d->v, d->alloc, d->n + 1);
		d->v[d->n].name = xstrdup(de->d_name);
		d->v[d->n++].type = de->d_type;
	}
	closedir(dp);
	qsort(d->v, d->n, sizeof(*d->v), cmp_entry);
	return 0;
}

static struct emit_out_entry *dir_find(const struct emit_out_dir *d, const char *name)
{
	struct emit_out_entry key = { (char *)name, 0 };

	return d->n ? bsearch(&key, d->v, d->n, sizeof(*d->v), cmp_entry) : NULL;
}

/* The type of an entry, asking lstat when readdir did not say. */
static unsigned char entry_type(const char *path, const struct emit_out_entry *e)
{
	struct stat st;

	if (e->type != DT_UNKNOWN)
		return e->type;
	if (lstat(path, &st) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK
	       : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
}

/* Creates p and the parents it lacks, trying p first: only the missing
 * levels are created, none fails with EEXIST. */
static int mkdir_p(char *p, struct strbuf *err)
{
	char *slash;
	int rc;

	if (mkdir(p, 0777) == 0)
		return 0;
	if (errno == ENOENT && (slash = strrchr(p, '/')) != NULL && slash != p) {
		*slash = '\0';
		rc = mkdir_p(p, err);
		*slash = '/';
		if (rc < 0)
			return -1;
		if (mkdir(p, 0777) == 0)
			return 0;
	}
	if (errno == EEXIST)	/* made meanwhile, or "a//" */
		return 0;
	strbuf_addf(err, "cannot create directory '%s': %s", p, strerror(errno));
	return -1;
}

int emit_out_open(struct emit_out *o, const char *dir, struct strbuf *err)
{
	mode_t um = umask(0);
	struct stat st;

	umask(um);
	memset(o, 0, sizeof(*o));
	o->dir = xstrdup(dir);
	o->new_mode = 0666 & ~um;
	o->seq = (unsigned long)getpid() * 7919UL;
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT) {
			strbuf_addf(err, "cannot create directory '%s': %s", dir, strerror(errno));
			return -1;
		}
		return mkdir_p(o->dir, err);	/* new: nothing in it */
	}
	if (!S_ISDIR(st.st_mode)) {
		strbuf_addf(err, "cannot create directory '%s': %s", dir, strerror(ENOTDIR));
		return -1;
	}
	if (dir_read(&o->top, dir) < 0) {
		strbuf_addf(err, "cannot read directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* A symbolic link (or nothing) at path becomes a new directory; an
 * existing directory is read. */
static int subdir_make(struct emit_out *o, const char *path, unsigned char type,
		       struct strbuf *err)
{
	struct stat st;

	if (type == DT_DIR) {
		if (dir_read(&o->sub, path) == 0)
			return 0;
		strbuf_addf(err, "cannot read directory '%s': %s", path, strerror(errno));
		return -1;
	}
	if (type == DT_LNK && unlink(path) < 0) {
		strbuf_addf(err, "cannot replace the symbolic link '%s': %s", path, strerror(errno));
		return -1;
	}
	if (mkdir(path, 0777) == 0)
		return 0;
	if (errno != EEXIST) {
		strbuf_addf(err, "cannot create directory '%s': %s", path, strerror(errno));
		return -1;
	}
	/* made since the build directory was read: it must be a directory of its own */
	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return dir_read(&o->sub, path) == 0 ? 0 : -1;
	strbuf_addf(err, "cannot create directory '%s': something that is not a directory "
			 "is in the way", path);
	return -1;
}

int emit_out_subdir(struct emit_out *o, const char *name, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	const struct emit_out_entry *e = dir_find(&o->top, name);
	unsigned char type = DT_UNKNOWN;
	int rc;

	/* a failed write stops the build before it makes more directories */
	if (writer_failed(o, err) < 0)
		return -1;
	dir_release(&o->sub);
	free(o->sub_name);
	o->sub_name = xstrdup(name);
	strbuf_addf(&path, "%s/%s", o->dir, name);
	if (e) {
		type = entry_type(path.buf, e);
		if (type != DT_DIR && type != DT_LNK) {
			strbuf_addf(err, "cannot create directory '%s': something that is not a "
					 "directory is in the way", path.buf);
			strbuf_release(&path);
			return -1;
		}
	}
	rc = subdir_make(o, path.buf, type, err);
	strbuf_release(&path);
	return rc;
}

/* What was at DIR/rel before the build (NULL: nothing). */
static const struct emit_out_entry *lookup_rel(const struct emit_out *o, const char *rel)
{
	const char *slash = strchr(rel, '/');

	if (!slash)
		return dir_find(&o->top, rel);
	/* only the current pipeline directory is known */
	assert(o->sub_name && !strncmp(rel, o->sub_name, (size_t)(slash - rel)) &&
	       !o->sub_name[slash - rel]);
	return dir_find(&o->sub, slash + 1);
}

/* Creates the temporary file for path, `.NAME.tmp.XXXXXX` beside it, with
 * 0666 less the umask.  Returns the descriptor, or -1 with errno. */
static int open_tmp(struct emit_out *o, const char *path, struct strbuf *tmp)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const char *slash = strrchr(path, '/');

	assert(slash);
	for (int tries = 0; tries < 100; tries++) {
		unsigned long n = o->seq++;
		int fd;

		strbuf_reset(tmp);
		strbuf_add(tmp, path, (size_t)(slash - path + 1));
		strbuf_addf(tmp, ".%s.tmp.", slash + 1);
		for (int k = 0; k < 6; k++, n /= 62)
			strbuf_addch(tmp, digits[n % 62]);
		fd = open(tmp->buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* The mode of DIR/rel's new file: an existing regular file's mode is kept,
 * a directory there is EISDIR, a symbolic link is replaced (never
 * followed).  Returns 0, or -1 with errno. */
static int target_mode(const struct emit_out *o, const char *rel, const char *path,
		       mode_t *mode)
{
	const struct emit_out_entry *e = lookup_rel(o, rel);
	unsigned char type = e ? e->type : DT_UNKNOWN;
	struct stat st;

	*mode = o->new_mode;
	if (e && (type == DT_REG || type == DT_UNKNOWN) && lstat(path, &st) == 0) {
		if (S_ISREG(st.st_mode))
			*mode = st.st_mode & 07777;
		type = S_ISDIR(st.st_mode) ? DT_DIR : type;
	}
	if (type == DT_DIR) {
		errno = EISDIR;
		return -1;
	}
	return 0;
}

/* Creates path's temporary file with mode.  Returns the descriptor, or -1
 * with errno. */
static int open_with_mode(struct emit_out *o, const char *path, mode_t mode, struct strbuf *tmp)
{
	int fd = open_tmp(o, path, tmp), saved;

	if (fd >= 0 && mode != o->new_mode && fchmod(fd, mode) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp->buf);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Opens the temporary file of DIR/rel (target_mode, then open_with_mode). */
static int open_for(struct emit_out *o, const char *rel, const char *path, struct strbuf *tmp)
{
	mode_t mode;

	if (target_mode(o, rel, path, &mode) < 0)
		return -1;
	return open_with_mode(o, path, mode, tmp);
}

static void queue(struct emit_out *o, char *tmp, char *path)
{
	XGROW(o->pending, o->pending_alloc, o->npending + 1);
	o->pending[o->npending].tmp = tmp;
	o->pending[o->npending++].path = path;
}

/* Writes j's data to its temporary file (j->tmp), or sets j->error. */
static void write_job(struct emit_out *o, struct emit_out_job *j)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd = open_with_mode(o, j->path, j->mode, &tmp);

	if (fd < 0 || strbuf_write_all(fd, j->data, j->len) < 0) {
		j->error = errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp.buf);
		}
	} else if (close(fd) < 0) {
		j->error = errno;
		unlink(tmp.buf);
	}
	if (j->error)
		strbuf_release(&tmp);
	else
		j->tmp = strbuf_detach(&tmp, NULL);
}

/* j is written (or failed, or skipped): the first failure is kept, and j
 * joins the done list in order (under mu while the thread runs). */
static void job_finished(struct emit_out_writer *w, struct emit_out_job *j)
{
	free(j->data);
	j->data = NULL;
	if (j->error && !w->failed) {
		w->failed = j->error;
		w->failed_path = xstrdup(j->path);
	}
	j->next = NULL;
	if (w->done_tail)
		w->done_tail->next = j;
	else
		w->done = j;
	w->done_tail = j;
}

static void *writer_main(void *arg)
{
	struct emit_out *o = arg;
	struct emit_out_writer *w = &o->w;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct emit_out_job *j;
		bool skip;

		while (!w->head && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		if (!w->head)
			break;
		j = w->head;
		w->head = j->next;
		if (!w->head)
			w->tail = NULL;
		w->busy = true;
		skip = w->failed != 0;	/* the build has failed: write nothing more */
		pthread_mutex_unlock(&w->mu);
		if (!j->remove && !skip)
			write_job(o, j);
		pthread_mutex_lock(&w->mu);
		w->busy = false;
		w->queued_bytes -= j->len;
		job_finished(w, j);
		pthread_cond_broadcast(&w->room);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Hands j to the writer thread (started at the first job), waiting while
 * too much data is queued; without a thread (it could not be started),
 * writes it at once. */
static void enqueue(struct emit_out *o, struct emit_out_job *j)
{
	struct emit_out_writer *w = &o->w;

	if (!w->running && !w->no_thread) {
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->work, NULL);
		pthread_cond_init(&w->room, NULL);
		w->running = pthread_create(&w->thread, NULL, writer_main, o) == 0;
		if (!w->running) {
			w->no_thread = true;
			pthread_mutex_destroy(&w->mu);
			pthread_cond_destroy(&w->work);
			pthread_cond_destroy(&w->room);
		}
	}
	if (!w->running) {
		if (!j->remove && !w->failed)
			write_job(o, j);
		job_finished(w, j);
		return;
	}
	pthread_mutex_lock(&w->mu);
	while (w->head && w->queued_bytes + j->len > WRITER_MAX_QUEUED)
		pthread_cond_wait(&w->room, &w->mu);
	w->queued_bytes += j->len;
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

/* The first failed write so far as a message in err: -1, or 0 without one. */
static int writer_failed(struct emit_out *o, struct strbuf *err)
{
	struct emit_out_writer *w = &o->w;
	int e;

	if (w->running)
		pthread_mutex_lock(&w->mu);
	e = w->failed;
	if (w->running)
		pthread_mutex_unlock(&w->mu);
	if (!e)
		return 0;
	strbuf_addf(err, "cannot write '%s': %s", w->failed_path, strerror(e));
	return -1;
}

/* Waits until everything queued is written (discard: drops what is not
 * yet), then moves the written files to the commit list in order.  Returns
 * 0, or -1 with the first failed write's message in err (err NULL: none). */
static int drain(struct emit_out *o, bool discard, struct strbuf *err)
{
	struct emit_out_writer *w = &o->w;
	struct emit_out_job *j, *next;

	if (w->running) {
		pthread_mutex_lock(&w->mu);
		if (discard) {
			for (j = w->head; j; j = next) {
				next = j->next;
				w->queued_bytes -= j->len;
				free(j->data);
				free(j->path);
				free(j);
			}
			w->head = w->tail = NULL;
		}
		while (w->head || w->busy)
			pthread_cond_wait(&w->room, &w->mu);
		j = w->done;
		w->done = w->done_tail = NULL;
		pthread_mutex_unlock(&w->mu);
	} else {
		j = w->done;
		w->done = w->done_tail = NULL;
	}
	for (; j; j = next) {
		next = j->next;
		if (j->remove)
			queue(o, j->path, NULL);
		else if (j->tmp)
			queue(o, j->tmp, j->path);
		else
			free(j->path);
		free(j);
	}
	return err ? writer_failed(o, err) : 0;
}

int emit_out_write(struct emit_out *o, const char *rel, const char *data, size_t len,
		   struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	struct emit_out_job *j;
	mode_t mode;

	if (writer_failed(o, err) < 0)
		return -1;
	strbuf_addf(&path, "%s/%s", o->dir, rel);
	if (target_mode(o, rel, path.buf, &mode) < 0) {
		strbuf_addf(err, "cannot write '%s': %s", path.buf, strerror(errno));
		strbuf_release(&path);
		return -1;
	}
	j = xcalloc(1, sizeof(*j));
	j->path = strbuf_detach(&path, NULL);
	j->mode = mode;
	j->data = xmalloc(len ? len : 1);
	memcpy(j->data, data, len);
	j->len = len;
	enqueue(o, j);
	return 0;
}

void emit_out_remove(struct emit_out *o, const char *rel)
{
	struct strbuf path = STRBUF_INIT;
	struct emit_out_job *j;

	if (!lookup_rel(o, rel))
		return;
	strbuf_addf(&path, "%s/%s", o->dir, rel);
	j = xcalloc(1, sizeof(*j));
	j->path = strbuf_detach(&path, NULL);
	j->remove = true;
	enqueue(o, j);
}

int emit_out_stream_open(struct emit_out *o, const char *rel, struct emit_out_stream *s,
			 struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	/* the writer thread is idle while the stream writes: one file at a time */
	if (drain(o, false, err) < 0)
		return -1;
	s->o = o;
	strbuf_init(&s->buf, STREAM_CHUNK + 4096);
	strbuf_addf(&path, "%s/%s", o->dir, rel);
	s->fd = open_for(o, rel, path.buf, &tmp);
	if (s->fd < 0) {
		strbuf_addf(err, "cannot write '%s': %s", path.buf, strerror(errno));
		strbuf_release(&path);
		strbuf_release(&tmp);
		strbuf_release(&s->buf);
		return -1;
	}
	s->path = strbuf_detach(&path, NULL);
	s->tmp = strbuf_detach(&tmp, NULL);
	return 0;
}

struct strbuf *emit_out_stream_buf(struct emit_out_stream *s)
{
	return &s->buf;
}

void emit_out_stream_flush(struct emit_out_stream *s)
{
	if (s->buf.len < STREAM_CHUNK)
		return;
	if (!s->failed && strbuf_write_all(s->fd, s->buf.buf, s->buf.len) < 0)
		s->failed = errno;
	strbuf_reset(&s->buf);
}

int emit_out_stream_close(struct emit_out_stream *s, struct strbuf *err)
{
	if (!s->failed && strbuf_write_all(s->fd, s->buf.buf, s->buf.len) < 0)
		s->failed = errno;
	if (close(s->fd) < 0 && !s->failed)
		s->failed = errno;
	strbuf_release(&s->buf);
	if (s->failed) {
		unlink(s->tmp);
		strbuf_addf(err, "cannot write '%s': %s", s->path, strerror(s->failed));
		free(s->tmp);
		free(s->path);
		return -1;
	}
	drain(s->o, false, NULL);	/* anything queued since comes first */
	queue(s->o, s->tmp, s->path);
	return 0;
}

int emit_out_commit(struct emit_out *o, struct strbuf *err)
{
	int fd;
	size_t i;

	if (drain(o, false, err) < 0)
		return -1;
	fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* every temporary file on disk before any replaces its target */
	if (fd < 0 || syncfs(fd) < 0) {
		strbuf_addf(err, "cannot write to '%s': %s", o->dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	for (i = 0; i < o->npending; i++) {
		struct emit_out_pending *p = &o->pending[i];

		if (p->path && rename(p->tmp, p->path) < 0) {
			strbuf_addf(err, "cannot write '%s': %s", p->path, strerror(errno));
			return -1;
		}
		if (!p->path)
			unlink(p->tmp);
		free(p->tmp);
		free(p->path);
		p->tmp = p->path = NULL;
	}
	o->npending = 0;
	return 0;
}

/* Stops the writer thread, dropping what it has not written. */
static void writer_stop(struct emit_out *o)
{
	struct emit_out_writer *w = &o->w;

	drain(o, true, NULL);
	if (w->running) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_signal(&w->work);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->work);
		pthread_cond_destroy(&w->room);
		w->running = false;
	}
	free(w->failed_path);
	w->failed_path = NULL;
}

void emit_out_release(struct emit_out *o)
{
	writer_stop(o);
	for (size_t i = 0; i < o->npending; i++) {
		if (o->pending[i].path && o->pending[i].tmp)
			unlink(o->pending[i].tmp);
		free(o->pending[i].tmp);
		free(o->pending[i].path);
	}
	free(o->pending);
	dir_release(&o->top);
	dir_release(&o->sub);
	free(o->sub_name);
	free(o->dir);
	memset(o, 0, sizeof(*o));
}
