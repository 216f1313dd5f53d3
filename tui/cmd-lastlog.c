/*
 * cmd-lastlog.c - /lastlog [-limit N] text: list the lines of this buffer
 * that contain text (ASCII letters without case), then older matches of
 * the room read from Kafka in the background, N records of the room at
 * most (default 10000).
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static int
cmd_lastlog_exec(struct chat *c, const char *args)
{
	struct buffer	*b = chat_current(c);
	char		 word[32], *end;
	const char	*rest = args;
	long		 n = KC_SEARCH_SCAN_DEFAULT;

	if (strncmp(args, "-limit", 6) == 0 && (args[6] == ' ' ||
	    args[6] == '\0')) {
		cmd_word(&rest, word, sizeof word);		/* -limit */
		n = 0;
		if (cmd_word(&rest, word, sizeof word) != NULL)
			n = strtol(word, &end, 10);
		if (n == 0 || word[0] == '\0' || *end != '\0' || n < 1 ||
		    n > KC_SEARCH_SCAN_MAX) {
			chat_error(c, "/lastlog -limit takes a number of "
			    "records from 1 to %d", KC_SEARCH_SCAN_MAX);
			return -1;
		}
		while (*rest == ' ')
			rest++;
	}
	if (*rest == '\0')
		return cmd_usage(c, &cmd_lastlog_entry);
	if (strlen(rest) > KC_SEARCH_Q_MAX) {
		chat_error(c, "/lastlog: the text to find is longer than %d "
		    "bytes", KC_SEARCH_Q_MAX);
		return -1;
	}
	if (b == NULL)
		return -1;
	return lastlog_start(c, b, rest, (size_t)n);
}

const struct cmd_entry cmd_lastlog_entry = {
	.name = "lastlog",
	.alias = NULL,
	.usage = "[-limit N] text",
	.help = "List the lines of this buffer that contain text (any case), "
	    "then older ones of the room from Kafka (N records, default 10000).",
	.arg = CMD_ARG_NONE,
	.exec = cmd_lastlog_exec
};
