/*
 * cmd-delete.c - /delete: your newest message (or /me action) in the
 * current room is deleted; everyone's clients show "[message deleted]".
 */
#include "tui.h"

static int
cmd_delete_exec(struct chat *c, const char *args)
{
	struct buffer	*b = chat_current(c);
	struct line	*l;

	if (*args != '\0')
		return cmd_usage(c, &cmd_delete_entry);
	if (b == NULL || b->kind != BUFFER_ROOM) {
		chat_error(c, "/delete works in rooms; direct messages cannot "
		    "be deleted");
		return -1;
	}
	if ((l = edit_last_own(b, chat_user(c))) == NULL) {
		chat_error(c, "nothing of yours to delete in %s", b->name);
		return -1;
	}
	return chat_send_re(c, KC_TYPE_DELETE, b->target, NULL, l->id, NULL,
	    NULL);
}

const struct cmd_entry cmd_delete_entry = {
	.name = "delete",
	.alias = NULL,
	.usage = "",
	.help = "Delete your last message in this room.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_delete_exec
};
