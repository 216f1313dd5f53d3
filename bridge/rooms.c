/*
 * rooms.c - the rooms on this bridge and the connections in each: what a
 * frame for a room is queued to. A connection is added when it joins and
 * removed when it leaves or closes (member.c), so no pointer here outlives
 * its session.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define ROOM_BUCKETS	1024

struct room {
	char		  name[KC_NAME_MAX + 1];
	struct session	**subs;
	size_t		  nsubs;
	size_t		  cap;
	struct room	 *next;		/* bucket chain */
};

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
	size_t		  i;

	if ((r = room_find(room, 1)) == NULL)
		return KC_ERR_NOMEM;
	for (i = 0; i < r->nsubs; i++) {
		if (r->subs[i] == s)
			return KC_OK;
	}
	if (r->nsubs == r->cap) {
		if ((v = realloc(r->subs, (r->cap ? r->cap * 2 : 8) *
		    sizeof *v)) == NULL) {
			room_free_if_empty(r);
			return KC_ERR_NOMEM;
		}
		r->subs = v;
		r->cap = r->cap ? r->cap * 2 : 8;
	}
	r->subs[r->nsubs++] = s;
	return KC_OK;
}

void
rooms_remove(struct session *s, const char *room)
{
	struct room	*r;
	size_t		 i;

	if ((r = room_find(room, 0)) == NULL)
		return;
	for (i = 0; i < r->nsubs; i++) {
		if (r->subs[i] == s) {
			r->subs[i] = r->subs[--r->nsubs];
			break;
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
	/* session_send may close a slow client, which leaves its rooms: go backwards. */
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
			free(r);
		}
		rooms[b] = NULL;
	}
	nrooms = 0;
}
