/* SPDX-License-Identifier: MIT */
#include "tests/lib/harness.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	while (buf && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

static const char *binary_path(void)
{
	const char *bin = getenv("PAGEREPLAY_BIN");

	return bin ? bin : "build/pagereplay";
}

struct run_result run_pagereplay_argv(const char *const *argv)
{
	struct run_result r = { .status = -1 };
	char out_tmpl[] = "/tmp/pr-out-XXXXXX", err_tmpl[] = "/tmp/pr-err-XXXXXX";
	int out_fd = mkstemp(out_tmpl), err_fd = mkstemp(err_tmpl);
	const char *args[64];
	size_t n = 0;
	pid_t pid;
	int wstatus;

	assert_true(out_fd >= 0 && err_fd >= 0);
	unlink(out_tmpl);
	unlink(err_tmpl);
	args[n++] = binary_path();
	while (argv[n - 1] && n < 63) {
		args[n] = argv[n - 1];
		n++;
	}
	args[n] = NULL;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, STDIN_FILENO);
		dup2(out_fd, STDOUT_FILENO);
		dup2(err_fd, STDERR_FILENO);
		/* a command that hangs fails its test (SIGALRM: status 142)
		 * instead of hanging the suite; a real run takes seconds */
		alarm(600);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	waitpid(pid, &wstatus, 0);
	r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	lseek(out_fd, 0, SEEK_SET);
	lseek(err_fd, 0, SEEK_SET);
	r.out = slurp_fd(out_fd);
	r.err = slurp_fd(err_fd);
	close(out_fd);
	close(err_fd);
	return r;
}

struct run_result run_pagereplay(const char *arg, ...)
{
	const char *argv[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, arg);
	for (const char *a = arg; a && n < 63; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return run_pagereplay_argv(argv);
}

void run_result_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

const char *project_path(const char *rel)
{
	static char buf[8][PATH_MAX];
	static int slot;
	const char *root = getenv("PAGEREPLAY_ROOT");
	char *p = buf[slot++ & 7];

	snprintf(p, PATH_MAX, "%s/%s", root ? root : ".", rel);
	return p;
}

static char scratch[256];

const char *scratch_dir(void)
{
	if (!scratch[0]) {
		snprintf(scratch, sizeof(scratch), "/tmp/pagereplay-test-XXXXXX");
		assert_non_null(mkdtemp(scratch));
	}
	return scratch;
}

const char *scratch_path(const char *name)
{
	static char buf[8][PATH_MAX];
	static int slot;
	char *p = buf[slot++ & 7];

	snprintf(p, PATH_MAX, "%s/%s", scratch_dir(), name);
	return p;
}

void scratch_cleanup(void)
{
	char cmd[PATH_MAX + 16];

	if (!scratch[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", scratch);
	scratch[0] = '\0';
}

bool have_root(void)
{
	return geteuid() == 0;
}

bool have_tracefs(void)
{
	struct stat st;

	return stat("/sys/kernel/tracing/instances", &st) == 0 ||
	       stat("/sys/kernel/debug/tracing/instances", &st) == 0;
}
