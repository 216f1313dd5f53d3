/*
 * kafka-fetch.c - history and replay in the background: each fetch runs in
 * a thread of its own, so a slow or silent broker never freezes the screen
 * (typing, scrolling, other rooms go on). The thread reads only its own
 * struct kafka_fetch and the configuration (k->conf, which nothing changes
 * while kchat-tui runs); it says it is done by writing its id to
 * k->fetch_pipe, and the main thread then joins it and hands the result to
 * the chat (chat_fetched(), or lastlog_found() for a search), on the main
 * thread. A search also says how far it got after each page it read
 * (lastlog_progress()).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafka.h"

#define KAFKA_HISTORY_MS	5000	/* a history fetch gives up after this */
#define KAFKA_REPLAY_MS		10000	/* a replay reads for at most this */
#define KAFKA_REPLAY_QUIET_MS	1000	/* ... or until quiet and caught up */
#define KAFKA_FETCH_JOIN_MS	200	/* at exit, wait this for fetches */

struct kafka_fetch {
	struct kafka_fetch	*next;
	pthread_t		 thread;
	unsigned		 id;		/* the chat's */
	int			 replay;	/* else history */
	int			 search;	/* /lastlog: q, scan */
	char			 q[KC_SEARCH_Q_MAX + 1];
	size_t			 scan;
	atomic_size_t		 scanned;	/* so far */
	int			 more;
	/* what to fetch: set before the thread starts, then only read */
	const struct kc_conf	*conf;
	char			 topic[256];
	char			 room[KC_NAME_MAX + 1];
	size_t			 n;
	char			 before[KC_ID_LEN + 1];
	int64_t			 since;
	int			 done_fd;
	atomic_int		 cancel;	/* kchat-tui quits */
	/* the result: written by the thread, read after pthread_join() */
	struct kc_msg		*msgs;
	size_t			 count, cap;
	int			 err;
	char			 errstr[256];
};

/*
 * Reads the whole topic from f->since (offsets-for-times) and keeps the
 * room's records, until caught up, KAFKA_REPLAY_MS or cancelled.
 */
/* A replay's scan: the room's records, collected in f (kc_drain_fn). */
static int
kafka_fetch_keep(void *arg, const struct kc_msg *m)
{
	struct kafka_fetch *f = arg;

	if (atomic_load(&f->cancel))
		return 1;
	if (m == NULL || strcmp(m->room, f->room) != 0 || m->ts < f->since ||
	    m->type == KC_TYPE_DM || m->type == KC_TYPE_HEARTBEAT)
		return 0;
	if (f->count == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->msgs = xreallocarray(f->msgs, f->cap, sizeof *f->msgs);
	}
	kc_msg_init(&f->msgs[f->count]);
	kc_msg_copy(&f->msgs[f->count++], m);
	return 0;
}

/*
 * Reads the whole topic from f->since (offsets-for-times) and keeps the
 * room's records, until caught up, KAFKA_REPLAY_MS or cancelled.
 */
static int
kafka_fetch_scan(struct kafka_fetch *f)
{
	struct kc_reader	*r;
	size_t			 i;
	int			 err;

	if ((err = kc_reader_new_since(f->conf, f->topic, f->since, &r,
	    f->errstr, sizeof f->errstr)) != KC_OK)
		return err;
	f->msgs = NULL;
	f->count = f->cap = 0;
	kc_reader_drain(r, kc_now_us() + (int64_t)KAFKA_REPLAY_MS * 1000,
	    KAFKA_REPLAY_QUIET_MS, kafka_fetch_keep, f);
	/* An offset says where a record is only in its room's partition. */
	for (i = 0; i < f->count; i++) {
		if (f->msgs[i].partition != kc_room_partition(f->msgs[i].room,
		    kc_reader_partitions(r)))
			f->msgs[i].offset = -1;
	}
	kc_reader_free(r);
	return KC_OK;
}

/* What goes through the pipe: a fetch ended, or a search got further. */
struct kafka_fetch_note {
	unsigned	id;
	unsigned	progress;
};

/* kc_search_fn: tells the main thread how far the search got. */
static int
kafka_fetch_progress(void *arg, size_t scanned)
{
	struct kafka_fetch	*f = arg;
	struct kafka_fetch_note	 n = { f->id, 1 };

	atomic_store(&f->scanned, scanned);
	(void)write(f->done_fd, &n, sizeof n);
	return atomic_load(&f->cancel);
}

static int
kafka_fetch_find(struct kafka_fetch *f)
{
	struct kc_search_query	q;
	size_t			scanned = 0;
	int			err;

	memset(&q, 0, sizeof q);
	q.room = f->room;
	q.q = f->q;
	q.scan = f->scan;
	q.max = KC_SEARCH_RESULTS_MAX;
	q.before = KC_OFFSET_END;
	q.before_id = f->before[0] != '\0' ? f->before : NULL;
	q.timeout_ms = KAFKA_HISTORY_MS;
	err = kc_search_query(f->conf, &q, kafka_fetch_progress, f, &f->msgs,
	    &f->count, &scanned, &f->more, f->errstr, sizeof f->errstr);
	atomic_store(&f->scanned, scanned);
	return err;
}

static void *
kafka_fetch_run(void *arg)
{
	struct kafka_fetch	*f = arg;
	struct kafka_fetch_note	 n = { f->id, 0 };

	f->errstr[0] = '\0';
	if (f->search)
		f->err = kafka_fetch_find(f);
	else if (f->replay)
		f->err = kafka_fetch_scan(f);
	else {
		f->err = kc_history_fetch(f->conf, f->room, f->n, f->before,
		    KAFKA_HISTORY_MS, &f->msgs, &f->count, f->errstr,
		    sizeof f->errstr);
		if (f->err == KC_ERR_TIMEOUT)
			snprintf(f->errstr, sizeof f->errstr, "no answer from "
			    "Kafka at %s within %d s", kc_conf_brokers(f->conf),
			    KAFKA_HISTORY_MS / 1000);
	}
	/* A write of this size is atomic; pthread_join() orders the rest. */
	(void)write(f->done_fd, &n, sizeof n);
	return NULL;
}

static void
kafka_fetch_free(struct kafka_fetch *f)
{
	kc_history_free(f->msgs, f->count);
	free(f);
}

/*
 * History and replay wait for the broker: while it is known to be away
 * they would only end in a timeout, so they are refused at once instead.
 */
static int
kafka_fetch_usable(struct kafka *k, char *errstr, size_t len)
{
	if (k->reader != NULL && chat_conn(k->chat) == CHAT_CONNECTED)
		return 1;
	snprintf(errstr, len, "not connected to Kafka at %s: try again once "
	    "the status line says connected", chat_brokers(k->chat));
	return 0;
}

static int
kafka_fetch_start(struct kafka *k, struct kafka_fetch *f, char *errstr,
    size_t len)
{
	int err;

	f->conf = k->conf;
	f->done_fd = k->fetch_pipe[1];
	snprintf(f->topic, sizeof f->topic, "%s", k->topic);
	atomic_init(&f->cancel, 0);
	atomic_init(&f->scanned, 0);
	if ((err = pthread_create(&f->thread, NULL, kafka_fetch_run, f)) != 0) {
		snprintf(errstr, len, "cannot start a thread: %s",
		    strerror(err));
		free(f);
		return KC_ERR_NOMEM;
	}
	f->next = k->fetches;
	k->fetches = f;
	return KC_OK;
}

/* A fetch of room with its id, or NULL (errstr says why) when Kafka is not
 * usable. */
static struct kafka_fetch *
kafka_fetch_make(struct kafka *k, unsigned id, const char *room,
    char *errstr, size_t len)
{
	struct kafka_fetch *f;

	if (!kafka_fetch_usable(k, errstr, len))
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->id = id;
	snprintf(f->room, sizeof f->room, "%s", room);
	return f;
}

int
kafka_fetch_history(void *arg, unsigned id, const char *room, size_t n,
    const char *before, char *errstr, size_t len)
{
	struct kafka		*k = arg;
	struct kafka_fetch	*f;

	if ((f = kafka_fetch_make(k, id, room, errstr, len)) == NULL)
		return KC_ERR_TIMEOUT;
	f->n = n;
	snprintf(f->before, sizeof f->before, "%s", before);
	return kafka_fetch_start(k, f, errstr, len);
}

int
kafka_fetch_replay(void *arg, unsigned id, const char *room,
    int64_t since_us, char *errstr, size_t len)
{
	struct kafka		*k = arg;
	struct kafka_fetch	*f;

	if ((f = kafka_fetch_make(k, id, room, errstr, len)) == NULL)
		return KC_ERR_TIMEOUT;
	f->replay = 1;
	f->since = since_us;
	return kafka_fetch_start(k, f, errstr, len);
}

int
kafka_fetch_search(void *arg, unsigned id, const char *room, const char *q,
    const char *before, size_t scan, char *errstr, size_t len)
{
	struct kafka		*k = arg;
	struct kafka_fetch	*f;

	if ((f = kafka_fetch_make(k, id, room, errstr, len)) == NULL)
		return KC_ERR_TIMEOUT;
	f->search = 1;
	snprintf(f->q, sizeof f->q, "%s", q);
	snprintf(f->before, sizeof f->before, "%s", before);
	f->scan = scan;
	return kafka_fetch_start(k, f, errstr, len);
}

void
kafka_fetch_done(struct kafka *k)
{
	struct kafka_fetch	**fp, *f;
	struct kafka_fetch_note	  n;

	while (read(k->fetch_pipe[0], &n, sizeof n) == sizeof n) {
		for (fp = &k->fetches; (f = *fp) != NULL; fp = &f->next) {
			if (f->id == n.id)
				break;
		}
		if (f == NULL)
			continue;
		if (n.progress) {
			lastlog_progress(k->chat, f->id,
			    atomic_load(&f->scanned));
			continue;
		}
		*fp = f->next;
		pthread_join(f->thread, NULL);
		if (f->search)
			lastlog_found(k->chat, f->id, f->err, f->errstr,
			    f->msgs, f->count, atomic_load(&f->scanned),
			    f->more);
		else
			chat_fetched(k->chat, f->id, f->err, f->errstr,
			    f->msgs, f->count);
		kafka_fetch_free(f);
	}
}

void
kafka_fetch_cancel(struct kafka *k)
{
	struct kafka_fetch *f;

	for (f = k->fetches; f != NULL; f = f->next)
		atomic_store(&f->cancel, 1);
}

int
kafka_fetch_close(struct kafka *k)
{
	struct kafka_fetch	**fp, *f;
	struct timespec		  deadline;

	kafka_fetch_cancel(k);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += KAFKA_FETCH_JOIN_MS * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (fp = &k->fetches; (f = *fp) != NULL;) {
		if (pthread_timedjoin_np(f->thread, NULL, &deadline) != 0) {
			fp = &f->next;	/* still waiting for a broker */
			continue;
		}
		*fp = f->next;
		kafka_fetch_free(f);
	}
	return k->fetches != NULL ? -1 : 0;
}
