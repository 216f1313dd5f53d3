/*
 * bridge.h - kchat-bridge's internal interfaces, one section per file.
 *
 * One libwebsockets service loop runs everything: HTTP (static files,
 * /healthz, /metrics), the WebSocket sessions, and the Kafka readers, whose
 * wake-up pipes are adopted into the loop as raw file descriptors. Only the
 * history worker threads run elsewhere; they hand results back through a
 * queue and lws_cancel_service().
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
	int		 shutdown_ms;	/* bounded producer flush */
	int		 history_timeout_ms;
	int64_t		 retention_ms;	/* chat history a new topic keeps, -1 forever */
	int		 check_topics;	/* --check-topics: report and exit */
	int		 embedded;
	int		 log_level;
	char		 topic[256];
	char		 ptopic[256];	/* presence topic */
	struct kc_conf	*conf;		/* chat topic */
	struct kc_conf	*pconf;		/* same settings, presence topic */
};

extern struct bridge_opts opts;

/* Parses flags, config file and environment; exits on --help/--version. */
int	conf_parse(int argc, char **argv);
void	conf_free(void);

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

/* ---------------------------------------------------------- frame (fanout.c) */

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
struct frame	*frame_ref(struct frame *f);
void		 frame_unref(struct frame *f);
#define frame_payload(f)	((f)->data + LWS_PRE)

/* ------------------------------------------------------------ ws.c */

struct session;

extern const struct lws_protocols ws_protocol;
/* Queues f to s (takes a reference); closes a client that cannot keep up. */
void		 ws_send(struct session *s, struct frame *f);
/* Like ws_send, only for connections that asked for our additions. */
void		 ws_send_ext(struct session *s, struct frame *f);
/*
 * 1 while a connection that keeps reading has more than half its send
 * queue waiting: the chat reader then waits (back-pressure) instead of
 * overflowing it. A connection that wrote nothing for a while is not
 * waited for; its queue fills and it is closed as slow.
 */
int		 ws_backpressure(void);
const char	*ws_user(const struct session *s);	/* "" until bound */
const char	*ws_addr(const struct session *s);	/* the client's address */
int		 ws_wants_ext(const struct session *s);
int		 ws_count(void);
/* Payload bytes queued to all connections. */
size_t		 ws_queued_bytes(void);
/* Starts the graceful close (1001) of every connection. */
void		 ws_close_all(void);
/* Frees what ws.c keeps beyond its sessions (at exit). */
void		 ws_free(void);
/* Calls fn for every live session. */
void		 ws_foreach(void (*fn)(struct session *, void *), void *arg);
/* Sends the JSON of a kc error / of our own error codes to s. */
void		 ws_error(struct session *s, int err, const char *msg,
		    const char *ref);
void		 ws_error_code(struct session *s, const char *code,
		    const char *msg, const char *ref);
struct history_ask;
/*
 * History for s is ready (called on the service thread): msgs[0..n) oldest
 * first, more: older ones were left out.
 */
void		 ws_history_done(struct session *s, const struct history_ask *a,
		    int err, const char *errstr, struct kc_msg *msgs, size_t n,
		    int more);
/* The delivery outcome of a message s sent. */
void		 ws_delivered(struct session *s, const char *ref,
		    const struct kc_msg *m, int err, const char *errstr);

/* ------------------------------------------------------------ fanout.c */

/* Subscribes / unsubscribes s to room. */
int	fanout_join(struct session *s, const char *room);
void	fanout_leave(struct session *s, const char *room);
/* Connections of user in room on this bridge (to decide join/leave records). */
unsigned fanout_user_count(const char *room, const char *user);
/* Delivers a record read from the chat topic; de-duplicates by id. */
void	fanout_record(const struct kc_msg *m);
/*
 * Queues f to room's subscribers (ext: only those asking for it). A
 * subscriber's live stream is every record read after it joined: its
 * first page of history ends where the reader was then (ws.c).
 */
void	fanout_room(const char *room, struct frame *f, int ext);
/* Sends the presence list of room to its subscribers (ext only). */
void	fanout_presence(const char *room);
/* A presence frame for room, or NULL. */
struct frame *fanout_presence_frame(const char *room);
/* Calls fn for every distinct (room, user) subscribed here. */
void	fanout_each_member(void (*fn)(const char *room, const char *user,
	    void *), void *arg);
size_t	fanout_rooms(void);
void	fanout_free(void);

/* ------------------------------------------------------------ kafka.c */

int	kafka_start(struct lws_vhost *vh, char *errstr, size_t errlen);
void	kafka_stop(void);
/* Produces m for s; the outcome comes back through ws_delivered(). */
int	kafka_send(struct session *s, const char *ref, const struct kc_msg *m);
/* Produces a heartbeat (typing: with text "typing") to the presence topic. */
int	kafka_heartbeat(const char *room, const char *user, int typing);
/* Forgets s in outstanding deliveries (it is closing). */
void	kafka_forget(struct session *s);
/* Flushes the producers, waiting at most timeout_ms. */
int	kafka_flush(int timeout_ms);
int	kafka_healthy(const char **why);
/*
 * Where a live stream of room joined now starts: the offset in room's
 * partition of the next record the chat reader delivers, -1 if unknown.
 */
int64_t	kafka_live_offset(const char *room);
/*
 * Records of the chat topic not yet read, as last measured (-1: not yet);
 * *unknown: partitions whose leader did not answer then.
 */
int64_t	kafka_lag(int *unknown);
/* Chat records that did not decode, refused with kc error err. */
uint64_t kafka_invalid(int err);
int	kafka_pending(void);
const struct kc_presence *kafka_presence(void);
/* Changes whenever kafka_presence() does. */
unsigned kafka_presence_gen(void);
extern const struct lws_protocols kafka_protocol;

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
};

int	history_start(unsigned nthreads);
void	history_stop(void);
/*
 * Asks for a page (copied). KC_ERR_QUEUE_FULL: too many requests waiting,
 * of everyone or of s.
 */
int	history_request(struct session *s, const struct history_ask *a);
/* 1 while a request of s for room is not yet delivered. */
int	history_busy(const struct session *s, const char *room);
/* Requests waiting for a worker. */
size_t	history_queued(void);
/* Drops the requests of s not yet started, forgets it in the others. */
void	history_forget(struct session *s);
/* Delivers finished requests; called on the service thread. */
void	history_deliver(void);

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

/* ---------------------------------------------------------- origin.c */

/*
 * Whether a page of origin may open a WebSocket, reached with Host host, on
 * a bridge listening on listen_host:port that also accepts extra[0..n).
 */
int	origin_allowed(const char *origin, const char *host,
	    const char *listen_host, int port, char *const *extra, size_t n);
/* Whether a listen address is loopback (127.0.0.0/8, ::1, localhost). */
int	origin_is_loopback(const char *listen_host);

/* ------------------------------------------------------------ http.c */

extern const struct lws_protocols http_protocol;
/*
 * Refuses what no request here may be (other methods than GET and HEAD: 405;
 * an ambiguous length: 400). From LWS_CALLBACK_FILTER_HTTP_CONNECTION.
 */
int	http_filter(struct lws *wsi);
/* Refuses a WebSocket handshake bound to a protocol other than ws.c's (403). */
int	http_refuse_upgrade(struct lws *wsi);
const struct lws_http_mount *http_mounts(void);
const struct lws_protocol_vhost_options *http_headers(void);

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
	uint64_t	errors_sent;
	uint64_t	rate_limited;		/* frames refused by the bucket */
	uint64_t	history_requests;
	uint64_t	heartbeats_sent;
	int64_t		started_us;
};

extern struct metrics metrics;

/* Appends the Prometheus text exposition to out. */
int	metrics_render(struct kc_buf *out);

/* ------------------------------------------------------------ main.c */

extern volatile int bridge_stopping;
struct lws_context *bridge_context(void);

#endif /* BRIDGE_H */
