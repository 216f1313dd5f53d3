/*
 * cmd-who.c - /who [#room]: who is in a room, from the presence records that
 * bridges and TUIs share, so the answer is the same in the web client.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct cmd_who {
	struct chat	*chat;
	struct kc_buf	 out;
};

/* " bob", or " bob (away: lunch)" for someone /away. */
static void
cmd_who_add(void *arg, const char *room, const char *user)
{
	struct cmd_who	*w = arg;
	const char	*away;

	kc_buf_append(&w->out, " ", 1);
	kc_buf_append(&w->out, user, strlen(user));
	if ((away = people_away(side_people(chat_side(w->chat)), user,
	    kc_now_us())) == NULL)
		return;
	kc_buf_append(&w->out, " (away: ", 8);
	kc_buf_append(&w->out, away, strlen(away));
	kc_buf_append(&w->out, ")", 1);
}

static int
cmd_who_exec(struct chat *c, const char *args)
{
	struct cmd_who	 w = { c, { NULL, 0, 0 } };
	char		 room[KC_NAME_MAX + 3], *shown;
	const char	*r;
	size_t		 n;

	if (cmd_word(&args, room, sizeof room) == NULL)
		return cmd_too_long(c, room);
	if (*args != '\0')
		return cmd_usage(c, &cmd_who_entry);
	r = room[0] == '#' ? room + 1 : room;
	if (*r == '\0')
		r = chat_room(c);
	if (*r == '\0')
		return cmd_usage(c, &cmd_who_entry);
	n = kc_presence_who(chat_presence(c), r, cmd_who_add, &w);
	if (n == 0)
		chat_info(c, "nobody in #%s", r);
	else {
		/* Away messages are others' text: made inert. */
		shown = sanitize_dup(w.out.data, w.out.len, 0);
		chat_info(c, "%zu in #%s:%s", n, r, shown);
		free(shown);
	}
	kc_buf_free(&w.out);
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
