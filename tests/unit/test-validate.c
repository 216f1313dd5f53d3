/*
 * test-validate.c - the name and text rules of proto/validate.c.
 *
 * Names: the same rule for users and rooms, each kind with its own codes.
 * Text: bounded, valid UTF-8 (no overlongs, surrogates, code points past
 * U+10FFFF, truncated sequences or stray continuation bytes), no control
 * characters but newline and tab.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

/* The codes of one kind of name, so every name test runs for both kinds. */
struct kind {
	const char	*what;
	int		(*fn)(const char *, size_t);
	int		 empty, too_long, bad_char, bad_start;
};

static const struct kind kinds[] = {
	{ "user", kc_user_validate, KC_ERR_USER_EMPTY, KC_ERR_USER_TOO_LONG,
	    KC_ERR_USER_CHAR, KC_ERR_USER_START },
	{ "room", kc_room_validate, KC_ERR_ROOM_EMPTY, KC_ERR_ROOM_TOO_LONG,
	    KC_ERR_ROOM_CHAR, KC_ERR_ROOM_START },
};

/* Validates a C string as a name of kind k. */
static int
name(const struct kind *k, const char *s)
{
	return k->fn(s, strlen(s));
}

#define ck_assert_code(got, want) do {					\
	int g_ = (got), w_ = (want);					\
	ck_assert_msg(g_ == w_, "%s: got %s, want %s", #got,		\
	    kc_errname(g_), kc_errname(w_));				\
} while (0)

START_TEST(name_good)
{
	const struct kind *k = &kinds[_i];
	const char *good[] = {
		"a", "Z", "0", "_", "john_doe", "general", "Room-2", "a.b.c",
		"_hidden", "9lives", "x-", "x.", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef",
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(name(k, good[i]) == KC_OK, "%s \"%s\" rejected: %s",
		    k->what, good[i], kc_strerror(name(k, good[i])));
}
END_TEST

START_TEST(name_empty)
{
	const struct kind *k = &kinds[_i];

	ck_assert_code(k->fn("", 0), k->empty);
	ck_assert_code(k->fn(NULL, 0), k->empty);
	/* the length counts, not the string: len 0 of a non-empty string */
	ck_assert_code(k->fn("abc", 0), k->empty);
}
END_TEST

START_TEST(name_length)
{
	const struct kind *k = &kinds[_i];
	char s[KC_NAME_MAX + 2];

	memset(s, 'a', sizeof s);
	ck_assert_code(k->fn(s, KC_NAME_MAX), KC_OK);
	ck_assert_int_eq(KC_NAME_MAX, 32);
	ck_assert_code(k->fn(s, 32), KC_OK);
	ck_assert_code(k->fn(s, 33), k->too_long);
	/* a long name is too long even when it also has a bad character */
	s[0] = ' ';
	ck_assert_code(k->fn(s, 33), k->too_long);
}
END_TEST

START_TEST(name_chars)
{
	const struct kind *k = &kinds[_i];
	const char *bad[] = {
		"john doe", " john", "john ", "#general", "gen#eral", "@bob",
		"bob@host", "a:b", "irc:", "caf\xc3\xa9", "\xc3\xa9t\xc3\xa9",
		"a/b", "../etc", "a\\b", "a\tb", "a\nb", "a\rb", "a\x1b[31m",
		"a\x7f", "a\x01", "a,b", "a;b", "a*", "a!", "a'b", "a\"b",
		"a<b>", "a$b", "a%b", "a+b", "a=b", "a?b", "a~b", "a`b", "(a)",
		"a\x80", "a\xff",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(name(k, bad[i]) == k->bad_char,
		    "%s bad[%zu] gave %s, want %s", k->what, i,
		    kc_errname(name(k, bad[i])), kc_errname(k->bad_char));
	/* an embedded NUL within len is a bad character, not an end */
	ck_assert_code(k->fn("ab\0cd", 5), k->bad_char);
	/* every byte outside [A-Za-z0-9_.-] is refused on its own */
	for (i = 1; i < 256; i++) {
		char	s[3] = { 'a', (char)i, '\0' };
		int	ok = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') ||
		    (i >= '0' && i <= '9') || i == '_' || i == '.' || i == '-';

		ck_assert_msg(k->fn(s, 2) == (ok ? KC_OK : k->bad_char),
		    "%s byte 0x%02zx gave %s", k->what, i, kc_errname(k->fn(s, 2)));
	}
}
END_TEST

START_TEST(name_start)
{
	const struct kind *k = &kinds[_i];

	ck_assert_code(name(k, ".hidden"), k->bad_start);
	ck_assert_code(name(k, "-rf"), k->bad_start);
	ck_assert_code(name(k, "."), k->bad_start);
	ck_assert_code(name(k, ".."), k->bad_start);
	ck_assert_code(name(k, "-"), k->bad_start);
	ck_assert_code(name(k, "_ok"), KC_OK);
	ck_assert_code(name(k, "a.-"), KC_OK);
}
END_TEST

/* Validates a C string as text. */
static int
text(const char *s)
{
	return kc_text_validate(s, strlen(s));
}

START_TEST(text_good)
{
	const char *good[] = {
		"Hello, world!",
		"line one\nline two",
		"col1\tcol2",
		"\n",
		"caf\xc3\xa9",				/* é, 2 bytes */
		"\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c",	/* 你好世界 */
		"\xf0\x9f\x98\x80",			/* 😀 U+1F600, 4 bytes */
		"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",	/* 👍🏽 with skin tone */
		"e\xcc\x81",				/* e + combining acute */
		"\xc2\xa0",				/* U+00A0, first after C1 */
		"\xdf\xbf",				/* U+07FF, last 2-byte */
		"\xe0\xa0\x80",				/* U+0800, first 3-byte */
		"\xed\x9f\xbf",				/* U+D7FF, before surrogates */
		"\xee\x80\x80",				/* U+E000, after surrogates */
		"\xef\xbf\xbd",				/* U+FFFD */
		"\xf0\x90\x80\x80",			/* U+10000, first 4-byte */
		"\xf4\x8f\xbf\xbf",			/* U+10FFFF, the last */
		"~",					/* 0x7e, before DEL */
		" ",					/* a lone space is text */
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(text(good[i]) == KC_OK, "good[%zu] gave %s", i,
		    kc_errname(text(good[i])));
}
END_TEST

START_TEST(text_empty)
{
	ck_assert_code(kc_text_validate("", 0), KC_ERR_TEXT_EMPTY);
	ck_assert_code(kc_text_validate(NULL, 0), KC_ERR_TEXT_EMPTY);
	ck_assert_code(kc_text_validate("abc", 0), KC_ERR_TEXT_EMPTY);
}
END_TEST

START_TEST(text_blank)
{
	const char *blank[] = { "", " ", " \t\n ", "\xc2\xa0", "\xe3\x80\x80",
	    "\xe2\x80\x8b\xe2\x80\x80\xe2\x80\x8a", "\xef\xbb\xbf ", "\xe2\x80\x8e",
	    "\xe3\x85\xa4", "\xef\xbe\xa0", "\xe2\xa0\x80\xc2\xad",
	    "\xe2\x80\xae\xe2\x81\xa6\xef\xb8\x8f", "\xf3\xa0\x80\xa0" };
	const char *shown[] = { ".", " a ", "\xc3\xa9",
	    "\xe2\x80\x8b\xe2\x80\x8c!", "\xe3\x80\x81" };
	size_t i;

	for (i = 0; i < sizeof blank / sizeof blank[0]; i++)
		ck_assert_msg(kc_text_blank(blank[i], strlen(blank[i])) == 1,
		    "blank[%zu]", i);
	for (i = 0; i < sizeof shown / sizeof shown[0]; i++)
		ck_assert_msg(kc_text_blank(shown[i], strlen(shown[i])) == 0,
		    "shown[%zu]", i);
	/* Invalid UTF-8 is not blank (kc_text_validate refuses it). */
	ck_assert_int_eq(kc_text_blank(" \xff", 2), 0);
}
END_TEST

START_TEST(text_length)
{
	char	*s;
	size_t	 i;

	ck_assert_int_eq(KC_TEXT_MAX, 8192);
	s = malloc(KC_TEXT_MAX + 2);
	ck_assert_ptr_nonnull(s);
	memset(s, 'x', KC_TEXT_MAX + 2);
	ck_assert_code(kc_text_validate(s, 8192), KC_OK);
	ck_assert_code(kc_text_validate(s, 8193), KC_ERR_TEXT_TOO_LONG);
	/* the bound is in bytes, not characters: 2730 × "é" + "ab" = 8192 */
	for (i = 0; i + 2 <= 8190; i += 2)
		memcpy(s + i, "\xc3\xa9", 2);
	memcpy(s + 8190, "ab", 2);
	ck_assert_code(kc_text_validate(s, 8192), KC_OK);
	ck_assert_code(kc_text_validate(s, 8193), KC_ERR_TEXT_TOO_LONG);
	/* a too-long text is too long even if its bytes are also bad */
	memset(s, 0x01, KC_TEXT_MAX + 2);
	ck_assert_code(kc_text_validate(s, 8193), KC_ERR_TEXT_TOO_LONG);
	free(s);
}
END_TEST

START_TEST(text_utf8)
{
	/* each with the byte count, since some hold NUL-free but odd bytes */
	static const struct { const char *s; const char *why; } bad[] = {
		{ "\xc0\x80", "overlong NUL (2 bytes)" },
		{ "\xc1\xbf", "overlong 0x7f (2 bytes)" },
		{ "\xe0\x80\x80", "overlong NUL (3 bytes)" },
		{ "\xe0\x9f\xbf", "overlong U+07FF (3 bytes)" },
		{ "\xf0\x80\x80\x80", "overlong NUL (4 bytes)" },
		{ "\xf0\x8f\xbf\xbf", "overlong U+FFFF (4 bytes)" },
		{ "\xed\xa0\x80", "surrogate U+D800" },
		{ "\xed\xbf\xbf", "surrogate U+DFFF" },
		{ "\xed\xa0\xbd\xed\xb8\x80", "CESU-8 surrogate pair" },
		{ "\xf4\x90\x80\x80", "U+110000, past U+10FFFF" },
		{ "\xf5\x80\x80\x80", "lead byte 0xf5" },
		{ "\xf8\x88\x80\x80\x80", "5-byte form" },
		{ "\xfc\x84\x80\x80\x80\x80", "6-byte form" },
		{ "\xfe", "byte 0xfe" },
		{ "\xff", "byte 0xff" },
		{ "\xc3", "truncated 2-byte at end" },
		{ "\xe4\xbd", "truncated 3-byte at end" },
		{ "\xf0\x9f\x98", "truncated 4-byte at end" },
		{ "\xc3" "a", "2-byte cut by ASCII" },
		{ "\xe4\xbd" "a", "3-byte cut by ASCII" },
		{ "\xf0\x9f\x98" "abc", "4-byte cut by ASCII" },
		{ "\xe4\xbd\xe4\xbd\xa0", "3-byte cut by a new lead" },
		{ "\x80", "stray continuation 0x80" },
		{ "\xbf", "stray continuation 0xbf" },
		{ "a\x80" "b", "stray continuation inside ASCII" },
		{ "\xc3\xa9\xa9", "continuation after a complete sequence" },
		{ "ok \xf0\x9f\x98\x80\x80", "continuation after an emoji" },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(text(bad[i].s) == KC_ERR_TEXT_UTF8,
		    "%s gave %s", bad[i].why, kc_errname(text(bad[i].s)));
		ck_assert_msg(kc_utf8_valid(bad[i].s, strlen(bad[i].s)) == 0,
		    "kc_utf8_valid accepts %s", bad[i].why);
	}
	/* truncation by len, not by the string's end */
	ck_assert_code(kc_text_validate("\xf0\x9f\x98\x80", 3), KC_ERR_TEXT_UTF8);
	ck_assert_code(kc_text_validate("\xf0\x9f\x98\x80", 4), KC_OK);
	ck_assert_int_eq(kc_utf8_valid("\xc3\xa9", 1), 0);
	ck_assert_int_eq(kc_utf8_valid("\xc3\xa9", 2), 1);
	/* kc_utf8_valid: the empty string is valid UTF-8 */
	ck_assert_int_eq(kc_utf8_valid("", 0), 1);
	ck_assert_int_eq(kc_utf8_valid("\xf4\x8f\xbf\xbf", 4), 1);
}
END_TEST

START_TEST(text_c0)
{
	char	s[4];
	int	c;

	for (c = 0; c < 0x20; c++) {
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'b';
		if (c == '\n' || c == '\t')
			ck_assert_msg(kc_text_validate(s, 3) == KC_OK,
			    "0x%02x refused", c);
		else
			ck_assert_msg(kc_text_validate(s, 3) ==
			    KC_ERR_TEXT_CONTROL, "0x%02x gave %s", c,
			    kc_errname(kc_text_validate(s, 3)));
	}
	/* the escape that starts terminal sequences, and CR, by name */
	ck_assert_code(text("\x1b[2J"), KC_ERR_TEXT_CONTROL);
	ck_assert_code(text("over\rwrite"), KC_ERR_TEXT_CONTROL);
	ck_assert_code(kc_text_validate("a\0b", 3), KC_ERR_TEXT_CONTROL);
	/* DEL */
	ck_assert_code(text("a\x7f"), KC_ERR_TEXT_CONTROL);
	ck_assert_code(text("\x7f"), KC_ERR_TEXT_CONTROL);
}
END_TEST

START_TEST(text_c1)
{
	char	s[4];
	int	c;

	/* U+0080..U+009F are C2 80..C2 9F; U+009B is the 8-bit CSI */
	for (c = 0x80; c <= 0x9f; c++) {
		s[0] = 'a';
		s[1] = (char)0xc2;
		s[2] = (char)c;
		ck_assert_msg(kc_text_validate(s, 3) == KC_ERR_TEXT_CONTROL,
		    "U+%04X gave %s", c, kc_errname(kc_text_validate(s, 3)));
		/* still valid UTF-8: refused as a control, not as encoding */
		ck_assert_int_eq(kc_utf8_valid(s, 3), 1);
	}
	ck_assert_code(text("\xc2\xa0"), KC_OK);	/* U+00A0 is not C1 */
}
END_TEST

/*
 * Bidi controls such as U+202E RIGHT-TO-LEFT OVERRIDE are valid text: they
 * are not C0/C1 controls and real scripts need them. validate.c says so and
 * leaves it to the TUI to neutralise them when drawing.
 */
START_TEST(text_bidi)
{
	FILE	*f;
	char	 line[512], *src = NULL;
	size_t	 len = 0, n;
	int	 documented;

	ck_assert_code(text("abc\xe2\x80\xae" "fdp.exe"), KC_OK);	/* U+202E */
	ck_assert_code(text("\xe2\x80\x8f"), KC_OK);			/* U+200F RLM */
	ck_assert_code(text("\xe2\x81\xa6x\xe2\x81\xa9"), KC_OK);	/* U+2066..2069 */
	ck_assert_code(text("a\xe2\x80\x8b" "b"), KC_OK);		/* U+200B ZWSP */

	/* and the source says so, in its comment */
	if (getenv("KCHAT_SOURCE_DIR") == NULL)
		return;		/* run by hand outside ctest: nothing to read */
	snprintf(line, sizeof line, "%s/proto/validate.c",
	    getenv("KCHAT_SOURCE_DIR"));
	f = fopen(line, "r");
	ck_assert_msg(f != NULL, "cannot open %s", line);
	while ((n = fread(line, 1, sizeof line, f)) > 0) {
		src = realloc(src, len + n + 1);
		ck_assert_ptr_nonnull(src);
		memcpy(src + len, line, n);
		len += n;
	}
	fclose(f);
	ck_assert_ptr_nonnull(src);
	src[len] = '\0';
	documented = strstr(src, "U+202E") != NULL;
	free(src);
	ck_assert_msg(documented,
	    "proto/validate.c does not document that U+202E is accepted");
}
END_TEST

static Suite *
validate_suite(void)
{
	Suite	*s = suite_create("validate");
	TCase	*tc;
	int	 nkinds = sizeof kinds / sizeof kinds[0];

	tc = tcase_create("names");
	tcase_add_loop_test(tc, name_good, 0, nkinds);
	tcase_add_loop_test(tc, name_empty, 0, nkinds);
	tcase_add_loop_test(tc, name_length, 0, nkinds);
	tcase_add_loop_test(tc, name_chars, 0, nkinds);
	tcase_add_loop_test(tc, name_start, 0, nkinds);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, text_good);
	tcase_add_test(tc, text_empty);
	tcase_add_test(tc, text_blank);
	tcase_add_test(tc, text_length);
	tcase_add_test(tc, text_utf8);
	tcase_add_test(tc, text_c0);
	tcase_add_test(tc, text_c1);
	tcase_add_test(tc, text_bidi);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(validate_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
