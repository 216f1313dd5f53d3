/*
 * users.c - the connections of each user name on this bridge: what goes to
 * one user (direct messages, read markers) and whether a name is taken
 * reach its few connections without a walk over all of them, which cost
 * every such record, and every name bound, a visit to each connection
 * (a reconnect storm at 100,000 connections: quadratic). A connection is
 * added once its name is bound (member.c) and removed when it closes.
 * Reads the connections' rooms (member.c's) to count a user's instance in
 * a room. Names alike (kc_alike(): "Alice" or "aIice" for alice) share
 * a bucket, so that a name too like one held is found as cheaply.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define USERS_MIN	256	/* buckets at first; doubled as they fill */

static struct session	**buckets;
static size_t		  nbuckets, nusers;

/* Puts s first in the chain of table b, bucket i. */
static void
users_push(struct session **b, size_t i, struct session *s)
{
	s->uprev = NULL;
	s->unext = b[i];
	if (b[i] != NULL)
		b[i]->uprev = s;
	b[i] = s;
}

/* Doubles the table once there are more connections than buckets. */
static void
users_grow(void)
{
	struct session	**b, *s, *next;
	size_t		  n = nbuckets ? nbuckets * 2 : USERS_MIN, i;

	if ((b = calloc(n, sizeof *b)) == NULL)
		return;		/* longer chains, still right */
	for (i = 0; i < nbuckets; i++) {
		for (s = buckets[i]; s != NULL; s = next) {
			next = s->unext;
			users_push(b, s->uhash & (n - 1), s);
		}
	}
	free(buckets);
	buckets = b;
	nbuckets = n;
}

void
users_add(struct session *s)
{
	if (s->user[0] == '\0' || s->uindexed)
		return;
	if (nusers >= nbuckets)
		users_grow();
	if (buckets == NULL)
		return;		/* out of memory: see users_foreach() */
	s->uhash = kc_alike_hash(s->user);
	users_push(buckets, s->uhash & (nbuckets - 1), s);
	s->uindexed = 1;
	nusers++;
}

void
users_remove(struct session *s)
{
	if (!s->uindexed)
		return;
	if (s->uprev != NULL)
		s->uprev->unext = s->unext;
	else
		buckets[s->uhash & (nbuckets - 1)] = s->unext;
	if (s->unext != NULL)
		s->unext->uprev = s->uprev;
	s->unext = s->uprev = NULL;
	s->uindexed = 0;
	nusers--;
}

/* Calls fn for each connection of user, or with like of a name alike
 * (they share a bucket). */
static void
users_walk(const char *user, int like, void (*fn)(struct session *, void *),
    void *arg)
{
	struct session	*s, *next;

	if (buckets == NULL || user[0] == '\0')
		return;
	/* fn may close s: its successor is taken first. */
	for (s = buckets[kc_alike_hash(user) & (nbuckets - 1)]; s != NULL;
	    s = next) {
		next = s->unext;
		if (like ? kc_alike(s->user, user) :
		    strcmp(s->user, user) == 0)
			fn(s, arg);
	}
}

void
users_foreach(const char *user, void (*fn)(struct session *, void *),
    void *arg)
{
	users_walk(user, 0, fn, arg);
}

void
users_foreach_like(const char *user, void (*fn)(struct session *, void *),
    void *arg)
{
	users_walk(user, 1, fn, arg);
}

unsigned
users_inst_count(const char *room, const char *user, const char *inst)
{
	struct session	*s;
	unsigned	 n = 0, i;

	if (buckets == NULL || user[0] == '\0')
		return 0;
	for (s = buckets[kc_alike_hash(user) & (nbuckets - 1)]; s != NULL;
	    s = s->unext) {
		if (strcmp(s->user, user) != 0 || strcmp(s->inst, inst) != 0)
			continue;
		for (i = 0; i < s->nmembers; i++) {
			if (strcmp(s->members[i].room, room) == 0) {
				n++;
				break;
			}
		}
	}
	return n;
}

void
users_free(void)
{
	free(buckets);
	buckets = NULL;
	nbuckets = nusers = 0;
}
