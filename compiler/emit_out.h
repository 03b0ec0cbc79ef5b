/*
 * emit_out: the build directory's writer.  Every file is written to a
 * temporary file `.NAME.tmp.XXXXXX` beside its target; the temporary files
 * of a whole build are flushed to disk together (one syncfs) and only then
 * renamed over their targets, so a reader sees each old file or the new one,
 * never a part, and a build that fails before emit_out_commit replaces
 * nothing.  What the directory already holds is read once (one readdir of
 * the build directory, one of each pipeline directory that exists): a
 * directory is created only when it is missing, and a stale artifact is
 * removed only when it is there.  The files are written by a thread of
 * their own while the caller renders the next ones: emit_out_write queues a
 * copy of the data (a bounded amount at a time) and a failed write is
 * reported by the next call that can fail, with the same message.
 *
 * Ownership: struct emit_out owns its copies of every path; emit_out_release
 * removes the temporary files of a build that was not committed.
 */
#ifndef PIPEC_EMIT_OUT_H
#define PIPEC_EMIT_OUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

/* An entry of a directory as readdir gave it. */
struct emit_out_entry {
	char *name;
	unsigned char type;	/* DT_REG, DT_DIR, DT_LNK, … (DT_UNKNOWN: ask lstat) */
};

/* A directory's entries (sorted by name) as they were before the build. */
struct emit_out_dir {
	struct emit_out_entry *v;
	size_t n, alloc;
};

struct emit_out_pending {
	char *tmp;		/* the temporary file, written and closed */
	char *path;		/* the target; NULL: tmp is a stale file to unlink */
};

struct emit_out_job;

/* The writer thread and what is queued for it (under mu). */
struct emit_out_writer {
	pthread_t thread;
	bool running, stop;
	bool no_thread;			/* it could not be started: files written at once */
	pthread_mutex_t mu;
	pthread_cond_t work, room;	/* work queued; room freed or all done */
	struct emit_out_job *head, *tail;	/* queued, in order */
	struct emit_out_job *done, *done_tail;	/* written (or failed), in order */
	size_t queued_bytes;
	bool busy;			/* a job is being written */
	int failed;			/* errno of the first failed write, or 0 */
	char *failed_path;		/* its target */
};

struct emit_out {
	char *dir;			/* the build directory */
	mode_t new_mode;		/* 0666 less the umask */
	unsigned long seq;		/* the next temporary name's number */
	struct emit_out_dir top;	/* what the build directory held */
	struct emit_out_dir sub;	/* what the current pipeline directory held */
	char *sub_name;			/* that pipeline directory's name */
	struct emit_out_pending *pending;
	size_t npending, pending_alloc;
	struct emit_out_writer w;
};

/* A file written in pieces (manifest.json): emit_out_stream_add buffers,
 * writing to the temporary file whenever the buffer is full. */
struct emit_out_stream {
	struct emit_out *o;
	char *path, *tmp;
	int fd;
	struct strbuf buf;
	int failed;			/* errno of the first failed write, or 0 */
};

/* Creates dir when it is missing (a stat first; parents too) and reads its
 * entries.  Returns 0, or -1 with a message in err. */
int emit_out_open(struct emit_out *o, const char *dir, struct strbuf *err);
/* Makes DIR/name a directory of its own: created when missing, a symbolic
 * link there replaced, anything else that is not a directory an error; its
 * entries are read when it existed.  Later rel paths "name/FILE" are looked
 * up there.  Returns 0, or -1 with a message in err. */
int emit_out_subdir(struct emit_out *o, const char *name, struct strbuf *err);
/* Writes data to a temporary file for DIR/rel (rel is "FILE" or
 * "SUBDIR/FILE" of the current emit_out_subdir).  Returns 0, or -1 with a
 * message in err. */
int emit_out_write(struct emit_out *o, const char *rel, const char *data, size_t len,
		   struct strbuf *err);
/* Removes DIR/rel at commit when it is there (a stale artifact). */
void emit_out_remove(struct emit_out *o, const char *rel);
int emit_out_stream_open(struct emit_out *o, const char *rel, struct emit_out_stream *s,
			 struct strbuf *err);
/* Appends to the stream's buffer; the buffer is written out when full. */
struct strbuf *emit_out_stream_buf(struct emit_out_stream *s);
void emit_out_stream_flush(struct emit_out_stream *s);
/* Writes what is buffered and queues the file for commit.  Returns 0, or -1
 * with a message in err (the temporary file removed). */
int emit_out_stream_close(struct emit_out_stream *s, struct strbuf *err);
/* Flushes every temporary file to disk, renames each over its target in
 * the order written and removes the stale files.  Returns 0, or -1 with a
 * message in err (the temporary files not yet renamed are removed). */
int emit_out_commit(struct emit_out *o, struct strbuf *err);
void emit_out_release(struct emit_out *o);

#endif
