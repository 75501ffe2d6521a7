/* SPDX-License-Identifier: MIT */
/*
 * /proc/zoneinfo. Every zone of every node appears, populated or not, in
 * the kernel's enum zone_type order, so a zone's position within its node
 * is its zone type. Lines of interest:
 *   "Node 0, zone   Normal", "  pages free 133624", "        min 2943",
 *   "        protection: (0, 0, 0, 0, 0)", "  start_pfn: 1048576",
 *   "    cpu: 1", "              count: 1365", "high:", "batch:", "high_min:".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/procfs.h"

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "key value" or "key: value" at p: the value if the key matches. */
static int key_value(const char *p, const char *key, unsigned long long *v)
{
	size_t n = strlen(key);
	char *end;

	if (strncmp(p, key, n) != 0)
		return 0;
	p += n;
	if (*p == ':')
		p++;
	if (*p != ' ' && *p != '\t')
		return 0;
	*v = strtoull(skip_spaces(p), &end, 10);
	return end != p;
}

static struct prt_zone *add_zone(struct prt_header *h, uint32_t nr_cpus, unsigned node,
				 const char *name, uint8_t type)
{
	struct prt_zone *bigger = realloc(h->zones, (h->nr_zones + 1) * sizeof(*bigger)), *z;

	if (!bigger)
		return NULL;
	h->zones = bigger;
	z = &h->zones[h->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = (uint16_t)node;
	z->zone_type = type;
	snprintf(z->name, sizeof(z->name), "%s", name);
	z->pcp = calloc(nr_cpus ? nr_cpus : 1, sizeof(*z->pcp));
	return z->pcp ? z : NULL;
}

static void parse_protection(const char *p, struct prt_zone *z)
{
	p = strchr(p, '(');
	while (p && *p && *p != ')' && z->nr_lowmem_reserve < PRT_MAX_ZONE_TYPES) {
		char *end;
		unsigned long long v = strtoull(p + 1, &end, 10);

		if (end == p + 1)
			break;
		z->lowmem_reserve[z->nr_lowmem_reserve++] = v;
		p = end;
	}
}

static void zone_field(const char *p, struct prt_zone *z, long cpu, uint32_t nr_cpus)
{
	unsigned long long v;

	if (key_value(p, "pages free", &v))
		z->free_pages = v;
	else if (key_value(p, "min", &v))
		z->wmark_min = v;
	else if (key_value(p, "low", &v))
		z->wmark_low = v;
	else if (key_value(p, "high", &v) && cpu < 0)
		z->wmark_high = v;
	else if (key_value(p, "promo", &v))
		z->wmark_promo = v;
	else if (key_value(p, "boost", &v))
		z->boost = v;
	else if (key_value(p, "spanned", &v))
		z->spanned = v;
	else if (key_value(p, "present", &v))
		z->present = v;
	else if (key_value(p, "managed", &v))
		z->managed = v;
	else if (key_value(p, "start_pfn", &v))
		z->start_pfn = v;
	else if (strncmp(p, "protection:", 11) == 0)
		parse_protection(p, z);
	else if (cpu >= 0 && (uint32_t)cpu < nr_cpus) {
		struct prt_pcp *pcp = &z->pcp[cpu];

		if (key_value(p, "count", &v))
			pcp->count = (uint32_t)v;
		else if (key_value(p, "high", &v))
			pcp->high = (uint32_t)v;
		else if (key_value(p, "batch", &v))
			pcp->batch = (uint32_t)v;
		else if (key_value(p, "high_min", &v))
			pcp->high_min = (uint32_t)v;
		else if (key_value(p, "high_max", &v))
			pcp->high_max = (uint32_t)v;
	}
}

int procfs_parse_zoneinfo(const char *text, const char *origin, uint32_t nr_cpus,
			  struct prt_header *h, struct pr_error *err)
{
	struct prt_zone *z = NULL;
	unsigned line_no = 0, last_node = ~0u;
	uint8_t type = 0;
	long cpu = -1;

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		const char *p = skip_spaces(line);
		unsigned node;
		char name[PRT_NAME_LEN];

		line_no++;
		if (sscanf(line, "Node %u, zone %31s", &node, name) == 2) {
			type = node == last_node ? (uint8_t)(type + 1) : 0;
			last_node = node;
			z = add_zone(h, nr_cpus, node, name, type);
			if (!z)
				return pr_fail(err, PR_ENOMEM, "out of memory parsing '%s'", origin);
			cpu = -1;
			continue;
		}
		if (!z)
			continue;
		if (strncmp(p, "cpu:", 4) == 0) {
			cpu = strtol(p + 4, NULL, 10);
			continue;
		}
		if (strncmp(p, "per-node stats", 14) == 0 || strncmp(p, "vm stats threshold", 18) == 0)
			continue;
		zone_field(p, z, cpu, nr_cpus);
	}
	if (h->nr_zones == 0)
		return pr_fail(err, PR_EFORMAT, "'%s': line 1: expected 'Node N, zone NAME' lines",
			       origin);
	(void)line_no;
	return 0;
}

int procfs_parse_zone_free(const char *text, const struct prt_header *h,
			   struct prt_checkpoint *cp)
{
	int z = -1;

	cp->free_pages = calloc(h->nr_zones ? h->nr_zones : 1, sizeof(int64_t));
	if (!cp->free_pages)
		return -1;
	for (uint32_t i = 0; i < h->nr_zones; i++)
		cp->free_pages[i] = -1;
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		unsigned long long v;

		if (strncmp(line, "Node ", 5) == 0)
			z++;
		else if (z >= 0 && (uint32_t)z < h->nr_zones &&
			 key_value(skip_spaces(line), "pages free", &v))
			cp->free_pages[z] = (int64_t)v;
	}
	return 0;
}

static int64_t *unknown_counts(size_t n)
{
	int64_t *v = malloc((n ? n : 1) * sizeof(*v));

	for (size_t i = 0; v && i < n; i++)
		v[i] = -1;
	return v;
}

int procfs_parse_zone_pcp(const char *text, const struct prt_header *h,
			  struct prt_checkpoint *cp)
{
	size_t n = (size_t)h->nr_zones * h->nr_cpus;
	long z = -1, cpu = -1;

	cp->nr_cpus = h->nr_cpus;
	cp->pcp_count = unknown_counts(n);
	cp->pcp_high = unknown_counts(n);
	if (!cp->pcp_count || !cp->pcp_high)
		return -1;
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		const char *p = skip_spaces(line);
		unsigned long long v;
		size_t at;

		if (strncmp(line, "Node ", 5) == 0) {
			z++;
			cpu = -1;
		} else if (strncmp(p, "cpu:", 4) == 0) {
			cpu = strtol(p + 4, NULL, 10);
		} else if (z >= 0 && (uint32_t)z < h->nr_zones && cpu >= 0 &&
			   (uint32_t)cpu < h->nr_cpus) {
			at = (size_t)z * h->nr_cpus + (size_t)cpu;
			if (key_value(p, "count", &v))
				cp->pcp_count[at] = (int64_t)v;
			else if (key_value(p, "high", &v))
				cp->pcp_high[at] = (int64_t)v;
		}
	}
	return 0;
}
