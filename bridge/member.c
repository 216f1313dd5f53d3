/*
 * member.c - the rooms a connection is in, the user name bound to it, and
 * the join and leave records they make: a user's first connection in a
 * room on this bridge announces the join, the last one the leave. Joining
 * notes where the chat reader is in the room's partition (the connection's
 * live stream begins there) and asks for the page of history below it.
 * Binding a name asks for the user's stored direct messages likewise, and
 * MEMBER_NAMECHECK_US later the name is looked at again (namecheck.c).
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define MEMBER_NAMECHECK_US	(3 * 1000000LL)

static lws_sorted_usec_list_t	namecheck_sul;

int
member_find(const struct session *s, const char *room)
{
	unsigned i;

	for (i = 0; i < s->nmembers; i++) {
		if (strcmp(s->members[i].room, room) == 0)
			return (int)i;
	}
	return -1;
}

size_t
member_names(const struct session *s, const char *names[BRIDGE_ROOMS_MAX])
{
	unsigned i;

	for (i = 0; i < s->nmembers; i++)
		names[i] = s->members[i].room;
	return s->nmembers;
}

/* Produces a join or leave record for s's user in room. */
static void
member_announce(struct session *s, enum kc_type type, const char *room,
    const char *text, size_t len)
{
	struct kc_msg	m;
	int		err;

	kc_msg_init(&m);
	if ((err = kc_msg_make(&m, type, room, s->user, NULL,
	    len > 0 ? text : NULL, len)) == KC_OK) {
		snprintf(m.via, sizeof m.via, "web");
		snprintf(m.inst, sizeof m.inst, "%s", s->inst);
		if (type == KC_TYPE_JOIN)
			snprintf(m.away, sizeof m.away, "%s",
			    s->away != NULL ? s->away : "");
		if ((err = kafka_send(&m, NULL)) == KC_OK)
			presence_own(&m);
	}
	if (err != KC_OK)
		log_warn("cannot announce %s of %s in %s: %s",
		    kc_type_name(type), s->user, room, kc_strerror(err));
	kc_msg_clear(&m);
}

void
member_join_history(struct session *s, const char *room, int64_t since,
    const char *ref, unsigned attempt)
{
	struct history_ask	a;
	int			i;

	if (opts.history == 0 || (i = member_find(s, room)) < 0)
		return;
	memset(&a, 0, sizeof a);
	snprintf(a.room, sizeof a.room, "%s", room);
	snprintf(a.ref, sizeof a.ref, "%s", ref ? ref : "");
	a.n = opts.history;
	a.before = s->members[i].live_from >= 0 ? s->members[i].live_from :
	    KC_OFFSET_END;
	a.since = since > 0 ? since : 0;
	a.join = 1;
	a.attempt = attempt;
	if (history_request(s, &a) != KC_OK)
		session_error(s, KC_ERR_BUSY, NULL, ref);
}

/* "joined" or "left" to an extended connection. */
static void
member_tell(struct session *s, int joined, const char *room, const char *ref)
{
	const char	*names[BRIDGE_ROOMS_MAX];
	struct kc_buf	 b = { 0 };
	size_t		 n;
	int		 err;

	if (!s->ext)
		return;
	n = member_names(s, names);
	err = joined ? kc_wire_joined(room, names, n, ref, &b) :
	    kc_wire_left(room, names, n, ref, &b);
	if (err == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_free(&b);
}

int
member_join(struct session *s, const char *room, const char *text, size_t len,
    const char *ref, int64_t since)
{
	struct member	*mb;
	int		 err;

	if (member_find(s, room) < 0) {
		if (s->nmembers == BRIDGE_ROOMS_MAX) {
			session_error(s, KC_ERR_TOO_MANY_ROOMS, NULL, ref);
			return -1;
		}
		if (s->nmembers == s->cmembers) {
			unsigned	 c = s->cmembers ? s->cmembers * 2 : 2;
			struct member	*v;

			if (c > BRIDGE_ROOMS_MAX)
				c = BRIDGE_ROOMS_MAX;
			if ((v = realloc(s->members, c * sizeof *v)) == NULL) {
				session_error(s, KC_ERR_NOMEM, NULL, ref);
				return -1;
			}
			s->members = v;
			s->cmembers = c;
		}
		if ((err = rooms_add(s, room)) != KC_OK) {
			session_error(s, err, NULL, ref);
			return -1;
		}
		mb = &s->members[s->nmembers++];
		snprintf(mb->room, sizeof mb->room, "%s", room);
		/* Live from the next record the chat reader delivers. */
		mb->live_from = kafka_live_offset(room);
		/* Its recent history kept in memory from here on. */
		cache_join(room);
		if (s->user[0] != '\0' && users_inst_count(room, s->user, s->inst) == 1)
			member_announce(s, KC_TYPE_JOIN, room, text, len);
	}
	snprintf(s->room, sizeof s->room, "%s", room);
	member_tell(s, 1, room, ref);
	/* History of room already on its way to s: that one will do. */
	if (!history_busy(s, room))
		member_join_history(s, room, since, ref, 0);
	if (s->ext) {
		struct frame *f = presence_frame(room);

		session_send(s, f);
		frame_unref(f);
	}
	state_joined(s, room);
	return 0;
}

/* Takes room (index i) off s's list. */
static void
member_drop(struct session *s, int i)
{
	rooms_remove(s, s->members[i].room);
	memmove(&s->members[i], &s->members[i + 1],
	    (s->nmembers - (unsigned)i - 1) * sizeof s->members[0]);
	s->nmembers--;
}

void
member_leave(struct session *s, const char *room, const char *text,
    size_t len, const char *ref)
{
	char	name[KC_NAME_MAX + 1];
	int	i, last;

	if ((i = member_find(s, room)) < 0) {
		session_error(s, KC_ERR_NOT_IN_ROOM, NULL, ref);
		return;
	}
	snprintf(name, sizeof name, "%s", room);
	last = s->user[0] != '\0' &&
	    users_inst_count(name, s->user, s->inst) == 1;
	/* Out first: the leave, read back, must not find s still there. */
	member_drop(s, i);
	if (last && !loop_stopping())
		member_announce(s, KC_TYPE_LEAVE, name, text, len);
	if (strcmp(s->room, name) == 0)
		snprintf(s->room, sizeof s->room, "%s",
		    s->nmembers > 0 ? s->members[0].room : "");
	member_tell(s, 0, name, ref);
}

struct holder {
	const struct session	*s;
	struct kc_holder	 h;
	int			 found;
};

static void
member_holder_one(struct session *o, void *arg)
{
	struct holder *h = arg;

	if (o != h->s && strcmp(o->inst, h->s->inst) != 0) {
		snprintf(h->h.user, sizeof h->h.user, "%s", o->user);
		h->found = 1;
	}
}

/* "NAME is in use by someone else who is online since …: …" into msg. */
static void
member_in_use(char *msg, size_t len, const char *name,
    const struct kc_holder *h)
{
	char when[27] = "", like[KC_NAME_MAX + 48] = "";

	if (h->since > 0 && kc_time_format(h->since, when) == KC_OK)
		when[16] = '\0';	/* YYYY-MM-DDTHH:MM */
	if (strcmp(h->user, name) != 0)
		snprintf(like, sizeof like, " (too like %s, which", h->user);
	snprintf(msg, len, "%s%s is in use by someone else who is online%s%s%s%s: "
	    "choose another name", name, like, *when ? " since " : "", when,
	    *when ? " UTC" : "", *like ? ")" : "");
}

/*
 * Whether another client instance than s's holds name, or a name that
 * is alike (kc_alike(): it would pass for theirs): a connection
 * here, or any live instance the presence topics tell of (another bridge,
 * a terminal). The same browser (its token) or connection is not another.
 */
static int
member_name_taken(struct session *s, const char *name, const char *ref)
{
	struct holder	h;
	char		msg[256];

	/* With accounts the name is the account's: every session of it. */
	if (s->account[0] != '\0')
		return 0;
	memset(&h, 0, sizeof h);
	h.s = s;
	users_foreach_like(name, member_holder_one, &h);
	if (!h.found && !presence_holder(name, s->inst, &h.h))
		return 0;
	member_in_use(msg, sizeof msg, name, &h.h);
	log_info("refused name %s to %s (%s): in use", name, s->addr,
	    s->client_id);
	session_error(s, KC_ERR_NAME_IN_USE, msg, ref);
	return 1;
}

/*
 * A name bound a moment ago, looked at again: a client that held it
 * before (another bridge's, a terminal) whose records were still on their
 * way keeps it; this connection is told (name_in_use) and closed, as a
 * refused bind would have been. One that came after is told by its own.
 */
static void
member_namecheck_one(struct session *s)
{
	struct kc_holder	h;
	char			msg[256];

	if (s->closing || s->user[0] == '\0' || s->account[0] != '\0' ||
	    !presence_holder(s->user, s->inst, &h) || h.since >= s->bound_at)
		return;
	member_in_use(msg, sizeof msg, s->user, &h);
	log_info("took name %s back from %s (%s): held before it was bound",
	    s->user, s->addr, s->client_id);
	session_error(s, KC_ERR_NAME_IN_USE, msg, NULL);
	session_end(s, "name in use");
}

static void
member_namecheck_cb(lws_sorted_usec_list_t *sul)
{
	struct namecheck	*n;
	int64_t			 now = kc_now_us(), next;

	(void)sul;
	while ((n = namecheck_due(now)) != NULL)
		member_namecheck_one(lws_container_of(n, struct session,
		    namecheck));
	if ((next = namecheck_next()) != 0)
		lws_sul_schedule(loop_context(), 0, &namecheck_sul,
		    member_namecheck_cb, (lws_usec_t)(next > now ? next - now :
		    0));
}

/* s's name, just bound, to be looked at again in a moment. */
static void
member_namecheck_add(struct session *s)
{
	int first = namecheck_next() == 0;

	s->bound_at = kc_now_us();
	if (s->account[0] != '\0')
		return;
	namecheck_add(&s->namecheck, s->bound_at + MEMBER_NAMECHECK_US);
	if (first)
		lws_sul_schedule(loop_context(), 0, &namecheck_sul,
		    member_namecheck_cb, (lws_usec_t)MEMBER_NAMECHECK_US);
}

/*
 * The direct messages to or from s's user stored in Kafka, up to where the
 * chat reader is now: from here on relay.c brings them live. Without
 * accounts, only those since another client instance last held the name.
 */
static void
member_inbox(struct session *s)
{
	struct history_ask a;

	memset(&a, 0, sizeof a);
	/* Its own key in history.c, unlike any room's. */
	snprintf(a.room, sizeof a.room, "@%.*s", KC_NAME_MAX - 1, s->user);
	a.n = 1;
	a.before = KC_OFFSET_END;
	a.inbox = 1;
	snprintf(a.dm.user, sizeof a.dm.user, "%s", s->user);
	/* Open mode: not what came while another instance held the name. */
	if (s->account[0] == '\0')
		snprintf(a.dm.inst, sizeof a.dm.inst, "%s", s->inst);
	if (s->dm_have != NULL)
		memcpy(a.dm.have, s->dm_have, sizeof a.dm.have);
	a.dm.since = inbox_since(a.dm.have, kc_now_us());
	a.dm.nends = kafka_live_positions(a.dm.ends, INBOX_PARTITIONS_MAX);
	if (history_request(s, &a) != KC_OK)
		log_warn("cannot ask for the direct messages of %s (%s): too "
		    "many requests waiting", s->user, s->client_id);
}

int
member_bind(struct session *s, const char *name, const char *ref)
{
	unsigned i;

	if (name[0] == '\0')
		return 0;
	if (s->user[0] != '\0') {
		if (strcmp(s->user, name) == 0)
			return 0;
		log_info("refused frame from %s (%s): user name %s, bound to %s",
		    s->addr, s->client_id, name, s->user);
		session_error(s, KC_ERR_USERNAME_MISMATCH, NULL, ref);
		return -1;
	}
	if (member_name_taken(s, name, ref))
		return -1;
	snprintf(s->user, sizeof s->user, "%s", name);
	users_add(s);
	member_namecheck_add(s);
	for (i = 0; i < s->nmembers; i++) {
		if (users_inst_count(s->members[i].room, s->user,
		    s->inst) == 1)
			member_announce(s, KC_TYPE_JOIN, s->members[i].room,
			    NULL, 0);
		/* Its rooms' records and markers, now that it has a name. */
		state_joined(s, s->members[i].room);
	}
	member_inbox(s);
	return 0;
}

void
member_closed(struct session *s)
{
	char	room[KC_NAME_MAX + 1];
	int	last;

	while (s->nmembers > 0) {
		snprintf(room, sizeof room, "%s",
		    s->members[s->nmembers - 1].room);
		last = s->user[0] != '\0' &&
		    users_inst_count(room, s->user, s->inst) == 1;
		member_drop(s, (int)s->nmembers - 1);
		if (last && !loop_stopping())
			member_announce(s, KC_TYPE_LEAVE, room, NULL, 0);
	}
	free(s->members);
	s->members = NULL;
	s->cmembers = 0;
	users_remove(s);
	namecheck_remove(&s->namecheck);
}
