/*
 * test-colour.c - the stable colour of a user name (proto/colour.c):
 * FNV-1a (32-bit) of the name's bytes modulo KC_COLOURS. The web client
 * computes the same, so the expected values here were computed outside C:
 *
 *   python3 -c 'h=2166136261
 *   for b in b"alice": h=((h^b)*16777619)&0xffffffff
 *   print(hex(h), h%12)'
 *
 * "a" and "foobar" are the published FNV-1a test vectors (0xe40c292c,
 * 0xbf9cf968).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "kchat.h"

static const struct {
	const char	*name;
	uint32_t	 fnv;		/* FNV-1a 32, for the record */
	unsigned	 colour;
} known[] = {
	{ "alice",	0x872213e7u, 11 },
	{ "bob",	0x86c6a0d4u, 8 },
	{ "john_doe",	0x4bbc2c87u, 7 },
	{ "Alice",	0x2cdd8587u, 11 },
	{ "a",		0xe40c292cu, 4 },
	{ "foobar",	0xbf9cf968u, 4 },
	{ "",		0x811c9dc5u, 1 },	/* the offset basis */
	{ "\xc3\xa9",	0x1e9de8c1u, 9 },	/* bytes, not code points */
};

START_TEST(colour_known)
{
	size_t i;

	ck_assert_int_eq(KC_COLOURS, 12);
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		/* the table is self-consistent */
		ck_assert_uint_eq(known[i].fnv % 12, known[i].colour);
		ck_assert_msg(kc_user_colour(known[i].name) == known[i].colour,
		    "\"%s\": colour %u, want %u", known[i].name,
		    kc_user_colour(known[i].name), known[i].colour);
	}
}
END_TEST

START_TEST(colour_range_stable)
{
	char		name[16], copy[16];
	unsigned	seen[KC_COLOURS] = { 0 }, c;
	int		i;

	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "user%d", i);
		c = kc_user_colour(name);
		ck_assert_uint_lt(c, KC_COLOURS);
		/* the same name, in another buffer, gets the same colour */
		memcpy(copy, name, sizeof copy);
		ck_assert_uint_eq(kc_user_colour(copy), c);
		seen[c]++;
	}
	/* 1000 names use every colour */
	for (i = 0; i < KC_COLOURS; i++)
		ck_assert_msg(seen[i] > 0, "colour %d never used", i);
}
END_TEST

static Suite *
colour_suite(void)
{
	Suite	*s = suite_create("colour");
	TCase	*tc = tcase_create("colour");

	tcase_add_test(tc, colour_known);
	tcase_add_test(tc, colour_range_stable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(colour_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
