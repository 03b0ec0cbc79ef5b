/*
 * ast: the syntax tree of one .pipe file, as written (nothing resolved,
 * nothing defaulted).  The parser builds it, `check` turns it into the
 * model, `fmt` prints it back.  Every node carries its byte span.
 *
 * Shape of the language: a file holds `pipeline NAME { ... }` and
 * `defaults { ... }` items.  Their bodies are clauses, one per line (or
 * separated by ';').  Top-level clauses have typed nodes; the option blocks
 * of `source`, `target` and `job` hold generic settings (`key value...`,
 * optionally with a nested block) that the checker interprets against a
 * table of known keys, so a misspelt option is a "did you mean" diagnostic
 * rather than a syntax error.
 *
 * Ownership: every node and string lives in the arena of the ast_file.
 */
#ifndef PIPEC_AST_H
#define PIPEC_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "source.h"

struct strbuf;

struct ast_name {
	const char *text;	/* identifier text, without backquotes */
	struct span span;
};

/* a.b.c */
struct ast_qname {
	struct ast_name *parts;
	size_t nparts;
	struct span span;
};

/* A piece of a string literal: literal text, or a ${var} reference. */
struct ast_strpart {
	bool is_var;
	const char *text;	/* decoded literal text, or the variable name */
	size_t len;		/* bytes in text (literal text may contain NUL) */
	struct span span;	/* of this piece in the source (for vars: the whole ${...}) */
};

struct ast_string {
	struct ast_strpart *parts;
	size_t nparts;
	struct span span;	/* including the quotes */
};

struct ast_number {
	const char *text;	/* as written, for fmt */
	bool is_int;
	int64_t ival;		/* valid when is_int and !overflow */
	bool overflow;
	double value;
	struct span span;
};

struct ast_duration {
	const char *text;	/* as written: 15m, 1h, 30s, 7d */
	int64_t seconds;	/* unitless: the number; -1 when not a whole number >= 0 */
	bool overflow;
	bool unitless;		/* a plain number where a count may stand: 'lag 100' */
	struct span span;
};

enum ast_value_kind {
	AST_VAL_STRING,
	AST_VAL_NUMBER,
	AST_VAL_DURATION,
	AST_VAL_NAME,		/* a bare word or dotted name */
	AST_VAL_LIST,		/* ( v, v, ... ) */
};

struct ast_value {
	enum ast_value_kind kind;
	struct span span;
	union {
		struct ast_string str;
		struct ast_number num;
		struct ast_duration dur;
		struct ast_qname name;
		struct {
			struct ast_value *items;
			size_t nitems;
		} list;
	} u;
};

/* Generic setting inside source/target/job/tags blocks: key value... [{ ... }] */
struct ast_setting {
	struct ast_name key;
	struct ast_value *args;
	size_t nargs;
	struct ast_setting *block;	/* nested settings, or NULL */
	size_t nblock;
	bool has_block;
	struct span block_span;
	struct span span;
};

/* Column types: string, decimal(10,2), array<string>, map<string,int>,
 * struct<a: int, b: string>.  Names are checked later, not here. */
struct ast_type;
struct ast_field {
	struct ast_name name;
	struct ast_type *type;
};
struct ast_type {
	struct ast_name name;
	struct ast_number *params;	/* decimal(p, s), varchar(n) */
	size_t nparams;
	struct ast_type **args;		/* array<T>, map<K, V> */
	size_t nargs;
	struct ast_field *fields;	/* struct<...> */
	size_t nfields;
	bool has_angle;			/* written with <...> */
	struct span span;
};

/* A column attribute other than required/from: `format "yyyy-MM-dd"`,
 * `epoch seconds`.  Which keys exist is the checker's business. */
struct ast_colattr {
	struct ast_name key;
	struct ast_value *value;
	struct span span;
};

struct ast_column {
	struct ast_name name;
	struct ast_type *type;
	bool required;
	struct span required_span;
	struct ast_string *from;	/* source field, or NULL */
	struct ast_colattr *attrs;	/* at most PARSE_MAX_COLATTRS */
	size_t nattrs;
	bool attrs_overflow;		/* more were written (and reported) */
	struct span span;
};

/* partition by: identity (fn.text == NULL) or transform(args) */
struct ast_partition {
	struct ast_name fn;		/* years, months, days, hours, bucket, truncate, or empty */
	bool is_call;
	struct ast_value *args;		/* for identity: one AST_VAL_NAME */
	size_t nargs;
	struct span span;
};

enum ast_cmp {
	AST_CMP_EQ, AST_CMP_NE, AST_CMP_LT, AST_CMP_LE, AST_CMP_GT, AST_CMP_GE,
	AST_CMP_BETWEEN, AST_CMP_IN, AST_CMP_MATCHES, AST_CMP_NOT_NULL,
};

enum ast_rule_kind {
	AST_RULE_ROW_COUNT,	/* row_count matches source | row_count CMP n */
	AST_RULE_NOT_NULL,	/* not_null a, b */
	AST_RULE_UNIQUE,	/* unique a, b   (the combination is unique) */
	AST_RULE_EXPECT,	/* expect col CMP value | between a and b | in (...) | matches "re" */
	AST_RULE_FRESHNESS,	/* freshness col within 1h */
	AST_RULE_SAMPLE,	/* sample 5 */
	AST_RULE_ON_FAILURE,	/* on failure fail|warn */
	AST_RULE_COMPLETENESS,	/* completeness col >= 0.95 */
	AST_RULE_COLUMN_COUNT,	/* column_count = 7 | column_count between a and b */
	AST_RULE_DISTINCT_COUNT, /* distinct_count col >= 2 */
	AST_RULE_MEAN,		/* mean col between 1 and 5 */
	AST_RULE_SUM,		/* sum col > 0 */
	AST_RULE_STDDEV,	/* stddev col < 10 */
	AST_RULE_UNIQUENESS,	/* uniqueness col >= 0.99 */
	AST_RULE_LENGTH,	/* length col between 1 and 64 */
};

struct ast_rule {
	enum ast_rule_kind kind;
	struct ast_name *columns;	/* NOT_NULL, UNIQUE; EXPECT/FRESHNESS/COMPLETENESS and
					 * the statistics rules: one; COLUMN_COUNT: none */
	size_t ncolumns;
	bool matches_source;		/* row_count matches source */
	enum ast_cmp cmp;
	struct ast_value *values;	/* comparison operands (between: 2; in: n) */
	size_t nvalues;
	struct ast_duration within;	/* FRESHNESS */
	struct ast_number sample;	/* SAMPLE */
	struct ast_name action;		/* ON_FAILURE: fail | warn (checked later) */
	struct ast_expr *expr;		/* EXPECT with a condition (columns NULL), or NULL */
	struct span span;
};

/* Expressions of `derive` and `filter` (docs/language.md, Expressions). */
enum ast_expr_kind {
	AST_E_COLUMN,		/* a column: name (a.b: a struct field) */
	AST_E_NUMBER,
	AST_E_STRING,
	AST_E_BOOL,		/* true | false */
	AST_E_NULL,
	AST_E_TYPED,		/* date "2024-01-01", timestamp "…": a typed literal */
	AST_E_UNARY,		/* -x, not x */
	AST_E_BINARY,		/* arithmetic, comparison, and, or */
	AST_E_IS_NULL,		/* x is [not] null */
	AST_E_IN,		/* x [not] in (a, b, …) */
	AST_E_BETWEEN,		/* x [not] between a and b */
	AST_E_CASE,		/* case when c then v … [else v] end */
	AST_E_CAST,		/* cast(x as TYPE) */
	AST_E_CALL,		/* f(a, b, …) */
};

enum ast_expr_op {
	AST_OP_ADD, AST_OP_SUB, AST_OP_MUL, AST_OP_DIV, AST_OP_MOD,
	AST_OP_EQ, AST_OP_NE, AST_OP_LT, AST_OP_LE, AST_OP_GT, AST_OP_GE,
	AST_OP_AND, AST_OP_OR, AST_OP_NEG, AST_OP_NOT,
};

struct ast_expr {
	enum ast_expr_kind kind;
	enum ast_expr_op op;		/* UNARY, BINARY */
	bool negated;			/* IS NOT NULL, NOT IN, NOT BETWEEN */
	struct ast_qname name;		/* COLUMN, CALL (the function), TYPED (the type) */
	struct ast_number *num;		/* NUMBER */
	struct ast_string *str;		/* STRING, TYPED */
	bool bool_value;		/* BOOL */
	struct ast_type *type;		/* CAST */
	struct ast_expr **args;		/* operands, call arguments, IN list (after the
					 * tested value), CASE: when, then, when, then, …, else */
	size_t nargs;
	bool has_else;			/* CASE */
	struct span op_span;		/* the operator or keyword */
	struct span span;
};

/* One `take COLUMN [TYPE] [as NAME]` item of a join block. */
struct ast_take {
	struct ast_name column;
	struct ast_type *type;		/* or NULL */
	struct ast_name as;		/* text NULL without 'as' */
	struct span span;
};

/* A line of a join block: a word and its items, `take a, b as c`,
 * `broadcast`, `format iceberg` (an item without type or 'as' is a word).
 * Which words exist is the checker's business. */
struct ast_join_line {
	struct ast_name key;
	struct ast_take *items;
	size_t nitems;
	struct span span;
};

enum ast_clause_kind {
	AST_DESCRIPTION,
	AST_SOURCE,
	AST_TARGET,
	AST_CREATE_IF_MISSING,
	AST_COLUMNS,
	AST_PARTITION_BY,
	AST_MODE,
	AST_INCREMENTAL,
	AST_SCHEDULE,
	AST_VALIDATE,
	AST_ON_ERROR,		/* on cast error ACTION [quarantine "s3://…"] */
	AST_DROP_COLUMN,	/* drop column NAME (repeatable) */
	AST_DERIVE,		/* derive NAME TYPE = EXPR (repeatable) */
	AST_FILTER,		/* filter EXPR (repeatable) */
	AST_DEDUPE,		/* dedupe on KEYS [order by COLUMN [DIR]]: u.mode without a mode */
	AST_JOIN,		/* join HOW KIND NAME as ALIAS on EXPR [{ lines }] (repeatable) */
	AST_AGGREGATE,		/* aggregate [by KEYS] { NAME TYPE = FN(...) ... } */
	AST_ALERTS,		/* alerts off | alerts on: the environment's failure alerts */
	AST_JOB,		/* the last kind: tables are indexed up to it */
};

enum ast_incr_kind {
	AST_INCR_COLUMN,	/* incremental by COL [lag D] [initial "…"] */
	AST_INCR_NEW_FILES,	/* incremental new files */
	AST_INCR_PARTITION,	/* incremental by partition COL [lag D] [initial "…"] */
};

enum ast_sched_kind {
	AST_SCHED_CRON,		/* schedule cron "0 6 * * ? *" */
	AST_SCHED_EVERY,	/* schedule every 1h */
	AST_SCHED_AFTER,	/* schedule after a [and b ...] | after a or b */
	AST_SCHED_ON_DEMAND,	/* schedule on demand */
	AST_SCHED_S3_EVENT,	/* schedule on s3 event [{ settings }] */
};

struct ast_clause {
	enum ast_clause_kind kind;
	struct span span;	/* whole clause */
	struct span kw_span;	/* its leading keyword(s) */
	union {
		struct ast_string description;
		struct ast_name alerts;		/* alerts WORD */
		struct {	/* source KIND args... [{ settings }] ; target likewise */
			struct ast_name kind;
			struct ast_value *args;
			size_t nargs;
			struct ast_setting *settings;
			size_t nsettings;
			bool has_block;
		} endpoint;
		struct {
			struct ast_column *items;
			size_t nitems;
		} columns;
		struct {
			struct ast_partition *items;
			size_t nitems;
		} partition;
		struct {
			struct ast_name mode;		/* append | merge | overwrite | replace | … */
			struct ast_name *keys;		/* merge on k1, k2 */
			size_t nkeys;
			struct span on_span;
			struct ast_name order;		/* order by COLUMN; text NULL without one */
			struct ast_name direction;	/* asc | desc | …; text NULL when not written */
			struct span order_span;		/* the words 'order by' */
		} mode;
		struct {
			enum ast_incr_kind kind;
			struct ast_name column;
			struct ast_duration *lag;
			struct ast_string *initial;
		} incremental;
		struct {
			enum ast_sched_kind kind;
			struct ast_string cron;
			struct ast_duration every;
			struct ast_name *after;
			size_t nafter;
			bool after_any;			/* joined with 'or' */
			struct ast_setting *settings;	/* on s3 event { ... } */
			size_t nsettings;
		} schedule;
		struct {
			struct ast_rule *items;
			size_t nitems;
		} validate;
		struct {
			struct ast_setting *items;
			size_t nitems;
		} job;
		struct {	/* on WHAT error ARGS... (WHAT is 'cast') */
			struct ast_name what;
			struct ast_value *args;
			size_t nargs;
		} on_error;
		struct ast_name drop_column;	/* drop column NAME */
		struct {	/* derive NAME TYPE = EXPR */
			struct ast_name name;
			struct ast_type *type;
			struct ast_expr *expr;
		} derive;
		struct ast_expr *filter;	/* filter EXPR */
		struct {	/* join HOW KIND NAME as ALIAS on EXPR [{ lines }] */
			struct ast_name how;		/* left | inner | ... */
			struct ast_name what;		/* table | ... */
			struct ast_name *name;		/* DATABASE.TABLE as written */
			size_t nname;
			struct ast_name alias;
			struct ast_expr *on;
			struct ast_join_line *lines;
			size_t nlines;
			bool has_block;
			struct span name_span;
		} join;
		struct {	/* aggregate [by KEYS] { ... } */
			struct ast_name *keys;
			size_t nkeys;
			struct span by_span;	/* 'by'; empty without keys */
			struct ast_agg *items;
			size_t nitems;
		} aggregate;
	} u;
};

/* One line of `aggregate { }`: NAME TYPE = FN() | FN(EXPR) | FN(EXPR by EXPR) */
struct ast_agg {
	struct ast_name name;
	struct ast_type *type;
	struct ast_name fn;
	struct ast_expr *arg;		/* NULL: count() */
	struct ast_expr *order;		/* first/last: the expression after 'by'; else NULL */
	struct span by_span;		/* the word 'by' inside the call */
	struct span call_span;		/* FN(...) */
	struct span span;
};

enum ast_item_kind { AST_PIPELINE, AST_DEFAULTS };

struct ast_item {
	enum ast_item_kind kind;
	struct ast_name name;		/* pipelines only */
	struct ast_clause *clauses;
	size_t nclauses;
	struct span span;
	struct span body_span;		/* from '{' to '}' */
};

struct ast_comment {
	struct span span;		/* '#' to end of line, excluding the newline */
};

struct ast_file {
	const struct source *src;
	struct ast_item *items;
	size_t nitems;
	struct ast_comment *comments;	/* in source order */
	size_t ncomments;
	size_t nsyntax_errors;
	struct arena *arena;		/* borrowed: where all nodes live */
};

const char *ast_clause_keyword(enum ast_clause_kind kind);
/* An operator as the language writes it: "+", "<=", "and", "not". */
const char *ast_expr_op_text(enum ast_expr_op op);
/* Concatenates a string's literal parts, with ${name} written back for vars. */
char *ast_string_text(struct arena *a, const struct ast_string *s);
/* "a.b.c" */
char *ast_qname_text(struct arena *a, const struct ast_qname *q);
/* Frees the file's nodes by releasing its arena, which must hold nothing
 * else; the texts (parse_file's text arena) and the source stay.  Items
 * and comments are gone afterwards. */
void ast_file_release(struct ast_file *f);
/* Prints the tree (for --dump-ast and golden tests). */
void ast_dump(const struct ast_file *f, struct strbuf *out);

#endif
