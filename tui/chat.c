/*
 * chat.c - the chat as the user sees it: the open buffers, which one is
 * current, what arrives from Kafka and where it goes, what the user sends
 * and how its delivery ends, presence and the rooms seen on the topic.
 *
 * Plain C: Kafka is reached through struct chat_ops and the screen (or line
 * mode) hears about changes through the notify callback.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define SEEN_MAX	4096	/* rooms remembered for /rooms and completion */
#define CHAT_LINES_MAX	50	/* lines of one message shown */
#define CHAT_DM_NEW_MAX	5	/* buffers others' DMs open per minute */
#define CHAT_DM_NEW_US	(60 * 1000000LL)
#define CHAT_STRANGERS	"*strangers"	/* no user has this name */
#define CHAT_WAS_MAX	4	/* earlier names remembered */

/* What a buffer's fetch is for (struct buffer's fetch_kind). */
#define CHAT_FETCH_JOIN		1	/* the last messages, on joining */
#define CHAT_FETCH_MORE		2	/* older ones: /history, PgUp */
#define CHAT_FETCH_REPLAY	3	/* /replay */

struct chat {
	char			 user[KC_NAME_MAX + 1];
	/*
	 * Names this chat had before /nick, and when it left each (µs):
	 * records this instance wrote under them are still its own, and
	 * direct messages written to them before it left; anything else
	 * under such a name is someone else's (chat_mine(), chat_for_me()).
	 */
	struct {
		char		 name[KC_NAME_MAX + 1];
		int64_t		 until;
	}			 was[CHAT_WAS_MAX];
	size_t			 nwas;
	/* The last /nick, looked at again a moment later (chat_nick_due()). */
	char			 nick_old[KC_NAME_MAX + 1];
	int64_t			 nick_at, nick_due;
	/*
	 * When this terminal was last heard of (connected, its loop running),
	 * and a look at who holds its name after a time unheard
	 * (chat_lapse_due()); name_lost: someone took it meanwhile.
	 */
	int64_t			 heard_at, lapse_from, lapse_due;
	int			 name_lost;
	int64_t			 lost_at;	/* last heard of as it */
	const struct chat_ops	*ops;
	void			*arg;
	chat_notify_fn		*notify;
	void			*notify_arg;

	struct buffer		**buffers;
	size_t			 nbuffers;
	size_t			 current;
	char			 lastroom[KC_NAME_MAX + 1];

	char			**seen;		/* sorted room names */
	size_t			 nseen;

	struct kc_presence	*presence;
	struct side		*side;		/* settings, away, typing */
	size_t			 history;
	size_t			 scrollback;
	int			 bell;
	int			 quit;
	char			*fatal;		/* why the program must end */
	char			 inst[KC_INST_MAX + 1];
	enum chat_conn		 conn;
	char			*brokers;
	/* when the last CHAT_DM_NEW_MAX buffers opened by others' DMs were */
	int64_t			 dm_opened[CHAT_DM_NEW_MAX];
	size_t			 dm_next;
	unsigned		 next_fetch;	/* the last fetch id given */
	struct roomstate	*state;		/* roomstate.c's; not owned */
};


/*
 * A message of more than CHAT_LINES_MAX lines shows its first ones and how
 * many more there are: one message of thousands of newlines must not blank
 * the screen. Takes text (heap, may be NULL), returns what to keep.
 */
static char *
chat_cap_lines(char *text)
{
	char	*p, *cut;
	size_t	 lines = 0, more = 0;
	char	 tail[64];

	if (text == NULL)
		return NULL;
	for (p = text, cut = NULL; (p = strchr(p, '\n')) != NULL; p++) {
		if (++lines == CHAT_LINES_MAX)
			cut = p;
		else if (lines > CHAT_LINES_MAX)
			more++;
	}
	if (cut == NULL || (more == 0 && cut[1] == '\0'))
		return text;
	more++;		/* the line after the last newline */
	snprintf(tail, sizeof tail, "\n\u2026 %zu more line%s not shown", more,
	    more == 1 ? "" : "s");
	*cut = '\0';
	if ((p = realloc(text, strlen(text) + strlen(tail) + 1)) == NULL)
		return text;
	strcat(p, tail);
	return p;
}

static void
chat_notify(struct chat *c, enum chat_event ev, struct buffer *b,
    struct line *l)
{
	if (c->notify != NULL)
		c->notify(c->notify_arg, ev, b, l);
}

struct chat *
chat_new(const char *user, const struct chat_ops *ops, void *arg)
{
	struct chat *c;

	c = xcalloc(1, sizeof *c);
	snprintf(c->user, sizeof c->user, "%s", user);
	c->ops = ops;
	c->arg = arg;
	if ((c->presence = kc_presence_new()) == NULL) {
		fprintf(stderr, "kchat-tui: out of memory\n");
		abort();
	}
	c->side = side_new();
	c->history = TUI_HISTORY;
	c->scrollback = TUI_SCROLLBACK;
	c->bell = 1;
	c->brokers = xstrdup("");
	return c;
}

void
chat_free(struct chat *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nbuffers; i++)
		buffer_free(c->buffers[i]);
	free(c->buffers);
	for (i = 0; i < c->nseen; i++)
		free(c->seen[i]);
	free(c->seen);
	kc_presence_free(c->presence);
	side_free(c->side);
	free(c->fatal);
	free(c->brokers);
	free(c);
}

void
chat_set_notify(struct chat *c, chat_notify_fn *fn, void *arg)
{
	c->notify = fn;
	c->notify_arg = arg;
}

void	chat_set_history(struct chat *c, size_t n) { c->history = n; }
void	chat_set_scrollback(struct chat *c, size_t n) { c->scrollback = n; }
void	chat_set_bell(struct chat *c, int on) { c->bell = on; }
const char *chat_user(struct chat *c) { return c->user; }
const char *chat_inst(struct chat *c) { return c->inst; }
const char *chat_fatal_why(struct chat *c) { return c->fatal; }

int
chat_stats(struct chat *c, struct chat_stats *out)
{
	if (c->ops->stats == NULL)
		return 0;
	c->ops->stats(c->arg, out);
	return 1;
}

void
chat_set_inst(struct chat *c, const char *inst)
{
	snprintf(c->inst, sizeof c->inst, "%s", inst);
}

void
chat_set_state(struct chat *c, struct roomstate *rs)
{
	c->state = rs;
}

struct roomstate *
chat_state(struct chat *c)
{
	return c->state;
}

void
chat_touch(struct chat *c, struct buffer *b)
{
	chat_notify(c, CHAT_BUFFERS, b, NULL);
}

void
chat_fatal(struct chat *c, const char *why)
{
	size_t i;

	if (c->fatal == NULL)
		c->fatal = xstrdup(why);
	/* Out of every room first, as /quit: presence must not keep us. */
	for (i = 0; i < c->nbuffers; i++) {
		if (c->buffers[i]->kind == BUFFER_ROOM)
			chat_send(c, KC_TYPE_LEAVE, c->buffers[i]->target,
			    NULL, NULL);
	}
	c->quit = 1;
}
int	chat_quit_requested(struct chat *c) { return c->quit; }
void	chat_request_quit(struct chat *c) { c->quit = 1; }
enum chat_conn chat_conn(struct chat *c) { return c->conn; }
struct kc_presence *chat_presence(struct chat *c) { return c->presence; }
struct side *chat_side(struct chat *c) { return c->side; }
size_t	chat_nbuffers(struct chat *c) { return c->nbuffers; }
size_t	chat_current_index(struct chat *c) { return c->current; }
const char *chat_brokers(struct chat *c) { return c->brokers; }

int
chat_presence_known(struct chat *c)
{
	return c->conn == CHAT_CONNECTED && (c->ops->presence_known == NULL ||
	    c->ops->presence_known(c->arg));
}

void
chat_set_brokers(struct chat *c, const char *brokers)
{
	free(c->brokers);
	c->brokers = xstrdup(brokers);
}

/* The index of name among the former names, or -1. */
static int
chat_was(struct chat *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nwas; i++) {
		if (strcmp(name, c->was[i].name) == 0)
			return (int)i;
	}
	return -1;
}

/* Drops former name i. */
static void
chat_was_drop(struct chat *c, size_t i)
{
	memmove(&c->was[i], &c->was[i + 1], (c->nwas - i - 1) *
	    sizeof c->was[0]);
	c->nwas--;
}

void
chat_set_user(struct chat *c, const char *user)
{
	int i;

	if (c->user[0] != '\0' && strcmp(c->user, user) != 0) {
		/* Its own again (/nick back): current, not former. */
		if ((i = chat_was(c, user)) >= 0)
			chat_was_drop(c, (size_t)i);
		if ((i = chat_was(c, c->user)) >= 0)
			chat_was_drop(c, (size_t)i);
		if (c->nwas == CHAT_WAS_MAX)
			chat_was_drop(c, 0);
		memcpy(c->was[c->nwas].name, c->user, sizeof c->user);
		c->was[c->nwas++].until = kc_now_us();
	}
	memmove(c->user, user, strnlen(user, KC_NAME_MAX));
	c->user[strnlen(user, KC_NAME_MAX)] = '\0';
	c->name_lost = 0;
}

void
chat_nick_watch(struct chat *c, const char *old, int64_t at)
{
	snprintf(c->nick_old, sizeof c->nick_old, "%s", old);
	c->nick_at = at;
	c->nick_due = at + (int64_t)CHAT_NICK_RECHECK_MS * 1000;
}

int
chat_nick_due(struct chat *c, int64_t now, char old[KC_NAME_MAX + 1],
    int64_t *at)
{
	if (c->nick_due == 0 || now < c->nick_due)
		return 0;
	c->nick_due = 0;
	memcpy(old, c->nick_old, KC_NAME_MAX + 1);
	*at = c->nick_at;
	return 1;
}

int
chat_lapse_due(struct chat *c, int64_t now, int64_t *from)
{
	if (c->conn == CHAT_CONNECTED) {
		/* Unheard long enough that others may have dropped us. */
		if (c->heard_at != 0 && !c->name_lost &&
		    now - c->heard_at >= ((int64_t)KC_PRESENCE_TIMEOUT_MS -
		    KC_PRESENCE_INTERVAL_MS) * 1000) {
			c->lapse_from = c->heard_at;
			c->lapse_due = now + (int64_t)CHAT_NICK_RECHECK_MS * 1000;
		}
		c->heard_at = now;
	}
	if (c->lapse_due == 0 || now < c->lapse_due)
		return 0;
	c->lapse_due = 0;
	*from = c->lapse_from;
	return 1;
}

int
chat_name_lost(struct chat *c)
{
	return c->name_lost;
}

void
chat_lose_name(struct chat *c, int64_t at)
{
	c->name_lost = 1;
	c->lost_at = at;
}

/*
 * 1 when this user wrote m: under its name now, or under a former one
 * (before a /nick) from this very instance, so that a line sent before
 * the change and read back or reported after it is still its own. A
 * record of anyone else under a former name is theirs: a name left is
 * free for others, and they are not "us".
 */
static int
chat_mine(struct chat *c, const struct kc_msg *m)
{
	/* A name lost: the one who took it is not us. */
	if (strcmp(m->user, c->user) == 0 && !c->name_lost)
		return 1;
	return c->inst[0] != '\0' && strcmp(m->inst, c->inst) == 0 &&
	    (strcmp(m->user, c->user) == 0 || chat_was(c, m->user) >= 0);
}

/*
 * 1 when the direct message m is to this user: to its name now, or to a
 * former one, written while it had it (the writer's clock).
 */
static int
chat_for_me(struct chat *c, const struct kc_msg *m)
{
	int i;

	/* A name lost: only what was written to it before. */
	if (strcmp(m->to, c->user) == 0)
		return !c->name_lost || m->ts < c->lost_at;
	return (i = chat_was(c, m->to)) >= 0 && m->ts < c->was[i].until;
}

const char *
chat_conn_name(enum chat_conn conn)
{
	switch (conn) {
	case CHAT_CONNECTING:
		return "connecting";
	case CHAT_CONNECTED:
		return "connected";
	case CHAT_RECONNECTING:
		return "reconnecting";
	case CHAT_OFFLINE:
		return "offline";
	}
	return "?";
}

static void	chat_history_join(struct chat *, struct buffer *);

void
chat_set_conn(struct chat *c, enum chat_conn conn)
{
	size_t i;

	if (c->conn == conn)
		return;
	c->conn = conn;
	chat_info(c, "connection: %s (%s)", chat_conn_name(conn), c->brokers);
	if (conn != CHAT_CONNECTED)
		return;
	for (i = 0; i < c->nbuffers; i++) {
		if (c->buffers[i]->history_due)
			chat_history_join(c, c->buffers[i]);
	}
}

struct buffer *
chat_buffer(struct chat *c, size_t idx)
{
	return idx < c->nbuffers ? c->buffers[idx] : NULL;
}

struct buffer *
chat_current(struct chat *c)
{
	return chat_buffer(c, c->current);
}

struct buffer *
chat_find(struct chat *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nbuffers; i++) {
		if (strcmp(c->buffers[i]->name, name) == 0)
			return c->buffers[i];
	}
	return NULL;
}

static struct buffer *
chat_find_room(struct chat *c, const char *room)
{
	char name[KC_NAME_MAX + 2];

	snprintf(name, sizeof name, "#%.*s", KC_NAME_MAX, room);
	return chat_find(c, name);
}

void
chat_switch(struct chat *c, size_t idx)
{
	struct buffer *b;

	if (c->nbuffers == 0)
		return;
	if (idx >= c->nbuffers)
		idx = c->nbuffers - 1;
	/* What was in view, to its end, is read now, not at the next tick. */
	if (idx != c->current && c->current < c->nbuffers)
		roomstate_leave(c, c->buffers[c->current]);
	c->current = idx;
	b = c->buffers[idx];
	b->unread = b->mentions = 0;
	if (b->kind == BUFFER_ROOM)
		snprintf(c->lastroom, sizeof c->lastroom, "%s", b->target);
	chat_notify(c, CHAT_BUFFERS, b, NULL);
}

void
chat_next(struct chat *c, int dir)
{
	if (c->nbuffers == 0)
		return;
	if (dir < 0)
		chat_switch(c, (c->current + c->nbuffers - 1) % c->nbuffers);
	else
		chat_switch(c, (c->current + 1) % c->nbuffers);
}

const char *
chat_room(struct chat *c)
{
	struct buffer	*b = chat_current(c);
	size_t		 i;

	if (b != NULL && b->kind == BUFFER_ROOM)
		return b->target;
	if (c->lastroom[0] != '\0' && chat_find_room(c, c->lastroom) != NULL)
		return c->lastroom;
	for (i = 0; i < c->nbuffers; i++) {
		if (c->buffers[i]->kind == BUFFER_ROOM)
			return c->buffers[i]->target;
	}
	return "";
}

static struct buffer *
chat_open(struct chat *c, enum buffer_kind kind, const char *target)
{
	struct buffer *b;

	b = buffer_new(kind, target, c->scrollback);
	c->buffers = xreallocarray(c->buffers, c->nbuffers + 1,
	    sizeof *c->buffers);
	c->buffers[c->nbuffers++] = b;
	chat_notify(c, CHAT_BUFFERS, b, NULL);
	return b;
}

struct buffer *
chat_dm_buffer(struct chat *c, const char *peer)
{
	char		 name[KC_NAME_MAX + 2];
	struct buffer	*b;

	snprintf(name, sizeof name, "@%s", peer);
	if ((b = chat_find(c, name)) != NULL)
		return b;
	return chat_open(c, BUFFER_DM, peer);
}

void
chat_close(struct chat *c, struct buffer *b)
{
	size_t i;

	for (i = 0; i < c->nbuffers; i++) {
		if (c->buffers[i] == b)
			break;
	}
	if (i == c->nbuffers)
		return;
	buffer_free(b);
	memmove(&c->buffers[i], &c->buffers[i + 1],
	    (c->nbuffers - i - 1) * sizeof *c->buffers);
	c->nbuffers--;
	if (c->current > i || c->current >= c->nbuffers)
		c->current = c->current > 0 ? c->current - 1 : 0;
	if (c->nbuffers > 0)
		chat_switch(c, c->current);
	else
		chat_notify(c, CHAT_BUFFERS, NULL, NULL);
}

/* ------------------------------------------------------------- lines */

/*
 * 1 when l is the join that ends a nick change already shown in b: the
 * leave of the old name, naming l's user as the new one, a few lines up.
 */
static int
chat_nick_join(struct buffer *b, const struct line *l)
{
	const char	*old, *new;
	size_t		 i;

	if ((old = format_nick_old(l)) == NULL)
		return 0;
	for (i = b->nlines; i > 0 && b->nlines - i < 20; i--) {
		if (strcmp(b->lines[i - 1].user, old) == 0 &&
		    (new = format_nick_new(&b->lines[i - 1])) != NULL &&
		    strcmp(new, l->user) == 0)
			return 1;
	}
	return 0;
}

/* "log = on": the line goes to today's log of its room too (tui/log.c). */
static void
chat_log(struct chat *c, struct buffer *b, const struct line *l)
{
	char err[512];

	if (side_log(c->side, b, l, err, sizeof err) == -1)
		chat_error(c, "%s; /set log off stops logging", err);
}

/* Adds l to b, counting it as unread when b is not in view. */
static struct line *
chat_add(struct chat *c, struct buffer *b, const struct line *l0, int sorted)
{
	struct line	*nl, copy = *l0, *l = &copy;

	if (chat_nick_join(b, l))
		copy.flags |= LINE_HIDDEN;
	if ((nl = buffer_add(b, l, sorted)) == NULL)
		return NULL;
	chat_log(c, b, nl);
	if (b != chat_current(c) && !(l->flags & (LINE_SELF | LINE_HISTORY))) {
		switch (l->kind) {
		case LINE_MESSAGE:
		case LINE_ACTION:
			b->unread++;
			if (l->flags & LINE_MENTION)
				b->mentions++;
			break;
		case LINE_DM:
			b->unread++;
			b->mentions++;
			break;
		default:
			break;
		}
	}
	chat_notify(c, CHAT_LINE_NEW, b, nl);
	if (c->bell && !(l->flags & (LINE_SELF | LINE_HISTORY)) &&
	    ((l->flags & LINE_MENTION) || l->kind == LINE_DM))
		chat_notify(c, CHAT_BELL, b, nl);
	return nl;
}

static void
chat_vinfo(struct chat *c, struct buffer *b, enum line_kind kind,
    const char *fmt, va_list ap)
{
	struct line	 l;
	char		*s;
	int		 n;

	memset(&l, 0, sizeof l);
	n = xvasprintf(&s, fmt, ap);
	l.ts = kc_now_us();
	l.kind = kind;
	l.text = sanitize_dup(s, n, SANITIZE_NEWLINE);
	free(s);
	if (b == NULL)
		chat_notify(c, CHAT_LINE_NEW, NULL, &l);
	else
		chat_add(c, b, &l, 0);
	free(l.text);
}

void
chat_info_to(struct chat *c, struct buffer *b, enum line_kind kind,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	chat_vinfo(c, b, kind, fmt, ap);
	va_end(ap);
}

void
chat_info(struct chat *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	chat_vinfo(c, chat_current(c), LINE_INFO, fmt, ap);
	va_end(ap);
}

void
chat_error(struct chat *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	chat_vinfo(c, chat_current(c), LINE_ERROR, fmt, ap);
	va_end(ap);
}

static int
name_byte(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '-';
}

int
chat_mentions(const char *text, const char *user)
{
	size_t		 n = strlen(user);
	const char	*p;

	if (n == 0 || text == NULL)
		return 0;
	for (p = text; *p != '\0'; p++) {
		if (kc_strncasecmp(p, user, n) != 0)
			continue;
		if (p != text && name_byte((unsigned char)p[-1]))
			continue;
		if (name_byte((unsigned char)p[n]))
			continue;
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------- rooms seen */

static int
seen_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
chat_seen(struct chat *c, const char *room)
{
	size_t lo = 0, hi = c->nseen, mid;
	int cmp;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((cmp = strcmp(room, c->seen[mid])) == 0)
			return;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (c->nseen >= SEEN_MAX)
		return;
	c->seen = xreallocarray(c->seen, c->nseen + 1, sizeof *c->seen);
	memmove(&c->seen[lo + 1], &c->seen[lo],
	    (c->nseen - lo) * sizeof *c->seen);
	c->seen[lo] = xstrdup(room);
	c->nseen++;
}

const char *
chat_room_seen(struct chat *c, size_t idx)
{
	return idx < c->nseen ? c->seen[idx] : NULL;
}

/* ---------------------------------------------------------- receiving */

static enum line_kind
chat_line_kind(enum kc_type t)
{
	switch (t) {
	case KC_TYPE_ACTION:
		return LINE_ACTION;
	case KC_TYPE_JOIN:
		return LINE_JOIN;
	case KC_TYPE_LEAVE:
		return LINE_LEAVE;
	case KC_TYPE_DM:
		return LINE_DM;
	default:
		return LINE_MESSAGE;
	}
}

/* The buffer m belongs in, or NULL (not joined, or someone else's dm). */
static struct buffer *
chat_route(struct chat *c, const struct kc_msg *m, int create)
{
	char name[KC_NAME_MAX + 2];

	if (m->type == KC_TYPE_DM) {
		if (chat_mine(c, m))
			snprintf(name, sizeof name, "@%s", m->to);
		else if (chat_for_me(c, m))
			snprintf(name, sizeof name, "@%s", m->user);
		else
			return NULL;
		if (chat_find(c, name) == NULL && !create)
			return NULL;
		/*
		 * Someone new writing: at most CHAT_DM_NEW_MAX new buffers a
		 * minute, so that a crowd of throwaway names cannot bury the
		 * screen; the rest share one buffer, each line with its
		 * sender. Answer them with /msg.
		 */
		if (chat_find(c, name) == NULL && !chat_mine(c, m)) {
			int64_t now = kc_now_us();

			if (now - c->dm_opened[c->dm_next] < CHAT_DM_NEW_US)
				return chat_dm_buffer(c, CHAT_STRANGERS);
			c->dm_opened[c->dm_next] = now;
			c->dm_next = (c->dm_next + 1) % CHAT_DM_NEW_MAX;
		}
		return chat_dm_buffer(c, name + 1);
	}
	return chat_find_room(c, m->room);
}

/*
 * A nick change of a peer (the leave "is now known as NEW" of l's user):
 * their "@old" buffer becomes "@NEW", so that what is typed there reaches
 * them, and says so. Not our own change read back (the caller checks, by
 * the record: by then the leave's name is a former one of ours, and a
 * conversation with someone else of that name is not ours to rename).
 */
static void
chat_dm_follow(struct chat *c, const struct line *l)
{
	struct buffer	*b;
	const char	*new = format_nick_new(l);
	char		 name[KC_NAME_MAX + 2];

	if (new == NULL)
		return;
	snprintf(name, sizeof name, "@%s", l->user);
	if ((b = chat_find(c, name)) == NULL)
		return;
	snprintf(name, sizeof name, "@%s", new);
	if (chat_find(c, name) != NULL)
		return;
	chat_add(c, b, l, 0);
	snprintf(b->name, sizeof b->name, "%s", name);
	snprintf(b->target, sizeof b->target, "%s", new);
	b->told_offline = 0;
	chat_notify(c, CHAT_BUFFERS, b, NULL);
}

/*
 * Changes l as the edit or delete m says (m counts: edit.c). 0 when that
 * changes nothing: our own edit, read back, shows already.
 */
static int
chat_edit_line(struct chat *c, struct line *l, const struct kc_msg *m)
{
	char *text;

	if (m->offset >= 0)
		buffer_line_more(l)->edit_at = m->offset + 1;
	if (m->type == KC_TYPE_DELETE) {
		free(l->text);
		l->text = xstrdup(EDIT_DELETED);
		l->flags = (l->flags | LINE_DELETED) &
		    ~(LINE_EDITED | LINE_MENTION);
		return 1;
	}
	text = chat_cap_lines(sanitize_dup(m->text, m->text_len,
	    SANITIZE_NEWLINE));
	if ((l->flags & LINE_EDITED) && l->text != NULL &&
	    strcmp(text, l->text) == 0) {
		free(text);
		return 0;
	}
	free(l->text);
	l->text = text;
	l->flags = (l->flags | LINE_EDITED) & ~LINE_MENTION;
	if (!(l->flags & LINE_SELF) && chat_mentions(l->text, c->user))
		l->flags |= LINE_MENTION;
	return 1;
}

/*
 * An edit or delete (received, or our own as it is sent): changes the line
 * it names when it counts (edit.c), and tells the screen. It is kept
 * aside too (edit-aside.c) for its line when that is not loaded yet, or
 * leaves the scrollback and comes back.
 */
static void
chat_apply_edit(struct chat *c, const struct kc_msg *m)
{
	struct buffer	*b;
	struct line	*l;

	if ((b = chat_find_room(c, m->room)) == NULL)
		return;
	edit_aside_keep(b, m);
	if ((l = edit_target(b, m)) == NULL)
		return;
	if (!chat_edit_line(c, l, m))
		return;
	edit_requote(b, l);
	chat_notify(c, CHAT_LINE_EDIT, b, l);
}

/* l, the user's own, is not sent: why says why. */
static void
chat_failed(struct line *l, const char *why)
{
	struct line_more *lm = buffer_line_more(l);

	l->state = LINE_FAILED;
	free(lm->error);
	lm->error = xstrdup(why);
}

/* l, the user's own, was read back from Kafka: it is sent. */
static void
chat_echoed(struct chat *c, struct buffer *b, struct line *l)
{
	l->flags |= LINE_ECHOED;
	if (l->state == LINE_PENDING || l->state == LINE_FAILED) {
		l->state = LINE_SENT;
		if (l->more != NULL) {
			free(l->more->error);
			l->more->error = NULL;
		}
		chat_notify(c, CHAT_LINE_UPDATE, b, l);
	}
}

/* Returns 1 when m added a line. */
static int
chat_receive1(struct chat *c, const struct kc_msg *m, int live)
{
	struct buffer	*b;
	struct line	 l, *old;
	struct line_more more;
	struct kc_msg	 e;
	int		 ignored = side_ignored(c->side, m->user);

	/* History too: a leave read there ends an older heartbeat. */
	kc_presence_apply(c->presence, m, kc_now_us());
	if (live && !ignored &&
	    people_apply(side_people(c->side), m, kc_now_us()))
		chat_notify(c, CHAT_PEOPLE, NULL, NULL);
	/*
	 * A leave of this very instance in a room it is still in: another
	 * kchat-tui of this terminal (the same saved instance) quit. Say at
	 * once that we are here, or presence loses us until the next beat.
	 */
	if (live && m->type == KC_TYPE_LEAVE && c->inst[0] != '\0' &&
	    strcmp(m->inst, c->inst) == 0 && strcmp(m->user, c->user) == 0 &&
	    !c->quit && chat_find_room(c, m->room) != NULL)
		chat_send(c, KC_TYPE_HEARTBEAT, m->room, NULL, NULL);
	if (m->room[0] != '\0')
		chat_seen(c, m->room);
	if (m->type == KC_TYPE_HEARTBEAT || m->type == KC_TYPE_UNKNOWN)
		return 0;
	/* /ignore: nothing of theirs shows, here or in a dm. */
	if (!chat_mine(c, m) && ignored)
		return 0;
	/* In a room we share or not: a peer's new name, for their dm buffer. */
	if (live && m->type == KC_TYPE_LEAVE && m->text != NULL &&
	    !chat_mine(c, m)) {
		memset(&l, 0, sizeof l);
		l.ts = kc_msg_shown_ts(m);
		memcpy(l.id, m->id, sizeof l.id);
		l.kind = LINE_LEAVE;
		l.user = m->user;
		l.text = sanitize_dup(m->text, m->text_len, 0);
		chat_dm_follow(c, &l);
		free(l.text);
	}
	if (m->type == KC_TYPE_EDIT || m->type == KC_TYPE_DELETE) {
		chat_apply_edit(c, m);
		return 0;
	}
	if ((b = chat_route(c, m, 1)) == NULL)
		return 0;
	if ((old = buffer_find_user(b, m->id, m->user)) != NULL) {
		/*
		 * Our own record read back: Kafka has it, even when a delivery
		 * report said it failed (a timeout after all was written).
		 */
		if (old->offset1 == 0 && m->offset >= 0)
			old->offset1 = m->offset + 1;	/* for read markers */
		chat_echoed(c, b, old);
		return 0;
	}
	/*
	 * Ours, read back after it left the scrollback (or /clear): final,
	 * not new. History and replay show it again, as any line out of view.
	 */
	if ((old = buffer_gone_find(b, m->id)) != NULL &&
	    strcmp(old->user, m->user) == 0) {
		chat_echoed(c, b, old);
		buffer_gone_del(b, old);
		if (live)
			return 0;
	}
	memset(&l, 0, sizeof l);
	memset(&more, 0, sizeof more);
	l.more = &more;
	l.ts = kc_msg_shown_ts(m);	/* a far-off clock cannot pin a line */
	memcpy(l.id, m->id, sizeof l.id);
	l.offset1 = m->offset >= 0 ? m->offset + 1 : 0;
	l.kind = chat_line_kind(m->type);
	l.user = m->user;
	if (m->text != NULL)
		l.text = chat_cap_lines(sanitize_dup(m->text, m->text_len,
		    SANITIZE_NEWLINE));
	if (chat_mine(c, m))
		l.flags |= LINE_SELF;
	else if ((l.kind == LINE_MESSAGE || l.kind == LINE_ACTION) &&
	    (chat_mentions(l.text, c->user) ||
	    side_highlight(c->side, l.text)))
		l.flags |= LINE_MENTION;
	if (!live)
		l.flags |= LINE_HISTORY;
	if (m->reply[0] != '\0') {
		more.quote = edit_quote(b, m->reply, l.offset1);
		more.reply = xstrdup(m->reply);
	}
	/* Edited or deleted already: shown as it reads now, never as it was. */
	if ((l.kind == LINE_MESSAGE || l.kind == LINE_ACTION) &&
	    edit_aside_find(b, m->id, m->user, l.offset1, &e)) {
		chat_edit_line(c, &l, &e);
		kc_msg_clear(&e);
	}
	old = chat_add(c, b, &l, !live);
	free(l.text);
	free(more.quote);
	free(more.reply);
	/* History brings a line that replies read already may quote. */
	if (old != NULL && !live)
		edit_requote(b, old);
	return old != NULL;
}

void
chat_receive(struct chat *c, const struct kc_msg *m, int live)
{
	chat_receive1(c, m, live);
}

void
chat_receive_missed(struct chat *c, const struct kc_msg *m)
{
	struct buffer *b;

	if (!chat_receive1(c, m, 0) || chat_mine(c, m) ||
	    (b = chat_route(c, m, 0)) == NULL || b == chat_current(c))
		return;
	/*
	 * Missed, so unread: the room list and the activity list say so;
	 * unless the conversation's read marker is past it (read before).
	 */
	b->unread++;
	b->mentions++;
	roomstate_count(c, b);
	chat_notify(c, CHAT_BUFFERS, b, NULL);
}

/* ------------------------------------------------------------ sending */

struct online {
	const struct kc_presence *p;
	const char	*user;
	int		 found;
};

static void
chat_online_user(void *arg, const char *room, const char *user)
{
	struct online *o = arg;

	if (strcmp(user, o->user) == 0)
		o->found = 1;
}

static void
chat_online_room(void *arg, const char *room, const char *user)
{
	struct online *o = arg;

	if (!o->found)
		kc_presence_who(o->p, room, chat_online_user, o);
}

/* 1 when user is in any room, as presence knows it. */
static int
chat_online(struct chat *c, const char *user)
{
	struct online o = { c->presence, user, 0 };

	kc_presence_rooms(c->presence, chat_online_room, &o);
	return o.found;
}

/*
 * A direct message to someone in no room is not lost (it is a record, and
 * kchat-tui reads the direct messages it missed at start), but nobody
 * reads it now: say so, once until they are back.
 */
static void
chat_dm_offline(struct chat *c, struct buffer *b, const char *to)
{
	if (c->conn != CHAT_CONNECTED || strcmp(to, c->user) == 0)
		return;
	if (chat_online(c, to)) {
		b->told_offline = 0;
		return;
	}
	if (b->told_offline)
		return;
	b->told_offline = 1;
	chat_info(c, "%s is not online; the message is stored and they will "
	    "see it when they join (within %d days)", to, TUI_DM_MISSED_DAYS);
}

/*
 * A direct message to "Dave" while dave is online and nobody is called
 * Dave: delivery is by the exact name, so it would reach nobody now and
 * wait for whoever takes "Dave" later. Refused, saying whom they may mean.
 */
static int
chat_dm_alike(struct chat *c, const char *to)
{
	struct kc_holder h;

	if (!kc_presence_alike(c->presence, to, kc_now_us(), &h))
		return 0;
	chat_error(c, "not sent: nobody online is called %s; %s is: write to "
	    "%s", to, h.user, h.user);
	return 1;
}

int
chat_send(struct chat *c, enum kc_type type, const char *room,
    const char *to, const char *text)
{
	return chat_send_re(c, type, room, to, NULL, NULL, text);
}

int
chat_send_re(struct chat *c, enum kc_type type, const char *room,
    const char *to, const char *re, const char *reply, const char *text)
{
	struct kc_msg	 m;
	struct buffer	*b = NULL;
	struct line	 l, *nl;
	struct line_more more;
	char		 errstr[256];
	int		 err;

	/*
	 * The name was taken while we were unheard (cmd-nick.c): nothing
	 * more goes out as it but leaves; heartbeats stop quietly.
	 */
	if (c->name_lost && type != KC_TYPE_LEAVE) {
		if (type != KC_TYPE_HEARTBEAT)
			chat_error(c, "not sent: %s is someone else's now (see "
			    "above): /nick NAME to go on as another, or "
			    "/nick -force %s to take it back", c->user,
			    c->user);
		return -1;
	}
	/* Said by us, a message shows something (the bridge refuses it). */
	if ((type == KC_TYPE_MESSAGE || type == KC_TYPE_ACTION ||
	    type == KC_TYPE_DM || type == KC_TYPE_EDIT) && text != NULL &&
	    kc_text_blank(text, strlen(text))) {
		chat_error(c, "nothing to send: the text is only blanks");
		return -1;
	}
	if (type == KC_TYPE_DM && to != NULL && chat_dm_alike(c, to))
		return -1;
	kc_msg_init(&m);
	err = kc_msg_make_re(&m, type, room, c->user, to, re, reply, text,
	    text != NULL ? strlen(text) : 0);
	if (err != KC_OK) {
		chat_error(c, "not sent: %s", kc_strerror(err));
		kc_msg_clear(&m);
		return -1;
	}
	snprintf(m.via, sizeof m.via, "tui");
	snprintf(m.inst, sizeof m.inst, "%s", c->inst);
	if (type == KC_TYPE_JOIN || type == KC_TYPE_HEARTBEAT)
		snprintf(m.away, sizeof m.away, "%s", side_away(c->side));
	if (type == KC_TYPE_EDIT || type == KC_TYPE_DELETE)
		chat_apply_edit(c, &m);	/* at once; again when read back */
	else if (type != KC_TYPE_HEARTBEAT &&
	    (b = chat_route(c, &m, 1)) != NULL) {
		memset(&l, 0, sizeof l);
		memset(&more, 0, sizeof more);
		l.more = &more;
		l.ts = m.ts;
		memcpy(l.id, m.id, sizeof l.id);
		l.kind = chat_line_kind(type);
		l.state = LINE_PENDING;
		l.flags = LINE_SELF;
		l.user = c->user;
		if (text != NULL)
			l.text = sanitize_dup(text, strlen(text),
			    SANITIZE_NEWLINE);
		if (m.reply[0] != '\0') {
			more.quote = edit_quote(b, m.reply, 0);
			more.reply = xstrdup(m.reply);
		}
		chat_add(c, b, &l, 0);
		free(l.text);
		free(more.quote);
		free(more.reply);
	}
	if (type == KC_TYPE_DM && b != NULL)
		chat_dm_offline(c, b, to);
	errstr[0] = '\0';
	if ((err = c->ops->send(c->arg, &m, errstr, sizeof errstr)) != KC_OK) {
		if (b != NULL &&
		    (nl = buffer_find_user(b, m.id, m.user)) != NULL) {
			chat_failed(nl, errstr[0] != '\0' ? errstr :
			    kc_strerror(err));
			chat_notify(c, CHAT_LINE_UPDATE, b, nl);
		}
		kc_msg_clear(&m);
		return -1;
	}
	kc_msg_clear(&m);
	return 0;
}

void
chat_delivered(struct chat *c, const struct kc_msg *m, int err,
    const char *errstr)
{
	struct buffer	*b;
	struct line	*l;

	if (m->type == KC_TYPE_HEARTBEAT)
		return;
	if ((b = chat_route(c, m, 0)) == NULL)
		return;
	if ((m->type == KC_TYPE_EDIT || m->type == KC_TYPE_DELETE) &&
	    err != KC_OK) {
		chat_info_to(c, b, LINE_ERROR, "%s not sent: %s",
		    m->type == KC_TYPE_EDIT ? "edit" : "delete",
		    errstr != NULL && *errstr != '\0' ? errstr :
		    kc_strerror(err));
		return;
	}
	/* In view, or out of it (a burst longer than the scrollback). */
	if ((l = buffer_find_user(b, m->id, m->user)) == NULL &&
	    ((l = buffer_gone_find(b, m->id)) == NULL ||
	    strcmp(l->user, m->user) != 0))
		return;
	/*
	 * Only a pending line changes: one already read back from Kafka is
	 * there whatever a late report says. (A failure reported after the
	 * read-back printed the line a second time in line mode, as not sent.)
	 */
	if (l->state != LINE_PENDING)
		return;
	if (err == KC_OK)
		l->state = LINE_SENT;
	else {
		chat_failed(l, errstr != NULL && *errstr != '\0' ?
		    errstr : kc_strerror(err));
	}
	chat_notify(c, CHAT_LINE_UPDATE, b, l);
}

/* A line the user wrote: what "not sent" counts (not joins and leaves). */
static int
chat_own_text(const struct line *l)
{
	return (l->flags & LINE_SELF) && (l->kind == LINE_MESSAGE ||
	    l->kind == LINE_ACTION || l->kind == LINE_DM);
}

/*
 * The line at index j of b's lines, then of the lines kept out of view
 * (NULL past both, or for a hole there).
 */
static struct line *
chat_own_at(struct buffer *b, size_t j)
{
	if (j < b->nlines)
		return &b->lines[j];
	return buffer_gone_at(b, j - b->nlines);
}

int
chat_pending(struct chat *c)
{
	struct buffer	*b;
	struct line	*l;
	size_t		 i, j;
	int		 n = 0;

	for (i = 0; i < c->nbuffers; i++) {
		b = c->buffers[i];
		for (j = 0; j < b->nlines + b->ngone; j++) {
			if ((l = chat_own_at(b, j)) != NULL &&
			    l->state == LINE_PENDING && chat_own_text(l))
				n++;
		}
	}
	return n;
}

int
chat_abandon(struct chat *c, const char *reason)
{
	struct buffer	*b;
	struct line	*l;
	size_t		 i, j;
	int		 n = 0;

	for (i = 0; i < c->nbuffers; i++) {
		b = c->buffers[i];
		for (j = 0; j < b->nlines + b->ngone; j++) {
			if ((l = chat_own_at(b, j)) == NULL ||
			    l->state != LINE_PENDING || !chat_own_text(l))
				continue;
			chat_failed(l, reason);
			chat_notify(c, CHAT_LINE_UPDATE, b, l);
			n++;
		}
	}
	return n;
}

int
chat_send_text(struct chat *c, enum kc_type type, const char *room,
    const char *to, const char *text)
{
	char	*piece;
	size_t	 len = strlen(text), n, skip, parts = 0;
	int	 rv = 0;

	if (kc_text_blank(text, len)) {
		chat_error(c, "nothing to send: the text is only blanks");
		return -1;
	}
	while (len > 0 && rv == 0) {
		n = split_next(text, len, KC_TEXT_MAX, &skip);
		/* A piece of blanks only (a paste's long run of them) is not
		 * a message. */
		if (!kc_text_blank(text, n)) {
			piece = xstrndup(text, n);
			rv = chat_send(c, type, room, to, piece);
			free(piece);
			parts++;
		}
		text += n + skip;
		len -= n + skip;
	}
	if (parts > 1)
		chat_info(c, "a long text went as %zu messages (at most %d "
		    "bytes each)", parts, KC_TEXT_MAX);
	return rv;
}

int
chat_say(struct chat *c, const char *text)
{
	struct buffer	*b = chat_current(c);
	const char	*room = chat_room(c);

	if (b == NULL || *room == '\0') {
		chat_error(c, "not in a room: /join #room first");
		return -1;
	}
	if (b->kind == BUFFER_DM)
		return chat_send_text(c, KC_TYPE_DM, room, b->target, text);
	return chat_send_text(c, KC_TYPE_MESSAGE, room, NULL, text);
}

/* ------------------------------------------------- rooms and history */

/* Adds fetched messages to b (history: sorted, not live). */
static int
chat_add_fetched(struct chat *c, struct buffer *b, const struct kc_msg *msgs,
    size_t count)
{
	size_t	i;
	int	added = 0;

	for (i = 0; i < count; i++) {
		if (strcmp(msgs[i].room, b->target) != 0 &&
		    msgs[i].type != KC_TYPE_DM)
			continue;
		added += chat_receive1(c, &msgs[i], 0);
	}
	return added;
}

/*
 * Starts a fetch of kind for b in the background and shows "loading…" in
 * b until it ends (chat_fetched()). -1, said in b, when it cannot start or
 * one for b still runs.
 */
static int
chat_fetch(struct chat *c, struct buffer *b, int kind, size_t n,
    const char *before, int64_t since_us)
{
	struct line	 l, *shown;
	char		 errstr[256] = "", when[32];
	const char	*what = kind == CHAT_FETCH_REPLAY ? "replay" : "history";
	unsigned	 id;
	int		 err;

	if (b->fetch != 0) {
		chat_info_to(c, b, LINE_ERROR, "%s of %s is still loading: "
		    "wait for it, then ask again", b->fetch_kind ==
		    CHAT_FETCH_REPLAY ? "the replay" : "the history", b->name);
		return -1;
	}
	if (++c->next_fetch == 0)
		c->next_fetch = 1;
	id = c->next_fetch;
	/* Set first: an answer may come at once (a fake in the tests). */
	b->fetch = id;
	b->fetch_kind = kind;
	b->fetch_n = n;
	b->fetch_since = since_us;
	memset(&l, 0, sizeof l);
	l.ts = kc_now_us();
	l.kind = LINE_INFO;
	l.flags = LINE_LOADING;
	if (kind == CHAT_FETCH_REPLAY) {
		format_time(since_us, "%Y-%m-%d %H:%M:%S", when, sizeof when);
		xasprintf(&l.text, "loading\u2026 replaying %s from %s", b->name,
		    when);
	} else
		xasprintf(&l.text, "loading\u2026 %s history of %s",
		    kind == CHAT_FETCH_MORE ? "older" : "the", b->name);
	/*
	 * Older lines come at the top, where PgUp took the user: say it
	 * there (at the bottom when the top of a full buffer is taken).
	 */
	shown = NULL;
	if (kind == CHAT_FETCH_MORE && b->nlines > 0) {
		l.ts = b->lines[0].ts - 1;
		shown = chat_add(c, b, &l, 1);
	}
	if (shown == NULL) {
		l.ts = kc_now_us();
		chat_add(c, b, &l, 0);
	}
	free(l.text);
	if (kind == CHAT_FETCH_REPLAY)
		err = c->ops->replay(c->arg, id, b->target, since_us, errstr,
		    sizeof errstr);
	else
		err = c->ops->history(c->arg, id, b->target, n, before, errstr,
		    sizeof errstr);
	if (err != KC_OK) {
		b->fetch = 0;
		if (buffer_drop(b, LINE_LOADING) > 0)
			chat_notify(c, CHAT_LINES_GONE, b, NULL);
		chat_info_to(c, b, LINE_ERROR, "%s of %s: %s", what, b->name,
		    errstr[0] != '\0' ? errstr : kc_strerror(err));
		return -1;
	}
	return 0;
}

/* The last messages of b's room, as on joining it. */
static void
chat_history_join(struct chat *c, struct buffer *b)
{
	b->history_due = 0;
	chat_fetch(c, b, CHAT_FETCH_JOIN, c->history, "", 0);
}

void
chat_fetched(struct chat *c, unsigned id, int err, const char *errstr,
    const struct kc_msg *msgs, size_t count)
{
	struct buffer	*b = NULL;
	const char	*what;
	char		 when[32];
	size_t		 i;
	int		 added;

	for (i = 0; id != 0 && i < c->nbuffers; i++) {
		if (c->buffers[i]->fetch == id)
			b = c->buffers[i];
	}
	if (b == NULL)
		return;		/* closed meanwhile */
	b->fetch = 0;
	what = b->fetch_kind == CHAT_FETCH_REPLAY ? "replay" : "history";
	if (buffer_drop(b, LINE_LOADING) > 0)
		chat_notify(c, CHAT_LINES_GONE, b, NULL);
	if (err != KC_OK) {
		chat_info_to(c, b, LINE_ERROR, "%s of %s: %s (/%s asks again)",
		    what, b->name, errstr != NULL && errstr[0] != '\0' ?
		    errstr : kc_strerror(err), what);
		return;
	}
	added = chat_add_fetched(c, b, msgs, count);
	switch (b->fetch_kind) {
	case CHAT_FETCH_JOIN:
		if (count < c->history)
			b->history_done = 1;
		break;
	case CHAT_FETCH_MORE:
		if (count < b->fetch_n)
			b->history_done = 1;
		if (added == 0)
			chat_info_to(c, b, LINE_INFO, "no older messages in %s",
			    b->name);
		else
			chat_info_to(c, b, LINE_INFO, "%d older message%s of %s "
			    "above", added, added == 1 ? "" : "s", b->name);
		break;
	case CHAT_FETCH_REPLAY:
		format_time(b->fetch_since, "%Y-%m-%d %H:%M:%S", when,
		    sizeof when);
		chat_info_to(c, b, LINE_INFO, "replayed %s from %s: %d line%s "
		    "not already shown", b->name, when, added,
		    added == 1 ? "" : "s");
		break;
	}
}

int
chat_join(struct chat *c, const char *room)
{
	struct buffer	*b;
	size_t		 i;
	int		 err;

	if (*room == '#')
		room++;
	if ((err = kc_room_validate(room, strlen(room))) != KC_OK) {
		chat_error(c, "cannot join \"%s\": %s", room, kc_strerror(err));
		return -1;
	}
	if ((b = chat_find_room(c, room)) != NULL) {
		for (i = 0; i < c->nbuffers; i++) {
			if (c->buffers[i] == b)
				chat_switch(c, i);
		}
		return 0;
	}
	b = chat_open(c, BUFFER_ROOM, room);
	chat_switch(c, c->nbuffers - 1);
	chat_seen(c, room);
	if (c->history > 0) {
		if (c->conn == CHAT_CONNECTED)
			chat_history_join(c, b);
		else
			b->history_due = 1;
	}
	chat_send(c, KC_TYPE_JOIN, room, NULL, NULL);
	chat_send(c, KC_TYPE_HEARTBEAT, room, NULL, NULL);
	return 0;
}

int
chat_part(struct chat *c, const char *name)
{
	struct buffer	*b;
	size_t		 i, rooms = 0;
	char		 room[KC_NAME_MAX + 2];

	/* A copy: name may be the buffer's own, freed below. */
	snprintf(room, sizeof room, "%s", *name == '#' ? name + 1 : name);
	if ((b = chat_find_room(c, room)) == NULL) {
		chat_error(c, "not in #%s", room);
		return -1;
	}
	for (i = 0; i < c->nbuffers; i++) {
		if (c->buffers[i]->kind == BUFFER_ROOM)
			rooms++;
	}
	if (rooms == 1) {
		chat_error(c, "#%s is your only room: /join another first, "
		    "or /quit", room);
		return -1;
	}
	chat_send(c, KC_TYPE_LEAVE, room, NULL, NULL);
	chat_close(c, b);
	if (strcmp(c->lastroom, room) == 0)
		c->lastroom[0] = '\0';
	chat_info(c, "left #%s", room);
	return 0;
}

int
chat_history_more(struct chat *c, struct buffer *b, size_t n)
{
	struct line	*oldest;
	char		 before[KC_ID_LEN + 1] = "";

	if (b->kind != BUFFER_ROOM) {
		chat_info_to(c, b, LINE_ERROR,
		    "direct messages have no history to fetch");
		return -1;
	}
	if ((oldest = buffer_oldest(b)) != NULL)
		memcpy(before, oldest->id, sizeof before);
	return chat_fetch(c, b, CHAT_FETCH_MORE, n, before, 0);
}

int
chat_replay(struct chat *c, struct buffer *b, int64_t since_us)
{
	if (b->kind != BUFFER_ROOM) {
		chat_info_to(c, b, LINE_ERROR,
		    "/replay works in rooms, not direct messages");
		return -1;
	}
	return chat_fetch(c, b, CHAT_FETCH_REPLAY, 0, "", since_us);
}

/* ----------------------------------------------------------- presence */

void
chat_heartbeat(struct chat *c)
{
	size_t i;

	/* Back from a time unheard: not before the look at who holds the
	 * name (chat_lapse_due()), a few seconds. */
	if (c->lapse_due != 0)
		return;

	for (i = 0; i < c->nbuffers; i++) {
		if (c->buffers[i]->kind == BUFFER_ROOM)
			chat_send(c, KC_TYPE_HEARTBEAT, c->buffers[i]->target,
			    NULL, NULL);
	}
}

void
chat_away(struct chat *c, const char *text)
{
	side_set_away(c->side, text);
	if (c->conn == CHAT_CONNECTED)
		chat_heartbeat(c);	/* the others see it now */
}

void
chat_typing(struct chat *c, const char *input)
{
	struct buffer *b = chat_current(c);

	if (input == NULL || input[0] == '\0' ||
	    (input[0] == '/' && input[1] != '/') || b == NULL ||
	    b->kind != BUFFER_ROOM || c->conn != CHAT_CONNECTED ||
	    !side_typing_due(c->side, kc_now_us()))
		return;
	chat_send(c, KC_TYPE_HEARTBEAT, b->target, NULL, "typing");
}

static void
chat_expired(void *arg, const char *room, const char *user)
{
}

void
chat_expire(struct chat *c, int64_t now_us)
{
	size_t i;

	kc_presence_expire(c->presence, now_us, chat_expired, c);
	/*
	 * Own lines out of view that Kafka will not read back (sent before
	 * the reader started, or the room's reader is gone) are forgotten.
	 */
	for (i = 0; i < c->nbuffers; i++)
		buffer_gone_expire(c->buffers[i], now_us -
		    (int64_t)TUI_GONE_KEEP_MS * 1000);
}

/* ----------------------------------------------------------- users */

struct names {
	char	**v;
	size_t	  n;
	const char *skip;
};

static void
names_add(struct names *ns, const char *name)
{
	size_t i;

	if (name == NULL || *name == '\0' || strcmp(name, ns->skip) == 0)
		return;
	for (i = 0; i < ns->n; i++) {
		if (strcmp(ns->v[i], name) == 0)
			return;
	}
	ns->v = xreallocarray(ns->v, ns->n + 1, sizeof *ns->v);
	ns->v[ns->n++] = xstrdup(name);
}

static void
names_who(void *arg, const char *room, const char *user)
{
	names_add(arg, user);
}

size_t
chat_users(struct chat *c, struct buffer *b, char ***out)
{
	struct names	ns = { NULL, 0, c->user };
	size_t		i;

	if (b != NULL) {
		if (b->kind == BUFFER_ROOM)
			kc_presence_who(c->presence, b->target, names_who, &ns);
		else
			names_add(&ns, b->target);
		for (i = b->nlines; i > 0; i--) {
			if (b->lines[i - 1].id[0] != '\0')
				names_add(&ns, b->lines[i - 1].user);
		}
	}
	for (i = 0; i < c->nbuffers; i++) {
		if (c->buffers[i]->kind == BUFFER_DM)
			names_add(&ns, c->buffers[i]->target);
	}
	if (ns.n > 0)
		qsort(ns.v, ns.n, sizeof *ns.v, seen_cmp);
	*out = ns.v;
	return ns.n;
}

void
chat_users_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ------------------------------------------------------ for lastlog.c */

unsigned
chat_fetch_id(struct chat *c)
{
	if (++c->next_fetch == 0)
		c->next_fetch = 1;
	return c->next_fetch;
}

int
chat_search(struct chat *c, unsigned id, const char *room, const char *q,
    const char *before, size_t scan, char *errstr, size_t len)
{
	if (c->ops->search == NULL) {
		snprintf(errstr, len, "this kchat-tui cannot search Kafka");
		return KC_ERR_INVAL;
	}
	return c->ops->search(c->arg, id, room, q, before, scan, errstr, len);
}

void
chat_note(struct chat *c, struct buffer *b, enum line_kind kind, int flags,
    const char *fmt, ...)
{
	struct line	 l;
	va_list		 ap;
	char		*s;
	int		 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	memset(&l, 0, sizeof l);
	l.ts = kc_now_us();
	l.kind = kind;
	l.flags = flags;
	l.text = sanitize_dup(s, n, SANITIZE_NEWLINE);
	free(s);
	chat_add(c, b, &l, 0);
	free(l.text);
}

void
chat_drop(struct chat *c, struct buffer *b, int flags)
{
	if (buffer_drop(b, flags) > 0)
		chat_notify(c, CHAT_LINES_GONE, b, NULL);
}
