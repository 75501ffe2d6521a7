/* SPDX-License-Identifier: MIT */
/* Free page reporting's counters, polled: see reporting_poll.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/reporting_poll.h"
#include "common/clock.h"

enum { WALKED, REPORTED_KIB, PASSES, NR_COUNTERS };
static const char *const counter_names[NR_COUNTERS] = { "walked", "reported_kib", "passes" };

struct reporting_poll {
	int fd[NR_COUNTERS];
	unsigned interval_us;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t lock;
	struct prt_reporting_sample *kept;	/* under lock */
	size_t nr_kept, cap_kept;
};

static int read_counter(int fd, uint64_t *v)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*v = strtoull(buf, NULL, 10);
	return 0;
}

static int read_sample(const struct reporting_poll *p, struct prt_reporting_sample *s)
{
	s->ts_ns = pr_now_ns();
	return read_counter(p->fd[WALKED], &s->walked) < 0 ||
			       read_counter(p->fd[REPORTED_KIB], &s->reported_kib) < 0 ||
			       read_counter(p->fd[PASSES], &s->passes) < 0
		       ? -1
		       : 0;
}

static void keep(struct reporting_poll *p, const struct prt_reporting_sample *s)
{
	pthread_mutex_lock(&p->lock);
	if (p->nr_kept == p->cap_kept) {
		size_t cap = p->cap_kept ? p->cap_kept * 2 : 256;
		struct prt_reporting_sample *bigger = realloc(p->kept, cap * sizeof(*bigger));

		if (!bigger) {	/* the sample is lost; replay sees a longer batch */
			pthread_mutex_unlock(&p->lock);
			return;
		}
		p->kept = bigger;
		p->cap_kept = cap;
	}
	p->kept[p->nr_kept++] = *s;
	pthread_mutex_unlock(&p->lock);
}

static bool same_counts(const struct prt_reporting_sample *a, const struct prt_reporting_sample *b)
{
	return a->walked == b->walked && a->reported_kib == b->reported_kib &&
	       a->passes == b->passes;
}

static void *poll_main(void *arg)
{
	struct reporting_poll *p = arg;
	struct prt_reporting_sample last = { 0 }, now;
	struct timespec nap = { 0, (long)p->interval_us * 1000 };
	bool first = true;

	while (!atomic_load(&p->stop)) {
		if (read_sample(p, &now) == 0 && (first || !same_counts(&now, &last))) {
			keep(p, &now);	/* the first sample is the baseline */
			last = now;
			first = false;
		}
		nanosleep(&nap, NULL);
	}
	return NULL;
}

static void close_fds(struct reporting_poll *p)
{
	for (int i = 0; i < NR_COUNTERS; i++)
		if (p->fd[i] >= 0)
			close(p->fd[i]);
}

struct reporting_poll *reporting_poll_start(const char *dir, unsigned interval_us,
					    struct pr_error *err)
{
	struct reporting_poll *p = calloc(1, sizeof(*p));

	pr_error_clear(err);
	if (!p) {
		pr_fail(err, PR_ENOMEM, "out of memory for the reporting poller");
		return NULL;
	}
	for (int i = 0; i < NR_COUNTERS; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", dir, counter_names[i]);
		p->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (p->fd[i] < 0) {
			close_fds(p);
			free(p);
			return NULL;	/* no counters: nothing to poll, not an error */
		}
	}
	p->interval_us = interval_us ? interval_us : REPORTING_POLL_US;
	pthread_mutex_init(&p->lock, NULL);
	atomic_store(&p->stop, false);
	if (pthread_create(&p->thread, NULL, poll_main, p) != 0) {
		pthread_mutex_destroy(&p->lock);
		close_fds(p);
		free(p);
		pr_fail(err, PR_ENOMEM, "cannot start the reporting poller");
		return NULL;
	}
	return p;
}

size_t reporting_poll_take(struct reporting_poll *p, struct prt_reporting_sample *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&p->lock);
	n = p->nr_kept < max ? p->nr_kept : max;
	memcpy(out, p->kept, n * sizeof(*out));
	memmove(p->kept, p->kept + n, (p->nr_kept - n) * sizeof(*out));
	p->nr_kept -= n;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void reporting_poll_stop(struct reporting_poll *p)
{
	if (!p)
		return;
	atomic_store(&p->stop, true);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->lock);
	close_fds(p);
	free(p->kept);
	free(p);
}
