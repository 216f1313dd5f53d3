/*
 * request-rooms.c - "rooms": the connection's rooms, the rooms anyone is
 * in (the first ones by name, with user counts, and how many in all), and
 * every room on the cluster from the rooms topic ("all", with user counts
 * and topic lines).
 */
#include "bridge.h"

void
request_rooms(struct session *s, const struct kc_req *r)
{
	const char			*names[BRIDGE_ROOMS_MAX];
	const struct kc_wire_room	*active, *all;
	struct kc_buf			 b = { 0 };
	size_t				 n, total, nall, all_total;

	n = presence_active(&active, &total);
	nall = state_rooms(&all, &all_total);
	if (kc_wire_rooms_all(s->room, names, member_names(s, names), active, n,
	    total, all, nall, all_total, r->ref, &b) == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_free(&b);
}
