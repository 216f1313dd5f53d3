/*
 * inbox.c - the direct messages to or from a user that are stored in
 * Kafka: what a connection missed while its user was away. Runs on a
 * history worker thread (history.c), never on the service loop.
 *
 * A direct message is in the partition of the room it was sent from,
 * which the recipient may never join, so room history does not bring it:
 * the whole chat topic is read, from INBOX_DAYS ago (or from a little
 * before the newest direct message the client already has) up to where
 * the bridge's chat reader was when the name was bound, leaving out the ids
 * the client says it has (?dm=). Everything from
 * there on reaches the connection live (relay.c), so nothing comes twice
 * and nothing falls between. Bounded by time (--history-timeout), records
 * read (KC_HISTORY_SCAN_MAX) and messages kept (INBOX_MAX, the newest).
 *
 * Without accounts a name is whoever holds it now: those written to or
 * from it while another client instance held it (kc_tenure_ours(): that
 * one's records under the name, read in the same scan) are left out, so a
 * new holder gets only what came after, a returning one what came while
 * it was away.
 * One scan at a time, through a reader that reads at most 4 MB ahead
 * (kc_reader_new_scan()): two at once with librdkafka's prefetch (up to
 * 100,000 records or 64 MB per partition) took a bridge on a topic of 10
 * million records from 15 MB to 63-105 MB; now 32-37 (BENCHMARKS.md).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define INBOX_MAX		500
#define INBOX_DAYS		7
#define INBOX_SLACK_US		(60 * 1000000LL)	/* before the client's newest */
#define INBOX_QUIET_MS		1000	/* nothing read: caught up when no lag */

static pthread_mutex_t	inbox_one = PTHREAD_MUTEX_INITIALIZER;

void
inbox_have(const char *list, char have[BRIDGE_DM_IDS_LEN])
{
	const char	*p, *e;
	size_t		 len = 0, n = 0;

	have[0] = '\0';
	for (p = list; *p != '\0' && n < BRIDGE_DM_IDS_MAX; p = *e ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) != KC_ID_LEN || !kc_ulid_valid(p, KC_ID_LEN))
			continue;
		if (len > 0)
			have[len++] = ',';
		memcpy(have + len, p, KC_ID_LEN);
		len += KC_ID_LEN;
		have[len] = '\0';
		n++;
	}
}

/* Whether id is one of have's. */
static int
inbox_has(const char *have, const char *id)
{
	const char *p;

	for (p = have; *p != '\0'; p += p[KC_ID_LEN] ? KC_ID_LEN + 1 : KC_ID_LEN) {
		if (strncmp(p, id, KC_ID_LEN) == 0 && id[KC_ID_LEN] == '\0')
			return 1;
	}
	return 0;
}

int64_t
inbox_since(const char *have, int64_t now)
{
	int64_t		 since = now - (int64_t)INBOX_DAYS * 86400 * 1000000;
	int64_t		 t;
	const char	*p;

	/*
	 * From the client's newest minus a slack: a writer's clock may be
	 * behind, its record later in Kafka than its time says. Those it
	 * has are left out by id.
	 */
	for (p = have; *p != '\0'; p += p[KC_ID_LEN] ? KC_ID_LEN + 1 : KC_ID_LEN) {
		t = kc_ulid_ms(p) * 1000 - INBOX_SLACK_US;
		if (t > since && t < now)
			since = t;
	}
	return since;
}

/* Whether where the live stream began is known for every partition r reads. */
static int
inbox_ends_known(struct kc_reader *r, const struct inbox_ask *a)
{
	int p, n = kc_reader_partitions(r);

	if (n > a->nends)
		return 0;
	for (p = 0; p < n; p++) {
		if (a->ends[p] < 0)
			return 0;
	}
	return 1;
}

/* Whether r has read every partition up to where the live stream began. */
static int
inbox_reached(struct kc_reader *r, const struct inbox_ask *a)
{
	int p, n = kc_reader_partitions(r);

	for (p = 0; p < n; p++) {
		if (kc_reader_position(r, p) < a->ends[p])
			return 0;
	}
	return 1;
}

/* Live already: at or past where the chat reader was at the bind. */
static int
inbox_live(const struct inbox_ask *a, const struct kc_msg *m)
{
	return m->partition >= 0 && m->partition < a->nends &&
	    a->ends[m->partition] >= 0 && m->offset >= a->ends[m->partition];
}

static int
inbox_cmp(const void *x, const void *y)
{
	const struct kc_msg	*a = x, *b = y;
	int64_t			 ta = kc_msg_shown_ts(a), tb = kc_msg_shown_ts(b);

	if (ta != tb)
		return ta < tb ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int
inbox_scan_one(struct inbox_ask *a, int timeout_ms, struct kc_msg **out,
    size_t *count, int *more, char *errstr, size_t errlen)
{
	struct kc_reader	*r;
	struct kc_tenure	*t = NULL;
	struct kc_msg		 m, *v = NULL;
	size_t			 n = 0, read = 0, i, j;
	int64_t			 start = kc_now_us(), quiet = 0;
	int64_t			 after, dropped = INT64_MIN;
	int			 err, done = 0, known;

	*out = NULL;
	*count = 0;
	*more = 0;
	a->others = 0;
	if (a->inst[0] != '\0' && (t = kc_tenure_new(a->user, a->inst)) == NULL)
		return KC_ERR_NOMEM;
	if ((err = kc_reader_new_scan(opts.conf, opts.topic, a->since, &r,
	    errstr, errlen)) != KC_OK) {
		kc_tenure_free(t);
		return err;
	}
	if ((v = calloc(INBOX_MAX, sizeof *v)) == NULL) {
		kc_reader_free(r);
		kc_tenure_free(t);
		return KC_ERR_NOMEM;
	}
	kc_msg_init(&m);
	known = inbox_ends_known(r, a);
	while (kc_now_us() - start < (int64_t)timeout_ms * 1000 &&
	    read < KC_HISTORY_SCAN_MAX) {
		if (known && inbox_reached(r, a)) {
			done = 1;
			break;
		}
		if ((err = kc_reader_next(r, 100, &m)) == KC_ERR_TIMEOUT) {
			quiet += 100;
			/* Where the live stream began is unknown: to the end. */
			if (!known && quiet >= INBOX_QUIET_MS &&
			    kc_reader_lag(r) == 0) {
				done = 1;
				break;
			}
			continue;
		}
		if (err != KC_OK || inbox_live(a, &m))
			continue;
		quiet = 0;
		read++;
		kc_tenure_see(t, &m);
		if (m.type != KC_TYPE_DM || (strcmp(m.to, a->user) != 0 &&
		    strcmp(m.user, a->user) != 0) || inbox_has(a->have, m.id))
			continue;
		for (j = 0; j < n && strcmp(v[j].id, m.id) != 0; j++)
			;
		if (j < n)
			continue;	/* the same record again (a retry) */
		/* Full: first let go of another holder's, if news of one came. */
		if (n == INBOX_MAX && (after = kc_tenure_after(t)) != dropped) {
			a->others += kc_tenure_drop(after, v, &n);
			dropped = after;
		}
		if (n == INBOX_MAX) {
			/* Keep the newest: the oldest kept goes. */
			*more = 1;
			kc_msg_clear(&v[0]);
			memmove(&v[0], &v[1], (n - 1) * sizeof *v);
			n--;
		}
		kc_msg_init(&v[n]);
		if (kc_msg_copy(&v[n], &m) == KC_OK)
			n++;
	}
	kc_msg_clear(&m);
	kc_reader_free(r);
	a->others += kc_tenure_drop(kc_tenure_after(t), v, &n);
	kc_tenure_free(t);
	if (!done)
		*more = 1;	/* out of time or records: not all were read */
	qsort(v, n, sizeof *v, inbox_cmp);
	for (i = n; i < INBOX_MAX; i++)
		kc_msg_init(&v[i]);
	*out = v;
	*count = n;
	return KC_OK;
}

int
inbox_scan(struct inbox_ask *a, int timeout_ms, struct kc_msg **out,
    size_t *count, int *more, char *errstr, size_t errlen)
{
	int err;

	pthread_mutex_lock(&inbox_one);
	err = inbox_scan_one(a, timeout_ms, out, count, more, errstr, errlen);
	pthread_mutex_unlock(&inbox_one);
	return err;
}
