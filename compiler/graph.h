/*
 * graph: the checked model as a graph — the sources pipelines read, the
 * pipelines, the tables they write and join — for `pipec graph` and the
 * Markdown of `pipec plan` (docs/graph.md).  A catalog table one pipeline
 * writes and another reads (`source pipeline`, `source table`, `join`) is
 * one node: tables are matched by their catalog names.  Rendered as Mermaid
 * (`flowchart LR`), Graphviz DOT or versioned JSON; every rendering is
 * deterministic (nodes sorted by id, edges by their endpoints).
 *
 * Ownership: struct graph owns copies of every string it holds, so it
 * outlives the project it was built from; graph_release frees it.
 */
#ifndef PIPEC_GRAPH_H
#define PIPEC_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "strbuf.h"

#define GRAPH_FORMAT_VERSION 1

enum graph_node_kind { GRAPH_SOURCE, GRAPH_PIPELINE, GRAPH_TABLE };

/* reads: source or table -> pipeline; writes: pipeline -> table; joins:
 * table -> pipeline; after: pipeline -> the pipeline that runs after it. */
enum graph_edge_kind { GRAPH_READS, GRAPH_WRITES, GRAPH_JOINS, GRAPH_AFTER };

struct graph_node {
	char *id;		/* [a-z]_[A-Za-z0-9_]*, derived from key alone */
	char *key;		/* what makes the node one: "pipeline:NAME", "glue:DB.T", … */
	enum graph_node_kind kind;
	char *label;		/* pipeline name, DB.TABLE, or the source's location */
	char *type;		/* source: its kind (s3, jdbc, …); table: the target kind that
				   writes it (iceberg, parquet, s3tables, redshift) or, read
				   only, its format (iceberg, hive); pipeline: NULL */
	char *detail;		/* source: format or engine, or NULL; table: its catalog
				   ("glue", "s3tables", "redshift", "s3") */
	char *schedule;		/* pipeline: "every 1h", "cron(0 6 * * ? *)", "after a and b",
				   "on s3 event", "on demand" */
	char *mode;		/* pipeline */
	char *file;		/* pipeline: its .pipe file */
	char *description;	/* pipeline, or NULL */
	bool keep;		/* graph_select: kept */
	bool mark;		/* drawn highlighted (Mermaid class "changed"); set by the caller */
};

struct graph_edge {
	size_t from, to;	/* node indexes */
	enum graph_edge_kind kind;
	char *label;		/* after: "AND" or "ANY"; joins: "left join ALIAS"; else NULL */
	bool keep;
};

struct graph {
	struct graph_node *nodes;	/* sorted by id after graph_build */
	size_t nnodes, nodes_alloc;
	struct graph_edge *edges;	/* sorted by (from, to, kind, label) */
	size_t nedges, edges_alloc;
};

enum graph_format { GRAPH_FORMAT_MERMAID, GRAPH_FORMAT_DOT, GRAPH_FORMAT_JSON };

void graph_init(struct graph *g);
void graph_release(struct graph *g);
/* The graph of every pipeline of m (error-free ones: call it on a model
 * without errors).  Every node and edge is kept. */
void graph_build(struct graph *g, const struct model_project *m);
/* The node of pipeline name, or (size_t)-1. */
size_t graph_find_pipeline(const struct graph *g, const char *name);
/* Keeps the pipelines whose pick[] is true (indexed like g->nodes; other
 * entries are ignored), the edges that touch one of them and the nodes at
 * their other ends.  With neighbours, also the pipelines one edge or one
 * shared table away from a picked one. */
void graph_select(struct graph *g, const bool *pick, bool neighbours);
/* Appends the kept part of g in format f. */
void graph_render(const struct graph *g, enum graph_format f, struct strbuf *out);
/* The number of kept pipeline nodes. */
size_t graph_count_pipelines(const struct graph *g);

#endif
