/*
 * test-logic.c - the bridge's pure logic, without lws service or Kafka:
 * the send queue's bounds, the rate bucket, id de-duplication, the
 * handshake's key and client id rules, room membership (rooms.c, with
 * session_send stubbed: stubs.c), and the ids a client names for its
 * stored direct messages (inbox.c), and a room's recent records kept in
 * memory (window.c): what a page of them answers, and when Kafka must.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "stubs.h"

static struct frame *
frame_sized(size_t len)
{
	char		*p = malloc(len);
	struct frame	*f;

	memset(p, 'x', len);
	f = frame_new(p, len);
	free(p);
	return f;
}

START_TEST(test_queue_bounds)
{
	struct queue	 q;
	struct frame	*f = frame_sized(100), *big = frame_sized(5000), *g;
	unsigned	 i;

	ck_assert_int_eq(queue_init(&q, 4), KC_OK);
	/* Bounded by frames. */
	for (i = 0; i < 4; i++) {
		ck_assert(queue_fits(&q, f->len, 1000));
		queue_push(&q, f);
	}
	ck_assert(!queue_fits(&q, f->len, 1000));
	ck_assert_uint_eq(f->refs, 5);
	ck_assert_uint_eq(q.bytes, 400);
	/* Oldest first. */
	g = queue_pop(&q);
	ck_assert_ptr_eq(g, f);
	frame_unref(g);
	ck_assert_uint_eq(q.len, 3);
	ck_assert_uint_eq(q.bytes, 300);
	/* Bounded by bytes: 300 + 800 > 1000. */
	ck_assert(queue_fits(&q, 700, 1000));
	ck_assert(!queue_fits(&q, 800, 1000));
	/* Over half: 3 of 4 frames. */
	ck_assert(queue_over_half(&q, 100000));
	queue_free(&q);
	ck_assert_uint_eq(f->refs, 1);

	/* One frame larger than the byte bound still goes when alone. */
	ck_assert_int_eq(queue_init(&q, 4), KC_OK);
	ck_assert(queue_fits(&q, big->len, 1000));
	queue_push(&q, big);
	ck_assert(!queue_fits(&q, 1, 1000));
	ck_assert(queue_over_half(&q, 1000));	/* by bytes */
	ck_assert_ptr_eq(queue_pop(&q), big);
	frame_unref(big);
	ck_assert_ptr_eq(queue_pop(&q), NULL);
	ck_assert(!queue_over_half(&q, 1000));
	queue_free(&q);
	frame_unref(big);
	frame_unref(f);
}
END_TEST

/* The ring wraps around without losing order or bytes. */
START_TEST(test_queue_wraps)
{
	struct queue	 q;
	struct frame	*f[3];
	unsigned	 i, round;

	for (i = 0; i < 3; i++)
		f[i] = frame_sized(i + 1);
	ck_assert_int_eq(queue_init(&q, 3), KC_OK);
	for (round = 0; round < 10; round++) {
		for (i = 0; i < 3; i++)
			queue_push(&q, f[i]);
		ck_assert_uint_eq(q.bytes, 6);
		for (i = 0; i < 3; i++) {
			struct frame *g = queue_pop(&q);

			ck_assert_ptr_eq(g, f[i]);
			frame_unref(g);
		}
		ck_assert_uint_eq(q.bytes, 0);
		queue_push(&q, f[0]);		/* shifts the head */
		frame_unref(queue_pop(&q));
	}
	queue_free(&q);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(f[i]->refs, 1);
		frame_unref(f[i]);
	}
}
END_TEST

/* The ring grows as it fills and is given back when it empties. */
START_TEST(test_queue_memory)
{
	struct queue	 q;
	struct frame	*f = frame_sized(10);
	unsigned	 i;

	ck_assert_int_eq(queue_init(&q, 100), KC_OK);
	ck_assert_ptr_null(q.ring);		/* idle: nothing held */
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(queue_push(&q, f), KC_OK);
	ck_assert_uint_eq(q.alloc, 32);
	for (i = 0; i < 80; i++)
		ck_assert_int_eq(queue_push(&q, f), KC_OK);
	ck_assert_uint_eq(q.alloc, 100);	/* never past the capacity */
	ck_assert(!queue_fits(&q, 1, SIZE_MAX));
	for (i = 0; i < 100; i++)
		frame_unref(queue_pop(&q));
	ck_assert_ptr_null(q.ring);
	ck_assert_uint_eq(f->refs, 1);
	queue_free(&q);
	frame_unref(f);
}
END_TEST

/* RFC 6455 5.2: a server's final text frame header, at each length form. */
START_TEST(test_frame_header)
{
	unsigned char	h[FRAME_HEADER_MAX];

	ck_assert_uint_eq(frame_header(0, h), 2);
	ck_assert_uint_eq(h[0], 0x81);
	ck_assert_uint_eq(h[1], 0);
	ck_assert_uint_eq(frame_header(125, h), 2);
	ck_assert_uint_eq(h[1], 125);
	ck_assert_uint_eq(frame_header(126, h), 4);
	ck_assert_uint_eq(h[1], 126);
	ck_assert_uint_eq(h[2] << 8 | h[3], 126);
	ck_assert_uint_eq(frame_header(65535, h), 4);
	ck_assert_uint_eq(h[2] << 8 | h[3], 65535);
	ck_assert_uint_eq(frame_header(65536, h), 10);
	ck_assert_uint_eq(h[1], 127);
	ck_assert_uint_eq(h[2] | h[3] | h[4] | h[5] | h[6], 0);
	ck_assert_uint_eq(h[7], 1);
	ck_assert_uint_eq(h[8] | h[9], 0);
}
END_TEST

START_TEST(test_bucket)
{
	struct bucket	b;
	int		i, taken = 0;

	bucket_fill(&b, 20, 0);
	/* A burst of 20, then nothing until time passes. */
	for (i = 0; i < 25; i++)
		taken += bucket_refill(&b, 10, 20, 0) >= 0 && bucket_take(&b);
	ck_assert_int_eq(taken, 20);
	/* 10 a second: 0.5 s earns 5. */
	bucket_refill(&b, 10, 20, 500000);
	for (i = taken = 0; i < 10; i++)
		taken += bucket_take(&b);
	ck_assert_int_eq(taken, 5);
	/* Never more than the burst, and full says so. */
	ck_assert_int_eq(bucket_refill(&b, 10, 20, 100 * 1000000LL), 1);
	ck_assert(b.tokens <= 20.0);
	/* A clock that goes back earns nothing. */
	bucket_take(&b);
	ck_assert_int_eq(bucket_refill(&b, 10, 20, 0), 0);
	ck_assert(b.tokens < 20.0);
}
END_TEST

START_TEST(test_dedupe)
{
	char	id[KC_ID_LEN + 1];
	int	i;

	ck_assert_ptr_null(dedupe_owner("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5"));
	ck_assert_int_eq(dedupe_seen("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5", "alice"), 0);
	ck_assert_int_eq(dedupe_seen("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5", "alice"), 1);
	ck_assert_str_eq(dedupe_owner("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5"), "alice");
	/* The same id by someone else is another record, relayed; the id
	 * still belongs to the first writer. */
	ck_assert_int_eq(dedupe_seen("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5", "mallory"), 0);
	ck_assert_int_eq(dedupe_seen("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5", "mallory"), 1);
	ck_assert_str_eq(dedupe_owner("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5"), "alice");
	/* The last 8192 are remembered; older ones are forgotten in order. */
	for (i = 0; i < 8192; i++) {
		snprintf(id, sizeof id, "01K6MQZ8V1Q4J4Z6Q9W2%06d", i);
		ck_assert_int_eq(dedupe_seen(id, "bob"), 0);
	}
	ck_assert_ptr_null(dedupe_owner("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5"));
	ck_assert_int_eq(dedupe_seen("01K6MQZ8V1Q4J4Z6Q9W2C3D4E5", "alice"), 0);
	for (i = 8191; i > 1; i--) {
		snprintf(id, sizeof id, "01K6MQZ8V1Q4J4Z6Q9W2%06d", i);
		ck_assert_msg(dedupe_seen(id, "bob") == 1, "id %d forgotten", i);
	}
}
END_TEST

START_TEST(test_handshake_rules)
{
	ck_assert(handshake_key_ok("dGhlIHNhbXBsZSBub25jZQ=="));
	ck_assert(!handshake_key_ok("dGhlIHNhbXBsZSBub25jZQ="));
	ck_assert(!handshake_key_ok("dGhlIHNhbXBsZSBub25jZQ=A"));
	ck_assert(!handshake_key_ok("dGhlIHNhbXBsZSBub25j$Q=="));
	ck_assert(!handshake_key_ok(""));
	ck_assert(handshake_client_id_ok("c-1_a.B"));
	ck_assert(!handshake_client_id_ok(""));
	ck_assert(!handshake_client_id_ok("a/b"));
	ck_assert(!handshake_client_id_ok("a?ext=1"));
	ck_assert(handshake_client_id_ok(
	    "0123456789012345678901234567890123456789012345678901234567890123"));
	ck_assert(!handshake_client_id_ok(
	    "01234567890123456789012345678901234567890123456789012345678901234"));
}
END_TEST

static void
count_visit(struct session *s, void *arg)
{
	(*(int *)arg)++;
}

static void
mark_visit(struct session *s, void *arg)
{
	s->ext = 1;
}

/*
 * The connections of a user: found by name among thousands without a walk
 * over all (the table grows past its first 256 buckets), counted per
 * instance and room, and gone once removed.
 */
START_TEST(test_users)
{
	static struct session	s[3000];
	static struct member	dev = { "dev", 0 }, ops = { "ops", 0 };
	size_t			i;
	int			n;

	for (i = 0; i < 3000; i++) {
		snprintf(s[i].user, sizeof s[i].user, "u%zu", i % 1000);
		snprintf(s[i].inst, sizeof s[i].inst, "%zu", i % 2);
		s[i].members = i % 3 == 0 ? &dev : &ops;
		s[i].nmembers = 1;
		users_add(&s[i]);
		users_add(&s[i]);	/* once */
	}
	n = 0;
	users_foreach("u7", count_visit, &n);
	ck_assert_int_eq(n, 3);		/* s[7], s[1007], s[2007] */
	users_foreach("u7", mark_visit, NULL);
	for (i = 0; i < 3000; i++)
		ck_assert_int_eq(s[i].ext, i % 1000 == 7);
	n = 0;
	users_foreach("nobody", count_visit, &n);
	users_foreach("", count_visit, &n);
	ck_assert_int_eq(n, 0);
	/* u7: s[7] inst 1 ops, s[1007] inst 1 ops, s[2007] inst 1 dev */
	ck_assert_uint_eq(users_inst_count("ops", "u7", "1"), 2);
	ck_assert_uint_eq(users_inst_count("dev", "u7", "1"), 1);
	ck_assert_uint_eq(users_inst_count("dev", "u7", "0"), 0);
	ck_assert_uint_eq(users_inst_count("nowhere", "u7", "1"), 0);

	users_remove(&s[1007]);
	users_remove(&s[1007]);		/* once */
	ck_assert_uint_eq(users_inst_count("ops", "u7", "1"), 1);
	for (i = 0; i < 3000; i++)
		users_remove(&s[i]);
	n = 0;
	for (i = 0; i < 1000; i++) {
		char name[16];

		snprintf(name, sizeof name, "u%zu", i);
		users_foreach(name, count_visit, &n);
	}
	ck_assert_int_eq(n, 0);
	users_free();
}
END_TEST

/* keepalive.c: who is pinged, and who is given up on, and when. */
static struct keepalive	*ka_calls[64];
static char		 ka_what[64];
static size_t		 ka_n;

static void
ka_ping(struct keepalive *k)
{
	ck_assert_int_eq(k->list, KEEPALIVE_PINGED);
	ck_assert_uint_lt(ka_n, 64);
	ka_what[ka_n] = 'p';
	ka_calls[ka_n++] = k;
}

static void
ka_expire(struct keepalive *k)
{
	ck_assert_int_eq(k->list, KEEPALIVE_NONE);
	ck_assert_uint_lt(ka_n, 64);
	ka_what[ka_n] = 'x';
	ka_calls[ka_n++] = k;
}

static size_t ka_quiet;	/* calls of either, when there are too many to keep */

static void
ka_expire_quiet(struct keepalive *k)
{
	ck_assert_int_eq(k->list, KEEPALIVE_NONE);
	ka_quiet++;
}

static void
ka_ping_quiet(struct keepalive *k)
{
	ck_assert_int_eq(k->list, KEEPALIVE_PINGED);
	ka_quiet++;
}

/* Names to look at again: in order of binding, each once, left on close. */
START_TEST(test_namecheck)
{
	struct namecheck	n[4];
	int			i;

	memset(n, 0, sizeof n);
	ck_assert(namecheck_due(100) == NULL);
	ck_assert(namecheck_next() == 0);
	for (i = 0; i < 4; i++)
		namecheck_add(&n[i], 10 + i);
	namecheck_remove(&n[1]);		/* closed meanwhile */
	namecheck_remove(&n[1]);		/* twice: nothing */
	ck_assert(namecheck_next() == 10);
	ck_assert(namecheck_due(9) == NULL);	/* not yet */
	ck_assert(namecheck_due(12) == &n[0]);
	ck_assert(namecheck_due(12) == &n[2]);
	ck_assert(namecheck_due(12) == NULL);
	ck_assert(namecheck_next() == 13);
	/* Bound again (a new name): at the end, once. */
	namecheck_add(&n[0], 20);
	namecheck_add(&n[0], 21);
	ck_assert(namecheck_due(100) == &n[3]);
	ck_assert(namecheck_due(100) == &n[0]);
	ck_assert(n[0].due == 21);
	ck_assert(namecheck_due(100) == NULL);
	ck_assert(namecheck_next() == 0);
	namecheck_remove(&n[0]);		/* taken already: nothing */
}
END_TEST

START_TEST(test_keepalive)
{
	static struct keepalive	 a, b, c, many[20000];
	size_t			 i;

	/* Ping after 10, hang up after 30 in all (20 after the ping). */
	keepalive_seen(&a, 0);
	keepalive_seen(&b, 1);
	keepalive_seen(&c, 2);
	ka_n = 0;
	keepalive_check(9, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 0);
	/* b spoke at 5: it goes after c now. */
	keepalive_seen(&b, 5);
	keepalive_check(12, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 2);
	ck_assert_ptr_eq(ka_calls[0], &a);
	ck_assert_ptr_eq(ka_calls[1], &c);
	ck_assert_int_eq(b.list, KEEPALIVE_LIVE);
	/* Once: a pinged connection is not pinged again while it waits. */
	ka_n = 0;
	keepalive_check(15, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 1);
	ck_assert_ptr_eq(ka_calls[0], &b);
	ck_assert_int_eq(ka_what[0], 'p');
	/* c answers: live again, from then. */
	keepalive_seen(&c, 20);
	ka_n = 0;
	keepalive_check(31, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 1);
	ck_assert_int_eq(ka_what[0], 'p');
	ck_assert_ptr_eq(ka_calls[0], &c);
	/* a, pinged at 12, says nothing for 20 more: expired, once. */
	ka_n = 0;
	keepalive_check(32, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 1);
	ck_assert_int_eq(ka_what[0], 'x');
	ck_assert_ptr_eq(ka_calls[0], &a);
	keepalive_stop(&a);		/* closed later: no harm */
	keepalive_stop(&b);
	keepalive_stop(&b);
	ka_n = 0;
	keepalive_check(1000, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 1);	/* c alone is left */
	ck_assert_ptr_eq(ka_calls[0], &c);
	ck_assert_int_eq(ka_what[0], 'x');

	/* Many, stopped out of order: the others are pinged in their order. */
	for (i = 0; i < 20000; i++)
		keepalive_seen(&many[i], 2000 + (int64_t)i);
	for (i = 0; i < 20000; i += 2)
		keepalive_stop(&many[i]);
	for (i = 1; i < 20000; i += 4)
		keepalive_seen(&many[i], 50000);
	ka_n = 0;
	keepalive_check(2000 + 3 + 10, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 1);
	ck_assert_ptr_eq(ka_calls[0], &many[3]);
	ka_n = 0;
	keepalive_check(2000 + 19 + 10, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 4);
	for (i = 0; i < 4; i++)
		ck_assert_ptr_eq(ka_calls[i], &many[7 + 4 * i]);
	ka_n = 0;
	for (i = 0; i < 20000; i++)
		keepalive_stop(&many[i]);
	keepalive_check(1000000, 10, 30, 64, ka_ping, ka_expire);
	ck_assert_uint_eq(ka_n, 0);

	/* Expired at most max_expire a check; the rest at the next. */
	for (i = 0; i < 100; i++)
		keepalive_seen(&many[i], 2000000);
	keepalive_check(2000010, 10, 30, 0, ka_ping_quiet, ka_expire_quiet);
	ck_assert_uint_eq(ka_quiet, 100);	/* all pinged */
	ka_quiet = 0;
	keepalive_check(2000030, 10, 30, 40, ka_ping_quiet, ka_expire_quiet);
	ck_assert_uint_eq(ka_quiet, 40);
	keepalive_check(2000030, 10, 30, 40, ka_ping_quiet, ka_expire_quiet);
	keepalive_check(2000030, 10, 30, 40, ka_ping_quiet, ka_expire_quiet);
	ck_assert_uint_eq(ka_quiet, 100);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(many[i].list, KEEPALIVE_NONE);
}
END_TEST

/* rooms.c at scale: joins and leaves in any order, each reached once. */
#define MANY_SESSIONS	5000
static struct session	many_s[MANY_SESSIONS];
static unsigned		many_got[MANY_SESSIONS];

static void
many_count(struct session *s)
{
	many_got[s - many_s]++;
}

/* Sends to "big" and checks that exactly those with in[i] got it, once. */
static void
many_check(const int *in)
{
	struct frame	*f = frame_sized(4);
	size_t		 i;

	memset(many_got, 0, sizeof many_got);
	rooms_send("big", f, 0);
	for (i = 0; i < MANY_SESSIONS; i++)
		ck_assert_uint_eq(many_got[i], in[i] ? 1 : 0);
	frame_unref(f);
}

START_TEST(test_rooms_many)
{
	static int	in[MANY_SESSIONS];
	size_t		i, j, k;
	uint32_t	x = 12345;

	stub_send_hook = many_count;
	for (i = 0; i < MANY_SESSIONS; i++) {
		ck_assert_int_eq(rooms_add(&many_s[i], "big"), KC_OK);
		in[i] = 1;
	}
	/* Again: no one twice. */
	for (i = 0; i < MANY_SESSIONS; i += 7)
		ck_assert_int_eq(rooms_add(&many_s[i], "big"), KC_OK);
	many_check(in);
	/* Leaves and rejoins in a pseudo-random order. */
	for (k = 0; k < 4; k++) {
		for (j = 0; j < MANY_SESSIONS; j++) {
			x = x * 1103515245 + 12345;
			i = (x >> 8) % MANY_SESSIONS;
			if (in[i])
				rooms_remove(&many_s[i], "big");
			else
				ck_assert_int_eq(rooms_add(&many_s[i], "big"),
				    KC_OK);
			in[i] = !in[i];
		}
		many_check(in);
	}
	/* Leaving twice, or a room one is not in, changes nothing. */
	for (i = 0; i < MANY_SESSIONS; i++) {
		if (!in[i]) {
			rooms_remove(&many_s[i], "big");
			break;
		}
	}
	many_check(in);
	for (i = 0; i < MANY_SESSIONS; i++)
		rooms_remove(&many_s[i], "big");
	ck_assert(!rooms_has("big"));
	stub_send_hook = NULL;
	rooms_free();
}
END_TEST

START_TEST(test_rooms)
{
	static struct session	a, b, c;
	struct frame		*f = frame_sized(10);
	size_t			 i;
	int			 got_a = 0, got_b = 0;

	strcpy(a.user, "alice");
	strcpy(a.inst, "1");
	strcpy(b.user, "alice");	/* her second tab */
	strcpy(b.inst, "1");
	strcpy(c.user, "bob");
	strcpy(c.inst, "2");
	c.ext = 1;
	ck_assert_int_eq(rooms_add(&a, "dev"), KC_OK);
	ck_assert_int_eq(rooms_add(&a, "dev"), KC_OK);	/* once */
	ck_assert_int_eq(rooms_add(&b, "dev"), KC_OK);
	ck_assert_int_eq(rooms_add(&c, "dev"), KC_OK);
	ck_assert_int_eq(rooms_add(&c, "ops"), KC_OK);
	ck_assert_uint_eq(rooms_count(), 2);
	ck_assert(!rooms_has("nowhere"));

	stub_nsent = 0;
	rooms_send("dev", f, 0);
	ck_assert_uint_eq(stub_nsent, 3);
	for (i = 0; i < stub_nsent; i++) {
		got_a += stub_sent[i].s == &a;
		got_b += stub_sent[i].s == &b;
	}
	ck_assert_int_eq(got_a, 1);
	ck_assert_int_eq(got_b, 1);
	/* ext: only those that asked for it. */
	stub_nsent = 0;
	rooms_send("dev", f, 1);
	ck_assert_uint_eq(stub_nsent, 1);
	ck_assert_ptr_eq(stub_sent[0].s, &c);

	/* Leaving the last connection frees the room. */
	rooms_remove(&c, "ops");
	ck_assert(!rooms_has("ops"));
	rooms_remove(&a, "dev");
	rooms_remove(&b, "dev");
	rooms_remove(&c, "dev");
	ck_assert_uint_eq(rooms_count(), 0);
	stub_nsent = 0;
	rooms_send("dev", f, 0);
	ck_assert_uint_eq(stub_nsent, 0);
	rooms_free();
	frame_unref(f);
}
END_TEST

static void
count_member(const char *room, const char *user, const char *inst,
    const char *away, void *arg)
{
	char *out = arg;

	strcat(out, room);
	strcat(out, ":");
	strcat(out, user);
	strcat(out, "/");
	strcat(out, inst);
	strcat(out, " ");
}

/* Every distinct (room, user, instance) once, whatever number of connections. */
START_TEST(test_rooms_members)
{
	static struct session	a, b, c, d, anon;
	char			out[256] = "";

	strcpy(a.user, "bob");
	strcpy(a.inst, "x");
	strcpy(b.user, "alice");
	strcpy(b.inst, "y");
	strcpy(c.user, "bob");
	strcpy(c.inst, "x");
	strcpy(d.user, "bob");		/* bob's other browser */
	strcpy(d.inst, "z");
	ck_assert_int_eq(rooms_add(&a, "dev"), KC_OK);
	ck_assert_int_eq(rooms_add(&b, "dev"), KC_OK);
	ck_assert_int_eq(rooms_add(&c, "dev"), KC_OK);
	ck_assert_int_eq(rooms_add(&d, "dev"), KC_OK);
	ck_assert_int_eq(rooms_add(&anon, "dev"), KC_OK);
	rooms_each_member(count_member, out);
	ck_assert_str_eq(out, "dev:alice/y dev:bob/x dev:bob/z ");
	rooms_free();
}
END_TEST

/*
 * The ids a client names with ?dm= (inbox.c): valid ULIDs only, at most
 * BRIDGE_DM_IDS_MAX; reading starts a minute before the newest, never
 * earlier than 7 days ago, never later than now.
 */
START_TEST(test_inbox_have_since)
{
	char	 have[BRIDGE_DM_IDS_LEN], list[2048], id[KC_ID_LEN + 1];
	char	 old[KC_ID_LEN + 1], newer[KC_ID_LEN + 1];
	int64_t	 now = kc_now_us(), week = 7LL * 86400 * 1000000;
	size_t	 i;

	inbox_have("", have);
	ck_assert_str_eq(have, "");
	ck_assert(inbox_since(have, now) == now - week);
	ck_assert_int_eq(kc_ulid_new(old, now - 3600LL * 1000000), KC_OK);
	ck_assert_int_eq(kc_ulid_new(newer, now - 600LL * 1000000), KC_OK);
	snprintf(list, sizeof list, "%s,not-an-id,%s,%s", old, newer, "0");
	inbox_have(list, have);
	snprintf(list, sizeof list, "%s,%s", old, newer);
	ck_assert_str_eq(have, list);
	/* From a minute before the newest (ULIDs keep milliseconds). */
	ck_assert(inbox_since(have, now) == kc_ulid_ms(newer) * 1000 -
	    60LL * 1000000);
	/* Older than a week, or in the future: the week. */
	ck_assert_int_eq(kc_ulid_new(old, now - 2 * week), KC_OK);
	ck_assert(inbox_since(old, now) == now - week);
	ck_assert_int_eq(kc_ulid_new(newer, now + 3600LL * 1000000), KC_OK);
	ck_assert(inbox_since(newer, now) == now - week);
	/* At most BRIDGE_DM_IDS_MAX of them. */
	list[0] = '\0';
	for (i = 0; i < BRIDGE_DM_IDS_MAX + 3; i++) {
		ck_assert_int_eq(kc_ulid_new(id, now), KC_OK);
		if (i > 0)
			strcat(list, ",");
		strcat(list, id);
	}
	inbox_have(list, have);
	ck_assert_uint_eq(strlen(have), BRIDGE_DM_IDS_LEN - 1);
}
END_TEST

/* A record of room "r" at offset off of partition 3, text "m<off>". */
static struct kc_msg
win_msg(int64_t off)
{
	struct kc_msg	m;
	char		text[32];

	kc_msg_init(&m);
	m.type = KC_TYPE_MESSAGE;
	snprintf(m.room, sizeof m.room, "r");
	snprintf(m.user, sizeof m.user, "u");
	/* a ULID's shape is not checked here: unique is enough */
	snprintf(m.id, sizeof m.id, "01ID%022lld", (long long)off);
	snprintf(text, sizeof text, "m%lld", (long long)off);
	kc_msg_set_text(&m, text, strlen(text));
	m.partition = 3;
	m.offset = off;
	return m;
}

static void
win_append(struct window *w, int64_t off)
{
	struct kc_msg m = win_msg(off);

	ck_assert_int_eq(window_append(w, &m), KC_OK);
	kc_msg_clear(&m);
}

/* A page from w: 1 if answered, with the offsets into offs. */
static int
win_page(const struct window *w, int64_t before, int64_t since, size_t n,
    int64_t *offs, size_t *count, int *more)
{
	struct kc_msg	*msgs;
	size_t		 i;

	if (!window_page(w, before, since, n, &msgs, count, more))
		return 0;
	for (i = 0; i < *count; i++) {
		offs[i] = msgs[i].offset;
		if (i > 0)
			ck_assert_int_lt(offs[i - 1], offs[i]);
	}
	kc_history_free(msgs, *count);
	return 1;
}

START_TEST(test_window_live)
{
	struct window	w;
	struct kc_msg	m;
	int64_t		offs[16];
	size_t		count;
	int		more;

	/* First joined with the reader at 100 of partition 3. */
	ck_assert_int_eq(window_init(&w, 4, 3, 100), KC_OK);
	/* Empty, and nothing known below 100: Kafka's. */
	ck_assert(!win_page(&w, 100, 0, 2, offs, &count, &more));
	/* Records read live, other rooms' between them. */
	win_append(&w, 100);
	win_append(&w, 104);
	win_append(&w, 110);
	window_advance(&w, 120);
	/* Not rising: refused. */
	m = win_msg(105);
	ck_assert_int_eq(window_append(&w, &m), KC_ERR_INVAL);
	m.offset = 130;
	m.partition = 4;
	ck_assert_int_eq(window_append(&w, &m), KC_ERR_INVAL);
	kc_msg_clear(&m);
	/* Two newest below 120: there, and older ones exist. */
	ck_assert(win_page(&w, 120, 0, 2, offs, &count, &more));
	ck_assert_uint_eq(count, 2);
	ck_assert_int_eq(offs[0], 104);
	ck_assert_int_eq(offs[1], 110);
	ck_assert_int_eq(more, 1);
	/* Exactly the three it has, but below 100 is unknown: more. */
	ck_assert(win_page(&w, 120, 0, 3, offs, &count, &more));
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(more, 1);
	/* Four wanted, three known: Kafka must say. */
	ck_assert(!win_page(&w, 120, 0, 4, offs, &count, &more));
	/* Since 101 is within it: all there are, none older. */
	ck_assert(win_page(&w, 120, 101, 10, offs, &count, &more));
	ck_assert_uint_eq(count, 2);
	ck_assert_int_eq(offs[0], 104);
	ck_assert_int_eq(more, 0);
	/* Below an offset; a before past the reader is the reader. */
	ck_assert(win_page(&w, 110, 0, 1, offs, &count, &more));
	ck_assert_int_eq(offs[0], 104);
	ck_assert_int_eq(more, 1);
	ck_assert(win_page(&w, 1000, 105, 5, offs, &count, &more));
	ck_assert_uint_eq(count, 1);
	ck_assert_int_eq(offs[0], 110);
	/* Below what it holds: Kafka's. */
	ck_assert(!win_page(&w, 90, 0, 1, offs, &count, &more));
	/* Full: the oldest goes and lo rises past it. */
	win_append(&w, 121);
	win_append(&w, 125);
	ck_assert_uint_eq(w.len, 4);
	ck_assert_int_eq(w.lo, 101);
	ck_assert(!win_page(&w, 126, 100, 10, offs, &count, &more));
	ck_assert(win_page(&w, 126, 101, 10, offs, &count, &more));
	ck_assert_uint_eq(count, 4);
	ck_assert_int_eq(offs[0], 104);
	ck_assert_int_eq(offs[3], 125);
	ck_assert_int_eq(window_find_id(&w, "01ID0000000000000000000110"),
	    110);
	ck_assert_int_eq(window_find_id(&w, "01ID0000000000000000000100"), -1);
	window_free(&w);
}
END_TEST

/* Kafka's page msgs of offs[0..n) with more, merged into w. */
static int
win_merge(struct window *w, int64_t before, int64_t since,
    const int64_t *offs, size_t n, int more)
{
	struct kc_msg	msgs[16];
	size_t		i;
	int		r;

	memset(msgs, 0, sizeof msgs);
	for (i = 0; i < n; i++) {
		msgs[i] = win_msg(offs[i]);
		if (offs[i] < 0)
			msgs[i].partition = 1;	/* the room's old partition */
	}
	r = window_merge(w, before, since, msgs, n, more);
	for (i = 0; i < n; i++)
		kc_msg_clear(&msgs[i]);
	return r;
}

START_TEST(test_window_merge)
{
	struct window	w;
	int64_t		offs[16];
	int64_t		page[] = { 40, 50, 60, 70 };
	int64_t		moved[] = { -KC_OFFSET_MOVED + 5, 8 };
	size_t		count;
	int		more;

	ck_assert_int_eq(window_init(&w, 6, 3, 100), KC_OK);
	win_append(&w, 105);
	window_advance(&w, 110);
	/* A page below 80: not touching [100, 110): refused. */
	ck_assert(!win_merge(&w, 80, 0, page, 4, 1));
	/* The join's page below 100, older ones left: down to 40. */
	ck_assert(win_merge(&w, 100, 0, page, 4, 1));
	ck_assert_int_eq(w.lo, 40);
	ck_assert_uint_eq(w.len, 5);
	ck_assert(!w.complete);
	/* Five there; more, since below 40 is unknown. */
	ck_assert(win_page(&w, 110, 0, 5, offs, &count, &more));
	ck_assert_int_eq(offs[0], 40);
	ck_assert_int_eq(offs[4], 105);
	ck_assert_int_eq(more, 1);
	ck_assert(!win_page(&w, 110, 0, 6, offs, &count, &more));
	/* A page below 40 that says nothing is older: complete. */
	page[0] = 10;
	ck_assert(win_merge(&w, 40, 0, page, 1, 0));
	ck_assert(w.complete);
	ck_assert_int_eq(w.lo, 0);
	ck_assert(win_page(&w, 110, 0, 50, offs, &count, &more));
	ck_assert_uint_eq(count, 6);
	ck_assert_int_eq(offs[0], 10);
	ck_assert_int_eq(more, 0);
	/* And an empty page below the oldest, no more: empty, no more. */
	ck_assert(win_page(&w, 10, 0, 50, offs, &count, &more));
	ck_assert_uint_eq(count, 0);
	ck_assert_int_eq(more, 0);
	/* A live record drops the oldest: no longer complete. */
	win_append(&w, 111);
	ck_assert(!w.complete);
	ck_assert_int_eq(w.lo, 11);
	ck_assert(!win_page(&w, 112, 0, 50, offs, &count, &more));
	window_free(&w);

	/* A page that went on into the old partition: not complete. */
	ck_assert_int_eq(window_init(&w, 6, 3, 20), KC_OK);
	ck_assert(win_merge(&w, 20, 0, moved, 2, 0));
	ck_assert(!w.complete);
	ck_assert_int_eq(w.lo, 0);
	ck_assert_uint_eq(w.len, 1);	/* the moved one stays Kafka's */
	ck_assert(win_page(&w, 20, 0, 1, offs, &count, &more));
	ck_assert_int_eq(offs[0], 8);
	ck_assert_int_eq(more, 1);
	ck_assert(!win_page(&w, 20, 0, 2, offs, &count, &more));
	window_free(&w);

	/*
	 * A new room, its partition empty: the window begins at offset 0,
	 * and the join's empty page from Kafka says nothing is older.
	 */
	ck_assert_int_eq(window_init(&w, 6, 3, 0), KC_OK);
	ck_assert(!win_page(&w, 0, 0, 50, offs, &count, &more));
	ck_assert(win_merge(&w, 0, 0, page, 0, 0));
	ck_assert(w.complete);
	win_append(&w, 0);
	ck_assert(win_page(&w, 5, 0, 50, offs, &count, &more));
	ck_assert_uint_eq(count, 1);
	ck_assert_int_eq(more, 0);
	window_free(&w);

	/* More than there is room for: the newest stay, lo at the oldest. */
	ck_assert_int_eq(window_init(&w, 3, 3, 100), KC_OK);
	win_append(&w, 100);
	page[0] = 40;
	ck_assert(win_merge(&w, 100, 0, page, 4, 0));
	ck_assert_uint_eq(w.len, 3);
	ck_assert_int_eq(w.lo, 60);
	ck_assert(!w.complete);
	/* A page with since: complete down to since only. */
	window_reset(&w, 200);
	ck_assert_uint_eq(w.len, 0);
	page[0] = 150;
	ck_assert(win_merge(&w, 200, 120, page, 1, 0));
	ck_assert_int_eq(w.lo, 120);
	ck_assert(!w.complete);
	ck_assert(win_page(&w, 200, 120, 5, offs, &count, &more));
	ck_assert_uint_eq(count, 1);
	ck_assert_int_eq(more, 0);
	ck_assert(!win_page(&w, 200, 0, 5, offs, &count, &more));
	window_free(&w);
}
END_TEST

/* A page of room from cache.c: 1 if from memory, its count and more. */
static int
cache_ask_room(const char *room, int64_t before, int64_t since, size_t n,
    size_t *count, int *more)
{
	struct history_ask	 a;
	struct kc_msg		*msgs;
	int			 r;

	memset(&a, 0, sizeof a);
	snprintf(a.room, sizeof a.room, "%s", room);
	a.n = n;
	a.before = before;
	a.since = since;
	r = cache_page(&a, &msgs, count, more);
	kc_history_free(msgs, *count);
	return r;
}

#define cache_ask(...)	cache_ask_room("r", __VA_ARGS__)

/* room joined, and Kafka's page below the reader said it is empty. */
static void
cache_join_empty(const char *room)
{
	struct history_ask a;

	cache_join(room);
	memset(&a, 0, sizeof a);
	snprintf(a.room, sizeof a.room, "%s", room);
	a.n = 50;
	a.before = stub_live_offset;
	cache_merge(&a, NULL, 0, 0);
}

/* A record of room at offset off read live, in partition 4. */
static void
cache_put(const char *room, int64_t off)
{
	struct kc_msg m = win_msg(off);

	snprintf(m.room, sizeof m.room, "%s", room);
	m.partition = 4;
	cache_record(&m);
	kc_msg_clear(&m);
}

START_TEST(test_cache)
{
	struct history_ask	a;
	struct kc_msg		m = win_msg(10), old[2];
	size_t			rooms, bytes, one, count;
	int			more;

	opts.history_window = 3;
	opts.history_window_bytes = 1 << 20;
	stub_partition = 3;
	/* The reader not placed yet: nothing kept. */
	stub_live_offset = -1;
	cache_join("r");
	cache_stats(&rooms, &bytes);
	ck_assert_uint_eq(rooms, 0);
	stub_live_offset = 10;
	cache_join("r");
	cache_stats(&rooms, &bytes);
	ck_assert_uint_eq(rooms, 1);
	ck_assert_uint_eq(bytes, 0);	/* grown as records come */
	/* Live records; the join's page from Kafka below 10. */
	cache_record(&m);
	kc_msg_clear(&m);
	stub_live_offset = 12;
	memset(&a, 0, sizeof a);
	snprintf(a.room, sizeof a.room, "r");
	a.n = 2;
	a.before = 10;
	old[0] = win_msg(4);
	old[1] = win_msg(7);
	cache_merge(&a, old, 2, 0);
	kc_msg_clear(&old[0]);
	kc_msg_clear(&old[1]);
	ck_assert(cache_ask(12, 0, 50, &count, &more));
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(more, 0);
	/* A moved offset is Kafka's. */
	ck_assert(!cache_ask(-5, 0, 2, &count, &more));
	/* The room's partition changed: dropped, Kafka's again. */
	stub_partition = 4;
	ck_assert(!cache_ask(12, 0, 2, &count, &more));
	cache_stats(&rooms, &bytes);
	ck_assert_uint_eq(rooms, 0);
	ck_assert_uint_eq(bytes, 0);
	/* Bounded: room for two rooms of one record; the least recent goes. */
	stub_live_offset = 12;
	cache_join_empty("a");
	cache_put("a", 20);
	cache_stats(&rooms, &one);
	ck_assert_uint_gt(one, 0);
	cache_join_empty("b");
	cache_put("b", 21);
	opts.history_window_bytes = 2 * one;
	stub_live_offset = 30;
	ck_assert(cache_ask_room("b", 30, 0, 50, &count, &more));
	ck_assert_uint_eq(count, 1);
	cache_join("a");	/* a joined again: b is the least recent */
	cache_join_empty("c");
	cache_put("c", 31);
	cache_stats(&rooms, &bytes);
	ck_assert_uint_eq(rooms, 2);
	ck_assert_uint_le(bytes, 2 * one);
	stub_live_offset = 40;
	ck_assert(cache_ask_room("a", 40, 0, 50, &count, &more));
	ck_assert(cache_ask_room("c", 40, 0, 50, &count, &more));
	ck_assert(!cache_ask_room("b", 40, 0, 50, &count, &more));
	/* The reader went back (a rewind): what was kept is dropped. */
	stub_live_offset = 25;
	ck_assert(!cache_ask_room("c", 25, 0, 50, &count, &more));
	cache_stats(&rooms, &bytes);
	ck_assert_uint_eq(rooms, 1);
	cache_free();
	cache_stats(&rooms, &bytes);
	ck_assert_uint_eq(rooms, 0);
	stub_partition = stub_live_offset = -1;
}
END_TEST

static Suite *
logic_suite(void)
{
	Suite	*s = suite_create("bridge-logic");
	TCase	*tc = tcase_create("pure");

	tcase_add_test(tc, test_queue_bounds);
	tcase_add_test(tc, test_queue_wraps);
	tcase_add_test(tc, test_queue_memory);
	tcase_add_test(tc, test_frame_header);
	tcase_add_test(tc, test_bucket);
	tcase_add_test(tc, test_dedupe);
	tcase_add_test(tc, test_handshake_rules);
	tcase_add_test(tc, test_keepalive);
	tcase_add_test(tc, test_namecheck);
	tcase_add_test(tc, test_rooms);
	tcase_add_test(tc, test_rooms_many);
	tcase_add_test(tc, test_users);
	tcase_add_test(tc, test_rooms_members);
	tcase_add_test(tc, test_inbox_have_since);
	tcase_add_test(tc, test_window_live);
	tcase_add_test(tc, test_window_merge);
	tcase_add_test(tc, test_cache);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(logic_suite());
	int	 failed;

	opts.send_queue = 4;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
