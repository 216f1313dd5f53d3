/*
 * cmd-edit.c - /edit text: your newest message (or /me action) in the
 * current room now reads text; everyone's clients show it "(edited)".
 * Up on an empty input line puts "/edit " and that line's text there.
 */
#include "tui.h"

static int
cmd_edit_exec(struct chat *c, const char *args)
{
	struct buffer	*b = chat_current(c);
	struct line	*l;

	if (*args == '\0')
		return cmd_usage(c, &cmd_edit_entry);
	if (b == NULL || b->kind != BUFFER_ROOM) {
		chat_error(c, "/edit works in rooms; direct messages cannot "
		    "be edited");
		return -1;
	}
	if ((l = edit_last_own(b, chat_user(c))) == NULL) {
		chat_error(c, "nothing of yours to edit in %s: say something "
		    "first", b->name);
		return -1;
	}
	return chat_send_re(c, KC_TYPE_EDIT, b->target, NULL, l->id, NULL,
	    args);
}

const struct cmd_entry cmd_edit_entry = {
	.name = "edit",
	.alias = NULL,
	.usage = "text",
	.help = "Replace the text of your last message in this room "
	    "(Up on an empty line fills in \"/edit\" and that text).",
	.arg = CMD_ARG_NONE,
	.exec = cmd_edit_exec
};
