/*
 * kafka.c - the bridge's glue to libkchat's Kafka plumbing.
 *
 * Two readers, each adopted into the lws loop through its wake-up pipe
 * (kc_reader_fd()): the chat topic from its end, and the presence topic
 * from now - KC_PRESENCE_TIMEOUT_MS so that who is already there is known
 * at once. Two producers: chat records (delivery reports become acks or
 * errors for the sender, matched by message id) and heartbeats on the
 * presence topic. librdkafka has no fd for delivery reports, so a short
 * timer polls the chat producer while anything is in flight.
 *
 * Health: a message Kafka did not store makes /healthz say 503 until a
 * later message or heartbeat is stored, or, while the chat reader is
 * connected, for FAILURE_HOLD_US (a bridge with nobody on it sends no
 * heartbeats, and must not stay 503 forever). Messages waiting with no
 * delivery report for ACK_STALL_US make it 503 too (a broker that answers
 * metadata but stores nothing). One broker of several going away is not
 * an outage: the reader is connected while any broker is up.
 *
 * Typing: a heartbeat whose text is "typing" (the presence topic, so every
 * bridge relays it; kchat-tui may ignore the text). Frames are relayed only
 * while the record is younger than TYPING_FRESH_US.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"

#define PEND_BUCKETS		4096
#define READ_BUDGET		64		/* records per loop pass: bounds a burst */
#define READ_WAIT_US		(2 * 1000)	/* back-pressure: look again after */
#define PRODUCER_POLL_US	(5 * 1000)
#define EXPIRE_US		(1000 * 1000)
#define TYPING_FRESH_US		(10 * 1000000LL)
#define FAILURE_HOLD_US		(30 * 1000000LL)
#define ACK_STALL_US		(10 * 1000000LL)	/* pending, no report: 503 */

/* A message on its way to Kafka, whose sender wants to know. */
struct pend {
	char		 id[KC_ID_LEN + 1];
	char		 ref[65];
	struct session	*s;
	struct pend	*next;
};

struct kreader {
	struct kc_reader	*r;
	struct lws		*wsi;
	int			 presence;	/* the presence topic */
	lws_sorted_usec_list_t	 more;		/* budget hit: read on */
};

static struct kc_producer	*producer;
static struct kc_producer	*hb_producer;
static struct kreader		 chat, pres;
static struct kc_presence	*presence;
static struct pend		*pends[PEND_BUCKETS];
static int			 npend;
static lws_sorted_usec_list_t	 poll_sul, expire_sul, heartbeat_sul;
static int			 poll_scheduled;
static int64_t			 failed_at;	/* µs: a delivery failed, 0: none since */
static int64_t			 report_at;	/* µs: the last delivery report, or
						 * when pending went from 0 to 1 */
static unsigned			 presence_gen;	/* bumped on every change */



/* The bucket of a pending message's id. */
#define kafka_hash(id)	(kc_hash(id) % PEND_BUCKETS)

const struct kc_presence *
kafka_presence(void)
{
	return presence;
}

unsigned
kafka_presence_gen(void)
{
	return presence_gen;
}

int
kafka_pending(void)
{
	return npend;
}

static void
kafka_delivery(void *opaque, const struct kc_msg *m, int err,
    const char *errstr)
{
	struct pend	**pp, *p;

	report_at = kc_now_us();
	if (err == KC_OK) {
		metrics.deliveries_ok++;
		failed_at = 0;
	} else {
		metrics.deliveries_failed++;
		failed_at = kc_now_us();
		log_warn("message %s from %s not stored: %s", m->id, m->user,
		    errstr ? errstr : kc_strerror(err));
	}
	for (pp = &pends[kafka_hash(m->id)]; (p = *pp) != NULL; pp = &p->next) {
		if (strcmp(p->id, m->id) == 0) {
			*pp = p->next;
			npend--;
			ws_delivered(p->s, p->ref, m, err, errstr);
			free(p);
			return;
		}
	}
}

/* A heartbeat made after the last failure was stored: Kafka takes writes. */
static void
kafka_hb_delivery(void *opaque, const struct kc_msg *m, int err,
    const char *errstr)
{
	if (err == KC_OK && failed_at != 0 && m->ts > failed_at)
		failed_at = 0;
	else if (err != KC_OK)
		log_debug("heartbeat of %s in %s not stored: %s", m->user,
		    m->room, errstr ? errstr : kc_strerror(err));
}

static void
kafka_poll_cb(lws_sorted_usec_list_t *sul)
{
	poll_scheduled = 0;
	kc_producer_poll(producer, 0);
	kc_producer_poll(hb_producer, 0);
	if (kc_producer_pending(producer) > 0 ||
	    kc_producer_pending(hb_producer) > 0) {
		poll_scheduled = 1;
		lws_sul_schedule(bridge_context(), 0, &poll_sul, kafka_poll_cb,
		    PRODUCER_POLL_US);
	}
}

static void
kafka_poll_soon(void)
{
	if (poll_scheduled)
		return;
	poll_scheduled = 1;
	lws_sul_schedule(bridge_context(), 0, &poll_sul, kafka_poll_cb,
	    PRODUCER_POLL_US);
}

int
kafka_send(struct session *s, const char *ref, const struct kc_msg *m)
{
	struct pend	*p = NULL;
	uint32_t	 b;
	int		 err;

	if (s != NULL) {
		if ((p = calloc(1, sizeof *p)) == NULL)
			return KC_ERR_NOMEM;
		snprintf(p->id, sizeof p->id, "%s", m->id);
		snprintf(p->ref, sizeof p->ref, "%s", ref ? ref : "");
		p->s = s;
	}
	if ((err = kc_producer_send(producer, m)) != KC_OK) {
		free(p);
		return err;
	}
	metrics.messages_produced++;
	if (p != NULL) {
		b = kafka_hash(p->id);
		p->next = pends[b];
		pends[b] = p;
		if (npend++ == 0)
			report_at = kc_now_us();
	}
	kafka_poll_soon();
	return KC_OK;
}

int
kafka_heartbeat(const char *room, const char *user, int typing)
{
	struct kc_msg	m;
	int		err;

	kc_msg_init(&m);
	if ((err = kc_msg_make(&m, KC_TYPE_HEARTBEAT, room, user, NULL,
	    typing ? "typing" : NULL, typing ? 6 : 0)) == KC_OK) {
		snprintf(m.via, sizeof m.via, "web");
		if ((err = kc_producer_send(hb_producer, &m)) == KC_OK) {
			metrics.heartbeats_sent++;
			kafka_poll_soon();
		}
	}
	kc_msg_clear(&m);
	return err;
}

void
kafka_forget(struct session *s)
{
	struct pend	*p;
	size_t		 b;

	for (b = 0; b < PEND_BUCKETS; b++) {
		for (p = pends[b]; p != NULL; p = p->next) {
			if (p->s == s)
				p->s = NULL;
		}
	}
}

/* A record from the presence topic: heartbeats, typing. */
static void
kafka_presence_record(const struct kc_msg *m)
{
	struct frame	*f;
	json_t		*obj;
	char		*js;
	int64_t		 now = kc_now_us();

	if (kc_presence_apply(presence, m, now)) {
		presence_gen++;
		fanout_presence(m->room);
	}
	if (m->type != KC_TYPE_HEARTBEAT || m->text == NULL ||
	    strcmp(m->text, "typing") != 0 || now - m->ts > TYPING_FRESH_US)
		return;
	obj = json_object();
	json_object_set_new(obj, "type", json_string("typing"));
	json_object_set_new(obj, "room", json_string(m->room));
	json_object_set_new(obj, "username", json_string(m->user));
	if ((js = json_dumps(obj, JSON_COMPACT)) != NULL &&
	    (f = frame_new(js, strlen(js))) != NULL) {
		fanout_room(m->room, f, 1);
		frame_unref(f);
	}
	free(js);
	json_decref(obj);
}

/*
 * A leave of user from room arrived while user still has connections in
 * room here (their connection on another bridge, or a terminal client,
 * left): say at once that they are here, not at the next heartbeat round,
 * so that nobody sees them gone for up to KC_PRESENCE_INTERVAL_MS. The
 * heartbeat is applied here at once too. Returns 1 when that changed
 * presence.
 */
static int
kafka_still_here(const char *room, const char *user, int64_t now)
{
	struct kc_msg	m;
	int		changed = 0;

	kc_msg_init(&m);
	if (kc_msg_make(&m, KC_TYPE_HEARTBEAT, room, user, NULL, NULL, 0) ==
	    KC_OK) {
		snprintf(m.via, sizeof m.via, "web");
		if (kc_producer_send(hb_producer, &m) == KC_OK) {
			metrics.heartbeats_sent++;
			kafka_poll_soon();
		}
		changed = kc_presence_apply(presence, &m, now);
	}
	kc_msg_clear(&m);
	return changed;
}

static void kafka_more(lws_sorted_usec_list_t *);

/* Reads what is waiting on one reader, at most READ_BUDGET records. */
static void
kafka_read(struct kreader *kr)
{
	struct kc_msg	m;
	char		buf[256];
	int64_t		now;
	int		n, changed;

	while (read(kc_reader_fd(kr->r), buf, sizeof buf) > 0)
		;
	kc_msg_init(&m);
	for (n = 0; n < READ_BUDGET; n++) {
		/*
		 * A connection that keeps reading has half a queue waiting:
		 * leave the records in Kafka until it took them, rather than
		 * closing it as slow. Checked per record, so that no burst
		 * adds more than one frame past that mark.
		 */
		if (!kr->presence && ws_backpressure()) {
			lws_sul_schedule(bridge_context(), 0, &kr->more,
			    kafka_more, READ_WAIT_US);
			break;
		}
		if (kc_reader_next(kr->r, 0, &m) != KC_OK)
			break;
		if (kr->presence) {
			kafka_presence_record(&m);
			continue;
		}
		metrics.records_in++;
		if (m.type == KC_TYPE_HEARTBEAT)
			continue;	/* not for the chat topic */
		now = kc_now_us();
		changed = kc_presence_apply(presence, &m, now);
		/* Both toggle the same user: together they may change nothing. */
		if (m.type == KC_TYPE_LEAVE && !bridge_stopping &&
		    fanout_user_count(m.room, m.user) > 0)
			changed ^= kafka_still_here(m.room, m.user, now);
		if (changed) {
			presence_gen++;
			fanout_presence(m.room);
		}
		/*
		 * An offset means something to a client only in the room's
		 * own partition (a writer with another partitioner may put
		 * a record elsewhere; history never reads there).
		 */
		if (m.partition != kc_room_partition(m.room,
		    kc_reader_partitions(kr->r)))
			m.offset = -1;
		fanout_record(&m);
	}
	kc_msg_clear(&m);
	if (n == READ_BUDGET)	/* more may be waiting; the pipe won't say */
		lws_sul_schedule(bridge_context(), 0, &kr->more, kafka_more, 1);
}

static void
kafka_more(lws_sorted_usec_list_t *sul)
{
	kafka_read(lws_container_of(sul, struct kreader, more));
}

struct expired {
	char	rooms[16][KC_NAME_MAX + 1];
	int	n;
	int	overflow;
};

static void
kafka_expired_one(void *opaque, const char *room, const char *user)
{
	struct expired	*e = opaque;
	int		 i;

	log_debug("presence: %s timed out in %s", user, room);
	presence_gen++;
	for (i = 0; i < e->n; i++) {
		if (strcmp(e->rooms[i], room) == 0)
			return;
	}
	if (e->n < 16)
		snprintf(e->rooms[e->n++], KC_NAME_MAX + 1, "%s", room);
	else
		e->overflow = 1;
}

static void
kafka_expire_cb(lws_sorted_usec_list_t *sul)
{
	struct expired	e = { .n = 0 };
	int		i;

	kc_presence_expire(presence, kc_now_us(), kafka_expired_one, &e);
	for (i = 0; i < e.n; i++)
		fanout_presence(e.rooms[i]);
	/* More rooms changed than remembered: the next pass is soon. */
	lws_sul_schedule(bridge_context(), 0, &expire_sul, kafka_expire_cb,
	    e.overflow ? 1 : EXPIRE_US);
}

static void
kafka_heartbeat_one(const char *room, const char *user, void *arg)
{
	kafka_heartbeat(room, user, 0);
}

static void
kafka_heartbeat_cb(lws_sorted_usec_list_t *sul)
{
	fanout_each_member(kafka_heartbeat_one, NULL);
	lws_sul_schedule(bridge_context(), 0, &heartbeat_sul, kafka_heartbeat_cb,
	    (lws_usec_t)KC_PRESENCE_INTERVAL_MS * 1000);
}

static int
kafka_raw_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct kreader *kr = lws_get_opaque_user_data(wsi);

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* A WebSocket naming "kchat-kafka": not for browsers. */
		return http_refuse_upgrade(wsi);
	case LWS_CALLBACK_RAW_RX_FILE:
		if (kr != NULL)
			kafka_read(kr);
		break;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (kr != NULL)
			kr->wsi = NULL;
		break;
	default:
		break;
	}
	return 0;
}

const struct lws_protocols kafka_protocol = {
	.name = "kchat-kafka",
	.callback = kafka_raw_callback,
};

/* Opens a reader and adopts its wake-up pipe into the loop. */
static int
kafka_reader_open(struct lws_vhost *vh, struct kreader *kr, int is_presence,
    char *errstr, size_t errlen)
{
	lws_sock_file_fd_type	fd;
	int			err;

	memset(kr, 0, sizeof *kr);
	kr->presence = is_presence;
	if (is_presence)
		err = kc_reader_new_since(opts.pconf, opts.ptopic,
		    kc_now_us() - (int64_t)KC_PRESENCE_TIMEOUT_MS * 1000,
		    &kr->r, errstr, errlen);
	else
		err = kc_reader_new(opts.conf, opts.topic, KC_FROM_END, &kr->r,
		    errstr, errlen);
	if (err != KC_OK)
		return err;
	/* lws closes what it adopts: give it a duplicate, the reader keeps its own. */
	if (kc_reader_fd(kr->r) < 0 || (fd.filefd = dup(kc_reader_fd(kr->r))) < 0) {
		snprintf(errstr, errlen, "no wake-up pipe: %s", strerror(errno));
		return KC_ERR_IO;
	}
	if ((kr->wsi = lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC,
	    fd, kafka_protocol.name, NULL)) == NULL) {
		close(fd.filefd);
		snprintf(errstr, errlen, "cannot watch the reader's pipe");
		return KC_ERR_IO;
	}
	lws_set_opaque_user_data(kr->wsi, kr);
	/* Records may already be waiting: the pipe only says "more came". */
	lws_sul_schedule(bridge_context(), 0, &kr->more, kafka_more, 1);
	return KC_OK;
}

int
kafka_start(struct lws_vhost *vh, char *errstr, size_t errlen)
{
	int err;

	if ((presence = kc_presence_new()) == NULL)
		return KC_ERR_NOMEM;
	if ((err = kc_producer_new(opts.conf, kafka_delivery, NULL, &producer,
	    errstr, errlen)) != KC_OK ||
	    (err = kc_producer_new(opts.pconf, kafka_hb_delivery, NULL,
	    &hb_producer, errstr, errlen)) != KC_OK)
		return err;
	if ((err = kafka_reader_open(vh, &chat, 0, errstr, errlen)) != KC_OK)
		return err;
	if ((err = kafka_reader_open(vh, &pres, 1, errstr, errlen)) != KC_OK)
		return err;
	lws_sul_schedule(bridge_context(), 0, &expire_sul, kafka_expire_cb,
	    EXPIRE_US);
	lws_sul_schedule(bridge_context(), 0, &heartbeat_sul, kafka_heartbeat_cb,
	    (lws_usec_t)KC_PRESENCE_INTERVAL_MS * 1000);
	return KC_OK;
}

int
kafka_flush(int timeout_ms)
{
	int64_t	deadline = kc_now_us() + (int64_t)timeout_ms * 1000;
	int	err, left;

	if (producer == NULL)
		return KC_OK;
	err = kc_producer_flush(producer, timeout_ms);
	left = (int)((deadline - kc_now_us()) / 1000);
	if (hb_producer != NULL)
		kc_producer_flush(hb_producer, left > 0 ? left : 0);
	return err;
}

int
kafka_healthy(const char **why)
{
	if (producer == NULL || chat.r == NULL) {
		*why = "starting";
		return 0;
	}
	if (!kc_reader_connected(chat.r)) {
		*why = "no connection to the Kafka brokers";
		return 0;
	}
	if (failed_at != 0 && kc_now_us() - failed_at >= FAILURE_HOLD_US)
		failed_at = 0;		/* connected, and nothing failed since */
	if (failed_at != 0) {
		*why = "the last message could not be stored in Kafka";
		return 0;
	}
	/* Connected to some broker, but nothing is being stored. */
	if (npend > 0 && kc_now_us() - report_at >= ACK_STALL_US) {
		*why = "messages are waiting for Kafka: no acknowledgement for 10 s";
		return 0;
	}
	*why = "ok";
	return 1;
}

int64_t
kafka_live_offset(const char *room)
{
	if (chat.r == NULL)
		return -1;
	return kc_reader_position(chat.r,
	    kc_room_partition(room, kc_reader_partitions(chat.r)));
}

uint64_t
kafka_invalid(int err)
{
	return chat.r != NULL ? kc_reader_invalid(chat.r, err) : 0;
}

int64_t
kafka_lag(int *unknown)
{
	int64_t lag = -1;

	*unknown = 0;
	if (chat.r != NULL)
		kc_reader_lag_now(chat.r, &lag, unknown);
	return lag;
}

void
kafka_stop(void)
{
	struct pend	*p, *next;
	size_t		 b;

	lws_sul_cancel(&poll_sul);
	lws_sul_cancel(&expire_sul);
	lws_sul_cancel(&heartbeat_sul);
	lws_sul_cancel(&chat.more);
	lws_sul_cancel(&pres.more);
	/* Close the adopted duplicates before their pipes go away. */
	if (chat.wsi != NULL)
		lws_set_timeout(chat.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
	if (pres.wsi != NULL)
		lws_set_timeout(pres.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
	chat.wsi = pres.wsi = NULL;
	kc_producer_free(producer);
	kc_producer_free(hb_producer);
	producer = hb_producer = NULL;
	kc_reader_free(chat.r);
	kc_reader_free(pres.r);
	chat.r = pres.r = NULL;
	kc_presence_free(presence);
	presence = NULL;
	for (b = 0; b < PEND_BUCKETS; b++) {
		for (p = pends[b]; p != NULL; p = next) {
			next = p->next;
			free(p);
		}
		pends[b] = NULL;
	}
	npend = 0;
}
