/* SPDX-License-Identifier: MIT */
/* gfp tables read from the kernel's own event format, and the text codec. */
#include "tests/lib/harness.h"

#include <stdlib.h>
#include <string.h>

#include "capture/gfp_format.h"

/* This host's (6.18, x86-64, memcg on) mm_page_alloc format, saved verbatim. */
#define FORMAT_618 "tests/fixtures/formats/mm_page_alloc-6.18.format"

static struct prt_flag *flags;
static uint32_t nr_flags;

static int load_618(void **state)
{
	struct pr_error err = { 0 };

	(void)state;
	return prt_gfp_flags_from_file(project_path(FORMAT_618), &flags, &nr_flags, &err);
}

static int unload(void **state)
{
	(void)state;
	free(flags);
	return 0;
}

static uint64_t mask_of(const char *name)
{
	for (uint32_t i = 0; i < nr_flags; i++)
		if (strcmp(flags[i].name, name) == 0)
			return flags[i].mask;
	fail_msg("flag %s not in table", name);
	return 0;
}

static void test_table_from_618_format(void **state)
{
	(void)state;
	/* 13 composites, __GFP_RECLAIM, 24 single bits; the {0, NULL} end dropped. */
	assert_int_equal(nr_flags, 38);
	assert_string_equal(flags[0].name, "GFP_TRANSHUGE");
	/* Values from include/linux/gfp_types.h of 6.18 (notes §2.1, §2.2). */
	assert_int_equal(mask_of("GFP_KERNEL"), 0xcc0);
	assert_int_equal(mask_of("GFP_NOWAIT"), 0x2800);
	assert_int_equal(mask_of("GFP_TRANSHUGE"), 0x1c24ca);
	assert_int_equal(mask_of("__GFP_COMP"), 1u << 18);
	/* Config-dependent: NO_OBJ_EXT takes bit 24 with memcg and no HW tags. */
	assert_int_equal(mask_of("__GFP_NO_OBJ_EXT"), 1u << 24);
}

static void test_format_like_kernel(void **state)
{
	char buf[256];

	(void)state;
	prt_gfp_format(0xcc0, flags, nr_flags, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL");
	prt_gfp_format(0x140cca, flags, nr_flags, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	prt_gfp_format(0, flags, nr_flags, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	/* An unnamed bit stays visible as hex, after the names. */
	prt_gfp_format(0x40000cc0ULL, flags, nr_flags, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL|0x40000000");
}

static void test_format_truncates_like_snprintf(void **state)
{
	char buf[8];
	size_t need;

	(void)state;
	need = prt_gfp_format(0x140cca, flags, nr_flags, buf, sizeof(buf));
	assert_int_equal(need, strlen("GFP_HIGHUSER_MOVABLE|__GFP_COMP"));
	assert_string_equal(buf, "GFP_HIG");
}

static void test_parse_round_trip(void **state)
{
	const char *texts[] = { "GFP_KERNEL", "GFP_HIGHUSER_MOVABLE|__GFP_COMP",
				"__GFP_HIGH|__GFP_KSWAPD_RECLAIM", "GFP_KERNEL|0x40000000", "none" };
	const uint64_t want[] = { 0xcc0, 0x140cca, 0x820, 0x40000cc0ULL, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t got = 1;
		char buf[256];

		assert_int_equal(prt_gfp_parse(texts[i], strlen(texts[i]), flags, nr_flags,
					       &got, NULL, NULL), 0);
		assert_int_equal(got, want[i]);
		prt_gfp_format(got, flags, nr_flags, buf, sizeof(buf));
		if (want[i] != 0x820)	/* __GFP_HIGH|KSWAPD is printed as GFP_ATOMIC */
			assert_string_equal(buf, texts[i]);
		else
			assert_string_equal(buf, "GFP_ATOMIC");
	}
}

static void test_parse_unknown_name(void **state)
{
	const char *text = "GFP_KERNEL|__GFP_BOGUS|__GFP_COMP";
	const char *bad = NULL;
	size_t bad_len = 0;
	uint64_t got;

	(void)state;
	assert_int_equal(prt_gfp_parse(text, strlen(text), flags, nr_flags, &got, &bad, &bad_len),
			 -1);
	assert_ptr_equal(bad, text + 11);
	assert_int_equal(bad_len, strlen("__GFP_BOGUS"));
	/* Empty names are errors too, not zero. */
	assert_int_equal(prt_gfp_parse("GFP_KERNEL|", 11, flags, nr_flags, &got, NULL, NULL), -1);
	assert_int_equal(prt_gfp_parse("", 0, flags, nr_flags, &got, NULL, NULL), -1);
	/* A prefix of a real name is not that name. */
	assert_int_equal(prt_gfp_parse("GFP_KERN", 8, flags, nr_flags, &got, NULL, NULL), -1);
	/* Nor is a real name followed by a NUL byte and more (a damaged trace:
	 * found by the import fuzzer, which read past the flag table) */
	{
		char nul[80] = "GFP_KERNEL";

		memset(nul + 11, 'x', sizeof(nul) - 11);
		assert_int_equal(prt_gfp_parse(nul, sizeof(nul), flags, nr_flags, &got, NULL, NULL),
				 -1);
	}
}

static void test_not_a_format(void **state)
{
	struct prt_flag *tab = NULL;
	uint32_t n = 0;
	struct pr_error err = { 0 };
	const char *junk = "this is not an event format\n";

	(void)state;
	assert_int_equal(prt_gfp_flags_from_format(junk, strlen(junk), "junk.txt", &tab, &n, &err),
			 -1);
	assert_string_equal(err.msg,
		"'junk.txt': expected a tracefs event format (name:, ID:, format:, print fmt:)");
	assert_int_equal(prt_gfp_flags_from_file("/nonexistent/format", &tab, &n, &err), -1);
	assert_string_equal(err.msg, "cannot open '/nonexistent/format': No such file or directory");
}

static void test_format_without_flags(void **state)
{
	/* mm_page_free's format has no gfp field: a clear error, not an empty table. */
	const char *text =
		"name: mm_page_free\nID: 1\nformat:\n"
		"\tfield:unsigned long pfn;\toffset:8;\tsize:8;\tsigned:0;\n\n"
		"print fmt: \"pfn=0x%lx\", REC->pfn\n";
	struct prt_flag *tab = NULL;
	uint32_t n = 0;
	struct pr_error err = { 0 };

	(void)state;
	assert_int_equal(prt_gfp_flags_from_format(text, strlen(text), "free.format", &tab, &n,
						   &err), -1);
	assert_string_equal(err.msg, "'free.format': event 'mm_page_free': expected __print_flags "
				     "over the gfp field in its print fmt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_from_618_format),
		cmocka_unit_test(test_format_like_kernel),
		cmocka_unit_test(test_format_truncates_like_snprintf),
		cmocka_unit_test(test_parse_round_trip),
		cmocka_unit_test(test_parse_unknown_name),
		cmocka_unit_test(test_not_a_format),
		cmocka_unit_test(test_format_without_flags),
	};

	return cmocka_run_group_tests_name("gfp_format", tests, load_618, unload);
}
