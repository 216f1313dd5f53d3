/*
 * dedupe.c - the ids of the last DEDUPE_SIZE chat records this bridge
 * relayed: a record read twice (a producer's retry that Kafka stored twice,
 * a client's resend with the same id) reaches clients once. A ring keeps
 * their age, an open-addressing table finds them.
 */
#include <stdint.h>
#include <string.h>

#include "bridge.h"

#define DEDUPE_SIZE	8192		/* ids remembered, a power of two */

static char	 dedupe_ring[DEDUPE_SIZE][KC_ID_LEN + 1];
static int32_t	 dedupe_table[DEDUPE_SIZE * 2];	/* ring index + 1, 0 = empty */
static size_t	 dedupe_next;

int
dedupe_seen(const char *id)
{
	size_t	mask = DEDUPE_SIZE * 2 - 1, i, old;
	int32_t	slot;

	for (i = kc_hash(id) & mask; (slot = dedupe_table[i]) != 0;
	    i = (i + 1) & mask) {
		if (strcmp(dedupe_ring[slot - 1], id) == 0)
			return 1;
	}
	/* Evict the oldest id from the table before reusing its ring slot. */
	old = dedupe_next;
	if (dedupe_ring[old][0] != '\0') {
		size_t j, hole = SIZE_MAX, home;

		for (j = kc_hash(dedupe_ring[old]) & mask; dedupe_table[j] != 0;
		    j = (j + 1) & mask) {
			if ((size_t)dedupe_table[j] - 1 == old) {
				hole = j;
				break;
			}
		}
		if (hole != SIZE_MAX) {
			/* Backward-shift deletion keeps probe runs intact. */
			for (j = (hole + 1) & mask; dedupe_table[j] != 0;
			    j = (j + 1) & mask) {
				home = kc_hash(dedupe_ring[dedupe_table[j] - 1]) & mask;
				if (((j - home) & mask) >= ((j - hole) & mask)) {
					dedupe_table[hole] = dedupe_table[j];
					hole = j;
				}
			}
			dedupe_table[hole] = 0;
		}
	}
	snprintf(dedupe_ring[old], sizeof dedupe_ring[old], "%s", id);
	for (i = kc_hash(id) & mask; dedupe_table[i] != 0; i = (i + 1) & mask)
		;
	dedupe_table[i] = (int32_t)old + 1;
	dedupe_next = (dedupe_next + 1) % DEDUPE_SIZE;
	return 0;
}
