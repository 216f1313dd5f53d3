/*
 * queue.c - a connection's send queue: a ring of shared frames, bounded by
 * frames (its capacity) and by payload bytes (the caller's bound).
 */
#include <stdlib.h>

#include "bridge.h"

int
queue_init(struct queue *q, unsigned cap)
{
	q->head = q->len = 0;
	q->bytes = 0;
	q->cap = cap;
	if ((q->ring = calloc(cap, sizeof *q->ring)) == NULL)
		return KC_ERR_NOMEM;
	return KC_OK;
}

void
queue_free(struct queue *q)
{
	while (q->len > 0)
		frame_unref(queue_pop(q));
	free(q->ring);
	q->ring = NULL;
	q->cap = 0;
}

int
queue_fits(const struct queue *q, size_t len, size_t max_bytes)
{
	if (q->len == q->cap)
		return 0;
	return q->len == 0 || q->bytes + len <= max_bytes;
}

void
queue_push(struct queue *q, struct frame *f)
{
	q->ring[(q->head + q->len) % q->cap] = frame_ref(f);
	q->len++;
	q->bytes += f->len;
}

struct frame *
queue_pop(struct queue *q)
{
	struct frame *f;

	if (q->len == 0)
		return NULL;
	f = q->ring[q->head];
	q->ring[q->head] = NULL;
	q->head = (q->head + 1) % q->cap;
	q->len--;
	q->bytes -= f->len;
	return f;
}

int
queue_over_half(const struct queue *q, size_t max_bytes)
{
	return q->len > q->cap / 2 || q->bytes > max_bytes / 2;
}
