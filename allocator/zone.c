/* SPDX-License-Identifier: MIT */
/*
 * Zonelists: which zones a request may use and in which order. Read from
 * mm/page_alloc.c build_zonelists / build_zonerefs_node and
 * include/linux/gfp.h node_zonelist (4.4.178, 5.10.7, 6.18.2): the
 * preferred node first, zones highest type first, only populated zones;
 * __GFP_THISNODE uses the node's own list. Node distances are not in the
 * topology: other nodes follow in id order from the preferred one (the
 * kernel's order for equal distances).
 */
#include "allocator/zone.h"

static bool populated(const struct pa_zone *z)
{
	return z->d.present > 0 && z->d.managed > 0;
}

/* Zone indices for (node, thisnode) in allocation order; returns count. */
int zonelist_build(const struct pa_model *m, int node, bool thisnode, int *out, int max)
{
	int n = 0;

	for (uint32_t k = 0; k < (thisnode ? 1 : m->nr_nodes); k++) {
		int nid = (int)(((uint32_t)node + k) % m->nr_nodes);

		for (int type = PA_NR_ZONE_TYPES - 1; type >= 0; type--)
			for (uint32_t i = 0; i < m->nr_zones; i++) {
				const struct pa_zone *z = &m->zones[i];

				if (z->d.node == nid && (int)z->d.type == type && populated(z) &&
				    n < max)
					out[n++] = (int)i;
			}
	}
	return n;
}

bool node_has_dma32(const struct pa_model *m, int node)
{
	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (m->zones[i].d.node == node && m->zones[i].d.type == PA_ZONE_DMA32 &&
		    populated(&m->zones[i]))
			return true;
	return false;
}
