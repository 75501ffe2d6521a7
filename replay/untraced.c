/* SPDX-License-Identifier: MIT */
/*
 * What the kernel does that no tracepoint shows, inferred from the events
 * around it (docs/fidelity.md): the initial free lists' order, pages taken
 * by alloc_pages_bulk, blocks the kernel's empty lists prove not free or
 * mistyped, and list heads its refills pass over. Compaction's free
 * scanners: replay/free_scanner.c; the end of a run:
 * replay/compaction_release.c.
 */
#include "replay/lockstep.h"

/*
 * Did the model's choice and the kernel's differ only over where blocks free
 * at capture start sit on their list, which nobody knows? Either the model
 * picked such a block, or the kernel took one off the very list (order,
 * migratetype) whose settled head the model chose: the kernel's list had it
 * in front of that head, where no event put it (compaction's fast search
 * rotates lists it walks, moving tail blocks to the head, and the model
 * reproduces few of those searches). A different kernel choice then says
 * nothing about the model. On page-cache-fragmented, a capture whose lists
 * start with 19 k order-0 blocks, 770 of 838 refill misses the first case
 * left known were the second: runs of up to 19 initial blocks in front of
 * drained blocks that otherwise came in the model's order.
 */
bool ls_guessed_from_initial_order(const struct lockstep *ls, uint64_t model_pfn,
				   uint64_t kernel_pfn, enum pa_path path)
{
	uint64_t head, kernel_head;
	unsigned order, kernel_order;

	if (model_pfn == PA_PFN_NONE || path == PA_PATH_PCP)
		return false;
	head = pa_free_block_of(ls->m, model_pfn, &order);
	if (head == PA_PFN_NONE)
		return false;
	if (rp_unsettled_has(&ls->unsettled, head))
		return true;
	kernel_head = kernel_pfn == PA_PFN_NONE ? PA_PFN_NONE
						: pa_free_block_of(ls->m, kernel_pfn, &kernel_order);
	return kernel_head == kernel_pfn && kernel_head != PA_PFN_NONE &&
	       rp_unsettled_has(&ls->unsettled, kernel_head) && kernel_order == order &&
	       pa_free_block_mt(ls->m, kernel_head) == pa_free_block_mt(ls->m, head);
}

/*
 * The kernel's block for (order, mt) is the head of a settled free block of
 * order k > order, so its (mt, order..k-1) lists were empty. (A kernel block
 * inside the model's block, not at its head, proves nothing: the kernel
 * hands out the head of the block it takes, so its block was smaller than
 * the model's, and the model's view of that block is what is wrong.)
 * Blocks the model still holds there are wrong, one of three ways:
 *  - an initial (unsettled) block sits in a pageblock whose type capture
 *    guessed wrong (pageblock types are not exported): retype it, never
 *    back to a type already ruled out; unless it is the only free block of
 *    its pageblock and the free map had that list's count exactly as
 *    pagetypeinfo did at capture start: then nothing else says the type is
 *    wrong and the count says it was right, so the block is not free (as
 *    below). (page-cache-low: a lone order-8 block so retyped Unmovable left
 *    the model one Unmovable order-8 block more than the kernel at 7
 *    checkpoints, 1.0-1.5% of the zone. Dropping every such block whose
 *    count was exact, lone or not, cost a fresh capture 2.9 points of
 *    refills: a pageblock of a hundred small blocks was retyped by then);
 *  - a settled block of page_reporting_order or more, with reporting on:
 *    the reporting worker holds it for a while (replay/reporting.h);
 *  - another settled block is not free in the kernel: something no event
 *    shows took it (compaction's migration targets): the model lets it go,
 *    its pageblock's type untouched.
 * Until the model's choice is no longer such a block.
 */
static bool retype_initial(struct lockstep *ls, uint64_t head, int mt)
{
	static const int order_of_guesses[] = { PA_MT_UNMOVABLE, PA_MT_RECLAIMABLE, PA_MT_MOVABLE };
	uint8_t *ruled_out = &ls->ruled_out[(head >> ls->t->topo.pageblock_order) -
					    (ls->unsettled.base >> ls->t->topo.pageblock_order)];

	*ruled_out |= (uint8_t)(1u << mt);
	for (unsigned i = 0; i < 3; i++)
		if (!(*ruled_out >> order_of_guesses[i] & 1)) {
			pa_model_set_pageblock_mt(ls->m, head, order_of_guesses[i]);
			ls->res->pageblocks_retyped++;
			return true;
		}
	return false;
}

/* Is the free block at head the only free block of its pageblock? */
static bool lone_in_pageblock(const struct lockstep *ls, uint64_t head)
{
	uint64_t pb = 1ULL << ls->t->topo.pageblock_order, start = head & ~(pb - 1);

	for (uint64_t pfn = start; pfn < start + pb;) {
		unsigned order;
		uint64_t h = pa_free_block_of(ls->m, pfn, &order);

		if (h == PA_PFN_NONE) {
			pfn++;
			continue;
		}
		if (h != head)
			return false;
		pfn = h + (1ULL << order);
	}
	return true;
}

/* One block the kernel's (mt) lists did not hold, corrected as above;
 * false when nothing more can be (a retype after a drop, or none left). */
static bool correct_block(struct lockstep *ls, int zone, int mt, uint64_t ph, unsigned po,
			  uint64_t ts_ns, bool *dropped)
{
	if (rp_unsettled_has(&ls->unsettled, ph) && !ls_carved_remainder(ls, ph) &&
	    !(rp_start_count_exact(&ls->start_counts, zone, po, mt) && lone_in_pageblock(ls, ph)))
		return !*dropped && retype_initial(ls, ph, mt);
	*dropped = true;
	if (rp_reporting_hold(&ls->reporting, ls->m, ph, po, ts_ns) == 0)
		return true;	/* free page reporting has it: it comes back */
	if (pa_drop_free(ls->m, ph) < 0)
		return false;
	rp_guessed_take(&ls->guessed, ph, po, 0, 0);
	ls->res->free_blocks_dropped++;
	return true;
}

/* The model's choice for (order, mt) from the (mt) lists themselves, its
 * block's head and order; false for none (a fallback choice proves
 * nothing about those lists). */
static bool own_list_choice(struct lockstep *ls, uint32_t cpu, int zone, unsigned order, int mt,
			    uint64_t *head, unsigned *head_order)
{
	struct pa_prediction pred;

	if (pa_predict_rmqueue(ls->m, cpu, zone, order, mt, &pred) < 0 || !pred.success ||
	    pred.path != PA_PATH_BUDDY)
		return false;
	*head = pa_free_block_of(ls->m, pred.pfn, head_order);
	return *head != PA_PFN_NONE;
}

void ls_correct_empty_lists(struct lockstep *ls, uint32_t cpu, int zone, unsigned order,
			    int mt, uint64_t kernel_pfn, uint64_t ts_ns)
{
	unsigned ko, po;
	uint64_t kh = pa_free_block_of(ls->m, kernel_pfn, &ko), ph;
	bool dropped = false;

	if (kh != kernel_pfn || rp_unsettled_has(&ls->unsettled, kh) || ko <= order)
		return;
	for (int guard = 0; guard < 4096; guard++)
		if (!own_list_choice(ls, cpu, zone, order, mt, &ph, &po) || ph == kernel_pfn ||
		    po >= ko || !correct_block(ls, zone, mt, ph, po, ts_ns, &dropped))
			return;
}

/* Every block of the (order, mt) list, which the kernel's was not. */
static void correct_list(struct lockstep *ls, int zone, unsigned order, int mt, uint64_t ts_ns)
{
	bool dropped = false;
	uint64_t head;

	for (int guard = 0; guard < 4096; guard++)
		if (!pa_free_list_heads(ls->m, zone, order, mt, &head, 1) ||
		    !correct_block(ls, zone, mt, head, order, ts_ns, &dropped))
			return;
}

/*
 * mm_page_alloc_extfrag: __rmqueue_smallest found the request's (mt) lists
 * empty from its order up before it fell back, so every block the model
 * holds there is wrong, in the ways above. And a claim (change_ownership)
 * from pageblock order or more, which always succeeds, came from
 * __rmqueue_claim's walk down from the largest order, each order's
 * fallback types in the fallbacks[] order: the lists of those types above
 * its order, and of the types before its own at its order, were empty too.
 * Two fresh captures of session 10 (vm-heavy, mixed) had 6 unmovable
 * fallbacks that claimed a movable order-10 block while the model held an
 * order-10 block in a pageblock capture had typed Unmovable (0x101c00):
 * fallback agreement 0% there, 100% with this.
 */
void ls_correct_before_fallback(struct lockstep *ls, int zone, int mt, const struct prt_event *ev)
{
	unsigned po, claimed = (unsigned)ev->arg[0];
	int taken = rp_translate_mt(ls->t, (int)ev->arg[1]);
	uint64_t ph;
	bool dropped = false;

	for (int guard = 0; guard < 4096; guard++)
		if (!own_list_choice(ls, ev->cpu, zone, ev->order, mt, &ph, &po) ||
		    !correct_block(ls, zone, mt, ph, po, ev->ts_ns, &dropped))
			break;
	if (!ev->arg[2] || claimed < ls->t->topo.pageblock_order)
		return;
	for (unsigned o = ls->t->topo.nr_orders; o-- > claimed;)
		for (unsigned i = 0; i < 2; i++) {
			int fallback = pa_fallback_mt(mt, i);

			if (o == claimed && fallback == taken)
				break;
			if (fallback >= 0)
				correct_list(ls, zone, o, fallback, ev->ts_ns);
		}
}

/*
 * A refill took block K from the very list (order, migratetype) whose head
 * P the model chose: on the kernel's list P was not first. When K is a
 * block the model has seen placed, the kernel's list is the model's rotated
 * to start at K: compaction's fast search rotates every list it walks
 * (move_freelist_head makes the last block it looked at the head, the ones
 * in front of it following the old tail), and the model reproduces few of
 * those searches (docs/fidelity.md). So the model's list is rotated the
 * same way at K, whatever P is. (Measured against the alternatives, by the
 * agreement over all refills: rotating only where K is within the 256
 * blocks nearest the tail, as far as a fast search walks, was worse, the
 * model choosing P again and again where it did not rotate; skipping lists
 * whose head P is from capture start cost page-cache 0.2 points and a fresh
 * capture 0.7, while raising page-cache's known refills 99.33 -> 99.70%.)
 *
 * Where K is a block free at capture start, in a guessed place, and P is
 * not, P is either not free there or sits deeper: passed over twice in a
 * row, it goes to the tail of its list. (Once is not enough: it is often
 * just second, and taken next. Rotating at such a K raised the known
 * refills but lowered the agreement over all refills on every page-cache
 * trace.)
 */
#define PASSED_OVER_LIMIT 2

void ls_passed_over(struct lockstep *ls, uint64_t model_pfn, uint64_t kernel_pfn)
{
	unsigned mo, ko;

	if (pa_free_block_of(ls->m, model_pfn, &mo) != model_pfn ||
	    pa_free_block_of(ls->m, kernel_pfn, &ko) != kernel_pfn || mo != ko ||
	    pa_free_block_mt(ls->m, model_pfn) != pa_free_block_mt(ls->m, kernel_pfn))
		return;
	if (!rp_unsettled_has(&ls->unsettled, kernel_pfn)) {
		if (pa_free_list_rotate(ls->m, kernel_pfn) == 0)
			ls->res->lists_rotated++;
		ls->passed_over = PA_PFN_NONE;
		return;
	}
	if (rp_unsettled_has(&ls->unsettled, model_pfn))
		return;
	if (ls->passed_over != model_pfn) {
		ls->passed_over = model_pfn;
		ls->times_passed = 0;
	}
	if (++ls->times_passed < PASSED_OVER_LIMIT)
		return;
	if (pa_free_block_to_tail(ls->m, model_pfn) == 0)
		ls->res->blocks_demoted++;
	ls->passed_over = PA_PFN_NONE;
}

/*
 * free_pcppages_bulk drains a list from its tail. When the kernel drains a
 * block above the model's tail, the blocks behind it in the model's list
 * are not on the kernel's: something no event shows took them
 * (alloc_pages_bulk). Left there, every later drain of that list would be
 * compared with them (2 k drains on a fresh page-cache capture). They go,
 * after the compare, however many: the gap was one block there, and on a
 * capture near the low watermark (page-cache-low-counters) the last ~700
 * blocks of one refill of cpu 0's DMA32 unmovable list, which no later
 * event names, while the kernel drained the ones refilled before them
 * (drains 96.19 -> 99.55% there; a limit of 1, 16 or 1024 measured the
 * same on every other trace).
 */
#define DRAIN_GAP_MAX (~0u)

void ls_drain_passed_over(struct lockstep *ls, uint64_t kernel_pfn)
{
	int n = pa_pcp_take_behind(ls->m, kernel_pfn, DRAIN_GAP_MAX);

	if (n > 0)
		ls->res->untraced_blocks += (uint64_t)n;
}

/*
 * alloc_pages_bulk (vmalloc, kernel stacks, network buffers) takes pages from
 * the head of a pcp list without mm_page_alloc. When the kernel's block sits
 * below the model's prediction on the same pcp list, the blocks above it
 * went that way: the model lets them go too. Returns how many.
 */
#define UNTRACED_MAX_DEPTH 512

unsigned ls_take_untraced(struct lockstep *ls, const struct pa_request *req,
			  struct pa_prediction *p, const struct prt_event *ev, int mt)
{
	unsigned klist, mlist, taken = 0;
	int depth;

	if (p->path != PA_PATH_PCP || ev->pfn == PRT_PFN_NONE || p->pfn == ev->pfn)
		return 0;
	depth = pa_pcp_depth(ls->m, ev->cpu, ev->pfn, UNTRACED_MAX_DEPTH, &klist);
	if (depth <= 0 || pa_pcp_depth(ls->m, ev->cpu, p->pfn, 0, &mlist) != 0 || klist != mlist)
		return 0;
	while (p->path == PA_PATH_PCP && p->pfn != ev->pfn && taken < (unsigned)depth) {
		pa_apply_alloc(ls->m, ev->cpu, p->pfn, req->order, mt);
		taken++;
		pa_predict(ls->m, req, p);
	}
	ls->res->untraced_blocks += taken;
	return taken;
}

/* The free block holding [pfn, 2^order) is about to be taken apart or has
 * just been merged into: every initial block inside it is settled. */
void ls_settle_block_of(struct lockstep *ls, uint64_t pfn, unsigned order)
{
	unsigned o = order;
	uint64_t head;

	if (!rp_unsettled_near(&ls->unsettled, pfn))
		return;
	head = pa_free_block_of(ls->m, pfn, &o);

	if (head == PA_PFN_NONE)
		rp_unsettled_touch(&ls->unsettled, pfn, order);
	else
		rp_unsettled_touch(&ls->unsettled, head, o);
}
