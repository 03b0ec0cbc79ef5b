/* Unit tests of the order in which pipelines are checked
 * (check_upstream_order): every pipeline after the pipelines whose tables
 * it reads, through its source and its joins; loops, each seen from its
 * members; self references and unknown names left to the check. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check_upstream.h"
#include "unit.h"

/* The position of name in the order, or -1. */
static int pos(const char *const *names, const size_t *order, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(names[order[k]], name))
			return (int)k;
	return -1;
}

static void test_dag(void)
{
	/* gold joins customers and reads silver; silver reads bronze and
	 * joins customers; customers reads nothing; lone reads an unknown name */
	static const char *const names[] = { "gold", "silver", "lone", "customers", "bronze" };
	static const char *const gold[] = { "silver", "customers" };
	static const char *const silver[] = { "bronze", "customers" };
	static const char *const lone[] = { "nowhere", "lone" };
	const char *const *ups[] = { gold, silver, lone, NULL, NULL };
	size_t nups[] = { 2, 2, 2, 0, 0 }, order[5];
	const char *cycle[5];
	struct arena a;
	size_t i;

	arena_init(&a);
	check_upstream_order(names, ups, nups, 5, NULL, &a, order, cycle);
	CHECK("dag: bronze before silver", pos(names, order, 5, "bronze") < pos(names, order, 5, "silver"));
	CHECK("dag: customers before silver", pos(names, order, 5, "customers") < pos(names, order, 5, "silver"));
	CHECK("dag: silver before gold", pos(names, order, 5, "silver") < pos(names, order, 5, "gold"));
	CHECK("dag: every pipeline placed once",
	      pos(names, order, 5, "lone") >= 0 && pos(names, order, 5, "gold") >= 0 &&
	      pos(names, order, 5, "bronze") >= 0);
	for (i = 0; i < 5; i++)
		CHECK("dag: no loop", cycle[i] == NULL);
	/* the order is a function of the input: file order among independents */
	CHECK("dag: deterministic", order[0] == 4 && order[1] == 3 && order[2] == 1 &&
	      order[3] == 0 && order[4] == 2);
	arena_release(&a);
}

static void test_loops(void)
{
	/* a reads b (source), b joins c, c joins a: one loop; d reads a */
	static const char *const names[] = { "a", "b", "c", "d" };
	static const char *const ua[] = { "b" }, *const ub[] = { "c" }, *const uc[] = { "x", "a" },
				 *const ud[] = { "a" };
	const char *const *ups[] = { ua, ub, uc, ud };
	size_t nups[] = { 1, 1, 2, 1 }, order[4];
	const char *cycle[4];
	struct arena a;

	arena_init(&a);
	check_upstream_order(names, ups, nups, 4, NULL, &a, order, cycle);
	CHECK_STR("loop: seen from a", cycle[0], "a -> b -> c -> a");
	CHECK_STR("loop: seen from b", cycle[1], "b -> c -> a -> b");
	CHECK_STR("loop: seen from c", cycle[2], "c -> a -> b -> c");
	CHECK("loop: d reads the loop but is not on it", cycle[3] == NULL);
	CHECK("loop: d after a", pos(names, order, 4, "a") < pos(names, order, 4, "d"));
	arena_release(&a);
}

int main(void)
{
	test_dag();
	test_loops();
	return unit_done();
}
