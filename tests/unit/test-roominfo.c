/*
 * test-roominfo.c - a room's record on the rooms topic (proto/roominfo.c,
 * proto/roomtab.c, proto/mpmap.c): it round-trips, a record from another
 * writer (written here byte by byte) decodes with unknown keys ignored,
 * bounded decoding refuses what a hostile record declares, the earliest
 * creation and the newest topic win, and the table lists rooms by name.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "kchat.h"

#define T0	1760000000000000LL

static struct kc_roominfo
info(const char *room, const char *by, int64_t created, const char *topic,
    const char *tby, int64_t tts)
{
	struct kc_roominfo ri;

	memset(&ri, 0, sizeof ri);
	snprintf(ri.room, sizeof ri.room, "%s", room);
	snprintf(ri.created_by, sizeof ri.created_by, "%s", by);
	ri.created_ts = created;
	snprintf(ri.topic, sizeof ri.topic, "%s", topic);
	snprintf(ri.topic_by, sizeof ri.topic_by, "%s", tby);
	ri.topic_ts = tts;
	return ri;
}

START_TEST(round_trip)
{
	struct kc_roominfo	a = info("general", "alice", T0, "Ünïcode topic",
				    "bob", T0 + 5), b;
	struct kc_buf		buf = { 0 };

	ck_assert_int_eq(kc_roominfo_encode(&a, &buf), KC_OK);
	ck_assert_int_eq(kc_roominfo_decode(buf.data, buf.len, &b), KC_OK);
	ck_assert_str_eq(b.room, "general");
	ck_assert_str_eq(b.created_by, "alice");
	ck_assert_int_eq(b.created_ts, T0);
	ck_assert_str_eq(b.topic, "Ünïcode topic");
	ck_assert_str_eq(b.topic_by, "bob");
	ck_assert_int_eq(b.topic_ts, T0 + 5);

	/* Never set: no topic keys at all. */
	a = info("dev", "carol", T0, "", "", 0);
	kc_buf_reset(&buf);
	ck_assert_int_eq(kc_roominfo_encode(&a, &buf), KC_OK);
	ck_assert_ptr_null(memmem(buf.data, buf.len, "topic", 5));
	ck_assert_int_eq(kc_roominfo_decode(buf.data, buf.len, &b), KC_OK);
	ck_assert_str_eq(b.topic, "");
	ck_assert_int_eq(b.topic_ts, 0);
	kc_buf_free(&buf);
}
END_TEST

START_TEST(foreign_record)
{
	/* {"room":"ops","v":1,"x":[1,{"y":2}],"created_by":"py",
	 *  "created_ts":1, "topic":"hi", "topic_by":"py", "topic_ts":2} */
	static const unsigned char rec[] = {
		0x88,
		0xa4, 'r', 'o', 'o', 'm', 0xa3, 'o', 'p', 's',
		0xa1, 'v', 0x01,
		0xa1, 'x', 0x92, 0x01, 0x81, 0xa1, 'y', 0x02,
		0xaa, 'c', 'r', 'e', 'a', 't', 'e', 'd', '_', 'b', 'y', 0xa2, 'p', 'y',
		0xaa, 'c', 'r', 'e', 'a', 't', 'e', 'd', '_', 't', 's', 0x01,
		0xa5, 't', 'o', 'p', 'i', 'c', 0xa2, 'h', 'i',
		0xa8, 't', 'o', 'p', 'i', 'c', '_', 'b', 'y', 0xa2, 'p', 'y',
		0xa8, 't', 'o', 'p', 'i', 'c', '_', 't', 's', 0x02,
	};
	struct kc_roominfo ri;

	ck_assert_int_eq(kc_roominfo_decode(rec, sizeof rec, &ri), KC_OK);
	ck_assert_str_eq(ri.room, "ops");
	ck_assert_str_eq(ri.topic, "hi");
	ck_assert_int_eq(ri.topic_ts, 2);
}
END_TEST

START_TEST(bad_records)
{
	static const unsigned char huge_map[] = { 0xdf, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char huge_str[] = { 0x81, 0xdb, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char array[] = { 0x90 };
	static const unsigned char int_key[] = { 0x81, 0x01, 0x01 };
	static const unsigned char missing[] = { 0x81, 0xa1, 'v', 0x01 };
	static const unsigned char trailing[] = { 0x80, 0x00 };
	static const unsigned char dup[] = { 0x82, 0xa1, 'v', 0x01, 0xa1, 'v', 0x01 };
	/* {"room":"o\0x"}: a NUL inside a name would cut it short */
	static const unsigned char nul[] = { 0x81, 0xa4, 'r', 'o', 'o', 'm', 0xa3,
	    'o', 0x00, 'x' };
	unsigned char		deep[64];
	struct kc_roominfo	ri = info("general", "alice", T0, "a\nb", "bob", T0);
	struct kc_buf		buf = { 0 };
	size_t			i;

	ck_assert_int_eq(kc_roominfo_decode(huge_map, sizeof huge_map, &ri),
	    KC_ERR_MP_TRUNCATED);
	ck_assert_int_eq(kc_roominfo_decode(huge_str, sizeof huge_str, &ri),
	    KC_ERR_MP_TRUNCATED);
	ck_assert_int_eq(kc_roominfo_decode(array, sizeof array, &ri),
	    KC_ERR_MP_NOT_MAP);
	ck_assert_int_eq(kc_roominfo_decode(int_key, sizeof int_key, &ri),
	    KC_ERR_MP_KEY_TYPE);
	ck_assert_int_eq(kc_roominfo_decode(missing, sizeof missing, &ri),
	    KC_ERR_MP_MISSING);
	ck_assert_int_eq(kc_roominfo_decode(trailing, sizeof trailing, &ri),
	    KC_ERR_MP_TRAILING);
	ck_assert_int_eq(kc_roominfo_decode(dup, sizeof dup, &ri),
	    KC_ERR_MP_DUP_KEY);
	ck_assert_int_eq(kc_roominfo_decode(nul, sizeof nul, &ri),
	    KC_ERR_MP_VALUE_TYPE);
	/* {"x":[[[[...]]]]} nested past KC_MP_MAX_DEPTH */
	deep[0] = 0x81;
	deep[1] = 0xa1;
	deep[2] = 'x';
	for (i = 3; i < sizeof deep; i++)
		deep[i] = 0x91;
	deep[sizeof deep - 1] = 0x90;
	ck_assert_int_eq(kc_roominfo_decode(deep, sizeof deep, &ri),
	    KC_ERR_MP_DEPTH);
	/* A topic is one line. */
	ri = info("general", "alice", T0, "a\nb", "bob", T0);
	ck_assert_int_eq(kc_roominfo_encode(&ri, &buf), KC_ERR_TEXT_CONTROL);
	ck_assert_int_eq(kc_topic_validate("x", KC_TOPIC_MAX + 1),
	    KC_ERR_TOPIC_TOO_LONG);
	ck_assert_int_eq(kc_topic_validate("\x1b[2J", 4), KC_ERR_TEXT_CONTROL);
	ri = info("bad/room", "alice", T0, "", "", 0);
	ck_assert_int_eq(kc_roominfo_encode(&ri, &buf), KC_ERR_ROOM_CHAR);
	kc_buf_free(&buf);
}
END_TEST

START_TEST(merge)
{
	struct kc_roominfo	cur = info("general", "bob", T0 + 10, "", "", 0);
	struct kc_roominfo	r;

	/* An earlier creation wins; the topic is untouched. */
	r = info("general", "alice", T0, "", "", 0);
	ck_assert_int_eq(kc_roominfo_merge(&cur, &r), 1);
	ck_assert_str_eq(cur.created_by, "alice");
	/* A newer topic wins, an older one does not. */
	r = info("general", "bob", T0 + 10, "new", "carol", T0 + 20);
	ck_assert_int_eq(kc_roominfo_merge(&cur, &r), 1);
	ck_assert_str_eq(cur.topic, "new");
	ck_assert_str_eq(cur.created_by, "alice");
	r = info("general", "bob", T0 + 10, "old", "dave", T0 + 15);
	ck_assert_int_eq(kc_roominfo_merge(&cur, &r), 0);
	ck_assert_str_eq(cur.topic, "new");
	ck_assert_str_eq(cur.topic_by, "carol");
}
END_TEST

START_TEST(table)
{
	struct kc_roomtab	*t = kc_roomtab_new();
	struct kc_roominfo	 r;

	r = info("zeta", "a", T0, "", "", 0);
	ck_assert_int_eq(kc_roomtab_apply(t, &r), 1);
	r = info("alpha", "a", T0, "first", "a", T0 + 1);
	ck_assert_int_eq(kc_roomtab_apply(t, &r), 1);
	r = info("mid", "a", T0, "", "", 0);
	ck_assert_int_eq(kc_roomtab_apply(t, &r), 1);
	ck_assert_int_eq(kc_roomtab_apply(t, &r), 0);	/* nothing new */
	ck_assert_uint_eq(kc_roomtab_count(t), 3);
	ck_assert_str_eq(kc_roomtab_at(t, 0)->room, "alpha");
	ck_assert_str_eq(kc_roomtab_at(t, 1)->room, "mid");
	ck_assert_str_eq(kc_roomtab_at(t, 2)->room, "zeta");
	ck_assert_ptr_null(kc_roomtab_at(t, 3));
	ck_assert_str_eq(kc_roomtab_get(t, "alpha")->topic, "first");
	ck_assert_ptr_null(kc_roomtab_get(t, "nope"));
	kc_roomtab_free(t);
	kc_roomtab_free(NULL);
}
END_TEST

START_TEST(topic_names)
{
	char buf[64];

	ck_assert_int_eq(kc_rooms_topic("chat-messages", buf, sizeof buf), KC_OK);
	ck_assert_str_eq(buf, "chat-messages.rooms");
	ck_assert_int_eq(kc_read_topic("chat-messages", buf, sizeof buf), KC_OK);
	ck_assert_str_eq(buf, "chat-messages.read");
	ck_assert_int_eq(kc_rooms_topic("chat-messages", buf, 8), KC_ERR_INVAL);
}
END_TEST

static Suite *
roominfo_suite(void)
{
	Suite	*s = suite_create("roominfo");
	TCase	*tc = tcase_create("roominfo");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, foreign_record);
	tcase_add_test(tc, bad_records);
	tcase_add_test(tc, merge);
	tcase_add_test(tc, table);
	tcase_add_test(tc, topic_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(roominfo_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
