/* request-leave.c - "leave": unsubscribe from a room (not_in_room if not in it). */
#include "bridge.h"

void
request_leave(struct session *s, const struct kc_req *r)
{
	member_leave(s, r->room, r->text, r->text ? r->text_len : 0, r->ref);
}
