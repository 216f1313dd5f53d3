/*
 * request-typing.c - "typing": a heartbeat saying so on the presence topic,
 * at most one per TYPING_INTERVAL_US per connection; every bridge relays it.
 */
#include "bridge.h"

#define TYPING_INTERVAL_US	(2 * 1000000LL)

void
request_typing(struct session *s, const struct kc_req *r)
{
	const char *room = r->room[0] ? r->room : s->room;

	if (s->user[0] == '\0' || member_find(s, room) < 0) {
		session_error(s, KC_ERR_NOT_IN_ROOM, "typing needs a user name "
		    "and a joined room", r->ref);
		return;
	}
	if (kc_now_us() - s->typing_at >= TYPING_INTERVAL_US) {
		s->typing_at = kc_now_us();
		kafka_heartbeat(room, s->user, s->inst, 1, s->away);
	}
}
