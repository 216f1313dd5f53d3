/*
 * fanout.c - rooms and their subscribers on this bridge, and the shared
 * frames queued to them.
 *
 * A record read from Kafka is de-duplicated by id, encoded to JSON once
 * and the same frame (reference counted) is queued to every subscriber of
 * its room; a direct message only to the connections of its two parties.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define ROOM_BUCKETS	1024
#define DEDUPE_SIZE	8192		/* ids remembered, a power of two */

struct room {
	char		  name[KC_NAME_MAX + 1];
	struct session	**subs;
	size_t		  nsubs;
	size_t		  cap;
	struct room	 *next;		/* bucket chain */
};

static struct room	*rooms[ROOM_BUCKETS];
static size_t		 nrooms;

/* Recently seen message ids: a ring for age, an open table for lookup. */
static char	 dedupe_ring[DEDUPE_SIZE][KC_ID_LEN + 1];
static int32_t	 dedupe_table[DEDUPE_SIZE * 2];	/* ring index + 1, 0 = empty */
static size_t	 dedupe_next;

struct frame *
frame_new(const char *json, size_t len)
{
	struct frame *f;

	if ((f = malloc(sizeof *f + LWS_PRE + len + 1)) == NULL)
		return NULL;
	f->refs = 1;
	f->len = len;
	memcpy(f->data + LWS_PRE, json, len);
	f->data[LWS_PRE + len] = '\0';
	return f;
}

struct frame *
frame_ref(struct frame *f)
{
	f->refs++;
	return f;
}

void
frame_unref(struct frame *f)
{
	if (f != NULL && --f->refs == 0)
		free(f);
}

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
fanout_join(struct session *s, const char *room)
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
fanout_leave(struct session *s, const char *room)
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

unsigned
fanout_user_count(const char *room, const char *user)
{
	struct room	*r;
	size_t		 i;
	unsigned	 n = 0;

	if ((r = room_find(room, 0)) == NULL)
		return 0;
	for (i = 0; i < r->nsubs; i++) {
		if (strcmp(ws_user(r->subs[i]), user) == 0)
			n++;
	}
	return n;
}

size_t
fanout_rooms(void)
{
	return nrooms;
}

void
fanout_room(const char *room, struct frame *f, int ext)
{
	struct room	*r;
	size_t		 i;

	if ((r = room_find(room, 0)) == NULL)
		return;
	/* ws_send may close a slow client, which leaves its rooms: go backwards. */
	for (i = r->nsubs; i > 0; i--) {
		if (i > r->nsubs)
			continue;
		if (ext)
			ws_send_ext(r->subs[i - 1], f);
		else
			ws_send(r->subs[i - 1], f);
	}
}

/* 1 when id was seen recently, else remembers it and returns 0. */
static int
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

struct dm_ctx {
	const struct kc_msg	*m;
	struct frame		*f;
};

static void
fanout_dm_one(struct session *s, void *arg)
{
	struct dm_ctx	*d = arg;
	const char	*u = ws_user(s);

	if (*u != '\0' && (strcmp(u, d->m->user) == 0 || strcmp(u, d->m->to) == 0))
		ws_send(s, d->f);
}

void
fanout_record(const struct kc_msg *m)
{
	struct kc_buf	 b = { 0 };
	struct frame	*f;
	struct dm_ctx	 d;

	if (dedupe_seen(m->id)) {
		metrics.records_duplicate++;
		return;
	}
	if (kc_json_encode_msg(m, &b) != KC_OK ||
	    (f = frame_new(b.data, b.len)) == NULL) {
		kc_buf_free(&b);
		log_warn("cannot encode record %s", m->id);
		return;
	}
	kc_buf_free(&b);
	if (m->type == KC_TYPE_DM) {
		/* Only the two parties, wherever they are on this bridge. */
		d.m = m;
		d.f = f;
		ws_foreach(fanout_dm_one, &d);
	} else
		fanout_room(m->room, f, 0);
	frame_unref(f);
}

struct who_ctx {
	json_t *users;
};

static void
fanout_who_one(void *opaque, const char *room, const char *user)
{
	struct who_ctx *w = opaque;

	json_array_append_new(w->users, json_string(user));
}

struct frame *
fanout_presence_frame(const char *room)
{
	struct who_ctx	 w;
	json_t		*obj;
	char		*s;
	struct frame	*f = NULL;

	if ((obj = json_object()) == NULL)
		return NULL;
	w.users = json_array();
	kc_presence_who(kafka_presence(), room, fanout_who_one, &w);
	json_object_set_new(obj, "type", json_string("presence"));
	json_object_set_new(obj, "room", json_string(room));
	json_object_set_new(obj, "users", w.users);
	if ((s = json_dumps(obj, JSON_COMPACT)) != NULL) {
		f = frame_new(s, strlen(s));
		free(s);
	}
	json_decref(obj);
	return f;
}

void
fanout_presence(const char *room)
{
	struct frame *f;

	if (room_find(room, 0) == NULL)
		return;		/* nobody here cares */
	if ((f = fanout_presence_frame(room)) == NULL)
		return;
	fanout_room(room, f, 1);
	frame_unref(f);
}

static int
fanout_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
fanout_each_member(void (*fn)(const char *, const char *, void *), void *arg)
{
	struct room	 *r;
	const char	**users;
	size_t		  b, i, n;

	for (b = 0; b < ROOM_BUCKETS; b++) {
		for (r = rooms[b]; r != NULL; r = r->next) {
			if ((users = calloc(r->nsubs + 1, sizeof *users)) == NULL)
				continue;
			for (i = n = 0; i < r->nsubs; i++) {
				if (*ws_user(r->subs[i]) != '\0')
					users[n++] = ws_user(r->subs[i]);
			}
			qsort(users, n, sizeof *users, fanout_cmp_str);
			for (i = 0; i < n; i++) {
				if (i == 0 || strcmp(users[i], users[i - 1]) != 0)
					fn(r->name, users[i], arg);
			}
			free(users);
		}
	}
}

void
fanout_free(void)
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
