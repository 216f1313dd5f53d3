/* test-buffer.c - tui/buffer.c: bounded scrollback, order, de-duplication. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tui.h"

static struct line
mkline(int64_t ts, const char *id, const char *text)
{
	struct line l;

	memset(&l, 0, sizeof l);
	l.ts = ts;
	snprintf(l.id, sizeof l.id, "%.*s", KC_ID_LEN, id);
	l.user = "alice";
	l.text = (char *)text;
	return l;
}

START_TEST(buffer_names)
{
	struct buffer *b = buffer_new(BUFFER_ROOM, "general", 10);
	struct buffer *d = buffer_new(BUFFER_DM, "bob", 10);

	ck_assert_str_eq(b->name, "#general");
	ck_assert_str_eq(d->name, "@bob");
	ck_assert_str_eq(d->target, "bob");
	buffer_free(b);
	buffer_free(d);
}
END_TEST

START_TEST(buffer_bounded)
{
	struct buffer	*b = buffer_new(BUFFER_ROOM, "r", 3);
	struct line	 l;
	char		 id[8], text[8];
	int		 i;

	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "id%d", i);
		snprintf(text, sizeof text, "m%d", i);
		l = mkline(100 + i, id, text);
		ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
	}
	ck_assert_uint_eq(b->nlines, 3);
	ck_assert_str_eq(b->lines[0].text, "m2");
	ck_assert_str_eq(b->lines[2].text, "m4");
	/* older than all kept, buffer full: dropped */
	l = mkline(50, "old", "old");
	ck_assert_ptr_null(buffer_add(b, &l, 1));
	ck_assert_uint_eq(b->nlines, 3);
	buffer_free(b);
}
END_TEST

START_TEST(buffer_dedupe_and_sorted)
{
	struct buffer	*b = buffer_new(BUFFER_ROOM, "r", 10);
	struct line	 l;

	l = mkline(100, "A", "a");
	ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
	l = mkline(300, "C", "c");
	ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
	l = mkline(100, "A", "a again");
	ck_assert_ptr_null(buffer_add(b, &l, 0));	/* same id */
	l = mkline(200, "B", "b");
	ck_assert_ptr_nonnull(buffer_add(b, &l, 1));	/* history: by time */
	ck_assert_uint_eq(b->nlines, 3);
	ck_assert_str_eq(b->lines[1].text, "b");
	/* local lines have no id and are never de-duplicated */
	l = mkline(400, "", "info");
	ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
	ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
	ck_assert_str_eq(buffer_oldest(b)->id, "A");
	ck_assert_ptr_nonnull(buffer_find(b, "C"));
	ck_assert_ptr_null(buffer_find(b, "Z"));
	buffer_clear(b);
	ck_assert_uint_eq(b->nlines, 0);
	ck_assert_ptr_null(buffer_oldest(b));
	buffer_free(b);
}
END_TEST

/*
 * Far more lines than the bound: the oldest go one by one (the window
 * moves, and now and then the lines move back), each kept line is found
 * by its id and in order, the lost ones are not found and can come again;
 * a line by time goes to its place in the full buffer.
 */
START_TEST(buffer_many)
{
	struct buffer	*b = buffer_new(BUFFER_ROOM, "r", 100);
	struct line	 l, *f;
	char		 id[16], text[16];
	int		 i;

	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof id, "id%04d", i);
		snprintf(text, sizeof text, "m%d", i);
		l = mkline(1000 + 2 * i, id, text);
		ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
		ck_assert_ptr_null(buffer_add(b, &l, 0));	/* again */
	}
	ck_assert_uint_eq(b->nlines, 100);
	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof id, "id%04d", i);
		f = buffer_find(b, id);
		if (i < 900) {
			ck_assert_ptr_null(f);
			continue;
		}
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_eq(f, &b->lines[i - 900]);
		snprintf(text, sizeof text, "m%d", i);
		ck_assert_str_eq(f->text, text);
	}
	/* Between m950 and m951: the oldest kept (m900) makes room. */
	l = mkline(1000 + 2 * 950 + 1, "between", "between");
	ck_assert_ptr_nonnull(buffer_add(b, &l, 1));
	ck_assert_uint_eq(b->nlines, 100);
	ck_assert_str_eq(b->lines[0].text, "m901");
	ck_assert_str_eq(b->lines[50].text, "between");
	ck_assert_ptr_eq(buffer_find(b, "between"), &b->lines[50]);
	ck_assert_ptr_null(buffer_find(b, "id0900"));
	/* A lost one read again is a new line, appended. */
	l = mkline(5000, "id0000", "m0");
	ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
	ck_assert_str_eq(b->lines[99].text, "m0");
	/* Dropped lines are not found; the others still are. */
	b->lines[10].flags |= LINE_HIDDEN;
	ck_assert_uint_eq(buffer_drop(b, LINE_HIDDEN), 1);
	ck_assert_ptr_null(buffer_find(b, "id0912"));
	ck_assert_ptr_eq(buffer_find(b, "id0913"), &b->lines[10]);
	buffer_clear(b);
	ck_assert_ptr_null(buffer_find(b, "id0913"));
	l = mkline(1, "id0913", "again");
	ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
	buffer_free(b);
}
END_TEST

/*
 * tui/buffer-gone.c: the user's own lines leaving a full buffer before
 * Kafka read them back are kept out of view and found by id, in any order;
 * others' lines, and own ones read back, are not; the holes close.
 */
/*
 * Each line costs its scrollback slot: 72 bytes (issue 12 item 6, 10,000
 * lines in 10 MB). The writer's name is one shared copy, which outlives
 * the string it was made from, and what few lines have (a reply's quote,
 * a failure's reason) is copied only for them.
 */
START_TEST(buffer_line_small)
{
	struct buffer	*b = buffer_new(BUFFER_ROOM, "r", 10);
	struct line	 l, *a1, *a2, *bob;
	struct line_more more = { 0 };
	char		 who[KC_NAME_MAX + 1];

	ck_assert_uint_le(sizeof (struct line), 72);
	snprintf(who, sizeof who, "alice");
	l = mkline(1, "id1", "one");
	l.user = who;
	a1 = buffer_add(b, &l, 0);
	l = mkline(2, "id2", "two");
	l.user = who;
	more.quote = "<bob> hi";
	more.reply = "id0";
	l.more = &more;
	a2 = buffer_add(b, &l, 0);
	snprintf(who, sizeof who, "bob");
	l = mkline(3, "id3", "three");
	l.user = who;
	bob = buffer_add(b, &l, 0);
	ck_assert_ptr_nonnull(a1);
	ck_assert_ptr_nonnull(a2);
	ck_assert_ptr_nonnull(bob);
	ck_assert_str_eq(a1->user, "alice");
	ck_assert_ptr_eq(a1->user, a2->user);
	ck_assert_str_eq(bob->user, "bob");
	ck_assert_ptr_null(a1->more);
	ck_assert_ptr_nonnull(a2->more);
	ck_assert_ptr_ne(a2->more, &more);
	ck_assert_str_eq(line_quote(a2), "<bob> hi");
	ck_assert_str_eq(line_reply(a2), "id0");
	ck_assert_ptr_null(line_error(a1));
	ck_assert_ptr_eq(buffer_find_user(b, "id2", "alice"), a2);
	ck_assert_ptr_null(buffer_find_user(b, "id2", "bob"));
	buffer_free(b);
}
END_TEST

START_TEST(buffer_gone_kept)
{
	struct buffer	*b = buffer_new(BUFFER_ROOM, "r", 10);
	struct line	 l, *f;
	char		 id[32], text[32];
	size_t		 i, live;

	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof id, "own%04zu", i);
		snprintf(text, sizeof text, "m%zu", i);
		l = mkline(1000 + i, id, text);
		l.flags = LINE_SELF;
		l.state = i % 3 == 0 ? LINE_SENT : LINE_PENDING;
		if (i % 5 == 0)
			l.flags |= LINE_ECHOED;		/* read back: not kept */
		if (i % 7 == 0) {
			l.flags = 0;			/* another's: not kept */
			l.state = LINE_FINAL;
		}
		ck_assert_ptr_nonnull(buffer_add(b, &l, 0));
	}
	ck_assert_uint_eq(b->nlines, 10);
	for (i = 0, live = 0; i < 290; i++) {
		snprintf(id, sizeof id, "own%04zu", i);
		f = buffer_gone_find(b, id);
		if (i % 5 == 0 || i % 7 == 0) {
			ck_assert_ptr_null(f);
			continue;
		}
		live++;
		ck_assert_ptr_nonnull(f);
		snprintf(text, sizeof text, "m%zu", i);
		ck_assert_str_eq(f->text, text);
		ck_assert_ptr_null(buffer_find(b, id));		/* not in view */
	}
	ck_assert_uint_eq(b->gone_live, live);
	/* Taken back newest first, then the rest: all found until taken. */
	for (i = 290; i-- > 150;) {
		snprintf(id, sizeof id, "own%04zu", i);
		if ((f = buffer_gone_find(b, id)) != NULL)
			buffer_gone_del(b, f);
		ck_assert_ptr_null(buffer_gone_find(b, id));
	}
	ck_assert_uint_le(b->ngone, 2 * b->gone_live);	/* holes closed */
	ck_assert_ptr_nonnull(buffer_gone_find(b, "own0001"));
	ck_assert_ptr_nonnull(buffer_gone_find(b, "own0149"));
	/* Expiry forgets the final ones before the time, never pending ones. */
	buffer_gone_expire(b, 1000 + 100);
	ck_assert_ptr_null(buffer_gone_find(b, "own0003"));	/* sent */
	ck_assert_ptr_nonnull(buffer_gone_find(b, "own0001"));	/* pending */
	ck_assert_ptr_nonnull(buffer_gone_find(b, "own0102"));	/* newer */
	/* /clear keeps the pending ones in view too. */
	ck_assert_ptr_nonnull(buffer_find(b, "own0298"));
	buffer_clear(b);
	ck_assert_ptr_nonnull(buffer_gone_find(b, "own0298"));
	buffer_free(b);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("buffer");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, buffer_names);
	tcase_add_test(tc, buffer_bounded);
	tcase_add_test(tc, buffer_dedupe_and_sorted);
	tcase_add_test(tc, buffer_many);
	tcase_add_test(tc, buffer_gone_kept);
	tcase_add_test(tc, buffer_line_small);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
