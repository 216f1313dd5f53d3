/*
 * state.c - one compacted state topic (the rooms topic, the read topic):
 * a reader from its beginning that keeps following it, and a producer of
 * keyed records. Records are whole (the newest of a key is all compaction
 * keeps), so a lost one is made good by the next; the producer is plain
 * acks=all, not idempotent, and failures are only counted. Opened with a
 * kc_share, the reader reads through its consumer and the records go out
 * through its producer.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct kc_state {
	struct kc_reader	*r;
	rd_kafka_t		*rk;
	struct kc_share		*share;		/* rk is its producer */
	rd_kafka_topic_t	*rkt;
	uint64_t		 failed;
};

static void
state_dr(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque)
{
	struct kc_state *s = opaque;

	if (rkm->err != RD_KAFKA_RESP_ERR_NO_ERROR)
		s->failed++;
}

int
kc_state_new(const struct kc_conf *c, const char *topic, struct kc_state **out,
    char *errstr, size_t errlen)
{
	return kc_state_new_shared(NULL, c, topic, out, errstr, errlen);
}

int
kc_state_new_shared(struct kc_share *share, const struct kc_conf *c,
    const char *topic, struct kc_state **out, char *errstr, size_t errlen)
{
	struct kc_state	*s;
	rd_kafka_conf_t	*rc;
	char		 lerr[512];
	int		 err;

	*out = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return KC_ERR_NOMEM;
	/* From the beginning: a compacted topic is its own snapshot. */
	if ((err = kc_reader_new_shared(share, c, topic, LONG_MAX, 0, &s->r,
	    errstr, errlen)) != KC_OK) {
		free(s);
		return err;
	}
	if ((s->share = kc_reader_share(s->r)) != NULL) {
		s->rk = kc_share_producer(s->share);
		goto topic;
	}
	if ((rc = kc_conf_rdkafka(c, KC_ROLE_STATE, errstr, errlen)) == NULL) {
		kc_reader_free(s->r);
		free(s);
		return KC_ERR_CONFIG;
	}
	rd_kafka_conf_set_log_cb(rc, kc_rdkafka_log_quiet);
	rd_kafka_conf_set_dr_msg_cb(rc, state_dr);
	rd_kafka_conf_set_opaque(rc, s);
	if ((s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, lerr, sizeof lerr)) ==
	    NULL) {
		rd_kafka_conf_destroy(rc);
		kc_reader_free(s->r);
		free(s);
		if (errstr != NULL)
			snprintf(errstr, errlen, "%s", lerr);
		return KC_ERR_KAFKA;
	}
topic:
	if ((s->rkt = rd_kafka_topic_new(s->rk, topic, NULL)) == NULL) {
		kc_state_free(s, 0);
		if (errstr != NULL)
			snprintf(errstr, errlen, "cannot make a producer for %s",
			    topic);
		return KC_ERR_KAFKA;
	}
	*out = s;
	return KC_OK;
}

void
kc_state_free(struct kc_state *s, int flush_ms)
{
	if (s == NULL)
		return;
	if (s->rk != NULL && flush_ms > 0)
		rd_kafka_flush(s->rk, flush_ms);
	if (s->rkt != NULL)
		rd_kafka_topic_destroy(s->rkt);
	/* A shared producer goes with the last reader of its kc_share. */
	if (s->rk != NULL && s->share == NULL)
		rd_kafka_destroy(s->rk);
	kc_reader_free(s->r);
	free(s);
}

int
kc_state_fd(struct kc_state *s)
{
	return s == NULL ? -1 : kc_reader_fd(s->r);
}

int
kc_state_next(struct kc_state *s, struct kc_buf *key, struct kc_buf *val)
{
	rd_kafka_poll(s->rk, 0);
	return kc_reader_next_raw(s->r, 0, key, val, NULL);
}

int
kc_state_put(struct kc_state *s, const char *key, const void *val, size_t len)
{
	rd_kafka_poll(s->rk, 0);
	if (rd_kafka_produce(s->rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
	    (void *)val, len, key, strlen(key), NULL) == -1)
		return rd_kafka_last_error() == RD_KAFKA_RESP_ERR__QUEUE_FULL ?
		    KC_ERR_QUEUE_FULL : KC_ERR_KAFKA;
	return KC_OK;
}

uint64_t
kc_state_failed(const struct kc_state *s)
{
	if (s == NULL)
		return 0;
	return s->share != NULL ? kc_share_failed(s->share) : s->failed;
}

struct state_catch_up {
	struct kc_state	*s;
	kc_state_fn	*fn;
	void		*arg;
};

static int
state_record(void *arg, const struct kc_buf *key, const struct kc_buf *val)
{
	struct state_catch_up *c = arg;

	rd_kafka_poll(c->s->rk, 0);
	if (key != NULL)
		c->fn(c->arg, key, val);
	return 0;
}

size_t
kc_state_catch_up(struct kc_state *s, int64_t deadline_us, int quiet_ms,
    kc_state_fn *fn, void *arg)
{
	struct state_catch_up c = { s, fn, arg };

	return kc_reader_drain_raw(s->r, deadline_us, quiet_ms, state_record,
	    &c);
}
