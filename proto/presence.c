/*
 * presence.c - who is in which room, from join/leave records and heartbeats.
 *
 * One open-addressing hash table (linear probing, backward-shift deletion)
 * keyed by (room, user). Each entry holds the user's client instances in
 * that room (a terminal, a browser: the records' "inst", "" for writers
 * without one), each with when it was last seen; the user is there while
 * any instance is, so one instance leaving or timing out never removes
 * another. A leave does not drop the instance at once: it turns it into a
 * tombstone stamped with the leave's time, so that a heartbeat sent before
 * the leave but read after it (heartbeats travel on another topic) cannot
 * bring it back. Tombstones go away after KC_PRESENCE_TIMEOUT_MS. At most
 * PRESENCE_INSTS instances per entry: a new one replaces the one seen
 * longest ago, tombstones first.
 *
 * Time: a record counts as seen at its own timestamp (m->ts) when that lies
 * in the past, else at now_us (a sender whose clock runs ahead). A record
 * older than KC_PRESENCE_TIMEOUT_MS adds nobody, so reading the presence
 * topic from now - KC_PRESENCE_TIMEOUT_MS at start-up gives the right set.
 *
 * Only join, heartbeat, message and action records make presence: a
 * direct message names a room it was typed in, any room at all, and must
 * not put its sender there.
 *
 * Bounded: at most PRESENCE_MAX entries (present users and tombstones).
 * When full, tombstones go first, then the entry seen longest ago if it
 * missed a heartbeat (KC_PRESENCE_INTERVAL_MS: most likely a client that
 * went away); an entry refreshed more recently is never evicted, so a flood
 * of newcomers cannot push out users who are still there (the newcomer is
 * ignored instead, until some expire).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PRESENCE_MAX		10000
#define PRESENCE_SLOTS_MIN	64
#define PRESENCE_TIMEOUT_US	((int64_t)KC_PRESENCE_TIMEOUT_MS * 1000)

#define PRESENCE_INSTS		4

struct presence_inst {
	char		id[KC_INST_MAX + 1];
	int64_t		seen;		/* µs: last record, or the leave */
	int64_t		first;		/* µs: when it came */
	unsigned char	used;
	unsigned char	present;	/* 0: tombstone left by a leave */
	unsigned char	away;		/* its last join/heartbeat had "away" */
};

struct presence_ent {
	char			room[KC_NAME_MAX + 1];
	char			user[KC_NAME_MAX + 1];
	int64_t			seen;	/* µs: the newest of its instances */
	uint32_t		hash;
	uint32_t		ahash;	/* kc_alike_hash(user): holders' scans */
	unsigned char		used;
	unsigned char		present;	/* any instance present */
	unsigned char		away;	/* and every present one away */
	struct presence_inst	inst[PRESENCE_INSTS];
};

struct kc_presence {
	struct presence_ent	*slots;
	size_t			 nslots;	/* a power of two */
	size_t			 count;		/* used slots */
};

static uint32_t
presence_hash(const char *room, const char *user)
{
	uint32_t	h = 2166136261u;	/* FNV-1a over room NUL user */
	const char     *s;

	for (s = room; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	h = (h ^ 0xffu) * 16777619u;
	for (s = user; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct kc_presence *
kc_presence_new(void)
{
	struct kc_presence *p;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->nslots = PRESENCE_SLOTS_MIN;
	if ((p->slots = calloc(p->nslots, sizeof *p->slots)) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void
kc_presence_free(struct kc_presence *p)
{
	if (p == NULL)
		return;
	free(p->slots);
	free(p);
}

/* The slot holding (room, user), or the empty slot where it would go. */
static struct presence_ent *
presence_find(const struct kc_presence *p, const char *room, const char *user,
    uint32_t h)
{
	size_t			 mask = p->nslots - 1, i;
	struct presence_ent	*e;

	for (i = h & mask;; i = (i + 1) & mask) {
		e = &p->slots[i];
		if (!e->used)
			return e;
		if (e->hash == h && strcmp(e->room, room) == 0 &&
		    strcmp(e->user, user) == 0)
			return e;
	}
}

/* Doubles the table. On failure the old table stays as it was. */
static int
presence_grow(struct kc_presence *p)
{
	struct presence_ent	*old = p->slots, *e;
	size_t			 oldn = p->nslots, i;

	if ((p->slots = calloc(oldn * 2, sizeof *p->slots)) == NULL) {
		p->slots = old;
		return KC_ERR_NOMEM;
	}
	p->nslots = oldn * 2;
	for (i = 0; i < oldn; i++) {
		if (!old[i].used)
			continue;
		e = presence_find(p, old[i].room, old[i].user, old[i].hash);
		*e = old[i];
	}
	free(old);
	return KC_OK;
}

/* Empties slot e and shifts later members of its probe run back into place. */
static void
presence_remove(struct kc_presence *p, struct presence_ent *e)
{
	size_t	mask = p->nslots - 1, hole = (size_t)(e - p->slots), i, home;

	for (i = (hole + 1) & mask; p->slots[i].used; i = (i + 1) & mask) {
		home = p->slots[i].hash & mask;
		/* Move i into the hole unless its home lies in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			p->slots[hole] = p->slots[i];
			hole = i;
		}
	}
	memset(&p->slots[hole], 0, sizeof p->slots[hole]);
	p->count--;
}

/* Drops every tombstone: used when the table is full. */
static void
presence_purge_tombstones(struct kc_presence *p)
{
	size_t i = 0;

	while (i < p->nslots) {
		if (p->slots[i].used && !p->slots[i].present)
			presence_remove(p, &p->slots[i]);	/* may refill slot i */
		else
			i++;
	}
}

/*
 * Removes the entry seen longest ago if it missed a heartbeat; else
 * KC_ERR_QUEUE_FULL. (Its room's presence changes without a report: the
 * next who or change there shows it.)
 */
static int
presence_evict_stalest(struct kc_presence *p, int64_t now_us)
{
	struct presence_ent	*old = NULL;
	size_t			 i;

	for (i = 0; i < p->nslots; i++) {
		if (p->slots[i].used && (old == NULL || p->slots[i].seen < old->seen))
			old = &p->slots[i];
	}
	if (old == NULL ||
	    now_us - old->seen < (int64_t)KC_PRESENCE_INTERVAL_MS * 1000)
		return KC_ERR_QUEUE_FULL;
	presence_remove(p, old);
	return KC_OK;
}

/* Recomputes e's summary from its instances; returns its presence. */
static int
presence_sum(struct presence_ent *e)
{
	int i;

	e->present = 0;
	e->seen = 0;
	e->away = 1;
	for (i = 0; i < PRESENCE_INSTS; i++) {
		if (!e->inst[i].used)
			continue;
		e->present |= e->inst[i].present;
		if (e->inst[i].present && !e->inst[i].away)
			e->away = 0;
		if (e->inst[i].seen > e->seen)
			e->seen = e->inst[i].seen;
	}
	if (!e->present)
		e->away = 0;
	return e->present;
}

/* The slot of instance id in e, making one (replacing the stalest). */
static struct presence_inst *
presence_inst(struct presence_ent *e, const char *id)
{
	struct presence_inst	*in, *victim = NULL;
	int			 i;

	for (i = 0; i < PRESENCE_INSTS; i++) {
		in = &e->inst[i];
		if (in->used && strcmp(in->id, id) == 0)
			return in;
	}
	for (i = 0; i < PRESENCE_INSTS; i++) {
		in = &e->inst[i];
		if (!in->used)
			victim = in;
		else if (victim == NULL || (victim->used &&
		    (victim->present > in->present ||
		    (victim->present == in->present && in->seen < victim->seen))))
			victim = in;
		if (!in->used)
			break;
	}
	memset(victim, 0, sizeof *victim);
	kc_strlcpy(victim->id, id, sizeof victim->id);
	return victim;
}

int
kc_presence_apply(struct kc_presence *p, const struct kc_msg *m,
    int64_t now_us)
{
	struct presence_ent	*e;
	struct presence_inst	*in;
	int64_t			 seen;
	uint32_t		 h;
	int			 leave, was, was_away, says_away;

	if (p == NULL || m == NULL || m->room[0] == '\0' || m->user[0] == '\0')
		return 0;
	switch (m->type) {
	case KC_TYPE_JOIN:
	case KC_TYPE_HEARTBEAT:
	case KC_TYPE_MESSAGE:
	case KC_TYPE_ACTION:
		leave = 0;
		break;
	case KC_TYPE_LEAVE:
		leave = 1;
		break;
	default:
		return 0;
	}
	seen = (m->ts > 0 && m->ts <= now_us) ? m->ts : now_us;
	if (now_us - seen >= PRESENCE_TIMEOUT_US)
		return 0;		/* too old to say anything about now */

	h = presence_hash(m->room, m->user);
	e = presence_find(p, m->room, m->user, h);
	if (!e->used) {
		/* A new entry: a leave of someone unknown still leaves a tombstone. */
		if (p->count >= PRESENCE_MAX) {
			presence_purge_tombstones(p);
			if (p->count >= PRESENCE_MAX &&
			    presence_evict_stalest(p, now_us) != KC_OK)
				return 0;
			e = presence_find(p, m->room, m->user, h);
		}
		if ((p->count + 1) * 4 > p->nslots * 3) {
			if (presence_grow(p) != KC_OK)
				return 0;
			e = presence_find(p, m->room, m->user, h);
		}
		memset(e, 0, sizeof *e);
		kc_strlcpy(e->room, m->room, sizeof e->room);
		kc_strlcpy(e->user, m->user, sizeof e->user);
		e->hash = h;
		e->ahash = kc_alike_hash(e->user);
		e->used = 1;
		p->count++;
	}
	was = e->present;
	was_away = e->away;
	/* Joins and heartbeats say whether the instance is away. */
	says_away = m->type == KC_TYPE_JOIN || m->type == KC_TYPE_HEARTBEAT;
	in = presence_inst(e, m->inst);
	if (in->used) {
		if (seen < in->seen)
			return 0;	/* older than what we know */
		in->seen = seen;
		if (says_away)
			in->away = m->away[0] != '\0';
		if (leave == !in->present) {
			presence_sum(e);
			/* still in, or still out: maybe away or back */
			return e->away != was_away;
		}
	}
	if (!leave && (!in->used || !in->present))
		in->first = seen;
	in->used = 1;
	in->seen = seen;
	in->present = !leave;
	in->away = says_away && m->away[0] != '\0';
	return presence_sum(e) != was || e->away != was_away;
}

int
kc_presence_expire(struct kc_presence *p, int64_t now_us, kc_presence_fn *fn,
    void *opaque)
{
	struct presence_ent	*e, gone;
	size_t			 i = 0;
	int			 n = 0, k, was;

	if (p == NULL)
		return 0;
	while (i < p->nslots) {
		e = &p->slots[i];
		if (!e->used || now_us - e->seen < PRESENCE_TIMEOUT_US) {
			/* Its newest is fresh; older instances may not be. */
			if (e->used) {
				was = e->present;
				for (k = 0; k < PRESENCE_INSTS; k++) {
					if (e->inst[k].used && now_us -
					    e->inst[k].seen >= PRESENCE_TIMEOUT_US)
						memset(&e->inst[k], 0,
						    sizeof e->inst[k]);
				}
				if (was && !presence_sum(e)) {
					n++;
					if (fn != NULL)
						fn(opaque, e->room, e->user);
				}
			}
			i++;
			continue;
		}
		/* Every instance timed out. */
		gone = *e;
		presence_remove(p, e);	/* may refill slot i */
		if (gone.present) {
			n++;
			if (fn != NULL)
				fn(opaque, gone.room, gone.user);
		}
	}
	return n;
}

int
kc_presence_away(const struct kc_presence *p, const char *room,
    const char *user)
{
	const struct presence_ent *e;

	if (p == NULL || room == NULL || user == NULL)
		return 0;
	e = presence_find(p, room, user, presence_hash(room, user));
	return e->used && e->present && e->away;
}

int
kc_presence_holder(const struct kc_presence *p, const char *user,
    const char *inst, int64_t now_us, struct kc_holder *h)
{
	const struct presence_inst	*in, *best = NULL;
	const char			*name = NULL;
	size_t				 i;
	uint32_t			 ah;
	int				 k;

	if (p == NULL || user == NULL)
		return 0;
	ah = kc_alike_hash(user);
	for (i = 0; i < p->nslots; i++) {
		if (!p->slots[i].used || !p->slots[i].present ||
		    p->slots[i].ahash != ah || !kc_alike(p->slots[i].user, user))
			continue;
		for (k = 0; k < PRESENCE_INSTS; k++) {
			in = &p->slots[i].inst[k];
			if (!in->used || !in->present ||
			    now_us - in->seen >= PRESENCE_TIMEOUT_US ||
			    (inst != NULL && strcmp(in->id, inst) == 0))
				continue;
			if (best == NULL || in->first < best->first) {
				best = in;
				name = p->slots[i].user;
			}
		}
	}
	if (best == NULL)
		return 0;
	if (h != NULL) {
		kc_strlcpy(h->user, name, sizeof h->user);
		kc_strlcpy(h->inst, best->id, sizeof h->inst);
		h->since = best->first;
	}
	return 1;
}

int
kc_presence_alike(const struct kc_presence *p, const char *user,
    int64_t now_us, struct kc_holder *h)
{
	struct kc_holder	 any;
	const struct presence_inst *in;
	size_t			 i;
	uint32_t		 ah;
	int			 k;

	if (!kc_presence_holder(p, user, NULL, now_us, &any))
		return 0;
	/* Someone alike is there: unless user is there too. */
	ah = kc_alike_hash(user);
	for (i = 0; i < p->nslots; i++) {
		if (!p->slots[i].used || !p->slots[i].present ||
		    p->slots[i].ahash != ah || strcmp(p->slots[i].user, user) != 0)
			continue;
		for (k = 0; k < PRESENCE_INSTS; k++) {
			in = &p->slots[i].inst[k];
			if (in->used && in->present &&
			    now_us - in->seen < PRESENCE_TIMEOUT_US)
				return 0;
		}
	}
	if (h != NULL)
		*h = any;
	return 1;
}

static int
presence_cmp_user(const void *a, const void *b)
{
	const struct presence_ent *const *x = a, *const *y = b;

	return strcmp((*x)->user, (*y)->user);
}

static int
presence_cmp_room(const void *a, const void *b)
{
	const struct presence_ent *const *x = a, *const *y = b;

	return strcmp((*x)->room, (*y)->room);
}

/* Whether slot e is someone present (in room, unless NULL). */
static int
presence_here(const struct presence_ent *e, const char *room)
{
	return e->used && e->present && (room == NULL ||
	    strcmp(e->room, room) == 0);
}

/* Pointers to the present entries (of room, when not NULL), sorted by cmp. */
static size_t
presence_collect(const struct kc_presence *p, const char *room,
    int (*cmp)(const void *, const void *), const struct presence_ent ***out)
{
	const struct presence_ent	**v;
	size_t				  i, n = 0;

	*out = NULL;
	if (p->count == 0)
		return 0;
	if ((v = calloc(p->count, sizeof *v)) == NULL)
		return 0;
	for (i = 0; i < p->nslots; i++) {
		if (presence_here(&p->slots[i], room))
			v[n++] = &p->slots[i];
	}
	qsort(v, n, sizeof *v, cmp);
	*out = v;
	return n;
}

size_t
kc_presence_who(const struct kc_presence *p, const char *room,
    kc_presence_fn *fn, void *opaque)
{
	const struct presence_ent	**v;
	size_t				  i, n;

	if (p == NULL || room == NULL)
		return 0;
	if (fn == NULL) {	/* a count: nothing to list in order */
		for (i = 0, n = 0; i < p->nslots; i++)
			n += presence_here(&p->slots[i], room);
		return n;
	}
	n = presence_collect(p, room, presence_cmp_user, &v);
	for (i = 0; i < n; i++)
		fn(opaque, v[i]->room, v[i]->user);
	free(v);
	return n;
}

size_t
kc_presence_rooms(const struct kc_presence *p, kc_presence_fn *fn,
    void *opaque)
{
	const struct presence_ent	**v;
	size_t				  i, n, rooms = 0;

	if (p == NULL)
		return 0;
	n = presence_collect(p, NULL, presence_cmp_room, &v);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i]->room, v[i - 1]->room) == 0)
			continue;
		rooms++;
		if (fn != NULL)
			fn(opaque, v[i]->room, NULL);
	}
	free(v);
	return rooms;
}

int
kc_presence_topic(const char *topic, char *buf, size_t len)
{
	return kc_topic_with(topic, ".presence", buf, len);
}
