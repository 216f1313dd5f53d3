/*
 * fuzz-bridge.c - libFuzzer target for the bridge's own path from a
 * client's text frame to the record it writes to Kafka and the frames it
 * answers with: the input is one whole WebSocket text message, handed to
 * bridge/request.c's request_handle() as session.c hands it over. The
 * bridge's request.c, request-post.c, request-ping.c, relay.c and frame.c
 * are linked as they are; what they sit on (the lws session, membership,
 * Kafka) is replaced below by stubs that check instead of sending.
 *
 * Checked for every input: every frame the bridge would queue is one
 * JSON object (jansson reads it back) and its RFC 6455 header says its
 * length; a record handed to Kafka validates, is the connection's user,
 * room and text of the request, is "via" web with the connection's
 * instance, and encodes to msgpack that decodes to the same record; that
 * record read back and relayed makes a frame with the same text, and its
 * delivery makes an ack naming its id.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

struct bridge_opts	opts;
struct metrics		metrics;

static struct session	 sess;
static struct kc_req	 want;		/* the input, parsed apart */
static int		 want_ok;
static unsigned		 nrecords;	/* handed to Kafka this input */
static char		 acked[KC_ID_LEN + 1];

/* A frame as it would go on the wire: a JSON object, a header that fits. */
static json_t *
check_frame(const struct frame *f)
{
	unsigned char	 h[FRAME_HEADER_MAX];
	const char	*p = (const char *)frame_payload(f);
	json_error_t	 error;
	json_t		*root;
	size_t		 n, len;

	if (f->refs == 0 || p[f->len] != '\0' || strlen(p) != f->len)
		abort();
	n = frame_header(f->len, h);
	if (h[0] != 0x81)
		abort();
	len = h[1] < 126 ? h[1] : h[1] == 126 ? (size_t)h[2] << 8 | h[3] :
	    (size_t)h[6] << 24 | (size_t)h[7] << 16 | (size_t)h[8] << 8 | h[9];
	if (len != f->len || n != (h[1] < 126 ? 2u : h[1] == 126 ? 4u : 10u))
		abort();
	root = json_loadb(p, f->len, JSON_REJECT_DUPLICATES, &error);
	if (root == NULL || !json_is_object(root) ||
	    !json_is_string(json_object_get(root, "type")))
		abort();
	return root;
}

static void
check_queued(struct frame *f)
{
	json_t		*root = check_frame(f);
	const char	*type = json_string_value(json_object_get(root, "type"));

	if (strcmp(type, "ack") == 0) {
		json_t *id = json_object_get(root, "id");

		if (!json_is_string(id) || json_string_length(id) != KC_ID_LEN)
			abort();
		memcpy(acked, json_string_value(id), sizeof acked);
	}
	json_decref(root);
}

/* ------------------------------------------- what session.c would do */

void
session_send(struct session *s, struct frame *f)
{
	if (s != &sess)
		abort();
	check_queued(f);
}

void
session_send_ext(struct session *s, struct frame *f)
{
	if (s->ext)
		session_send(s, f);
}

void
session_send_buf(struct session *s, const struct kc_buf *b, int ext)
{
	struct frame *f;

	if ((f = frame_of(b)) == NULL)
		abort();
	if (ext)
		session_send_ext(s, f);
	else
		session_send(s, f);
	frame_unref(f);
}

void
session_error(struct session *s, int err, const char *msg, const char *ref)
{
	struct kc_buf b = { 0 };

	if (kc_wire_error(err, msg, ref, NULL, &b) != KC_OK)
		abort();
	session_send_buf(s, &b, 0);
	kc_buf_free(&b);
}

void
session_extend(struct session *s)
{
	s->ext = 1;
}

struct session *
session_find(uint64_t id)
{
	return id == sess.id ? &sess : NULL;
}

void
session_foreach(void (*fn)(struct session *, void *), void *arg)
{
	fn(&sess, arg);
}

/* ---------------------------------------------- what users.c would do */

void
users_foreach(const char *user, void (*fn)(struct session *, void *),
    void *arg)
{
	if (user[0] != '\0' && strcmp(sess.user, user) == 0)
		fn(&sess, arg);
}

/* -------------------------------------------- what member.c would do */

int
member_bind(struct session *s, const char *name, const char *ref)
{
	if (name[0] == '\0')
		return 0;
	if (s->user[0] != '\0' && strcmp(s->user, name) != 0) {
		session_error(s, KC_ERR_USERNAME_MISMATCH, NULL, ref);
		return -1;
	}
	snprintf(s->user, sizeof s->user, "%s", name);
	return 0;
}

int
member_find(const struct session *s, const char *room)
{
	return strcmp(s->room, room) == 0 ? 0 : -1;
}

int
member_join(struct session *s, const char *room, const char *text,
    size_t len, const char *ref, int64_t since)
{
	if (kc_room_validate(room, strlen(room)) != KC_OK)
		abort();
	snprintf(s->room, sizeof s->room, "%s", room);
	return 0;
}

/* ------------------------------------- what Kafka and the rooms would do */

void
rooms_send(const char *room, struct frame *f, int ext)
{
	json_t *root = check_frame(f), *v;

	/* The record relayed: the text the client sent, in its room. */
	v = json_object_get(root, "message");
	if (!json_is_string(v) || json_string_length(v) != want.text_len ||
	    memcmp(json_string_value(v), want.text, want.text_len) != 0)
		abort();
	v = json_object_get(root, "room");
	if (!json_is_string(v) || strcmp(json_string_value(v), room) != 0)
		abort();
	json_decref(root);
}

void
presence_chat_record(const struct kc_msg *m)
{
}

int
dedupe_seen(const char *id, const char *user)
{
	return 0;
}

const char *
dedupe_owner(const char *id)
{
	return NULL;
}

int
presence_alike(const char *user, char like[KC_NAME_MAX + 1])
{
	return 0;
}

int
health_ok_now(void)
{
	return 1;
}

static void
check_record(const struct kc_msg *m)
{
	const char *room = want.room[0] != '\0' ? want.room : "general";

	if (kc_msg_validate(m) != KC_OK || strcmp(m->user, sess.user) != 0 ||
	    strcmp(m->via, "web") != 0 || strcmp(m->inst, sess.inst) != 0 ||
	    m->text_len != want.text_len ||
	    memcmp(m->text, want.text, want.text_len) != 0)
		abort();
	if (want.type == KC_REQ_DM ? m->type != KC_TYPE_DM ||
	    strcmp(m->to, want.to) != 0 : strcmp(m->room, room) != 0)
		abort();
	if (want.id[0] != '\0' && strcmp(m->id, want.id) != 0)
		abort();
	/* An edit or a delete names the line it changes, as asked. */
	if ((want.type == KC_REQ_EDIT) != (m->type == KC_TYPE_EDIT) ||
	    (want.type == KC_REQ_DELETE) != (m->type == KC_TYPE_DELETE) ||
	    strcmp(m->re, want.re) != 0 || strcmp(m->reply, want.reply) != 0)
		abort();
}

static int
msg_same(const struct kc_msg *a, const struct kc_msg *b)
{
	return a->v == b->v && a->type == b->type && a->ts == b->ts &&
	    strcmp(a->id, b->id) == 0 && strcmp(a->room, b->room) == 0 &&
	    strcmp(a->user, b->user) == 0 && strcmp(a->to, b->to) == 0 &&
	    strcmp(a->via, b->via) == 0 && strcmp(a->inst, b->inst) == 0 &&
	    a->text_len == b->text_len &&
	    memcmp(a->text, b->text, a->text_len) == 0;
}

/* The record to Kafka, read back, relayed, and its delivery acked. */
int
kafka_send(const struct kc_msg *m, void *arg)
{
	struct kc_buf	b = { 0 };
	struct kc_msg	back;

	if (!want_ok || want.text == NULL || arg == NULL)
		abort();
	check_record(m);
	nrecords++;
	if (kc_mp_encode(m, &b) != KC_OK)
		abort();
	kc_msg_init(&back);
	if (kc_mp_decode(b.data, b.len, &back) != KC_OK || !msg_same(m, &back))
		abort();
	relay_record(&back);
	acked[0] = '\0';
	request_post_delivered(arg, &back, KC_OK, NULL);
	/* An extended connection is told Kafka has it, by id. */
	if (sess.ext && strcmp(acked, back.id) != 0)
		abort();
	kc_msg_clear(&back);
	kc_buf_free(&b);
	return KC_OK;
}

int
kafka_heartbeat(const char *room, const char *user, const char *inst,
    int typing, const char *away)
{
	return KC_OK;
}

void
log_msg(int level, const char *fmt, ...)
{
}

/* request_opened()'s: a connection opened here is made by hand instead. */
void
inbox_have(const char *list, char have[BRIDGE_DM_IDS_LEN])
{
}

/* The requests that do not write records: parsed and dropped here. */
void
request_join(struct session *s, const struct kc_req *r)
{
}

void
request_leave(struct session *s, const struct kc_req *r)
{
}

void
request_history(struct session *s, const struct kc_req *r)
{
}

void
request_typing(struct session *s, const struct kc_req *r)
{
}

void
request_who(struct session *s, const struct kc_req *r)
{
}

void
request_rooms(struct session *s, const struct kc_req *r)
{
}

void
request_search(struct session *s, const struct kc_req *r)
{
}

void
request_topic(struct session *s, const struct kc_req *r)
{
}

void
request_read(struct session *s, const struct kc_req *r)
{
}

void
request_away(struct session *s, const struct kc_req *r)
{
}

void
cache_record(const struct kc_msg *m)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t next_id = 1;

	/* A new connection in #general, its user not yet bound. */
	memset(&sess, 0, sizeof sess);
	sess.id = next_id++;
	snprintf(sess.inst, sizeof sess.inst, "0123456789abcdef");
	snprintf(sess.room, sizeof sess.room, "general");
	nrecords = 0;
	kc_req_init(&want);
	want_ok = kc_json_parse_req((const char *)data, size, &want) == KC_OK;

	request_handle(&sess, (const char *)data, size);
	/*
	 * A message that parsed, with a user, and a client id that is not
	 * stale, makes exactly one record; so may an edit or a delete of a
	 * joined room's line; nothing else makes any.
	 */
	if (nrecords > 1 || (nrecords == 1 && (!want_ok ||
	    (want.type != KC_REQ_MESSAGE && want.type != KC_REQ_ACTION &&
	    want.type != KC_REQ_DM && want.type != KC_REQ_EDIT &&
	    want.type != KC_REQ_DELETE))))
		abort();
	if (want_ok && want.type == KC_REQ_MESSAGE && want.username[0] != '\0' &&
	    want.id[0] == '\0' && nrecords != 1)
		abort();
	request_post_closed(&sess);
	kc_req_clear(&want);
	return 0;
}
