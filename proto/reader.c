/*
 * reader.c - reads every partition of a topic with assign(), never a
 * consumer group: every client must see every message of its rooms. Starts
 * at the end, N records back, or at a point in time (offsets-for-times).
 * A reader has a librdkafka handle of its own, or reads through the
 * consumer of a kc_share (share.c) with a queue of its own, to which its
 * partitions' queues are forwarded.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define READER_METADATA_MS 10000
#define READER_RXIDLE_US 10000000LL
#define READER_SINCE_BACK 5000	/* records per partition, no offset for a time */
#define READER_REFWD_US	10000000LL	/* forwarding checked after a reset */
#define READER_SERVE_US	50000LL		/* shared: its handle served at most so often */

struct kc_reader {
	rd_kafka_t		*rk;
	struct kc_share		*share;		/* rk is its consumer */
	rd_kafka_queue_t	*queue;
	rd_kafka_queue_t	**pq;		/* shared: the partitions' queues */
	int			 npq;		/* pq's slots */
	int64_t			 refwd_until;	/* shared: forward them again */
	int			 started;	/* shared: its partitions fetched */
	int64_t			 served_at;	/* shared: kc_share_poll() last */
	rd_kafka_topic_partition_list_t *parts;
	char			 topic[256];
	int64_t			*next;		/* per partition: the next offset returned */
	/*
	 * Per partition: records older than this (µs, Kafka's timestamp)
	 * are skipped until one is not, 0 none. Set where the broker did not
	 * find an offset for a time (reader_open).
	 */
	int64_t			*from_ts;
	int64_t			*end0;		/* per partition: its end at open */
	int			 nparts0;	/* partitions at open (end0's) */
	int			 nparts;
	int			 pipefd[2];
	uint64_t		 skipped;
	uint64_t		 invalid[KC_ERR__COUNT];	/* skipped, by reason */
	int			 connected;
	int64_t			 stat_lag;	/* from the last statistics */
	int			 stat_unknown;
	int			 grown;		/* partitions the metadata now lists */
	uint64_t		 resets;	/* logs found below the position */
};

static void
reader_down(void *arg, int err)
{
	struct kc_reader *r = arg;

	/* One broker of several gone is no outage: the statistics say
	 * within a second whether any broker is still up. */
	if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
		r->connected = 0;
}

static void
reader_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	reader_down(opaque, err);
}

/* Whether broker b (a "brokers" entry of the statistics) answers. */
static int
reader_broker_up(json_t *b)
{
	json_t *state = json_object_get(b, "state"), *idle = json_object_get(b, "rxidle");

	return json_is_string(state) && strcmp(json_string_value(state), "UP") == 0 &&
	    json_is_integer(idle) && json_integer_value(idle) >= 0 &&
	    json_integer_value(idle) < READER_RXIDLE_US;
}

/*
 * Statistics arrive every second. Connected: some broker is UP and answered
 * within READER_RXIDLE_US (fetches are answered at least every
 * fetch.wait.max.ms, so a broker that is up but stopped, or cut off, stops
 * counting). One broker of several going away is not an outage.
 *
 * Lag: the sum of the partitions' consumer_lag whose leader answers; a
 * partition whose leader does not (a hung broker, an election under way)
 * is counted as unknown, not as the lag it had when last heard of.
 */
static void
reader_stats_json(void *arg, const char *json, size_t len)
{
	struct kc_reader	*r = arg;
	json_t			*root, *brokers, *b, *parts, *p, *v;
	const char		*name;
	char			 ups[1024];	/* node ids that answer, 0 .. 1023 */
	int64_t			 lag = 0;
	int			 up = 0, unknown = 0, id;

	if ((root = json_loadb(json, len, 0, NULL)) == NULL)
		return;
	memset(ups, 0, sizeof ups);
	brokers = json_object_get(root, "brokers");
	json_object_foreach(brokers, name, b) {
		if (!reader_broker_up(b))
			continue;
		up = 1;
		v = json_object_get(b, "nodeid");
		if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		    json_integer_value(v) < (json_int_t)sizeof ups)
			ups[json_integer_value(v)] = 1;
	}
	parts = json_object_get(json_object_get(json_object_get(root, "topics"),
	    r->topic), "partitions");
	json_object_foreach(parts, name, p) {
		if (strcmp(name, "-1") == 0)
			continue;	/* librdkafka's unassigned partition */
		if (atoi(name) + 1 > r->grown)
			r->grown = atoi(name) + 1;	/* partitions added */
		v = json_object_get(p, "leader");
		id = json_is_integer(v) ? (int)json_integer_value(v) : -1;
		if (id < 0 || id >= (int)sizeof ups || !ups[id]) {
			unknown++;
			continue;
		}
		v = json_object_get(p, "consumer_lag");
		if (json_is_integer(v) && json_integer_value(v) > 0)
			lag += json_integer_value(v);
	}
	json_decref(root);
	r->connected = up;
	r->stat_lag = lag;
	r->stat_unknown = unknown;
}

static int
reader_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
	reader_stats_json(opaque, json, len);
	return 0;
}

/*
 * Forwards the queues of partitions from .. to of a shared reader to its
 * own (again after a reset: librdkafka stops forwarding a partition whose
 * fetch it stops, and records then wait in the partition's queue, which
 * forwarding again hands over).
 */
static int
reader_forward(struct kc_reader *r, int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		if (r->pq[i] == NULL &&
		    (r->pq[i] = rd_kafka_queue_get_partition(r->rk, r->topic,
		    i)) == NULL)
			return KC_ERR_KAFKA;
		rd_kafka_queue_forward(r->pq[i], r->queue);
	}
	return KC_OK;
}

/*
 * A shared reader's partitions join what the handle fetches: with those of
 * every reader opened so far, at the first read of one (kc_share_start()).
 */
static int
reader_start(void *arg)
{
	struct kc_reader	*r = arg;
	rd_kafka_error_t	*e;

	if ((e = rd_kafka_incremental_assign(r->rk, r->parts)) != NULL) {
		rd_kafka_error_destroy(e);
		return KC_ERR_KAFKA;
	}
	r->started = 1;
	/* A stop of an earlier reader of the topic, still under way, may
	 * end the forwarding: forward again for a while. */
	r->refwd_until = kc_now_us() + READER_REFWD_US;
	return KC_OK;
}

static void
reader_unassign_one(struct kc_reader *r, int32_t partition)
{
	rd_kafka_topic_partition_list_t	*l;
	rd_kafka_error_t		*e;

	if ((l = rd_kafka_topic_partition_list_new(1)) == NULL)
		return;
	rd_kafka_topic_partition_list_add(l, r->topic, partition);
	if ((e = rd_kafka_incremental_unassign(r->rk, l)) != NULL)
		rd_kafka_error_destroy(e);
	rd_kafka_topic_partition_list_destroy(l);
}

/* Stops a shared reader's partitions and drops what they had fetched. */
static void
reader_detach(struct kc_reader *r)
{
	rd_kafka_message_t	*rkm;
	rd_kafka_error_t	*e;
	int			 i;

	/* Another thread's kc_share_start() leaves it be from here on. */
	if (r->rk != NULL)
		kc_share_ready(r->share, r, 0);
	if (r->started &&
	    (e = rd_kafka_incremental_unassign(r->rk, r->parts)) != NULL) {
		rd_kafka_error_destroy(e);
		/* One not assigned (a reset that failed) fails them all. */
		for (i = 0; i < r->parts->cnt; i++)
			reader_unassign_one(r, r->parts->elems[i].partition);
	}
	for (i = 0; r->pq != NULL && i < r->npq; i++) {
		if (r->pq[i] == NULL)
			continue;
		rd_kafka_queue_forward(r->pq[i], NULL);
		/* Not for the next reader of the topic on this handle. */
		while ((rkm = rd_kafka_consume_queue(r->pq[i], 0)) != NULL)
			rd_kafka_message_destroy(rkm);
		rd_kafka_queue_destroy(r->pq[i]);
	}
	free(r->pq);
	if (r->queue != NULL)
		rd_kafka_queue_destroy(r->queue);
	r->queue = NULL;
	if (r->rk != NULL)
		kc_share_detach(r->share, r);
	r->rk = NULL;
}

void
kc_reader_free(struct kc_reader *r)
{
	if (r == NULL)
		return;
	if (r->share != NULL)
		reader_detach(r);
	if (r->parts != NULL)
		rd_kafka_topic_partition_list_destroy(r->parts);
	free(r->next);
	free(r->from_ts);
	free(r->end0);
	if (r->queue != NULL)
		rd_kafka_queue_destroy(r->queue);
	if (r->rk != NULL) {
		rd_kafka_consumer_close(r->rk);
		rd_kafka_destroy(r->rk);
	}
	if (r->pipefd[0] >= 0)
		close(r->pipefd[0]);
	if (r->pipefd[1] >= 0)
		close(r->pipefd[1]);
	free(r);
}

/*
 * Creates the consumer handle (no group, no commits), or takes the one of
 * share.
 */
static int
reader_create(struct kc_reader *r, struct kc_share *share,
    const struct kc_conf *c, enum kc_role role, char *errstr, size_t errlen)
{
	rd_kafka_conf_t *rc;
	char		 lerr[512];
	int		 err;

	if (share != NULL) {
		err = kc_share_attach(share, r->topic, reader_stats_json,
		    reader_down, reader_start, r, &r->rk, errstr, errlen);
		if (err != KC_ERR_BUSY) {
			if (err == KC_OK)
				r->share = share;
			return err;
		}
	}
	if ((rc = kc_conf_rdkafka(c, role, errstr, errlen)) == NULL)
		return KC_ERR_CONFIG;
	rd_kafka_conf_set_error_cb(rc, reader_error);
	rd_kafka_conf_set_stats_cb(rc, reader_stats);
	rd_kafka_conf_set_opaque(rc, r);
	if ((r->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rc, lerr, sizeof lerr)) == NULL) {
		rd_kafka_conf_destroy(rc);
		if (errstr != NULL)
			snprintf(errstr, errlen, "%s", lerr);
		return KC_ERR_KAFKA;
	}
	rd_kafka_poll_set_consumer(r->rk);
	return KC_OK;
}

/*
 * 1 when every partition of a topic has a leader: a topic that is still
 * being created can be listed before that, and a reader assigned to it then
 * may never start fetching some partitions.
 */
static int
metadata_leaders(const rd_kafka_metadata_topic_t *t)
{
	int i;

	for (i = 0; i < t->partition_cnt; i++) {
		if (t->partitions[i].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
		    t->partitions[i].leader < 0)
			return 0;
	}
	return 1;
}

int
kc_topic_partitions(rd_kafka_t *rk, const char *topic, int timeout_ms,
    char *errstr, size_t errlen)
{
	const struct rd_kafka_metadata	*md;
	rd_kafka_topic_t		*rkt;
	rd_kafka_resp_err_t		 err = RD_KAFKA_RESP_ERR__TIMED_OUT;
	int64_t				 deadline = kc_now_us() + (int64_t)timeout_ms * 1000;
	int				 n = -1;

	if ((rkt = rd_kafka_topic_new(rk, topic, NULL)) == NULL)
		return -1;
	while (kc_now_us() < deadline) {
		if (kc_rdkafka_auth_failed(rk, errstr, errlen)) {
			rd_kafka_topic_destroy(rkt);
			return -1;	/* asking again will not help */
		}
		err = rd_kafka_metadata(rk, 0, rkt, &md, 1000);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			if (md->topic_cnt == 1 && md->topics[0].err == 0 &&
			    md->topics[0].partition_cnt > 0 &&
			    metadata_leaders(&md->topics[0]))
				n = md->topics[0].partition_cnt;
			else if (md->topic_cnt == 1)
				err = md->topics[0].err ? md->topics[0].err :
				    RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
			rd_kafka_metadata_destroy(md);
			if (n > 0)
				break;
		}
		usleep(100 * 1000);	/* topic being created: ask again */
	}
	rd_kafka_topic_destroy(rkt);
	if (n < 0 && errstr != NULL)
		snprintf(errstr, errlen, "cannot get partitions of topic %s: %s",
		    topic, rd_kafka_err2str(err));
	return n;
}

/*
 * Low and high watermarks of one partition, asking again while a new topic's
 * leader is still being elected, until deadline (µs).
 */
int
kc_watermarks(rd_kafka_t *rk, const char *topic, int32_t part, int64_t deadline,
    int64_t *lo, int64_t *hi, char *errstr, size_t errlen)
{
	rd_kafka_resp_err_t	err;
	int			left;

	for (;;) {
		left = (int)((deadline - kc_now_us()) / 1000);
		err = rd_kafka_query_watermark_offsets(rk, topic, part, lo, hi,
		    left > 100 ? left : 100);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
			return KC_OK;
		if (kc_now_us() >= deadline)
			break;
		usleep(100 * 1000);
	}
	if (errstr != NULL)
		snprintf(errstr, errlen, "cannot read the offsets of %s [%d]: %s",
		    topic, (int)part, rd_kafka_err2str(err));
	return KC_ERR_KAFKA;
}

/*
 * Starts fetching r->parts: on a handle of its own, through the consumer
 * queue; on a shared one, through a queue of r's own that the partitions'
 * queues are forwarded to first, added to what the handle fetches.
 */
static int
reader_assign(struct kc_reader *r)
{
	if (r->share == NULL) {
		if (rd_kafka_assign(r->rk, r->parts) != RD_KAFKA_RESP_ERR_NO_ERROR)
			return KC_ERR_KAFKA;
		r->queue = rd_kafka_queue_get_consumer(r->rk);
		return KC_OK;
	}
	if ((r->queue = rd_kafka_queue_new(r->rk)) == NULL ||
	    reader_forward(r, 0, r->nparts) != KC_OK)
		return KC_ERR_KAFKA;
	kc_share_ready(r->share, r, 1);
	return KC_OK;
}


/*
 * Assigns every partition: at its end, back records before it, or at the
 * first record at or after since_us. Offsets are resolved here, not left to
 * librdkafka, so that whatever is produced after this returns is read.
 */
static int
reader_open(struct kc_share *share, const struct kc_conf *c, enum kc_role role,
    const char *topic, long back, int64_t since_us, struct kc_reader **out,
    char *errstr, size_t errlen)
{
	struct kc_reader		*r;
	rd_kafka_topic_partition_t	*tp;
	rd_kafka_t			*qrk;	/* asks for offsets */
	int64_t				 deadline, lo, hi, *los = NULL;
	int				 n, i, err;

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return KC_ERR_NOMEM;
	r->pipefd[0] = r->pipefd[1] = -1;
	kc_strlcpy(r->topic, topic, sizeof r->topic);
	if ((err = reader_create(r, share, c, role, errstr, errlen)) != KC_OK)
		goto fail;
	deadline = kc_now_us() + READER_METADATA_MS * 1000LL;
	if ((n = kc_topic_partitions(r->rk, topic, READER_METADATA_MS, errstr,
	    errlen)) < 0) {
		err = KC_ERR_KAFKA;
		goto fail;
	}
	r->connected = 1;
	qrk = r->share != NULL ? kc_share_producer(r->share) : r->rk;
	err = KC_ERR_NOMEM;
	if ((r->parts = rd_kafka_topic_partition_list_new(n)) == NULL ||
	    (los = calloc((size_t)n, sizeof *los)) == NULL ||
	    (r->next = calloc((size_t)n, sizeof *r->next)) == NULL ||
	    (r->from_ts = calloc((size_t)n, sizeof *r->from_ts)) == NULL ||
	    (r->end0 = calloc((size_t)n, sizeof *r->end0)) == NULL ||
	    (r->share != NULL && (r->pq = calloc((size_t)n, sizeof *r->pq)) ==
	    NULL))
		goto fail;
	r->npq = r->share != NULL ? n : 0;
	r->nparts = n;
	r->nparts0 = n;
	for (i = 0; i < n; i++) {
		if ((err = kc_watermarks(qrk, topic, i, deadline, &lo, &hi, errstr,
		    errlen)) != KC_OK)
			goto fail;
		r->end0[i] = hi;
		los[i] = lo;
		tp = rd_kafka_topic_partition_list_add(r->parts, topic, i);
		if (since_us > 0)
			tp->offset = since_us / 1000;	/* a time, resolved below */
		else if (back > 0)
			tp->offset = hi - back > lo ? hi - back : lo;
		else
			tp->offset = hi;
	}
	if (since_us > 0) {
		if (rd_kafka_offsets_for_times(qrk, r->parts, READER_METADATA_MS) !=
		    RD_KAFKA_RESP_ERR_NO_ERROR) {
			if (errstr != NULL)
				snprintf(errstr, errlen, "cannot look up offsets by time in %s", topic);
			err = KC_ERR_KAFKA;
			goto fail;
		}
		for (i = 0; i < r->parts->cnt; i++) {
			if (r->parts->elems[i].offset >= 0)
				continue;
			/*
			 * -1: nothing at or after that time, so the end as it
			 * was; or a broker that does not look offsets up by
			 * time (librdkafka's mock cluster, the embedded broker,
			 * answers -1 to every time): then the last
			 * READER_SINCE_BACK records, those older than the time
			 * skipped by kc_reader_next().
			 */
			r->parts->elems[i].offset = r->end0[i];
			if (r->end0[i] > los[i]) {
				r->parts->elems[i].offset = r->end0[i] -
				    READER_SINCE_BACK > los[i] ?
				    r->end0[i] - READER_SINCE_BACK : los[i];
				r->from_ts[i] = since_us;
			}
		}
	}
	if (reader_assign(r) != KC_OK) {
		if (errstr != NULL)
			snprintf(errstr, errlen, "cannot assign the partitions of %s", topic);
		err = KC_ERR_KAFKA;
		goto fail;
	}
	for (i = 0; i < r->parts->cnt; i++)
		r->next[r->parts->elems[i].partition] = r->parts->elems[i].offset;
	free(los);
	*out = r;
	return KC_OK;
fail:
	free(los);
	kc_reader_free(r);
	return err;
}

int
kc_reader_new(const struct kc_conf *c, const char *topic, long back,
    struct kc_reader **out, char *errstr, size_t errlen)
{
	return reader_open(NULL, c, KC_ROLE_READER, topic, back, 0, out, errstr,
	    errlen);
}

int
kc_reader_new_since(const struct kc_conf *c, const char *topic,
    int64_t since_us, struct kc_reader **out, char *errstr, size_t errlen)
{
	if (since_us <= 0)
		since_us = 1;
	return reader_open(NULL, c, KC_ROLE_READER, topic, 0, since_us, out,
	    errstr, errlen);
}

int
kc_reader_new_scan(const struct kc_conf *c, const char *topic,
    int64_t since_us, struct kc_reader **out, char *errstr, size_t errlen)
{
	if (since_us <= 0)
		since_us = 1;
	return reader_open(NULL, c, KC_ROLE_SCAN, topic, 0, since_us, out,
	    errstr, errlen);
}

int
kc_reader_new_shared(struct kc_share *s, const struct kc_conf *c,
    const char *topic, long back, int64_t since_us, struct kc_reader **out,
    char *errstr, size_t errlen)
{
	return reader_open(s, c, KC_ROLE_READER, topic, since_us > 0 ? 0 : back,
	    since_us, out, errstr, errlen);
}

/*
 * Partitions were added to the topic: read them too, from their beginning
 * (everything in them was written after they were made). The others keep
 * their positions.
 */
static void
reader_grow(struct kc_reader *r)
{
	rd_kafka_topic_partition_list_t	*add;
	rd_kafka_queue_t		**pq;
	rd_kafka_error_t		*error;
	int64_t				*next, *from;
	int				 i, n = r->grown;

	if ((next = realloc(r->next, (size_t)n * sizeof *next)) == NULL)
		return;		/* next time */
	r->next = next;
	if ((from = realloc(r->from_ts, (size_t)n * sizeof *from)) == NULL)
		return;
	r->from_ts = from;
	for (i = r->nparts; i < n; i++)
		from[i] = 0;
	if (r->share != NULL) {
		if (r->npq < n) {
			/* Slots kept by a grow that failed keep their queues. */
			if ((pq = realloc(r->pq, (size_t)n * sizeof *pq)) == NULL)
				return;
			r->pq = pq;
			for (i = r->npq; i < n; i++)
				pq[i] = NULL;
			r->npq = n;
		}
		if (reader_forward(r, r->nparts, n) != KC_OK)
			return;
	}
	add = rd_kafka_topic_partition_list_new(n - r->nparts);
	for (i = r->nparts; i < n; i++)
		rd_kafka_topic_partition_list_add(add, r->topic, i)->offset =
		    RD_KAFKA_OFFSET_BEGINNING;
	if ((error = rd_kafka_incremental_assign(r->rk, add)) != NULL)
		rd_kafka_error_destroy(error);	/* seen again next time */
	else {
		for (i = r->nparts; i < n; i++) {
			rd_kafka_topic_partition_list_add(r->parts, r->topic,
			    i)->offset = 0;
			r->next[i] = 0;
		}
		r->nparts = n;
	}
	rd_kafka_topic_partition_list_destroy(add);
}

/*
 * The position of partition is not in its log: trimmed by retention (the
 * log now starts above it), or the log went backwards (a broker that lost
 * it, the embedded broker restarted: it ends below it). Either way read on
 * from the start of what the log has, and take offsets below the old
 * position as new records.
 */
static void
reader_reset(struct kc_reader *r, int32_t partition, int64_t failed)
{
	rd_kafka_topic_partition_list_t	*l;
	rd_kafka_error_t		*e;

	if (partition < 0 || partition >= r->nparts)
		return;
	/*
	 * Only the position the reader had reached, refused, means the log
	 * is not the one read so far: offsets below it are new records. A
	 * logical offset that could not be resolved yet (a topic just made,
	 * its leader not elected) reads from the start as "earliest" would,
	 * and what was returned before is still never returned again.
	 */
	if (failed >= 0 && failed == r->next[partition]) {
		r->next[partition] = 0;
		r->resets++;
	}
	if ((l = rd_kafka_topic_partition_list_new(1)) == NULL)
		return;
	/* The partition stopped fetching at the error: assign it anew. */
	rd_kafka_topic_partition_list_add(l, r->topic, partition)->offset =
	    RD_KAFKA_OFFSET_BEGINNING;
	if ((e = rd_kafka_incremental_unassign(r->rk, l)) != NULL)
		rd_kafka_error_destroy(e);
	if ((e = rd_kafka_incremental_assign(r->rk, l)) != NULL)
		rd_kafka_error_destroy(e);
	rd_kafka_topic_partition_list_destroy(l);
	if (r->share != NULL)
		r->refwd_until = kc_now_us() + READER_REFWD_US;
}

uint64_t
kc_reader_resets(const struct kc_reader *r)
{
	return r->resets;
}

/*
 * The next record of r that was not returned before, waiting up to
 * timeout_ms for the first; errors are handled here. NULL: none yet.
 */
static rd_kafka_message_t *
reader_poll(struct kc_reader *r, int timeout_ms)
{
	rd_kafka_message_t	*rkm;
	int64_t			 now;

	if (r->share != NULL && !r->started)
		kc_share_start(r->share);
	if (r->grown > r->nparts && (r->share == NULL || r->started))
		reader_grow(r);
	/*
	 * A shared handle's callbacks and forwarding now and then, not for
	 * every record: this runs once a record, and a burst is read a
	 * record a call.
	 */
	if (r->share != NULL &&
	    (now = kc_now_us()) - r->served_at >= READER_SERVE_US) {
		r->served_at = now;
		kc_share_poll(r->share);	/* statistics, errors */
		if (r->refwd_until != 0) {
			reader_forward(r, 0, r->nparts);
			if (now > r->refwd_until)
				r->refwd_until = 0;
		}
	}

	for (;;) {
		if (r->share != NULL)
			rkm = rd_kafka_consume_queue(r->queue, timeout_ms);
		else
			rkm = rd_kafka_consumer_poll(r->rk, timeout_ms);
		if (rkm == NULL)
			return NULL;
		timeout_ms = 0;		/* skipped records don't restart the wait */
		if (rkm->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			if (rkm->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
				r->connected = 0;
			if (rkm->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET)
				reader_reset(r, rkm->partition, rkm->offset);
			rd_kafka_message_destroy(rkm);
			continue;
		}
		r->connected = 1;
		if (rkm->partition >= 0 && rkm->partition < r->nparts) {
			/* Never the same record twice (a fetch restarted
			 * from an older offset): readers count on it. */
			if (rkm->offset < r->next[rkm->partition]) {
				rd_kafka_message_destroy(rkm);
				continue;
			}
			r->next[rkm->partition] = rkm->offset + 1;
			/* Before the time asked for (reader_open): not yet. */
			if (r->from_ts[rkm->partition] > 0) {
				int64_t ts = kc_record_ts(rkm);

				if (ts > 0 && ts < r->from_ts[rkm->partition]) {
					rd_kafka_message_destroy(rkm);
					continue;
				}
				r->from_ts[rkm->partition] = 0;
			}
		}
		return rkm;
	}
}

int
kc_reader_next(struct kc_reader *r, int timeout_ms, struct kc_msg *m)
{
	rd_kafka_message_t	*rkm;
	int			 err;

	for (;;) {
		if ((rkm = reader_poll(r, timeout_ms)) == NULL)
			return KC_ERR_TIMEOUT;
		timeout_ms = 0;
		err = kc_mp_decode(rkm->payload, rkm->len, m);
		m->partition = rkm->partition;
		m->offset = rkm->offset;
		m->log_ts = kc_record_ts(rkm);
		rd_kafka_message_destroy(rkm);
		if (err == KC_OK)
			return KC_OK;
		if (err != KC_ERR_TYPE) {	/* unknown types are skipped quietly */
			r->skipped++;
			if (err > 0 && err < KC_ERR__COUNT)
				r->invalid[err]++;
		}
	}
}

int
kc_reader_next_raw(struct kc_reader *r, int timeout_ms, struct kc_buf *key,
    struct kc_buf *val, int64_t *offset)
{
	rd_kafka_message_t	*rkm;
	int			 err = KC_OK;

	if ((rkm = reader_poll(r, timeout_ms)) == NULL)
		return KC_ERR_TIMEOUT;
	kc_buf_reset(key);
	kc_buf_reset(val);
	if (rkm->key_len > 0)
		err = kc_buf_append(key, rkm->key, rkm->key_len);
	if (err == KC_OK && rkm->len > 0)
		err = kc_buf_append(val, rkm->payload, rkm->len);
	if (offset != NULL)
		*offset = rkm->offset;
	rd_kafka_message_destroy(rkm);
	return err;
}

int
kc_reader_caught_up(const struct kc_reader *r)
{
	int i;

	/* Partitions added since were empty at the start. */
	for (i = 0; i < r->nparts0; i++) {
		if (r->next[i] < r->end0[i])
			return 0;
	}
	return 1;
}

uint64_t
kc_reader_skipped(const struct kc_reader *r)
{
	return r->skipped;
}

uint64_t
kc_reader_invalid(const struct kc_reader *r, int err)
{
	return err > 0 && err < KC_ERR__COUNT ? r->invalid[err] : 0;
}

int
kc_reader_fd(struct kc_reader *r)
{
	if (r->share != NULL && !r->started)
		kc_share_start(r->share);	/* what it waits for comes now */
	if (r->pipefd[0] >= 0)
		return r->pipefd[0];
	if (pipe2(r->pipefd, O_NONBLOCK | O_CLOEXEC) == -1)
		return -1;
	rd_kafka_queue_io_event_enable(r->queue, r->pipefd[1], "1", 1);
	/* librdkafka writes only when the queue goes from empty to not
	 * empty: records already waiting need a wake-up of their own. */
	if (rd_kafka_queue_length(r->queue) > 0 && write(r->pipefd[1], "1", 1) < 0) {
		/* the pipe is full: a wake-up is already pending */
	}
	return r->pipefd[0];
}

int64_t
kc_reader_lag(struct kc_reader *r)
{
	int64_t	lag = 0, lo, hi;
	int	i;

	/*
	 * From r's own positions (librdkafka's are unknown until a record
	 * of the partition is consumed) and the high watermark librdkafka
	 * last saw, or, before its first fetch, where the partition ended
	 * when r was opened: a reader that has not heard from its broker yet
	 * is behind, not caught up.
	 */
	for (i = 0; i < r->nparts; i++) {
		if (rd_kafka_get_watermark_offsets(r->rk, r->topic, i, &lo, &hi) !=
		    RD_KAFKA_RESP_ERR_NO_ERROR)
			hi = -1;
		if (i < r->nparts0 && r->end0[i] > hi)
			hi = r->end0[i];
		if (hi > r->next[i])
			lag += hi - r->next[i];
	}
	return lag;
}

void
kc_reader_lag_now(const struct kc_reader *r, int64_t *lag, int *unknown)
{
	*lag = r->stat_lag;
	*unknown = r->stat_unknown;
}

int64_t
kc_record_ts(const rd_kafka_message_t *rkm)
{
	rd_kafka_timestamp_type_t	type;
	int64_t				ms = rd_kafka_message_timestamp(rkm, &type);

	return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ms <= 0 ? 0 : ms * 1000;
}

int64_t
kc_reader_position(const struct kc_reader *r, int32_t partition)
{
	if (partition < 0 || partition >= r->nparts)
		return -1;
	return r->next[partition];
}

struct kc_share *
kc_reader_share(const struct kc_reader *r)
{
	return r->share;
}

int
kc_reader_partitions(const struct kc_reader *r)
{
	return r->nparts;
}

int32_t
kc_room_partition(const char *room, int nparts)
{
	if (nparts <= 0)
		return -1;
	return rd_kafka_msg_partitioner_murmur2_random(NULL, room, strlen(room),
	    nparts, NULL, NULL);
}

int
kc_reader_connected(struct kc_reader *r)
{
	/* kept up to date by callbacks served in kc_reader_next() */
	return r->connected;
}

/*
 * One step of a drain: a record handed to the caller's fn (KC_OK), none
 * within timeout_ms (KC_ERR_TIMEOUT, fn told with NULL) or one skipped;
 * *stop when fn says so.
 */
typedef int reader_step_fn(struct kc_reader *r, int timeout_ms, void *ctx,
    int *stop);

/* The drains' one loop: their rule of when a topic is read. */
static size_t
reader_drain_loop(struct kc_reader *r, int64_t deadline_us, int quiet_ms,
    int until_caught_up, int tick_ms, reader_step_fn *step, void *ctx)
{
	size_t	n = 0;
	int	quiet = 0, stop = 0, err;

	while (!stop && kc_now_us() < deadline_us &&
	    !(until_caught_up && kc_reader_caught_up(r))) {
		if ((err = step(r, tick_ms, ctx, &stop)) == KC_ERR_TIMEOUT) {
			quiet += tick_ms;
			if (quiet >= quiet_ms && kc_reader_lag(r) == 0)
				break;
			continue;
		}
		if (err == KC_OK) {
			quiet = 0;
			n++;
		}
	}
	return n;
}

struct reader_drain_msg {
	struct kc_msg	 m;
	kc_drain_fn	*fn;
	void		*arg;
};

static int
reader_step_msg(struct kc_reader *r, int timeout_ms, void *ctx, int *stop)
{
	struct reader_drain_msg	*d = ctx;
	int			 err;

	err = kc_reader_next(r, timeout_ms, &d->m);
	if (err == KC_OK || err == KC_ERR_TIMEOUT)
		*stop = d->fn(d->arg, err == KC_OK ? &d->m : NULL) != 0;
	return err;
}

size_t
kc_reader_drain(struct kc_reader *r, int64_t deadline_us, int quiet_ms,
    kc_drain_fn *fn, void *arg)
{
	struct reader_drain_msg	d = { .fn = fn, .arg = arg };
	size_t			n;

	kc_msg_init(&d.m);
	/* quiet_ms 0: what the topic held when r was opened is enough
	 * (records that come later are a live reader's). */
	n = reader_drain_loop(r, deadline_us, quiet_ms, quiet_ms == 0, 100,
	    reader_step_msg, &d);
	kc_msg_clear(&d.m);
	return n;
}

struct reader_drain_raw {
	struct kc_buf	 key, val;
	kc_drain_raw_fn	*fn;
	void		*arg;
};

static int
reader_step_raw(struct kc_reader *r, int timeout_ms, void *ctx, int *stop)
{
	struct reader_drain_raw	*d = ctx;
	int			 err;

	err = kc_reader_next_raw(r, timeout_ms, &d->key, &d->val, NULL);
	if (err == KC_OK || err == KC_ERR_TIMEOUT)
		*stop = d->fn(d->arg, err == KC_OK ? &d->key : NULL,
		    &d->val) != 0;
	return err;
}

size_t
kc_reader_drain_raw(struct kc_reader *r, int64_t deadline_us, int quiet_ms,
    kc_drain_raw_fn *fn, void *arg)
{
	struct reader_drain_raw	d = { .fn = fn, .arg = arg };
	size_t			n;

	n = reader_drain_loop(r, deadline_us, quiet_ms, 1, 50, reader_step_raw,
	    &d);
	kc_buf_free(&d.key);
	kc_buf_free(&d.val);
	return n;
}
