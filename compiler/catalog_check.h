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

/* Checks every pipeline of mp against a loaded catalog, reporting each
 * mismatch in ds (the model is updated only where the catalog decides: a
 * table source's Hive/Iceberg kind). */
void catalog_check_model(struct model_project *mp, const struct catalog *cat,
			 struct diag_set *ds);

#endif
