/*
 * bcast.c - a broadcast under measurement: subscribers in one room, the
 * first few of them also senders. Senders post at a fixed total rate, open
 * loop (a message is due at its time whether or not earlier ones were
 * answered, so a slow bridge shows as latency and refusals, not as a
 * politely lower rate). Each message's text carries the step, its number
 * and its send time; every subscriber's deliveries are checked against a
 * bitmap, so a message the bridge acknowledged and did not deliver to a
 * subscriber is lost, one delivered twice a duplicate. Optional churners
 * connect, complete the handshake, close and connect again meanwhile;
 * optional stalled readers join and then never read again (what the
 * others' latency shows, and whether the bridge cuts them off).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum { ROLE_SUB, ROLE_SENDER, ROLE_CHURN, ROLE_STALL, ROLE_HELD };
enum { MSG_UNSENT, MSG_SENT, MSG_ACKED, MSG_REFUSED };

struct bcast {
	struct pool		*pool;
	unsigned		 subs, senders, churners, stalled, held;
	int			 must_join;	/* room is not "general" */
	unsigned		 joined;
	unsigned		 step;
	uint64_t		 planned, cap;
	uint64_t		*sent_ns;
	unsigned char		*state;
	uint64_t		*seen;		/* subs x words bits */
	size_t			 words;
	uint64_t		 t_last;	/* last delivery */
	uint64_t		 t_answer;	/* last ack or error */
	int			 churning;
	unsigned		*redial;	/* churners to connect again */
	unsigned		 nredial;
	unsigned		 subs_lost;
	struct bcast_step	*r;
};

static void
bcast_open(struct pool *p, struct conn *c)
{
	struct bcast	*b = pool_arg(p);
	char		 req[128];
	int		 n;

	if (c->role == ROLE_HELD)
		return;			/* #general only, and idle */
	if (c->role == ROLE_CHURN) {
		if (b->r != NULL) {
			b->r->handshakes++;
			hist_add(&b->r->hs, (now_ns() - c->t0) / 1000);
		}
		pool_close(p, c);
		return;
	}
	if (b->must_join) {
		n = snprintf(req, sizeof req, "{\"type\":\"join\",\"room\":\"%s\","
		    "\"ref\":\"join\"}", opts.room);
		pool_send_text(p, c, req, (size_t)n);
	}
	if (c->role == ROLE_STALL)
		pool_pause(p, c);
}

/* "kbench STEP MSG TIME": a delivery to subscriber c. */
static void
bcast_delivery(struct bcast *b, struct conn *c, const char *t, const char *e)
{
	unsigned long		 step;
	unsigned long long	 g;
	char			*end;
	uint64_t		*w, bit, now;

	step = strtoul(t + 7, &end, 10);
	g = strtoull(end, &end, 10);
	if (b->r == NULL || step != b->step || g >= b->planned ||
	    c->idx >= b->subs || end >= e) {
		if (b->r != NULL)
			b->r->stray++;
		return;
	}
	now = now_ns();
	w = &b->seen[(size_t)c->idx * b->words + g / 64];
	bit = 1ULL << (g % 64);
	if (*w & bit) {
		b->r->dups++;
		return;
	}
	*w |= bit;
	b->r->delivered++;
	hist_add(&b->r->lat, (now - b->sent_ns[g]) / 1000);
	b->t_last = now;
}

/* An answer to a message: ref is "STEP.MSG". */
static void
bcast_answer(struct bcast *b, struct conn *c, const char *f, size_t n, int ok)
{
	char			 ref[64], code[64];
	unsigned long		 step;
	unsigned long long	 g;
	char			*end;

	if (ws_json_str(f, n, "ref", ref, sizeof ref) == -1) {
		if (!ok && ws_json_str(f, n, "code", code, sizeof code) == 0 &&
		    b->r != NULL && b->r->refused_why[0] == '\0')
			snprintf(b->r->refused_why, sizeof b->r->refused_why,
			    "%.40s (no ref)", code);
		return;
	}
	step = strtoul(ref, &end, 10);
	if (*end != '.' || b->r == NULL || step != b->step)
		return;
	g = strtoull(end + 1, NULL, 10);
	if (g >= b->planned || b->state[g] != MSG_SENT)
		return;
	b->t_answer = now_ns();
	if (c->inflight > 0)
		c->inflight--;
	if (ok) {
		b->state[g] = MSG_ACKED;
		b->r->acked++;
	} else {
		b->state[g] = MSG_REFUSED;
		b->r->refused++;
		if (b->r->refused_why[0] == '\0' &&
		    ws_json_str(f, n, "code", code, sizeof code) == 0)
			snprintf(b->r->refused_why, sizeof b->r->refused_why,
			    "%s", code);
	}
}

static void
bcast_text(struct pool *p, struct conn *c, const char *f, size_t n)
{
	struct bcast	*b = pool_arg(p);
	const char	*t;
	char		 type[32];

	if (c->role == ROLE_CHURN || c->role == ROLE_STALL ||
	    c->role == ROLE_HELD)
		return;
	/*
	 * A page of history (a join's) is no delivery: on a topic used
	 * before, it holds another run's messages, whose texts look alike.
	 */
	if ((t = memmem(f, n, "kbench ", 7)) != NULL) {
		if (memmem(f, n, "\"history\": true", 15) == NULL &&
		    memmem(f, n, "\"type\": \"history\"", 17) == NULL)
			bcast_delivery(b, c, t, f + n);
		return;
	}
	if (ws_json_str(f, n, "type", type, sizeof type) == -1)
		return;
	if (strcmp(type, "ack") == 0)
		bcast_answer(b, c, f, n, 1);
	else if (strcmp(type, "error") == 0)
		bcast_answer(b, c, f, n, 0);
	else if (strcmp(type, "joined") == 0)
		b->joined++;
}

static void
bcast_closed(struct pool *p, struct conn *c, const char *why)
{
	struct bcast *b = pool_arg(p);

	if (c->role == ROLE_STALL || c->role == ROLE_HELD)
		return;
	if (c->role == ROLE_CHURN) {
		/* Not from here: the pool is still busy with this conn. */
		if (b->churning)
			b->redial[b->nredial++] = c->idx;
		return;
	}
	if (why != NULL && c->state == CONN_OPEN) {
		if (b->subs_lost++ == 0)
			report_note("a subscriber's connection ended: %s", why);
	}
}

static uint64_t
bcast_seen_count(struct bcast *b)
{
	return b->r->delivered;
}

/*
 * Posts messages [from, to) of this step, round robin over the senders.
 */
static void
bcast_send(struct bcast *b, uint64_t from, uint64_t to)
{
	static char	*text, *json;
	static size_t	 cap;
	size_t		 need = (size_t)opts.size + 512;
	uint64_t	 g;
	struct conn	*c;
	int		 n, k;

	if (cap < need) {
		free(text);
		free(json);
		text = malloc(need);
		json = malloc(need);
		cap = need;
		if (text == NULL || json == NULL) {
			cap = 0;
			return;
		}
	}
	for (g = from; g < to; g++) {
		unsigned s = (unsigned)(g % b->senders);

		c = pool_conn(b->pool, s);
		b->sent_ns[g] = now_ns();
		k = snprintf(text, cap, "kbench %u %llu %llu ", b->step,
		    (unsigned long long)g,
		    (unsigned long long)(b->sent_ns[g] / 1000));
		if (k < opts.size) {
			memset(text + k, 'x', (size_t)(opts.size - k));
			k = (int)opts.size;
		}
		text[k] = '\0';
		n = snprintf(json, cap, "{\"username\":\"bench-s%u\",\"message\":"
		    "\"%s\",\"room\":\"%s\",\"ref\":\"%u.%llu\"}", s, text,
		    opts.room, b->step, (unsigned long long)g);
		b->r->sent++;
		if (pool_send_text(b->pool, c, json, (size_t)n) == 0) {
			b->state[g] = MSG_SENT;
			c->inflight++;
		} else {
			b->state[g] = MSG_REFUSED;
			b->r->refused++;
			snprintf(b->r->refused_why, sizeof b->r->refused_why,
			    "sender not connected");
		}
	}
}

struct bcast *
bcast_new(unsigned subs, unsigned senders, unsigned churners, int *err)
{
	struct pool_cb	 cb = { bcast_open, bcast_text, bcast_closed, NULL };
	struct bcast	*b;
	struct bcast_step warm;
	unsigned	 open;
	uint64_t	 end;

	if (senders == 0 || senders > subs) {
		*err = BENCH_ERR_USAGE;
		return NULL;
	}
	if ((b = calloc(1, sizeof *b)) == NULL) {
		*err = BENCH_ERR_SYS;
		return NULL;
	}
	cb.arg = b;
	b->subs = subs;
	b->senders = senders;
	b->churners = churners;
	b->must_join = strcmp(opts.room, "general") != 0;
	if ((b->redial = calloc(churners + 1, sizeof *b->redial)) == NULL) {
		free(b);
		*err = BENCH_ERR_SYS;
		return NULL;
	}
	b->stalled = (unsigned)opts.stalled;
	b->held = (unsigned)opts.held;
	if ((b->pool = pool_new(subs + churners + b->stalled + b->held, &cb)) ==
	    NULL) {
		bcast_free(b);
		*err = BENCH_ERR_CONNECT;
		return NULL;
	}
	/* Held first: the measured clients' handshakes are not among them. */
	if (b->held > 0 && pool_open_range(b->pool, subs + churners + b->stalled,
	    subs + churners + b->stalled + b->held, "bh", "", ROLE_HELD, 512,
	    (int)(120000 + b->held / 10)) < b->held)
		report_note("not every held connection opened: %s",
		    pool_last_error);
	open = pool_open_range(b->pool, 0, senders, "bs", "?ext=1", ROLE_SENDER,
	    256, 60000);
	open += pool_open_range(b->pool, senders, subs, "bn", "", ROLE_SUB, 256,
	    60000 + (int)subs);
	/* In "general" from the start: they stop reading once open. */
	if (b->stalled > 0 && pool_open_range(b->pool, subs + churners, subs +
	    churners + b->stalled, "bz", "", ROLE_STALL, 256, 60000) < b->stalled)
		report_note("not every stalled reader connected: %s",
		    pool_last_error);
	end = now_ns() + 30 * NS_PER_S;
	while (b->must_join && b->joined < open && now_ns() < end)
		pool_run(b->pool, 10);
	if (open < subs || (b->must_join && b->joined < open)) {
		report_note("%u of %u subscribers connected%s: %s", open, subs,
		    b->must_join ? " and joined" : "", pool_last_error[0] ?
		    pool_last_error : "timed out");
		bcast_free(b);
		*err = BENCH_ERR_CONNECT;
		return NULL;
	}
	/* One message from each sender all the way round, not measured. */
	memset(&warm, 0, sizeof warm);
	bcast_step(b, 20, (double)senders / 20 + 0.2, &warm);
	if (warm.lost > 0 || warm.acked == 0) {
		report_note("warm-up: %llu of %llu messages acknowledged, %llu "
		    "deliveries lost%s%s", (unsigned long long)warm.acked,
		    (unsigned long long)warm.sent, (unsigned long long)warm.lost,
		    warm.refused_why[0] ? ", refused: " : "", warm.refused_why);
	}
	return b;
}

void
bcast_free(struct bcast *b)
{
	if (b == NULL)
		return;
	pool_free(b->pool);
	free(b->redial);
	free(b->sent_ns);
	free(b->state);
	free(b->seen);
	free(b);
}

static int
bcast_prepare(struct bcast *b, double rate, double secs)
{
	uint64_t planned = (uint64_t)ceil(rate * secs);

	if (planned == 0)
		planned = 1;
	if (planned > b->cap) {
		free(b->sent_ns);
		free(b->state);
		b->sent_ns = malloc(planned * sizeof *b->sent_ns);
		b->state = malloc(planned);
		if (b->sent_ns == NULL || b->state == NULL) {
			b->cap = 0;
			return BENCH_ERR_SYS;
		}
		b->cap = planned;
	}
	b->planned = planned;
	memset(b->state, MSG_UNSENT, planned);
	free(b->seen);
	b->words = (size_t)(planned + 63) / 64;
	if ((b->seen = calloc((size_t)b->subs * b->words, 8)) == NULL)
		return BENCH_ERR_SYS;
	return BENCH_OK;
}

int
bcast_step(struct bcast *b, double rate, double secs, struct bcast_step *r)
{
	uint64_t	 t0, t, sent = 0, due, g, end;
	unsigned	 i, open;
	int		 err;
	double		 cpu0 = bridge_cpu_s(), self0 = self_cpu_s();

	memset(r, 0, sizeof *r);
	r->rate = rate;
	r->secs = secs;
	if ((err = bcast_prepare(b, rate, secs)) != BENCH_OK)
		return err;
	b->step++;
	b->r = r;
	b->t_last = b->t_answer = 0;
	b->churning = b->churners > 0;
	for (i = b->subs; i < b->subs + b->churners; i++)
		pool_connect(b->pool, i, "bc", "", ROLE_CHURN);
	t0 = now_ns();
	while (sent < b->planned) {
		t = now_ns();
		due = (uint64_t)((double)(t - t0) * rate / 1e9) + 1;
		if (due > b->planned)
			due = b->planned;
		if (due > sent) {
			bcast_send(b, sent, due);
			sent = due;
		}
		pool_run(b->pool, 1);
		while (b->nredial > 0)
			pool_connect(b->pool, b->redial[--b->nredial], "bc", "",
			    ROLE_CHURN);
	}
	b->nredial = 0;
	r->send_secs = (double)(now_ns() - t0) / 1e9;
	b->churning = 0;
	/*
	 * Until every message is answered and every acked one delivered, or
	 * nothing arrived for --drain seconds (a bridge that is behind but
	 * moving is waited for, up to ten minutes: late is not lost).
	 */
	end = now_ns() + 600 * NS_PER_S;
	for (;;) {
		uint64_t last = b->t_last > b->t_answer ? b->t_last : b->t_answer;

		if (last < t0 + (uint64_t)(r->send_secs * 1e9))
			last = t0 + (uint64_t)(r->send_secs * 1e9);
		open = b->subs - b->subs_lost;	/* all were open at the start */
		if ((r->acked + r->refused == r->sent &&
		    bcast_seen_count(b) >= r->acked * open) || now_ns() > end ||
		    now_ns() > last + (uint64_t)(opts.drain * 1e9))
			break;
		pool_run(b->pool, 5);
	}
	r->wall_secs = (double)(now_ns() - t0) / 1e9;
	r->bridge_cpu_s = cpu0 >= 0 ? bridge_cpu_s() - cpu0 : -1;
	r->self_cpu_s = self_cpu_s() - self0;
	for (i = b->subs; i < b->subs + b->churners; i++)
		pool_drop(b->pool, pool_conn(b->pool, i));
	for (i = 0; i < b->stalled; i++)
		r->stalled_cut += (uint64_t)pool_paused_closed(b->pool,
		    pool_conn(b->pool, b->subs + b->churners + i));
	r->unanswered = r->sent - r->acked - r->refused;
	r->expected = r->acked * b->subs;
	for (i = 0; i < b->subs; i++) {
		const uint64_t *w = &b->seen[(size_t)i * b->words];

		for (g = 0; g < b->planned; g++) {
			if (b->state[g] == MSG_ACKED && !(w[g / 64] & (1ULL << (g % 64))))
				r->lost++;
		}
	}
	r->deliver_secs = b->t_last > t0 ? (double)(b->t_last - t0) / 1e9 : 0;
	r->deliveries_per_s = r->deliver_secs > 0 ?
	    (double)r->delivered / r->deliver_secs : 0;
	b->r = NULL;
	return BENCH_OK;
}
