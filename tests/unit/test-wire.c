/*
 * test-wire.c - golden tests of every frame the bridge sends (proto/wire.c):
 * each kind's exact bytes, as kchat.7 documents them.
 */
#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "kchat.h"

#define ID	"01K6MQZ8V1Q4J4Z6Q9W2C3D4E5"
#define TS	1759530645123456LL	/* 2025-10-03T22:30:45.123456 */
#define TSS	"2025-10-03T22:30:45.123456"

static void
msg_fixed(struct kc_msg *m, enum kc_type type, const char *text)
{
	kc_msg_init(m);
	m->v = KC_RECORD_VERSION;
	memcpy(m->id, ID, sizeof ID);
	m->type = type;
	m->ts = TS;
	strcpy(m->room, "general");
	strcpy(m->user, "alice");
	if (text != NULL)
		ck_assert_int_eq(kc_msg_set_text(m, text, strlen(text)), KC_OK);
}

/* Encodes with fn's result err, compares with want, resets b. */
#define GOLDEN(call, want) do {						\
	struct kc_buf b_ = { 0 };					\
	struct kc_buf *out = &b_;					\
	ck_assert_int_eq((call), KC_OK);				\
	ck_assert_str_eq(b_.data, (want));				\
	kc_buf_free(&b_);						\
} while (0)

START_TEST(test_record)
{
	struct kc_msg m;

	msg_fixed(&m, KC_TYPE_MESSAGE, "hi");
	GOLDEN(kc_wire_record(&m, 0, out), "{\"username\": \"alice\", "
	    "\"message\": \"hi\", \"timestamp\": \"" TSS "\", \"room\": "
	    "\"general\", \"id\": \"" ID "\", \"type\": \"message\"}");
	m.offset = 42;
	strcpy(m.via, "web");
	GOLDEN(kc_wire_record(&m, 1, out), "{\"username\": \"alice\", "
	    "\"message\": \"hi\", \"timestamp\": \"" TSS "\", \"room\": "
	    "\"general\", \"id\": \"" ID "\", \"type\": \"message\", "
	    "\"via\": \"web\", \"offset\": 42, \"history\": true}");
	kc_msg_clear(&m);
}
END_TEST

START_TEST(test_ack_error)
{
	struct kc_msg m;

	msg_fixed(&m, KC_TYPE_MESSAGE, "hi");
	GOLDEN(kc_wire_ack("r1", &m, out), "{\"type\": \"ack\", \"ref\": "
	    "\"r1\", \"id\": \"" ID "\", \"timestamp\": \"" TSS "\", "
	    "\"room\": \"general\"}");
	GOLDEN(kc_wire_error(KC_ERR_BUSY, NULL, "r2", NULL, out),
	    "{\"type\": \"error\", \"code\": \"busy\", \"error\": "
	    "\"history is busy, ask again later\", \"ref\": \"r2\"}");
	GOLDEN(kc_wire_error(KC_ERR_HISTORY_UNAVAILABLE, "leader not "
	    "available", NULL, "dev", out), "{\"type\": \"error\", \"code\": "
	    "\"history_unavailable\", \"error\": \"leader not available\", "
	    "\"room\": \"dev\"}");
	GOLDEN(kc_wire_config(1, "alice", 1, out), "{\"accounts\": true, "
	    "\"user\": \"alice\", \"tls\": true}");
	GOLDEN(kc_wire_config(0, NULL, 0, out), "{\"accounts\": false, "
	    "\"user\": null, \"tls\": false}");
	kc_msg_clear(&m);
}
END_TEST

/* Every error code has a distinct stable name (kchat.7 lists them). */
START_TEST(test_error_codes)
{
	int i, j;

	for (i = 0; i < KC_ERR__COUNT; i++) {
		ck_assert_str_ne(kc_errname(i), "unknown");
		for (j = 0; j < i; j++)
			ck_assert_str_ne(kc_errname(i), kc_errname(j));
	}
	ck_assert_str_eq(kc_errname(KC_ERR_USERNAME_MISMATCH), "username_mismatch");
	ck_assert_str_eq(kc_errname(KC_ERR_TOO_MANY_PENDING), "too_many_pending");
	ck_assert_str_eq(kc_errname(KC_ERR_BAD_ID), "bad_id");
}
END_TEST

START_TEST(test_hello)
{
	const char		*rooms[] = { "general", "dev" };
	struct kc_wire_hello	 h;

	memset(&h, 0, sizeof h);
	h.client_id = "c1";
	h.room = "dev";
	h.rooms = rooms;
	h.nrooms = 2;
	h.server = "kchat-bridge/1.0";
	h.history = 50;
	h.max_message = 65536;
	h.rate = 10;
	h.burst = 20;
	h.presence_timeout_ms = 45000;
	GOLDEN(kc_wire_hello(&h, out), "{\"type\": \"hello\", \"client_id\": "
	    "\"c1\", \"username\": null, \"room\": \"dev\", \"rooms\": "
	    "[\"general\", \"dev\"], \"server\": \"kchat-bridge/1.0\", "
	    "\"history\": 50, \"max_message\": 65536, \"rate\": 10.0, "
	    "\"burst\": 20.0, \"presence_timeout_ms\": 45000}");
	h.username = "alice";
	h.nrooms = 0;
	GOLDEN(kc_wire_hello(&h, out), "{\"type\": \"hello\", \"client_id\": "
	    "\"c1\", \"username\": \"alice\", \"room\": \"dev\", \"rooms\": "
	    "[], \"server\": \"kchat-bridge/1.0\", "
	    "\"history\": 50, \"max_message\": 65536, \"rate\": 10.0, "
	    "\"burst\": 20.0, \"presence_timeout_ms\": 45000}");
}
END_TEST

START_TEST(test_joined_left)
{
	const char *rooms[] = { "general", "dev" };

	GOLDEN(kc_wire_joined("dev", rooms, 2, "j1", out), "{\"type\": "
	    "\"joined\", \"room\": \"dev\", \"rooms\": [\"general\", "
	    "\"dev\"], \"ref\": \"j1\"}");
	GOLDEN(kc_wire_left("dev", rooms, 1, NULL, out), "{\"type\": "
	    "\"left\", \"room\": \"dev\", \"rooms\": [\"general\"]}");
}
END_TEST

START_TEST(test_history)
{
	struct kc_msg		m[2];
	struct kc_wire_page	p = { "general", NULL, -1, 0, 0, NULL };

	msg_fixed(&m[0], KC_TYPE_MESSAGE, "one");
	msg_fixed(&m[1], KC_TYPE_JOIN, NULL);
	m[0].offset = 7;
	m[1].offset = 8;
	GOLDEN(kc_wire_history(&p, m, 0, out), "{\"type\": \"history\", "
	    "\"room\": \"general\", \"before\": null, \"more\": false, "
	    "\"messages\": []}");
	p.before_offset = 9;
	p.since = 3;
	p.more = 1;
	p.ref = "h1";
	GOLDEN(kc_wire_history(&p, m, 2, out), "{\"type\": \"history\", "
	    "\"room\": \"general\", \"before\": null, \"before_offset\": 9, "
	    "\"since\": 3, \"more\": true, \"ref\": \"h1\", \"messages\": "
	    "[{\"username\": \"alice\", \"message\": \"one\", \"timestamp\": \""
	    TSS "\", \"room\": \"general\", \"id\": \"" ID "\", \"type\": "
	    "\"message\", \"offset\": 7}, {\"username\": \"alice\", "
	    "\"message\": \"\", \"timestamp\": \"" TSS "\", \"room\": "
	    "\"general\", \"id\": \"" ID "\", \"type\": \"join\", "
	    "\"offset\": 8}]}");
	p.before_id = ID;
	p.before_offset = -1;
	p.since = 0;
	p.more = 0;
	p.ref = NULL;
	GOLDEN(kc_wire_history(&p, m, 0, out), "{\"type\": \"history\", "
	    "\"room\": \"general\", \"before\": \"" ID "\", \"more\": false, "
	    "\"messages\": []}");
	kc_msg_clear(&m[0]);
	kc_msg_clear(&m[1]);
}
END_TEST

/* Search results: matches oldest first with offsets, for jump-to-context. */
START_TEST(test_search)
{
	struct kc_msg m;

	msg_fixed(&m, KC_TYPE_MESSAGE, "deploy at 5");
	m.offset = 12;
	GOLDEN(kc_wire_search("general", "Deploy", 10000, 1, "s1", &m, 1, out),
	    "{\"type\": \"search\", \"room\": \"general\", \"q\": "
	    "\"Deploy\", \"scanned\": 10000, \"more\": true, \"ref\": \"s1\", "
	    "\"messages\": [{\"username\": \"alice\", \"message\": "
	    "\"deploy at 5\", \"timestamp\": \"" TSS "\", \"room\": "
	    "\"general\", \"id\": \"" ID "\", \"type\": \"message\", "
	    "\"offset\": 12}]}");
	GOLDEN(kc_wire_search("general", "caf\xc3\xa9", 3, 0, NULL, &m, 0, out),
	    "{\"type\": \"search\", \"room\": \"general\", \"q\": "
	    "\"caf\xc3\xa9\", \"scanned\": 3, \"more\": false, "
	    "\"messages\": []}");
	kc_msg_clear(&m);
}
END_TEST

/* A user's stored direct messages, sent when the connection's name is bound. */
START_TEST(test_dms)
{
	struct kc_msg m;

	GOLDEN(kc_wire_dms(NULL, 0, 0, out), "{\"type\": \"dms\", "
	    "\"more\": false, \"messages\": []}");
	msg_fixed(&m, KC_TYPE_DM, "psst");
	strcpy(m.to, "bob");
	m.offset = 5;
	GOLDEN(kc_wire_dms(&m, 1, 1, out), "{\"type\": \"dms\", "
	    "\"more\": true, \"messages\": [{\"username\": \"alice\", "
	    "\"message\": \"psst\", \"timestamp\": \"" TSS "\", \"room\": "
	    "\"general\", \"id\": \"" ID "\", \"type\": \"dm\", "
	    "\"to\": \"bob\", \"offset\": 5}]}");
	kc_msg_clear(&m);
}
END_TEST

START_TEST(test_presence_typing)
{
	const char *users[] = { "alice", "bob" };

	GOLDEN(kc_wire_presence("dev", users, 2, out), "{\"type\": "
	    "\"presence\", \"room\": \"dev\", \"users\": [\"alice\", \"bob\"]}");
	GOLDEN(kc_wire_presence("dev", NULL, 0, out), "{\"type\": "
	    "\"presence\", \"room\": \"dev\", \"users\": []}");
	/* /away: who of them is away, only when someone is. */
	GOLDEN(kc_wire_presence_away("dev", users, 2, users + 1, 1, out),
	    "{\"type\": \"presence\", \"room\": \"dev\", \"users\": "
	    "[\"alice\", \"bob\"], \"away\": [\"bob\"]}");
	GOLDEN(kc_wire_presence_away("dev", users, 2, NULL, 0, out),
	    "{\"type\": \"presence\", \"room\": \"dev\", \"users\": "
	    "[\"alice\", \"bob\"]}");
	GOLDEN(kc_wire_typing("dev", "bob", 1700000000123456LL, out),
	    "{\"type\": \"typing\", \"room\": \"dev\", \"username\": \"bob\", "
	    "\"timestamp\": \"2023-11-14T22:13:20.123456\"}");
}
END_TEST

START_TEST(test_rooms_pong)
{
	const char		*joined[] = { "general" };
	struct kc_wire_room	 active[] = { { "dev", 3, NULL }, { "general", 1, NULL } };

	GOLDEN(kc_wire_rooms("general", joined, 1, active, 2, 5, "q", out),
	    "{\"type\": \"rooms\", \"current\": \"general\", \"joined\": "
	    "[\"general\"], \"active\": [{\"room\": \"dev\", \"users\": 3}, "
	    "{\"room\": \"general\", \"users\": 1}], \"active_total\": 5, "
	    "\"ref\": \"q\"}");
	GOLDEN(kc_wire_pong("p", TS, 1, out), "{\"type\": \"pong\", \"ref\": "
	    "\"p\", \"timestamp\": \"" TSS "\", \"kafka\": true}");
	GOLDEN(kc_wire_kafka(0, "no connection", out), "{\"type\": \"kafka\", "
	    "\"ok\": false, \"reason\": \"no connection\"}");
	GOLDEN(kc_wire_kafka(1, "ok", out), "{\"type\": \"kafka\", "
	    "\"ok\": true}");
}
END_TEST

/* The rooms topic's rooms, a room's topic line, a read marker. */
START_TEST(test_rooms_all_topic_marker)
{
	const char		*joined[] = { "general" };
	struct kc_wire_room	 active[] = { { "general", 1, "hi" } };
	struct kc_wire_room	 all[] = { { "dev", 0, NULL }, { "general", 1, "hi" } };
	struct kc_roominfo	 ri;
	struct kc_marker	 mk;

	GOLDEN(kc_wire_rooms_all("general", joined, 1, active, 1, 1, all, 2, 2,
	    NULL, out), "{\"type\": \"rooms\", \"current\": \"general\", "
	    "\"joined\": [\"general\"], \"active\": [{\"room\": \"general\", "
	    "\"users\": 1, \"topic\": \"hi\"}], \"active_total\": 1, \"all\": "
	    "[{\"room\": \"dev\", \"users\": 0}, {\"room\": \"general\", "
	    "\"users\": 1, \"topic\": \"hi\"}], \"all_total\": 2}");
	memset(&ri, 0, sizeof ri);
	snprintf(ri.room, sizeof ri.room, "dev");
	snprintf(ri.created_by, sizeof ri.created_by, "alice");
	ri.created_ts = TS;
	GOLDEN(kc_wire_topic(&ri, NULL, out), "{\"type\": \"topic\", \"room\": "
	    "\"dev\", \"topic\": \"\", \"created_by\": \"alice\", "
	    "\"created\": \"" TSS "\"}");
	snprintf(ri.topic, sizeof ri.topic, "Release on Friday");
	snprintf(ri.topic_by, sizeof ri.topic_by, "bob");
	ri.topic_ts = TS;
	GOLDEN(kc_wire_topic(&ri, "t1", out), "{\"type\": \"topic\", \"room\": "
	    "\"dev\", \"topic\": \"Release on Friday\", \"by\": \"bob\", "
	    "\"timestamp\": \"" TSS "\", \"created_by\": \"alice\", "
	    "\"created\": \"" TSS "\", \"ref\": \"t1\"}");
	memset(&mk, 0, sizeof mk);
	snprintf(mk.user, sizeof mk.user, "alice");
	snprintf(mk.room, sizeof mk.room, "dev");
	snprintf(mk.id, sizeof mk.id, ID);
	mk.offset = 42;
	mk.ts = TS;
	GOLDEN(kc_wire_marker(&mk, out), "{\"type\": \"marker\", \"room\": "
	    "\"dev\", \"id\": \"" ID "\", \"offset\": 42, \"timestamp\": \""
	    TSS "\"}");
}
END_TEST

/* What is not valid UTF-8 is refused, and out is left as it was. */
START_TEST(test_invalid)
{
	struct kc_buf	 b = { 0 };
	const char	*bad[] = { "ok", "\xff" };

	kc_buf_append(&b, "x", 1);
	ck_assert_int_ne(kc_wire_presence("dev", bad, 2, &b), KC_OK);
	ck_assert_int_ne(kc_wire_typing("dev", "\xc3", 1700000000123456LL, &b), KC_OK);
	ck_assert_int_ne(kc_wire_pong(NULL, -1, 1, &b), KC_OK);
	ck_assert_str_eq(b.data, "x");
	kc_buf_free(&b);
}
END_TEST

static Suite *
wire_suite(void)
{
	Suite	*s = suite_create("wire");
	TCase	*tc = tcase_create("frames");

	tcase_add_test(tc, test_record);
	tcase_add_test(tc, test_ack_error);
	tcase_add_test(tc, test_error_codes);
	tcase_add_test(tc, test_hello);
	tcase_add_test(tc, test_joined_left);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_dms);
	tcase_add_test(tc, test_presence_typing);
	tcase_add_test(tc, test_rooms_pong);
	tcase_add_test(tc, test_rooms_all_topic_marker);
	tcase_add_test(tc, test_invalid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(wire_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
