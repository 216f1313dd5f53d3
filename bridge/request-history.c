/*
 * request-history.c - "history": a page of a room's records, below an
 * offset ("before_offset"), below a record named by id ("before"), or else
 * below where the connection's live stream began; at or above "since";
 * "limit" records at most (the bridge's --history when absent). One
 * request per room at a time (busy), so a client cannot pile up work.
 */
#include <string.h>

#include "bridge.h"

void
request_history(struct session *s, const struct kc_req *r)
{
	struct history_ask	 a;
	const char		*room = r->room[0] ? r->room : s->room;
	int			 i;

	if (room[0] == '\0') {
		session_error(s, KC_ERR_NO_ROOM, NULL, r->ref);
		return;
	}
	metrics.history_requests++;
	memset(&a, 0, sizeof a);
	snprintf(a.room, sizeof a.room, "%s", room);
	snprintf(a.ref, sizeof a.ref, "%s", r->ref);
	a.n = r->limit ? r->limit : opts.history;
	/* -1: absent; below it, a moved offset (kchat.7, KC_OFFSET_MOVED) */
	a.before = r->before_offset != -1 ? r->before_offset : KC_OFFSET_END;
	if (r->before_offset == -1 && r->before[0] != '\0')
		memcpy(a.before_id, r->before, sizeof a.before_id);
	else if (r->before_offset == -1 && (i = member_find(s, room)) >= 0 &&
	    s->members[i].live_from >= 0)
		a.before = s->members[i].live_from;
	a.since = r->since > 0 ? r->since : 0;
	if (a.n == 0) {
		/* --history 0 and no limit: an empty page. */
		page_done(s, &a, KC_OK, NULL, NULL, 0, 0);
		return;
	}
	if (history_busy(s, room)) {
		session_error(s, KC_ERR_BUSY, "history of this room is still "
		    "on its way", r->ref);
		return;
	}
	if (history_request(s, &a) != KC_OK)
		session_error(s, KC_ERR_BUSY, NULL, r->ref);
}
