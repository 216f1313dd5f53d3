/*
 * mpmap.c - reads a msgpack map with string keys, the shape of every
 * kchat record: the chat records (mp.c) and those of its state topics
 * (roominfo.c, marker.c), without
 * msgpack-c's unpacker (it allocates whatever a record declares, msgpack-c
 * issue #1013). Every length and count is checked against the bytes that
 * remain before it is acted upon, nesting in values is bounded by
 * KC_MP_MAX_DEPTH, exactly one object and nothing after it. Strings and
 * integers are handed to the caller; any other value (nested ones too) is
 * checked and reported as KC_MPMAP_OTHER, so that unknown keys of a later
 * version can be ignored. Known keys are looked up here, once for both
 * codecs, and the pair packers write their records.
 */
#include <string.h>

#include <msgpack.h>

#include "internal.h"

struct mpmap_rd {
	const unsigned char	*p;
	const unsigned char	*end;
};

static int
mpmap_take(struct mpmap_rd *r, uint64_t n, const unsigned char **out)
{
	if (n > (uint64_t)(r->end - r->p))
		return KC_ERR_MP_TRUNCATED;
	*out = r->p;
	r->p += n;
	return KC_OK;
}

static int
mpmap_be(struct mpmap_rd *r, size_t n, uint64_t *v)
{
	const unsigned char	*p;
	size_t			 i;
	int			 err;

	if ((err = mpmap_take(r, n, &p)) != KC_OK)
		return err;
	for (*v = 0, i = 0; i < n; i++)
		*v = (*v << 8) | p[i];
	return KC_OK;
}

/* Reads one object's header into v; *n: entries of a container (pairs x2). */
static int
mpmap_head(struct mpmap_rd *r, struct kc_mpmap_val *v, uint64_t *n)
{
	const unsigned char	*p;
	unsigned char		 b;
	uint64_t		 x = 0;
	size_t			 w;
	int			 err;

	v->kind = KC_MPMAP_OTHER;
	v->container = 0;
	v->s = NULL;
	v->len = 0;
	v->i = 0;
	*n = 0;
	if ((err = mpmap_take(r, 1, &p)) != KC_OK)
		return err;
	b = *p;
	if (b <= 0x7f || b >= 0xe0) {
		v->kind = KC_MPMAP_INT;
		v->i = b <= 0x7f ? b : (int8_t)b;
		return KC_OK;
	}
	if (b <= 0x8f) {
		*n = (uint64_t)(b & 0x0f) * 2;
		goto count;
	}
	if (b <= 0x9f) {
		*n = b & 0x0f;
		goto count;
	}
	if (b <= 0xbf) {
		x = b & 0x1f;
		goto str;
	}
	switch (b) {
	case 0xc0:
		v->kind = KC_MPMAP_NIL;
		return KC_OK;
	case 0xc1:
		return KC_ERR_MP_BAD_BYTE;
	case 0xc2: case 0xc3:
		return KC_OK;
	case 0xc4: case 0xc5: case 0xc6:	/* bin */
		if ((err = mpmap_be(r, (size_t)1 << (b - 0xc4), &x)) != KC_OK)
			return err;
		return mpmap_take(r, x, &p);
	case 0xc7: case 0xc8: case 0xc9:	/* ext: length, type, data */
		if ((err = mpmap_be(r, (size_t)1 << (b - 0xc7), &x)) != KC_OK)
			return err;
		return mpmap_take(r, x + 1, &p);
	case 0xca:
		return mpmap_take(r, 4, &p);
	case 0xcb:
		return mpmap_take(r, 8, &p);
	case 0xcc: case 0xcd: case 0xce: case 0xcf:
		if ((err = mpmap_be(r, (size_t)1 << (b - 0xcc), &x)) != KC_OK)
			return err;
		if (x > INT64_MAX) {
			v->kind = KC_MPMAP_BIG;	/* not a value kchat writes */
			return KC_OK;
		}
		v->kind = KC_MPMAP_INT;
		v->i = (int64_t)x;
		return KC_OK;
	case 0xd0: case 0xd1: case 0xd2: case 0xd3:
		w = (size_t)1 << (b - 0xd0);
		if ((err = mpmap_be(r, w, &x)) != KC_OK)
			return err;
		if (w < 8 && (x >> (w * 8 - 1)) != 0)
			x |= ~(uint64_t)0 << (w * 8);
		v->kind = KC_MPMAP_INT;
		v->i = (int64_t)x;
		return KC_OK;
	case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
		return mpmap_take(r, 1 + ((uint64_t)1 << (b - 0xd4)), &p);
	case 0xd9: case 0xda: case 0xdb:
		if ((err = mpmap_be(r, (size_t)1 << (b - 0xd9), &x)) != KC_OK)
			return err;
		goto str;
	case 0xdc: case 0xdd:
		if ((err = mpmap_be(r, (size_t)2 << (b - 0xdc), n)) != KC_OK)
			return err;
		goto count;
	case 0xde: case 0xdf:
		if ((err = mpmap_be(r, (size_t)2 << (b - 0xde), &x)) != KC_OK)
			return err;
		*n = x * 2;
		goto count;
	}
	return KC_ERR_MP_BAD_BYTE;
str:
	if ((err = mpmap_take(r, x, &p)) != KC_OK)
		return err;
	v->kind = KC_MPMAP_STR;
	v->s = (const char *)p;
	v->len = (size_t)x;
	return KC_OK;
count:
	/* Each entry takes at least a byte: no count beyond what remains. */
	if (*n > (uint64_t)(r->end - r->p))
		return KC_ERR_MP_TRUNCATED;
	v->kind = KC_MPMAP_OTHER;
	v->container = 1;
	return KC_OK;
}

/* Moves past one whole object at depth (containers around it). */
static int
mpmap_skip(struct mpmap_rd *r, int depth, struct kc_mpmap_val *v)
{
	struct kc_mpmap_val	inner;
	uint64_t		n, i;
	int			err;

	if ((err = mpmap_head(r, v, &n)) != KC_OK)
		return err;
	if (!v->container)
		return KC_OK;
	if (depth + 1 > KC_MP_MAX_DEPTH)
		return KC_ERR_MP_DEPTH;
	for (i = 0; i < n; i++) {
		if ((err = mpmap_skip(r, depth + 1, &inner)) != KC_OK)
			return err;
	}
	return KC_OK;
}

int
kc_mpmap_decode(const void *buf, size_t len, const char *const keys[],
    int nkeys, unsigned required, kc_mpmap_fn *fn, void *arg)
{
	struct mpmap_rd		r;
	struct kc_mpmap_val	top, key, val;
	uint64_t		n, i, kn;
	unsigned		seen = 0;
	int			err, k;

	if (buf == NULL && len > 0)
		return KC_ERR_INVAL;
	if (len > KC_RECORD_MAX)
		return KC_ERR_MP_TOO_LARGE;
	/* The whole record's structure first: after this every count is
	 * trusted, and nothing follows the one object. */
	r.p = buf;
	r.end = r.p + len;
	if ((err = mpmap_skip(&r, 0, &top)) != KC_OK)
		return err;
	if (r.p != r.end)
		return KC_ERR_MP_TRAILING;
	r.p = buf;
	if ((err = mpmap_head(&r, &top, &n)) != KC_OK)
		return err;
	/* A map: its entry count is even; an array's may be too. */
	if (!top.container || len == 0 ||
	    !((((const unsigned char *)buf)[0] >= 0x80 &&
	    ((const unsigned char *)buf)[0] <= 0x8f) ||
	    ((const unsigned char *)buf)[0] == 0xde ||
	    ((const unsigned char *)buf)[0] == 0xdf))
		return KC_ERR_MP_NOT_MAP;
	for (i = 0; i < n; i += 2) {
		/* Walked already: a key's header is all of it, or not a key. */
		if ((err = mpmap_head(&r, &key, &kn)) != KC_OK)
			return err;
		if (key.kind != KC_MPMAP_STR)
			return KC_ERR_MP_KEY_TYPE;
		if ((err = mpmap_skip(&r, 1, &val)) != KC_OK)
			return err;
		if (val.container)
			val.kind = KC_MPMAP_OTHER;
		/* The first byte first: most keys differ there. */
		for (k = 0; k < nkeys; k++) {
			if (key.len > 0 && keys[k][0] == key.s[0] &&
			    strlen(keys[k]) == key.len &&
			    memcmp(keys[k], key.s, key.len) == 0)
				break;
		}
		if (k == nkeys)
			continue;		/* a later version's key */
		if (seen & (1u << k))
			return KC_ERR_MP_DUP_KEY;
		seen |= 1u << k;
		if ((err = fn(arg, k, &val)) != KC_OK)
			return err;
	}
	if ((seen & required) != required)
		return KC_ERR_MP_MISSING;
	return KC_OK;
}

int
kc_mpmap_str(char *dst, size_t size, const struct kc_mpmap_val *v)
{
	if (v->kind != KC_MPMAP_STR)
		return KC_ERR_MP_VALUE_TYPE;
	if (v->len >= size || memchr(v->s, '\0', v->len) != NULL)
		return KC_ERR_MP_VALUE_TYPE;	/* too long, or a NUL inside */
	memcpy(dst, v->s, v->len);
	dst[v->len] = '\0';
	return KC_OK;
}

int
kc_mpmap_int(int64_t *dst, const struct kc_mpmap_val *v)
{
	if (v->kind != KC_MPMAP_INT)
		return KC_ERR_MP_VALUE_TYPE;
	*dst = v->i;
	return KC_OK;
}

int
kc_mpmap_write(void *data, const char *p, size_t len)
{
	return kc_buf_append(data, p, len) == KC_OK ? 0 : -1;
}

int
kc_mpmap_pack_str(struct msgpack_packer *pk, const char *key, const char *val)
{
	size_t kl = strlen(key), vl = strlen(val);

	return msgpack_pack_str(pk, kl) || msgpack_pack_str_body(pk, key, kl) ||
	    msgpack_pack_str(pk, vl) || msgpack_pack_str_body(pk, val, vl);
}

int
kc_mpmap_pack_int(struct msgpack_packer *pk, const char *key, int64_t val)
{
	size_t kl = strlen(key);

	return msgpack_pack_str(pk, kl) || msgpack_pack_str_body(pk, key, kl) ||
	    msgpack_pack_int64(pk, val);
}
