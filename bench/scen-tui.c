/*
 * scen-tui.c - "tui": kchat-tui (--tui PATH) in a pseudo-terminal of 120 x
 * 40. First 1,000 messages are posted to a room through the bridge; then
 * the terminal starts with --history 1000 and the time until the newest
 * of them is on its screen is its first paint. Then the terminal is
 * stopped (SIGSTOP), --burst more (default 10,000) are posted, and it is
 * resumed: they reach it at once, as a burst does, and the time from the
 * resumption until the last is shown is its own, not the bridge's. Last,
 * its RSS with 10,000 lines of scrollback (a config file sets scrollback =
 * 10000). Needs --bridge (the terminal reads the bridge's topic) and -b.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define TUI_HISTORY	1000
/*
 * The last message of each batch: curses redraws only the cells that
 * change, so a line is found on the terminal only if none of its letters
 * was already in that place; no line of the others has a Q or a J.
 */
#define TUI_MARK1	"QJQJQJQJ-HISTORY-SHOWN"
#define TUI_MARK2	"QJQJQJQJ-BURST-SHOWN"

struct tpost {
	uint64_t	 next, to, acked;
	const char	*last;		/* the text of message to - 1 */
	char		 room[40];
	char		*json;
	size_t		 cap;
};

static void
tui_post(struct pool *p, struct conn *c)
{
	struct tpost	*t = pool_arg(p);
	int		 k, k0, n;

	if (t->next >= t->to || c->state != CONN_OPEN)
		return;
	k = snprintf(t->json, t->cap, "{\"username\":\"bench-tui\",\"message\":\"");
	k0 = k;
	if (t->next == t->to - 1)
		k += snprintf(t->json + k, t->cap - (size_t)k, "%s ", t->last);
	else
		k += snprintf(t->json + k, t->cap - (size_t)k, "kbench-tui %llu ",
		    (unsigned long long)t->next);
	while (k - k0 < opts.size)
		t->json[k++] = 'x';
	n = k + snprintf(t->json + k, t->cap - (size_t)k, "\",\"room\":\"%s\","
	    "\"ref\":\"t\"}", t->room);
	if (pool_send_text(p, c, t->json, (size_t)n) == 0) {
		t->next++;
		c->inflight++;
	}
}

static void
tui_open(struct pool *p, struct conn *c)
{
	while (c->inflight < 32 && ((struct tpost *)pool_arg(p))->next <
	    ((struct tpost *)pool_arg(p))->to)
		tui_post(p, c);
}

static void
tui_text(struct pool *p, struct conn *c, const char *f, size_t n)
{
	struct tpost	*t = pool_arg(p);
	char		 type[16];

	if (memmem(f, n, "kbench-tui", 10) != NULL ||
	    ws_json_str(f, n, "type", type, sizeof type) == -1 ||
	    (strcmp(type, "ack") != 0 && strcmp(type, "error") != 0))
		return;
	if (strcmp(type, "ack") == 0)
		t->acked++;
	if (c->inflight > 0)
		c->inflight--;
	tui_post(p, c);
}

/*
 * Posts messages [from, to), the last with the text last, and waits for
 * their acks; returns how many were acknowledged.
 */
static uint64_t
tui_send(struct pool *p, struct tpost *t, uint64_t from, uint64_t to,
    const char *last)
{
	uint64_t end = now_ns() + (120 + (to - from) / 500) * NS_PER_S;
	uint64_t want = t->acked + (to - from);

	t->last = last;
	t->next = from;
	t->to = to;
	tui_open(p, pool_conn(p, 0));
	while (pool_conn(p, 0)->inflight > 0 && now_ns() < end)
		pool_run(p, 5);
	return t->acked - (want - (to - from));
}

/*
 * Reads the terminal until marker shows, or ms pass; returns 0 when it
 * showed. Keeps the tail of what was read, so a marker split across two
 * reads is found.
 */
static int
tui_wait(int fd, const char *marker, int ms)
{
	char		 buf[65536 + 64];
	size_t		 keep = 0, ml = strlen(marker);
	uint64_t	 end = now_ns() + (uint64_t)ms * NS_PER_MS;
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	ssize_t		 r;

	while (now_ns() < end) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((r = read(fd, buf + keep, 65536)) <= 0)
			return -1;
		if (memmem(buf, keep + (size_t)r, marker, ml) != NULL)
			return 0;
		keep += (size_t)r;
		if (keep > ml) {
			memmove(buf, buf + keep - ml, ml);
			keep = ml;
		}
	}
	return -1;
}

/* Reads whatever the terminal prints until it is quiet for ms. */
static void
tui_quiet(int fd, int ms)
{
	char		 buf[65536];
	struct pollfd	 pfd = { fd, POLLIN, 0 };

	while (poll(&pfd, 1, ms) > 0 && read(fd, buf, sizeof buf) > 0)
		;
}

int
scen_tui(void)
{
	struct pool_cb	 cb = { tui_open, tui_text, NULL, NULL };
	struct winsize	 ws = { 40, 120, 0, 0 };
	struct tpost	 t;
	struct pool	*p;
	char		 conf[64], hist[16];
	pid_t		 pid;
	uint64_t	 t0, posted;
	double		 paint_ms = -1, burst_s = -1, post_s;
	long		 burst = opts.burst;
	long		 rss = -1, anon = -1;
	int		 fd, cfd, st;

	if (opts.tui == NULL || bridge_topic() == NULL || opts.brokers == NULL) {
		report_note("tui needs --tui PATH (kchat-tui), --bridge and -b");
		return BENCH_ERR_USAGE;
	}
	memset(&t, 0, sizeof t);
	snprintf(t.room, sizeof t.room, "%s", strcmp(opts.room, "general") ?
	    opts.room : "bench-tui");
	t.cap = (size_t)opts.size + 512;
	if ((t.json = malloc(t.cap)) == NULL)
		return BENCH_ERR_SYS;
	cb.arg = &t;
	if ((p = pool_new(1, &cb)) == NULL ||
	    pool_open_range(p, 0, 1, "bt", "?ext=1", 0, 1, 30000) != 1) {
		report_note("cannot connect to the bridge: %s", pool_last_error);
		pool_free(p);
		free(t.json);
		return BENCH_ERR_CONNECT;
	}
	if ((posted = tui_send(p, &t, 0, TUI_HISTORY, TUI_MARK1)) != TUI_HISTORY)
		report_note("only %llu of %d history messages acknowledged",
		    (unsigned long long)posted, TUI_HISTORY);
	snprintf(conf, sizeof conf, "/tmp/kchat-bench-tui-XXXXXX");
	if ((cfd = mkstemp(conf)) == -1 ||
	    write(cfd, "scrollback = 10000\n", 19) != 19) {
		report_note("cannot write a config file in /tmp: %s",
		    strerror(errno));
		pool_free(p);
		free(t.json);
		return BENCH_ERR_SYS;
	}
	close(cfd);
	snprintf(hist, sizeof hist, "%d", TUI_HISTORY);
	t0 = now_ns();
	if ((pid = forkpty(&fd, NULL, NULL, &ws)) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		setenv("TERM", "xterm-256color", 1);
		execl(opts.tui, "kchat-tui", "-F", conf, "-b", opts.brokers, "-t",
		    bridge_topic(), "-u", "bench-tui-reader", "-r", t.room,
		    "--history", hist, (char *)NULL);
		_exit(127);
	}
	if (pid == -1) {
		report_note("forkpty: %s", strerror(errno));
		unlink(conf);
		pool_free(p);
		free(t.json);
		return BENCH_ERR_SYS;
	}
	if (tui_wait(fd, TUI_MARK1, 60000) == 0)
		paint_ms = (double)(now_ns() - t0) / 1e6;
	tui_quiet(fd, 300);
	/* Stopped, it reads nothing: the burst waits for it in Kafka. */
	kill(pid, SIGSTOP);
	t0 = now_ns();
	posted = tui_send(p, &t, TUI_HISTORY, TUI_HISTORY + burst, TUI_MARK2);
	post_s = (double)(now_ns() - t0) / 1e9;
	if (posted != (uint64_t)burst)
		report_note("only %llu of %ld burst messages acknowledged",
		    (unsigned long long)posted, burst);
	t0 = now_ns();
	kill(pid, SIGCONT);
	if (tui_wait(fd, TUI_MARK2, 120000 + (int)(burst / 100)) == 0)
		burst_s = (double)(now_ns() - t0) / 1e9;
	tui_quiet(fd, 500);
	rss = proc_status_kb(pid, "VmRSS:");
	anon = proc_status_kb(pid, "RssAnon:");
	/* Ctrl-C quits; then read until it closes the terminal. */
	if (write(fd, "\003", 1) == 1)
		tui_quiet(fd, 3000);
	if (waitpid(pid, &st, WNOHANG) != pid) {
		kill(pid, SIGTERM);
		waitpid(pid, &st, 0);
	}
	close(fd);
	unlink(conf);
	pool_free(p);
	free(t.json);
	report_title("tui: kchat-tui in a 120x40 pty, --history %d, scrollback "
	    "10000, %ld-byte messages", TUI_HISTORY, opts.size);
	report_row("first paint with %d messages of history: %.0f ms",
	    TUI_HISTORY, paint_ms);
	report_row("%ld more posted while it was stopped, in %.2f s (%.0f/s "
	    "through the bridge)", burst, post_s, burst / post_s);
	report_row("resumed, it showed the last of them after %.3f s: %.0f "
	    "lines/s", burst_s, burst_s > 0 ? burst / burst_s : 0.0);
	report_row("RSS with its 10000 lines of scrollback full (%ld posted): "
	    "%.1f MB (%.1f MB its own, RssAnon)", TUI_HISTORY + burst,
	    rss / 1024.0, anon / 1024.0);
	report_json("{\"scenario\":\"tui\",\"history\":%d,\"first_paint_ms\":%.1f,"
	    "\"burst\":%ld,\"burst_posted_s\":%.3f,\"burst_shown_s\":%.3f,"
	    "\"burst_lines_per_s\":%.0f,\"lines\":%ld,\"rss_kb\":%ld,"
	    "\"rss_anon_kb\":%ld}",
	    TUI_HISTORY, paint_ms, burst, post_s, burst_s,
	    burst_s > 0 ? burst / burst_s : 0.0, TUI_HISTORY + burst, rss,
	    anon);
	return paint_ms >= 0 ? BENCH_OK : BENCH_ERR_TIMEOUT;
}
