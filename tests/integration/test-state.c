/*
 * test-state.c - proto/state.c against a real broker: what one handle puts
 * on a compacted state topic, a handle opened later reads from the
 * beginning, in order, and stops at the end it found (not after a fixed
 * wait); it then follows the topic live. The records are roominfo and
 * marker records as the clients write them.
 */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kafka-env.h"

struct got {
	char	keys[16][KC_MARKER_KEY_MAX];
	char	topics[16][KC_TOPIC_MAX + 1];
	size_t	n;
};

static void
keep(void *arg, const struct kc_buf *key, const struct kc_buf *val)
{
	struct got		*g = arg;
	struct kc_roominfo	 ri;

	ck_assert_uint_lt(g->n, 16);
	ck_assert_int_eq(kc_roominfo_decode(val->data, val->len, &ri), KC_OK);
	snprintf(g->keys[g->n], sizeof g->keys[0], "%.*s", (int)key->len, key->data);
	snprintf(g->topics[g->n++], sizeof g->topics[0], "%s", ri.topic);
}

static void
put_room(struct kc_state *st, const char *room, const char *topic)
{
	struct kc_roominfo	ri;
	struct kc_buf		b = { 0 };

	memset(&ri, 0, sizeof ri);
	snprintf(ri.room, sizeof ri.room, "%s", room);
	snprintf(ri.created_by, sizeof ri.created_by, "alice");
	ri.created_ts = kc_now_us();
	snprintf(ri.topic, sizeof ri.topic, "%s", topic);
	snprintf(ri.topic_by, sizeof ri.topic_by, "alice");
	ri.topic_ts = kc_now_us();
	ck_assert_int_eq(kc_roominfo_encode(&ri, &b), KC_OK);
	ck_assert_int_eq(kc_state_put(st, room, b.data, b.len), KC_OK);
	kc_buf_free(&b);
}

START_TEST(read_from_the_beginning_then_live)
{
	const char	*topic = test_topic("state");
	struct kc_conf	*c = test_conf(topic);
	struct kc_state	*w, *r;
	struct kc_buf	 key = { 0 }, val = { 0 };
	struct got	 g;
	char		 rtopic[300], err[512];
	int		 problems, seen = 0;
	int64_t		 t0, deadline;

	ck_assert_int_eq(kc_topics_ensure(c, 1, -1, NULL, NULL, &problems, err,
	    sizeof err), KC_OK);
	ck_assert_int_eq(kc_rooms_topic(topic, rtopic, sizeof rtopic), KC_OK);
	ck_assert_int_eq(kc_state_new(c, rtopic, &w, err, sizeof err), KC_OK);
	put_room(w, "dev", "first");
	put_room(w, "ops", "on call");
	put_room(w, "dev", "second");
	kc_state_free(w, 20000);	/* flushed */

	memset(&g, 0, sizeof g);
	ck_assert_int_eq(kc_state_new(c, rtopic, &r, err, sizeof err), KC_OK);
	t0 = kc_now_us();
	ck_assert_uint_eq(kc_state_catch_up(r, t0 + 20 * 1000000LL, 10000, keep,
	    &g), 3);
	/* Stopped at the end it found, not after the 10 s of quiet. */
	ck_assert_int_lt(kc_now_us() - t0, 8 * 1000000LL);
	/* A room's records in the order written (one key, one partition). */
	{
		size_t i, d = 0;
		const char *want[] = { "first", "second" };

		for (i = 0; i < g.n; i++) {
			if (strcmp(g.keys[i], "dev") == 0)
				ck_assert_str_eq(g.topics[i], want[d++]);
		}
		ck_assert_uint_eq(d, 2);
	}

	/* Live: what is put now is read next. */
	put_room(r, "dev", "third");
	deadline = kc_now_us() + 20 * 1000000LL;
	while (!seen && kc_now_us() < deadline) {
		struct kc_roominfo ri;
		struct pollfd pfd = { kc_state_fd(r), POLLIN, 0 };
		char buf[64];

		if (kc_state_next(r, &key, &val) != KC_OK) {
			/* Wait for the wake-up, then empty it. */
			if (poll(&pfd, 1, 200) > 0)
				(void)read(pfd.fd, buf, sizeof buf);
			continue;
		}
		ck_assert_int_eq(kc_roominfo_decode(val.data, val.len, &ri), KC_OK);
		seen = strcmp(ri.topic, "third") == 0;
	}
	ck_assert_msg(seen, "a record put was never read back");
	ck_assert_uint_eq(kc_state_failed(r), 0);
	kc_buf_free(&key);
	kc_buf_free(&val);
	kc_state_free(r, 0);
	kc_conf_free(c);
}
END_TEST

int
main(void)
{
	TCase *tc = tcase_create("real-kafka");

	tcase_add_test(tc, read_from_the_beginning_then_live);
	return test_run("state", tc, 120);
}
