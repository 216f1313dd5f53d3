/*
 * cmd-history.c - /history [N]: fetch N older messages of the current room
 * from Kafka, above what the buffer already shows.
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
	int		 added;

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
	if ((added = chat_history_more(c, b, n)) < 0)
		return -1;
	if (added == 0)
		chat_info(c, "no older messages in %s", b->name);
	else
		chat_info(c, "%d older message%s of %s above", added,
		    added == 1 ? "" : "s", b->name);
	return 0;
}

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.alias = NULL,
	.usage = "[N]",
	.help = "Fetch N (default 50) older messages of this room from Kafka.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_history_exec
};
