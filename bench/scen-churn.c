/*
 * scen-churn.c - "churn": WebSocket handshakes per second while a
 * broadcast runs: churners connect, complete the upgrade, close with 1000
 * and connect again, as fast as the bridge lets them; meanwhile the
 * subscribers' latency and the exactly-once check say what churn costs
 * everyone else.
 */
#include "bench.h"

int
scen_churn(void)
{
	struct bcast		*b;
	struct bcast_step	 r;
	unsigned		 subs = opts.conns ? (unsigned)opts.conns : 100;
	unsigned		 senders = opts.senders ? (unsigned)opts.senders : 2;
	unsigned		 churners = opts.churners ? (unsigned)opts.churners : 50;
	double			 rate = opts.rate ? opts.rate : 100;
	double			 secs = opts.duration ? opts.duration : 10;
	int			 err;

	if (senders > subs)
		senders = subs;
	if ((b = bcast_new(subs, senders, churners, &err)) == NULL)
		return err;
	err = bcast_step(b, rate, secs, &r);
	bcast_free(b);
	if (err != BENCH_OK)
		return err;
	report_title("churn: %u churners connecting and closing while %u clients "
	    "in #%s get %.0f msg/s for %.0f s", churners, subs, opts.room, rate,
	    secs);
	report_row("handshakes %llu  %.0f/s  handshake p50 %.2f ms  p99 %.2f ms  "
	    "max %.2f ms  failed connections %lu", (unsigned long long)r.handshakes,
	    (double)r.handshakes / r.send_secs, hist_ms(&r.hs, .5),
	    hist_ms(&r.hs, .99), hist_ms(&r.hs, 1), pool_failures);
	report_row("broadcast  acked %llu of %llu  lost %llu  duplicates %llu  "
	    "p50 %.2f ms  p99 %.2f ms", (unsigned long long)r.acked,
	    (unsigned long long)r.sent, (unsigned long long)r.lost,
	    (unsigned long long)r.dups, hist_ms(&r.lat, .5), hist_ms(&r.lat, .99));
	report_json("{\"scenario\":\"churn\",\"churners\":%u,\"clients\":%u,"
	    "\"rate\":%.0f,\"duration_s\":%.1f,\"handshakes\":%llu,"
	    "\"handshakes_per_s\":%.0f,\"handshake_p50_ms\":%.3f,"
	    "\"handshake_p99_ms\":%.3f,\"failed_connections\":%lu,"
	    "\"sent\":%llu,\"acked\":%llu,\"lost\":%llu,\"duplicates\":%llu,"
	    "\"p50_ms\":%.3f,\"p99_ms\":%.3f}", churners, subs, rate, secs,
	    (unsigned long long)r.handshakes, (double)r.handshakes / r.send_secs,
	    hist_ms(&r.hs, .5), hist_ms(&r.hs, .99), pool_failures,
	    (unsigned long long)r.sent, (unsigned long long)r.acked,
	    (unsigned long long)r.lost, (unsigned long long)r.dups,
	    hist_ms(&r.lat, .5), hist_ms(&r.lat, .99));
	return BENCH_OK;
}
