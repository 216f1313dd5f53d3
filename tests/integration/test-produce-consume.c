/*
 * test-produce-consume.c - libkchat against a real Kafka broker: what one
 * client produces another reads, in order, with every field intact; delivery
 * reports say "sent" only once Kafka has the message; a reader started N
 * back or at a time sees the right records.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafka-env.h"

struct acks {
	int	ok, failed;
	char	last_id[KC_ID_LEN + 1];
};

static void
on_delivery(void *opaque, void *arg, const struct kc_msg *m, int err, const char *errstr)
{
	struct acks *a = opaque;

	if (err == KC_OK) {
		a->ok++;
		memcpy(a->last_id, m->id, sizeof a->last_id);
	} else
		a->failed++;
}

/* Reads until want messages arrived or 20 s passed. */
static size_t
read_n(struct kc_reader *r, struct kc_msg *out, size_t want)
{
	int64_t	deadline = kc_now_us() + 20 * 1000000LL;
	size_t	n;

	for (n = 0; n < want; n++)
		kc_msg_init(&out[n]);
	n = 0;
	while (n < want && kc_now_us() < deadline) {
		if (kc_reader_next(r, 200, &out[n]) == KC_OK)
			n++;
	}
	return n;
}

START_TEST(produce_then_consume)
{
	const char		*topic = test_topic("pc");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_reader	*r;
	struct kc_msg		 m[3], got[3];
	struct acks		 a = { 0 };
	char			 err[512];
	size_t			 i;

	for (i = 0; i < 3; i++)
		kc_msg_init(&m[i]);
	ck_assert_int_eq(kc_producer_new(c, NULL, on_delivery, &a, &p, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_reader_new(c, topic, KC_FROM_END, &r, err, sizeof err), KC_OK);

	ck_assert_int_eq(kc_msg_make(&m[0], KC_TYPE_MESSAGE, "general", "alice", NULL,
	    "hello, wörld ✓", strlen("hello, wörld ✓")), KC_OK);
	ck_assert_int_eq(kc_msg_make(&m[1], KC_TYPE_ACTION, "general", "bob", NULL,
	    "waves", 5), KC_OK);
	ck_assert_int_eq(kc_msg_make(&m[2], KC_TYPE_DM, "general", "alice", "bob",
	    "psst\nsecond line", 16), KC_OK);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(kc_producer_send(p, &m[i]), KC_OK);
	ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
	ck_assert_int_eq(a.ok, 3);
	ck_assert_int_eq(a.failed, 0);
	ck_assert_int_eq(kc_producer_pending(p), 0);
	ck_assert_str_eq(a.last_id, m[2].id);

	ck_assert_uint_eq(read_n(r, got, 3), 3);
	for (i = 0; i < 3; i++) {
		ck_assert_str_eq(got[i].id, m[i].id);
		ck_assert_int_eq(got[i].type, m[i].type);
		ck_assert_str_eq(got[i].room, m[i].room);
		ck_assert_str_eq(got[i].user, m[i].user);
		ck_assert_str_eq(got[i].to, m[i].to);
		ck_assert_int_eq(got[i].ts, m[i].ts);
		ck_assert_uint_eq(got[i].text_len, m[i].text_len);
		ck_assert_mem_eq(got[i].text, m[i].text, m[i].text_len);
		kc_msg_clear(&got[i]);
		kc_msg_clear(&m[i]);
	}
	ck_assert_uint_eq(kc_reader_skipped(r), 0);
	ck_assert_int_eq(kc_reader_connected(r), 1);
	kc_reader_free(r);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

/* Counts what a drain reads (kc_drain_fn). */
static int
count_read(void *arg, const struct kc_msg *m)
{
	if (m != NULL)
		(*(size_t *)arg)++;
	return 0;
}

START_TEST(reader_back_and_since)
{
	const char		*topic = test_topic("back");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_reader	*r;
	struct kc_msg		 m, got[10];
	struct acks		 a = { 0 };
	char			 err[512], text[16];
	int64_t			 mid = 0;
	size_t			 n;
	int			 i;

	ck_assert_int_eq(kc_producer_new(c, NULL, on_delivery, &a, &p, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	for (i = 0; i < 10; i++) {
		snprintf(text, sizeof text, "m%d", i);
		if (i == 6) {
			/* Records 6.. carry a later millisecond than 0..5. */
			ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
			while (kc_now_us() / 1000 <= m.ts / 1000)
				;
		}
		ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "one-room", "carol",
		    NULL, text, strlen(text)), KC_OK);
		if (i == 6)
			mid = m.ts;
		ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	}
	kc_msg_clear(&m);
	ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
	ck_assert_int_eq(a.ok, 10);

	/*
	 * Before its first fetch a reader is behind by all it has to read,
	 * so that a drain of what the topic held does not end at once when
	 * the first fetch is slow (it took a new terminal's missed direct
	 * messages: tui-line's ghost, now and then).
	 */
	ck_assert_int_eq(kc_reader_new_since(c, topic, 1, &r, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_reader_lag(r), 10);
	n = 0;
	ck_assert_uint_eq(kc_reader_drain(r, kc_now_us() + 20 * 1000000LL, 0,
	    count_read, &n), 10);
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(kc_reader_lag(r), 0);
	kc_reader_free(r);

	/* N back: one room, so one partition holds all ten. */
	ck_assert_int_eq(kc_reader_new(c, topic, 3, &r, err, sizeof err), KC_OK);
	ck_assert_uint_eq(read_n(r, got, 3), 3);
	ck_assert_str_eq(got[0].text, "m7");
	ck_assert_str_eq(got[2].text, "m9");
	for (i = 0; i < 3; i++)
		kc_msg_clear(&got[i]);
	kc_reader_free(r);

	/* From a point in time (offsets-for-times). */
	ck_assert_int_eq(kc_reader_new_since(c, topic, mid, &r, err, sizeof err), KC_OK);
	ck_assert_uint_eq(read_n(r, got, 4), 4);
	ck_assert_str_eq(got[0].text, "m6");
	ck_assert_str_eq(got[3].text, "m9");
	for (i = 0; i < 4; i++)
		kc_msg_clear(&got[i]);
	kc_reader_free(r);

	/* From now, where nothing is yet: what comes after it returns is read. */
	ck_assert_int_eq(kc_reader_new_since(c, topic, kc_now_us(), &r, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "one-room", "carol", NULL, "later", 5), KC_OK);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
	ck_assert_uint_eq(read_n(r, got, 1), 1);
	ck_assert_str_eq(got[0].text, "later");
	kc_msg_clear(&got[0]);
	kc_msg_clear(&m);
	kc_reader_free(r);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

START_TEST(undecodable_records_skipped)
{
	/* A reader skips and counts garbage instead of stopping. */
	const char		*topic = test_topic("junk");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_reader	*r;
	struct kc_msg		 m, got;
	struct acks		 a = { 0 };
	char			 err[512], cmd[1024];

	ck_assert_int_eq(kc_producer_new(c, NULL, on_delivery, &a, &p, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_reader_new(c, topic, KC_FROM_END, &r, err, sizeof err), KC_OK);
	snprintf(cmd, sizeof cmd, "printf 'room1:\\335\\377\\377\\377\\377\\n' | "
	    "kcat -b %s -t %s -P -K: -p 0 && printf 'room1:not msgpack\\n' | kcat -b %s -t %s -P -K: -p 0",
	    test_brokers(), topic, test_brokers(), topic);
	ck_assert_int_eq(system(cmd), 0);
	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "room1", "dave", NULL, "after junk", 10), KC_OK);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
	ck_assert_uint_eq(read_n(r, &got, 1), 1);
	ck_assert_str_eq(got.id, m.id);
	ck_assert_uint_eq(kc_reader_skipped(r), 2);
	kc_msg_clear(&got);
	kc_msg_clear(&m);
	kc_reader_free(r);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

/* Threads of this process (librdkafka's and main). */
static int
threads_now(void)
{
	char	line[256];
	FILE	*f = fopen("/proc/self/status", "r");
	int	n = -1;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Sends text to room on p and waits until Kafka has it. */
static void
send_one(struct kc_producer *p, const char *room, const char *text)
{
	struct kc_msg m;

	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, room, "erin", NULL,
	    text, strlen(text)), KC_OK);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
	kc_msg_clear(&m);
}

/*
 * Readers of two topics opened on one kc_share read through one
 * librdkafka consumer (no thread more for the second), each only its own
 * topic's records, from where each was asked to start; a second reader of
 * a topic already read through it gets a handle of its own and reads too;
 * a reader freed leaves the others reading.
 */
START_TEST(shared_readers)
{
	const char		*t1 = test_topic("sh1");
	char			 t2[256];
	struct kc_conf		*c = test_conf(t1);
	struct kc_share		*s;
	struct kc_producer	*p1, *p2;
	struct kc_reader	*r1, *r2, *r1b;
	struct kc_msg		 got[2];
	struct acks		 a = { 0 };
	char			 err[512];
	size_t			 n;
	int			 before;

	snprintf(t2, sizeof t2, "%s-two", t1);
	ck_assert_int_eq(kc_producer_new(c, t1, on_delivery, &a, &p1, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_producer_new(c, t2, on_delivery, &a, &p2, err, sizeof err), KC_OK);
	send_one(p2, "r2", "old in two");	/* before r2 opens */
	ck_assert_int_eq(kc_share_new(c, &s), KC_OK);
	/* No reader open: nothing to send through yet. */
	kc_msg_init(&got[0]);
	ck_assert_int_eq(kc_msg_make(&got[0], KC_TYPE_MESSAGE, "r2", "erin", NULL,
	    "too early", 9), KC_OK);
	ck_assert_int_eq(kc_share_send(s, t2, &got[0]), KC_ERR_NOT_FOUND);
	kc_msg_clear(&got[0]);
	ck_assert_int_eq(kc_reader_new_shared(s, c, t1, KC_FROM_END, 0, &r1,
	    err, sizeof err), KC_OK);
	before = threads_now();
	/* From the beginning, as a state topic is read. */
	ck_assert_int_eq(kc_reader_new_shared(s, c, t2, 1000, 0, &r2, err,
	    sizeof err), KC_OK);
	ck_assert_int_eq(threads_now(), before);

	n = 0;
	ck_assert_uint_eq(kc_reader_drain(r2, kc_now_us() + 20 * 1000000LL, 0,
	    count_read, &n), 1);
	ck_assert(kc_reader_caught_up(r2));
	send_one(p1, "r1", "new in one");
	send_one(p2, "r2", "new in two");
	ck_assert_uint_eq(read_n(r1, got, 1), 1);
	ck_assert_str_eq(got[0].text, "new in one");
	kc_msg_clear(&got[0]);
	ck_assert_uint_eq(read_n(r2, got, 1), 1);
	ck_assert_str_eq(got[0].text, "new in two");
	kc_msg_clear(&got[0]);
	ck_assert_int_eq(kc_reader_next(r1, 300, &got[0]), KC_ERR_TIMEOUT);

	/* t1 again: a handle of its own, and both read. */
	ck_assert_int_eq(kc_reader_new_shared(s, c, t1, KC_FROM_END, 0, &r1b,
	    err, sizeof err), KC_OK);
	ck_assert_int_gt(threads_now(), before);
	send_one(p1, "r1", "again in one");
	ck_assert_uint_eq(read_n(r1b, got, 1), 1);
	ck_assert_str_eq(got[0].text, "again in one");
	kc_msg_clear(&got[0]);
	ck_assert_uint_eq(read_n(r1, got, 1), 1);
	ck_assert_str_eq(got[0].text, "again in one");
	kc_msg_clear(&got[0]);
	kc_reader_free(r1b);

	/* r1 gone, r2 reads on; a record sent through the share reaches it. */
	kc_reader_free(r1);
	send_one(p2, "r2", "after r1");
	ck_assert_uint_eq(read_n(r2, got, 1), 1);
	ck_assert_str_eq(got[0].text, "after r1");
	kc_msg_clear(&got[0]);
	kc_msg_init(&got[1]);
	ck_assert_int_eq(kc_msg_make(&got[1], KC_TYPE_MESSAGE, "r2", "erin", NULL,
	    "through the share", 17), KC_OK);
	ck_assert_int_eq(kc_share_send(s, t2, &got[1]), KC_OK);
	kc_msg_clear(&got[1]);
	ck_assert_uint_eq(read_n(r2, got, 1), 1);
	ck_assert_str_eq(got[0].text, "through the share");
	kc_msg_clear(&got[0]);
	ck_assert_int_eq(kc_reader_connected(r2), 1);
	kc_reader_free(r2);
	kc_share_free(s);
	kc_producer_free(p1);
	kc_producer_free(p2);
	kc_conf_free(c);
}
END_TEST

int
main(void)
{
	TCase *tc = tcase_create("real-kafka");

	tcase_add_test(tc, produce_then_consume);
	tcase_add_test(tc, reader_back_and_since);
	tcase_add_test(tc, undecodable_records_skipped);
	tcase_add_test(tc, shared_readers);
	return test_run("produce-consume", tc, 90);
}
