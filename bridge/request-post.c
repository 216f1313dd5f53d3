/*
 * request-post.c - "message", "action", "dm", "edit" and "delete": a record
 * to Kafka for the connection's user, and the ack or error when Kafka
 * answers. The record's user is always the connection's, so an edit or
 * delete names its writer truly; whether that is the author of the line it
 * changes is for the readers to check (kchat.7, EDITS): the bridge relays
 * every record. A "reply" id travels on message, action and dm; edit and
 * delete carry "re" and need the room joined. A plain
 * client posting to a room it is not in joins it. At most
 * ROOM_INFLIGHT_MAX messages of one room wait for Kafka per connection
 * (too_many_pending), so that a room without a partition leader blocks
 * only itself. A dm to a name nobody online has, alike to the name of
 * someone who is ("Dave" while dave is), is refused (dm_name_alike). "id",
 * a ULID the client made, makes a retry the same record to every reader;
 * it must have been made within the last day.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define ROOM_INFLIGHT_MAX	64	/* messages of one room waiting for Kafka */
#define CLIENT_ID_PAST_MS	(24 * 3600 * 1000LL)
#define CLIENT_ID_AHEAD_MS	(60 * 1000LL)

/* What travels with a message to its delivery report. */
struct post {
	uint64_t	sid;
	char		ref[65];
};

/*
 * The slot counting s's messages of room waiting for Kafka; create: make
 * one (n = 0) when there is none. -1: none, or every slot taken.
 */
static int
request_post_slot(struct session *s, const char *room, int create)
{
	struct inflight	*v;
	unsigned	 i, free_slot = s->ninflight, c;

	for (i = 0; i < s->ninflight; i++) {
		if (s->inflight[i].n > 0 && strcmp(s->inflight[i].room, room) == 0)
			return (int)i;
		if (s->inflight[i].n == 0 && free_slot == s->ninflight)
			free_slot = i;
	}
	if (!create)
		return -1;
	if (free_slot == s->ninflight) {
		/* None free: one more slot (grown in pairs), up to the cap. */
		if (s->ninflight == BRIDGE_ROOMS_MAX)
			return -1;
		c = s->ninflight + 2 > BRIDGE_ROOMS_MAX ? BRIDGE_ROOMS_MAX :
		    s->ninflight + 2;
		if ((v = realloc(s->inflight, c * sizeof *v)) == NULL)
			return -1;
		memset(v + s->ninflight, 0, (c - s->ninflight) * sizeof *v);
		s->inflight = v;
		s->ninflight = c;
	}
	snprintf(s->inflight[free_slot].room, KC_NAME_MAX + 1, "%s", room);
	return (int)free_slot;
}

void
request_post_closed(struct session *s)
{
	free(s->inflight);
	s->inflight = NULL;
	s->ninflight = 0;
}

static int
request_post_id_ok(const char *id)
{
	int64_t ms = kc_ulid_ms(id), now = kc_now_us() / 1000;

	return ms >= now - CLIENT_ID_PAST_MS && ms <= now + CLIENT_ID_AHEAD_MS;
}

void
request_post(struct session *s, const struct kc_req *r)
{
	static const enum kc_type types[] = {
		[KC_REQ_MESSAGE] = KC_TYPE_MESSAGE,
		[KC_REQ_ACTION] = KC_TYPE_ACTION,
		[KC_REQ_DM] = KC_TYPE_DM,
		[KC_REQ_EDIT] = KC_TYPE_EDIT,
		[KC_REQ_DELETE] = KC_TYPE_DELETE,
	};
	const char	*room = r->room[0] ? r->room : s->room, *owner;
	char		 like[KC_NAME_MAX + 1];
	struct kc_msg	 m;
	struct post	*p;
	int		 err, pi;

	if (s->user[0] == '\0') {
		session_error(s, KC_ERR_USERNAME_REQUIRED, NULL, r->ref);
		return;
	}
	if (room[0] == '\0') {
		session_error(s, KC_ERR_NO_ROOM, NULL, r->ref);
		return;
	}
	if ((pi = request_post_slot(s, room, 1)) < 0 ||
	    s->inflight[pi].n >= ROOM_INFLIGHT_MAX) {
		char why[128];

		snprintf(why, sizeof why, "room unavailable: messages to #%s "
		    "are still waiting for Kafka; try again shortly", room);
		session_error(s, KC_ERR_TOO_MANY_PENDING, why, r->ref);
		return;
	}
	/*
	 * Delivery is by the exact name: to "Dave" while dave is online it
	 * would reach nobody, and wait for whoever takes "Dave" later.
	 */
	if (r->type == KC_REQ_DM && presence_alike(r->to, like)) {
		char why[160];

		snprintf(why, sizeof why, "nobody online is called %s; %s is: "
		    "write to %s", r->to, like, like);
		log_info("refused dm from %s (%s) to %s: %s is online",
		    s->user, s->client_id, r->to, like);
		session_error(s, KC_ERR_DM_NAME_ALIKE, why, r->ref);
		return;
	}
	if ((r->type == KC_REQ_EDIT || r->type == KC_REQ_DELETE) &&
	    member_find(s, room) < 0) {
		session_error(s, KC_ERR_NOT_IN_ROOM, NULL, r->ref);
		return;
	}
	/* A plain client posting to a room it is not in joins it. */
	if (r->type != KC_REQ_DM && member_find(s, room) < 0 &&
	    member_join(s, room, NULL, 0, NULL, -1) != 0)
		return;
	kc_msg_init(&m);
	if ((err = kc_msg_make_re(&m, types[r->type], room, s->user,
	    r->type == KC_REQ_DM ? r->to : NULL, r->re, r->reply,
	    r->type == KC_REQ_DELETE ? NULL : r->text, r->text_len)) != KC_OK) {
		kc_msg_clear(&m);
		session_error(s, err, NULL, r->ref);
		return;
	}
	snprintf(m.via, sizeof m.via, "web");
	snprintf(m.inst, sizeof m.inst, "%s", s->inst);
	/*
	 * A client-made id: a retry of a message whose ack was lost is the
	 * same record to every reader (they de-duplicate by id). Its time
	 * must be near now, so that nobody fills the id space of others.
	 */
	if (r->id[0] != '\0') {
		if (!request_post_id_ok(r->id)) {
			kc_msg_clear(&m);
			session_error(s, KC_ERR_BAD_ID, NULL, r->ref);
			return;
		}
		/* Another's message's id: readers would take one for the
		 * other (replies, edits). Only its writer may send it again. */
		if ((owner = dedupe_owner(r->id)) != NULL &&
		    strcmp(owner, s->user) != 0) {
			log_info("refused id %s from %s (%s, %s): another user's "
			    "record has it", r->id, s->user, s->addr,
			    s->client_id);
			kc_msg_clear(&m);
			session_error(s, KC_ERR_BAD_ID, "this id is another "
			    "user's message's: send with a new id", r->ref);
			return;
		}
		memcpy(m.id, r->id, sizeof m.id);
	}
	if ((p = calloc(1, sizeof *p)) == NULL) {
		kc_msg_clear(&m);
		session_error(s, KC_ERR_NOMEM, NULL, r->ref);
		return;
	}
	p->sid = s->id;
	snprintf(p->ref, sizeof p->ref, "%s", r->ref);
	if ((err = kafka_send(&m, p)) != KC_OK) {
		free(p);
		metrics.produce_errors++;
		session_error(s, err, NULL, r->ref);
	} else
		s->inflight[pi].n++;
	kc_msg_clear(&m);
}

void
request_post_delivered(void *arg, const struct kc_msg *m, int err,
    const char *errstr)
{
	struct post	*p = arg;
	struct session	*s;
	struct kc_buf	 b = { 0 };
	int		 i;

	if ((s = session_find(p->sid)) == NULL)
		goto out;
	if ((i = request_post_slot(s, m->room, 0)) >= 0)
		s->inflight[i].n--;
	if (err != KC_OK)
		session_error(s, err, errstr, p->ref);
	else if (s->ext && kc_wire_ack(p->ref, m, &b) == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_free(&b);
out:
	free(p);
}
