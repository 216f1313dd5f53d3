/*
 * roomtab.c - every room known from the rooms topic, sorted by name, what
 * was read folded per room by kc_roominfo_merge(). Bounded by
 * KC_ROOMTAB_MAX rooms: past that, new rooms are not listed.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct kc_roomtab {
	struct kc_roominfo	*v;
	size_t			 n, cap;
};

struct kc_roomtab *
kc_roomtab_new(void)
{
	return calloc(1, sizeof(struct kc_roomtab));
}

void
kc_roomtab_free(struct kc_roomtab *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t);
}

/* The index of room, or where it would go (with *found 0). */
static size_t
roomtab_find(const struct kc_roomtab *t, const char *room, int *found)
{
	size_t	lo = 0, hi = t->n, mid;
	int	c;

	*found = 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(t->v[mid].room, room)) == 0) {
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
kc_roomtab_apply(struct kc_roomtab *t, const struct kc_roominfo *ri)
{
	struct kc_roominfo	*v;
	size_t			 i, cap;
	int			 found;

	if (t == NULL || ri == NULL || ri->room[0] == '\0')
		return 0;
	i = roomtab_find(t, ri->room, &found);
	if (found)
		return kc_roominfo_merge(&t->v[i], ri);
	if (t->n >= KC_ROOMTAB_MAX)
		return 0;
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 32;
		if ((v = realloc(t->v, cap * sizeof *v)) == NULL)
			return 0;
		t->v = v;
		t->cap = cap;
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof *t->v);
	t->v[i] = *ri;
	t->n++;
	return 1;
}

const struct kc_roominfo *
kc_roomtab_get(const struct kc_roomtab *t, const char *room)
{
	size_t	i;
	int	found;

	if (t == NULL || room == NULL)
		return NULL;
	i = roomtab_find(t, room, &found);
	return found ? &t->v[i] : NULL;
}

size_t
kc_roomtab_count(const struct kc_roomtab *t)
{
	return t == NULL ? 0 : t->n;
}

const struct kc_roominfo *
kc_roomtab_at(const struct kc_roomtab *t, size_t i)
{
	return t == NULL || i >= t->n ? NULL : &t->v[i];
}
