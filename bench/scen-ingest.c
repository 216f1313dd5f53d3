/*
 * scen-ingest.c - "ingest": browser -> Kafka, acknowledged messages per
 * second. -c senders, each in a room of its own (so each message comes
 * back to one connection only), each keeping --window messages
 * unacknowledged. Beside it, when kcat is installed and the brokers are
 * known, kcat's produce rate with the same guarantees (acks=all,
 * idempotence) and message size on the same broker.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

struct ingest {
	uint64_t	 acked, refused, sent, t_end;
	char		 why[64];
	char		*json;
	size_t		 cap;
};

static void
ingest_post(struct pool *p, struct conn *c)
{
	struct ingest	*in = pool_arg(p);
	int		 k, k0, n;

	if (now_ns() >= in->t_end)
		return;
	k = snprintf(in->json, in->cap, "{\"username\":\"bench-i%u\",\"message\":"
	    "\"", c->idx);
	k0 = k;
	k += snprintf(in->json + k, in->cap - (size_t)k, "kbench-ingest %llu ",
	    (unsigned long long)in->sent);
	while (k - k0 < opts.size)
		in->json[k++] = 'x';
	n = k + snprintf(in->json + k, in->cap - (size_t)k, "\",\"room\":"
	    "\"%.20s-%u\",\"ref\":\"i\"}", opts.room, c->idx);
	if (pool_send_text(p, c, in->json, (size_t)n) == 0) {
		in->sent++;
		c->inflight++;
	}
}

static void
ingest_open(struct pool *p, struct conn *c)
{
	while (c->inflight < (uint32_t)opts.window && c->state == CONN_OPEN &&
	    now_ns() < ((struct ingest *)pool_arg(p))->t_end)
		ingest_post(p, c);
}

static void
ingest_text(struct pool *p, struct conn *c, const char *f, size_t n)
{
	struct ingest	*in = pool_arg(p);
	char		 type[16];

	if (memmem(f, n, "kbench-ingest", 13) != NULL ||
	    ws_json_str(f, n, "type", type, sizeof type) == -1)
		return;
	if (strcmp(type, "ack") == 0) {
		if (now_ns() < in->t_end)
			in->acked++;
	} else if (strcmp(type, "error") == 0) {
		in->refused++;
		if (in->why[0] == '\0')
			ws_json_str(f, n, "code", in->why, sizeof in->why);
	} else
		return;
	if (c->inflight > 0)
		c->inflight--;
	ingest_post(p, c);
}

/* kcat -P: n messages of opts.size bytes; returns msg/s, or -1. */
static double
ingest_kcat(long n)
{
	const char	*kcat = access("/usr/bin/kcat", X_OK) == 0 ?
	    "/usr/bin/kcat" : access("/usr/local/bin/kcat", X_OK) == 0 ?
	    "/usr/local/bin/kcat" : NULL;
	char		 topic[160], *line;
	int		 fd[2], st, null;
	pid_t		 pid;
	uint64_t	 t0;
	long		 i;
	size_t		 len = (size_t)opts.size + 1, off;
	ssize_t		 w;

	if (kcat == NULL || opts.brokers == NULL)
		return -1;
	snprintf(topic, sizeof topic, "%s.kcat", bridge_topic() ? bridge_topic() :
	    "kchat-bench");
	if (pipe(fd) == -1 || (line = malloc(len * 1024)) == NULL)
		return -1;
	for (i = 0; i < 1024; i++) {
		memset(line + (size_t)i * len, 'x', len - 1);
		line[(size_t)i * len + len - 1] = '\n';
	}
	signal(SIGPIPE, SIG_IGN);
	t0 = now_ns();
	if ((pid = fork()) == 0) {
		null = open("/dev/null", O_WRONLY);
		dup2(fd[0], 0);
		dup2(null, 1);
		close(fd[1]);
		execl(kcat, "kcat", "-P", "-b", opts.brokers, "-t", topic,
		    "-X", "acks=all", "-X", "enable.idempotence=true", (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	for (i = 0; pid > 0 && i < n; i += 1024) {
		size_t chunk = (size_t)(n - i < 1024 ? n - i : 1024) * len;

		for (off = 0; off < chunk; off += (size_t)w) {
			if ((w = write(fd[1], line + off, chunk - off)) <= 0)
				break;
		}
	}
	close(fd[1]);
	free(line);
	if (pid <= 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return (double)n / ((double)(now_ns() - t0) / 1e9);
}

int
scen_ingest(void)
{
	struct pool_cb	 cb = { ingest_open, ingest_text, NULL, NULL };
	struct ingest	 in;
	struct pool	*p;
	unsigned	 n = opts.conns ? (unsigned)opts.conns : 10, open, i;
	double		 secs = opts.duration ? opts.duration : 10, rate, krate;
	uint64_t	 end;

	memset(&in, 0, sizeof in);
	in.cap = (size_t)opts.size + 512;
	if ((in.json = malloc(in.cap)) == NULL)
		return BENCH_ERR_SYS;
	cb.arg = &in;
	in.t_end = 0;	/* connect first: nothing is posted before t_end is set */
	if ((p = pool_new(n, &cb)) == NULL) {
		free(in.json);
		return BENCH_ERR_SYS;
	}
	open = pool_open_range(p, 0, n, "bg", "?ext=1", 0, 256, 60000);
	if (open < n) {
		report_note("%u of %u senders connected: %s", open, n,
		    pool_last_error);
		pool_free(p);
		free(in.json);
		return BENCH_ERR_CONNECT;
	}
	in.t_end = now_ns() + (uint64_t)(secs * 1e9);
	for (i = 0; i < n; i++)
		ingest_open(p, pool_conn(p, i));
	while (now_ns() < in.t_end)
		pool_run(p, 5);
	end = now_ns() + (uint64_t)(opts.drain * 1e9);
	for (;;) {
		unsigned left = 0;

		for (i = 0; i < n; i++)
			left += pool_conn(p, i)->inflight;
		if (left == 0 || now_ns() > end)
			break;
		pool_run(p, 5);
	}
	pool_free(p);
	free(in.json);
	rate = (double)in.acked / secs;
	krate = ingest_kcat(in.acked > 20000 ? (long)in.acked : 20000);
	report_title("ingest: %u senders, %ld in flight each, %.0f s, %ld-byte "
	    "messages", n, opts.window, secs, opts.size);
	report_row("acknowledged %llu  (%.0f msg/s)  refused %llu%s%s",
	    (unsigned long long)in.acked, rate, (unsigned long long)in.refused,
	    in.why[0] ? " " : "", in.why);
	if (krate > 0)
		report_row("kcat -P on the same broker (acks=all, idempotent): "
		    "%.0f msg/s", krate);
	else
		report_row("kcat: not run (%s)", opts.brokers == NULL ?
		    "no -b BROKERS" : "not installed, or it failed");
	report_json("{\"scenario\":\"ingest\",\"senders\":%u,\"window\":%ld,"
	    "\"duration_s\":%.1f,\"size\":%ld,\"acked\":%llu,\"refused\":%llu,"
	    "\"acked_per_s\":%.0f,\"kcat_per_s\":%.0f}", n, opts.window, secs,
	    opts.size, (unsigned long long)in.acked,
	    (unsigned long long)in.refused, rate, krate > 0 ? krate : 0);
	return BENCH_OK;
}
