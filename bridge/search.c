/*
 * search.c - a search's results to the connection that asked: one
 * "search" frame (kchat.7) with the matches oldest first, each with its
 * offset, so that the client can ask for the history around one
 * ("history" with before_offset). Only the newest matches that fit in
 * half of what is left of its send queue go out ("more" then says some
 * were left out), so that a search of long messages never closes a
 * client that reads.
 */
#include <stdlib.h>

#include "bridge.h"

void
search_done(struct session *s, const struct history_ask *a, int err,
    const char *errstr, struct kc_msg *msgs, size_t n, int more)
{
	struct kc_buf	 b = { 0 }, e = { 0 };
	size_t		 qframes, qbytes, limit, used = 0, first = n;

	if (s->closing)
		return;
	if (err != KC_OK) {
		session_error(s, err, errstr, a->ref);
		return;
	}
	session_queued(s, &qframes, &qbytes);
	limit = qbytes < opts.send_queue_bytes ?
	    (opts.send_queue_bytes - qbytes) / 2 : 0;
	/* Newest first, until half of what is left is spent. */
	while (first > 0) {
		if (kc_wire_record(&msgs[first - 1], 0, &e) != KC_OK ||
		    used + e.len + 1 > limit)
			break;
		used += e.len + 1;
		kc_buf_free(&e);
		first--;
	}
	kc_buf_free(&e);
	if (first > 0)
		log_debug("search of %s for %s (%s): %zu of %zu matches fit its "
		    "send queue", a->room, s->addr, s->client_id, n - first, n);
	if (kc_wire_search(a->room, a->q, a->scanned, more || first > 0,
	    a->ref, msgs + first, n - first, &b) == KC_OK)
		session_send_buf(s, &b, 0);
	kc_buf_free(&b);
}
