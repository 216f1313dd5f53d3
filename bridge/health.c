/*
 * health.c - tells the extended connections when Kafka stops storing
 * messages, and when it stores them again (a "kafka" frame, kchat.7):
 * a page connected to its bridge is not connected to Kafka, and its
 * messages wait meanwhile. Looked at once a second (kafka_healthy(), the
 * same verdict as /healthz); a "pong" carries it too, so a connection
 * knows it from its first ping.
 */
#include "bridge.h"

#define HEALTH_EVERY_US	(1000 * 1000)

static lws_sorted_usec_list_t	 health_sul;
static int			 health_ok = 1;

static void
health_one(struct session *s, void *arg)
{
	session_send_ext(s, arg);
}

static void
health_tick(lws_sorted_usec_list_t *sul)
{
	const char	*why;
	struct kc_buf	 b = { 0 };
	struct frame	*f;
	int		 ok = kafka_healthy(&why);

	if (ok != health_ok) {
		health_ok = ok;
		if (ok)
			log_info("Kafka stores messages again: clients told");
		else
			log_warn("Kafka does not store messages (%s): clients "
			    "told", why);
		if (kc_wire_kafka(ok, why, &b) == KC_OK &&
		    (f = frame_of(&b)) != NULL) {
			session_foreach(health_one, f);
			frame_unref(f);
		}
		kc_buf_free(&b);
	}
	lws_sul_schedule(loop_context(), 0, sul, health_tick, HEALTH_EVERY_US);
}

void
health_start(void)
{
	const char *why;

	health_ok = kafka_healthy(&why);
	lws_sul_schedule(loop_context(), 0, &health_sul, health_tick,
	    HEALTH_EVERY_US);
}

int
health_ok_now(void)
{
	return health_ok;
}
