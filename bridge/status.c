/*
 * status.c - what /healthz and /metrics say, measured from every part of
 * the bridge when asked.
 *
 * /healthz: {"status":"ok",...} while Kafka is reachable and the last
 * message was stored (200), else {"status":"unavailable","reason":...}
 * (503).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

int
status_health(struct kc_buf *body)
{
	const char	*why;
	json_t		*obj = json_object();
	char		*js;
	int		 ok = kafka_healthy(&why);

	json_object_set_new(obj, "status", json_string(ok ? "ok" : "unavailable"));
	json_object_set_new(obj, "kafka", json_boolean(ok));
	json_object_set_new(obj, "reason", json_string(why));
	json_object_set_new(obj, "topic", json_string(opts.topic));
	json_object_set_new(obj, "connections", json_integer(session_count()));
	json_object_set_new(obj, "uptime_seconds",
	    json_integer((kc_now_us() - metrics.started_us) / 1000000));
	if ((js = json_dumps(obj, JSON_COMPACT)) != NULL) {
		kc_buf_append(body, js, strlen(js));
		kc_buf_append(body, "\n", 1);
	}
	free(js);
	json_decref(obj);
	return ok ? HTTP_STATUS_OK : HTTP_STATUS_SERVICE_UNAVAILABLE;
}

int
status_metrics(struct kc_buf *body)
{
	struct metrics_gauges	g;
	const char		*why;
	int			 err;

	memset(&g, 0, sizeof g);
	g.connections = session_count();
	g.rooms = rooms_count();
	g.queued_bytes = session_queued_bytes();
	g.pending = kafka_pending();
	g.history_queued = history_queued();
	cache_stats(&g.window_rooms, &g.window_bytes);
	for (err = 1; err < KC_ERR__COUNT; err++)
		g.invalid[err] = kafka_invalid(err);
	g.lag = kafka_lag(&g.lag_unknown);
	g.kafka_up = kafka_healthy(&why);
	return metrics_render(body, &g);
}
