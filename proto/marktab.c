/*
 * marktab.c - read markers by user and room, the furthest of each
 * (kc_marker_newer()), in a hash table: a bridge catching up on a read
 * topic of many users applies each marker in constant time (a sorted
 * array moved half of itself per new marker: 10 s for 100,000). Bounded by
 * KC_MARKTAB_MAX: past that, markers of new (user, room) pairs are not
 * kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct kc_marktab {
	struct kc_marker	*v;		/* in the order first seen */
	size_t			 n, cap;
	uint32_t		*slot;		/* index in v + 1; 0: empty */
	size_t			 nslot;		/* a power of 2, over 2 n */
};

struct kc_marktab *
kc_marktab_new(void)
{
	return calloc(1, sizeof(struct kc_marktab));
}

void
kc_marktab_free(struct kc_marktab *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t->slot);
	free(t);
}

static size_t
marktab_hash(const char *user, const char *room)
{
	return (size_t)(kc_hash(user) ^ (kc_hash(room) * 0x9e3779b1u));
}

/* The slot of (user, room): its marker's, or the empty one it would take. */
static size_t
marktab_slot(const struct kc_marktab *t, const char *user, const char *room)
{
	size_t			 mask = t->nslot - 1, i;
	const struct kc_marker	*m;

	for (i = marktab_hash(user, room) & mask; t->slot[i] != 0;
	    i = (i + 1) & mask) {
		m = &t->v[t->slot[i] - 1];
		if (strcmp(m->user, user) == 0 && strcmp(m->room, room) == 0)
			break;
	}
	return i;
}

/* Room for one more marker: v, and slots kept under half full. */
static int
marktab_grow(struct kc_marktab *t)
{
	struct kc_marker	*v;
	uint32_t		*slot, *old = t->slot;
	size_t			 cap, nslot, i, oldn = t->nslot;

	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 32;
		if ((v = realloc(t->v, cap * sizeof *v)) == NULL)
			return KC_ERR_NOMEM;
		t->v = v;
		t->cap = cap;
	}
	if (2 * (t->n + 1) <= t->nslot)
		return KC_OK;
	nslot = t->nslot ? t->nslot * 2 : 64;
	if ((slot = calloc(nslot, sizeof *slot)) == NULL)
		return KC_ERR_NOMEM;
	t->slot = slot;
	t->nslot = nslot;
	for (i = 0; i < oldn; i++) {
		if (old[i] != 0)
			t->slot[marktab_slot(t, t->v[old[i] - 1].user,
			    t->v[old[i] - 1].room)] = old[i];
	}
	free(old);
	return KC_OK;
}

int
kc_marktab_apply(struct kc_marktab *t, const struct kc_marker *mk)
{
	size_t i;

	if (t == NULL || mk == NULL)
		return 0;
	if (t->nslot > 0 &&
	    t->slot[i = marktab_slot(t, mk->user, mk->room)] != 0) {
		if (!kc_marker_newer(&t->v[t->slot[i] - 1], mk))
			return 0;
		t->v[t->slot[i] - 1] = *mk;
		return 1;
	}
	if (t->n >= KC_MARKTAB_MAX || marktab_grow(t) != KC_OK)
		return 0;
	t->v[t->n] = *mk;
	t->slot[marktab_slot(t, mk->user, mk->room)] = (uint32_t)++t->n;
	return 1;
}

const struct kc_marker *
kc_marktab_get(const struct kc_marktab *t, const char *user, const char *room)
{
	size_t i;

	if (t == NULL || user == NULL || room == NULL || t->nslot == 0)
		return NULL;
	i = marktab_slot(t, user, room);
	return t->slot[i] != 0 ? &t->v[t->slot[i] - 1] : NULL;
}
