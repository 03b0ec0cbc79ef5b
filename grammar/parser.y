/*
 * parser.y: the grammar of .pipe files.  It holds no meaning (the checker
 * interprets names, kinds and options); every action is one constructor
 * call.  Locations are byte spans.  Error rules let one run report several
 * syntax errors: a bad clause or setting is skipped to the end of its line,
 * a bad block is closed by its '}'.
 */
%define api.pure full
%define api.location.type {struct span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {struct parse_ctx *ctx}

%code requires {
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "ast_build.h"
#include "diag.h"
#include "source.h"

/* Blocks and brackets nest at most this deep: keeps the parser stack and
 * the printers' recursion bounded on hostile input. */
#define PARSE_MAX_DEPTH 64
/* Values in one setting or list: far beyond any real option, and it keeps
 * the memory of a hostile file small. */
#define PARSE_MAX_VALUES 10000
/* Unreported syntax errors (the lines after a top-level error) before the
 * parse gives up on the rest of the file: keeps hostile input cheap. */
#define PARSE_MAX_QUIET_ERRORS 100000
/* Operators on one line (a clause, continued lines included): bounds the
 * depth of an expression's tree. */
#define PARSE_MAX_OPERATORS 256
/* Attributes other than required/from on one column (format, epoch). */
#define PARSE_MAX_COLATTRS 8

struct parse_held;

struct parse_brace {
	struct span span;
	const char *owner;	/* first word of the statement that opened it */
};

/* The state shared by the scanner, the parser and parse.c. */
struct parse_ctx {
	const struct source *src;
	struct arena *arena;		/* the AST's nodes */
	struct arena *text;		/* its texts (names, literals), which outlive the nodes */
	struct arena scratch;		/* lists under construction; dropped after the parse */
	struct diag_set *ds;
	void *scanner;
	size_t nerrors;
	bool fatal;			/* stop: nesting limit or error limit */

	uint32_t pos;			/* offset of the scanner */
	int last_tok;			/* last token handed to the parser (0: none) */
	struct span last_span;
	uint32_t content_end;		/* end of the last token other than TERM */
	int line_nest;			/* '(' and '<' opened on this line */
	int line_ops;			/* expression operators on this line */
	const char *stmt_word;		/* first word of the current statement */
	struct parse_brace braces[PARSE_MAX_DEPTH];
	int depth;

	/* The generic message of the last syntax error, kept until an error
	 * rule replaces it with one in the user's terms or the parser moves on. */
	bool pending;
	struct span pending_span;
	uint32_t pending_prev_end;	/* end of the token before the error */
	bool pending_fixed;		/* not to be replaced by an error rule */
	char *pending_msg;		/* NULL: already reported by the scanner */
	char *pending_help;
	const char *pending_found;	/* "end of line", "'foo'", ... */

	struct ast_vec *items;
	struct ast_vec *comments;

	/* After a syntax error outside any block, the lines that follow are
	 * most likely the body of the broken item: stay quiet about them
	 * until the next 'pipeline' or 'defaults'. */
	bool toplevel_quiet;
	bool stray_close;		/* the last '}' closed no block */
	size_t nquiet;			/* syntax errors not reported */

	/* Error recovery discarded a '{': its block is skipped to the
	 * matching '}' so that its lines do not read as clauses. */
	bool skipping;
	int skip_depth;

	/* Tokens made up by the resynchronisation (parse.c): the '}' of
	 * blocks left open, then TERM, handed out before the real token. */
	int queue[PARSE_MAX_DEPTH + 2];
	int nqueue, qhead;
	struct span queue_at;
	struct parse_held *held;	/* the real token, held behind the queue */
	int parser_last;		/* last token the parser saw (skipped ones excluded) */

	/* 'schedule after' joins names with one of 'and' / 'or' */
	int after_sep;
	struct span after_sep_span;
};
}

%code provides {
/* Scanner actions (parse.c): each returns the token to hand to the parser. */
bool parse_lex_term(struct parse_ctx *ctx);
void parse_lex_comment(struct parse_ctx *ctx, struct span at);
int parse_lex_open_brace(struct parse_ctx *ctx, YYSTYPE *lval, struct span at);
void parse_lex_close_brace(struct parse_ctx *ctx);
int parse_lex_open(struct parse_ctx *ctx, struct span at, char c);
int parse_lex_duration(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at);
int parse_lex_number(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at);
int parse_lex_word_digits(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at);
int parse_lex_word(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at);
int parse_lex_hyphenated(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at);
int parse_lex_word_utf8(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, size_t len,
			struct span at);
int parse_lex_single_quoted(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, size_t len,
			    struct span at);
void parse_discard_brace(struct parse_ctx *ctx, struct span at);
int parse_lex_bqname(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, struct span at,
		     bool closed);
int parse_lex_string(struct parse_ctx *ctx, YYSTYPE *lval, const char *text, size_t len,
		     struct span at, bool closed);
void parse_lex_bad(struct parse_ctx *ctx, const char *text, size_t len, struct span at);

int parse_next_token(YYSTYPE *lval, YYLTYPE *lloc, struct parse_ctx *ctx);
/* Records a pending syntax error: message, help, and what was found. */
void parse_set_pending(struct parse_ctx *ctx, struct span at, char *msg, char *help,
		       const char *found, bool fixed);
void parse_expected(struct parse_ctx *ctx, struct span after, const char *what);
void parse_flush(struct parse_ctx *ctx);
/* Counts an error left unreported; too many stop the parse. */
void parse_quiet_error(struct parse_ctx *ctx, struct span at);
void parse_add_item(struct parse_ctx *ctx, struct ast_item *it);
/* Appends a value to a list, up to PARSE_MAX_VALUES. */
struct ast_vec *parse_push_value(struct parse_ctx *ctx, struct ast_vec *vec, struct ast_value *v);
struct ast_column *parse_col_required(struct parse_ctx *ctx, struct ast_column *c, struct span at);
struct ast_column *parse_col_from(struct parse_ctx *ctx, struct ast_column *c, struct ast_string *s,
				  struct span at);
struct ast_column *parse_col_attr(struct parse_ctx *ctx, struct ast_column *c,
				  const struct ast_name *key, struct ast_value *v, struct span at);
struct ast_clause *parse_on_error_clause(struct parse_ctx *ctx, struct span on,
					 const struct ast_name *what, const struct ast_name *error,
					 struct ast_vec *args, struct span span);
void parse_eqeq(struct parse_ctx *ctx, struct span at);
struct ast_vec *parse_after_add(struct parse_ctx *ctx, struct ast_vec *names, int sep, struct span at,
				const struct ast_name *name);
struct ast_clause *parse_after_clause(struct parse_ctx *ctx, struct span kw, struct ast_vec *names,
				      struct span span);
struct ast_clause *parse_drop_clause(struct parse_ctx *ctx, struct span drop,
				     const struct ast_name *what, const struct ast_name *column,
				     struct span span);
/* Expression nodes that need checks while parsing (parse_expr.c). */
enum ast_expr_op parse_expr_cmp(enum ast_cmp cmp);
struct ast_expr *parse_expr_is_null(struct parse_ctx *ctx, struct ast_expr *x, bool negated,
				    struct span op, struct span span);
struct ast_expr *parse_expr_in(struct parse_ctx *ctx, struct ast_expr *x, bool negated,
			       struct ast_vec *list, struct span op, struct span span);
struct ast_expr *parse_expr_between(struct parse_ctx *ctx, struct ast_expr *x, bool negated,
				    struct ast_expr *lo, struct ast_expr *hi, struct span op,
				    struct span span);
struct ast_expr *parse_expr_minus_number(struct parse_ctx *ctx, struct ast_expr *l,
					 struct ast_number *n);
struct ast_expr *parse_expr_typed(struct parse_ctx *ctx, const struct ast_name *type,
				  struct ast_string *s, struct span span);
struct ast_expr *parse_expr_call(struct parse_ctx *ctx, const struct ast_name *fn,
				 struct ast_vec *args, struct span span);
struct ast_vec *parse_expr_push(struct parse_ctx *ctx, struct ast_vec *list, struct ast_expr *e);
/* `expect EXPR`: the one-column forms (c OP literal, between, in, is not
 * null) as before, any other condition as an expression rule. */
struct ast_rule *parse_rule_expect(struct parse_ctx *ctx, struct ast_expr *e, struct span span);
}

%code {
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

#define YYLLOC_DEFAULT(cur, rhs, n)                                    \
	do {                                                            \
		if (n) {                                                \
			(cur).start = YYRHSLOC(rhs, 1).start;           \
			(cur).end = YYRHSLOC(rhs, n).end;               \
		} else {                                                \
			(cur).start = (cur).end = YYRHSLOC(rhs, 0).end; \
		}                                                       \
	} while (0)

#define A (ctx->arena)
#define S (&ctx->scratch)
/* appends a node to a list, skipping the NULL of a line that failed */
#define PUSH(vec, node) ((node) ? ast_vec_push_ref(S, (vec), (node), sizeof(*(node))) : (vec))

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parse_ctx *ctx)
{
	return parse_next_token(lval, lloc, ctx);
}

static void yyerror(YYLTYPE *loc, struct parse_ctx *ctx, const char *msg)
{
	/* Only "memory exhausted" arrives here (syntax errors go through
	 * yyreport_syntax_error); the nesting limits keep it unreachable. */
	if (!ctx->fatal)
		diag_error(ctx->ds, ctx->src, *loc, "input too complex to parse (%s)", msg);
	ctx->nerrors++;
	ctx->fatal = true;
}

}

%union {
	struct ast_name name;
	struct ast_string *str;
	struct ast_number *num;
	struct ast_duration *dur;
	struct ast_value *val;
	struct ast_type *type;
	struct ast_field field;
	struct ast_column *col;
	struct ast_partition *part;
	struct ast_rule *rule;
	struct ast_setting *setting;
	struct ast_clause *clause;
	struct ast_item *item;
	struct ast_vec *vec;
	enum ast_cmp cmp;
	struct span span;
	struct ast_expr *expr;
	struct ast_take *take;
	struct ast_join_line *jline;
	struct ast_agg *agg;
	enum ast_rule_kind rkind;
}

%token <name> IDENT "name" BQIDENT "quoted name"
%token <str> STRING "string"
%token <num> NUMBER "number"
%token <dur> DURATION "duration"
%token TERM "end of line"
%token BADTOK "invalid token"
%token NE "!=" LE "<=" GE ">=" EQEQ "=="

%token <name>
	PIPELINE "pipeline" DEFAULTS "defaults" DESCRIPTION "description"
	SOURCE "source" TARGET "target" CREATE "create" IF "if" MISSING "missing"
	COLUMNS "columns" REQUIRED "required" FROM "from" PARTITION "partition"
	BY "by" MODE "mode" ON "on" INCREMENTAL "incremental" LAG "lag"
	INITIAL "initial" NEW "new" FILES "files" SCHEDULE "schedule" CRON "cron"
	EVERY "every" AFTER "after" AND "and" OR "or" DEMAND "demand" S3 "s3"
	EVENT "event" VALIDATE "validate" ROW_COUNT "row_count" MATCHES "matches"
	BETWEEN "between" NOT_NULL "not_null" UNIQUE "unique" EXPECT "expect"
	IN "in" IS "is" NOT "not" NULL_ "null" COMPLETENESS "completeness"
	FRESHNESS "freshness" WITHIN "within" SAMPLE "sample" FAILURE "failure"
	JOB "job" DROP "drop" ORDER "order" DERIVE "derive" FILTER "filter"
	CASE "case" WHEN "when" THEN "then" ELSE "else" END "end" CAST "cast" AS "as"
	TRUE_ "true" FALSE_ "false" DEDUPE "dedupe" JOIN "join" AGGREGATE "aggregate"
	ALERTS "alerts" COLUMN_COUNT "column_count" DISTINCT_COUNT "distinct_count"
	MEAN "mean" SUM "sum" STDDEV "stddev" UNIQUENESS "uniqueness" LENGTH "length"

%token <span> '{'

/* A '{' thrown away by error recovery takes its whole block with it. */
%destructor { parse_discard_brace(ctx, @$); } '{'

%type <name> name any_name keyword opt_direction
%type <str> string
%type <val> value
%type <vec> qname args args1 list_items body stmt_lines settings setting_lines block opt_block
%type <vec> col_lines columns_body part_list part_args name_list opt_keys after_list
%type <vec> rule_lines rules_body type_args num_list join_block join_body join_lines take_list
%type <vec> agg_lines agg_body
%type <take> take_item
%type <jline> join_line
%type <type> take_type
%type <agg> agg
%type <type> type
%type <field> type_arg
%type <col> column col_attrs
%type <part> part
%type <rule> rule
%type <setting> setting
%type <clause> clause
%type <item> item
%type <cmp> cmp
%type <dur> opt_lag
%type <str> opt_initial
%type <expr> expr and_expr not_expr pred arith term unary primary
%type <vec> expr_list when_list expr_qname
%type <name> expr_word rule_word
%type <rkind> stat_word

%%

/* Every list of lines (items, clauses, columns, rules, settings) has the
 * same shape: lines ending in TERM, then an optional last line before the
 * closing '}' (or the end of the file).  A bad line is skipped up to its
 * end; reducing its TERM calls yyerrok so that an error on the very next
 * line is reported too (bison otherwise stays silent until three tokens
 * have parsed, and a run of bad lines would show only the first). */
file:
	  item_lines
	| item_lines item	{ parse_add_item(ctx, $2); }
	| item_lines error	{ parse_flush(ctx); }
	;

item_lines:
	  %empty
	| item_lines item TERM	{ yyerrok; parse_add_item(ctx, $2); }
	| item_lines error TERM	{ yyerrok; parse_flush(ctx); }
	;

item:
	  PIPELINE any_name '{' body '}'
		{ $$ = ast_item_new(A, AST_PIPELINE, &$2, $4, span_join($3, @5), @$); }
	| DEFAULTS '{' body '}'
		{ $$ = ast_item_new(A, AST_DEFAULTS, NULL, $3, span_join($2, @4), @$); }
	| PIPELINE error
		{ parse_expected(ctx, @1, "a pipeline name after 'pipeline'"); $$ = NULL; }
	| PIPELINE any_name error
		{ parse_expected(ctx, @2, "'{' after the pipeline name"); $$ = NULL; }
	| DEFAULTS error
		{ parse_expected(ctx, @1, "'{' after 'defaults'"); $$ = NULL; }
	;

body:
	  stmt_lines		{ $$ = $1; }
	| stmt_lines clause	{ $$ = PUSH($1, $2); }
	| stmt_lines error	{ parse_flush(ctx); $$ = $1; }
	;

stmt_lines:
	  %empty		{ $$ = NULL; }
	| stmt_lines clause TERM { yyerrok; $$ = PUSH($1, $2); }
	| stmt_lines error TERM	{ yyerrok; parse_flush(ctx); $$ = $1; }
	;

clause:
	  DESCRIPTION string
		{ $$ = ast_clause_description(A, @1, $2, @$); }
	| DESCRIPTION error
		{ parse_expected(ctx, @1, "a string after 'description'"); $$ = NULL; }
	| SOURCE any_name args opt_block
		{ $$ = ast_clause_endpoint(A, AST_SOURCE, @1, $2, $3, $4, @$); }
	| SOURCE error
		{ parse_expected(ctx, @1, "the kind of source after 'source' (s3, file, table, jdbc, ...)"); $$ = NULL; }
	| TARGET any_name args opt_block
		{ $$ = ast_clause_endpoint(A, AST_TARGET, @1, $2, $3, $4, @$); }
	| TARGET error
		{ parse_expected(ctx, @1, "the kind of target after 'target' (s3tables, iceberg, parquet, ...)"); $$ = NULL; }
	| CREATE IF MISSING
		{ $$ = ast_clause_create(A, @$, @$); }
	| CREATE error
		{ parse_expected(ctx, @1, "'if missing' after 'create'"); $$ = NULL; }
	| COLUMNS '{' columns_body '}'
		{ (void)$2; $$ = ast_clause_columns(A, @1, $3, @$); }
	| COLUMNS error
		{ parse_expected(ctx, @1, "'{' after 'columns'"); $$ = NULL; }
	| PARTITION BY part_list
		{ $$ = ast_clause_partition(A, span_join(@1, @2), $3, @$); }
	| PARTITION error
		{ parse_expected(ctx, @1, "'by' after 'partition'"); $$ = NULL; }
	| PARTITION BY error
		{ parse_expected(ctx, @2, "a partition field after 'partition by'"); $$ = NULL; }
	| MODE any_name opt_keys
		{ $$ = ast_clause_mode(A, @1, $2, $3, @3, @$); }
	| MODE any_name opt_keys ORDER BY any_name opt_direction
		{ $$ = ast_clause_mode_order(ast_clause_mode(A, @1, $2, $3, @3, @$), &$6, &$7,
					     span_join(@4, @5)); }
	| MODE any_name opt_keys ORDER error
		{ parse_expected(ctx, @4, "'by COLUMN' after 'order'"); $$ = NULL; }
	| MODE error
		{ parse_expected(ctx, @1, "a write mode after 'mode' (append, merge, overwrite, replace)"); $$ = NULL; }
	| INCREMENTAL BY name opt_lag opt_initial
		{ $$ = ast_clause_incremental(A, span_join(@1, @2), AST_INCR_COLUMN, &$3, $4, $5, @$); }
	| INCREMENTAL BY PARTITION any_name opt_lag opt_initial
		{ $$ = ast_clause_incremental(A, span_join(@1, @3), AST_INCR_PARTITION, &$4, $5, $6, @$); }
	| INCREMENTAL NEW FILES
		{ $$ = ast_clause_incremental(A, @$, AST_INCR_NEW_FILES, NULL, NULL, NULL, @$); }
	| INCREMENTAL error
		{ parse_expected(ctx, @1, "'by COLUMN' or 'new files' after 'incremental'"); $$ = NULL; }
	| INCREMENTAL BY error
		{ parse_expected(ctx, @2, "a column name after 'incremental by'"); $$ = NULL; }
	| SCHEDULE CRON string
		{ $$ = ast_clause_cron(A, span_join(@1, @2), $3, @$); }
	| SCHEDULE EVERY DURATION
		{ $$ = ast_clause_every(A, span_join(@1, @2), $3, @$); }
	| SCHEDULE EVERY error
		{ parse_expected(ctx, @2, "a duration after 'every' (30m, 1h, 1d)"); $$ = NULL; }
	| SCHEDULE AFTER after_list
		{ $$ = parse_after_clause(ctx, span_join(@1, @2), $3, @$); }
	| SCHEDULE AFTER error
		{ parse_expected(ctx, @2, "a pipeline name after 'after'"); $$ = NULL; }
	| SCHEDULE ON DEMAND
		{ $$ = ast_clause_on_demand(A, @$, @$); }
	| SCHEDULE ON S3 EVENT opt_block
		{ $$ = ast_clause_s3_event(A, span_join(@1, @4), $5, @$); }
	| SCHEDULE error
		{ parse_expected(ctx, @1, "'cron', 'every', 'after', 'on demand' or 'on s3 event' after 'schedule'"); $$ = NULL; }
	| SCHEDULE ON error
		{ parse_expected(ctx, @2, "'demand' or 's3 event' after 'schedule on'"); $$ = NULL; }
	| VALIDATE '{' rules_body '}'
		{ (void)$2; $$ = ast_clause_validate(A, @1, $3, @$); }
	| VALIDATE error
		{ parse_expected(ctx, @1, "'{' after 'validate'"); $$ = NULL; }
	| ON any_name any_name args
		{ $$ = parse_on_error_clause(ctx, @1, &$2, &$3, $4, @$); }
	| ON error
		{ parse_expected(ctx, @1, "'cast error' after 'on'"); $$ = NULL; }
	| JOB block
		{ $$ = ast_clause_job(A, @1, $2, @$); }
	| JOB error
		{ parse_expected(ctx, @1, "'{' after 'job'"); $$ = NULL; }
	| DROP any_name any_name
		{ $$ = parse_drop_clause(ctx, @1, &$2, &$3, @$); }
	| DROP error
		{ parse_expected(ctx, @1, "'column NAME' after 'drop'"); $$ = NULL; }
	| DROP any_name error
		{ parse_expected(ctx, @2, "a column name after 'drop column'"); $$ = NULL; }
	| DERIVE any_name type '=' expr
		{ $$ = ast_clause_derive(A, @1, $2, $3, $5, @$); }
	| DERIVE error
		{ parse_expected(ctx, @1, "a column name after 'derive'"); $$ = NULL; }
	| ALERTS any_name
		{ $$ = ast_clause_alerts(A, @1, &$2, @$); }
	| ALERTS error
		{ parse_expected(ctx, @1, "'off' or 'on' after 'alerts'"); $$ = NULL; }
	| DERIVE any_name error
		{ parse_expected(ctx, @2, "a type after the derived column's name"); $$ = NULL; }
	| DERIVE any_name type error
		{ parse_expected(ctx, @3, "'= EXPRESSION' after the derived column's type"); $$ = NULL; }
	| DERIVE any_name type '=' error
		{ parse_expected(ctx, @4, "an expression after '='"); $$ = NULL; }
	| FILTER expr
		{ $$ = ast_clause_filter(A, @1, $2, @$); }
	| FILTER error
		{ parse_expected(ctx, @1, "a condition after 'filter'"); $$ = NULL; }
	| DEDUPE ON name_list
		{ $$ = ast_clause_dedupe(A, span_join(@1, @2), $3, NULL, NULL, @3, @$); }
	| DEDUPE ON name_list ORDER BY any_name opt_direction
		{ $$ = ast_clause_dedupe(A, span_join(@1, @2), $3, &$6, &$7, span_join(@4, @5), @$); }
	| DEDUPE error
		{ parse_expected(ctx, @1, "'on KEY, ...' after 'dedupe'"); $$ = NULL; }
	| DEDUPE ON error
		{ parse_expected(ctx, @2, "the key columns after 'dedupe on'"); $$ = NULL; }
	| DEDUPE ON name_list ORDER error
		{ parse_expected(ctx, @4, "'by COLUMN' after 'order'"); $$ = NULL; }
	| AGGREGATE BY name_list '{' agg_body '}'
		{ (void)$4; $$ = ast_clause_aggregate(A, span_join(@1, @2), @2, $3, $5, @$); }
	| AGGREGATE '{' agg_body '}'
		{ (void)$2; $$ = ast_clause_aggregate(A, @1, span_make(0, 0), NULL, $3, @$); }
	| AGGREGATE error
		{ parse_expected(ctx, @1, "'by KEY, ...' or '{' after 'aggregate'"); $$ = NULL; }
	| AGGREGATE BY error
		{ parse_expected(ctx, @2, "the group key columns after 'aggregate by'"); $$ = NULL; }
	| JOIN any_name any_name qname AS any_name ON expr
		{ $$ = ast_clause_join(A, @1, $2, $3, $4, @4, $6, $8, NULL, @$); }
	| JOIN any_name any_name qname AS any_name ON expr join_block
		{ $$ = ast_clause_join(A, @1, $2, $3, $4, @4, $6, $8, $9, @$); }
	| JOIN error
		{ parse_expected(ctx, @1, "'left table DATABASE.TABLE' or 'inner table DATABASE.TABLE' after 'join'"); $$ = NULL; }
	| JOIN any_name any_name qname error
		{ parse_expected(ctx, @4, "'as ALIAS' after the joined table"); $$ = NULL; }
	| JOIN any_name any_name qname AS any_name error
		{ parse_expected(ctx, @6, "'on CONDITION' after the alias"); $$ = NULL; }
	| JOIN any_name any_name qname AS any_name ON error
		{ parse_expected(ctx, @7, "a condition after 'on'"); $$ = NULL; }
	;

/* join ... { take a, b as c; broadcast } */
join_block:
	  '{' join_body '}'	{ (void)$1; $$ = $2 ? $2 : ast_vec_new(S); }
	;

join_body:
	  join_lines		{ $$ = $1; }
	| join_lines join_line	{ $$ = PUSH($1, $2); }
	| join_lines error	{ parse_flush(ctx); $$ = $1; }
	;

join_lines:
	  %empty		{ $$ = NULL; }
	| join_lines join_line TERM { yyerrok; $$ = PUSH($1, $2); }
	| join_lines error TERM	{ yyerrok; parse_flush(ctx); $$ = $1; }
	;

join_line:
	  any_name		{ $$ = ast_join_line_new(A, $1, NULL, @$); }
	| any_name take_list	{ $$ = ast_join_line_new(A, $1, $2, @$); }
	;

take_list:
	  take_item		{ $$ = PUSH(NULL, $1); }
	| take_list ',' take_item { $$ = PUSH($1, $3); }
	;

take_item:
	  any_name		{ $$ = ast_take_new(A, $1, NULL, NULL, @$); }
	| any_name take_type	{ $$ = ast_take_new(A, $1, $2, NULL, @$); }
	| any_name AS any_name	{ $$ = ast_take_new(A, $1, NULL, &$3, @$); }
	| any_name take_type AS any_name { $$ = ast_take_new(A, $1, $2, &$4, @$); }
	;

/* a type in a take item: its name is never 'as' */
take_type:
	  IDENT			{ $$ = ast_type_simple(A, $1); }
	| IDENT '(' num_list ')'	{ $$ = ast_type_params(A, $1, $3, @$); }
	| IDENT '<' type_args '>'	{ $$ = ast_type_angle(A, $1, $3, @$); }
	;

opt_lag:
	  %empty		{ $$ = NULL; }
	| LAG DURATION		{ $$ = $2; }
	| LAG NUMBER		{ $$ = ast_duration_unitless(A, $2); }
	;

opt_initial:
	  %empty		{ $$ = NULL; }
	| INITIAL string	{ $$ = $2; }
	;

opt_keys:
	  %empty		{ $$ = NULL; }
	| ON name_list		{ $$ = $2; }
	| ON error		{ parse_expected(ctx, @1, "the key columns after 'on'"); $$ = NULL; }
	;

/* 'asc' or 'desc' (the checker decides which are allowed) */
opt_direction:
	  %empty		{ $$ = (struct ast_name){ NULL, { 0, 0 } }; }
	| any_name		{ $$ = $1; }
	;

after_list:
	  any_name		{ $$ = ast_vec_push(S, NULL, &$1, sizeof($1)); }
	| after_list AND any_name { $$ = parse_after_add(ctx, $1, AND, @2, &$3); }
	| after_list OR any_name { $$ = parse_after_add(ctx, $1, OR, @2, &$3); }
	;

name_list:
	  any_name		{ $$ = ast_vec_push(S, NULL, &$1, sizeof($1)); }
	| name_list ',' any_name { $$ = ast_vec_push(S, $1, &$3, sizeof($3)); }
	;

/* columns { NAME TYPE [required] [from "field"] [format "…"] [epoch UNIT] ... } */
columns_body:
	  col_lines		{ $$ = $1; }
	| col_lines column	{ $$ = PUSH($1, $2); }
	| col_lines error	{ parse_flush(ctx); $$ = $1; }
	;

col_lines:
	  %empty		{ $$ = NULL; }
	| col_lines column TERM	{ yyerrok; $$ = PUSH($1, $2); }
	| col_lines error TERM	{ yyerrok; parse_flush(ctx); $$ = $1; }
	;

column:
	  any_name type col_attrs
		{ $$ = ast_column_finish($3, $1, $2, @$); }
	| any_name error
		{ parse_expected(ctx, @1, "a column type after the column name"); $$ = NULL; }
	;

col_attrs:
	  %empty		{ $$ = ast_column_attrs(A); }
	| col_attrs REQUIRED	{ $$ = parse_col_required(ctx, $1, @2); }
	| col_attrs FROM string	{ $$ = parse_col_from(ctx, $1, $3, span_join(@2, @3)); }
	| col_attrs IDENT value	{ $$ = parse_col_attr(ctx, $1, &$2, $3, span_join(@2, @3)); }
	;

/* string, decimal(10,2), array<string>, map<string, int>, struct<a: int> */
type:
	  any_name		{ $$ = ast_type_simple(A, $1); }
	| any_name '(' num_list ')'	{ $$ = ast_type_params(A, $1, $3, @$); }
	| any_name '<' type_args '>'	{ $$ = ast_type_angle(A, $1, $3, @$); }
	;

num_list:
	  NUMBER		{ $$ = ast_vec_push(S, NULL, $1, sizeof(*$1)); }
	| num_list ',' NUMBER	{ $$ = ast_vec_push(S, $1, $3, sizeof(*$3)); }
	;

type_args:
	  type_arg		{ $$ = ast_vec_push(S, NULL, &$1, sizeof($1)); }
	| type_args ',' type_arg { $$ = ast_vec_push(S, $1, &$3, sizeof($3)); }
	;

type_arg:
	  type			{ $$ = ast_field_make(NULL, $1); }
	| any_name ':' type	{ $$ = ast_field_make(&$1, $3); }
	;

/* partition by days(ts), bucket(16, id), category */
part_list:
	  part			{ $$ = ast_vec_push(S, NULL, $1, sizeof(*$1)); }
	| part_list ',' part	{ $$ = ast_vec_push(S, $1, $3, sizeof(*$3)); }
	;

part:
	  qname			{ $$ = ast_partition_identity(A, $1, @$); }
	| any_name '(' part_args ')' { $$ = ast_partition_call(A, $1, $3, @$); }
	;

part_args:
	  %empty		{ $$ = NULL; }
	| list_items		{ $$ = $1; }
	;

/* validate { rules } */
rules_body:
	  rule_lines		{ $$ = $1; }
	| rule_lines rule	{ $$ = PUSH($1, $2); }
	| rule_lines error	{ parse_flush(ctx); $$ = $1; }
	;

rule_lines:
	  %empty		{ $$ = NULL; }
	| rule_lines rule TERM	{ yyerrok; $$ = PUSH($1, $2); }
	| rule_lines error TERM	{ yyerrok; parse_flush(ctx); $$ = $1; }
	;

rule:
	  ROW_COUNT MATCHES SOURCE
		{ $$ = ast_rule_row_count_matches(A, @$); }
	| ROW_COUNT cmp value
		{ $$ = ast_rule_compare(A, AST_RULE_ROW_COUNT, NULL, $2, $3, NULL, @$); }
	| ROW_COUNT BETWEEN value AND value
		{ $$ = ast_rule_compare(A, AST_RULE_ROW_COUNT, NULL, AST_CMP_BETWEEN, $3, $5, @$); }
	| ROW_COUNT error
		{ parse_expected(ctx, @1, "'matches source', a comparison or 'between' after 'row_count'"); $$ = NULL; }
	| NOT_NULL name_list
		{ $$ = ast_rule_columns(A, AST_RULE_NOT_NULL, $2, @$); }
	| NOT_NULL error
		{ parse_expected(ctx, @1, "column names after 'not_null'"); $$ = NULL; }
	| UNIQUE name_list
		{ $$ = ast_rule_columns(A, AST_RULE_UNIQUE, $2, @$); }
	| UNIQUE error
		{ parse_expected(ctx, @1, "column names after 'unique'"); $$ = NULL; }
	| EXPECT error
		{ parse_expected(ctx, @1, "a condition after 'expect'"); $$ = NULL; }
	| COMPLETENESS error
		{ parse_expected(ctx, @1, "a column name after 'completeness'"); $$ = NULL; }
	| FRESHNESS error
		{ parse_expected(ctx, @1, "a column name after 'freshness'"); $$ = NULL; }
	| SAMPLE error
		{ parse_expected(ctx, @1, "a number of rows after 'sample'"); $$ = NULL; }
	| ON error
		{ parse_expected(ctx, @1, "'failure' after 'on'"); $$ = NULL; }
	| ON FAILURE error
		{ parse_expected(ctx, @2, "'fail' or 'warn' after 'on failure'"); $$ = NULL; }
	| EXPECT expr_word MATCHES string
		{ $$ = ast_rule_compare(A, AST_RULE_EXPECT, &$2, AST_CMP_MATCHES, ast_value_string(A, $4), NULL, @$); }
	| EXPECT expr
		{ $$ = parse_rule_expect(ctx, $2, @$); }
	| EXPECT rule_word cmp value
		{ $$ = ast_rule_compare(A, AST_RULE_EXPECT, &$2, $3, $4, NULL, @$); }
	| EXPECT rule_word BETWEEN value AND value
		{ $$ = ast_rule_compare(A, AST_RULE_EXPECT, &$2, AST_CMP_BETWEEN, $4, $6, @$); }
	| EXPECT rule_word IN '(' list_items ')'
		{ $$ = ast_rule_in(A, $2, $5, @$); }
	| EXPECT rule_word MATCHES string
		{ $$ = ast_rule_compare(A, AST_RULE_EXPECT, &$2, AST_CMP_MATCHES, ast_value_string(A, $4), NULL, @$); }
	| EXPECT rule_word IS NOT NULL_
		{ $$ = ast_rule_not_null(A, $2, @$); }
	| COMPLETENESS any_name cmp value
		{ $$ = ast_rule_compare(A, AST_RULE_COMPLETENESS, &$2, $3, $4, NULL, @$); }
	| FRESHNESS any_name WITHIN DURATION
		{ $$ = ast_rule_freshness(A, $2, $4, @$); }
	| FRESHNESS any_name error
		{ parse_expected(ctx, @2, "'within DURATION' after the column"); $$ = NULL; }
	| SAMPLE NUMBER
		{ $$ = ast_rule_sample(A, $2, @$); }
	| ON FAILURE any_name
		{ $$ = ast_rule_on_failure(A, $3, @$); }
	| COLUMN_COUNT cmp value
		{ $$ = ast_rule_compare(A, AST_RULE_COLUMN_COUNT, NULL, $2, $3, NULL, @$); }
	| COLUMN_COUNT BETWEEN value AND value
		{ $$ = ast_rule_compare(A, AST_RULE_COLUMN_COUNT, NULL, AST_CMP_BETWEEN, $3, $5, @$); }
	| COLUMN_COUNT error
		{ parse_expected(ctx, @1, "a comparison or 'between' after 'column_count'"); $$ = NULL; }
	| stat_word any_name cmp value
		{ $$ = ast_rule_compare(A, $1, &$2, $3, $4, NULL, @$); }
	| stat_word any_name BETWEEN value AND value
		{ $$ = ast_rule_compare(A, $1, &$2, AST_CMP_BETWEEN, $4, $6, @$); }
	| stat_word error
		{ parse_expected(ctx, @1, arena_printf(A, "a column name after '%.*s'",
						       (int)(@1.end - @1.start), ctx->src->text + @1.start));
		  $$ = NULL; }
	| stat_word any_name error
		{ parse_expected(ctx, @2, "a comparison or 'between' after the column"); $$ = NULL; }
	;

/* The rules on one column's statistics: stat_word COLUMN CMP VALUE. */
stat_word:
	  DISTINCT_COUNT	{ $$ = AST_RULE_DISTINCT_COUNT; }
	| MEAN			{ $$ = AST_RULE_MEAN; }
	| SUM			{ $$ = AST_RULE_SUM; }
	| STDDEV		{ $$ = AST_RULE_STDDEV; }
	| UNIQUENESS		{ $$ = AST_RULE_UNIQUENESS; }
	| LENGTH		{ $$ = AST_RULE_LENGTH; }
	;

cmp:
	  '='	{ $$ = AST_CMP_EQ; }
	| NE	{ $$ = AST_CMP_NE; }
	| '<'	{ $$ = AST_CMP_LT; }
	| LE	{ $$ = AST_CMP_LE; }
	| '>'	{ $$ = AST_CMP_GT; }
	| GE	{ $$ = AST_CMP_GE; }
	| EQEQ	{ parse_eqeq(ctx, @1); $$ = AST_CMP_EQ; }
	;

/* Generic settings: key value... [{ settings }] */
block:
	  '{' settings '}'	{ (void)$1; $$ = $2 ? $2 : ast_vec_new(A); }
	;

opt_block:
	  %empty		{ $$ = NULL; }
	| block			{ $$ = $1; }
	;

settings:
	  setting_lines		{ $$ = $1; }
	| setting_lines setting	{ $$ = PUSH($1, $2); }
	| setting_lines error	{ parse_flush(ctx); $$ = $1; }
	;

setting_lines:
	  %empty		{ $$ = NULL; }
	| setting_lines setting TERM { yyerrok; $$ = PUSH($1, $2); }
	| setting_lines error TERM { yyerrok; parse_flush(ctx); $$ = $1; }
	;

setting:
	  any_name args opt_block
		{ $$ = ast_setting_new(A, $1, $2, $3, @3, @$); }
	;

args:
	  %empty		{ $$ = NULL; }
	| args1			{ $$ = $1; }
	;

args1:
	  value			{ $$ = parse_push_value(ctx, NULL, $1); }
	| args1 value		{ $$ = parse_push_value(ctx, $1, $2); }
	| args1 ',' value	{ $$ = parse_push_value(ctx, $1, $3); }
	;

value:
	  string		{ $$ = ast_value_string(A, $1); arena_recycle(A, $1, sizeof(*$1)); }
	| NUMBER		{ $$ = ast_value_number(A, $1); arena_recycle(A, $1, sizeof(*$1)); }
	| DURATION		{ $$ = ast_value_duration(A, $1); arena_recycle(A, $1, sizeof(*$1)); }
	| qname			{ $$ = ast_value_name(A, $1, @$); }
	| '(' ')'		{ $$ = ast_value_list(A, NULL, @$); }
	| '(' list_items ')'	{ $$ = ast_value_list(A, $2, @$); }
	;

list_items:
	  value			{ $$ = parse_push_value(ctx, NULL, $1); }
	| list_items value	{ $$ = parse_push_value(ctx, $1, $2); }
	| list_items ',' value	{ $$ = parse_push_value(ctx, $1, $3); }
	;

qname:
	  any_name		{ $$ = ast_vec_push(S, NULL, &$1, sizeof($1)); }
	| qname '.' any_name	{ $$ = ast_vec_push(S, $1, &$3, sizeof($3)); }
	;

string:
	  STRING
	;

/* Keywords are reserved only where they start a clause: anywhere a name
 * is expected, any keyword is one.  'partition' is the exception after
 * 'incremental by', where it announces a partition watermark. */
any_name:
	  name
	| PARTITION
	;

name:
	  IDENT
	| BQIDENT
	| keyword
	;

keyword:
	  PIPELINE | DEFAULTS | DESCRIPTION | SOURCE | TARGET | CREATE | IF | MISSING
	| COLUMNS | REQUIRED | FROM | BY | MODE | ON | INCREMENTAL | LAG | INITIAL
	| NEW | FILES | SCHEDULE | CRON | EVERY | AFTER | AND | OR | DEMAND | S3
	| EVENT | VALIDATE | ROW_COUNT | MATCHES | BETWEEN | NOT_NULL | UNIQUE
	| EXPECT | IN | IS | NOT | NULL_ | COMPLETENESS | FRESHNESS | WITHIN
	| SAMPLE | FAILURE | JOB | DROP | ORDER | DERIVE | FILTER | CASE | WHEN | THEN
	| ELSE | END | CAST | AS | TRUE_ | FALSE_ | DEDUPE | JOIN | AGGREGATE | ALERTS
	| COLUMN_COUNT | DISTINCT_COUNT | MEAN | SUM | STDDEV | UNIQUENESS | LENGTH
	;

/* The words of expressions that cannot start one, as the column of a
 * one-column expect (`expect end = "x"`, as before expect took a
 * condition); the others (not, null, case, cast, true, false) start a
 * condition and name a column `quoted`. */
rule_word:
	  AND | OR | IN | IS | BETWEEN | WHEN | THEN | ELSE | END | AS
	;

/* aggregate { NAME TYPE = FN() | FN(EXPR) | FN(EXPR by EXPR) ... } */
agg_body:
	  agg_lines		{ $$ = $1; }
	| agg_lines agg		{ $$ = PUSH($1, $2); }
	| agg_lines error	{ parse_flush(ctx); $$ = $1; }
	;

agg_lines:
	  %empty		{ $$ = NULL; }
	| agg_lines agg TERM	{ yyerrok; $$ = PUSH($1, $2); }
	| agg_lines error TERM	{ yyerrok; parse_flush(ctx); $$ = $1; }
	;

agg:
	  any_name type '=' expr_word '(' ')'
		{ $$ = ast_agg_new(A, $1, $2, $4, NULL, NULL, span_make(0, 0), span_join(@4, @6), @$); }
	| any_name type '=' expr_word '(' expr ')'
		{ $$ = ast_agg_new(A, $1, $2, $4, $6, NULL, span_make(0, 0), span_join(@4, @7), @$); }
	| any_name type '=' expr_word '(' expr BY expr ')'
		{ $$ = ast_agg_new(A, $1, $2, $4, $6, $8, @7, span_join(@4, @9), @$); }
	;

/* Expressions (derive, filter): or < and < not < comparison < + - < * / %
 * < unary minus.  A comparison does not chain. */
expr:
	  and_expr
	| expr OR and_expr	{ $$ = ast_expr_binary(A, AST_OP_OR, @2, $1, $3); }
	;

and_expr:
	  not_expr
	| and_expr AND not_expr	{ $$ = ast_expr_binary(A, AST_OP_AND, @2, $1, $3); }
	;

not_expr:
	  pred
	| NOT not_expr		{ $$ = ast_expr_unary(A, AST_OP_NOT, @1, $2, @$); }
	;

pred:
	  arith
	| arith cmp arith	{ $$ = ast_expr_binary(A, parse_expr_cmp($2), @2, $1, $3); }
	| arith IS NULL_	{ $$ = parse_expr_is_null(ctx, $1, false, @2, @$); }
	| arith IS NOT NULL_	{ $$ = parse_expr_is_null(ctx, $1, true, @2, @$); }
	| arith IN '(' expr_list ')'
		{ $$ = parse_expr_in(ctx, $1, false, $4, @2, @$); }
	| arith NOT IN '(' expr_list ')'
		{ $$ = parse_expr_in(ctx, $1, true, $5, span_join(@2, @3), @$); }
	| arith BETWEEN arith AND arith
		{ $$ = parse_expr_between(ctx, $1, false, $3, $5, @2, @$); }
	| arith NOT BETWEEN arith AND arith
		{ $$ = parse_expr_between(ctx, $1, true, $4, $6, span_join(@2, @3), @$); }
	;

arith:
	  term
	| arith '+' term	{ $$ = ast_expr_binary(A, AST_OP_ADD, @2, $1, $3); }
	| arith '-' term	{ $$ = ast_expr_binary(A, AST_OP_SUB, @2, $1, $3); }
	| arith NUMBER		{ $$ = parse_expr_minus_number(ctx, $1, $2); }
	;

term:
	  unary
	| term '*' unary	{ $$ = ast_expr_binary(A, AST_OP_MUL, @2, $1, $3); }
	| term '/' unary	{ $$ = ast_expr_binary(A, AST_OP_DIV, @2, $1, $3); }
	| term '%' unary	{ $$ = ast_expr_binary(A, AST_OP_MOD, @2, $1, $3); }
	;

unary:
	  primary
	| '-' unary		{ $$ = ast_expr_unary(A, AST_OP_NEG, @1, $2, @$); }
	;

primary:
	  NUMBER		{ $$ = ast_expr_new(A, AST_E_NUMBER, @$); $$->num = $1; }
	| string		{ $$ = ast_expr_new(A, AST_E_STRING, @$); $$->str = $1; }
	| TRUE_			{ $$ = ast_expr_new(A, AST_E_BOOL, @$); $$->bool_value = true; }
	| FALSE_		{ $$ = ast_expr_new(A, AST_E_BOOL, @$); }
	| NULL_			{ $$ = ast_expr_new(A, AST_E_NULL, @$); }
	| expr_qname		{ $$ = ast_expr_column(A, $1, @$); }
	| expr_word string	{ $$ = parse_expr_typed(ctx, &$1, $2, @$); }
	| expr_word '(' ')'	{ $$ = parse_expr_call(ctx, &$1, NULL, @$); }
	| expr_word '(' expr_list ')' { $$ = parse_expr_call(ctx, &$1, $3, @$); }
	| '(' expr ')'		{ $$ = $2; $$->span = @$; }
	| CAST '(' expr AS type ')'
		{ $$ = ast_expr_new(A, AST_E_CAST, @$); $$->type = $5;
		  $$->args = arena_alloc(A, sizeof(*$$->args)); $$->args[0] = $3; $$->nargs = 1; }
	| CASE when_list END	{ $$ = ast_expr_list(A, AST_E_CASE, $2, @$); }
	| CASE when_list ELSE expr END
		{ $$ = ast_expr_list(A, AST_E_CASE, ast_expr_push(S, $2, $4), @$); $$->has_else = true; }
	;

when_list:
	  WHEN expr THEN expr	{ $$ = ast_expr_push(S, ast_expr_push(S, NULL, $2), $4); }
	| when_list WHEN expr THEN expr
				{ $$ = ast_expr_push(S, ast_expr_push(S, $1, $3), $5); }
	;

expr_list:
	  expr			{ $$ = ast_expr_push(S, NULL, $1); }
	| expr_list ',' expr	{ $$ = parse_expr_push(ctx, $1, $3); }
	;

/* a column, or a field of a struct column: a.b */
expr_qname:
	  expr_word		{ $$ = ast_vec_push(S, NULL, &$1, sizeof($1)); }
	| expr_qname '.' any_name { $$ = ast_vec_push(S, $1, &$3, sizeof($3)); }
	;

/* A name in an expression: any keyword but the expression's own words
 * (and, or, not, in, is, between, null, case, when, then, else, end,
 * cast, as, true, false), which are written `quoted` to name a column. */
expr_word:
	  IDENT | BQIDENT
	| PIPELINE | DEFAULTS | DESCRIPTION | SOURCE | TARGET | CREATE | IF | MISSING
	| COLUMNS | REQUIRED | FROM | BY | MODE | ON | INCREMENTAL | LAG | INITIAL
	| NEW | FILES | SCHEDULE | CRON | EVERY | AFTER | DEMAND | S3 | EVENT | VALIDATE
	| ROW_COUNT | MATCHES | NOT_NULL | UNIQUE | EXPECT | COMPLETENESS | FRESHNESS
	| WITHIN | SAMPLE | FAILURE | JOB | DROP | ORDER | PARTITION | DERIVE | FILTER
	| DEDUPE | JOIN | AGGREGATE | ALERTS
	| COLUMN_COUNT | DISTINCT_COUNT | MEAN | SUM | STDDEV | UNIQUENESS | LENGTH
	;

%%

/* Syntax errors in the user's terms: what was found, and what could have
 * come instead, with keyword alternatives folded into "a name", "a clause",
 * "a validation rule" where any of them would do. */

static const char *const clause_words[] = {
	"description", "source", "target", "create", "columns", "partition", "mode",
	"incremental", "schedule", "validate", "job", "drop", "derive", "filter", "dedupe",
	"join", "aggregate", "alerts",
};
static const char *const rule_words[] = {
	"row_count", "not_null", "unique", "expect", "completeness", "freshness",
	"sample", "on", "column_count", "distinct_count", "mean", "sum", "stddev",
	"uniqueness", "length",
};
static const char *const item_words[] = { "pipeline", "defaults" };

#define NWORDS(a) (sizeof(a) / sizeof((a)[0]))

static bool is_rule_word(const char *w)
{
	for (size_t i = 0; i < NWORDS(rule_words); i++)
		if (!strcmp(w, rule_words[i]))
			return true;
	return false;
}

static bool is_clause_word(const char *w)
{
	for (size_t i = 0; i < NWORDS(clause_words); i++)
		if (!strcmp(w, clause_words[i]))
			return true;
	return false;
}

static bool is_keyword_symbol(yysymbol_kind_t k)
{
	return k >= YYSYMBOL_PIPELINE && k <= YYSYMBOL_LENGTH;
}

/* "by" for the symbol named "\"by\"" */
static const char *keyword_text(struct parse_ctx *ctx, yysymbol_kind_t k)
{
	const char *raw = yysymbol_name(k);
	size_t len = strlen(raw);

	if (len >= 2 && raw[0] == '"')
		return arena_strndup(ctx->arena, raw + 1, len - 2);
	return raw;
}

static bool has(const yysymbol_kind_t *exp, int n, yysymbol_kind_t k)
{
	for (int i = 0; i < n; i++)
		if (exp[i] == k)
			return true;
	return false;
}

static const char *found_text(struct parse_ctx *ctx, yysymbol_kind_t tok, struct span at)
{
	const char *text = ctx->src->text + at.start;
	size_t len = at.end - at.start;

	switch (tok) {
	case YYSYMBOL_YYEOF:
		return "end of file";
	case YYSYMBOL_TERM:
		return text[0] == ';' ? "';'" : "end of line";
	case YYSYMBOL_STRING:
		return "a string";
	default:
		break;
	}
	if (len > 40)
		return arena_printf(ctx->arena, "'%.37s...'", text);
	return arena_printf(ctx->arena, "'%.*s'", (int)len, text);
}

static void add_alt(const char **alts, int *nalts, const char *alt)
{
	if (*nalts < 24)
		alts[(*nalts)++] = alt;
}

static const char *symbol_text(yysymbol_kind_t k)
{
	switch (k) {
	case YYSYMBOL_YYEOF:	return "end of file";
	case YYSYMBOL_TERM:	return "end of line";
	case YYSYMBOL_IDENT:	return "a name";
	case YYSYMBOL_STRING:	return "a string";
	case YYSYMBOL_NUMBER:	return "a number";
	case YYSYMBOL_DURATION:	return "a duration";
	default:		return NULL;
	}
}

static void report_syntax(struct parse_ctx *ctx, yysymbol_kind_t tok, struct span at,
			  const yysymbol_kind_t *exp, int nexp)
{
	struct strbuf sb = STRBUF_INIT;
	const char *alts[24];
	const char *found, *help = NULL;
	bool clause = has(exp, nexp, YYSYMBOL_DESCRIPTION) && has(exp, nexp, YYSYMBOL_SOURCE) &&
		      !has(exp, nexp, YYSYMBOL_IDENT);
	bool rule = has(exp, nexp, YYSYMBOL_ROW_COUNT) && !has(exp, nexp, YYSYMBOL_IDENT);
	bool item = has(exp, nexp, YYSYMBOL_PIPELINE) && !has(exp, nexp, YYSYMBOL_IDENT);
	bool name = has(exp, nexp, YYSYMBOL_IDENT);
	bool value = name && has(exp, nexp, YYSYMBOL_STRING) && has(exp, nexp, YYSYMBOL_NUMBER);
	bool cmp = has(exp, nexp, YYSYMBOL_NE);
	int nalts = 0, i;

	if (ctx->fatal)
		return;
	if (tok == YYSYMBOL_BADTOK) {
		/* the scanner has reported it */
		parse_set_pending(ctx, at, NULL, NULL, NULL, true);
		return;
	}
	if (item && ctx->toplevel_quiet) {
		parse_quiet_error(ctx, at);
		parse_set_pending(ctx, at, NULL, NULL, NULL, true);
		return;
	}
	if (ctx->depth == 0)
		ctx->toplevel_quiet = true;
	found = found_text(ctx, tok, at);
	if (tok == YYSYMBOL_YYEOF && ctx->depth > 0) {
		const struct parse_brace *b = &ctx->braces[ctx->depth - 1];
		struct diag *d;

		/* point just past the last word rather than at an empty last line */
		d = diag_error(ctx->ds, ctx->src, span_make(ctx->content_end, ctx->content_end),
			       "expected '}' to close the '%s' block", b->owner);
		diag_note(d, ctx->src, b->span, "the '%s' block opened here", b->owner);
		ctx->nerrors++;
		parse_set_pending(ctx, at, NULL, NULL, NULL, true);
		return;
	}

	if (item) {
		add_alt(alts, &nalts, "'pipeline'");
		add_alt(alts, &nalts, "'defaults'");
	}
	if (clause)
		add_alt(alts, &nalts, "a clause");
	if (rule)
		add_alt(alts, &nalts, "a validation rule");
	if (value)
		add_alt(alts, &nalts, "a value");
	else if (name)
		add_alt(alts, &nalts, "a name");
	if (cmp)
		add_alt(alts, &nalts, "a comparison ('=', '!=', '<', '<=', '>', '>=')");
	for (i = 0; i < nexp; i++) {
		yysymbol_kind_t k = exp[i];
		const char *t;

		if (k == YYSYMBOL_EQEQ || k == YYSYMBOL_BQIDENT)
			continue;
		if ((name || clause || rule || item) && is_keyword_symbol(k)) {
			/* a keyword listed on its own (not folded) still shows */
			if (name || (clause && (k == YYSYMBOL_DESCRIPTION || k == YYSYMBOL_SOURCE ||
						 k == YYSYMBOL_TARGET || k == YYSYMBOL_CREATE ||
						 k == YYSYMBOL_COLUMNS || k == YYSYMBOL_PARTITION ||
						 k == YYSYMBOL_MODE || k == YYSYMBOL_INCREMENTAL ||
						 k == YYSYMBOL_SCHEDULE || k == YYSYMBOL_VALIDATE ||
						 k == YYSYMBOL_ON || k == YYSYMBOL_JOB ||
						 k == YYSYMBOL_DROP || k == YYSYMBOL_DERIVE ||
						 k == YYSYMBOL_FILTER || k == YYSYMBOL_DEDUPE ||
						 k == YYSYMBOL_JOIN || k == YYSYMBOL_AGGREGATE ||
						 k == YYSYMBOL_ALERTS)) ||
			    (rule && (k == YYSYMBOL_ROW_COUNT || k == YYSYMBOL_NOT_NULL ||
				      k == YYSYMBOL_UNIQUE || k == YYSYMBOL_EXPECT ||
				      k == YYSYMBOL_COMPLETENESS || k == YYSYMBOL_FRESHNESS ||
				      k == YYSYMBOL_SAMPLE || k == YYSYMBOL_ON ||
				      k == YYSYMBOL_COLUMN_COUNT || k == YYSYMBOL_DISTINCT_COUNT ||
				      k == YYSYMBOL_MEAN || k == YYSYMBOL_SUM ||
				      k == YYSYMBOL_STDDEV || k == YYSYMBOL_UNIQUENESS ||
				      k == YYSYMBOL_LENGTH)) ||
			    (item && (k == YYSYMBOL_PIPELINE || k == YYSYMBOL_DEFAULTS)))
				continue;
		}
		if (value && (k == YYSYMBOL_STRING || k == YYSYMBOL_NUMBER ||
			      k == YYSYMBOL_DURATION || k == YYTRANSLATE('(')))
			continue;
		if (cmp && (k == YYSYMBOL_NE || k == YYSYMBOL_LE || k == YYSYMBOL_GE ||
			    k == YYTRANSLATE('=') || k == YYTRANSLATE('<') ||
			    k == YYTRANSLATE('>')))
			continue;
		if (k == YYSYMBOL_IDENT)
			continue;
		if (k == YYTRANSLATE('}') && has(exp, nexp, YYSYMBOL_TERM))
			continue;
		t = symbol_text(k);
		if (!t) {
			const char *raw = yysymbol_name(k);
			size_t len = strlen(raw);

			if (len >= 2 && raw[0] == '"')
				t = arena_printf(ctx->arena, "'%.*s'", (int)(len - 2), raw + 1);
			else if (raw[0] != '\'')
				t = arena_printf(ctx->arena, "'%s'", raw);
			else
				t = raw;
		}
		add_alt(alts, &nalts, t);
	}

	if (nalts == 0) {
		strbuf_addf(&sb, "unexpected %s", found);
	} else {
		strbuf_addstr(&sb, "expected ");
		for (i = 0; i < nalts; i++) {
			if (i)
				strbuf_addstr(&sb, i == nalts - 1 ? " or " : ", ");
			strbuf_addstr(&sb, alts[i]);
		}
		strbuf_addf(&sb, ", found %s", found);
	}

	if (tok == YYSYMBOL_IDENT || is_keyword_symbol(tok)) {
		char *word = arena_strndup(ctx->arena, ctx->src->text + at.start, at.end - at.start);
		const char *close = NULL;

		if (clause && is_rule_word(word) && strcmp(word, "on"))
			help = arena_printf(ctx->arena, "'%s' is a validation rule: write it inside "
					    "'validate { ... }'", word);
		else if (clause)
			close = diag_closest(word, clause_words, NWORDS(clause_words));
		else if (rule)
			close = diag_closest(word, rule_words, NWORDS(rule_words));
		else if (item)
			close = diag_closest(word, item_words, NWORDS(item_words));
		else if (!name && !has(exp, nexp, YYSYMBOL_TERM) &&
			 !has(exp, nexp, YYTRANSLATE('+'))) {
			/* a misspelt keyword where only keywords fit: 'incremental bye'
			 * (not after an operand, where an operator fits too) */
			const char *kws[YYNTOKENS];
			size_t nkw = 0;

			for (i = 0; i < nexp; i++)
				if (is_keyword_symbol(exp[i]))
					kws[nkw++] = keyword_text(ctx, exp[i]);
			close = diag_closest(word, kws, nkw);
		}
		if (help)
			;
		else if (close)
			help = arena_printf(ctx->arena, "did you mean '%s'?", close);
		else if (clause)
			help = "the clauses are: description, source, target, create if missing, "
			       "columns, partition by, mode, incremental, on cast error, schedule, "
			       "validate, job, drop column, derive, filter, dedupe, join, "
			       "aggregate, alerts";
		else if (rule)
			help = "the rules are: row_count, not_null, unique, expect, completeness, "
			       "freshness, column_count, distinct_count, uniqueness, mean, sum, "
			       "stddev, length, sample, on failure";
		else if (item)
			help = "a file holds 'pipeline NAME { ... }' and 'defaults { ... }' items";
		else if (has(exp, nexp, YYSYMBOL_TERM) && is_clause_word(word))
			help = "put each clause on its own line, or separate clauses with ';'";
	} else if (tok == YYSYMBOL_NUMBER && has(exp, nexp, YYSYMBOL_DURATION)) {
		help = arena_printf(ctx->arena, "a duration needs a unit: %.*ss, %.*sm, %.*sh or %.*sd",
				    (int)(at.end - at.start), ctx->src->text + at.start,
				    (int)(at.end - at.start), ctx->src->text + at.start,
				    (int)(at.end - at.start), ctx->src->text + at.start,
				    (int)(at.end - at.start), ctx->src->text + at.start);
	} else if (tok == YYSYMBOL_YYEOF || tok == '}') {
		help = NULL;
	} else if (tok == YYTRANSLATE('{') && has(exp, nexp, YYSYMBOL_TERM) &&
		   !has(exp, nexp, YYTRANSLATE('{'))) {
		help = "this clause takes no block";
	}
	parse_set_pending(ctx, at, strbuf_detach(&sb, NULL), help ? xstrdup(help) : NULL, found,
			  false);
}

static int yyreport_syntax_error(const yypcontext_t *yc, struct parse_ctx *ctx)
{
	yysymbol_kind_t exp[YYNTOKENS];
	int n;

	/* Lines after a top-level error are quiet (see report_syntax): skip
	 * the costly look-ahead over every token that could have come. */
	if (ctx->fatal || (ctx->depth == 0 && ctx->toplevel_quiet)) {
		parse_quiet_error(ctx, *yypcontext_location(yc));
		parse_set_pending(ctx, *yypcontext_location(yc), NULL, NULL, NULL, true);
		return 0;
	}
	n = yypcontext_expected_tokens(yc, exp, YYNTOKENS);

	report_syntax(ctx, yypcontext_token(yc), *yypcontext_location(yc), exp, n < 0 ? 0 : n);
	return 0;
}
