/* cmd-clear.c - /clear: empty the current buffer (Kafka keeps everything). */
#include "tui.h"

static int
cmd_clear_exec(struct chat *c, const char *args)
{
	struct buffer *b = chat_current(c);

	if (*args != '\0')
		return cmd_usage(c, &cmd_clear_entry);
	if (b != NULL) {
		buffer_clear(b);
		b->history_done = 0;
	}
	return 0;
}

const struct cmd_entry cmd_clear_entry = {
	.name = "clear",
	.alias = NULL,
	.usage = "",
	.help = "Clear the current buffer; /history or /replay bring lines back.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_clear_exec
};
