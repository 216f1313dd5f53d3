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

/* Whether hits[0..n) holds id already (a writer's retry, across pages). */
static int
search_seen(const struct kc_msg *hits, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(hits[i].id, id) == 0)
			return 1;
	}
	return 0;
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
	size_t			 npage, nhits = 0, scan, max, i, j;
	int			 older = 0, err = KC_OK;

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
		for (i = npage; i > 0 && nhits < max; i--) {
			if (kc_search_hit(&page[i - 1], q->q) &&
			    !search_seen(hits, nhits, page[i - 1].id)) {
				hits[nhits++] = page[i - 1];	/* takes its text */
				kc_msg_init(&page[i - 1]);
			}
		}
		for (; i > 0 && !*more; i--) {
			if (kc_search_hit(&page[i - 1], q->q))
				*more = 1;	/* a match left out */
		}
		if (npage > 0) {
			h.before = page[0].offset;
			h.before_id = NULL;
		}
		kc_history_free(page, npage);
		page = NULL;
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
