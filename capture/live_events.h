/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_LIVE_EVENTS_H
#define PR_CAPTURE_LIVE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "capture/prt.h"

struct tep_handle;
struct tep_event;
struct tep_format_field;

/* fields[]: pfn, order, migratetype, gfp, arg0..arg5 (NULL: not used). */
#define LIVE_MAX_FIELDS 10

struct live_event_def {
	const char *system, *name;
	enum prt_event_type type;
	bool default_on;
	const char *fields[LIVE_MAX_FIELDS];
};

struct live_event {
	const struct live_event_def *def;
	struct tep_event *event;
	struct tep_format_field *field[LIVE_MAX_FIELDS];
};

size_t live_event_defs(const struct live_event_def **out);
/* Resolve an event and its fields in tep; -1 if the kernel lacks it. */
int live_event_bind(struct live_event *b, struct tep_handle *tep, const struct live_event_def *def);
/* Fill type, pfn, order, migratetype, gfp and args from a record's data. */
void live_event_decode(const struct live_event *b, const void *data, struct prt_event *ev);

#endif
