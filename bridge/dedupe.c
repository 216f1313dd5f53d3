/*
 * dedupe.c - the ids and writers of the last DEDUPE_SIZE chat records this
 * bridge relayed: a record read twice (a producer's retry that Kafka
 * stored twice, a client's resend with the same id) reaches clients once.
 * The same id under another writer is not the same record: it is another
 * message (someone reusing an id they saw), relayed as its own, and a
 * client asking to post under an id another user's record has is refused
 * (request-post.c). A ring keeps their age, an open-addressing table
 * keyed by id finds them.
 */
#include <stdint.h>
#include <string.h>

#include "bridge.h"

#define DEDUPE_SIZE	8192		/* records remembered, a power of two */

static struct {
	char	id[KC_ID_LEN + 1];
	char	user[KC_NAME_MAX + 1];
} dedupe_ring[DEDUPE_SIZE];
static int32_t	 dedupe_table[DEDUPE_SIZE * 2];	/* ring index + 1, 0 = empty */
static size_t	 dedupe_next;

#define DEDUPE_MASK	(DEDUPE_SIZE * 2 - 1)

const char *
dedupe_owner(const char *id)
{
	size_t	i;
	int32_t	slot;

	for (i = kc_hash(id) & DEDUPE_MASK; (slot = dedupe_table[i]) != 0;
	    i = (i + 1) & DEDUPE_MASK) {
		if (strcmp(dedupe_ring[slot - 1].id, id) == 0)
			return dedupe_ring[slot - 1].user;
	}
	return NULL;
}

/* Takes ring entry old out of the table (backward-shift deletion). */
static void
dedupe_forget(size_t old)
{
	size_t	j, hole = SIZE_MAX, home;

	if (dedupe_ring[old].id[0] == '\0')
		return;
	for (j = kc_hash(dedupe_ring[old].id) & DEDUPE_MASK;
	    dedupe_table[j] != 0; j = (j + 1) & DEDUPE_MASK) {
		if ((size_t)dedupe_table[j] - 1 == old) {
			hole = j;
			break;
		}
	}
	if (hole == SIZE_MAX)
		return;
	/* Backward-shift deletion keeps probe runs intact. */
	for (j = (hole + 1) & DEDUPE_MASK; dedupe_table[j] != 0;
	    j = (j + 1) & DEDUPE_MASK) {
		home = kc_hash(dedupe_ring[dedupe_table[j] - 1].id) & DEDUPE_MASK;
		if (((j - home) & DEDUPE_MASK) >= ((j - hole) & DEDUPE_MASK)) {
			dedupe_table[hole] = dedupe_table[j];
			hole = j;
		}
	}
	dedupe_table[hole] = 0;
}

int
dedupe_seen(const char *id, const char *user)
{
	size_t	i, old;
	int32_t	slot;

	for (i = kc_hash(id) & DEDUPE_MASK; (slot = dedupe_table[i]) != 0;
	    i = (i + 1) & DEDUPE_MASK) {
		if (strcmp(dedupe_ring[slot - 1].id, id) == 0 &&
		    strcmp(dedupe_ring[slot - 1].user, user) == 0)
			return 1;
	}
	/* Evict the oldest before reusing its ring slot. */
	old = dedupe_next;
	dedupe_forget(old);
	snprintf(dedupe_ring[old].id, sizeof dedupe_ring[old].id, "%s", id);
	snprintf(dedupe_ring[old].user, sizeof dedupe_ring[old].user, "%s",
	    user);
	for (i = kc_hash(id) & DEDUPE_MASK; dedupe_table[i] != 0;
	    i = (i + 1) & DEDUPE_MASK)
		;
	dedupe_table[i] = (int32_t)old + 1;
	dedupe_next = (dedupe_next + 1) % DEDUPE_SIZE;
	return 0;
}
