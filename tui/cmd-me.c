/* cmd-me.c - /me text: an action ("* alice waves") in the current room. */
#include "tui.h"

static int
cmd_me_exec(struct chat *c, const char *args)
{
	struct buffer *b = chat_current(c);

	if (*args == '\0')
		return cmd_usage(c, &cmd_me_entry);
	if (b == NULL || b->kind != BUFFER_ROOM) {
		chat_error(c, "/me works in rooms, not direct messages");
		return -1;
	}
	return chat_send_text(c, KC_TYPE_ACTION, b->target, NULL, args);
}

const struct cmd_entry cmd_me_entry = {
	.name = "me",
	.alias = NULL,
	.usage = "text",
	.help = "Describe what you do: \"/me waves\" shows \"* alice waves\".",
	.arg = CMD_ARG_NONE,
	.exec = cmd_me_exec
};
