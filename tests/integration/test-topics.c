/*
 * test-topics.c - proto/topics.c against a real broker: missing topics are
 * created to keep the chat (read back with DescribeConfigs by the check),
 * a chat topic that deletes after 7 days is a problem, and partitions
 * added to the chat topic later are a problem (rooms moved).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "kafka-env.h"

struct said {
	char	text[8192];
	int	problems;
};

static void
collect(void *opaque, int problem, const char *line)
{
	struct said	*s = opaque;
	size_t		 n = strlen(s->text);

	snprintf(s->text + n, sizeof s->text - n, "%s%s\n",
	    problem ? "problem: " : "", line);
	s->problems += problem;
}

START_TEST(created_to_keep_the_chat)
{
	const char	*topic = test_topic("topics");
	struct kc_conf	*c = test_conf(topic);
	struct said	 s = { "", 0 };
	char		 err[512], want[512];
	int		 problems;

	ck_assert_int_eq(kc_topics_ensure(c, 1, -1, collect, &s, &problems, err,
	    sizeof err), KC_OK);
	ck_assert_int_eq(problems, 0);
	snprintf(want, sizeof want, "created %s: 3 partitions, replication 1", topic);
	ck_assert_msg(strstr(s.text, want) != NULL, "%s", s.text);
	/* Read back from the broker. */
	snprintf(want, sizeof want, "%s: 3 partitions, replication 1, "
	    "min.insync.replicas 1, retention forever (retention.ms=-1), "
	    "cleanup.policy=delete", topic);
	ck_assert_msg(strstr(s.text, want) != NULL, "%s", s.text);
	snprintf(want, sizeof want, "%s.presence: 3 partitions, retention 1 hour "
	    "(retention.ms=3600000)", topic);
	ck_assert_msg(strstr(s.text, want) != NULL, "%s", s.text);
	/* The state topics, compacted (read back too). */
	snprintf(want, sizeof want, "%s.rooms: 3 partitions, cleanup.policy=compact",
	    topic);
	ck_assert_msg(strstr(s.text, want) != NULL, "%s", s.text);
	snprintf(want, sizeof want, "%s.read: 3 partitions, cleanup.policy=compact",
	    topic);
	ck_assert_msg(strstr(s.text, want) != NULL, "%s", s.text);

	/* Asking for history that the topic keeps: no problem; then a week
	 * less than what is kept is fine, forever on a 30-day topic is not. */
	s.text[0] = '\0';
	ck_assert_int_eq(kc_topics_ensure(c, 0, 7 * 86400000LL, collect, &s,
	    &problems, err, sizeof err), KC_OK);
	ck_assert_int_eq(problems, 0);

	/* Partitions added later: rooms moved. */
	test_add_partitions(topic, 5);
	s.text[0] = '\0';
	ck_assert_int_eq(kc_topics_ensure(c, 0, -1, collect, &s, &problems, err,
	    sizeof err), KC_OK);
	ck_assert_int_eq(problems, 1);
	ck_assert_msg(strstr(s.text, "partitions were added") != NULL, "%s", s.text);
	kc_conf_free(c);
}
END_TEST

START_TEST(a_week_of_retention_is_a_problem)
{
	const char	*topic = test_topic("topics7d");
	struct kc_conf	*c = test_conf(topic);
	struct kc_producer *p;
	struct kc_msg	 m;
	struct said	 s = { "", 0 };
	char		 err[512];
	int		 problems;

	/* Anything else writing first auto-creates it with the defaults. */
	ck_assert_int_eq(kc_producer_new(c, NULL, NULL, NULL, &p, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "early", NULL,
	    "first", 5), KC_OK);
	ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
	kc_msg_clear(&m);
	kc_producer_free(p);

	ck_assert_int_eq(kc_topics_ensure(c, 1, -1, collect, &s, &problems, err,
	    sizeof err), KC_OK);
	ck_assert_int_eq(problems, 1);
	ck_assert_msg(strstr(s.text, "problem: messages older than 7 days will be "
	    "deleted") != NULL, "%s", s.text);
	ck_assert_msg(strstr(s.text, "--add-config retention.ms=-1") != NULL, "%s",
	    s.text);
	kc_conf_free(c);
}
END_TEST

START_TEST(a_state_topic_not_compacted_is_a_problem)
{
	const char	*topic = test_topic("topicsst");
	struct kc_conf	*c = test_conf(topic);
	struct kc_state	*st;
	struct said	 s = { "", 0 };
	char		 err[512], rtopic[300], want[512];
	int		 problems;

	/* A reader of the rooms topic first: auto-created with the defaults. */
	ck_assert_int_eq(kc_rooms_topic(topic, rtopic, sizeof rtopic), KC_OK);
	ck_assert_int_eq(kc_state_new(c, rtopic, &st, err, sizeof err), KC_OK);
	kc_state_free(st, 0);
	ck_assert_int_eq(kc_topics_ensure(c, 1, -1, collect, &s, &problems, err,
	    sizeof err), KC_OK);
	ck_assert_int_eq(problems, 1);
	snprintf(want, sizeof want, "problem: %s is not compacted "
	    "(cleanup.policy=delete)", rtopic);
	ck_assert_msg(strstr(s.text, want) != NULL, "%s", s.text);
	ck_assert_msg(strstr(s.text, "--add-config cleanup.policy=compact") != NULL,
	    "%s", s.text);
	kc_conf_free(c);
}
END_TEST

START_TEST(added_partitions_are_read)
{
	/* A reader running while partitions are added reads them too: a
	 * room whose records move to a new partition is not silenced. */
	const char		*topic = test_topic("grow");
	struct kc_conf		*c = test_conf(topic);
	struct kc_reader	*r;
	struct kc_msg		 m, got;
	struct kc_buf		 b = { 0 };
	rd_kafka_conf_t		*rc = rd_kafka_conf_new();
	rd_kafka_t		*rk;
	rd_kafka_topic_t	*rkt;
	const struct rd_kafka_metadata *md;
	char			 err[512];
	int			 problems, seen = 0;
	int64_t			 deadline;

	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI,
	    "topic.metadata.refresh.interval.ms=1000", err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_topics_ensure(c, 1, -1, NULL, NULL, &problems, err,
	    sizeof err), KC_OK);
	ck_assert_int_eq(kc_reader_new(c, topic, KC_FROM_END, &r, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_reader_partitions(r), 3);
	test_add_partitions(topic, 5);

	/* A record in the new partition 4, as a writer that knows it would. */
	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, "moved", "otto", NULL,
	    "in a new partition", 18), KC_OK);
	ck_assert_int_eq(kc_mp_encode(&m, &b), KC_OK);
	ck_assert_int_eq(rd_kafka_conf_set(rc, "bootstrap.servers", test_brokers(),
	    err, sizeof err), RD_KAFKA_CONF_OK);
	ck_assert_ptr_nonnull(rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, err, sizeof err));
	/* Produce only once this producer's metadata has partition 4 (else
	 * the record fails on delivery, which flush does not report). */
	deadline = kc_now_us() + 60 * 1000000LL;
	ck_assert_ptr_nonnull(rkt = rd_kafka_topic_new(rk, topic, NULL));
	for (;;) {
		int np = 0;

		if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
			if (md->topic_cnt == 1)
				np = md->topics[0].partition_cnt;
			rd_kafka_metadata_destroy(md);
		}
		if (np == 5)
			break;
		ck_assert_msg(kc_now_us() < deadline, "the producer never saw 5 partitions");
		usleep(200 * 1000);
	}
	rd_kafka_topic_destroy(rkt);
	ck_assert_int_eq(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(4),
	    RD_KAFKA_V_KEY("moved", 5), RD_KAFKA_V_VALUE(b.data, b.len),
	    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
	    RD_KAFKA_RESP_ERR_NO_ERROR);
	ck_assert_int_eq(rd_kafka_flush(rk, 20000), RD_KAFKA_RESP_ERR_NO_ERROR);
	kc_msg_init(&got);
	while (!seen && kc_now_us() < deadline) {
		if (kc_reader_next(r, 500, &got) == KC_OK &&
		    strcmp(got.id, m.id) == 0) {
			ck_assert_int_eq(got.partition, 4);
			seen = 1;
		}
	}
	ck_assert_msg(seen, "a record in an added partition was never read");
	ck_assert_int_eq(kc_reader_partitions(r), 5);
	kc_msg_clear(&got);
	kc_msg_clear(&m);
	kc_buf_free(&b);
	rd_kafka_destroy(rk);
	kc_reader_free(r);
	kc_conf_free(c);
}
END_TEST


static void
send_lines(struct kc_conf *c, const char *room, const char *what, int n,
    char ids[][KC_ID_LEN + 1])
{
	struct kc_producer	*p;
	struct kc_msg		 m;
	char			 err[512], text[64];
	int			 i;

	ck_assert_int_eq(kc_producer_new(c, NULL, NULL, NULL, &p, err, sizeof err), KC_OK);
	kc_msg_init(&m);
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof text, "%s %d", what, i);
		ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_MESSAGE, room, "otto",
		    NULL, text, strlen(text)), KC_OK);
		memcpy(ids[i], m.id, KC_ID_LEN + 1);
		ck_assert_int_eq(kc_producer_send(p, &m), KC_OK);
	}
	ck_assert_int_eq(kc_producer_flush(p, 20000), KC_OK);
	kc_msg_clear(&m);
	kc_producer_free(p);
}

START_TEST(moved_room_keeps_its_history)
{
	/* Partitions added move a room: its history, page by page, is its
	 * records in its new partition, then those in its first one. */
	const char		*topic = test_topic("moved");
	struct kc_conf		*c = test_conf(topic);
	struct kc_history_query	 q;
	struct kc_msg		*h;
	char			 room[KC_NAME_MAX + 1] = "", err[512];
	char			 old_ids[5][KC_ID_LEN + 1], new_ids[3][KC_ID_LEN + 1];
	size_t			 n;
	int			 problems, more, k;

	for (k = 0; k < 1000 && room[0] == '\0'; k++) {
		snprintf(room, sizeof room, "room%d", k);
		if (kc_room_partition(room, 3) == kc_room_partition(room, 5))
			room[0] = '\0';
	}
	ck_assert_str_ne(room, "");
	ck_assert_int_eq(kc_topics_ensure(c, 1, -1, NULL, NULL, &problems, err,
	    sizeof err), KC_OK);
	send_lines(c, room, "before", 5, old_ids);
	test_add_partitions(topic, 5);
	test_wait_partitions(topic, 5);
	send_lines(c, room, "after", 3, new_ids);

	/* All of it at once, oldest first. */
	memset(&q, 0, sizeof q);
	q.room = room;
	q.n = 100;
	q.before = KC_OFFSET_END;
	q.timeout_ms = 20000;
	ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err), KC_OK);
	ck_assert_int_eq(n, 8);
	for (k = 0; k < 5; k++) {
		ck_assert_str_eq(h[k].id, old_ids[k]);
		ck_assert_int_eq(h[k].partition, kc_room_partition(room, 3));
		ck_assert_int_lt(h[k].offset, -1);
	}
	for (k = 0; k < 3; k++) {
		ck_assert_str_eq(h[5 + k].id, new_ids[k]);
		ck_assert_int_ge(h[5 + k].offset, 0);
	}
	ck_assert_int_eq(more, 0);
	kc_history_free(h, n);

	/* Page by page: each page's lowest offset is where the next starts. */
	q.n = 3;
	ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err), KC_OK);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(h[0].id, new_ids[0]);
	ck_assert_int_eq(more, 1);
	q.before = h[0].offset;
	kc_history_free(h, n);
	ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err), KC_OK);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(h[0].id, old_ids[2]);
	ck_assert_str_eq(h[2].id, old_ids[4]);
	ck_assert_int_eq(more, 1);
	q.before = h[0].offset;
	kc_history_free(h, n);
	ck_assert_int_eq(kc_history_query(c, &q, &h, &n, &more, err, sizeof err), KC_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(h[0].id, old_ids[0]);
	ck_assert_str_eq(h[1].id, old_ids[1]);
	ck_assert_int_eq(more, 0);
	kc_history_free(h, n);

	/* By id, as kchat-tui pages: below a record of the first partition. */
	ck_assert_int_eq(kc_history_fetch(c, room, 10, old_ids[2], 20000, &h,
	    &n, err, sizeof err), KC_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(h[1].id, old_ids[1]);
	kc_history_free(h, n);
	kc_conf_free(c);
}
END_TEST

int
main(void)
{
	TCase *tc = tcase_create("real-kafka");

	tcase_add_test(tc, created_to_keep_the_chat);
	tcase_add_test(tc, a_week_of_retention_is_a_problem);
	tcase_add_test(tc, added_partitions_are_read);
	tcase_add_test(tc, moved_room_keeps_its_history);
	tcase_add_test(tc, a_state_topic_not_compacted_is_a_problem);
	return test_run("topics", tc, 120);
}
