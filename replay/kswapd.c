/* SPDX-License-Identifier: MIT */
/* kswapd's reclaim state from its events: see kswapd.h. */
#include "replay/kswapd.h"

#define KSWAPD_IDLE_NS 2000000ULL	/* longest pause inside balance_pgdat seen here */

static void set_active(struct rp_kswapd *k, struct pa_model *m, unsigned n, bool on)
{
	if (k->node[n].active == on)
		return;
	k->node[n].active = on;
	pa_model_set_reclaim_active(m, (int)n, k->node[n].highest_zone, on);
}

void rp_kswapd_event(struct rp_kswapd *k, struct pa_model *m, const struct prt_event *ev)
{
	unsigned n = (unsigned)ev->arg[0];

	if (ev->type == PRT_EV_KSWAPD_WAKE && n < RP_KSWAPD_NODES) {
		k->nr_awake += !k->node[n].awake;
		if (n >= k->nr_nodes)
			k->nr_nodes = n + 1;
		k->node[n].awake = true;
		k->node[n].pid = ev->pid;
		k->node[n].highest_zone = (int)ev->arg[1];
		k->node[n].last_ns = ev->ts_ns;
		set_active(k, m, n, true);
		return;
	}
	if (ev->type == PRT_EV_KSWAPD_SLEEP && n < RP_KSWAPD_NODES) {
		k->nr_awake -= k->node[n].awake;
		k->node[n].awake = false;
		set_active(k, m, n, false);
		return;
	}
	for (unsigned i = 0; k->nr_awake && i < k->nr_nodes; i++) {
		if (!k->node[i].awake)
			continue;
		if (ev->pid == k->node[i].pid) {
			k->node[i].last_ns = ev->ts_ns;
			set_active(k, m, i, true);
		} else if (ev->ts_ns > k->node[i].last_ns + KSWAPD_IDLE_NS) {
			set_active(k, m, i, false);
		}
	}
}
