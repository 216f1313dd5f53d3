/*
 * rooms.c - the rooms on this bridge and the connections in each: what a
 * frame for a room is queued to. A connection is added when it joins and
 * removed when it leaves or closes (member.c), so no pointer here outlives
 * its session.
 *
 * A room's connections are an array (a frame goes to each in turn) and an
 * index of where each is in it, an open-addressed table of positions keyed
 * by the session's address: joining and leaving cost the same in a room of
 * 100,000 as in one of ten (they scanned the array, ~10 % of the bridge's
 * CPU during churn beside 15,000 idle in #general).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define ROOM_BUCKETS	1024

struct room {
	char		  name[KC_NAME_MAX + 1];
	struct session	**subs;
	size_t		  nsubs;
	size_t		  cap;
	/* subs index + 1 by the session's address; 0 free; a power of two */
	uint32_t	 *at;
	size_t		  nat;
	struct room	 *next;		/* bucket chain */
};

static size_t
room_slot_home(const struct room *r, const struct session *s)
{
	uint64_t h = (uint64_t)(uintptr_t)s * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (r->nat - 1);
}

/* Where s is in r->at, or the free slot where it would go. */
static size_t
room_slot(const struct room *r, const struct session *s)
{
	size_t i = room_slot_home(r, s);

	while (r->at[i] != 0 && r->subs[r->at[i] - 1] != s)
		i = (i + 1) & (r->nat - 1);
	return i;
}

/* Empties slot i, moving back those the probe passed it for. */
static void
room_slot_clear(struct room *r, size_t i)
{
	size_t j = i, k, mask = r->nat - 1;

	r->at[i] = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (r->at[j] == 0)
			return;
		k = room_slot_home(r, r->subs[r->at[j] - 1]);
		/* k cyclically in (i, j]: the entry may stay. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		r->at[i] = r->at[j];
		r->at[j] = 0;
		i = j;
	}
}

/* An index of n slots (a power of two, over twice nsubs). */
static int
room_index(struct room *r, size_t n)
{
	uint32_t	*at;
	size_t		 i;

	if ((at = calloc(n, sizeof *at)) == NULL)
		return KC_ERR_NOMEM;
	free(r->at);
	r->at = at;
	r->nat = n;
	for (i = 0; i < r->nsubs; i++)
		r->at[room_slot(r, r->subs[i])] = (uint32_t)i + 1;
	return KC_OK;
}

static struct room	*rooms[ROOM_BUCKETS];
static size_t		 nrooms;

static struct room *
room_find(const char *name, int create)
{
	uint32_t	 b = kc_hash(name) % ROOM_BUCKETS;
	struct room	*r;

	for (r = rooms[b]; r != NULL; r = r->next) {
		if (strcmp(r->name, name) == 0)
			return r;
	}
	if (!create || (r = calloc(1, sizeof *r)) == NULL)
		return NULL;
	snprintf(r->name, sizeof r->name, "%s", name);
	r->next = rooms[b];
	rooms[b] = r;
	nrooms++;
	return r;
}

static void
room_free_if_empty(struct room *r)
{
	uint32_t	  b = kc_hash(r->name) % ROOM_BUCKETS;
	struct room	**pp;

	if (r->nsubs > 0)
		return;
	for (pp = &rooms[b]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			free(r->subs);
			free(r->at);
			free(r);
			nrooms--;
			return;
		}
	}
}

int
rooms_add(struct session *s, const char *room)
{
	struct room	 *r;
	struct session	**v;

	if ((r = room_find(room, 1)) == NULL)
		return KC_ERR_NOMEM;
	if (r->nat > 0 && r->at[room_slot(r, s)] != 0)
		return KC_OK;
	if (r->nsubs == r->cap) {
		if ((v = realloc(r->subs, (r->cap ? r->cap * 2 : 8) *
		    sizeof *v)) == NULL) {
			room_free_if_empty(r);
			return KC_ERR_NOMEM;
		}
		r->subs = v;
		r->cap = r->cap ? r->cap * 2 : 8;
	}
	if ((r->nsubs + 1) * 2 > r->nat &&
	    room_index(r, r->nat ? r->nat * 2 : 16) != KC_OK) {
		room_free_if_empty(r);
		return KC_ERR_NOMEM;
	}
	r->subs[r->nsubs] = s;
	r->at[room_slot(r, s)] = (uint32_t)++r->nsubs;
	return KC_OK;
}

void
rooms_remove(struct session *s, const char *room)
{
	struct room	*r;
	size_t		 i, j;

	if ((r = room_find(room, 0)) == NULL || r->nat == 0)
		return;
	j = room_slot(r, s);
	if (r->at[j] != 0) {
		i = r->at[j] - 1;
		room_slot_clear(r, j);
		/* The last takes its place, in the array and in the index. */
		if (i != --r->nsubs) {
			r->subs[i] = r->subs[r->nsubs];
			r->at[room_slot(r, r->subs[i])] = (uint32_t)i + 1;
		}
	}
	room_free_if_empty(r);
}

int
rooms_has(const char *room)
{
	return room_find(room, 0) != NULL;
}

size_t
rooms_count(void)
{
	return nrooms;
}

void
rooms_send(const char *room, struct frame *f, int ext)
{
	struct room	*r;
	size_t		 i;

	if ((r = room_find(room, 0)) == NULL)
		return;
	/*
	 * session_send only starts closing a slow client (it leaves at
	 * CLOSED); going backwards would keep the walk right even if it left
	 * at once (the last takes the leaver's place).
	 */
	for (i = r->nsubs; i > 0; i--) {
		if (i > r->nsubs)
			continue;
		if (ext)
			session_send_ext(r->subs[i - 1], f);
		else
			session_send(r->subs[i - 1], f);
	}
}

/* By user, then instance. */
static int
rooms_cmp_member(const void *a, const void *b)
{
	const struct session *const *x = a, *const *y = b;
	int c;

	if ((c = strcmp((*x)->user, (*y)->user)) != 0)
		return c;
	return strcmp((*x)->inst, (*y)->inst);
}

void
rooms_each_member(void (*fn)(const char *, const char *, const char *,
    const char *, void *), void *arg)
{
	struct room	 *r;
	struct session	**v;
	size_t		  b, i, n;

	for (b = 0; b < ROOM_BUCKETS; b++) {
		for (r = rooms[b]; r != NULL; r = r->next) {
			if ((v = calloc(r->nsubs + 1, sizeof *v)) == NULL)
				continue;
			for (i = n = 0; i < r->nsubs; i++) {
				if (r->subs[i]->user[0] != '\0')
					v[n++] = r->subs[i];
			}
			qsort(v, n, sizeof *v, rooms_cmp_member);
			for (i = 0; i < n; i++) {
				if (i == 0 || rooms_cmp_member(&v[i], &v[i - 1]) != 0)
					fn(r->name, v[i]->user, v[i]->inst,
					    v[i]->away, arg);
			}
			free(v);
		}
	}
}

void
rooms_free(void)
{
	struct room	*r, *next;
	size_t		 b;

	for (b = 0; b < ROOM_BUCKETS; b++) {
		for (r = rooms[b]; r != NULL; r = next) {
			next = r->next;
			free(r->subs);
			free(r->at);
			free(r);
		}
		rooms[b] = NULL;
	}
	nrooms = 0;
}
