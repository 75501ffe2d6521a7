/* SPDX-License-Identifier: MIT */
/* pagereplay report and compare: terminal output, HTML page, headless Chromium. */
#include "tests/lib/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/test_db_fixture.h"
#include "tests/test_db_helpers.h"

static const char *make_db(const char *name)
{
	const char *p = scratch_path(name);
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(p, DB_OPEN_CREATE, 0, &err);
	int64_t id;

	if (!db || fx_write_run(db, "hostA", "linux-6", 30, 2, &id, &err) < 0 ||
	    fx_write_run(db, "hostA", "linux-5.10", 12, 6, &id, &err) < 0)
		fail_msg("%s", err.msg);
	db_close(db, NULL);
	return p;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_report_terminal(void **state)
{
	const char *p = make_db("r.db");
	struct run_result r = run_pagereplay("report", "--db", p, "--run", "1", NULL);

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_memory_equal(r.out, "run 1\n  run                    1\n  host                   hostA\n",
			    60);
	assert_non_null(strstr(r.out, "  model                  linux-6\n"));
	assert_non_null(strstr(r.out, "  model_alloc_failures   5\n"));
	assert_non_null(strstr(r.out, "  agreement              94.34%\n"));
	assert_non_null(strstr(r.out, "exact_pfn            1    500  94.34%\n"));
	assert_non_null(strstr(r.out, "other_zone         11   1000    1   42      1  "
				      "GFP_KERNEL|__GFP_COMP               Normal       DMA32"));
	/* Normal at the end: 45 pages, nothing above order 2, index at order 9. */
	assert_non_null(strstr(r.out, "Normal  end     1000          45        2     1.000"
				      "    0.949  1.000           0  no          5\n"));
	assert_non_null(strstr(r.out, "kernel          2            1       1         0"));
	/* the model's range while zoneinfo was read, and how long that took */
	assert_non_null(strstr(r.out, "  1  Normal    5000   5100   100  5050..5100           2.500\n"));
	/* each cpu's pcp list beside the model's, the largest difference first */
	assert_non_null(strstr(r.out, "  1  DMA32    1    1122    947  -175       0        10081"
				      "       10585\n"));
	assert_null(strstr(r.out, "  1  DMA32    0     512"));	/* agrees: not listed */
	run_result_free(&r);

	/* Without --run: the newest run. */
	r = run_pagereplay("report", "--db", p, NULL);
	assert_int_equal(r.status, 0);
	assert_memory_equal(r.out, "run 2\n", 6);
	assert_non_null(strstr(r.out, "  model                  linux-5.10\n"));
	run_result_free(&r);
}

static void test_report_errors(void **state)
{
	const char *p = make_db("re.db");
	const char *empty = scratch_path("empty.db");
	struct pr_db *db;
	char want[512];
	struct run_result r = run_pagereplay("report", "--db", p, "--run", "99", NULL);

	(void)state;
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "pagereplay: error: '%s': no run 99\n", p);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");
	run_result_free(&r);

	db = db_open(empty, DB_OPEN_CREATE, 0, NULL);
	db_close(db, NULL);
	r = run_pagereplay("report", "--db", empty, NULL);
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "pagereplay: error: '%s': no runs yet\n", empty);
	assert_string_equal(r.err, want);
	run_result_free(&r);

	r = run_pagereplay("report", "--db", p, "--run", "x", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "--run: expected a run id, found 'x'"));
	run_result_free(&r);

	r = run_pagereplay("report", "--run", "1", NULL);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "pagereplay: error: --db is required\n"
			    "try 'pagereplay help report' for usage\n");
	run_result_free(&r);

	r = run_pagereplay("report", "--db", p, "--html", "/nonexistent/dir/r.html", NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "pagereplay: error: '/nonexistent/dir/r.html.tmp': cannot "
			    "create: No such file or directory\n");
	run_result_free(&r);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static const char *write_html(const char *db, const char *name)
{
	const char *out = scratch_path(name);
	struct run_result r = run_pagereplay("report", "--db", db, "--run", "1", "--html", out,
					     NULL);
	char tmp[600];

	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "wrote "));
	run_result_free(&r);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	assert_int_equal(access(tmp, F_OK), -1);
	return out;
}

static void test_report_html(void **state)
{
	const char *out = write_html(make_db("h.db"), "report.html");
	char *html = slurp(out, NULL);

	(void)state;
	assert_non_null(html);
	assert_memory_equal(html, "<!DOCTYPE html>", 15);
	/* One bar chart, 3 zones x 2 line plots, one checkpoint plot (Normal). */
	assert_int_equal(count(html, "<svg "), 8);
	assert_int_equal(count(html, "</svg>"), 8);
	assert_int_equal(count(html, "class=\"series\""), 3 * 10 + 3 * 11 + 2);
	assert_int_equal(count(html, "class=\"bar\""), 4);
	assert_non_null(strstr(html, "model vs kernel free pages: zone Normal"));
	assert_non_null(strstr(html, "GFP_KERNEL|__GFP_COMP"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src=\""));	/* nothing loaded from elsewhere */
	assert_null(strstr(html, "<link"));
	assert_string_equal(strstr(html, "</html>"), "</html>\n");
	free(html);
}

/* ---- Headless Chromium: the page loads and the plots are drawn ---- */

static bool have_chromium(void)
{
	return system("command -v chromium >/dev/null 2>&1") == 0;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Decode an 8-bit RGB(A) non-interlaced PNG; count non-white and coloured pixels. */
static void png_pixels(const char *path, long *non_white, long *coloured)
{
	size_t len, idat_len = 0, pos = 8;
	unsigned char *png = (unsigned char *)slurp(path, &len), *idat = malloc(len), *raw;
	uint32_t w = 0, h = 0;
	int bpp = 0;
	uLongf raw_len;

	assert_non_null(png);
	assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
	while (pos + 8 <= len) {
		uint32_t n = be32(png + pos);
		const unsigned char *type = png + pos + 4, *data = png + pos + 8;

		if (!memcmp(type, "IHDR", 4)) {
			w = be32(data);
			h = be32(data + 4);
			assert_int_equal(data[8], 8);	/* bit depth */
			assert_int_equal(data[12], 0);	/* not interlaced */
			bpp = data[9] == 6 ? 4 : 3;
		} else if (!memcmp(type, "IDAT", 4)) {
			memcpy(idat + idat_len, data, n);
			idat_len += n;
		}
		pos += 12 + n;
	}
	raw_len = (uLongf)h * (1 + (uLongf)w * (uLongf)bpp);
	raw = malloc(raw_len);
	assert_int_equal(uncompress(raw, &raw_len, idat, idat_len), Z_OK);
	*non_white = *coloured = 0;
	for (uint32_t y = 0; y < h; y++) {
		unsigned char *row = raw + y * (1 + w * (uint32_t)bpp), *cur = row + 1;
		unsigned char *prev = y ? raw + (y - 1) * (1 + w * (uint32_t)bpp) + 1 : NULL;

		for (uint32_t i = 0; i < w * (uint32_t)bpp; i++) {
			int a = i >= (uint32_t)bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
			int c = prev && i >= (uint32_t)bpp ? prev[i - bpp] : 0;
			int add[5] = { 0, a, b, (a + b) / 2, paeth(a, b, c) };

			cur[i] = (unsigned char)(cur[i] + add[row[0] % 5]);
		}
		for (uint32_t x = 0; x < w; x++) {
			unsigned char *px = cur + x * (uint32_t)bpp;

			*non_white += px[0] < 250 || px[1] < 250 || px[2] < 250;
			*coloured += abs(px[0] - px[1]) > 40 || abs(px[1] - px[2]) > 40;
		}
	}
	free(raw);
	free(idat);
	free(png);
}

static void test_html_in_chromium(void **state)
{
	const char *html, *png, *log;
	char cmd[2048], *errs;
	long non_white, coloured;

	(void)state;
	require_or_skip(have_chromium(), "chromium is not installed (apt-get install chromium)");
	html = write_html(make_db("c.db"), "chromium.html");
	png = scratch_path("shot.png");
	log = scratch_path("chromium.log");
	snprintf(cmd, sizeof(cmd), "timeout 120 chromium --headless --no-sandbox --disable-gpu "
		 "--hide-scrollbars --enable-logging=stderr --window-size=900,3000 "
		 "--screenshot='%s' 'file://%s' >/dev/null 2>'%s'", png, html, log);
	assert_int_equal(system(cmd), 0);
	errs = slurp(log, NULL);
	assert_non_null(errs);
	assert_null(strstr(errs, "Uncaught"));
	assert_null(strstr(errs, ":CONSOLE("));
	free(errs);
	png_pixels(png, &non_white, &coloured);
	print_message("chromium screenshot: %ld non-white, %ld coloured pixels\n", non_white,
		      coloured);
	assert_true(non_white > 50000);
	assert_true(coloured > 5000);	/* the plot lines and bars */
}

static void test_compare(void **state)
{
	const char *p = make_db("cmp.db");
	struct run_result r = run_pagereplay("compare", "--db", p, "1", "2", NULL);

	(void)state;
	assert_int_equal(r.status, 0);
	assert_memory_equal(r.out, "run A = 1, run B = 2 (same trace)\n", 34);
	assert_non_null(strstr(r.out, "model                         linux-6   linux-5.10"));
	assert_non_null(strstr(r.out, "allocation failures (model)          5           5"
				      "       0\n"));
	assert_non_null(strstr(r.out, "agreement                       94.34%      97.66%"
				      "  +3.32%\n"));
	assert_non_null(strstr(r.out, "kernel            2            2              1"));
	assert_non_null(strstr(r.out, "Normal        5        5             0             0"
				      "   1.000   1.000          2          6\n"));
	assert_non_null(strstr(r.out, "Normal      9       1.000       1.000      0.949"));
	run_result_free(&r);

	r = run_pagereplay("compare", "--db", p, "1", "7", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "': no run 7\n"));
	run_result_free(&r);

	r = run_pagereplay("compare", "--db", p, "1", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "pagereplay: error: expected two run ids\n"));
	run_result_free(&r);

	r = run_pagereplay("compare", "--db", p, "1", "two", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "expected a run id, found 'two'"));
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_terminal),
		cmocka_unit_test(test_report_errors),
		cmocka_unit_test(test_report_html),
		cmocka_unit_test(test_html_in_chromium),
		cmocka_unit_test(test_compare),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	scratch_cleanup();
	return rc;
}
