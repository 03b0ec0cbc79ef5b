/* Unit tests of `after` chains as Glue workflows (check_chain_derive): the
 * components of the `after` graph, their roots, the workflow each
 * pipeline's trigger joins, who creates it and its MaxConcurrentRuns. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check_chain.h"
#include "unit.h"

/* pipeline i: name, job "j<name>", schedule kind, after list, concurrency */
static void set_pipeline(struct model_pipeline *p, const char *name, enum model_schedule_kind k,
		 const char **after, size_t nafter, int concurrency)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->job.name = name;
	p->job.max_concurrency = concurrency;
	p->schedule.kind = k;
	p->schedule.after = after;
	p->schedule.nafter = nafter;
}

static void test_chains(void)
{
	/* one root (r, hourly) -> m -> l (after m and r): one workflow, min concurrency;
	 * two roots (a, b) -> c: none; an S3-event root s -> t joins s's workflow;
	 * an on-demand root d -> e; alone: nothing; u after an unknown name: alone */
	static const char *m_after[] = { "r" }, *l_after[] = { "m", "r" }, *c_after[] = { "a", "b" },
			  *t_after[] = { "s" }, *e_after[] = { "d" }, *u_after[] = { "nowhere" };
	struct model_pipeline ps[11];
	struct model_project mp;
	struct arena a;

	arena_init(&a);
	set_pipeline(&ps[0], "l", MSCH_AFTER, l_after, 2, 4);
	set_pipeline(&ps[1], "m", MSCH_AFTER, m_after, 1, 2);
	set_pipeline(&ps[2], "r", MSCH_CRON, NULL, 0, 3);
	set_pipeline(&ps[3], "a", MSCH_CRON, NULL, 0, 1);
	set_pipeline(&ps[4], "b", MSCH_ON_DEMAND, NULL, 0, 1);
	set_pipeline(&ps[5], "c", MSCH_AFTER, c_after, 2, 1);
	set_pipeline(&ps[6], "t", MSCH_AFTER, t_after, 1, 5);
	set_pipeline(&ps[7], "s", MSCH_S3_EVENT, NULL, 0, 5);
	ps[7].workflow_name = "s-workflow";
	ps[7].workflow_owner = true;
	set_pipeline(&ps[8], "d", MSCH_ON_DEMAND, NULL, 0, 1);
	set_pipeline(&ps[9], "e", MSCH_AFTER, e_after, 1, 1);
	set_pipeline(&ps[10], "u", MSCH_AFTER, u_after, 1, 1);
	memset(&mp, 0, sizeof(mp));
	mp.pipelines = ps;
	mp.npipelines = 11;
	check_chain_derive(&mp, &a);

	CHECK_STR("chain: the root's trigger joins <root job>-workflow", ps[2].workflow_name, "r-workflow");
	CHECK_STR("chain: an implied-after member joins it", ps[1].workflow_name, "r-workflow");
	CHECK_STR("chain: a member after two of the chain joins it", ps[0].workflow_name, "r-workflow");
	CHECK("chain: only the root creates the workflow",
	      ps[2].workflow_owner && !ps[1].workflow_owner && !ps[0].workflow_owner);
	CHECK("chain: MaxConcurrentRuns is the smallest max_concurrency (2 of 3, 2, 4)",
	      ps[2].workflow_max_runs == 2 && ps[1].workflow_max_runs == 0);
	CHECK("several roots: no workflow",
	      !ps[3].workflow_name && !ps[4].workflow_name && !ps[5].workflow_name &&
	      !ps[3].workflow_owner && !ps[3].workflow_max_runs);
	CHECK_STR("s3 root: the chain joins its workflow", ps[6].workflow_name, "s-workflow");
	CHECK("s3 root: it keeps creating it, now with MaxConcurrentRuns",
	      ps[7].workflow_owner && ps[7].workflow_max_runs == 5 && !ps[6].workflow_owner);
	CHECK_STR("on-demand root: its trigger starts the chain", ps[8].workflow_name, "d-workflow");
	CHECK_STR("on-demand root: the member joins", ps[9].workflow_name, "d-workflow");
	CHECK("after an unknown name: alone, no workflow", !ps[10].workflow_name && !ps[10].workflow_owner);
	arena_release(&a);
}

static void test_one_pipeline(void)
{
	struct model_pipeline p;
	struct model_project mp;
	struct arena a;

	arena_init(&a);
	set_pipeline(&p, "x", MSCH_CRON, NULL, 0, 1);
	memset(&mp, 0, sizeof(mp));
	mp.pipelines = &p;
	mp.npipelines = 1;
	check_chain_derive(&mp, &a);
	CHECK("alone: no chain, no workflow", !p.workflow_name && !p.workflow_owner && !p.workflow_max_runs);
	arena_release(&a);
}

int main(void)
{
	test_chains();
	test_one_pipeline();
	return unit_done();
}
