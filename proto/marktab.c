/*
 * marktab.c - read markers by user and room, sorted, the furthest of each
 * (kc_marker_newer()). Bounded by KC_MARKTAB_MAX: past that, markers of
 * new (user, room) pairs are not kept.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct kc_marktab {
	struct kc_marker	*v;
	size_t			 n, cap;
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
	free(t);
}

static int
marktab_cmp(const struct kc_marker *m, const char *user, const char *room)
{
	int c = strcmp(m->user, user);

	return c != 0 ? c : strcmp(m->room, room);
}

static size_t
marktab_find(const struct kc_marktab *t, const char *user, const char *room,
    int *found)
{
	size_t	lo = 0, hi = t->n, mid;
	int	c;

	*found = 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = marktab_cmp(&t->v[mid], user, room)) == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
kc_marktab_apply(struct kc_marktab *t, const struct kc_marker *mk)
{
	struct kc_marker	*v;
	size_t			 i, cap;
	int			 found;

	if (t == NULL || mk == NULL)
		return 0;
	i = marktab_find(t, mk->user, mk->room, &found);
	if (found) {
		if (!kc_marker_newer(&t->v[i], mk))
			return 0;
		t->v[i] = *mk;
		return 1;
	}
	if (t->n >= KC_MARKTAB_MAX)
		return 0;
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 32;
		if ((v = realloc(t->v, cap * sizeof *v)) == NULL)
			return 0;
		t->v = v;
		t->cap = cap;
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof *t->v);
	t->v[i] = *mk;
	t->n++;
	return 1;
}

const struct kc_marker *
kc_marktab_get(const struct kc_marktab *t, const char *user, const char *room)
{
	size_t	i;
	int	found;

	if (t == NULL || user == NULL || room == NULL)
		return NULL;
	i = marktab_find(t, user, room, &found);
	return found ? &t->v[i] : NULL;
}
