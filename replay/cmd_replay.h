/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_CMD_REPLAY_H
#define PR_REPLAY_CMD_REPLAY_H

/* Private to `pagereplay replay`: one trace, free-run output, parallel jobs. */

#include <stdbool.h>
#include <stdint.h>

#include "replay/replay.h"

struct replay_cli {
	struct rp_options opt;
	const char *db_path;
	uint64_t sample_every;
	bool json, verbose;
	bool quiet_db;		/* no "run N written" line (a job's scratch database) */
};

/* Replay one trace and print its result; returns an exit code. */
int replay_one(const char *path, const struct replay_cli *c);
int replay_free_one(const char *path, const struct replay_cli *c);
/* Several traces in at most `jobs` processes, printed in argument order. */
int replay_jobs(char **paths, int n, unsigned jobs, const struct replay_cli *c);

#endif
