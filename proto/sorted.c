/*
 * sorted.c - a growable array kept sorted by a key, for libkchat's small
 * tables (roomtab.c): binary search, and insertion that keeps
 * the order, bounded by a maximum count.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

size_t
kc_sorted_find(const struct kc_sorted *a, const void *key,
    kc_sorted_cmp_fn *cmp, int *found)
{
	size_t	lo = 0, hi = a->n, mid;
	int	c;

	*found = 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = cmp((const char *)a->v + mid * a->size, key)) == 0) {
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

void *
kc_sorted_insert(struct kc_sorted *a, size_t at, const void *elem, size_t max)
{
	char	*v, *slot;
	size_t	 cap;

	if (a->n >= max || at > a->n)
		return NULL;
	if (a->n == a->cap) {
		cap = a->cap ? a->cap * 2 : 32;
		if ((v = realloc(a->v, cap * a->size)) == NULL)
			return NULL;
		a->v = v;
		a->cap = cap;
	}
	slot = (char *)a->v + at * a->size;
	memmove(slot + a->size, slot, (a->n - at) * a->size);
	memcpy(slot, elem, a->size);
	a->n++;
	return slot;
}
