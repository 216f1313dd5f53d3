/* cmd-join.c - /join #room: open a room, read its recent history, say so. */
#include "tui.h"

static int
cmd_join_exec(struct chat *c, const char *args)
{
	char room[KC_NAME_MAX + 3];

	if (cmd_word(&args, room, sizeof room) == NULL)
		return cmd_too_long(c, room);
	if (room[0] == '\0' || *args != '\0')
		return cmd_usage(c, &cmd_join_entry);
	return chat_join(c, room);
}

const struct cmd_entry cmd_join_entry = {
	.name = "join",
	.alias = "j",
	.usage = "#room",
	.help = "Join a room (created on first use) and show its recent history.",
	.arg = CMD_ARG_ROOM,
	.exec = cmd_join_exec
};
