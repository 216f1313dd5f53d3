/*
 * scen-fanout.c - "fanout": many subscribers in one room while the send
 * rate climbs in steps (--steps, or one step at -r); per step, deliveries
 * per second, refusals, lost and duplicated deliveries, and latency. Each
 * step waits for its stragglers before the next begins.
 */
#include <stdlib.h>

#include "bench.h"

/* The bridge's CPU per delivery in µs, or -1 without its PID. */
static double
fanout_us(const struct bcast_step *r)
{
	if (r->bridge_cpu_s < 0 || r->delivered == 0)
		return -1;
	return r->bridge_cpu_s * 1e6 / (double)r->delivered;
}

int
scen_fanout(void)
{
	static const double	 dflt[] = { 100, 200, 500, 1000, 2000 };
	struct bcast		*b;
	struct bcast_step	*r;
	unsigned		 subs = opts.conns ? (unsigned)opts.conns : 500;
	unsigned		 senders = opts.senders ? (unsigned)opts.senders : 10;
	double			 secs = opts.duration ? opts.duration : 5;
	const double		*steps = dflt;
	int			 n = 5, i, err = BENCH_OK;

	if (opts.nsteps > 0) {
		steps = opts.steps;
		n = opts.nsteps;
	} else if (opts.rate > 0) {
		steps = &opts.rate;
		n = 1;
	}
	if (senders > subs)
		senders = subs;
	if ((r = calloc((size_t)n, sizeof *r)) == NULL)
		return BENCH_ERR_SYS;
	if ((b = bcast_new(subs, senders, 0, &err)) == NULL) {
		free(r);
		return err;
	}
	report_title("fanout: %u clients (%u of them sending) in #%s, %.0f s per "
	    "step, %ld-byte messages", subs, senders, opts.room, secs, opts.size);
	if (opts.held > 0)
		report_row("and %ld idle connections held in #general", opts.held);
	if (opts.stalled > 0)
		report_row("and %ld stalled readers, not counted below (the JSON "
		    "says how many the bridge cut off at each step)", opts.stalled);
	report_row("%8s %9s %8s %8s %12s %8s %6s %9s %9s %9s %10s %7s %7s",
	    "msg/s", "sent", "acked", "refused", "deliveries/s", "lost", "dups",
	    "p50 ms", "p99 ms", "max ms", "bridge CPU", "bridge", "bench");
	report_row("%8s %9s %8s %8s %12s %8s %6s %9s %9s %9s %10s %7s %7s", "",
	    "", "", "", "", "", "", "", "", "", "µs/dlv", "CPU %", "CPU %");
	for (i = 0; i < n && err == BENCH_OK; i++) {
		if ((err = bcast_step(b, steps[i], secs, &r[i])) != BENCH_OK)
			break;
		report_row("%8.0f %9llu %8llu %8llu %12.0f %8llu %6llu %9.2f %9.2f "
		    "%9.2f %10.2f %7.0f %7.0f%s%s", steps[i], (unsigned long long)r[i].sent,
		    (unsigned long long)r[i].acked,
		    (unsigned long long)r[i].refused, r[i].deliveries_per_s,
		    (unsigned long long)r[i].lost, (unsigned long long)r[i].dups,
		    hist_ms(&r[i].lat, .5), hist_ms(&r[i].lat, .99),
		    hist_ms(&r[i].lat, 1), fanout_us(&r[i]),
		    100 * r[i].bridge_cpu_s / r[i].wall_secs,
		    100 * r[i].self_cpu_s / r[i].wall_secs,
		    r[i].refused_why[0] ? "  refused: " : "",
		    r[i].refused_why);
	}
	bcast_free(b);
	if (err == BENCH_OK) {
		printf("{\"scenario\":\"fanout\",\"clients\":%u,\"senders\":%u,"
		    "\"stalled\":%ld,\"held\":%ld,\"step_s\":%.1f,\"size\":%ld,"
		    "\"steps\":[", subs, senders, opts.stalled, opts.held, secs,
		    opts.size);
		for (i = 0; i < n; i++)
			printf("%s{\"rate\":%.0f,\"sent\":%llu,\"acked\":%llu,"
			    "\"refused\":%llu,\"unanswered\":%llu,\"delivered\":%llu,"
			    "\"expected\":%llu,\"lost\":%llu,\"duplicates\":%llu,"
			    "\"deliveries_per_s\":%.0f,\"p50_ms\":%.3f,"
			    "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"bridge_cpu_s\":%.2f,"
			    "\"bridge_cpu_us_per_delivery\":%.3f,\"bench_cpu_s\":%.2f,"
			    "\"wall_s\":%.2f,\"stalled_cut_off\":%llu}",
			    i ? "," : "",
			    steps[i], (unsigned long long)r[i].sent,
			    (unsigned long long)r[i].acked,
			    (unsigned long long)r[i].refused,
			    (unsigned long long)r[i].unanswered,
			    (unsigned long long)r[i].delivered,
			    (unsigned long long)r[i].expected,
			    (unsigned long long)r[i].lost,
			    (unsigned long long)r[i].dups, r[i].deliveries_per_s,
			    hist_ms(&r[i].lat, .5), hist_ms(&r[i].lat, .99),
			    hist_ms(&r[i].lat, 1), r[i].bridge_cpu_s, fanout_us(&r[i]),
			    r[i].self_cpu_s, r[i].wall_secs,
			    (unsigned long long)r[i].stalled_cut);
		report_json("]}");
	}
	free(r);
	return err;
}
