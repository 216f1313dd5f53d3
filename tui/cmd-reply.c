/*
 * cmd-reply.c - /reply nick text: answers nick's newest line in the
 * current buffer; the answer shows that line quoted above it, here and in
 * the web client.
 */
#include <string.h>

#include "tui.h"

static int
cmd_reply_exec(struct chat *c, const char *args)
{
	struct buffer	*b = chat_current(c);
	struct line	*l;
	char		 nick[KC_NAME_MAX + 4];
	const char	*who;
	size_t		 n;

	if ((who = cmd_word(&args, nick, sizeof nick)) == NULL)
		return cmd_too_long(c, nick);
	while (*args == ' ')
		args++;
	if (*who == '\0' || *args == '\0')
		return cmd_usage(c, &cmd_reply_entry);
	/* "alice:" and "@alice" as completion and habit write them. */
	if (*who == '@')
		who++;
	n = strlen(who);
	if (n > 0 && (who[n - 1] == ':' || who[n - 1] == ','))
		nick[who - nick + n - 1] = '\0';
	if (b == NULL) {
		chat_error(c, "not in a room: /join #room first");
		return -1;
	}
	if ((l = edit_last_of(b, who)) == NULL) {
		chat_error(c, "no message of %s in %s to reply to", who,
		    b->name);
		return -1;
	}
	if (b->kind == BUFFER_DM)
		return chat_send_re(c, KC_TYPE_DM, chat_room(c), b->target,
		    NULL, l->id, args);
	return chat_send_re(c, KC_TYPE_MESSAGE, b->target, NULL, NULL, l->id,
	    args);
}

const struct cmd_entry cmd_reply_entry = {
	.name = "reply",
	.alias = NULL,
	.usage = "nick text",
	.help = "Answer nick's last message here; it shows quoted above "
	    "your answer.",
	.arg = CMD_ARG_USER,
	.exec = cmd_reply_exec
};
