/* cmd-unignore.c - /unignore user: show what an ignored user writes again. */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static int
cmd_unignore_exec(struct chat *c, const char *args)
{
	char	 name[KC_NAME_MAX + 2], err[1024], *nl;
	int	 found, e;

	if (cmd_word(&args, name, sizeof name) == NULL)
		return cmd_too_long(c, name);
	if (name[0] == '\0' || *args != '\0')
		return cmd_usage(c, &cmd_unignore_entry);
	nl = words_remove(setting_get(c, "ignore"), name, &found);
	if (!found) {
		free(nl);
		chat_error(c, "%s is not ignored (/ignore lists who is)", name);
		return -1;
	}
	e = setting_set(c, "ignore", *nl != '\0' ? nl : NULL, 1, err,
	    sizeof err);
	free(nl);
	if (e == -1) {
		chat_error(c, "%s", err);
		return -1;
	}
	chat_info(c, "no longer ignoring %s", name);
	return 0;
}

const struct cmd_entry cmd_unignore_entry = {
	.name = "unignore",
	.alias = NULL,
	.usage = "user",
	.help = "Show what an ignored user writes again.",
	.arg = CMD_ARG_USER,
	.exec = cmd_unignore_exec
};
