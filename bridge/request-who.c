/* request-who.c - "who": the room's presence list. */
#include "bridge.h"

void
request_who(struct session *s, const struct kc_req *r)
{
	struct frame *f = presence_frame(r->room[0] ? r->room : s->room);

	session_send(s, f);
	frame_unref(f);
}
