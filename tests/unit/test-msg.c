/*
 * test-msg.c - the chat message (proto/msg.c): kc_msg_make() for every type
 * and the errors a caller gets back, kc_msg_validate() field by field, deep
 * copies, clearing, and the type names that go on the wire.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

#define ck_assert_code(got, want) do {					\
	int g_ = (got), w_ = (want);					\
	ck_assert_msg(g_ == w_, "%s: got %s, want %s", #got,		\
	    kc_errname(g_), kc_errname(w_));				\
} while (0)

/* Timestamps kc_msg_validate() accepts: 2000-01-01 .. 2200-01-01 (µs). */
#define TS_MIN	946684800000000LL
#define TS_MAX	7258118400000000LL

/* The millisecond time of a ULID: its first 10 characters, base32. */
static uint64_t
ulid_ms(const char *id)
{
	static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	uint64_t	ms = 0;
	int		i;

	for (i = 0; i < 10; i++)
		ms = (ms << 5) | (uint64_t)(strchr(crockford, id[i]) - crockford);
	return ms;
}

/* A valid message to break one field at a time. */
static void
make_good(struct kc_msg *m)
{
	kc_msg_init(m);
	ck_assert_code(kc_msg_make(m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, "hi", 2), KC_OK);
}

START_TEST(msg_make_message)
{
	struct kc_msg	m;
	const char	*text = "Hello, world!";
	int64_t		before, after;

	kc_msg_init(&m);
	before = kc_now_us();
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "john_doe",
	    NULL, text, strlen(text)), KC_OK);
	after = kc_now_us();

	ck_assert_uint_eq(m.v, KC_RECORD_VERSION);
	ck_assert_int_eq(m.type, KC_TYPE_MESSAGE);
	ck_assert_str_eq(m.room, "general");
	ck_assert_str_eq(m.user, "john_doe");
	ck_assert_str_eq(m.to, "");
	ck_assert_str_eq(m.via, "");
	ck_assert_ptr_nonnull(m.text);
	ck_assert_ptr_ne(m.text, text);		/* a copy, owned by m */
	ck_assert_str_eq(m.text, text);
	ck_assert_uint_eq(m.text_len, strlen(text));
	/* ts is now, and the id carries the same millisecond */
	ck_assert_int_ge(m.ts, before);
	ck_assert_int_le(m.ts, after);
	ck_assert_uint_eq(strlen(m.id), KC_ID_LEN);
	ck_assert_int_eq(kc_ulid_valid(m.id, strlen(m.id)), 1);
	ck_assert_uint_eq(ulid_ms(m.id), (uint64_t)m.ts / 1000);
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	kc_msg_clear(&m);
}
END_TEST

START_TEST(msg_make_each_type)
{
	struct kc_msg	m;
	char		prev_id[KC_ID_LEN + 1] = "";

	kc_msg_init(&m);

	ck_assert_code(kc_msg_make(&m, KC_TYPE_ACTION, "general", "bob", NULL,
	    "waves", 5), KC_OK);
	ck_assert_int_eq(m.type, KC_TYPE_ACTION);
	ck_assert_str_eq(m.text, "waves");
	memcpy(prev_id, m.id, sizeof prev_id);

	/* join and leave carry no text */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_JOIN, "rust", "bob", NULL,
	    NULL, 0), KC_OK);
	ck_assert_int_eq(m.type, KC_TYPE_JOIN);
	ck_assert_ptr_null(m.text);
	ck_assert_uint_eq(m.text_len, 0);
	ck_assert_str_eq(m.room, "rust");
	/* a new id each time, later than the one before */
	ck_assert_str_lt(prev_id, m.id);
	memcpy(prev_id, m.id, sizeof prev_id);

	ck_assert_code(kc_msg_make(&m, KC_TYPE_LEAVE, "rust", "bob", NULL,
	    NULL, 0), KC_OK);
	ck_assert_int_eq(m.type, KC_TYPE_LEAVE);
	ck_assert_ptr_null(m.text);
	ck_assert_str_lt(prev_id, m.id);

	/* a leave may carry a part message, which is validated */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_LEAVE, "rust", "bob", NULL,
	    "bye", 3), KC_OK);
	ck_assert_str_eq(m.text, "bye");
	ck_assert_code(kc_msg_make(&m, KC_TYPE_LEAVE, "rust", "bob", NULL,
	    "\x1b[2J", 4), KC_ERR_TEXT_CONTROL);

	ck_assert_code(kc_msg_make(&m, KC_TYPE_HEARTBEAT, "rust", "bob", NULL,
	    NULL, 0), KC_OK);
	ck_assert_int_eq(m.type, KC_TYPE_HEARTBEAT);

	ck_assert_code(kc_msg_make(&m, KC_TYPE_DM, "general", "alice", "bob",
	    "psst", 4), KC_OK);
	ck_assert_int_eq(m.type, KC_TYPE_DM);
	ck_assert_str_eq(m.to, "bob");
	ck_assert_str_eq(m.user, "alice");
	ck_assert_str_eq(m.text, "psst");

	/* the next make starts from scratch: no recipient left over */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, "all", 3), KC_OK);
	ck_assert_str_eq(m.to, "");
	kc_msg_clear(&m);
}
END_TEST

START_TEST(msg_make_errors)
{
	struct kc_msg	m;
	char		long_name[100];

	kc_msg_init(&m);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';

	/* recipients */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_DM, "general", "alice", NULL,
	    "psst", 4), KC_ERR_TO_MISSING);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_DM, "general", "alice", "",
	    "psst", 4), KC_ERR_TO_MISSING);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_DM, "general", "alice", "b b",
	    "psst", 4), KC_ERR_USER_CHAR);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_DM, "general", "alice", long_name,
	    "psst", 4), KC_ERR_USER_TOO_LONG);
	/* a recipient on a public message is refused, never dropped silently */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    "bob", "psst", 4), KC_ERR_TO_UNEXPECTED);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_ACTION, "general", "alice",
	    "bob", "waves", 5), KC_ERR_TO_UNEXPECTED);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_JOIN, "general", "alice",
	    "bob", NULL, 0), KC_ERR_TO_UNEXPECTED);
	/* an empty recipient is no recipient */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    "", "hi", 2), KC_OK);

	/* types */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_UNKNOWN, "general", "alice",
	    NULL, "hi", 2), KC_ERR_TYPE);
	ck_assert_code(kc_msg_make(&m, (enum kc_type)99, "general", "alice",
	    NULL, "hi", 2), KC_ERR_TYPE);

	/* names, with their own codes */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "", "alice", NULL,
	    "hi", 2), KC_ERR_ROOM_EMPTY);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, NULL, "alice", NULL,
	    "hi", 2), KC_ERR_ROOM_EMPTY);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "#general", "alice",
	    NULL, "hi", 2), KC_ERR_ROOM_CHAR);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "-x", "alice", NULL,
	    "hi", 2), KC_ERR_ROOM_START);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, long_name, "alice",
	    NULL, "hi", 2), KC_ERR_ROOM_TOO_LONG);
	long_name[33] = '\0';
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, long_name, "alice",
	    NULL, "hi", 2), KC_ERR_ROOM_TOO_LONG);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", long_name,
	    NULL, "hi", 2), KC_ERR_USER_TOO_LONG);
	long_name[32] = '\0';
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, long_name, long_name,
	    NULL, "hi", 2), KC_OK);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "",
	    NULL, "hi", 2), KC_ERR_USER_EMPTY);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "@alice",
	    NULL, "hi", 2), KC_ERR_USER_CHAR);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", ".alice",
	    NULL, "hi", 2), KC_ERR_USER_START);

	/* text */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, NULL, 0), KC_ERR_TEXT_EMPTY);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, "", 0), KC_ERR_TEXT_EMPTY);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_ACTION, "general", "alice",
	    NULL, NULL, 0), KC_ERR_TEXT_EMPTY);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_DM, "general", "alice", "bob",
	    NULL, 0), KC_ERR_TEXT_EMPTY);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, "\xc0\x80", 2), KC_ERR_TEXT_UTF8);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, "a\0b", 3), KC_ERR_TEXT_CONTROL);
	/* text_len counts, not the NUL: only "ab" of "abc" */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, "abc", 2), KC_OK);
	ck_assert_str_eq(m.text, "ab");
	ck_assert_uint_eq(m.text_len, 2);
	/* a failed make leaves m safe to clear (text copied or not) */
	kc_msg_clear(&m);
	kc_msg_clear(&m);
}
END_TEST

START_TEST(msg_validate_fields)
{
	struct kc_msg m;

	make_good(&m);

	/* version */
	m.v = 0;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_VERSION);
	m.v = 2;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_VERSION);
	m.v = KC_RECORD_VERSION;
	ck_assert_code(kc_msg_validate(&m), KC_OK);

	/* timestamp: 2000-01-01 .. 2200-01-01 */
	m.ts = 0;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TS);
	m.ts = -1;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TS);
	m.ts = TS_MIN - 1;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TS);
	m.ts = TS_MIN;
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	m.ts = TS_MAX;
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	m.ts = TS_MAX + 1;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TS);
	/* milliseconds mistaken for microseconds land in 1970 */
	m.ts = kc_now_us() / 1000;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TS);
	m.ts = INT64_MAX;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TS);
	m.ts = kc_now_us();

	/* via: optional, a short name */
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	strcpy(m.via, "tui");
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	strcpy(m.via, "web");
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	strcpy(m.via, "0123456789abcdef");	/* KC_VIA_MAX bytes */
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	strcpy(m.via, "my client");
	ck_assert_code(kc_msg_validate(&m), KC_ERR_VIA);
	strcpy(m.via, ".tui");
	ck_assert_code(kc_msg_validate(&m), KC_ERR_VIA);
	strcpy(m.via, "\x1b[0m");
	ck_assert_code(kc_msg_validate(&m), KC_ERR_VIA);
	m.via[0] = '\0';

	/* id */
	m.id[3] = 'U';
	ck_assert_code(kc_msg_validate(&m), KC_ERR_ID);
	m.id[3] = '\0';
	ck_assert_code(kc_msg_validate(&m), KC_ERR_ID);
	m.id[0] = '\0';
	ck_assert_code(kc_msg_validate(&m), KC_ERR_ID);
	ck_assert_code(kc_ulid_new(m.id, m.ts), KC_OK);
	ck_assert_code(kc_msg_validate(&m), KC_OK);

	/* recipient set by hand on a public message */
	strcpy(m.to, "bob");
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TO_UNEXPECTED);
	m.type = KC_TYPE_DM;
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	strcpy(m.to, "b:b");
	ck_assert_code(kc_msg_validate(&m), KC_ERR_USER_CHAR);
	m.to[0] = '\0';
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TO_MISSING);
	m.type = KC_TYPE_MESSAGE;

	/* type */
	m.type = KC_TYPE_UNKNOWN;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TYPE);
	m.type = (enum kc_type)-1;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TYPE);
	m.type = KC_TYPE_MESSAGE;
	ck_assert_code(kc_msg_validate(&m), KC_OK);

	/* text the caller swapped in after make */
	ck_assert_code(kc_msg_set_text(&m, "\xed\xa0\x80", 3), KC_OK);
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TEXT_UTF8);
	ck_assert_code(kc_msg_set_text(&m, NULL, 0), KC_OK);
	ck_assert_ptr_null(m.text);
	ck_assert_uint_eq(m.text_len, 0);
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TEXT_EMPTY);
	kc_msg_clear(&m);
}
END_TEST

START_TEST(msg_copy_deep)
{
	struct kc_msg	*src, dst;
	char		 text[] = "a line\nand another";

	src = malloc(sizeof *src);
	ck_assert_ptr_nonnull(src);
	kc_msg_init(src);
	ck_assert_code(kc_msg_make(src, KC_TYPE_DM, "general", "alice", "bob",
	    text, strlen(text)), KC_OK);
	strcpy(src->via, "tui");

	kc_msg_init(&dst);
	ck_assert_code(kc_msg_copy(&dst, src), KC_OK);
	ck_assert_ptr_ne(dst.text, src->text);

	/* free the source and scribble over it: the copy is unaffected */
	kc_msg_clear(src);
	memset(src, 0xa5, sizeof *src);
	free(src);

	ck_assert_uint_eq(dst.v, KC_RECORD_VERSION);
	ck_assert_int_eq(dst.type, KC_TYPE_DM);
	ck_assert_str_eq(dst.room, "general");
	ck_assert_str_eq(dst.user, "alice");
	ck_assert_str_eq(dst.to, "bob");
	ck_assert_str_eq(dst.via, "tui");
	ck_assert_str_eq(dst.text, text);
	ck_assert_uint_eq(dst.text_len, strlen(text));
	ck_assert_code(kc_msg_validate(&dst), KC_OK);
	kc_msg_clear(&dst);
}
END_TEST

START_TEST(msg_copy_over)
{
	struct kc_msg	a, b;

	/* copying onto a message that has text replaces it (ASan: no leak) */
	make_good(&a);
	kc_msg_init(&b);
	ck_assert_code(kc_msg_make(&b, KC_TYPE_MESSAGE, "rust", "bob", NULL,
	    "old text", 8), KC_OK);
	ck_assert_code(kc_msg_copy(&b, &a), KC_OK);
	ck_assert_str_eq(b.text, "hi");
	ck_assert_uint_eq(b.text_len, 2);
	ck_assert_str_eq(b.room, "general");
	ck_assert_str_eq(b.id, a.id);

	/* a source without text leaves the copy without text */
	ck_assert_code(kc_msg_make(&a, KC_TYPE_JOIN, "rust", "carol", NULL,
	    NULL, 0), KC_OK);
	ck_assert_code(kc_msg_copy(&b, &a), KC_OK);
	ck_assert_ptr_null(b.text);
	ck_assert_uint_eq(b.text_len, 0);
	ck_assert_int_eq(b.type, KC_TYPE_JOIN);
	ck_assert_str_eq(b.user, "carol");

	/* copying a message onto itself changes nothing */
	ck_assert_code(kc_msg_make(&a, KC_TYPE_MESSAGE, "rust", "carol", NULL,
	    "same", 4), KC_OK);
	ck_assert_code(kc_msg_copy(&a, &a), KC_OK);
	ck_assert_str_eq(a.text, "same");
	ck_assert_code(kc_msg_validate(&a), KC_OK);
	kc_msg_clear(&a);
	kc_msg_clear(&b);
}
END_TEST

START_TEST(msg_clear)
{
	struct kc_msg m;

	make_good(&m);
	kc_msg_clear(&m);
	ck_assert_ptr_null(m.text);
	ck_assert_uint_eq(m.text_len, 0);
	ck_assert_str_eq(m.id, "");
	ck_assert_str_eq(m.room, "");
	ck_assert_int_eq(m.type, KC_TYPE_UNKNOWN);
	kc_msg_clear(&m);	/* twice is safe */
	kc_msg_clear(NULL);	/* and NULL */
	/* a cleared message is reusable */
	ck_assert_code(kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, "again", 5), KC_OK);
	kc_msg_clear(&m);
}
END_TEST

START_TEST(msg_type_names)
{
	static const struct { enum kc_type t; const char *name; } types[] = {
		{ KC_TYPE_MESSAGE, "message" },
		{ KC_TYPE_ACTION, "action" },
		{ KC_TYPE_JOIN, "join" },
		{ KC_TYPE_LEAVE, "leave" },
		{ KC_TYPE_DM, "dm" },
		{ KC_TYPE_HEARTBEAT, "heartbeat" },
	};
	size_t i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		const char *n = kc_type_name(types[i].t);

		ck_assert_ptr_nonnull(n);
		ck_assert_str_eq(n, types[i].name);
		ck_assert_int_eq(kc_type_parse(n, strlen(n)), types[i].t);
	}
	/* unknown types have no name */
	ck_assert_ptr_null(kc_type_name(KC_TYPE_UNKNOWN));
	ck_assert_ptr_null(kc_type_name((enum kc_type)(KC_TYPE_DELETE + 1)));
	ck_assert_ptr_null(kc_type_name((enum kc_type)99));
	ck_assert_ptr_null(kc_type_name((enum kc_type)-1));
	/* unknown names parse to KC_TYPE_UNKNOWN: exact, case-sensitive */
	ck_assert_int_eq(kc_type_parse("typing", 6), KC_TYPE_UNKNOWN);
	ck_assert_int_eq(kc_type_parse("Message", 7), KC_TYPE_UNKNOWN);
	ck_assert_int_eq(kc_type_parse("messages", 8), KC_TYPE_UNKNOWN);
	ck_assert_int_eq(kc_type_parse("messag", 6), KC_TYPE_UNKNOWN);
	ck_assert_int_eq(kc_type_parse("d", 1), KC_TYPE_UNKNOWN);
	ck_assert_int_eq(kc_type_parse("", 0), KC_TYPE_UNKNOWN);
	ck_assert_int_eq(kc_type_parse("dm\0", 3), KC_TYPE_UNKNOWN);
	/* the length counts, so names need no NUL (msgpack strings) */
	ck_assert_int_eq(kc_type_parse("joinleave", 4), KC_TYPE_JOIN);
	ck_assert_int_eq(kc_type_parse("dmx", 2), KC_TYPE_DM);
}
END_TEST

START_TEST(test_shown_ts)
{
	struct kc_msg m;

	kc_msg_init(&m);
	ck_assert_int_eq(m.log_ts, 0);
	m.ts = 1759530645000000LL;
	ck_assert_int_eq(kc_msg_shown_ts(&m), m.ts);		/* no Kafka time */
	m.log_ts = m.ts + 60 * 1000000LL;			/* a minute off: fine */
	ck_assert_int_eq(kc_msg_shown_ts(&m), m.ts);
	m.log_ts = m.ts - KC_TS_SKEW_MAX_US;			/* at the bound */
	ck_assert_int_eq(kc_msg_shown_ts(&m), m.ts);
	m.ts = 7258118399000000LL;				/* dated 2199 */
	ck_assert_int_eq(kc_msg_shown_ts(&m), m.log_ts);
	m.ts = 946684800000000LL;				/* dated 2000 */
	ck_assert_int_eq(kc_msg_shown_ts(&m), m.log_ts);
	kc_msg_clear(&m);
}
END_TEST


static Suite *
msg_suite(void)
{
	Suite	*s = suite_create("msg");
	TCase	*tc = tcase_create("msg");

	tcase_add_test(tc, msg_make_message);
	tcase_add_test(tc, msg_make_each_type);
	tcase_add_test(tc, msg_make_errors);
	tcase_add_test(tc, msg_validate_fields);
	tcase_add_test(tc, msg_copy_deep);
	tcase_add_test(tc, msg_copy_over);
	tcase_add_test(tc, msg_clear);
	tcase_add_test(tc, msg_type_names);
	tcase_add_test(tc, test_shown_ts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(msg_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
