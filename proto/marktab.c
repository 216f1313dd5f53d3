/*
 * marktab.c - read markers by user and room, sorted, the furthest of each
 * (kc_marker_newer()). Bounded by KC_MARKTAB_MAX: past that, markers of
 * new (user, room) pairs are not kept.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct kc_marktab {
	struct kc_sorted	 a;	/* of struct kc_marker, by user, room */
};

/* The key: a user and a room. */
struct marktab_key {
	const char	*user, *room;
};

struct kc_marktab *
kc_marktab_new(void)
{
	struct kc_marktab *t = calloc(1, sizeof *t);

	if (t != NULL)
		t->a.size = sizeof(struct kc_marker);
	return t;
}

void
kc_marktab_free(struct kc_marktab *t)
{
	if (t == NULL)
		return;
	free(t->a.v);
	free(t);
}

static int
marktab_cmp(const void *elem, const void *key)
{
	const struct kc_marker		*m = elem;
	const struct marktab_key	*k = key;
	int				 c = strcmp(m->user, k->user);

	return c != 0 ? c : strcmp(m->room, k->room);
}

int
kc_marktab_apply(struct kc_marktab *t, const struct kc_marker *mk)
{
	struct marktab_key	 k;
	struct kc_marker	*v;
	size_t			 i;
	int			 found;

	if (t == NULL || mk == NULL)
		return 0;
	k.user = mk->user;
	k.room = mk->room;
	i = kc_sorted_find(&t->a, &k, marktab_cmp, &found);
	v = t->a.v;
	if (found) {
		if (!kc_marker_newer(&v[i], mk))
			return 0;
		v[i] = *mk;
		return 1;
	}
	return kc_sorted_insert(&t->a, i, mk, KC_MARKTAB_MAX) != NULL;
}

const struct kc_marker *
kc_marktab_get(const struct kc_marktab *t, const char *user, const char *room)
{
	const struct kc_marker	*v;
	struct marktab_key	 k;
	size_t			 i;
	int			 found;

	if (t == NULL || user == NULL || room == NULL)
		return NULL;
	k.user = user;
	k.room = room;
	i = kc_sorted_find(&t->a, &k, marktab_cmp, &found);
	v = t->a.v;
	return found ? &v[i] : NULL;
}
