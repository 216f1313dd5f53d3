/*
 * test-mp.c - the msgpack record codec of proto/mp.c.
 *
 * Round trips for every type; golden vectors written by an independent
 * msgpack implementation (tests/data/gen-golden.py, Python's msgpack) that
 * must decode field by field and that kc_mp_encode() must reproduce byte for
 * byte; and hostile records, each with the exact error it must give.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "kchat.h"

#define ID	"01HF8ZQK6C3J9V2W4X5Y6Z7A8B"
#define TS	1700000000123456LL

#define ck_assert_code(got, want) do {					\
	int g_ = (got), w_ = (want);					\
	ck_assert_msg(g_ == w_, "%s: got %s, want %s", #got,		\
	    kc_errname(g_), kc_errname(w_));				\
} while (0)

/* --------------------------------------------------------------- helpers */

/* Fills m with fixed id and ts; text NULL leaves it absent. */
static void
msg_fill(struct kc_msg *m, enum kc_type type, const char *room,
    const char *user, const char *text, int64_t ts, const char *to,
    const char *via)
{
	kc_msg_init(m);
	m->v = KC_RECORD_VERSION;
	strcpy(m->id, ID);
	m->type = type;
	strcpy(m->room, room);
	strcpy(m->user, user);
	if (text != NULL)
		ck_assert_int_eq(kc_msg_set_text(m, text, strlen(text)), KC_OK);
	m->ts = ts;
	strcpy(m->to, to ? to : "");
	strcpy(m->via, via ? via : "");
}

/* Asserts that every field of a and b is the same. */
static void
msg_assert_eq(const struct kc_msg *a, const struct kc_msg *b)
{
	ck_assert_uint_eq(a->v, b->v);
	ck_assert_str_eq(a->id, b->id);
	ck_assert_int_eq(a->type, b->type);
	ck_assert_str_eq(a->room, b->room);
	ck_assert_str_eq(a->user, b->user);
	ck_assert_str_eq(a->to, b->to);
	ck_assert_str_eq(a->via, b->via);
	ck_assert_str_eq(a->away, b->away);
	ck_assert(a->ts == b->ts);
	if (a->text == NULL || b->text == NULL) {
		ck_assert_ptr_null(a->text);
		ck_assert_ptr_null(b->text);
		return;
	}
	ck_assert_uint_eq(a->text_len, b->text_len);
	ck_assert_mem_eq(a->text, b->text, a->text_len);
}

/* Encodes m, decodes the bytes, and checks the result equals m. */
static void
round_trip(const struct kc_msg *m)
{
	struct kc_buf	b = { 0 };
	struct kc_msg	d;

	ck_assert_code(kc_mp_encode(m, &b), KC_OK);
	kc_msg_init(&d);
	ck_assert_code(kc_mp_decode(b.data, b.len, &d), KC_OK);
	msg_assert_eq(m, &d);
	kc_msg_clear(&d);
	kc_buf_free(&b);
}

/* Reads tests/data/name (KCHAT_TEST_DATA) into a malloc'd buffer. */
static unsigned char *
data_read(const char *name, size_t *len)
{
	const char	*dir = getenv("KCHAT_TEST_DATA");
	char		 path[4096];
	unsigned char	*p;
	FILE		*f;
	long		 n;

	ck_assert_msg(dir != NULL, "KCHAT_TEST_DATA is not set");
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	p = malloc((size_t)n);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Decodes len bytes and returns the code; m is cleared afterwards. */
static int
decode(const void *p, size_t len)
{
	struct kc_msg	m;
	int		err;

	kc_msg_init(&m);
	err = kc_mp_decode(p, len, &m);
	kc_msg_clear(&m);
	return err;
}

/*
 * Hostile records are built from the fields of a good one with changes: a
 * field may be replaced, removed, or added (again). Values are packed with
 * msgpack-c, or given as raw bytes to say what no packer would.
 */
enum fkind { F_END = 0, F_STR, F_INT, F_RAW, F_DEL, F_ADD_STR, F_ADD_RAW };

struct field {
	enum fkind	 kind;
	const char	*key;
	const char	*s;	/* F_STR: a C string; F_RAW: raw bytes */
	int64_t		 i;	/* F_INT: the value; F_RAW: the length */
};

static const struct field base[] = {
	{ F_INT, "v", NULL, 1 },
	{ F_STR, "id", ID, 0 },
	{ F_STR, "type", "message", 0 },
	{ F_STR, "room", "general", 0 },
	{ F_STR, "user", "john_doe", 0 },
	{ F_STR, "text", "hi", 0 },
	{ F_INT, "ts", NULL, TS },
};
#define NBASE (sizeof base / sizeof base[0])

static int
buf_write(void *data, const char *p, size_t len)
{
	return kc_buf_append(data, p, len) == KC_OK ? 0 : -1;
}

static void
pack_str(msgpack_packer *pk, const char *s, size_t len)
{
	msgpack_pack_str(pk, len);
	msgpack_pack_str_body(pk, s, len);
}

/* Builds the base record with the changes in mods (ended by F_END). */
static void
build(struct kc_buf *b, const struct field *mods)
{
	struct field	 f[NBASE + 16];
	msgpack_packer	 pk;
	size_t		 n = NBASE, i, j, count = 0;

	memcpy(f, base, sizeof base);
	for (j = 0; mods != NULL && mods[j].kind != F_END; j++) {
		ck_assert_uint_lt(n, sizeof f / sizeof f[0]);
		for (i = 0; i < NBASE; i++) {
			if (strcmp(f[i].key, mods[j].key) == 0)
				break;
		}
		if (mods[j].kind == F_ADD_STR || mods[j].kind == F_ADD_RAW ||
		    i == NBASE) {
			f[n] = mods[j];
			if (f[n].kind == F_ADD_STR)
				f[n].kind = F_STR;
			else if (f[n].kind == F_ADD_RAW)
				f[n].kind = F_RAW;
			n++;
		} else
			f[i] = mods[j];
	}
	for (i = 0; i < n; i++)
		count += f[i].kind != F_DEL;

	kc_buf_reset(b);
	msgpack_packer_init(&pk, b, buf_write);
	msgpack_pack_map(&pk, count);
	for (i = 0; i < n; i++) {
		switch (f[i].kind) {
		case F_STR:
			pack_str(&pk, f[i].key, strlen(f[i].key));
			pack_str(&pk, f[i].s, strlen(f[i].s));
			break;
		case F_INT:
			pack_str(&pk, f[i].key, strlen(f[i].key));
			msgpack_pack_int64(&pk, f[i].i);
			break;
		case F_RAW:
			pack_str(&pk, f[i].key, strlen(f[i].key));
			msgpack_pack_str_body(&pk, f[i].s, (size_t)f[i].i);
			break;
		default:
			break;
		}
	}
}

/* Builds the base record with mods and decodes it. */
static int
decode_mods(const struct field *mods)
{
	struct kc_buf	b = { 0 };
	int		err;

	build(&b, mods);
	err = decode(b.data, b.len);
	kc_buf_free(&b);
	return err;
}

#define RAW(k, bytes) { F_RAW, k, bytes, sizeof(bytes) - 1 }

/* ----------------------------------------------------------- round trips */

START_TEST(round_trip_types)
{
	struct kc_msg m;

	msg_fill(&m, KC_TYPE_MESSAGE, "general", "john_doe", "Hello, world!",
	    TS, NULL, NULL);
	round_trip(&m);
	kc_msg_clear(&m);
	msg_fill(&m, KC_TYPE_ACTION, "general", "alice", "waves", TS, NULL,
	    NULL);
	round_trip(&m);
	kc_msg_clear(&m);
	msg_fill(&m, KC_TYPE_JOIN, "random", "bob", NULL, TS, NULL, NULL);
	round_trip(&m);
	kc_msg_clear(&m);
	msg_fill(&m, KC_TYPE_LEAVE, "random", "bob", NULL, TS, NULL, NULL);
	round_trip(&m);
	kc_msg_clear(&m);
	msg_fill(&m, KC_TYPE_LEAVE, "random", "bob", "gone fishing", TS, NULL,
	    NULL);
	round_trip(&m);
	kc_msg_clear(&m);
	msg_fill(&m, KC_TYPE_DM, "general", "alice", "psst", TS, "bob", NULL);
	round_trip(&m);
	kc_msg_clear(&m);
	msg_fill(&m, KC_TYPE_MESSAGE, "general", "alice", "from the web", TS,
	    NULL, "web");
	round_trip(&m);
	kc_msg_clear(&m);
	msg_fill(&m, KC_TYPE_HEARTBEAT, "general", "carol", NULL, TS, NULL,
	    "tui");
	round_trip(&m);
	kc_msg_clear(&m);
	msg_fill(&m, KC_TYPE_MESSAGE, "a", "b", "h\xc3\xa9llo\n\tworld \xf0\x9f\x98\x80",
	    946684800000000LL, NULL, NULL);
	round_trip(&m);
	kc_msg_clear(&m);
}
END_TEST

START_TEST(round_trip_made)
{
	struct kc_msg m;

	kc_msg_init(&m);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_DM, "general", "alice", "bob",
	    "now", 3), KC_OK);
	round_trip(&m);
	kc_msg_clear(&m);
}
END_TEST

/* /away: the message rides on heartbeats and joins; one line of text. */
START_TEST(round_trip_away)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 };

	kc_msg_init(&m);
	ck_assert_code(kc_msg_make(&m, KC_TYPE_HEARTBEAT, "general", "alice",
	    NULL, NULL, 0), KC_OK);
	snprintf(m.away, sizeof m.away, "lunch, back at 2 \xc3\xa9");
	round_trip(&m);
	snprintf(m.away, sizeof m.away, "two\nlines");
	ck_assert_code(kc_mp_encode(&m, &b), KC_ERR_TEXT_CONTROL);
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

START_TEST(round_trip_text_max)
{
	struct kc_msg	 m;
	struct kc_buf	 b = { 0 };
	char		*t;

	t = malloc(KC_TEXT_MAX + 2);
	ck_assert_ptr_nonnull(t);
	memset(t, 'x', KC_TEXT_MAX + 1);
	t[KC_TEXT_MAX] = '\0';
	msg_fill(&m, KC_TYPE_MESSAGE, "general", "john_doe", t, TS, NULL, NULL);
	ck_assert_uint_eq(m.text_len, KC_TEXT_MAX);
	round_trip(&m);

	/* One byte more: the encoder refuses, and so does the decoder. */
	t[KC_TEXT_MAX] = 'x';
	t[KC_TEXT_MAX + 1] = '\0';
	ck_assert_int_eq(kc_msg_set_text(&m, t, KC_TEXT_MAX + 1), KC_OK);
	ck_assert_code(kc_mp_encode(&m, &b), KC_ERR_TEXT_TOO_LONG);
	ck_assert_uint_eq(b.len, 0);
	{
		const struct field mods[] = { { F_STR, "text", t, 0 }, { 0 } };

		ck_assert_code(decode_mods(mods), KC_ERR_TEXT_TOO_LONG);
	}
	kc_msg_clear(&m);
	kc_buf_free(&b);
	free(t);
}
END_TEST

/* The encoder appends, validates first, and leaves out untouched on error. */
START_TEST(encode_appends_and_validates)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 }, one = { 0 };
	size_t		n;

	msg_fill(&m, KC_TYPE_MESSAGE, "general", "john_doe", "hi", TS, NULL,
	    NULL);
	ck_assert_code(kc_mp_encode(&m, &one), KC_OK);
	ck_assert_int_eq(kc_buf_append(&b, "AB", 2), KC_OK);
	ck_assert_code(kc_mp_encode(&m, &b), KC_OK);
	ck_assert_uint_eq(b.len, 2 + one.len);
	ck_assert_mem_eq(b.data, "AB", 2);
	ck_assert_mem_eq(b.data + 2, one.data, one.len);

	n = b.len;
	strcpy(m.room, "bad room");
	ck_assert_code(kc_mp_encode(&m, &b), KC_ERR_ROOM_CHAR);
	strcpy(m.room, "general");
	m.type = KC_TYPE_DM;
	ck_assert_code(kc_mp_encode(&m, &b), KC_ERR_TO_MISSING);
	m.type = KC_TYPE_UNKNOWN;
	ck_assert_code(kc_mp_encode(&m, &b), KC_ERR_TYPE);
	m.type = KC_TYPE_MESSAGE;
	kc_msg_set_text(&m, NULL, 0);
	ck_assert_code(kc_mp_encode(&m, &b), KC_ERR_TEXT_EMPTY);
	ck_assert_uint_eq(b.len, n);

	kc_msg_clear(&m);
	kc_buf_free(&b);
	kc_buf_free(&one);
}
END_TEST

/* Decoding into a message that holds text frees the old text. */
START_TEST(decode_reuses_message)
{
	struct kc_msg	m, d;
	struct kc_buf	b = { 0 };

	msg_fill(&m, KC_TYPE_JOIN, "general", "john_doe", NULL, TS, NULL, NULL);
	ck_assert_code(kc_mp_encode(&m, &b), KC_OK);
	msg_fill(&d, KC_TYPE_MESSAGE, "other", "someone", "old text", 1, "x",
	    "y");
	ck_assert_code(kc_mp_decode(b.data, b.len, &d), KC_OK);
	msg_assert_eq(&m, &d);
	kc_msg_clear(&m);
	kc_msg_clear(&d);
	kc_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------ golden */

struct golden {
	const char	*file;
	enum kc_type	 type;
	const char	*room, *user, *text;
	int64_t		 ts;
	const char	*to, *via;
};

static const struct golden goldens[] = {
	{ "golden-message.mp", KC_TYPE_MESSAGE, "general", "john_doe",
	    "Hello, world!", TS, NULL, NULL },
	{ "golden-action.mp", KC_TYPE_ACTION, "general", "alice",
	    "waves at everyone", TS, NULL, NULL },
	{ "golden-join.mp", KC_TYPE_JOIN, "random", "bob", NULL, TS, NULL,
	    NULL },
	{ "golden-leave.mp", KC_TYPE_LEAVE, "random", "bob", NULL, TS, NULL,
	    "web" },
	{ "golden-dm.mp", KC_TYPE_DM, "general", "alice", "psst, a secret",
	    TS, "bob", "tui" },
	{ "golden-heartbeat.mp", KC_TYPE_HEARTBEAT, "general", "carol", NULL,
	    TS, NULL, "tui" },
	{ "golden-utf8.mp", KC_TYPE_MESSAGE, "dev.ops-2", "_zoe",
	    "h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x98\x80\n"
	    "line two\tthe end.", TS, NULL, NULL },
	{ "golden-long.mp", KC_TYPE_MESSAGE, "general", "john_doe",
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    946684800000000LL, NULL, NULL },
};

START_TEST(golden_decode)
{
	const struct golden	*g = &goldens[_i];
	struct kc_msg		 want, got;
	unsigned char		*p;
	size_t			 len;

	p = data_read(g->file, &len);
	msg_fill(&want, g->type, g->room, g->user, g->text, g->ts, g->to,
	    g->via);
	kc_msg_init(&got);
	ck_assert_code(kc_mp_decode(p, len, &got), KC_OK);
	ck_assert_uint_eq(got.v, 1);
	ck_assert_str_eq(got.id, ID);
	ck_assert_str_eq(kc_type_name(got.type), kc_type_name(g->type));
	ck_assert_str_eq(got.room, g->room);
	ck_assert_str_eq(got.user, g->user);
	ck_assert(got.ts == g->ts);
	ck_assert_str_eq(got.to, g->to ? g->to : "");
	ck_assert_str_eq(got.via, g->via ? g->via : "");
	if (g->text == NULL)
		ck_assert_ptr_null(got.text);
	else {
		ck_assert_ptr_nonnull(got.text);
		ck_assert_uint_eq(got.text_len, strlen(g->text));
		ck_assert_str_eq(got.text, g->text);
	}
	msg_assert_eq(&want, &got);
	kc_msg_clear(&want);
	kc_msg_clear(&got);
	free(p);
}
END_TEST

START_TEST(golden_encode)
{
	const struct golden	*g = &goldens[_i];
	struct kc_msg		 m;
	struct kc_buf		 b = { 0 };
	unsigned char		*p;
	size_t			 len, i;

	p = data_read(g->file, &len);
	msg_fill(&m, g->type, g->room, g->user, g->text, g->ts, g->to, g->via);
	ck_assert_code(kc_mp_encode(&m, &b), KC_OK);
	for (i = 0; i < len && i < b.len; i++)
		ck_assert_msg((unsigned char)b.data[i] == p[i],
		    "%s: byte %zu is %02x, golden has %02x", g->file, i,
		    (unsigned char)b.data[i], p[i]);
	ck_assert_uint_eq(b.len, len);
	kc_msg_clear(&m);
	kc_buf_free(&b);
	free(p);
}
END_TEST

/* Every strict prefix of a golden record is truncated. */
START_TEST(golden_prefixes)
{
	const struct golden	*g = &goldens[_i];
	unsigned char		*p;
	size_t			 len, n;

	p = data_read(g->file, &len);
	for (n = 1; n < len; n++)
		ck_assert_msg(decode(p, n) == KC_ERR_MP_TRUNCATED,
		    "%s: prefix of %zu bytes gave %s", g->file, n,
		    kc_errname(decode(p, n)));
	free(p);
}
END_TEST

/* Another client's key order, unknown keys with nested values, v as int8. */
START_TEST(golden_foreign)
{
	struct kc_msg	 m;
	unsigned char	*p;
	size_t		 len;

	p = data_read("golden-foreign.mp", &len);
	kc_msg_init(&m);
	ck_assert_code(kc_mp_decode(p, len, &m), KC_OK);
	ck_assert_uint_eq(m.v, 1);
	ck_assert_str_eq(m.id, ID);
	ck_assert_int_eq(m.type, KC_TYPE_MESSAGE);
	ck_assert_str_eq(m.room, "general");
	ck_assert_str_eq(m.user, "john_doe");
	ck_assert_str_eq(m.text, "from a foreign client");
	ck_assert(m.ts == TS);
	ck_assert_str_eq(m.to, "");
	ck_assert_str_eq(m.via, "");
	kc_msg_clear(&m);
	free(p);
}
END_TEST

/* ------------------------------------------------------------ hostile */

/* Raw inputs that must fail before anything is allocated for them. */
START_TEST(hostile_counts)
{
	static const unsigned char arr32[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char arr16[] = { 0xdc, 0xff, 0xff };
	static const unsigned char str32[] = { 0xdb, 0xff, 0xff, 0xff, 0xff,
	    'a', 'b', 'c' };
	static const unsigned char map32[] = { 0xdf, 0xff, 0xff, 0xff, 0xff,
	    0xa1, 'v', 0x01 };
	static const unsigned char bin32[] = { 0xc6, 0x80, 0x00, 0x00, 0x00 };
	static const unsigned char ext32[] = { 0xc9, 0xff, 0xff, 0xff, 0xff,
	    0x01 };
	/* A map of 2 that has only one entry's worth of bytes left. */
	static const unsigned char map2[] = { 0x82, 0xa1, 'v' };

	ck_assert_code(decode(arr32, sizeof arr32), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode(arr16, sizeof arr16), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode(str32, sizeof str32), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode(map32, sizeof map32), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode(bin32, sizeof bin32), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode(ext32, sizeof ext32), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode(map2, sizeof map2), KC_ERR_MP_TRUNCATED);
}
END_TEST

/* The same huge counts inside an otherwise good record. */
START_TEST(hostile_counts_nested)
{
	const struct field arr[] = { RAW("x", "\xdd\xff\xff\xff\xff"), { 0 } };
	const struct field map[] = { RAW("x", "\xdf\xff\xff\xff\xff"), { 0 } };
	const struct field str[] = { RAW("text", "\xdb\xff\xff\xff\xff" "abc"),
	    { 0 } };

	ck_assert_code(decode_mods(arr), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode_mods(map), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode_mods(str), KC_ERR_MP_TRUNCATED);
}
END_TEST

START_TEST(hostile_depth)
{
	char		deep[101];
	struct field	mods[] = { { F_RAW, "deep", deep, 0 }, { 0 } };
	int		n;

	/* 100 nested arrays in an unknown key. */
	memset(deep, 0x91, 99);
	deep[99] = (char)0x90;
	mods[0].i = 100;
	ck_assert_code(decode_mods(mods), KC_ERR_MP_DEPTH);

	/* The top map is level 1: 7 levels of arrays below it are fine... */
	for (n = 1; n <= KC_MP_MAX_DEPTH - 1; n++) {
		memset(deep, 0x91, (size_t)n - 1);
		deep[n - 1] = (char)0x90;
		mods[0].i = n;
		ck_assert_code(decode_mods(mods), KC_OK);
	}
	/* ...and one more is not. */
	n = KC_MP_MAX_DEPTH;
	memset(deep, 0x91, (size_t)n - 1);
	deep[n - 1] = (char)0x90;
	mods[0].i = n;
	ck_assert_code(decode_mods(mods), KC_ERR_MP_DEPTH);

	/* Maps count as levels too. */
	{
		const struct field maps[] = { RAW("m",
		    "\x81\xa1k\x81\xa1k\x81\xa1k\x81\xa1k\x81\xa1k\x81\xa1k"
		    "\x81\xa1k\x80"), { 0 } };

		ck_assert_code(decode_mods(maps), KC_ERR_MP_DEPTH);
	}
}
END_TEST

START_TEST(hostile_trailing)
{
	struct kc_buf b = { 0 };

	build(&b, NULL);
	ck_assert_code(decode(b.data, b.len), KC_OK);
	ck_assert_int_eq(kc_buf_append(&b, "\xc0", 1), KC_OK);
	ck_assert_code(decode(b.data, b.len), KC_ERR_MP_TRAILING);
	/* Two records in one value are not one record. */
	build(&b, NULL);
	ck_assert_int_eq(kc_buf_append(&b, b.data, b.len), KC_OK);
	ck_assert_code(decode(b.data, b.len), KC_ERR_MP_TRAILING);
	kc_buf_free(&b);
}
END_TEST

START_TEST(hostile_bad_byte)
{
	const struct field inner[] = { RAW("x", "\x92\x01\xc1"), { 0 } };

	ck_assert_code(decode("\xc1", 1), KC_ERR_MP_BAD_BYTE);
	ck_assert_code(decode("\x81\xa1x\xc1", 4), KC_ERR_MP_BAD_BYTE);
	ck_assert_code(decode_mods(inner), KC_ERR_MP_BAD_BYTE);
}
END_TEST

START_TEST(hostile_not_map)
{
	ck_assert_code(decode("", 0), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode(NULL, 0), KC_ERR_MP_TRUNCATED);
	ck_assert_code(decode("\x90", 1), KC_ERR_MP_NOT_MAP);
	ck_assert_code(decode("\x91\x80", 2), KC_ERR_MP_NOT_MAP);
	ck_assert_code(decode("\x01", 1), KC_ERR_MP_NOT_MAP);
	ck_assert_code(decode("\xa2hi", 3), KC_ERR_MP_NOT_MAP);
	ck_assert_code(decode("\xc0", 1), KC_ERR_MP_NOT_MAP);
	/* An empty map is a map, with every required key missing. */
	ck_assert_code(decode("\x80", 1), KC_ERR_MP_MISSING);
}
END_TEST

START_TEST(hostile_too_large)
{
	struct kc_buf	 b = { 0 };
	char		*big;
	struct field	 mods[] = { { F_RAW, "pad", NULL, 0 }, { 0 } };

	/* 70 KB: refused whatever it holds. */
	big = calloc(1, 70 * 1024);
	ck_assert_ptr_nonnull(big);
	ck_assert_code(decode(big, 70 * 1024), KC_ERR_MP_TOO_LARGE);

	/* A 60 KB unknown bin value is within bounds and skipped. */
	big[0] = (char)0xc5;
	big[1] = (char)(60000 >> 8);
	big[2] = (char)(60000 & 0xff);
	mods[0].s = big;
	mods[0].i = 3 + 60000;
	ck_assert_code(decode_mods(mods), KC_OK);
	/* One byte over KC_RECORD_MAX with a record that is otherwise good. */
	build(&b, NULL);
	mods[0].i = KC_RECORD_MAX + 1 - (int64_t)b.len - 4;	/* 4: "pad" */
	big[1] = (char)((mods[0].i - 3) >> 8);
	big[2] = (char)((mods[0].i - 3) & 0xff);
	build(&b, mods);
	ck_assert_uint_eq(b.len, KC_RECORD_MAX + 1);
	ck_assert_code(decode(b.data, b.len), KC_ERR_MP_TOO_LARGE);
	b.len--;	/* now exactly KC_RECORD_MAX, and truncated */
	ck_assert_code(decode(b.data, b.len), KC_ERR_MP_TRUNCATED);
	free(big);
	kc_buf_free(&b);
}
END_TEST

START_TEST(hostile_key_type)
{
	/* {1: 1}, and a good record with one more entry keyed by an int. */
	const struct field bin[] = { { F_DEL, "v", NULL, 0 }, { 0 } };
	struct kc_buf b = { 0 };

	ck_assert_code(decode("\x81\x01\x01", 3), KC_ERR_MP_KEY_TYPE);
	build(&b, NULL);
	b.data[0]++;		/* one more entry in the fixmap... */
	ck_assert_int_eq(kc_buf_append(&b, "\x07\xa1x", 3), KC_OK);
	ck_assert_code(decode(b.data, b.len), KC_ERR_MP_KEY_TYPE);
	/* ...or a bin key that spells "v". */
	build(&b, bin);
	b.data[0]++;
	ck_assert_int_eq(kc_buf_append(&b, "\xc4\x01v\x01", 4), KC_OK);
	ck_assert_code(decode(b.data, b.len), KC_ERR_MP_KEY_TYPE);
	kc_buf_free(&b);
}
END_TEST

/* Each known key with a value of the wrong type. */
START_TEST(hostile_value_type)
{
	static const struct field bad[] = {
		{ F_STR, "v", "1", 0 },
		RAW("v", "\xca\x3f\x80\x00\x00"),	/* 1.0f */
		RAW("v", "\xc3"),
		RAW("id", "\x01"),
		RAW("id", "\xc4\x1a" ID),		/* bin, not str */
		RAW("type", "\xc0"),
		RAW("type", "\x91\xa7message"),
		RAW("room", "\xc4\x07general"),
		RAW("user", "\xc0"),
		RAW("user", "\x81\xa1k\xa1v"),
		RAW("text", "\xc4\x02hi"),		/* bin for text */
		RAW("text", "\xc0"),
		RAW("text", "\xd4\x01x"),		/* fixext 1 */
		{ F_STR, "ts", "1700000000123456", 0 },
		RAW("ts", "\xcb\x43\x18\x28\xfb\x93\xca\x0f\x00"),	/* double */
		RAW("to", "\x05"),
		RAW("via", "\x90"),
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct field mods[] = { bad[i], { 0 } };

		ck_assert_msg(decode_mods(mods) == KC_ERR_MP_VALUE_TYPE,
		    "bad %s (#%zu) gave %s", bad[i].key, i,
		    kc_errname(decode_mods(mods)));
	}
}
END_TEST

START_TEST(hostile_missing)
{
	const char	*req[] = { "v", "id", "type", "room", "user", "ts" };
	size_t		 i;

	for (i = 0; i < sizeof req / sizeof req[0]; i++) {
		const struct field mods[] = { { F_DEL, req[i], NULL, 0 },
		    { 0 } };

		ck_assert_msg(decode_mods(mods) == KC_ERR_MP_MISSING,
		    "without %s: %s", req[i], kc_errname(decode_mods(mods)));
	}
	/* text is not required by the codec; a message needs it though. */
	{
		const struct field mods[] = { { F_DEL, "text", NULL, 0 },
		    { 0 } };

		ck_assert_code(decode_mods(mods), KC_ERR_TEXT_EMPTY);
	}
	{
		const struct field mods[] = { { F_DEL, "text", NULL, 0 },
		    { F_STR, "type", "join", 0 }, { 0 } };

		ck_assert_code(decode_mods(mods), KC_OK);
	}
}
END_TEST

START_TEST(hostile_dup_key)
{
	const char	*keys[] = { "v", "id", "type", "room", "user", "text",
	    "ts" };
	size_t		 i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		int		 num = base[i].kind == F_INT;
		const struct field mods[] = { { F_ADD_RAW, keys[i],
		    num ? "\x01" : "\xa1x", num ? 1 : 2 }, { 0 } };

		ck_assert_msg(decode_mods(mods) == KC_ERR_MP_DUP_KEY,
		    "%s twice: %s", keys[i], kc_errname(decode_mods(mods)));
	}
	/* The same value twice is still twice. */
	{
		const struct field mods[] = { { F_ADD_STR, "room", "general", 0 },
		    { 0 } };

		ck_assert_code(decode_mods(mods), KC_ERR_MP_DUP_KEY);
	}
	/* Unknown keys may repeat: they are not read. */
	{
		const struct field mods[] = { { F_ADD_STR, "x", "a", 0 },
		    { F_ADD_STR, "x", "b", 0 }, { 0 } };

		ck_assert_code(decode_mods(mods), KC_OK);
	}
}
END_TEST

START_TEST(unknown_keys_skipped)
{
	const struct field mods[] = {
		RAW("meta", "\x82\xa1" "a\x93\x01\x81\xa1" "b\xc0\xc4\x01z"
		    "\xa1" "c\x82\xa1" "d\xcb\x40\x09\x21\xfb\x54\x44\x2d\x18"
		    "\xa1" "e\xd6\xff\x00\x00\x00\x01"),
		RAW("Text", "\xc4\x00"),	/* keys are case-sensitive */
		RAW("tsx", "\xc7\x03\x05xyz"),
		RAW("", "\xc2"),
		{ 0 }
	};
	struct kc_buf	b = { 0 };
	struct kc_msg	m;

	build(&b, mods);
	kc_msg_init(&m);
	ck_assert_code(kc_mp_decode(b.data, b.len, &m), KC_OK);
	ck_assert_str_eq(m.room, "general");
	ck_assert_str_eq(m.user, "john_doe");
	ck_assert_str_eq(m.text, "hi");
	ck_assert(m.ts == TS);
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

START_TEST(hostile_version)
{
	const struct field neg[] = { RAW("v", "\xff"), { 0 } };	/* -1 */
	const struct field neg8[] = { RAW("v", "\xd0\x80"), { 0 } };
	const struct field two[] = { { F_INT, "v", NULL, 2 }, { 0 } };
	const struct field zero[] = { { F_INT, "v", NULL, 0 }, { 0 } };
	const struct field big[] = { RAW("v", "\xcf\x00\x00\x00\x01\x00\x00\x00\x01"),
	    { 0 } };
	const struct field int8[] = { RAW("v", "\xd0\x01"), { 0 } };
	const struct field u16[] = { RAW("v", "\xcd\x00\x01"), { 0 } };

	ck_assert_code(decode_mods(neg), KC_ERR_MP_VALUE_TYPE);
	ck_assert_code(decode_mods(neg8), KC_ERR_MP_VALUE_TYPE);
	ck_assert_code(decode_mods(two), KC_ERR_VERSION);
	ck_assert_code(decode_mods(zero), KC_ERR_VERSION);
	ck_assert_code(decode_mods(big), KC_ERR_VERSION);
	/* 1 in a wider encoding than needed is still 1. */
	ck_assert_code(decode_mods(int8), KC_OK);
	ck_assert_code(decode_mods(u16), KC_OK);
}
END_TEST

START_TEST(hostile_ts)
{
	const struct field neg[] = { { F_INT, "ts", NULL, -TS }, { 0 } };
	const struct field huge[] = { RAW("ts",
	    "\xcf\xff\xff\xff\xff\xff\xff\xff\xff"), { 0 } };
	const struct field small[] = { { F_INT, "ts", NULL, 5 }, { 0 } };
	/* TS as int64 (d3), as another packer might write it. */
	const struct field i64[] = { RAW("ts",
	    "\xd3\x00\x06\x0a\x24\x18\x20\x22\x40"), { 0 } };
	struct kc_buf	b = { 0 };
	struct kc_msg	m;

	ck_assert_code(decode_mods(neg), KC_ERR_TS);
	ck_assert_code(decode_mods(huge), KC_ERR_TS);
	ck_assert_code(decode_mods(small), KC_ERR_TS);
	build(&b, i64);
	kc_msg_init(&m);
	ck_assert_code(kc_mp_decode(b.data, b.len, &m), KC_OK);
	ck_assert(m.ts == TS);
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

/* Strings longer than their field are errors, never truncated. */
START_TEST(hostile_lengths)
{
	static const struct {
		const char	*key, *val;
		int		 err;
	} cases[] = {
		{ "room", "abcdefghijklmnopqrstuvwxyz0123456", KC_ERR_ROOM_TOO_LONG },
		{ "user", "abcdefghijklmnopqrstuvwxyz0123456789", KC_ERR_USER_TOO_LONG },
		{ "id", "01HF8ZQK6C3J9V2W4X5Y6Z7A8", KC_ERR_ID },
		{ "id", "01HF8ZQK6C3J9V2W4X5Y6Z7A8BC", KC_ERR_ID },
		{ "id", "", KC_ERR_ID },
		{ "via", "abcdefghijklmnopq", KC_ERR_VIA },
		{ "room", "", KC_ERR_ROOM_EMPTY },
		{ "user", "bad user", KC_ERR_USER_CHAR },
		{ "text", "", KC_ERR_TEXT_EMPTY },
		{ "text", "bell\a", KC_ERR_TEXT_CONTROL },
		{ "text", "\xff\xfe", KC_ERR_TEXT_UTF8 },
		{ "to", "bob", KC_ERR_TO_UNEXPECTED },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct field mods[] = { { F_STR, cases[i].key,
		    cases[i].val, 0 }, { 0 } };

		ck_assert_msg(decode_mods(mods) == cases[i].err,
		    "%s \"%s\": got %s, want %s", cases[i].key, cases[i].val,
		    kc_errname(decode_mods(mods)), kc_errname(cases[i].err));
	}
	{
		const struct field mods[] = { { F_STR, "type", "dm", 0 },
		    { F_STR, "to", "abcdefghijklmnopqrstuvwxyz0123456", 0 },
		    { 0 } };

		ck_assert_code(decode_mods(mods), KC_ERR_USER_TOO_LONG);
	}
	/* A NUL inside a name would shorten it silently. */
	{
		const struct field room[] = { RAW("room", "\xa5gen\0x"), { 0 } };
		const struct field user[] = { RAW("user", "\xa3" "a\0b"), { 0 } };
		const struct field text[] = { RAW("text", "\xa3" "a\0b"), { 0 } };

		ck_assert_code(decode_mods(room), KC_ERR_ROOM_CHAR);
		ck_assert_code(decode_mods(user), KC_ERR_USER_CHAR);
		ck_assert_code(decode_mods(text), KC_ERR_TEXT_CONTROL);
	}
}
END_TEST

/* An unknown type decodes the rest and says KC_ERR_TYPE, to be skipped. */
START_TEST(unknown_type)
{
	const struct field mods[] = { { F_STR, "type", "poll", 0 },
	    { F_STR, "via", "tui", 0 }, { 0 } };
	const struct field empty[] = { { F_STR, "type", "", 0 }, { 0 } };
	const struct field nul[] = { RAW("type", "\xa8message\0"), { 0 } };
	struct kc_buf	b = { 0 };
	struct kc_msg	m;

	build(&b, mods);
	kc_msg_init(&m);
	ck_assert_code(kc_mp_decode(b.data, b.len, &m), KC_ERR_TYPE);
	ck_assert_int_eq(m.type, KC_TYPE_UNKNOWN);
	ck_assert_uint_eq(m.v, 1);
	ck_assert_str_eq(m.id, ID);
	ck_assert_str_eq(m.room, "general");
	ck_assert_str_eq(m.user, "john_doe");
	ck_assert_str_eq(m.via, "tui");
	ck_assert_str_eq(m.text, "hi");
	ck_assert(m.ts == TS);
	kc_msg_clear(&m);
	kc_buf_free(&b);

	ck_assert_code(decode_mods(empty), KC_ERR_TYPE);
	ck_assert_code(decode_mods(nul), KC_ERR_TYPE);
}
END_TEST

static Suite *
mp_suite(void)
{
	Suite	*s = suite_create("mp");
	TCase	*tc;
	int	 ng = sizeof goldens / sizeof goldens[0];

	tc = tcase_create("round_trip");
	tcase_add_test(tc, round_trip_types);
	tcase_add_test(tc, round_trip_made);
	tcase_add_test(tc, round_trip_away);
	tcase_add_test(tc, round_trip_text_max);
	tcase_add_test(tc, encode_appends_and_validates);
	tcase_add_test(tc, decode_reuses_message);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_loop_test(tc, golden_decode, 0, ng);
	tcase_add_loop_test(tc, golden_encode, 0, ng);
	tcase_add_loop_test(tc, golden_prefixes, 0, ng);
	tcase_add_test(tc, golden_foreign);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, hostile_counts);
	tcase_add_test(tc, hostile_counts_nested);
	tcase_add_test(tc, hostile_depth);
	tcase_add_test(tc, hostile_trailing);
	tcase_add_test(tc, hostile_bad_byte);
	tcase_add_test(tc, hostile_not_map);
	tcase_add_test(tc, hostile_too_large);
	tcase_add_test(tc, hostile_key_type);
	tcase_add_test(tc, hostile_value_type);
	tcase_add_test(tc, hostile_missing);
	tcase_add_test(tc, hostile_dup_key);
	tcase_add_test(tc, unknown_keys_skipped);
	tcase_add_test(tc, hostile_version);
	tcase_add_test(tc, hostile_ts);
	tcase_add_test(tc, hostile_lengths);
	tcase_add_test(tc, unknown_type);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(mp_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
