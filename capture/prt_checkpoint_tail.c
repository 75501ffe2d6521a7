/* SPDX-License-Identifier: MIT */
/*
 * A CHECKPOINT record's optional tail, after the counts the header's own
 * sample shares: first the read windows, then the per-cpu pagesets. Each
 * part is absent in files written before it existed, so a reader that
 * reaches the payload's end has all there is (docs/trace-format.md).
 */
#include <stdlib.h>

#include "capture/prt_codec.h"

#define MAX_CPUS	65536

static bool window_known(const struct prt_window *w)
{
	return w->end_ns != 0;
}

static void encode_windows(struct prt_buf *b, const struct prt_checkpoint *cp)
{
	bool have = window_known(&cp->pagetypeinfo_read) || window_known(&cp->zoneinfo_read);

	prt_buf_u8(b, have);
	if (!have)
		return;
	prt_buf_u64(b, cp->pagetypeinfo_read.start_ns);
	prt_buf_u64(b, cp->pagetypeinfo_read.end_ns);
	prt_buf_u64(b, cp->zoneinfo_read.start_ns);
	prt_buf_u64(b, cp->zoneinfo_read.end_ns);
}

/* u8 present, varint cpus, then count and high [z][cpu] as counts arrays. */
static void encode_pcp(struct prt_buf *b, const struct prt_checkpoint *cp)
{
	size_t n = (size_t)cp->nr_zones * cp->nr_cpus;
	bool have = cp->pcp_count && cp->nr_cpus;

	prt_buf_u8(b, have);
	if (!have)
		return;
	prt_buf_varint(b, cp->nr_cpus);
	prt_encode_counts(b, cp->pcp_count, n);
	prt_encode_counts(b, cp->pcp_high, n);
}

void prt_encode_checkpoint_tail(struct prt_buf *b, const struct prt_checkpoint *cp)
{
	encode_windows(b, cp);
	encode_pcp(b, cp);
}

static int decode_window(struct prt_cursor *c, struct prt_window *w)
{
	w->start_ns = prt_get_u64(c);
	w->end_ns = prt_get_u64(c);
	if (c->bad || w->start_ns > w->end_ns)
		return -1;
	return 0;
}

static int decode_windows(struct prt_cursor *c, struct prt_checkpoint *cp)
{
	if (!prt_get_u8(c))
		return c->bad ? -1 : 0;
	if (decode_window(c, &cp->pagetypeinfo_read) < 0 || decode_window(c, &cp->zoneinfo_read) < 0)
		return -1;
	return 0;
}

static int decode_pcp(struct prt_cursor *c, struct prt_checkpoint *cp)
{
	uint64_t cpus;

	if (!prt_get_u8(c))
		return c->bad ? -1 : 0;
	cpus = prt_get_varint(c);
	if (c->bad || cpus == 0 || cpus > MAX_CPUS)
		return -1;
	cp->nr_cpus = (uint32_t)cpus;
	if (prt_decode_counts(c, &cp->pcp_count, (size_t)cp->nr_zones * cp->nr_cpus) < 0 ||
	    prt_decode_counts(c, &cp->pcp_high, (size_t)cp->nr_zones * cp->nr_cpus) < 0 ||
	    !cp->pcp_count || !cp->pcp_high)
		return -1;
	return 0;
}

int prt_decode_checkpoint_tail(struct prt_cursor *c, struct prt_checkpoint *cp)
{
	if (c->p == c->end)
		return 0;		/* written before windows were recorded */
	if (decode_windows(c, cp) < 0)
		return -1;
	if (c->p == c->end)
		return 0;		/* written before pagesets were recorded */
	return decode_pcp(c, cp);
}
