/*
 * cmd-nick.c - /nick name: change the user name. Every joined room gets a
 * leave of the old name and a join of the new one, so presence stays right
 * everywhere; their texts ("is now known as NEW", "was OLD") let clients
 * show the pair as one line (see format.c).
 */
#include <stdio.h>
#include <string.h>

#include "tui.h"

static int
cmd_nick_exec(struct chat *c, const char *args)
{
	struct buffer	*b;
	char		 nick[KC_NAME_MAX + 2], text[KC_NAME_MAX + 32];
	size_t		 i;
	int		 err;

	cmd_word(&args, nick, sizeof nick);
	if (nick[0] == '\0' || *args != '\0')
		return cmd_usage(c, &cmd_nick_entry);
	if ((err = kc_user_validate(nick, strlen(nick))) != KC_OK) {
		chat_error(c, "bad name \"%s\": %s", nick, kc_strerror(err));
		return -1;
	}
	if (strcmp(nick, chat_user(c)) == 0)
		return 0;
	snprintf(text, sizeof text, FORMAT_NICK_NEW "%s", nick);
	for (i = 0; (b = chat_buffer(c, i)) != NULL; i++) {
		if (b->kind == BUFFER_ROOM)
			chat_send(c, KC_TYPE_LEAVE, b->target, NULL, text);
	}
	snprintf(text, sizeof text, FORMAT_NICK_OLD "%s", chat_user(c));
	chat_set_user(c, nick);
	for (i = 0; (b = chat_buffer(c, i)) != NULL; i++) {
		if (b->kind == BUFFER_ROOM)
			chat_send(c, KC_TYPE_JOIN, b->target, NULL, text);
	}
	chat_heartbeat(c);
	return 0;
}

const struct cmd_entry cmd_nick_entry = {
	.name = "nick",
	.alias = NULL,
	.usage = "name",
	.help = "Change your user name (letters, digits, _ . -; up to 32).",
	.arg = CMD_ARG_NONE,
	.exec = cmd_nick_exec
};
