/*
 * scen-idle.c - "idle": the bridge's resident memory per idle WebSocket.
 * Reads VmRSS from /proc/PID/status before, with -c connections open and
 * settled, and after they all closed (is the memory given back?). Pings
 * from the bridge are answered meanwhile, as a browser would. Opening
 * stops after -d seconds (default 120): the figure is then per connection
 * actually opened, and the run says how many that was.
 */
#include <stdlib.h>
#include <time.h>

#include "bench.h"

/* Runs the loop until the bridge's RSS stops moving (at most 15 s). */
static long
idle_settle(struct pool *p)
{
	long		 last = bridge_rss_kb(), now;
	uint64_t	 end = now_ns() + 15 * NS_PER_S, next;
	int		 still = 0;

	while (now_ns() < end && still < 2) {
		next = now_ns() + 500 * NS_PER_MS;
		while (now_ns() < next) {
			if (p != NULL)
				pool_run(p, 50);
			else
				nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
		}
		now = bridge_rss_kb();
		still = labs(now - last) * 200 <= last ? still + 1 : 0;
		last = now;
	}
	return last;
}

int
scen_idle(void)
{
	struct pool_cb	 cb = { NULL, NULL, NULL, NULL };
	struct pool	*p;
	unsigned	 n = opts.conns ? (unsigned)opts.conns : 10000, open, i;
	long		 rss0, rss1, rss2;
	uint64_t	 t0, end;
	double		 open_s;

	if (bridge_rss_kb() < 0) {
		report_note("idle needs the bridge's process to read its memory: "
		    "give --pid PID of a bridge on this machine, or --bridge");
		return BENCH_ERR_USAGE;
	}
	if ((p = pool_new(n, &cb)) == NULL)
		return BENCH_ERR_SYS;
	rss0 = idle_settle(p);
	t0 = now_ns();
	open = pool_open_range(p, 0, n, "bi", "", 0, 512,
	    (int)((opts.duration ? opts.duration : 120) * 1000));
	open_s = (double)(now_ns() - t0) / 1e9;
	if (open < n)
		report_note("%u of %u connections opened in %.0f s (%lu failed): %s",
		    open, n, open_s,
		    pool_failures, pool_last_error[0] ? pool_last_error :
		    "timed out");
	rss1 = idle_settle(p);
	for (i = 0; i < n; i++)
		pool_close(p, pool_conn(p, i));
	end = now_ns() + 60 * NS_PER_S;
	while (pool_count(p, CONN_CLOSING) > 0 && now_ns() < end)
		pool_run(p, 20);
	pool_free(p);
	rss2 = idle_settle(NULL);
	report_title("idle: %u WebSocket connections held open, then closed", n);
	report_row("opened %u in %.1f s (%.0f handshakes/s)", open, open_s,
	    open / open_s);
	report_row("bridge RSS  before %.1f MB  with them %.1f MB  after closing "
	    "%.1f MB", rss0 / 1024.0, rss1 / 1024.0, rss2 / 1024.0);
	report_row("per idle connection %.2f KB; kept after closing %.1f MB",
	    open ? (double)(rss1 - rss0) / open : 0, (rss2 - rss0) / 1024.0);
	report_json("{\"scenario\":\"idle\",\"connections\":%u,\"opened\":%u,"
	    "\"open_s\":%.2f,\"rss_before_kb\":%ld,\"rss_open_kb\":%ld,"
	    "\"rss_after_close_kb\":%ld,\"kb_per_connection\":%.2f,"
	    "\"kept_after_close_kb\":%ld}", n, open, open_s, rss0, rss1, rss2,
	    open ? (double)(rss1 - rss0) / open : 0, rss2 - rss0);
	return open == n ? BENCH_OK : BENCH_ERR_CONNECT;
}
