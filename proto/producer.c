/*
 * producer.c - the idempotent chat producer: key = room, value = msgpack,
 * acks=all, Java-compatible murmur2 partitioning, and a delivery report per
 * message that drives the "sent" state a user sees.
 *
 * librdkafka 2.0.2 can raise a fatal idempotence error after a "possibly
 * persisted" failure (fixed upstream in 2.3.0). Every message is therefore
 * kept until its delivery report arrives; on a fatal error the producer is
 * recreated and everything not yet acknowledged is sent again. Readers
 * de-duplicate by id, so a message that was in fact persisted shows once.
 */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* One message on its way to Kafka. */
struct pending {
	struct kc_msg	 msg;
	struct kc_buf	 value;		/* encoded record */
	int		 queued;	/* handed to the current librdkafka handle */
	void		*arg;		/* the sender's, for the callback */
	struct pending	*prev, *next;
};

struct kc_producer {
	const struct kc_conf	*conf;
	rd_kafka_t		*rk;
	rd_kafka_topic_t	*rkt;
	char			 topic[256];
	kc_delivery_fn		*fn;
	void			*opaque;
	struct pending		*head;		/* not yet reported, oldest first */
	struct pending		*tail;
	int			 npending;
	int			 fatal;		/* a fatal error was raised */
	int			 recreating;	/* purge reports are not final */
	int			 unqueued;	/* pending messages to hand over again */
	int			 pipefd[2];	/* a byte: delivery reports wait */
};

static void
pending_unlink(struct kc_producer *p, struct pending *q)
{
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		p->head = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	else
		p->tail = q->prev;
	q->prev = q->next = NULL;
	p->npending--;
}

static void
pending_free(struct pending *q)
{
	kc_msg_clear(&q->msg);
	kc_buf_free(&q->value);
	free(q);
}

static void
producer_dr(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque)
{
	struct kc_producer	*p = opaque;
	struct pending		*q = rkm->_private;

	if (q == NULL)
		return;
	/*
	 * After a fatal error librdkafka purges everything it holds, and the
	 * error callback may be served in the same poll as those reports:
	 * any failure from a handle that has had a fatal error is not final.
	 * Keep the message; it goes out again on the recreated producer.
	 */
	if (rkm->err != RD_KAFKA_RESP_ERR_NO_ERROR && (p->recreating ||
	    p->fatal || rd_kafka_fatal_error(rk, NULL, 0) != RD_KAFKA_RESP_ERR_NO_ERROR)) {
		p->fatal = 1;
		if (q->queued) {
			q->queued = 0;
			p->unqueued++;
		}
		return;
	}
	pending_unlink(p, q);
	if (!q->queued)
		p->unqueued--;
	if (p->fn != NULL) {
		if (rkm->err == RD_KAFKA_RESP_ERR_NO_ERROR)
			p->fn(p->opaque, q->arg, &q->msg, KC_OK, NULL);
		else
			p->fn(p->opaque, q->arg, &q->msg, KC_ERR_KAFKA,
			    rd_kafka_err2str(rkm->err));
	}
	pending_free(q);
}

static void
producer_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct kc_producer *p = opaque;

	if (err == RD_KAFKA_RESP_ERR__FATAL)
		p->fatal = 1;
}

static int
producer_create(struct kc_producer *p, char *errstr, size_t errlen)
{
	rd_kafka_conf_t	*rc;
	char		 lerr[512];

	if ((rc = kc_conf_rdkafka(p->conf, KC_ROLE_PRODUCER, errstr,
	    errlen)) == NULL)
		return KC_ERR_CONFIG;
	rd_kafka_conf_set_dr_msg_cb(rc, producer_dr);
	rd_kafka_conf_set_error_cb(rc, producer_error);
	rd_kafka_conf_set_opaque(rc, p);
	if ((p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, lerr, sizeof lerr)) == NULL) {
		rd_kafka_conf_destroy(rc);
		if (errstr != NULL)
			snprintf(errstr, errlen, "%s", lerr);
		return KC_ERR_KAFKA;
	}
	if ((p->rkt = rd_kafka_topic_new(p->rk, p->topic, NULL)) == NULL) {
		if (errstr != NULL)
			snprintf(errstr, errlen, "%s", rd_kafka_err2str(rd_kafka_last_error()));
		rd_kafka_destroy(p->rk);
		p->rk = NULL;
		return KC_ERR_KAFKA;
	}
	/* Reports wake the program through the pipe, not a polling timer. */
	if (p->pipefd[1] >= 0) {
		rd_kafka_queue_t *mq = rd_kafka_queue_get_main(p->rk);

		if (mq != NULL) {
			rd_kafka_queue_io_event_enable(mq, p->pipefd[1], "1", 1);
			rd_kafka_queue_destroy(mq);
		}
	}
	p->fatal = 0;
	return KC_OK;
}

static void
producer_destroy_handle(struct kc_producer *p)
{
	if (p->rkt != NULL)
		rd_kafka_topic_destroy(p->rkt);
	if (p->rk != NULL)
		rd_kafka_destroy(p->rk);
	p->rkt = NULL;
	p->rk = NULL;
}

static void
producer_close_pipe(struct kc_producer *p)
{
	if (p->pipefd[0] >= 0)
		close(p->pipefd[0]);
	if (p->pipefd[1] >= 0)
		close(p->pipefd[1]);
	p->pipefd[0] = p->pipefd[1] = -1;
}

int
kc_producer_fd(const struct kc_producer *p)
{
	return p->pipefd[0];
}

int
kc_producer_new(const struct kc_conf *c, const char *topic,
    kc_delivery_fn *fn, void *opaque, struct kc_producer **out, char *errstr,
    size_t errlen)
{
	struct kc_producer	*p;
	int			 err;

	*out = NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return KC_ERR_NOMEM;
	p->conf = c;
	p->fn = fn;
	p->opaque = opaque;
	if (pipe2(p->pipefd, O_NONBLOCK | O_CLOEXEC) == -1)
		p->pipefd[0] = p->pipefd[1] = -1;
	if (topic == NULL)
		topic = kc_conf_get(c, "topic");
	kc_strlcpy(p->topic, topic ? topic : "chat-messages", sizeof p->topic);
	if ((err = producer_create(p, errstr, errlen)) != KC_OK) {
		producer_close_pipe(p);
		free(p);
		return err;
	}
	*out = p;
	return KC_OK;
}

void
kc_producer_free(struct kc_producer *p)
{
	struct pending	*q, *qn;
	kc_delivery_fn	*fn;

	if (p == NULL)
		return;
	fn = p->fn;
	p->fn = NULL;		/* no reports while tearing down */
	producer_destroy_handle(p);
	for (q = p->head; q != NULL; q = qn) {
		qn = q->next;
		if (fn != NULL && q->arg != NULL)
			fn(p->opaque, q->arg, &q->msg, KC_ERR_TIMEOUT,
			    "not stored before the producer closed");
		pending_free(q);
	}
	producer_close_pipe(p);
	free(p);
}

rd_kafka_t *
kc_producer_rk(struct kc_producer *p)
{
	return p->rk;
}

/* Hands q to librdkafka. */
static int
producer_produce(struct kc_producer *p, struct pending *q)
{
	rd_kafka_resp_err_t err;

	err = rd_kafka_producev(p->rk,
	    RD_KAFKA_V_RKT(p->rkt),
	    RD_KAFKA_V_KEY(q->msg.room, strlen(q->msg.room)),
	    RD_KAFKA_V_VALUE(q->value.data, q->value.len),
	    RD_KAFKA_V_TIMESTAMP(q->msg.ts / 1000),
	    RD_KAFKA_V_OPAQUE(q),
	    RD_KAFKA_V_END);
	switch (err) {
	case RD_KAFKA_RESP_ERR_NO_ERROR:
		return KC_OK;
	case RD_KAFKA_RESP_ERR__QUEUE_FULL:
		return KC_ERR_QUEUE_FULL;
	case RD_KAFKA_RESP_ERR__FATAL:
		p->fatal = 1;
		return KC_ERR_KAFKA_FATAL;
	default:
		return KC_ERR_KAFKA;
	}
}

/* Hands every pending message that librdkafka does not hold to it again. */
static int
producer_resend(struct kc_producer *p)
{
	struct pending	*q;
	int		 err;

	for (q = p->head; q != NULL && p->unqueued > 0; q = q->next) {
		if (q->queued)
			continue;
		if ((err = producer_produce(p, q)) != KC_OK)
			return err;	/* queue full or fatal: try again later */
		q->queued = 1;
		p->unqueued--;
	}
	return KC_OK;
}

/*
 * Replaces a producer that hit a fatal error: purges the old handle (its
 * messages stay in the pending list), creates a new one and sends every
 * pending message again, oldest first. When creating fails, the handle
 * stays NULL and the next send, poll or flush tries again.
 */
static int
producer_recreate(struct kc_producer *p)
{
	struct pending	*q;
	int		 err;

	if (p->rk != NULL) {
		p->recreating = 1;
		rd_kafka_purge(p->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_poll(p->rk, 0);
		producer_destroy_handle(p);
		p->recreating = 0;
	}
	/* Whatever the old handle still held is gone with it. */
	for (q = p->head; q != NULL; q = q->next) {
		if (q->queued) {
			q->queued = 0;
			p->unqueued++;
		}
	}
	if ((err = producer_create(p, NULL, 0)) != KC_OK)
		return err;
	return producer_resend(p);
}

int
kc_producer_reconnect(struct kc_producer *p)
{
	return producer_recreate(p);
}

int
kc_producer_send(struct kc_producer *p, const struct kc_msg *m)
{
	return kc_producer_send_arg(p, m, NULL);
}

int
kc_producer_send_arg(struct kc_producer *p, const struct kc_msg *m, void *arg)
{
	struct pending	*q;
	int		 err;

	if ((p->rk == NULL || p->fatal) && (err = producer_recreate(p)) != KC_OK)
		return err;
	if ((q = calloc(1, sizeof *q)) == NULL)
		return KC_ERR_NOMEM;
	q->arg = arg;
	if ((err = kc_msg_copy(&q->msg, m)) != KC_OK ||
	    (err = kc_mp_encode(m, &q->value)) != KC_OK) {
		pending_free(q);
		return err;
	}
	err = producer_produce(p, q);
	if (err == KC_ERR_KAFKA_FATAL && (err = producer_recreate(p)) == KC_OK)
		err = producer_produce(p, q);
	if (err != KC_OK) {
		pending_free(q);
		return err;
	}
	q->queued = 1;
	q->prev = p->tail;
	if (p->tail != NULL)
		p->tail->next = q;
	else
		p->head = q;
	p->tail = q;
	p->npending++;
	return KC_OK;
}

/* Recovers from a fatal error and hands back what librdkafka lost. */
static int
producer_repair(struct kc_producer *p)
{
	if (p->rk == NULL || p->fatal)
		return producer_recreate(p);
	if (p->unqueued > 0)
		return producer_resend(p);
	return KC_OK;
}

int
kc_producer_poll(struct kc_producer *p, int timeout_ms)
{
	int n;

	if (producer_repair(p) != KC_OK || p->rk == NULL)
		return 0;
	if (p->pipefd[0] >= 0) {
		char buf[64];

		/* Emptied before serving: a report that comes after writes again. */
		while (read(p->pipefd[0], buf, sizeof buf) > 0)
			;
	}
	n = rd_kafka_poll(p->rk, timeout_ms);
	producer_repair(p);
	return n;
}

int
kc_producer_flush(struct kc_producer *p, int timeout_ms)
{
	int64_t deadline = kc_now_us() + (int64_t)timeout_ms * 1000;
	int	left;

	while (p->npending > 0) {
		left = (int)((deadline - kc_now_us()) / 1000);
		if (left <= 0)
			return KC_ERR_TIMEOUT;
		if (producer_repair(p) != KC_OK && p->rk == NULL) {
			usleep(100 * 1000);	/* cannot create a producer now */
			continue;
		}
		rd_kafka_flush(p->rk, left < 100 ? left : 100);
		rd_kafka_poll(p->rk, 0);
	}
	return KC_OK;
}

int
kc_producer_pending(const struct kc_producer *p)
{
	return p->npending;
}
