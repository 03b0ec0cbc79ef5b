#include "plan_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "emit.h"
#include "graph.h"
#include "template.h"
#include "xalloc.h"

/* The manifest facts plan reads (the same shape emit writes to manifest.json). */
static json_t *pipeline_facts(const struct model_pipeline *p)
{
	json_t *f = json_object(), *inc = json_object(), *parts = json_array(), *ups = json_array();
	size_t i;

	json_object_set_new(inc, "kind", json_string(p->incremental.kind == MI_WATERMARK ? "watermark" :
						      p->incremental.kind == MI_NEW_FILES ? "new_files" :
						      p->incremental.kind == MI_PARTITION ? "partition" :
						      "none"));
	if (p->incremental.column)
		json_object_set_new(inc, "column", json_string(p->incremental.column));
	json_object_set_new(f, "incremental", inc);
	for (i = 0; i < p->npartitions; i++)
		json_array_append_new(parts, json_string(p->partitions[i].spark_expr ?
							 p->partitions[i].spark_expr :
							 p->partitions[i].column));
	json_object_set_new(f, "partition_spec", parts);
	if (p->target.spark_ident)
		json_object_set_new(f, "target", json_string(p->target.spark_ident));
	if (p->source.kind == MS_FILE && p->source.local_path && p->source.path)
		json_array_append_new(ups, json_pack("{s:s, s:s, s:s?}", "local", p->source.local_path,
						     "s3", p->source.path, "sha256",
						     p->source.local_sha256));
	json_object_set_new(f, "uploads", ups);
	return f;
}

static int render_pipeline(const struct model_project *mp, const struct model_pipeline *p,
			   const struct template_set *ts, struct plan_state *out, struct strbuf *err)
{
	struct strbuf script = STRBUF_INIT, job = STRBUF_INIT, triggers = STRBUF_INIT;
	struct strbuf ruleset = STRBUF_INIT, wf = STRBUF_INIT;
	bool have_wf;
	char sha[65];
	json_t *facts;
	int rc;

	if (emit_script(mp, p, ts, &script, err) < 0) {
		strbuf_release(&script);
		return -1;
	}
	plan_sha256_hex(script.buf, script.len, sha);
	emit_job_json(mp, p, sha, &job);
	emit_triggers_json(mp, p, &triggers);
	if (p->validates)
		emit_ruleset_json(mp, p, &ruleset);
	have_wf = emit_workflow_json(mp, p, &wf);
	facts = pipeline_facts(p);
	rc = plan_state_add_pipeline(out, p->name, script.buf, job.buf, triggers.buf,
				     p->validates ? ruleset.buf : NULL, have_wf ? wf.buf : NULL,
				     facts, err);
	json_decref(facts);
	strbuf_release(&script);
	strbuf_release(&job);
	strbuf_release(&triggers);
	strbuf_release(&ruleset);
	strbuf_release(&wf);
	return rc;
}

static int render_alerts(const struct model_project *mp, struct plan_state *out,
			 struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	int rc = 0;

	if (alerts_render(mp, &text))
		rc = alerts_add_state(out, text.buf, err);
	strbuf_release(&text);
	return rc;
}

int plan_source_desired(const struct project_opts *po, const char *from_dir,
			struct plan_state *out, struct plan_source_env *env, struct strbuf *err)
{
	struct project p;
	struct template_set ts;
	size_t i;
	int rc;

	memset(env, 0, sizeof(*env));
	if (from_dir) {
		env->root = xstrdup(".");
		if (plan_state_load_dir(out, from_dir, err) != 0 ||
		    alerts_load_dir(out, from_dir, err) != 0)
			return -1;
		plan_state_stamp(out);
		return 0;
	}
	project_init(&p);
	rc = project_load(&p, po);
	if (!po->quiet_warnings || rc != 0 || p.diags.nerrors)
		diag_render(&p.diags, DIAG_FORMAT_TEXT, stdout, stderr);
	if (rc != 0 || p.diags.nerrors || !p.have_model) {
		project_release(&p);
		return 1;
	}
	if (p.model.env.region && *p.model.env.region)
		env->region = xstrdup(p.model.env.region);
	if (p.model.env.account && *p.model.env.account)
		env->account = xstrdup(p.model.env.account);
	env->root = xstrdup(p.model.root ? p.model.root : ".");
	env->name_prefix = xstrdup(p.model.env.name_prefix ? p.model.env.name_prefix : "");
	free(out->project);
	free(out->environment);
	out->project = xstrdup(p.model.name ? p.model.name : "");
	out->environment = xstrdup(p.model.env.name ? p.model.env.name : "");
	if (template_set_load(&ts, NULL, err) < 0) {
		project_release(&p);
		return -1;
	}
	rc = 0;
	env->evolving = xcalloc(p.model.npipelines + 1, sizeof(*env->evolving));
	for (i = 0; i < p.model.npipelines; i++)
		if (p.model.pipelines[i].catalog_evolves)
			env->evolving[env->nevolving++] = xstrdup(p.model.pipelines[i].name);
	env->graph = xcalloc(1, sizeof(*env->graph));
	graph_init(env->graph);
	graph_build(env->graph, &p.model);
	for (i = 0; i < p.model.npipelines && rc == 0; i++)
		rc = render_pipeline(&p.model, &p.model.pipelines[i], &ts, out, err);
	if (rc == 0)
		rc = render_alerts(&p.model, out, err);
	template_set_release(&ts);
	project_release(&p);
	if (rc != 0)
		return -1;
	plan_state_stamp(out);
	return 0;
}

void plan_source_env_release(struct plan_source_env *env)
{
	size_t i;

	for (i = 0; i < env->nevolving; i++)
		free(env->evolving[i]);
	free(env->evolving);
	if (env->graph)
		graph_release(env->graph);
	free(env->graph);
	free(env->region);
	free(env->account);
	free(env->root);
	free(env->name_prefix);
	memset(env, 0, sizeof(*env));
}
