/*
 * cmd-replay.c - /replay <duration|time>: re-read the current room from a
 * point in time. The reader starts at Kafka's offset for that time
 * (offsets-for-times), so nothing before it is scanned.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui.h"

/* "90s", "10m", "1h30m", "2d", "1w": a sum of numbers with units. */
static int
replay_duration(const char *s, int64_t *us)
{
	int64_t	total = 0, n;
	int	parts = 0;

	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		for (n = 0; isdigit((unsigned char)*s); s++) {
			n = n * 10 + (*s - '0');
			if (n > 100000000)
				return -1;
		}
		switch (*s++) {
		case 's':
			break;
		case 'm':
			n *= 60;
			break;
		case 'h':
			n *= 3600;
			break;
		case 'd':
			n *= 86400;
			break;
		case 'w':
			n *= 7 * 86400;
			break;
		default:
			return -1;
		}
		total += n;
		parts++;
	}
	if (parts == 0)
		return -1;
	*us = total * 1000000;
	return 0;
}

/* "HH:MM" or "HH:MM:SS" and nothing after it. */
static int
replay_clock(const char *s, int *h, int *mi, int *se)
{
	int used = 0;

	if (sscanf(s, "%2d:%2d%n", h, mi, &used) != 2)
		return -1;
	s += used;
	if (*s == ':' && sscanf(s, ":%2d%n", se, &used) == 1)
		s += used;
	return *s == '\0' ? 0 : -1;
}

int
cmd_replay_parse(const char *s, int64_t now_us, int64_t *since)
{
	struct tm	tm;
	time_t		now = now_us / 1000000, t;
	int64_t		d;
	int		y, mo, da, h = 0, mi = 0, se = 0, used = 0;
	int		dateless = 0;

	while (*s == ' ')
		s++;
	if (replay_duration(s, &d) == 0) {
		*since = now_us - d;
		return 0;
	}
	localtime_r(&now, &tm);
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &da, &used) == 3) {
		s += used;
		if (*s != '\0') {
			if (*s != ' ' && *s != 'T')
				return -1;
			if (replay_clock(s + 1, &h, &mi, &se) != 0)
				return -1;
		}
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = da;
	} else {
		dateless = 1;
		if (replay_clock(s, &h, &mi, &se) != 0)
			return -1;
	}
	if (h > 23 || mi > 59 || se > 60)
		return -1;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	if (t > now && dateless) {
		/* "14:30" later than now means yesterday's. */
		tm.tm_mday--;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	if (t > now)
		return -1;
	*since = (int64_t)t * 1000000;
	return 0;
}

static int
cmd_replay_exec(struct chat *c, const char *args)
{
	struct buffer	*b = chat_current(c);
	int64_t		 since;

	if (*args == '\0')
		return cmd_usage(c, &cmd_replay_entry);
	if (cmd_replay_parse(args, kc_now_us(), &since) != 0) {
		chat_error(c, "/replay: \"%s\" is neither a duration (10m, "
		    "1h30m, 2d) nor a past time (14:30, 2025-10-03 14:30)",
		    args);
		return -1;
	}
	if (b == NULL)
		return -1;
	/* In the background: the buffer says how many once they came. */
	return chat_replay(c, b, since);
}

const struct cmd_entry cmd_replay_entry = {
	.name = "replay",
	.alias = NULL,
	.usage = "duration|time",
	.help = "Re-read this room from a point in time: 10m, 1h30m, 2d, "
	    "14:30 or 2025-10-03 14:30.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_replay_exec
};
