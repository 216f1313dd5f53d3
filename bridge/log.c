/*
 * log.c - leveled logging to stderr, one line per event:
 *   2025-10-03T22:30:45.123Z warn: closing slow client 127.0.0.1 (queue full)
 * libwebsockets' own messages are routed through here too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"

static int log_level = LOG_INFO;

static const char *log_names[] = { "error", "warn", "info", "debug" };

#define LOG_REPEAT_US	(1000 * 1000)

/*
 * lws prints its own lines ending in a newline; keep its errors and
 * warnings. The same line again within LOG_REPEAT_US is counted, not
 * printed (out of descriptors, lws says "accept: errno 24" thousands of
 * times a second), and running out of descriptors says what to do.
 */
static void
log_lws(int level, const char *line)
{
	static char	 last[512];
	static int64_t	 last_at;
	static unsigned	 repeats;
	char		 buf[512];
	size_t		 n;
	int64_t		 now = kc_now_us();
	int		 lvl;

	snprintf(buf, sizeof buf, "%s", line);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	lvl = level == LLL_ERR ? LOG_ERROR : level == LLL_WARN ? LOG_WARN :
	    level == LLL_NOTICE ? LOG_INFO : LOG_DEBUG;
	if (strstr(buf, "errno 24") != NULL)
		fdlimit_shed();		/* or lws spins on its listener */
	if (strcmp(buf, last) == 0 && now - last_at < LOG_REPEAT_US) {
		repeats++;
		return;
	}
	if (repeats > 0)
		log_msg(lvl, "lws: (the last line %u more times)", repeats);
	repeats = 0;
	snprintf(last, sizeof last, "%s", buf);
	last_at = now;
	log_msg(lvl, "lws: %s", buf);
	if (strstr(buf, "errno 24") != NULL)
		log_msg(LOG_ERROR, "out of file descriptors: new connections "
		    "are refused until some close; raise the limit (ulimit -n, "
		    "systemd LimitNOFILE=) or lower --max-conns-per-ip");
}

void
log_set_level(int level)
{
	int lws = LLL_ERR | LLL_WARN;

	if (level < LOG_ERROR)
		level = LOG_ERROR;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	log_level = level;
	if (level >= LOG_DEBUG)
		lws |= LLL_NOTICE | (getenv("KCHAT_LWS_DEBUG") ? LLL_INFO : 0);
	lws_set_log_level(lws, log_lws);
}

void
log_msg(int level, const char *fmt, ...)
{
	struct timespec	ts;
	struct tm	tm;
	char		when[32];
	va_list		ap;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ %s: ", when, ts.tv_nsec / 1000000,
	    log_names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
