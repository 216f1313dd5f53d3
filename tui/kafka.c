/*
 * kafka.c - kchat-tui's side of Kafka, through libkchat only: the chat
 * producer, two readers (the chat topic from now, the presence topic from
 * now minus the presence timeout so /who knows who is already there) on
 * one consumer shared with the rooms and read topics' (kc_share), whose
 * producer carries the heartbeats too, the direct messages missed while
 * not running, the heartbeat timer and the connection state shown in the
 * status line.
 *
 * The program never waits for a broker: the producers queue what the user
 * types until one answers (up to message.timeout.ms), the readers are
 * opened by a thread that tries again every KAFKA_RETRY_MS, and once they
 * are open librdkafka rides out a broker restart by itself, fetching on
 * from the offsets it had reached, so nothing is missed; lines sent twice
 * by a recreated producer are dropped by id in the chat. History and
 * replay run in threads too (tui/kafka-fetch.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafka.h"

#define KAFKA_NAME_RECHECK_MS	3000	/* the name again, from live presence */
#define KAFKA_OFFLINE_MS	30000	/* reconnecting for longer: offline */
#define KAFKA_BATCH		1000	/* records handled per loop pass */
#define KAFKA_RETRY_MS		2000	/* between two connection attempts */
#define KAFKA_JOIN_MS		200	/* at exit, wait this for an attempt */
#define KAFKA_RESUME_MARGIN_MS	30000	/* reread before a lost connection */

static void
kafka_delivered(void *arg, void *msg_arg, const struct kc_msg *m, int err,
    const char *errstr)
{
	struct kafka *k = arg;

	chat_delivered(k->chat, m, err, errstr);
}

int
kafka_produce(struct kafka *k, const struct kc_msg *m, char *errstr,
    size_t len)
{
	/* Heartbeats matter little: the shared producer, no delivery report. */
	if (m->type == KC_TYPE_HEARTBEAT)
		return kc_share_send(k->share, k->ptopic, m);
	return kc_producer_send(k->prod, m);
}

/* Nothing goes out under the name before it is known to be ours. */
static int
kafka_send(void *arg, const struct kc_msg *m, char *errstr, size_t len)
{
	return kafka_name_send(arg, m, errstr, len);
}

/* /stats: what both readers read and skipped. */
static void
kafka_stats(void *arg, struct chat_stats *st)
{
	struct kafka		*k = arg;
	struct kc_reader	*rs[2] = { k->reader, k->preader };
	int			 i, err;

	memset(st, 0, sizeof *st);
	st->read = k->nread;
	st->pending = kafka_pending(k);
	for (i = 0; i < 2; i++) {
		if (rs[i] == NULL)
			continue;
		st->skipped += kc_reader_skipped(rs[i]);
		for (err = 1; err < KC_ERR__COUNT; err++)
			st->invalid[err] += kc_reader_invalid(rs[i], err);
	}
}

/* Who is online is known once the presence reader caught up (/nick). */
static int
kafka_presence_known(void *arg)
{
	struct kafka *k = arg;

	return k->preader != NULL && kc_reader_caught_up(k->preader);
}

const struct chat_ops kafka_ops = {
	kafka_send, kafka_fetch_history, kafka_fetch_replay, kafka_stats,
	kafka_fetch_search, kafka_presence_known
};

/* kc_topics_fn: keeps the problems, one per line, for the main thread. */
static void
kafka_topic_note(void *opaque, int problem, const char *line)
{
	struct kafka *k = opaque;

	if (!problem)
		return;
	kc_buf_append(&k->topic_notes, line, strlen(line));
	kc_buf_append(&k->topic_notes, "\n", 1);
}

/*
 * The connecting thread, once connected the first time: the direct messages
 * to or from the user of the last TUI_DM_MISSED_DAYS, read from the whole
 * topic until caught up or KAFKA_INBOX_MS, into k->inbox. Direct messages
 * are in the partition of the sender's room, which the recipient may never
 * join: history does not bring them. Those written while another client
 * instance held the name (kc_tenure_ours(): a terminal that renamed itself,
 * a browser that left) are that one's, not shown.
 */
/* The missed direct messages' scan (kc_drain_fn). */
static int
kafka_inbox_keep(void *arg, const struct kc_msg *m)
{
	struct kafka *k = arg;

	if (m == NULL)
		return 0;
	if (++k->inbox_read >= KC_HISTORY_SCAN_MAX)
		return 1;
	kc_tenure_see(k->inbox_tenure, m);
	if (m->type != KC_TYPE_DM || (strcmp(m->to, k->inbox_user) != 0 &&
	    strcmp(m->user, k->inbox_user) != 0))
		return 0;
	if (k->ninbox == k->inbox_cap) {
		k->inbox_cap = k->inbox_cap ? k->inbox_cap * 2 : 16;
		k->inbox = xreallocarray(k->inbox, k->inbox_cap,
		    sizeof *k->inbox);
	}
	kc_msg_init(&k->inbox[k->ninbox]);
	kc_msg_copy(&k->inbox[k->ninbox++], m);
	return 0;
}

static void
kafka_inbox(struct kafka *k)
{
	struct kc_reader	*r;
	int64_t			 start = kc_now_us();
	char			 errstr[256];

	/* At most 4 MB read ahead: a scan of a big topic, not a live feed. */
	if (kc_reader_new_scan(k->conf, k->topic, start -
	    (int64_t)TUI_DM_MISSED_DAYS * 86400 * 1000000, &r, errstr,
	    sizeof errstr) != KC_OK)
		return;
	if ((k->inbox_tenure = kc_tenure_new(k->inbox_user, k->inst)) == NULL) {
		kc_reader_free(r);
		return;
	}
	k->inbox_read = 0;
	kc_reader_drain(r, start + (int64_t)KAFKA_INBOX_MS * 1000, 0,
	    kafka_inbox_keep, k);
	kc_reader_free(r);
	kc_tenure_drop(kc_tenure_after(k->inbox_tenure), k->inbox, &k->ninbox);
	kc_tenure_free(k->inbox_tenure);
	k->inbox_tenure = NULL;
}

/* The connecting thread: opens both readers, or says why it could not. */
static void *
kafka_connect(void *arg)
{
	struct kafka		*k = arg;
	struct kc_reader	*r = NULL, *pr = NULL;
	char			 errstr[256] = "";
	int64_t			 since;
	int64_t			 retention;
	int			 err, problems;

	/*
	 * The topics first, made to keep the chat if missing (the readers
	 * would auto-create them with the broker's defaults), and checked
	 * once: what endangers messages is said in the chat.
	 */
	if (kc_retention_parse(kc_conf_get(k->conf, "retention"), &retention) !=
	    KC_OK)
		retention = -1;		/* checked at start */
	if (!k->topics_checked && kc_topics_ensure(k->conf, 1, retention,
	    kafka_topic_note, k, &problems, errstr, sizeof errstr) == KC_OK)
		k->topics_checked = 1;
	errstr[0] = '\0';
	err = kc_reader_new_shared(k->share, k->conf, k->topic, KC_FROM_END,
	    k->resume_since, &r, errstr, sizeof errstr);
	if (err == KC_OK) {
		since = kc_now_us() - (int64_t)KC_PRESENCE_TIMEOUT_MS * 1000;
		err = kc_reader_new_shared(k->share, k->conf, k->ptopic, 0,
		    since, &pr, errstr, sizeof errstr);
	}
	if (err == KC_OK) {
		if (k->name_wanted)
			kafka_name_check(k);
		if (k->inbox_wanted)
			kafka_inbox(k);	/* after r: what comes now, r reads */
		/*
		 * Before the readers' descriptors: the shared readers start
		 * fetching together at the first read or descriptor of one,
		 * and until then the state topics' open without waiting
		 * behind a fetch.
		 */
		kafka_state_connect(k);
		if (kc_reader_fd(r) == -1 || kc_reader_fd(pr) == -1) {
			snprintf(errstr, sizeof errstr, "cannot create a pipe");
			err = KC_ERR_IO;
			kafka_state_forget(k);
		}
	}
	if (err != KC_OK) {
		kc_reader_free(r);
		kc_reader_free(pr);
		r = pr = NULL;
	}
	k->new_reader = r;
	k->new_preader = pr;
	k->attempt_err = err;
	snprintf(k->attempt_errstr, sizeof k->attempt_errstr, "%s",
	    errstr[0] != '\0' ? errstr : kc_strerror(err));
	/* pthread_join() in the main thread orders these stores. */
	(void)write(k->done_pipe[1], "", 1);
	return NULL;
}

static void
kafka_attempt(struct kafka *k)
{
	snprintf(k->inbox_user, sizeof k->inbox_user, "%s",
	    chat_user(k->chat));
	k->inbox_wanted = !k->ever_connected;
	k->name_wanted = !k->ever_connected;
	snprintf(k->inst, sizeof k->inst, "%s", chat_inst(k->chat));
	if (pthread_create(&k->thread, NULL, kafka_connect, k) != 0) {
		k->next_attempt = kc_now_us() +
		    (int64_t)KAFKA_RETRY_MS * 1000;
		return;
	}
	k->attempting = 1;
}

/* A connection attempt ended: use the readers, or try again later. */
static void
kafka_attempt_done(struct kafka *k, int64_t now)
{
	char	buf[16];
	size_t	i;

	if (!k->attempting || read(k->done_pipe[0], buf, sizeof buf) <= 0)
		return;
	pthread_join(k->thread, NULL);
	k->attempting = 0;
	/* Problems with the topics: said once, one line each. */
	if (k->topic_notes.len > 0) {
		char *line = k->topic_notes.data, *nl;

		kc_buf_append(&k->topic_notes, "", 1);
		for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
			*nl = '\0';
			chat_error(k->chat, "%s", line);
		}
		kc_buf_free(&k->topic_notes);
	}
	/*
	 * Refused: nothing of the user's is shown (the missed direct
	 * messages, the rooms' history) and nothing went out under the name.
	 */
	if (k->attempt_err == KC_OK && k->name_wanted &&
	    kafka_name_verdict(k) == -1) {
		kc_reader_free(k->new_reader);
		kc_reader_free(k->new_preader);
		k->new_reader = k->new_preader = NULL;
		kafka_state_forget(k);
		k->next_attempt = INT64_MAX;
		return;
	}
	if (k->attempt_err == KC_OK) {
		k->reader = k->new_reader;
		k->preader = k->new_preader;
		k->new_reader = k->new_preader = NULL;
		k->resume_since = 0;
		k->ever_connected = 1;
		k->lost_since = 0;
		k->last_heartbeat = 0;		/* announce ourselves now */
		k->last_errstr[0] = '\0';
		chat_set_conn(k->chat, CHAT_CONNECTED);
		kafka_state_adopt(k);
		if (k->name_wanted)
			k->name_recheck = now +
			    (int64_t)KAFKA_NAME_RECHECK_MS * 1000;
		for (i = 0; i < k->ninbox; i++)
			chat_receive_missed(k->chat, &k->inbox[i]);
		kc_history_free(k->inbox, k->ninbox);
		k->inbox = NULL;
		k->ninbox = k->inbox_cap = 0;
		return;
	}
	chat_set_conn(k->chat, CHAT_OFFLINE);
	if (k->attempt_err == KC_ERR_CONFIG || k->attempt_err == KC_ERR_NOMEM) {
		chat_error(k->chat, "cannot read from Kafka: %s",
		    k->attempt_errstr);
		k->next_attempt = INT64_MAX;
		return;
	}
	/* Say why once, not at every attempt. */
	if (strcmp(k->last_errstr, k->attempt_errstr) != 0) {
		chat_info(k->chat, "cannot reach Kafka at %s: %s; trying again "
		    "in the background (lines you type are sent when it "
		    "answers)", chat_brokers(k->chat), k->attempt_errstr);
		snprintf(k->last_errstr, sizeof k->last_errstr, "%s",
		    k->attempt_errstr);
	}
	k->next_attempt = now + (int64_t)KAFKA_RETRY_MS * 1000;
}

int
kafka_open(struct kafka *k, struct chat *chat, struct kc_conf *conf,
    char *errstr, size_t len)
{
	int	err;

	memset(k, 0, sizeof *k);
	k->chat = chat;
	k->conf = conf;
	k->started = kc_now_us();
	k->done_pipe[0] = k->done_pipe[1] = -1;
	k->fetch_pipe[0] = k->fetch_pipe[1] = -1;
	snprintf(k->topic, sizeof k->topic, "%s", kc_conf_get(conf, "topic"));
	snprintf(k->brokers, sizeof k->brokers, "%s", kc_conf_brokers(conf));
	k->follows_file = kc_conf_get(conf, "brokers") == NULL ||
	    *kc_conf_get(conf, "brokers") == '\0';
	if ((err = kc_presence_topic(k->topic, k->ptopic, sizeof k->ptopic)) !=
	    KC_OK) {
		snprintf(errstr, len, "topic name too long");
		return err;
	}
	if ((err = kc_share_new(conf, &k->share)) != KC_OK) {
		snprintf(errstr, len, "%s", kc_strerror(err));
		return err;
	}
	if (pipe2(k->done_pipe, O_NONBLOCK | O_CLOEXEC) == -1 ||
	    pipe2(k->fetch_pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		snprintf(errstr, len, "pipe: %s", strerror(errno));
		return KC_ERR_IO;
	}
	if ((err = kc_producer_new(conf, k->topic, kafka_delivered, k, &k->prod,
	    errstr, len)) != KC_OK)
		return err;
	kafka_attempt(k);
	return KC_OK;
}

int
kafka_close(struct kafka *k, int flush_ms)
{
	struct timespec	deadline;

	kafka_fetch_cancel(k);		/* a replay stops while we flush */
	kafka_name_settle(k, flush_ms);	/* lines waiting for the name check */
	/* Heartbeats go with the state topics' records (kafka_state_close). */
	if (flush_ms > 0 && k->prod != NULL)
		kc_producer_flush(k->prod, flush_ms);
	kc_reader_free(k->reader);
	kc_reader_free(k->preader);
	kafka_state_close(k, flush_ms);
	kc_producer_free(k->prod);
	k->reader = k->preader = NULL;
	k->prod = NULL;
	if (k->attempting) {
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += KAFKA_JOIN_MS * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		if (pthread_timedjoin_np(k->thread, NULL, &deadline) != 0)
			return -1;	/* still waiting for a broker */
		k->attempting = 0;
		kc_reader_free(k->new_reader);
		kafka_state_forget(k);
		kc_reader_free(k->new_preader);
	}
	if (kafka_fetch_close(k) == -1)
		return -1;	/* a history fetch still waits for a broker */
	if (k->done_pipe[0] != -1) {
		close(k->done_pipe[0]);
		close(k->done_pipe[1]);
	}
	if (k->fetch_pipe[0] != -1) {
		close(k->fetch_pipe[0]);
		close(k->fetch_pipe[1]);
	}
	kc_buf_free(&k->topic_notes);
	kc_history_free(k->waiting, k->nwaiting);	/* the name was not ours */
	k->waiting = NULL;
	k->nwaiting = k->waiting_cap = 0;
	kc_history_free(k->inbox, k->ninbox);	/* read, not shown */
	k->inbox = NULL;
	k->ninbox = k->inbox_cap = 0;
	kc_share_free(k->share);	/* after every reader opened with it */
	k->share = NULL;
	kc_conf_free(k->conf);
	k->conf = NULL;
	return 0;
}

int
kafka_pending(struct kafka *k)
{
	return kc_producer_pending(k->prod);
}

void
kafka_pollfds(struct kafka *k, struct pollfd *pfd)
{
	pfd[0].fd = k->reader != NULL ? kc_reader_fd(k->reader) : -1;
	pfd[0].events = POLLIN;
	pfd[1].fd = k->preader != NULL ? kc_reader_fd(k->preader) : -1;
	pfd[1].events = POLLIN;
	pfd[2].fd = k->done_pipe[0];
	pfd[2].events = POLLIN;
	pfd[3].fd = k->fetch_pipe[0];
	pfd[3].events = POLLIN;
	kafka_state_pollfds(k, &pfd[4]);
}

/*
 * Drains the wake-up pipe, then up to KAFKA_BATCH records. Returns 1 when
 * it took a whole batch: more may be waiting, and the pipe says only that
 * more came, not that some are left.
 */
static int
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
		k->nread++;
		/* An offset says where a record is only in its room's partition. */
		if (m.partition != kc_room_partition(m.room,
		    kc_reader_partitions(r)))
			m.offset = -1;
		chat_receive(k->chat, &m, 1);
	}
	kc_msg_clear(&m);
	return i == KAFKA_BATCH;
}

int
kafka_read(struct kafka *k)
{
	int more;

	if (k->reader == NULL)
		return 0;
	more = kafka_drain(k, k->reader);
	more |= kafka_drain(k, k->preader);
	kafka_state_read(k);
	return more;
}

/*
 * Not connected, and the address file (which this kchat-tui found its
 * broker through) names another live broker: the bridge restarted with
 * its embedded broker elsewhere (its old port was taken). Follow it: the
 * producers start over there with every line not yet acknowledged (same
 * ids, so none shows twice), and the readers are opened there again from
 * a little before the connection was lost, so nothing said on the new
 * broker meanwhile is missed; the state topics' handles are opened there
 * again by the next attempt.
 */
static void
kafka_follow(struct kafka *k, int64_t now)
{
	char	addr[256];

	if (!k->follows_file || k->attempting ||
	    (k->reader != NULL && k->lost_since == 0) ||
	    kc_embedded_lookup(addr, sizeof addr) != KC_OK ||
	    strcmp(addr, k->brokers) == 0)
		return;
	chat_info(k->chat, "the embedded broker moved from %s to %s: "
	    "following it", k->brokers, addr);
	snprintf(k->brokers, sizeof k->brokers, "%s", addr);
	chat_set_brokers(k->chat, addr);
	kc_producer_reconnect(k->prod);
	if (k->reader != NULL) {
		k->resume_since = k->lost_since - (int64_t)KAFKA_RESUME_MARGIN_MS *
		    1000;
		kc_reader_free(k->reader);
		kc_reader_free(k->preader);
		k->reader = k->preader = NULL;
	}
	/* The rooms and read topics too: opened again there, from their start. */
	kafka_state_close(k, 0);
	k->next_attempt = now;
}

void
kafka_tick(struct kafka *k, int64_t now)
{
	kc_producer_poll(k->prod, 0);
	kafka_attempt_done(k, now);
	kafka_fetch_done(k);
	if (k->nwaiting > 0 && now - k->last_second >= 1000000)
		kafka_name_expire(k, now);
	if (now - k->last_second >= 1000000)
		kafka_follow(k, now);
	if (k->reader == NULL && !k->attempting && now >= k->next_attempt)
		kafka_attempt(k);
	/*
	 * The scan at the first connection read what the presence topic held
	 * then; another client's records on their way at that moment show
	 * in the live presence a moment later: look once more. Only one that
	 * was there before this kchat-tui started holds the name (one that
	 * came after is told by its own check).
	 */
	if (k->name_recheck != 0 && now >= k->name_recheck) {
		k->name_recheck = 0;
		if (kc_presence_holder(chat_presence(k->chat), chat_user(k->chat),
		    k->inst, now, &k->holder) && k->holder.since < k->started)
			kafka_name_held(k);
	}
	if (now - k->last_second < 1000000)
		return;
	k->last_second = now;
	if (k->reader == NULL)
		return;		/* not connected yet: nothing more to do */
	/* Serve callbacks (statistics: the connection state) while idle. */
	kafka_read(k);
	if (kc_reader_connected(k->reader)) {
		if (k->lost_since != 0)
			k->last_heartbeat = 0;	/* back: announce ourselves */
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
	/* Heartbeats queued while the broker is away would only pile up. */
	if (chat_conn(k->chat) == CHAT_CONNECTED && now - k->last_heartbeat >=
	    (int64_t)KC_PRESENCE_INTERVAL_MS * 1000) {
		k->last_heartbeat = now;
		chat_heartbeat(k->chat);
	}
	chat_expire(k->chat, now);
	roomstate_tick(k->chat);
}
