/*
 * test-delivery.c - delivery reports are the truth about "sent": a message
 * is acknowledged only once Kafka has it, an unreachable broker yields a
 * failure with a reason, and a fatal idempotence error (librdkafka 2.0.2's
 * trap) loses nothing: the producer is recreated and re-sends.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kafka-env.h"

struct reports {
	int	ok, failed;
	char	reason[256];
};

static void
on_delivery(void *opaque, void *arg, const struct kc_msg *m, int err, const char *errstr)
{
	struct reports *r = opaque;

	if (err == KC_OK)
		r->ok++;
	else {
		r->failed++;
		snprintf(r->reason, sizeof r->reason, "%s", errstr ? errstr : "");
	}
}

START_TEST(unreachable_broker_reports_failure)
{
	struct kc_conf		*c = kc_conf_new();
	struct kc_producer	*p;
	struct kc_msg		 m;
	struct reports		 r = { 0 };
	char			 err[256];
	int64_t			 deadline;

	/* Port 1 on loopback: nothing listens there. */
	ck_assert_int_eq(kc_conf_set(c, KC_CONF_CLI, "brokers", "127.0.0.1:1", err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "message.timeout.ms=1500", err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_producer_new(c, NULL, on_delivery, &r, &p, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "gina", NULL, "lost?", 5), KC_OK);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	ck_assert_int_eq(kc_producer_pending(p), 1);
	deadline = kc_now_us() + 15 * 1000000LL;
	while (r.failed == 0 && kc_now_us() < deadline)
		kc_producer_poll(p, 100);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_int_eq(r.failed, 1);
	ck_assert_str_ne(r.reason, "");
	ck_assert_int_eq(kc_producer_pending(p), 0);
	kc_msg_clear(&m);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

START_TEST(fatal_error_resends_everything)
{
	const char		*topic = test_topic("fatal");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_reader	*rd;
	struct kc_msg		 m, got;
	struct reports		 r = { 0 };
	char			 err[512], text[16], seen[20] = { 0 };
	int64_t			 deadline;
	int			 i, distinct = 0;

	ck_assert_int_eq(kc_producer_new(c, NULL, on_delivery, &r, &p, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_reader_new(c, topic, KC_FROM_END, &rd, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	for (i = 0; i < 20; i++) {
		snprintf(text, sizeof text, "%d", i);
		ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "hank",
		    NULL, text, strlen(text)), KC_OK);
		ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
		if (i == 9)	/* half queued: the idempotent producer dies */
			rd_kafka_test_fatal_error(kc_producer_rk(p),
			    RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
			    "injected by test-delivery");
	}
	kc_msg_clear(&m);
	ck_assert_int_eq(kc_producer_flush(p, 30000), KC_OK);
	ck_assert_int_eq(r.failed, 0);
	ck_assert_int_eq(r.ok, 20);

	/* Every message is in Kafka (at least once; readers de-dupe by id). */
	deadline = kc_now_us() + 20 * 1000000LL;
	kc_msg_init(&got);
	while (distinct < 20 && kc_now_us() < deadline) {
		if (kc_reader_next(rd, 200, &got) != KC_OK)
			continue;
		i = atoi(got.text);
		ck_assert(i >= 0 && i < 20);
		if (!seen[i]++)
			distinct++;
	}
	kc_msg_clear(&got);
	ck_assert_int_eq(distinct, 20);
	kc_reader_free(rd);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

START_TEST(fatal_error_while_idle_loses_nothing)
{
	/* The fatal error arrives while the program only polls (a TUI idle
	 * in poll()): librdkafka purges its queue; nothing may be reported
	 * as failed, everything must still be delivered. */
	const char		*topic = test_topic("fatalidle");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_msg		 m;
	struct reports		 r = { 0 };
	char			 err[512];
	int64_t			 deadline;
	int			 i;

	ck_assert_int_eq(kc_producer_new(c, NULL, on_delivery, &r, &p, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "ines",
		    NULL, "idle", 4), KC_OK);
		ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	}
	kc_msg_clear(&m);
	rd_kafka_test_fatal_error(kc_producer_rk(p),
	    RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, "injected while idle");
	deadline = kc_now_us() + 10 * 1000000LL;
	while (rd_kafka_fatal_error(kc_producer_rk(p), NULL, 0) == 0 &&
	    kc_now_us() < deadline)
		;
	ck_assert_int_eq(kc_producer_flush(p, 30000), KC_OK);
	ck_assert_int_eq(r.failed, 0);
	ck_assert_int_eq(r.ok, 5);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

int
main(void)
{
	TCase *tc = tcase_create("real-kafka");

	tcase_add_test(tc, unreachable_broker_reports_failure);
	tcase_add_test(tc, fatal_error_resends_everything);
	tcase_add_test(tc, fatal_error_while_idle_loses_nothing);
	return test_run("delivery", tc, 90);
}
