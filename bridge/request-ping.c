/* request-ping.c - "ping": "pong" with the bridge's time. */
#include "bridge.h"

void
request_ping(struct session *s, const struct kc_req *r)
{
	struct kc_buf b = { 0 };

	if (kc_wire_pong(r->ref, kc_now_us(), &b) == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_free(&b);
}
