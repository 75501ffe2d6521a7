/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_LIVE_QUEUE_H
#define PR_CAPTURE_LIVE_QUEUE_H

/*
 * Raw sub-buffers on their way from the reading thread to the decoder. The
 * reading thread only copies pages out of the kernel's ring buffers, so a
 * slow decode or a chunk compression never stalls reading; the queue's
 * pages are allocated once. When it is full the reader waits and the
 * kernel's ring buffer (64 MiB per CPU by default) absorbs the burst.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct live_page {
	uint32_t cpu;
	int len;
	void *data;
};

struct live_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct live_page *slots;
	uint32_t cap, head, count;
	size_t page_size;
	bool closed;
};

int live_queue_init(struct live_queue *q, uint32_t cap, size_t page_size);
void live_queue_destroy(struct live_queue *q);
/* The slot to fill next (blocks while full); NULL once closed. */
struct live_page *live_queue_reserve(struct live_queue *q);
void live_queue_commit(struct live_queue *q);
/* The oldest filled page, waiting up to timeout_ms; NULL if none. */
struct live_page *live_queue_peek(struct live_queue *q, int timeout_ms);
void live_queue_release(struct live_queue *q);
void live_queue_close(struct live_queue *q);

#endif
