/*
 * metrics.c - counters kept by the rest of the bridge, and the text of GET
 * /metrics: them and the gauges status.c measured, in the Prometheus text
 * exposition format (version 0.0.4).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"

struct metrics metrics;

static void
metrics_line(struct kc_buf *out, const char *name, const char *type,
    const char *help, const char *labels, double value)
{
	char line[512];
	int  n;

	if (help != NULL) {
		n = snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n",
		    name, help, name, type);
		kc_buf_append(out, line, (size_t)n);
	}
	n = snprintf(line, sizeof line, "%s%s %.17g\n", name,
	    labels != NULL ? labels : "", value);
	kc_buf_append(out, line, (size_t)n);
}

#define COUNTER(name, help, v) \
	metrics_line(out, "kchat_bridge_" name, "counter", help, NULL, (double)(v))
#define GAUGE(name, help, v) \
	metrics_line(out, "kchat_bridge_" name, "gauge", help, NULL, (double)(v))

int
metrics_render(struct kc_buf *out, const struct metrics_gauges *g)
{
	char		 label[64];
	uint64_t	 invalid, n;
	int		 err;

	GAUGE("connections_open", "Open WebSocket connections.", g->connections);
	COUNTER("connections_total", "WebSocket connections accepted.",
	    metrics.connections_total);
	metrics_line(out, "kchat_bridge_connections_rejected_total", "counter",
	    "WebSocket handshakes refused, by reason.", "{reason=\"origin\"}",
	    (double)metrics.connections_rejected_origin);
	metrics_line(out, "kchat_bridge_connections_rejected_total", "counter",
	    NULL, "{reason=\"per_address_limit\"}",
	    (double)metrics.connections_rejected_limit);
	metrics_line(out, "kchat_bridge_connections_rejected_total", "counter",
	    NULL, "{reason=\"connect\"}",
	    (double)metrics.connections_rejected_method);
	GAUGE("rooms", "Rooms with a subscriber on this bridge.", g->rooms);
	COUNTER("frames_in_total", "Client frames received.", metrics.frames_in);
	COUNTER("messages_produced_total", "Messages handed to the producer.",
	    metrics.messages_produced);
	COUNTER("deliveries_total", "Delivery reports that Kafka has a message.",
	    metrics.deliveries_ok);
	COUNTER("delivery_failures_total", "Messages Kafka did not store.",
	    metrics.deliveries_failed);
	COUNTER("produce_errors_total", "Messages refused before reaching Kafka.",
	    metrics.produce_errors);
	GAUGE("send_queue_bytes", "Payload bytes queued to all connections.",
	    g->queued_bytes);
	GAUGE("pending_deliveries", "Client messages waiting for Kafka.",
	    g->pending);
	COUNTER("records_in_total", "Records read from the chat topic.",
	    metrics.records_in);
	COUNTER("records_duplicate_total", "Records dropped as duplicates (same id).",
	    metrics.records_duplicate);
	COUNTER("frames_out_total", "Frames written to clients.", metrics.frames_out);
	COUNTER("bytes_out_total", "Payload bytes written to clients.",
	    metrics.bytes_out);
	metrics_line(out, "kchat_bridge_drops_total", "counter",
	    "Connections closed by the bridge, by reason.", "{reason=\"slow_client\"}",
	    (double)metrics.drop_slow);
	metrics_line(out, "kchat_bridge_drops_total", "counter", NULL,
	    "{reason=\"oversize\"}", (double)metrics.drop_oversize);
	metrics_line(out, "kchat_bridge_drops_total", "counter", NULL,
	    "{reason=\"rate_abuse\"}", (double)metrics.drop_rate);
	metrics_line(out, "kchat_bridge_drops_total", "counter", NULL,
	    "{reason=\"idle\"}", (double)metrics.drop_idle);
	COUNTER("rate_limited_total", "Client frames refused by the rate limit.",
	    metrics.rate_limited);
	COUNTER("errors_sent_total", "Error frames sent to clients.",
	    metrics.errors_sent);
	COUNTER("history_requests_total", "History pages asked for.",
	    metrics.history_requests);
	GAUGE("history_queued", "History requests waiting for a worker.",
	    g->history_queued);
	COUNTER("history_from_memory_total", "History pages answered from "
	    "the recent records kept in memory (no Kafka consumer).",
	    metrics.history_from_memory);
	COUNTER("history_from_kafka_total", "History pages read from Kafka "
	    "by a worker.", metrics.history_from_kafka);
	GAUGE("history_window_rooms", "Rooms whose recent records are kept "
	    "in memory.", g->window_rooms);
	GAUGE("history_window_bytes", "Memory those records take.",
	    g->window_bytes);
	COUNTER("heartbeats_sent_total", "Presence heartbeats produced.",
	    metrics.heartbeats_sent);
	/* The total under reason="all", then every reason with a count. */
	for (err = 1, invalid = 0; err < KC_ERR__COUNT; err++)
		invalid += g->invalid[err];
	metrics_line(out, "kchat_bridge_records_invalid_total", "counter",
	    "Chat records skipped because they did not decode, by reason.",
	    "{reason=\"all\"}", (double)invalid);
	for (err = 1; err < KC_ERR__COUNT; err++) {
		if ((n = g->invalid[err]) == 0)
			continue;
		snprintf(label, sizeof label, "{reason=\"%s\"}", kc_errname(err));
		metrics_line(out, "kchat_bridge_records_invalid_total", "counter",
		    NULL, label, (double)n);
	}
	GAUGE("consumer_lag", "Records of the chat topic not yet read, in the "
	    "partitions whose leader answers.", g->lag);
	GAUGE("consumer_lag_unknown_partitions", "Partitions whose leader does "
	    "not answer: their lag is unknown.", g->lag_unknown);
	GAUGE("kafka_up", "1 while Kafka is reachable.", g->kafka_up);
	GAUGE("uptime_seconds", "Seconds since the bridge started.",
	    (double)(kc_now_us() - metrics.started_us) / 1e6);
	return KC_OK;
}
