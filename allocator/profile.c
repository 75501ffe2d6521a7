/* SPDX-License-Identifier: MIT */
/*
 * Kernel generations as data. Each field names one rule that differs
 * between generations; docs/model.md gives the kernel source of each.
 */
#include "allocator/types.h"

#include <stdlib.h>
#include <string.h>

static const struct pa_profile_desc profiles[PA_NR_PROFILES] = {
	[PA_PROFILE_LINUX_4] = {
		.name = "linux-4", .nr_pcp_lists = 3, .pcp_cold = true,
		.fair_zones = true, .has_atomic_bit = true,
		.fallback = FB_K44, .drain = DRAIN_RR3, .wm = WM_K44,
	},
	[PA_PROFILE_LINUX_5_10] = {
		.name = "linux-5.10", .nr_pcp_lists = 3, .move_to_tail = true,
		.nofragment = true, .has_atomic_bit = true,
		.fallback = FB_K510, .drain = DRAIN_RR3, .wm = WM_K510,
	},
	[PA_PROFILE_LINUX_6] = {
		.name = "linux-6", .pcp_max_order = PA_COSTLY_ORDER, .pcp_thp = true,
		.nr_pcp_lists = 14, .pcp_autotune = true, .pcp_reread_mt = true,
		.refill_fallback_buddy = true, .merge_type_check = true, .merge_retype = true,
		.split_large_free = true, .move_to_tail = true, .nofragment = true,
		.highatomic_needs_high = true,
		.fallback = FB_K618, .drain = DRAIN_PINDEX, .wm = WM_K6,
	},
	[PA_PROFILE_OPENEULER_5_10] = {
		.name = "openeuler-5.10", .nr_pcp_lists = 3, .move_to_tail = true,
		.nofragment = true, .has_atomic_bit = true, .oe_cdm = true, .oe_reliable = true, .oe_dhugetlb = true,
		.fallback = FB_K510, .drain = DRAIN_RR3, .wm = WM_K510,
	},
};

const struct pa_profile_desc *profile_desc(enum pa_profile p)
{
	return (unsigned)p < PA_NR_PROFILES ? &profiles[p] : NULL;
}

const char *pa_profile_name(enum pa_profile p)
{
	return (unsigned)p < PA_NR_PROFILES ? profiles[p].name : "unknown";
}

int pa_profile_from_name(const char *name)
{
	for (int i = 0; name && i < PA_NR_PROFILES; i++)
		if (!strcmp(profiles[i].name, name))
			return i;
	return -1;
}

/* "6.18.44-amd64" -> linux-6; "5.10.0-60.18.0.50.oe2203.x86_64" -> openeuler. */
enum pa_profile pa_profile_for_release(const char *release)
{
	long major = release ? strtol(release, NULL, 10) : 0;

	if (major >= 6)
		return PA_PROFILE_LINUX_6;
	if (major == 5)
		return release && (strstr(release, ".oe") || strstr(release, "openEuler")) ?
			       PA_PROFILE_OPENEULER_5_10 : PA_PROFILE_LINUX_5_10;
	if (major > 0 && major < 5)
		return PA_PROFILE_LINUX_4;
	return PA_PROFILE_LINUX_6;
}
