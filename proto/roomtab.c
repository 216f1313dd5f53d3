/*
 * roomtab.c - every room known from the rooms topic, sorted by name, what
 * was read folded per room by kc_roominfo_merge(). Bounded by
 * KC_ROOMTAB_MAX rooms: past that, new rooms are not listed.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct kc_roomtab {
	struct kc_sorted	 a;	/* of struct kc_roominfo, by room */
};

struct kc_roomtab *
kc_roomtab_new(void)
{
	struct kc_roomtab *t = calloc(1, sizeof *t);

	if (t != NULL)
		t->a.size = sizeof(struct kc_roominfo);
	return t;
}

void
kc_roomtab_free(struct kc_roomtab *t)
{
	if (t == NULL)
		return;
	free(t->a.v);
	free(t);
}

static int
roomtab_cmp(const void *elem, const void *room)
{
	return strcmp(((const struct kc_roominfo *)elem)->room, room);
}

int
kc_roomtab_apply(struct kc_roomtab *t, const struct kc_roominfo *ri)
{
	struct kc_roominfo	*v;
	size_t			 i;
	int			 found;

	if (t == NULL || ri == NULL || ri->room[0] == '\0')
		return 0;
	i = kc_sorted_find(&t->a, ri->room, roomtab_cmp, &found);
	v = t->a.v;
	if (found)
		return kc_roominfo_merge(&v[i], ri);
	return kc_sorted_insert(&t->a, i, ri, KC_ROOMTAB_MAX) != NULL;
}

const struct kc_roominfo *
kc_roomtab_get(const struct kc_roomtab *t, const char *room)
{
	const struct kc_roominfo	*v;
	size_t				 i;
	int				 found;

	if (t == NULL || room == NULL)
		return NULL;
	i = kc_sorted_find(&t->a, room, roomtab_cmp, &found);
	v = t->a.v;
	return found ? &v[i] : NULL;
}

size_t
kc_roomtab_count(const struct kc_roomtab *t)
{
	return t == NULL ? 0 : t->a.n;
}

const struct kc_roominfo *
kc_roomtab_at(const struct kc_roomtab *t, size_t i)
{
	const struct kc_roominfo *v;

	if (t == NULL || i >= t->a.n)
		return NULL;
	v = t->a.v;
	return &v[i];
}
