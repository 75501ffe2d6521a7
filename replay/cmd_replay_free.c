/* SPDX-License-Identifier: MIT */
/* `replay --mode free`: what a what-if user wants to see of a free run. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "replay/cmd_replay.h"
#include "replay/replay_db.h"

static double frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static uint64_t same_zone(const struct rp_result *r)
{
	return r->classes[RP_exact_pfn] + r->classes[RP_same_pageblock] + r->classes[RP_same_zone] +
	       r->classes[RP_both_failed];
}

static uint64_t outcome(const struct rp_result *r)
{
	return r->allocations - r->classes[RP_model_failed] - r->classes[RP_kernel_failed] -
	       r->classes[RP_invalid_event];
}

static void json_zones(const struct rp_free_result *f)
{
	printf("\"zones\":[");
	for (uint32_t i = 0; i < f->nr_zones; i++) {
		const struct rp_zone_end *z = &f->zones[i];

		printf("%s{\"zone\":\"%s\",\"node\":%d,\"model_free_pages\":%llu,"
		       "\"model_pcp_pages\":%llu,\"model_largest_order\":%d,\"model_unusable\":%.3f,"
		       "\"kernel_free_pages\":%lld,\"kernel_largest_order\":%d,"
		       "\"kernel_unusable\":%.3f}", i ? "," : "", z->name, z->node,
		       (unsigned long long)z->model_free_pages,
		       (unsigned long long)z->model_pcp_pages, z->model_largest_order,
		       z->model_unusable / 1000.0, (long long)z->kernel_free_pages,
		       z->kernel_largest_order, z->kernel_unusable / 1000.0);
	}
	printf("]");
}

static void print_json(const char *path, const struct rp_free_result *f)
{
	const struct rp_result *r = &f->r;

	printf("{\"trace\":\"%s\",\"model\":\"%s\",\"mode\":\"free\",\"events\":%llu,"
	       "\"allocations\":%llu,\"events_per_s\":%.0f,\"agreement\":{\"exact_pfn\":%.6f,"
	       "\"same_zone\":%.6f,\"outcome\":%.6f},\"classes\":{", path,
	       pa_profile_name(r->profile), (unsigned long long)r->events,
	       (unsigned long long)r->allocations,
	       r->seconds > 0 ? (double)r->events / r->seconds : 0.0,
	       frac(r->classes[RP_exact_pfn], r->allocations), frac(same_zone(r), r->allocations),
	       frac(outcome(r), r->allocations));
	for (int c = 0; c < RP_NR_CLASSES; c++)
		printf("%s\"%s\":%llu", c ? "," : "", rp_class_name(c),
		       (unsigned long long)r->classes[c]);
	printf("},\"failures\":{\"kernel\":%llu,\"model\":%llu},"
	       "\"fallbacks\":{\"kernel\":%llu,\"kernel_changed_owner\":%llu,\"model\":%llu,"
	       "\"model_changed_owner\":%llu},\"frees\":{\"total\":%llu,\"routed\":%llu,"
	       "\"same_pfn\":%llu,\"model_failed\":%llu,\"conflict\":%llu,\"invalid\":%llu,"
	       "\"desync\":%llu},\"returned\":%llu,\"checkpoint\":%lld,",
	       (unsigned long long)f->kernel_failures, (unsigned long long)f->model_failures,
	       (unsigned long long)r->extfrag, (unsigned long long)f->kernel_owner_changes,
	       (unsigned long long)f->model_fallbacks, (unsigned long long)f->model_owner_changes,
	       (unsigned long long)r->frees, (unsigned long long)f->frees_routed,
	       (unsigned long long)f->frees_same_pfn, (unsigned long long)f->frees_model_failed,
	       (unsigned long long)f->frees_conflict, (unsigned long long)f->frees_invalid,
	       (unsigned long long)r->free_desync, (unsigned long long)f->returned,
	       (long long)f->checkpoint_seq);
	json_zones(f);
	printf("}\n");
}

static void text_zones(const struct rp_free_result *f)
{
	printf("  at the end%s:\n    %-12s %12s %12s %8s %8s %9s %9s\n",
	       f->checkpoint_seq >= 0 ? ", beside the kernel's last checkpoint" : " (no checkpoint)",
	       "zone", "model free", "kernel free", "model", "kernel", "model", "kernel");
	printf("    %-12s %12s %12s %8s %8s %9s %9s\n", "", "pages", "pages", "largest",
	       "largest", "unusable", "unusable");
	for (uint32_t i = 0; i < f->nr_zones; i++) {
		const struct rp_zone_end *z = &f->zones[i];
		char zone[48];

		snprintf(zone, sizeof(zone), "%d/%s", z->node, z->name);
		printf("    %-12s %12llu %12lld %8d %8d %9.3f %9.3f\n", zone,
		       (unsigned long long)z->model_free_pages, (long long)z->kernel_free_pages,
		       z->model_largest_order, z->kernel_largest_order, z->model_unusable / 1000.0,
		       z->kernel_unusable / 1000.0);
	}
}

static void print_text(const char *path, const struct rp_free_result *f)
{
	const struct rp_result *r = &f->r;

	printf("%s: model %s, free-run, %llu events (%.1f M events/s), %llu allocations\n", path,
	       pa_profile_name(r->profile), (unsigned long long)r->events,
	       r->seconds > 0 ? (double)r->events / r->seconds / 1e6 : 0.0,
	       (unsigned long long)r->allocations);
	printf("  model's pfn = kernel's pfn: %.2f%%; same zone: %.2f%%; same outcome: %.2f%%\n",
	       100 * frac(r->classes[RP_exact_pfn], r->allocations),
	       100 * frac(same_zone(r), r->allocations), 100 * frac(outcome(r), r->allocations));
	for (int c = 0; c < RP_NR_CLASSES; c++)
		if (r->classes[c])
			printf("    %-16s %12llu %7.2f%%\n", rp_class_name(c),
			       (unsigned long long)r->classes[c], 100 * frac(r->classes[c], r->allocations));
	printf("  allocation failures: kernel %llu, model %llu\n",
	       (unsigned long long)f->kernel_failures, (unsigned long long)f->model_failures);
	printf("  fallbacks (extfrag): kernel %llu (%llu changed a pageblock's owner), model %llu "
	       "(%llu)\n", (unsigned long long)r->extfrag, (unsigned long long)f->kernel_owner_changes,
	       (unsigned long long)f->model_fallbacks, (unsigned long long)f->model_owner_changes);
	printf("  frees %llu: %llu to the model's block, %llu at the kernel's pfn (pre-capture), "
	       "%llu after a model failure, %llu skipped (pfn reused by the model), %llu invalid, "
	       "%llu of pages the model held free\n", (unsigned long long)r->frees,
	       (unsigned long long)f->frees_routed, (unsigned long long)f->frees_same_pfn,
	       (unsigned long long)f->frees_model_failed, (unsigned long long)f->frees_conflict,
	       (unsigned long long)f->frees_invalid, (unsigned long long)r->free_desync);
	text_zones(f);
}

int replay_free_one(const char *path, const struct replay_cli *c)
{
	struct rp_options opt = c->opt;
	struct rp_free_result *res = calloc(1, sizeof(*res));
	struct pr_error err = { 0 };
	struct rp_db_sink *sink = NULL;
	int status = EXIT_OK;
	int64_t run = -1;

	if (!res)
		return cli_error("out of memory");
	if (c->db_path) {
		sink = rp_db_sink_open(c->db_path, path, "mode=free", c->sample_every, &err);
		if (!sink) {
			free(res);
			return cli_report(&err);
		}
		rp_db_sink_set_mode(sink, "free");
		opt.observer = rp_db_sink_observer(sink);
	}
	if (rp_freerun_file(path, &opt, res, &err) < 0) {
		rp_db_sink_abort(sink);
		status = cli_report(&err);
	} else if (sink && (run = rp_db_sink_commit(sink, &res->r, &err)) < 0) {
		status = cli_report(&err);
	} else {
		if (sink && !c->quiet_db)
			fprintf(stderr, "pagereplay: run %lld written to '%s'\n", (long long)run,
				c->db_path);
		if (c->json)
			print_json(path, res);
		else
			print_text(path, res);
	}
	free(res);
	return status;
}
