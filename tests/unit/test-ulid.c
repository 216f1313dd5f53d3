/*
 * test-ulid.c - ULID message ids (proto/ulid.c): 26 Crockford base32
 * characters, 48 bits of milliseconds then 80 random bits, so that ids sort
 * by time and ids made in one millisecond still increase.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* 2025-10-03T22:30:45.123456Z in µs, and the start of its millisecond. */
#define TS_2025		1759530645123456LL
#define TS_2025_MS	1759530645123000LL

/* The millisecond time of a ULID: its first 10 characters, base32. */
static uint64_t
ulid_ms(const char *id)
{
	uint64_t	 ms = 0;
	const char	*p;
	int		 i;

	for (i = 0; i < 10; i++) {
		p = strchr(crockford, id[i]);
		ck_assert_msg(p != NULL && *p != '\0', "bad char in %s", id);
		ms = (ms << 5) | (uint64_t)(p - crockford);
	}
	return ms;
}

START_TEST(ulid_shape)
{
	char	id[KC_ID_LEN + 1];
	int	i, j;

	ck_assert_int_eq(KC_ID_LEN, 26);
	for (i = 0; i < 1000; i++) {
		memset(id, '!', sizeof id);
		ck_assert_int_eq(kc_ulid_new(id, i % 2 ? 0 : TS_2025), KC_OK);
		ck_assert_uint_eq(strlen(id), 26);
		for (j = 0; j < 26; j++)
			ck_assert_msg(strchr(crockford, id[j]) != NULL,
			    "%s: '%c' not Crockford base32", id, id[j]);
		/* never the letters Crockford leaves out */
		ck_assert_ptr_null(strpbrk(id, "ILOUilou"));
		ck_assert_int_eq(kc_ulid_valid(id, strlen(id)), 1);
	}
}
END_TEST

START_TEST(ulid_valid_rejects)
{
	char	good[KC_ID_LEN + 1], s[KC_ID_LEN + 2];
	const char *letters = "ILOU", *c;
	size_t	i;

	ck_assert_int_eq(kc_ulid_new(good, TS_2025), KC_OK);
	ck_assert_int_eq(kc_ulid_valid(good, 26), 1);

	/* wrong length */
	ck_assert_int_eq(kc_ulid_valid(good, 25), 0);
	ck_assert_int_eq(kc_ulid_valid(good, 0), 0);
	ck_assert_int_eq(kc_ulid_valid(NULL, 26), 0);
	memcpy(s, good, 26);
	s[26] = '0';
	s[27] = '\0';
	ck_assert_int_eq(kc_ulid_valid(s, 27), 0);
	ck_assert_int_eq(kc_ulid_valid("01ARZ3NDEKTSV4RRFFQ69G5FA", 25), 0);

	/* letters outside the alphabet, at the start, middle and end */
	for (c = letters; *c != '\0'; c++) {
		for (i = 1; i < 26; i += 12) {
			memcpy(s, good, 27);
			s[i] = *c;
			ck_assert_msg(kc_ulid_valid(s, 26) == 0, "%s accepted", s);
		}
	}
	/* lowercase, even of letters in the alphabet */
	memcpy(s, "01arz3ndektsv4rrffq69g5fav", 27);
	ck_assert_int_eq(kc_ulid_valid(s, 26), 0);
	memcpy(s, "01ARZ3NDEKTSV4RRFFQ69G5FAv", 27);
	ck_assert_int_eq(kc_ulid_valid(s, 26), 0);
	memcpy(s, "01ARZ3NDEKTSV4RRFFQ69G5FAV", 27);	/* the spec's example */
	ck_assert_int_eq(kc_ulid_valid(s, 26), 1);

	/* other bytes: punctuation, space, NUL within len, high bytes */
	memcpy(s, good, 27);
	s[5] = '-';
	ck_assert_int_eq(kc_ulid_valid(s, 26), 0);
	s[5] = ' ';
	ck_assert_int_eq(kc_ulid_valid(s, 26), 0);
	s[5] = '\0';
	ck_assert_int_eq(kc_ulid_valid(s, 26), 0);
	s[5] = (char)0xc3;
	ck_assert_int_eq(kc_ulid_valid(s, 26), 0);

	/* a first character past '7' would need more than 48 bits of time */
	memcpy(s, "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", 27);
	ck_assert_int_eq(kc_ulid_valid(s, 26), 1);
	for (c = "89ABZ"; *c != '\0'; c++) {
		s[0] = *c;
		ck_assert_msg(kc_ulid_valid(s, 26) == 0, "%s accepted", s);
	}
}
END_TEST

START_TEST(ulid_time)
{
	static const int64_t ts[] = {
		1000,			/* 1 ms after the epoch */
		946684800000000LL,	/* 2000-01-01 */
		TS_2025,
		TS_2025_MS + 999,	/* last µs of TS_2025's millisecond */
		7258118400000000LL,	/* 2200-01-01 */
		((1LL << 48) - 1) * 1000,	/* the last millisecond ULIDs hold */
	};
	char	id[KC_ID_LEN + 1];
	size_t	i;
	int64_t	before, after;

	for (i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		ck_assert_int_eq(kc_ulid_new(id, ts[i]), KC_OK);
		ck_assert_msg(ulid_ms(id) == (uint64_t)ts[i] / 1000,
		    "%s: %llu ms, want %llu", id, (unsigned long long)ulid_ms(id),
		    (unsigned long long)(ts[i] / 1000));
		ck_assert_int_eq(kc_ulid_valid(id, 26), 1);
	}
	/* the last millisecond is 7ZZZZZZZZZ */
	ck_assert_int_eq(strncmp(id, "7ZZZZZZZZZ", 10), 0);
	/* known encoding: 1469918176385 ms is 01ARYZ6S41 (the spec's example) */
	ck_assert_int_eq(kc_ulid_new(id, 1469918176385LL * 1000), KC_OK);
	ck_assert_int_eq(strncmp(id, "01ARYZ6S41", 10), 0);

	/* a time past 48 bits of milliseconds is refused */
	ck_assert_int_eq(kc_ulid_new(id, (1LL << 48) * 1000), KC_ERR_TS);
	ck_assert_int_eq(kc_ulid_new(id, INT64_MAX), KC_ERR_TS);

	/* 0 means now */
	before = kc_now_us() / 1000;
	ck_assert_int_eq(kc_ulid_new(id, 0), KC_OK);
	after = kc_now_us() / 1000;
	ck_assert_uint_ge(ulid_ms(id), (uint64_t)before);
	ck_assert_uint_le(ulid_ms(id), (uint64_t)after);
}
END_TEST

START_TEST(ulid_now)
{
	int64_t now = kc_now_us();

	/* after 2020-01-01 and before 2200-01-01, in µs */
	ck_assert_int_gt(now, 1577836800000000LL);
	ck_assert_int_lt(now, 7258118400000000LL);
	ck_assert_int_ge(kc_now_us(), now);
}
END_TEST

/* Ids made in one millisecond are strictly increasing and all different. */
START_TEST(ulid_monotonic)
{
	enum { N = 10000 };
	char	(*ids)[KC_ID_LEN + 1];
	int	i;

	ids = calloc(N, sizeof *ids);
	ck_assert_ptr_nonnull(ids);
	for (i = 0; i < N; i++)
		ck_assert_int_eq(kc_ulid_new(ids[i], TS_2025_MS + i % 1000), KC_OK);
	for (i = 1; i < N; i++) {
		ck_assert_msg(strcmp(ids[i - 1], ids[i]) < 0,
		    "id %d %s not after %s", i, ids[i], ids[i - 1]);
		ck_assert_int_eq(strncmp(ids[i], ids[0], 10), 0);
	}
	free(ids);
}
END_TEST

/* Ids made at later times sort later, whatever their random part. */
START_TEST(ulid_time_order)
{
	enum { N = 2000 };
	char	 prev[KC_ID_LEN + 1], id[KC_ID_LEN + 1];
	int64_t	 ts = TS_2025;
	int	 i;

	ck_assert_int_eq(kc_ulid_new(prev, ts), KC_OK);
	for (i = 0; i < N; i++) {
		ts += 1000 + (i % 7) * 1000 * 1000;	/* 1 ms .. 6 s later */
		ck_assert_int_eq(kc_ulid_new(id, ts), KC_OK);
		ck_assert_msg(strcmp(prev, id) < 0, "%s not after %s", id, prev);
		memcpy(prev, id, sizeof id);
	}
	/* also when made out of order: an earlier time sorts first */
	ck_assert_int_eq(kc_ulid_new(prev, TS_2025 + 1000), KC_OK);
	ck_assert_int_eq(kc_ulid_new(id, TS_2025), KC_OK);
	ck_assert_int_lt(strcmp(id, prev), 0);
}
END_TEST

/* Two ids in different milliseconds have independent random parts. */
START_TEST(ulid_random)
{
	char	a[KC_ID_LEN + 1], b[KC_ID_LEN + 1];

	ck_assert_int_eq(kc_ulid_new(a, TS_2025), KC_OK);
	ck_assert_int_eq(kc_ulid_new(b, TS_2025 + 1000), KC_OK);
	/* 80 random bits: the same random part by chance is not a real risk */
	ck_assert_str_ne(a + 10, b + 10);
}
END_TEST

static Suite *
ulid_suite(void)
{
	Suite	*s = suite_create("ulid");
	TCase	*tc = tcase_create("ulid");

	tcase_add_test(tc, ulid_shape);
	tcase_add_test(tc, ulid_valid_rejects);
	tcase_add_test(tc, ulid_time);
	tcase_add_test(tc, ulid_now);
	tcase_add_test(tc, ulid_monotonic);
	tcase_add_test(tc, ulid_time_order);
	tcase_add_test(tc, ulid_random);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(ulid_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
