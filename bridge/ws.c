/*
 * ws.c - the WebSocket protocol at /ws/{client_id}: one session per
 * connection, its rooms, its bound user name, its limits and its bounded
 * send queue.
 *
 * Frames a client may send (one JSON object per text message; parsed by
 * kc_json_parse_req() in proto/json.c; "room" absent = the current room):
 *
 *   {"username":U,"message":T,"room":R}            the documented form
 *   {"type":"message","username":U,"message":T,"room":R,"ref":X}
 *   {"type":"action",...}                          /me T
 *   {"type":"dm","username":U,"to":V,"message":T}  only U's and V's
 *                                                  connections get it
 *   {"type":"join","room":R[,"since":OFF]}        subscribe, make R current;
 *                                                  since: resume after a
 *                                                  reconnect
 *   {"type":"leave","room":R}
 *   {"type":"history","room":R,"before_offset":OFF[,"since":OFF],"limit":N}
 *                                                  older records, by offset
 *   {"type":"history","room":R,"before":ID,"limit":N}  the same, below a
 *                                                  record named by id
 *   {"type":"typing","room":R}
 *   {"type":"who","room":R}
 *   {"type":"rooms"}
 *   {"type":"ping"}
 * message, action and dm may carry "id", a ULID the client made: a retry
 * with the same id is the same record to every reader.
 * Any frame may carry "ref" (1..64 printable ASCII), echoed in the answer
 * (ack, error, history, joined, ...), and "username". The first user name a
 * connection uses is bound to it; a frame naming another user is refused
 * with error "username_mismatch".
 *
 * Frames the bridge sends:
 *
 *   chat records: {"username","message","timestamp","room","id","type"
 *     [,"to"][,"via"][,"offset"]} - type is message, action, dm, join or
 *     leave; offset is the record's offset in the room's partition
 *     (join/leave carry "message":""); history sent to a plain client has
 *     "history":true as well.
 *   {"type":"error","code":C,"error":TEXT[,"ref"]} - codes are kc_errname()
 *     values (text_too_long, json_syntax, ...) and the bridge's own:
 *     username_mismatch, username_required, rate_limited, binary,
 *     not_in_room, too_many_rooms, no_room, too_many_pending, busy (a
 *     history request for a room whose history is still on its way, or too
 *     many waiting), bad_id (a message id not made within a day),
 *     history_unavailable (a join's page, after three tries; with "room",
 *     without the join's ref).
 * Only to an "extended" client (one that connected with ?ext=1 or sent a
 * frame with a "type" other than message, or a "ref"), so that a client
 * knowing only the four documented fields sees nothing else:
 *   {"type":"hello","client_id","username"|null,"room","rooms":[...],
 *     "server","history","max_message","rate","burst",
 *     "presence_timeout_ms"}                       on connect or switch
 *   {"type":"ack","ref","id","timestamp","room"}   Kafka has the message
 *   {"type":"joined","room","rooms":[...],"ref"}
 *   {"type":"left","room","rooms":[...],"ref"}
 *   {"type":"history","room","before"|null[,"before_offset"][,"since"],
 *     "more":bool,"ref","messages":[chat records, oldest first]}
 *   {"type":"presence","room","users":[...]}       on join, who, and change
 *   {"type":"typing","room","username"}            for a few seconds
 *   {"type":"rooms","current","joined":[...],"active":[{"room","users"}],
 *     "active_total"}                              first 100 rooms by name
 *   {"type":"pong","ref","timestamp"}
 *
 * Delivery is decided by offsets, never by ids (DESIGN.md): a join's live
 * stream is every record the chat reader delivers after the join, and its
 * first history page is the records below the reader's position in the
 * room's partition at that moment.
 *
 * Closes: 1009 a message over --max-message (all fragments counted);
 * 1008 send queue full (--send-queue frames or --send-queue-bytes bytes:
 * a slow client) or rate-limit abuse; 1001 shutdown.
 * At the handshake: 403 for an Origin not allowed, for more than
 * --max-conns-per-ip connections from one address, or a bad path. The
 * default Origin rule (origin.c) is the page's own origin (scheme://Host)
 * reached by address (an IP literal or localhost; a loopback one with the
 * bridge's port when it listens on loopback), never by a name a page's
 * owner could point at the bridge (DNS rebinding).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define ROOM_INFLIGHT_MAX	64	/* messages of one room waiting for Kafka */
#define WRITE_BATCH		32	/* frames per WRITEABLE callback at most */
#define STALL_US		(3 * 1000000LL)	/* nothing written: not waited for */
#define STALL_CHECK_US		(100 * 1000)
#define JOIN_HISTORY_TRIES	3	/* a join's first page, before giving up */
#define TYPING_INTERVAL_US	(2 * 1000000LL)
#define ROOMS_ACTIVE_MAX	100	/* rooms listed in a "rooms" answer */
#define ROOMS_FRESH_US		(500 * 1000)	/* its reuse while presence changes */

struct session {
	struct lws	*wsi;
	struct session	*prev, *next;
	char		 client_id[BRIDGE_CLIENT_ID_MAX + 1];
	char		 addr[64];
	char		 user[KC_NAME_MAX + 1];
	char		 room[KC_NAME_MAX + 1];		/* current */
	char		 rooms[BRIDGE_ROOMS_MAX][KC_NAME_MAX + 1];
	/*
	 * Per room: the offset in its partition where s's live stream began
	 * (the chat reader's position when s joined). The first page of
	 * history ends below it, and every record read since is live, so
	 * nothing is missed or sent twice whatever order the ids are in.
	 */
	int64_t		 live_from[BRIDGE_ROOMS_MAX];
	unsigned	 nrooms;
	struct frame	**q;			/* ring of opts.send_queue */
	unsigned	 qhead, qlen;
	size_t		 qbytes;		/* payload bytes in q */
	int64_t		 progress_at;		/* last write, or q became non-empty */
	int		 high;			/* counted in nhigh */
	int		 stalled;		/* wrote nothing for STALL_US */
	struct kc_buf	 rx;			/* a fragmented message */
	size_t		 rx_total;
	int		 rx_binary;
	double		 tokens;
	int64_t		 tokens_at;
	unsigned	 strikes;
	int64_t		 typing_at;
	/*
	 * Messages waiting for Kafka, per room (so per partition): a room
	 * whose partition has no leader blocks only itself. Rooms left
	 * meanwhile keep their count until the outcomes come back.
	 */
	struct {
		char		 room[KC_NAME_MAX + 1];
		unsigned	 n;
	}		 inflight[BRIDGE_ROOMS_MAX];
	unsigned	 ninflight;		/* sum of inflight[].n */
	int		 ext;
	int		 established;
	int		 closing;		/* close status to send, 0 = none */
	int		 drain;			/* send the queue before closing */
	char		 close_reason[64];
};

static struct session	*sessions;
static int		 nsessions;
static size_t		 queued_bytes;		/* qbytes of every session */
static unsigned		 nhigh;			/* reading sessions over half full */
static int64_t		 stall_checked;

/* ------------------------------------------------------------------ utils */

const char *
ws_user(const struct session *s)
{
	return s->user;
}

const char *
ws_addr(const struct session *s)
{
	return s->addr;
}

int
ws_wants_ext(const struct session *s)
{
	return s->ext;
}

int
ws_count(void)
{
	return nsessions;
}

size_t
ws_queued_bytes(void)
{
	return queued_bytes;
}

/* Whether s's queue is over half full, in frames or bytes. */
static int
ws_over_half(const struct session *s)
{
	return s->qlen > opts.send_queue / 2 ||
	    s->qbytes > opts.send_queue_bytes / 2;
}

/* Counts s in nhigh while it is over half full and not stalled. */
static void
ws_mark(struct session *s)
{
	int high = !s->stalled && !s->closing && ws_over_half(s);

	if (high && !s->high)
		nhigh++;
	else if (!high && s->high)
		nhigh--;
	s->high = high;
}

int
ws_backpressure(void)
{
	struct session	*s;
	int64_t		 now;

	if (nhigh == 0)
		return 0;
	/* Those that stopped reading are not waited for. */
	if ((now = kc_now_us()) - stall_checked >= STALL_CHECK_US) {
		stall_checked = now;
		for (s = sessions; s != NULL; s = s->next) {
			if (s->high && now - s->progress_at >= STALL_US) {
				log_info("%s (%s) reads nothing: not waiting "
				    "for it", s->addr, s->client_id);
				s->stalled = 1;
				ws_mark(s);
			}
		}
	}
	return nhigh > 0;
}

/* Takes the oldest frame off s's queue (the caller owns its reference). */
static struct frame *
ws_dequeue(struct session *s)
{
	struct frame *f = s->q[s->qhead];

	s->qhead = (s->qhead + 1) % opts.send_queue;
	s->qlen--;
	s->qbytes -= f->len;
	queued_bytes -= f->len;
	return f;
}

void
ws_foreach(void (*fn)(struct session *, void *), void *arg)
{
	struct session *s, *next;

	for (s = sessions; s != NULL; s = next) {
		next = s->next;
		fn(s, arg);
	}
}

/* Starts closing s with status and reason; drain: send the queue first. */
static void
ws_close(struct session *s, int status, const char *reason, int drain)
{
	if (s->closing)
		return;
	s->closing = status;
	s->drain = drain;
	snprintf(s->close_reason, sizeof s->close_reason, "%s", reason);
	if (!drain) {
		while (s->qlen > 0)
			frame_unref(ws_dequeue(s));
	}
	ws_mark(s);
	lws_callback_on_writable(s->wsi);
	/* A client that does not read may never become writable. */
	lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, 5);
}

void
ws_send(struct session *s, struct frame *f)
{
	if (s->closing || !s->established)
		return;
	/*
	 * Bounded by frames and by bytes; a single frame larger than the
	 * byte bound still goes out when nothing else is waiting.
	 */
	if (s->qlen == opts.send_queue ||
	    (s->qlen > 0 && s->qbytes + f->len > opts.send_queue_bytes)) {
		metrics.drop_slow++;
		if (s->qlen == opts.send_queue)
			log_warn("closing slow client %s (%s): send queue full "
			    "(%u frames)", s->addr, s->client_id,
			    opts.send_queue);
		else
			log_warn("closing slow client %s (%s): send queue full "
			    "(%zu bytes in %u frames, %zu more)", s->addr,
			    s->client_id, s->qbytes, s->qlen, f->len);
		ws_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION,
		    "send queue full: client too slow", 0);
		return;
	}
	s->q[(s->qhead + s->qlen) % opts.send_queue] = frame_ref(f);
	s->qlen++;
	s->qbytes += f->len;
	queued_bytes += f->len;
	if (s->qlen == 1) {
		s->progress_at = kc_now_us();
		lws_callback_on_writable(s->wsi);
	}
	ws_mark(s);
}

void
ws_send_ext(struct session *s, struct frame *f)
{
	if (s->ext)
		ws_send(s, f);
}

/* Encodes obj (consumed) and queues it to s. */
static void
ws_send_json(struct session *s, json_t *obj, int ext)
{
	struct frame	*f;
	char		*js;

	if (obj == NULL)
		return;
	if ((js = json_dumps(obj, JSON_COMPACT)) != NULL &&
	    (f = frame_new(js, strlen(js))) != NULL) {
		if (ext)
			ws_send_ext(s, f);
		else
			ws_send(s, f);
		frame_unref(f);
	}
	free(js);
	json_decref(obj);
}

static void
ws_send_buf(struct session *s, const struct kc_buf *b)
{
	struct frame *f;

	if ((f = frame_new(b->data, b->len)) != NULL) {
		ws_send(s, f);
		frame_unref(f);
	}
}

void
ws_error(struct session *s, int err, const char *msg, const char *ref)
{
	struct kc_buf b = { 0 };

	metrics.errors_sent++;
	if (kc_json_encode_error(err, msg, ref, &b) == KC_OK)
		ws_send_buf(s, &b);
	kc_buf_free(&b);
}

void
ws_error_code(struct session *s, const char *code, const char *msg,
    const char *ref)
{
	json_t *obj = json_object();

	metrics.errors_sent++;
	json_object_set_new(obj, "type", json_string("error"));
	json_object_set_new(obj, "code", json_string(code));
	json_object_set_new(obj, "error", json_string(msg));
	if (ref != NULL && *ref != '\0')
		json_object_set_new(obj, "ref", json_string(ref));
	ws_send_json(s, obj, 0);
}

static json_t *
ws_rooms_array(const struct session *s)
{
	json_t		*a = json_array();
	unsigned	 i;

	for (i = 0; i < s->nrooms; i++)
		json_array_append_new(a, json_string(s->rooms[i]));
	return a;
}

static void
ws_hello(struct session *s)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "type", json_string("hello"));
	json_object_set_new(obj, "client_id", json_string(s->client_id));
	json_object_set_new(obj, "username",
	    s->user[0] ? json_string(s->user) : json_null());
	json_object_set_new(obj, "room", json_string(s->room));
	json_object_set_new(obj, "rooms", ws_rooms_array(s));
	json_object_set_new(obj, "server",
	    json_string("kchat-bridge/" KC_VERSION_STRING));
	json_object_set_new(obj, "history", json_integer(opts.history));
	json_object_set_new(obj, "max_message", json_integer((json_int_t)opts.max_message));
	json_object_set_new(obj, "rate", json_real(opts.rate));
	json_object_set_new(obj, "burst", json_real(opts.burst));
	json_object_set_new(obj, "presence_timeout_ms",
	    json_integer(KC_PRESENCE_TIMEOUT_MS));
	ws_send_json(s, obj, 1);
}

/* Switches s to extended frames, greeting it once. */
static void
ws_extend(struct session *s)
{
	if (s->ext)
		return;
	s->ext = 1;
	ws_hello(s);
}

/* ---------------------------------------------------------------- rooms */

static int
ws_in_room(const struct session *s, const char *room)
{
	unsigned i;

	for (i = 0; i < s->nrooms; i++) {
		if (strcmp(s->rooms[i], room) == 0)
			return (int)i;
	}
	return -1;
}

/* Produces a join or leave record for s's user in room. */
static void
ws_announce(struct session *s, enum kc_type type, const char *room,
    const char *text, size_t len)
{
	struct kc_msg	m;
	int		err;

	kc_msg_init(&m);
	if ((err = kc_msg_make(&m, type, room, s->user, NULL,
	    len > 0 ? text : NULL, len)) == KC_OK) {
		snprintf(m.via, sizeof m.via, "web");
		err = kafka_send(NULL, NULL, &m);
	}
	if (err != KC_OK)
		log_warn("cannot announce %s of %s in %s: %s",
		    kc_type_name(type), s->user, room, kc_strerror(err));
	kc_msg_clear(&m);
}

/*
 * Asks for the first page of room's history for s: the records below where
 * its live stream began, at or above since (a reconnecting client's last
 * offset + 1; 0: the newest --history).
 */
static void
ws_join_history(struct session *s, const char *room, int64_t since,
    const char *ref, unsigned attempt)
{
	struct history_ask	a;
	int			i;

	if (opts.history == 0 || (i = ws_in_room(s, room)) < 0)
		return;
	memset(&a, 0, sizeof a);
	snprintf(a.room, sizeof a.room, "%s", room);
	snprintf(a.ref, sizeof a.ref, "%s", ref ? ref : "");
	a.n = opts.history;
	a.before = s->live_from[i] >= 0 ? s->live_from[i] : KC_OFFSET_END;
	a.since = since > 0 ? since : 0;
	a.join = 1;
	a.attempt = attempt;
	if (history_request(s, &a) != KC_OK)
		ws_error_code(s, "busy", "history is busy, ask again later", ref);
}

/* Subscribes s to room; history and presence follow. */
static int
ws_join(struct session *s, const char *room, const char *text, size_t len,
    const char *ref, int64_t since)
{
	json_t	*obj;
	int	 err;

	if (ws_in_room(s, room) < 0) {
		if (s->nrooms == BRIDGE_ROOMS_MAX) {
			ws_error_code(s, "too_many_rooms",
			    "too many rooms on one connection", ref);
			return -1;
		}
		if ((err = fanout_join(s, room)) != KC_OK) {
			ws_error(s, err, NULL, ref);
			return -1;
		}
		/* Live from the next record the chat reader delivers. */
		s->live_from[s->nrooms] = kafka_live_offset(room);
		snprintf(s->rooms[s->nrooms++], KC_NAME_MAX + 1, "%s", room);
		if (s->user[0] != '\0' && fanout_user_count(room, s->user) == 1)
			ws_announce(s, KC_TYPE_JOIN, room, text, len);
	}
	snprintf(s->room, sizeof s->room, "%s", room);
	if (s->ext) {
		obj = json_object();
		json_object_set_new(obj, "type", json_string("joined"));
		json_object_set_new(obj, "room", json_string(room));
		json_object_set_new(obj, "rooms", ws_rooms_array(s));
		if (ref != NULL && *ref != '\0')
			json_object_set_new(obj, "ref", json_string(ref));
		ws_send_json(s, obj, 1);
	}
	/* History of room already on its way to s: that one will do. */
	if (!history_busy(s, room))
		ws_join_history(s, room, since, ref, 0);
	if (s->ext) {
		struct frame *f = fanout_presence_frame(room);

		if (f != NULL) {
			ws_send(s, f);
			frame_unref(f);
		}
	}
	return 0;
}

static void
ws_leave(struct session *s, const char *room, const char *text, size_t len,
    const char *ref)
{
	json_t	*obj;
	int	 i;

	if ((i = ws_in_room(s, room)) < 0) {
		ws_error_code(s, "not_in_room", "not in that room", ref);
		return;
	}
	if (s->user[0] != '\0' && fanout_user_count(room, s->user) == 1 &&
	    !bridge_stopping)
		ws_announce(s, KC_TYPE_LEAVE, room, text, len);
	fanout_leave(s, room);
	memmove(s->rooms[i], s->rooms[i + 1],
	    (s->nrooms - (unsigned)i - 1) * sizeof s->rooms[0]);
	memmove(&s->live_from[i], &s->live_from[i + 1],
	    (s->nrooms - (unsigned)i - 1) * sizeof s->live_from[0]);
	s->nrooms--;
	if (strcmp(s->room, room) == 0)
		snprintf(s->room, sizeof s->room, "%s",
		    s->nrooms > 0 ? s->rooms[0] : "");
	if (s->ext) {
		obj = json_object();
		json_object_set_new(obj, "type", json_string("left"));
		json_object_set_new(obj, "room", json_string(room));
		json_object_set_new(obj, "rooms", ws_rooms_array(s));
		if (ref != NULL && *ref != '\0')
			json_object_set_new(obj, "ref", json_string(ref));
		ws_send_json(s, obj, 1);
	}
}

/* Binds name to s, or refuses a different one. */
static int
ws_bind_user(struct session *s, const char *name, const char *ref)
{
	unsigned i;

	if (name[0] == '\0')
		return 0;
	if (s->user[0] != '\0') {
		if (strcmp(s->user, name) == 0)
			return 0;
		log_info("refused frame from %s (%s): user name %s, bound to %s",
		    s->addr, s->client_id, name, s->user);
		ws_error_code(s, "username_mismatch",
		    "this connection is bound to another user name", ref);
		return -1;
	}
	snprintf(s->user, sizeof s->user, "%s", name);
	for (i = 0; i < s->nrooms; i++) {
		if (fanout_user_count(s->rooms[i], s->user) == 1)
			ws_announce(s, KC_TYPE_JOIN, s->rooms[i], NULL, 0);
	}
	return 0;
}

/* -------------------------------------------------------------- requests */

/* Token bucket: 1 when the frame may pass. */
static int
ws_rate_ok(struct session *s)
{
	int64_t now = kc_now_us();

	s->tokens += (double)(now - s->tokens_at) / 1e6 * opts.rate;
	s->tokens_at = now;
	if (s->tokens >= opts.burst) {
		s->tokens = opts.burst;
		s->strikes = 0;
	}
	if (s->tokens >= 1.0) {
		s->tokens -= 1.0;
		return 1;
	}
	return 0;
}

/*
 * The slot counting s's messages of room waiting for Kafka; create: make
 * one (n = 0) when there is none. -1: none, or every slot taken.
 */
static int
ws_inflight(struct session *s, const char *room, int create)
{
	unsigned i, free_slot = BRIDGE_ROOMS_MAX;

	for (i = 0; i < BRIDGE_ROOMS_MAX; i++) {
		if (s->inflight[i].n > 0 && strcmp(s->inflight[i].room, room) == 0)
			return (int)i;
		if (s->inflight[i].n == 0 && free_slot == BRIDGE_ROOMS_MAX)
			free_slot = i;
	}
	if (!create || free_slot == BRIDGE_ROOMS_MAX)
		return -1;
	snprintf(s->inflight[free_slot].room, KC_NAME_MAX + 1, "%s", room);
	return (int)free_slot;
}

/* Client-made message ids: at most a day old, a minute ahead. */
#define CLIENT_ID_PAST_MS	(24 * 3600 * 1000LL)
#define CLIENT_ID_AHEAD_MS	(60 * 1000LL)

static int
ws_client_id_ok(const char *id)
{
	int64_t ms = kc_ulid_ms(id), now = kc_now_us() / 1000;

	if (ms < now - CLIENT_ID_PAST_MS || ms > now + CLIENT_ID_AHEAD_MS)
		return KC_ERR_ID;
	return KC_OK;
}

static void
ws_post(struct session *s, struct kc_req *r)
{
	static const enum kc_type types[] = {
		[KC_REQ_MESSAGE] = KC_TYPE_MESSAGE,
		[KC_REQ_ACTION] = KC_TYPE_ACTION,
		[KC_REQ_DM] = KC_TYPE_DM,
	};
	const char	*room = r->room[0] ? r->room : s->room;
	struct kc_msg	 m;
	int		 err, pi;

	if (s->user[0] == '\0') {
		ws_error_code(s, "username_required", "a user name is needed",
		    r->ref);
		return;
	}
	if (room[0] == '\0') {
		ws_error_code(s, "no_room", "join a room first", r->ref);
		return;
	}
	if ((pi = ws_inflight(s, room, 1)) < 0 ||
	    s->inflight[pi].n >= ROOM_INFLIGHT_MAX) {
		char why[128];

		snprintf(why, sizeof why, "room unavailable: messages to #%s "
		    "are still waiting for Kafka; try again shortly", room);
		ws_error_code(s, "too_many_pending", why, r->ref);
		return;
	}
	/* A plain client posting to a room it is not in joins it. */
	if (r->type != KC_REQ_DM && ws_in_room(s, room) < 0 &&
	    ws_join(s, room, NULL, 0, NULL, -1) != 0)
		return;
	kc_msg_init(&m);
	if ((err = kc_msg_make(&m, types[r->type], room, s->user,
	    r->type == KC_REQ_DM ? r->to : NULL, r->text, r->text_len)) != KC_OK) {
		kc_msg_clear(&m);
		ws_error(s, err, NULL, r->ref);
		return;
	}
	snprintf(m.via, sizeof m.via, "web");
	/*
	 * A client-made id: a retry of a message whose ack was lost is the
	 * same record to every reader (they de-duplicate by id). Its time
	 * must be near now, so that nobody fills the id space of others.
	 */
	if (r->id[0] != '\0') {
		if ((err = ws_client_id_ok(r->id)) != KC_OK) {
			kc_msg_clear(&m);
			ws_error_code(s, "bad_id", "a message id must be a ULID "
			    "made within the last day", r->ref);
			return;
		}
		memcpy(m.id, r->id, sizeof m.id);
	}
	if ((err = kafka_send(s, r->ref, &m)) != KC_OK) {
		metrics.produce_errors++;
		ws_error(s, err, NULL, r->ref);
	} else {
		s->inflight[pi].n++;
		s->ninflight++;
	}
	kc_msg_clear(&m);
}

/*
 * The "active" list of a rooms answer: the first ROOMS_ACTIVE_MAX rooms with
 * anyone in them, by name, and their user counts. Counting costs a pass
 * over all presence entries per room, so the list is built once and shared
 * by every answer until presence changes, and at most every ROOMS_FRESH_US
 * while it keeps changing.
 */
static struct {
	json_t		*active;
	size_t		 total;		/* rooms with anyone in them */
	unsigned	 gen;		/* kafka_presence_gen() it was built at */
	int64_t		 at;
} rooms_cache;

struct rooms_ctx {
	char	(*names)[KC_NAME_MAX + 1];
	size_t	 n;
};

static void
ws_rooms_one(void *opaque, const char *room, const char *user)
{
	struct rooms_ctx *c = opaque;

	if (c->n < ROOMS_ACTIVE_MAX)
		snprintf(c->names[c->n++], KC_NAME_MAX + 1, "%s", room);
}

static json_t *
ws_rooms_active(size_t *total)
{
	static char	 names[ROOMS_ACTIVE_MAX][KC_NAME_MAX + 1];
	struct rooms_ctx c = { names, 0 };
	json_t		*o;
	int64_t		 now = kc_now_us();
	size_t		 i;

	if (rooms_cache.active != NULL &&
	    (rooms_cache.gen == kafka_presence_gen() ||
	    now - rooms_cache.at < ROOMS_FRESH_US)) {
		*total = rooms_cache.total;
		return rooms_cache.active;
	}
	json_decref(rooms_cache.active);
	rooms_cache.active = json_array();
	rooms_cache.gen = kafka_presence_gen();
	rooms_cache.at = now;
	rooms_cache.total = kc_presence_rooms(kafka_presence(), ws_rooms_one,
	    &c);
	for (i = 0; i < c.n; i++) {
		o = json_object();
		json_object_set_new(o, "room", json_string(names[i]));
		json_object_set_new(o, "users", json_integer((json_int_t)
		    kc_presence_who(kafka_presence(), names[i], NULL, NULL)));
		json_array_append_new(rooms_cache.active, o);
	}
	*total = rooms_cache.total;
	return rooms_cache.active;
}

static void
ws_request(struct session *s, const char *buf, size_t len)
{
	struct kc_req		 r;
	struct history_ask	 a;
	const char		*room;
	json_t			*obj;
	struct frame		*f;
	int			 err, i;

	metrics.frames_in++;
	kc_req_init(&r);
	if ((err = kc_json_parse_req(buf, len, &r)) != KC_OK) {
		/* the parser keeps a valid ref even when the rest is refused,
		 * so the client can tie the error to what it sent */
		ws_error(s, err, NULL, r.ref[0] != '\0' ? r.ref : NULL);
		goto out;
	}
	if (r.type != KC_REQ_MESSAGE || r.ref[0] != '\0')
		ws_extend(s);
	if (ws_bind_user(s, r.username, r.ref) != 0)
		goto out;
	room = r.room[0] ? r.room : s->room;

	switch (r.type) {
	case KC_REQ_MESSAGE:
	case KC_REQ_ACTION:
	case KC_REQ_DM:
		ws_post(s, &r);
		break;
	case KC_REQ_JOIN:
		ws_join(s, r.room, r.text, r.text ? r.text_len : 0, r.ref,
		    r.since);
		break;
	case KC_REQ_LEAVE:
		ws_leave(s, r.room, r.text, r.text ? r.text_len : 0, r.ref);
		break;
	case KC_REQ_HISTORY:
		if (room[0] == '\0') {
			ws_error_code(s, "no_room", "join a room first", r.ref);
			break;
		}
		metrics.history_requests++;
		memset(&a, 0, sizeof a);
		snprintf(a.room, sizeof a.room, "%s", room);
		snprintf(a.ref, sizeof a.ref, "%s", r.ref);
		a.n = r.limit ? r.limit : opts.history;
		/* Below an offset, or below a record named by its id; else
		 * the first page: below where s's live stream began. */
		a.before = r.before_offset >= 0 ? r.before_offset : KC_OFFSET_END;
		if (r.before_offset < 0 && r.before[0] != '\0')
			memcpy(a.before_id, r.before, sizeof a.before_id);
		else if (r.before_offset < 0 && (i = ws_in_room(s, room)) >= 0 &&
		    s->live_from[i] >= 0)
			a.before = s->live_from[i];
		a.since = r.since > 0 ? r.since : 0;
		if (a.n == 0) {
			/* --history 0 and no limit: an empty page. */
			ws_history_done(s, &a, KC_OK, NULL, NULL, 0, 0);
			break;
		}
		/* One request per room at a time: a client cannot pile up work. */
		if (history_busy(s, room)) {
			ws_error_code(s, "busy", "history of this room is still "
			    "on its way", r.ref);
			break;
		}
		if (history_request(s, &a) != KC_OK)
			ws_error_code(s, "busy", "history is busy, ask again later",
			    r.ref);
		break;
	case KC_REQ_TYPING:
		if (s->user[0] == '\0' || ws_in_room(s, room) < 0) {
			ws_error_code(s, "not_in_room",
			    "typing needs a user name and a joined room", r.ref);
			break;
		}
		if (kc_now_us() - s->typing_at >= TYPING_INTERVAL_US) {
			s->typing_at = kc_now_us();
			kafka_heartbeat(room, s->user, 1);
		}
		break;
	case KC_REQ_WHO:
		if ((f = fanout_presence_frame(room)) != NULL) {
			ws_send(s, f);
			frame_unref(f);
		}
		break;
	case KC_REQ_ROOMS: {
		size_t total;

		obj = json_object();
		json_object_set_new(obj, "type", json_string("rooms"));
		json_object_set_new(obj, "current", json_string(s->room));
		json_object_set_new(obj, "joined", ws_rooms_array(s));
		json_object_set(obj, "active", ws_rooms_active(&total));
		json_object_set_new(obj, "active_total",
		    json_integer((json_int_t)total));
		if (r.ref[0] != '\0')
			json_object_set_new(obj, "ref", json_string(r.ref));
		ws_send_json(s, obj, 1);
		break;
	}
	case KC_REQ_PING: {
		char ts[27];

		kc_time_format(kc_now_us(), ts);
		obj = json_object();
		json_object_set_new(obj, "type", json_string("pong"));
		if (r.ref[0] != '\0')
			json_object_set_new(obj, "ref", json_string(r.ref));
		json_object_set_new(obj, "timestamp", json_string(ts));
		ws_send_json(s, obj, 1);
		break;
	}
	}
out:
	kc_req_clear(&r);
}

/* A whole message arrived: limits, then the request. */
static int
ws_message(struct session *s, const char *buf, size_t len)
{
	/* Its own bucket, and its address's over all its connections. */
	if (!ws_rate_ok(s) || !addr_frame_ok(s->addr)) {
		metrics.rate_limited++;
		if (++s->strikes > (unsigned)opts.burst) {
			metrics.drop_rate++;
			log_warn_every(LOG_EVERY_US, "closing %s (%s): rate "
			    "limit abuse", s->addr, s->client_id);
			ws_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    "rate limit exceeded", 0);
			return 0;
		}
		ws_error_code(s, "rate_limited", "too many frames, slow down",
		    NULL);
		return 0;
	}
	if (s->rx_binary) {
		ws_error_code(s, "binary", "binary frames are not supported",
		    NULL);
		return 0;
	}
	ws_request(s, buf, len);
	return 0;
}

/* ---------------------------------------------------------- handshake */

/* Whether origin may open a WebSocket here (origin.c has the rule). */
static int
ws_origin_ok(struct lws *wsi, const char *origin)
{
	char host[256];

	if (lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0)
		host[0] = '\0';
	return origin_allowed(origin, host, opts.host,
	    lws_get_vhost_listen_port(lws_get_vhost(wsi)), opts.origins,
	    opts.norigins);
}

static int
ws_reject(struct lws *wsi, const char *why)
{
	lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, why);
	return -1;
}

/*
 * RFC 6455 4.1: Sec-WebSocket-Key is 16 random bytes in base64, 24
 * characters ending in "=="; lws 4.1.6 takes any.
 */
static int
ws_key_ok(struct lws *wsi)
{
	char	key[64];
	int	n, i;

	if ((n = lws_hdr_copy(wsi, key, sizeof key, WSI_TOKEN_KEY)) != 24 ||
	    key[22] != '=' || key[23] != '=')
		return 0;
	for (i = 0; i < 22; i++) {
		if (!((key[i] >= 'A' && key[i] <= 'Z') ||
		    (key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= '0' && key[i] <= '9') || key[i] == '+' ||
		    key[i] == '/'))
			return 0;
	}
	return 1;
}

static int
ws_filter(struct lws *wsi)
{
	char		 uri[256], origin[512], addr[64];
	const char	*why;
	size_t		 n, i;

	if (bridge_stopping)
		return ws_reject(wsi, "shutting down");
	if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 ||
	    strncmp(uri, "/ws/", 4) != 0)
		return ws_reject(wsi, "WebSocket path is /ws/{client_id}");
	n = strlen(uri + 4);
	if (n == 0 || n > BRIDGE_CLIENT_ID_MAX)
		return ws_reject(wsi, "bad client id");
	for (i = 4; uri[i] != '\0'; i++) {
		if (!((uri[i] >= 'a' && uri[i] <= 'z') ||
		    (uri[i] >= 'A' && uri[i] <= 'Z') ||
		    (uri[i] >= '0' && uri[i] <= '9') ||
		    uri[i] == '-' || uri[i] == '_' || uri[i] == '.'))
			return ws_reject(wsi, "bad client id");
	}
	if (!ws_key_ok(wsi))
		return ws_reject(wsi, "bad Sec-WebSocket-Key");
	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0) {
		if (lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) <= 0 ||
		    !ws_origin_ok(wsi, origin)) {
			metrics.connections_rejected_origin++;
			log_info_every(LOG_EVERY_US,
			    "refused WebSocket from origin %s", origin);
			return ws_reject(wsi, "origin not allowed");
		}
	}
	lws_get_peer_simple(wsi, addr, sizeof addr);
	if ((why = addr_admit(addr)) != NULL) {
		metrics.connections_rejected_limit++;
		log_warn_every(LOG_EVERY_US, "refused WebSocket from %s: %s",
		    addr, why);
		return ws_reject(wsi, why);
	}
	return 0;
}

static int
ws_established(struct lws *wsi, struct session *s)
{
	char uri[256], arg[16];

	memset(s, 0, sizeof *s);
	s->wsi = wsi;
	if ((s->q = calloc(opts.send_queue, sizeof *s->q)) == NULL)
		return -1;
	if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) > 4) {
		/* "/ws/{client_id}", cut to the field's size */
		size_t n = strnlen(uri + 4, sizeof s->client_id - 1);

		memcpy(s->client_id, uri + 4, n);
		s->client_id[n] = '\0';
	}
	lws_get_peer_simple(wsi, s->addr, sizeof s->addr);
	s->tokens = opts.burst;
	s->tokens_at = kc_now_us();
	s->established = 1;
	if ((s->next = sessions) != NULL)
		sessions->prev = s;
	sessions = s;
	nsessions++;
	addr_opened(s->addr);
	metrics.connections_total++;
	log_debug("connection %s from %s", s->client_id, s->addr);
	if (lws_get_urlarg_by_name(wsi, "ext=", arg, sizeof arg) != NULL &&
	    strcmp(arg, "0") != 0)
		ws_extend(s);
	ws_join(s, "general", NULL, 0, NULL, -1);
	return 0;
}

static void
ws_closed(struct session *s)
{
	unsigned i;

	if (!s->established)
		return;
	for (i = s->nrooms; i > 0; i--) {
		if (s->user[0] != '\0' && !bridge_stopping &&
		    fanout_user_count(s->rooms[i - 1], s->user) == 1)
			ws_announce(s, KC_TYPE_LEAVE, s->rooms[i - 1], NULL, 0);
		fanout_leave(s, s->rooms[i - 1]);
	}
	s->nrooms = 0;
	if (s->ninflight > 0)
		kafka_forget(s);
	history_forget(s);
	while (s->qlen > 0)
		frame_unref(ws_dequeue(s));
	if (s->high)
		nhigh--;
	s->high = 0;
	free(s->q);
	kc_buf_free(&s->rx);
	addr_closed(s->addr);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	nsessions--;
	s->established = 0;
	log_debug("closed %s from %s", s->client_id, s->addr);
}

/*
 * Writes queued frames. More than one lws_write() per WRITEABLE callback,
 * but only while lws_send_pipe_choked() says the socket takes more at once
 * (HTTP/1.1 WebSocket, no extensions: lws then buffers nothing of ours), at
 * most WRITE_BATCH; else a busy room would get one frame per loop pass.
 */
static int
ws_writeable(struct session *s)
{
	struct frame	*f;
	int		 n, i;

	for (i = 0; i < WRITE_BATCH && s->qlen > 0 && (!s->closing || s->drain);
	    i++) {
		if (i > 0 && lws_send_pipe_choked(s->wsi))
			break;
		f = ws_dequeue(s);
		s->progress_at = kc_now_us();
		s->stalled = 0;
		n = lws_write(s->wsi, frame_payload(f), f->len, LWS_WRITE_TEXT);
		metrics.frames_out++;
		metrics.bytes_out += f->len;
		frame_unref(f);
		if (n < 0)
			return -1;
	}
	if (i > 0) {
		ws_mark(s);
		if (s->qlen > 0 || s->closing)
			lws_callback_on_writable(s->wsi);
		return 0;
	}
	if (s->closing) {
		lws_close_reason(s->wsi, (enum lws_close_status)s->closing,
		    (unsigned char *)s->close_reason, strlen(s->close_reason));
		return -1;
	}
	return 0;
}

static int
ws_receive(struct session *s, const char *in, size_t len)
{
	struct lws *wsi = s->wsi;

	if (s->closing || bridge_stopping)
		return 0;
	if (lws_is_first_fragment(wsi)) {
		kc_buf_reset(&s->rx);
		s->rx_total = 0;
		s->rx_binary = lws_frame_is_binary(wsi);
	}
	s->rx_total += len;
	if (s->rx_total > opts.max_message) {
		metrics.drop_oversize++;
		log_info("closing %s (%s): message over %zu bytes", s->addr,
		    s->client_id, opts.max_message);
		kc_buf_free(&s->rx);
		lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
		    (unsigned char *)"message too large", 17);
		return -1;
	}
	if (lws_is_first_fragment(wsi) && lws_is_final_fragment(wsi))
		return ws_message(s, in, len);	/* the common case: no copy */
	if (kc_buf_append(&s->rx, in, len) != KC_OK)
		return -1;
	if (!lws_is_final_fragment(wsi))
		return 0;
	ws_message(s, s->rx.data, s->rx.len);
	if (s->rx.cap > 4096)
		kc_buf_free(&s->rx);	/* keep idle connections small */
	else
		kc_buf_reset(&s->rx);
	return 0;
}

static int
ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct session *s = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return ws_filter(wsi);
	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		/* The vhost's default protocol sees every HTTP request. */
		return http_filter(wsi);
	case LWS_CALLBACK_ESTABLISHED:
		return ws_established(wsi, s);
	case LWS_CALLBACK_CLOSED:
		ws_closed(s);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ws_writeable(s);
	case LWS_CALLBACK_RECEIVE:
		return ws_receive(s, in, len);
	default:
		break;
	}
	return 0;
}

const struct lws_protocols ws_protocol = {
	.name = "kchat",
	.callback = ws_callback,
	.per_session_data_size = sizeof(struct session),
	.rx_buffer_size = 0,
};

/* ------------------------------------------------------------ outcomes */

void
ws_delivered(struct session *s, const char *ref, const struct kc_msg *m,
    int err, const char *errstr)
{
	struct kc_buf	b = { 0 };
	int		i;

	if (s == NULL)
		return;
	if ((i = ws_inflight(s, m->room, 0)) >= 0) {
		s->inflight[i].n--;
		s->ninflight--;
	}
	if (err != KC_OK) {
		ws_error(s, err, errstr, ref);
		return;
	}
	if (!s->ext)
		return;
	if (kc_json_encode_ack(ref, m, &b) == KC_OK)
		ws_send_buf(s, &b);
	kc_buf_free(&b);
}

/* Half of what is left of limit once used is queued, at least limit / 8. */
static size_t
ws_budget(size_t limit, size_t used)
{
	size_t half = used < limit ? (limit - used) / 2 : 0;

	if (half < limit / 8)
		half = limit / 8;
	return half > 0 ? half : 1;
}

/*
 * History for s, as one "history" frame (extended clients) or one frame
 * per message marked "history": true (plain clients). Only the newest
 * messages that fit in half of what is left of s's send queue (frames and
 * bytes) go out, so that however large --history or a page is, a client
 * that reads is never closed for it; an extended client learns from
 * "more" that older ones exist, and asks for them by offset. A join's
 * first page that Kafka could not give (a leader election, say) is asked
 * for again; the room stays joined either way.
 */
void
ws_history_done(struct session *s, const struct history_ask *a, int err,
    const char *errstr, struct kc_msg *msgs, size_t n, int more)
{
	struct kc_buf	*enc = NULL, b = { 0 };
	json_t		*obj;
	char		*head;
	size_t		 i, first = n, count = 0, used = 0, max_bytes, max_frames;
	const char	*ref = a->join ? NULL : a->ref;
	int		 trimmed = 0;

	if (s->closing)
		return;
	if (err != KC_OK && a->join) {
		if (ws_in_room(s, a->room) < 0)
			return;
		if (a->attempt + 1 < JOIN_HISTORY_TRIES) {
			log_info("history of %s for %s (%s): %s; asking again",
			    a->room, s->addr, s->client_id,
			    errstr && *errstr ? errstr : kc_strerror(err));
			ws_join_history(s, a->room, a->since, a->ref,
			    a->attempt + 1);
			return;
		}
		/* Not the join's ref: the join itself succeeded. */
		obj = json_object();
		json_object_set_new(obj, "type", json_string("error"));
		json_object_set_new(obj, "code", json_string("history_unavailable"));
		json_object_set_new(obj, "error", json_string(errstr && *errstr ?
		    errstr : kc_strerror(err)));
		json_object_set_new(obj, "room", json_string(a->room));
		metrics.errors_sent++;
		ws_send_json(s, obj, 0);
		return;
	}
	if (err != KC_OK) {
		ws_error(s, err, errstr, ref);
		return;
	}
	if (n > 0 && (enc = calloc(n, sizeof *enc)) == NULL) {
		ws_error(s, KC_ERR_NOMEM, NULL, ref);
		return;
	}
	max_bytes = ws_budget(opts.send_queue_bytes, s->qbytes);
	max_frames = s->ext ? SIZE_MAX : ws_budget(opts.send_queue, s->qlen);
	/* Newest first, until the budget is spent. */
	for (i = n; i > 0; i--) {
		struct kc_msg	*m = &msgs[i - 1];
		struct kc_buf	*e = &enc[i - 1];

		if (kc_json_encode_msg(m, e) != KC_OK || e->len < 2) {
			kc_buf_free(e);
			continue;
		}
		if (!s->ext) {
			e->len--;	/* drop '}' to add the marker */
			kc_buf_append(e, ", \"history\": true}", 18);
		}
		if (count + 1 > max_frames || used + e->len + 1 > max_bytes) {
			kc_buf_free(e);
			trimmed = 1;
			break;
		}
		used += e->len + 1;
		count++;
		first = i - 1;
	}
	if (trimmed)
		log_debug("history of %s for %s (%s): %zu of %zu messages fit "
		    "its send queue", a->room, s->addr, s->client_id, count, n);

	if (!s->ext) {
		for (i = first; i < n; i++) {
			if (enc[i].len > 0)
				ws_send_buf(s, &enc[i]);
		}
		goto out;
	}
	obj = json_object();
	json_object_set_new(obj, "type", json_string("history"));
	json_object_set_new(obj, "room", json_string(a->room));
	json_object_set_new(obj, "before", a->before_id[0] ?
	    json_string(a->before_id) : json_null());
	if (!a->join && a->before != KC_OFFSET_END)
		json_object_set_new(obj, "before_offset",
		    json_integer((json_int_t)a->before));
	if (a->since > 0)
		json_object_set_new(obj, "since", json_integer((json_int_t)a->since));
	json_object_set_new(obj, "more", json_boolean(more || trimmed));
	if (a->ref[0] != '\0')
		json_object_set_new(obj, "ref", json_string(a->ref));
	head = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (head == NULL)
		goto out;
	/* {head..., "messages":[m1,m2,...]}: each record encoded by libkchat. */
	kc_buf_append(&b, head, strlen(head) - 1);
	free(head);
	kc_buf_append(&b, ",\"messages\":[", 13);
	for (i = first; i < n; i++) {
		if (enc[i].len == 0)
			continue;
		if (b.data[b.len - 1] != '[')
			kc_buf_append(&b, ",", 1);
		kc_buf_append(&b, enc[i].data, enc[i].len);
	}
	kc_buf_append(&b, "]}", 2);
	ws_send_buf(s, &b);
	kc_buf_free(&b);
out:
	for (i = 0; i < n; i++)
		kc_buf_free(&enc[i]);
	free(enc);
}

static void
ws_close_one(struct session *s, void *arg)
{
	ws_close(s, LWS_CLOSE_STATUS_GOINGAWAY, "server shutting down", 1);
}

void
ws_close_all(void)
{
	ws_foreach(ws_close_one, NULL);
}

void
ws_free(void)
{
	json_decref(rooms_cache.active);
	memset(&rooms_cache, 0, sizeof rooms_cache);
}
