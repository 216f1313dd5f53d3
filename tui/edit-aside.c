/*
 * edit-aside.c - a buffer's latest edits and deletes (a few hundred),
 * kept aside so that a line that comes after them applies them: one older
 * than what was loaded, brought by older history or a replay, or one that
 * left the scrollback and comes back. Without them a line its author
 * deleted ("my password is hunter2") showed again, with its text, to a
 * reader who loaded it after the delete (kchat.7, EDITS).
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct edit_aside {
	struct kc_msg	*v;	/* oldest kept first */
	size_t		 n;
	struct idset	 res;	/* their re: most lines have none kept */
};

/*
 * The record to let go of a full a: the oldest of the writer with the most
 * kept (of those with as many, the one whose oldest is oldest). Writers
 * are counted in a small open-addressing table, so this is O(n).
 */
static size_t
edit_aside_victim(const struct edit_aside *a)
{
	struct {
		const char	*user;
		size_t		 first, n;
	}		 t[EDIT_ASIDE_MAX * 2];
	size_t		 i, j, best = 0, most = 0;

	memset(t, 0, sizeof t);
	for (i = 0; i < a->n; i++) {
		for (j = kc_hash(a->v[i].user) % (EDIT_ASIDE_MAX * 2);
		    t[j].user != NULL && strcmp(t[j].user, a->v[i].user) != 0;
		    j = (j + 1) % (EDIT_ASIDE_MAX * 2))
			;
		if (t[j].user == NULL) {
			t[j].user = a->v[i].user;
			t[j].first = i;
		}
		if (++t[j].n > most || (t[j].n == most && t[j].first < best)) {
			most = t[j].n;
			best = t[j].first;
		}
	}
	return best;
}

void
edit_aside_keep(struct buffer *b, const struct kc_msg *m)
{
	struct edit_aside	*a;
	size_t			 i;

	if (b->aside == NULL) {
		b->aside = xcalloc(1, sizeof *b->aside);
		b->aside->v = xreallocarray(NULL, EDIT_ASIDE_MAX,
		    sizeof *b->aside->v);
	}
	a = b->aside;
	/* Read again (history, /replay), or our own read back. */
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].id, m->id) == 0 &&
		    strcmp(a->v[i].user, m->user) == 0) {
			if (a->v[i].offset < 0)
				a->v[i].offset = m->offset;
			return;
		}
	}
	if (a->n == EDIT_ASIDE_MAX) {
		i = edit_aside_victim(a);
		idset_del(&a->res, a->v[i].re);
		kc_msg_clear(&a->v[i]);
		memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof *a->v);
		a->n--;
	}
	kc_msg_init(&a->v[a->n]);
	kc_msg_copy(&a->v[a->n], m);
	idset_add(&a->res, m->re);
	a->n++;
}

/* 1 when kept record k is for the line id of user at offset1. */
static int
edit_aside_for(const struct kc_msg *k, const char *id, const char *user,
    int64_t offset1)
{
	if (strcmp(k->re, id) != 0 || strcmp(k->user, user) != 0)
		return 0;
	/* Not one before the line: that one names another of the id. */
	return k->offset < 0 || offset1 == 0 || k->offset + 1 > offset1;
}

/* 1 when kept record k counts before the one now chosen, best. */
static int
edit_aside_better(const struct kc_msg *k, const struct kc_msg *best)
{
	if (best == NULL)
		return 1;
	if ((k->type == KC_TYPE_DELETE) != (best->type == KC_TYPE_DELETE))
		return k->type == KC_TYPE_DELETE;
	return k->offset > best->offset;
}

int
edit_aside_find(struct buffer *b, const char *id, const char *user,
    int64_t offset1, struct kc_msg *out)
{
	struct edit_aside	*a = b->aside;
	const struct kc_msg	*best = NULL;
	size_t			 i;

	if (a == NULL || !idset_maybe(&a->res, id))
		return 0;
	for (i = 0; i < a->n; i++) {
		if (edit_aside_for(&a->v[i], id, user, offset1) &&
		    edit_aside_better(&a->v[i], best))
			best = &a->v[i];
	}
	if (best == NULL)
		return 0;
	kc_msg_init(out);
	kc_msg_copy(out, best);
	return 1;
}

void
edit_aside_free(struct buffer *b)
{
	size_t i;

	if (b->aside == NULL)
		return;
	for (i = 0; i < b->aside->n; i++)
		kc_msg_clear(&b->aside->v[i]);
	free(b->aside->v);
	idset_clear(&b->aside->res);
	free(b->aside);
	b->aside = NULL;
}
