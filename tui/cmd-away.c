/*
 * cmd-away.c - /away [message]: say you are away, with a message, to every
 * client (it rides on this terminal's heartbeats and joins, so nick lists
 * and /who show it); alone, /away says you are back.
 */
#include <string.h>

#include "tui.h"

static int
cmd_away_exec(struct chat *c, const char *args)
{
	int e;

	if (strlen(args) > KC_AWAY_MAX) {
		chat_error(c, "the away message is %zu bytes; at most %d fit",
		    strlen(args), KC_AWAY_MAX);
		return -1;
	}
	if (*args != '\0' && (e = kc_text_validate(args, strlen(args))) !=
	    KC_OK) {
		chat_error(c, "away message not taken: %s", kc_strerror(e));
		return -1;
	}
	chat_away(c, args);
	if (*args == '\0')
		chat_info(c, "you are back");
	else
		chat_info(c, "you are away: %s (/away alone: back)", args);
	return 0;
}

const struct cmd_entry cmd_away_entry = {
	.name = "away",
	.alias = NULL,
	.usage = "[message]",
	.help = "Say you are away, with a message everyone's nick list shows; "
	    "alone, say you are back.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_away_exec
};
