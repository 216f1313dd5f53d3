/*
 * cache.c - the recent history of the rooms joined here, in memory: one
 * window (window.c) per room, made when the room is first joined at the
 * chat reader's position there, then filled by every record the reader
 * delivers (relay.c) and from below by the pages Kafka gives (history.c),
 * so that the next join's page, or a rejoin's since, is answered without
 * a Kafka consumer. What the window cannot answer goes to Kafka as
 * before.
 *
 * Bounded: --history-window records per room, --history-window-bytes for
 * all; over that, the rooms joined least recently go, first those with no
 * connection here. A room whose partition changed (partitions added) is
 * dropped and begins again at its next join.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define CACHE_BUCKETS	256

struct croom {
	char		 room[KC_NAME_MAX + 1];
	struct window	 w;
	struct croom	*hnext;			/* its bucket */
	struct croom	*prev, *next;		/* most recently joined first */
};

static struct croom	*buckets[CACHE_BUCKETS];
static struct croom	*lru_head, *lru_tail;
static size_t		 nrooms, total_bytes;

static struct croom **
cache_slot(const char *room)
{
	struct croom **pp = &buckets[kc_hash(room) % CACHE_BUCKETS];

	while (*pp != NULL && strcmp((*pp)->room, room) != 0)
		pp = &(*pp)->hnext;
	return pp;
}

static void
cache_unlink(struct croom *c)
{
	if (c->prev == NULL && lru_head != c)
		return;			/* not on the list yet */
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		lru_head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		lru_tail = c->prev;
	c->prev = c->next = NULL;
}

static void
cache_touch(struct croom *c)
{
	cache_unlink(c);
	c->next = lru_head;
	if (lru_head != NULL)
		lru_head->prev = c;
	lru_head = c;
	if (lru_tail == NULL)
		lru_tail = c;
}

static void
cache_drop(struct croom *c)
{
	struct croom **pp = cache_slot(c->room);

	*pp = c->hnext;
	cache_unlink(c);
	total_bytes -= c->w.bytes;
	nrooms--;
	window_free(&c->w);
	free(c);
}

/* Over the bound: the least recently joined rooms go, empty ones first. */
static void
cache_trim(const struct croom *keep)
{
	struct croom *c;

	while (total_bytes > opts.history_window_bytes) {
		for (c = lru_tail; c != NULL; c = c->prev) {
			if (c != keep && !rooms_has(c->room))
				break;
		}
		if (c == NULL) {
			for (c = lru_tail; c != NULL && c == keep; c = c->prev)
				;
		}
		if (c == NULL)
			break;
		log_debug("history window of %s dropped: over %zu bytes",
		    c->room, opts.history_window_bytes);
		cache_drop(c);
	}
}

/* Counts a change of c's window in the total. */
static void
cache_account(struct croom *c, size_t before)
{
	total_bytes = total_bytes - before + c->w.bytes;
	cache_trim(c);
}

/*
 * room's window, brought up to the reader's position; NULL when there is
 * none or the room's partition changed under it (then it is dropped).
 */
static struct croom *
cache_find(const char *room)
{
	struct croom	*c = *cache_slot(room);
	int64_t		 at;

	if (c == NULL)
		return NULL;
	if (kafka_room_partition(room) != c->w.partition ||
	    (at = kafka_live_offset(room)) < c->w.hi) {
		cache_drop(c);
		return NULL;
	}
	window_advance(&c->w, at);
	return c;
}

void
cache_join(const char *room)
{
	struct croom	*c;
	int64_t		 at = kafka_live_offset(room);
	int32_t		 part = kafka_room_partition(room);

	if (opts.history_window == 0 || at < 0 || part < 0)
		return;
	if ((c = cache_find(room)) != NULL) {
		cache_touch(c);
		return;
	}
	if ((c = calloc(1, sizeof *c)) == NULL)
		return;
	snprintf(c->room, sizeof c->room, "%s", room);
	if (window_init(&c->w, opts.history_window, part, at) != KC_OK) {
		free(c);
		return;
	}
	c->hnext = *cache_slot(room);
	buckets[kc_hash(room) % CACHE_BUCKETS] = c;
	nrooms++;
	cache_touch(c);
	cache_account(c, 0);
}

/* Whether m belongs to a room's history (as kc_history_query() keeps). */
static int
cache_keeps(const struct kc_msg *m)
{
	return m->offset >= 0 && kc_msg_in_history(m);
}

void
cache_record(const struct kc_msg *m)
{
	struct croom	*c;
	size_t		 before;

	if (!cache_keeps(m) || (c = *cache_slot(m->room)) == NULL)
		return;
	before = c->w.bytes;
	if (window_append(&c->w, m) == KC_ERR_INVAL) {
		/* Not next in the partition it holds: begin again after it. */
		if (m->partition != c->w.partition) {
			cache_drop(c);
			return;
		}
		window_reset(&c->w, m->offset + 1);
	}
	cache_account(c, before);
}

int
cache_page(const struct history_ask *a, struct kc_msg **out, size_t *count,
    int *more)
{
	struct croom	*c;
	int64_t		 before = a->before;

	*out = NULL;
	*count = 0;
	*more = 0;
	/* A moved offset is in another partition: Kafka's. */
	if (before < KC_OFFSET_END || (c = cache_find(a->room)) == NULL)
		return 0;
	if (before == KC_OFFSET_END && a->before_id[0] != '\0') {
		if ((before = window_find_id(&c->w, a->before_id)) < 0)
			return 0;
	} else if (before == KC_OFFSET_END)
		before = c->w.hi;
	if (!window_page(&c->w, before, a->since, a->n, out, count, more))
		return 0;
	cache_touch(c);
	return 1;
}

void
cache_merge(const struct history_ask *a, const struct kc_msg *msgs, size_t n,
    int more)
{
	struct croom	*c;
	size_t		 before;

	/* Only a page below a known offset: where it ends is known. */
	if (a->before < 0 || (c = cache_find(a->room)) == NULL)
		return;
	before = c->w.bytes;
	if (window_merge(&c->w, a->before, a->since, msgs, n, more))
		cache_account(c, before);
}

void
cache_stats(size_t *rooms, size_t *bytes)
{
	*rooms = nrooms;
	*bytes = total_bytes;
}

void
cache_free(void)
{
	while (lru_head != NULL)
		cache_drop(lru_head);
}
