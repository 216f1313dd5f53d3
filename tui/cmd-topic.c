/*
 * cmd-topic.c - /topic [text]: shows the current room's topic line, or
 * sets it for everyone (the rooms topic; the web client shows it too);
 * /topic -clear clears it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static void
cmd_topic_show(struct chat *c, const char *room)
{
	const struct kc_roominfo	*ri = roomstate_info(c, room);
	char				 when[32], made[32], *t;

	if (ri == NULL) {
		chat_info(c, "#%s has no topic", room);
		return;
	}
	format_time(ri->created_ts, "%Y-%m-%d %H:%M", made, sizeof made);
	if (ri->topic[0] == '\0') {
		chat_info(c, "#%s has no topic (made by %s, %s)", room,
		    ri->created_by, made);
		return;
	}
	format_time(ri->topic_ts, "%Y-%m-%d %H:%M", when, sizeof when);
	t = sanitize_dup(ri->topic, strlen(ri->topic), 0);
	chat_info(c, "topic of #%s: %s (set by %s, %s)", room, t, ri->topic_by,
	    when);
	free(t);
}

static int
cmd_topic_exec(struct chat *c, const char *args)
{
	const char	*room = chat_room(c);
	char		 errstr[256];

	if (room == NULL || *room == '\0') {
		chat_error(c, "/topic: join a room first (/join #room)");
		return -1;
	}
	if (*args == '\0') {
		cmd_topic_show(c, room);
		return 0;
	}
	if (strcmp(args, "-clear") == 0)
		args = "";
	if (roomstate_set_topic(c, room, args, errstr, sizeof errstr) != 0) {
		chat_error(c, "/topic: cannot set the topic of #%s: %s", room,
		    errstr);
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_topic_entry = {
	.name = "topic",
	.alias = NULL,
	.usage = "[text | -clear]",
	.help = "Show the room's topic line, or set it for everyone (-clear "
	    "removes it).",
	.arg = CMD_ARG_NONE,
	.exec = cmd_topic_exec
};
