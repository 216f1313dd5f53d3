/*
 * bridge.h - kchat-bridge's internal interfaces, one section per file, in
 * layers: a file calls only files of the sections above its own (main.c
 * last), never one below, so that no two files call each other. What a
 * lower layer must tell a higher one goes through hooks the higher one
 * registers (main.c wires them): session_hooks, kafka_hooks, history's
 * done function and the close notifiers of session.c.
 *
 *   fdlimit conf log loop tls metrics frame bucket queue dedupe window inst
 *   origin addr account token throttle verify filter handshake keepalive
 *   namecheck session rooms
 *   kafka presence state inbox cache history member search page relay
 *   request-*.c request status
 *   login http main
 *
 * One libwebsockets service loop runs everything: HTTP (static files,
 * /healthz, /metrics), the WebSocket sessions, and the Kafka readers, whose
 * wake-up pipes are adopted into the loop as raw file descriptors. Only the
 * history worker threads run elsewhere; they hand results back through a
 * queue and lws_cancel_service(). The browser protocol's frames are
 * libkchat's (kc_json_parse_req in, kc_wire_* out); kchat.7 specifies it.
 */
#ifndef BRIDGE_H
#define BRIDGE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "kchat.h"

#define BRIDGE_ROOMS_MAX	32	/* rooms one connection may be in */
#define BRIDGE_CLIENT_ID_MAX	64	/* bytes of the {client_id} in /ws/... */
/* Ids of direct messages a client may say it has (?dm=ID,ID...). */
#define BRIDGE_DM_IDS_MAX	16
#define BRIDGE_DM_IDS_LEN	(BRIDGE_DM_IDS_MAX * (KC_ID_LEN + 1))

/* ------------------------------------------------------------ conf.c */

struct bridge_opts {
	const char	*host;		/* listen address */
	int		 port;
	char		 static_dir[1024];
	char		**origins;	/* extra allowed origins */
	size_t		 norigins;
	size_t		 max_message;	/* bytes, all fragments */
	double		 rate;		/* frames per second */
	double		 burst;
	unsigned	 max_conns_ip;
	double		 conn_rate_ip;	/* new connections per second, per address */
	double		 rate_ip;	/* frames per second, per address */
	double		 burst_ip;
	unsigned	 send_queue;	/* frames queued per connection */
	size_t		 send_queue_bytes;	/* their payload bytes */
	int		 idle_timeout;	/* seconds without a valid pong */
	unsigned	 history;	/* messages sent on join */
	unsigned	 history_window;	/* records kept per active room */
	size_t		 history_window_bytes;	/* all rooms' windows */
	int		 shutdown_ms;	/* bounded producer flush */
	int		 history_timeout_ms;
	int64_t		 retention_ms;	/* chat history a new topic keeps, -1 forever */
	int		 check_topics;	/* --check-topics: report and exit */
	int		 embedded;
	int		 log_level;
	char		 topic[256];
	char		 ptopic[256];	/* presence topic */
	const char	*users;		/* --users: accounts on; NULL: open */
	const char	*session_key;	/* file; NULL: made at start */
	int		 session_lifetime;	/* seconds */
	const char	*tls_cert;	/* NULL: plain HTTP */
	const char	*tls_key;
	const char	*admin_listen;	/* ADDR:PORT for /healthz, /metrics */
	int		 poll_loop;	/* --event-loop poll */
	struct kc_conf	*conf;		/* chat topic */
};

extern struct bridge_opts opts;

/* Parses flags, config file and environment; exits on --help/--version. */
int	conf_parse(int argc, char **argv);
void	conf_free(void);

/* ---------------------------------------------------------- fdlimit.c */

/* Keeps a descriptor in reserve; port: the listening socket's. */
void	fdlimit_init(int port);
/* Out of descriptors: refuses one waiting connection (lws cannot accept). */
void	fdlimit_shed(void);
void	fdlimit_free(void);

/* ------------------------------------------------------------- log.c */

enum { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };
void	log_set_level(int level);
void	log_msg(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
#define log_error(...)	log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)
/*
 * At most one line per interval (µs) from this place in the code, then how
 * many were left out: a flood must not flood the log too.
 */
#define LOG_EVERY_US	(1000 * 1000)
#define log_every(level, us, ...) do {					\
	static int64_t	 last_;						\
	static unsigned	 skipped_;					\
	int64_t		 now_ = kc_now_us();				\
									\
	if (now_ - last_ >= (us)) {					\
		if (skipped_ > 0)					\
			log_msg(level, "(%u more like the next not shown)", \
			    skipped_);					\
		last_ = now_;						\
		skipped_ = 0;						\
		log_msg(level, __VA_ARGS__);				\
	} else								\
		skipped_++;						\
} while (0)
#define log_warn_every(us, ...)	log_every(LOG_WARN, us, __VA_ARGS__)
#define log_info_every(us, ...)	log_every(LOG_INFO, us, __VA_ARGS__)

/* ------------------------------------------------------------ loop.c */

/* The one service loop's context, and whether it is shutting down. */
struct lws_context *loop_context(void);
struct lws_context *loop_create(struct lws_context_creation_info *info);
int	loop_run_once(void);
/* fn runs at the end of every pass of the loop. */
void	loop_on_pass(void (*fn)(void));
/* A pass of the loop within us µs, whatever else happens (or not). */
void	loop_wake_in(int64_t us);
void	loop_destroy(void);
int	loop_stopping(void);
void	loop_stop(void);

/* ------------------------------------------------------------ tls.c */

/* HTTPS and WSS (--tls-cert, --tls-key). */
int	tls_enabled(void);
/* Both files there, the key not readable by others; -1 with errstr. */
int	tls_check(char *errstr, size_t errlen);
/* Puts the certificate into the context's and vhost's settings. */
void	tls_setup(struct lws_context_creation_info *info);
/* SIGHUP: the certificate and key again, for new connections. */
int	tls_reload(struct lws_context *ctx);

/* ------------------------------------------------------------ metrics.c */

struct metrics {
	uint64_t	connections_total;
	uint64_t	connections_rejected_origin;
	uint64_t	connections_rejected_limit;
	uint64_t	connections_rejected_method;	/* CONNECT: raw sockets */
	uint64_t	frames_in;		/* client frames received */
	uint64_t	messages_produced;	/* handed to the producer */
	uint64_t	deliveries_ok;
	uint64_t	deliveries_failed;
	uint64_t	produce_errors;		/* refused before Kafka */
	uint64_t	records_in;		/* read from the chat topic */
	uint64_t	records_duplicate;
	uint64_t	frames_out;		/* written to clients */
	uint64_t	bytes_out;
	uint64_t	drop_slow;		/* clients closed: send queue full */
	uint64_t	drop_oversize;
	uint64_t	drop_rate;		/* closed for rate abuse */
	uint64_t	drop_idle;		/* closed: no answer to a ping */
	uint64_t	errors_sent;
	uint64_t	rate_limited;		/* frames refused by the bucket */
	uint64_t	history_requests;
	uint64_t	history_from_memory;	/* pages cache.c answered */
	uint64_t	history_from_kafka;	/* pages a worker read */
	uint64_t	heartbeats_sent;
	int64_t		started_us;
};

extern struct metrics metrics;

/* What the counters cannot say: measured by status.c when asked. */
struct metrics_gauges {
	int		 connections;
	size_t		 rooms;
	size_t		 queued_bytes;
	int		 pending;
	size_t		 history_queued;
	size_t		 window_rooms;		/* cache.c: rooms kept */
	size_t		 window_bytes;
	uint64_t	 invalid[KC_ERR__COUNT];	/* records that did not decode */
	int64_t		 lag;
	int		 lag_unknown;
	int		 kafka_up;
};

/* Appends the Prometheus text exposition of metrics and g to out. */
int	metrics_render(struct kc_buf *out, const struct metrics_gauges *g);

/* ---------------------------------------------------------- frame.c */

/*
 * One outgoing WebSocket text frame, encoded once and shared by every
 * connection it is queued to. data has LWS_PRE bytes of room in front of
 * the payload, as lws_write() wants.
 */
struct frame {
	unsigned	refs;
	size_t		len;
	unsigned char	data[];
};

struct frame	*frame_new(const char *json, size_t len);
#define FRAME_HEADER_MAX	10
/*
 * The header of a final, unmasked text frame of len payload bytes (what a
 * server sends: RFC 6455 5.2) into out; returns its length (2, 4 or 10).
 */
size_t		 frame_header(size_t len, unsigned char out[FRAME_HEADER_MAX]);
/* The frame of what a kc_wire_* encoder wrote (b is left as it was). */
struct frame	*frame_of(const struct kc_buf *b);
struct frame	*frame_ref(struct frame *f);
void		 frame_unref(struct frame *f);
#define frame_payload(f)	((f)->data + LWS_PRE)

/* ---------------------------------------------------------- bucket.c */

/* A token bucket: rate tokens a second, at most burst. */
struct bucket {
	double		tokens;
	int64_t		at;		/* µs: when tokens were counted */
};

void	bucket_fill(struct bucket *b, double burst, int64_t now);
/* Adds what the time since the last call earned; 1 when it is full. */
int	bucket_refill(struct bucket *b, double rate, double burst, int64_t now);
/* Takes a token: 1 when there was one. */
int	bucket_take(struct bucket *b);
/* Takes n tokens when there are that many (1), else none (0). */
int	bucket_take_n(struct bucket *b, double n);

/* ---------------------------------------------------------- queue.c */

/* A connection's send queue: a ring of frames, bounded by frames and bytes. */
struct queue {
	struct frame	**ring;			/* NULL while empty */
	unsigned	  cap;			/* frames it may hold */
	unsigned	  alloc, head, len;	/* the ring's size, first, count */
	size_t		  bytes;		/* payload bytes queued */
};

int		 queue_init(struct queue *q, unsigned cap);
void		 queue_free(struct queue *q);	/* drops what is queued */
/*
 * Whether a frame of len bytes may join q under max_bytes; one larger than
 * the byte bound still may when nothing else is waiting.
 */
int		 queue_fits(const struct queue *q, size_t len, size_t max_bytes);
/* Takes a reference; KC_ERR_NOMEM when the ring could not grow. */
int		 queue_push(struct queue *q, struct frame *f);
struct frame	*queue_pop(struct queue *q);	/* the caller owns the ref */
struct frame	*queue_peek(const struct queue *q);	/* the oldest, or NULL */
/* Over half full, in frames or in bytes (of max_bytes). */
int		 queue_over_half(const struct queue *q, size_t max_bytes);

/* ---------------------------------------------------------- dedupe.c */

/*
 * 1 when the record id by user was seen among the last DEDUPE_SIZE, else
 * remembers it (the same id by another user is another record).
 */
int	dedupe_seen(const char *id, const char *user);
/* The writer of the first remembered record with id, or NULL. */
const char *dedupe_owner(const char *id);

/* ---------------------------------------------------------- window.c */

/*
 * The last records of one room in its partition (at most cap), oldest
 * first: every displayable record of the room at offsets [lo, hi) is
 * there. complete: nothing of the room is below lo anywhere.
 */
struct window {
	struct kc_msg	*ring;
	size_t		 cap;		/* records at most */
	size_t		 alloc, head, len;	/* the ring's slots, first, count */
	int32_t		 partition;
	int64_t		 lo, hi;
	int		 complete;
	size_t		 bytes;		/* memory it takes */
};

/* Empty, holding [at, at) of partition. */
int	window_init(struct window *w, size_t cap, int32_t partition, int64_t at);
void	window_free(struct window *w);
/* Empties it: it holds [at, at) now. */
void	window_reset(struct window *w, int64_t at);
/*
 * The next record of the room read live (a copy is kept; the oldest goes
 * when it is full). KC_ERR_INVAL: not at or above hi, or another partition.
 */
int	window_append(struct window *w, const struct kc_msg *m);
/* The reader is at offset at: no record of the room in [hi, at). */
void	window_advance(struct window *w, int64_t at);
/* The offset of the record with id, or -1. */
int64_t	window_find_id(const struct window *w, const char *id);
/*
 * A page read from Kafka, msgs[0..n) oldest first, of [since, before) with
 * its more flag: what is below lo joins the window when the page's top
 * touches it (before in [lo, hi]) and there is room. 1 when it grew.
 */
int	window_merge(struct window *w, int64_t before, int64_t since,
	    const struct kc_msg *msgs, size_t n, int more);
/*
 * The newest n records in [since, before), copies into *out (free with
 * kc_history_free()), *more: older ones exist. 1 when the window can say
 * (it holds n of them, or all there are); 0: ask Kafka.
 */
int	window_page(const struct window *w, int64_t before, int64_t since,
	    size_t n, struct kc_msg **out, size_t *count, int *more);

/* ------------------------------------------------------------ inst.c */

/* The instance id of the client knowing secret: 16 hex digits. */
void	inst_make(const char *secret, char out[KC_INST_MAX + 1]);

/* ---------------------------------------------------------- origin.c */

/*
 * Whether a page of origin may open a WebSocket, reached with Host host, on
 * a bridge listening on listen_host:port that also accepts extra[0..n).
 */
int	origin_allowed(const char *origin, const char *host,
	    const char *listen_host, int port, char *const *extra, size_t n);
/* Whether a listen address is loopback (127.0.0.0/8, ::1, localhost). */
int	origin_is_loopback(const char *listen_host);

/* ------------------------------------------------------------ addr.c */

/*
 * At a handshake from address name: NULL when it may connect, else why not
 * (its connections, its rate of new ones).
 */
const char *addr_admit(const char *name);
void	addr_opened(const char *name);
void	addr_closed(const char *name);
/* 1 when a frame from a connection of name fits the address's bucket. */
int	addr_frame_ok(const char *name);
void	addr_free(void);

/* --------------------------------------------------------- account.c */

/* Reads the users file (--users); accounts are on after it. -1: errstr. */
int	 account_open(const char *file, char *errstr, size_t errlen);
int	 account_enabled(void);
/*
 * KC_OK when password is user's; else KC_ERR_LOGIN_FAILED, in the same
 * time whether user has an account or not.
 */
int	 account_check(const char *user, const char *password);
/* user's password hash (the users file as it is now), or NULL. */
const char *account_hash(const char *user);
/*
 * The hash to check user's password against: theirs, or (*known = 0) a
 * dummy one that no password matches, which takes as long to check.
 */
const char *account_lookup(const char *user, int *known);
/* 1 when password matches hash (crypt_r: any thread). */
int	 account_verify(const char *hash, const char *password);
void	 account_free(void);

/* ----------------------------------------------------------- token.c */

#define TOKEN_COOKIE	"kchat_session"
#define TOKEN_MAX	160		/* bytes of a token, with its NUL */

/* The signing key from file, or (NULL) a random one. -1: errstr. */
int	token_init(const char *file, char *errstr, size_t errlen);
/* A token for user, valid for lifetime seconds. */
int	token_make(const char *user, int lifetime, char *out, size_t outlen);
/* 0 and its user when token is valid now (signature, expiry, account). */
int	token_check(const char *token, char user[KC_NAME_MAX + 1]);
/* The same for the session cookie of a request. */
int	token_of_request(struct lws *wsi, char user[KC_NAME_MAX + 1]);
/* The session cookie's value (not checked), or -1. */
int	token_cookie(struct lws *wsi, char *out, size_t outlen);

/* -------------------------------------------------------- throttle.c */

/* Failed logins by key ("a:ADDRESS", "u:USER"): seconds to wait, or 0. */
int	throttle_wait(const char *key);
/* A failure of key; after free_fails of them, each doubles the wait. */
void	throttle_failed(const char *key, unsigned free_fails);
void	throttle_clear(const char *key);

/* ---------------------------------------------------------- verify.c */

/* Password checks on a worker thread (yescrypt is slow on purpose). */
int	verify_start(void);
void	verify_stop(void);
/*
 * Queues a check of pass against hash (both copied) for arg.
 * KC_ERR_QUEUE_FULL: too many waiting.
 */
int	verify_submit(const char *hash, const char *pass, void *arg);
/* On the loop: fn(arg, matched) for every check done since. */
void	verify_collect(void (*fn)(void *arg, int ok));
/* arg goes away: its outcome, when it comes, is dropped. */
void	verify_forget(void *arg);

/* ---------------------------------------------------------- filter.c */

/*
 * Refuses what no request here may be (other methods than GET and HEAD, and
 * POST but to /login and /logout with accounts on: 405; an ambiguous
 * length: 400; a POST body over LOGIN_BODY_MAX: 413). From
 * LWS_CALLBACK_FILTER_HTTP_CONNECTION.
 */
int	filter_http(struct lws *wsi);
/* Refuses a WebSocket handshake bound to a protocol other than kchat (403). */
int	filter_refuse_upgrade(struct lws *wsi);

/* ------------------------------------------------------- handshake.c */

/*
 * The checks of a WebSocket handshake: path /ws/{client_id}, its key,
 * Origin, the address's limits (else 403), and with accounts on a valid
 * session cookie (else 401). 0: accept.
 */
int	handshake_check(struct lws *wsi);
/* RFC 6455 4.1: 16 bytes in base64, 24 characters ending in "==". */
int	handshake_key_ok(const char *key);
/* 1..BRIDGE_CLIENT_ID_MAX of A-Z a-z 0-9 - _ . */
int	handshake_client_id_ok(const char *id);

/* ------------------------------------------------------- keepalive.c */

enum keepalive_list_id { KEEPALIVE_NONE, KEEPALIVE_LIVE, KEEPALIVE_PINGED };

/* Held in what it tracks (a session); all zero: in no list. */
struct keepalive {
	struct keepalive	*prev, *next;
	int64_t			 at;	/* µs, monotonic: seen, or pinged */
	enum keepalive_list_id	 list;
};

/* k proved alive at now (opened, a frame, a pong): last in line again. */
void	keepalive_seen(struct keepalive *k, int64_t now);
void	keepalive_stop(struct keepalive *k);	/* in no list any more */
/*
 * expire(k) for each pinged one quiet for hangup_us in all, at most
 * max_expire of them (out of the lists when called; the rest wait for the
 * next check); then ping(k) for each one quiet for ping_us, once (it is in
 * the pinged list when called). O(what is due).
 */
void	keepalive_check(int64_t now, int64_t ping_us, int64_t hangup_us,
	    size_t max_expire, void (*ping)(struct keepalive *),
	    void (*expire)(struct keepalive *));

/* ------------------------------------------------------- namecheck.c */

/* Held in what it tracks (a session); all zero: in no list. */
struct namecheck {
	struct namecheck	*prev, *next;
	int64_t			 due;	/* µs: to be looked at then */
	int			 listed;
};

/* n is due at due; every n added is due no earlier than those before. */
void	namecheck_add(struct namecheck *n, int64_t due);
void	namecheck_remove(struct namecheck *n);	/* in the list or not */
/* The first one due by now, taken out of the list; NULL when none is. */
struct namecheck *namecheck_due(int64_t now);
int64_t	namecheck_next(void);	/* when the first is due; 0: none */

/* ------------------------------------------------------------ session.c */

/* A room a connection is in. */
struct member {
	char		room[KC_NAME_MAX + 1];
	/*
	 * The offset in the room's partition where the live stream began
	 * (the chat reader's position at the join): the first page of
	 * history ends below it, and every record read since is live, so
	 * nothing is missed or sent twice whatever order the ids are in.
	 * -1: unknown.
	 */
	int64_t		live_from;
};

/*
 * One WebSocket connection. Each group of fields has one owner that
 * changes it; others only read.
 */
struct session {
	/* session.c */
	uint64_t	 id;		/* never reused while the bridge runs */
	struct lws	*wsi;
	char		 client_id[BRIDGE_CLIENT_ID_MAX + 1];
	char		 addr[64];
	char		 inst[KC_INST_MAX + 1];	/* its client instance (inst.c) */
	char		 account[KC_NAME_MAX + 1];	/* its session's; "" open */
	char		*token;		/* accounts on: checked again now and then */
	int		 ext;		/* wants the frames beyond the four fields */
	/* member.c */
	char		 user[KC_NAME_MAX + 1];		/* "" until bound */
	int64_t		 bound_at;	/* µs, UTC: when user was bound */
	struct namecheck namecheck;	/* its name looked at again */
	/* users.c: the connections of its user, a hash chain */
	struct session	*unext, *uprev;
	uint32_t	 uhash;
	int		 uindexed;
	/*
	 * request.c, at the start: the newest direct messages the client
	 * has (?dm=ID,ID...), comma-separated ULIDs, NULL none (allocated
	 * only when given: idle connections stay small); the stored ones
	 * are sent from a little before the newest, without these.
	 */
	char		*dm_have;
	char		 room[KC_NAME_MAX + 1];		/* current */
	struct member	*members;	/* grown as it joins, up to BRIDGE_ROOMS_MAX */
	unsigned	 nmembers, cmembers;
	/*
	 * request-post.c: messages waiting for Kafka, per room (so per
	 * partition): a room whose partition has no leader blocks only
	 * itself. Rooms left meanwhile keep their count until the outcomes
	 * come back.
	 */
	struct inflight {
		char		 room[KC_NAME_MAX + 1];
		unsigned	 n;
	}		*inflight;	/* grown as rooms get messages waiting */
	unsigned	 ninflight;	/* slots, up to BRIDGE_ROOMS_MAX */
	/* request-typing.c */
	int64_t		 typing_at;
	char		*away;		/* "away": its message, NULL back */
	/* session.c: the transport */
	struct session	*prev, *next;		/* every session */
	struct session	*hnext;			/* its id's bucket */
	struct queue	 q;
	int64_t		 progress_at;		/* last write, or q became non-empty */
	int		 high;			/* counted as over half full */
	int		 flush;			/* listed to write at the pass's end */
	int		 stalled;		/* wrote nothing for a while */
	struct kc_buf	 rx;			/* a fragmented message */
	size_t		 rx_total;
	int		 rx_binary;
	struct bucket	 bucket;		/* frames it may send */
	unsigned	 strikes;
	int		 established;
	int		 closing;		/* close status to send, 0 = none */
	int		 drain;			/* send the queue before closing */
	char		 close_reason[64];
	struct keepalive alive;			/* keepalive.c's */
	int		 ping;			/* a ping to send */
};

/* What session.c tells the layers above. */
struct session_hooks {
	void	(*opened)(struct session *);	/* established */
	/* A whole text message, within the limits. */
	void	(*message)(struct session *, const char *, size_t);
	/* Closing: called before the session is freed (each hook in turn). */
	void	(*closed[4])(struct session *);
};

extern const struct lws_protocols session_protocol;
void		 session_init(const struct session_hooks *h);
void		 session_flush(void);	/* the end of a pass: write what was queued */
/* Queues f to s (takes a reference); closes a client that cannot keep up. */
void		 session_send(struct session *s, struct frame *f);
/* Like session_send, only for connections that asked for our additions. */
void		 session_send_ext(struct session *s, struct frame *f);
/* Queues what a kc_wire_* encoder wrote; ext: only to an extended one. */
void		 session_send_buf(struct session *s, const struct kc_buf *b,
		    int ext);
/* An error frame (kc_wire_error); msg NULL: kc_strerror(err). */
/* Closes s with 1008 and reason, once what is queued to it is sent. */
void		 session_end(struct session *s, const char *reason);
void		 session_error(struct session *s, int err, const char *msg,
		    const char *ref);
/* Switches s to extended frames, greeting it ("hello") once. */
void		 session_extend(struct session *s);
struct session	*session_find(uint64_t id);	/* NULL once it closed */
/* Frames and payload bytes queued to s. */
void		 session_queued(const struct session *s, size_t *frames,
		    size_t *bytes);
/*
 * 1 while a connection that keeps reading has more than half its send
 * queue waiting: the chat reader then waits (back-pressure) instead of
 * overflowing it. A connection that wrote nothing for a while is not
 * waited for; its queue fills and it is closed as slow.
 */
int		 session_backpressure(void);
int		 session_count(void);
size_t		 session_queued_bytes(void);	/* of all connections */
void		 session_foreach(void (*fn)(struct session *, void *), void *arg);
/* Starts the graceful close (1001) of every connection. */
void		 session_close_all(void);

/* ------------------------------------------------------------ users.c */

/*
 * The connections of each user name (bound ones): users_add() once s->user
 * is set, users_remove() before s goes; users_foreach() calls fn for each
 * connection of user (fn may close it); users_foreach_like() for each of
 * user or a name alike (kc_alike(): it would pass for user).
 */
void	users_add(struct session *s);
void	users_remove(struct session *s);
void	users_foreach(const char *user, void (*fn)(struct session *, void *),
	    void *arg);
void	users_foreach_like(const char *user,
	    void (*fn)(struct session *, void *), void *arg);
/*
 * Connections of user's client instance inst in room on this bridge (to
 * decide join/leave records: the first one joins, the last one leaves).
 */
unsigned users_inst_count(const char *room, const char *user,
	    const char *inst);
void	users_free(void);

/* ------------------------------------------------------------ rooms.c */

/* The rooms on this bridge and the connections in each. */
int	rooms_add(struct session *s, const char *room);
void	rooms_remove(struct session *s, const char *room);
int	rooms_has(const char *room);		/* anyone here in room */
/*
 * Queues f to room's connections (ext: only those asking for it). A
 * connection's live stream is every record read after it joined: its
 * first page of history ends where the reader was then.
 */
void	rooms_send(const char *room, struct frame *f, int ext);
/*
 * Calls fn for every distinct (room, user, instance) with a connection
 * here, with that connection's away message ("" when not away).
 */
void	rooms_each_member(void (*fn)(const char *room, const char *user,
	    const char *inst, const char *away, void *), void *arg);
size_t	rooms_count(void);
void	rooms_free(void);

/* ------------------------------------------------------------ kafka.c */

/* What kafka.c tells the layers above. */
struct kafka_hooks {
	/*
	 * A record of the chat topic. Its offset is -1 unless it is in its
	 * room's own partition (another partitioner may put it elsewhere;
	 * history never reads there).
	 */
	void	(*record)(const struct kc_msg *m);
	void	(*presence)(const struct kc_msg *m);	/* presence topic */
	int	(*busy)(void);		/* 1: leave chat records in Kafka */
	/* The outcome of a kafka_send() with an arg. */
	void	(*delivered)(void *arg, const struct kc_msg *m, int err,
		    const char *errstr);
};

int	kafka_start(struct lws_vhost *vh, const struct kafka_hooks *h,
	    char *errstr, size_t errlen);
void	kafka_stop(void);
/*
 * Produces m to the chat topic; arg (not NULL): its outcome goes to
 * hooks->delivered with arg, also when the bridge stops first.
 */
int	kafka_send(const struct kc_msg *m, void *arg);
/*
 * Produces a heartbeat of user's instance inst (typing: with text "typing";
 * away: its away message, "" or NULL when not away) to the presence topic.
 */
int	kafka_heartbeat(const char *room, const char *user, const char *inst,
	    int typing, const char *away);
/* Flushes the producers, waiting at most timeout_ms. */
int	kafka_flush(int timeout_ms);
/* The end of a pass of the loop: reads on where a read was left for now. */
void	kafka_pass(void);
/*
 * Where the chat reader is in each partition of the chat topic (pos[p],
 * -1 unknown), at most max of them; returns how many it has, 0 when it
 * has not started.
 */
int	kafka_live_positions(int64_t *pos, int max);
int	kafka_healthy(const char **why);
/*
 * Where a live stream of room joined now starts: the offset in room's
 * partition of the next record the chat reader delivers, -1 if unknown.
 */
int64_t	kafka_live_offset(const char *room);
/* room's partition as the chat reader counts them, -1 if unknown. */
int32_t	kafka_room_partition(const char *room);
/*
 * Records of the chat topic not yet read, as last measured (-1: not yet);
 * *unknown: partitions whose leader did not answer then.
 */
int64_t	kafka_lag(int *unknown);
/* Chat records that did not decode, refused with kc error err. */
uint64_t kafka_invalid(int err);
int	kafka_pending(void);
extern const struct lws_protocols kafka_protocol;

/* ---------------------------------------------------------- presence.c */

/* Who is where, from both topics, and what this bridge says of it. */
int	presence_start(void);
void	presence_stop(void);
/* A record of the presence topic: heartbeats, typing. */
void	presence_topic_record(const struct kc_msg *m);
/* A record of the chat topic: joins, leaves, messages. */
void	presence_chat_record(const struct kc_msg *m);
/*
 * A join or leave this bridge just produced, applied at once rather than
 * when read back: a name a closed connection held is free for the next.
 */
void	presence_own(const struct kc_msg *m);
/* A presence frame for room ({"type":"presence"}), or NULL. */
struct frame *presence_frame(const char *room);
/*
 * The rooms with anyone in them, first by name (at most max), with their
 * user counts; *total: how many there are. Valid until the next call.
 */
size_t	presence_active(const struct kc_wire_room **out, size_t *total);
/*
 * Whether another live client instance than inst holds user's name (here
 * or on any bridge or terminal): 1 with since when (µs), else 0.
 */
int	presence_holder(const char *user, const char *inst, struct kc_holder *);
/*
 * Whether nobody online (a connection here, or any client presence tells
 * of) holds the name user but someone holds one alike (kc_alike()): 1 with
 * that name in like, else 0. A direct message to user would reach nobody.
 */
int	presence_alike(const char *user, char like[KC_NAME_MAX + 1]);

/* Users in room, from every bridge and terminal. */
size_t	presence_count(const char *room);

/* ------------------------------------------------------------ state.c */

/* The rooms and read topics: every room and its topic, read markers. */
extern const struct lws_protocols state_protocol;
int	state_start(struct lws_vhost *vh, char *errstr, size_t errlen);
void	state_stop(void);
/* What is known of room from the rooms topic, or NULL. */
const struct kc_roominfo *state_room(const char *room);
/* Sets room's topic line as user ("" clears it): written and applied. */
int	state_set_topic(const char *room, const char *user, const char *text);
/* user has read room up to message id (offset, -1 unknown). */
int	state_mark(const char *user, const char *room, const char *id,
	    int64_t offset);
/*
 * s joined room: the room gets its record if it has none; an extended s
 * gets the room's topic and its user's marker there.
 */
void	state_joined(struct session *s, const char *room);
/*
 * Every room of the rooms topic, the first ones by name, with users and
 * topic; *total: how many there are. Valid until the next call.
 */
size_t	state_rooms(const struct kc_wire_room **out, size_t *total);

/* ------------------------------------------------------------ inbox.c */

#define INBOX_PARTITIONS_MAX	64

/* The stored direct messages of user, as a connection's bind asks for them. */
struct inbox_ask {
	char		user[KC_NAME_MAX + 1];
	char		have[BRIDGE_DM_IDS_LEN];	/* ids the client has */
	int64_t		since;			/* µs: read from this time */
	/*
	 * The connection's client instance: those written while another
	 * held the name are left out (kc_tenure_ours()); "": accounts, the
	 * name is the account's on every device. The worker sets others to
	 * how many it left out so.
	 */
	char		inst[KC_INST_MAX + 1];
	size_t		others;
	/* Where the connection's live stream began in each partition. */
	int64_t		ends[INBOX_PARTITIONS_MAX];
	int		nends;
};

/*
 * From when to read: INBOX_DAYS before now, or a little before the time of
 * the newest of the ids in have (comma-separated; "": none).
 */
int64_t	inbox_since(const char *have, int64_t now);
/*
 * The valid ULIDs of list (comma-separated) into have, the first
 * BRIDGE_DM_IDS_MAX of them.
 */
void	inbox_have(const char *list, char have[BRIDGE_DM_IDS_LEN]);
/*
 * On a worker thread: the direct messages to or from a->user read from the
 * whole chat topic from a->since up to a->ends (the newest INBOX_MAX,
 * oldest first, none of a->have, none of another instance's hold on the
 * name unless a->inst is "") into *out (kc_history_free()); *more: some
 * were left out.
 */
int	inbox_scan(struct inbox_ask *a, int timeout_ms,
	    struct kc_msg **out, size_t *count, int *more, char *errstr,
	    size_t errlen);

/* ------------------------------------------------------------ cache.c */

/*
 * A window (window.c) of the last --history-window records of every room
 * joined here, filled by the chat reader, so that a join's page of history
 * is read from memory; all of them within --history-window-bytes, the
 * least recently joined rooms without connections going first.
 */
struct history_ask;
/* room is joined: keep its window from the reader's position on. */
void	cache_join(const char *room);
/* A record the chat reader delivered (relay.c). */
void	cache_record(const struct kc_msg *m);
/* The page a asks for, from memory: 1 with it, 0 when Kafka must say. */
int	cache_page(const struct history_ask *a, struct kc_msg **out,
	    size_t *count, int *more);
/* A page Kafka gave for a: its older records may join the window. */
void	cache_merge(const struct history_ask *a, const struct kc_msg *msgs,
	    size_t n, int more);
/* Rooms kept and the memory they take. */
void	cache_stats(size_t *rooms, size_t *bytes);
void	cache_free(void);

/* ------------------------------------------------------------ history.c */

/* A page of a room's history, as a connection asked for it. */
struct history_ask {
	char		room[KC_NAME_MAX + 1];
	size_t		n;
	int64_t		before;		/* offset, or KC_OFFSET_END */
	int64_t		since;		/* offset, 0: from the beginning */
	char		before_id[KC_ID_LEN + 1];	/* "" unless asked by id */
	char		ref[65];
	int		join;		/* the first page of a join */
	unsigned	attempt;	/* tries of a join's page so far */
	/* Not a room's page: the user's stored direct messages (room "@user"). */
	int		inbox;
	struct inbox_ask dm;
	/*
	 * Not a page: a search of room for q (request-search.c), n matches
	 * at most; the worker sets scanned (records of the room read).
	 */
	int		search;
	char		q[KC_SEARCH_Q_MAX + 1];
	size_t		scanned;
};

/*
 * A page is ready for s (called on the service thread): msgs[0..n) oldest
 * first, more: older ones were left out.
 */
typedef void history_done_fn(struct session *s, const struct history_ask *a,
    int err, const char *errstr, struct kc_msg *msgs, size_t n, int more);

int	history_start(unsigned nthreads, history_done_fn *done);
void	history_stop(void);
/*
 * Asks for a page (copied). KC_ERR_QUEUE_FULL: too many requests waiting,
 * of everyone or of s.
 */
int	history_request(const struct session *s, const struct history_ask *a);
/* 1 while a request of s for room is not yet delivered. */
int	history_busy(const struct session *s, const char *room);
/* 1 while a search of s is not yet delivered. */
int	history_searching(const struct session *s);
/* Requests waiting for a worker. */
size_t	history_queued(void);
/* Drops the requests of s not yet started (a session_hooks closer). */
void	history_forget(struct session *s);
/* Wakes the loop to deliver finished pages (EVENT_WAIT_CANCELLED). */
extern const struct lws_protocols history_protocol;

/* ------------------------------------------------------------ member.c */

/* The rooms of a connection, its user name, and the records they make. */
int	member_find(const struct session *s, const char *room);	/* or -1 */
/* Subscribes s to room and makes it current; history and presence follow. */
int	member_join(struct session *s, const char *room, const char *text,
	    size_t len, const char *ref, int64_t since);
void	member_leave(struct session *s, const char *room, const char *text,
	    size_t len, const char *ref);
/*
 * Binds name to s, or refuses a different one (username_mismatch). The
 * first bind asks for the user's stored direct messages (inbox.c).
 */
int	member_bind(struct session *s, const char *name, const char *ref);
/*
 * Asks for the first page of room's history for s: the records below where
 * its live stream began, at or above since (0: the newest --history).
 */
void	member_join_history(struct session *s, const char *room, int64_t since,
	    const char *ref, unsigned attempt);
/* s's rooms, as names for a frame; returns how many. */
size_t	member_names(const struct session *s,
	    const char *names[BRIDGE_ROOMS_MAX]);
/* Leaves every room of a closing session (a session_hooks closer). */
void	member_closed(struct session *s);

/* ------------------------------------------------------------ search.c */

/* Records of a room one search reads at most (kc_search_query()). */
#define BRIDGE_SEARCH_SCAN	KC_SEARCH_SCAN_DEFAULT
/* Matches one search returns at most ("limit" is clamped to it). */
#define BRIDGE_SEARCH_RESULTS	50
/* Tokens of the connection's bucket a search takes (frames' worth). */
#define BRIDGE_SEARCH_TOKENS	5.0

/* A search's results to the connection that asked (from page_done()). */
void	search_done(struct session *s, const struct history_ask *a, int err,
	    const char *errstr, struct kc_msg *msgs, size_t n, int more);

/* ------------------------------------------------------------ page.c */

/*
 * A page of history to a connection (history_done_fn): what fits its send
 * queue, as one frame or, to a plain client, one per record. The stored
 * direct messages of its user likewise, as a "dms" frame.
 */
void	page_done(struct session *s, const struct history_ask *a, int err,
	    const char *errstr, struct kc_msg *msgs, size_t n, int more);

/* ------------------------------------------------------------ relay.c */

/* A record of the chat topic to the connections it is for (kafka_hooks). */
void	relay_record(const struct kc_msg *m);

/* ------------------------------------------------------- request-*.c */

/* One file per browser request type; request.c's table names them. */
void	request_post(struct session *s, const struct kc_req *r);
/* Frees what a closing connection kept for its messages (a closer). */
void	request_post_closed(struct session *s);
/* The outcome of a message a connection sent (kafka_hooks delivered). */
void	request_post_delivered(void *arg, const struct kc_msg *m, int err,
	    const char *errstr);
void	request_join(struct session *s, const struct kc_req *r);
void	request_leave(struct session *s, const struct kc_req *r);
void	request_history(struct session *s, const struct kc_req *r);
void	request_typing(struct session *s, const struct kc_req *r);
void	request_who(struct session *s, const struct kc_req *r);
void	request_rooms(struct session *s, const struct kc_req *r);
void	request_ping(struct session *s, const struct kc_req *r);
void	request_search(struct session *s, const struct kc_req *r);
void	request_topic(struct session *s, const struct kc_req *r);
void	request_read(struct session *s, const struct kc_req *r);
void	request_away(struct session *s, const struct kc_req *r);

/* ------------------------------------------------------------ request.c */

/* A client's frame: parse, bind its name, hand it to its type's file. */
void	request_handle(struct session *s, const char *buf, size_t len);
/* The greeting of a new connection (session_hooks opened). */
void	request_opened(struct session *s);

/* ------------------------------------------------------------ health.c */

/*
 * Tells the extended connections (a "kafka" frame) when Kafka stops or
 * starts storing messages, looked at once a second; health_ok_now(): the
 * last verdict, for the "pong" of each ping.
 */
void	health_start(void);
int	health_ok_now(void);

/* ------------------------------------------------------------ status.c */

/* /healthz's JSON body; returns the HTTP status. */
int	status_health(struct kc_buf *body);
/* /metrics's body. */
int	status_metrics(struct kc_buf *body);

/* ------------------------------------------------------------ login.c */

#define LOGIN_BODY_MAX	4096

/* A POST /login or /logout being read, then checked. */
struct login_req {
	char	 body[LOGIN_BODY_MAX];
	size_t	 len;
	char	 addr[64];
	char	 user[256];		/* as given */
	int	 known;			/* user has an account */
	int	 json;
	int	 logout;
	int	 secure;		/* HTTPS: here, or a proxy's page */
	int	 active;
	int	 checking;		/* its password is with verify.c */
};

/* Its answer: status, Set-Cookie ("" none), Retry-After (0 none), body. */
struct login_answer {
	unsigned	 status;
	char		 cookie[512];
	int		 retry_after;
	struct kc_buf	 body;
};

/* A POST to uri begins: 0 to read its body, else the status to refuse. */
int	login_begin(struct lws *wsi, struct login_req *lr, const char *uri);
/* Part of the body: 0, or 413 when it grew too large. */
int	login_body(struct login_req *lr, const void *in, size_t len);
/*
 * The body is whole: the answer (its body the caller frees), or status 0
 * when the password is being checked: login_checked() answers then.
 */
void	login_finish(struct login_req *lr, struct login_answer *a);
/* The check of lr's password is done (ok: it matched): the answer. */
void	login_checked(struct login_req *lr, int ok, struct login_answer *a);
/* GET /config's body (kc_wire_config); returns the HTTP status. */
int	login_config(struct lws *wsi, struct kc_buf *body);

/* ------------------------------------------------------------ http.c */

extern const struct lws_protocols http_protocol;
const struct lws_http_mount *http_mounts(void);
const struct lws_http_mount *http_admin_mounts(void);	/* --admin-listen */
const struct lws_protocol_vhost_options *http_headers(void);

#endif /* BRIDGE_H */
