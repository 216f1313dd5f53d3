/*
 * cmd-who.c - /who [#room]: who is in a room, from the presence records that
 * bridges and TUIs share, so the answer is the same in the web client.
 */
#include <string.h>

#include "tui.h"

static void
cmd_who_add(void *arg, const char *room, const char *user)
{
	struct kc_buf *out = arg;

	kc_buf_append(out, " ", 1);
	kc_buf_append(out, user, strlen(user));
}

static int
cmd_who_exec(struct chat *c, const char *args)
{
	struct kc_buf	 out = { NULL, 0, 0 };
	char		 room[KC_NAME_MAX + 3];
	const char	*r;
	size_t		 n;

	cmd_word(&args, room, sizeof room);
	if (*args != '\0')
		return cmd_usage(c, &cmd_who_entry);
	r = room[0] == '#' ? room + 1 : room;
	if (*r == '\0')
		r = chat_room(c);
	if (*r == '\0')
		return cmd_usage(c, &cmd_who_entry);
	n = kc_presence_who(chat_presence(c), r, cmd_who_add, &out);
	if (n == 0)
		chat_info(c, "nobody in #%s", r);
	else
		chat_info(c, "%zu in #%s:%s", n, r, out.data);
	kc_buf_free(&out);
	return 0;
}

const struct cmd_entry cmd_who_entry = {
	.name = "who",
	.alias = "names",
	.usage = "[#room]",
	.help = "List who is in a room (the current one by default).",
	.arg = CMD_ARG_ROOM,
	.exec = cmd_who_exec
};
