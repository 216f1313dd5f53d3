/*
 * test-embedded.c - the embedded broker (librdkafka's mock cluster): it
 * starts, publishes its address so a client with no flags finds it, carries
 * chat from a producer to a reader, and unpublishes itself when stopped;
 * a new one takes the same address, and a client carries on across the
 * restart.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static void
on_delivery(void *opaque, void *arg, const struct kc_msg *m, int err, const char *errstr)
{
	*(int *)opaque += err == KC_OK;
}

START_TEST(embedded_round_trip)
{
	struct kc_embedded	*e;
	struct kc_conf		*c;
	struct kc_producer	*p;
	struct kc_reader	*r;
	struct kc_msg		 m, got;
	char			 err[512], addr[256];
	int			 acked = 0, rc = KC_ERR_TIMEOUT;
	int64_t			 deadline;

	ck_assert_int_eq(kc_embedded_lookup(addr, sizeof addr), KC_ERR_NOT_FOUND);
	ck_assert_int_eq(kc_embedded_start("chat-messages", &e, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_embedded_lookup(addr, sizeof addr), KC_OK);
	ck_assert_str_eq(addr, kc_embedded_bootstraps(e));

	/* No brokers configured: the client finds the embedded one. */
	c = kc_conf_new();
	ck_assert_str_eq(kc_conf_brokers(c), kc_embedded_bootstraps(e));
	ck_assert_int_eq(kc_producer_new(c, NULL, on_delivery, &acked, &p, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_reader_new(c, "chat-messages", KC_FROM_END, &r, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	kc_msg_init(&got);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "ivy", NULL, "hi", 2), KC_OK);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	ck_assert_int_eq(kc_producer_flush(p, 10000), KC_OK);
	ck_assert_int_eq(acked, 1);
	deadline = kc_now_us() + 10 * 1000000LL;
	while (rc != KC_OK && kc_now_us() < deadline)
		rc = kc_reader_next(r, 100, &got);
	ck_assert_int_eq(rc, KC_OK);
	ck_assert_str_eq(got.id, m.id);
	ck_assert_str_eq(got.text, "hi");
	kc_msg_clear(&m);
	kc_msg_clear(&got);
	kc_reader_free(r);
	kc_producer_free(p);
	/*
	 * Readers' fetches wait 10 ms here, shared ones too: the embedded
	 * broker answers an empty fetch only after the whole wait, and every
	 * line read would come that late.
	 */
	{
		enum kc_role	 roles[] = { KC_ROLE_READER, KC_ROLE_SHARED };
		rd_kafka_conf_t	*rkc;
		char		 val[32];
		size_t		 len, i;

		for (i = 0; i < 2; i++) {
			ck_assert_ptr_nonnull(rkc = kc_conf_rdkafka(c, roles[i],
			    err, sizeof err));
			len = sizeof val;
			rd_kafka_conf_get(rkc, "fetch.wait.max.ms", val, &len);
			ck_assert_str_eq(val, "10");
			rd_kafka_conf_destroy(rkc);
		}
	}
	kc_conf_free(c);

	kc_embedded_stop(e);
	ck_assert_int_eq(kc_embedded_lookup(addr, sizeof addr), KC_ERR_NOT_FOUND);
	unlink(kc_embedded_path());
}
END_TEST

/* Reads the next record of r into got within 20 s. */
static int
next_within(struct kc_reader *r, struct kc_msg *got)
{
	int64_t	deadline = kc_now_us() + 20 * 1000000LL;
	int	rc = KC_ERR_TIMEOUT;

	while (rc != KC_OK && kc_now_us() < deadline)
		rc = kc_reader_next(r, 100, got);
	return rc;
}

/*
 * The bridge restarts: the new embedded broker listens where the last one
 * did, and a producer and a reader made for the old one (given its address,
 * as kchat-tui -b is) go on with the new one.
 */
START_TEST(restart_keeps_address)
{
	struct kc_embedded	*e;
	struct kc_conf		*c;
	struct kc_producer	*p;
	struct kc_reader	*r;
	struct kc_msg		 m, got;
	char			 err[512], first[256], addr[256];
	int			 acked = 0, i;

	ck_assert_int_eq(kc_embedded_start("chat-messages", &e, err, sizeof err), KC_OK);
	snprintf(first, sizeof first, "%s", kc_embedded_bootstraps(e));
	c = kc_conf_new();
	ck_assert_int_eq(kc_conf_set(c, KC_CONF_CLI, "brokers", first, err,
	    sizeof err), KC_OK);
	ck_assert_int_eq(kc_producer_new(c, NULL, on_delivery, &acked, &p, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_reader_new(c, "chat-messages", KC_FROM_END, &r, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	kc_msg_init(&got);
	/*
	 * Some history before the restart: the reader's position is then
	 * past the new broker's end, and it starts again from the beginning
	 * (auto.offset.reset=earliest).
	 */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "general",
		    "ivy", NULL, "before", 6), KC_OK);
		ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
		kc_msg_clear(&m);
	}
	ck_assert_int_eq(kc_producer_flush(p, 10000), KC_OK);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(next_within(r, &got), KC_OK);
		ck_assert_str_eq(got.text, "before");
	}

	kc_embedded_stop(e);
	/* Stopped: nobody is told to use it, but its port is kept. */
	ck_assert_int_eq(kc_embedded_lookup(addr, sizeof addr), KC_ERR_NOT_FOUND);
	ck_assert_int_eq(kc_embedded_start("chat-messages", &e, err, sizeof err), KC_OK);
	ck_assert_str_eq(kc_embedded_bootstraps(e), first);
	ck_assert_int_eq(kc_embedded_lookup(addr, sizeof addr), KC_OK);
	ck_assert_str_eq(addr, first);

	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "ivy", NULL, "after", 5), KC_OK);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	ck_assert_int_eq(kc_producer_flush(p, 30000), KC_OK);
	ck_assert_int_eq(acked, 4);
	ck_assert_int_eq(next_within(r, &got), KC_OK);
	ck_assert_str_eq(got.text, "after");
	kc_msg_clear(&m);
	kc_msg_clear(&got);
	kc_reader_free(r);
	kc_producer_free(p);
	kc_conf_free(c);
	kc_embedded_stop(e);
	unlink(kc_embedded_path());
}
END_TEST

START_TEST(stale_address_ignored)
{
	FILE *f;
	char  addr[256];

	/* A crashed bridge leaves its file behind: a dead pid is not believed. */
	ck_assert_ptr_nonnull(f = fopen(kc_embedded_path(), "w"));
	fprintf(f, "127.0.0.1:1 999999999\n");
	fclose(f);
	ck_assert_int_eq(kc_embedded_lookup(addr, sizeof addr), KC_ERR_NOT_FOUND);
	unlink(kc_embedded_path());
}
END_TEST

START_TEST(writable_by_others_ignored)
{
	FILE *f;
	char  addr[256];

	/* A live owner, but anyone could have written it: not believed. */
	ck_assert_ptr_nonnull(f = fopen(kc_embedded_path(), "w"));
	fprintf(f, "127.0.0.1:1 %ld\n", (long)getpid());
	fclose(f);
	ck_assert_int_eq(kc_embedded_lookup(addr, sizeof addr), KC_OK);
	ck_assert_int_eq(chmod(kc_embedded_path(), 0666), 0);
	ck_assert_int_eq(kc_embedded_lookup(addr, sizeof addr), KC_ERR_NOT_FOUND);
	unlink(kc_embedded_path());
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("embedded");
	TCase	*tc = tcase_create("mock-cluster");
	SRunner	*sr;
	char	 path[128];
	int	 failed;

	snprintf(path, sizeof path, "/tmp/kchat-test-embedded-%ld", (long)getpid());
	setenv("KCHAT_EMBEDDED_FILE", path, 1);
	unsetenv("KAFKA_BOOTSTRAP_SERVERS");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, embedded_round_trip);
	tcase_add_test(tc, restart_keeps_address);
	tcase_add_test(tc, stale_address_ignored);
	tcase_add_test(tc, writable_by_others_ignored);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
