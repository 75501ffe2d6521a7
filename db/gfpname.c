/* SPDX-License-Identifier: MIT */
/*
 * A raw gfp value as the captured kernel's tracepoint prints it: the flag
 * table in its own order, each name whose whole mask is set is printed and
 * its bits removed (so composites such as GFP_KERNEL win over their parts),
 * leftover bits in hex, and "none" for 0 — the behaviour of __print_flags
 * with show_gfp_flags.
 */
#include "db/internal.h"

#include <stdio.h>
#include <string.h>

static void append(char *buf, size_t size, size_t *len, const char *s)
{
	int n = snprintf(buf + *len, size - *len, "%s%s", *len ? "|" : "", s);

	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

void db_gfp_string(const struct prt_flag *flags, uint32_t nr, uint64_t gfp, char *buf,
		   size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (gfp == 0) {
		snprintf(buf, size, "none");
		return;
	}
	for (uint32_t i = 0; i < nr && gfp; i++) {
		if (flags[i].mask == 0 || (gfp & flags[i].mask) != flags[i].mask)
			continue;
		append(buf, size, &len, flags[i].name);
		gfp &= ~flags[i].mask;
	}
	if (gfp) {
		char hex[24];

		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)gfp);
		append(buf, size, &len, hex);
	}
}
