/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "analysis/checkpoint.h"
#include "analysis/divagg.h"
#include "analysis/extfrag.h"
#include "analysis/frag.h"
#include "capture/prt.h"
#include "db/db.h"
#include "replay/replay_db.h"


struct rp_db_sink {
	struct pr_db *db;
	struct db_run *run;
	struct an_divagg *agg;
	const char *trace_path, *options;
	struct rp_observer obs;
	struct db_class classes[RP_NR_CLASSES];
	unsigned nr_orders, pageblock_order;
	struct an_extfrag_counts extfrag;
	struct an_extfrag_counts model_extfrag;	/* free-run: the model's own fallbacks */
	const char *mode;
	/* The database indexes zones as the trace does; the model drops
	 * unpopulated ones. */
	int trace_zone[64];		/* model zone -> trace zone */
	uint32_t nr_model_zones;
};

static int trace_zone(const struct rp_db_sink *s, int model_zone)
{
	return model_zone >= 0 && (uint32_t)model_zone < s->nr_model_zones ?
	       s->trace_zone[model_zone] : -1;
}

static int begin(void *ctx, const struct prt_header *h, uint64_t file_bytes, uint64_t nr_events,
		 enum pa_profile profile, struct pr_error *err)
{
	struct rp_db_sink *s = ctx;
	struct db_trace_ident ident = { .header = h, .path = s->trace_path,
					.file_bytes = file_bytes, .nr_events = nr_events };
	struct db_run_opts opts = { .model = pa_profile_name(profile), .mode = s->mode,
				    .options = s->options, .nr_classes = RP_NR_CLASSES,
				    .classes = s->classes };

	s->nr_orders = h->nr_orders;
	s->pageblock_order = h->pageblock_order;
	for (uint32_t z = 0; z < h->nr_zones && s->nr_model_zones < 64; z++)
		if (h->zones[z].spanned)
			s->trace_zone[s->nr_model_zones++] = (int)z;
	s->run = db_run_begin(s->db, &ident, &opts, err);
	return s->run ? 0 : -1;
}

static int allocation(void *ctx, const struct rp_allocation *a, struct pr_error *err)
{
	struct rp_db_sink *s = ctx;
	const struct prt_event *ev = a->ev;
	struct an_div_key key = { .cls = a->cls, .gfp = ev->gfp, .order = ev->order,
				  .migratetype = a->migratetype,
				  .zone = trace_zone(s, a->kernel_zone >= 0 ? a->kernel_zone
									    : a->pred->zone),
				  .path = a->pred->path };

	if (an_divagg_add(s->agg, &key, 1, err) < 0)
		return -1;
	if (strcmp(s->mode, "free") == 0 && a->pred->success && a->pred->fallback_mt >= 0)
		an_extfrag_add(&s->model_extfrag, a->pred->fallback_order, s->pageblock_order,
			       a->pred->migratetype, a->pred->fallback_mt, a->pred->change_ownership);
	if (a->cls == RP_exact_pfn || a->cls == RP_both_failed)
		return 0;
	return db_add_divergence(s->run, &(struct db_divergence){
		.event_index = a->index, .ts_ns = ev->ts_ns, .cpu = ev->cpu, .pid = ev->pid,
		.cls = a->cls, .event_type = ev->type, .order = ev->order,
		.migratetype = a->migratetype, .gfp = ev->gfp,
		.kernel_zone = trace_zone(s, a->kernel_zone), .model_zone = trace_zone(s, a->pred->zone), .kernel_pfn = ev->pfn, .model_pfn = a->pred->pfn,
		.model_path = a->pred->path }, err);
}

static int sample(void *ctx, const struct pa_model *m, uint64_t event_index, uint64_t ts_ns,
		  struct pr_error *err)
{
	struct rp_db_sink *s = ctx;

	for (uint32_t z = 0; z < pa_model_nr_zones(m); z++) {
		struct pa_zone_state zs;
		struct an_frag_sample fs;

		if (pa_zone_state(m, (int)z, &zs) < 0)
			continue;
		an_frag_sample(&zs, pa_model_zone_desc(m, (int)z), s->nr_orders, s->pageblock_order,
			       &fs);
		fs.zone = (uint32_t)trace_zone(s, (int)z);
		fs.event_index = event_index;
		fs.ts_ns = ts_ns;
		if (db_add_frag_sample(s->run, &fs, err) < 0)
			return -1;
	}
	return 0;
}

static int64_t read_ns(const struct prt_window *w)
{
	return w->end_ns ? (int64_t)(w->end_ns - w->start_ns) : -1;
}

static int checkpoint(struct rp_db_sink *s, const struct prt_checkpoint *cp,
		      const struct an_model_range *ranges, const struct rp_pcp_rows *pcp,
		      const struct pa_model *m, const int *mt_map, uint64_t index,
		      struct pr_error *err)
{
	struct an_checkpoint_zone zones[64];
	uint32_t n = 0;

	for (uint32_t z = 0; z < s->nr_model_zones && z < pa_model_nr_zones(m); z++) {
		struct pa_zone_state zs;

		if (pa_zone_state(m, (int)z, &zs) < 0 ||
		    an_checkpoint_zone(cp, (uint32_t)s->trace_zone[z], mt_map, &zs,
				       ranges ? &ranges[z] : NULL, s->nr_orders, &zones[n], NULL) < 0)
			continue;
		n++;
	}
	return db_add_checkpoint(s->run, &(struct db_checkpoint){
					 .seq = cp->seq, .ts_ns = cp->ts_ns, .event_index = index,
					 .pagetypeinfo_read_ns = read_ns(&cp->pagetypeinfo_read),
					 .zoneinfo_read_ns = read_ns(&cp->zoneinfo_read),
					 .pcp = pcp ? pcp->rows : NULL, .nr_pcp = pcp ? pcp->n : 0 },
				 zones, n, err);
}

static int event(void *ctx, const struct prt_event *ev, const struct prt_checkpoint *cp,
		 const struct an_model_range *ranges, const struct rp_pcp_rows *pcp,
		 const struct pa_model *m, const int *mt_map, uint64_t index, struct pr_error *err)
{
	struct rp_db_sink *s = ctx;
	int alloc_mt = ev->migratetype >= 0 && ev->migratetype < PRT_MAX_MIGRATETYPES ?
		       mt_map[ev->migratetype] : -1;
	int fb_mt = ev->arg[1] < PRT_MAX_MIGRATETYPES ? mt_map[ev->arg[1]] : -1;

	if (ev->type == PRT_EV_CHECKPOINT)
		return cp ? checkpoint(s, cp, ranges, pcp, m, mt_map, index, err) : 0;
	an_extfrag_add(&s->extfrag, (unsigned)ev->arg[0], s->pageblock_order, alloc_mt, fb_mt,
		       ev->arg[2] != 0);
	return 0;
}

struct rp_db_sink *rp_db_sink_open(const char *db_path, const char *trace_path,
				   const char *options, uint64_t sample_every,
				   struct pr_error *err)
{
	struct rp_db_sink *s = calloc(1, sizeof(*s));

	if (!s) {
		pr_fail(err, PR_ENOMEM, "out of memory");
		return NULL;
	}
	s->trace_path = trace_path;
	s->options = options;
	s->mode = "lockstep";
	for (int c = 0; c < RP_NR_CLASSES; c++)
		s->classes[c] = (struct db_class){ rp_class_name(c),
						   c == RP_exact_pfn || c == RP_both_failed };
	s->obs = (struct rp_observer){ .ctx = s, .begin = begin, .allocation = allocation,
				       .event = event, .sample = sample,
				       .sample_every = sample_every ? sample_every
								    : RP_DB_SAMPLE_EVERY };
	s->db = db_open(db_path, DB_OPEN_CREATE, 0, err);
	s->agg = s->db ? an_divagg_create(err) : NULL;
	if (!s->agg) {
		rp_db_sink_abort(s);
		return NULL;
	}
	return s;
}

void rp_db_sink_set_mode(struct rp_db_sink *s, const char *mode)
{
	s->mode = mode;
}

const struct rp_observer *rp_db_sink_observer(struct rp_db_sink *s)
{
	return &s->obs;
}

int64_t rp_db_sink_commit(struct rp_db_sink *s, const struct rp_result *res, struct pr_error *err)
{
	struct db_run_summary sum = {
		.events = res->events, .allocations = res->allocations, .frees = res->frees,
		.kernel_alloc_failures = res->classes[RP_kernel_failed] + res->classes[RP_both_failed],
		.model_alloc_failures = res->classes[RP_model_failed] + res->classes[RP_both_failed],
		.kernel_fallbacks = res->extfrag, .desyncs = res->classes[RP_state_desync],
		.elapsed_s = res->seconds,
	};
	int64_t id = -1;
	bool free_run = strcmp(s->mode, "free") == 0;

	sum.model_fallbacks = s->model_extfrag.fallbacks;
	if (s->run && db_add_agreement(s->run, s->agg, err) == 0 &&
	    db_add_extfrag(s->run, "kernel", &s->extfrag, err) == 0 &&
	    (!free_run || db_add_extfrag(s->run, "model", &s->model_extfrag, err) == 0) &&
	    db_set_run_summary(s->run, &sum, err) == 0) {
		id = db_run_id(s->run);
		if (db_run_commit(s->run, err) < 0)
			id = -1;
		s->run = NULL;
	}
	rp_db_sink_abort(s);
	return id;
}

void rp_db_sink_abort(struct rp_db_sink *s)
{
	if (!s)
		return;
	if (s->run)
		db_run_abort(s->run);
	an_divagg_destroy(s->agg);
	if (s->db)
		db_close(s->db, NULL);
	free(s);
}
