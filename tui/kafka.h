/* kafka.h - kchat-tui's Kafka side (tui/kafka.c); the program only. */
#ifndef TUI_KAFKA_H
#define TUI_KAFKA_H

#include <pthread.h>

#include "tui.h"

#define KAFKA_NPOLL	6	/* descriptors kafka_pollfds() fills */
/* The start's scans (missed direct messages, the name) read at most this. */
#define KAFKA_INBOX_MS	5000

struct pollfd;
struct kafka_fetch;

struct kafka {
	struct chat		*chat;
	/* Read-only while kchat-tui runs: every thread reads it. */
	struct kc_conf		*conf;
	/* The one consumer of the readers below and the state topics'. */
	struct kc_share		*share;
	char			 topic[256];
	char			 ptopic[256];
	struct kc_producer	*prod;
	struct kc_reader	*reader;	/* NULL until connected */
	struct kc_reader	*preader;

	/*
	 * Opening the readers waits for the broker (up to 10 s each), so it
	 * runs in a thread of its own while the chat goes on; that thread
	 * uses only the configuration and the fields below, and says it is
	 * done by writing to done_pipe.
	 */
	pthread_t		 thread;
	int			 attempting;
	int			 done_pipe[2];
	struct kc_reader	*new_reader;
	struct kc_reader	*new_preader;
	int64_t			 resume_since;	/* µs; 0: the chat from now */
	int			 attempt_err;
	char			 attempt_errstr[256];
	struct kc_buf		 topic_notes;	/* problems with the topics, lines */
	int			 topics_checked;
	char			 last_errstr[256];
	int64_t			 next_attempt;	/* µs; INT64_MAX: never */

	/*
	 * Direct messages to or from inbox_user that arrived while kchat-tui
	 * was not running: read by the first connection attempt
	 * (inbox_wanted), shown once it succeeds; not those written while
	 * another client instance held the name (inbox_tenure).
	 */
	char			 inbox_user[KC_NAME_MAX + 1];
	int			 inbox_wanted;
	struct kc_msg		*inbox;
	size_t			 ninbox, inbox_cap, inbox_read;
	struct kc_tenure	*inbox_tenure;

	/*
	 * Whether another live instance holds the user's name: read by the
	 * first connection attempt from the presence topic (name_wanted),
	 * acted on once it succeeds (kchat-tui ends unless force_name).
	 * Until then what the chat sends waits in waiting (kafka-name.c).
	 */
	enum {
		KAFKA_NAME_UNKNOWN,	/* not checked yet: sends wait */
		KAFKA_NAME_OURS,	/* sends go */
		KAFKA_NAME_REFUSED	/* another holds it: nothing goes */
	}			 name_state;
	struct kc_msg		*waiting;
	size_t			 nwaiting, waiting_cap;
	char			 inst[KC_INST_MAX + 1];
	int			 name_wanted;
	int			 force_name;
	int			 held;
	struct kc_holder	 holder;
	int64_t			 name_recheck;	/* µs; 0: done */
	int64_t			 started;	/* µs: kafka_open() */

	/*
	 * Found through the embedded broker's address file (no broker
	 * named): the address in use, to follow the broker when a restarted
	 * bridge publishes another one (kafka_follow()).
	 */
	int			 follows_file;
	char			 brokers[256];

	uint64_t		 nread;		/* records read (both readers) */
	int			 ever_connected;
	int64_t			 lost_since;	/* µs; 0 while connected */
	int64_t			 last_second;
	int64_t			 last_heartbeat;

	/*
	 * History and replay fetches running in threads of their own
	 * (tui/kafka-fetch.c), at most one per buffer: they read conf and
	 * their own struct, and write their id to fetch_pipe when done.
	 */
	int			 fetch_pipe[2];
	struct kafka_fetch	*fetches;

	/*
	 * The state topics (tui/kafka-state.c): opened and read to their end
	 * by the connecting thread (new_*, init_*), then in use here.
	 */
	struct kc_state		*rstate;	/* rooms topic */
	struct kc_state		*mstate;	/* read topic */
	struct kc_state		*new_rstate;
	struct kc_state		*new_mstate;
	struct kc_roominfo	*init_rooms;
	size_t			 ninit_rooms, init_rooms_cap;
	struct kc_marker	*init_marks;
	size_t			 ninit_marks, init_marks_cap;
};

extern const struct chat_ops kafka_ops;

/*
 * Opens the producers (which queue messages until a broker answers) and
 * starts connecting the readers in the background; the chat's connection
 * state tells how that goes. The producers, the connecting thread and the
 * history and replay threads all read conf, which nothing changes
 * afterwards; k owns it. Fails only when the configuration is unusable.
 */
int	kafka_open(struct kafka *, struct chat *, struct kc_conf *conf,
	    char *errstr, size_t len);
/*
 * Waits up to flush_ms for deliveries, then closes everything and frees
 * the configurations. Returns -1 when a connection attempt or a history
 * fetch is still running (they cannot be interrupted; a replay stops): the
 * caller then exits with _exit() without freeing anything else.
 */
int	kafka_close(struct kafka *, int flush_ms);
/* KAFKA_NPOLL descriptors to poll for reading (-1 when unused). */
void	kafka_pollfds(struct kafka *, struct pollfd *pfd);
/*
 * Hands waiting records to the chat, a batch at a time; returns 1 when
 * more may be waiting (call again without waiting for the descriptors).
 */
int	kafka_read(struct kafka *);
/*
 * Delivery reports; the end of a connection attempt (and a new one when it
 * is time); once a second: connection state, heartbeats, expiry.
 */
void	kafka_tick(struct kafka *, int64_t now_us);
/* Messages of the chat topic not yet acknowledged (heartbeats are not). */
int	kafka_pending(struct kafka *);

/* Sends m to Kafka now (the chat topic, or heartbeats on the shared one). */
int	kafka_produce(struct kafka *, const struct kc_msg *m, char *errstr,
	    size_t len);

/* -------------------------------------------------------- kafka-name.c */

/* The connecting thread: whether another live instance holds the name. */
void	kafka_name_check(struct kafka *);
/*
 * chat_ops' send: to Kafka once the name is ours; until the check is
 * done, kept to go then (or never, when the name is refused).
 */
int	kafka_name_send(struct kafka *, const struct kc_msg *m, char *errstr,
	    size_t len);
/*
 * The first attempt succeeded: the name is ours (what waited goes; with
 * --force-name the holder is told), or -1: refused, nothing went, the
 * chat ends (chat_fatal()).
 */
int	kafka_name_verdict(struct kafka *);
/* Another live instance holds the name (k->holder): end, or take it. */
void	kafka_name_held(struct kafka *);
/* Lines that waited longer than message.timeout.ms fail, as Kafka's would. */
void	kafka_name_expire(struct kafka *, int64_t now_us);
/*
 * At exit with sends still waiting for the check (a script's line and
 * end of input at once): waits up to wait_ms for the attempt, and sends
 * them when the name is ours.
 */
void	kafka_name_settle(struct kafka *, int wait_ms);

/* ------------------------------------------------------- kafka-fetch.c */

/* chat_ops: start a fetch in a thread; the chat hears of it when done. */
int	kafka_fetch_history(void *k, unsigned id, const char *room, size_t n,
	    const char *before, char *errstr, size_t len);
int	kafka_fetch_replay(void *k, unsigned id, const char *room,
	    int64_t since_us, char *errstr, size_t len);
int	kafka_fetch_search(void *k, unsigned id, const char *room,
	    const char *q, const char *before, size_t scan, char *errstr,
	    size_t len);
/* Hands the fetches that ended to the chat (chat_fetched()). */
void	kafka_fetch_done(struct kafka *);
/* Asks the running fetches to stop (replays do; history cannot). */
void	kafka_fetch_cancel(struct kafka *);
/*
 * Waits a little for the fetches, freeing those that ended (results
 * unused); -1 when some still run (their memory is left for _exit()).
 */
int	kafka_fetch_close(struct kafka *);

/* ------------------------------------------------------- kafka-state.c */

/* The connecting thread: opens the state topics and reads them to the end. */
void	kafka_state_connect(struct kafka *);
/* The main thread, the attempt done: applies what was read, follows live. */
void	kafka_state_adopt(struct kafka *);
/* roomstate writers (arg: the struct kafka). */
int	kafka_state_put_room(void *arg, const struct kc_roominfo *);
int	kafka_state_put_marker(void *arg, const struct kc_marker *);
/* Two descriptors to poll for reading (-1 when unused). */
void	kafka_state_pollfds(struct kafka *, struct pollfd *pfd);
/* Hands waiting records to roomstate. */
void	kafka_state_read(struct kafka *);
/* Closes the topics in use (the thread may still run). */
void	kafka_state_close(struct kafka *, int flush_ms);
/* Frees what a connecting thread made and nobody adopted (it has ended). */
void	kafka_state_forget(struct kafka *);

#endif
