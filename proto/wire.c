/*
 * wire.c - every frame the bridge sends to a browser, encoded one way.
 * kchat.7 (BROWSER PROTOCOL) is the specification; the golden tests in
 * tests/unit/test-wire.c hold each kind's exact bytes.
 *
 * One output format: jansson's default separators (", " and ": "), which
 * reproduce the documented four-field chat frame byte for byte, and keys in
 * the order they are added (jansson >= 2.8 keeps insertion order), so the
 * documented four come first. Strings from Kafka or the client are
 * validated before they get here; the rest goes through jansson's UTF-8
 * check. Every encoder appends to out and leaves it unchanged on failure.
 */
#include <jansson.h>
#include <string.h>

#include "kchat.h"

#define WIRE_DUMP_FLAGS	0

static int
wire_append(const char *p, size_t n, void *arg)
{
	return kc_buf_append(arg, p, n) == KC_OK ? 0 : -1;
}

/* Appends obj to out and releases obj; bad: building it failed. */
static int
wire_dump(json_t *obj, int bad, struct kc_buf *out)
{
	size_t	len = out->len;
	int	rc;

	if (obj == NULL)
		return KC_ERR_NOMEM;
	if (bad) {
		json_decref(obj);
		return KC_ERR_INVAL;
	}
	rc = json_dump_callback(obj, wire_append, out, WIRE_DUMP_FLAGS);
	json_decref(obj);
	if (rc != 0) {
		out->len = len;
		if (out->data != NULL)
			out->data[len] = '\0';
		return KC_ERR_NOMEM;
	}
	return KC_OK;
}

/* key = s[0..len), already validated UTF-8. -1 on failure. */
static int
wire_str(json_t *obj, const char *key, const char *s, size_t len)
{
	return json_object_set_new_nocheck(obj, key, json_stringn_nocheck(s, len));
}

/* key = s, checked by jansson (NULL or invalid UTF-8: -1). */
static int
wire_strc(json_t *obj, const char *key, const char *s)
{
	json_t *v;

	if (s == NULL || (v = json_string(s)) == NULL)
		return -1;
	return json_object_set_new_nocheck(obj, key, v);
}

/* key = v (consumed). */
static int
wire_set(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new_nocheck(obj, key, v);
}

/* "ref" when there is one. */
static int
wire_ref(json_t *obj, const char *ref)
{
	if (ref == NULL || ref[0] == '\0')
		return 0;
	return wire_strc(obj, "ref", ref);
}

static json_t *
wire_names(const char *const *names, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; a != NULL && i < n; i++) {
		if (json_array_append_new(a, json_string(names[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* A chat record as an object; history: marked "history": true. */
static json_t *
wire_record_obj(const struct kc_msg *m, int history, int *err)
{
	json_t	*obj;
	char	 ts[27];
	int	 bad = 0;

	if ((*err = kc_msg_validate(m)) != KC_OK)
		return NULL;
	if ((*err = kc_time_format(kc_msg_shown_ts(m), ts)) != KC_OK)
		return NULL;
	if ((obj = json_object()) == NULL) {
		*err = KC_ERR_NOMEM;
		return NULL;
	}
	/* The documented four first, then the additions. */
	bad |= wire_str(obj, "username", m->user, strlen(m->user));
	if (m->text != NULL)
		bad |= wire_str(obj, "message", m->text, m->text_len);
	else
		bad |= wire_str(obj, "message", "", 0);
	bad |= wire_str(obj, "timestamp", ts, 26);
	bad |= wire_str(obj, "room", m->room, strlen(m->room));
	bad |= wire_str(obj, "id", m->id, strlen(m->id));
	bad |= wire_str(obj, "type", kc_type_name(m->type),
	    strlen(kc_type_name(m->type)));
	if (m->to[0] != '\0')
		bad |= wire_str(obj, "to", m->to, strlen(m->to));
	if (m->via[0] != '\0')
		bad |= wire_str(obj, "via", m->via, strlen(m->via));
	if (m->re[0] != '\0')
		bad |= wire_str(obj, "re", m->re, strlen(m->re));
	if (m->reply[0] != '\0')
		bad |= wire_str(obj, "reply", m->reply, strlen(m->reply));
	if (m->offset != -1)	/* negative: moved (KC_OFFSET_MOVED) */
		bad |= wire_set(obj, "offset", json_integer((json_int_t)m->offset));
	if (history)
		bad |= wire_set(obj, "history", json_true());
	if (bad) {
		json_decref(obj);
		*err = KC_ERR_NOMEM;
		return NULL;
	}
	return obj;
}

/*
 * The "messages" array of records, oldest first; one that does not encode
 * is left out, as a reader would skip it.
 */
static json_t *
wire_records(const struct kc_msg *msgs, size_t n)
{
	json_t	*a = json_array(), *m;
	size_t	 i;
	int	 err;

	for (i = 0; a != NULL && i < n; i++) {
		if ((m = wire_record_obj(&msgs[i], 0, &err)) != NULL &&
		    json_array_append_new(a, m) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

int
kc_wire_record(const struct kc_msg *m, int history, struct kc_buf *out)
{
	json_t	*obj;
	int	 err;

	if (m == NULL || out == NULL)
		return KC_ERR_INVAL;
	if ((obj = wire_record_obj(m, history, &err)) == NULL)
		return err;
	return wire_dump(obj, 0, out);
}

int
kc_wire_ack(const char *ref, const struct kc_msg *m, struct kc_buf *out)
{
	json_t	*obj;
	char	 ts[27];
	int	 err, bad = 0;

	if (m == NULL || out == NULL)
		return KC_ERR_INVAL;
	if ((err = kc_time_format(m->ts, ts)) != KC_OK)
		return err;
	obj = json_object();
	bad |= wire_str(obj, "type", "ack", 3);
	bad |= wire_ref(obj, ref);
	bad |= wire_strc(obj, "id", m->id);
	bad |= wire_str(obj, "timestamp", ts, 26);
	bad |= wire_strc(obj, "room", m->room);
	return wire_dump(obj, bad, out);
}

int
kc_wire_error(int err, const char *message, const char *ref, const char *room,
    struct kc_buf *out)
{
	json_t	*obj, *text = NULL;
	int	 bad = 0;

	if (out == NULL)
		return KC_ERR_INVAL;
	/* A message that is not valid UTF-8 gives way to the standard sentence. */
	if (message != NULL && message[0] != '\0')
		text = json_string(message);
	if (text == NULL)
		text = json_string(kc_strerror(err));
	obj = json_object();
	bad |= wire_str(obj, "type", "error", 5);
	bad |= wire_strc(obj, "code", kc_errname(err));
	bad |= wire_set(obj, "error", text);
	bad |= wire_ref(obj, ref);
	if (room != NULL && room[0] != '\0')
		bad |= wire_strc(obj, "room", room);
	return wire_dump(obj, bad, out);
}

int
kc_wire_hello(const struct kc_wire_hello *h, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_str(obj, "type", "hello", 5);
	bad |= wire_strc(obj, "client_id", h->client_id);
	bad |= wire_set(obj, "username", h->username != NULL &&
	    h->username[0] != '\0' ? json_string(h->username) : json_null());
	bad |= wire_strc(obj, "room", h->room);
	bad |= wire_set(obj, "rooms", wire_names(h->rooms, h->nrooms));
	bad |= wire_strc(obj, "server", h->server);
	bad |= wire_set(obj, "history", json_integer((json_int_t)h->history));
	bad |= wire_set(obj, "max_message",
	    json_integer((json_int_t)h->max_message));
	bad |= wire_set(obj, "rate", json_real(h->rate));
	bad |= wire_set(obj, "burst", json_real(h->burst));
	bad |= wire_set(obj, "presence_timeout_ms",
	    json_integer((json_int_t)h->presence_timeout_ms));
	return wire_dump(obj, bad, out);
}

int
kc_wire_config(int accounts, const char *user, int tls, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_set(obj, "accounts", json_boolean(accounts));
	bad |= wire_set(obj, "user", user != NULL && user[0] != '\0' ?
	    json_string(user) : json_null());
	bad |= wire_set(obj, "tls", json_boolean(tls));
	return wire_dump(obj, bad, out);
}

/* "joined" or "left": room, the connection's rooms now, ref. */
static int
wire_membership(const char *type, const char *room, const char *const *rooms,
    size_t n, const char *ref, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_strc(obj, "type", type);
	bad |= wire_strc(obj, "room", room);
	bad |= wire_set(obj, "rooms", wire_names(rooms, n));
	bad |= wire_ref(obj, ref);
	return wire_dump(obj, bad, out);
}

int
kc_wire_joined(const char *room, const char *const *rooms, size_t n,
    const char *ref, struct kc_buf *out)
{
	return wire_membership("joined", room, rooms, n, ref, out);
}

int
kc_wire_left(const char *room, const char *const *rooms, size_t n,
    const char *ref, struct kc_buf *out)
{
	return wire_membership("left", room, rooms, n, ref, out);
}

int
kc_wire_history(const struct kc_wire_page *p, const struct kc_msg *msgs,
    size_t n, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_str(obj, "type", "history", 7);
	bad |= wire_strc(obj, "room", p->room);
	bad |= wire_set(obj, "before", p->before_id != NULL &&
	    p->before_id[0] != '\0' ? json_string(p->before_id) : json_null());
	if (p->before_offset != -1)
		bad |= wire_set(obj, "before_offset",
		    json_integer((json_int_t)p->before_offset));
	if (p->since > 0)
		bad |= wire_set(obj, "since", json_integer((json_int_t)p->since));
	bad |= wire_set(obj, "more", json_boolean(p->more));
	bad |= wire_ref(obj, p->ref);
	bad |= wire_set(obj, "messages", wire_records(msgs, n));
	return wire_dump(obj, bad, out);
}

int
kc_wire_search(const char *room, const char *q, size_t scanned, int more,
    const char *ref, const struct kc_msg *msgs, size_t n, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_str(obj, "type", "search", 6);
	bad |= wire_strc(obj, "room", room);
	bad |= wire_strc(obj, "q", q);
	bad |= wire_set(obj, "scanned", json_integer((json_int_t)scanned));
	bad |= wire_set(obj, "more", json_boolean(more));
	bad |= wire_ref(obj, ref);
	bad |= wire_set(obj, "messages", wire_records(msgs, n));
	return wire_dump(obj, bad, out);
}

int
kc_wire_dms(const struct kc_msg *msgs, size_t n, int more, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_str(obj, "type", "dms", 3);
	bad |= wire_set(obj, "more", json_boolean(more));
	bad |= wire_set(obj, "messages", wire_records(msgs, n));
	return wire_dump(obj, bad, out);
}

int
kc_wire_presence(const char *room, const char *const *users, size_t n,
    struct kc_buf *out)
{
	return kc_wire_presence_away(room, users, n, NULL, 0, out);
}

int
kc_wire_presence_away(const char *room, const char *const *users, size_t n,
    const char *const *away, size_t naway, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_str(obj, "type", "presence", 8);
	bad |= wire_strc(obj, "room", room);
	bad |= wire_set(obj, "users", wire_names(users, n));
	if (naway > 0)
		bad |= wire_set(obj, "away", wire_names(away, naway));
	return wire_dump(obj, bad, out);
}

int
kc_wire_typing(const char *room, const char *user, int64_t ts_us,
    struct kc_buf *out)
{
	json_t	*obj = json_object();
	char	 ts[27];
	int	 bad = 0;

	if (kc_time_format(ts_us, ts) != KC_OK) {
		json_decref(obj);
		return KC_ERR_TS;
	}
	bad |= wire_str(obj, "type", "typing", 6);
	bad |= wire_strc(obj, "room", room);
	bad |= wire_strc(obj, "username", user);
	bad |= wire_str(obj, "timestamp", ts, 26);
	return wire_dump(obj, bad, out);
}

static json_t *
wire_room_list(const struct kc_wire_room *v, size_t n, int *bad)
{
	json_t	*a = json_array(), *o;
	size_t	 i;

	for (i = 0; a != NULL && i < n; i++) {
		o = json_object();
		*bad |= wire_strc(o, "room", v[i].room);
		*bad |= wire_set(o, "users", json_integer((json_int_t)v[i].users));
		if (v[i].topic != NULL && v[i].topic[0] != '\0')
			*bad |= wire_strc(o, "topic", v[i].topic);
		*bad |= json_array_append_new(a, o);
	}
	return a;
}

int
kc_wire_rooms_all(const char *current, const char *const *joined,
    size_t njoined, const struct kc_wire_room *active, size_t nactive,
    size_t total, const struct kc_wire_room *all, size_t nall,
    size_t all_total, const char *ref, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_str(obj, "type", "rooms", 5);
	bad |= wire_strc(obj, "current", current);
	bad |= wire_set(obj, "joined", wire_names(joined, njoined));
	bad |= wire_set(obj, "active", wire_room_list(active, nactive, &bad));
	bad |= wire_set(obj, "active_total", json_integer((json_int_t)total));
	if (all != NULL) {
		bad |= wire_set(obj, "all", wire_room_list(all, nall, &bad));
		bad |= wire_set(obj, "all_total",
		    json_integer((json_int_t)all_total));
	}
	bad |= wire_ref(obj, ref);
	return wire_dump(obj, bad, out);
}

int
kc_wire_rooms(const char *current, const char *const *joined, size_t njoined,
    const struct kc_wire_room *active, size_t nactive, size_t total,
    const char *ref, struct kc_buf *out)
{
	return kc_wire_rooms_all(current, joined, njoined, active, nactive,
	    total, NULL, 0, 0, ref, out);
}

int
kc_wire_topic(const struct kc_roominfo *ri, const char *ref,
    struct kc_buf *out)
{
	json_t	*obj = json_object();
	char	 ts[27];
	int	 bad = 0;

	bad |= wire_str(obj, "type", "topic", 5);
	bad |= wire_strc(obj, "room", ri->room);
	bad |= wire_strc(obj, "topic", ri->topic);
	if (ri->topic_ts > 0 && kc_time_format(ri->topic_ts, ts) == KC_OK) {
		bad |= wire_strc(obj, "by", ri->topic_by);
		bad |= wire_str(obj, "timestamp", ts, 26);
	}
	if (ri->created_by[0] != '\0' &&
	    kc_time_format(ri->created_ts, ts) == KC_OK) {
		bad |= wire_strc(obj, "created_by", ri->created_by);
		bad |= wire_str(obj, "created", ts, 26);
	}
	bad |= wire_ref(obj, ref);
	return wire_dump(obj, bad, out);
}

int
kc_wire_marker(const struct kc_marker *mk, struct kc_buf *out)
{
	json_t	*obj = json_object();
	char	 ts[27];
	int	 bad = 0;

	if (kc_time_format(mk->ts, ts) != KC_OK) {
		json_decref(obj);
		return KC_ERR_TS;
	}
	bad |= wire_str(obj, "type", "marker", 6);
	bad |= wire_strc(obj, "room", mk->room);
	bad |= wire_strc(obj, "id", mk->id);
	bad |= wire_set(obj, "offset", json_integer((json_int_t)mk->offset));
	bad |= wire_str(obj, "timestamp", ts, 26);
	return wire_dump(obj, bad, out);
}

int
kc_wire_kafka(int ok, const char *why, struct kc_buf *out)
{
	json_t	*obj = json_object();
	int	 bad = 0;

	bad |= wire_str(obj, "type", "kafka", 5);
	bad |= wire_set(obj, "ok", json_boolean(ok));
	if (!ok && why != NULL)
		bad |= wire_strc(obj, "reason", why);
	return wire_dump(obj, bad, out);
}

int
kc_wire_pong(const char *ref, int64_t ts_us, int kafka_ok, struct kc_buf *out)
{
	json_t	*obj = json_object();
	char	 ts[27];
	int	 bad = 0, err;

	if ((err = kc_time_format(ts_us, ts)) != KC_OK) {
		json_decref(obj);
		return err;
	}
	bad |= wire_str(obj, "type", "pong", 4);
	bad |= wire_ref(obj, ref);
	bad |= wire_str(obj, "timestamp", ts, 26);
	bad |= wire_set(obj, "kafka", json_boolean(kafka_ok));
	return wire_dump(obj, bad, out);
}
