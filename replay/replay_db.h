/* SPDX-License-Identifier: MIT */
#ifndef PR_REPLAY_REPLAY_DB_H
#define PR_REPLAY_REPLAY_DB_H

/*
 * `replay --db`: the glue between a replay and the database, used by the
 * command only (replay itself knows nothing of SQLite). Every classified
 * allocation feeds the agreement table, divergences are kept row by row,
 * zones are sampled for fragmentation; the run becomes visible at commit,
 * or not at all.
 */

#include "replay/replay.h"

struct rp_db_sink;

#define RP_DB_SAMPLE_EVERY 100000	/* default fragmentation sample interval, events */

/* sample_every: events between fragmentation samples (0: the default). */
struct rp_db_sink *rp_db_sink_open(const char *db_path, const char *trace_path,
				   const char *options, uint64_t sample_every,
				   struct pr_error *err);
/* "lockstep" (default) or "free": free-run also keeps the model's fallbacks. */
void rp_db_sink_set_mode(struct rp_db_sink *s, const char *mode);
/* The observer to put in rp_options. */
const struct rp_observer *rp_db_sink_observer(struct rp_db_sink *s);
/* Agreement, summary, commit; frees the sink. Returns the run id or -1. */
int64_t rp_db_sink_commit(struct rp_db_sink *s, const struct rp_result *res, struct pr_error *err);
/* Drop the run (error or interrupt); frees the sink. */
void rp_db_sink_abort(struct rp_db_sink *s);

#endif
