/*
 * test-marker.c - read markers (proto/marker.c, proto/marktab.c): the
 * record round-trips, the key is "user/room", a marker further on (by
 * offset, by id when an offset is unknown) replaces an older one and an
 * older one read later changes nothing, per user and room.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "kchat.h"

#define T0	1760000000000000LL

static struct kc_marker
mark(const char *user, const char *room, int64_t offset, int64_t ts)
{
	struct kc_marker mk;

	memset(&mk, 0, sizeof mk);
	snprintf(mk.user, sizeof mk.user, "%s", user);
	snprintf(mk.room, sizeof mk.room, "%s", room);
	kc_ulid_new(mk.id, ts);
	mk.offset = offset;
	mk.ts = ts;
	return mk;
}

START_TEST(round_trip)
{
	struct kc_marker	a = mark("alice", "general", 41, T0), b;
	struct kc_buf		buf = { 0 };
	char			key[KC_MARKER_KEY_MAX];

	ck_assert_int_eq(kc_marker_encode(&a, &buf), KC_OK);
	ck_assert_int_eq(kc_marker_decode(buf.data, buf.len, &b), KC_OK);
	ck_assert_str_eq(b.user, "alice");
	ck_assert_str_eq(b.room, "general");
	ck_assert_str_eq(b.id, a.id);
	ck_assert_int_eq(b.offset, 41);
	ck_assert_int_eq(b.ts, T0);
	ck_assert_int_eq(kc_marker_key("alice", "general", key, sizeof key), KC_OK);
	ck_assert_str_eq(key, "alice/general");
	/* A marker needs a real id. */
	snprintf(a.id, sizeof a.id, "not-an-id");
	kc_buf_reset(&buf);
	ck_assert_int_eq(kc_marker_encode(&a, &buf), KC_ERR_ID);
	ck_assert_int_eq(kc_marker_decode("\x80", 1, &b), KC_ERR_MP_MISSING);
	ck_assert_int_eq(kc_marker_decode("\xdd\xff\xff\xff\xff", 5, &b),
	    KC_ERR_MP_TRUNCATED);
	ck_assert_int_eq(kc_marker_decode("\x90", 1, &b), KC_ERR_MP_NOT_MAP);
	kc_buf_free(&buf);
}
END_TEST

/* A direct conversation's marker: "@" and a user name, compared by id. */
START_TEST(direct_conversation)
{
	struct kc_marker	a = mark("bob", "@carol", -1, T0), b;
	struct kc_marker	later = mark("bob", "@carol", 3, T0 + 1000);
	struct kc_buf		buf = { 0 };
	char			key[KC_MARKER_KEY_MAX];

	ck_assert_int_eq(kc_marker_encode(&a, &buf), KC_OK);
	ck_assert_int_eq(kc_marker_decode(buf.data, buf.len, &b), KC_OK);
	ck_assert_str_eq(b.room, "@carol");
	ck_assert_str_eq(b.id, a.id);
	ck_assert_int_eq(kc_marker_key("bob", "@carol", key, sizeof key), KC_OK);
	ck_assert_str_eq(key, "bob/@carol");
	/* The longest names fit, key included. */
	a = mark("b2345678901234567890123456789012",
	    "@c2345678901234567890123456789012", -1, T0);
	kc_buf_reset(&buf);
	ck_assert_int_eq(kc_marker_encode(&a, &buf), KC_OK);
	ck_assert_int_eq(kc_marker_decode(buf.data, buf.len, &b), KC_OK);
	ck_assert_str_eq(b.room, "@c2345678901234567890123456789012");
	ck_assert_int_eq(kc_marker_key(a.user, a.room, key, sizeof key), KC_OK);
	/* Not a user name after the "@": refused. */
	a = mark("bob", "@*strangers", -1, T0);
	kc_buf_reset(&buf);
	ck_assert_int_ne(kc_marker_encode(&a, &buf), KC_OK);
	a = mark("bob", "@", -1, T0);
	kc_buf_reset(&buf);
	ck_assert_int_ne(kc_marker_encode(&a, &buf), KC_OK);
	/* Offsets of different partitions say nothing: the later id wins. */
	a = mark("bob", "@carol", 40, T0);
	ck_assert(kc_marker_newer(&a, &later));
	ck_assert(!kc_marker_newer(&later, &a));
	kc_buf_free(&buf);
}
END_TEST

START_TEST(further_on_wins)
{
	struct kc_marktab	*t = kc_marktab_new();
	struct kc_marker	 m;

	m = mark("alice", "general", 10, T0);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 1);
	m = mark("alice", "general", 5, T0 + 1000000);	/* older place, later */
	ck_assert_int_eq(kc_marktab_apply(t, &m), 0);
	ck_assert_int_eq(kc_marktab_get(t, "alice", "general")->offset, 10);
	m = mark("alice", "general", 12, T0 + 2000000);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 1);
	ck_assert_int_eq(kc_marktab_get(t, "alice", "general")->offset, 12);
	/* Other users and rooms are their own. */
	m = mark("bob", "general", 1, T0);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 1);
	m = mark("alice", "dev", 3, T0);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 1);
	ck_assert_int_eq(kc_marktab_get(t, "alice", "general")->offset, 12);
	ck_assert_int_eq(kc_marktab_get(t, "bob", "general")->offset, 1);
	ck_assert_int_eq(kc_marktab_get(t, "alice", "dev")->offset, 3);
	ck_assert_ptr_null(kc_marktab_get(t, "bob", "dev"));
	/* No offset: the later id is further on. */
	m = mark("carol", "x", -1, T0);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 1);
	m = mark("carol", "x", -1, T0 + 5000);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 1);
	m = mark("carol", "x", -1, T0 - 5000);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 0);
	kc_marktab_free(t);
	kc_marktab_free(NULL);
}
END_TEST

/* Many users: each pair its own, found again after the table grew, bounded. */
START_TEST(many_markers)
{
	struct kc_marktab	*t = kc_marktab_new();
	const struct kc_marker	*got;
	struct kc_marker	 m;
	char			 user[32], room[32];
	int			 i;

	for (i = 0; i < KC_MARKTAB_MAX; i++) {
		snprintf(user, sizeof user, "user%d", i / 3);
		snprintf(room, sizeof room, "room%d", i % 3);
		m = mark(user, room, i, T0 + i);
		ck_assert_int_eq(kc_marktab_apply(t, &m), 1);
	}
	for (i = 0; i < KC_MARKTAB_MAX; i += 997) {
		snprintf(user, sizeof user, "user%d", i / 3);
		snprintf(room, sizeof room, "room%d", i % 3);
		ck_assert_ptr_nonnull(got = kc_marktab_get(t, user, room));
		ck_assert_int_eq(got->offset, i);
		ck_assert_str_eq(got->user, user);
		ck_assert_str_eq(got->room, room);
	}
	/* Full: a new pair is not kept, a known one still moves on. */
	m = mark("newcomer", "room0", 1, T0);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 0);
	ck_assert_ptr_null(kc_marktab_get(t, "newcomer", "room0"));
	m = mark("user7", "room1", 1000000, T0 + 1);
	ck_assert_int_eq(kc_marktab_apply(t, &m), 1);
	ck_assert_int_eq(kc_marktab_get(t, "user7", "room1")->offset, 1000000);
	ck_assert_ptr_null(kc_marktab_get(t, "user7", "room9"));
	kc_marktab_free(t);
}
END_TEST

static Suite *
marker_suite(void)
{
	Suite	*s = suite_create("marker");
	TCase	*tc = tcase_create("marker");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, direct_conversation);
	tcase_add_test(tc, further_on_wins);
	tcase_add_test(tc, many_markers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(marker_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
