/* cmd-help.c - /help [command]: the commands and what they do. */
#include <string.h>

#include "tui.h"

static int
cmd_help_exec(struct chat *c, const char *args)
{
	const struct cmd_entry	*ce;
	size_t			 i;

	if (*args == '/')
		args++;
	if (*args != '\0') {
		if ((ce = cmd_find(args, strlen(args))) == NULL) {
			chat_error(c, "no command /%s: /help lists them", args);
			return -1;
		}
		chat_info(c, "/%s %s - %s%s%s", ce->name, ce->usage, ce->help,
		    ce->alias != NULL ? " Also /" : "",
		    ce->alias != NULL ? ce->alias : "");
		return 0;
	}
	chat_info(c, "commands (a line without / is said in the current "
	    "buffer; // says a line starting with /):");
	for (i = 0; (ce = cmd_table[i]) != NULL; i++)
		chat_info(c, "  /%s %s - %s", ce->name, ce->usage, ce->help);
	return 0;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.alias = NULL,
	.usage = "[command]",
	.help = "List the commands, or explain one.",
	.arg = CMD_ARG_CMD,
	.exec = cmd_help_exec
};
