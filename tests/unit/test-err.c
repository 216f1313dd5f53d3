/*
 * test-err.c - the one error enum (proto/err.c): every code has a sentence
 * for people and a short, unique name for JSON error codes; values outside
 * the enum still give a string, never NULL.
 */
#include <check.h>
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "kchat.h"

START_TEST(err_sentences)
{
	const char	*s;
	int		 e;

	for (e = KC_OK; e < KC_ERR__COUNT; e++) {
		s = kc_strerror(e);
		ck_assert_msg(s != NULL, "code %d has no sentence", e);
		ck_assert_msg(s[0] != '\0', "code %d has an empty sentence", e);
		ck_assert_msg(strcmp(s, "unknown error") != 0,
		    "code %d (%s) falls back to \"unknown error\"", e,
		    kc_errname(e));
		/* a sentence, not a name: it has a space */
		ck_assert_msg(e == KC_OK || strchr(s, ' ') != NULL,
		    "code %d: \"%s\" is not a sentence", e, s);
	}
}
END_TEST

START_TEST(err_names)
{
	const char	*n, *m;
	int		 e, f;
	size_t		 i;

	for (e = KC_OK; e < KC_ERR__COUNT; e++) {
		n = kc_errname(e);
		ck_assert_msg(n != NULL && n[0] != '\0', "code %d has no name", e);
		ck_assert_msg(strcmp(n, "unknown") != 0,
		    "code %d falls back to \"unknown\"", e);
		/* an identifier: [a-z][a-z0-9_]* ("text_utf8" has a digit) */
		ck_assert_msg(islower((unsigned char)n[0]),
		    "code %d name \"%s\" does not start with [a-z]", e, n);
		for (i = 0; n[i] != '\0'; i++)
			ck_assert_msg(islower((unsigned char)n[i]) ||
			    isdigit((unsigned char)n[i]) || n[i] == '_',
			    "code %d name \"%s\" is not [a-z0-9_]", e, n);
		for (f = KC_OK; f < e; f++) {
			m = kc_errname(f);
			ck_assert_msg(strcmp(n, m) != 0,
			    "codes %d and %d share the name \"%s\"", f, e, n);
		}
	}
}
END_TEST

/* A few names clients may match on; they must not change. */
START_TEST(err_known)
{
	ck_assert_str_eq(kc_errname(KC_OK), "ok");
	ck_assert_str_eq(kc_errname(KC_ERR_TEXT_TOO_LONG), "text_too_long");
	ck_assert_str_eq(kc_errname(KC_ERR_USER_CHAR), "user_char");
	ck_assert_str_eq(kc_errname(KC_ERR_ROOM_EMPTY), "room_empty");
	ck_assert_str_eq(kc_errname(KC_ERR_JSON_SYNTAX), "json_syntax");
	ck_assert_str_eq(kc_errname(KC_ERR_TO_MISSING), "to_missing");
	ck_assert_str_eq(kc_strerror(KC_ERR_NOMEM), "out of memory");
	/* the limits the sentences quote are the real ones */
	ck_assert_ptr_nonnull(strstr(kc_strerror(KC_ERR_USER_TOO_LONG), "32"));
	ck_assert_ptr_nonnull(strstr(kc_strerror(KC_ERR_ROOM_TOO_LONG), "32"));
	ck_assert_ptr_nonnull(strstr(kc_strerror(KC_ERR_TEXT_TOO_LONG), "8192"));
	ck_assert_ptr_nonnull(strstr(kc_strerror(KC_ERR_TOPIC_TOO_LONG), "300"));
	ck_assert_str_eq(kc_errname(KC_ERR_TOPIC_TOO_LONG), "topic_too_long");
	ck_assert_ptr_nonnull(strstr(kc_strerror(KC_ERR_AWAY_TOO_LONG), "160"));
	ck_assert_str_eq(kc_errname(KC_ERR_AWAY_TOO_LONG), "away_too_long");
	ck_assert_int_eq(KC_AWAY_MAX, 160);
	ck_assert_int_eq(KC_NAME_MAX, 32);
	ck_assert_int_eq(KC_TEXT_MAX, 8192);
	ck_assert_int_eq(KC_TOPIC_MAX, 300);
}
END_TEST

START_TEST(err_unknown)
{
	const int bad[] = { -1, -1000, INT_MIN, KC_ERR__COUNT,
	    KC_ERR__COUNT + 1, 1000, INT_MAX };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_str_eq(kc_strerror(bad[i]), "unknown error");
		ck_assert_str_eq(kc_errname(bad[i]), "unknown");
	}
}
END_TEST

static Suite *
err_suite(void)
{
	Suite	*s = suite_create("err");
	TCase	*tc = tcase_create("err");

	tcase_add_test(tc, err_sentences);
	tcase_add_test(tc, err_names);
	tcase_add_test(tc, err_known);
	tcase_add_test(tc, err_unknown);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(err_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
