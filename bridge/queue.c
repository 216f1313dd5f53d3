/*
 * queue.c - a connection's send queue: a ring of shared frames, bounded by
 * frames (its capacity) and by payload bytes (the caller's bound). The
 * ring is allocated as it fills (8 slots, doubling up to the capacity) and
 * freed when it empties, so that an idle connection holds none.
 */
#include <stdlib.h>

#include "bridge.h"

#define QUEUE_MIN	8

int
queue_init(struct queue *q, unsigned cap)
{
	q->ring = NULL;
	q->head = q->len = q->alloc = 0;
	q->bytes = 0;
	q->cap = cap > 0 ? cap : 1;
	return KC_OK;
}

/* Doubles the ring (up to cap), its frames first in it. */
static int
queue_grow(struct queue *q)
{
	struct frame	**ring;
	unsigned	  n = q->alloc ? q->alloc * 2 : QUEUE_MIN, i;

	if (n > q->cap)
		n = q->cap;
	if ((ring = calloc(n, sizeof *ring)) == NULL)
		return KC_ERR_NOMEM;
	for (i = 0; i < q->len; i++)
		ring[i] = q->ring[(q->head + i) % q->alloc];
	free(q->ring);
	q->ring = ring;
	q->alloc = n;
	q->head = 0;
	return KC_OK;
}

void
queue_free(struct queue *q)
{
	while (q->len > 0)
		frame_unref(queue_pop(q));
	free(q->ring);
	q->ring = NULL;
	q->alloc = 0;
}

int
queue_fits(const struct queue *q, size_t len, size_t max_bytes)
{
	if (q->len == q->cap)
		return 0;
	return q->len == 0 || q->bytes + len <= max_bytes;
}

int
queue_push(struct queue *q, struct frame *f)
{
	if (q->len == q->alloc && queue_grow(q) != KC_OK)
		return KC_ERR_NOMEM;
	q->ring[(q->head + q->len) % q->alloc] = frame_ref(f);
	q->len++;
	q->bytes += f->len;
	return KC_OK;
}

struct frame *
queue_pop(struct queue *q)
{
	struct frame *f;

	if (q->len == 0)
		return NULL;
	f = q->ring[q->head];
	q->ring[q->head] = NULL;
	q->head = (q->head + 1) % q->alloc;
	q->len--;
	q->bytes -= f->len;
	if (q->len == 0) {
		free(q->ring);		/* idle: hold nothing */
		q->ring = NULL;
		q->alloc = q->head = 0;
	}
	return f;
}

struct frame *
queue_peek(const struct queue *q)
{
	return q->len > 0 ? q->ring[q->head] : NULL;
}

int
queue_over_half(const struct queue *q, size_t max_bytes)
{
	return q->len > q->cap / 2 || q->bytes > max_bytes / 2;
}
