/*
 * people.c - what the nick list says of the others besides being there:
 * who is away (the "away" of their join and heartbeat records, per client
 * instance) and who is typing where (heartbeats whose text is "typing",
 * from a browser through a bridge or from another terminal).
 *
 * A user is away while every instance of theirs heard from within
 * KC_PRESENCE_TIMEOUT_MS says so; the message shown is the newest. Typing
 * shows for PEOPLE_TYPING_US after the record, or until that user's next
 * message in the room. Heartbeats and messages lie in two topics, read in
 * no common order: a "typing" written before the message it led to may be
 * read after it, and is then stale, not news (by its time). Both tables are
 * small arrays, bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define PEOPLE_MAX	1024	/* instances remembered; the oldest goes */
#define PEOPLE_TIMEOUT_US ((int64_t)KC_PRESENCE_TIMEOUT_MS * 1000)

struct people_inst {
	char	user[KC_NAME_MAX + 1];
	char	inst[KC_INST_MAX + 1];
	char	away[KC_AWAY_MAX + 1];
	int64_t	seen;
};

struct people_typing {
	char	room[KC_NAME_MAX + 1];
	char	user[KC_NAME_MAX + 1];
	int64_t	until;		/* µs: typing shown until then */
	int64_t	said;		/* µs: the time of their last message there */
};

struct people {
	struct people_inst	*insts;
	size_t			 ninsts;
	struct people_typing	*typing;
	size_t			 ntyping;
};

struct people *
people_new(void)
{
	return xcalloc(1, sizeof(struct people));
}

void
people_free(struct people *p)
{
	if (p == NULL)
		return;
	free(p->insts);
	free(p->typing);
	free(p);
}

static struct people_inst *
people_inst(struct people *p, const char *user, const char *inst)
{
	struct people_inst	*in, *old = NULL;
	size_t			 i;

	for (i = 0; i < p->ninsts; i++) {
		in = &p->insts[i];
		if (strcmp(in->user, user) == 0 && strcmp(in->inst, inst) == 0)
			return in;
		if (old == NULL || in->seen < old->seen)
			old = in;
	}
	if (p->ninsts < PEOPLE_MAX) {
		p->insts = xreallocarray(p->insts, p->ninsts + 1,
		    sizeof *p->insts);
		in = &p->insts[p->ninsts++];
	} else
		in = old;	/* full: the one heard from longest ago */
	memset(in, 0, sizeof *in);
	snprintf(in->user, sizeof in->user, "%s", user);
	snprintf(in->inst, sizeof in->inst, "%s", inst);
	return in;
}

/* The typing entry of user in room, made when missing; NULL: table full. */
static struct people_typing *
people_typing_slot(struct people *p, const char *room, const char *user,
    int64_t now)
{
	struct people_typing	*t;
	size_t			 i;

	for (i = 0; i < p->ntyping; i++) {
		t = &p->typing[i];
		if (strcmp(t->room, room) == 0 && strcmp(t->user, user) == 0)
			return t;
	}
	/* Reuse one that says nothing any more before growing. */
	for (i = 0; i < p->ntyping; i++) {
		if (p->typing[i].until < now &&
		    now - p->typing[i].said >= PEOPLE_TYPING_US)
			break;
	}
	if (i == p->ntyping) {
		if (p->ntyping >= PEOPLE_MAX)
			return NULL;
		p->typing = xreallocarray(p->typing, p->ntyping + 1,
		    sizeof *p->typing);
		p->ntyping++;
	}
	t = &p->typing[i];
	memset(t, 0, sizeof *t);
	snprintf(t->room, sizeof t->room, "%s", room);
	snprintf(t->user, sizeof t->user, "%s", user);
	return t;
}

int
people_apply(struct people *p, const struct kc_msg *m, int64_t now)
{
	struct people_inst	*in;
	struct people_typing	*t;
	int64_t			 ts = m->ts > 0 && m->ts < now ? m->ts : now;

	if (now - ts >= PEOPLE_TIMEOUT_US)
		return 0;
	switch (m->type) {
	case KC_TYPE_JOIN:
	case KC_TYPE_HEARTBEAT:
		in = people_inst(p, m->user, m->inst);
		if (ts < in->seen)
			return 0;		/* older than what we know */
		in->seen = ts;
		snprintf(in->away, sizeof in->away, "%s", m->away);
		if (m->type == KC_TYPE_HEARTBEAT && m->text != NULL &&
		    strcmp(m->text, "typing") == 0 &&
		    now - ts < PEOPLE_TYPING_US &&
		    (t = people_typing_slot(p, m->room, m->user, now)) != NULL &&
		    ts > t->said)
			t->until = ts + PEOPLE_TYPING_US;
		return 1;
	case KC_TYPE_MESSAGE:
	case KC_TYPE_ACTION:
	case KC_TYPE_LEAVE:
		/* Said it: no longer typing there, nor by what came before. */
		if ((t = people_typing_slot(p, m->room, m->user, now)) != NULL) {
			t->until = 0;
			if (ts > t->said)
				t->said = ts;
		}
		return 1;
	default:
		return 0;
	}
}

const char *
people_away(const struct people *p, const char *user, int64_t now)
{
	const struct people_inst	*in, *newest = NULL;
	size_t				 i;

	for (i = 0; i < p->ninsts; i++) {
		in = &p->insts[i];
		if (strcmp(in->user, user) != 0 ||
		    now - in->seen >= PEOPLE_TIMEOUT_US)
			continue;
		if (in->away[0] == '\0')
			return NULL;	/* one instance is here */
		if (newest == NULL || in->seen > newest->seen)
			newest = in;
	}
	return newest != NULL ? newest->away : NULL;
}

int
people_typing(const struct people *p, const char *room, const char *user,
    int64_t now)
{
	size_t i;

	for (i = 0; i < p->ntyping; i++) {
		if (p->typing[i].until > now &&
		    strcmp(p->typing[i].room, room) == 0 &&
		    strcmp(p->typing[i].user, user) == 0)
			return 1;
	}
	return 0;
}

size_t
people_typing_in(const struct people *p, const char *room, int64_t now,
    const char *skip, struct kc_buf *out)
{
	size_t i, n = 0;

	for (i = 0; i < p->ntyping; i++) {
		const struct people_typing *t = &p->typing[i];

		if (t->until <= now || strcmp(t->room, room) != 0 ||
		    (skip != NULL && strcmp(t->user, skip) == 0))
			continue;
		if (n++ > 0)
			kc_buf_append(out, ", ", 2);
		kc_buf_append(out, t->user, strlen(t->user));
	}
	kc_buf_append(out, "", 1);
	out->len--;
	return n;
}
