/* cmd-quit.c - /quit: leave every room (so presence is right) and exit. */
#include "tui.h"

static int
cmd_quit_exec(struct chat *c, const char *args)
{
	struct buffer	*b;
	size_t		 i;

	for (i = 0; (b = chat_buffer(c, i)) != NULL; i++) {
		if (b->kind == BUFFER_ROOM)
			chat_send(c, KC_TYPE_LEAVE, b->target, NULL, NULL);
	}
	chat_request_quit(c);
	return 0;
}

const struct cmd_entry cmd_quit_entry = {
	.name = "quit",
	.alias = "exit",
	.usage = "",
	.help = "Leave all rooms and exit.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_quit_exec
};
