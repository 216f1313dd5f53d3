/* request-ping.c - "ping": "pong" with the bridge's time, and whether
 * Kafka stores messages (health.c). */
#include "bridge.h"

void
request_ping(struct session *s, const struct kc_req *r)
{
	struct kc_buf b = { 0 };

	if (kc_wire_pong(r->ref, kc_now_us(), health_ok_now(), &b) == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_free(&b);
}
