/*
 * test-search.c - what /lastlog and the bridge's "search" call a match
 * (proto/search.c): a substring of the text, ASCII letters without case,
 * other bytes (UTF-8 beyond ASCII) as they are; only messages and actions.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

START_TEST(search_substring)
{
	ck_assert_int_eq(kc_search_match("hello world", "world"), 1);
	ck_assert_int_eq(kc_search_match("hello world", "hello world"), 1);
	ck_assert_int_eq(kc_search_match("hello world", "o w"), 1);
	ck_assert_int_eq(kc_search_match("hello world", "worlds"), 0);
	ck_assert_int_eq(kc_search_match("hello", "hello world"), 0);
	ck_assert_int_eq(kc_search_match("", "a"), 0);
	/* a partial match before the real one */
	ck_assert_int_eq(kc_search_match("aab", "ab"), 1);
	ck_assert_int_eq(kc_search_match("kafkafka!", "kafka!"), 1);
}
END_TEST

START_TEST(search_case)
{
	ck_assert_int_eq(kc_search_match("Deploy to PROD at 5", "prod"), 1);
	ck_assert_int_eq(kc_search_match("deploy to prod", "PROD"), 1);
	ck_assert_int_eq(kc_search_match("KaFkA", "kafka"), 1);
	/* '@' and '[' surround A..Z: not letters */
	ck_assert_int_eq(kc_search_match("@", "`"), 0);
	ck_assert_int_eq(kc_search_match("[", "{"), 0);
}
END_TEST

START_TEST(search_utf8)
{
	/* found as typed */
	ck_assert_int_eq(kc_search_match("caf\xc3\xa9 cr\xc3\xa8me", "\xc3\xa9 cr"), 1);
	ck_assert_int_eq(kc_search_match("\xe2\x9c\x93 done", "\xe2\x9c\x93"), 1);
	/* only ASCII folds: É (C3 89) does not find é (C3 A9) */
	ck_assert_int_eq(kc_search_match("caf\xc3\xa9", "CAF\xc3\x89"), 0);
	ck_assert_int_eq(kc_search_match("CAF\xc3\xa9", "caf\xc3\xa9"), 1);
	/* a byte of a sequence is never folded into a letter */
	ck_assert_int_eq(kc_search_match("\xc3\xa9", "\xc3\x89"), 0);
}
END_TEST

START_TEST(search_empty_query)
{
	ck_assert_int_eq(kc_search_match("anything", ""), 0);
	ck_assert_int_eq(kc_search_match(NULL, "a"), 0);
	ck_assert_int_eq(kc_search_match("a", NULL), 0);
}
END_TEST

START_TEST(search_hit_types)
{
	struct kc_msg	m;
	char		text[] = "the build is green";

	kc_msg_init(&m);
	m.text = text;
	m.text_len = strlen(text);
	m.type = KC_TYPE_MESSAGE;
	ck_assert_int_eq(kc_search_hit(&m, "GREEN"), 1);
	m.type = KC_TYPE_ACTION;
	ck_assert_int_eq(kc_search_hit(&m, "green"), 1);
	m.type = KC_TYPE_JOIN;
	ck_assert_int_eq(kc_search_hit(&m, "green"), 0);
	m.type = KC_TYPE_DM;
	ck_assert_int_eq(kc_search_hit(&m, "green"), 0);
	m.type = KC_TYPE_MESSAGE;
	m.text = NULL;
	ck_assert_int_eq(kc_search_hit(&m, "green"), 0);
}
END_TEST

START_TEST(search_query_bad)
{
	struct kc_search_query	 q;
	struct kc_msg		*out = (struct kc_msg *)1;
	size_t			 count = 1, scanned = 1;
	int			 more = 1;
	char			 longq[KC_SEARCH_Q_MAX + 2];

	memset(&q, 0, sizeof q);
	q.room = "general";
	q.q = "";
	q.before = KC_OFFSET_END;
	/* refused before any Kafka client is made: a NULL conf is never read */
	ck_assert_int_eq(kc_search_query(NULL, &q, NULL, NULL, &out, &count,
	    &scanned, &more, NULL, 0), KC_ERR_INVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(count, 0);
	memset(longq, 'a', sizeof longq - 1);
	longq[sizeof longq - 1] = '\0';
	q.q = longq;
	ck_assert_int_eq(kc_search_query(NULL, &q, NULL, NULL, &out, &count,
	    &scanned, &more, NULL, 0), KC_ERR_INVAL);
}
END_TEST

static Suite *
search_suite(void)
{
	Suite	*s = suite_create("search");
	TCase	*tc = tcase_create("search");

	tcase_add_test(tc, search_substring);
	tcase_add_test(tc, search_case);
	tcase_add_test(tc, search_utf8);
	tcase_add_test(tc, search_empty_query);
	tcase_add_test(tc, search_hit_types);
	tcase_add_test(tc, search_query_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(search_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
