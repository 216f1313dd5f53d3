/*
 * page.c - a page of history to the connection that asked: one "history"
 * frame to an extended client, one frame per record marked "history": true
 * to a plain one. Only the newest records that fit in half of what is left
 * of its send queue (frames and bytes) go out, so that however large
 * --history or a page is, a client that reads is never closed for it; an
 * extended client learns from "more" that older ones exist, and asks for
 * them by offset. A join's first page that Kafka could not give (a leader
 * election, say) is asked for again; after JOIN_HISTORY_TRIES the client
 * gets history_unavailable naming the room, and the room stays joined.
 * A user's stored direct messages (inbox.c) go the same way, as one "dms"
 * frame to an extended client; none, no frame. A search's results go to
 * search.c.
 */
#include <stdlib.h>

#include "bridge.h"

#define JOIN_HISTORY_TRIES	3

/* Half of what is left of limit once used is queued, at least limit / 8. */
static size_t
page_budget(size_t limit, size_t used)
{
	size_t half = used < limit ? (limit - used) / 2 : 0;

	if (half < limit / 8)
		half = limit / 8;
	return half > 0 ? half : 1;
}

/* A join's page Kafka could not give: again, or say so. */
static void
page_failed_join(struct session *s, const struct history_ask *a, int err,
    const char *errstr)
{
	struct kc_buf	b = { 0 };
	const char	*why = errstr && *errstr ? errstr : kc_strerror(err);

	if (member_find(s, a->room) < 0)
		return;
	if (a->attempt + 1 < JOIN_HISTORY_TRIES) {
		log_info("history of %s for %s (%s): %s; asking again",
		    a->room, s->addr, s->client_id, why);
		member_join_history(s, a->room, a->since, a->ref,
		    a->attempt + 1);
		return;
	}
	/* Not the join's ref: the join itself succeeded. */
	metrics.errors_sent++;
	if (kc_wire_error(KC_ERR_HISTORY_UNAVAILABLE, why, NULL, a->room,
	    &b) == KC_OK)
		session_send_buf(s, &b, 0);
	kc_buf_free(&b);
}

/* A user's stored direct messages Kafka could not give: again, or log it. */
static void
page_failed_inbox(struct session *s, const struct history_ask *a, int err,
    const char *errstr)
{
	struct history_ask	 again = *a;
	const char		*why = errstr && *errstr ? errstr : kc_strerror(err);

	if (a->attempt + 1 < JOIN_HISTORY_TRIES) {
		log_info("direct messages of %s (%s): %s; asking again",
		    a->dm.user, s->client_id, why);
		again.attempt++;
		if (history_request(s, &again) == KC_OK)
			return;
	}
	/* Nothing the client could ask for again: they come with the next bind. */
	log_warn("direct messages of %s (%s) not read: %s", a->dm.user,
	    s->client_id, why);
}

void
page_done(struct session *s, const struct history_ask *a, int err,
    const char *errstr, struct kc_msg *msgs, size_t n, int more)
{
	struct kc_wire_page	 p;
	struct kc_buf		*enc = NULL, b = { 0 };
	size_t			 i, first = n, count = 0, used = 0;
	size_t			 max_bytes, max_frames, qframes, qbytes;
	const char		*ref = a->join ? NULL : a->ref;
	int			 trimmed = 0;

	if (s->closing)
		return;
	if (a->search) {
		search_done(s, a, err, errstr, msgs, n, more);
		return;
	}
	if (a->inbox && err != KC_OK) {
		page_failed_inbox(s, a, err, errstr);
		return;
	}
	if (a->inbox && a->dm.others > 0)
		log_info("direct messages of %s (%s): %zu written while another "
		    "client held the name left out", a->dm.user, s->client_id,
		    a->dm.others);
	if (err != KC_OK && a->join) {
		page_failed_join(s, a, err, errstr);
		return;
	}
	if (err != KC_OK) {
		session_error(s, err, errstr, ref);
		return;
	}
	if (n > 0 && (enc = calloc(n, sizeof *enc)) == NULL) {
		session_error(s, KC_ERR_NOMEM, NULL, ref);
		return;
	}
	session_queued(s, &qframes, &qbytes);
	max_bytes = page_budget(opts.send_queue_bytes, qbytes);
	max_frames = s->ext ? SIZE_MAX : page_budget(opts.send_queue, qframes);
	/* Newest first, until the budget is spent. */
	for (i = n; i > 0; i--) {
		struct kc_buf *e = &enc[i - 1];

		if (kc_wire_record(&msgs[i - 1], !s->ext, e) != KC_OK) {
			kc_buf_free(e);
			continue;
		}
		if (count + 1 > max_frames || used + e->len + 1 > max_bytes) {
			kc_buf_free(e);
			trimmed = 1;
			break;
		}
		used += e->len + 1;
		count++;
		first = i - 1;
	}
	if (trimmed)
		log_debug("history of %s for %s (%s): %zu of %zu messages fit "
		    "its send queue", a->room, s->addr, s->client_id, count, n);
	if (!s->ext) {
		for (i = first; i < n; i++) {
			if (enc[i].len > 0)
				session_send_buf(s, &enc[i], 0);
		}
		goto out;
	}
	if (a->inbox) {
		if (count > 0 && kc_wire_dms(msgs + first, n - first,
		    more || trimmed, &b) == KC_OK)
			session_send_buf(s, &b, 0);
		kc_buf_free(&b);
		goto out;
	}
	p.room = a->room;
	p.before_id = a->before_id;
	p.before_offset = !a->join && a->before != KC_OFFSET_END ? a->before : -1;
	p.since = a->since;
	p.more = more || trimmed;
	p.ref = a->ref;
	if (kc_wire_history(&p, msgs + first, n - first, &b) == KC_OK)
		session_send_buf(s, &b, 0);
	kc_buf_free(&b);
out:
	for (i = 0; i < n; i++)
		kc_buf_free(&enc[i]);
	free(enc);
}
