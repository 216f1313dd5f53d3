/*
 * test-buf.c - the growable byte buffer (proto/buf.c): it grows over many
 * appends without losing bytes, its data is always NUL-terminated, reset
 * keeps the memory, free is safe twice, and absurd sizes fail cleanly.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

/*
 * The huge-size test asks malloc for nearly SIZE_MAX bytes: under
 * AddressSanitizer that must return NULL like glibc does, not abort.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

START_TEST(buf_zero)
{
	struct kc_buf b = { 0 };

	/* an empty append to a zeroed buffer still gives a terminated string */
	ck_assert_int_eq(kc_buf_append(&b, NULL, 0), KC_OK);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, "");
	ck_assert_uint_gt(b.cap, b.len);
	kc_buf_free(&b);
}
END_TEST

START_TEST(buf_growth)
{
	struct kc_buf	b = { 0 };
	char		chunk[97];
	size_t		i, j, total = 0, grows = 0, cap = 0;

	/* 10000 appends of varying sizes, each byte a function of its offset */
	for (i = 0; i < 10000; i++) {
		size_t n = 1 + i % sizeof chunk;

		for (j = 0; j < n; j++)
			chunk[j] = (char)('a' + (total + j) % 26);
		ck_assert_int_eq(kc_buf_append(&b, chunk, n), KC_OK);
		total += n;
		ck_assert_uint_eq(b.len, total);
		ck_assert_uint_gt(b.cap, b.len);	/* room for the NUL */
		ck_assert_int_eq(b.data[b.len], '\0');
		if (b.cap != cap) {
			grows++;
			cap = b.cap;
		}
	}
	for (i = 0; i < total; i++)
		ck_assert_msg(b.data[i] == (char)('a' + i % 26),
		    "byte %zu is '%c'", i, b.data[i]);
	ck_assert_uint_eq(strlen(b.data), total);
	/* growth is geometric: ~490 KB in a few dozen reallocations at most */
	ck_assert_uint_lt(grows, 40);
	kc_buf_free(&b);
}
END_TEST

START_TEST(buf_big_append)
{
	struct kc_buf	 b = { 0 };
	size_t		 n = 1 << 20;
	char		*p = malloc(n);

	ck_assert_ptr_nonnull(p);
	memset(p, 'z', n);
	ck_assert_int_eq(kc_buf_append(&b, "head", 4), KC_OK);
	/* one append much larger than the current capacity */
	ck_assert_int_eq(kc_buf_append(&b, p, n), KC_OK);
	ck_assert_uint_eq(b.len, n + 4);
	ck_assert_int_eq(memcmp(b.data, "head", 4), 0);
	ck_assert_int_eq(memcmp(b.data + 4, p, n), 0);
	ck_assert_int_eq(b.data[b.len], '\0');
	free(p);
	kc_buf_free(&b);
}
END_TEST

START_TEST(buf_binary)
{
	struct kc_buf b = { 0 };

	/* NUL bytes are data, not ends */
	ck_assert_int_eq(kc_buf_append(&b, "a\0b", 3), KC_OK);
	ck_assert_int_eq(kc_buf_append(&b, "\0", 1), KC_OK);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_int_eq(memcmp(b.data, "a\0b\0", 5), 0);
	kc_buf_free(&b);
}
END_TEST

START_TEST(buf_reset)
{
	struct kc_buf	 b = { 0 };
	char		*data;
	size_t		 cap;
	int		 i;

	for (i = 0; i < 100; i++)
		ck_assert_int_eq(kc_buf_append(&b, "0123456789", 10), KC_OK);
	data = b.data;
	cap = b.cap;
	kc_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_eq(b.data, data);		/* the memory is kept */
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_str_eq(b.data, "");
	/* refilling up to the old size does not reallocate */
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(kc_buf_append(&b, "abcdefghij", 10), KC_OK);
	ck_assert_ptr_eq(b.data, data);
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_uint_eq(b.len, 1000);
	ck_assert_int_eq(memcmp(b.data, "abcdefghij", 10), 0);
	ck_assert_int_eq(b.data[1000], '\0');
	kc_buf_free(&b);

	/* reset of a buffer that never held anything */
	kc_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(buf_free)
{
	struct kc_buf b = { 0 };

	ck_assert_int_eq(kc_buf_append(&b, "x", 1), KC_OK);
	kc_buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	kc_buf_free(&b);	/* twice is safe */
	kc_buf_free(NULL);	/* and NULL */
	/* a freed buffer is reusable */
	ck_assert_int_eq(kc_buf_append(&b, "again", 5), KC_OK);
	ck_assert_str_eq(b.data, "again");
	kc_buf_free(&b);
}
END_TEST

/* Sizes no machine can hold fail with KC_ERR_NOMEM, leaving b as it was. */
START_TEST(buf_huge)
{
	struct kc_buf b = { 0 };

	ck_assert_int_eq(kc_buf_append(&b, "keep", 4), KC_OK);
	/* len + n + 1 would overflow size_t */
	ck_assert_int_eq(kc_buf_append(&b, "x", SIZE_MAX), KC_ERR_NOMEM);
	ck_assert_int_eq(kc_buf_append(&b, "x", SIZE_MAX - 4), KC_ERR_NOMEM);
	/* fits in size_t, but doubling the capacity to reach it would not */
	ck_assert_int_eq(kc_buf_append(&b, "x", SIZE_MAX - 10), KC_ERR_NOMEM);
	ck_assert_int_eq(kc_buf_append(&b, "x", SIZE_MAX / 2 + 1), KC_ERR_NOMEM);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_str_eq(b.data, "keep");
	kc_buf_free(&b);
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite	*s = suite_create("buf");
	TCase	*tc = tcase_create("buf");

	tcase_add_test(tc, buf_zero);
	tcase_add_test(tc, buf_growth);
	tcase_add_test(tc, buf_big_append);
	tcase_add_test(tc, buf_binary);
	tcase_add_test(tc, buf_reset);
	tcase_add_test(tc, buf_free);
	tcase_add_test(tc, buf_huge);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(buf_suite());
	int	 failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures != 0;
}
