/*
 * test-tenure.c - whose a name's stored direct messages are in open mode
 * (proto/tenure.c): not those written while another client instance held
 * the name, by that instance's records under it; to the end while its
 * joins and leaves say it is still in a room (it ended without leaving).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kchat.h"

#define T0	1760000000000000LL	/* µs: an ordinary moment in 2025 */
#define SEC	1000000LL

static struct kc_msg
rec(enum kc_type type, const char *room, const char *user, const char *inst,
    int64_t ts)
{
	struct kc_msg m;

	kc_msg_init(&m);
	m.v = KC_RECORD_VERSION;
	m.type = type;
	snprintf(m.room, sizeof m.room, "%s", room);
	snprintf(m.user, sizeof m.user, "%s", user);
	snprintf(m.inst, sizeof m.inst, "%s", inst);
	m.ts = ts;
	return m;
}

static void
see(struct kc_tenure *t, enum kc_type type, const char *room,
    const char *user, const char *inst, int64_t ts)
{
	struct kc_msg m = rec(type, room, user, inst, ts);

	kc_tenure_see(t, &m);
}

/* Whether a dm to alice written at ts is the holder's. */
static int
ours(const struct kc_tenure *t, int64_t ts)
{
	struct kc_msg m = rec(KC_TYPE_DM, "general", "carol", "carolinst", ts);

	return kc_tenure_ours(t, &m);
}

START_TEST(nobody_else)
{
	struct kc_tenure *t = kc_tenure_new("alice", "mine");

	ck_assert_ptr_nonnull(t);
	ck_assert(kc_tenure_after(t) == INT64_MIN);
	/* Its own records, records without inst, other names: nothing. */
	see(t, KC_TYPE_JOIN, "general", "alice", "mine", T0);
	see(t, KC_TYPE_JOIN, "general", "alice", "", T0 + SEC);
	see(t, KC_TYPE_JOIN, "general", "Alice", "other", T0 + SEC);
	see(t, KC_TYPE_MESSAGE, "general", "carol", "other", T0 + SEC);
	ck_assert(kc_tenure_after(t) == INT64_MIN);
	ck_assert(ours(t, T0 - 3600 * SEC));
	kc_tenure_free(t);
	/* No tracker: every one. */
	ck_assert(ours(NULL, T0));
}
END_TEST

START_TEST(after_another_left)
{
	struct kc_tenure *t = kc_tenure_new("alice", "mallory");

	/* alice's terminal in two rooms, a dm, then a rename (leaves). */
	see(t, KC_TYPE_JOIN, "general", "alice", "term", T0);
	see(t, KC_TYPE_JOIN, "dev", "alice", "term", T0 + SEC);
	see(t, KC_TYPE_DM, "dev", "alice", "term", T0 + 2 * SEC);
	see(t, KC_TYPE_LEAVE, "general", "alice", "term", T0 + 10 * SEC);
	/* Still in dev: held to the end. */
	ck_assert(kc_tenure_after(t) == INT64_MAX);
	ck_assert(!ours(t, T0 + 20 * SEC));
	see(t, KC_TYPE_LEAVE, "dev", "alice", "term", T0 + 11 * SEC);
	ck_assert(kc_tenure_after(t) == T0 + 11 * SEC);
	ck_assert(!ours(t, T0 + 5 * SEC));
	ck_assert(!ours(t, T0 + 11 * SEC));
	ck_assert(ours(t, T0 + 12 * SEC));
	/* Rooms read in any order among them: dev's before general's. */
	kc_tenure_free(t);
	t = kc_tenure_new("alice", "mallory");
	see(t, KC_TYPE_JOIN, "dev", "alice", "term", T0 + SEC);
	see(t, KC_TYPE_LEAVE, "dev", "alice", "term", T0 + 11 * SEC);
	see(t, KC_TYPE_JOIN, "general", "alice", "term", T0);
	see(t, KC_TYPE_MESSAGE, "general", "alice", "term", T0 + 3 * SEC);
	ck_assert(kc_tenure_after(t) == INT64_MAX);
	see(t, KC_TYPE_LEAVE, "general", "alice", "term", T0 + 10 * SEC);
	ck_assert(kc_tenure_after(t) == T0 + 11 * SEC);
	kc_tenure_free(t);
}
END_TEST

START_TEST(newest_of_others)
{
	struct kc_tenure *t = kc_tenure_new("alice", "alice-browser");

	/* Another held it, then a third; then the asker came back. */
	see(t, KC_TYPE_JOIN, "general", "alice", "second", T0 + 100 * SEC);
	see(t, KC_TYPE_LEAVE, "general", "alice", "second", T0 + 200 * SEC);
	see(t, KC_TYPE_JOIN, "general", "alice", "first", T0);
	see(t, KC_TYPE_LEAVE, "general", "alice", "first", T0 + 50 * SEC);
	see(t, KC_TYPE_JOIN, "general", "alice", "alice-browser", T0 + 300 * SEC);
	ck_assert(kc_tenure_after(t) == T0 + 200 * SEC);
	ck_assert(!ours(t, T0 + 150 * SEC));
	ck_assert(ours(t, T0 + 250 * SEC));
	kc_tenure_free(t);
}
END_TEST

START_TEST(bounded)
{
	struct kc_tenure	*t = kc_tenure_new("alice", "mine");
	char			 inst[KC_INST_MAX + 1], room[KC_NAME_MAX + 1];
	int			 i;

	/* Past 32 rooms of one instance: held to the end, whatever comes. */
	for (i = 0; i < 33; i++) {
		snprintf(room, sizeof room, "r%d", i);
		see(t, KC_TYPE_JOIN, room, "alice", "many", T0 + i);
		see(t, KC_TYPE_LEAVE, room, "alice", "many", T0 + i + 1);
		see(t, KC_TYPE_JOIN, room, "alice", "many", T0 + i + 2);
	}
	ck_assert(kc_tenure_after(t) == INT64_MAX);
	kc_tenure_free(t);
	/* Past 64 instances: the same. */
	t = kc_tenure_new("alice", "mine");
	for (i = 0; i < 64; i++) {
		snprintf(inst, sizeof inst, "i%d", i);
		see(t, KC_TYPE_LEAVE, "general", "alice", inst, T0 + i);
	}
	ck_assert(kc_tenure_after(t) == T0 + 63);
	see(t, KC_TYPE_LEAVE, "general", "alice", "one-more", T0);
	ck_assert(kc_tenure_after(t) == INT64_MAX);
	kc_tenure_free(t);
	ck_assert_ptr_null(kc_tenure_new(NULL, "x"));
	kc_tenure_see(NULL, NULL);
	kc_tenure_free(NULL);
}
END_TEST

/* A record dated far off by its writer counts at Kafka's time. */
START_TEST(shown_time)
{
	struct kc_tenure	*t = kc_tenure_new("alice", "mine");
	struct kc_msg		 m = rec(KC_TYPE_LEAVE, "general", "alice",
				    "old", T0 - 86400 * SEC);

	m.log_ts = T0;
	kc_tenure_see(t, &m);
	ck_assert(kc_tenure_after(t) == T0);
	kc_tenure_free(t);
}
END_TEST

static Suite *
tenure_suite(void)
{
	Suite	*s = suite_create("tenure");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, nobody_else);
	tcase_add_test(tc, after_another_left);
	tcase_add_test(tc, newest_of_others);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, shown_time);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(tenure_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
