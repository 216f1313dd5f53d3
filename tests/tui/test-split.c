/*
 * test-split.c - tui/split.c: text longer than one message is cut at word
 * boundaries, or inside a long word at a character boundary, never lost.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Splits s in pieces of at most max, joined again with one space each. */
static char *
split_all(const char *s, size_t max, size_t *pieces)
{
	struct kc_buf	out = { NULL, 0, 0 };
	size_t		len = strlen(s), n, skip;

	*pieces = 0;
	while (len > 0) {
		n = split_next(s, len, max, &skip);
		ck_assert_uint_le(n, max);
		ck_assert_uint_gt(n, 0);
		ck_assert(kc_utf8_valid(s, n));
		if (out.len > 0)
			kc_buf_append(&out, "|", 1);
		kc_buf_append(&out, s, n);
		s += n + skip;
		len -= n + skip;
		(*pieces)++;
	}
	kc_buf_append(&out, "", 1);
	return out.data;
}

START_TEST(split_fits)
{
	size_t skip = 9;

	ck_assert_uint_eq(split_next("hello world", 11, 11, &skip), 11);
	ck_assert_uint_eq(skip, 0);
}
END_TEST

START_TEST(split_at_words)
{
	size_t	 n;
	char	*r;

	r = split_all("the quick brown fox jumps", 10, &n);
	ck_assert_str_eq(r, "the quick|brown fox|jumps");
	ck_assert_uint_eq(n, 3);
	free(r);
	/* Newlines and runs of blanks separate too, and are dropped there. */
	r = split_all("alpha beta\n\ngamma   delta", 12, &n);
	ck_assert_str_eq(r, "alpha beta|gamma|delta");
	free(r);
}
END_TEST

START_TEST(split_long_word)
{
	size_t	 n;
	char	*r;

	r = split_all("abcdefghijklmnopqrstuvwxyz", 10, &n);
	ck_assert_str_eq(r, "abcdefghij|klmnopqrst|uvwxyz");
	free(r);
	/* "é" is two bytes: never cut in the middle. */
	r = split_all("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 5, &n);
	ck_assert_str_eq(r, "\xc3\xa9\xc3\xa9|\xc3\xa9\xc3\xa9");
	free(r);
}
END_TEST

START_TEST(split_message_size)
{
	char	*s = malloc(3 * KC_TEXT_MAX), *r;
	size_t	 i, n;

	/* 20,000 bytes of "word " : three messages, nothing lost. */
	for (i = 0; i < 20000; i++)
		s[i] = i % 5 == 4 ? ' ' : "word"[i % 5];
	s[20000] = '\0';
	r = split_all(s, KC_TEXT_MAX, &n);
	ck_assert_uint_eq(n, 3);
	for (i = 0; r[i] != '\0'; i++) {
		if (r[i] == '|')
			r[i] = ' ';
	}
	ck_assert_uint_eq(strlen(r), 20000);
	ck_assert(strcmp(r, s) == 0);
	free(r);
	free(s);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("split");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, split_fits);
	tcase_add_test(tc, split_at_words);
	tcase_add_test(tc, split_long_word);
	tcase_add_test(tc, split_message_size);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
