/*
 * share.c - one librdkafka consumer for the long-lived readers of a
 * program (kchat-tui's chat and presence topics, its rooms and read
 * topics). Each librdkafka handle brings three or four threads, a
 * connection to every broker and ~350 KB of memory; readers of distinct
 * topics need only one. A reader attaches its topic and reads its
 * partitions through a queue of its own (reader.c); the handle's
 * statistics and errors are handed to every attached reader.
 *
 * A producer beside it writes the state topics' records (state.c) and
 * records that matter little (kc_share_send(): presence heartbeats), and
 * asks where partitions start and end for readers being opened: Kafka
 * answers a connection's requests in order, and the consumer's is
 * mostly holding a fetch that waits for records (fetch.wait.max.ms).
 *
 * Readers start fetching together, when the first of them reads
 * (kc_share_start()): until then nothing fetches, and what a reader being
 * opened asks is answered at once.
 *
 * Both are made at the first attach and destroyed after the last detach,
 * so that readers opened again (the brokers moved) get new ones.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SHARE_MAX	8	/* topics read at once */

struct share_entry {
	char			 topic[256];
	kc_share_stats_fn	*stats;
	kc_share_error_fn	*error;
	kc_share_start_fn	*start;
	void			*arg;
	int			 ready;		/* kc_share_ready() */
	int			 started;
};

struct kc_share {
	const struct kc_conf	*conf;
	pthread_mutex_t		 lock;
	rd_kafka_t		*rk;
	rd_kafka_queue_t	*cq;		/* rk's own queue: its errors */
	rd_kafka_t		*prk;		/* the producer */
	uint64_t		 failed;	/* its records refused */
	struct share_entry	 e[SHARE_MAX];
	int			 n;
};

static int
share_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
	struct kc_share	*s = opaque;
	int		 i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; rk == s->rk && i < s->n; i++)
		s->e[i].stats(s->e[i].arg, json, len);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static void
share_dr(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque)
{
	struct kc_share *s = opaque;

	if (rkm->err != RD_KAFKA_RESP_ERR_NO_ERROR)
		s->failed++;
}

static void
share_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct kc_share	*s = opaque;
	int		 i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; rk == s->rk && i < s->n; i++)
		s->e[i].error(s->e[i].arg, err);
	pthread_mutex_unlock(&s->lock);
}

int
kc_share_new(const struct kc_conf *c, struct kc_share **out)
{
	struct kc_share *s;

	*out = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return KC_ERR_NOMEM;
	s->conf = c;
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return KC_OK;
}

static void
share_destroy(rd_kafka_t *rk, rd_kafka_queue_t *cq, rd_kafka_t *prk)
{
	if (cq != NULL)
		rd_kafka_queue_destroy(cq);	/* before closing, says librdkafka */
	if (rk != NULL) {
		rd_kafka_consumer_close(rk);
		rd_kafka_destroy(rk);
	}
	if (prk != NULL)
		rd_kafka_destroy(prk);
}

/* Makes both handles (lock held). */
static int
share_create(struct kc_share *s, char *errstr, size_t errlen)
{
	rd_kafka_conf_t	*rc, *pc;
	char		 lerr[512];

	if ((rc = kc_conf_rdkafka(s->conf, KC_ROLE_SHARED, errstr,
	    errlen)) == NULL)
		return KC_ERR_CONFIG;
	if ((pc = kc_conf_rdkafka(s->conf, KC_ROLE_STATE, errstr,
	    errlen)) == NULL) {
		rd_kafka_conf_destroy(rc);
		return KC_ERR_CONFIG;
	}
	/* It asks for the readers' topics, which a reader may create. */
	if (kc_conf_rdkafka_default(s->conf, pc, "allow.auto.create.topics",
	    "true", errstr, errlen) != KC_OK) {
		rd_kafka_conf_destroy(rc);
		rd_kafka_conf_destroy(pc);
		return KC_ERR_CONFIG;
	}
	rd_kafka_conf_set_error_cb(rc, share_error);
	rd_kafka_conf_set_stats_cb(rc, share_stats);
	rd_kafka_conf_set_opaque(rc, s);
	rd_kafka_conf_set_log_cb(pc, kc_rdkafka_log_quiet);
	rd_kafka_conf_set_dr_msg_cb(pc, share_dr);
	rd_kafka_conf_set_opaque(pc, s);
	if ((s->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rc, lerr,
	    sizeof lerr)) == NULL)
		rd_kafka_conf_destroy(rc);
	else if ((s->prk = rd_kafka_new(RD_KAFKA_PRODUCER, pc, lerr,
	    sizeof lerr)) != NULL) {
		s->cq = rd_kafka_queue_get_consumer(s->rk);
		return KC_OK;
	}
	rd_kafka_conf_destroy(pc);
	share_destroy(s->rk, NULL, NULL);
	s->rk = NULL;
	if (errstr != NULL)
		snprintf(errstr, errlen, "%s", lerr);
	return KC_ERR_KAFKA;
}

void
kc_share_free(struct kc_share *s)
{
	if (s == NULL)
		return;
	share_destroy(s->rk, s->cq, s->prk);	/* readers detach first: a safeguard */
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int
kc_share_attach(struct kc_share *s, const char *topic, kc_share_stats_fn *stats,
    kc_share_error_fn *error, kc_share_start_fn *start, void *arg,
    rd_kafka_t **rk, char *errstr, size_t errlen)
{
	int		 i, err = KC_OK;

	*rk = NULL;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->n; i++) {
		if (strcmp(s->e[i].topic, topic) == 0)
			break;
	}
	/* A topic is assigned once per handle: a second reader of it, or
	 * one too many, gets a handle of its own. */
	if (i < s->n || s->n == SHARE_MAX) {
		err = KC_ERR_BUSY;
		goto out;
	}
	if (s->rk == NULL && (err = share_create(s, errstr, errlen)) != KC_OK)
		goto out;
	kc_strlcpy(s->e[s->n].topic, topic, sizeof s->e[s->n].topic);
	s->e[s->n].stats = stats;
	s->e[s->n].error = error;
	s->e[s->n].start = start;
	s->e[s->n].arg = arg;
	s->e[s->n].ready = s->e[s->n].started = 0;
	s->n++;
	*rk = s->rk;
out:
	pthread_mutex_unlock(&s->lock);
	return err;
}

void
kc_share_detach(struct kc_share *s, void *arg)
{
	rd_kafka_t		*rk = NULL, *prk = NULL;
	rd_kafka_queue_t	*cq = NULL;
	int			 i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->n; i++) {
		if (s->e[i].arg == arg) {
			s->e[i] = s->e[--s->n];
			break;
		}
	}
	if (s->n == 0) {
		rk = s->rk;
		cq = s->cq;
		prk = s->prk;
		s->rk = s->prk = NULL;
		s->cq = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	/* Outside the lock: closing serves callbacks, which take it. */
	share_destroy(rk, cq, prk);
}

void
kc_share_poll(struct kc_share *s)
{
	rd_kafka_message_t	*rkm;
	rd_kafka_queue_t	*cq;
	rd_kafka_t		*rk, *prk;

	/* The caller is attached: none of them goes meanwhile. */
	pthread_mutex_lock(&s->lock);
	rk = s->rk;
	cq = s->cq;
	prk = s->prk;
	pthread_mutex_unlock(&s->lock);
	if (rk == NULL)
		return;
	rd_kafka_poll(rk, 0);		/* statistics, errors */
	rd_kafka_poll(prk, 0);		/* delivery reports */
	/*
	 * What librdkafka posts to the consumer's own queue (an assignment's
	 * errors; records go to the readers' queues): told to every reader
	 * as the error callback's are, and not kept until the close.
	 */
	while (cq != NULL && (rkm = rd_kafka_consume_queue(cq, 0)) != NULL) {
		if (rkm->err != RD_KAFKA_RESP_ERR_NO_ERROR)
			share_error(rk, rkm->err, NULL, s);
		rd_kafka_message_destroy(rkm);
	}
}

void
kc_share_ready(struct kc_share *s, void *arg, int ready)
{
	int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->n; i++) {
		if (s->e[i].arg == arg)
			s->e[i].ready = ready;
	}
	pthread_mutex_unlock(&s->lock);
}

void
kc_share_start(struct kc_share *s)
{
	int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->n; i++) {
		if (s->e[i].ready && !s->e[i].started &&
		    s->e[i].start(s->e[i].arg) == KC_OK)
			s->e[i].started = 1;
	}
	pthread_mutex_unlock(&s->lock);
}

rd_kafka_t *
kc_share_producer(struct kc_share *s)
{
	rd_kafka_t *prk;

	pthread_mutex_lock(&s->lock);
	prk = s->prk;
	pthread_mutex_unlock(&s->lock);
	return prk;
}

int
kc_share_send(struct kc_share *s, const char *topic, const struct kc_msg *m)
{
	struct kc_buf		b = { 0 };
	rd_kafka_resp_err_t	e;
	int			err;

	if ((err = kc_mp_encode(m, &b)) != KC_OK)
		return err;
	/* Held while it is used: the last detach (another thread) frees it. */
	pthread_mutex_lock(&s->lock);
	if (s->prk == NULL) {
		pthread_mutex_unlock(&s->lock);
		kc_buf_free(&b);
		return KC_ERR_NOT_FOUND;
	}
	rd_kafka_poll(s->prk, 0);
	e = rd_kafka_producev(s->prk,
	    RD_KAFKA_V_TOPIC(topic),
	    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
	    RD_KAFKA_V_KEY(m->room, strlen(m->room)),
	    RD_KAFKA_V_VALUE(b.data, b.len),
	    RD_KAFKA_V_TIMESTAMP(m->ts / 1000),
	    RD_KAFKA_V_END);
	pthread_mutex_unlock(&s->lock);
	kc_buf_free(&b);
	if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
		return KC_ERR_QUEUE_FULL;
	return e == RD_KAFKA_RESP_ERR_NO_ERROR ? KC_OK : KC_ERR_KAFKA;
}

uint64_t
kc_share_failed(const struct kc_share *s)
{
	return s->failed;
}

