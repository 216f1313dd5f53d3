/*
 * addr.c - what one client address may do, whatever number of connections
 * it spreads it over: at most --max-conns-per-ip open at once, new ones at
 * --conn-rate-per-ip a second (bursts up to --max-conns-per-ip, at least
 * 32), and frames
 * at --rate-per-ip a second (bursts of --burst-per-ip) over all of its
 * connections together. A connection's own bucket (ws.c) still applies.
 *
 * An address's entry outlives its connections until its buckets are full
 * again, so that closing and reopening connections earns nothing. Entries
 * are swept a chain at a time on each handshake, and there are at most
 * ADDR_MAX of them: past that, the busiest clients already have one, and a
 * new address is refused until some go idle.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define ADDR_BUCKETS	4096
#define ADDR_MAX	65536

struct addr {
	char		 name[64];
	unsigned	 open;		/* connections now */
	double		 conn_tokens;	/* new connections it may open */
	double		 frame_tokens;	/* frames its connections may send */
	int64_t		 at;		/* µs: when the tokens were counted */
	struct addr	*next;
};

static struct addr	*table[ADDR_BUCKETS];
static size_t		 naddrs, sweep_at;
static int64_t		 full_swept;	/* µs: the last sweep of every chain */

/* New connections at once: as many as may be open, at least 32. */
static double
addr_conn_burst(void)
{
	return opts.max_conns_ip > 32 ? (double)opts.max_conns_ip : 32.0;
}

/* Adds what the time since a->at earned, up to the bursts. */
static void
addr_refill(struct addr *a, int64_t now)
{
	double secs = (double)(now - a->at) / 1e6;

	a->conn_tokens += secs * opts.conn_rate_ip;
	if (a->conn_tokens > addr_conn_burst())
		a->conn_tokens = addr_conn_burst();
	a->frame_tokens += secs * opts.rate_ip;
	if (a->frame_tokens > opts.burst_ip)
		a->frame_tokens = opts.burst_ip;
	a->at = now;
}

/* An entry nobody needs: no connection, both buckets full again. */
static int
addr_idle(struct addr *a, int64_t now)
{
	addr_refill(a, now);
	return a->open == 0 && a->conn_tokens >= addr_conn_burst() &&
	    a->frame_tokens >= opts.burst_ip;
}

/* Frees the idle entries of one chain; each call the next chain. */
static void
addr_sweep(int64_t now)
{
	struct addr **pp, *a;

	for (pp = &table[sweep_at]; (a = *pp) != NULL;) {
		if (addr_idle(a, now)) {
			*pp = a->next;
			free(a);
			naddrs--;
		} else
			pp = &a->next;
	}
	sweep_at = (sweep_at + 1) % ADDR_BUCKETS;
}

/* The entry of name; create: a new one (full buckets) when there is none. */
static struct addr *
addr_get(const char *name, int create, int64_t now)
{
	struct addr **pp, *a;

	for (pp = &table[kc_hash(name) % ADDR_BUCKETS]; (a = *pp) != NULL;
	    pp = &a->next) {
		if (strcmp(a->name, name) == 0) {
			addr_refill(a, now);
			return a;
		}
	}
	if (!create || naddrs >= ADDR_MAX || (a = calloc(1, sizeof *a)) == NULL)
		return NULL;
	snprintf(a->name, sizeof a->name, "%s", name);
	a->conn_tokens = addr_conn_burst();
	a->frame_tokens = opts.burst_ip;
	a->at = now;
	*pp = a;
	naddrs++;
	return a;
}

const char *
addr_admit(const char *name)
{
	int64_t		 now = kc_now_us();
	struct addr	*a;
	size_t		 i;

	addr_sweep(now);
	/* Full: every chain, at most once a second (a flood of addresses). */
	if (naddrs >= ADDR_MAX && now - full_swept >= 1000000) {
		full_swept = now;
		for (i = 0; i < ADDR_BUCKETS; i++)
			addr_sweep(now);
	}
	if ((a = addr_get(name, 1, now)) == NULL)
		return "too many client addresses: try again later";
	if (a->open >= opts.max_conns_ip)
		return "too many connections from your address";
	if (a->conn_tokens < 1.0)
		return "too many new connections from your address: slow down";
	a->conn_tokens -= 1.0;
	return NULL;
}

void
addr_opened(const char *name)
{
	struct addr *a = addr_get(name, 1, kc_now_us());

	if (a != NULL)
		a->open++;
}

void
addr_closed(const char *name)
{
	struct addr *a = addr_get(name, 0, kc_now_us());

	if (a != NULL && a->open > 0)
		a->open--;
}

int
addr_frame_ok(const char *name)
{
	struct addr *a = addr_get(name, 0, kc_now_us());

	if (a == NULL)
		return 1;	/* not tracked (table full when it came) */
	if (a->frame_tokens < 1.0)
		return 0;
	a->frame_tokens -= 1.0;
	return 1;
}

void
addr_free(void)
{
	struct addr	*a, *next;
	size_t		 i;

	for (i = 0; i < ADDR_BUCKETS; i++) {
		for (a = table[i]; a != NULL; a = next) {
			next = a->next;
			free(a);
		}
		table[i] = NULL;
	}
	naddrs = 0;
}
