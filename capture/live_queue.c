/* SPDX-License-Identifier: MIT */
#include "capture/live_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int live_queue_init(struct live_queue *q, uint32_t cap, size_t page_size)
{
	memset(q, 0, sizeof(*q));
	q->slots = calloc(cap, sizeof(*q->slots));
	if (!q->slots)
		return -1;
	for (uint32_t i = 0; i < cap; i++) {
		q->slots[i].data = malloc(page_size);
		if (!q->slots[i].data) {
			q->cap = i;
			live_queue_destroy(q);
			return -1;
		}
	}
	q->cap = cap;
	q->page_size = page_size;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return 0;
}

void live_queue_destroy(struct live_queue *q)
{
	for (uint32_t i = 0; q->slots && i < q->cap; i++)
		free(q->slots[i].data);
	free(q->slots);
	if (q->page_size) {
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->not_empty);
		pthread_cond_destroy(&q->not_full);
	}
	memset(q, 0, sizeof(*q));
}

struct live_page *live_queue_reserve(struct live_queue *q)
{
	struct live_page *p = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap && !q->closed)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (!q->closed)
		p = &q->slots[(q->head + q->count) % q->cap];
	pthread_mutex_unlock(&q->lock);
	return p;	/* only the reader touches this slot until commit */
}

void live_queue_commit(struct live_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

struct live_page *live_queue_peek(struct live_queue *q, int timeout_ms)
{
	struct live_page *p = NULL;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)timeout_ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closed &&
	       pthread_cond_timedwait(&q->not_empty, &q->lock, &until) != ETIMEDOUT)
		;
	if (q->count)
		p = &q->slots[q->head];
	pthread_mutex_unlock(&q->lock);
	return p;
}

void live_queue_release(struct live_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->head = (q->head + 1) % q->cap;
	q->count--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->lock);
}

void live_queue_close(struct live_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->not_full);
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}
