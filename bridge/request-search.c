/*
 * request-search.c - "search": the messages of a room (the current one
 * when "room" is absent) whose text contains "q", ASCII letters without
 * case, read backwards from the newest over at most BRIDGE_SEARCH_SCAN
 * records of the room, "limit" matches at most (BRIDGE_SEARCH_RESULTS,
 * also when absent). Run by a history worker (history.c), answered by
 * search.c. A search costs BRIDGE_SEARCH_TOKENS of the connection's
 * bucket (rate_limited when it has not that many), and one connection
 * runs one at a time (busy).
 */
#include <string.h>

#include "bridge.h"

void
request_search(struct session *s, const struct kc_req *r)
{
	struct history_ask	 a;
	const char		*room = r->room[0] ? r->room : s->room;

	if (room[0] == '\0') {
		session_error(s, KC_ERR_NO_ROOM, NULL, r->ref);
		return;
	}
	if (history_searching(s)) {
		session_error(s, KC_ERR_BUSY, "a search of this connection is "
		    "still running: wait for its results, then search again",
		    r->ref);
		return;
	}
	if (!bucket_take_n(&s->bucket, BRIDGE_SEARCH_TOKENS)) {
		metrics.rate_limited++;
		session_error(s, KC_ERR_RATE_LIMITED, "searching too often: "
		    "wait a few seconds, then search again", r->ref);
		return;
	}
	memset(&a, 0, sizeof a);
	snprintf(a.room, sizeof a.room, "%s", room);
	snprintf(a.ref, sizeof a.ref, "%s", r->ref);
	snprintf(a.q, sizeof a.q, "%s", r->q);
	a.search = 1;
	a.n = r->limit > 0 && r->limit < BRIDGE_SEARCH_RESULTS ? r->limit :
	    BRIDGE_SEARCH_RESULTS;
	if (history_request(s, &a) != KC_OK)
		session_error(s, KC_ERR_BUSY, "too many requests are waiting "
		    "for Kafka: search again in a moment", r->ref);
}
