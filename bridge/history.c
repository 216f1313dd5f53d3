/*
 * history.c - room history for joining clients, fetched from Kafka by
 * worker threads so that a slow fetch never stalls the service loop.
 *
 * The loop queues a request; a worker runs kc_history_query_on() (or, for
 * a user's stored direct messages, inbox_scan(); for a search,
 * kc_search_query_on()) and puts the result on the done list, then wakes
 * the loop with lws_cancel_service(); the loop
 * (LWS_CALLBACK_EVENT_WAIT_CANCELLED, history_protocol) hands
 * results to the done function for sessions that are still there, found
 * by id, so no result ever reaches a freed session. A closing session's
 * requests that no worker has started are dropped (history_forget), so
 * that connections coming and going cannot fill the queue for everyone
 * else. Workers never touch sockets.
 *
 * A page of a room the recent records kept in memory can give (cache.c:
 * the common join) needs no worker and no Kafka consumer: it is delivered
 * at once, so that it reaches the client before the room's next records
 * (one room has one page on its way at a time: history_busy()). A page a
 * worker read from Kafka below
 * a known offset is offered to cache.c, which keeps its older records when
 * they continue what it holds.
 *
 * Each worker keeps one history reader (one Kafka consumer, its
 * connections opened when the worker starts and kept open by a request
 * each minute it is idle) for all its requests, so a page from Kafka
 * costs no new connection, no new descriptor, and one bounded fetch queue
 * per worker however many clients join; a reader Kafka failed on is made
 * again at the next request.
 *
 * Bounds: HISTORY_QUEUE_MAX requests waiting in all, HISTORY_SESSION_MAX
 * requests of one session not yet delivered, and one per (session, room).
 * Fair: a worker takes the oldest job of the address with the fewest jobs
 * running (history_next()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"

#define HISTORY_QUEUE_MAX	1024
#define HISTORY_SESSION_MAX	BRIDGE_ROOMS_MAX
#define HISTORY_THREADS_MAX	8
#define HISTORY_KEEPALIVE_S	60	/* an idle worker's reader asks Kafka */

struct hjob {
	uint64_t		 sid;		/* the session's id */
	char			 addr[64];	/* its client's address */
	struct history_ask	 a;
	int			 err;
	char			 errstr[256];
	struct kc_msg		*msgs;
	size_t			 count;
	int			 more;
	int			 memory;	/* answered by cache.c */
	struct hjob		*next;
};

static pthread_mutex_t	 history_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 history_cond = PTHREAD_COND_INITIALIZER;
static struct hjob	*todo, **todo_tail = &todo;
static struct hjob	*done;
static struct hjob	*running[HISTORY_THREADS_MAX];
static size_t		 ntodo;
static int		 history_quit;
static pthread_t	 threads[HISTORY_THREADS_MAX];
static unsigned		 nthreads;
static history_done_fn	*done_fn;

static void
hjob_free(struct hjob *j)
{
	kc_history_free(j->msgs, j->count);
	free(j);
}

/* Running jobs of addr. Called with the lock held. */
static unsigned
history_running(const char *addr)
{
	unsigned i, n = 0;

	for (i = 0; i < nthreads; i++)
		n += running[i] != NULL && strcmp(running[i]->addr, addr) == 0;
	return n;
}

/*
 * Takes the next job off the queue, fairly: the oldest of those whose
 * address has the fewest jobs running, so that one address asking for
 * page after page from many connections delays another's join by one
 * fetch at most, not by the whole queue. Called with the lock held.
 */
static struct hjob *
history_next(void)
{
	struct hjob	**pp, **best = NULL, *j;
	unsigned	  n, least = ~0u;

	for (pp = &todo; *pp != NULL && least > 0; pp = &(*pp)->next) {
		if ((n = history_running((*pp)->addr)) < least) {
			least = n;
			best = pp;
		}
	}
	j = *best;
	if ((*best = j->next) == NULL)
		todo_tail = best;	/* it was the last */
	ntodo--;
	return j;
}

/*
 * Waits for a job, for HISTORY_KEEPALIVE_S at most; ETIMEDOUT when none
 * came. Called with the lock held.
 */
static int
history_idle(pthread_mutex_t *lock)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += HISTORY_KEEPALIVE_S;
	return pthread_cond_timedwait(&history_cond, lock, &ts);
}

/*
 * The worker's history reader, made if it has none (at its start, or
 * after one broke); NULL with j's error filled when it cannot be made.
 */
static struct kc_history_reader *
history_reader(struct kc_history_reader **hr, struct hjob *j)
{
	if (*hr == NULL)
		j->err = kc_history_reader_new(opts.conf,
		    opts.history_timeout_ms, hr, j->errstr, sizeof j->errstr);
	return *hr;
}

/*
 * Runs j on the worker's reader. A reader Kafka failed on is freed: the
 * next job makes another (a broken handle is not kept for ever).
 */
static void
history_run(struct kc_history_reader **hr, struct hjob *j)
{
	struct kc_history_query	q;
	struct kc_search_query	sq;

	q.room = j->a.room;
	q.n = j->a.n;
	q.before = j->a.before;
	q.since = j->a.since;
	q.before_id = j->a.before_id;
	q.timeout_ms = opts.history_timeout_ms;
	if (j->a.inbox) {
		j->err = inbox_scan(&j->a.dm, opts.history_timeout_ms,
		    &j->msgs, &j->count, &j->more, j->errstr,
		    sizeof j->errstr);
		return;
	}
	if (history_reader(hr, j) == NULL)
		return;
	if (j->a.search) {
		memset(&sq, 0, sizeof sq);
		sq.room = j->a.room;
		sq.q = j->a.q;
		sq.scan = BRIDGE_SEARCH_SCAN;
		sq.max = j->a.n;
		sq.before = KC_OFFSET_END;
		sq.timeout_ms = opts.history_timeout_ms;
		j->err = kc_search_query_on(*hr, &sq, NULL, NULL, &j->msgs,
		    &j->count, &j->a.scanned, &j->more, j->errstr,
		    sizeof j->errstr);
	} else
		j->err = kc_history_query_on(*hr, &q, &j->msgs, &j->count,
		    &j->more, j->errstr, sizeof j->errstr);
	if (j->err == KC_ERR_KAFKA) {
		log_warn("history reader: %s; making another for the next "
		    "request", *j->errstr ? j->errstr : kc_strerror(j->err));
		kc_history_reader_free(*hr);
		*hr = NULL;
	}
}

static void *
history_worker(void *arg)
{
	unsigned			 me = (unsigned)(uintptr_t)arg;
	struct hjob			*j;
	struct kc_history_reader	*hr = NULL;
	char				 errstr[256];

	/*
	 * One reader for all this worker's requests, connected before the
	 * first: a request then needs no new descriptor (none may be left
	 * when clients flood the bridge, fdlimit.c). Not connected yet (the
	 * topic being made): its first request connects.
	 */
	errstr[0] = '\0';
	if (kc_history_reader_new(opts.conf, opts.history_timeout_ms, &hr,
	    errstr, sizeof errstr) != KC_OK)
		log_warn("history worker %u: %s; trying again at its first "
		    "request", me, errstr);
	else if (kc_history_reader_connect(hr, opts.history_timeout_ms,
	    errstr, sizeof errstr) != KC_OK)
		log_debug("history worker %u: not connected yet: %s", me,
		    errstr);

	pthread_mutex_lock(&history_lock);
	for (;;) {
		while (todo == NULL && !history_quit) {
			if (history_idle(&history_lock) != ETIMEDOUT ||
			    hr == NULL)
				continue;
			/* Idle a while: keep its connections (brokers close
			 * idle ones, 10 minutes by default). */
			pthread_mutex_unlock(&history_lock);
			kc_history_reader_connect(hr, opts.history_timeout_ms,
			    NULL, 0);
			pthread_mutex_lock(&history_lock);
		}
		if (history_quit)
			break;
		j = history_next();
		running[me] = j;
		pthread_mutex_unlock(&history_lock);

		history_run(&hr, j);

		pthread_mutex_lock(&history_lock);
		running[me] = NULL;
		j->next = done;
		done = j;
		lws_cancel_service(loop_context());
	}
	pthread_mutex_unlock(&history_lock);
	kc_history_reader_free(hr);
	return NULL;
}

int
history_start(unsigned n, history_done_fn *fn)
{
	unsigned i;

	done_fn = fn;
	if (n > HISTORY_THREADS_MAX)
		n = HISTORY_THREADS_MAX;
	for (i = 0; i < n; i++) {
		if (pthread_create(&threads[i], NULL, history_worker,
		    (void *)(uintptr_t)i) != 0)
			break;
	}
	nthreads = i;
	return nthreads > 0 ? KC_OK : KC_ERR_NOMEM;
}

void
history_stop(void)
{
	struct hjob	*j, *next;
	unsigned	 i;

	pthread_mutex_lock(&history_lock);
	history_quit = 1;
	pthread_cond_broadcast(&history_cond);
	pthread_mutex_unlock(&history_lock);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	nthreads = 0;
	for (j = todo; j != NULL; j = next) {
		next = j->next;
		hjob_free(j);
	}
	for (j = done; j != NULL; j = next) {
		next = j->next;
		hjob_free(j);
	}
	todo = done = NULL;
	todo_tail = &todo;
	ntodo = 0;
}

/* Whether j is a page of room's history (a search is not). */
static int
history_for(const struct hjob *j, const char *room)
{
	return !j->a.search && strcmp(j->a.room, room) == 0;
}

/*
 * Requests of s not yet delivered (room: only the pages of room). Called
 * with the lock held.
 */
static size_t
history_count(uint64_t sid, const char *room)
{
	const struct hjob	*j;
	size_t			 n = 0;
	unsigned		 i;

	for (j = todo; j != NULL; j = j->next)
		n += j->sid == sid && (room == NULL || history_for(j, room));
	for (j = done; j != NULL; j = j->next)
		n += j->sid == sid && (room == NULL || history_for(j, room));
	for (i = 0; i < nthreads; i++) {
		j = running[i];
		n += j != NULL && j->sid == sid &&
		    (room == NULL || history_for(j, room));
	}
	return n;
}

int
history_busy(const struct session *s, const char *room)
{
	size_t n;

	pthread_mutex_lock(&history_lock);
	n = history_count(s->id, room);
	pthread_mutex_unlock(&history_lock);
	return n > 0;
}

int
history_searching(const struct session *s)
{
	const struct hjob	*j;
	size_t			 n = 0;
	unsigned		 i;

	pthread_mutex_lock(&history_lock);
	for (j = todo; j != NULL; j = j->next)
		n += j->sid == s->id && j->a.search;
	for (j = done; j != NULL; j = j->next)
		n += j->sid == s->id && j->a.search;
	for (i = 0; i < nthreads; i++) {
		j = running[i];
		n += j != NULL && j->sid == s->id && j->a.search;
	}
	pthread_mutex_unlock(&history_lock);
	return n > 0;
}

size_t
history_queued(void)
{
	size_t n;

	pthread_mutex_lock(&history_lock);
	n = ntodo;
	pthread_mutex_unlock(&history_lock);
	return n;
}

int
history_request(const struct session *s, const struct history_ask *a)
{
	struct hjob	*j;
	struct session	*ss;

	if (a->n == 0)
		return KC_OK;
	if ((j = calloc(1, sizeof *j)) == NULL)
		return KC_ERR_NOMEM;
	j->sid = s->id;
	j->a = *a;
	snprintf(j->addr, sizeof j->addr, "%s", s->addr);
	if (!a->search && !a->inbox)
		j->memory = cache_page(a, &j->msgs, &j->count, &j->more);
	pthread_mutex_lock(&history_lock);
	if (history_count(s->id, NULL) >= HISTORY_SESSION_MAX ||
	    (!j->memory && (ntodo >= HISTORY_QUEUE_MAX || nthreads == 0))) {
		pthread_mutex_unlock(&history_lock);
		hjob_free(j);
		return KC_ERR_QUEUE_FULL;
	}
	if (j->memory) {
		/*
		 * Read from memory: delivered now, before any record the
		 * chat reader delivers after the join (the page ends where
		 * they start). Left for a later pass of the loop, the room's
		 * next records could reach the client before its history.
		 */
		pthread_mutex_unlock(&history_lock);
		metrics.history_from_memory++;
		if ((ss = session_find(j->sid)) != NULL && done_fn != NULL)
			done_fn(ss, &j->a, j->err, j->errstr, j->msgs, j->count,
			    j->more);
		hjob_free(j);
		return KC_OK;
	}
	if (!a->search && !a->inbox)
		metrics.history_from_kafka++;
	*todo_tail = j;
	todo_tail = &j->next;
	ntodo++;
	pthread_cond_signal(&history_cond);
	pthread_mutex_unlock(&history_lock);
	return KC_OK;
}

void
history_forget(struct session *s)
{
	struct hjob	*j, **pp, *dropped = NULL;

	pthread_mutex_lock(&history_lock);
	/* Not started: drop them. Started or finished: found by id, never. */
	for (pp = &todo; (j = *pp) != NULL;) {
		if (j->sid != s->id) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		ntodo--;
		j->next = dropped;
		dropped = j;
	}
	for (todo_tail = &todo; *todo_tail != NULL;
	    todo_tail = &(*todo_tail)->next)
		;
	pthread_mutex_unlock(&history_lock);
	for (j = dropped; j != NULL; j = dropped) {
		dropped = j->next;
		hjob_free(j);
	}
}

static void
history_deliver(void)
{
	struct hjob	*list, *j, *next, *rev = NULL;
	struct session	*s;

	pthread_mutex_lock(&history_lock);
	list = done;
	done = NULL;
	pthread_mutex_unlock(&history_lock);
	/* done is newest first: deliver in the order the workers finished. */
	for (j = list; j != NULL; j = next) {
		next = j->next;
		j->next = rev;
		rev = j;
	}
	for (j = rev; j != NULL; j = next) {
		next = j->next;
		/* What Kafka said may extend the room's recent records. */
		if (!j->memory && !j->a.search && !j->a.inbox && j->err == KC_OK)
			cache_merge(&j->a, j->msgs, j->count, j->more);
		/* Sessions close only on this thread: s stays valid. */
		if ((s = session_find(j->sid)) != NULL && done_fn != NULL)
			done_fn(s, &j->a, j->err, j->errstr, j->msgs, j->count,
			    j->more);
		hjob_free(j);
	}
}

static int
history_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* A WebSocket naming "kchat-history": not for browsers. */
		return filter_refuse_upgrade(wsi);
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* A worker finished (or a signal came): deliver what is done. */
		history_deliver();
		break;
	default:
		break;
	}
	return 0;
}

const struct lws_protocols history_protocol = {
	.name = "kchat-history",
	.callback = history_callback,
};
