/*
 * cmd-part.c - /part [#room]: leave a room (the current one by default), or
 * close the current direct-message buffer.
 */
#include "tui.h"

static int
cmd_part_exec(struct chat *c, const char *args)
{
	struct buffer	*b = chat_current(c);
	char		 room[KC_NAME_MAX + 3];

	if (cmd_word(&args, room, sizeof room) == NULL)
		return cmd_too_long(c, room);
	if (*args != '\0')
		return cmd_usage(c, &cmd_part_entry);
	if (room[0] != '\0')
		return chat_part(c, room);
	if (b == NULL)
		return -1;
	if (b->kind == BUFFER_DM) {
		chat_close(c, b);
		return 0;
	}
	return chat_part(c, b->target);
}

const struct cmd_entry cmd_part_entry = {
	.name = "part",
	.alias = "leave",
	.usage = "[#room]",
	.help = "Leave a room (the current one by default), or close a direct "
	    "conversation.",
	.arg = CMD_ARG_ROOM,
	.exec = cmd_part_exec
};
