/* SPDX-License-Identifier: MIT */
#include "capture/import_proc.h"

#include <stdio.h>
#include <stdlib.h>

#include "capture/procfs.h"

int imp_proc_zoneinfo(const char *path, struct prt_header *h, struct pr_error *err)
{
	char *text = procfs_read(path, NULL, err);
	int rc;

	if (!text)
		return -1;
	rc = procfs_parse_zoneinfo(text, path, h->nr_cpus, h, err);
	free(text);
	if (rc == 0 && h->nr_zones == 0)
		rc = pr_fail(err, PR_EFORMAT, "'%s': line 1: expected 'Node N, zone NAME' blocks", path);
	return rc;
}

int imp_proc_pagetypeinfo(const char *path, struct prt_header *h, struct pr_error *err)
{
	char *text = procfs_read(path, NULL, err);
	int rc;

	if (!text)
		return -1;
	prt_checkpoint_release(&h->initial);
	rc = procfs_parse_pagetypeinfo(text, path, h, &h->initial, err);
	free(text);
	return rc;
}

int imp_proc_default_migratetypes(struct prt_header *h, struct pr_error *err)
{
	static const char *const names[] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
	};
	const unsigned n = sizeof(names) / sizeof(names[0]);

	h->migratetype_names = calloc(n, PRT_NAME_LEN);
	if (!h->migratetype_names)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	for (unsigned i = 0; i < n; i++)
		snprintf(h->migratetype_names[i], PRT_NAME_LEN, "%s", names[i]);
	h->nr_migratetypes = n;
	return 0;
}
