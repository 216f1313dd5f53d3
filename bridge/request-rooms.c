/*
 * request-rooms.c - "rooms": the connection's rooms and the rooms anyone
 * is in (the first ones by name, with user counts, and how many in all).
 */
#include "bridge.h"

void
request_rooms(struct session *s, const struct kc_req *r)
{
	const char			*names[BRIDGE_ROOMS_MAX];
	const struct kc_wire_room	*active;
	struct kc_buf			 b = { 0 };
	size_t				 n, total;

	n = presence_active(&active, &total);
	if (kc_wire_rooms(s->room, names, member_names(s, names), active, n,
	    total, r->ref, &b) == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_free(&b);
}
