/*
 * test-chat.c - tui/chat.c, tui/cmd*.c and tui/complete.c driven without a
 * terminal or Kafka: a fake chat_ops records what would be produced and
 * serves history, as the unit tests of a WeeChat buffer would.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define SENT_MAX 64

static struct kc_msg	 sent[SENT_MAX];
static size_t		 nsent;
static int		 send_fail;
static struct kc_msg	 hist[8];
static size_t		 nhist;
static char		 hist_before[KC_ID_LEN + 1];
static int		 hist_calls;
static int64_t		 replay_since;
static int		 bells;
static struct chat	*c;

static int
fake_send(void *arg, const struct kc_msg *m, char *errstr, size_t len)
{
	if (send_fail) {
		snprintf(errstr, len, "queue full");
		return KC_ERR_QUEUE_FULL;
	}
	ck_assert_uint_lt(nsent, SENT_MAX);
	kc_msg_init(&sent[nsent]);
	kc_msg_copy(&sent[nsent++], m);
	return KC_OK;
}

/*
 * History and replay run in the background in the program: the fake
 * answers at once (inside the call) unless fake_later is set; then the
 * test answers with fake_answer() when it likes.
 */
static int		 fake_later;
static unsigned		 fake_id;	/* the last fetch asked for */

static void
fake_answer(unsigned id, int err, const char *errstr)
{
	struct kc_msg	*v;
	size_t		 i;

	v = calloc(nhist + 1, sizeof *v);
	for (i = 0; i < nhist; i++)
		kc_msg_copy(&v[i], &hist[i]);
	chat_fetched(c, id, err, errstr, v, err == KC_OK ? nhist : 0);
	kc_history_free(v, nhist);
}

static int
fake_started(unsigned id)
{
	fake_id = id;
	if (!fake_later)
		fake_answer(id, KC_OK, "");
	return KC_OK;
}

static int
fake_history(void *arg, unsigned id, const char *room, size_t n,
    const char *before, char *errstr, size_t len)
{
	snprintf(hist_before, sizeof hist_before, "%s", before);
	hist_calls++;
	return fake_started(id);
}

static int
fake_replay(void *arg, unsigned id, const char *room, int64_t since,
    char *errstr, size_t len)
{
	replay_since = since;
	return fake_started(id);
}

static int	presence_read;	/* the presence topic read up to its end */

static int
fake_presence_known(void *arg)
{
	return presence_read;
}

static const struct chat_ops fake_ops = {
	fake_send, fake_history, fake_replay, NULL, NULL, fake_presence_known
};

static int		 finals;	/* lines line mode would print */
static const char	*watch;		/* text no new line may show */
static int		 watched;	/* new lines that showed it */

static void
notify(void *arg, enum chat_event ev, struct buffer *b, struct line *l)
{
	if (ev == CHAT_BELL)
		bells++;
	if (ev == CHAT_LINE_NEW && watch != NULL && l->text != NULL &&
	    strstr(l->text, watch) != NULL)
		watched++;
	/* As tui/line.c: a line is printed once it is final. */
	if (l != NULL && (l->flags & LINE_LOADING))
		return;
	if ((ev == CHAT_LINE_NEW && l->state != LINE_PENDING) ||
	    (ev == CHAT_LINE_UPDATE && (l->state == LINE_SENT ||
	    l->state == LINE_FAILED)))
		finals++;
}

/* Forgets what was sent so far. */
static void
reset_sent(void)
{
	size_t i;

	for (i = 0; i < nsent; i++)
		kc_msg_clear(&sent[i]);
	nsent = 0;
}

static void
setup(void)
{
	nsent = nhist = 0;
	send_fail = bells = hist_calls = watched = 0;
	fake_later = 0;
	fake_id = 0;
	presence_read = 1;
	c = chat_new("alice", &fake_ops, NULL);
	chat_set_inst(c, "a11ce0000000000a");	/* this terminal, as main.c */
	chat_set_notify(c, notify, NULL);
	chat_set_conn(c, CHAT_CONNECTED);
}

static void
teardown(void)
{
	size_t i;

	chat_free(c);
	for (i = 0; i < nsent; i++)
		kc_msg_clear(&sent[i]);
	for (i = 0; i < nhist; i++)
		kc_msg_clear(&hist[i]);
}

/* A record as another participant would produce it. */
static void
incoming(struct kc_msg *m, enum kc_type t, const char *room, const char *user,
    const char *to, const char *text)
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

	incoming(&m, t, room, user, to, text);
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
}

static struct line *
last_line(struct buffer *b)
{
	ck_assert_uint_gt(b->nlines, 0);
	return &b->lines[b->nlines - 1];
}

/* roomstate.c's writers: what it would put on the state topics. */
static struct kc_roominfo	put_rooms[8];
static struct kc_marker		put_marks[8];
static size_t			nput_rooms, nput_marks;

static int
fake_put_room(void *arg, const struct kc_roominfo *ri)
{
	if (nput_rooms < 8)
		put_rooms[nput_rooms++] = *ri;
	return KC_OK;
}

static int
fake_put_marker(void *arg, const struct kc_marker *mk)
{
	if (nput_marks < 8)
		put_marks[nput_marks++] = *mk;
	return KC_OK;
}

START_TEST(chat_join_sends_and_fetches)
{
	struct buffer *b;

	incoming(&hist[0], KC_TYPE_MESSAGE, "general", "bob", NULL, "earlier");
	nhist = 1;
	cmd_input(c, "/join #general");
	b = chat_current(c);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(b->name, "#general");
	/* history first, then our own join (pending until acknowledged) */
	ck_assert_uint_eq(b->nlines, 2);
	ck_assert_str_eq(b->lines[0].text, "earlier");
	ck_assert(b->lines[0].flags & LINE_HISTORY);
	ck_assert_int_eq(b->lines[1].kind, LINE_JOIN);
	ck_assert_int_eq(b->lines[1].state, LINE_PENDING);
	/* a join record to the chat topic and a heartbeat for presence */
	ck_assert_uint_eq(nsent, 2);
	ck_assert_int_eq(sent[0].type, KC_TYPE_JOIN);
	ck_assert_str_eq(sent[0].room, "general");
	ck_assert_str_eq(sent[0].user, "alice");
	ck_assert_int_eq(sent[1].type, KC_TYPE_HEARTBEAT);
	ck_assert(b->history_done);	/* fewer than asked for */
	/* joining again only switches */
	cmd_input(c, "/join general");
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(chat_nbuffers(c), 1);
}
END_TEST

/* Started without a broker: rooms open at once, history comes later. */
START_TEST(chat_join_offline_history_later)
{
	struct buffer	*b;
	struct line	*l;
	struct kc_msg	 m;
	size_t		 i, n;

	chat_set_conn(c, CHAT_OFFLINE);
	incoming(&hist[0], KC_TYPE_MESSAGE, "general", "bob", NULL, "earlier");
	nhist = 1;
	cmd_input(c, "/join #general");
	b = chat_current(c);
	ck_assert_ptr_nonnull(b);
	ck_assert(b->history_due);
	ck_assert_int_eq(hist_calls, 0);
	/* the join record is queued (pending), and so is what is typed */
	ck_assert_uint_eq(nsent, 2);
	cmd_input(c, "typed while offline");
	ck_assert_uint_eq(nsent, 3);
	l = last_line(b);
	ck_assert_str_eq(l->text, "typed while offline");
	ck_assert_int_eq(l->state, LINE_PENDING);
	/* /history cannot ask Kafka now: the fake would answer, the chat
	 * must not ask before it is connected */
	chat_set_conn(c, CHAT_RECONNECTING);
	ck_assert_int_eq(hist_calls, 0);
	/* connected: the history arrives, sorted before the pending line */
	chat_set_conn(c, CHAT_CONNECTED);
	ck_assert_int_eq(hist_calls, 1);
	ck_assert(!b->history_due);
	ck_assert_ptr_nonnull(buffer_find(b, hist[0].id));
	ck_assert_str_eq(b->lines[0].text, "earlier");
	/* our line read back (or reported) once: sent, not doubled */
	kc_msg_init(&m);
	kc_msg_copy(&m, &sent[2]);
	chat_receive(c, &m, 1);
	chat_receive(c, &m, 1);
	chat_delivered(c, &m, KC_OK, NULL);
	kc_msg_clear(&m);
	l = buffer_find(b, sent[2].id);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(l->state, LINE_SENT);
	for (i = 0, n = 0; i < b->nlines; i++)
		n += strcmp(b->lines[i].id, sent[2].id) == 0;
	ck_assert_uint_eq(n, 1);
	/* a second connection does not fetch the history again */
	chat_set_conn(c, CHAT_RECONNECTING);
	chat_set_conn(c, CHAT_CONNECTED);
	ck_assert_int_eq(hist_calls, 1);
	/* the state changes were told in the buffer */
	l = last_line(b);
	ck_assert_int_eq(l->kind, LINE_INFO);
	ck_assert_ptr_nonnull(strstr(l->text, "connection: connected"));
}
END_TEST

START_TEST(chat_say_pending_sent_failed)
{
	struct buffer	*b;
	struct line	*l;

	chat_join(c, "general");
	reset_sent();
	cmd_input(c, "hello there");
	ck_assert_uint_eq(nsent, 1);
	ck_assert_int_eq(sent[0].type, KC_TYPE_MESSAGE);
	ck_assert_str_eq(sent[0].text, "hello there");
	b = chat_current(c);
	l = last_line(b);
	ck_assert_int_eq(l->state, LINE_PENDING);
	ck_assert(l->flags & LINE_SELF);
	chat_delivered(c, &sent[0], KC_OK, NULL);
	ck_assert_int_eq(last_line(b)->state, LINE_SENT);
	/* our record read back does not show twice */
	chat_receive(c, &sent[0], 1);
	ck_assert_str_eq(last_line(b)->text, "hello there");
	ck_assert_uint_eq(b->nlines, 2);	/* join, hello, and no copy */

	cmd_input(c, "second");
	chat_delivered(c, &sent[1], KC_ERR_KAFKA, "Broker: Not enough replicas");
	l = last_line(b);
	ck_assert_int_eq(l->state, LINE_FAILED);
	ck_assert_str_eq(line_error(l), "Broker: Not enough replicas");

	send_fail = 1;
	cmd_input(c, "third");
	l = last_line(b);
	ck_assert_int_eq(l->state, LINE_FAILED);
	ck_assert_str_eq(line_error(l), "queue full");
	/* "//" says a line that starts with a slash */
	send_fail = 0;
	cmd_input(c, "//etc/passwd is a path");
	ck_assert_str_eq(sent[nsent - 1].text, "/etc/passwd is a path");
}
END_TEST

/* Longer than one message: several, split between words, none lost. */
START_TEST(chat_say_splits_long_text)
{
	char	*text = malloc(20001);
	size_t	 i, total = 0;

	for (i = 0; i < 20000; i++)
		text[i] = i % 10 == 9 ? ' ' : 'a' + i % 10;
	text[19999] = '\0';	/* 1,000 words of 9 letters */
	chat_join(c, "general");
	reset_sent();
	cmd_input(c, text);
	ck_assert_uint_eq(nsent, 3);
	for (i = 0; i < nsent; i++) {
		ck_assert_int_eq(sent[i].type, KC_TYPE_MESSAGE);
		ck_assert_uint_le(sent[i].text_len, KC_TEXT_MAX);
		ck_assert(sent[i].text[sent[i].text_len - 1] == 'i' ||
		    i == nsent - 1);
		total += sent[i].text_len + 1;
	}
	ck_assert_uint_eq(total, 20000);
	ck_assert_str_eq(last_line(chat_current(c))->text, "a long text went "
	    "as 3 messages (at most 8192 bytes each)");
	/* /me and /msg too */
	reset_sent();
	memcpy(text, "/me ", 4);
	cmd_input(c, text);
	ck_assert_uint_eq(nsent, 3);
	ck_assert_int_eq(sent[2].type, KC_TYPE_ACTION);
	reset_sent();
	memcpy(text, "/msg bob ", 9);
	cmd_input(c, text);
	ck_assert_uint_eq(nsent, 3);
	ck_assert_int_eq(sent[2].type, KC_TYPE_DM);
	ck_assert_str_eq(sent[2].to, "bob");
	/* A run of blanks past the first piece (U+3000, 3 bytes each) is
	 * no message of its own. */
	reset_sent();
	memset(text, 'x', 8000);
	for (i = 0; i < 300; i++)
		memcpy(text + 8000 + 3 * i, "\xe3\x80\x80", 3);
	text[8900] = '\0';
	cmd_input(c, text);
	ck_assert_uint_eq(nsent, 1);
	ck_assert(!kc_text_blank(sent[0].text, sent[0].text_len));
	free(text);
}
END_TEST

/*
 * Line mode printed a line of the user's twice: read back from Kafka (sent),
 * then a late failed delivery report for the same record (not sent).
 */
START_TEST(chat_own_line_final_once)
{
	struct buffer *b;

	chat_join(c, "general");
	b = chat_current(c);
	reset_sent();
	finals = 0;
	cmd_input(c, "hello once");
	chat_receive(c, &sent[0], 1);
	ck_assert_int_eq(last_line(b)->state, LINE_SENT);
	chat_delivered(c, &sent[0], KC_ERR_KAFKA, "Local: Message timed out");
	chat_delivered(c, &sent[0], KC_OK, NULL);
	ck_assert_int_eq(last_line(b)->state, LINE_SENT);
	ck_assert_int_eq(finals, 1);
	/* Reported failed, then read back: it is in Kafka after all. */
	cmd_input(c, "late but there");
	chat_delivered(c, &sent[1], KC_ERR_KAFKA, "Local: Message timed out");
	ck_assert_int_eq(last_line(b)->state, LINE_FAILED);
	chat_receive(c, &sent[1], 1);
	ck_assert_int_eq(last_line(b)->state, LINE_SENT);
	ck_assert_ptr_null(line_error(last_line(b)));
	ck_assert_uint_eq(b->nlines, 3);
}
END_TEST

static size_t	lines_with(struct buffer *, const char *);

/*
 * A burst longer than the scrollback: each of the user's lines is final
 * once, whether Kafka acknowledges and reads it back while it is in view or
 * after it scrolled out. Line mode printed the lines that left the
 * scrollback while pending never, and those read back after they left it
 * twice (as new lines, which pushed out pending ones in turn).
 */
START_TEST(chat_own_lines_past_scrollback)
{
	struct buffer	*b;
	char		 text[32];
	size_t		 i;

	chat_set_scrollback(c, 10);
	chat_join(c, "general");
	b = chat_current(c);
	reset_sent();
	finals = 0;
	for (i = 0; i < 40; i++) {
		snprintf(text, sizeof text, "burst line %zu", i + 1);
		cmd_input(c, text);
	}
	ck_assert_uint_eq(nsent, 40);
	ck_assert_uint_eq(b->nlines, 10);
	ck_assert_int_eq(chat_pending(c), 40);	/* what quit waits for */
	/* The first 20 acknowledged, then all 40 read back, then the rest. */
	for (i = 0; i < 20; i++)
		chat_delivered(c, &sent[i], KC_OK, NULL);
	ck_assert_int_eq(finals, 20);
	ck_assert_int_eq(chat_pending(c), 20);
	for (i = 0; i < 40; i++)
		chat_receive(c, &sent[i], 1);
	ck_assert_int_eq(finals, 40);
	ck_assert_int_eq(chat_pending(c), 0);
	for (i = 20; i < 40; i++)
		chat_delivered(c, &sent[i], KC_OK, NULL);
	ck_assert_int_eq(finals, 40);
	ck_assert_uint_eq(b->nlines, 10);
	ck_assert_str_eq(last_line(b)->text, "burst line 40");
	/* Out of view and never acknowledged: quitting says so, each once. */
	reset_sent();
	finals = 0;
	for (i = 0; i < 15; i++)
		cmd_input(c, "unsent");
	ck_assert_int_eq(chat_pending(c), 15);
	ck_assert_int_eq(chat_abandon(c, "Kafka did not take it"), 15);
	ck_assert_int_eq(finals, 15);
	ck_assert_int_eq(chat_pending(c), 0);
	/* Cleared while pending: acknowledged, then /replay shows it again. */
	reset_sent();
	cmd_input(c, "cleared");
	cmd_input(c, "/clear");
	ck_assert_uint_eq(b->nlines, 0);
	chat_delivered(c, &sent[0], KC_OK, NULL);
	ck_assert_int_eq(chat_pending(c), 0);
	kc_msg_init(&hist[0]);
	kc_msg_copy(&hist[0], &sent[0]);
	nhist = 1;
	cmd_input(c, "/replay 10m");
	ck_assert_uint_eq(lines_with(b, "cleared"), 1);
}
END_TEST

/* The status line's activity list: what the room list would show. */
START_TEST(chat_activity_list)
{
	struct kc_buf	out = { NULL, 0, 0 };

	chat_join(c, "general");
	chat_join(c, "dev");
	chat_join(c, "random");
	chat_switch(c, 0);
	activity_list(c, &out);
	ck_assert_str_eq(out.data, "");
	receive(KC_TYPE_MESSAGE, "dev", "bob", NULL, "one");
	receive(KC_TYPE_MESSAGE, "dev", "bob", NULL, "two");
	receive(KC_TYPE_MESSAGE, "random", "bob", NULL, "alice: look");
	receive(KC_TYPE_MESSAGE, "random", "bob", NULL, "and this");
	receive(KC_TYPE_DM, "general", "carol", "alice", "psst");
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "in view");
	out.len = 0;
	activity_list(c, &out);
	ck_assert_str_eq(out.data, "[Act: 3:#random(2, 1!), 4:@carol(1!), "
	    "2:#dev(2)]");
	chat_switch(c, 2);
	out.len = 0;
	activity_list(c, &out);
	ck_assert_str_eq(out.data, "[Act: 4:@carol(1!), 2:#dev(2)]");
	kc_buf_free(&out);
}
END_TEST

/* A room list line fits its column: a long name is cut, not the counts. */
START_TEST(chat_list_entry)
{
	struct buffer	*b;
	char		 item[128];
	size_t		 i;

	chat_join(c, "general");
	chat_join(c, "release-engineering");
	b = chat_current(c);
	chat_switch(c, 0);
	activity_entry(b, 2, 19, item, sizeof item);
	ck_assert_str_eq(item, "2 #release-enginee\xe2\x80\xa6");
	for (i = 0; i < 12; i++)
		receive(KC_TYPE_MESSAGE, "release-engineering", "bob", NULL,
		    i == 0 ? "alice: look" : "more");
	activity_entry(b, 2, 19, item, sizeof item);
	ck_assert_str_eq(item, "2 #releas\xe2\x80\xa6 (12, 1!)");
	activity_entry(b, 2, 40, item, sizeof item);
	ck_assert_str_eq(item, "2 #release-engineering (12, 1!)");
	/* Exactly as wide as the column: whole. */
	activity_entry(b, 2, 31, item, sizeof item);
	ck_assert_str_eq(item, "2 #release-engineering (12, 1!)");
	/* Narrower than the number and counts: cut, still in the column. */
	activity_entry(b, 2, 8, item, sizeof item);
	ck_assert_str_eq(item, "2 #relea");
	activity_entry(b, 2, 30, item, sizeof item);
	ck_assert_str_eq(item, "2 #release-engineeri\xe2\x80\xa6 (12, 1!)");
}
END_TEST

/* A dm to someone in no room says where it waits; a dm buffer follows /nick. */
START_TEST(chat_dm_offline_and_nick)
{
	struct buffer	*gen, *dm;
	size_t		 n;

	chat_join(c, "general");
	gen = chat_current(c);
	receive(KC_TYPE_JOIN, "general", "bob", NULL, NULL);
	n = gen->nlines;
	cmd_input(c, "/msg bob hi bob");
	ck_assert_uint_eq(gen->nlines, n);	/* bob is here: no notice */
	cmd_input(c, "/msg ghost anyone?");
	ck_assert_str_eq(last_line(gen)->text, "ghost is not online; the "
	    "message is stored and they will see it when they join (within 7 "
	    "days)");
	n = gen->nlines;
	cmd_input(c, "/msg ghost still there?");
	ck_assert_uint_eq(gen->nlines, n);	/* said once */

	dm = chat_find(c, "@bob");
	ck_assert_ptr_nonnull(dm);
	receive(KC_TYPE_LEAVE, "general", "bob", NULL, "is now known as bobby");
	receive(KC_TYPE_JOIN, "general", "bobby", NULL, "was bob");
	ck_assert_ptr_null(chat_find(c, "@bob"));
	ck_assert_ptr_eq(chat_find(c, "@bobby"), dm);
	ck_assert_str_eq(dm->target, "bobby");
	ck_assert_str_eq(last_line(dm)->user, "bob");
	ck_assert_str_eq(last_line(dm)->text, "is now known as bobby");
	reset_sent();
	chat_switch(c, 1);
	ck_assert_ptr_eq(chat_current(c), dm);
	cmd_input(c, "still with me?");
	ck_assert_uint_eq(nsent, 1);
	ck_assert_str_eq(sent[0].to, "bobby");

	/* A dm sent, then /nick before it is read back: still ours. */
	reset_sent();
	cmd_input(c, "/msg carol before my new name");
	cmd_input(c, "/nick alison");
	finals = 0;
	chat_receive(c, &sent[0], 1);
	chat_delivered(c, &sent[0], KC_OK, NULL);
	ck_assert_int_eq(last_line(chat_find(c, "@carol"))->state, LINE_SENT);
	ck_assert_int_eq(finals, 1);

	/* Missed while not running: in its buffer, and unread. */
	{
		struct kc_msg	 m;
		struct buffer	*eve;

		incoming(&m, KC_TYPE_DM, "dev", "eve", "alison", "while away");
		chat_receive_missed(c, &m);
		kc_msg_clear(&m);
		eve = chat_find(c, "@eve");
		ck_assert_ptr_nonnull(eve);
		ck_assert_str_eq(last_line(eve)->text, "while away");
		ck_assert_uint_eq(eve->unread, 1);
		ck_assert_uint_eq(eve->mentions, 1);
	}
}
END_TEST

/*
 * /nick to a name someone online holds is refused, as -u is at start;
 * -force takes it and tells them; until connected and presence is read,
 * nobody knows.
 */
START_TEST(chat_nick_held)
{
	struct kc_msg	 m;
	struct buffer	*gen;
	size_t		 i;
	int		 told = 0;

	chat_join(c, "general");
	gen = chat_current(c);
	incoming(&m, KC_TYPE_JOIN, "general", "bob", NULL, NULL);
	snprintf(m.inst, sizeof m.inst, "b0b0000000000b0b");
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	reset_sent();
	cmd_input(c, "/nick bob");
	ck_assert_str_eq(chat_user(c), "alice");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "bob is in use by "
	    "another client that is online (instance b0b0000000000b0b"));
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "/nick -force bob"));
	/* "Bob" would pass for bob: held too, and the message says whose. */
	cmd_input(c, "/nick Bob");
	ck_assert_str_eq(chat_user(c), "alice");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "Bob, too like bob, "
	    "is in use by another client"));
	/* So would "B0B", a zero for the o. */
	cmd_input(c, "/nick B0B");
	ck_assert_str_eq(chat_user(c), "alice");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "B0B, too like bob, "
	    "is in use by another client"));
	/* Our own instance (another kchat-tui of this terminal) is not them. */
	incoming(&m, KC_TYPE_JOIN, "general", "al", NULL, NULL);
	snprintf(m.inst, sizeof m.inst, "%s", chat_inst(c));
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	cmd_input(c, "/nick al");
	ck_assert_str_eq(chat_user(c), "al");
	cmd_input(c, "/nick alice");

	chat_set_conn(c, CHAT_RECONNECTING);
	cmd_input(c, "/nick carol");
	ck_assert_str_eq(chat_user(c), "alice");
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "not connected"));
	chat_set_conn(c, CHAT_CONNECTED);
	presence_read = 0;	/* connected a moment ago */
	cmd_input(c, "/nick carol");
	ck_assert_str_eq(chat_user(c), "alice");
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "who is online is "
	    "still being read"));
	presence_read = 1;

	/* Taken anyway as BOB: bob, its holder, is the one told. */
	reset_sent();
	cmd_input(c, "/nick -force BOB");
	ck_assert_str_eq(chat_user(c), "BOB");
	for (i = 0; i < nsent; i++) {
		if (sent[i].type == KC_TYPE_DM && strcmp(sent[i].to, "bob") ==
		    0 && strstr(sent[i].text, "took the name BOB") != NULL)
			told = 1;
	}
	ck_assert(told);
	told = 0;
	cmd_input(c, "/nick alice");

	reset_sent();
	cmd_input(c, "/nick -force bob");
	ck_assert_str_eq(chat_user(c), "bob");
	for (i = 0; i < nsent; i++) {
		if (sent[i].type == KC_TYPE_DM && strcmp(sent[i].to, "bob") ==
		    0 && strstr(sent[i].text, "took the name bob") != NULL)
			told = 1;
	}
	ck_assert(told);
}
END_TEST

/*
 * /nick looks again a moment later: a holder online before it whose
 * records came only after the check has the name; we go back. One who
 * came after does not.
 */
START_TEST(chat_nick_recheck)
{
	struct kc_msg	 m;
	struct buffer	*gen;
	int64_t		 at;

	chat_join(c, "general");
	gen = chat_current(c);
	cmd_input(c, "/nick carol");
	ck_assert_str_eq(chat_user(c), "carol");
	at = kc_now_us();
	ck_assert_int_eq(cmd_nick_recheck(c, at), 0);	/* not yet */
	incoming(&m, KC_TYPE_JOIN, "general", "carol", NULL, NULL);
	snprintf(m.inst, sizeof m.inst, "ca201000000000ca");
	m.ts = at - 1000000;		/* written a second before, read now */
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	reset_sent();
	ck_assert_int_eq(cmd_nick_recheck(c, at + 4000000), 1);
	ck_assert_str_eq(chat_user(c), "alice");
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "carol turned out "
	    "to be in use by another client that was online before you took "
	    "it (instance ca201000000000ca"));
	ck_assert_int_eq(sent[0].type, KC_TYPE_LEAVE);
	ck_assert_str_eq(sent[0].user, "carol");
	ck_assert_int_eq(sent[1].type, KC_TYPE_JOIN);
	ck_assert_str_eq(sent[1].user, "alice");
	ck_assert_int_eq(cmd_nick_recheck(c, at + 8000000), 0);	/* once */

	/* dave came after our /nick: his own check tells him. */
	cmd_input(c, "/nick dave");
	at = kc_now_us();
	incoming(&m, KC_TYPE_JOIN, "general", "dave", NULL, NULL);
	snprintf(m.inst, sizeof m.inst, "da7e000000000da7");
	m.ts = at + 1000;
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	ck_assert_int_eq(cmd_nick_recheck(c, at + 4000000), 0);
	ck_assert_str_eq(chat_user(c), "dave");
}
END_TEST

/*
 * A terminal unheard for a minute (suspended: a closed lid) whose name
 * another client took meanwhile gives it up when it is back: it leaves,
 * sends nothing more as it, does not take the other's lines for its own
 * nor their direct messages, until /nick. Before, both spoke as alice and
 * both got bob's direct message to her.
 */
START_TEST(chat_name_lapse)
{
	struct kc_msg	 m;
	struct buffer	*gen;
	int64_t		 t0;
	size_t		 i;

	chat_join(c, "general");
	gen = chat_current(c);
	t0 = kc_now_us() - 60 * 1000000LL;
	ck_assert_int_eq(cmd_nick_recheck(c, t0), 0);	/* heard of */
	/* Asleep for 60 s: a browser took alice after 45. */
	incoming(&m, KC_TYPE_JOIN, "general", "alice", NULL, NULL);
	snprintf(m.inst, sizeof m.inst, "3a110c0000000bad");
	m.ts = kc_now_us() - 10 * 1000000LL;
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	reset_sent();
	ck_assert_int_eq(cmd_nick_recheck(c, kc_now_us()), 0);	/* a look soon */
	ck_assert_uint_eq(nsent, 0);
	ck_assert_int_eq(cmd_nick_recheck(c, kc_now_us() + 4000000), 1);
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "alice was taken by "
	    "another client (instance 3a110c0000000bad"));
	ck_assert_uint_eq(nsent, 1);
	ck_assert_int_eq(sent[0].type, KC_TYPE_LEAVE);
	ck_assert_ptr_null(sent[0].text);	/* a leave, not a rename */

	/* Nothing more as alice: a line is refused, saying why. */
	reset_sent();
	cmd_input(c, "hello?");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text, "alice is someone "
	    "else's now"));
	/* The other alice's line is theirs, and bob's dm to her not ours. */
	incoming(&m, KC_TYPE_MESSAGE, "general", "alice", NULL, "I am alice");
	snprintf(m.inst, sizeof m.inst, "3a110c0000000bad");
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	ck_assert(!(last_line(gen)->flags & LINE_SELF));
	receive(KC_TYPE_DM, "general", "bob", "alice", "secret 42");
	for (i = 0; chat_buffer(c, i) != NULL; i++)
		ck_assert_str_ne(chat_buffer(c, i)->name, "@bob");

	/* /nick: on as another name, a join, not a rename. */
	cmd_input(c, "/nick alice2");
	ck_assert_str_eq(chat_user(c), "alice2");
	ck_assert_uint_eq(nsent, 2);
	ck_assert_int_eq(sent[0].type, KC_TYPE_JOIN);
	ck_assert_str_eq(sent[0].user, "alice2");
	ck_assert_ptr_null(sent[0].text);
	ck_assert_int_eq(sent[1].type, KC_TYPE_HEARTBEAT);
	reset_sent();
	cmd_input(c, "back");
	ck_assert_uint_eq(nsent, 1);
}
END_TEST

/*
 * Unheard for a minute with nobody taking the name meanwhile, or with one
 * that held it before (a /nick -force beside it): the name stays.
 */
START_TEST(chat_name_lapse_kept)
{
	struct kc_msg	 m;
	int64_t		 t0;

	chat_join(c, "general");
	t0 = kc_now_us() - 60 * 1000000LL;
	ck_assert_int_eq(cmd_nick_recheck(c, t0), 0);
	ck_assert_int_eq(cmd_nick_recheck(c, kc_now_us()), 0);
	ck_assert_int_eq(cmd_nick_recheck(c, kc_now_us() + 4000000), 0);
	incoming(&m, KC_TYPE_JOIN, "general", "alice", NULL, NULL);
	snprintf(m.inst, sizeof m.inst, "3a110c0000000bad");
	m.ts = kc_now_us() - 120 * 1000000LL;	/* there before */
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	incoming(&m, KC_TYPE_HEARTBEAT, "general", "alice", NULL, NULL);
	snprintf(m.inst, sizeof m.inst, "3a110c0000000bad");
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	t0 = kc_now_us() + 5000000;
	ck_assert_int_eq(cmd_nick_recheck(c, t0), 0);
	ck_assert_int_eq(cmd_nick_recheck(c, t0 + 60 * 1000000LL), 0);
	ck_assert_int_eq(cmd_nick_recheck(c, t0 + 64 * 1000000LL), 0);
	ck_assert(!chat_name_lost(c));
	reset_sent();
	cmd_input(c, "still me");
	ck_assert_uint_eq(nsent, 1);
}
END_TEST

/*
 * After /nick away and back, the former name is someone else's again:
 * their dm opens @them, /ignore hides them, their lines are not ours, and
 * our own change read back leaves our conversation with them alone. What
 * this terminal wrote under it, and dms to it from before, stay ours.
 */
START_TEST(chat_nick_former_name)
{
	struct kc_msg	 m;
	struct buffer	*gen, *zed, *bob;
	size_t		 i, n;

	chat_join(c, "general");
	gen = chat_current(c);
	receive(KC_TYPE_DM, "general", "zed", "alice", "hi alice");
	zed = chat_find(c, "@zed");
	ck_assert_ptr_nonnull(zed);
	reset_sent();
	cmd_input(c, "/nick zed");
	cmd_input(c, "/msg bob as zed");	/* read back after /nick */
	cmd_input(c, "/nick alice");
	ck_assert_str_eq(chat_user(c), "alice");
	for (i = 0; i < nsent; i++)
		chat_receive(c, &sent[i], 1);
	/* Our "zed is now known as alice" did not take zed's conversation. */
	ck_assert_ptr_eq(chat_find(c, "@zed"), zed);
	ck_assert_ptr_null(chat_find(c, "@alice"));
	bob = chat_find(c, "@bob");
	ck_assert_ptr_nonnull(bob);
	ck_assert_int_eq(last_line(bob)->state, LINE_SENT);
	ck_assert_str_eq(last_line(bob)->user, "zed");
	ck_assert(last_line(bob)->flags & LINE_SELF);

	/* zed, someone else: a dm to us opens @zed, their lines are not ours. */
	receive(KC_TYPE_DM, "general", "zed", "alice", "psst, zed here");
	ck_assert_str_eq(last_line(zed)->text, "psst, zed here");
	ck_assert(!(last_line(zed)->flags & LINE_SELF));
	receive(KC_TYPE_MESSAGE, "general", "zed", NULL, "hello alice");
	ck_assert_str_eq(last_line(gen)->user, "zed");
	ck_assert(!(last_line(gen)->flags & LINE_SELF));
	ck_assert(last_line(gen)->flags & LINE_MENTION);
	/* A dm to zed now is theirs; one written while we were zed, ours. */
	incoming(&m, KC_TYPE_DM, "general", "bob", "zed", "for zed now");
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	ck_assert_str_ne(last_line(bob)->text, "for zed now");
	incoming(&m, KC_TYPE_DM, "general", "bob", "zed", "for zed then");
	m.ts -= 60 * 1000000LL;
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	ck_assert_str_eq(last_line(bob)->text, "for zed then");

	cmd_input(c, "/ignore zed");
	n = gen->nlines;
	receive(KC_TYPE_MESSAGE, "general", "zed", NULL, "ignored now");
	ck_assert_uint_eq(gen->nlines, n);
}
END_TEST

START_TEST(chat_unread_and_mentions)
{
	struct buffer *gen, *rnd;

	chat_join(c, "general");
	chat_join(c, "random");
	gen = chat_find(c, "#general");
	rnd = chat_find(c, "#random");
	ck_assert_ptr_eq(chat_current(c), rnd);
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "hi all");
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "hey Alice, look");
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "malice is not a mention");
	receive(KC_TYPE_JOIN, "general", "carol", NULL, NULL);
	ck_assert_uint_eq(gen->unread, 3);	/* joins are not unread */
	ck_assert_uint_eq(gen->mentions, 1);
	ck_assert(gen->lines[gen->nlines - 3].flags & LINE_MENTION);
	ck_assert(!(gen->lines[gen->nlines - 2].flags & LINE_MENTION));
	ck_assert_int_eq(bells, 1);
	/* the current buffer does not count unread */
	receive(KC_TYPE_MESSAGE, "random", "bob", NULL, "here");
	ck_assert_uint_eq(rnd->unread, 0);
	/* not joined: not shown, but the room is seen */
	receive(KC_TYPE_MESSAGE, "elsewhere", "bob", NULL, "x");
	ck_assert_ptr_null(chat_find(c, "#elsewhere"));
	ck_assert_str_eq(chat_room_seen(c, 0), "elsewhere");
	/* switching clears the counts */
	chat_switch(c, 0);
	ck_assert_ptr_eq(chat_current(c), gen);
	ck_assert_uint_eq(gen->unread, 0);
	ck_assert_uint_eq(gen->mentions, 0);
	chat_next(c, 1);
	ck_assert_ptr_eq(chat_current(c), rnd);
	chat_next(c, 1);
	ck_assert_ptr_eq(chat_current(c), gen);
	chat_next(c, -1);
	ck_assert_ptr_eq(chat_current(c), rnd);
	chat_set_bell(c, 0);
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "alice?");
	ck_assert_int_eq(bells, 1);		/* bell off */
	ck_assert_uint_eq(gen->mentions, 1);
}
END_TEST

START_TEST(chat_direct_messages)
{
	struct buffer *d;

	chat_join(c, "general");
	reset_sent();
	cmd_input(c, "/msg bob psst");
	ck_assert_uint_eq(nsent, 1);
	ck_assert_int_eq(sent[0].type, KC_TYPE_DM);
	ck_assert_str_eq(sent[0].to, "bob");
	ck_assert_str_eq(sent[0].room, "general");	/* sender's room */
	d = chat_find(c, "@bob");
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_ne(chat_current(c), d);	/* opened, not focused */
	chat_switch(c, 1);
	ck_assert_str_eq(last_line(d)->text, "psst");
	/* typing in the @bob buffer sends to bob */
	cmd_input(c, "more");
	ck_assert_int_eq(sent[1].type, KC_TYPE_DM);
	ck_assert_str_eq(sent[1].to, "bob");
	/* bob's answer lands in the same buffer, with a bell */
	chat_switch(c, 0);
	receive(KC_TYPE_DM, "general", "bob", "alice", "ok");
	ck_assert_str_eq(last_line(d)->text, "ok");
	ck_assert_uint_eq(d->unread, 1);
	ck_assert_uint_eq(d->mentions, 1);
	ck_assert_int_eq(bells, 1);
	/* a dm from carol opens @carol; a dm between others is not shown */
	receive(KC_TYPE_DM, "general", "carol", "alice", "hello");
	ck_assert_ptr_nonnull(chat_find(c, "@carol"));
	receive(KC_TYPE_DM, "general", "bob", "carol", "secret");
	ck_assert_str_eq(last_line(chat_find(c, "@carol"))->text, "hello");
	ck_assert_uint_eq(chat_nbuffers(c), 3);
	/* /me is for rooms */
	chat_switch(c, 1);
	reset_sent();
	cmd_input(c, "/me waves");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_int_eq(last_line(d)->kind, LINE_ERROR);
	/* /part closes a dm buffer without telling Kafka */
	cmd_input(c, "/part");
	ck_assert_ptr_null(chat_find(c, "@bob"));
	ck_assert_uint_eq(nsent, 0);
}
END_TEST

START_TEST(chat_dm_strangers)
{
	char		user[16];
	struct buffer	*st;
	int		i;

	chat_join(c, "general");
	/* A crowd of throwaway names, each with one direct message. */
	for (i = 1; i <= 8; i++) {
		snprintf(user, sizeof user, "u%d", i);
		receive(KC_TYPE_DM, "general", user, "alice", "hi");
	}
	for (i = 1; i <= 5; i++) {
		snprintf(user, sizeof user, "@u%d", i);
		ck_assert_ptr_nonnull(chat_find(c, user));
	}
	ck_assert_ptr_null(chat_find(c, "@u6"));
	ck_assert_ptr_nonnull(st = chat_find(c, "@*strangers"));
	ck_assert_str_eq(last_line(st)->user, "u8");
	ck_assert_uint_eq(chat_nbuffers(c), 1 + 5 + 1);
	/* Someone with a buffer already still lands there. */
	receive(KC_TYPE_DM, "general", "u2", "alice", "again");
	ck_assert_str_eq(last_line(chat_find(c, "@u2"))->text, "again");
}
END_TEST

START_TEST(chat_commands)
{
	struct buffer	*b;
	struct line	*l;

	chat_join(c, "general");
	b = chat_current(c);
	reset_sent();
	cmd_input(c, "/me waves");
	ck_assert_int_eq(sent[0].type, KC_TYPE_ACTION);
	ck_assert_str_eq(sent[0].text, "waves");
	/* Blanks say nothing, typed alone or after a command. */
	reset_sent();
	cmd_input(c, " \xc2\xa0\xe2\x80\x8b");
	cmd_input(c, "/me \xc2\xa0");
	cmd_input(c, "/msg bob \xe3\x80\x80");
	ck_assert_int_eq(nsent, 0);
	ck_assert_int_eq(last_line(b)->kind, LINE_ERROR);
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "only blanks"));
	/* A name too long is refused, never cut to a name that may be
	 * someone's: 40 a's are not the user of 32. */
	cmd_input(c, "/msg @aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa hi");
	cmd_input(c, "/msg aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa hi");
	cmd_input(c, "/reply @aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: hi");
	ck_assert_int_eq(nsent, 0);
	ck_assert_int_eq(last_line(b)->kind, LINE_ERROR);
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "is too long"));
	cmd_input(c, "/set aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa on");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "is too long"));

	cmd_input(c, "/frobnicate");
	l = last_line(b);
	ck_assert_int_eq(l->kind, LINE_ERROR);
	ck_assert_ptr_nonnull(strstr(l->text, "/help"));
	cmd_input(c, "/jion #x");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "did you mean /join"));
	/* Only close matches are suggested: "/foo" is not "/who". */
	cmd_input(c, "/foo");
	ck_assert_ptr_null(strstr(last_line(b)->text, "did you mean"));
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "/help lists"));

	cmd_input(c, "/join");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "usage: /join #room"));
	cmd_input(c, "/join #bad room!");
	ck_assert_int_eq(last_line(b)->kind, LINE_ERROR);
	cmd_input(c, "/join #-bad");
	ck_assert_int_eq(last_line(b)->kind, LINE_ERROR);
	ck_assert_uint_eq(chat_nbuffers(c), 1);

	/* the last room cannot be left; another can */
	cmd_input(c, "/part");
	ck_assert_ptr_nonnull(chat_find(c, "#general"));
	cmd_input(c, "/join #random");
	reset_sent();
	cmd_input(c, "/part");
	ck_assert_ptr_null(chat_find(c, "#random"));
	ck_assert_int_eq(sent[0].type, KC_TYPE_LEAVE);
	ck_assert_str_eq(sent[0].room, "random");

	cmd_input(c, "/help");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "/who"));
	cmd_input(c, "/help replay");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "/replay"));

	cmd_input(c, "/clear");
	ck_assert_uint_eq(b->nlines, 0);

	reset_sent();
	cmd_input(c, "/nick al-2");
	ck_assert_str_eq(chat_user(c), "al-2");
	ck_assert_int_eq(sent[0].type, KC_TYPE_LEAVE);
	ck_assert_str_eq(sent[0].user, "alice");
	ck_assert_int_eq(sent[1].type, KC_TYPE_JOIN);
	ck_assert_str_eq(sent[1].user, "al-2");
	cmd_input(c, "/nick bad name");
	ck_assert_str_eq(chat_user(c), "al-2");

	reset_sent();
	ck_assert(!chat_quit_requested(c));
	cmd_input(c, "/quit");
	ck_assert(chat_quit_requested(c));
	ck_assert_int_eq(sent[0].type, KC_TYPE_LEAVE);
}
END_TEST

START_TEST(cmd_suggestions)
{
	static const struct {
		const char *typed, *meant;
	} t[] = {
		{ "jion", "join" }, { "hist", "history" }, { "nik", "nick" },
		{ "whp", "who" }, { "msgg", "msg" }, { "QUIT", "quit" },
		{ "replya", "replay" }, { "rooms2", "rooms" }, { "lis", "rooms" },
		{ "foo", NULL }, { "x", NULL }, { "abc", NULL },
		{ "nickname", NULL }, { "w", NULL }
	};
	const char	*got;
	size_t		 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cmd_suggest(t[i].typed, strlen(t[i].typed), &got);
		if (t[i].meant == NULL)
			ck_assert_msg(got == NULL, "/%s: /%s suggested",
			    t[i].typed, got);
		else
			ck_assert_msg(got != NULL && strcmp(got, t[i].meant) ==
			    0, "/%s: /%s suggested, not /%s", t[i].typed,
			    got ? got : "nothing", t[i].meant);
	}
}
END_TEST

/* /nick: one line "alice is now known as al-2" in each room, for all. */
START_TEST(chat_nick_change_one_line)
{
	struct buffer	*b;
	struct kc_buf	 out = { NULL, 0, 0 };
	size_t		 i, shown = 0;

	chat_join(c, "general");
	b = chat_current(c);
	reset_sent();
	cmd_input(c, "/nick al-2");
	ck_assert_uint_eq(nsent, 3);	/* leave, join, heartbeat */
	/* Read back, and as another client sees them. */
	for (i = 0; i < 2; i++)
		chat_receive(c, &sent[i], 1);
	receive(KC_TYPE_LEAVE, "general", "bob", NULL, "is now known as bobby");
	receive(KC_TYPE_JOIN, "general", "bobby", NULL, "was bob");
	/* A join that says "was x" with no such change before it shows. */
	receive(KC_TYPE_JOIN, "general", "carol", NULL, "was dave");
	for (i = 0; i < b->nlines; i++) {
		if (b->lines[i].flags & LINE_HIDDEN)
			continue;
		out.len = 0;
		format_plain(b, &b->lines[i], &out);
		kc_buf_append(&out, "", 1);
		shown++;
		switch (shown) {
		case 1:
			ck_assert_ptr_nonnull(strstr(out.data, "--> alice has joined"));
			break;
		case 2:
			ck_assert_ptr_nonnull(strstr(out.data,
			    "#general -!- alice is now known as al-2"));
			break;
		case 3:
			ck_assert_ptr_nonnull(strstr(out.data,
			    "#general -!- bob is now known as bobby"));
			break;
		case 4:
			ck_assert_ptr_nonnull(strstr(out.data,
			    "#general --> carol has joined"));
			break;
		}
	}
	ck_assert_uint_eq(shown, 4);
	kc_buf_free(&out);
}
END_TEST

START_TEST(chat_who_and_rooms)
{
	struct buffer *b;

	chat_join(c, "general");
	b = chat_current(c);
	receive(KC_TYPE_JOIN, "general", "bob", NULL, NULL);
	receive(KC_TYPE_HEARTBEAT, "general", "carol", NULL, NULL);
	receive(KC_TYPE_JOIN, "random", "dave", NULL, NULL);
	chat_receive(c, &sent[0], 1);		/* our own join, read back */
	cmd_input(c, "/who");
	ck_assert_str_eq(last_line(b)->text, "3 in #general: alice bob carol");
	receive(KC_TYPE_LEAVE, "general", "bob", NULL, NULL);
	cmd_input(c, "/who");
	ck_assert_str_eq(last_line(b)->text, "2 in #general: alice carol");
	cmd_input(c, "/who #random");
	ck_assert_str_eq(last_line(b)->text, "1 in #random: dave");
	cmd_input(c, "/rooms");
	ck_assert_str_eq(last_line(b)->text, "2 rooms");
	ck_assert_str_eq(b->lines[b->nlines - 2].text, "  #random (1)");
	ck_assert_str_eq(b->lines[b->nlines - 3].text, "  #general (2)");
	chat_free(c);
	c = chat_new("alice", &fake_ops, NULL);
	chat_join(c, "general");
	b = chat_current(c);
	cmd_input(c, "/rooms");
	ck_assert_str_eq(last_line(b)->text, "1 room");
	ck_assert_str_eq(b->lines[b->nlines - 2].text, "  #general (0)");
	/* a crashed client drops out after the presence timeout */
	chat_expire(c, kc_now_us() + (int64_t)KC_PRESENCE_TIMEOUT_MS * 1000 + 1);
	cmd_input(c, "/who");
	ck_assert_str_eq(last_line(b)->text, "nobody in #general");
}
END_TEST

START_TEST(chat_history_and_replay)
{
	struct buffer *b;

	chat_set_history(c, 0);		/* no history on join */
	chat_join(c, "general");
	b = chat_current(c);
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "now");
	incoming(&hist[0], KC_TYPE_MESSAGE, "general", "bob", NULL, "old one");
	incoming(&hist[1], KC_TYPE_MESSAGE, "general", "bob", NULL, "old two");
	hist[0].ts -= 2000000;
	hist[1].ts -= 1000000;
	nhist = 2;
	cmd_input(c, "/history 5");
	/* asked before the oldest shown, inserted above it in time order */
	ck_assert_str_eq(hist_before, b->lines[2].id);
	ck_assert_str_eq(b->lines[0].text, "old one");
	ck_assert_str_eq(b->lines[1].text, "old two");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "2 older messages"));
	ck_assert(b->history_done);
	cmd_input(c, "/history 5");	/* same again: nothing new */
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "no older messages"));
	cmd_input(c, "/history zero");
	ck_assert_int_eq(last_line(b)->kind, LINE_ERROR);

	cmd_input(c, "/clear");
	cmd_input(c, "/replay 10m");
	ck_assert(replay_since < kc_now_us() - 599000000LL);
	ck_assert(replay_since > kc_now_us() - 601000000LL);
	ck_assert_str_eq(b->lines[0].text, "old one");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "2 lines"));
	cmd_input(c, "/replay soon");
	ck_assert_int_eq(last_line(b)->kind, LINE_ERROR);
}
END_TEST

/* The number of lines of b whose text holds s. */
static size_t
lines_with(struct buffer *b, const char *s)
{
	size_t i, n = 0;

	for (i = 0; i < b->nlines; i++)
		n += strstr(b->lines[i].text, s) != NULL;
	return n;
}

/*
 * History comes in the background: "loading…" shows meanwhile, typing goes
 * on, a second request says it is still loading, and the answer lands in
 * place, without the lines already shown, the loading line gone.
 */
START_TEST(chat_history_in_background)
{
	struct buffer	*b, *other;
	unsigned	 id;
	size_t		 i, n;

	fake_later = 1;
	incoming(&hist[0], KC_TYPE_MESSAGE, "general", "bob", NULL, "old one");
	incoming(&hist[1], KC_TYPE_MESSAGE, "general", "bob", NULL, "old two");
	hist[0].ts -= 2000000;
	hist[1].ts -= 1000000;
	nhist = 2;
	chat_join(c, "general");
	b = chat_current(c);
	ck_assert_int_eq(hist_calls, 1);
	ck_assert_uint_ne(b->fetch, 0);
	ck_assert_uint_eq(lines_with(b, "loading\u2026 the history of #general"),
	    1);
	ck_assert(b->lines[0].flags & LINE_LOADING);
	/* meanwhile: typing, a live line (that history also has) */
	cmd_input(c, "typed while loading");
	ck_assert_str_eq(last_line(b)->text, "typed while loading");
	chat_receive(c, &hist[1], 1);
	/* asking again: still loading, nothing asked of Kafka */
	cmd_input(c, "/history 5");
	ck_assert_int_eq(hist_calls, 1);
	ck_assert_int_eq(last_line(b)->kind, LINE_ERROR);
	ck_assert_ptr_nonnull(strstr(last_line(b)->text,
	    "history of #general is still loading"));
	/*
	 * The answer: above what came since (by time), "old two" once (where
	 * it arrived live), no loading line.
	 */
	id = fake_id;
	fake_answer(id, KC_OK, "");
	ck_assert_uint_eq(b->fetch, 0);
	ck_assert_uint_eq(lines_with(b, "loading\u2026"), 0);
	ck_assert_str_eq(b->lines[0].text, "old one");
	ck_assert_uint_eq(lines_with(b, "old two"), 1);
	for (i = 0, n = 0; i < b->nlines; i++)
		n += strcmp(b->lines[i].id, hist[1].id) == 0;
	ck_assert_uint_eq(n, 1);
	ck_assert(b->history_done);	/* fewer than asked for */
	/* an answer that comes twice, or for nobody, changes nothing */
	n = b->nlines;
	fake_answer(id, KC_OK, "");
	fake_answer(0, KC_OK, "");
	ck_assert_uint_eq(b->nlines, n);

	/* /history fails plainly, in its buffer, and can be asked again */
	cmd_input(c, "/history 5");
	ck_assert_uint_eq(lines_with(b, "loading\u2026 older history"), 1);
	/* at the top, where the older lines will come */
	ck_assert(b->lines[0].flags & LINE_LOADING);
	fake_answer(fake_id, KC_ERR_TIMEOUT, "no answer from Kafka in 5 s");
	ck_assert_uint_eq(lines_with(b, "loading\u2026"), 0);
	ck_assert_int_eq(last_line(b)->kind, LINE_ERROR);
	ck_assert_str_eq(last_line(b)->text, "history of #general: no answer "
	    "from Kafka in 5 s (/history asks again)");
	cmd_input(c, "/history 5");
	ck_assert_int_eq(hist_calls, 3);
	/* one fetch per buffer: another room fetches meanwhile */
	chat_join(c, "other");
	other = chat_current(c);
	ck_assert_int_eq(hist_calls, 4);
	ck_assert_uint_ne(other->fetch, 0);
	ck_assert_uint_ne(b->fetch, 0);
	fake_answer(b->fetch, KC_OK, "");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text,
	    "no older messages in #general"));
	/* a buffer closed while it loads: its answer goes nowhere */
	id = other->fetch;
	cmd_input(c, "/part");
	ck_assert_ptr_null(chat_find(c, "#other"));
	n = b->nlines;
	fake_answer(id, KC_OK, "");
	ck_assert_uint_eq(b->nlines, n);
	/* /replay too */
	cmd_input(c, "/replay 10m");
	ck_assert_uint_eq(lines_with(b, "loading\u2026 replaying #general"), 1);
	cmd_input(c, "/replay 10m");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text,
	    "the replay of #general is still loading"));
	fake_answer(b->fetch, KC_OK, "");
	ck_assert_ptr_nonnull(strstr(last_line(b)->text,
	    "replayed #general from "));
	ck_assert_uint_eq(lines_with(b, "loading\u2026"), 0);
}
END_TEST

START_TEST(chat_replay_parse)
{
	/* TZ=UTC is set by the test's environment */
	int64_t now = 1759530645000000LL;	/* 2025-10-03 22:30:45 UTC */
	int64_t t;

	ck_assert_int_eq(cmd_replay_parse("10m", now, &t), 0);
	ck_assert_int_eq(now - t, 600000000LL);
	ck_assert_int_eq(cmd_replay_parse("1h30m", now, &t), 0);
	ck_assert_int_eq(now - t, 5400000000LL);
	ck_assert_int_eq(cmd_replay_parse("2d", now, &t), 0);
	ck_assert_int_eq(now - t, 172800000000LL);
	ck_assert_int_eq(cmd_replay_parse("22:00", now, &t), 0);
	ck_assert_int_eq(t, 1759528800000000LL);
	ck_assert_int_eq(cmd_replay_parse("23:00", now, &t), 0);	/* yesterday */
	ck_assert_int_eq(t, 1759528800000000LL - 82800000000LL);
	ck_assert_int_eq(cmd_replay_parse("2025-10-03 22:00:30", now, &t), 0);
	ck_assert_int_eq(t, 1759528830000000LL);
	ck_assert_int_eq(cmd_replay_parse("2025-10-03", now, &t), 0);
	ck_assert_int_eq(t, 1759449600000000LL);
	ck_assert_int_eq(cmd_replay_parse("2025-10-04 10:00", now, &t), -1);	/* future */
	ck_assert_int_eq(cmd_replay_parse("10", now, &t), -1);
	ck_assert_int_eq(cmd_replay_parse("10x", now, &t), -1);
	ck_assert_int_eq(cmd_replay_parse("25:00", now, &t), -1);
	ck_assert_int_eq(cmd_replay_parse("", now, &t), -1);
}
END_TEST

START_TEST(chat_hostile_text)
{
	struct buffer *b;

	chat_join(c, "general");
	b = chat_current(c);
	receive(KC_TYPE_MESSAGE, "general", "mallory",
	    NULL, "x\n\xe2\x80\xae" "y");
	/* kc_text_validate refuses C0 controls, so test the stored text */
	ck_assert_str_eq(last_line(b)->text, "x\n\xef\xbf\xbd" "y");
}
END_TEST

static size_t
complete(const char *line, char ***v)
{
	return chat_complete(c, line, strrchr(line, ' ') ?
	    (size_t)(strrchr(line, ' ') - line + 1) : 0, strlen(line), v);
}

START_TEST(chat_completion)
{
	char	**v;
	size_t	  n;

	chat_join(c, "general");
	receive(KC_TYPE_JOIN, "general", "bob", NULL, NULL);
	receive(KC_TYPE_MESSAGE, "general", "bernard", NULL, "hi");
	receive(KC_TYPE_MESSAGE, "gardening", "zed", NULL, "hi");

	n = complete("/jo", &v);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0], "/join ");
	chat_users_free(v, n);

	n = complete("/h", &v);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "/help ");
	ck_assert_str_eq(v[1], "/history ");
	chat_users_free(v, n);

	n = complete("b", &v);		/* users at line start: "nick: " */
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "bernard: ");
	ck_assert_str_eq(v[1], "bob: ");
	chat_users_free(v, n);

	n = complete("hi Bo", &v);	/* case-insensitive, mid-line */
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0], "bob ");
	chat_users_free(v, n);

	n = complete("al", &v);		/* never yourself */
	ck_assert_uint_eq(n, 0);
	chat_users_free(v, n);

	n = complete("see #g", &v);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "#gardening ");
	ck_assert_str_eq(v[1], "#general ");
	chat_users_free(v, n);

	n = complete("/join ga", &v);	/* rooms for /join, '#' added */
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0], "#gardening ");
	chat_users_free(v, n);

	n = complete("/msg be", &v);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0], "bernard ");
	chat_users_free(v, n);

	n = complete("/help repla", &v);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0], "replay");
	chat_users_free(v, n);
}
END_TEST

/* An edit or delete by user of the line re, read at offset off (-1: none). */
static void
receive_re(enum kc_type t, const char *user, const char *re, const char *text,
    int64_t off)
{
	struct kc_msg m;

	kc_msg_init(&m);
	ck_assert_int_eq(kc_msg_make_re(&m, t, "general", user, NULL, re, NULL,
	    text, text ? strlen(text) : 0), KC_OK);
	m.offset = off;
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
}

/*
 * A dm to a name nobody online has, alike to an online user's ("Dave"
 * while dave is): refused, saying whom, from /msg and from the @Dave
 * buffer; nothing is sent (delivery is by the exact name: it would reach
 * nobody and wait for whoever takes "Dave"). To dave, or to a name like
 * nobody's online, it goes.
 */
START_TEST(chat_dm_alike)
{
	struct buffer	*gen, *dm;
	struct kc_msg	 m;
	size_t		 i;

	chat_join(c, "general");
	gen = chat_current(c);
	/* Dave wrote to alice while he was online, then left. */
	receive(KC_TYPE_JOIN, "general", "Dave", NULL, NULL);
	incoming(&m, KC_TYPE_DM, "general", "Dave", "alice", "hi alice");
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	receive(KC_TYPE_LEAVE, "general", "Dave", NULL, NULL);
	receive(KC_TYPE_JOIN, "general", "dave", NULL, NULL);
	reset_sent();
	cmd_input(c, "/msg Dave hi");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_str_eq(last_line(gen)->text, "not sent: nobody online is "
	    "called Dave; dave is: write to dave");
	cmd_input(c, "/msg DAVE hi");
	ck_assert_uint_eq(nsent, 0);
	/* Typed in the @Dave buffer: the same. */
	dm = chat_find(c, "@Dave");
	ck_assert_ptr_nonnull(dm);
	for (i = 0; chat_current(c) != dm; i++)
		chat_switch(c, i);
	cmd_input(c, "are you there?");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_str_eq(last_line(dm)->text, "not sent: nobody online is "
	    "called Dave; dave is: write to dave");
	/* To his own name, and to nobody alike, it goes. */
	cmd_input(c, "/msg dave hi");
	cmd_input(c, "/msg ghost hi");
	ck_assert_uint_eq(nsent, 2);
	ck_assert_str_eq(sent[0].to, "dave");
	ck_assert_str_eq(sent[1].to, "ghost");
	/* Both online (one came before the other knew): by the exact name. */
	receive(KC_TYPE_JOIN, "general", "Dave", NULL, NULL);
	cmd_input(c, "/msg Dave back?");
	ck_assert_uint_eq(nsent, 3);
}
END_TEST

/*
 * Edits and deletes (tui/edit.c): only the author's count, in offset
 * order; a delete is final; one for a line not loaded changes nothing;
 * a reply quotes its parent as it reads now. /edit, /delete and /reply
 * send what kchat.7 says.
 */
START_TEST(chat_edits)
{
	struct buffer	*b;
	struct kc_msg	 m;
	struct line	*l;
	char		 id[KC_ID_LEN + 1];
	int		 before;

	cmd_input(c, "/join #general");
	b = chat_current(c);
	incoming(&m, KC_TYPE_MESSAGE, "general", "bob", NULL, "teh text");
	memcpy(id, m.id, sizeof id);
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	l = buffer_find(b, id);
	ck_assert_ptr_nonnull(l);

	before = (int)b->nlines;
	receive_re(KC_TYPE_EDIT, "mallory", id, "forged", 10);
	receive_re(KC_TYPE_DELETE, "alice", id, NULL, 11);
	ck_assert_str_eq(l->text, "teh text");
	ck_assert(!(l->flags & (LINE_EDITED | LINE_DELETED)));
	ck_assert_int_eq((int)b->nlines, before);	/* nothing shown either */

	receive_re(KC_TYPE_EDIT, "bob", id, "the text", 12);
	ck_assert_str_eq(l->text, "the text");
	ck_assert(l->flags & LINE_EDITED);
	receive_re(KC_TYPE_EDIT, "bob", id, "older", 5);	/* read late */
	ck_assert_str_eq(l->text, "the text");

	/* A reply quotes it; an edit of the parent changes the quote. */
	cmd_input(c, "/reply bob: indeed");
	ck_assert_int_eq(sent[nsent - 1].type, KC_TYPE_MESSAGE);
	ck_assert_str_eq(sent[nsent - 1].reply, id);
	ck_assert_str_eq(line_quote(last_line(b)), "<bob> the text");
	receive_re(KC_TYPE_EDIT, "bob", id, "the final text", 13);
	ck_assert_str_eq(line_quote(last_line(b)), "<bob> the final text");
	cmd_input(c, "/reply carol hi");
	ck_assert_str_eq(last_line(b)->text,
	    "no message of carol in #general to reply to");

	receive_re(KC_TYPE_DELETE, "bob", id, NULL, 14);
	l = buffer_find(b, id);
	ck_assert_str_eq(l->text, EDIT_DELETED);
	ck_assert(l->flags & LINE_DELETED);
	receive_re(KC_TYPE_EDIT, "bob", id, "back again", 15);
	ck_assert_str_eq(l->text, EDIT_DELETED);

	/* Not loaded: nothing happens. */
	receive_re(KC_TYPE_EDIT, "bob", "01K6NQ4V5BXYZ0123456789ABC", "x", 16);

	/* Our own: /edit and /delete name our last line. */
	reset_sent();
	cmd_input(c, "indeed");
	memcpy(id, sent[0].id, sizeof id);
	cmd_input(c, "/edit indeed so");
	ck_assert_int_eq(sent[1].type, KC_TYPE_EDIT);
	ck_assert_str_eq(sent[1].re, id);
	ck_assert_str_eq(buffer_find(b, id)->text, "indeed so");
	/* An edit to blanks only is refused, as a message of them is. */
	cmd_input(c, "/edit \xe3\x80\x80");
	cmd_input(c, "/reply bob \xe3\x80\x80");
	ck_assert_uint_eq(nsent, 2);
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "only blanks"));
	ck_assert_str_eq(buffer_find(b, id)->text, "indeed so");
	cmd_input(c, "/delete");
	ck_assert_int_eq(sent[2].type, KC_TYPE_DELETE);
	ck_assert_str_eq(sent[2].re, id);
	ck_assert(buffer_find(b, id)->flags & LINE_DELETED);
}
END_TEST

/* hist[i]: a record of user in #general at offset off, dated in offset order. */
static void
hist_at(size_t i, enum kc_type t, const char *user, const char *id,
    const char *re, const char *reply, const char *text, int64_t off)
{
	kc_msg_init(&hist[i]);
	ck_assert_int_eq(kc_msg_make_re(&hist[i], t, "general", user, NULL, re,
	    reply, text, text ? strlen(text) : 0), KC_OK);
	if (id != NULL)
		snprintf(hist[i].id, sizeof hist[i].id, "%s", id);
	hist[i].offset = off;
	hist[i].ts = 1759530645000000LL + off * 1000000;
}

/* Answers a /history with hist[0..n-1], then forgets them. */
static void
history_page(size_t n)
{
	size_t i;

	nhist = n;
	cmd_input(c, "/history 3");
	for (i = 0; i < nhist; i++)
		kc_msg_clear(&hist[i]);
	nhist = 0;
}

/* The line of b with id by user, or NULL. */
static struct line *
line_of(struct buffer *b, const char *id, const char *user)
{
	size_t i;

	for (i = 0; i < b->nlines; i++) {
		if (strcmp(b->lines[i].id, id) == 0 &&
		    strcmp(b->lines[i].user, user) == 0)
			return &b->lines[i];
	}
	return NULL;
}

#define CLASH_ID	"01K6NQ4V5BXYZ0123456789ABC"
#define CLASH_ID2	"01K6NQ4V5BXYZ0123456789ABD"
#define CLASH_ID3	"01K6NQ4V5BXYZ0123456789ABE"

/* A record as hist_at() makes it, read live. */
static void
live_at(enum kc_type t, const char *user, const char *id, const char *re,
    const char *reply, const char *text, int64_t off)
{
	hist_at(7, t, user, id, re, reply, text, off);
	chat_receive(c, &hist[7], 1);
	kc_msg_clear(&hist[7]);
}

/*
 * One id on two users' records (a browser chose mallory's): two messages,
 * each under its author. A reply, an edit or a delete names the one of
 * that id earlier in the partition, whatever order they are read in: here
 * history newest page first, as /history and PgUp load it. Before, the
 * first read (mallory's clone) was the only one shown, carol's never,
 * bob's reply quoted the clone and carol's edit was lost.
 */
START_TEST(chat_id_clash)
{
	struct buffer	*b;
	struct line	*orig, *clone, *re;

	chat_set_history(c, 0);
	chat_join(c, "general");
	b = chat_current(c);
	hist_at(0, KC_TYPE_MESSAGE, "bob", NULL, NULL, CLASH_ID, "agreed", 12);
	hist_at(1, KC_TYPE_MESSAGE, "mallory", CLASH_ID, NULL, NULL,
	    "CLONE send me your password", 15);
	hist_at(2, KC_TYPE_EDIT, "carol", NULL, CLASH_ID, NULL,
	    "ship it friday", 20);
	hist_at(3, KC_TYPE_EDIT, "mallory", NULL, CLASH_ID, NULL,
	    "CLONE edited", 21);
	history_page(4);
	hist_at(0, KC_TYPE_MESSAGE, "carol", CLASH_ID, NULL, NULL,
	    "ship it thursday", 10);
	history_page(1);

	orig = line_of(b, CLASH_ID, "carol");
	clone = line_of(b, CLASH_ID, "mallory");
	ck_assert_ptr_nonnull(orig);
	ck_assert_ptr_nonnull(clone);
	ck_assert(orig < clone);			/* in partition order */
	ck_assert_str_eq(orig->text, "ship it friday");	/* her edit */
	ck_assert(orig->flags & LINE_EDITED);
	ck_assert_str_eq(clone->text, "CLONE edited");	/* only hers */
	re = orig + 1;
	ck_assert_str_eq(re->user, "bob");
	ck_assert_str_eq(line_quote(re), "<carol> ship it friday");

	/* Read again (a replay): each is still shown once. */
	hist_at(0, KC_TYPE_MESSAGE, "carol", CLASH_ID, NULL, NULL,
	    "ship it thursday", 10);
	hist_at(1, KC_TYPE_MESSAGE, "mallory", CLASH_ID, NULL, NULL,
	    "CLONE send me your password", 15);
	nhist = 2;
	cmd_input(c, "/replay 10m");
	ck_assert_uint_eq(lines_with(b, "ship it"), 1);
	ck_assert_uint_eq(lines_with(b, "CLONE"), 1);

	/*
	 * Live, oldest first: the clone read after a reply changes not its
	 * quote; mallory's delete removes her clone, carol's edit changes
	 * carol's line.
	 */
	live_at(KC_TYPE_MESSAGE, "carol", CLASH_ID2, NULL, NULL, "lunch?", 40);
	live_at(KC_TYPE_MESSAGE, "bob", NULL, NULL, CLASH_ID2, "yes", 41);
	live_at(KC_TYPE_MESSAGE, "mallory", CLASH_ID2, NULL, NULL, "CLONE2", 42);
	live_at(KC_TYPE_DELETE, "mallory", NULL, CLASH_ID2, NULL, NULL, 43);
	live_at(KC_TYPE_EDIT, "carol", NULL, CLASH_ID2, NULL, "lunch at 1?", 44);
	orig = line_of(b, CLASH_ID2, "carol");
	clone = line_of(b, CLASH_ID2, "mallory");
	ck_assert_ptr_nonnull(orig);
	ck_assert_ptr_nonnull(clone);
	ck_assert_str_eq(orig->text, "lunch at 1?");
	ck_assert_str_eq(clone->text, EDIT_DELETED);
	ck_assert_str_eq(line_quote(orig + 1), "<carol> lunch at 1?");
}
END_TEST

/*
 * An edit or delete read before its line (newest history page first, a
 * line older than what is loaded) waits aside and applies when the line
 * comes: carol's deleted password never shows, not even for a moment,
 * and her last edit shows. Before, both were lost once read.
 */
START_TEST(chat_edits_aside)
{
	struct buffer	*b;
	struct line	*x, *y, *z;
	struct kc_msg	 v[EDIT_ASIDE_MAX + 1], m;
	size_t		 i;

	chat_set_history(c, 0);
	chat_join(c, "general");
	b = chat_current(c);
	watch = "hunter2";
	hist_at(0, KC_TYPE_EDIT, "carol", NULL, CLASH_ID2, NULL, "first fix",
	    22);
	hist_at(1, KC_TYPE_DELETE, "carol", NULL, CLASH_ID, NULL, NULL, 25);
	hist_at(2, KC_TYPE_EDIT, "carol", NULL, CLASH_ID2, NULL, "second fix",
	    26);
	hist_at(3, KC_TYPE_EDIT, "mallory", NULL, CLASH_ID2, NULL, "forged",
	    27);
	history_page(4);
	hist_at(0, KC_TYPE_MESSAGE, "carol", CLASH_ID, NULL, NULL,
	    "oops my password is hunter2", 20);
	hist_at(1, KC_TYPE_MESSAGE, "carol", CLASH_ID2, NULL, NULL, "teh fix",
	    21);
	history_page(2);
	x = line_of(b, CLASH_ID, "carol");
	y = line_of(b, CLASH_ID2, "carol");
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_str_eq(x->text, EDIT_DELETED);
	ck_assert(x->flags & LINE_DELETED);
	ck_assert_uint_eq(lines_with(b, "hunter2"), 0);
	ck_assert_int_eq(watched, 0);		/* never shown */
	cmd_input(c, "/lastlog hunter2");
	ck_assert_uint_eq(lines_with(b, "oops my password"), 0);
	ck_assert_ptr_nonnull(strstr(last_line(b)->text, "0 matches"));
	ck_assert_str_eq(y->text, "second fix");	/* the newest edit */
	ck_assert(y->flags & LINE_EDITED);

	/*
	 * A delete wins over an edit later in the partition; an edit earlier
	 * than the line is of another line with its id (not applied).
	 */
	live_at(KC_TYPE_EDIT, "dave", NULL, CLASH_ID3, NULL, "after", 40);
	live_at(KC_TYPE_DELETE, "dave", NULL, CLASH_ID3, NULL, NULL, 35);
	live_at(KC_TYPE_EDIT, "erin", NULL, CLASH_ID3, NULL, "before", 30);
	live_at(KC_TYPE_MESSAGE, "dave", CLASH_ID3, NULL, NULL, "dave's", 33);
	live_at(KC_TYPE_MESSAGE, "erin", CLASH_ID3, NULL, NULL, "erin's", 34);
	z = line_of(b, CLASH_ID3, "dave");
	ck_assert_ptr_nonnull(z);
	ck_assert_str_eq(z->text, EDIT_DELETED);
	ck_assert_str_eq(line_of(b, CLASH_ID3, "erin")->text, "erin's");

	/* Bounded: the oldest kept goes first. */
	for (i = 0; i <= EDIT_ASIDE_MAX; i++) {
		incoming(&v[i], KC_TYPE_MESSAGE, "general", "bob", NULL,
		    "kept");
		v[i].offset = 100 + (int64_t)i;
		kc_msg_init(&m);
		ck_assert_int_eq(kc_msg_make_re(&m, KC_TYPE_DELETE, "general",
		    "bob", NULL, v[i].id, NULL, NULL, 0), KC_OK);
		m.offset = 1000 + (int64_t)i;
		chat_receive(c, &m, 1);
		kc_msg_clear(&m);
	}
	chat_receive(c, &v[0], 0);
	chat_receive(c, &v[EDIT_ASIDE_MAX], 0);
	ck_assert_str_eq(line_of(b, v[0].id, "bob")->text, "kept");
	ck_assert_str_eq(line_of(b, v[EDIT_ASIDE_MAX].id, "bob")->text,
	    EDIT_DELETED);
	for (i = 0; i <= EDIT_ASIDE_MAX; i++)
		kc_msg_clear(&v[i]);
	watch = NULL;
}
END_TEST

/*
 * A line pushed out of a full scrollback, or deleted while shown, comes
 * back (a replay after /clear) deleted: the delete stays kept aside.
 */
START_TEST(chat_edits_aside_full)
{
	struct buffer	*b;
	struct line	*x;

	chat_set_history(c, 0);
	chat_set_scrollback(c, 3);
	chat_join(c, "general");
	b = chat_current(c);
	live_at(KC_TYPE_DELETE, "carol", NULL, CLASH_ID, NULL, NULL, 25);
	live_at(KC_TYPE_MESSAGE, "bob", NULL, NULL, NULL, "one", 26);
	live_at(KC_TYPE_MESSAGE, "bob", NULL, NULL, NULL, "two", 27);
	live_at(KC_TYPE_MESSAGE, "bob", NULL, NULL, NULL, "three", 28);
	hist_at(0, KC_TYPE_MESSAGE, "carol", CLASH_ID, NULL, NULL,
	    "oops my password is hunter2", 20);
	history_page(1);
	ck_assert_ptr_null(line_of(b, CLASH_ID, "carol"));
	cmd_input(c, "/clear");
	hist_at(0, KC_TYPE_MESSAGE, "carol", CLASH_ID, NULL, NULL,
	    "oops my password is hunter2", 20);
	nhist = 1;
	cmd_input(c, "/replay 10m");
	x = line_of(b, CLASH_ID, "carol");
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->text, EDIT_DELETED);

	/* Deleted while shown, then out of view and back (a replay). */
	live_at(KC_TYPE_MESSAGE, "carol", CLASH_ID2, NULL, NULL, "pin 1234", 30);
	live_at(KC_TYPE_DELETE, "carol", NULL, CLASH_ID2, NULL, NULL, 31);
	ck_assert_str_eq(line_of(b, CLASH_ID2, "carol")->text, EDIT_DELETED);
	cmd_input(c, "/clear");
	kc_msg_clear(&hist[0]);
	hist_at(0, KC_TYPE_MESSAGE, "carol", CLASH_ID2, NULL, NULL, "pin 1234",
	    30);
	nhist = 1;
	cmd_input(c, "/replay 10m");
	ck_assert_str_eq(line_of(b, CLASH_ID2, "carol")->text, EDIT_DELETED);
}
END_TEST

/*
 * A flood of edits by someone else does not push a delete out of what is
 * kept aside: mallory's 2 x EDIT_ASIDE_MAX edits of lines never loaded
 * came after carol deleted a line not loaded yet, and before the fix
 * pushed her delete out (the oldest went first), so the line, loaded
 * later, showed her secret again.
 */
START_TEST(chat_edits_aside_flood)
{
	struct buffer	*b;
	struct line	*x;
	char		 re[KC_ID_LEN + 1];
	int		 i;

	chat_set_history(c, 0);
	chat_join(c, "general");
	b = chat_current(c);
	live_at(KC_TYPE_DELETE, "carol", NULL, CLASH_ID, NULL, NULL, 100);
	live_at(KC_TYPE_EDIT, "bob", NULL, CLASH_ID2, NULL, "bob's fix", 101);
	for (i = 0; i < 2 * EDIT_ASIDE_MAX; i++) {
		snprintf(re, sizeof re, "01K6NQ4V5BXYZ01234%08d", i);
		live_at(KC_TYPE_EDIT, "mallory", NULL, re, NULL, "spam",
		    200 + i);
	}
	hist_at(0, KC_TYPE_MESSAGE, "carol", CLASH_ID, NULL, NULL,
	    "oops my password is hunter2", 20);
	hist_at(1, KC_TYPE_MESSAGE, "bob", CLASH_ID2, NULL, NULL, "bob's typo",
	    21);
	history_page(2);
	x = line_of(b, CLASH_ID, "carol");
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->text, EDIT_DELETED);
	x = line_of(b, CLASH_ID2, "bob");
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->text, "bob's fix");
}
END_TEST

START_TEST(chat_format_plain)
{
	struct buffer	*b;
	struct kc_buf	 out = { NULL, 0, 0 };
	struct kc_msg	 m;

	chat_join(c, "general");
	b = chat_current(c);
	incoming(&m, KC_TYPE_MESSAGE, "general", "bob", NULL, "two\nlines");
	m.ts = 1759530645123456LL;
	chat_receive(c, &m, 1);
	format_plain(b, last_line(b), &out);
	ck_assert_str_eq(out.data,
	    "2025-10-03 22:30:45 #general <bob> two\xe2\x90\xa4lines");
	kc_msg_clear(&m);
	kc_buf_reset(&out);
	incoming(&m, KC_TYPE_ACTION, "general", "bob", NULL, "waves");
	m.ts = 1759530645123456LL;
	chat_receive(c, &m, 1);
	format_plain(b, last_line(b), &out);
	ck_assert_str_eq(out.data, "2025-10-03 22:30:45 #general * bob waves");
	kc_msg_clear(&m);
	kc_buf_free(&out);
}
END_TEST

/*
 * Rooms and read markers (roomstate.c): a joined room gets its record, a
 * topic set is written and said, reading the current room writes a marker
 * once, and another room's unread counts come from its marker: they
 * clear when a marker from another client of the user arrives.
 */
START_TEST(chat_rooms_and_markers)
{
	struct roomstate	*rs = roomstate_new();
	struct buffer		*gen, *dev;
	struct kc_marker	 mk;
	struct kc_msg		 m;
	char			 err[128];
	size_t			 i;

	nput_rooms = nput_marks = 0;
	chat_set_state(c, rs);
	roomstate_set_writer(rs, fake_put_room, fake_put_marker, NULL);
	chat_join(c, "dev");
	chat_join(c, "general");
	gen = chat_current(c);
	dev = chat_find(c, "#dev");
	roomstate_tick(c);
	ck_assert_uint_eq(nput_rooms, 0);	/* not read to the end yet */
	roomstate_ready(rs);
	roomstate_tick(c);
	ck_assert_uint_eq(nput_rooms, 2);
	ck_assert_str_eq(put_rooms[0].room, "dev");
	ck_assert_str_eq(put_rooms[0].created_by, "alice");
	ck_assert_ptr_nonnull(roomstate_info(c, "general"));

	ck_assert_int_eq(roomstate_set_topic(c, "general", "Ship it", err,
	    sizeof err), 0);
	ck_assert_str_eq(put_rooms[2].topic, "Ship it");
	ck_assert_str_eq(last_line(gen)->text,
	    "alice set the topic of #general: Ship it");
	ck_assert_int_eq(roomstate_set_topic(c, "general", "a\nb", err,
	    sizeof err), -1);
	{
		/* Too long: the error names the topic's limit, not 8192. */
		char line[KC_TOPIC_MAX + 16];

		snprintf(line, sizeof line, "/topic %0*d", KC_TOPIC_MAX + 1, 0);
		cmd_input(c, line);
		ck_assert_ptr_nonnull(strstr(last_line(gen)->text,
		    "longer than 300 bytes"));
		ck_assert_ptr_null(strstr(last_line(gen)->text, "8192"));
		ck_assert_uint_eq(nput_rooms, 3);	/* nothing written */
	}
	cmd_input(c, "/topic");
	ck_assert_ptr_nonnull(strstr(last_line(gen)->text,
	    "topic of #general: Ship it (set by alice"));

	/* Reading #general, in view: one marker for its newest line. */
	incoming(&m, KC_TYPE_MESSAGE, "general", "bob", NULL, "hello");
	m.offset = 41;
	chat_receive(c, &m, 1);
	kc_msg_clear(&m);
	roomstate_tick(c);
	ck_assert_uint_eq(nput_marks, 1);
	ck_assert_str_eq(put_marks[0].id, last_line(gen)->id);
	ck_assert_int_eq(put_marks[0].offset, 41);	/* where it is in Kafka */
	ck_assert_str_eq(put_marks[0].user, "alice");
	roomstate_tick(c);
	ck_assert_uint_eq(nput_marks, 1);	/* nothing new: none */

	/*
	 * A line seen in #general just before switching away, between two
	 * ticks, is read: the switch writes its marker, so it does not
	 * count as unread once #general is out of view.
	 */
	receive(KC_TYPE_MESSAGE, "general", "bob", NULL, "seen just now");
	for (i = 0; i < chat_nbuffers(c); i++) {
		if (chat_buffer(c, i) == dev)
			chat_switch(c, i);
	}
	ck_assert_uint_eq(nput_marks, 2);
	ck_assert_str_eq(put_marks[1].id, last_line(gen)->id);
	roomstate_tick(c);
	ck_assert_uint_eq(gen->unread, 0);
	for (i = 0; i < chat_nbuffers(c); i++) {
		if (chat_buffer(c, i) == gen)
			chat_switch(c, i);
	}

	/* #dev, not in view: read up to "one" elsewhere, then two more. */
	incoming(&m, KC_TYPE_MESSAGE, "dev", "bob", NULL, "one");
	chat_receive(c, &m, 1);
	memset(&mk, 0, sizeof mk);
	snprintf(mk.user, sizeof mk.user, "alice");
	snprintf(mk.room, sizeof mk.room, "dev");
	snprintf(mk.id, sizeof mk.id, "%s", m.id);
	mk.offset = 7;
	mk.ts = kc_now_us();
	kc_msg_clear(&m);
	roomstate_marker(c, &mk);
	ck_assert_uint_eq(dev->unread, 0);
	receive(KC_TYPE_MESSAGE, "dev", "bob", NULL, "two");
	receive(KC_TYPE_MESSAGE, "dev", "bob", NULL, "three alice");
	roomstate_tick(c);
	ck_assert_uint_eq(dev->unread, 2);
	ck_assert_uint_eq(dev->mentions, 1);
	/* Opened: a "new messages" line before "two", gone when left. */
	for (i = 0; chat_buffer(c, i) != dev; i++)
		;
	chat_switch(c, i);
	roomstate_tick(c);
	for (i = 0; i < dev->nlines && !(dev->lines[i].flags & LINE_DIVIDER); i++)
		;
	ck_assert_uint_lt(i + 1, dev->nlines);
	ck_assert_str_eq(dev->lines[i + 1].text, "two");
	ck_assert_ptr_nonnull(strstr(dev->lines[i].text, "new messages"));
	ck_assert_str_eq(put_marks[nput_marks - 1].id, last_line(dev)->id);
	for (i = 0; chat_buffer(c, i) != gen; i++)
		;
	chat_switch(c, i);
	roomstate_tick(c);
	for (i = 0; i < dev->nlines; i++)
		ck_assert(!(dev->lines[i].flags & LINE_DIVIDER));
	/* Read meanwhile: two more are unread. */
	receive(KC_TYPE_MESSAGE, "dev", "bob", NULL, "two more");
	receive(KC_TYPE_MESSAGE, "dev", "bob", NULL, "three more alice");
	roomstate_tick(c);
	ck_assert_uint_eq(dev->unread, 2);
	ck_assert_uint_eq(dev->mentions, 1);
	/* Read in the browser: its marker clears the count here. */
	snprintf(mk.id, sizeof mk.id, "%s", last_line(dev)->id);
	mk.offset = 9;
	roomstate_marker(c, &mk);
	ck_assert_uint_eq(dev->unread, 0);
	ck_assert_uint_eq(dev->mentions, 0);
	/* Someone else's marker is not ours. */
	snprintf(mk.user, sizeof mk.user, "bob");
	snprintf(mk.id, sizeof mk.id, "%s", dev->lines[0].id);
	mk.offset = 1;
	roomstate_marker(c, &mk);
	receive(KC_TYPE_MESSAGE, "dev", "bob", NULL, "four");
	roomstate_tick(c);
	ck_assert_uint_eq(dev->unread, 1);
	chat_set_state(c, NULL);
	roomstate_free(rs);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("chat");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	setlocale(LC_CTYPE, "C.UTF-8");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, chat_join_sends_and_fetches);
	tcase_add_test(tc, chat_say_pending_sent_failed);
	tcase_add_test(tc, chat_say_splits_long_text);
	tcase_add_test(tc, chat_own_line_final_once);
	tcase_add_test(tc, chat_own_lines_past_scrollback);
	tcase_add_test(tc, chat_activity_list);
	tcase_add_test(tc, chat_list_entry);
	tcase_add_test(tc, chat_dm_offline_and_nick);
	tcase_add_test(tc, chat_dm_alike);
	tcase_add_test(tc, chat_nick_held);
	tcase_add_test(tc, chat_nick_recheck);
	tcase_add_test(tc, chat_name_lapse);
	tcase_add_test(tc, chat_name_lapse_kept);
	tcase_add_test(tc, chat_nick_former_name);
	tcase_add_test(tc, chat_unread_and_mentions);
	tcase_add_test(tc, chat_direct_messages);
	tcase_add_test(tc, chat_dm_strangers);
	tcase_add_test(tc, chat_commands);
	tcase_add_test(tc, chat_who_and_rooms);
	tcase_add_test(tc, cmd_suggestions);
	tcase_add_test(tc, chat_nick_change_one_line);
	tcase_add_test(tc, chat_history_and_replay);
	tcase_add_test(tc, chat_history_in_background);
	tcase_add_test(tc, chat_join_offline_history_later);
	tcase_add_test(tc, chat_replay_parse);
	tcase_add_test(tc, chat_hostile_text);
	tcase_add_test(tc, chat_completion);
	tcase_add_test(tc, chat_format_plain);
	tcase_add_test(tc, chat_rooms_and_markers);
	tcase_add_test(tc, chat_edits);
	tcase_add_test(tc, chat_id_clash);
	tcase_add_test(tc, chat_edits_aside);
	tcase_add_test(tc, chat_edits_aside_full);
	tcase_add_test(tc, chat_edits_aside_flood);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
