/*
 * scen-latency.c - "latency": browser -> bridge -> Kafka -> bridge ->
 * browser, at a steady rate, measured at every subscriber for every
 * message (p50/p90/p99/max), with the exactly-once check.
 */
#include "bench.h"

int
scen_latency(void)
{
	struct bcast		*b;
	struct bcast_step	 r;
	unsigned		 subs = opts.conns ? (unsigned)opts.conns : 50;
	unsigned		 senders = opts.senders ? (unsigned)opts.senders : 5;
	double			 rate = opts.rate ? opts.rate : 200;
	double			 secs = opts.duration ? opts.duration : 10;
	int			 err;

	if (senders > subs)
		senders = subs;
	if ((b = bcast_new(subs, senders, 0, &err)) == NULL)
		return err;
	err = bcast_step(b, rate, secs, &r);
	bcast_free(b);
	if (err != BENCH_OK)
		return err;
	report_title("latency: %u clients (%u of them sending) in #%s, %.0f msg/s "
	    "for %.0f s, %ld-byte messages", subs, senders, opts.room, rate, secs,
	    opts.size);
	if (opts.held > 0)
		report_row("and %ld idle connections held in #general", opts.held);
	report_row("messages  sent %llu  acked %llu  refused %llu%s%s  unanswered %llu",
	    (unsigned long long)r.sent, (unsigned long long)r.acked,
	    (unsigned long long)r.refused, r.refused_why[0] ? " " : "",
	    r.refused_why, (unsigned long long)r.unanswered);
	report_row("deliveries %llu of %llu expected  lost %llu  duplicates %llu",
	    (unsigned long long)r.delivered, (unsigned long long)r.expected,
	    (unsigned long long)r.lost, (unsigned long long)r.dups);
	if (opts.stalled > 0)
		report_row("stalled readers %ld (not counted above), cut off by "
		    "the bridge %llu", opts.stalled,
		    (unsigned long long)r.stalled_cut);
	report_row("browser -> Kafka -> browser  p50 %.2f ms  p90 %.2f ms  "
	    "p99 %.2f ms  max %.2f ms", hist_ms(&r.lat, .5), hist_ms(&r.lat, .9),
	    hist_ms(&r.lat, .99), hist_ms(&r.lat, 1));
	report_json("{\"scenario\":\"latency\",\"clients\":%u,\"senders\":%u,"
	    "\"rate\":%.0f,\"duration_s\":%.1f,\"size\":%ld,\"sent\":%llu,"
	    "\"acked\":%llu,\"refused\":%llu,\"unanswered\":%llu,"
	    "\"delivered\":%llu,\"expected\":%llu,\"lost\":%llu,"
	    "\"duplicates\":%llu,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
	    "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"stalled\":%ld,"
	    "\"stalled_cut_off\":%llu,\"held\":%ld}", subs, senders, rate, secs,
	    opts.size, (unsigned long long)r.sent, (unsigned long long)r.acked,
	    (unsigned long long)r.refused, (unsigned long long)r.unanswered,
	    (unsigned long long)r.delivered, (unsigned long long)r.expected,
	    (unsigned long long)r.lost, (unsigned long long)r.dups,
	    hist_ms(&r.lat, .5), hist_ms(&r.lat, .9), hist_ms(&r.lat, .99),
	    hist_ms(&r.lat, 1), opts.stalled, (unsigned long long)r.stalled_cut,
	    opts.held);
	return BENCH_OK;
}
