/* SPDX-License-Identifier: MIT */
/*
 * /proc/pagetypeinfo and /proc/buddyinfo: free-block counts. Only populated
 * zones appear there; rows are matched to header zones by (node, name).
 * The migratetype column order of pagetypeinfo is the kernel's enum order,
 * which is how names get their numbers (4.1 and 4.4 differ).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/procfs.h"

static int zone_index(const struct prt_header *h, unsigned node, const char *name)
{
	for (uint32_t z = 0; z < h->nr_zones; z++)
		if (h->zones[z].node == node && strcmp(h->zones[z].name, name) == 0)
			return (int)z;
	return -1;
}

static int64_t *counts(size_t n)
{
	int64_t *v = malloc((n ? n : 1) * sizeof(*v));

	for (size_t i = 0; v && i < n; i++)
		v[i] = -1;
	return v;
}

/* "Number of blocks type     Unmovable      Movable ..." gives the names. */
static int parse_names(const char *line, struct prt_header *h)
{
	const char *p = line + strlen("Number of blocks type");
	const char *eol = strchr(p, '\n');
	char name[PRT_NAME_LEN];
	int used;

	free(h->migratetype_names);
	h->migratetype_names = calloc(PRT_MAX_MIGRATETYPES, PRT_NAME_LEN);
	h->nr_migratetypes = 0;
	if (!h->migratetype_names)
		return -1;
	while (h->nr_migratetypes < PRT_MAX_MIGRATETYPES && sscanf(p, "%31s%n", name, &used) == 1 &&
	       (!eol || p + used <= eol)) {
		snprintf(h->migratetype_names[h->nr_migratetypes++], PRT_NAME_LEN, "%s", name);
		p += used;
	}
	return 0;
}

static int mt_index(const struct prt_header *h, const char *name)
{
	for (uint32_t i = 0; i < h->nr_migratetypes; i++)
		if (strcmp(h->migratetype_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* Read up to n numbers after p into v. Returns how many. */
static int numbers(const char *p, int64_t *v, int n)
{
	int got = 0;

	while (got < n) {
		char *end;
		long long x = strtoll(p, &end, 10);

		if (end == p)
			break;
		v[got++] = x;
		p = end;
	}
	return got;
}

static int parse_free_row(const char *line, const struct prt_header *h, struct prt_checkpoint *cp)
{
	unsigned node;
	char zone[PRT_NAME_LEN], type[PRT_NAME_LEN];
	int used, z, mt;
	int64_t v[PRT_MAX_ORDERS];

	if (sscanf(line, "Node %u, zone %31[^,], type %31s%n", &node, zone, type, &used) != 3)
		return -1;
	/* zone names are right-aligned: trim the padding sscanf kept */
	z = zone_index(h, node, zone + strspn(zone, " "));
	mt = mt_index(h, type);
	if (z < 0 || mt < 0)
		return -1;
	if (numbers(line + used, v, (int)cp->nr_orders) != (int)cp->nr_orders)
		return -1;
	for (uint32_t o = 0; o < cp->nr_orders; o++)
		cp->free_blocks[((size_t)z * cp->nr_orders + o) * cp->nr_migratetypes + (size_t)mt] = v[o];
	return 0;
}

static int parse_block_row(const char *line, const struct prt_header *h, struct prt_checkpoint *cp)
{
	unsigned node;
	char zone[PRT_NAME_LEN];
	int used, z;
	int64_t v[PRT_MAX_MIGRATETYPES];

	if (sscanf(line, "Node %u, zone %31s%n", &node, zone, &used) != 2)
		return -1;
	z = zone_index(h, node, zone);
	if (z < 0 || numbers(line + used, v, (int)cp->nr_migratetypes) != (int)cp->nr_migratetypes)
		return -1;
	for (uint32_t m = 0; m < cp->nr_migratetypes; m++)
		cp->pageblocks[(size_t)z * cp->nr_migratetypes + m] = v[m];
	return 0;
}

/* The names come last in the file; find them first. */
static int find_names(const char *text, struct prt_header *h)
{
	const char *names = strstr(text, "Number of blocks type");

	return names ? parse_names(names, h) : -1;
}

int procfs_parse_pagetypeinfo(const char *text, const char *origin, struct prt_header *h,
			      struct prt_checkpoint *cp, struct pr_error *err)
{
	unsigned line_no = 0;
	bool in_blocks = false;
	const char *order_line = strstr(text, "Page block order:");

	if (!order_line || find_names(text, h) < 0 || h->nr_migratetypes == 0)
		return pr_fail(err, PR_EFORMAT,
			       "'%s': expected 'Page block order:' and 'Number of blocks type' lines",
			       origin);
	h->pageblock_order = (uint32_t)strtoul(order_line + 17, NULL, 10);
	cp->nr_zones = h->nr_zones;
	cp->nr_orders = h->nr_orders;
	cp->nr_migratetypes = h->nr_migratetypes;
	cp->free_blocks = counts((size_t)h->nr_zones * h->nr_orders * h->nr_migratetypes);
	cp->pageblocks = counts((size_t)h->nr_zones * h->nr_migratetypes);
	if (!cp->free_blocks || !cp->pageblocks)
		return pr_fail(err, PR_ENOMEM, "out of memory parsing '%s'", origin);
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		line_no++;
		if (strncmp(line, "Number of blocks type", 21) == 0)
			in_blocks = true;
		if (strncmp(line, "Node", 4) != 0)
			continue;
		if ((in_blocks ? parse_block_row(line, h, cp) : parse_free_row(line, h, cp)) < 0) {
			const char *eol = strchr(line, '\n');

			return pr_fail(err, PR_EFORMAT, "'%s': line %u: unexpected row: %.*s", origin,
				       line_no, (int)(eol ? eol - line : (long)strlen(line)), line);
		}
	}
	return 0;
}

int procfs_parse_buddyinfo(const char *text, const char *origin, const struct prt_header *h,
			   struct prt_checkpoint *cp, struct pr_error *err)
{
	unsigned line_no = 0;

	cp->buddyinfo = counts((size_t)h->nr_zones * h->nr_orders);
	if (!cp->buddyinfo)
		return pr_fail(err, PR_ENOMEM, "out of memory parsing '%s'", origin);
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		unsigned node;
		char zone[PRT_NAME_LEN];
		int used, z;
		int64_t v[PRT_MAX_ORDERS];

		line_no++;
		if (sscanf(line, "Node %u, zone %31s%n", &node, zone, &used) != 2 ||
		    (z = zone_index(h, node, zone)) < 0 ||
		    numbers(line + used, v, (int)h->nr_orders) != (int)h->nr_orders)
			return pr_fail(err, PR_EFORMAT, "'%s': line %u: expected 'Node N, zone NAME' "
				       "and %u counts", origin, line_no, h->nr_orders);
		for (uint32_t o = 0; o < h->nr_orders; o++)
			cp->buddyinfo[(size_t)z * h->nr_orders + o] = v[o];
	}
	return 0;
}
