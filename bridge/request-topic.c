/*
 * request-topic.c - "topic": a room's topic line. Without "text" it only
 * asks (the answer is the room's "topic" frame with the request's ref);
 * with it, the connection's user sets it ("" clears it), and every
 * extended connection in the room, on every bridge, gets the new "topic"
 * (the one that set it too: again with the ref when it gave one).
 */
#include "bridge.h"

void
request_topic(struct session *s, const struct kc_req *r)
{
	const char			*room = r->room[0] ? r->room : s->room;
	const struct kc_roominfo	*ri;
	struct kc_roominfo		 none;
	struct kc_buf			 b = { 0 };
	int				 err;

	if (room[0] == '\0') {
		session_error(s, KC_ERR_NO_ROOM, NULL, r->ref);
		return;
	}
	if (r->text != NULL) {
		if (s->user[0] == '\0') {
			session_error(s, KC_ERR_USERNAME_REQUIRED, NULL, r->ref);
			return;
		}
		if ((err = state_set_topic(room, s->user, r->text)) != KC_OK) {
			session_error(s, err, NULL, r->ref);
			return;
		}
	}
	/* Set: the room's connections got it, this one too if it is there. */
	if (r->text != NULL && r->ref[0] == '\0' && member_find(s, room) >= 0)
		return;
	if ((ri = state_room(room)) == NULL) {
		memset(&none, 0, sizeof none);
		snprintf(none.room, sizeof none.room, "%s", room);
		ri = &none;
	}
	if (kc_wire_topic(ri, r->ref, &b) == KC_OK)
		session_send_buf(s, &b, 0);
	kc_buf_free(&b);
}
