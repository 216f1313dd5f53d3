/*
 * kafka.c - the bridge's Kafka I/O, and nothing else: what it reads goes
 * up through the hooks given to kafka_start(), what it writes comes down
 * through kafka_send() and kafka_heartbeat().
 *
 * Two readers, each adopted into the lws loop through its wake-up pipe
 * (kc_reader_fd()): the chat topic from its end, and the presence topic
 * from now - KC_PRESENCE_TIMEOUT_MS so that who is already there is known
 * at once. Two producers: chat records (a sender's arg travels with each
 * message to its delivery report) and heartbeats on the presence topic.
 * Delivery reports wake the loop through each producer's descriptor
 * (kc_producer_fd(), adopted like the readers' pipes); a slow timer polls
 * as well while anything is in flight, should a wake-up be missed.
 *
 * Health: a message Kafka did not store makes /healthz say 503 until a
 * later message or heartbeat is stored, or, while the chat reader is
 * connected, for FAILURE_HOLD_US (a bridge with nobody on it sends no
 * heartbeats, and must not stay 503 forever). Messages waiting with no
 * delivery report for ACK_STALL_US make it 503 too (a broker that answers
 * metadata but stores nothing). One broker of several going away is not
 * an outage: the reader is connected while any broker is up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"

#define READ_BUDGET		64		/* records per loop pass: bounds a burst */
#define READ_WAIT_US		(2 * 1000)	/* back-pressure: look again after */
#define PRODUCER_POLL_US	(100 * 1000)	/* besides the descriptors */
#define FAILURE_HOLD_US		(30 * 1000000LL)
#define ACK_STALL_US		(10 * 1000000LL)	/* pending, no report: 503 */

struct kreader {
	struct kc_reader	*r;
	struct lws		*wsi;
	int			 presence;	/* the presence topic */
	int			 producer;	/* not a reader: the producers' reports */
	lws_sorted_usec_list_t	 more;		/* budget hit: read on */
	int64_t			 more_at;	/* µs, monotonic: read on then (0: no) */
};

static struct kafka_hooks	 hooks;
static struct kc_producer	*producer;
static struct kc_producer	*hb_producer;
static struct kreader		 chat, pres, reports, hb_reports;
static int			 npend;		/* sent with an arg, not reported */
static lws_sorted_usec_list_t	 poll_sul;
static int			 poll_scheduled;
static int64_t			 failed_at;	/* µs: a delivery failed, 0: none since */
static int64_t			 report_at;	/* µs: the last delivery report, or
						 * when pending went from 0 to 1 */

int
kafka_pending(void)
{
	return npend;
}

static void
kafka_delivery(void *opaque, void *arg, const struct kc_msg *m, int err,
    const char *errstr)
{
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
	if (arg != NULL) {
		npend--;
		if (hooks.delivered != NULL)
			hooks.delivered(arg, m, err, errstr);
	}
}

/* A heartbeat made after the last failure was stored: Kafka takes writes. */
static void
kafka_hb_delivery(void *opaque, void *arg, const struct kc_msg *m, int err,
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
		lws_sul_schedule(loop_context(), 0, &poll_sul, kafka_poll_cb,
		    PRODUCER_POLL_US);
	}
}

static void
kafka_poll_soon(void)
{
	if (poll_scheduled)
		return;
	poll_scheduled = 1;
	lws_sul_schedule(loop_context(), 0, &poll_sul, kafka_poll_cb,
	    PRODUCER_POLL_US);
}

int
kafka_send(const struct kc_msg *m, void *arg)
{
	int err;

	if ((err = kc_producer_send_arg(producer, m, arg)) != KC_OK)
		return err;
	metrics.messages_produced++;
	if (arg != NULL && npend++ == 0)
		report_at = kc_now_us();
	kafka_poll_soon();
	return KC_OK;
}

int
kafka_heartbeat(const char *room, const char *user, const char *inst,
    int typing, const char *away)
{
	struct kc_msg	m;
	int		err;

	kc_msg_init(&m);
	if ((err = kc_msg_make(&m, KC_TYPE_HEARTBEAT, room, user, NULL,
	    typing ? "typing" : NULL, typing ? 6 : 0)) == KC_OK) {
		snprintf(m.via, sizeof m.via, "web");
		snprintf(m.inst, sizeof m.inst, "%s", inst);
		snprintf(m.away, sizeof m.away, "%s", away != NULL ? away : "");
		if ((err = kc_producer_send(hb_producer, &m)) == KC_OK) {
			metrics.heartbeats_sent++;
			kafka_poll_soon();
		}
	}
	kc_msg_clear(&m);
	return err;
}

static void kafka_more(lws_sorted_usec_list_t *);

/*
 * Reads on at now + us: from the end of a pass of the loop (kafka_pass()),
 * and from an lws timer as well. On libev lws serves its timers from an
 * idle watcher, which a storm of connections starves, and arms one
 * scheduled outside its own callbacks only when that runs: the pass is
 * what keeps the chat moving then, and loop_wake_in() makes sure a pass
 * comes when nothing else happens.
 */
static void
kafka_more_in(struct kreader *kr, int64_t us)
{
	kr->more_at = lws_now_usecs() + us;
	lws_sul_schedule(loop_context(), 0, &kr->more, kafka_more, us);
	loop_wake_in(us);
}

/* Reads what is waiting on one reader, at most READ_BUDGET records. */
static void
kafka_read(struct kreader *kr)
{
	struct kc_msg	m;
	char		buf[256];
	int		n;

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
		if (!kr->presence && hooks.busy != NULL && hooks.busy()) {
			kafka_more_in(kr, READ_WAIT_US);
			break;
		}
		if (kc_reader_next(kr->r, 0, &m) != KC_OK)
			break;
		if (kr->presence) {
			if (hooks.presence != NULL)
				hooks.presence(&m);
			continue;
		}
		metrics.records_in++;
		if (m.type == KC_TYPE_HEARTBEAT)
			continue;	/* not for the chat topic */
		/*
		 * An offset means something to a client only in the room's
		 * own partition (a writer with another partitioner may put
		 * a record elsewhere; history never reads there).
		 */
		if (m.partition != kc_room_partition(m.room,
		    kc_reader_partitions(kr->r)))
			m.offset = -1;
		if (hooks.record != NULL)
			hooks.record(&m);
	}
	kc_msg_clear(&m);
	if (n == READ_BUDGET)	/* more may be waiting; the pipe won't say */
		kafka_more_in(kr, 1);
}

static void
kafka_more(lws_sorted_usec_list_t *sul)
{
	struct kreader *kr = lws_container_of(sul, struct kreader, more);

	if (kr->more_at != 0 && kr->r != NULL) {
		kr->more_at = 0;
		kafka_read(kr);
	}
}

void
kafka_pass(void)
{
	struct kreader	*krs[2] = { &chat, &pres };
	int64_t		 now = 0;
	int		 i;

	for (i = 0; i < 2; i++) {
		if (krs[i]->more_at == 0 || krs[i]->r == NULL)
			continue;
		if (now == 0)
			now = lws_now_usecs();
		if (now >= krs[i]->more_at) {
			krs[i]->more_at = 0;
			lws_sul_cancel(&krs[i]->more);
			kafka_read(krs[i]);
		} else
			loop_wake_in(krs[i]->more_at - now);
	}
}

static int
kafka_raw_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct kreader *kr = lws_get_opaque_user_data(wsi);

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* A WebSocket naming "kchat-kafka": not for browsers. */
		return filter_refuse_upgrade(wsi);
	case LWS_CALLBACK_RAW_RX_FILE:
		if (kr != NULL && kr->producer)
			kc_producer_poll(kr == &reports ? producer : hb_producer,
			    0);
		else if (kr != NULL)
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

/* Adopts a duplicate of fd into the loop, for kr. */
static int
kafka_watch(struct lws_vhost *vh, struct kreader *kr, int fd0, char *errstr,
    size_t errlen)
{
	lws_sock_file_fd_type fd;

	/* lws closes what it adopts: give it a duplicate. */
	if (fd0 < 0 || (fd.filefd = dup(fd0)) < 0) {
		snprintf(errstr, errlen, "no wake-up pipe: %s", strerror(errno));
		return KC_ERR_IO;
	}
	if ((kr->wsi = lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC,
	    fd, kafka_protocol.name, NULL)) == NULL) {
		close(fd.filefd);
		snprintf(errstr, errlen, "cannot watch a wake-up pipe");
		return KC_ERR_IO;
	}
	lws_set_opaque_user_data(kr->wsi, kr);
	return KC_OK;
}

/* Opens a reader and adopts its wake-up pipe into the loop. */
static int
kafka_reader_open(struct lws_vhost *vh, struct kreader *kr, int is_presence,
    char *errstr, size_t errlen)
{
	int err;

	memset(kr, 0, sizeof *kr);
	kr->presence = is_presence;
	if (is_presence)
		err = kc_reader_new_since(opts.conf, opts.ptopic,
		    kc_now_us() - (int64_t)KC_PRESENCE_TIMEOUT_MS * 1000,
		    &kr->r, errstr, errlen);
	else
		err = kc_reader_new(opts.conf, opts.topic, KC_FROM_END, &kr->r,
		    errstr, errlen);
	if (err != KC_OK)
		return err;
	if ((err = kafka_watch(vh, kr, kc_reader_fd(kr->r), errstr, errlen)) !=
	    KC_OK)
		return err;
	/* Records may already be waiting: the pipe only says "more came". */
	kafka_more_in(kr, 1);
	return KC_OK;
}

int
kafka_start(struct lws_vhost *vh, const struct kafka_hooks *h, char *errstr,
    size_t errlen)
{
	int err;

	hooks = *h;
	if ((err = kc_producer_new(opts.conf, opts.topic, kafka_delivery, NULL,
	    &producer, errstr, errlen)) != KC_OK ||
	    (err = kc_producer_new(opts.conf, opts.ptopic, kafka_hb_delivery,
	    NULL, &hb_producer, errstr, errlen)) != KC_OK)
		return err;
	memset(&reports, 0, sizeof reports);
	memset(&hb_reports, 0, sizeof hb_reports);
	reports.producer = hb_reports.producer = 1;
	if ((err = kafka_watch(vh, &reports, kc_producer_fd(producer), errstr,
	    errlen)) != KC_OK ||
	    (err = kafka_watch(vh, &hb_reports, kc_producer_fd(hb_producer),
	    errstr, errlen)) != KC_OK)
		return err;
	if ((err = kafka_reader_open(vh, &chat, 0, errstr, errlen)) != KC_OK)
		return err;
	if ((err = kafka_reader_open(vh, &pres, 1, errstr, errlen)) != KC_OK)
		return err;
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

int32_t
kafka_room_partition(const char *room)
{
	if (chat.r == NULL)
		return -1;
	return kc_room_partition(room, kc_reader_partitions(chat.r));
}

int
kafka_live_positions(int64_t *pos, int max)
{
	int p, n;

	if (chat.r == NULL)
		return 0;
	if ((n = kc_reader_partitions(chat.r)) > max)
		n = max;
	for (p = 0; p < n; p++)
		pos[p] = kc_reader_position(chat.r, p);
	return n;
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
	lws_sul_cancel(&poll_sul);
	poll_scheduled = 0;
	lws_sul_cancel(&chat.more);
	lws_sul_cancel(&pres.more);
	/* Close the adopted duplicates before their pipes go away. */
	if (chat.wsi != NULL)
		lws_set_timeout(chat.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
	if (pres.wsi != NULL)
		lws_set_timeout(pres.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
	if (reports.wsi != NULL)
		lws_set_timeout(reports.wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_SYNC);
	if (hb_reports.wsi != NULL)
		lws_set_timeout(hb_reports.wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_SYNC);
	chat.wsi = pres.wsi = reports.wsi = hb_reports.wsi = NULL;
	/* Reports what never got one, so their senders' args are freed. */
	kc_producer_free(producer);
	kc_producer_free(hb_producer);
	producer = hb_producer = NULL;
	kc_reader_free(chat.r);
	kc_reader_free(pres.r);
	chat.r = pres.r = NULL;
	npend = 0;
}
