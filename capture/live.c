/* SPDX-License-Identifier: MIT */
/*
 * Live capture. Order of work, chosen so the trace explains the snapshot:
 *   1. a private instance "pagereplay-<pid>", tracing off, overwrite off (so
 *      the kernel counts drops), the "mono" clock (one clock for all CPUs:
 *      ktime_get_mono_fast_ns, same as CLOCK_MONOTONIC), a large buffer;
 *   2. the header: identity, zones, flag tables, settings;
 *   3. tracing on, then the /proc snapshot and the kpageflags free map, so
 *      anything that changes during the scan is in the trace;
 *   4. a reading thread copies every CPU's raw sub-buffers into a page queue;
 *      this thread decodes and writes them, until CMD exits, the duration
 *      ends or a stop is requested; tracing off; flush; stats; close.
 * The instance is removed on every path out, including signals (the command
 * installs handlers that call live_request_stop).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <tracefs/tracefs.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include <unistd.h>

#include "capture/gfp_format.h"
#include "capture/kpageflags.h"
#include "capture/live.h"
#include "capture/reporting_poll.h"
#include "capture/live_events.h"
#include "capture/live_queue.h"
#include "capture/pcp_shrink.h"
#include "capture/procfs.h"
#include "common/clock.h"

static volatile sig_atomic_t stop_requested;

#define PID_NAMED 0x80000000u	/* in session.pids: comm already recorded */

void live_request_stop(void)
{
	stop_requested = 1;
}

/* PAGEREPLAY_TRACEFS names the mount to use (tests, unusual mounts). */
const char *live_find_tracefs(struct pr_error *err)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *forced = getenv("PAGEREPLAY_TRACEFS");
	struct stat st;

	if (forced && *forced) {
		char path[512];

		snprintf(path, sizeof(path), "%s/instances", forced);
		if (stat(path, &st) == 0)
			return forced;
		pr_fail(err, PR_ENOSYS, "tracefs is not mounted at '%s'; mount it with: "
			"mount -t tracefs nodev /sys/kernel/tracing", forced);
		return NULL;
	}

	for (size_t i = 0; i < 2; i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/instances", dirs[i]);
		if (stat(path, &st) == 0)
			return dirs[i];
	}
	pr_fail(err, PR_ENOSYS, "tracefs is not mounted; mount it with: "
		"mount -t tracefs nodev /sys/kernel/tracing");
	return NULL;
}

struct session {
	const struct live_options *opt;
	struct live_stats *stats;
	struct tracefs_instance *instance;
	struct tep_handle *tep;
	struct kbuffer *kbuf;
	struct tracefs_cpu **tcpu;
	struct prt_writer *writer;
	struct prt_header header;
	struct live_event *bound;	/* indexed by tep event id */
	int max_id;
	uint32_t nr_cpus;
	void *page;
	uint32_t *pids;			/* open-addressing set of pids seen */
	uint32_t pid_cap, nr_pids;
	pid_t child;
	struct prt_checkpoint after_scan;	/* /proc sample right after the scan */
	uint32_t cp_seq;			/* next checkpoint's number */
	struct live_queue queue;
	pthread_t reader;
	bool reader_running;
	atomic_bool reader_stop;
	struct reporting_poll *reporting;	/* NULL: the host has no counters */
};

/* /proc/PID/comm into the writer; false if the process is gone. */
static bool comm_from_proc(struct session *s, uint32_t pid)
{
	char path[64], *comm;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	comm = procfs_read(path, NULL, NULL);
	if (!comm)
		return false;
	comm[strcspn(comm, "\n")] = '\0';
	prt_writer_set_comm(s->writer, pid, comm, NULL);
	free(comm);
	return true;
}

/*
 * The comm of a pid is read the first time the pid shows up (once per pid,
 * not per event), while short-lived workers still exist; fill_comms()
 * settles the names at the end.
 */
static void remember_pid(struct session *s, uint32_t pid)
{
	uint32_t i;

	if (!pid || !s->pids)
		return;
	for (i = (pid * 2654435761u) & (s->pid_cap - 1); s->pids[i]; i = (i + 1) & (s->pid_cap - 1))
		if ((s->pids[i] & ~PID_NAMED) == pid)
			return;
	if (s->nr_pids * 2 >= s->pid_cap)
		return;		/* table full: the comm table is best effort */
	s->pids[i] = pid | (comm_from_proc(s, pid) ? PID_NAMED : 0);
	s->nr_pids++;
}

/*
 * A capture killed with SIGKILL cannot remove its instance. The next one
 * removes instances named like ours whose process is gone, and only those.
 */
static void remove_stale_instances(const char *tracefs)
{
	char dir[256];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/instances", tracefs);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *end, path[512];
		long pid;

		if (strncmp(e->d_name, "pagereplay-", 11) != 0)
			continue;
		pid = strtol(e->d_name + 11, &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		rmdir(path);
	}
	closedir(d);
}

static int write_file(struct session *s, const char *file, const char *value, struct pr_error *err)
{
	if (tracefs_instance_file_write(s->instance, file, value) < 0)
		return pr_fail_errno(err, "cannot write '%s' of tracefs instance '%s'", file,
				     tracefs_instance_get_name(s->instance));
	return 0;
}

static bool wanted(const struct live_event_def *d, const char *spec)
{
	bool on = d->default_on;
	const char *p = spec;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		char sign = *p;
		const char *name = (sign == '+' || sign == '-') ? p + 1 : p;
		size_t len = n - (size_t)(name - p);

		if (strlen(d->name) == len && strncmp(d->name, name, len) == 0)
			on = sign != '-';
		else if (strlen(d->system) == len && strncmp(d->system, name, len) == 0)
			on = sign != '-';
		p += n + (p[n] == ',');
	}
	return on;
}

static int check_events_spec(const char *spec, struct pr_error *err)
{
	const struct live_event_def *defs;
	size_t nd = live_event_defs(&defs);

	for (const char *p = spec; p && *p;) {
		size_t n = strcspn(p, ","), len;
		const char *name = (*p == '+' || *p == '-') ? p + 1 : p;
		bool known = false;

		len = n - (size_t)(name - p);
		for (size_t i = 0; i < nd; i++)
			if ((strlen(defs[i].name) == len && !strncmp(defs[i].name, name, len)) ||
			    (strlen(defs[i].system) == len && !strncmp(defs[i].system, name, len)))
				known = true;
		if (!known)
			return pr_fail(err, PR_EUSAGE, "--events: unknown event '%.*s'", (int)len, name);
		p += n + (p[n] == ',');
	}
	return 0;
}

static int enable_events(struct session *s, struct pr_error *err)
{
	const struct live_event_def *defs;
	size_t nd = live_event_defs(&defs);

	s->max_id = 0;
	for (size_t i = 0; i < nd; i++) {
		struct tep_event *e = tep_find_event_by_name(s->tep, defs[i].system, defs[i].name);

		if (e && e->id > s->max_id)
			s->max_id = e->id;
	}
	s->bound = calloc((size_t)s->max_id + 1, sizeof(*s->bound));
	if (!s->bound)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	for (size_t i = 0; i < nd; i++) {
		struct live_event b;

		if (!wanted(&defs[i], s->opt->events))
			continue;
		if (live_event_bind(&b, s->tep, &defs[i]) < 0)
			continue;	/* this kernel lacks it */
		if (tracefs_event_enable(s->instance, defs[i].system, defs[i].name) < 0)
			return pr_fail_errno(err, "cannot enable %s:%s", defs[i].system, defs[i].name);
		s->bound[b.event->id] = b;
	}
	return 0;
}

/*
 * A tep with the ring-buffer header and only our events' formats, read from
 * our instance. (tracefs_local_events_system() would also parse every event
 * of the systems plus all of /proc/kallsyms, which we never use: seconds.)
 */
static struct tep_handle *load_formats(struct tracefs_instance *instance)
{
	enum tep_endian endian = tep_is_bigendian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN;
	struct tep_handle *tep = tep_alloc();
	const struct live_event_def *defs;
	size_t nd = live_event_defs(&defs);
	char *buf;
	int len;

	if (!tep)
		return NULL;
	tep_set_file_bigendian(tep, endian);
	tep_set_local_bigendian(tep, endian);
	tep_set_long_size(tep, (int)sizeof(long));
	tep_set_page_size(tep, getpagesize());
	buf = tracefs_instance_file_read(NULL, "events/header_page", &len);
	if (!buf || tep_parse_header_page(tep, buf, (unsigned long)len, (int)sizeof(long)) < 0) {
		free(buf);
		tep_free(tep);
		return NULL;
	}
	free(buf);
	for (size_t i = 0; i < nd; i++) {
		buf = tracefs_event_file_read(instance, defs[i].system, defs[i].name, "format", &len);
		if (buf)	/* an event this kernel lacks is skipped later */
			tep_parse_event(tep, buf, (unsigned long)len, defs[i].system);
		free(buf);
	}
	return tep;
}

static int setup_instance(struct session *s, struct pr_error *err)
{
	char name[64], size[32];

	snprintf(name, sizeof(name), "pagereplay-%d", (int)getpid());
	s->instance = tracefs_instance_create(name);
	if (!s->instance)
		return pr_fail_errno(err, "cannot create tracefs instance '%s'", name);
	snprintf(size, sizeof(size), "%u", s->opt->buffer_kb ? s->opt->buffer_kb
							      : LIVE_DEFAULT_BUFFER_KB);
	if (write_file(s, "tracing_on", "0", err) < 0 ||
	    write_file(s, "buffer_size_kb", size, err) < 0 ||
	    write_file(s, "trace_clock", "mono", err) < 0 ||
	    write_file(s, "options/overwrite", "0", err) < 0)
		return -1;
	s->tep = load_formats(s->instance);
	if (!s->tep)
		return pr_fail_errno(err, "cannot read the kernel's event formats");
	s->kbuf = tep_kbuffer(s->tep);
	return s->kbuf ? enable_events(s, err) : pr_fail(err, PR_ENOMEM, "cannot make a kbuffer");
}

static int fill_header(struct session *s, struct pr_error *err)
{
	struct prt_header *h = &s->header;
	struct tep_event *alloc = tep_find_event_by_name(s->tep, "kmem", "mm_page_alloc");
	char *zi = NULL, *pti = NULL;
	int ret = -1;

	h->source = PRT_SOURCE_CAPTURE;
	snprintf(h->trace_clock, sizeof(h->trace_clock), "mono");
	h->nr_orders = 11;
	if (procfs_host_identity(h, err) < 0 || procfs_host_settings(h, err) < 0)
		return -1;
	s->nr_cpus = h->nr_cpus;
	if (!(zi = procfs_read("/proc/zoneinfo", NULL, err)) ||
	    procfs_parse_zoneinfo(zi, "/proc/zoneinfo", h->nr_cpus, h, err) < 0 ||
	    !(pti = procfs_read("/proc/pagetypeinfo", NULL, err)) ||
	    procfs_parse_pagetypeinfo(pti, "/proc/pagetypeinfo", h, &h->initial, err) < 0)
		goto out;
	prt_checkpoint_release(&h->initial);	/* sampled again once tracing is on */
	if (!alloc || prt_gfp_flags_from_event(alloc, &h->gfp_flags, &h->nr_gfp_flags, err) < 0) {
		if (!alloc)
			pr_fail(err, PR_ENOSYS, "this kernel has no kmem:mm_page_alloc event");
		goto out;
	}
	ret = 0;
out:
	free(zi);
	free(pti);
	return ret;
}

static void add_cmdline(struct prt_header *h, char *const *argv)
{
	size_t len = 1;
	char *p;

	for (char *const *a = argv; a && *a; a++)
		len += strlen(*a) + 1;
	h->cmdline = calloc(1, len);
	for (char *const *a = argv; h->cmdline && a && *a; a++) {
		p = h->cmdline + strlen(h->cmdline);
		sprintf(p, "%s%s", a == argv ? "" : " ", *a);
	}
}

static int record_lost(struct session *s, uint32_t cpu, uint64_t ts, int missed,
		       struct pr_error *err)
{
	struct prt_event ev = { .type = PRT_EV_LOST, .cpu = (uint16_t)cpu, .ts_ns = ts,
				.pfn = PRT_PFN_NONE, .migratetype = -1 };

	ev.arg[0] = missed > 0 ? (uint64_t)missed : 0;
	s->stats->lost += missed > 0 ? (uint64_t)missed : 1;
	s->stats->events[PRT_EV_LOST]++;
	return prt_writer_add(s->writer, &ev, err);
}

/* Decode one raw sub-buffer of cpu into events. */
static int parse_page(struct session *s, uint32_t cpu, void *page, struct pr_error *err)
{
	unsigned long long ts;
	void *data;
	int missed;

	if (kbuffer_load_subbuffer(s->kbuf, page) < 0)
		return 0;
	missed = kbuffer_missed_events(s->kbuf);
	if (missed && record_lost(s, cpu, kbuffer_subbuf_timestamp(s->kbuf, page), missed,
				  err) < 0)
		return -1;
	for (data = kbuffer_read_event(s->kbuf, &ts); data; data = kbuffer_next_event(s->kbuf, &ts)) {
		struct tep_record rec = { .ts = ts, .cpu = (int)cpu, .data = data,
					  .size = kbuffer_event_size(s->kbuf) };
		int id = tep_data_type(s->tep, &rec);
		struct prt_event ev;

		if (id < 0 || id > s->max_id || !s->bound[id].def)
			continue;
		live_event_decode(&s->bound[id], data, &ev);
		ev.ts_ns = ts;
		ev.cpu = (uint16_t)cpu;
		ev.pid = (uint32_t)tep_data_pid(s->tep, &rec);
		remember_pid(s, ev.pid);
		s->stats->events[ev.type]++;
		s->stats->total++;
		if (prt_writer_add(s->writer, &ev, err) < 0)
			return -1;
	}
	return 0;
}

/* The reading thread: copies ready sub-buffers of every cpu into the queue. */
static void *reader_main(void *arg)
{
	struct session *s = arg;

	while (!atomic_load(&s->reader_stop)) {
		bool any = false;

		for (uint32_t c = 0; c < s->nr_cpus; c++) {
			struct live_page *slot;
			int n;

			if (!s->tcpu[c] || !(slot = live_queue_reserve(&s->queue)))
				continue;
			n = tracefs_cpu_read(s->tcpu[c], slot->data, true);
			if (n <= 0)
				continue;	/* the reserved slot is reused */
			slot->cpu = c;
			slot->len = n;
			live_queue_commit(&s->queue);
			any = true;
		}
		if (!any)
			usleep(2000);
	}
	return NULL;
}

/* Decode the queued pages; waits up to wait_ms for the first. */
static int drain_queue(struct session *s, int wait_ms, struct pr_error *err)
{
	struct live_page *p;
	int pages = 0;

	while ((p = live_queue_peek(&s->queue, pages ? 0 : wait_ms))) {
		int ret = parse_page(s, p->cpu, p->data, err);

		live_queue_release(&s->queue);
		if (ret < 0)
			return -1;
		pages++;
	}
	return pages;
}

static int start_reader(struct session *s, struct pr_error *err)
{
	if (live_queue_init(&s->queue, 4096, (size_t)getpagesize()) < 0)
		return pr_fail(err, PR_ENOMEM, "out of memory for the page queue");
	atomic_store(&s->reader_stop, false);
	if (pthread_create(&s->reader, NULL, reader_main, s) != 0)
		return pr_fail(err, PR_ENOMEM, "cannot start the reading thread");
	s->reader_running = true;
	return 0;
}

static void stop_reader(struct session *s)
{
	if (!s->reader_running)
		return;
	atomic_store(&s->reader_stop, true);
	live_queue_close(&s->queue);
	pthread_join(s->reader, NULL);
	s->reader_running = false;
}

/* Flush what the kernel still holds, in this thread; pages read, -1 on error. */
static int read_ready(struct session *s, bool flush, struct pr_error *err)
{
	int pages = 0;

	for (uint32_t c = 0; c < s->nr_cpus; c++) {
		if (!s->tcpu[c])
			continue;
		for (;;) {
			int n = flush ? tracefs_cpu_flush(s->tcpu[c], s->page)
				      : tracefs_cpu_read(s->tcpu[c], s->page, true);

			if (n <= 0)
				break;
			pages++;
			if (parse_page(s, c, s->page, err) < 0)
				return -1;
		}
	}
	return pages;
}

static void read_stats(struct session *s, struct prt_cpu_stats *out)
{
	for (uint32_t c = 0; c < s->nr_cpus; c++) {
		char file[64], *text;
		const char *p;

		snprintf(file, sizeof(file), "per_cpu/cpu%u/stats", c);
		text = tracefs_instance_file_read(s->instance, file, NULL);
		memset(&out[c], 0, sizeof(out[c]));
		if (!text)
			continue;
		if ((p = strstr(text, "entries:")))
			out[c].entries = strtoull(p + 8, NULL, 10);
		if ((p = strstr(text, "\noverrun:")))
			out[c].overrun = strtoull(p + 9, NULL, 10);
		if ((p = strstr(text, "commit overrun:")))
			out[c].commit_overrun = strtoull(p + 15, NULL, 10);
		if ((p = strstr(text, "dropped events:")))
			out[c].dropped_events = strtoull(p + 15, NULL, 10);
		if ((p = strstr(text, "read events:")))
			out[c].read_events = strtoull(p + 12, NULL, 10);
		free(text);
	}
}

static int open_cpus(struct session *s, struct pr_error *err)
{
	s->tcpu = calloc(s->nr_cpus, sizeof(*s->tcpu));
	s->page = malloc((size_t)getpagesize() * 4);
	if (!s->tcpu || !s->page)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	for (uint32_t c = 0; c < s->nr_cpus; c++) {
		s->tcpu[c] = tracefs_cpu_open(s->instance, (int)c, true);
		if (!s->tcpu[c] && errno != ENOENT)
			return pr_fail_errno(err, "cannot open the ring buffer of cpu %u", c);
	}
	return 0;
}

static int take_checkpoint(struct session *s, uint32_t seq, struct pr_error *err)
{
	struct prt_checkpoint cp;
	int ret;

	if (procfs_sample(&s->header, &cp, err) < 0) {
		prt_checkpoint_release(&cp);
		return -1;
	}
	cp.seq = seq;
	ret = prt_writer_add_checkpoint(s->writer, &cp, err);
	prt_checkpoint_release(&cp);
	s->stats->checkpoints++;
	return ret;
}

static pid_t start_command(char *const *argv, struct pr_error *err)
{
	pid_t pid = fork();

	if (pid < 0) {
		pr_fail_errno(err, "cannot fork");
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		/* Ring-buffer fds inherited by CMD's children (a background job
		 * outliving CMD) would keep the instance busy and undeletable. */
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
		execvp(argv[0], argv);
		fprintf(stderr, "pagereplay: error: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static bool command_done(struct session *s)
{
	int status;

	if (s->child <= 0 || waitpid(s->child, &status, WNOHANG) != s->child)
		return false;
	s->stats->command_status = WIFEXITED(status) ? WEXITSTATUS(status)
						     : 128 + WTERMSIG(status);
	s->child = 0;
	return true;
}

/* The reporting counters' samples so far into the file, called about once
 * a second: a capture cut short keeps the records before the cut. */
static int write_reporting(struct session *s, struct pr_error *err)
{
	struct prt_reporting_sample batch[256];
	size_t n;

	if (!s->reporting)
		return 0;
	while ((n = reporting_poll_take(s->reporting, batch, 256)) > 0) {
		if (prt_writer_add_reporting(s->writer, batch, n, err) < 0)
			return -1;
		s->stats->reporting_samples += n;
	}
	return 0;
}

static int record_loop(struct session *s, struct pr_error *err)
{
	double start = pr_now_s(), next_cp = start + s->opt->checkpoint_interval_s;
	double next_progress = start + 0.5, next_reporting = start + 1;

	while (!stop_requested) {
		int pages = drain_queue(s, 5, err);
		double t = pr_now_s();

		if (pages < 0)
			return -1;
		s->stats->seconds = t - start;
		s->stats->bytes = prt_writer_bytes(s->writer);
		if (s->opt->checkpoint_interval_s > 0 && t >= next_cp) {
			if (take_checkpoint(s, s->cp_seq++, err) < 0)
				return -1;
			next_cp += s->opt->checkpoint_interval_s;
		}
		if (t >= next_reporting) {
			if (write_reporting(s, err) < 0)
				return -1;
			next_reporting = t + 1;
		}
		if (s->opt->progress && t >= next_progress) {
			s->opt->progress(s->stats, s->opt->progress_ctx);
			next_progress = t + 0.5;
		}
		if (command_done(s) || (s->opt->duration_s > 0 && t - start >= s->opt->duration_s))
			break;
	}
	return 0;
}

/*
 * A pid's name can change after its first event (fork, then exec), so the
 * names are settled at the end: the tracer's saved_cmdlines (read only; it
 * holds the name as of the task's last trace record) for pids that are
 * gone, /proc/PID/comm for pids still alive. The first-sight name stays
 * only for pids neither knows.
 */
static void fill_comms(struct session *s)
{
	char *text = s->pids ? tracefs_instance_file_read(NULL, "saved_cmdlines", NULL) : NULL;

	for (char *line = text; line && *line; line += strcspn(line, "\n"), line += *line == '\n') {
		char comm[32];
		unsigned pid;
		uint32_t i;

		if (sscanf(line, "%u %31s", &pid, comm) != 2 || !pid)
			continue;
		for (i = (pid * 2654435761u) & (s->pid_cap - 1); s->pids[i]; i = (i + 1) & (s->pid_cap - 1))
			if ((s->pids[i] & ~PID_NAMED) == pid) {
				prt_writer_set_comm(s->writer, pid, comm, NULL);
				break;
			}
	}
	free(text);
	for (uint32_t i = 0; s->pids && i < s->pid_cap; i++)
		if (s->pids[i])
			comm_from_proc(s, s->pids[i] & ~PID_NAMED);
}

static int finish(struct session *s, struct prt_cpu_stats *start_stats, struct pr_error *err)
{
	struct prt_cpu_stats *end_stats = calloc(s->nr_cpus, sizeof(*end_stats));

	write_file(s, "tracing_on", "0", NULL);
	stop_reader(s);
	if (write_reporting(s, err) < 0) {
		free(end_stats);
		return -1;
	}
	reporting_poll_stop(s->reporting);
	s->reporting = NULL;
	/* the closed queue still hands out what it holds */
	if (drain_queue(s, 0, err) < 0 || read_ready(s, true, err) < 0) {
		free(end_stats);
		return -1;
	}
	if (end_stats) {
		read_stats(s, end_stats);
		for (uint32_t c = 0; c < s->nr_cpus; c++) {
			uint64_t d = end_stats[c].overrun - start_stats[c].overrun;

			/* drops the sub-buffers did not flag (overruns) still count */
			if (d > s->stats->lost)
				s->stats->lost = d;
		}
		prt_writer_set_cpu_stats(s->writer, start_stats, end_stats, s->nr_cpus, NULL);
	}
	free(end_stats);
	fill_comms(s);
	s->stats->bytes = prt_writer_bytes(s->writer);
	return 0;
}

/*
 * The free map from /proc/kpageflags, bracketed by /proc samples taken just
 * before (the header's initial counts) and just after, so the events of the
 * scan (in the trace already) explain any difference. The scan's trace-clock
 * interval and the agreement figures ride in the header's settings.
 */
static int scan_free_map(struct session *s, struct pr_error *err)
{
	struct prt_header *h = &s->header;
	struct kpageflags_match *m = &s->stats->freemap;
	uint64_t t0 = pr_now_ns(), t1;
	char key[64], value[128], *iomem = procfs_read("/proc/iomem", NULL, NULL);
	struct kpageflags_ram *ram = NULL;
	size_t nr_ram = 0;
	int ret;

	/* without /proc/iomem, holes are told apart by their flags instead */
	if (!iomem || procfs_parse_iomem(iomem, "/proc/iomem", h->page_size, &ram, &nr_ram,
					 NULL) < 0 || !nr_ram) {
		free(ram);
		ram = NULL;
	}
	free(iomem);
	ret = kpageflags_free_map(h, "/proc/kpageflags", ram, nr_ram, err);
	free(ram);
	if (ret < 0)
		return -1;
	t1 = pr_now_ns();
	if (procfs_sample(h, &s->after_scan, err) < 0)
		return -1;

	kpageflags_match(h, &h->initial, &s->after_scan, m);
	s->stats->freemap_scan_s = (double)(t1 - t0) / 1e9;
	snprintf(key, sizeof(key), "capture.kpageflags_scan_ns");
	snprintf(value, sizeof(value), "%llu %llu", (unsigned long long)t0, (unsigned long long)t1);
	if (procfs_add_setting(h, key, value) < 0)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	snprintf(value, sizeof(value), "order_exact=%.4f order_bracketed=%.4f order_mt=%.4f "
		 "pageblock_mt=%.4f", m->order_exact, m->order_bracketed, m->order_mt,
		 m->pageblock_mt);
	if (procfs_add_setting(h, "capture.freemap_match", value) < 0)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	return 0;
}

static int shrink_pcp(struct session *s, struct pr_error *err)
{
	struct pcp_shrink_result r;
	char value[128];

	if (pcp_shrink("", s->nr_cpus, &r, err) < 0)
		return -1;
	s->stats->pcp_before = r.before;
	s->stats->pcp_after = r.after;
	snprintf(value, sizeof(value), "before=%llu after=%llu seconds=%.3f",
		 (unsigned long long)r.before, (unsigned long long)r.after, r.seconds);
	if (procfs_add_setting(&s->header, "capture.pcp_shrink", value) < 0)
		return pr_fail(err, PR_ENOMEM, "out of memory");
	return 0;
}

/* The pcp lists as tracing starts: the header's first reading came before
 * the instance was set up, and --shrink-pcp changed them since. */
static int refresh_pcp(struct session *s, struct pr_error *err)
{
	struct prt_header now = { 0 };
	char *zi = procfs_read("/proc/zoneinfo", NULL, err);
	int ret = -1;

	if (!zi || procfs_parse_zoneinfo(zi, "/proc/zoneinfo", s->header.nr_cpus, &now, err) < 0)
		goto out;
	if (now.nr_zones != s->header.nr_zones) {
		pr_fail(err, PR_ESTATE, "/proc/zoneinfo: zones changed during capture start");
		goto out;
	}
	for (uint32_t z = 0; z < now.nr_zones; z++)
		memcpy(s->header.zones[z].pcp, now.zones[z].pcp,
		       s->header.nr_cpus * sizeof(*now.zones[z].pcp));
	ret = 0;
out:
	free(zi);
	prt_header_release(&now);
	return ret;
}

/* Where the host exports free page reporting's progress, poll it for the
 * whole recording; the header says how often. */
static int start_reporting_poll(struct session *s, struct pr_error *err)
{
	char value[32];

	s->reporting = reporting_poll_start(REPORTING_POLL_DIR, REPORTING_POLL_US, err);
	if (!s->reporting)
		return err && err->code != PR_OK ? -1 : 0;
	snprintf(value, sizeof(value), "%u", REPORTING_POLL_US);
	return procfs_add_setting(&s->header, "page_reporting.poll_us", value) < 0
		       ? pr_fail(err, PR_ENOMEM, "out of memory")
		       : 0;
}

static int start_recording(struct session *s, struct pr_error *err)
{
	struct prt_header *h = &s->header;

	if (s->opt->shrink_pcp && shrink_pcp(s, err) < 0)
		return -1;

	h->start_realtime_ns = (uint64_t)time(NULL) * 1000000000ULL;
	h->start_trace_ns = pr_now_ns();
	if (write_file(s, "tracing_on", "1", err) < 0 || refresh_pcp(s, err) < 0 ||
	    procfs_sample(h, &h->initial, err) < 0)
		return -1;
	h->initial.ts_ns = h->start_trace_ns;
	if (scan_free_map(s, err) < 0)
		return -1;
	add_cmdline(h, s->opt->command);
	if (start_reporting_poll(s, err) < 0)
		return -1;
	s->writer = prt_writer_open(s->opt->output, h, err);
	if (!s->writer)
		return -1;
	/* the sample after the scan: the other end of the bracket */
	s->after_scan.seq = s->cp_seq++;
	s->stats->checkpoints++;
	return prt_writer_add_checkpoint(s->writer, &s->after_scan, err);
}

static void teardown(struct session *s)
{
	stop_reader(s);
	reporting_poll_stop(s->reporting);
	if (s->queue.slots)
		live_queue_destroy(&s->queue);
	if (s->child > 0) {
		kill(s->child, SIGTERM);
		waitpid(s->child, NULL, 0);
	}
	for (uint32_t c = 0; s->tcpu && c < s->nr_cpus; c++)
		if (s->tcpu[c])
			tracefs_cpu_close(s->tcpu[c]);
	if (s->instance) {
		/* rmdir fails with EBUSY while a reader is still closing */
		for (int tries = 0; tracefs_instance_destroy(s->instance) < 0 && tries < 50; tries++)
			usleep(20000);
		tracefs_instance_free(s->instance);
	}
	if (s->kbuf)
		kbuffer_free(s->kbuf);	/* tep_kbuffer() hands out a new one */
	if (s->tep)
		tep_free(s->tep);
	free(s->tcpu);
	free(s->page);
	free(s->bound);
	free(s->pids);
	prt_checkpoint_release(&s->after_scan);
	prt_header_release(&s->header);
}

int live_capture(const struct live_options *opt, struct live_stats *stats, struct pr_error *err)
{
	struct session s = { .opt = opt, .stats = stats, .pid_cap = 1 << 16, .cp_seq = 1 };
	struct prt_cpu_stats *start_stats = NULL;
	const char *tracefs;
	int ret = -1;

	memset(stats, 0, sizeof(*stats));
	stats->command_status = -1;
	stop_requested = 0;
	if (check_events_spec(opt->events, err) < 0)
		return -1;
	if (geteuid() != 0)
		return pr_fail(err, PR_ENOSYS, "capture needs root (tracefs and /proc/kpageflags)");
	if (!(tracefs = live_find_tracefs(err)))
		return -1;
	if (strcmp(tracefs, "/sys/kernel/tracing") != 0 &&
	    tracefs_set_tracing_dir((char *)tracefs) < 0)
		return pr_fail_errno(err, "cannot use tracefs at '%s'", tracefs);
	remove_stale_instances(tracefs);
	s.pids = calloc(s.pid_cap, sizeof(*s.pids));
	if (setup_instance(&s, err) < 0 || fill_header(&s, err) < 0 || open_cpus(&s, err) < 0)
		goto out;
	start_stats = calloc(s.nr_cpus, sizeof(*start_stats));
	if (!start_stats) {
		pr_fail(err, PR_ENOMEM, "out of memory");
		goto out;
	}
	read_stats(&s, start_stats);
	if (start_recording(&s, err) < 0)
		goto out;
	if (start_reader(&s, err) < 0)
		goto out;
	if (opt->command && (s.child = start_command(opt->command, err)) < 0)
		goto out;
	if (record_loop(&s, err) < 0 || finish(&s, start_stats, err) < 0)
		goto out;
	ret = prt_writer_close(s.writer, err);
	s.writer = NULL;
out:
	if (s.writer)
		prt_writer_abort(s.writer);
	free(start_stats);
	teardown(&s);
	return ret;
}
