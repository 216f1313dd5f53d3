/*
 * session.c - one WebSocket connection at /ws/{client_id}: its bounded
 * send queue, its limits on what it sends, and its close. What a
 * connection asks for is request.c's; what it is in is member.c's. Those
 * layers learn of a connection through the hooks given to session_init():
 * opened, each whole message, and closed (every closer, in turn, before
 * the session's memory goes back to lws).
 *
 * Limits: a message over --max-message (all fragments counted) closes with
 * 1009; frames over the connection's bucket (--rate, --burst) or its
 * address's (addr.c) get "rate_limited", and more than a burst of those
 * closes with 1008; a send queue over --send-queue frames or
 * --send-queue-bytes bytes (a slow client) closes with 1008. 1001 at
 * shutdown, after what is queued.
 *
 * Back-pressure: while a connection that keeps reading has its queue over
 * half full, session_backpressure() says so and the chat reader waits. One
 * that wrote nothing for STALL_US is not waited for.
 *
 * Keepalive: a connection from which nothing came (no frame, no pong) for
 * half of --idle-timeout is pinged, and closed once the whole of it passed
 * with no answer; keepalive.c keeps the order, at O(1) per connection.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define BATCH_BYTES		(64 * 1024)	/* one write at most */
#define WRITE_ROUNDS		4	/* writes per WRITEABLE callback at most */
#define STALL_US		(3 * 1000000LL)	/* nothing written: not waited for */
#define STALL_CHECK_US		(100 * 1000)
#define ID_BUCKETS		4096
#define TRIM_CLOSES		1024	/* closes between giving memory back */
#define TRIM_EVERY_US		(1000 * 1000)
#define FLUSH_KEEP		4096	/* flush list slots kept between passes */
#define RECHECK_US		(5 * 1000000LL)	/* sessions' tokens checked again */
#define ALIVE_CHECK_US		(250 * 1000)	/* who is due a ping, or gone */
/*
 * Closed for silence per check at most: each close is an lws timer, which
 * lws 4.1.6 inserts by walking those before it, so thousands gone at once
 * (a network lost) go over several checks, not in one quadratic pass.
 */
#define ALIVE_EXPIRE_MAX	512
/*
 * Connections closing at once at shutdown, at most: each close sets lws
 * timers, which lws 4.1.6 inserts by walking every timer set before (a
 * close's own, the send of its close frame, the wait for its answer), so
 * closing all at once was quadratic (15,000: 5 s, and none had closed by
 * the deadline). In batches the walks stay short.
 */
#define CLOSE_BATCH		256

static struct session_hooks	 hooks;
static struct session		*sessions;
static struct session		*by_id[ID_BUCKETS];
static uint64_t			 next_id = 1;
static int			 nsessions;
static size_t			 queued_bytes;	/* q.bytes of every session */
static unsigned			 nhigh;		/* reading sessions over half full */
static int64_t			 stall_checked;
static unsigned			 closes;	/* since memory was last trimmed */
static int64_t			 trimmed_at;
static lws_sorted_usec_list_t	 recheck_sul;
static lws_sorted_usec_list_t	 alive_sul;
static uint64_t			*flush_ids;	/* sessions to write at the pass's end */
static unsigned			 nclosing;	/* established ones closing */
static int			 closing_all;	/* shutdown: close them all */
static size_t			 nflush, cflush;

static int	session_write(struct session *, int);
static void	session_close_more(void);

void
session_init(const struct session_hooks *h)
{
	hooks = *h;
}

int
session_count(void)
{
	return nsessions;
}

size_t
session_queued_bytes(void)
{
	return queued_bytes;
}

void
session_queued(const struct session *s, size_t *frames, size_t *bytes)
{
	*frames = s->q.len;
	*bytes = s->q.bytes;
}

struct session *
session_find(uint64_t id)
{
	struct session *s;

	for (s = by_id[id % ID_BUCKETS]; s != NULL; s = s->hnext) {
		if (s->id == id)
			return s;
	}
	return NULL;
}

/* Counts s in nhigh while it is over half full and not stalled. */
static void
session_mark(struct session *s)
{
	int high = !s->stalled && !s->closing &&
	    queue_over_half(&s->q, opts.send_queue_bytes);

	if (high && !s->high)
		nhigh++;
	else if (!high && s->high)
		nhigh--;
	s->high = high;
}

int
session_backpressure(void)
{
	struct session	*s;
	int64_t		 now;

	if (nhigh == 0)
		return 0;
	/* Those that stopped reading are not waited for. */
	if ((now = kc_now_us()) - stall_checked >= STALL_CHECK_US) {
		stall_checked = now;
		for (s = sessions; s != NULL; s = s->next) {
			if (s->high && now - s->progress_at >= STALL_US) {
				log_info("%s (%s) reads nothing: not waiting "
				    "for it", s->addr, s->client_id);
				s->stalled = 1;
				session_mark(s);
			}
		}
	}
	return nhigh > 0;
}

/* Takes the oldest frame off s's queue (the caller owns its reference). */
static struct frame *
session_dequeue(struct session *s)
{
	struct frame *f = queue_pop(&s->q);

	queued_bytes -= f->len;
	return f;
}

void
session_foreach(void (*fn)(struct session *, void *), void *arg)
{
	struct session *s, *next;

	for (s = sessions; s != NULL; s = next) {
		next = s->next;
		fn(s, arg);
	}
}

/* Starts closing s with status and reason; drain: send the queue first. */
static void	session_close(struct session *, int, const char *, int);

void
session_end(struct session *s, const char *reason)
{
	session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, reason, 1);
}

static void
session_close(struct session *s, int status, const char *reason, int drain)
{
	if (s->closing)
		return;
	nclosing++;
	s->closing = status;
	s->drain = drain;
	snprintf(s->close_reason, sizeof s->close_reason, "%s", reason);
	if (!drain) {
		while (s->q.len > 0)
			frame_unref(session_dequeue(s));
	}
	session_mark(s);
	lws_callback_on_writable(s->wsi);
	/* A client that does not read may never become writable. */
	lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, 5);
}

/*
 * Frames queued to a connection with nothing waiting go out at the end of
 * the loop's pass that queued them (main.c hands this to loop.c), written
 * then rather than after the loop reports the socket writable: a socket
 * with nothing waiting almost always is, and asking costs a pass of the
 * loop per message. What the socket does not take waits for
 * SERVER_WRITEABLE as before. Sessions are listed by id: one that closes
 * meanwhile is not found. Not an lws timer: on libev, lws serves those
 * from an idle watcher that a storm of connections starves.
 */
void
session_flush(void)
{
	struct session	*s;
	size_t		 i;
	int		 frames;

	for (i = 0; i < nflush; i++) {
		if ((s = session_find(flush_ids[i])) == NULL || !s->flush)
			continue;
		s->flush = 0;
		if (s->q.len == 0)
			continue;
		if (s->closing || lws_partial_buffered(s->wsi)) {
			lws_callback_on_writable(s->wsi);
			continue;
		}
		if ((frames = session_write(s, 1)) < 0) {
			/* The socket is gone: lws closes it. */
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK,
			    LWS_TO_KILL_ASYNC);
			continue;
		}
		if (frames > 0)
			session_mark(s);
		if (s->q.len > 0)
			lws_callback_on_writable(s->wsi);
	}
	nflush = 0;
	if (cflush > FLUSH_KEEP) {
		free(flush_ids);	/* a burst of connections passed */
		flush_ids = NULL;
		cflush = 0;
	}
	if (closing_all)
		session_close_more();
}

static void
session_flush_later(struct session *s)
{
	uint64_t	*ids;
	size_t		 n;

	if (s->flush)
		return;
	if (nflush == cflush) {
		n = cflush ? cflush * 2 : 64;
		if ((ids = realloc(flush_ids, n * sizeof *ids)) == NULL) {
			lws_callback_on_writable(s->wsi);
			return;
		}
		flush_ids = ids;
		cflush = n;
	}
	flush_ids[nflush++] = s->id;
	s->flush = 1;
}

void
session_send(struct session *s, struct frame *f)
{
	if (f == NULL || s->closing || !s->established)
		return;
	if (!queue_fits(&s->q, f->len, opts.send_queue_bytes)) {
		metrics.drop_slow++;
		if (s->q.len == s->q.cap)
			log_warn("closing slow client %s (%s): send queue full "
			    "(%u frames)", s->addr, s->client_id,
			    opts.send_queue);
		else
			log_warn("closing slow client %s (%s): send queue full "
			    "(%zu bytes in %u frames, %zu more)", s->addr,
			    s->client_id, s->q.bytes, s->q.len, f->len);
		session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION,
		    "send queue full: client too slow", 0);
		return;
	}
	if (queue_push(&s->q, f) != KC_OK) {
		session_close(s, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    "out of memory", 0);
		return;
	}
	queued_bytes += f->len;
	if (s->q.len == 1) {
		s->progress_at = kc_now_us();
		session_flush_later(s);
	}
	session_mark(s);
}

void
session_send_ext(struct session *s, struct frame *f)
{
	if (s->ext)
		session_send(s, f);
}

void
session_send_buf(struct session *s, const struct kc_buf *b, int ext)
{
	struct frame *f;

	if ((f = frame_of(b)) != NULL) {
		if (ext)
			session_send_ext(s, f);
		else
			session_send(s, f);
		frame_unref(f);
	}
}

void
session_error(struct session *s, int err, const char *msg, const char *ref)
{
	struct kc_buf b = { 0 };

	metrics.errors_sent++;
	if (kc_wire_error(err, msg, ref, NULL, &b) == KC_OK)
		session_send_buf(s, &b, 0);
	kc_buf_free(&b);
}

void
session_extend(struct session *s)
{
	const char		*names[BRIDGE_ROOMS_MAX];
	struct kc_wire_hello	 h;
	struct kc_buf		 b = { 0 };
	unsigned		 i;

	if (s->ext)
		return;
	s->ext = 1;
	for (i = 0; i < s->nmembers; i++)
		names[i] = s->members[i].room;
	memset(&h, 0, sizeof h);
	h.client_id = s->client_id;
	h.username = s->user[0] != '\0' ? s->user : s->account;
	h.room = s->room;
	h.rooms = names;
	h.nrooms = s->nmembers;
	h.server = "kchat-bridge/" KC_VERSION_STRING;
	h.history = opts.history;
	h.max_message = opts.max_message;
	h.rate = opts.rate;
	h.burst = opts.burst;
	h.presence_timeout_ms = KC_PRESENCE_TIMEOUT_MS;
	if (kc_wire_hello(&h, &b) == KC_OK)
		session_send_buf(s, &b, 1);
	kc_buf_free(&b);
}

/*
 * Accounts on: every RECHECK_US, each connection's token again. One that
 * expired, or whose account was deleted or its password changed since,
 * ends its connection (1008): a deleted user reads no more.
 */
static void
session_recheck(lws_sorted_usec_list_t *sul)
{
	struct session	*s;
	char		 user[KC_NAME_MAX + 1];

	for (s = sessions; s != NULL; s = s->next) {
		if (s->account[0] == '\0' || s->closing)
			continue;
		if (token_check(s->token, user) != 0 ||
		    strcmp(user, s->account) != 0) {
			log_info("closing %s (%s) of %s: session ended", s->addr,
			    s->client_id, s->account);
			session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    "session ended: log in again", 0);
		}
	}
	if (sessions != NULL)
		lws_sul_schedule(loop_context(), 0, &recheck_sul,
		    session_recheck, RECHECK_US);
}

static void
session_ping(struct keepalive *k)
{
	struct session *s = lws_container_of(k, struct session, alive);

	if (s->closing)
		return;
	s->ping = 1;
	lws_callback_on_writable(s->wsi);
}

/*
 * No answer to a ping: closed at once, as a peer that is gone would be.
 * One already closing keeps its own close (its status, its 5 s).
 */
static void
session_expire(struct keepalive *k)
{
	struct session *s = lws_container_of(k, struct session, alive);

	if (s->closing)
		return;
	metrics.drop_idle++;
	log_info("closing %s (%s): no answer to a ping in %d s", s->addr,
	    s->client_id, opts.idle_timeout - opts.idle_timeout / 2);
	lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

static void
session_alive_check(lws_sorted_usec_list_t *sul)
{
	keepalive_check(lws_now_usecs(), (int64_t)(opts.idle_timeout / 2) *
	    1000000, (int64_t)opts.idle_timeout * 1000000, ALIVE_EXPIRE_MAX,
	    session_ping, session_expire);
	if (sessions != NULL)
		lws_sul_schedule(loop_context(), 0, &alive_sul,
		    session_alive_check, ALIVE_CHECK_US);
}

static int
session_established(struct lws *wsi, struct session *s)
{
	char		 uri[256], arg[16], token[BRIDGE_CLIENT_ID_MAX + 8];
	const char	*v;
	uint32_t	 b;

	memset(s, 0, sizeof *s);
	s->wsi = wsi;
	if (queue_init(&s->q, opts.send_queue) != KC_OK)
		return -1;
	if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) > 4) {
		/* "/ws/{client_id}", cut to the field's size */
		size_t n = strnlen(uri + 4, sizeof s->client_id - 1);

		memcpy(s->client_id, uri + 4, n);
		s->client_id[n] = '\0';
	}
	lws_get_peer_simple(wsi, s->addr, sizeof s->addr);
	/*
	 * Its instance: the browser's token (?token=, the same in every tab
	 * of it), else the connection's own id.
	 */
	if ((v = lws_get_urlarg_by_name(wsi, "token=", token,
	    sizeof token)) != NULL && strlen(v) >= 16 && handshake_client_id_ok(v))
		inst_make(v, s->inst);
	else
		inst_make(s->client_id, s->inst);
	/* handshake_check() let it in with a valid session: whose. */
	if (account_enabled() &&
	    ((s->token = malloc(TOKEN_MAX)) == NULL ||
	    token_cookie(wsi, s->token, TOKEN_MAX) != 0 ||
	    token_check(s->token, s->account) != 0)) {
		free(s->token);
		s->token = NULL;
		queue_free(&s->q);
		return -1;
	}
	/* not when scheduled: each new connection would put it off */
	if (account_enabled() && lws_dll2_is_detached(&recheck_sul.list))
		lws_sul_schedule(loop_context(), 0, &recheck_sul,
		    session_recheck, RECHECK_US);
	keepalive_seen(&s->alive, lws_now_usecs());
	if (lws_dll2_is_detached(&alive_sul.list))
		lws_sul_schedule(loop_context(), 0, &alive_sul,
		    session_alive_check, ALIVE_CHECK_US);
	bucket_fill(&s->bucket, opts.burst, kc_now_us());
	s->id = next_id++;
	s->established = 1;
	if ((s->next = sessions) != NULL)
		sessions->prev = s;
	sessions = s;
	b = (uint32_t)(s->id % ID_BUCKETS);
	s->hnext = by_id[b];
	by_id[b] = s;
	nsessions++;
	addr_opened(s->addr);
	metrics.connections_total++;
	log_debug("connection %s from %s", s->client_id, s->addr);
	/* lws returns where the value starts in arg, past "ext=" */
	if ((v = lws_get_urlarg_by_name(wsi, "ext=", arg, sizeof arg)) != NULL &&
	    strcmp(v, "0") != 0)
		session_extend(s);
	if (hooks.opened != NULL)
		hooks.opened(s);
	return 0;
}

static void
session_closed(struct session *s)
{
	struct session	**pp;
	size_t		  i;

	if (!s->established)
		return;
	for (i = 0; i < sizeof hooks.closed / sizeof hooks.closed[0]; i++) {
		if (hooks.closed[i] != NULL)
			hooks.closed[i](s);
	}
	keepalive_stop(&s->alive);
	if (s->closing)
		nclosing--;
	while (s->q.len > 0)
		frame_unref(session_dequeue(s));
	if (s->high)
		nhigh--;
	s->high = 0;
	queue_free(&s->q);
	kc_buf_free(&s->rx);
	free(s->token);
	free(s->dm_have);
	free(s->away);
	s->token = s->dm_have = s->away = NULL;
	addr_closed(s->addr);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	for (pp = &by_id[s->id % ID_BUCKETS]; *pp != NULL; pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	}
	nsessions--;
	s->established = 0;
	log_debug("closed %s from %s", s->client_id, s->addr);
	/*
	 * Give freed memory back to the system once many connections went,
	 * or all of them: glibc keeps what sits below a live allocation.
	 */
	if (nsessions == 0 || (++closes >= TRIM_CLOSES &&
	    kc_now_us() - trimmed_at >= TRIM_EVERY_US)) {
		malloc_trim(0);
		closes = 0;
		trimmed_at = kc_now_us();
	}
}

/*
 * Writes queued frames, many in one write: the headers are made here (a
 * server's frames are unmasked and the bridge offers no extensions, so a
 * frame is its header and its payload) and a run of frames goes out with
 * one lws_write(LWS_WRITE_RAW), one send() where there were one per frame
 * (which was most of the bridge's CPU in a busy room). A frame larger than
 * the batch goes alone through lws's own framing. lws keeps what the socket
 * did not take and says so through lws_send_pipe_choked().
 */
static unsigned char	batch[LWS_PRE + BATCH_BYTES];

/* Writes up to rounds batches of s's queue: frames written, or -1. */
static int
session_write(struct session *s, int rounds)
{
	struct frame	*f;
	size_t		 n, hl;
	int		 i, k, frames = 0;

	for (i = 0; i < rounds && s->q.len > 0 && (!s->closing || s->drain);
	    i++) {
		if (i > 0 && lws_send_pipe_choked(s->wsi))
			break;
		s->progress_at = kc_now_us();
		s->stalled = 0;
		f = queue_peek(&s->q);
		if (FRAME_HEADER_MAX + f->len > BATCH_BYTES) {
			f = session_dequeue(s);
			k = lws_write(s->wsi, frame_payload(f), f->len,
			    LWS_WRITE_TEXT);
			metrics.frames_out++;
			metrics.bytes_out += f->len;
			frame_unref(f);
			frames++;
			if (k < 0)
				return -1;
			continue;
		}
		for (n = 0; (f = queue_peek(&s->q)) != NULL &&
		    n + FRAME_HEADER_MAX + f->len <= BATCH_BYTES;) {
			f = session_dequeue(s);
			hl = frame_header(f->len, batch + LWS_PRE + n);
			memcpy(batch + LWS_PRE + n + hl, frame_payload(f), f->len);
			n += hl + f->len;
			metrics.frames_out++;
			metrics.bytes_out += f->len;
			frame_unref(f);
			frames++;
		}
		if (lws_write(s->wsi, batch + LWS_PRE, n, LWS_WRITE_RAW) < 0)
			return -1;
	}
	return frames;
}

static int
session_writeable(struct session *s)
{
	unsigned char	ping[LWS_PRE + 8];
	int64_t		now;
	int		frames;

	/*
	 * A ping goes alone: one write per callback, then the queue's turn.
	 * Not empty: lws 4.1.6 passes on no empty pong (RECEIVE_PONG).
	 */
	if (s->ping && !s->closing) {
		s->ping = 0;
		now = lws_now_usecs();
		memcpy(ping + LWS_PRE, &now, sizeof now);
		if (lws_write(s->wsi, ping + LWS_PRE, sizeof now,
		    LWS_WRITE_PING) < 0)
			return -1;
		if (s->q.len > 0)
			lws_callback_on_writable(s->wsi);
		return 0;
	}

	if ((frames = session_write(s, WRITE_ROUNDS)) < 0)
		return -1;
	if (frames > 0) {
		session_mark(s);
		if (s->q.len > 0 || s->closing)
			lws_callback_on_writable(s->wsi);
		return 0;
	}
	if (s->closing) {
		lws_close_reason(s->wsi, (enum lws_close_status)s->closing,
		    (unsigned char *)s->close_reason, strlen(s->close_reason));
		return -1;
	}
	return 0;
}

/* A whole message arrived: limits, then the layer above. */
static void
session_message(struct session *s, const char *buf, size_t len)
{
	int64_t now = kc_now_us();

	/* Its own bucket, and its address's over all its connections. */
	if (bucket_refill(&s->bucket, opts.rate, opts.burst, now))
		s->strikes = 0;
	if (!bucket_take(&s->bucket) || !addr_frame_ok(s->addr)) {
		metrics.rate_limited++;
		if (++s->strikes > (unsigned)opts.burst) {
			metrics.drop_rate++;
			log_warn_every(LOG_EVERY_US, "closing %s (%s): rate "
			    "limit abuse", s->addr, s->client_id);
			session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    "rate limit exceeded", 0);
			return;
		}
		session_error(s, KC_ERR_RATE_LIMITED, NULL, NULL);
		return;
	}
	if (s->rx_binary) {
		session_error(s, KC_ERR_BINARY, NULL, NULL);
		return;
	}
	metrics.frames_in++;
	if (hooks.message != NULL)
		hooks.message(s, buf, len);
}

static int
session_receive(struct session *s, const char *in, size_t len)
{
	struct lws *wsi = s->wsi;

	if (!s->established)
		return 0;
	keepalive_seen(&s->alive, lws_now_usecs());
	if (s->closing || loop_stopping())
		return 0;
	if (lws_is_first_fragment(wsi)) {
		kc_buf_reset(&s->rx);
		s->rx_total = 0;
		s->rx_binary = lws_frame_is_binary(wsi);
	}
	s->rx_total += len;
	if (s->rx_total > opts.max_message) {
		metrics.drop_oversize++;
		log_info("closing %s (%s): message over %zu bytes", s->addr,
		    s->client_id, opts.max_message);
		kc_buf_free(&s->rx);
		lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
		    (unsigned char *)"message too large", 17);
		return -1;
	}
	if (lws_is_first_fragment(wsi) && lws_is_final_fragment(wsi)) {
		session_message(s, in, len);	/* the common case: no copy */
		return 0;
	}
	if (kc_buf_append(&s->rx, in, len) != KC_OK)
		return -1;
	if (!lws_is_final_fragment(wsi))
		return 0;
	session_message(s, s->rx.data, s->rx.len);
	if (s->rx.cap > 4096)
		kc_buf_free(&s->rx);	/* keep idle connections small */
	else
		kc_buf_reset(&s->rx);
	return 0;
}

/*
 * RFC 6455 7.4: a close code a peer may send. 1005, 1006 and 1015 are never
 * sent, nor anything under 1000 or from 5000 on (lws 4.1.6 echoes any).
 */
static int
session_close_code_ok(unsigned code)
{
	if (code >= 3000 && code <= 4999)
		return 1;
	return code >= 1000 && code <= 1011 && code != 1004 && code != 1005 &&
	    code != 1006;
}

/*
 * The peer closes: lws echoes its close payload. An invalid code (or a
 * one-byte payload) is answered with 1002 (protocol error) instead.
 */
static void
session_peer_close(unsigned char *in, size_t len)
{
	if (len == 0)
		return;
	if (len == 1 || !session_close_code_ok((unsigned)in[0] << 8 | in[1])) {
		if (len >= 2) {
			in[0] = LWS_CLOSE_STATUS_PROTOCOL_ERR >> 8;
			in[1] = LWS_CLOSE_STATUS_PROTOCOL_ERR & 0xff;
		}
	}
}

static int
session_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct session *s = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return handshake_check(wsi);
	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		/* The vhost's default protocol sees every HTTP request. */
		return filter_http(wsi);
	case LWS_CALLBACK_ESTABLISHED:
		return session_established(wsi, s);
	case LWS_CALLBACK_CLOSED:
		session_closed(s);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return session_writeable(s);
	case LWS_CALLBACK_RECEIVE:
		return session_receive(s, in, len);
	case LWS_CALLBACK_RECEIVE_PONG:
		if (s->established)
			keepalive_seen(&s->alive, lws_now_usecs());
		break;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		session_peer_close(in, len);
		break;
	default:
		break;
	}
	return 0;
}

const struct lws_protocols session_protocol = {
	.name = "kchat",
	.callback = session_callback,
	.per_session_data_size = sizeof(struct session),
	/* per connection: larger frames come in several callbacks (kept small:
	 * the bridge holds many idle connections) */
	.rx_buffer_size = 256,
	/* lws sends at most this much per write (else rx_buffer_size): a
	 * whole batch of frames goes out at once */
	.tx_packet_size = BATCH_BYTES,
};

/* Shutdown: more connections start closing, CLOSE_BATCH at a time. */
static void
session_close_more(void)
{
	struct session *s, *next;

	for (s = sessions; s != NULL && nclosing < CLOSE_BATCH; s = next) {
		next = s->next;
		if (!s->closing)
			session_close(s, LWS_CLOSE_STATUS_GOINGAWAY,
			    "server shutting down", 1);
	}
}

void
session_close_all(void)
{
	lws_sul_cancel(&recheck_sul);
	lws_sul_cancel(&alive_sul);
	closing_all = 1;
	session_close_more();
}
