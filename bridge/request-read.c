/*
 * request-read.c - "read": the connection's user has read the room up to
 * the message id (at offset in the room's partition). Written to the read
 * topic as that user's marker, never another's: the name is the one bound
 * to the connection (its account, with --users). Every extended
 * connection of the user, on every bridge, gets the "marker"; a marker
 * not further on than the one known changes nothing.
 */
#include "bridge.h"

void
request_read(struct session *s, const struct kc_req *r)
{
	const char	*room = r->room[0] ? r->room : s->room;
	int		 err;

	if (room[0] == '\0') {
		session_error(s, KC_ERR_NO_ROOM, NULL, r->ref);
		return;
	}
	if (s->user[0] == '\0') {
		session_error(s, KC_ERR_USERNAME_REQUIRED, NULL, r->ref);
		return;
	}
	if ((err = state_mark(s->user, room, r->id, r->offset)) != KC_OK)
		session_error(s, err, NULL, r->ref);
}
