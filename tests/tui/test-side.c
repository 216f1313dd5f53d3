/*
 * test-side.c - tui/side.c and what it keeps: word lists (words.c), the
 * config file rewrite (conffile.c), /set (setting.c, cmd-set.c), /ignore
 * and /unignore, highlight words, /away on our records and the others'
 * away and typing state (people.c), and the logs (log.c); driven without
 * a terminal or Kafka, as test-chat.c.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui.h"

#define SENT_MAX 64
static struct kc_msg	 sent[SENT_MAX];
static size_t		 nsent;
static struct chat	*c;
static char		 dir[256];

static int
fake_send(void *arg, const struct kc_msg *m, char *errstr, size_t len)
{
	ck_assert_uint_lt(nsent, SENT_MAX);
	kc_msg_init(&sent[nsent]);
	kc_msg_copy(&sent[nsent++], m);
	return KC_OK;
}

static int
fake_history(void *arg, unsigned id, const char *room, size_t n,
    const char *before, char *errstr, size_t len)
{
	chat_fetched(c, id, KC_OK, "", NULL, 0);
	return KC_OK;
}

static const struct chat_ops fake_ops = { fake_send, fake_history, NULL, NULL,
    NULL, NULL };

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/test-side.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	nsent = 0;
	c = chat_new("alice", &fake_ops, NULL);
	chat_set_conn(c, CHAT_CONNECTED);
}

static void
teardown(void)
{
	char cmd[300];
	size_t i;

	chat_free(c);
	for (i = 0; i < nsent; i++)
		kc_msg_clear(&sent[i]);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*s = calloc(1, 65536);

	ck_assert_ptr_nonnull(f);
	fread(s, 1, 65535, f);
	fclose(f);
	return s;
}

static void
spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
receive_msg(struct kc_msg *m, enum kc_type t, const char *room,
    const char *user, const char *to, const char *text)
{
	kc_msg_init(m);
	ck_assert_int_eq(kc_msg_make(m, t, room, user, to, text,
	    text ? strlen(text) : 0), KC_OK);
}

static void
receive(enum kc_type t, const char *room, const char *user, const char *to,
    const char *text)
{
	struct kc_msg m;

	receive_msg(&m, t, room, user, to, text);
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
}

static struct line *
last_line(struct buffer *b)
{
	ck_assert_uint_gt(b->nlines, 0);
	return &b->lines[b->nlines - 1];
}

START_TEST(words_lists)
{
	char	*l, *r;
	int	 found;

	ck_assert(words_has("bob, Carol dave", "carol"));
	ck_assert(!words_has("bobby", "bob"));
	ck_assert(!words_has(NULL, "bob"));
	/* Names fold as ASCII in any locale (a Turkish one's I is not i). */
	if (setlocale(LC_ALL, "tr_TR.UTF-8") != NULL) {
		ck_assert(words_has("IRIS", "iris"));
		ck_assert(chat_mentions("IRIS: look", "iris"));
		setlocale(LC_ALL, "C.UTF-8");
	}
	l = words_add("", "bob");
	ck_assert_str_eq(l, "bob");
	r = words_add(l, "carol");
	ck_assert_str_eq(r, "bob, carol");
	free(l);
	l = words_remove(r, "BOB", &found);
	ck_assert(found);
	ck_assert_str_eq(l, "carol");
	free(r);
	r = words_remove(l, "zed", &found);
	ck_assert(!found);
	ck_assert_str_eq(r, "carol");
	free(l);
	free(r);
	/* Highlight words match whole words, any case, anywhere. */
	ck_assert(words_match("we Deploy at 5", "kafka, deploy"));
	ck_assert(words_match("deploy!", "deploy"));
	ck_assert(!words_match("redeployed", "deploy"));
	ck_assert(!words_match("nothing here", ""));
}
END_TEST

START_TEST(conffile_keeps_other_lines)
{
	char *t;

	t = conffile_rewrite("# my settings\nuser = alice\n\n#log = on\n"
	    "history=20\n", "history", "100");
	ck_assert_str_eq(t, "# my settings\nuser = alice\n\n#log = on\n"
	    "history = 100\n");
	free(t);
	/* Added at the end (a missing final newline supplied). */
	t = conffile_rewrite("user = alice", "log", "on");
	ck_assert_str_eq(t, "user = alice\nlog = on\n");
	free(t);
	/* Removed, duplicates too; a commented line is not the key. */
	t = conffile_rewrite("log = on\n# log = on\n  log=off\nlogfile = x\n",
	    "log", NULL);
	ck_assert_str_eq(t, "# log = on\nlogfile = x\n");
	free(t);
}
END_TEST

START_TEST(set_saves_and_applies)
{
	char		 path[300], *t;
	struct stat	 st;
	struct buffer	*b;

	snprintf(path, sizeof path, "%s/kchat/config", dir);
	side_set_path(chat_side(c), path);
	/* Alone: every key listed with its value. */
	ck_assert_int_eq(cmd_dispatch(c, "/set"), 0);
	cmd_input(c, "/join general");
	b = chat_current(c);
	ck_assert_int_eq(cmd_dispatch(c, "/set history 20"), 0);
	ck_assert_str_eq(setting_get(c, "history"), "20");
	ck_assert_str_eq(last_line(b)->text, "history = 20");
	t = slurp(path);
	ck_assert_str_eq(t, "history = 20\n");
	free(t);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* Bad key, bad value: an error, nothing written. */
	ck_assert_int_eq(cmd_dispatch(c, "/set colour red"), -1);
	ck_assert_ptr_nonnull(strstr(last_line(b)->text,
	    "no setting \"colour\""));
	ck_assert_int_eq(cmd_dispatch(c, "/set history lots"), -1);
	ck_assert_ptr_nonnull(strstr(last_line(b)->text,
	    "\"lots\" is not a number from 0 to 1000"));
	ck_assert_int_eq(cmd_dispatch(c, "/set log maybe"), -1);
	t = slurp(path);
	ck_assert_str_eq(t, "history = 20\n");
	free(t);
	/* -clear: back to the default, the line gone. */
	spill(path, "# mine\nhistory = 20\nbell = off\n");
	ck_assert_int_eq(cmd_dispatch(c, "/set -clear history"), 0);
	ck_assert_str_eq(setting_get(c, "history"), "50");
	t = slurp(path);
	ck_assert_str_eq(t, "# mine\nbell = off\n");
	free(t);
}
END_TEST

/* A config file that is a symbolic link (dotfiles): the target changes. */
START_TEST(set_follows_a_link)
{
	char		 real[300], link[300], *t;
	struct stat	 st;

	snprintf(real, sizeof real, "%s/dotfiles-config", dir);
	snprintf(link, sizeof link, "%s/config", dir);
	spill(real, "user = alice\n");
	ck_assert_int_eq(symlink(real, link), 0);
	side_set_path(chat_side(c), link);
	ck_assert_int_eq(cmd_dispatch(c, "/set log on"), 0);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	t = slurp(real);
	ck_assert_str_eq(t, "user = alice\nlog = on\n");
	free(t);
}
END_TEST

START_TEST(ignore_hides_and_persists)
{
	char		 path[300], *t;
	struct buffer	*b;
	size_t		 n;

	snprintf(path, sizeof path, "%s/config", dir);
	side_set_path(chat_side(c), path);
	cmd_input(c, "/join general");
	b = chat_current(c);
	ck_assert_int_eq(cmd_dispatch(c, "/ignore bob"), 0);
	t = slurp(path);
	ck_assert_str_eq(t, "ignore = bob\n");
	free(t);
	n = b->nlines;
	receive(KC_TYPE_HEARTBEAT, "general", "bob", NULL, "typing");
	ck_assert(!people_typing(side_people(chat_side(c)), "general", "bob",
	    kc_now_us()));
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "spam");
	receive(KC_TYPE_DM, "general", "bob", "alice", "spam too");
	ck_assert_uint_eq(b->nlines, n);
	ck_assert_ptr_null(chat_find(c, "@bob"));
	receive(KC_TYPE_MESSAGE, "general", "carol", NULL, "hello");
	ck_assert_str_eq(last_line(b)->text, "hello");
	ck_assert_int_eq(cmd_dispatch(c, "/ignore alice"), -1);
	ck_assert_int_eq(cmd_dispatch(c, "/ignore"), 0);
	ck_assert_str_eq(last_line(b)->text,
	    "ignored: bob (/unignore NAME shows them again)");
	ck_assert_int_eq(cmd_dispatch(c, "/unignore bob"), 0);
	t = slurp(path);
	ck_assert_str_eq(t, "");
	free(t);
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "back");
	ck_assert_str_eq(last_line(b)->text, "back");
	ck_assert_int_eq(cmd_dispatch(c, "/unignore bob"), -1);
}
END_TEST

START_TEST(highlight_marks_lines)
{
	struct buffer *b;

	cmd_input(c, "/join general");
	b = chat_current(c);
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "deploy done");
	ck_assert(!(last_line(b)->flags & LINE_MENTION));
	ck_assert_int_eq(setting_set(c, "highlight", "kafka, deploy", 0, NULL,
	    0), 0);
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "Deploy done");
	ck_assert(last_line(b)->flags & LINE_MENTION);
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "redeployed");
	ck_assert(!(last_line(b)->flags & LINE_MENTION));
}
END_TEST

START_TEST(away_rides_on_heartbeats)
{
	size_t i;

	cmd_input(c, "/join general");
	nsent = 0;
	ck_assert_int_eq(cmd_dispatch(c, "/away lunch, back at 2"), 0);
	ck_assert_uint_ge(nsent, 1);
	ck_assert_int_eq(sent[0].type, KC_TYPE_HEARTBEAT);
	ck_assert_str_eq(sent[0].away, "lunch, back at 2");
	chat_heartbeat(c);
	ck_assert_str_eq(sent[nsent - 1].away, "lunch, back at 2");
	ck_assert_int_eq(cmd_dispatch(c, "/away"), 0);
	ck_assert_str_eq(sent[nsent - 1].away, "");
	for (i = 0; i < nsent; i++)
		kc_msg_clear(&sent[i]);
	nsent = 0;
	/* Another's away, as /who says it. */
	{
		struct kc_msg m;

		receive_msg(&m, KC_TYPE_HEARTBEAT, "general", "bob", NULL,
		    NULL);
		snprintf(m.away, sizeof m.away, "gone \x1b[2Jfishing");
		chat_receive(c, &m, 1);
		kc_msg_clear(&m);
		ck_assert_int_eq(cmd_dispatch(c, "/who"), 0);
		/* Its ESC shown as U+241B: no escape reaches the screen. */
		ck_assert_str_eq(last_line(chat_current(c))->text,
		    "1 in #general: bob (away: gone "
		    "\xe2\x90\x9b[2Jfishing)");
	}
	/* Typing: a heartbeat with "typing", for text, not commands. */
	chat_typing(c, "/set");
	ck_assert_uint_eq(nsent, 0);
	chat_typing(c, "hel");
	ck_assert_uint_eq(nsent, 1);
	ck_assert_str_eq(sent[0].text, "typing");
	chat_typing(c, "hell");		/* not again within 2 seconds */
	ck_assert_uint_eq(nsent, 1);
}
END_TEST

START_TEST(people_away_and_typing)
{
	struct people	*p = people_new();
	struct kc_msg	 m;
	struct kc_buf	 out = { NULL, 0, 0 };
	int64_t		 now;

	receive_msg(&m, KC_TYPE_HEARTBEAT, "general", "bob", NULL, NULL);
	snprintf(m.inst, sizeof m.inst, "term1");
	snprintf(m.away, sizeof m.away, "lunch");
	now = m.ts;
	people_apply(p, &m, now);
	ck_assert_str_eq(people_away(p, "bob", now), "lunch");
	/* A second instance of bob's that is not away: bob is here. */
	snprintf(m.inst, sizeof m.inst, "web1");
	m.away[0] = '\0';
	people_apply(p, &m, now);
	ck_assert_ptr_null(people_away(p, "bob", now));
	kc_msg_clear(&m);

	receive_msg(&m, KC_TYPE_HEARTBEAT, "general", "carol", NULL, "typing");
	people_apply(p, &m, now);
	ck_assert(people_typing(p, "general", "carol", now));
	ck_assert(!people_typing(p, "dev", "carol", now));
	ck_assert(!people_typing(p, "general", "carol",
	    now + PEOPLE_TYPING_US + 1));
	ck_assert_uint_eq(people_typing_in(p, "general", now, "alice", &out),
	    1);
	ck_assert_str_eq(out.data, "carol");
	kc_msg_clear(&m);
	/* Her message ends it. */
	now += 1000000;
	receive_msg(&m, KC_TYPE_MESSAGE, "general", "carol", NULL, "hi");
	m.ts = now - 100000;
	people_apply(p, &m, now);
	ck_assert(!people_typing(p, "general", "carol", now));
	kc_msg_clear(&m);
	/*
	 * The "typing" that led to it, in the other topic, read after it:
	 * older than her message, so not news. One written after it is.
	 */
	receive_msg(&m, KC_TYPE_HEARTBEAT, "general", "carol", NULL, "typing");
	m.ts = now - 300000;
	people_apply(p, &m, now);
	ck_assert(!people_typing(p, "general", "carol", now));
	m.ts = now - 50000;
	people_apply(p, &m, now);
	ck_assert(people_typing(p, "general", "carol", now));
	kc_msg_clear(&m);
	kc_buf_free(&out);
	people_free(p);
}
END_TEST

START_TEST(logs_per_room_per_day)
{
	char		 path[400], *t;
	struct stat	 st;

	setenv("XDG_DATA_HOME", dir, 1);
	cmd_input(c, "/join general");
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "not logged");
	ck_assert_int_eq(cmd_dispatch(c, "/set log on"), 0);
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "logged");
	cmd_input(c, "mine too");
	snprintf(path, sizeof path, "%s/kchat/logs/general", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	format_time(kc_now_us(), "/%Y-%m-%d.log", path + strlen(path),
	    sizeof path - strlen(path));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	t = slurp(path);
	ck_assert_ptr_null(strstr(t, "not logged"));
	ck_assert_ptr_nonnull(strstr(t, " #general <bob> logged\n"));
	ck_assert_ptr_nonnull(strstr(t, " #general <alice> mine too\n"));
	ck_assert_ptr_null(strstr(t, "pending"));
	free(t);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("tui-side");
	TCase	*tc = tcase_create("side");
	SRunner	*sr;
	int	 failed;

	setlocale(LC_ALL, "C.UTF-8");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, words_lists);
	tcase_add_test(tc, conffile_keeps_other_lines);
	tcase_add_test(tc, set_saves_and_applies);
	tcase_add_test(tc, set_follows_a_link);
	tcase_add_test(tc, ignore_hides_and_persists);
	tcase_add_test(tc, highlight_marks_lines);
	tcase_add_test(tc, away_rides_on_heartbeats);
	tcase_add_test(tc, people_away_and_typing);
	tcase_add_test(tc, logs_per_room_per_day);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
