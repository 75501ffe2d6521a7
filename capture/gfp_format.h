/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_GFP_FORMAT_H
#define PR_CAPTURE_GFP_FORMAT_H

/*
 * gfp flag tables as the traced kernel defines them.
 *
 * Bit positions moved between kernels (and bits >= 24 depend on the build's
 * config), so the table is read from the kernel's own event format: the
 * print fmt of mm_page_alloc spells every flag of __print_flags(gfp_flags,
 * ...) and libtraceevent evaluates each one to its value. Entries keep the
 * kernel's order: composites (GFP_KERNEL) before single bits (__GFP_IO),
 * which is what makes decoding print what the kernel prints.
 */

#include <stddef.h>
#include <stdint.h>

#include "capture/prt.h"
#include "common/error.h"

struct tep_event;

/*
 * Table from the text of an event's `format` file (events/kmem/<ev>/format).
 * `origin` names the source in errors. *out is malloc'd; free() it.
 */
int prt_gfp_flags_from_format(const char *text, size_t len, const char *origin,
			      struct prt_flag **out, uint32_t *nr, struct pr_error *err);
/* Same, reading the file at path. */
int prt_gfp_flags_from_file(const char *path, struct prt_flag **out, uint32_t *nr,
			    struct pr_error *err);
/* Same, from an event libtraceevent already parsed (live capture, trace.dat). */
int prt_gfp_flags_from_event(const struct tep_event *event, struct prt_flag **out,
			     uint32_t *nr, struct pr_error *err);

/*
 * Print gfp as the kernel's __print_flags would ("GFP_KERNEL|__GFP_COMP",
 * leftover bits as "0x..."; 0 prints "none"). Returns the length that the
 * full text needs, like snprintf.
 */
size_t prt_gfp_format(uint64_t gfp, const struct prt_flag *flags, uint32_t nr,
		      char *buf, size_t len);

/*
 * Parse "GFP_KERNEL|__GFP_COMP|0x40000000" (or "none") back into bits.
 * `text` need not be NUL-terminated: `len` bytes are read. On an unknown
 * name returns -1 and points *bad / *bad_len at it.
 */
int prt_gfp_parse(const char *text, size_t len, const struct prt_flag *flags, uint32_t nr,
		  uint64_t *out, const char **bad, size_t *bad_len);

#endif
