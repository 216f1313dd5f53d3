/*
 * test-lastlog.c - tui/lastlog.c and tui/cmd-lastlog.c driven without a
 * terminal or Kafka: /lastlog lists the buffer's matching lines at once,
 * asks the Kafka side (a fake chat_ops) for older ones below the oldest
 * line the buffer has from Kafka, shows one progress line that is
 * replaced as the scan goes on, and ends with the older matches and a
 * count.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static struct chat	*c;
static unsigned		 search_id;
static char		 search_room[KC_NAME_MAX + 1];
static char		 search_q[KC_SEARCH_Q_MAX + 1];
static char		 search_before[KC_ID_LEN + 1];
static size_t		 search_scan;
static int		 searches;

static int
fake_send(void *arg, const struct kc_msg *m, char *errstr, size_t len)
{
	return KC_OK;
}

static int
fake_history(void *arg, unsigned id, const char *room, size_t n,
    const char *before, char *errstr, size_t len)
{
	chat_fetched(c, id, KC_OK, "", NULL, 0);
	return KC_OK;
}

static int
fake_search(void *arg, unsigned id, const char *room, const char *q,
    const char *before, size_t scan, char *errstr, size_t len)
{
	search_id = id;
	snprintf(search_room, sizeof search_room, "%s", room);
	snprintf(search_q, sizeof search_q, "%s", q);
	snprintf(search_before, sizeof search_before, "%s", before);
	search_scan = scan;
	searches++;
	return KC_OK;
}

static const struct chat_ops fake_ops = {
	fake_send, fake_history, NULL, NULL, fake_search, NULL
};

static void
setup(void)
{
	searches = 0;
	search_id = 0;
	c = chat_new("alice", &fake_ops, NULL);
	chat_set_conn(c, CHAT_CONNECTED);
}

static void
teardown(void)
{
	chat_free(c);
}

static void
msg(struct kc_msg *m, enum kc_type t, const char *user, const char *text)
{
	kc_msg_init(m);
	ck_assert_int_eq(kc_msg_make(m, t, "lib", user, NULL, text,
	    strlen(text)), KC_OK);
}

static void
receive(enum kc_type t, const char *user, const char *text)
{
	struct kc_msg m;

	msg(&m, t, user, text);
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
}

/* How many lines of b contain text (and have all of flags). */
static size_t
lines_with(struct buffer *b, const char *text, int flags)
{
	size_t i, n = 0;

	for (i = 0; i < b->nlines; i++)
		n += b->lines[i].text != NULL && strstr(b->lines[i].text, text) &&
		    (b->lines[i].flags & flags) == flags;
	return n;
}

START_TEST(lastlog_buffer_then_kafka)
{
	struct buffer	*b;
	struct kc_msg	 old;
	char		 first[KC_ID_LEN + 1];

	ck_assert_int_eq(chat_join(c, "lib"), 0);
	b = chat_current(c);
	receive(KC_TYPE_MESSAGE, "bob", "Deploy at 5");
	memcpy(first, buffer_oldest(b)->id, sizeof first);
	receive(KC_TYPE_MESSAGE, "bob", "lunch?");
	receive(KC_TYPE_ACTION, "carol", "deploys again");
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog DEPLOY"), 0);
	ck_assert_uint_eq(lines_with(b, "lastlog \"DEPLOY\" in #lib: 2 matches "
	    "in this buffer", 0), 1);
	ck_assert_uint_eq(lines_with(b, "<bob> Deploy at 5", 0), 1);
	ck_assert_uint_eq(lines_with(b, "Deploy at 5", 0), 2);
	ck_assert_uint_eq(lines_with(b, "* carol deploys again", 0), 1);
	ck_assert_uint_eq(lines_with(b, "lunch?", 0), 1);	/* not listed */
	/* Kafka: below the oldest line from it, the default bound. */
	ck_assert_int_eq(searches, 1);
	ck_assert_str_eq(search_room, "lib");
	ck_assert_str_eq(search_q, "DEPLOY");
	ck_assert_str_eq(search_before, first);
	ck_assert_uint_eq(search_scan, KC_SEARCH_SCAN_DEFAULT);
	ck_assert_uint_eq(lines_with(b, "searching #lib in Kafka\u2026 0 records "
	    "scanned", LINE_LASTLOG | LINE_LOADING), 1);

	/* Progress replaces the line. */
	lastlog_progress(c, search_id, 1000);
	ck_assert_uint_eq(lines_with(b, "searching #lib", LINE_LASTLOG), 1);
	ck_assert_uint_eq(lines_with(b, "\u2026 1000 records scanned",
	    LINE_LASTLOG), 1);

	/* One at a time. */
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog other"), -1);
	ck_assert_uint_eq(lines_with(b, "a /lastlog of #lib is still searching "
	    "Kafka", 0), 1);
	ck_assert_int_eq(searches, 1);

	msg(&old, KC_TYPE_MESSAGE, "dan", "the first deploy\nof all");
	lastlog_found(c, search_id, KC_OK, "", &old, 1, 10000, 1);
	kc_msg_clear(&old);
	ck_assert_uint_eq(lines_with(b, "searching #lib", LINE_LASTLOG), 0);
	ck_assert_uint_eq(lines_with(b, "older matches in Kafka:", 0), 1);
	/* one line, the newline shown */
	ck_assert_uint_eq(lines_with(b, "<dan> the first deploy\u2424of all", 0), 1);
	ck_assert_uint_eq(lines_with(b, "lastlog \"DEPLOY\": 3 matches (2 in "
	    "this buffer, 1 older from Kafka; 10000 older records scanned, "
	    "older ones not searched", 0), 1);
	/* A late answer to an ended search is dropped. */
	lastlog_found(c, search_id, KC_OK, "", NULL, 0, 0, 0);
	ck_assert_uint_eq(lines_with(b, "lastlog \"DEPLOY\": ", 0), 1);
}
END_TEST

/*
 * The scan of Kafka starts below the buffer: a delete or edit the buffer
 * read of an older line counts there too. A deleted line is not found
 * again, an edited one is found as it reads now.
 */
START_TEST(lastlog_kafka_deleted_edited)
{
	struct buffer	*b;
	struct kc_msg	 old[2], m;

	ck_assert_int_eq(chat_join(c, "lib"), 0);
	b = chat_current(c);
	msg(&old[0], KC_TYPE_MESSAGE, "dan", "zqx my password is hunter2");
	old[0].offset = 5;
	msg(&old[1], KC_TYPE_MESSAGE, "dan", "zqx the plan is old");
	old[1].offset = 6;
	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make_re(&m, KC_TYPE_DELETE, "lib", "dan", NULL,
	    old[0].id, NULL, NULL, 0), KC_OK);
	m.offset = 100;
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	ck_assert_int_eq(kc_msg_make_re(&m, KC_TYPE_EDIT, "lib", "dan", NULL,
	    old[1].id, NULL, "zqx the plan is new", 19), KC_OK);
	m.offset = 101;
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	receive(KC_TYPE_MESSAGE, "bob", "something else");
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog zqx"), 0);
	lastlog_found(c, search_id, KC_OK, "", old, 2, 200, 0);
	ck_assert_uint_eq(lines_with(b, "hunter2", 0), 0);
	ck_assert_uint_eq(lines_with(b, "<dan> zqx the plan is new", 0), 1);
	ck_assert_uint_eq(lines_with(b, "the plan is old", 0), 0);
	ck_assert_uint_eq(lines_with(b, "lastlog \"zqx\": 1 match (0 in this "
	    "buffer, 1 older from Kafka", 0), 1);
	kc_msg_clear(&old[0]);
	kc_msg_clear(&old[1]);
}
END_TEST

START_TEST(lastlog_arguments)
{
	struct buffer *b;

	ck_assert_int_eq(chat_join(c, "lib"), 0);
	b = chat_current(c);
	/* nothing from Kafka in the buffer: the search starts at the newest */
	ck_assert_int_eq(cmd_dispatch(c, "/clear"), 0);
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog -limit 500 two words"), 0);
	ck_assert_str_eq(search_q, "two words");
	ck_assert_uint_eq(search_scan, 500);
	ck_assert_str_eq(search_before, "");
	lastlog_found(c, search_id, KC_ERR_TIMEOUT, "no answer from Kafka", NULL,
	    0, 0, 0);
	ck_assert_uint_eq(lines_with(b, "searching Kafka failed: no answer from "
	    "Kafka", 0), 1);
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog"), -1);
	ck_assert_uint_eq(lines_with(b, "usage: /lastlog [-limit N] text", 0), 1);
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog -limit 0 x"), -1);
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog -limit 100001 x"), -1);
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog -limit x"), -1);
	ck_assert_uint_eq(lines_with(b, "/lastlog -limit takes a number", 0), 3);
	/* -limitless is text, not the option */
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog -limitless"), 0);
	ck_assert_str_eq(search_q, "-limitless");
	ck_assert_int_eq(searches, 2);
}
END_TEST

START_TEST(lastlog_dm_buffer)
{
	struct buffer	*b;
	struct kc_msg	 m;

	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make(&m, KC_TYPE_DM, "general", "bob", "alice",
	    "secret plan", 11), KC_OK);
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	b = chat_find(c, "@bob");
	ck_assert_ptr_nonnull(b);
	chat_switch(c, 0);
	while (chat_current(c) != b)
		chat_next(c, 1);
	ck_assert_int_eq(cmd_dispatch(c, "/lastlog PLAN"), 0);
	ck_assert_uint_eq(lines_with(b, "<bob> secret plan", 0), 1);
	ck_assert_uint_eq(lines_with(b, "(direct messages are not searched in "
	    "Kafka)", 0), 1);
	ck_assert_int_eq(searches, 0);
}
END_TEST

static Suite *
lastlog_suite(void)
{
	Suite	*s = suite_create("lastlog");
	TCase	*tc = tcase_create("lastlog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, lastlog_buffer_then_kafka);
	tcase_add_test(tc, lastlog_kafka_deleted_edited);
	tcase_add_test(tc, lastlog_arguments);
	tcase_add_test(tc, lastlog_dm_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failures;

	setlocale(LC_ALL, "C.UTF-8");
	sr = srunner_create(lastlog_suite());
	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
