/*
 * bench.h - kchat-bench, a load generator for kchat-bridge: its own minimal
 * WebSocket client on raw non-blocking sockets and one epoll loop, lean
 * enough to out-run the bridge on the same machine.
 *
 * Layers, each calling only those below it:
 *   main.c                       options, --help, which scenario
 *   scen-*.c                     one file per scenario
 *   bcast.c                      subscribers, paced senders, exactly-once check
 *   pool.c  ws.c                 connections on one epoll; WebSocket framing
 *   bridge.c hist.c report.c     a bridge to start and watch; latency
 *                                histograms; the table and the JSON line
 */
#ifndef KCHAT_BENCH_H
#define KCHAT_BENCH_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_VERSION	"0.1.0"

/* The one error enum: what went wrong, for the message that says so. */
enum bench_err {
	BENCH_OK = 0,
	BENCH_ERR_USAGE,	/* a bad option or value */
	BENCH_ERR_SYS,		/* a system call failed (errno says why) */
	BENCH_ERR_BRIDGE,	/* the bridge could not be started or reached */
	BENCH_ERR_CONNECT,	/* WebSocket connections failed */
	BENCH_ERR_TIMEOUT,	/* something expected did not happen in time */
};

/* Options, from the command line (main.c); read by every scenario. */
struct bench_opts {
	const char	*scenario;
	char		 host[256];
	int		 port;
	const char	*bridge;	/* kchat-bridge to start, or NULL */
	const char	*brokers;	/* for --bridge, kcat and --tui */
	const char	*tui;		/* kchat-tui, for the tui scenario */
	const char	*bridge_args[32];
	int		 nbridge_args;
	long		 pid;		/* bridge PID for RSS, 0 = unknown */
	long		 conns;		/* -c, 0 = the scenario's default */
	long		 senders;
	double		 rate;		/* -r, msg/s, 0 = default */
	double		 steps[32];	/* fanout's rates */
	int		 nsteps;
	double		 duration;	/* -d, seconds, 0 = default */
	long		 size;		/* -s, message text bytes */
	char		 room[33];
	long		 churners;
	long		 stalled;	/* subscribers that stop reading */
	long		 held;		/* idle connections held besides (#general) */
	long		 window;	/* ingest: in flight per sender */
	long		 burst;		/* tui: lines posted at once */
	long		 sources;	/* 127.0.0.x source addresses, 0 = auto */
	double		 drain;		/* seconds to wait for stragglers */
	int		 json_only;
	int		 verbose;
};
extern struct bench_opts opts;

/* Monotonic time. */
uint64_t	 now_ns(void);
#define NS_PER_MS	1000000ULL
#define NS_PER_S	1000000000ULL

/* hist.c: log-linear latency histogram in microseconds, ~1% precision. */
#define HIST_BUCKETS	(128 + 34 * 128)
struct hist {
	uint64_t	 count;
	uint64_t	 max_us;
	uint32_t	 b[HIST_BUCKETS];
};
void		 hist_add(struct hist *, uint64_t us);
void		 hist_merge(struct hist *, const struct hist *);
double		 hist_ms(const struct hist *, double q);	/* quantile, ms */

/* ws.c: WebSocket frames. */
size_t		 ws_frame(char *out, int opcode, const char *p, size_t n);
/*
 * Parses one server frame from p[0..n): returns its total length, 0 when
 * incomplete, -1 when malformed (masked by a server, 64-bit nonsense).
 */
long		 ws_parse(const char *p, size_t n, int *opcode, int *fin,
		    const char **payload, size_t *len);
int		 ws_request(char *out, size_t cap, const char *hostport,
		    const char *path);
/* The string value of "key" in a JSON object's text (no escapes). */
int		 ws_json_str(const char *p, size_t n, const char *key,
		    char *out, size_t cap);

/* pool.c: connections on one epoll loop. */
enum conn_state { CONN_IDLE, CONN_CONNECTING, CONN_HANDSHAKE, CONN_OPEN,
    CONN_CLOSING };
struct conn {
	int		 fd;
	unsigned char	 state;
	unsigned char	 role;		/* the scenario's */
	unsigned	 idx;		/* index in the pool */
	uint64_t	 t0;		/* when connecting began */
	char		*rbuf;		/* an incomplete frame, kept */
	uint32_t	 rlen;
	char		*wbuf;		/* what the socket did not take yet */
	uint32_t	 wlen, woff;
	uint32_t	 inflight;	/* the scenario's */
};
struct pool;
/* Callbacks run inside pool_run; they may send and close, not connect. */
struct pool_cb {
	void	(*open)(struct pool *, struct conn *);
	void	(*text)(struct pool *, struct conn *, const char *, size_t);
	void	(*closed)(struct pool *, struct conn *, const char *why);
	void	*arg;
};
struct pool	*pool_new(unsigned cap, const struct pool_cb *);
void		 pool_free(struct pool *);
void		*pool_arg(struct pool *);
struct conn	*pool_conn(struct pool *, unsigned idx);
unsigned	 pool_size(struct pool *);
/* Starts connecting conn idx as /ws/<prefix><idx><query>. */
int		 pool_connect(struct pool *, unsigned idx, const char *prefix,
		    const char *query, int role);
int		 pool_send_text(struct pool *, struct conn *, const char *,
		    size_t);
void		 pool_close(struct pool *, struct conn *);	/* close frame */
/* Stops reading c, as a stalled browser would; the kernel's buffers fill. */
void		 pool_pause(struct pool *, struct conn *);
/* Reads what a paused c was sent: 1 if the bridge closed it, else 0. */
int		 pool_paused_closed(struct pool *, struct conn *);
void		 pool_drop(struct pool *, struct conn *);	/* at once */
/* Runs the loop for at most ms (0: poll once). */
int		 pool_run(struct pool *, int ms);
unsigned	 pool_count(struct pool *, int state);
extern unsigned long	pool_handshakes, pool_failures;
extern char		pool_last_error[256];
/*
 * Opens conns [from, to) at most inflight at a time; returns when all are
 * open or failed, or after timeout_ms. Returns how many are open.
 */
unsigned	 pool_open_range(struct pool *, unsigned from, unsigned to,
		    const char *prefix, const char *query, int role,
		    unsigned inflight, int timeout_ms);

/* bridge.c: a bridge started for the run, or one already running. */
int		 bridge_start(char *err, size_t errlen);
void		 bridge_stop(void);
void		 bridge_kill(void);	/* async-signal-safe */
long		 bridge_rss_kb(void);	/* VmRSS of opts.pid, -1 unknown */
/* A "Key:" line's kB of /proc/PID/status (VmRSS:, RssAnon:), -1 unknown. */
long		 proc_status_kb(long pid, const char *key);
double		 bridge_cpu_s(void);	/* its CPU seconds, -1 unknown */
double		 self_cpu_s(void);
const char	*bridge_topic(void);
/* Raises this process's descriptor limit to n (children inherit it). */
long		 bridge_nofile(long n);

/* report.c: the human table (unless --json) and one JSON line. */
void		 report_title(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
void		 report_row(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
void		 report_json(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
void		 report_note(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/* bcast.c: subscribers in one room, paced senders, every message checked. */
struct bcast_step {
	double		 rate, secs;	/* asked */
	uint64_t	 sent, acked, refused, unanswered;
	uint64_t	 expected, delivered, lost, dups, stray;
	double		 send_secs, deliver_secs, deliveries_per_s, wall_secs;
	double		 bridge_cpu_s, self_cpu_s;	/* -1: unknown */
	struct hist	 lat;
	char		 refused_why[64];
	/* stalled readers: how many the bridge cut off */
	uint64_t	 stalled_cut;
	/* churn, when churners were running */
	uint64_t	 handshakes;
	struct hist	 hs;
};
struct bcast;
struct bcast	*bcast_new(unsigned subs, unsigned senders, unsigned churners,
		    int *err);
int		 bcast_step(struct bcast *, double rate, double secs,
		    struct bcast_step *);
void		 bcast_free(struct bcast *);

/* Scenarios. */
int	scen_latency(void);
int	scen_fanout(void);
int	scen_idle(void);
int	scen_churn(void);
int	scen_ingest(void);
int	scen_tui(void);

const char	*bench_strerror(int);

#endif
