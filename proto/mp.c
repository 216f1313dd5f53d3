/*
 * mp.c - the msgpack record codec: struct kc_msg <-> the Kafka value.
 *
 * Encoding uses msgpack-c's packer. Decoding does not use msgpack-c's
 * unpacker at all: its C API allocates whatever a record declares (a 5-byte
 * record "dd ff ff ff ff" makes it ask for gigabytes, msgpack-c issue #1013).
 * Instead a small walker first checks the whole buffer - every declared
 * length and count must fit in the bytes that remain, nesting is bounded,
 * exactly one object and nothing after it - and then the known keys are read
 * straight from the walked bytes into the fixed fields of struct kc_msg. The
 * only allocation is the text, bounded by KC_TEXT_MAX.
 */
#include <string.h>

#include <msgpack.h>

#include "kchat.h"

/* What kind of object a header announces. */
enum mp_kind {
	MP_NIL,
	MP_BOOL,
	MP_UINT,	/* non-negative integer, in u */
	MP_INT,		/* negative integer, in i */
	MP_FLOAT,
	MP_STR,		/* ptr, len */
	MP_BIN,		/* ptr, len */
	MP_EXT,		/* ptr, len (type byte not kept) */
	MP_ARRAY,	/* n elements follow */
	MP_MAP		/* n key/value pairs follow */
};

/* One object's header, and its payload for scalars, strings, bin and ext. */
struct mp_obj {
	enum mp_kind		 kind;
	uint64_t		 u;
	int64_t			 i;
	const unsigned char	*ptr;
	size_t			 len;
	size_t			 n;
};

/* A cursor over the bytes not read yet. */
struct mp_rd {
	const unsigned char	*p;
	const unsigned char	*end;
};

static uint64_t
mp_be(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	size_t	 i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Takes n bytes from r into *out; KC_ERR_MP_TRUNCATED if fewer remain. */
static int
mp_take(struct mp_rd *r, uint64_t n, const unsigned char **out)
{
	if (n > (uint64_t)(r->end - r->p))
		return KC_ERR_MP_TRUNCATED;
	*out = r->p;
	r->p += n;
	return KC_OK;
}

/* Reads an n-byte big-endian length or count. */
static int
mp_take_be(struct mp_rd *r, size_t n, uint64_t *v)
{
	const unsigned char	*p;
	int			 err;

	if ((err = mp_take(r, n, &p)) != KC_OK)
		return err;
	*v = mp_be(p, n);
	return KC_OK;
}

/* Takes a payload of len bytes (str, bin, ext). */
static int
mp_payload(struct mp_rd *r, uint64_t len, struct mp_obj *o)
{
	int err;

	if ((err = mp_take(r, len, &o->ptr)) != KC_OK)
		return err;
	o->len = (size_t)len;
	return KC_OK;
}

/*
 * Checks that a container of n entries of at least per bytes each fits in
 * what remains, so that no count larger than the input is ever acted upon.
 */
static int
mp_count(struct mp_rd *r, uint64_t n, size_t per, struct mp_obj *o)
{
	if (n > (uint64_t)(r->end - r->p) / per)
		return KC_ERR_MP_TRUNCATED;
	o->n = (size_t)n;
	return KC_OK;
}

/*
 * Reads the header of the object at r->p into o and moves past it; for
 * scalars, strings, bin and ext also past the payload, for arrays and maps
 * only past the header (the entries follow).
 */
static int
mp_head(struct mp_rd *r, struct mp_obj *o)
{
	const unsigned char	*p;
	unsigned char		 b;
	uint64_t		 v;
	int			 err;

	memset(o, 0, sizeof *o);
	if ((err = mp_take(r, 1, &p)) != KC_OK)
		return err;
	b = *p;

	if (b <= 0x7f) {
		o->kind = MP_UINT;
		o->u = b;
		return KC_OK;
	}
	if (b >= 0xe0) {
		o->kind = MP_INT;
		o->i = (int8_t)b;
		return KC_OK;
	}
	if (b >= 0x80 && b <= 0x8f) {
		o->kind = MP_MAP;
		return mp_count(r, b & 0x0f, 2, o);
	}
	if (b >= 0x90 && b <= 0x9f) {
		o->kind = MP_ARRAY;
		return mp_count(r, b & 0x0f, 1, o);
	}
	if (b >= 0xa0 && b <= 0xbf) {
		o->kind = MP_STR;
		return mp_payload(r, b & 0x1f, o);
	}

	switch (b) {
	case 0xc0:
		o->kind = MP_NIL;
		return KC_OK;
	case 0xc1:
		return KC_ERR_MP_BAD_BYTE;
	case 0xc2:
	case 0xc3:
		o->kind = MP_BOOL;
		o->u = b & 1;
		return KC_OK;
	case 0xc4:		/* bin 8, 16, 32 */
	case 0xc5:
	case 0xc6:
		o->kind = MP_BIN;
		if ((err = mp_take_be(r, (size_t)1 << (b - 0xc4), &v)) != KC_OK)
			return err;
		return mp_payload(r, v, o);
	case 0xc7:		/* ext 8, 16, 32: length, type, data */
	case 0xc8:
	case 0xc9:
		o->kind = MP_EXT;
		if ((err = mp_take_be(r, (size_t)1 << (b - 0xc7), &v)) != KC_OK ||
		    (err = mp_take(r, 1, &p)) != KC_OK)
			return err;
		return mp_payload(r, v, o);
	case 0xca:
		o->kind = MP_FLOAT;
		return mp_take(r, 4, &p);
	case 0xcb:
		o->kind = MP_FLOAT;
		return mp_take(r, 8, &p);
	case 0xcc:		/* uint 8, 16, 32, 64 */
	case 0xcd:
	case 0xce:
	case 0xcf:
		o->kind = MP_UINT;
		return mp_take_be(r, (size_t)1 << (b - 0xcc), &o->u);
	case 0xd0:		/* int 8, 16, 32, 64 */
	case 0xd1:
	case 0xd2:
	case 0xd3: {
		size_t n = (size_t)1 << (b - 0xd0);

		if ((err = mp_take_be(r, n, &v)) != KC_OK)
			return err;
		/* Sign-extend the n-byte two's complement value. */
		if (n < 8 && (v >> (n * 8 - 1)) != 0)
			v |= ~(uint64_t)0 << (n * 8);
		if ((v >> 63) != 0) {
			o->kind = MP_INT;
			o->i = (int64_t)v;
		} else {
			o->kind = MP_UINT;
			o->u = v;
		}
		return KC_OK;
	}
	case 0xd4:		/* fixext 1, 2, 4, 8, 16: type, data */
	case 0xd5:
	case 0xd6:
	case 0xd7:
	case 0xd8:
		o->kind = MP_EXT;
		if ((err = mp_take(r, 1, &p)) != KC_OK)
			return err;
		return mp_payload(r, (uint64_t)1 << (b - 0xd4), o);
	case 0xd9:		/* str 8, 16, 32 */
	case 0xda:
	case 0xdb:
		o->kind = MP_STR;
		if ((err = mp_take_be(r, (size_t)1 << (b - 0xd9), &v)) != KC_OK)
			return err;
		return mp_payload(r, v, o);
	case 0xdc:		/* array 16, 32 */
	case 0xdd:
		o->kind = MP_ARRAY;
		if ((err = mp_take_be(r, (size_t)2 << (b - 0xdc), &v)) != KC_OK)
			return err;
		return mp_count(r, v, 1, o);
	case 0xde:		/* map 16, 32 */
	case 0xdf:
		o->kind = MP_MAP;
		if ((err = mp_take_be(r, (size_t)2 << (b - 0xde), &v)) != KC_OK)
			return err;
		return mp_count(r, v, 2, o);
	}
	return KC_ERR_MP_BAD_BYTE;	/* not reached: every byte is covered */
}

/*
 * Moves past one whole object, checking it on the way. depth is the number
 * of containers around it; a container is allowed while it would be at most
 * KC_MP_MAX_DEPTH deep, so the recursion is bounded too.
 */
static int
mp_skip(struct mp_rd *r, int depth)
{
	struct mp_obj	o;
	size_t		i, n;
	int		err;

	if ((err = mp_head(r, &o)) != KC_OK)
		return err;
	if (o.kind != MP_ARRAY && o.kind != MP_MAP)
		return KC_OK;
	if (depth + 1 > KC_MP_MAX_DEPTH)
		return KC_ERR_MP_DEPTH;
	n = o.kind == MP_MAP ? o.n * 2 : o.n;
	for (i = 0; i < n; i++) {
		if ((err = mp_skip(r, depth + 1)) != KC_OK)
			return err;
	}
	return KC_OK;
}

/* ---------------------------------------------------------------- encode */

/* msgpack-c's write callback: append to the kc_buf. */
static int
mp_write(void *data, const char *p, size_t len)
{
	return kc_buf_append(data, p, len) == KC_OK ? 0 : -1;
}

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
	msgpack_packer_init(&pk, out, mp_write);
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
static const char *mp_keys[K__COUNT] = {
	"v", "id", "type", "room", "user", "text", "ts", "to", "via", "inst",
	"re", "reply", "away"
};
#define K_REQUIRED ((1u << K_V) | (1u << K_ID) | (1u << K_TYPE) | \
	(1u << K_ROOM) | (1u << K_USER) | (1u << K_TS))

static int
mp_key_find(const struct mp_obj *k)
{
	int i;

	for (i = 0; i < K__COUNT; i++) {
		if (strlen(mp_keys[i]) == k->len &&
		    memcmp(mp_keys[i], k->ptr, k->len) == 0)
			return i;
	}
	return -1;
}

/*
 * Copies a string value into a fixed field of size bytes. A value that does
 * not fit is too_long, one holding a NUL (which would silently shorten it)
 * is bad_char: neither is truncated.
 */
static int
mp_field(char *dst, size_t size, const struct mp_obj *o, int too_long,
    int bad_char)
{
	if (o->len >= size)
		return too_long;
	if (memchr(o->ptr, '\0', o->len) != NULL)
		return bad_char;
	memcpy(dst, o->ptr, o->len);
	dst[o->len] = '\0';
	return KC_OK;
}

/* Stores the value o of key k into m. */
static int
mp_value(struct kc_msg *m, int k, const struct mp_obj *o, int *unknown_type)
{
	switch (k) {
	case K_V:
		if (o->kind != MP_UINT)
			return KC_ERR_MP_VALUE_TYPE;
		if (o->u != KC_RECORD_VERSION)
			return KC_ERR_VERSION;
		m->v = (unsigned)o->u;
		return KC_OK;
	case K_TS:
		if (o->kind == MP_INT)
			m->ts = o->i;
		else if (o->kind == MP_UINT) {
			if (o->u > INT64_MAX)
				return KC_ERR_TS;
			m->ts = (int64_t)o->u;
		} else
			return KC_ERR_MP_VALUE_TYPE;
		return KC_OK;
	}

	if (o->kind != MP_STR)
		return KC_ERR_MP_VALUE_TYPE;
	switch (k) {
	case K_ID:
		if (o->len != KC_ID_LEN)
			return KC_ERR_ID;
		return mp_field(m->id, sizeof m->id, o, KC_ERR_ID, KC_ERR_ID);
	case K_TYPE:
		/* Decoding goes on: the caller reports an unknown type last. */
		m->type = kc_type_parse((const char *)o->ptr, o->len);
		if (m->type == KC_TYPE_UNKNOWN)
			*unknown_type = 1;
		return KC_OK;
	case K_ROOM:
		return mp_field(m->room, sizeof m->room, o,
		    KC_ERR_ROOM_TOO_LONG, KC_ERR_ROOM_CHAR);
	case K_USER:
		return mp_field(m->user, sizeof m->user, o,
		    KC_ERR_USER_TOO_LONG, KC_ERR_USER_CHAR);
	case K_TO:
		return mp_field(m->to, sizeof m->to, o,
		    KC_ERR_USER_TOO_LONG, KC_ERR_USER_CHAR);
	case K_VIA:
		return mp_field(m->via, sizeof m->via, o, KC_ERR_VIA,
		    KC_ERR_VIA);
	case K_INST:
		return mp_field(m->inst, sizeof m->inst, o, KC_ERR_INST,
		    KC_ERR_INST);
	case K_RE:
		return mp_field(m->re, sizeof m->re, o, KC_ERR_RE, KC_ERR_RE);
	case K_REPLY:
		return mp_field(m->reply, sizeof m->reply, o, KC_ERR_REPLY,
		    KC_ERR_REPLY);
	case K_AWAY:
		return mp_field(m->away, sizeof m->away, o,
		    KC_ERR_AWAY_TOO_LONG, KC_ERR_TEXT_CONTROL);
	case K_TEXT:
		if (o->len > KC_TEXT_MAX)
			return KC_ERR_TEXT_TOO_LONG;
		return kc_msg_set_text(m, (const char *)o->ptr, o->len);
	}
	return KC_ERR_INVAL;	/* not reached */
}

/*
 * The order of checks: the whole buffer's structure first (too large,
 * truncated, 0xc1, depth, trailing bytes), then the top-level map entry by
 * entry (key types, duplicates, value types, field lengths: the first problem
 * found is returned), then missing required keys, then an unknown type, then
 * kc_msg_validate(). The top-level map is nesting level 1, so an unknown
 * key's value may hold KC_MP_MAX_DEPTH - 1 levels of arrays and maps.
 * On an error m may hold the fields read so far (text included): the next
 * decode or kc_msg_clear() releases them.
 */
int
kc_mp_decode(const void *buf, size_t len, struct kc_msg *m)
{
	struct mp_rd	rd;
	struct mp_obj	top, key, val;
	unsigned	seen = 0;
	size_t		i;
	int		k, err, unknown_type = 0;

	if (m == NULL || (buf == NULL && len > 0))
		return KC_ERR_INVAL;
	kc_msg_clear(m);
	if (len > KC_RECORD_MAX)
		return KC_ERR_MP_TOO_LARGE;
	if (len == 0)
		return KC_ERR_MP_TRUNCATED;

	/* Walk the whole record once: after this every count is trusted. */
	rd.p = buf;
	rd.end = rd.p + len;
	if ((err = mp_skip(&rd, 0)) != KC_OK)
		return err;
	if (rd.p != rd.end)
		return KC_ERR_MP_TRAILING;

	rd.p = buf;
	if ((err = mp_head(&rd, &top)) != KC_OK)
		return err;
	if (top.kind != MP_MAP)
		return KC_ERR_MP_NOT_MAP;
	for (i = 0; i < top.n; i++) {
		if ((err = mp_head(&rd, &key)) != KC_OK)
			return err;
		if (key.kind != MP_STR)
			return KC_ERR_MP_KEY_TYPE;
		if ((k = mp_key_find(&key)) == -1) {
			if ((err = mp_skip(&rd, 1)) != KC_OK)
				return err;
			continue;
		}
		if (seen & (1u << k))
			return KC_ERR_MP_DUP_KEY;
		seen |= 1u << k;
		if ((err = mp_head(&rd, &val)) != KC_OK)
			return err;
		if ((err = mp_value(m, k, &val, &unknown_type)) != KC_OK)
			return err;
	}

	if ((seen & K_REQUIRED) != K_REQUIRED)
		return KC_ERR_MP_MISSING;
	if (unknown_type) {
		m->type = KC_TYPE_UNKNOWN;
		return KC_ERR_TYPE;
	}
	return kc_msg_validate(m);
}
