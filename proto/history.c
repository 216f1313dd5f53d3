/*
 * history.c - "the last N messages of room R", read from Kafka.
 *
 * A room's records all live in one partition (key = room, murmur2), which
 * other rooms may share. Read backwards from an offset (the end, where a
 * reader's live stream starts, or the record before which older pages are
 * wanted) in growing windows, keep room R's chat records, stop at N, at the
 * low watermark (or a given lower offset), or after KC_HISTORY_SCAN_MAX
 * records. Offsets decide, never id order: records from different writers
 * are not in id order. Direct messages are not part of a room's
 * history (only their two parties may see them).
 *
 * A room whose partition changed (partitions added) has its older records
 * in the partition it had at the topic's creation: once its partition
 * holds nothing older, reading goes on there (kchat.h, KC_OFFSET_MOVED).
 *
 * A query runs on a history reader: one librdkafka consumer, made once
 * and kept by a program that asks often (kchat-bridge's history workers,
 * one each), so that a query opens no connection the reader already has
 * and all of them share one bounded fetch queue (conf.c, role HISTORY).
 * Each scan assigns the one partition it reads at the offset it starts
 * from and takes the assignment back after, dropping what was fetched
 * for it; kc_history_query() is the one-shot: a reader made and freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define HISTORY_WINDOW_MIN 256

struct history {
	struct kc_msg	*msgs;		/* oldest first */
	size_t		 count;
};

void
kc_history_free(struct kc_msg *msgs, size_t count)
{
	size_t i;

	if (msgs == NULL)
		return;
	for (i = 0; i < count; i++)
		kc_msg_clear(&msgs[i]);
	free(msgs);
}

/* Whether m is part of room's history. */
static int
history_keep(const struct kc_msg *m, const char *room)
{
	if (strcmp(m->room, room) != 0)
		return 0;
	return kc_msg_in_history(m);
}

/*
 * Called for each of room's history records found by history_scan(), in
 * offset order; m (with its partition and offset) may be taken (then
 * re-initialised). Returns 1 to stop the scan.
 */
typedef int history_fn(void *arg, struct kc_msg *m, int *errp);

/*
 * Takes back an assignment: what was fetched for it and not yet polled is
 * dropped, so that the next scan (of this query or the next one on the
 * same reader) reads only its own. librdkafka also drops, by version,
 * what a fetch started before the unassign brings later.
 */
static void
history_unassign(rd_kafka_t *rk)
{
	rd_kafka_message_t *rkm;

	rd_kafka_assign(rk, NULL);
	while ((rkm = rd_kafka_consumer_poll(rk, 0)) != NULL)
		rd_kafka_message_destroy(rkm);
}

/*
 * Reads offsets [from, to) of one partition and calls fn for room's
 * history records: only records of that topic and partition at or past
 * the next offset wanted count. Returns the number of records read.
 */
static int
history_scan(rd_kafka_t *rk, const char *topic, int32_t part, int64_t from,
    int64_t to, const char *room, int64_t deadline, history_fn *fn,
    void *arg, int *errp)
{
	rd_kafka_topic_partition_list_t	*tl;
	rd_kafka_message_t		*rkm;
	struct kc_msg			 m;
	int64_t				 next = from;
	int				 n = 0, stop = 0;

	tl = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(tl, topic, part)->offset = from;
	if (rd_kafka_assign(rk, tl) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		rd_kafka_topic_partition_list_destroy(tl);
		*errp = KC_ERR_KAFKA;
		return 0;
	}
	rd_kafka_topic_partition_list_destroy(tl);
	kc_msg_init(&m);
	while (next < to && !stop && *errp == KC_OK) {
		if (kc_now_us() > deadline) {
			*errp = KC_ERR_TIMEOUT;
			break;
		}
		if ((rkm = rd_kafka_consumer_poll(rk, 100)) == NULL)
			continue;
		if (rkm->rkt == NULL ||
		    strcmp(rd_kafka_topic_name(rkm->rkt), topic) != 0) {
			rd_kafka_message_destroy(rkm);
			continue;
		}
		if (rkm->err == RD_KAFKA_RESP_ERR__PARTITION_EOF &&
		    rkm->partition == part) {
			/* the end of the log: offsets left in the window hold
			 * no data (transaction markers) */
			rd_kafka_message_destroy(rkm);
			break;
		}
		if (rkm->err != RD_KAFKA_RESP_ERR_NO_ERROR ||
		    rkm->partition != part || rkm->offset < next) {
			rd_kafka_message_destroy(rkm);
			continue;
		}
		next = rkm->offset + 1;
		n++;
		if (rkm->offset < to && kc_mp_decode(rkm->payload, rkm->len, &m) == KC_OK &&
		    history_keep(&m, room)) {
			m.partition = part;
			m.offset = rkm->offset;
			m.log_ts = kc_record_ts(rkm);
			stop = fn(arg, &m, errp);
		}
		rd_kafka_message_destroy(rkm);
	}
	kc_msg_clear(&m);
	history_unassign(rk);
	return n;
}

/* history_fn: appends m to the window. */
static int
history_collect(void *arg, struct kc_msg *m, int *errp)
{
	struct history	*win = arg;
	struct kc_msg	*grown;

	if ((grown = realloc(win->msgs, (win->count + 1) * sizeof *grown)) == NULL) {
		*errp = KC_ERR_NOMEM;
		return 1;
	}
	win->msgs = grown;
	win->msgs[win->count++] = *m;	/* takes m's text */
	kc_msg_init(m);
	return 0;
}

struct locate {
	const char	*id;
	int64_t		 offset;
};

/* history_fn: stops at the record with the wanted id. */
static int
history_find(void *arg, struct kc_msg *m, int *errp)
{
	struct locate *l = arg;

	if (strcmp(m->id, l->id) != 0)
		return 0;
	l->offset = m->offset;
	return 1;
}

/*
 * The offset of record id of room in [lo, hi): read forward from the
 * first record stored at or after id's time minus KC_HISTORY_ID_SLACK_MS
 * (a record's CreateTime is its id's time; the slack covers writers whose
 * clocks disagree), at most KC_HISTORY_SCAN_MAX records.
 */
static int
history_locate(rd_kafka_t *rk, const char *topic, int32_t part, int64_t lo,
    int64_t hi, const char *room, const char *id, int64_t deadline,
    int timeout_ms, int64_t *out)
{
	rd_kafka_topic_partition_list_t	*tl;
	struct locate			 l = { id, -1 };
	int64_t				 from = lo, t, scanned = 0, to;
	int				 err = KC_OK;

	t = kc_ulid_ms(id) - KC_HISTORY_ID_SLACK_MS;
	tl = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(tl, topic, part)->offset = t > 0 ? t : 0;
	if (rd_kafka_offsets_for_times(rk, tl, timeout_ms) ==
	    RD_KAFKA_RESP_ERR_NO_ERROR && tl->elems[0].offset >= lo)
		from = tl->elems[0].offset;
	rd_kafka_topic_partition_list_destroy(tl);
	while (from < hi && l.offset < 0 && scanned < KC_HISTORY_SCAN_MAX &&
	    err == KC_OK) {
		to = hi - from > 4096 ? from + 4096 : hi;
		scanned += history_scan(rk, topic, part, from, to, room, deadline,
		    history_find, &l, &err);
		from = to;
	}
	if (err != KC_OK)
		return err;
	if (l.offset < 0)
		return KC_ERR_NOT_FOUND;
	*out = l.offset;
	return KC_OK;
}

/* Prepends the last `want` messages of win to h (win is emptied). */
static int
history_prepend(struct history *h, struct history *win, size_t want)
{
	struct kc_msg	*all;
	size_t		 take = win->count < want ? win->count : want;
	size_t		 skip = win->count - take, i;

	if ((all = malloc((h->count + take + 1) * sizeof *all)) == NULL)
		return KC_ERR_NOMEM;
	if (take > 0)
		memcpy(all, win->msgs + skip, take * sizeof *all);
	if (h->count > 0)
		memcpy(all + take, h->msgs, h->count * sizeof *all);
	for (i = 0; i < skip; i++)
		kc_msg_clear(&win->msgs[i]);
	free(win->msgs);
	free(h->msgs);
	win->msgs = NULL;
	win->count = 0;
	h->msgs = all;
	h->count += take;
	return KC_OK;
}

/*
 * Drops every record whose id and writer an older one (lower offset) has:
 * a writer's retry stores the same message twice, readers show it once.
 * Another writer's record with the same id is another message, kept.
 */
static int
history_dedupe(struct history *h)
{
	size_t	 size = 16, mask, i, j, k = 0;
	size_t	*table;			/* index + 1 into h->msgs, 0 = empty */

	while (size < h->count * 2)
		size *= 2;
	mask = size - 1;
	if ((table = calloc(size, sizeof *table)) == NULL)
		return KC_ERR_NOMEM;
	for (i = 0; i < h->count; i++) {
		for (j = kc_hash(h->msgs[i].id) & mask; table[j] != 0;
		    j = (j + 1) & mask) {
			if (strcmp(h->msgs[table[j] - 1].id, h->msgs[i].id) == 0 &&
			    strcmp(h->msgs[table[j] - 1].user,
			    h->msgs[i].user) == 0)
				break;
		}
		if (table[j] != 0) {
			kc_msg_clear(&h->msgs[i]);
			continue;
		}
		h->msgs[k] = h->msgs[i];
		table[j] = ++k;
	}
	h->count = k;
	free(table);
	return KC_OK;
}

/*
 * The partition room had when the topic was made, if partitions were added
 * since and that moved it; else -1. The presence topic keeps the count the
 * chat topic was made with (kc_topics_ensure() makes both alike); one
 * quick metadata request, as a missing presence topic only means no move.
 */
static int32_t
history_first_partition(rd_kafka_t *rk, const char *topic, const char *room,
    int nparts, int32_t part)
{
	const struct rd_kafka_metadata	*md;
	rd_kafka_topic_t		*rkt;
	char				 ptopic[300];
	int				 first = -1;

	if (kc_presence_topic(topic, ptopic, sizeof ptopic) != KC_OK ||
	    (rkt = rd_kafka_topic_new(rk, ptopic, NULL)) == NULL)
		return -1;
	if (rd_kafka_metadata(rk, 0, rkt, &md, 2000) ==
	    RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (md->topic_cnt == 1 && md->topics[0].err == 0)
			first = md->topics[0].partition_cnt;
		rd_kafka_metadata_destroy(md);
	}
	rd_kafka_topic_destroy(rkt);
	if (first <= 0 || first >= nparts ||
	    kc_room_partition(room, first) == part)
		return -1;
	return kc_room_partition(room, first);
}

/* One partition's part of a page: what the query reads there. */
struct history_part {
	int32_t		 part;
	int64_t		 lo, end;	/* read [lo, end) backwards */
	int64_t		 shift;		/* subtracted from offsets found */
};

/*
 * Reads p backwards in growing windows, prepending room's records to h
 * until it holds n; *skipped: records of the last window left out. Returns
 * an error, with p->end the lowest offset read.
 */
static int
history_read(rd_kafka_t *rk, const char *topic, const char *room,
    struct history_part *p, size_t n, int64_t deadline, struct history *h,
    size_t *skipped, int64_t *scanned)
{
	struct history	 win = { NULL, 0 };
	int64_t		 window, start;
	size_t		 i;
	int		 err = KC_OK;

	window = (int64_t)n * 2 > HISTORY_WINDOW_MIN ? (int64_t)n * 2 :
	    HISTORY_WINDOW_MIN;
	*skipped = 0;
	while (p->end > p->lo && h->count < n && *scanned < KC_HISTORY_SCAN_MAX) {
		if (window > KC_HISTORY_SCAN_MAX - *scanned)
			window = KC_HISTORY_SCAN_MAX - *scanned;
		start = p->end - window > p->lo ? p->end - window : p->lo;
		*scanned += history_scan(rk, topic, p->part, start, p->end, room,
		    deadline, history_collect, &win, &err);
		for (i = 0; i < win.count; i++)
			win.msgs[i].offset -= p->shift;
		if (err == KC_OK) {
			*skipped = win.count > n - h->count ?
			    win.count - (n - h->count) : 0;
			err = history_prepend(h, &win, n - h->count);
		}
		if (err != KC_OK)
			break;
		p->end = start;
		window *= 2;
	}
	kc_history_free(win.msgs, win.count);
	return err;
}

struct kc_history_reader {
	rd_kafka_t	*rk;
	char		*topic;
};

int
kc_history_reader_new(const struct kc_conf *c, int timeout_ms,
    struct kc_history_reader **out, char *errstr, size_t errlen)
{
	struct kc_history_reader	*h;
	rd_kafka_conf_t			*rc;
	char				 lerr[512], socket_ms[16];

	*out = NULL;
	if ((h = calloc(1, sizeof *h)) == NULL ||
	    (h->topic = strdup(kc_conf_get(c, "topic"))) == NULL) {
		free(h);
		return KC_ERR_NOMEM;
	}
	snprintf(socket_ms, sizeof socket_ms, "%d",
	    timeout_ms > 1000 ? timeout_ms : 1000);
	if ((rc = kc_conf_rdkafka(c, KC_ROLE_HISTORY, errstr, errlen)) == NULL) {
		kc_history_reader_free(h);
		return KC_ERR_CONFIG;
	}
	/* librdkafka 2.0.2 waits for a hung broker's answer to a watermark
	 * query for the socket timeout, whatever the call's own timeout:
	 * keep it to ours */
	if (kc_conf_rdkafka_default(c, rc, "socket.timeout.ms", socket_ms,
	    errstr, errlen)) {
		rd_kafka_conf_destroy(rc);
		kc_history_reader_free(h);
		return KC_ERR_CONFIG;
	}
	if ((h->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rc, lerr, sizeof lerr)) ==
	    NULL) {
		rd_kafka_conf_destroy(rc);
		if (errstr != NULL)
			snprintf(errstr, errlen, "cannot make a Kafka consumer "
			    "for history: %s", lerr);
		kc_history_reader_free(h);
		return KC_ERR_KAFKA;
	}
	rd_kafka_poll_set_consumer(h->rk);
	*out = h;
	return KC_OK;
}

int
kc_history_reader_connect(struct kc_history_reader *h, int timeout_ms,
    char *errstr, size_t errlen)
{
	int64_t	deadline = kc_now_us() + (int64_t)timeout_ms * 1000, lo, hi;
	int	nparts, i, err;

	if ((nparts = kc_topic_partitions(h->rk, h->topic, timeout_ms, errstr,
	    errlen)) < 0)
		return KC_ERR_KAFKA;
	for (i = 0; i < nparts; i++) {
		if ((err = kc_watermarks(h->rk, h->topic, i, deadline, &lo, &hi,
		    errstr, errlen)) != KC_OK)
			return err;
	}
	return KC_OK;
}

void
kc_history_reader_free(struct kc_history_reader *h)
{
	if (h == NULL)
		return;
	if (h->rk != NULL) {
		rd_kafka_consumer_close(h->rk);
		rd_kafka_destroy(h->rk);
	}
	free(h->topic);
	free(h);
}

/* What is wrong with q before any Kafka is asked, or KC_OK. */
static int
history_check(const struct kc_history_query *q)
{
	int err;

	if ((err = kc_room_validate(q->room, strlen(q->room))) != KC_OK)
		return err;
	if (q->before == KC_OFFSET_END && q->before_id != NULL &&
	    *q->before_id != '\0' &&
	    !kc_ulid_valid(q->before_id, strlen(q->before_id)))
		return KC_ERR_ID;
	if (q->before < KC_OFFSET_END && q->before < -KC_OFFSET_MOVED)
		return KC_ERR_INVAL;
	if (q->since < 0)
		return KC_ERR_INVAL;
	return KC_OK;
}

int
kc_history_query_on(struct kc_history_reader *hr,
    const struct kc_history_query *q, struct kc_msg **out, size_t *count,
    int *more, char *errstr, size_t errlen)
{
	rd_kafka_t			*rk = hr->rk;
	struct history			 h = { NULL, 0 };
	struct history_part		 cur, old;
	const char			*topic = hr->topic;
	const char			*room = q->room;
	int64_t				 hi, scanned = 0, found;
	int64_t				 deadline = kc_now_us() + (int64_t)q->timeout_ms * 1000;
	size_t				 n = q->n, skipped = 0;
	int				 nparts, err = KC_OK, in_old = 0;

	*out = NULL;
	*count = 0;
	*more = 0;
	if ((err = history_check(q)) != KC_OK)
		return err;
	if (n == 0)
		return KC_OK;
	if (n > KC_HISTORY_SCAN_MAX)
		n = KC_HISTORY_SCAN_MAX;
	/* Asked each time: partitions added since the last query count. */
	if ((nparts = kc_topic_partitions(rk, topic, q->timeout_ms, errstr,
	    errlen)) < 0)
		return KC_ERR_KAFKA;
	memset(&cur, 0, sizeof cur);
	memset(&old, 0, sizeof old);
	cur.part = kc_room_partition(room, nparts);
	old.part = q->since > 0 ? -1 :
	    history_first_partition(rk, topic, room, nparts, cur.part);
	old.shift = KC_OFFSET_MOVED;
	if ((err = kc_watermarks(rk, topic, cur.part, deadline, &cur.lo, &hi,
	    errstr, errlen)) != KC_OK)
		goto done;
	if (old.part >= 0 && (err = kc_watermarks(rk, topic, old.part,
	    deadline, &old.lo, &old.end, errstr, errlen)) != KC_OK)
		goto done;
	if (q->since > cur.lo)
		cur.lo = q->since;
	cur.end = hi;
	if (q->before < KC_OFFSET_END) {
		/* a moved offset: only the old partition, below it */
		if (old.part < 0)
			goto done;		/* nothing moved: nothing there */
		cur.end = cur.lo;
		if (q->before + KC_OFFSET_MOVED < old.end)
			old.end = q->before + KC_OFFSET_MOVED;
	} else if (q->before != KC_OFFSET_END && q->before < cur.end)
		cur.end = q->before;
	else if (q->before == KC_OFFSET_END && q->before_id != NULL &&
	    *q->before_id != '\0') {
		err = history_locate(rk, topic, cur.part, cur.lo, hi, room,
		    q->before_id, deadline, q->timeout_ms, &found);
		if (err == KC_OK)
			cur.end = found;
		else if (err == KC_ERR_NOT_FOUND && old.part >= 0 &&
		    (err = history_locate(rk, topic, old.part, old.lo, old.end,
		    room, q->before_id, deadline, q->timeout_ms, &found)) ==
		    KC_OK) {
			cur.end = cur.lo;
			old.end = found;
		}
		if (err == KC_ERR_NOT_FOUND && errstr != NULL)
			snprintf(errstr, errlen, "no message %s in %s",
			    q->before_id, room);
		if (err != KC_OK)
			goto done;
	}
	err = history_read(rk, topic, room, &cur, n, deadline, &h, &skipped,
	    &scanned);
	if (err == KC_OK && old.part >= 0 && h.count < n && skipped == 0 &&
	    cur.end <= cur.lo && scanned < KC_HISTORY_SCAN_MAX) {
		in_old = 1;
		err = history_read(rk, topic, room, &old, n, deadline, &h,
		    &skipped, &scanned);
	}
	if (err == KC_ERR_TIMEOUT && errstr != NULL)
		snprintf(errstr, errlen, "reading the history of %s timed out", room);
	if (err != KC_OK) {
		kc_history_free(h.msgs, h.count);
		goto done;
	}
	/* Older records are left: some of the last window's, or unread ones. */
	*more = skipped > 0 || (h.count >= n && cur.end > cur.lo) ||
	    (old.part >= 0 && (in_old ? h.count >= n && old.end > old.lo :
	    old.end > old.lo));
	if ((err = history_dedupe(&h)) != KC_OK) {
		kc_history_free(h.msgs, h.count);
		goto done;
	}
	*out = h.msgs;
	*count = h.count;
done:
	return err;
}

int
kc_history_query(const struct kc_conf *c, const struct kc_history_query *q,
    struct kc_msg **out, size_t *count, int *more, char *errstr, size_t errlen)
{
	struct kc_history_reader	*h;
	int				 err;

	*out = NULL;
	*count = 0;
	*more = 0;
	if ((err = history_check(q)) != KC_OK || q->n == 0)
		return err;
	if ((err = kc_history_reader_new(c, q->timeout_ms, &h, errstr,
	    errlen)) != KC_OK)
		return err;
	err = kc_history_query_on(h, q, out, count, more, errstr, errlen);
	kc_history_reader_free(h);
	return err;
}


int
kc_history_fetch(const struct kc_conf *c, const char *room, size_t n,
    const char *before, int timeout_ms, struct kc_msg **out, size_t *count,
    char *errstr, size_t errlen)
{
	struct kc_history_query	q = { room, n, KC_OFFSET_END, 0, before,
				    timeout_ms };
	int			more;

	return kc_history_query(c, &q, out, count, &more, errstr, errlen);
}
