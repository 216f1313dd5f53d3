/*
 * test-sanitize.c - tui/sanitize.c: nothing read from Kafka can reach the
 * terminal as a control: C0/C1 controls, ESC/CSI/OSC sequences, DEL, bidi
 * overrides and isolates, invalid UTF-8.
 */
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Sanitizes s and compares with want. */
static void
check_san(const char *s, size_t len, int flags, const char *want)
{
	char *got = sanitize_dup(s, len, flags);

	ck_assert_msg(strcmp(got, want) == 0, "sanitize(\"%s\") = \"%s\", want \"%s\"",
	    s, got, want);
	free(got);
}

/* No byte below 0x20 (but \n when kept), no DEL, no C1 in UTF-8, valid. */
static void
check_inert(const char *s, int flags)
{
	size_t i, n = strlen(s);

	ck_assert(kc_utf8_valid(s, n));
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		ck_assert_msg(c >= 0x20 || ((flags & SANITIZE_NEWLINE) && c == '\n'),
		    "control byte 0x%02x at %zu in \"%s\"", c, i, s);
		ck_assert(c != 0x7f);
		/* C1 as UTF-8 is 0xc2 0x80..0x9f */
		if (c == 0xc2 && i + 1 < n)
			ck_assert((unsigned char)s[i + 1] > 0x9f);
	}
}

START_TEST(sanitize_plain)
{
	check_san("hello", 5, 0, "hello");
	check_san("h\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80", 18, 0,
	    "h\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80");
	check_san("", 0, 0, "");
}
END_TEST

START_TEST(sanitize_escape_sequences)
{
	char *out;

	/* CSI clear screen and cursor home: ESC becomes U+241B, the rest text */
	check_san("\x1b[2J\x1b[H", 7, 0, "\xe2\x90\x9b[2J\xe2\x90\x9b[H");
	/* OSC set title, BEL-terminated */
	check_san("\x1b]0;pwned\x07", 10, 0, "\xe2\x90\x9b]0;pwned\xe2\x90\x87");
	/* OSC 8 hyperlink, ST-terminated */
	out = sanitize_dup("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", 26, 0);
	check_inert(out, 0);
	free(out);
	/* carriage return could overwrite the sender's name */
	check_san("x\rmallory> hi", 13, 0, "x\xe2\x90\x8dmallory> hi");
	/* backspace, DEL */
	check_san("a\bb\x7f", 4, 0, "a\xe2\x90\x88" "b\xe2\x90\xa1");
	/* NUL inside the bytes */
	check_san("a\0b", 3, 0, "a\xe2\x90\x80" "b");
}
END_TEST

START_TEST(sanitize_c1)
{
	/* U+009B (CSI) and U+009D (OSC) encoded in UTF-8 */
	check_san("\xc2\x9b" "2J", 4, 0, "\xef\xbf\xbd" "2J");
	check_san("\xc2\x9d" "0;t", 5, 0, "\xef\xbf\xbd" "0;t");
	/* a raw 8-bit CSI byte is invalid UTF-8 */
	check_san("\x9b" "2J", 3, 0, "\xef\xbf\xbd" "2J");
}
END_TEST

START_TEST(sanitize_bidi)
{
	/* U+202E RLO, U+2066 LRI, U+2069 PDI, U+200F RLM */
	check_san("a\xe2\x80\xae" "b", 5, 0, "a\xef\xbf\xbd" "b");
	check_san("\xe2\x81\xa6x\xe2\x81\xa9", 7, 0,
	    "\xef\xbf\xbdx\xef\xbf\xbd");
	check_san("\xe2\x80\x8f", 3, 0, "\xef\xbf\xbd");
	check_san("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 12, 0,
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* U+2028 LINE SEPARATOR cannot start a row either */
	check_san("a\xe2\x80\xa8" "b", 5, 0, "a\xef\xbf\xbd" "b");
}
END_TEST

START_TEST(sanitize_invalid_utf8)
{
	check_san("\xff", 1, 0, "\xef\xbf\xbd");
	check_san("a\xc3", 2, 0, "a\xef\xbf\xbd");		/* truncated */
	check_san("\xc0\xaf", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd");	/* overlong */
	check_san("\xed\xa0\x80", 3, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_san("\xe2\x82" "x", 3, 0, "\xef\xbf\xbd" "x");	/* maximal subpart */
	check_san("\xf4\x90\x80\x80", 4, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_san("\x80\x80", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

START_TEST(sanitize_newlines_tabs)
{
	check_san("a\nb", 3, SANITIZE_NEWLINE, "a\nb");
	check_san("a\nb", 3, 0, "a\xe2\x90\xa4" "b");
	check_san("a\tb", 3, 0, "a b");
}
END_TEST

/* Every byte value in every position comes out inert and valid. */
START_TEST(sanitize_all_bytes)
{
	char	in[4], *out;
	int	a, b;

	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b += 7) {
			in[0] = a;
			in[1] = b;
			in[2] = 'x';
			in[3] = a;
			out = sanitize_dup(in, 4, 0);
			check_inert(out, 0);
			free(out);
			out = sanitize_dup(in, 4, SANITIZE_NEWLINE);
			check_inert(out, SANITIZE_NEWLINE);
			free(out);
		}
	}
}
END_TEST

START_TEST(sanitize_width)
{
	ck_assert_uint_eq(utf8_width("abc", 3), 3);
	ck_assert_uint_eq(utf8_width("\xe4\xb8\xad", 3), 2);	/* CJK: wide */
	ck_assert_uint_eq(utf8_width("e\xcc\x81", 3), 1);	/* combining */
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sanitize");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	setlocale(LC_CTYPE, "C.UTF-8");
	tcase_add_test(tc, sanitize_plain);
	tcase_add_test(tc, sanitize_escape_sequences);
	tcase_add_test(tc, sanitize_c1);
	tcase_add_test(tc, sanitize_bidi);
	tcase_add_test(tc, sanitize_invalid_utf8);
	tcase_add_test(tc, sanitize_newlines_tabs);
	tcase_add_test(tc, sanitize_all_bytes);
	tcase_add_test(tc, sanitize_width);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
