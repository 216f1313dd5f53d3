/*
 * keepalive.c - which connections went quiet: each is in one of two lists,
 * oldest first. "live": by when it last proved alive (it connected, or a
 * frame or a pong came from it); "pinged": by when it was pinged, having
 * been quiet for the ping interval. Proof of life moves a connection to the
 * tail of live, which keeps that list in order at O(1): the newest time
 * always goes last. A check looks only at the lists' heads.
 *
 * Not lws's retry policy (secs_since_valid_ping): lws 4.1.6 keeps each
 * connection's validity timer in one sorted list of every timer, and
 * inserts by walking it from the head, so every connection opened and
 * every pong walked all connections held (at 15,000 held, a third of the
 * bridge's CPU went to lws_dll2_add_sorted and handshakes fell from
 * ~15,000 to ~600 a second: BENCHMARKS.md).
 */
#include <stddef.h>

#include "bridge.h"

struct keepalive_list {
	struct keepalive	*head, *tail;
};

static struct keepalive_list	live, pinged;

static void
keepalive_append(struct keepalive_list *l, struct keepalive *k)
{
	k->next = NULL;
	k->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = k;
	else
		l->head = k;
	l->tail = k;
}

static void
keepalive_unlink(struct keepalive *k)
{
	struct keepalive_list *l;

	if (k->list == KEEPALIVE_NONE)
		return;
	l = k->list == KEEPALIVE_LIVE ? &live : &pinged;
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		l->head = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	else
		l->tail = k->prev;
	k->prev = k->next = NULL;
	k->list = KEEPALIVE_NONE;
}

void
keepalive_seen(struct keepalive *k, int64_t now)
{
	keepalive_unlink(k);
	k->at = now;
	k->list = KEEPALIVE_LIVE;
	keepalive_append(&live, k);
}

void
keepalive_stop(struct keepalive *k)
{
	keepalive_unlink(k);
}

void
keepalive_check(int64_t now, int64_t ping_us, int64_t hangup_us,
    size_t max_expire, void (*ping)(struct keepalive *),
    void (*expire)(struct keepalive *))
{
	struct keepalive	*k;
	size_t			 n = 0;

	/* Pinged for hangup_us - ping_us with no answer: gone. */
	while (n < max_expire && (k = pinged.head) != NULL &&
	    now - k->at >= hangup_us - ping_us) {
		keepalive_unlink(k);
		expire(k);
		n++;
	}
	while ((k = live.head) != NULL && now - k->at >= ping_us) {
		keepalive_unlink(k);
		k->at = now;
		k->list = KEEPALIVE_PINGED;
		keepalive_append(&pinged, k);
		ping(k);
	}
}
