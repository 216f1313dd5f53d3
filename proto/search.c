/*
 * search.c - "the messages of room R that say q", read from Kafka: a
 * bounded scan backwards from the newest record (or from below a given
 * offset or record), shared by kchat-tui's /lastlog and the bridge's
 * "search" request.
 *
 * The scan reads room R's history page by page with kc_history_query_on(),
 * every page on one history reader (so the same records count as
 * history: messages, actions, joins and leaves, the first of each id),
 * newest pages first, and keeps the
 * messages and actions whose text contains q. It stops after
 * q->scan of the room's records (KC_SEARCH_SCAN_DEFAULT unless told), at
 * q->max matches, at the beginning of the room's history, or when the
 * progress function says so. Matching folds ASCII letters only: "Kafka"
 * finds "KAFKA", but "É" does not find "é" (other bytes compare as they
 * are, so any UTF-8 text is found as typed).
 *
 * Newest first, a message's edits and deletes are read before it: a
 * deleted one is never a match (its text is gone for everyone), an edited
 * one matches by its newest text and is given so. Only its writer's edits
 * and deletes count, as for every reader.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SEARCH_PAGE	1000	/* records of the room read per page */

static int
search_fold(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

int
kc_search_match(const char *text, const char *q)
{
	const unsigned char	*t, *a, *b;

	if (text == NULL || q == NULL || *q == '\0')
		return 0;
	for (t = (const unsigned char *)text; *t != '\0'; t++) {
		a = t;
		b = (const unsigned char *)q;
		while (*a != '\0' && *b != '\0' &&
		    search_fold(*a) == search_fold(*b)) {
			a++;
			b++;
		}
		if (*b == '\0')
			return 1;
		if (*a == '\0')
			return 0;	/* fewer bytes left than q has */
	}
	return 0;
}

int
kc_search_hit(const struct kc_msg *m, const char *q)
{
	if (m->type != KC_TYPE_MESSAGE && m->type != KC_TYPE_ACTION)
		return 0;
	return kc_search_match(m->text, q);
}

/* Whether hits[0..n) holds id by user already (a writer's retry). */
static int
search_seen(const struct kc_msg *hits, size_t n, const struct kc_msg *m)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(hits[i].id, m->id) == 0 &&
		    strcmp(hits[i].user, m->user) == 0)
			return 1;
	}
	return 0;
}

/* What later records did to a message: its newest text, or deleted. */
struct search_later {
	char	 id[KC_ID_LEN + 1];
	char	 user[KC_NAME_MAX + 1];
	char	*text;		/* the newest edit's; NULL: none */
	int	 deleted;
};

struct search_laters {
	struct search_later	*v;
	size_t			 n, cap;	/* cap: 0 or a power of two */
};

static struct search_later *
search_later_find(struct search_laters *t, const char *id, const char *user,
    int add)
{
	struct search_later	*old = t->v, *e;
	size_t			 ocap = t->cap, i, k;

	if (add && (t->n + 1) * 2 > t->cap) {
		t->cap = ocap ? ocap * 2 : 64;
		if ((t->v = calloc(t->cap, sizeof *t->v)) == NULL) {
			t->v = old;
			t->cap = ocap;
			return NULL;
		}
		t->n = 0;
		for (k = 0; k < ocap; k++) {
			if (old[k].id[0] == '\0')
				continue;
			for (i = kc_hash(old[k].id) & (t->cap - 1);
			    t->v[i].id[0] != '\0'; i = (i + 1) & (t->cap - 1))
				;
			t->v[i] = old[k];
			t->n++;
		}
		free(old);
	}
	if (t->cap == 0)
		return NULL;
	for (i = kc_hash(id) & (t->cap - 1); t->v[i].id[0] != '\0';
	    i = (i + 1) & (t->cap - 1)) {
		e = &t->v[i];
		if (strcmp(e->id, id) == 0 && strcmp(e->user, user) == 0)
			return e;
	}
	if (!add)
		return NULL;
	e = &t->v[i];
	kc_strlcpy(e->id, id, sizeof e->id);
	kc_strlcpy(e->user, user, sizeof e->user);
	t->n++;
	return e;
}

static void
search_laters_free(struct search_laters *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->v[i].text);
	free(t->v);
}

/*
 * m read newest first: an edit or delete is remembered for its message;
 * a message takes its newest text. Returns 0 when m is not to be shown
 * (deleted), else 1; -1 out of memory.
 */
static int
search_later_apply(struct search_laters *t, struct kc_msg *m)
{
	struct search_later	*e;
	char			*text;

	if (m->type == KC_TYPE_EDIT || m->type == KC_TYPE_DELETE) {
		if ((e = search_later_find(t, m->re, m->user, 1)) == NULL)
			return -1;
		if (m->type == KC_TYPE_DELETE)
			e->deleted = 1;
		else if (e->text == NULL && m->text != NULL &&
		    (e->text = strdup(m->text)) == NULL)
			return -1;
		return 1;
	}
	if ((e = search_later_find(t, m->id, m->user, 0)) == NULL)
		return 1;
	if (e->deleted)
		return 0;
	if (e->text != NULL) {
		if ((text = strdup(e->text)) == NULL)
			return -1;
		free(m->text);
		m->text = text;
		m->text_len = strlen(text);
	}
	return 1;
}

int
kc_search_query(const struct kc_conf *c, const struct kc_search_query *q,
    kc_search_fn *fn, void *arg, struct kc_msg **out, size_t *count,
    size_t *scanned, int *more, char *errstr, size_t errlen)
{
	struct kc_history_reader	*h;
	int				 err;

	*out = NULL;
	*count = 0;
	*scanned = 0;
	*more = 0;
	if (q->q == NULL || *q->q == '\0' || strlen(q->q) > KC_SEARCH_Q_MAX)
		return KC_ERR_INVAL;
	if ((err = kc_history_reader_new(c, q->timeout_ms, &h, errstr,
	    errlen)) != KC_OK)
		return err;
	err = kc_search_query_on(h, q, fn, arg, out, count, scanned, more,
	    errstr, errlen);
	kc_history_reader_free(h);
	return err;
}

int
kc_search_query_on(struct kc_history_reader *hr,
    const struct kc_search_query *q, kc_search_fn *fn, void *arg,
    struct kc_msg **out, size_t *count, size_t *scanned, int *more,
    char *errstr, size_t errlen)
{
	struct kc_history_query	 h;
	struct kc_msg		*page = NULL, *hits = NULL, tmp;
	struct search_laters	 later = { NULL, 0, 0 };
	size_t			 npage, nhits = 0, scan, max, i, j;
	int			 older = 0, err = KC_OK, shown;

	*out = NULL;
	*count = 0;
	*scanned = 0;
	*more = 0;
	if (q->q == NULL || *q->q == '\0' || strlen(q->q) > KC_SEARCH_Q_MAX)
		return KC_ERR_INVAL;
	scan = q->scan ? q->scan : KC_SEARCH_SCAN_DEFAULT;
	if (scan > KC_SEARCH_SCAN_MAX)
		scan = KC_SEARCH_SCAN_MAX;
	max = q->max ? q->max : KC_SEARCH_RESULTS_MAX;
	if ((hits = calloc(max, sizeof *hits)) == NULL)
		return KC_ERR_NOMEM;
	memset(&h, 0, sizeof h);
	h.room = q->room;
	h.before = q->before;
	h.since = 0;
	h.before_id = q->before_id;
	h.timeout_ms = q->timeout_ms;
	do {
		h.n = scan - *scanned < SEARCH_PAGE ? scan - *scanned : SEARCH_PAGE;
		if ((err = kc_history_query_on(hr, &h, &page, &npage, &older,
		    errstr, errlen)) != KC_OK)
			break;
		*scanned += npage;
		/* Newest first: a full list keeps the newest matches. */
		for (i = npage; i > 0; i--) {
			if ((shown = search_later_apply(&later,
			    &page[i - 1])) < 0) {
				err = KC_ERR_NOMEM;
				break;
			}
			if (!shown || !kc_search_hit(&page[i - 1], q->q))
				continue;
			if (nhits == max) {
				*more = 1;	/* a match left out */
				continue;
			}
			if (!search_seen(hits, nhits, &page[i - 1])) {
				hits[nhits++] = page[i - 1];	/* takes its text */
				kc_msg_init(&page[i - 1]);
			}
		}
		if (npage > 0) {
			h.before = page[0].offset;
			h.before_id = NULL;
		}
		kc_history_free(page, npage);
		page = NULL;
		if (err != KC_OK)
			break;
		if (nhits == max && older)
			*more = 1;
		if (!older || npage == 0 || nhits == max)
			break;
		if (*scanned >= scan) {
			*more = 1;	/* older records were not read */
			break;
		}
		if (fn != NULL && fn(arg, *scanned) != 0)
			break;
	} while (1);
	search_laters_free(&later);
	if (err != KC_OK) {
		kc_history_free(hits, nhits);
		return err;
	}
	/* Oldest first, as history. */
	for (i = 0, j = nhits; j > i + 1; i++, j--) {
		tmp = hits[i];
		hits[i] = hits[j - 1];
		hits[j - 1] = tmp;
	}
	if (nhits == 0) {
		free(hits);
		hits = NULL;
	}
	*out = hits;
	*count = nhits;
	return KC_OK;
}
