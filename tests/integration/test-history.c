/*
 * test-history.c - "the last N messages of room R" from a real Kafka broker
 * while other rooms share R's partition, and older pages before an id;
 * one history reader kept for many queries gives what one-shots give.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "kafka-env.h"

#define TEST_PARTITIONS 3	/* num.partitions of the test broker */

static int
partition_of(const char *room)
{
	return rd_kafka_msg_partitioner_murmur2_random(NULL, room, strlen(room),
	    TEST_PARTITIONS, NULL, NULL);
}

static void
no_report(void *opaque, void *arg, const struct kc_msg *m, int err, const char *errstr)
{
	int *failed = opaque;

	if (err != KC_OK)
		(*failed)++;
}

START_TEST(history_with_shared_partition)
{
	const char		*topic = test_topic("hist");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_msg		 m, *h;
	char			 err[512], text[32], other[KC_NAME_MAX + 1] = "", ids[30][KC_ID_LEN + 1];
	size_t			 n, i;
	int			 failed = 0, k;

	/* Find a room that lands in the same partition as "lobby". */
	for (k = 0; k < 1000 && other[0] == '\0'; k++) {
		snprintf(text, sizeof text, "room%d", k);
		if (partition_of(text) == partition_of("lobby"))
			snprintf(other, sizeof other, "%s", text);
	}
	ck_assert_str_ne(other, "");

	ck_assert_int_eq(kc_producer_new(c, NULL, no_report, &failed, &p, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	/* 30 lobby messages, each followed by 20 of the other room: 630 records. */
	for (i = 0; i < 30; i++) {
		snprintf(text, sizeof text, "lobby %zu", i);
		ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "lobby", "erin", NULL,
		    text, strlen(text)), KC_OK);
		memcpy(ids[i], m.id, sizeof ids[i]);
		ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
		for (k = 0; k < 20; k++) {
			ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, other, "frank",
			    NULL, "noise", 5), KC_OK);
			ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
		}
		/* a direct message typed in the lobby is not lobby history */
		ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_DM, "lobby", "erin", "frank",
		    "secret", 6), KC_OK);
		ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	}
	kc_msg_clear(&m);
	ck_assert_int_eq(kc_producer_flush(p, 30000), KC_OK);
	ck_assert_int_eq(failed, 0);

	/* The last 10, oldest first. */
	ck_assert_int_eq(kc_history_fetch(c, "lobby", 10, NULL, 20000, &h, &n, err, sizeof err), KC_OK);
	ck_assert_uint_eq(n, 10);
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof text, "lobby %zu", 20 + i);
		ck_assert_str_eq(h[i].text, text);
		ck_assert_str_eq(h[i].room, "lobby");
		ck_assert_str_eq(h[i].id, ids[20 + i]);
	}
	kc_history_free(h, n);

	/* More than exist: all 30, reading back to the low watermark. */
	ck_assert_int_eq(kc_history_fetch(c, "lobby", 100, NULL, 20000, &h, &n, err, sizeof err), KC_OK);
	ck_assert_uint_eq(n, 30);
	ck_assert_str_eq(h[0].text, "lobby 0");
	ck_assert_str_eq(h[29].text, "lobby 29");
	kc_history_free(h, n);

	/* An older page: the 10 before message 20. */
	ck_assert_int_eq(kc_history_fetch(c, "lobby", 10, ids[20], 20000, &h, &n, err, sizeof err), KC_OK);
	ck_assert_uint_eq(n, 10);
	ck_assert_str_eq(h[0].text, "lobby 10");
	ck_assert_str_eq(h[9].text, "lobby 19");
	kc_history_free(h, n);

	/* A room nobody wrote in has no history, and that is not an error. */
	ck_assert_int_eq(kc_history_fetch(c, "empty-room", 10, NULL, 20000, &h, &n, err, sizeof err), KC_OK);
	ck_assert_uint_eq(n, 0);
	kc_history_free(h, n);

	/* Bad arguments are refused before touching Kafka. */
	ck_assert_int_eq(kc_history_fetch(c, "bad room", 10, NULL, 1000, &h, &n, err, sizeof err), KC_ERR_ROOM_CHAR);
	ck_assert_int_eq(kc_history_fetch(c, "lobby", 10, "nope", 1000, &h, &n, err, sizeof err), KC_ERR_ID);

	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

START_TEST(history_after_a_transaction)
{
	/* Another Kafka client writes a chat record in a transaction: the
	 * partition then ends with a commit marker that consumers never see.
	 * History must still come back at once, not wait out its deadline. */
	const char		*topic = test_topic("txn");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_msg		 m, *h;
	struct kc_buf		 b = { 0 };
	rd_kafka_conf_t		*rc = rd_kafka_conf_new();
	rd_kafka_t		*rk;
	rd_kafka_error_t	*xe;
	char			 err[512], txid[128];
	size_t			 n;
	int			 failed = 0;
	int64_t			 t0, deadline;

	ck_assert_int_eq(kc_producer_new(c, NULL, no_report, &failed, &p, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "txroom", "uma", NULL, "plain", 5), KC_OK);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);

	snprintf(txid, sizeof txid, "%s-tx", topic);
	ck_assert_int_eq(rd_kafka_conf_set(rc, "bootstrap.servers", test_brokers(), err, sizeof err), RD_KAFKA_CONF_OK);
	ck_assert_int_eq(rd_kafka_conf_set(rc, "transactional.id", txid, err, sizeof err), RD_KAFKA_CONF_OK);
	ck_assert_int_eq(rd_kafka_conf_set(rc, "partitioner", "murmur2_random", err, sizeof err), RD_KAFKA_CONF_OK);
	ck_assert_ptr_nonnull(rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, err, sizeof err));
	ck_assert_ptr_null(xe = rd_kafka_init_transactions(rk, 30000));
	ck_assert_ptr_null(xe = rd_kafka_begin_transaction(rk));
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "txroom", "java", NULL, "in a transaction", 16), KC_OK);
	ck_assert_int_eq(kc_mp_encode(&m, &b), KC_OK);
	ck_assert_int_eq(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
	    RD_KAFKA_V_KEY("txroom", 6), RD_KAFKA_V_VALUE(b.data, b.len), RD_KAFKA_V_END),
	    RD_KAFKA_RESP_ERR_NO_ERROR);
	ck_assert_ptr_null(xe = rd_kafka_commit_transaction(rk, 30000));
	rd_kafka_destroy(rk);

	/* The commit marker lands just after commit returns: ask until the
	 * record is visible; every answer must come well before the 10 s
	 * deadline a fetch waiting for the marker would wait out. */
	deadline = kc_now_us() + 20 * 1000000LL;
	for (n = 0, h = NULL; n < 2 && kc_now_us() < deadline; ) {
		kc_history_free(h, n);
		t0 = kc_now_us();
		ck_assert_int_eq(kc_history_fetch(c, "txroom", 50, NULL, 10000, &h, &n, err, sizeof err), KC_OK);
		ck_assert_int_lt(kc_now_us() - t0, 5 * 1000000LL);
	}
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(h[0].text, "plain");
	ck_assert_str_eq(h[1].text, "in a transaction");
	kc_history_free(h, n);
	kc_buf_free(&b);
	kc_msg_clear(&m);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

/* Produces a message of room with the time ts (0: now); its id in id. */
static void
put(struct kc_producer *p, const char *room, int64_t ts, const char *text,
    char id[KC_ID_LEN + 1])
{
	struct kc_msg m;

	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, room, "otto", NULL,
	    text, strlen(text)), KC_OK);
	if (ts != 0) {
		m.ts = ts;
		ck_assert_int_eq(kc_ulid_new(m.id, ts), KC_OK);
	}
	if (id[0] != '\0')
		memcpy(m.id, id, KC_ID_LEN + 1);	/* a retry: same id */
	memcpy(id, m.id, KC_ID_LEN + 1);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	kc_msg_clear(&m);
}

START_TEST(history_by_offsets)
{
	/* Records are not in id order: a writer with a slow clock (or an
	 * offline queue) appends a block whose ids are 30 s older than its
	 * neighbours', and one writer's retry stores a message twice.
	 * Paging by offset returns each record once, in offset order. */
	const char		*topic = test_topic("offs");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_history_query	 q = { "late", 100, KC_OFFSET_END, 0, NULL, 20000 };
	struct kc_msg		*h;
	char			 err[512], text[32], ids[41][KC_ID_LEN + 1], seen[41];
	size_t			 n, i, total = 0;
	int			 failed = 0, more, k;
	int64_t			 before, old = kc_now_us() - 30 * 1000000LL;

	memset(ids, 0, sizeof ids);
	ck_assert_int_eq(kc_producer_new(c, NULL, no_report, &failed, &p, err, sizeof err), KC_OK);
	for (k = 0; k < 40; k++) {
		snprintf(text, sizeof text, "r%d", k);
		put(p, "late", k >= 20 && k < 30 ? old + k : 0, text, ids[k]);
		ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
		if (k == 25) {	/* r5 again, as a retry would */
			memcpy(ids[40], ids[5], sizeof ids[40]);
			put(p, "late", 0, "r5", ids[40]);
		}
	}
	ck_assert_int_eq(kc_producer_flush(p, 30000), KC_OK);
	ck_assert_int_eq(failed, 0);

	/* The newest 100: all 40 once (41 records), in offset order. */
	ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err), KC_OK);
	ck_assert_uint_eq(n, 40);
	ck_assert_int_eq(more, 0);
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof text, "r%zu", i);
		ck_assert_str_eq(h[i].text, text);
		ck_assert_str_eq(h[i].id, ids[i]);
		ck_assert_int_ge(h[i].offset, 0);
		if (i > 0)
			ck_assert_int_gt(h[i].offset, h[i - 1].offset);
	}
	/* since: exactly what follows an offset. */
	q.since = h[30].offset;
	kc_history_free(h, n);
	ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err), KC_OK);
	ck_assert_uint_eq(n, 10);
	ck_assert_str_eq(h[0].text, "r30");
	ck_assert_int_eq(more, 0);
	kc_history_free(h, n);

	/* Pages of 7 by offset, newest first: every record once. */
	memset(seen, 0, sizeof seen);
	q.since = 0;
	q.n = 7;
	for (before = KC_OFFSET_END, more = 1; more; ) {
		q.before = before;
		ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err), KC_OK);
		ck_assert_uint_gt(n, 0);
		for (i = 0; i < n; i++) {
			k = atoi(h[i].text + 1);
			seen[k]++;
			total++;
		}
		before = h[0].offset;
		kc_history_free(h, n);
	}
	for (k = 0; k < 40; k++)
		ck_assert_msg(seen[k] >= 1, "r%d never paged", k);
	/* r5's retry is a page of its own but the same id: once per page,
	 * and the web client keeps one; everything else exactly once. */
	ck_assert_uint_le(total, 41);

	/* before an id: the records before a late one in offset order, whose
	 * ids are newer than its own. */
	q.before = KC_OFFSET_END;
	q.before_id = ids[22];
	q.n = 5;
	ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err), KC_OK);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(h[0].text, "r17");
	ck_assert_str_eq(h[4].text, "r21");
	ck_assert_int_eq(more, 1);
	kc_history_free(h, n);

	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

/*
 * Another writer's record with an id someone's message has is another
 * message: a page keeps both (a retry of the same writer's, once).
 */
START_TEST(history_same_id_other_writer)
{
	const char		*topic = test_topic("sameid");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_history_query	 q = { "deploy", 100, KC_OFFSET_END, 0, NULL, 20000 };
	struct kc_msg		 m, *h;
	char			 err[512], id[KC_ID_LEN + 1] = "";
	size_t			 n;
	int			 failed = 0, more;

	ck_assert_int_eq(kc_producer_new(c, NULL, no_report, &failed, &p, err,
	    sizeof err), KC_OK);
	put(p, "deploy", 0, "Can I deploy now?", id);	/* otto's */
	put(p, "deploy", 0, "Can I deploy now?", id);	/* his retry */
	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "deploy", "mallory",
	    NULL, "CLONE", 5), KC_OK);
	memcpy(m.id, id, sizeof m.id);			/* otto's id */
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	kc_msg_clear(&m);
	ck_assert_int_eq(kc_producer_flush(p, 30000), KC_OK);
	ck_assert_int_eq(failed, 0);
	ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err),
	    KC_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(h[0].user, "otto");
	ck_assert_str_eq(h[0].text, "Can I deploy now?");
	ck_assert_str_eq(h[1].user, "mallory");
	ck_assert_str_eq(h[1].text, "CLONE");
	kc_history_free(h, n);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

/*
 * Asks q on reader r and as a one-shot query, and checks both gave the
 * same page (same records at the same offsets, the same "more"), all of
 * q->room's and below q->before; returns the page (free with
 * kc_history_free()).
 */
static struct kc_msg *
same_page(struct kc_history_reader *r, struct kc_conf *c,
    const struct kc_history_query *q, size_t *n, int *more)
{
	struct kc_msg	*h, *w;
	size_t		 nw, i;
	int		 morew;
	char		 err[512];

	ck_assert_msg(kc_history_query_on(r, q, &h, n, more, err, sizeof err) ==
	    KC_OK, "reader: %s", err);
	ck_assert_msg(kc_history_query(c, q, &w, &nw, &morew, err, sizeof err) ==
	    KC_OK, "one-shot: %s", err);
	ck_assert_msg(*n == nw, "%s below %lld: reader %zu records, one-shot %zu",
	    q->room, (long long)q->before, *n, nw);
	ck_assert_int_eq(*more, morew);
	for (i = 0; i < *n; i++) {
		ck_assert_str_eq(h[i].room, q->room);
		ck_assert_str_eq(h[i].id, w[i].id);
		ck_assert_str_eq(h[i].text, w[i].text);
		ck_assert_int_eq(h[i].offset, w[i].offset);
		ck_assert_int_eq(h[i].partition, w[i].partition);
		if (q->before != KC_OFFSET_END)
			ck_assert_int_lt(h[i].offset, q->before);
	}
	kc_history_free(w, nw);
	return h;
}

START_TEST(one_reader_many_queries)
{
	/* One history reader answers query after query, across rooms and
	 * partitions and after partitions are added, exactly as a reader
	 * made for each would: nothing fetched for one query (librdkafka
	 * prefetches past what a query reads) shows in the next. */
	const char		*topic = test_topic("reader");
	struct kc_conf		*c = test_conf(topic);
	struct kc_producer	*p;
	struct kc_history_reader *r;
	struct kc_history_query	 q;
	struct kc_msg		*h;
	char			 rooms[6][KC_NAME_MAX + 1], text[256], err[512];
	char			 moved[KC_NAME_MAX + 1] = "", id[KC_ID_LEN + 1];
	int64_t			 before[6];
	size_t			 n, got[6];
	int			 failed = 0, more, k, i, parts = 0, left, problems;

	ck_assert_int_eq(kc_topics_ensure(c, 1, -1, NULL, NULL, &problems, err,
	    sizeof err), KC_OK);
	for (k = 0; k < 6; k++) {
		snprintf(rooms[k], sizeof rooms[k], "pool%d", k);
		parts |= 1 << kc_room_partition(rooms[k], TEST_PARTITIONS);
	}
	ck_assert_int_eq(parts, 7);	/* every partition has some */
	/* A room that partitions added will move, as kchat.h says. */
	for (k = 0; k < 1000 && moved[0] == '\0'; k++) {
		snprintf(moved, sizeof moved, "mover%d", k);
		if (kc_room_partition(moved, 3) == kc_room_partition(moved, 5))
			moved[0] = '\0';
	}
	ck_assert_str_ne(moved, "");

	/* 150 lines of each room, interleaved: some 300 records a partition,
	 * more than a query's first window (256). */
	ck_assert_int_eq(kc_producer_new(c, NULL, no_report, &failed, &p, err,
	    sizeof err), KC_OK);
	for (i = 0; i < 150; i++) {
		for (k = 0; k < 6; k++) {
			snprintf(text, sizeof text, "%s %d", rooms[k], i);
			id[0] = '\0';
			put(p, rooms[k], 0, text, id);
		}
		if (i < 5) {
			snprintf(text, sizeof text, "%s %d", moved, i);
			id[0] = '\0';
			put(p, moved, 0, text, id);
		}
	}
	ck_assert_int_eq(kc_producer_flush(p, 30000), KC_OK);
	ck_assert_int_eq(failed, 0);

	ck_assert_msg(kc_history_reader_new(c, 20000, &r, err, sizeof err) ==
	    KC_OK, "%s", err);
	ck_assert_msg(kc_history_reader_connect(r, 20000, err, sizeof err) ==
	    KC_OK, "%s", err);
	memset(&q, 0, sizeof q);
	q.timeout_ms = 20000;

	/* Pages of 9, one room after another (so each query reads another
	 * partition, or lower in the same one), down to each room's first. */
	for (k = 0; k < 6; k++) {
		before[k] = KC_OFFSET_END;
		got[k] = 0;
	}
	for (left = 6; left > 0; ) {
		for (k = 0, left = 0; k < 6; k++) {
			if (before[k] == -2)
				continue;	/* read to its first */
			q.room = rooms[k];
			q.n = 9;
			q.before = before[k];
			h = same_page(r, c, &q, &n, &more);
			for (i = (int)n - 1; i >= 0; i--) {
				snprintf(text, sizeof text, "%s %zu", rooms[k],
				    149 - got[k]++);
				ck_assert_str_eq(h[i].text, text);
			}
			before[k] = more ? h[0].offset : -2;
			left += more;
			kc_history_free(h, n);
		}
	}
	for (k = 0; k < 6; k++)
		ck_assert_uint_eq(got[k], 150);

	/* Whole rooms and pages before an id, alternating. */
	for (k = 0; k < 6; k++) {
		q.room = rooms[k];
		q.n = 1000;
		q.before = KC_OFFSET_END;
		h = same_page(r, c, &q, &n, &more);
		ck_assert_uint_eq(n, 150);
		ck_assert_int_eq(more, 0);
		memcpy(id, h[100].id, sizeof id);
		kc_history_free(h, n);
		q.room = rooms[(k + 1) % 6];
		q.n = 20;
		h = same_page(r, c, &q, &n, &more);
		ck_assert_uint_eq(n, 20);
		kc_history_free(h, n);
		q.room = rooms[k];
		q.before_id = id;
		h = same_page(r, c, &q, &n, &more);
		ck_assert_uint_eq(n, 20);
		snprintf(text, sizeof text, "%s 99", rooms[k]);
		ck_assert_str_eq(h[19].text, text);
		q.before_id = NULL;
		kc_history_free(h, n);
	}

	/* Partitions added while the reader lives: the moved room's history
	 * is its new lines, then those of its first partition. */
	test_add_partitions(topic, 5);
	test_wait_partitions(topic, 5);
	for (i = 5; i < 8; i++) {
		snprintf(text, sizeof text, "%s %d", moved, i);
		id[0] = '\0';
		put(p, moved, 0, text, id);
	}
	ck_assert_int_eq(kc_producer_flush(p, 30000), KC_OK);
	q.room = moved;
	q.n = 100;
	q.before = KC_OFFSET_END;
	h = same_page(r, c, &q, &n, &more);
	ck_assert_uint_eq(n, 8);
	for (i = 0; i < 8; i++) {
		snprintf(text, sizeof text, "%s %d", moved, i);
		ck_assert_str_eq(h[i].text, text);
		if (i < 5)
			ck_assert_int_lt(h[i].offset, -1);	/* moved */
	}
	kc_history_free(h, n);
	q.n = 3;
	for (q.before = KC_OFFSET_END, more = 1, k = 0; more; k++) {
		h = same_page(r, c, &q, &n, &more);
		ck_assert_uint_gt(n, 0);
		q.before = h[0].offset;
		kc_history_free(h, n);
	}
	ck_assert_int_eq(k, 3);
	/* and the other rooms, wherever they are now */
	for (k = 0; k < 6; k++) {
		q.room = rooms[k];
		q.n = 200;
		q.before = KC_OFFSET_END;
		h = same_page(r, c, &q, &n, &more);
		ck_assert_uint_eq(n, 150);
		kc_history_free(h, n);
	}

	kc_history_reader_free(r);
	kc_producer_free(p);
	kc_conf_free(c);
}
END_TEST

int
main(void)
{
	TCase *tc = tcase_create("real-kafka");

	tcase_add_test(tc, history_with_shared_partition);
	tcase_add_test(tc, history_after_a_transaction);
	tcase_add_test(tc, history_by_offsets);
	tcase_add_test(tc, history_same_id_other_writer);
	tcase_add_test(tc, one_reader_many_queries);
	return test_run("history", tc, 120);
}
