/*
 * roomstate.c - what kchat-tui knows from the state topics (kchat.7,
 * TOPICS): every room of the cluster with its topic line (the rooms
 * topic), and how far its user has read in each room (the read topic, the
 * user's own markers only). Plain C: Kafka is reached through the writer
 * functions the program sets (tui/kafka-state.c).
 *
 * Reading: once a second (roomstate_tick()), when another buffer is
 * switched to, and at /quit, the current buffer, when scrolled to its
 * newest line, is read up to that line (lines seen in the last second
 * before a switch were counted unread after it): a
 * marker is written if it is further on than the known one (so at most
 * one a second per room, none while nothing new comes). A direct
 * conversation has markers too ("@peer", by id): the direct messages of
 * others after it are unread, so the ones read before a restart are not
 * counted again when kchat-tui shows those it missed. The unread counts of the other
 * room buffers are then counted from their markers: the messages of
 * others after the marker's line, or, when that line is not in the
 * buffer, those with a later id. So they survive a restart (history
 * after a marker is unread) and agree with the web client, and reading in
 * one clears the other. A room without a marker counts as chat.c does.
 *
 * A room opened (made current) with messages of others after its marker
 * shows a "new messages" line there until another buffer is opened.
 *
 * A room joined here that has no record gets one (who made it, when), once
 * the rooms topic has been read to its end (roomstate_ready()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct roomstate {
	struct kc_roomtab	*rooms;
	struct kc_marktab	*marks;		/* the user's own */
	int			 ready;
	roomstate_room_fn	*put_room;
	roomstate_marker_fn	*put_marker;
	void			*arg;
	char			 shown[KC_NAME_MAX + 2];	/* current, last tick */
};

struct roomstate *
roomstate_new(void)
{
	struct roomstate *rs = xcalloc(1, sizeof *rs);

	if ((rs->rooms = kc_roomtab_new()) == NULL ||
	    (rs->marks = kc_marktab_new()) == NULL) {
		fprintf(stderr, "kchat-tui: out of memory\n");
		abort();	/* as xmalloc() */
	}
	return rs;
}

void
roomstate_free(struct roomstate *rs)
{
	if (rs == NULL)
		return;
	kc_roomtab_free(rs->rooms);
	kc_marktab_free(rs->marks);
	free(rs);
}

void
roomstate_set_writer(struct roomstate *rs, roomstate_room_fn *room,
    roomstate_marker_fn *marker, void *arg)
{
	rs->put_room = room;
	rs->put_marker = marker;
	rs->arg = arg;
}

void
roomstate_ready(struct roomstate *rs)
{
	rs->ready = 1;
}

/* The buffer of a marker's room: "#room", or "@user" as it is. */
static struct buffer *
roomstate_buffer(struct chat *c, const char *room)
{
	char name[KC_NAME_MAX + 2];

	if (room[0] == '@')
		return chat_find(c, room);
	snprintf(name, sizeof name, "#%.*s", KC_NAME_MAX, room);
	return chat_find(c, name);
}

/*
 * The marker's room of b: its room, or for a direct conversation "@" and
 * the other party ("@bob"); NULL for a buffer without markers (the one
 * that gathers strangers' direct messages).
 */
static const char *
roomstate_key(const struct buffer *b)
{
	if (b == NULL)
		return NULL;
	if (b->kind == BUFFER_ROOM)
		return b->target;
	if (b->kind == BUFFER_DM && kc_user_validate(b->target,
	    strlen(b->target)) == KC_OK)
		return b->name;
	return NULL;
}

void
roomstate_room(struct chat *c, const struct kc_roominfo *ri, int tell)
{
	struct roomstate		*rs = chat_state(c);
	const struct kc_roominfo	*now;
	struct buffer			*b;
	char				 old[KC_TOPIC_MAX + 1] = "", *t;

	if (rs == NULL)
		return;
	if ((now = kc_roomtab_get(rs->rooms, ri->room)) != NULL)
		snprintf(old, sizeof old, "%s", now->topic);
	if (!kc_roomtab_apply(rs->rooms, ri))
		return;
	now = kc_roomtab_get(rs->rooms, ri->room);
	if (!tell || now == NULL || strcmp(old, now->topic) == 0 ||
	    (b = roomstate_buffer(c, ri->room)) == NULL)
		return;
	t = sanitize_dup(now->topic, strlen(now->topic), 0);
	if (t[0] == '\0')
		chat_info_to(c, b, LINE_INFO, "%s cleared the topic of #%s",
		    now->topic_by, now->room);
	else
		chat_info_to(c, b, LINE_INFO, "%s set the topic of #%s: %s",
		    now->topic_by, now->room, t);
	free(t);
	chat_touch(c, b);
}

void
roomstate_marker(struct chat *c, const struct kc_marker *mk)
{
	struct roomstate *rs = chat_state(c);

	if (rs == NULL || strcmp(mk->user, chat_user(c)) != 0)
		return;
	if (kc_marktab_apply(rs->marks, mk))
		roomstate_count(c, roomstate_buffer(c, mk->room));
}

const struct kc_roominfo *
roomstate_info(struct chat *c, const char *room)
{
	struct roomstate *rs = chat_state(c);

	return rs == NULL || room == NULL ? NULL : kc_roomtab_get(rs->rooms, room);
}

const struct kc_roomtab *
roomstate_rooms(struct chat *c)
{
	struct roomstate *rs = chat_state(c);

	return rs == NULL ? NULL : rs->rooms;
}

/* Writes ri and applies it here. */
static int
roomstate_put_room(struct chat *c, const struct kc_roominfo *ri,
    char *errstr, size_t len)
{
	struct roomstate	*rs = chat_state(c);
	int			 err;

	if (rs == NULL || rs->put_room == NULL) {
		snprintf(errstr, len, "not connected to Kafka yet");
		return -1;
	}
	if ((err = rs->put_room(rs->arg, ri)) != KC_OK) {
		snprintf(errstr, len, "%s", err == KC_ERR_NOT_FOUND ?
		    "the rooms topic is not open yet: try again once "
		    "connected" : kc_strerror(err));
		return -1;
	}
	roomstate_room(c, ri, 1);
	return 0;
}

int
roomstate_set_topic(struct chat *c, const char *room, const char *text,
    char *errstr, size_t len)
{
	const struct kc_roominfo	*cur = roomstate_info(c, room);
	struct kc_roominfo		 ri;
	int64_t				 now = kc_now_us();
	int				 err;

	if ((err = kc_topic_validate(text, strlen(text))) != KC_OK) {
		snprintf(errstr, len, "%s", kc_strerror(err));
		return -1;
	}
	memset(&ri, 0, sizeof ri);
	if (cur != NULL)
		ri = *cur;
	else {
		snprintf(ri.room, sizeof ri.room, "%s", room);
		snprintf(ri.created_by, sizeof ri.created_by, "%s", chat_user(c));
		ri.created_ts = now;
	}
	snprintf(ri.topic, sizeof ri.topic, "%s", text);
	snprintf(ri.topic_by, sizeof ri.topic_by, "%s", chat_user(c));
	ri.topic_ts = now > ri.topic_ts ? now : ri.topic_ts + 1;
	return roomstate_put_room(c, &ri, errstr, len);
}

/* Messages, actions and direct messages of others: what a count is about. */
static int
roomstate_countable(const struct line *l)
{
	return l->id[0] != '\0' && (l->kind == LINE_MESSAGE ||
	    l->kind == LINE_ACTION || l->kind == LINE_DM) &&
	    !(l->flags & (LINE_SELF | LINE_HIDDEN | LINE_LOADING));
}

void
roomstate_count(struct chat *c, struct buffer *b)
{
	struct roomstate	*rs = chat_state(c);
	const struct kc_marker	*mk;
	unsigned		 unread = 0, mentions = 0;
	size_t			 i, from = 0;
	int			 found = 0;

	if (rs == NULL || roomstate_key(b) == NULL || (mk =
	    kc_marktab_get(rs->marks, chat_user(c), roomstate_key(b))) == NULL)
		return;
	if (b == chat_current(c) && b->scroll == 0)
		return;		/* in view: read (roomstate_tick) */
	for (i = b->nlines; i > 0; i--) {
		if (strcmp(b->lines[i - 1].id, mk->id) == 0) {
			from = i;
			found = 1;
			break;
		}
	}
	for (i = from; i < b->nlines; i++) {
		if (!roomstate_countable(&b->lines[i]) ||
		    (!found && strcmp(b->lines[i].id, mk->id) <= 0))
			continue;
		unread++;
		/* A direct message counts as a mention, as chat.c counts it. */
		if ((b->lines[i].flags & LINE_MENTION) ||
		    b->lines[i].kind == LINE_DM)
			mentions++;
	}
	if (b->unread != unread || b->mentions != mentions) {
		b->unread = unread;
		b->mentions = mentions;
		chat_touch(c, b);
	}
}

/* The current room buffer, at its newest line, is read up to it. */
static void
roomstate_read(struct chat *c, struct buffer *b)
{
	struct roomstate	*rs = chat_state(c);
	const struct kc_marker	*old;
	struct kc_marker	 mk;
	const struct line	*l = NULL;
	size_t			 i;

	for (i = b->nlines; i > 0; i--) {
		l = &b->lines[i - 1];
		if (l->id[0] != '\0' && !(l->flags & LINE_LOADING) &&
		    (l->state == LINE_FINAL || l->state == LINE_SENT))
			break;
		l = NULL;
	}
	if (l == NULL || rs->put_marker == NULL || roomstate_key(b) == NULL)
		return;
	old = kc_marktab_get(rs->marks, chat_user(c), roomstate_key(b));
	if (old != NULL && strcmp(old->id, l->id) == 0)
		return;
	memset(&mk, 0, sizeof mk);
	snprintf(mk.user, sizeof mk.user, "%s", chat_user(c));
	snprintf(mk.room, sizeof mk.room, "%s", roomstate_key(b));
	snprintf(mk.id, sizeof mk.id, "%s", l->id);
	/* -1: not known; a conversation's lines lie in several partitions. */
	mk.offset = b->kind == BUFFER_ROOM ? l->offset1 - 1 : -1;
	mk.ts = kc_now_us();
	/* Not further on (a line with an older id came last): keep the old. */
	if (!kc_marker_newer(old, &mk))
		return;
	if (rs->put_marker(rs->arg, &mk) == KC_OK)
		kc_marktab_apply(rs->marks, &mk);
}

/*
 * The "new messages" line of b: after the line of its marker, or before
 * the first message of others with a later id when that line is not there;
 * none when nothing of others comes after it.
 */
static void
roomstate_divide(struct chat *c, struct buffer *b)
{
	struct roomstate	*rs = chat_state(c);
	const struct kc_marker	*mk;
	struct line		 l;
	size_t			 i, at = 0, first = b->nlines;
	int			 found = 0;

	if (b->kind != BUFFER_ROOM ||
	    (mk = kc_marktab_get(rs->marks, chat_user(c), b->target)) == NULL)
		return;
	for (i = b->nlines; i > 0; i--) {
		if (strcmp(b->lines[i - 1].id, mk->id) == 0) {
			at = i;
			found = 1;
			break;
		}
	}
	for (i = at; i < b->nlines; i++) {
		if (roomstate_countable(&b->lines[i]) &&
		    (found || strcmp(b->lines[i].id, mk->id) > 0)) {
			first = i;
			break;
		}
	}
	if (first == b->nlines)
		return;
	memset(&l, 0, sizeof l);
	l.ts = b->lines[first].ts;
	l.kind = LINE_INFO;
	l.flags = LINE_DIVIDER;
	l.text = "\xe2\x94\x80\xe2\x94\x80 new messages \xe2\x94\x80\xe2\x94\x80";
	buffer_insert(b, &l, first);	/* before the first unread of others */
}

/* Another buffer opened: the old "new messages" lines go, b gets its own. */
static void
roomstate_opened(struct chat *c, struct buffer *cur)
{
	struct roomstate	*rs = chat_state(c);
	struct buffer		*b;
	size_t			 i;

	if (cur == NULL || strcmp(rs->shown, cur->name) == 0)
		return;
	snprintf(rs->shown, sizeof rs->shown, "%s", cur->name);
	for (i = 0; i < chat_nbuffers(c); i++) {
		b = chat_buffer(c, i);
		if (buffer_drop(b, LINE_DIVIDER) > 0)
			chat_touch(c, b);
	}
	roomstate_divide(c, cur);
	chat_touch(c, cur);
}

void
roomstate_tick(struct chat *c)
{
	struct roomstate	*rs = chat_state(c);
	struct kc_roominfo	 ri;
	struct buffer		*b;
	char			 errstr[128];
	size_t			 i;

	if (rs == NULL)
		return;
	if (rs->ready)
		roomstate_opened(c, chat_current(c));
	for (i = 0; i < chat_nbuffers(c); i++) {
		b = chat_buffer(c, i);
		if (roomstate_key(b) == NULL)
			continue;
		if (b->kind == BUFFER_ROOM && rs->ready &&
		    kc_roomtab_get(rs->rooms, b->target) == NULL &&
		    rs->put_room != NULL) {
			memset(&ri, 0, sizeof ri);
			snprintf(ri.room, sizeof ri.room, "%s", b->target);
			snprintf(ri.created_by, sizeof ri.created_by, "%s",
			    chat_user(c));
			ri.created_ts = kc_now_us();
			roomstate_put_room(c, &ri, errstr, sizeof errstr);
		}
		if (b == chat_current(c) && b->scroll == 0 && rs->ready)
			roomstate_read(c, b);
		else
			roomstate_count(c, b);
	}
}

void
roomstate_leave(struct chat *c, struct buffer *b)
{
	struct roomstate *rs = chat_state(c);

	if (rs != NULL && rs->ready && b != NULL && roomstate_key(b) != NULL &&
	    b->scroll == 0)
		roomstate_read(c, b);
}

void
roomstate_quit(struct chat *c)
{
	roomstate_leave(c, chat_current(c));
}
