/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/procfs.h"

/*
 * /proc/iomem: "start-end : name", children indented by two spaces. Only
 * root sees real addresses (others see zeros, which yields no ranges).
 */
int procfs_parse_iomem(const char *text, const char *origin, uint32_t page_size,
		       struct kpageflags_ram **out, size_t *n, struct pr_error *err)
{
	size_t cap = 0, line = 0;

	*out = NULL;
	*n = 0;
	for (const char *p = text; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		unsigned long long a, b;
		int name_at = 0;

		line++;
		if (*p == ' ' || *p == '\n')
			continue;	/* a child range or an empty line */
		if (sscanf(p, "%llx-%llx : %n", &a, &b, &name_at) != 2 || !name_at || b < a) {
			free(*out);
			*out = NULL;
			*n = 0;
			return pr_fail(err, PR_EFORMAT, "'%s': line %zu: expected 'start-end : name': %.*s",
				       origin, line, (int)strcspn(p, "\n"), p);
		}
		if (strncmp(p + name_at, "System RAM", 10) != 0 || !page_size)
			continue;
		if (*n == cap) {
			struct kpageflags_ram *bigger = realloc(*out, (cap = cap ? cap * 2 : 16) * sizeof(**out));

			if (!bigger) {
				free(*out);
				*out = NULL;
				return pr_fail(err, PR_ENOMEM, "out of memory");
			}
			*out = bigger;
		}
		(*out)[(*n)++] = (struct kpageflags_ram){ a / page_size, (b + 1) / page_size };
	}
	return 0;
}
