/*
 * mp.c - the msgpack record codec: struct kc_msg <-> the Kafka value.
 *
 * Encoding uses msgpack-c's packer. Decoding does not use msgpack-c's
 * unpacker at all: its C API allocates whatever a record declares (a 5-byte
 * record "dd ff ff ff ff" makes it ask for gigabytes, msgpack-c issue #1013).
 * Instead mpmap.c's walker, shared with the state records, first checks the
 * whole buffer - every declared length and count must fit in the bytes that
 * remain, nesting is bounded, exactly one object and nothing after it - and
 * then the known keys are read straight from the walked bytes into the
 * fixed fields of struct kc_msg. The only allocation is the text, bounded
 * by KC_TEXT_MAX.
 */
#include <string.h>

#include <msgpack.h>

#include "internal.h"

/* ---------------------------------------------------------------- encode */

static int
mp_pack_str(msgpack_packer *pk, const char *s, size_t len)
{
	if (msgpack_pack_str(pk, len) != 0)
		return -1;
	return msgpack_pack_str_body(pk, s, len);
}

/* Packs key k with string value s. */
static int
mp_pack_kv(msgpack_packer *pk, const char *k, const char *s, size_t len)
{
	if (mp_pack_str(pk, k, strlen(k)) != 0)
		return -1;
	return mp_pack_str(pk, s, len);
}

int
kc_mp_encode(const struct kc_msg *m, struct kc_buf *out)
{
	msgpack_packer	 pk;
	const char	*type;
	size_t		 start, n;
	int		 err;

	if (m == NULL || out == NULL)
		return KC_ERR_INVAL;
	if ((err = kc_msg_validate(m)) != KC_OK)
		return err;
	type = kc_type_name(m->type);

	n = 6 + (m->text != NULL) + (m->to[0] != '\0') + (m->via[0] != '\0') +
	    (m->inst[0] != '\0') + (m->re[0] != '\0') + (m->reply[0] != '\0') +
	    (m->away[0] != '\0');
	start = out->len;
	msgpack_packer_init(&pk, out, kc_mpmap_write);
	if (msgpack_pack_map(&pk, n) != 0 ||
	    mp_pack_str(&pk, "v", 1) != 0 ||
	    msgpack_pack_unsigned_int(&pk, m->v) != 0 ||
	    mp_pack_kv(&pk, "id", m->id, strlen(m->id)) != 0 ||
	    mp_pack_kv(&pk, "type", type, strlen(type)) != 0 ||
	    mp_pack_kv(&pk, "room", m->room, strlen(m->room)) != 0 ||
	    mp_pack_kv(&pk, "user", m->user, strlen(m->user)) != 0 ||
	    (m->text != NULL &&
	    mp_pack_kv(&pk, "text", m->text, m->text_len) != 0) ||
	    mp_pack_str(&pk, "ts", 2) != 0 ||
	    msgpack_pack_int64(&pk, m->ts) != 0 ||
	    (m->to[0] != '\0' &&
	    mp_pack_kv(&pk, "to", m->to, strlen(m->to)) != 0) ||
	    (m->via[0] != '\0' &&
	    mp_pack_kv(&pk, "via", m->via, strlen(m->via)) != 0) ||
	    (m->inst[0] != '\0' &&
	    mp_pack_kv(&pk, "inst", m->inst, strlen(m->inst)) != 0) ||
	    (m->re[0] != '\0' &&
	    mp_pack_kv(&pk, "re", m->re, strlen(m->re)) != 0) ||
	    (m->reply[0] != '\0' &&
	    mp_pack_kv(&pk, "reply", m->reply, strlen(m->reply)) != 0) ||
	    (m->away[0] != '\0' &&
	    mp_pack_kv(&pk, "away", m->away, strlen(m->away)) != 0)) {
		/* Only kc_buf_append() can fail: drop the partial record. */
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		return KC_ERR_NOMEM;
	}
	return KC_OK;
}

/* ---------------------------------------------------------------- decode */

/* The keys read from a record; bits of the "seen" mask. */
enum mp_key {
	K_V, K_ID, K_TYPE, K_ROOM, K_USER, K_TEXT, K_TS, K_TO, K_VIA, K_INST,
	K_RE, K_REPLY, K_AWAY, K__COUNT
};
static const char *const mp_keys[K__COUNT] = {
	"v", "id", "type", "room", "user", "text", "ts", "to", "via", "inst",
	"re", "reply", "away"
};
#define K_REQUIRED ((1u << K_V) | (1u << K_ID) | (1u << K_TYPE) | \
	(1u << K_ROOM) | (1u << K_USER) | (1u << K_TS))

/* What a decode fills in, and whether the type was one not known. */
struct mp_dec {
	struct kc_msg	*m;
	int		 unknown_type;
};

/*
 * Copies a string value into a fixed field of size bytes. A value that does
 * not fit is too_long, one holding a NUL (which would silently shorten it)
 * is bad_char: neither is truncated.
 */
static int
mp_field(char *dst, size_t size, const struct kc_mpmap_val *v, int too_long,
    int bad_char)
{
	if (v->len >= size)
		return too_long;
	if (memchr(v->s, '\0', v->len) != NULL)
		return bad_char;
	memcpy(dst, v->s, v->len);
	dst[v->len] = '\0';
	return KC_OK;
}

/* Stores the value v of key k into the message (kc_mpmap_fn). */
static int
mp_value(void *arg, int k, const struct kc_mpmap_val *v)
{
	struct mp_dec	*d = arg;
	struct kc_msg	*m = d->m;

	switch (k) {
	case K_V:
		if (v->kind != KC_MPMAP_INT || v->i < 0)
			return KC_ERR_MP_VALUE_TYPE;
		if (v->i != KC_RECORD_VERSION)
			return KC_ERR_VERSION;
		m->v = (unsigned)v->i;
		return KC_OK;
	case K_TS:
		if (v->kind == KC_MPMAP_BIG)
			return KC_ERR_TS;
		return kc_mpmap_int(&m->ts, v);
	}

	if (v->kind != KC_MPMAP_STR)
		return KC_ERR_MP_VALUE_TYPE;
	switch (k) {
	case K_ID:
		if (v->len != KC_ID_LEN)
			return KC_ERR_ID;
		return mp_field(m->id, sizeof m->id, v, KC_ERR_ID, KC_ERR_ID);
	case K_TYPE:
		/* Decoding goes on: the caller reports an unknown type last. */
		m->type = kc_type_parse(v->s, v->len);
		if (m->type == KC_TYPE_UNKNOWN)
			d->unknown_type = 1;
		return KC_OK;
	case K_ROOM:
		return mp_field(m->room, sizeof m->room, v,
		    KC_ERR_ROOM_TOO_LONG, KC_ERR_ROOM_CHAR);
	case K_USER:
		return mp_field(m->user, sizeof m->user, v,
		    KC_ERR_USER_TOO_LONG, KC_ERR_USER_CHAR);
	case K_TO:
		return mp_field(m->to, sizeof m->to, v,
		    KC_ERR_USER_TOO_LONG, KC_ERR_USER_CHAR);
	case K_VIA:
		return mp_field(m->via, sizeof m->via, v, KC_ERR_VIA,
		    KC_ERR_VIA);
	case K_INST:
		return mp_field(m->inst, sizeof m->inst, v, KC_ERR_INST,
		    KC_ERR_INST);
	case K_RE:
		return mp_field(m->re, sizeof m->re, v, KC_ERR_RE, KC_ERR_RE);
	case K_REPLY:
		return mp_field(m->reply, sizeof m->reply, v, KC_ERR_REPLY,
		    KC_ERR_REPLY);
	case K_AWAY:
		return mp_field(m->away, sizeof m->away, v,
		    KC_ERR_AWAY_TOO_LONG, KC_ERR_TEXT_CONTROL);
	case K_TEXT:
		if (v->len > KC_TEXT_MAX)
			return KC_ERR_TEXT_TOO_LONG;
		return kc_msg_set_text(m, v->s, v->len);
	}
	return KC_ERR_INVAL;	/* not reached */
}

/*
 * The order of checks: the whole buffer's structure first (too large,
 * truncated, 0xc1, depth, trailing bytes), then the top-level map entry by
 * entry (key types, duplicates, value types, field lengths: the first problem
 * found is returned), then missing required keys, then an unknown type, then
 * kc_msg_validate(); the walk is mpmap.c's. The top-level map is nesting
 * level 1, so an unknown key's value may hold KC_MP_MAX_DEPTH - 1 levels of
 * arrays and maps. On an error m may hold the fields read so far (text
 * included): the next decode or kc_msg_clear() releases them.
 */
int
kc_mp_decode(const void *buf, size_t len, struct kc_msg *m)
{
	struct mp_dec	d = { m, 0 };
	int		err;

	if (m == NULL || (buf == NULL && len > 0))
		return KC_ERR_INVAL;
	kc_msg_clear(m);
	if (len == 0)
		return KC_ERR_MP_TRUNCATED;
	if ((err = kc_mpmap_decode(buf, len, mp_keys, K__COUNT, K_REQUIRED,
	    mp_value, &d)) != KC_OK)
		return err;
	if (d.unknown_type) {
		m->type = KC_TYPE_UNKNOWN;
		return KC_ERR_TYPE;
	}
	return kc_msg_validate(m);
}
