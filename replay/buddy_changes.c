/* SPDX-License-Identifier: MIT */
/* Recent buddy-list changes per cpu (see the header). */
#include "replay/buddy_changes.h"

#include <stdlib.h>
#include <string.h>

int rp_buddy_changes_init(struct rp_buddy_changes *c, uint32_t nr_cpus)
{
	memset(c, 0, sizeof(*c));
	c->nr_cpus = nr_cpus;
	c->last_ts = calloc(nr_cpus ? nr_cpus : 1, sizeof(*c->last_ts));
	return c->last_ts ? 0 : -1;
}

void rp_buddy_changes_release(struct rp_buddy_changes *c)
{
	free(c->last_ts);
	memset(c, 0, sizeof(*c));
}

static void add(struct rp_buddy_changes *c, struct rp_buddy_change ch)
{
	if (ch.from > ch.to || ch.to >= PA_MAX_ORDERS)
		return;
	c->ring[c->next] = ch;
	c->next = (c->next + 1) % RP_BUDDY_CHANGES;
	if (c->n < RP_BUDDY_CHANGES)
		c->n++;
}

void rp_buddy_split(struct rp_buddy_changes *c, uint64_t ts_ns, uint32_t cpu, int zone,
		    unsigned chunk_order, unsigned block_order)
{
	add(c, (struct rp_buddy_change){ ts_ns, cpu, zone, true, (uint8_t)chunk_order,
					 (uint8_t)block_order });
}

void rp_buddy_merge(struct rp_buddy_changes *c, uint64_t ts_ns, uint32_t cpu, int zone,
		    unsigned freed_order, unsigned merged_order)
{
	add(c, (struct rp_buddy_change){ ts_ns, cpu, zone, false, (uint8_t)freed_order,
					 (uint8_t)merged_order });
}

/* Undo one change in the adjustment: what the lists held before it. */
static void undo(const struct rp_buddy_change *ch, struct pa_wmark_adjust *a)
{
	if (ch->split) {
		/* before: the block of order `to`; after: the chunk gone and one
		 * block of each order from..to-1 left over */
		a->pages += 1LL << ch->from;
		a->blocks[ch->to]++;
		for (unsigned o = ch->from; o < ch->to; o++)
			a->blocks[o]--;
	} else {
		/* before: the free buddies of orders from..to-1; after: one
		 * block of order `to` */
		a->pages -= 1LL << ch->from;
		a->blocks[ch->to]--;
		for (unsigned o = ch->from; o < ch->to; o++)
			a->blocks[o]++;
	}
}

bool rp_buddy_unseen(const struct rp_buddy_changes *c, uint32_t cpu, uint64_t ts_ns,
		     uint64_t window_ns, int zone, struct pa_wmark_adjust *out)
{
	uint64_t since = cpu < c->nr_cpus ? c->last_ts[cpu] : ts_ns;
	bool any = false;

	memset(out, 0, sizeof(*out));
	out->zone = zone;
	for (unsigned i = 0; i < c->n; i++) {
		const struct rp_buddy_change *ch = &c->ring[i];

		if (ch->cpu == cpu || ch->zone != zone || ch->ts <= since || ch->ts > ts_ns ||
		    ts_ns - ch->ts > window_ns)
			continue;
		undo(ch, out);
		any = true;
	}
	return any;
}
