/*
 * kafka.c - kchat-tui's side of Kafka, through libkchat only: two producers
 * (the chat topic, and heartbeats on the presence topic), two readers (the
 * chat topic from now, the presence topic from now minus the presence
 * timeout so /who knows who is already there), history and replay, the
 * heartbeat timer and the connection state shown in the status line.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafka.h"

#define KAFKA_HISTORY_MS	5000	/* a history fetch gives up after this */
#define KAFKA_REPLAY_MS		10000	/* a replay reads for at most this */
#define KAFKA_REPLAY_QUIET_MS	1000	/* ... or until quiet and caught up */
#define KAFKA_OFFLINE_MS	30000	/* reconnecting for longer: offline */
#define KAFKA_BATCH		1000	/* records handled per loop pass */

static void
kafka_delivered(void *arg, const struct kc_msg *m, int err,
    const char *errstr)
{
	struct kafka *k = arg;

	chat_delivered(k->chat, m, err, errstr);
}

static int
kafka_send(void *arg, const struct kc_msg *m, char *errstr, size_t len)
{
	struct kafka *k = arg;

	if (m->type == KC_TYPE_HEARTBEAT)
		return kc_producer_send(k->pprod, m);
	return kc_producer_send(k->prod, m);
}

static int
kafka_history(void *arg, const char *room, size_t n, const char *before,
    struct kc_msg **out, size_t *count, char *errstr, size_t len)
{
	struct kafka *k = arg;

	return kc_history_fetch(k->conf, room, n, before, KAFKA_HISTORY_MS,
	    out, count, errstr, len);
}

/*
 * Reads the whole topic from since_us (offsets-for-times) and keeps room's
 * records, until caught up or KAFKA_REPLAY_MS.
 */
static int
kafka_replay(void *arg, const char *room, int64_t since_us,
    struct kc_msg **out, size_t *count, char *errstr, size_t len)
{
	struct kafka		*k = arg;
	struct kc_reader	*r;
	struct kc_msg		*v = NULL, m;
	size_t			 n = 0, cap = 0;
	int64_t			 start = kc_now_us(), quiet = 0;
	int			 err;

	*out = NULL;
	*count = 0;
	if ((err = kc_reader_new_since(k->conf, k->topic, since_us, &r, errstr,
	    len)) != KC_OK)
		return err;
	kc_msg_init(&m);
	while (kc_now_us() - start < (int64_t)KAFKA_REPLAY_MS * 1000) {
		err = kc_reader_next(r, 100, &m);
		if (err == KC_ERR_TIMEOUT) {
			quiet += 100;
			if (quiet >= KAFKA_REPLAY_QUIET_MS &&
			    kc_reader_lag(r) == 0)
				break;
			continue;
		}
		if (err != KC_OK)
			continue;
		quiet = 0;
		if (strcmp(m.room, room) != 0 || m.ts < since_us ||
		    m.type == KC_TYPE_DM || m.type == KC_TYPE_HEARTBEAT)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof *v);
		}
		kc_msg_init(&v[n]);
		kc_msg_copy(&v[n++], &m);
	}
	kc_msg_clear(&m);
	kc_reader_free(r);
	*out = v;
	*count = n;
	return KC_OK;
}

const struct chat_ops kafka_ops = {
	kafka_send, kafka_history, kafka_replay
};

int
kafka_open(struct kafka *k, struct chat *chat, struct kc_conf *conf,
    struct kc_conf *pconf, char *errstr, size_t len)
{
	int64_t since;
	int	err;

	memset(k, 0, sizeof *k);
	k->chat = chat;
	k->conf = conf;
	k->pconf = pconf;
	snprintf(k->topic, sizeof k->topic, "%s", kc_conf_get(conf, "topic"));
	snprintf(k->ptopic, sizeof k->ptopic, "%s", kc_conf_get(pconf, "topic"));
	if ((err = kc_producer_new(conf, kafka_delivered, k, &k->prod, errstr,
	    len)) != KC_OK ||
	    (err = kc_producer_new(pconf, kafka_delivered, k, &k->pprod,
	    errstr, len)) != KC_OK ||
	    (err = kc_reader_new(conf, k->topic, KC_FROM_END, &k->reader,
	    errstr, len)) != KC_OK)
		goto fail;
	since = kc_now_us() - (int64_t)KC_PRESENCE_TIMEOUT_MS * 1000;
	if ((err = kc_reader_new_since(pconf, k->ptopic, since, &k->preader,
	    errstr, len)) != KC_OK)
		goto fail;
	if (kc_reader_fd(k->reader) == -1 || kc_reader_fd(k->preader) == -1) {
		snprintf(errstr, len, "cannot create a pipe");
		err = KC_ERR_IO;
		goto fail;
	}
	k->ever_connected = 1;
	chat_set_conn(chat, CHAT_CONNECTED);
	return KC_OK;
fail:
	kafka_close(k, 0);
	return err;
}

void
kafka_close(struct kafka *k, int flush_ms)
{
	if (flush_ms > 0) {
		if (k->prod != NULL)
			kc_producer_flush(k->prod, flush_ms);
		if (k->pprod != NULL)
			kc_producer_flush(k->pprod, flush_ms / 2);
	}
	kc_reader_free(k->reader);
	kc_reader_free(k->preader);
	kc_producer_free(k->prod);
	kc_producer_free(k->pprod);
	k->reader = k->preader = NULL;
	k->prod = k->pprod = NULL;
}

int
kafka_pending(struct kafka *k)
{
	return kc_producer_pending(k->prod) + kc_producer_pending(k->pprod);
}

void
kafka_pollfds(struct kafka *k, struct pollfd *pfd)
{
	pfd[0].fd = kc_reader_fd(k->reader);
	pfd[0].events = POLLIN;
	pfd[1].fd = kc_reader_fd(k->preader);
	pfd[1].events = POLLIN;
}

/* Drains the wake-up pipe, then up to KAFKA_BATCH records. */
static void
kafka_drain(struct kafka *k, struct kc_reader *r)
{
	struct kc_msg	m;
	char		buf[256];
	int		i;

	while (read(kc_reader_fd(r), buf, sizeof buf) > 0)
		;
	kc_msg_init(&m);
	for (i = 0; i < KAFKA_BATCH; i++) {
		if (kc_reader_next(r, 0, &m) != KC_OK)
			break;
		chat_receive(k->chat, &m, 1);
	}
	kc_msg_clear(&m);
}

void
kafka_read(struct kafka *k)
{
	kafka_drain(k, k->reader);
	kafka_drain(k, k->preader);
}

void
kafka_tick(struct kafka *k, int64_t now)
{
	kc_producer_poll(k->prod, 0);
	kc_producer_poll(k->pprod, 0);
	if (now - k->last_second < 1000000)
		return;
	k->last_second = now;
	/* Serve callbacks (statistics: the connection state) while idle. */
	kafka_read(k);
	if (kc_reader_connected(k->reader)) {
		k->lost_since = 0;
		chat_set_conn(k->chat, CHAT_CONNECTED);
	} else {
		if (k->lost_since == 0)
			k->lost_since = now;
		if (now - k->lost_since > (int64_t)KAFKA_OFFLINE_MS * 1000)
			chat_set_conn(k->chat, CHAT_OFFLINE);
		else
			chat_set_conn(k->chat, CHAT_RECONNECTING);
	}
	if (now - k->last_heartbeat >= (int64_t)KC_PRESENCE_INTERVAL_MS * 1000) {
		k->last_heartbeat = now;
		chat_heartbeat(k->chat);
	}
	chat_expire(k->chat, now);
}
