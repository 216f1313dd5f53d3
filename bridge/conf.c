/*
 * conf.c - kchat-bridge's settings: defaults < config file (-F) <
 * environment < command line, all kept in one kc_conf so that every bridge
 * setting can come from any of the four. -X passes librdkafka properties
 * through, as kcat does.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "bridge.h"

#ifndef KCHAT_STATIC_DIR
#define KCHAT_STATIC_DIR "/usr/local/share/kchat/static"
#endif

struct bridge_opts opts;

/* Bridge keys, their defaults and the flags that set them. */
static const struct {
	const char	*key;
	const char	*def;
} conf_keys[] = {
	{ "host", "127.0.0.1" },
	{ "port", "8000" },
	{ "static-dir", NULL },
	{ "allow-origin", NULL },
	{ "max-message", "16384" },
	{ "rate", "10" },
	{ "burst", "20" },
	{ "max-conns-per-ip", "32" },
	{ "conn-rate-per-ip", "10" },
	{ "rate-per-ip", NULL },		/* 10 x rate */
	{ "burst-per-ip", NULL },	/* 10 x burst */
	{ "send-queue", "256" },
	{ "send-queue-bytes", "4194304" },
	{ "idle-timeout", "60" },
	{ "shutdown-timeout", "5000" },
	{ "history-timeout", "5000" },
	{ "history-window", NULL },	/* --history */
	{ "history-window-bytes", "33554432" },
	{ "retention", "forever" },
	{ "log-level", "info" },
	{ "users", NULL },
	{ "session-key", NULL },
	{ "session-lifetime", "604800" },	/* a week */
	{ "tls-cert", NULL },
	{ "tls-key", NULL },
	{ "admin-listen", NULL },
	{ "event-loop", "libev" },
};

enum {
	OPT_STATIC_DIR = 256,
	OPT_ALLOW_ORIGIN,
	OPT_HISTORY,
	OPT_MAX_MESSAGE,
	OPT_RATE,
	OPT_BURST,
	OPT_MAX_CONNS,
	OPT_CONN_RATE_IP,
	OPT_RATE_IP,
	OPT_BURST_IP,
	OPT_SEND_QUEUE,
	OPT_SEND_QUEUE_BYTES,
	OPT_IDLE,
	OPT_SHUTDOWN,
	OPT_EMBEDDED,
	OPT_RETENTION,
	OPT_CHECK_TOPICS,
	OPT_USERS,
	OPT_SESSION_KEY,
	OPT_SESSION_LIFETIME,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_ADMIN_LISTEN,
	OPT_HISTORY_WINDOW,
	OPT_HISTORY_WINDOW_BYTES,
	OPT_EVENT_LOOP,
};

static const char short_opts[] = "b:t:X:F:H:p:vqhV";

static const struct option long_opts[] = {
	{ "brokers",		required_argument, NULL, 'b' },
	{ "topic",		required_argument, NULL, 't' },
	{ "config",		required_argument, NULL, 'F' },
	{ "host",		required_argument, NULL, 'H' },
	{ "port",		required_argument, NULL, 'p' },
	{ "static-dir",		required_argument, NULL, OPT_STATIC_DIR },
	{ "allow-origin",	required_argument, NULL, OPT_ALLOW_ORIGIN },
	{ "history",		required_argument, NULL, OPT_HISTORY },
	{ "max-message",	required_argument, NULL, OPT_MAX_MESSAGE },
	{ "history-window",	required_argument, NULL, OPT_HISTORY_WINDOW },
	{ "history-window-bytes", required_argument, NULL,
	    OPT_HISTORY_WINDOW_BYTES },
	{ "rate",		required_argument, NULL, OPT_RATE },
	{ "burst",		required_argument, NULL, OPT_BURST },
	{ "max-conns-per-ip",	required_argument, NULL, OPT_MAX_CONNS },
	{ "conn-rate-per-ip",	required_argument, NULL, OPT_CONN_RATE_IP },
	{ "rate-per-ip",	required_argument, NULL, OPT_RATE_IP },
	{ "burst-per-ip",	required_argument, NULL, OPT_BURST_IP },
	{ "send-queue",		required_argument, NULL, OPT_SEND_QUEUE },
	{ "send-queue-bytes",	required_argument, NULL, OPT_SEND_QUEUE_BYTES },
	{ "idle-timeout",	required_argument, NULL, OPT_IDLE },
	{ "shutdown-timeout",	required_argument, NULL, OPT_SHUTDOWN },
	{ "embedded-kafka",	no_argument,	   NULL, OPT_EMBEDDED },
	{ "retention",		required_argument, NULL, OPT_RETENTION },
	{ "check-topics",	no_argument,	   NULL, OPT_CHECK_TOPICS },
	{ "users",		required_argument, NULL, OPT_USERS },
	{ "session-key",	required_argument, NULL, OPT_SESSION_KEY },
	{ "session-lifetime",	required_argument, NULL, OPT_SESSION_LIFETIME },
	{ "tls-cert",		required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key",		required_argument, NULL, OPT_TLS_KEY },
	{ "admin-listen",	required_argument, NULL, OPT_ADMIN_LISTEN },
	{ "event-loop",		required_argument, NULL, OPT_EVENT_LOOP },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
conf_usage(FILE *f)
{
	fprintf(f,
"usage: kchat-bridge [options]\n"
"\n"
"The WebSocket bridge between browsers and the kchat Kafka topic; also serves\n"
"the web client.\n"
"\n"
"Kafka:\n"
"  -b, --brokers LIST        bootstrap servers (KAFKA_BOOTSTRAP_SERVERS)\n"
"  -t, --topic NAME          chat topic (CHAT_TOPIC), default chat-messages\n"
"  -X PROP=VALUE             librdkafka property (SASL, SSL, ...), repeatable\n"
"  -F, --config FILE         read \"key = value\" lines (flag names as keys)\n"
"      --embedded-kafka      run an in-process broker (memory only!)\n"
"      --retention DURATION  history a new chat topic keeps: forever (default),\n"
"                            or 30d, 12h, ...; a shorter one is warned about\n"
"      --check-topics        print the topics' layout and every setting that\n"
"                            loses or endangers messages, with the fix; exit 1\n"
"                            when there is one\n"
"HTTP and WebSocket:\n"
"  -H, --host ADDR           listen address (SERVER_HOST), default 127.0.0.1\n"
"  -p, --port PORT           listen port (SERVER_PORT), default 8000\n"
"      --static-dir DIR      web client files, default the installed ones\n"
"      --allow-origin ORIGIN also accept this Origin (repeatable; * = any)\n"
"      --history N           messages sent on join, default 50\n"
"      --history-window N    recent messages kept in memory per joined room,\n"
"                            so that a join's history needs no Kafka read;\n"
"                            default --history, 0: always read Kafka\n"
"      --history-window-bytes N  memory for them in all, default 33554432;\n"
"                            the rooms joined least recently go first\n"
"      --admin-listen ADDR:PORT  serve /healthz and /metrics there only\n"
"Accounts and TLS (see kchat-passwd(1)):\n"
"      --users FILE          accounts on: log in with a user of FILE\n"
"      --session-key FILE    key signing session cookies, shared by every\n"
"                            bridge behind a load balancer (32+ bytes, mode\n"
"                            600); default a random one per process\n"
"      --session-lifetime SECS  how long a login lasts, default 604800\n"
"      --tls-cert FILE       serve HTTPS and WSS with this certificate (PEM;\n"
"                            read again on SIGHUP)\n"
"      --tls-key FILE        its private key (mode 600)\n"
"Limits:\n"
"      --max-message BYTES   largest client message, all fragments, default 16384\n"
"      --rate N              frames per second per connection, default 10\n"
"      --burst N             token bucket size, default 20\n"
"      --max-conns-per-ip N  connections per client address, default 32\n"
"      --conn-rate-per-ip N  new connections per second per address, default 10\n"
"      --rate-per-ip N       frames per second per address (all its\n"
"                            connections), default 10 x --rate\n"
"      --burst-per-ip N      that bucket's size, default 10 x --burst\n"
"      --send-queue N        frames queued per connection, default 256\n"
"      --send-queue-bytes N  bytes queued per connection, default 4194304\n"
"      --idle-timeout SECS   close a connection silent this long (pinged\n"
"                            halfway), default 60\n"
"      --shutdown-timeout MS wait for Kafka on SIGTERM, default 5000\n"
"      --event-loop LOOP     libev (epoll: a pass costs what is ready) or\n"
"                            poll (lws's own: every connection, each pass),\n"
"                            default libev\n"
"Other:\n"
"  -v, --verbose             more logging (repeat for debug)\n"
"  -q, --quiet               errors only\n"
"  -h, --help                this text\n"
"  -V, --version             print the version\n");
}

static int
conf_add_origin(const char *o)
{
	char **v;

	if ((v = realloc(opts.origins, (opts.norigins + 1) * sizeof *v)) == NULL)
		return -1;
	opts.origins = v;
	if ((v[opts.norigins] = strdup(o)) == NULL)
		return -1;
	opts.norigins++;
	return 0;
}

/* Splits a comma or space separated list of origins (config file, env). */
static int
conf_add_origins(const char *list)
{
	char	*copy, *p, *tok;
	int	 rc = 0;

	if (list == NULL || (copy = strdup(list)) == NULL)
		return list == NULL ? 0 : -1;
	for (p = copy; (tok = strsep(&p, ", \t")) != NULL;) {
		if (*tok != '\0' && conf_add_origin(tok) == -1)
			rc = -1;
	}
	free(copy);
	return rc;
}

static void
conf_die(const char *what, int err, const char *errstr)
{
	fprintf(stderr, "kchat-bridge: %s: %s\n", what,
	    errstr != NULL && *errstr != '\0' ? errstr : kc_strerror(err));
	exit(1);
}

static const char *
conf_key_for(int ch)
{
	switch (ch) {
	case 'b': return "brokers";
	case 't': return "topic";
	case 'H': return "host";
	case 'p': return "port";
	case OPT_STATIC_DIR: return "static-dir";
	case OPT_HISTORY: return "history";
	case OPT_MAX_MESSAGE: return "max-message";
	case OPT_HISTORY_WINDOW: return "history-window";
	case OPT_HISTORY_WINDOW_BYTES: return "history-window-bytes";
	case OPT_RATE: return "rate";
	case OPT_BURST: return "burst";
	case OPT_MAX_CONNS: return "max-conns-per-ip";
	case OPT_CONN_RATE_IP: return "conn-rate-per-ip";
	case OPT_RATE_IP: return "rate-per-ip";
	case OPT_BURST_IP: return "burst-per-ip";
	case OPT_SEND_QUEUE: return "send-queue";
	case OPT_SEND_QUEUE_BYTES: return "send-queue-bytes";
	case OPT_IDLE: return "idle-timeout";
	case OPT_SHUTDOWN: return "shutdown-timeout";
	case OPT_RETENTION: return "retention";
	case OPT_USERS: return "users";
	case OPT_SESSION_KEY: return "session-key";
	case OPT_SESSION_LIFETIME: return "session-lifetime";
	case OPT_TLS_CERT: return "tls-cert";
	case OPT_TLS_KEY: return "tls-key";
	case OPT_ADMIN_LISTEN: return "admin-listen";
	case OPT_EVENT_LOOP: return "event-loop";
	default: return NULL;
	}
}

/* The one kc_conf, from its four levels; then the flags that are not settings. */
static struct kc_conf *
conf_build(int argc, char **argv)
{
	struct kc_conf	*c;
	const char	*what;
	char		 errstr[512] = "";
	int		 ch, err, i;

	if ((c = kc_conf_new()) == NULL)
		conf_die("configuration", KC_ERR_NOMEM, NULL);
	for (i = 0; i < (int)(sizeof conf_keys / sizeof conf_keys[0]); i++) {
		if ((err = kc_conf_define(c, conf_keys[i].key, conf_keys[i].def)) != KC_OK)
			conf_die("configuration", err, NULL);
	}
	if (kc_conf_bind_env(c, "SERVER_HOST", "host") != KC_OK ||
	    kc_conf_bind_env(c, "SERVER_PORT", "port") != KC_OK)
		conf_die("configuration", KC_ERR_NOMEM, NULL);
	/* No default file: the bridge reads one only when -F names it. */
	if ((err = kc_conf_load_all(c, NULL, argc, argv, short_opts, long_opts,
	    conf_key_for, &what, errstr, sizeof errstr)) != KC_OK)
		conf_die(what, err, errstr);

	optind = 0;
	while ((ch = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		if (ch == OPT_ALLOW_ORIGIN) {
			if (conf_add_origin(optarg) == -1)
				conf_die(argv[optind - 1], KC_ERR_NOMEM, NULL);
		} else if (ch == OPT_EMBEDDED)
			opts.embedded = 1;
		else if (ch == OPT_CHECK_TOPICS)
			opts.check_topics = 1;
		else if (ch == 'v')
			opts.log_level++;
		else if (ch == 'q')
			opts.log_level = LOG_ERROR;
	}
	return c;
}

/* A number from the configuration, within [lo, hi], or exit. */
static long
conf_number(const char *key, long lo, long hi)
{
	const char	*v = kc_conf_get(opts.conf, key);
	char		*end;
	long		 n;

	errno = 0;
	n = v != NULL ? strtol(v, &end, 10) : 0;
	if (v == NULL || *v == '\0' || *end != '\0' || errno != 0 ||
	    n < lo || n > hi) {
		fprintf(stderr, "kchat-bridge: %s: expected a number from %ld "
		    "to %ld, got \"%s\"\n", key, lo, hi, v ? v : "");
		exit(1);
	}
	return n;
}

static int conf_is_dir(const char *);

/*
 * The web client of an installed bridge: <prefix>/share/kchat/static where
 * the program is <prefix>/bin/kchat-bridge, so that an installation moved
 * elsewhere (or installed with another prefix or DESTDIR) still finds it.
 */
static int
conf_installed_static(char *buf, size_t len)
{
	char	 exe[PATH_MAX], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return 0;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return 0;
	*slash = '\0';		/* <prefix>/bin */
	if ((slash = strrchr(exe, '/')) == NULL || strcmp(slash, "/bin") != 0)
		return 0;
	*slash = '\0';		/* <prefix> */
	if ((size_t)snprintf(buf, len, "%s/share/kchat/static", exe) >= len)
		return 0;
	return conf_is_dir(buf);
}

static int
conf_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
conf_parse(int argc, char **argv)
{
	const char	*v;
	int		 ch, err;

	opts.log_level = LOG_INFO;
	opterr = 1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		if (ch == 'h') {
			conf_usage(stdout);
			exit(0);
		}
		if (ch == 'V') {
			printf("kchat-bridge %s\n", KC_VERSION_STRING);
			exit(0);
		}
		if (ch == '?') {
			conf_usage(stderr);
			exit(1);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kchat-bridge: unexpected argument \"%s\"\n",
		    argv[optind]);
		exit(1);
	}
	opterr = 0;

	opts.conf = conf_build(argc, argv);
	snprintf(opts.topic, sizeof opts.topic, "%s",
	    kc_conf_get(opts.conf, "topic"));
	if ((err = kc_presence_topic(opts.topic, opts.ptopic,
	    sizeof opts.ptopic)) != KC_OK)
		conf_die("topic", err, "topic name too long");

	opts.host = kc_conf_get(opts.conf, "host");
	opts.port = (int)conf_number("port", 0, 65535);
	opts.max_message = (size_t)conf_number("max-message", 64, KC_JSON_MAX);
	opts.rate = (double)conf_number("rate", 1, 100000);
	opts.burst = (double)conf_number("burst", 1, 100000);
	opts.max_conns_ip = (unsigned)conf_number("max-conns-per-ip", 1, 1000000);
	opts.conn_rate_ip = (double)conf_number("conn-rate-per-ip", 1, 1000000);
	/* Unset: ten connections' worth. */
	opts.rate_ip = kc_conf_get(opts.conf, "rate-per-ip") != NULL ?
	    (double)conf_number("rate-per-ip", 1, 10000000) : 10 * opts.rate;
	opts.burst_ip = kc_conf_get(opts.conf, "burst-per-ip") != NULL ?
	    (double)conf_number("burst-per-ip", 1, 10000000) : 10 * opts.burst;
	opts.send_queue = (unsigned)conf_number("send-queue", 4, 1000000);
	opts.send_queue_bytes = (size_t)conf_number("send-queue-bytes",
	    KC_JSON_MAX, 1L << 30);
	opts.idle_timeout = (int)conf_number("idle-timeout", 2, 86400);
	opts.history = (unsigned)conf_number("history", 0, 500);
	opts.history_window = kc_conf_get(opts.conf, "history-window") != NULL ?
	    (unsigned)conf_number("history-window", 0, 100000) : opts.history;
	opts.history_window_bytes = (size_t)conf_number("history-window-bytes",
	    0, 1L << 40);
	opts.shutdown_ms = (int)conf_number("shutdown-timeout", 0, 600000);
	opts.history_timeout_ms = (int)conf_number("history-timeout", 100, 600000);
	if (kc_retention_parse(kc_conf_get(opts.conf, "retention"),
	    &opts.retention_ms) != KC_OK)
		conf_die("retention", KC_ERR_CONFIG, "a duration: forever, "
		    "or a number with d, h, m, s or ms, such as 30d");
	if (conf_add_origins(kc_conf_get(opts.conf, "allow-origin")) == -1)
		conf_die("allow-origin", KC_ERR_NOMEM, NULL);

	opts.users = kc_conf_get(opts.conf, "users");
	opts.session_key = kc_conf_get(opts.conf, "session-key");
	opts.session_lifetime = (int)conf_number("session-lifetime", 60,
	    366 * 86400);
	opts.tls_cert = kc_conf_get(opts.conf, "tls-cert");
	opts.tls_key = kc_conf_get(opts.conf, "tls-key");
	opts.admin_listen = kc_conf_get(opts.conf, "admin-listen");
	if (opts.users != NULL && *opts.users == '\0')
		opts.users = NULL;
	if (opts.tls_cert != NULL && *opts.tls_cert == '\0')
		opts.tls_cert = NULL;
	if (opts.tls_key != NULL && *opts.tls_key == '\0')
		opts.tls_key = NULL;
	if (opts.admin_listen != NULL && *opts.admin_listen == '\0')
		opts.admin_listen = NULL;
	v = kc_conf_get(opts.conf, "event-loop");
	if (strcmp(v, "libev") == 0)
		opts.poll_loop = 0;
	else if (strcmp(v, "poll") == 0)
		opts.poll_loop = 1;
	else
		conf_die("event-loop", KC_ERR_CONFIG, "libev or poll");

	if ((v = kc_conf_get(opts.conf, "log-level")) != NULL &&
	    opts.log_level == LOG_INFO) {
		if (strcmp(v, "error") == 0)
			opts.log_level = LOG_ERROR;
		else if (strcmp(v, "warn") == 0)
			opts.log_level = LOG_WARN;
		else if (strcmp(v, "debug") == 0)
			opts.log_level = LOG_DEBUG;
	}

	if ((v = kc_conf_get(opts.conf, "static-dir")) != NULL)
		snprintf(opts.static_dir, sizeof opts.static_dir, "%s", v);
	else if (conf_installed_static(opts.static_dir, sizeof opts.static_dir))
		;	/* beside the installed program, wherever it went */
	else if (conf_is_dir(KCHAT_STATIC_DIR))
		snprintf(opts.static_dir, sizeof opts.static_dir, "%s",
		    KCHAT_STATIC_DIR);
#ifdef KCHAT_SOURCE_STATIC_DIR
	else
		snprintf(opts.static_dir, sizeof opts.static_dir, "%s",
		    KCHAT_SOURCE_STATIC_DIR);
#endif
	if (!conf_is_dir(opts.static_dir)) {
		fprintf(stderr, "kchat-bridge: static directory \"%s\" not "
		    "found (use --static-dir)\n", opts.static_dir);
		exit(1);
	}
	/* lws wants an absolute origin for file mounts. */
	if (opts.static_dir[0] != '/') {
		char abs[PATH_MAX];

		if (realpath(opts.static_dir, abs) != NULL &&
		    strlen(abs) < sizeof opts.static_dir)
			memcpy(opts.static_dir, abs, strlen(abs) + 1);
	}
	return 0;
}

void
conf_free(void)
{
	size_t i;

	for (i = 0; i < opts.norigins; i++)
		free(opts.origins[i]);
	free(opts.origins);
	kc_conf_free(opts.conf);
	memset(&opts, 0, sizeof opts);
}
