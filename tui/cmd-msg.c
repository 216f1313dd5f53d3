/*
 * cmd-msg.c - /msg user text: a direct message, shown in the "@user" buffer
 * of both parties. Any reader of the topic can see it (see kchat-tui(1)).
 * To a name nobody online has, alike to an online user's, it is refused
 * (chat_send_re(): the same in an @user buffer).
 */
#include <string.h>

#include "tui.h"

static int
cmd_msg_exec(struct chat *c, const char *args)
{
	char		 user[KC_NAME_MAX + 2];
	int		 err;

	if (cmd_word(&args, user, sizeof user) == NULL)
		return cmd_too_long(c, user);
	if (user[0] == '@')
		memmove(user, user + 1, strlen(user));
	if (user[0] == '\0' || *args == '\0')
		return cmd_usage(c, &cmd_msg_entry);
	if ((err = kc_user_validate(user, strlen(user))) != KC_OK) {
		chat_error(c, "no such user \"%s\": %s", user, kc_strerror(err));
		return -1;
	}
	if (*chat_room(c) == '\0') {
		chat_error(c, "not in a room: /join #room first");
		return -1;
	}
	/* The @user buffer opens without taking the focus, as in irssi. */
	return chat_send_text(c, KC_TYPE_DM, chat_room(c), user, args);
}

const struct cmd_entry cmd_msg_entry = {
	.name = "msg",
	.alias = NULL,
	.usage = "user text",
	.help = "Send a direct message to user, shown in the @user buffer (Alt-N switches).",
	.arg = CMD_ARG_USER,
	.exec = cmd_msg_exec
};
