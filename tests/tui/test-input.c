/*
 * test-input.c - tui/input.c: the editing keys, history and Tab completion
 * of the input line, without a terminal.
 */
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static struct input *in;

static void
setup(void)
{
	in = input_new();
}

static void
teardown(void)
{
	input_free(in);
}

static void
type(const char *s)
{
	ck_assert_int_eq(input_insert(in, s, strlen(s)), 0);
}

START_TEST(input_cursor_moves)
{
	type("hello world");
	ck_assert_uint_eq(input_cursor(in), 11);
	input_home(in);				/* Home / Ctrl-A */
	ck_assert_uint_eq(input_cursor(in), 0);
	type(">");
	ck_assert_str_eq(input_text(in), ">hello world");
	input_end(in);				/* End / Ctrl-E */
	ck_assert_uint_eq(input_cursor(in), 12);
	input_word_left(in);
	ck_assert_uint_eq(input_cursor(in), 7);
	input_word_left(in);
	ck_assert_uint_eq(input_cursor(in), 1);
	input_word_right(in);
	ck_assert_uint_eq(input_cursor(in), 6);
	input_left(in);
	input_right(in);
	input_right(in);
	ck_assert_uint_eq(input_cursor(in), 7);
}
END_TEST

START_TEST(input_utf8)
{
	type("a\xc3\xa9\xe4\xb8\xad");		/* a, é, 中 */
	ck_assert_uint_eq(input_cursor_col(in), 4);	/* 1 + 1 + 2 */
	input_left(in);
	ck_assert_uint_eq(input_cursor(in), 3);	/* before 中, not inside */
	input_backspace(in);
	ck_assert_str_eq(input_text(in), "a\xe4\xb8\xad");
	input_delete(in);
	ck_assert_str_eq(input_text(in), "a");
	/* a pasted escape sequence is made inert */
	type("\x1b[2J");
	ck_assert_ptr_null(strchr(input_text(in), '\x1b'));
}
END_TEST

START_TEST(input_kills)
{
	type("one two three");
	input_kill_word(in);			/* Ctrl-W */
	ck_assert_str_eq(input_text(in), "one two ");
	input_kill_word(in);
	ck_assert_str_eq(input_text(in), "one ");
	input_yank(in);				/* Ctrl-Y */
	ck_assert_str_eq(input_text(in), "one two ");
	input_home(in);
	input_word_right(in);
	input_kill_end(in);			/* Ctrl-K */
	ck_assert_str_eq(input_text(in), "one");
	input_left(in);
	input_kill_start(in);			/* Ctrl-U */
	ck_assert_str_eq(input_text(in), "e");
	ck_assert_uint_eq(input_cursor(in), 0);
}
END_TEST

START_TEST(input_history)
{
	char *l;

	type("first");
	free(input_take(in));
	type("second");
	l = input_take(in);
	ck_assert_str_eq(l, "second");
	free(l);
	ck_assert_str_eq(input_text(in), "");
	type("draft");
	input_history_prev(in);
	ck_assert_str_eq(input_text(in), "second");
	input_history_prev(in);
	ck_assert_str_eq(input_text(in), "first");
	input_history_prev(in);			/* stays at the oldest */
	ck_assert_str_eq(input_text(in), "first");
	input_history_next(in);
	input_history_next(in);
	ck_assert_str_eq(input_text(in), "draft");	/* the draft is back */
}
END_TEST

static size_t
fake_complete(void *arg, const char *line, size_t ws, size_t cur, char ***out)
{
	static const char *all[] = { "alice: ", "alfred: " };
	char	**v;
	size_t	  i, n = 0;

	v = xcalloc(2, sizeof *v);
	for (i = 0; i < 2; i++) {
		if (strncmp(all[i], line + ws, cur - ws) == 0)
			v[n++] = xstrdup(all[i]);
	}
	*out = v;
	return n;
}

START_TEST(input_completion_cycles)
{
	type("al");
	input_complete(in, fake_complete, NULL);
	ck_assert_str_eq(input_text(in), "alice: ");
	input_complete(in, fake_complete, NULL);
	ck_assert_str_eq(input_text(in), "alfred: ");
	input_complete(in, fake_complete, NULL);
	ck_assert_str_eq(input_text(in), "alice: ");
	type("hi");
	ck_assert_str_eq(input_text(in), "alice: hi");
}
END_TEST

static size_t
fake_complete_mid(void *arg, const char *line, size_t ws, size_t cur,
    char ***out)
{
	char **v = xcalloc(1, sizeof *v);

	if (strncmp("alice ", line + ws, cur - ws) != 0) {
		free(v);
		*out = NULL;
		return 0;
	}
	v[0] = xstrdup("alice ");
	*out = v;
	return 1;
}

/* Tab anywhere in the line: the word before the cursor, one space kept. */
START_TEST(input_completion_mid_line)
{
	type("hi  there");
	input_left(in); input_left(in); input_left(in);
	input_left(in); input_left(in); input_left(in);
	type("al");
	input_complete(in, fake_complete_mid, NULL);
	ck_assert_str_eq(input_text(in), "hi alice there");
	ck_assert_uint_eq(input_cursor(in), 8);
	/* Inside a word: what follows the cursor in it goes too. */
	input_set(in, "hi alxx there");
	input_home(in);
	input_right(in); input_right(in); input_right(in);
	input_right(in); input_right(in);
	input_complete(in, fake_complete_mid, NULL);
	ck_assert_str_eq(input_text(in), "hi alice there");
	/* At the end of the line the space stays. */
	input_set(in, "hi al");
	input_end(in);
	input_complete(in, fake_complete_mid, NULL);
	ck_assert_str_eq(input_text(in), "hi alice ");
}
END_TEST

static void
paste(const char *s)
{
	ck_assert_int_eq(input_paste(in, s, strlen(s)), 0);
}

/* A paste keeps its lines (CR, LF, CR LF), drops trailing line ends. */
START_TEST(input_paste_lines)
{
	char	*big;
	size_t	 i;

	type("say: ");
	paste("/nick pwned\r\nsecond\rthird\n\n");
	ck_assert_str_eq(input_text(in), "say: /nick pwned\nsecond\nthird");
	ck_assert_uint_eq(input_lines(in), 3);
	input_newline(in);
	type("x");
	ck_assert_uint_eq(input_lines(in), 4);
	/* Controls other than newline stay inert. */
	input_set(in, "");
	paste("a\x1b[2Jb\tc");
	ck_assert_ptr_null(strchr(input_text(in), '\x1b'));
	ck_assert_ptr_null(strchr(input_text(in), '\t'));
	/* More than the input holds: cut at a character, and said. */
	input_set(in, "");
	big = malloc(TUI_INPUT_MAX + 10);
	for (i = 0; i + 2 <= TUI_INPUT_MAX + 8; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	ck_assert_int_eq(input_paste(in, big, TUI_INPUT_MAX + 8), -1);
	ck_assert_uint_eq(input_len(in), TUI_INPUT_MAX);
	free(big);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("input");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	setlocale(LC_CTYPE, "C.UTF-8");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, input_cursor_moves);
	tcase_add_test(tc, input_utf8);
	tcase_add_test(tc, input_kills);
	tcase_add_test(tc, input_history);
	tcase_add_test(tc, input_completion_cycles);
	tcase_add_test(tc, input_completion_mid_line);
	tcase_add_test(tc, input_paste_lines);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
