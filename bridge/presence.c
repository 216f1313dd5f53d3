/*
 * presence.c - who is in which room, across every bridge and terminal:
 * the table is fed by the presence topic (heartbeats, typing) and by the
 * chat topic (joins, leaves, messages), expires those not heard of for
 * KC_PRESENCE_TIMEOUT_MS, and on every change sends the room's
 * {"type":"presence"} to the extended connections in it here. This bridge
 * heartbeats every (room, user) it has a connection of, every
 * KC_PRESENCE_INTERVAL_MS.
 *
 * Typing: a heartbeat whose text is "typing" (the presence topic, so every
 * bridge relays it; kchat-tui may ignore the text). Frames are relayed only
 * while the record is younger than TYPING_FRESH_US.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define EXPIRE_US		(1000 * 1000)
#define TYPING_FRESH_US		(10 * 1000000LL)
#define ACTIVE_MAX		100	/* rooms listed in a "rooms" answer */
#define ACTIVE_FRESH_US		(500 * 1000)	/* its reuse while presence changes */

static struct kc_presence	*presence;
static unsigned			 gen;		/* bumped on every change */
static lws_sorted_usec_list_t	 expire_sul, heartbeat_sul;

/*
 * The "active" list of a rooms answer: the first ACTIVE_MAX rooms with
 * anyone in them, by name, and their user counts. Counting costs a pass
 * over all presence entries per room, so the list is built once and shared
 * by every answer until presence changes, and at most every
 * ACTIVE_FRESH_US while it keeps changing.
 */
static struct {
	char			names[ACTIVE_MAX][KC_NAME_MAX + 1];
	struct kc_wire_room	rooms[ACTIVE_MAX];
	size_t			n, total;
	unsigned		gen;
	int64_t			at;
	int			valid;
} active;

struct names {
	const char	**v;
	size_t		  n, cap;
};

static void
presence_name_one(void *opaque, const char *room, const char *user)
{
	struct names	 *w = opaque;
	const char	**v;

	if (w->n == w->cap) {
		if ((v = realloc(w->v, (w->cap ? w->cap * 2 : 16) *
		    sizeof *v)) == NULL)
			return;
		w->v = v;
		w->cap = w->cap ? w->cap * 2 : 16;
	}
	w->v[w->n++] = user;
}

/* Who is in room, and (the "away" list) who of them is /away. */
struct frame *
presence_frame(const char *room)
{
	struct names	 w = { NULL, 0, 0 };
	struct kc_buf	 b = { 0 };
	struct frame	*f = NULL;
	const char	**away;
	size_t		  i, naway = 0;

	if (presence == NULL)
		return NULL;
	kc_presence_who(presence, room, presence_name_one, &w);
	if ((away = calloc(w.n + 1, sizeof *away)) == NULL) {
		free(w.v);
		return NULL;
	}
	for (i = 0; i < w.n; i++) {
		if (kc_presence_away(presence, room, w.v[i]))
			away[naway++] = w.v[i];
	}
	if (kc_wire_presence_away(room, w.v, w.n, away, naway, &b) == KC_OK)
		f = frame_of(&b);
	kc_buf_free(&b);
	free(away);
	free(w.v);
	return f;
}

/* Sends room's presence to its extended connections here. */
static void
presence_send(const char *room)
{
	struct frame *f;

	if (!rooms_has(room))
		return;		/* nobody here cares */
	if ((f = presence_frame(room)) == NULL)
		return;
	rooms_send(room, f, 1);
	frame_unref(f);
}

static void
presence_active_one(void *opaque, const char *room, const char *user)
{
	if (active.n < ACTIVE_MAX)
		snprintf(active.names[active.n++], KC_NAME_MAX + 1, "%s", room);
}

size_t
presence_active(const struct kc_wire_room **out, size_t *total)
{
	int64_t	now = kc_now_us();
	size_t	i;

	if (!active.valid || (active.gen != gen &&
	    now - active.at >= ACTIVE_FRESH_US)) {
		active.n = 0;
		active.gen = gen;
		active.at = now;
		active.valid = 1;
		active.total = presence == NULL ? 0 :
		    kc_presence_rooms(presence, presence_active_one, NULL);
		for (i = 0; i < active.n; i++) {
			active.rooms[i].room = active.names[i];
			active.rooms[i].users = kc_presence_who(presence,
			    active.names[i], NULL, NULL);
		}
	}
	*out = active.rooms;
	*total = active.total;
	return active.n;
}

void
presence_topic_record(const struct kc_msg *m)
{
	struct kc_buf	b = { 0 };
	struct frame	*f;
	int64_t		now = kc_now_us();

	if (kc_presence_apply(presence, m, now)) {
		gen++;
		presence_send(m->room);
	}
	if (m->type != KC_TYPE_HEARTBEAT || m->text == NULL ||
	    strcmp(m->text, "typing") != 0 || now - m->ts > TYPING_FRESH_US)
		return;
	if (kc_wire_typing(m->room, m->user, m->ts, &b) == KC_OK &&
	    (f = frame_of(&b)) != NULL) {
		rooms_send(m->room, f, 1);
		frame_unref(f);
	}
	kc_buf_free(&b);
}

/*
 * A leave of an instance that still has connections in room here (the same
 * browser's tab on another bridge left): say at once that it is here, not
 * at the next heartbeat round, and apply that here too. Returns 1 when
 * that changed presence.
 */
static int
presence_still_here(const struct kc_msg *leave, int64_t now)
{
	struct kc_msg	m;
	int		changed = 0;

	kafka_heartbeat(leave->room, leave->user, leave->inst, 0, NULL);
	kc_msg_init(&m);
	if (kc_msg_make(&m, KC_TYPE_HEARTBEAT, leave->room, leave->user, NULL,
	    NULL, 0) == KC_OK) {
		snprintf(m.inst, sizeof m.inst, "%s", leave->inst);
		changed = kc_presence_apply(presence, &m, now);
	}
	kc_msg_clear(&m);
	return changed;
}

void
presence_own(const struct kc_msg *m)
{
	presence_chat_record(m);
}

void
presence_chat_record(const struct kc_msg *m)
{
	int64_t	now = kc_now_us();
	int	changed;

	/*
	 * Per instance: another instance's leave (another browser, a
	 * terminal) does not take out this bridge's connections of the same
	 * user; a leave of one of theirs (a tab on another bridge) is
	 * answered at once.
	 */
	changed = kc_presence_apply(presence, m, now);
	/* Both toggle the same instance: together they may change nothing. */
	if (m->type == KC_TYPE_LEAVE && !loop_stopping() &&
	    users_inst_count(m->room, m->user, m->inst) > 0)
		changed ^= presence_still_here(m, now);
	if (changed) {
		gen++;
		presence_send(m->room);
	}
}

struct expired {
	char	rooms[16][KC_NAME_MAX + 1];
	int	n;
	int	overflow;
};

static void
presence_expired_one(void *opaque, const char *room, const char *user)
{
	struct expired	*e = opaque;
	int		 i;

	log_debug("presence: %s timed out in %s", user, room);
	gen++;
	for (i = 0; i < e->n; i++) {
		if (strcmp(e->rooms[i], room) == 0)
			return;
	}
	if (e->n < 16)
		snprintf(e->rooms[e->n++], KC_NAME_MAX + 1, "%s", room);
	else
		e->overflow = 1;
}

static void
presence_expire_cb(lws_sorted_usec_list_t *sul)
{
	struct expired	e = { .n = 0 };
	int		i;

	kc_presence_expire(presence, kc_now_us(), presence_expired_one, &e);
	for (i = 0; i < e.n; i++)
		presence_send(e.rooms[i]);
	/* More rooms changed than remembered: the next pass is soon. */
	lws_sul_schedule(loop_context(), 0, &expire_sul, presence_expire_cb,
	    e.overflow ? 1 : EXPIRE_US);
}

static void
presence_heartbeat_one(const char *room, const char *user, const char *inst,
    const char *away, void *arg)
{
	kafka_heartbeat(room, user, inst, 0, away);
}

int
presence_holder(const char *user, const char *inst, struct kc_holder *h)
{
	return kc_presence_holder(presence, user, inst, kc_now_us(), h);
}

/* A connection here holding the name looked for, or one alike. */
struct alike {
	const char	*user;
	int		 exact;
	char		 like[KC_NAME_MAX + 1];
};

static void
presence_alike_one(struct session *o, void *arg)
{
	struct alike *a = arg;

	if (strcmp(o->user, a->user) == 0)
		a->exact = 1;
	else if (a->like[0] == '\0')
		snprintf(a->like, sizeof a->like, "%s", o->user);
}

int
presence_alike(const char *user, char like[KC_NAME_MAX + 1])
{
	struct alike		a;
	struct kc_holder	h;

	memset(&a, 0, sizeof a);
	a.user = user;
	/* Here first: a connection's join may not be read back yet. */
	users_foreach_like(user, presence_alike_one, &a);
	if (a.exact)
		return 0;
	if (kc_presence_alike(presence, user, kc_now_us(), &h)) {
		snprintf(like, KC_NAME_MAX + 1, "%s", h.user);
		return 1;
	}
	if (a.like[0] == '\0')
		return 0;
	/*
	 * Presence knows of someone alike, yet not of someone alike only:
	 * user is online too (on another bridge, a terminal).
	 */
	if (kc_presence_holder(presence, user, NULL, kc_now_us(), NULL))
		return 0;
	snprintf(like, KC_NAME_MAX + 1, "%s", a.like);
	return 1;
}

static void
presence_heartbeat_cb(lws_sorted_usec_list_t *sul)
{
	rooms_each_member(presence_heartbeat_one, NULL);
	lws_sul_schedule(loop_context(), 0, &heartbeat_sul,
	    presence_heartbeat_cb, (lws_usec_t)KC_PRESENCE_INTERVAL_MS * 1000);
}

int
presence_start(void)
{
	if ((presence = kc_presence_new()) == NULL)
		return KC_ERR_NOMEM;
	lws_sul_schedule(loop_context(), 0, &expire_sul, presence_expire_cb,
	    EXPIRE_US);
	lws_sul_schedule(loop_context(), 0, &heartbeat_sul,
	    presence_heartbeat_cb, (lws_usec_t)KC_PRESENCE_INTERVAL_MS * 1000);
	return KC_OK;
}

void
presence_stop(void)
{
	lws_sul_cancel(&expire_sul);
	lws_sul_cancel(&heartbeat_sul);
	kc_presence_free(presence);
	presence = NULL;
	memset(&active, 0, sizeof active);
}

size_t
presence_count(const char *room)
{
	return presence == NULL ? 0 : kc_presence_who(presence, room, NULL, NULL);
}
