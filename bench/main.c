/*
 * main.c - kchat-bench: options, --help, and the scenario to run, against a
 * running bridge (--url, or --host and --port) or one it starts itself
 * (--bridge) on a Kafka it is given (-b).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

struct bench_opts opts;

static const struct {
	const char	*name;
	int		(*run)(void);
} scenarios[] = {
	{ "latency", scen_latency },
	{ "fanout", scen_fanout },
	{ "idle", scen_idle },
	{ "churn", scen_churn },
	{ "ingest", scen_ingest },
	{ "tui", scen_tui },
};

const char *
bench_strerror(int err)
{
	switch (err) {
	case BENCH_OK: return "no error";
	case BENCH_ERR_USAGE: return "bad usage (see kchat-bench --help)";
	case BENCH_ERR_SYS: return "a system call failed";
	case BENCH_ERR_BRIDGE: return "the bridge could not be started or reached";
	case BENCH_ERR_CONNECT: return "WebSocket connections to the bridge failed";
	case BENCH_ERR_TIMEOUT: return "timed out";
	}
	return "unknown error";
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: kchat-bench [options] latency|fanout|idle|churn|ingest|tui\n"
"\n"
"Load generator for kchat-bridge: WebSocket clients on raw sockets and epoll.\n"
"Each scenario prints a table and one JSON line (only the JSON with --json).\n"
"\n"
"Scenarios:\n"
"  latency   browser -> Kafka -> browser p50/p90/p99/max at -c subscribers,\n"
"            --senders of them posting -r msg/s in all (default 50, 5, 200)\n"
"  fanout    deliveries/s, refusals, lost and duplicated deliveries and p99\n"
"            as the send rate climbs (--steps; default 500 subscribers)\n"
"  idle      the bridge's RSS per idle connection (-c, default 10000), and\n"
"            what it keeps after they close (needs --pid or --bridge)\n"
"  churn     handshakes/s of --churners reconnecting in a loop during a\n"
"            broadcast to -c subscribers (default 50 churners, 100 clients)\n"
"  ingest    acknowledged browser -> Kafka msg/s of -c senders (default 10),\n"
"            beside kcat's produce rate on the same broker (needs -b)\n"
"  tui       kchat-tui's first paint with 1000 messages of history, the time\n"
"            to show --burst more (default 10000) posted while it was\n"
"            stopped, and its RSS then, in a pty (needs --tui, --bridge, -b)\n"
"\n"
"The bridge:\n"
"      --url URL           ws://HOST:PORT/ of a running bridge\n"
"  -H, --host HOST         its address (default 127.0.0.1)\n"
"  -p, --port PORT         its port (default 8000)\n"
"      --pid PID           its process, for the idle scenario's RSS\n"
"      --bridge PATH       start this kchat-bridge instead, on a free port with\n"
"                          a topic of its own and its limits raised; stop it\n"
"                          at the end\n"
"  -b, --brokers LIST      Kafka for --bridge and for kcat (ingest)\n"
"      --bridge-arg ARG    one more argument for --bridge's bridge, repeatable\n"
"      --tui PATH          the kchat-tui to run (tui scenario)\n"
"\n"
"The load:\n"
"  -c, --connections N     subscribers (idle: connections; ingest: senders)\n"
"      --senders N         subscribers that also post\n"
"  -r, --rate N            messages per second in all (fanout: one step)\n"
"      --steps LIST        fanout's rates, comma separated\n"
"  -d, --duration S        seconds of sending (fanout: per step; idle: the\n"
"                          longest to spend opening, default 120)\n"
"  -s, --size B            message text bytes (default 128)\n"
"      --room NAME         room (default general; others are joined first)\n"
"      --churners N        churn's reconnecting clients\n"
"      --stalled N         latency, fanout: N more clients in the room that\n"
"                          stop reading once connected (stalled browsers)\n"
"      --held N            latency, fanout: N more connections held open and\n"
"                          idle in #general (with --room, out of the\n"
"                          measured room): what a loop pays per connection\n"
"      --window N          ingest: messages in flight per sender (default 32)\n"
"      --burst N           tui: lines posted at once (default 10000)\n"
"      --drain S           after sending, wait for answers and deliveries\n"
"                          until none came for S seconds (default 10)\n"
"      --sources N         spread connections over 127.0.0.1 .. 127.0.0.N\n"
"                          (default one per 2000 connections)\n"
"\n"
"Output:\n"
"      --json              only the JSON line\n"
"  -v, --verbose           keep the started bridge's log\n"
"  -h, --help              this help\n"
"  -V, --version           the version\n"
"\n"
"The descriptor limit is raised for this process (and a bridge it starts)\n"
"as far as the -c asked for needs and the system allows.\n"
"See kchat-bench(1).\n");
}

static long
num(const char *opt, const char *v, long lo, long hi)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < lo || n > hi) {
		fprintf(stderr, "kchat-bench: %s: expected a number from %ld to "
		    "%ld, got \"%s\"\n", opt, lo, hi, v);
		exit(2);
	}
	return n;
}

static double
fnum(const char *opt, const char *v, double lo, double hi)
{
	char	*end;
	double	 n;

	n = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || !(n >= lo && n <= hi)) {
		fprintf(stderr, "kchat-bench: %s: expected a number from %g to "
		    "%g, got \"%s\"\n", opt, lo, hi, v);
		exit(2);
	}
	return n;
}

/* ws://HOST:PORT[/...] */
static void
parse_url(const char *u)
{
	const char	*h, *colon, *slash;
	size_t		 l;

	if (strncmp(u, "ws://", 5) != 0) {
		fprintf(stderr, "kchat-bench: --url: expected ws://HOST:PORT/, "
		    "got \"%s\" (wss is not supported)\n", u);
		exit(2);
	}
	h = u + 5;
	slash = strchr(h, '/');
	l = slash ? (size_t)(slash - h) : strlen(h);
	colon = memchr(h, ':', l);
	if (colon != NULL) {
		char port[16];

		snprintf(port, sizeof port, "%.*s", (int)(h + l - colon - 1),
		    colon + 1);
		opts.port = (int)num("--url port", port, 1, 65535);
		l = (size_t)(colon - h);
	} else
		opts.port = 80;
	if (l == 0 || l >= sizeof opts.host) {
		fprintf(stderr, "kchat-bench: --url: no host in \"%s\"\n", u);
		exit(2);
	}
	snprintf(opts.host, sizeof opts.host, "%.*s", (int)l, h);
}

static void
parse_steps(const char *v)
{
	char	*copy = strdup(v), *s, *save = NULL;

	for (s = strtok_r(copy, ",", &save); s != NULL;
	    s = strtok_r(NULL, ",", &save)) {
		if (opts.nsteps == 32) {
			fprintf(stderr, "kchat-bench: --steps: at most 32\n");
			exit(2);
		}
		opts.steps[opts.nsteps++] = fnum("--steps", s, 1, 1e7);
	}
	free(copy);
}

static int
room_ok(const char *r)
{
	size_t i, n = strlen(r);

	if (n == 0 || n > 24 || r[0] == '.' || r[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= 'A' && r[i] <= 'Z') ||
		    (r[i] >= '0' && r[i] <= '9') || r[i] == '_' || r[i] == '.' ||
		    r[i] == '-'))
			return 0;
	}
	return 1;
}

static void
on_signal(int sig)
{
	bridge_kill();
	_exit(128 + sig);
}

enum { OPT_URL = 256, OPT_PID, OPT_BRIDGE, OPT_BRIDGE_ARG, OPT_SENDERS,
    OPT_STEPS, OPT_ROOM, OPT_CHURNERS, OPT_WINDOW, OPT_SOURCES, OPT_DRAIN,
    OPT_JSON, OPT_TUI, OPT_STALLED, OPT_HELD, OPT_BURST };

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, OPT_URL },
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "bridge", required_argument, NULL, OPT_BRIDGE },
		{ "brokers", required_argument, NULL, 'b' },
		{ "bridge-arg", required_argument, NULL, OPT_BRIDGE_ARG },
		{ "tui", required_argument, NULL, OPT_TUI },
		{ "connections", required_argument, NULL, 'c' },
		{ "senders", required_argument, NULL, OPT_SENDERS },
		{ "rate", required_argument, NULL, 'r' },
		{ "steps", required_argument, NULL, OPT_STEPS },
		{ "duration", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 's' },
		{ "room", required_argument, NULL, OPT_ROOM },
		{ "churners", required_argument, NULL, OPT_CHURNERS },
		{ "stalled", required_argument, NULL, OPT_STALLED },
		{ "held", required_argument, NULL, OPT_HELD },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "burst", required_argument, NULL, OPT_BURST },
		{ "drain", required_argument, NULL, OPT_DRAIN },
		{ "sources", required_argument, NULL, OPT_SOURCES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char	 err[512];
	long	 need, have;
	size_t	 i;
	int	 ch, rc;

	snprintf(opts.host, sizeof opts.host, "127.0.0.1");
	opts.port = 8000;
	opts.size = 128;
	opts.window = 32;
	opts.burst = 10000;
	opts.drain = 10;
	snprintf(opts.room, sizeof opts.room, "general");
	while ((ch = getopt_long(argc, argv, "H:p:b:c:r:d:s:vhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_URL: parse_url(optarg); break;
		case 'H': snprintf(opts.host, sizeof opts.host, "%s", optarg); break;
		case 'p': opts.port = (int)num("--port", optarg, 1, 65535); break;
		case OPT_PID: opts.pid = num("--pid", optarg, 1, 1L << 30); break;
		case OPT_BRIDGE: opts.bridge = optarg; break;
		case 'b': opts.brokers = optarg; break;
		case OPT_TUI: opts.tui = optarg; break;
		case OPT_BRIDGE_ARG:
			if (opts.nbridge_args == 32) {
				fprintf(stderr, "kchat-bench: --bridge-arg: at most 32\n");
				return 2;
			}
			opts.bridge_args[opts.nbridge_args++] = optarg;
			break;
		case 'c': opts.conns = num("--connections", optarg, 1, 1000000); break;
		case OPT_SENDERS: opts.senders = num("--senders", optarg, 1, 10000); break;
		case 'r': opts.rate = fnum("--rate", optarg, 0.1, 1e7); break;
		case OPT_STEPS: parse_steps(optarg); break;
		case 'd': opts.duration = fnum("--duration", optarg, 0.1, 86400); break;
		case 's': opts.size = num("--size", optarg, 40, 1000000); break;
		case OPT_ROOM:
			if (!room_ok(optarg)) {
				fprintf(stderr, "kchat-bench: --room: 1-24 of A-Z a-z "
				    "0-9 _ . - not starting with . or -, got \"%s\"\n",
				    optarg);
				return 2;
			}
			snprintf(opts.room, sizeof opts.room, "%s", optarg);
			break;
		case OPT_CHURNERS: opts.churners = num("--churners", optarg, 1, 100000); break;
		case OPT_STALLED: opts.stalled = num("--stalled", optarg, 1, 100000); break;
		case OPT_HELD: opts.held = num("--held", optarg, 1, 1000000); break;
		case OPT_WINDOW: opts.window = num("--window", optarg, 1, 10000); break;
		case OPT_BURST: opts.burst = num("--burst", optarg, 1, 10000000); break;
		case OPT_DRAIN: opts.drain = fnum("--drain", optarg, 0, 3600); break;
		case OPT_SOURCES: opts.sources = num("--sources", optarg, 1, 250); break;
		case OPT_JSON: opts.json_only = 1; break;
		case 'v': opts.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("kchat-bench %s\n", BENCH_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "kchat-bench: name one scenario: latency, fanout, "
		    "idle, churn, ingest or tui\n");
		return 2;
	}
	opts.scenario = argv[optind];
	for (i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
		if (strcmp(opts.scenario, scenarios[i].name) == 0)
			break;
	}
	if (i == sizeof scenarios / sizeof scenarios[0]) {
		fprintf(stderr, "kchat-bench: no scenario \"%s\": latency, fanout, "
		    "idle, churn, ingest or tui\n", opts.scenario);
		return 2;
	}
	need = (opts.conns ? opts.conns : strcmp(opts.scenario, "idle") == 0 ?
	    10000 : 1000) + opts.churners + opts.stalled + opts.held + 1024;
	if ((have = bridge_nofile(need)) < need) {
		report_note("%s: %ld descriptors are needed and the limit is %ld "
		    "(ulimit -Hn; raising the hard limit needs root with "
		    "CAP_SYS_RESOURCE): ask for fewer connections", opts.scenario,
		    need, have);
		/* A figure at a size that cannot be reached is no figure. */
		if (strcmp(opts.scenario, "idle") == 0) {
			report_json("{\"scenario\":\"idle\",\"connections\":%ld,"
			    "\"skipped\":\"descriptor limit %ld\"}", opts.conns, have);
			return 0;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (opts.bridge != NULL &&
	    (rc = bridge_start(err, sizeof err)) != BENCH_OK) {
		fprintf(stderr, "kchat-bench: %s\n", err);
		return 1;
	}
	rc = scenarios[i].run();
	bridge_stop();
	if (rc != BENCH_OK) {
		fprintf(stderr, "kchat-bench: %s: %s%s%s\n", opts.scenario,
		    bench_strerror(rc), pool_last_error[0] ? ": " : "",
		    pool_last_error);
		return rc == BENCH_ERR_USAGE ? 2 : 1;
	}
	return 0;
}
