/*
 * window.c - the last records of one room, kept in memory so that a join's
 * page of history needs no Kafka consumer: a ring of at most cap records
 * (grown as they come)
 * of the room's partition, oldest first, and the range of offsets it is
 * known to hold every displayable record of, [lo, hi). Pure: no Kafka, no
 * sockets (cache.c keeps one per active room; test-logic.c tests it).
 *
 * It begins empty at the chat reader's position when a room is first
 * joined (lo = hi = there) and grows in two ways only: upward by every
 * record the reader delivers (window_append, offsets rising), downward by
 * a page read from Kafka whose top touches what it holds (window_merge).
 * So it is always contiguous; when the ring is full the oldest record
 * goes and lo rises past it. "complete": nothing of the room lies below
 * lo, not even in a partition it had before partitions were added (a page
 * from Kafka said so, and nothing was dropped since).
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

/* What a record costs in memory: the struct and its text. */
static size_t
window_cost(const struct kc_msg *m)
{
	return sizeof *m + (m->text != NULL ? m->text_len + 1 : 0);
}

/* The i-th record, oldest first. */
static struct kc_msg *
window_at(const struct window *w, size_t i)
{
	return &w->ring[(w->head + i) % w->alloc];
}

/*
 * Room for one more record: the ring grows (doubling, up to cap) as it
 * fills, so that a quiet room costs little. Its records keep their order,
 * the oldest at 0. KC_ERR_NOMEM: it stays as it was.
 */
static int
window_grow(struct window *w)
{
	struct kc_msg	*ring;
	size_t		 alloc, i;

	if (w->len < w->alloc)
		return KC_OK;
	alloc = w->alloc < 4 ? 4 : w->alloc * 2;
	if (alloc > w->cap)
		alloc = w->cap;
	if ((ring = calloc(alloc, sizeof *ring)) == NULL)
		return KC_ERR_NOMEM;
	for (i = 0; i < w->len; i++)
		ring[i] = *window_at(w, i);	/* takes its text */
	for (; i < alloc; i++)
		kc_msg_init(&ring[i]);
	free(w->ring);
	w->ring = ring;
	w->head = 0;
	w->bytes += (alloc - w->alloc) * sizeof *ring;
	w->alloc = alloc;
	return KC_OK;
}

int
window_init(struct window *w, size_t cap, int32_t partition, int64_t at)
{
	memset(w, 0, sizeof *w);
	if (cap == 0)
		return KC_ERR_INVAL;
	w->cap = cap;
	w->partition = partition;
	w->lo = w->hi = at;
	return KC_OK;
}

void
window_free(struct window *w)
{
	size_t i;

	if (w->ring != NULL) {
		for (i = 0; i < w->alloc; i++)
			kc_msg_clear(&w->ring[i]);
		free(w->ring);
	}
	memset(w, 0, sizeof *w);
}

/* Drops the oldest record: lo rises past it, and below is no longer known. */
static void
window_drop_oldest(struct window *w)
{
	struct kc_msg *m = window_at(w, 0);

	w->lo = m->offset + 1;
	w->complete = 0;
	w->bytes -= window_cost(m) - sizeof *m;
	kc_msg_clear(m);
	w->head = (w->head + 1) % w->alloc;
	w->len--;
}

int
window_append(struct window *w, const struct kc_msg *m)
{
	struct kc_msg	*slot;
	int		 err;

	if (m->partition != w->partition || m->offset < w->hi)
		return KC_ERR_INVAL;	/* not next in its partition */
	if (w->len == w->cap)
		window_drop_oldest(w);
	else if ((err = window_grow(w)) != KC_OK) {
		window_reset(w, m->offset + 1);
		return err;
	}
	slot = window_at(w, w->len);
	if ((err = kc_msg_copy(slot, m)) != KC_OK) {
		/* A record missing: the window begins above it. */
		window_reset(w, m->offset + 1);
		return err;
	}
	w->len++;
	w->bytes += window_cost(slot) - sizeof *slot;
	w->hi = m->offset + 1;
	return KC_OK;
}

void
window_advance(struct window *w, int64_t at)
{
	if (at > w->hi)
		w->hi = at;
}

void
window_reset(struct window *w, int64_t at)
{
	while (w->len > 0)
		window_drop_oldest(w);
	w->head = 0;
	w->lo = w->hi = at;
	w->complete = 0;
}

int
window_has_id(const struct window *w, const char *id)
{
	size_t i;

	for (i = 0; i < w->len; i++) {
		if (strcmp(window_at(w, i)->id, id) == 0)
			return 1;
	}
	return 0;
}

int64_t
window_find_id(const struct window *w, const char *id)
{
	size_t i;

	for (i = 0; i < w->len; i++) {
		if (strcmp(window_at(w, i)->id, id) == 0)
			return window_at(w, i)->offset;
	}
	return -1;
}

int
window_merge(struct window *w, int64_t before, int64_t since,
    const struct kc_msg *msgs, size_t n, int more)
{
	size_t	 i, k, take = 0, first;
	int64_t	 bottom;
	int	 moved = 0, complete;

	/* Only a page whose top is within what the window holds: contiguous. */
	if (before < 0 || before < w->lo || before > w->hi)
		return 0;
	for (i = 0; i < n; i++) {
		if (msgs[i].offset < 0)
			moved = 1;	/* from the room's partition of old */
		else if (msgs[i].partition != w->partition)
			return 0;
	}
	/*
	 * What the page covers of this partition: down to its oldest record
	 * when older ones were left out; all of it when it went on into the
	 * old partition, or (since) down to since; else everything.
	 */
	complete = !more && since == 0 && !moved;
	for (first = 0; first < n && msgs[first].offset < 0; first++)
		;
	if (more && !moved)
		bottom = first < n ? msgs[first].offset : before;
	else if (since > 0)
		bottom = since;
	else
		bottom = 0;
	if (bottom >= w->lo && !complete)
		return 0;		/* nothing below what it holds */
	/* Its records below lo, newest first, while there is room. */
	for (i = n; i > first && msgs[i - 1].offset >= w->lo; i--)
		;
	k = i;			/* msgs[first..k) are below lo */
	while (take < k - first && w->len + take < w->cap)
		take++;
	if (take < k - first) {
		complete = 0;
		bottom = msgs[k - take].offset;	/* the oldest kept */
		if (take == 0)
			return 0;
	}
	for (i = k; i > k - take; i--) {
		const struct kc_msg	*m = &msgs[i - 1];
		struct kc_msg		*slot;

		if (window_has_id(w, m->id))
			continue;	/* a writer's retry: the older stays */
		if (window_grow(w) != KC_OK) {
			w->lo = m->offset + 1;
			w->complete = 0;
			return 1;
		}
		w->head = (w->head + w->alloc - 1) % w->alloc;
		slot = window_at(w, 0);
		if (kc_msg_copy(slot, m) != KC_OK) {
			w->head = (w->head + 1) % w->alloc;
			w->lo = m->offset + 1;
			w->complete = 0;
			return 1;
		}
		w->len++;
		w->bytes += window_cost(slot) - sizeof *slot;
	}
	w->lo = bottom;
	w->complete = complete;
	return 1;
}

int
window_page(const struct window *w, int64_t before, int64_t since, size_t n,
    struct kc_msg **out, size_t *count, int *more)
{
	size_t	 i, lo_i, hi_i, take;
	int64_t	 lower = since > w->lo ? since : w->lo;
	int	 covered;

	*out = NULL;
	*count = 0;
	*more = 0;
	if (before > w->hi)
		before = w->hi;		/* the live stream's start at most */
	if (n == 0 || before < 0)
		return 0;
	/* Records in [lower, before): indices [lo_i, hi_i). */
	for (lo_i = 0; lo_i < w->len && window_at(w, lo_i)->offset < lower;
	    lo_i++)
		;
	for (hi_i = lo_i; hi_i < w->len && window_at(w, hi_i)->offset < before;
	    hi_i++)
		;
	/*
	 * Everything of [since, before) is here: since is (since 0 is the
	 * very beginning, perhaps in a partition of old), or the start is.
	 */
	covered = (since > 0 && since >= w->lo) || w->complete;
	if (before < w->lo && !w->complete)
		return 0;		/* wholly below it */
	if (hi_i - lo_i < n && !covered)
		return 0;		/* too few, and older ones may exist */
	take = hi_i - lo_i < n ? hi_i - lo_i : n;
	*more = hi_i - lo_i > n || (hi_i - lo_i == n && !covered);
	if (take > 0 && (*out = calloc(take, sizeof **out)) == NULL)
		return 0;
	for (i = 0; i < take; i++) {
		kc_msg_init(&(*out)[i]);
		if (kc_msg_copy(&(*out)[i], window_at(w, hi_i - take + i)) !=
		    KC_OK) {
			kc_history_free(*out, i + 1);
			*out = NULL;
			*more = 0;
			return 0;
		}
	}
	*count = take;
	return 1;
}
