/*
 * check_mode: the write mode, the incremental read, and the rules that tie
 * them to each other and to the target's partition spec, so that no
 * combination can delete rows the run did not read.
 */
#ifndef PIPEC_CHECK_MODE_H
#define PIPEC_CHECK_MODE_H

struct check_ctx;
struct ast_clause;

/* Mode first, then (after target and partitions) the rules that depend on
 * the target, then incremental, then the two together. */
void check_mode(struct check_ctx *c, const struct ast_clause *cl);
void check_mode_target(struct check_ctx *c, const struct ast_clause *cl);
void check_incremental(struct check_ctx *c, const struct ast_clause *cl);
void check_mode_incremental(struct check_ctx *c, const struct ast_clause *mode_cl,
			    const struct ast_clause *incr_cl);

/* `dedupe on KEYS [order by COLUMN [asc|desc]]` (after check_mode and the
 * derives): not with mode merge; fills mp->dedupe_keys, dedupe_by. */
void check_dedupe(struct check_ctx *c, const struct ast_clause *cl);

/* `aggregate` against mode and incremental (after check_mode_target): no
 * incremental read, no append; merge on the group keys; overwrite by
 * partitions of group keys. */
void check_aggregate_mode(struct check_ctx *c, const struct ast_clause *agg_cl,
			  const struct ast_clause *mode_cl, const struct ast_clause *incr_cl);

#endif
