/*
 * tenure.c - whose the direct messages stored for a name are, when names
 * are not accounts: a name is held by one client instance at a time (a
 * browser's token, a terminal), and another may take it once it is free.
 * The direct messages written to or from the name while another instance
 * held it are that one's, not the new holder's.
 *
 * Told from the chat topic's records under the name that carry an "inst":
 * another instance's records say it held the name up to the newest of
 * them; and while, by its joins and leaves (and messages, actions), it is
 * still in some room, it holds the name still as far as the records say
 * (a client that ended without its leaves: a crash), so nothing after it
 * is the new holder's. A room's records are read in order (one
 * partition), rooms in any order among them. Records without "inst", and
 * the instance asking, do not count.
 *
 * Bounded: TENURE_INSTS instances of TENURE_ROOMS rooms each; past that
 * the name counts as held to the end (nothing stored is handed out).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TENURE_INSTS	64
#define TENURE_ROOMS	32

struct tenure_room {
	char	name[KC_NAME_MAX + 1];
};

struct tenure_inst {
	char			id[KC_INST_MAX + 1];
	int64_t			last;		/* µs: its newest record */
	unsigned		nrooms;		/* rooms it is in */
	struct tenure_room	rooms[TENURE_ROOMS];
};

struct kc_tenure {
	char			 user[KC_NAME_MAX + 1];
	char			 inst[KC_INST_MAX + 1];
	int			 full;		/* more than the bounds */
	unsigned		 ninsts;
	struct tenure_inst	*insts;
};

struct kc_tenure *
kc_tenure_new(const char *user, const char *inst)
{
	struct kc_tenure *t;

	if (user == NULL || inst == NULL || (t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	if ((t->insts = calloc(TENURE_INSTS, sizeof *t->insts)) == NULL) {
		free(t);
		return NULL;
	}
	kc_strlcpy(t->user, user, sizeof t->user);
	kc_strlcpy(t->inst, inst, sizeof t->inst);
	return t;
}

void
kc_tenure_free(struct kc_tenure *t)
{
	if (t == NULL)
		return;
	free(t->insts);
	free(t);
}

/* Instance id's entry, made when new; NULL when there is no room for it. */
static struct tenure_inst *
tenure_inst(struct kc_tenure *t, const char *id)
{
	struct tenure_inst	*in;
	unsigned		 i;

	for (i = 0; i < t->ninsts; i++) {
		if (strcmp(t->insts[i].id, id) == 0)
			return &t->insts[i];
	}
	if (t->ninsts == TENURE_INSTS)
		return NULL;
	in = &t->insts[t->ninsts++];
	kc_strlcpy(in->id, id, sizeof in->id);
	in->last = INT64_MIN;
	return in;
}

/* in is in room (in = 1) or not (0) from now on. */
static int
tenure_room(struct tenure_inst *in, const char *room, int here)
{
	unsigned i;

	for (i = 0; i < in->nrooms; i++) {
		if (strcmp(in->rooms[i].name, room) == 0)
			break;
	}
	if (!here) {
		if (i < in->nrooms)
			in->rooms[i] = in->rooms[--in->nrooms];
		return 0;
	}
	if (i < in->nrooms)
		return 0;
	if (in->nrooms == TENURE_ROOMS)
		return -1;
	kc_strlcpy(in->rooms[in->nrooms++].name, room, KC_NAME_MAX + 1);
	return 0;
}

void
kc_tenure_see(struct kc_tenure *t, const struct kc_msg *m)
{
	struct tenure_inst	*in;
	int64_t			 ts;
	int			 err = 0;

	if (t == NULL || m == NULL || m->inst[0] == '\0' ||
	    strcmp(m->user, t->user) != 0 || strcmp(m->inst, t->inst) == 0)
		return;
	if ((in = tenure_inst(t, m->inst)) == NULL) {
		t->full = 1;
		return;
	}
	if ((ts = kc_msg_shown_ts(m)) > in->last)
		in->last = ts;
	switch (m->type) {
	case KC_TYPE_JOIN:
	case KC_TYPE_MESSAGE:
	case KC_TYPE_ACTION:
		err = tenure_room(in, m->room, 1);
		break;
	case KC_TYPE_LEAVE:
		err = tenure_room(in, m->room, 0);
		break;
	default:
		break;	/* a dm names any room; edits: no news of rooms */
	}
	if (err != 0)
		t->full = 1;
}

int64_t
kc_tenure_after(const struct kc_tenure *t)
{
	int64_t		after = INT64_MIN;
	unsigned	i;

	if (t == NULL)
		return INT64_MIN;
	if (t->full)
		return INT64_MAX;
	for (i = 0; i < t->ninsts; i++) {
		if (t->insts[i].nrooms > 0)
			return INT64_MAX;
		if (t->insts[i].last > after)
			after = t->insts[i].last;
	}
	return after;
}

int
kc_tenure_ours(const struct kc_tenure *t, const struct kc_msg *m)
{
	return kc_msg_shown_ts(m) > kc_tenure_after(t);
}

size_t
kc_tenure_drop(int64_t after, struct kc_msg *v, size_t *n)
{
	size_t i, j = 0, dropped;

	for (i = 0; i < *n; i++) {
		if (kc_msg_shown_ts(&v[i]) > after) {
			if (j != i)
				v[j] = v[i];
			j++;
		} else
			kc_msg_clear(&v[i]);
	}
	dropped = *n - j;
	for (i = j; i < *n; i++)
		kc_msg_init(&v[i]);	/* moved or cleared: free to reuse */
	*n = j;
	return dropped;
}
