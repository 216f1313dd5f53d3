/*
 * idset.c - which message ids a buffer may hold, answered without reading
 * its lines: a multiset of 32-bit hashes of the ids, in an open-addressing
 * table with linear probing. "No" is certain; "maybe" (the same hash) is
 * checked against the lines by the caller. Every message read looks its
 * id up to drop duplicates, so in a burst this is what keeps that lookup
 * from reading the whole scrollback per message (10,000 lines x 100,000
 * messages of strcmp() was most of a burst's time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define IDSET_MIN	64	/* slots of a table when first used */

/* kc_hash(), mixed (murmur3's finaliser) so that the low bits the table
 * uses vary; never 0, which marks a free slot. */
static uint32_t
idset_hash(const char *id)
{
	uint32_t h = kc_hash(id);

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h != 0 ? h : 1;
}

/* Puts h in a table with room for it (no growing). */
static void
idset_put(struct idset *s, uint32_t h)
{
	size_t mask = s->cap - 1, i = h & mask;

	while (s->slot[i] != 0)
		i = (i + 1) & mask;
	s->slot[i] = h;
	s->n++;
}

void
idset_add(struct idset *s, const char *id)
{
	uint32_t	*old = s->slot;
	size_t		 i, ocap = s->cap;

	if (*id == '\0')
		return;
	/* At most 3/4 full, so that probes stay short. */
	if ((s->n + 1) * 4 > s->cap * 3) {
		s->cap = ocap > 0 ? ocap * 2 : IDSET_MIN;
		s->slot = xcalloc(s->cap, sizeof *s->slot);
		s->n = 0;
		for (i = 0; i < ocap; i++) {
			if (old[i] != 0)
				idset_put(s, old[i]);
		}
		free(old);
	}
	idset_put(s, idset_hash(id));
}

int
idset_maybe(const struct idset *s, const char *id)
{
	size_t		mask = s->cap - 1, i;
	uint32_t	h;

	if (*id == '\0' || s->n == 0)
		return 0;
	h = idset_hash(id);
	for (i = h & mask; s->slot[i] != 0; i = (i + 1) & mask) {
		if (s->slot[i] == h)
			return 1;
	}
	return 0;
}

void
idset_del(struct idset *s, const char *id)
{
	size_t		mask = s->cap - 1, i, j, home;
	uint32_t	h;

	if (*id == '\0' || s->n == 0)
		return;
	h = idset_hash(id);
	for (i = h & mask; s->slot[i] != h; i = (i + 1) & mask) {
		if (s->slot[i] == 0)
			return;		/* not there */
	}
	/*
	 * Backward shift: move up each later entry of the run whose home is
	 * not between the hole and it, so no probe meets a false end.
	 */
	for (j = (i + 1) & mask; s->slot[j] != 0; j = (j + 1) & mask) {
		home = s->slot[j] & mask;
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			s->slot[i] = s->slot[j];
			i = j;
		}
	}
	s->slot[i] = 0;
	s->n--;
}

void
idset_clear(struct idset *s)
{
	free(s->slot);
	memset(s, 0, sizeof *s);
}
