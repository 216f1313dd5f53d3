/* cmd-rooms.c - /rooms: the rooms seen on the topic, with who is there. */
#include <stdio.h>
#include <string.h>

#include "tui.h"

static void
cmd_rooms_count(void *arg, const char *room, const char *user)
{
}

static int
cmd_rooms_exec(struct chat *c, const char *args)
{
	struct kc_buf	 out = { NULL, 0, 0 };
	const char	*r;
	char		 item[KC_NAME_MAX + 32];
	size_t		 i, n;

	if (*args != '\0')
		return cmd_usage(c, &cmd_rooms_entry);
	for (i = 0; (r = chat_room_seen(c, i)) != NULL; i++) {
		n = kc_presence_who(chat_presence(c), r, cmd_rooms_count, NULL);
		snprintf(item, sizeof item, " #%s (%zu)", r, n);
		kc_buf_append(&out, item, strlen(item));
	}
	if (i == 0)
		chat_info(c, "no rooms seen yet");
	else
		chat_info(c, "%zu room%s:%s", i, i == 1 ? "" : "s", out.data);
	kc_buf_free(&out);
	return 0;
}

const struct cmd_entry cmd_rooms_entry = {
	.name = "rooms",
	.alias = "list",
	.usage = "",
	.help = "List the rooms seen on the topic and how many are in each.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_rooms_exec
};
