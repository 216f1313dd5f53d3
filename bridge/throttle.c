/*
 * throttle.c - failed logins, per client address and per account name,
 * with a growing back-off: after a key's free failures each further one
 * doubles its wait (1 s, 2 s, 4 s, ... at most THROTTLE_MAX_S), and a key
 * left alone for THROTTLE_FORGET_S starts over. A success clears the
 * account's count (not the address's: one account's password does not
 * buy more guesses at others). The table is bounded: when it is full the
 * key idle longest is forgotten.
 */
#include <string.h>

#include "bridge.h"

#define THROTTLE_KEYS		4096
#define THROTTLE_MAX_S		300
#define THROTTLE_FORGET_S	900

struct throttle {
	char		key[72];	/* "a:ADDRESS" or "u:USER" */
	unsigned	fails;
	int64_t		last;		/* µs: the last failure */
	int64_t		until;		/* µs: refused until then */
};

static struct throttle	table[THROTTLE_KEYS];

static struct throttle *
throttle_find(const char *key, int make, int64_t now)
{
	struct throttle	*t, *oldest = &table[0];
	size_t		 i;

	for (i = 0; i < THROTTLE_KEYS; i++) {
		t = &table[i];
		if (t->key[0] != '\0' &&
		    now - t->last > THROTTLE_FORGET_S * 1000000LL)
			t->key[0] = '\0';
		if (t->key[0] != '\0' && strcmp(t->key, key) == 0)
			return t;
		if (t->key[0] == '\0' ||
		    (oldest->key[0] != '\0' && t->last < oldest->last))
			oldest = t;
	}
	if (!make)
		return NULL;
	memset(oldest, 0, sizeof *oldest);
	snprintf(oldest->key, sizeof oldest->key, "%s", key);
	return oldest;
}

int
throttle_wait(const char *key)
{
	int64_t		 now = kc_now_us();
	struct throttle	*t = throttle_find(key, 0, now);

	if (t == NULL || t->until <= now)
		return 0;
	return (int)((t->until - now + 999999) / 1000000);
}

void
throttle_failed(const char *key, unsigned free_fails)
{
	int64_t		 now = kc_now_us(), wait;
	struct throttle	*t = throttle_find(key, 1, now);

	t->fails++;
	t->last = now;
	if (t->fails < free_fails)
		return;
	wait = t->fails - free_fails >= 9 ? THROTTLE_MAX_S :
	    1LL << (t->fails - free_fails);
	if (wait > THROTTLE_MAX_S)
		wait = THROTTLE_MAX_S;
	t->until = now + wait * 1000000LL;
}

void
throttle_clear(const char *key)
{
	struct throttle *t = throttle_find(key, 0, kc_now_us());

	if (t != NULL)
		t->key[0] = '\0';
}
