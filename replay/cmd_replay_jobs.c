/* SPDX-License-Identifier: MIT */
/*
 * `replay A.prt B.prt ... --jobs N`: one process per trace, at most N at
 * once. Each child writes its stdout and stderr into a scratch directory
 * and, with --db, its run into a scratch database of its own: a run holds
 * the database's write lock for its whole replay, so children writing one
 * file would time out on each other. The parent prints everything in
 * argument order and merges the runs into the database in that order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "db/db.h"
#include "replay/cmd_replay.h"

struct job {
	pid_t pid;
	int status;		/* exit code, 128 + signal */
	char out[4096], err[4096], db[4096];
};

static void child(const char *path, const struct job *j, const struct replay_cli *c)
{
	struct replay_cli mine = *c;
	int out = open(j->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int err = open(j->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
		_exit(EXIT_FAIL);
	close(out);
	close(err);
	if (c->db_path) {
		mine.db_path = j->db;
		mine.quiet_db = true;
	}
	mine.json = c->json;
	int st = replay_one(path, &mine);
	fflush(stdout);
	fflush(stderr);
	_exit(st);
}

static int wait_one(struct job *jobs, int n)
{
	int wst;
	pid_t pid;

	do
		pid = waitpid(-1, &wst, 0);
	while (pid < 0 && errno == EINTR);
	if (pid < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (jobs[i].pid == pid) {
			jobs[i].status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
			jobs[i].pid = 0;
		}
	return 0;
}

/* Copy a child's file to our stream; for a JSON object, without its newline. */
static void copy(const char *file, FILE *to, bool chomp)
{
	FILE *f = fopen(file, "r");
	char buf[65536];
	size_t n, pending = 0;

	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (pending)
			fputc('\n', to);
		pending = chomp && buf[n - 1] == '\n';
		fwrite(buf, 1, n - pending, to);
	}
	fclose(f);
}

static int merge(const char *db_path, char **paths, const struct job *jobs, int n)
{
	struct pr_error err = { 0 };
	struct pr_db *db = db_open(db_path, DB_OPEN_CREATE, 0, &err);
	int status = EXIT_OK;
	uint64_t runs = 0;

	if (!db)
		return cli_report(&err);
	for (int i = 0; i < n; i++) {
		struct db_merge_stats st = { 0 };

		if (jobs[i].status != EXIT_OK)
			continue;
		if (db_merge_from(db, jobs[i].db, &st, &err) < 0) {
			cli_error("'%s': writing its run into '%s': %s", paths[i], db_path, err.msg);
			status = EXIT_FAIL;
			continue;
		}
		runs += st.runs_added;
	}
	if (db_close(db, &err) < 0)
		status = cli_report(&err);
	fprintf(stderr, "pagereplay: %llu runs written to '%s'\n", (unsigned long long)runs,
		db_path);
	return status;
}

static void print_all(char **paths, const struct job *jobs, int n, const struct replay_cli *c)
{
	if (c->json)
		fputs("[", stdout);
	for (int i = 0, first = 1; i < n; i++) {
		copy(jobs[i].err, stderr, false);
		if (jobs[i].status != EXIT_OK)
			cli_error("'%s': replay failed (exit %d)", paths[i], jobs[i].status);
		if (c->json && jobs[i].status == EXIT_OK && !first)
			fputs(",", stdout);
		copy(jobs[i].out, stdout, c->json);
		first &= !(c->json && jobs[i].status == EXIT_OK);
	}
	if (c->json)
		fputs("]\n", stdout);
	fflush(stderr);
}

static void cleanup(const char *dir, const struct job *jobs, int n)
{
	for (int i = 0; i < n; i++) {
		char wal[4200];

		unlink(jobs[i].out);
		unlink(jobs[i].err);
		unlink(jobs[i].db);
		snprintf(wal, sizeof(wal), "%s-wal", jobs[i].db);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", jobs[i].db);
		unlink(wal);
	}
	rmdir(dir);
}

int replay_jobs(char **paths, int n, unsigned max_jobs, const struct replay_cli *c)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4000];
	struct job *jobs = calloc((size_t)n, sizeof(*jobs));
	int running = 0, status = EXIT_OK;

	snprintf(dir, sizeof(dir), "%s/pagereplay-jobs.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!jobs || !mkdtemp(dir)) {
		free(jobs);
		return cli_error("cannot make a scratch directory in '%s': %s",
				 tmp && *tmp ? tmp : "/tmp", strerror(errno));
	}
	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < n; i++) {
		snprintf(jobs[i].out, sizeof(jobs[i].out), "%s/%d.out", dir, i);
		snprintf(jobs[i].err, sizeof(jobs[i].err), "%s/%d.err", dir, i);
		snprintf(jobs[i].db, sizeof(jobs[i].db), "%s/%d.db", dir, i);
		while (running >= (int)max_jobs && wait_one(jobs, n) == 0)
			running--;
		jobs[i].pid = fork();
		if (jobs[i].pid == 0)
			child(paths[i], &jobs[i], c);
		if (jobs[i].pid < 0) {
			jobs[i].pid = 0;
			jobs[i].status = EXIT_FAIL;
			snprintf(jobs[i].err, sizeof(jobs[i].err), "%s/none", dir);
			continue;
		}
		running++;
	}
	while (running > 0 && wait_one(jobs, n) == 0)
		running--;
	print_all(paths, jobs, n, c);
	for (int i = 0; i < n; i++)
		if (jobs[i].status != EXIT_OK)
			status = EXIT_FAIL;
	if (c->db_path && merge(c->db_path, paths, jobs, n) != EXIT_OK)
		status = EXIT_FAIL;
	cleanup(dir, jobs, n);
	free(jobs);
	return status;
}
