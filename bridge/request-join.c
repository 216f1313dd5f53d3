/*
 * request-join.c - "join": subscribe to a room and make it current; its
 * history and presence follow. "since" (an offset) resumes after a
 * reconnect: the first page starts there instead of the newest --history.
 */
#include "bridge.h"

void
request_join(struct session *s, const struct kc_req *r)
{
	member_join(s, r->room, r->text, r->text ? r->text_len : 0, r->ref,
	    r->since);
}
