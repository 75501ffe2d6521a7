/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_IMPORT_PRT_H
#define PR_CAPTURE_IMPORT_PRT_H

#include "capture/import.h"

/* A .prt of any readable format version, rewritten in the current one at
 * o->output (not o->input itself). */
int import_prt_file(const struct imp_options *o, struct imp_result *r, struct pr_error *err);

#endif
