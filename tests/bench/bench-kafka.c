/*
 * bench-kafka.c - libkchat against a Kafka broker: how long a chat line
 * takes from kc_producer_send() until a reader has it (one at a time, so
 * this is latency, not queueing), and how many messages a second one
 * producer gets acknowledged (acks=all, idempotent) in a burst.
 *
 *   bench-kafka BROKERS [latency-samples] [burst-messages]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kchat.h"

static long acked;

static void
on_delivery(void *opaque, void *arg, const struct kc_msg *m, int err, const char *errstr)
{
	if (err == KC_OK)
		acked++;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct kc_conf		*c;
	struct kc_producer	*p;
	struct kc_reader	*r;
	struct kc_msg		 m, got;
	char			 topic[128], err[512];
	int			 samples = argc > 2 ? atoi(argv[2]) : 200, i;
	long			 burst = argc > 3 ? atol(argv[3]) : 20000, sent;
	int64_t			*lat, t0, t;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-kafka BROKERS [latency-samples] [burst-messages]\n");
		return 2;
	}
	snprintf(topic, sizeof topic, "kchat-bench-%ld-%lld", (long)getpid(),
	    (long long)(kc_now_us() / 1000));
	c = kc_conf_new();
	if (kc_conf_set(c, KC_CONF_CLI, "brokers", argv[1], err, sizeof err) ||
	    kc_conf_set(c, KC_CONF_CLI, "topic", topic, err, sizeof err) ||
	    /* a topic of its own, made by writing to it */
	    kc_conf_set_x(c, KC_CONF_CLI, "allow.auto.create.topics=true", err,
	    sizeof err) ||
	    kc_producer_new(c, NULL, on_delivery, NULL, &p, err, sizeof err) ||
	    kc_reader_new(c, topic, KC_FROM_END, &r, err, sizeof err)) {
		fprintf(stderr, "bench-kafka: %s\n", err);
		return 1;
	}
	lat = calloc((size_t)samples, sizeof *lat);
	kc_msg_init(&m);
	kc_msg_init(&got);

	/* Latency: one line at a time, from send to a reader's hands. */
	for (i = 0; i < samples; i++) {
		kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "bench", NULL, "ping", 4);
		t0 = kc_now_us();
		if (kc_producer_send(p, &m) != KC_OK)
			return 1;
		for (;;) {
			kc_producer_poll(p, 0);
			if (kc_reader_next(r, 1, &got) == KC_OK && strcmp(got.id, m.id) == 0)
				break;
			if (kc_now_us() - t0 > 10000000) {
				fprintf(stderr, "bench-kafka: message %d not read within 10 s\n", i);
				return 1;
			}
		}
		lat[i] = kc_now_us() - t0;
	}
	qsort(lat, (size_t)samples, sizeof *lat, cmp_i64);
	printf("send -> read latency over %d lines: median %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
	    samples, lat[samples / 2] / 1000.0, lat[samples * 9 / 10] / 1000.0,
	    lat[samples * 99 / 100] / 1000.0);

	/* Throughput: a burst, until every message is acknowledged. */
	kc_producer_flush(p, 10000);
	acked = 0;
	t0 = kc_now_us();
	for (sent = 0; sent < burst; sent++) {
		kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "bench", NULL,
		    "a chat line of a typical length, about sixty bytes long...", 58);
		while (kc_producer_send(p, &m) == KC_ERR_QUEUE_FULL)
			kc_producer_poll(p, 10);
		kc_producer_poll(p, 0);
	}
	if (kc_producer_flush(p, 60000) != KC_OK)
		fprintf(stderr, "bench-kafka: not all acknowledged within 60 s\n");
	t = kc_now_us() - t0;
	printf("burst of %ld lines acknowledged (acks=all) in %.2f s: %.0f lines/s\n",
	    acked, t / 1e6, acked / (t / 1e6));

	kc_msg_clear(&m);
	kc_msg_clear(&got);
	free(lat);
	kc_reader_free(r);
	kc_producer_free(p);
	kc_conf_free(c);
	return 0;
}
