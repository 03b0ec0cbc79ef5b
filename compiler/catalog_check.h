/*
 * catalog_check: checks the checked model against a Glue Data Catalog
 * snapshot (connections, databases, table buckets, namespaces, tables,
 * columns, partition specs), reporting each mismatch as a diagnostic.
 */
#ifndef PIPEC_CATALOG_CHECK_H
#define PIPEC_CATALOG_CHECK_H

struct catalog;
struct diag_set;
struct model_project;
struct project;

/* Loads the snapshot at path (relative paths are relative to the project
 * root) and checks every pipeline of p->model against it.  Malformed
 * snapshots and mismatches become diagnostics in p->diags.  Returns 0 when
 * the snapshot loaded, -1 when it could not be read or parsed. */
int catalog_check_project(struct project *p, const char *path);

/* The checks alone, against a loaded catalog (the model is updated only
 * where the catalog decides: a table source's Hive/Iceberg kind). */
void catalog_check_model(struct model_project *mp, const struct catalog *cat,
			 struct diag_set *ds);

#endif
