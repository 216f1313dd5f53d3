/*
 * main.c - kchat-tui: a Kafka chat client for the terminal. Reads the
 * configuration (defaults < config file < environment < flags), opens the
 * screen or line mode, and runs the one loop: poll() on the terminal, the
 * two Kafka readers and a self-pipe for signals; timers; one redraw a pass.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <malloc.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafka.h"
#include "line.h"
#include "tui.h"
#include "ui.h"

/* How long to wait for deliveries at exit (kchat-tui(1) says so: /quit). */
#define MAIN_FLUSH_MS	3000
#define MAIN_FLUSH_OFFLINE_MS 1000	/* ... when the broker is away */
/*
 * While a burst is read (a whole batch each pass), the screen is drawn at
 * most once per frame: drawing after every batch spent the burst's time
 * on screens nobody could see. The pass that ends the burst draws.
 */
#define MAIN_FRAME_US	16667		/* 60 frames a second */
/*
 * How long a line waits for the broker before it is shown as failed
 * (librdkafka's message.timeout.ms; -X message.timeout.ms=N changes it):
 * long enough to ride out a broker restart.
 */
#define MAIN_MESSAGE_TIMEOUT "300000"

enum {
	OPT_LINE = 256,
	OPT_NO_BELL,
	OPT_HISTORY,
	OPT_RETENTION,
	OPT_CHECK_TOPICS,
	OPT_FORCE_NAME
};

static const char short_opts[] = "b:u:r:t:X:F:hV";
static const struct option long_opts[] = {
	{ "brokers", required_argument, NULL, 'b' },
	{ "user", required_argument, NULL, 'u' },
	{ "room", required_argument, NULL, 'r' },
	{ "topic", required_argument, NULL, 't' },
	{ "config", required_argument, NULL, 'F' },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "line", no_argument, NULL, OPT_LINE },
	{ "no-bell", no_argument, NULL, OPT_NO_BELL },
	{ "retention", required_argument, NULL, OPT_RETENTION },
	{ "check-topics", no_argument, NULL, OPT_CHECK_TOPICS },
	{ "force-name", no_argument, NULL, OPT_FORCE_NAME },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int			main_pipe[2] = { -1, -1 };
static char			main_conf_path[4096];	/* /set saves here */
static volatile sig_atomic_t	main_winch;
static volatile sig_atomic_t	main_term;

static void
usage(FILE *f)
{
	fprintf(f,
"usage: kchat-tui [-hV] [--line] [--no-bell] [-b brokers] [-u user]\n"
"                 [-r room[,room...]] [-t topic] [-X prop=value] [-F file]\n"
"                 [--history N] [--retention D] [--check-topics]\n"
"                 [--force-name]\n"
"\n"
"  -b, --brokers LIST   Kafka bootstrap servers (KAFKA_BOOTSTRAP_SERVERS);\n"
"                       default: the embedded broker of a kchat-bridge on\n"
"                       this machine, else localhost:9092\n"
"  -u, --user NAME      your name (KCHAT_USER, else sasl.username, else\n"
"                       $USER, else the login name); kchat-tui ends when\n"
"                       another client that is online holds it, or a name\n"
"                       that would pass for it (Alice or aIice for alice)\n"
"      --force-name     take the name anyway (that client is told); in the\n"
"                       chat, /nick -force NAME does the same\n"
"  -r, --room ROOMS     rooms to join, comma-separated (default general)\n"
"  -t, --topic TOPIC    chat topic (CHAT_TOPIC, default chat-messages)\n"
"  -X PROP=VALUE        a librdkafka property (SASL, SSL, ...), as kcat -X\n"
"  -F, --config FILE    config file (default ~/.config/kchat/config; /set\n"
"                       writes it)\n"
"      --history N      messages shown when joining a room (default 50)\n"
"      --line           line mode: read input lines from stdin, print one\n"
"                       line per message (also when stdout is not a tty;\n"
"                       without it stdin must be a terminal)\n"
"      --no-bell        no bell on mentions and direct messages\n"
"      --retention D    history a chat topic it creates keeps: forever\n"
"                       (default), or 30d, 12h, ...\n"
"      --check-topics   print the topics' layout and every setting that\n"
"                       loses or endangers messages, with the fix; exit 1\n"
"                       when there is one, 2 when Kafka does not answer\n"
"  -h, --help           this help\n"
"  -V, --version        the version\n"
"\n"
"Type /help in the chat for the commands. See kchat-tui(1).\n");
}

static void __attribute__((noreturn))
die(const char *what, int err, const char *errstr)
{
	ui_stop();
	fprintf(stderr, "kchat-tui: %s: %s\n", what,
	    errstr != NULL && *errstr != '\0' ? errstr : kc_strerror(err));
	exit(1);
}

/* Says what went wrong and what to do; exits 1. */
static void __attribute__((noreturn, format(printf, 1, 2)))
die_say(const char *fmt, ...)
{
	va_list ap;

	ui_stop();
	fputs("kchat-tui: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/*
 * The next room of a comma-separated list (blanks around a name trimmed,
 * one '#' dropped), or NULL at the end. A name is never cut at a space:
 * "bad room!" is one bad name, not the room "bad".
 */
static char *
rooms_next(char **save)
{
	char *r, *end;

	while ((r = strsep(save, ",")) != NULL) {
		while (*r == ' ' || *r == '\t')
			r++;
		end = r + strlen(r);
		while (end > r && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*r == '#')
			r++;
		if (*r != '\0')
			return r;
	}
	return NULL;
}

/* The config file: -F, else $XDG_CONFIG_HOME or ~/.config /kchat/config. */
static const char *
config_path(const char *given, int *must_exist)
{
	static char	 path[4096];
	const char	*base;

	*must_exist = given != NULL;
	if (given != NULL)
		return given;
	if ((base = getenv("XDG_CONFIG_HOME")) != NULL && *base != '\0')
		snprintf(path, sizeof path, "%s/kchat/config", base);
	else if ((base = getenv("HOME")) != NULL && *base != '\0')
		snprintf(path, sizeof path, "%s/.config/kchat/config", base);
	else
		return NULL;
	return path;
}

static const char *
conf_key_for(int ch)
{
	switch (ch) {
	case 'b': return "brokers";
	case 'u': return "user";
	case 'r': return "room";
	case 't': return "topic";
	case OPT_HISTORY: return "history";
	case OPT_RETENTION: return "retention";
	default: return NULL;
	}
}

/* The one kc_conf of the program, from its four levels. */
static struct kc_conf *
conf_build(int argc, char **argv)
{
	struct kc_conf	*c;
	const char	*file = NULL, *path, *what;
	char		 errstr[512] = "";
	int		 ch, err, must;

	if ((c = kc_conf_new()) == NULL)
		die("configuration", KC_ERR_NOMEM, NULL);
	if (kc_conf_define(c, "bell", "on") != KC_OK ||
	    kc_conf_define(c, "scrollback", "1000") != KC_OK ||
	    kc_conf_define(c, "retention", "forever") != KC_OK ||
	    kc_conf_define(c, "nicklist", "off") != KC_OK ||
	    kc_conf_define(c, "highlight", NULL) != KC_OK ||
	    kc_conf_define(c, "ignore", NULL) != KC_OK ||
	    kc_conf_define(c, "log", "off") != KC_OK ||
	    kc_conf_bind_env(c, "KCHAT_USER", "user") != KC_OK)
		die("configuration", KC_ERR_NOMEM, NULL);
	optind = 0;
	while ((ch = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		if (ch == 'F')
			file = optarg;
	}
	if ((path = config_path(file, &must)) != NULL)
		snprintf(main_conf_path, sizeof main_conf_path, "%s", path);
	if ((err = kc_conf_load_all(c, must ? NULL : path, argc, argv,
	    short_opts, long_opts, conf_key_for, &what, errstr,
	    sizeof errstr)) != KC_OK)
		die(what, err, errstr);	/* a file's errstr names it */
	if ((err = kc_conf_set(c, KC_CONF_DEFAULT, "message.timeout.ms",
	    MAIN_MESSAGE_TIMEOUT, errstr, sizeof errstr)) != KC_OK)
		die("message.timeout.ms", err, errstr);
	return c;
}

static void
main_signal(int sig)
{
	int saved = errno;

	if (sig == SIGWINCH)
		main_winch = 1;
	else
		main_term = 1;
	if (main_pipe[1] != -1)
		(void)write(main_pipe[1], "", 1);
	errno = saved;
}

static void
main_signals(void)
{
	struct sigaction sa;

	if (pipe2(main_pipe, O_NONBLOCK | O_CLOEXEC) == -1)
		die("pipe", KC_ERR_IO, strerror(errno));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = main_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* --check-topics: a line about the topics on standard output. */
static void
main_topics_print(void *opaque, int problem, const char *line)
{
	printf("%s%s\n", problem ? "problem: " : "", line);
}

/* A whole number from min to max, else a clear error (not the default). */
static long
conf_number(struct kc_conf *c, const char *key, long def, long min, long max)
{
	const char	*v = kc_conf_get(c, key);
	char		 why[64], *end;
	long		 n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < min || n > max) {
		snprintf(why, sizeof why, "\"%.16s\" is not a number from %ld to %ld",
		    v, min, max);
		die(key, KC_ERR_CONFIG, why);
	}
	return n;
}

static int
conf_on(const char *v)
{
	return v == NULL || (strcmp(v, "off") != 0 && strcmp(v, "0") != 0 &&
	    strcmp(v, "no") != 0 && strcmp(v, "false") != 0);
}

int
main(int argc, char **argv)
{
	struct kc_conf	*conf;
	struct chat	*chat;
	struct roomstate *rstate;
	struct input	*input = NULL;
	struct kafka	 k;
	struct pollfd	 pfd[2 + KAFKA_NPOLL];
	const char	*user, *rooms, *login = NULL;
	struct passwd	*pw;
	char		 ptopic[300], errstr[512] = "", *list, *room, *save;
	int		 ch, err, line_mode = 0, bell = 1, stdin_open = 1;
	int		 check_topics = 0, problems, force_name = 0;
	char		 inst[KC_INST_MAX + 1];
	int64_t		 retention;
	int		 busy, unsent, flush_ms, more = 0, burst = 0;
	int64_t		 now, drawn = 0;
	long		 history, scrollback;

	/*
	 * librdkafka runs three or four threads per handle and kchat-tui
	 * has four handles, and more while it scans or fetches history;
	 * glibc would give up to 16 threads a malloc arena each, and pages
	 * freed in one arena serve no other. Two arenas keep the chat's
	 * lines and librdkafka's buffers from wanting a lock each time
	 * without that spread (BENCHMARKS.md; one arena measured no
	 * smaller after a burst).
	 */
	mallopt(M_ARENA_MAX, 2);
	setlocale(LC_ALL, "");
	opterr = 1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kchat-tui %s\n", KC_VERSION_STRING);
			return 0;
		case OPT_LINE:
			line_mode = 1;
			break;
		case OPT_NO_BELL:
			bell = 0;
			break;
		case OPT_CHECK_TOPICS:
			check_topics = 1;
			break;
		case OPT_FORCE_NAME:
			force_name = 1;
			break;
		case '?':
			/* getopt said which; the whole usage would bury it */
			fprintf(stderr, "kchat-tui --help lists the options\n");
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kchat-tui: unexpected argument \"%s\"\n",
		    argv[optind]);
		return 1;
	}
	opterr = 0;

	/* Read-only from here on: the threads share it (tui/kafka.c). */
	conf = conf_build(argc, argv);
	/* Cyrus SASL's plugins only for a GSSAPI login (~0.5 MB). */
	kc_cyrus_limit(conf);
	if ((err = kc_presence_topic(kc_conf_get(conf, "topic"), ptopic,
	    sizeof ptopic)) != KC_OK)
		die("topic", err, "topic name too long");

	/*
	 * -u, KCHAT_USER or "user"; else the SASL user Kafka knows us as;
	 * else $USER; else (a container, cron) the login name, said in the chat.
	 */
	if ((user = kc_conf_get(conf, "user")) == NULL &&
	    ((user = kc_conf_get(conf, "sasl.username")) == NULL ||
	    *user == '\0') && (user = getenv("USER")) == NULL) {
		if ((pw = getpwuid(getuid())) == NULL)
			die_say("who are you? $USER is not set and user %u has "
			    "no name: give yours with -u NAME (or KCHAT_USER)",
			    (unsigned)getuid());
		user = login = pw->pw_name;
	}
	if ((err = kc_user_validate(user, strlen(user))) != KC_OK)
		die_say("cannot be \"%s\": %s; choose another with -u NAME",
		    user, kc_strerror(err));
	rooms = kc_conf_get(conf, "room");
	list = xstrdup(rooms != NULL && *rooms != '\0' ? rooms : "general");
	for (save = list; (room = rooms_next(&save)) != NULL;) {
		if ((err = kc_room_validate(room, strlen(room))) != KC_OK)
			die_say("cannot join \"%s\": %s", room,
			    kc_strerror(err));
	}
	free(list);
	history = conf_number(conf, "history", TUI_HISTORY, 0, 1000);
	scrollback = conf_number(conf, "scrollback", TUI_SCROLLBACK, 10, 1000000);
	if (!conf_on(kc_conf_get(conf, "bell")))
		bell = 0;
	if (kc_retention_parse(kc_conf_get(conf, "retention"), &retention) != KC_OK)
		die("retention", KC_ERR_CONFIG, "a duration: forever, or a number "
		    "with d, h, m, s or ms, such as 30d");
	/*
	 * Without a terminal to type on, only --line makes sense: starting
	 * would join and leave the rooms for nothing (kchat-tui </dev/null).
	 */
	if (!line_mode && !check_topics && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "kchat-tui: standard input is not a terminal: "
		    "use --line to read lines from it (scripts, bots)\n");
		kc_conf_free(conf);
		return 1;
	}
	if (!isatty(STDOUT_FILENO))
		line_mode = 1;
	if (check_topics) {
		if ((err = kc_topics_ensure(conf, 0, retention, main_topics_print,
		    NULL, &problems, errstr, sizeof errstr)) != KC_OK) {
			fprintf(stderr, "kchat-tui: cannot check the topics at %s: "
			    "%s\n", kc_conf_brokers(conf),
			    *errstr ? errstr : kc_strerror(err));
			err = 2;
		} else {
			printf("%d problem%s\n", problems, problems == 1 ? "" : "s");
			err = problems > 0 ? 1 : 0;
		}
		kc_conf_free(conf);
		return err;
	}

	chat = chat_new(user, &kafka_ops, &k);
	chat_set_history(chat, history);
	chat_set_scrollback(chat, scrollback);
	chat_set_bell(chat, bell);
	chat_set_brokers(chat, kc_conf_brokers(conf));
	{
		const char	*key;
		size_t		 i;

		for (i = 0; (key = setting_key(i)) != NULL; i++)
			setting_init(chat, key, kc_conf_get(conf, key));
		if (!bell)
			setting_init(chat, "bell", "off");
		setting_init(chat, "user", user);
		if (main_conf_path[0] != '\0')
			side_set_path(chat_side(chat), main_conf_path);
	}
	instance_load(inst);
	chat_set_inst(chat, inst);
	/* Rooms, topics and read markers, written through k. */
	rstate = roomstate_new();
	chat_set_state(chat, rstate);
	roomstate_set_writer(rstate, kafka_state_put_room,
	    kafka_state_put_marker, &k);
	main_signals();

	if (line_mode)
		chat_set_notify(chat, line_notify, NULL);
	else {
		input = input_new();
		if (ui_start(chat, input) != 0) {
			const char *term = getenv("TERM");

			die_say("cannot use the terminal type \"%s\" (TERM): "
			    "set TERM to one this machine knows, such as "
			    "xterm-256color, or use --line",
			    term != NULL ? term : "");
		}
		chat_set_notify(chat, ui_notify, NULL);
		ui_draw();
	}
	/* Never waits for the broker: the chat starts offline if need be. */
	if ((err = kafka_open(&k, chat, conf, errstr, sizeof errstr)) !=
	    KC_OK) {
		char what[512];

		snprintf(what, sizeof what, "cannot use Kafka at %s",
		    kc_conf_brokers(conf));
		die(what, err, errstr);
	}
	k.force_name = force_name;

	list = xstrdup(rooms != NULL && *rooms != '\0' ? rooms : "general");
	for (save = list; (room = rooms_next(&save)) != NULL;)
		chat_join(chat, room);
	free(list);
	if (chat_nbuffers(chat) > 0)
		chat_switch(chat, 0);
	if (login != NULL)
		chat_info(chat, "$USER is not set: you are \"%s\", your login "
		    "name; -u NAME or /nick NAME chooses another", login);

	while (!chat_quit_requested(chat)) {
		int nfd = 0, timeout;

		if (main_term) {
			cmd_input(chat, "/quit");
			break;
		}
		if (main_winch) {
			main_winch = 0;
			if (!line_mode)
				ui_resize();
		}
		now = kc_now_us();
		kafka_tick(&k, now);
		cmd_nick_recheck(chat, now);
		if (!line_mode && (!more || now - drawn >= MAIN_FRAME_US ||
		    now < drawn)) {
			ui_draw();
			drawn = now;
		}

		pfd[nfd].fd = main_pipe[0];
		pfd[nfd++].events = POLLIN;
		pfd[nfd].fd = stdin_open ? STDIN_FILENO : -1;
		pfd[nfd++].events = POLLIN;
		kafka_pollfds(&k, &pfd[nfd]);
		nfd += KAFKA_NPOLL;
		/* Delivery reports have no descriptor: look often for them. */
		timeout = kafka_pending(&k) > 0 &&
		    chat_conn(chat) == CHAT_CONNECTED ? 20 : 250;
		if (more)	/* a burst: the next batch at once */
			timeout = 0;
		if (poll(pfd, nfd, timeout) == -1) {
			if (errno == EINTR)
				continue;
			die("poll", KC_ERR_IO, strerror(errno));
		}
		if (pfd[0].revents & POLLIN) {
			char buf[64];

			while (read(main_pipe[0], buf, sizeof buf) > 0)
				;
		}
		/* pfd[6] and pfd[7]: the state topics (kafka-state.c). */
		if (pfd[2].revents || pfd[3].revents || pfd[6].revents ||
		    pfd[7].revents || more) {
			more = kafka_read(&k);
			burst |= more;
			/*
			 * A burst read: librdkafka's buffers for it are free
			 * again, but malloc keeps their pages; give them back.
			 */
			if (burst && !more) {
				burst = 0;
				malloc_trim(0);
			}
		}
		/*
		 * pfd[4], a connection attempt's end, and pfd[5], a history
		 * fetch's: kafka_tick() next pass.
		 */
		if (pfd[1].revents) {
			if (!line_mode)
				ui_keys();
			else if (line_read(chat, STDIN_FILENO) == -1) {
				/* End of input: leave the rooms and go. */
				stdin_open = 0;
				cmd_input(chat, "/quit");
			}
		}
	}
	if (!line_mode)
		ui_stop();
	roomstate_quit(chat);	/* what was in view is read */
	flush_ms = chat_conn(chat) == CHAT_OFFLINE ||
	    chat_conn(chat) == CHAT_RECONNECTING ? MAIN_FLUSH_OFFLINE_MS :
	    MAIN_FLUSH_MS;
	if ((unsent = chat_pending(chat)) > 0 &&
	    chat_conn(chat) != CHAT_CONNECTED)
		fprintf(stderr, "kchat-tui: waiting up to %d s for Kafka at %s "
		    "to take %d line%s\n", flush_ms / 1000, chat_brokers(chat),
		    unsent, unsent == 1 ? "" : "s");
	busy = kafka_close(&k, flush_ms) == -1;
	/* Line mode prints each of these with the reason. */
	if ((unsent = chat_abandon(chat, "Kafka did not take it before "
	    "kchat-tui quit")) > 0 && !line_mode)
		fprintf(stderr, "kchat-tui: %d line%s not sent: Kafka at %s did "
		    "not take %s before quitting\n", unsent, unsent == 1 ? "" :
		    "s", chat_brokers(chat), unsent == 1 ? "it" : "them");
	if (busy) {
		/* A connection attempt still waits for the broker. */
		fflush(stdout);
		_exit(0);
	}
	if (chat_fatal_why(chat) != NULL) {
		fprintf(stderr, "kchat-tui: %s\n", chat_fatal_why(chat));
		chat_free(chat);
		roomstate_free(rstate);
		input_free(input);
		line_free();
		return 1;
	}
	chat_free(chat);
	roomstate_free(rstate);
	input_free(input);
	line_free();
	return 0;
}
