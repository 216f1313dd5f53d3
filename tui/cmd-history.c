/*
 * cmd-history.c - /history [N]: fetch N older messages of the current room
 * from Kafka, in the background, above what the buffer already shows.
 */
#include <stdlib.h>

#include "tui.h"

#define CMD_HISTORY_MAX	1000

static int
cmd_history_exec(struct chat *c, const char *args)
{
	struct buffer	*b = chat_current(c);
	char		*end;
	long		 n = TUI_HISTORY;

	if (*args != '\0') {
		n = strtol(args, &end, 10);
		if (*end != '\0' || n < 1 || n > CMD_HISTORY_MAX) {
			chat_error(c, "/history takes a number from 1 to %d",
			    CMD_HISTORY_MAX);
			return -1;
		}
	}
	if (b == NULL)
		return -1;
	/* In the background: the buffer says how many once they came. */
	return chat_history_more(c, b, n);
}

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.alias = NULL,
	.usage = "[N]",
	.help = "Fetch N (default 50) older messages of this room from Kafka.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_history_exec
};
