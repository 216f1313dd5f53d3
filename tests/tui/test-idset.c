/* test-idset.c - tui/idset.c: the ids a buffer may hold, as a multiset. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tui.h"

#define N	5000

static void
mkid(char *id, size_t len, int i)
{
	snprintf(id, len, "01JD%022d", i);
}

START_TEST(idset_empty)
{
	struct idset s;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(idset_maybe(&s, "A"), 0);
	idset_del(&s, "A");		/* nothing to remove: no harm */
	idset_add(&s, "");		/* "" is never held */
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(idset_maybe(&s, ""), 0);
	idset_clear(&s);
}
END_TEST

/*
 * Many ids (the table grows several times), then every other one removed:
 * the rest are all still found, through runs that removals shifted, and
 * the removed ones are not.
 */
START_TEST(idset_add_del)
{
	struct idset	s;
	char		id[KC_ID_LEN + 1];
	int		i, gone = 0;

	memset(&s, 0, sizeof s);
	for (i = 0; i < N; i++) {
		mkid(id, sizeof id, i);
		idset_add(&s, id);
	}
	ck_assert_uint_eq(s.n, N);
	for (i = 0; i < N; i += 2) {
		mkid(id, sizeof id, i);
		idset_del(&s, id);
	}
	ck_assert_uint_eq(s.n, N / 2);
	for (i = 0; i < N; i++) {
		mkid(id, sizeof id, i);
		if (i % 2)
			ck_assert_int_eq(idset_maybe(&s, id), 1);
		else
			gone += !idset_maybe(&s, id);
	}
	/* 32-bit hashes: a removed id may still look present, but rarely. */
	ck_assert_int_ge(gone, N / 2 - 2);
	idset_clear(&s);
	ck_assert_int_eq(idset_maybe(&s, "01JD0000000000000000000001"), 0);
}
END_TEST

/* The same id twice is held twice: one removal leaves the other. */
START_TEST(idset_multiset)
{
	struct idset s;

	memset(&s, 0, sizeof s);
	idset_add(&s, "A");
	idset_add(&s, "A");
	idset_del(&s, "A");
	ck_assert_int_eq(idset_maybe(&s, "A"), 1);
	idset_del(&s, "A");
	ck_assert_int_eq(idset_maybe(&s, "A"), 0);
	ck_assert_uint_eq(s.n, 0);
	idset_clear(&s);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("idset");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, idset_empty);
	tcase_add_test(tc, idset_add_del);
	tcase_add_test(tc, idset_multiset);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
