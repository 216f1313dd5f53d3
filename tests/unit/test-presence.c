/*
 * test-presence.c - who is in which room (proto/presence.c).
 *
 * Join, heartbeat and messages put a user in a room; a leave takes them out;
 * silence for KC_PRESENCE_TIMEOUT_MS drops them (a crashed client). Records
 * older than what is known change nothing, so a heartbeat read after a leave
 * does not bring the user back. Listings are sorted; the table is bounded.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

#define T0	1760000000000000LL	/* µs: an ordinary moment in 2025 */
#define SEC	1000000LL
#define TIMEOUT	((int64_t)KC_PRESENCE_TIMEOUT_MS * 1000)

static struct kc_msg
rec(enum kc_type type, const char *room, const char *user, int64_t ts)
{
	struct kc_msg m;

	kc_msg_init(&m);
	m.v = KC_RECORD_VERSION;
	m.type = type;
	snprintf(m.room, sizeof m.room, "%s", room);
	snprintf(m.user, sizeof m.user, "%s", user);
	m.ts = ts;
	return m;
}

static int
apply(struct kc_presence *p, enum kc_type type, const char *room,
    const char *user, int64_t ts, int64_t now)
{
	struct kc_msg m = rec(type, room, user, ts);

	return kc_presence_apply(p, &m, now);
}

/* Collects callback output as "room/user," for comparison. */
struct seen {
	char	buf[4096];
};

static void
collect(void *opaque, const char *room, const char *user)
{
	struct seen	*s = opaque;
	size_t		 n = strlen(s->buf);

	snprintf(s->buf + n, sizeof s->buf - n, "%s/%s,", room,
	    user ? user : "-");
}

static const char *
who(struct kc_presence *p, const char *room, struct seen *s)
{
	s->buf[0] = '\0';
	kc_presence_who(p, room, collect, s);
	return s->buf;
}

/*
 * /away: a user is away while every instance of theirs in the room says so
 * on its latest join or heartbeat; the change is reported as a change.
 */
START_TEST(away_per_instance)
{
	struct kc_presence	*p = kc_presence_new();
	struct kc_msg		 m;

	m = rec(KC_TYPE_JOIN, "dev", "bob", T0);
	snprintf(m.inst, sizeof m.inst, "term");
	ck_assert_int_eq(kc_presence_apply(p, &m, T0), 1);
	ck_assert_int_eq(kc_presence_away(p, "dev", "bob"), 0);
	m = rec(KC_TYPE_HEARTBEAT, "dev", "bob", T0 + SEC);
	snprintf(m.inst, sizeof m.inst, "term");
	snprintf(m.away, sizeof m.away, "lunch");
	ck_assert_int_eq(kc_presence_apply(p, &m, T0 + SEC), 1);
	ck_assert_int_eq(kc_presence_away(p, "dev", "bob"), 1);
	/* The same again: no change. A message keeps the state. */
	m.ts = T0 + 2 * SEC;
	ck_assert_int_eq(kc_presence_apply(p, &m, T0 + 2 * SEC), 0);
	m = rec(KC_TYPE_MESSAGE, "dev", "bob", T0 + 3 * SEC);
	snprintf(m.inst, sizeof m.inst, "term");
	ck_assert_int_eq(kc_presence_apply(p, &m, T0 + 3 * SEC), 0);
	ck_assert_int_eq(kc_presence_away(p, "dev", "bob"), 1);
	/* A browser of bob's that is not away: bob is not away. */
	m = rec(KC_TYPE_HEARTBEAT, "dev", "bob", T0 + 4 * SEC);
	snprintf(m.inst, sizeof m.inst, "web");
	ck_assert_int_eq(kc_presence_apply(p, &m, T0 + 4 * SEC), 1);
	ck_assert_int_eq(kc_presence_away(p, "dev", "bob"), 0);
	/* It leaves: the terminal's away counts again. */
	m = rec(KC_TYPE_LEAVE, "dev", "bob", T0 + 5 * SEC);
	snprintf(m.inst, sizeof m.inst, "web");
	ck_assert_int_eq(kc_presence_apply(p, &m, T0 + 5 * SEC), 1);
	ck_assert_int_eq(kc_presence_away(p, "dev", "bob"), 1);
	/* Back. */
	m = rec(KC_TYPE_HEARTBEAT, "dev", "bob", T0 + 6 * SEC);
	snprintf(m.inst, sizeof m.inst, "term");
	ck_assert_int_eq(kc_presence_apply(p, &m, T0 + 6 * SEC), 1);
	ck_assert_int_eq(kc_presence_away(p, "dev", "bob"), 0);
	ck_assert_int_eq(kc_presence_away(p, "dev", "nobody"), 0);
	kc_presence_free(p);
}
END_TEST

START_TEST(join_leave)
{
	struct kc_presence	*p = kc_presence_new();
	struct seen		 s;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "general", "bob", T0, T0), 1);
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "general", "alice", T0, T0), 1);
	/* A second join of someone present changes nothing. */
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "general", "bob", T0 + 1, T0 + 1), 0);
	ck_assert_str_eq(who(p, "general", &s), "general/alice,general/bob,");
	ck_assert_uint_eq(kc_presence_who(p, "general", NULL, NULL), 2);
	ck_assert_str_eq(who(p, "other", &s), "");

	ck_assert_int_eq(apply(p, KC_TYPE_LEAVE, "general", "bob", T0 + 2, T0 + 2), 1);
	ck_assert_int_eq(apply(p, KC_TYPE_LEAVE, "general", "bob", T0 + 3, T0 + 3), 0);
	ck_assert_str_eq(who(p, "general", &s), "general/alice,");
	/* Back again after leaving. */
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "general", "bob", T0 + 4, T0 + 4), 1);
	ck_assert_str_eq(who(p, "general", &s), "general/alice,general/bob,");
	kc_presence_free(p);
}
END_TEST

START_TEST(any_record_counts)
{
	struct kc_presence	*p = kc_presence_new();
	struct kc_msg		 dm = rec(KC_TYPE_DM, "secretroom", "carol", T0);
	struct seen		 s;

	ck_assert_int_eq(apply(p, KC_TYPE_MESSAGE, "a", "m", T0, T0), 1);
	ck_assert_int_eq(apply(p, KC_TYPE_ACTION, "a", "n", T0, T0), 1);
	ck_assert_int_eq(apply(p, KC_TYPE_HEARTBEAT, "a", "o", T0, T0), 1);
	/* A direct message may name any room: it puts nobody there. */
	snprintf(dm.to, sizeof dm.to, "bob");
	ck_assert_int_eq(kc_presence_apply(p, &dm, T0), 0);
	ck_assert_int_eq(apply(p, KC_TYPE_UNKNOWN, "a", "z", T0, T0), 0);
	ck_assert_str_eq(who(p, "a", &s), "a/m,a/n,a/o,");
	ck_assert_str_eq(who(p, "secretroom", &s), "");
	kc_presence_free(p);
}
END_TEST

START_TEST(full_table_keeps_live_users)
{
	struct kc_presence	*p = kc_presence_new();
	char			 user[KC_NAME_MAX + 1];
	int			 i, added = 0;

	/* Full of users seen at T0. */
	for (i = 0; i < 10000; i++) {
		snprintf(user, sizeof user, "u%d", i);
		added += apply(p, KC_TYPE_JOIN, "flood", user, T0, T0);
	}
	ck_assert_int_eq(added, 10000);
	/* u0 keeps sending heartbeats; everyone else went quiet. */
	ck_assert_int_eq(apply(p, KC_TYPE_HEARTBEAT, "flood", "u0",
	    T0 + 10 * SEC, T0 + 10 * SEC), 0);
	/* Within a heartbeat interval nobody may be pushed out. */
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "real", "alice", T0 + 5 * SEC,
	    T0 + 5 * SEC), 0);
	/* Later, the stalest (not u0) make room for real users. */
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "real", "alice", T0 + 20 * SEC,
	    T0 + 20 * SEC), 1);
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "real", "bob", T0 + 21 * SEC,
	    T0 + 21 * SEC), 1);
	ck_assert_uint_eq(kc_presence_who(p, "real", NULL, NULL), 2);
	ck_assert_uint_eq(kc_presence_who(p, "flood", NULL, NULL), 9998);
	/* u0 was refreshed: still there. */
	ck_assert_int_eq(apply(p, KC_TYPE_HEARTBEAT, "flood", "u0",
	    T0 + 22 * SEC, T0 + 22 * SEC), 0);
	kc_presence_free(p);
}
END_TEST

START_TEST(rooms_sorted)
{
	struct kc_presence	*p = kc_presence_new();
	struct seen		 s = { "" };

	apply(p, KC_TYPE_JOIN, "zeta", "u1", T0, T0);
	apply(p, KC_TYPE_JOIN, "alpha", "u1", T0, T0);
	apply(p, KC_TYPE_JOIN, "alpha", "u2", T0, T0);
	apply(p, KC_TYPE_JOIN, "mid", "u3", T0, T0);
	apply(p, KC_TYPE_LEAVE, "mid", "u3", T0 + 1, T0 + 1);
	ck_assert_uint_eq(kc_presence_rooms(p, collect, &s), 2);
	ck_assert_str_eq(s.buf, "alpha/-,zeta/-,");
	kc_presence_free(p);
}
END_TEST

START_TEST(expire_after_timeout)
{
	struct kc_presence	*p = kc_presence_new();
	struct seen		 s = { "" };

	apply(p, KC_TYPE_JOIN, "r", "quiet", T0, T0);
	apply(p, KC_TYPE_JOIN, "r", "chatty", T0, T0);
	apply(p, KC_TYPE_HEARTBEAT, "r", "chatty", T0 + 30 * SEC, T0 + 30 * SEC);
	/* Just before the timeout nobody goes. */
	ck_assert_int_eq(kc_presence_expire(p, T0 + TIMEOUT - 1, collect, &s), 0);
	ck_assert_str_eq(s.buf, "");
	ck_assert_int_eq(kc_presence_expire(p, T0 + TIMEOUT, collect, &s), 1);
	ck_assert_str_eq(s.buf, "r/quiet,");
	ck_assert_str_eq(who(p, "r", &s), "r/chatty,");
	ck_assert_int_eq(kc_presence_expire(p, T0 + 30 * SEC + TIMEOUT, NULL, NULL), 1);
	ck_assert_uint_eq(kc_presence_who(p, "r", NULL, NULL), 0);
	kc_presence_free(p);
}
END_TEST

START_TEST(stale_records_ignored)
{
	struct kc_presence	*p = kc_presence_new();
	struct seen		 s;
	int64_t			 now = T0 + 100 * SEC;

	/* Read at start-up: a heartbeat too old to mean anything now. */
	ck_assert_int_eq(apply(p, KC_TYPE_HEARTBEAT, "r", "gone", now - TIMEOUT, now), 0);
	/* A recent one counts, at its own time: it expires on schedule. */
	ck_assert_int_eq(apply(p, KC_TYPE_HEARTBEAT, "r", "here", now - 40 * SEC, now), 1);
	ck_assert_str_eq(who(p, "r", &s), "r/here,");
	ck_assert_int_eq(kc_presence_expire(p, now + 5 * SEC, NULL, NULL), 1);
	/* A record from the future (clock ahead) counts as seen now. */
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "r", "ahead", now + 600 * SEC, now), 1);
	ck_assert_int_eq(kc_presence_expire(p, now + TIMEOUT - 1, NULL, NULL), 0);
	ck_assert_int_eq(kc_presence_expire(p, now + TIMEOUT, NULL, NULL), 1);
	kc_presence_free(p);
}
END_TEST

START_TEST(late_heartbeat_after_leave)
{
	struct kc_presence	*p = kc_presence_new();
	struct seen		 s;

	apply(p, KC_TYPE_JOIN, "r", "u", T0, T0);
	ck_assert_int_eq(apply(p, KC_TYPE_LEAVE, "r", "u", T0 + 10 * SEC, T0 + 10 * SEC), 1);
	/* Sent before the leave, read after it (another topic): ignored. */
	ck_assert_int_eq(apply(p, KC_TYPE_HEARTBEAT, "r", "u", T0 + 9 * SEC, T0 + 11 * SEC), 0);
	ck_assert_str_eq(who(p, "r", &s), "");
	/* A leave older than the last heartbeat does not remove either. */
	apply(p, KC_TYPE_HEARTBEAT, "r", "v", T0 + 20 * SEC, T0 + 20 * SEC);
	ck_assert_int_eq(apply(p, KC_TYPE_LEAVE, "r", "v", T0 + 19 * SEC, T0 + 21 * SEC), 0);
	ck_assert_str_eq(who(p, "r", &s), "r/v,");
	kc_presence_free(p);
}
END_TEST

START_TEST(many_and_bounded)
{
	struct kc_presence	*p = kc_presence_new();
	char			 user[KC_NAME_MAX + 1], room[KC_NAME_MAX + 1];
	int			 i, added = 0;

	/* Grows well past its first table, stays consistent, then caps. */
	for (i = 0; i < 12000; i++) {
		snprintf(user, sizeof user, "u%d", i);
		snprintf(room, sizeof room, "room%d", i % 7);
		added += apply(p, KC_TYPE_JOIN, room, user, T0, T0);
	}
	ck_assert_int_eq(added, 10000);
	ck_assert_uint_eq(kc_presence_rooms(p, NULL, NULL), 7);
	/* Remove every other one and check the rest are all still found. */
	for (i = 0; i < 10000; i += 2) {
		snprintf(user, sizeof user, "u%d", i);
		snprintf(room, sizeof room, "room%d", i % 7);
		ck_assert_int_eq(apply(p, KC_TYPE_LEAVE, room, user, T0 + 1, T0 + 1), 1);
	}
	for (i = 1; i < 10000; i += 2) {
		snprintf(user, sizeof user, "u%d", i);
		snprintf(room, sizeof room, "room%d", i % 7);
		ck_assert_msg(apply(p, KC_TYPE_JOIN, room, user, T0 + 2, T0 + 2) == 0,
		    "%s lost", user);
	}
	/* Full of tombstones: a newcomer is still let in (tombstones purged). */
	ck_assert_int_eq(apply(p, KC_TYPE_JOIN, "new", "x", T0 + 3, T0 + 3), 1);
	/* Everyone expires eventually, and the callback sees each once. */
	ck_assert_int_eq(kc_presence_expire(p, T0 + 3 + TIMEOUT, NULL, NULL), 5001);
	ck_assert_uint_eq(kc_presence_rooms(p, NULL, NULL), 0);
	kc_presence_free(p);
}
END_TEST

/* Applies a record of instance inst. */
static int
apply_inst(struct kc_presence *p, enum kc_type type, const char *room,
    const char *user, const char *inst, int64_t ts, int64_t now)
{
	struct kc_msg m = rec(type, room, user, ts);

	snprintf(m.inst, sizeof m.inst, "%s", inst);
	return kc_presence_apply(p, &m, now);
}

/*
 * Two instances of alice (her terminal and her browser): one leaving or
 * timing out leaves her there while the other is (issue 10, item 1).
 */
START_TEST(instances_leave_alone)
{
	struct kc_presence	*p = kc_presence_new();
	struct seen		 s;

	ck_assert_int_eq(apply_inst(p, KC_TYPE_JOIN, "dev", "alice", "tty1",
	    T0, T0), 1);
	ck_assert_int_eq(apply_inst(p, KC_TYPE_JOIN, "dev", "alice", "web1",
	    T0 + SEC, T0 + SEC), 0);	/* already there */
	ck_assert_str_eq(who(p, "dev", &s), "dev/alice,");
	/* The browser leaves: alice is still there, nothing changed. */
	ck_assert_int_eq(apply_inst(p, KC_TYPE_LEAVE, "dev", "alice", "web1",
	    T0 + 2 * SEC, T0 + 2 * SEC), 0);
	ck_assert_str_eq(who(p, "dev", &s), "dev/alice,");
	/* The terminal leaves too: now she is gone. */
	ck_assert_int_eq(apply_inst(p, KC_TYPE_LEAVE, "dev", "alice", "tty1",
	    T0 + 3 * SEC, T0 + 3 * SEC), 1);
	ck_assert_str_eq(who(p, "dev", &s), "");
	/* Back in the browser; the terminal's heartbeats stop: the browser's
	 * go on, and only the terminal times out. */
	ck_assert_int_eq(apply_inst(p, KC_TYPE_JOIN, "dev", "alice", "web1",
	    T0 + 4 * SEC, T0 + 4 * SEC), 1);
	ck_assert_int_eq(apply_inst(p, KC_TYPE_HEARTBEAT, "dev", "alice",
	    "tty1", T0 + 5 * SEC, T0 + 5 * SEC), 0);
	ck_assert_int_eq(apply_inst(p, KC_TYPE_HEARTBEAT, "dev", "alice",
	    "web1", T0 + TIMEOUT, T0 + TIMEOUT), 0);
	s.buf[0] = '\0';
	ck_assert_int_eq(kc_presence_expire(p, T0 + 5 * SEC + TIMEOUT, collect,
	    &s), 0);
	ck_assert_str_eq(s.buf, "");
	ck_assert_str_eq(who(p, "dev", &s), "dev/alice,");
	kc_presence_free(p);
}
END_TEST

/* Who holds a name, other than the asking instance, and since when. */
START_TEST(name_holder)
{
	struct kc_presence	*p = kc_presence_new();
	struct kc_holder	 h;

	ck_assert_int_eq(kc_presence_holder(p, "alice", "web1", T0, &h), 0);
	apply_inst(p, KC_TYPE_JOIN, "dev", "alice", "tty1", T0, T0);
	apply_inst(p, KC_TYPE_HEARTBEAT, "ops", "alice", "tty1", T0 + 9 * SEC,
	    T0 + 9 * SEC);
	ck_assert_int_eq(kc_presence_holder(p, "alice", "web1", T0 + 10 * SEC,
	    &h), 1);
	ck_assert_str_eq(h.inst, "tty1");
	ck_assert_str_eq(h.user, "alice");
	ck_assert(h.since == T0);
	/* A name that differs only in case would pass for it: held too,
	 * and the holder's spelling is given. */
	memset(&h, 0, sizeof h);
	ck_assert_int_eq(kc_presence_holder(p, "ALICE", "web1", T0 + 10 * SEC,
	    &h), 1);
	ck_assert_str_eq(h.user, "alice");
	ck_assert_str_eq(h.inst, "tty1");
	ck_assert_int_eq(kc_presence_holder(p, "Alice", "tty1", T0 + 10 * SEC,
	    NULL), 0);
	/* In any locale: a Turkish one's strcasecmp() has "I" as dotless. */
	if (setlocale(LC_ALL, "tr_TR.UTF-8") != NULL) {
		ck_assert_int_eq(kc_presence_holder(p, "ALICE", "web1",
		    T0 + 10 * SEC, NULL), 1);
		setlocale(LC_ALL, "C");
	}
	/* Nor one in glyphs many fonts draw alike: a capital I for an l. */
	memset(&h, 0, sizeof h);
	ck_assert_int_eq(kc_presence_holder(p, "aIice", "web1", T0 + 10 * SEC,
	    &h), 1);
	ck_assert_str_eq(h.user, "alice");
	ck_assert_int_eq(kc_presence_holder(p, "a1ice", "web1", T0 + 10 * SEC,
	    NULL), 1);
	ck_assert_int_eq(kc_strcasecmp("ALICE", "alice"), 0);
	ck_assert_int_ne(kc_strcasecmp("alice", "alicf"), 0);
	ck_assert_int_lt(kc_strcasecmp("alic", "alice"), 0);
	ck_assert_int_eq(kc_presence_holder(p, "alice2", NULL, T0 + 10 * SEC,
	    NULL), 0);
	/* Its own instance is not someone else. */
	ck_assert_int_eq(kc_presence_holder(p, "alice", "tty1", T0 + 10 * SEC,
	    NULL), 0);
	ck_assert_int_eq(kc_presence_holder(p, "bob", NULL, T0 + 10 * SEC,
	    NULL), 0);
	/* Gone silent: the name is free. */
	ck_assert_int_eq(kc_presence_holder(p, "alice", "web1",
	    T0 + 9 * SEC + TIMEOUT, NULL), 0);
	/* Left: free too. */
	apply_inst(p, KC_TYPE_LEAVE, "dev", "alice", "tty1", T0 + 11 * SEC,
	    T0 + 11 * SEC);
	apply_inst(p, KC_TYPE_LEAVE, "ops", "alice", "tty1", T0 + 11 * SEC,
	    T0 + 11 * SEC);
	ck_assert_int_eq(kc_presence_holder(p, "alice", "web1", T0 + 12 * SEC,
	    NULL), 0);
	kc_presence_free(p);
}
END_TEST

/* Names that would pass for each other, and names that would not. */
START_TEST(names_alike)
{
	static const char *alike[][2] = {
		{ "alice", "alice" }, { "alice", "ALICE" }, { "alice", "aIice" },
		{ "alice", "a1ice" }, { "alice", "AL1CE" }, { "bob", "b0b" },
		{ "BOB", "B0B" }, { "martin", "rnartin" }, { "wendy", "vvendy" },
		{ "bill", "b1II" }, { "ali", "all" }, { "rnrn", "mm" },
		{ "bob", "bob_" }, { "bob", "b.ob" }, { "bob", "bo-b" },
		{ "alice", "al_ice" }, { "dave", "clave" }, { "dave", "cIave" },
		{ "martin", "r.nartin" }, { "dave", "dave." },
	};
	static const char *apart[][2] = {
		{ "alice", "alicf" }, { "alice", "alice2" }, { "alice", "alic" },
		{ "bob", "bobo" }, { "martin", "rartin" }, { "bob", "bob1" },
		{ "m", "rm" }, { "w", "v" }, { "", "a" },
	};
	size_t i;

	for (i = 0; i < sizeof alike / sizeof alike[0]; i++) {
		ck_assert_msg(kc_alike(alike[i][0], alike[i][1]), "%s %s",
		    alike[i][0], alike[i][1]);
		ck_assert_msg(kc_alike(alike[i][1], alike[i][0]), "%s %s",
		    alike[i][1], alike[i][0]);
		/* One hash: a table finds the one by the other. */
		ck_assert_uint_eq(kc_alike_hash(alike[i][0]),
		    kc_alike_hash(alike[i][1]));
	}
	for (i = 0; i < sizeof apart / sizeof apart[0]; i++)
		ck_assert_msg(!kc_alike(apart[i][0], apart[i][1]), "%s %s",
		    apart[i][0], apart[i][1]);
	ck_assert_uint_ne(kc_alike_hash("alice"), kc_alike_hash("bob"));
}
END_TEST

/*
 * A dm to "Dave" while dave is online and nobody is called Dave: the alike
 * holder is said; not while Dave is online too, nor for nobody alike.
 */
START_TEST(dm_to_alike)
{
	struct kc_presence	*p = kc_presence_new();
	struct kc_holder	 h;

	apply(p, KC_TYPE_JOIN, "general", "dave", T0, T0);
	ck_assert(kc_presence_alike(p, "Dave", T0 + SEC, &h));
	ck_assert_str_eq(h.user, "dave");
	ck_assert(kc_presence_alike(p, "DAVE", T0 + SEC, NULL));
	ck_assert(!kc_presence_alike(p, "dave", T0 + SEC, &h));
	ck_assert(!kc_presence_alike(p, "ghost", T0 + SEC, &h));
	/* Dave comes too (both bound before either knew): by the name. */
	apply(p, KC_TYPE_JOIN, "dev", "Dave", T0 + SEC, T0 + SEC);
	ck_assert(!kc_presence_alike(p, "Dave", T0 + 2 * SEC, &h));
	ck_assert(kc_presence_alike(p, "DAVE", T0 + 2 * SEC, &h));
	/* Dave leaves: alike again; dave times out: nobody. */
	apply(p, KC_TYPE_LEAVE, "dev", "Dave", T0 + 3 * SEC, T0 + 3 * SEC);
	ck_assert(kc_presence_alike(p, "Dave", T0 + 4 * SEC, &h));
	ck_assert(!kc_presence_alike(p, "Dave", T0 + TIMEOUT + SEC, &h));
	ck_assert(!kc_presence_alike(NULL, "Dave", T0, &h));
	kc_presence_free(p);
}
END_TEST

/* Records with and without "inst" round-trip through msgpack. */
START_TEST(inst_in_records)
{
	struct kc_msg	m = rec(KC_TYPE_HEARTBEAT, "dev", "alice", T0), out;
	struct kc_buf	b = { 0 };

	memcpy(m.id, "01K6NQ4V5BXYZ0123456789ABC", KC_ID_LEN + 1);
	snprintf(m.inst, sizeof m.inst, "a1B2-c_3");
	ck_assert_int_eq(kc_mp_encode(&m, &b), KC_OK);
	kc_msg_init(&out);
	ck_assert_int_eq(kc_mp_decode(b.data, b.len, &out), KC_OK);
	ck_assert_str_eq(out.inst, "a1B2-c_3");
	snprintf(m.inst, sizeof m.inst, "bad inst");
	kc_buf_reset(&b);
	ck_assert_int_eq(kc_mp_encode(&m, &b), KC_ERR_INST);
	kc_buf_free(&b);
	kc_msg_clear(&out);
}
END_TEST

START_TEST(topic_name)
{
	char buf[64], small[8];

	ck_assert_int_eq(kc_presence_topic("chat-messages", buf, sizeof buf), KC_OK);
	ck_assert_str_eq(buf, "chat-messages.presence");
	ck_assert_int_eq(kc_presence_topic("chat-messages", small, sizeof small),
	    KC_ERR_INVAL);
	ck_assert_int_eq(kc_presence_topic(NULL, buf, sizeof buf), KC_ERR_INVAL);
}
END_TEST

START_TEST(null_safe)
{
	kc_presence_free(NULL);
	ck_assert_int_eq(kc_presence_apply(NULL, NULL, T0), 0);
	ck_assert_int_eq(kc_presence_expire(NULL, T0, NULL, NULL), 0);
	ck_assert_uint_eq(kc_presence_who(NULL, "r", NULL, NULL), 0);
	ck_assert_uint_eq(kc_presence_rooms(NULL, NULL, NULL), 0);
}
END_TEST

static Suite *
presence_suite(void)
{
	Suite	*s = suite_create("presence");
	TCase	*tc = tcase_create("presence");

	tcase_add_test(tc, join_leave);
	tcase_add_test(tc, away_per_instance);
	tcase_add_test(tc, any_record_counts);
	tcase_add_test(tc, full_table_keeps_live_users);
	tcase_add_test(tc, rooms_sorted);
	tcase_add_test(tc, expire_after_timeout);
	tcase_add_test(tc, stale_records_ignored);
	tcase_add_test(tc, late_heartbeat_after_leave);
	tcase_add_test(tc, many_and_bounded);
	tcase_add_test(tc, instances_leave_alone);
	tcase_add_test(tc, name_holder);
	tcase_add_test(tc, names_alike);
	tcase_add_test(tc, dm_to_alike);
	tcase_add_test(tc, inst_in_records);
	tcase_add_test(tc, topic_name);
	tcase_add_test(tc, null_safe);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(presence_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
