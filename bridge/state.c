/*
 * state.c - the shared state of the state topics (kchat.7, TOPICS): the
 * rooms topic (every room on the cluster, who made it, its topic line) and
 * the read topic (how far each user has read in each room). Both are read
 * from their beginning at start, until caught up, and followed live
 * through their wake-up pipes adopted into the loop; what this bridge
 * writes is applied at once, so that its own clients see it without
 * waiting for Kafka (reading it back then changes nothing).
 *
 * Frames: a room's "topic" goes to the extended connections in the room
 * when its topic changes and to a connection that joins it; a "marker"
 * goes to every extended connection of the marker's user (here: any of
 * their tabs), and to a connection that joins a room or binds its name.
 * A room gets its record the first time anyone joins it here and none is
 * known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"

#define STATE_CATCH_UP_US	(5 * 1000000LL)	/* reading at start, at most */
#define STATE_QUIET_MS		300
#define STATE_BUDGET		256		/* records per loop pass */
#define STATE_LIST_MAX		200		/* rooms in a "rooms" answer */
#define STATE_FLUSH_MS		1000

struct stopic {
	struct kc_state		*st;
	struct lws		*wsi;
	int			 markers;	/* the read topic */
	lws_sorted_usec_list_t	 more;
};

static struct stopic		 rooms_t, reads_t;
static struct kc_roomtab	*roomtab;
static struct kc_marktab	*marktab;
static struct kc_wire_room	 list[STATE_LIST_MAX];
static uint64_t			 skipped;	/* records that did not decode */

static void
state_send_topic(const struct kc_roominfo *ri)
{
	struct kc_buf	 b = { 0 };
	struct frame	*f;

	if (!rooms_has(ri->room))
		return;
	if (kc_wire_topic(ri, NULL, &b) == KC_OK && (f = frame_of(&b)) != NULL) {
		rooms_send(ri->room, f, 1);
		frame_unref(f);
	}
	kc_buf_free(&b);
}

/* A marker's frame (arg) to one connection of its user that wants it. */
static void
state_marker_one(struct session *s, void *arg)
{
	if (s->ext)
		session_send_ext(s, arg);
}

static void
state_send_marker(const struct kc_marker *mk)
{
	struct kc_buf	 b = { 0 };
	struct frame	*f;

	if (kc_wire_marker(mk, &b) == KC_OK && (f = frame_of(&b)) != NULL) {
		users_foreach(mk->user, state_marker_one, f);
		frame_unref(f);
	}
	kc_buf_free(&b);
}

/* One record of either topic: into its table, and to who cares. */
static void
state_apply(struct stopic *t, const struct kc_buf *key, const struct kc_buf *val,
    int tell)
{
	struct kc_roominfo	ri;
	struct kc_marker	mk;

	if (val->len == 0)
		return;		/* a tombstone: nothing kchat writes */
	if (!t->markers) {
		if (kc_roominfo_decode(val->data, val->len, &ri) != KC_OK) {
			skipped++;
			return;
		}
		if (kc_roomtab_apply(roomtab, &ri) && tell)
			state_send_topic(kc_roomtab_get(roomtab, ri.room));
		return;
	}
	if (kc_marker_decode(val->data, val->len, &mk) != KC_OK) {
		skipped++;
		return;
	}
	if (kc_marktab_apply(marktab, &mk) && tell)
		state_send_marker(&mk);
}

static void state_more(lws_sorted_usec_list_t *);

static void
state_read(struct stopic *t)
{
	struct kc_buf	key = { 0 }, val = { 0 };
	char		buf[256];
	int		n;

	while (read(kc_state_fd(t->st), buf, sizeof buf) > 0)
		;
	for (n = 0; n < STATE_BUDGET; n++) {
		if (kc_state_next(t->st, &key, &val) != KC_OK)
			break;
		state_apply(t, &key, &val, 1);
	}
	kc_buf_free(&key);
	kc_buf_free(&val);
	if (n == STATE_BUDGET)
		lws_sul_schedule(loop_context(), 0, &t->more, state_more, 1);
}

static void
state_more(lws_sorted_usec_list_t *sul)
{
	state_read(lws_container_of(sul, struct stopic, more));
}

static int
state_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct stopic *t = lws_get_opaque_user_data(wsi);

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return filter_refuse_upgrade(wsi);
	case LWS_CALLBACK_RAW_RX_FILE:
		if (t != NULL)
			state_read(t);
		break;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (t != NULL)
			t->wsi = NULL;
		break;
	default:
		break;
	}
	return 0;
}

const struct lws_protocols state_protocol = {
	.name = "kchat-state",
	.callback = state_callback,
};

static void
state_catch_one(void *arg, const struct kc_buf *key, const struct kc_buf *val)
{
	state_apply(arg, key, val, 0);
}

static int
state_open(struct lws_vhost *vh, struct stopic *t, const char *topic,
    int markers, char *errstr, size_t errlen)
{
	lws_sock_file_fd_type	fd;
	size_t			n;
	int			err;

	memset(t, 0, sizeof *t);
	t->markers = markers;
	if ((err = kc_state_new(opts.conf, topic, &t->st, errstr, errlen)) !=
	    KC_OK)
		return err;
	n = kc_state_catch_up(t->st, kc_now_us() + STATE_CATCH_UP_US,
	    STATE_QUIET_MS, state_catch_one, t);
	log_info("%s: %zu records read", topic, n);
	if ((fd.filefd = dup(kc_state_fd(t->st))) < 0) {
		snprintf(errstr, errlen, "no wake-up pipe: %s", strerror(errno));
		return KC_ERR_IO;
	}
	if ((t->wsi = lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC,
	    fd, state_protocol.name, NULL)) == NULL) {
		close(fd.filefd);
		snprintf(errstr, errlen, "cannot watch a wake-up pipe");
		return KC_ERR_IO;
	}
	lws_set_opaque_user_data(t->wsi, t);
	lws_sul_schedule(loop_context(), 0, &t->more, state_more, 1);
	return KC_OK;
}

int
state_start(struct lws_vhost *vh, char *errstr, size_t errlen)
{
	char	topic[300];
	int	err;

	if (roomtab == NULL && (roomtab = kc_roomtab_new()) == NULL)
		return KC_ERR_NOMEM;
	if (marktab == NULL && (marktab = kc_marktab_new()) == NULL)
		return KC_ERR_NOMEM;
	if ((err = kc_rooms_topic(opts.topic, topic, sizeof topic)) != KC_OK ||
	    (err = state_open(vh, &rooms_t, topic, 0, errstr, errlen)) != KC_OK)
		return err;
	if ((err = kc_read_topic(opts.topic, topic, sizeof topic)) != KC_OK ||
	    (err = state_open(vh, &reads_t, topic, 1, errstr, errlen)) != KC_OK)
		return err;
	return KC_OK;
}

void
state_stop(void)
{
	struct stopic	*ts[2] = { &rooms_t, &reads_t };
	int		 i;

	for (i = 0; i < 2; i++) {
		if (loop_context() != NULL)
			lws_sul_cancel(&ts[i]->more);
		kc_state_free(ts[i]->st, STATE_FLUSH_MS);
		ts[i]->st = NULL;
	}
	kc_roomtab_free(roomtab);
	kc_marktab_free(marktab);
	roomtab = NULL;
	marktab = NULL;
}

/* Writes ri and applies it here; tell: send the topic frame. */
static int
state_put_room(const struct kc_roominfo *ri)
{
	struct kc_buf	b = { 0 };
	int		err;

	if (rooms_t.st == NULL)
		return KC_ERR_KAFKA;
	if ((err = kc_roominfo_encode(ri, &b)) == KC_OK &&
	    (err = kc_state_put(rooms_t.st, ri->room, b.data, b.len)) == KC_OK &&
	    kc_roomtab_apply(roomtab, ri))
		state_send_topic(kc_roomtab_get(roomtab, ri->room));
	kc_buf_free(&b);
	return err;
}

const struct kc_roominfo *
state_room(const char *room)
{
	return kc_roomtab_get(roomtab, room);
}

int
state_set_topic(const char *room, const char *user, const char *text)
{
	const struct kc_roominfo	*cur = kc_roomtab_get(roomtab, room);
	struct kc_roominfo		 ri;
	int64_t				 now = kc_now_us();

	memset(&ri, 0, sizeof ri);
	if (cur != NULL)
		ri = *cur;
	else {
		snprintf(ri.room, sizeof ri.room, "%s", room);
		snprintf(ri.created_by, sizeof ri.created_by, "%s", user);
		ri.created_ts = now;
	}
	snprintf(ri.topic, sizeof ri.topic, "%s", text);
	snprintf(ri.topic_by, sizeof ri.topic_by, "%s", user);
	/* Later than what is known, whatever the clocks say. */
	ri.topic_ts = now > ri.topic_ts ? now : ri.topic_ts + 1;
	return state_put_room(&ri);
}

int
state_mark(const char *user, const char *room, const char *id, int64_t offset)
{
	struct kc_marker	 mk;
	struct kc_buf		 b = { 0 };
	char			 key[KC_MARKER_KEY_MAX];
	int			 err;

	if (reads_t.st == NULL)
		return KC_OK;	/* markers are off (logged at start) */
	memset(&mk, 0, sizeof mk);
	snprintf(mk.user, sizeof mk.user, "%s", user);
	snprintf(mk.room, sizeof mk.room, "%s", room);
	snprintf(mk.id, sizeof mk.id, "%s", id);
	mk.offset = offset;
	mk.ts = kc_now_us();
	/* Not further on than what is known: nothing to write. */
	if (!kc_marker_newer(kc_marktab_get(marktab, user, room), &mk))
		return KC_OK;
	if ((err = kc_marker_key(user, room, key, sizeof key)) == KC_OK &&
	    (err = kc_marker_encode(&mk, &b)) == KC_OK &&
	    (err = kc_state_put(reads_t.st, key, b.data, b.len)) == KC_OK &&
	    kc_marktab_apply(marktab, &mk))
		state_send_marker(&mk);
	kc_buf_free(&b);
	return err;
}

void
state_joined(struct session *s, const char *room)
{
	const struct kc_roominfo	*ri = kc_roomtab_get(roomtab, room);
	const struct kc_marker		*mk;
	struct kc_roominfo		 made;
	struct kc_buf			 b = { 0 };

	if (ri == NULL && s->user[0] != '\0') {
		memset(&made, 0, sizeof made);
		snprintf(made.room, sizeof made.room, "%s", room);
		snprintf(made.created_by, sizeof made.created_by, "%s", s->user);
		made.created_ts = kc_now_us();
		state_put_room(&made);
		ri = kc_roomtab_get(roomtab, room);
	}
	if (!s->ext)
		return;
	if (ri != NULL && kc_wire_topic(ri, NULL, &b) == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_reset(&b);
	if (s->user[0] != '\0' &&
	    (mk = kc_marktab_get(marktab, s->user, room)) != NULL &&
	    kc_wire_marker(mk, &b) == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_free(&b);
}

size_t
state_rooms(const struct kc_wire_room **out, size_t *total)
{
	const struct kc_roominfo	*ri;
	size_t				 i, n = kc_roomtab_count(roomtab);

	for (i = 0; i < n && i < STATE_LIST_MAX; i++) {
		ri = kc_roomtab_at(roomtab, i);
		list[i].room = ri->room;
		list[i].topic = ri->topic;
		list[i].users = presence_count(ri->room);
	}
	*out = list;
	*total = n;
	return i;
}
