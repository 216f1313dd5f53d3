/*
 * main.c - kchat-bridge: settings, signals, the one service loop, the
 * wiring of the layers' hooks (bridge.h), and a graceful shutdown.
 *
 * SIGTERM or SIGINT: stop accepting connections and client frames, flush
 * the producer (at most --shutdown-timeout), deliver the last acks, close
 * every client with 1001, exit 0. Exit 1: bad configuration or Kafka not
 * reachable within 30 seconds of the start.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"

#define HISTORY_THREADS		2
#define CLOSE_GRACE_US		(2 * 1000000LL)	/* none closed: stop waiting */
#define CLOSE_MAX_US		(15 * 1000000LL)	/* for the clients to close */
#define START_WAIT_US		(30 * 1000000LL)	/* Kafka at start */

static volatile sig_atomic_t	 stop_signal;
static volatile sig_atomic_t	 hup_signal;
static struct lws_context	*context;
static lws_sorted_usec_list_t	 tick_sul;

/* Who hears what from whom: the layers' hooks, wired once. */
static const struct session_hooks session_hooks = {
	.opened = request_opened,
	.message = request_handle,
	.closed = { member_closed, history_forget, request_post_closed },
};
static const struct kafka_hooks kafka_hooks = {
	.record = relay_record,
	.presence = presence_topic_record,
	.busy = session_backpressure,
	.delivered = request_post_delivered,
};

static void
main_signal(int sig)
{
	if (sig == SIGHUP) {
		hup_signal = 1;
		if (context != NULL)
			lws_cancel_service(context);
		return;
	}
	stop_signal = sig;
	if (context != NULL)
		lws_cancel_service(context);
}

/* The end of each pass of the loop: reads left for now, then writes. */
static void
main_pass(void)
{
	kafka_pass();
	session_flush();
}

/* The loop and its context go; signals no longer wake it. */
static void
main_destroy(void)
{
	context = NULL;
	loop_destroy();
}

/* Keeps the loop turning during shutdown. */
static void
main_tick(lws_sorted_usec_list_t *sul)
{
	lws_sul_schedule(context, 0, &tick_sul, main_tick, 50 * 1000);
}

/* Fixes the bootstrap servers before any thread reads the conf. */
static void
main_pin_brokers(const char *brokers)
{
	char errstr[256];

	kc_conf_set(opts.conf, brokers ? KC_CONF_CLI : KC_CONF_DEFAULT,
	    "brokers", brokers ? brokers : kc_conf_brokers(opts.conf),
	    errstr, sizeof errstr);
}

/* A line about the topics: problems are warnings, the rest information. */
static void
main_topics_log(void *opaque, int problem, const char *line)
{
	if (problem)
		log_warn("%s", line);
	else
		log_info("%s", line);
}

/* --check-topics: the same lines on standard output. */
static void
main_topics_print(void *opaque, int problem, const char *line)
{
	printf("%s%s\n", problem ? "problem: " : "", line);
}

/*
 * --check-topics: describes the topics and what endangers their messages;
 * exits 1 when something does, 2 when the cluster did not answer.
 */
static int
main_check_topics(void)
{
	char	errstr[512] = "";
	int	problems, err;

	if ((err = kc_topics_ensure(opts.conf, 0, opts.retention_ms,
	    main_topics_print, NULL, &problems, errstr, sizeof errstr)) != KC_OK) {
		fprintf(stderr, "kchat-bridge: cannot check the topics at %s: %s\n",
		    kc_conf_brokers(opts.conf), *errstr ? errstr : kc_strerror(err));
		return 2;
	}
	printf("%d problem%s\n", problems, problems == 1 ? "" : "s");
	return problems > 0 ? 1 : 0;
}

/* --users, --session-key, the TLS files: -1 when they will not do. */
static int
main_accounts(void)
{
	char errstr[512] = "";

	if (tls_check(errstr, sizeof errstr) != 0) {
		log_error("%s", errstr);
		return -1;
	}
	if (opts.users == NULL) {
		if (opts.session_key != NULL)
			log_warn("--session-key without --users: no accounts, "
			    "so no sessions");
		return 0;
	}
	if (account_open(opts.users, errstr, sizeof errstr) != 0 ||
	    token_init(opts.session_key, errstr, sizeof errstr) != 0) {
		log_error("%s", errstr);
		return -1;
	}
	if (verify_start() != KC_OK) {
		log_error("cannot start the password check thread");
		return -1;
	}
	if (opts.session_key == NULL)
		log_warn("no --session-key: a random one for this process; "
		    "logins end when it stops and hold on this bridge only "
		    "(bridges behind a load balancer need one shared file)");
	if (!tls_enabled())
		log_warn("accounts without TLS: passwords and session cookies "
		    "cross the network in the clear unless a TLS proxy is in "
		    "front (--tls-cert, --tls-key)");
	return 0;
}

/* The --admin-listen address: /healthz and /metrics only, plain HTTP. */
static int
main_admin(const struct lws_context_creation_info *main_info)
{
	static struct lws_protocols		 protocols[2];
	static char				 host[256];
	struct lws_context_creation_info	 info;
	const char				*colon;
	long					 port;
	char					*end;

	if ((colon = strrchr(opts.admin_listen, ':')) == NULL ||
	    (size_t)(colon - opts.admin_listen) >= sizeof host ||
	    (port = strtol(colon + 1, &end, 10)) < 0 || port > 65535 ||
	    *end != '\0' || colon[1] == '\0') {
		log_error("--admin-listen %s: expected ADDR:PORT, such as "
		    "127.0.0.1:9100", opts.admin_listen);
		return -1;
	}
	memcpy(host, opts.admin_listen, (size_t)(colon - opts.admin_listen));
	host[colon - opts.admin_listen] = '\0';
	protocols[0] = http_protocol;
	memset(&info, 0, sizeof info);
	info.port = (int)port;
	info.iface = *host == '\0' || strcmp(host, "*") == 0 ? NULL : host;
	info.protocols = protocols;
	info.mounts = http_admin_mounts();
	info.headers = main_info->headers;
	info.vhost_name = "admin";
	info.timeout_secs = main_info->timeout_secs;
	if (info.iface != NULL && strchr(info.iface, ':') == NULL)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	if (lws_create_vhost(context, &info) == NULL) {
		log_error("cannot listen on %s (--admin-listen): is another "
		    "program using it?", opts.admin_listen);
		return -1;
	}
	log_info("/healthz and /metrics on http://%s/ only",
	    opts.admin_listen);
	return 0;
}

int
main(int argc, char **argv)
{
	struct lws_context_creation_info	 info;
	struct lws_protocols			 protocols[6];
	struct lws_protocol_vhost_options	 pvo_default = {
		NULL, NULL, "default", "1"
	};
	struct lws_protocol_vhost_options	 pvo = {
		NULL, &pvo_default, "kchat", ""
	};
	lws_retry_bo_t				 retry = { 0 };
	struct lws_vhost			*vh;
	struct kc_embedded			*emb = NULL;
	struct sigaction			 sa;
	char					 errstr[512] = "";
	int64_t					 deadline, end;
	int					 left;
	int					 err, problems = 0;

	conf_parse(argc, argv);
	log_set_level(opts.log_level);
	if (opts.check_topics) {
		main_pin_brokers(NULL);
		return main_check_topics();
	}
	metrics.started_us = kc_now_us();
	if (main_accounts() != 0)
		return 1;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = main_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(protocols, 0, sizeof protocols);
	protocols[0] = http_protocol;
	protocols[1] = session_protocol;
	protocols[2] = kafka_protocol;
	protocols[3] = history_protocol;
	protocols[4] = state_protocol;
	session_init(&session_hooks);
	loop_on_pass(main_pass);

	/*
	 * No validity timers of lws's (hangup 0): session.c pings and hangs
	 * up itself (keepalive.c), where lws walked every connection held
	 * each time one opened or answered a ping.
	 */
	retry.secs_since_valid_ping = 0;
	retry.secs_since_valid_hangup = 0;

	memset(&info, 0, sizeof info);
	info.port = opts.port;
	info.iface = (opts.host == NULL || *opts.host == '\0' ||
	    strcmp(opts.host, "0.0.0.0") == 0 || strcmp(opts.host, "*") == 0) ?
	    NULL : opts.host;
	info.protocols = protocols;
	info.pvo = &pvo;
	info.mounts = http_mounts();
	info.headers = http_headers();
	info.vhost_name = "kchat";
	info.retry_and_idle_policy = &retry;
	info.timeout_secs = 10;
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	tls_setup(&info);
	/*
	 * lws binds an IPv4 address given as iface only with IPv6 off;
	 * otherwise it listens on every address, which for the default
	 * 127.0.0.1 would expose the bridge to the network.
	 */
	if (info.iface != NULL && strchr(info.iface, ':') == NULL)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;

	if ((context = loop_create(&info)) == NULL) {
		log_error("cannot create the libwebsockets context");
		return 1;
	}
	if ((vh = lws_create_vhost(context, &info)) == NULL) {
		log_error("cannot listen on %s port %d: is another program "
		    "using it? Choose another with -p PORT (make run PORT=%d)",
		    opts.host, opts.port, opts.port + 1);
		main_destroy();
		return 1;
	}
	if (opts.admin_listen != NULL && main_admin(&info) != 0) {
		main_destroy();
		return 1;
	}
	/*
	 * The embedded broker only once the bridge listens: one that cannot
	 * (its port taken) must not publish an address over a running one's.
	 */
	if (opts.embedded) {
		if ((err = kc_embedded_start(opts.topic, &emb, errstr,
		    sizeof errstr)) != KC_OK) {
			log_error("cannot start the embedded broker: %s",
			    *errstr ? errstr : kc_strerror(err));
			main_destroy();
			return 1;
		}
		log_warn("embedded Kafka broker at %s: messages are kept in "
		    "memory only and are lost when the bridge stops",
		    kc_embedded_bootstraps(emb));
		main_pin_brokers(kc_embedded_bootstraps(emb));
	} else
		main_pin_brokers(NULL);

	if (history_start(HISTORY_THREADS, page_done) != KC_OK ||
	    presence_start() != KC_OK) {
		log_error("cannot start the history threads");
		return 1;
	}
	log_info("kchat-bridge %s: Kafka %s, topic %s, presence topic %s",
	    KC_VERSION_STRING, kc_conf_brokers(opts.conf), opts.topic,
	    opts.ptopic);
	/* A topic just created, or a broker still starting: try for a while. */
	deadline = kc_now_us() + START_WAIT_US;
	/*
	 * The topics first, with settings that keep the chat (the readers
	 * would otherwise auto-create them with the broker's defaults). The
	 * embedded broker keeps everything in memory anyway.
	 */
	while (!opts.embedded && !stop_signal &&
	    (err = kc_topics_ensure(opts.conf, 1, opts.retention_ms,
	    main_topics_log, NULL, &problems, errstr, sizeof errstr)) != KC_OK &&
	    kc_now_us() < deadline) {
		log_warn("Kafka at %s not ready: %s; trying again",
		    kc_conf_brokers(opts.conf), *errstr ? errstr : kc_strerror(err));
		errstr[0] = '\0';
		sleep(1);
	}
	if (!opts.embedded && problems > 0)
		log_warn("%d problem%s with the topics: kchat-bridge --check-topics "
		    "says the same and exits non-zero", problems,
		    problems == 1 ? "" : "s");
	errstr[0] = '\0';
	while ((err = kafka_start(vh, &kafka_hooks, errstr, sizeof errstr)) != KC_OK &&
	    kc_now_us() < deadline && !stop_signal) {
		log_warn("Kafka at %s not ready: %s; trying again",
		    kc_conf_brokers(opts.conf), *errstr ? errstr : kc_strerror(err));
		kafka_stop();
		errstr[0] = '\0';
		sleep(1);
	}
	if (err != KC_OK) {
		log_error("cannot reach Kafka at %s: %s",
		    kc_conf_brokers(opts.conf), *errstr ? errstr : kc_strerror(err));
		history_stop();
		kafka_stop();
		presence_stop();
		main_destroy();
		kc_embedded_stop(emb);
		return 1;
	}
	/* Rooms, topics and read markers: the chat goes on without them. */
	errstr[0] = '\0';
	if ((err = state_start(vh, errstr, sizeof errstr)) != KC_OK)
		log_warn("cannot read the rooms and read topics: %s; rooms' "
		    "topics and read markers are off until kchat-bridge restarts",
		    *errstr ? errstr : kc_strerror(err));
	health_start();
	fdlimit_init(lws_get_vhost_listen_port(vh));
	log_info("listening on %s://%s:%d/ (static files from %s)",
	    tls_enabled() ? "https" : "http", opts.host,
	    lws_get_vhost_listen_port(vh), opts.static_dir);
	if (!account_enabled())
		log_info("open mode: anyone who reaches the bridge may chat "
		    "under any free name (--users FILE for accounts)");
	if (!origin_is_loopback(opts.host) && opts.norigins == 0)
		log_warn("pages reached under a host name cannot connect: "
		    "pass --allow-origin https://NAME for each (only pages "
		    "reached by IP address or localhost are accepted without)");

	while (!stop_signal) {
		if (loop_run_once() < 0)
			break;
		if (hup_signal) {
			hup_signal = 0;
			tls_reload(context);
		}
	}

	log_info("%s: shutting down", stop_signal == SIGINT ? "SIGINT" :
	    stop_signal == SIGTERM ? "SIGTERM" : "service loop ended");
	loop_stop();
	main_tick(&tick_sul);
	if (kafka_flush(opts.shutdown_ms) != KC_OK)
		log_warn("%d messages not confirmed by Kafka after %d ms",
		    kafka_pending(), opts.shutdown_ms);
	/* Delivery reports just served queued acks; send them, then 1001. */
	/*
	 * They close a batch at a time (session.c): waited for while they
	 * do, until none closed for CLOSE_GRACE_US, CLOSE_MAX_US in all.
	 */
	session_close_all();
	left = session_count();
	deadline = kc_now_us() + CLOSE_GRACE_US;
	end = kc_now_us() + CLOSE_MAX_US;
	while (session_count() > 0 && kc_now_us() < deadline &&
	    kc_now_us() < end) {
		if (loop_run_once() < 0)
			break;
		if (session_count() < left) {
			left = session_count();
			deadline = kc_now_us() + CLOSE_GRACE_US;
		}
	}
	if (session_count() > 0)
		log_warn("%d clients did not close in time", session_count());
	lws_sul_cancel(&tick_sul);
	history_stop();
	verify_stop();
	state_stop();
	kafka_stop();
	presence_stop();
	main_destroy();
	kc_embedded_stop(emb);
	rooms_free();
	users_free();
	cache_free();
	addr_free();
	fdlimit_free();
	account_free();
	conf_free();
	log_info("bye");
	return 0;
}
