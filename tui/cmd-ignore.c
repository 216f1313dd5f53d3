/*
 * cmd-ignore.c - /ignore [user]: hide everything a user writes, in rooms
 * and direct messages, on this terminal only (the others still see it).
 * The list is the setting "ignore", saved in the config file; alone,
 * /ignore lists it. /unignore takes a name off.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static int
cmd_ignore_exec(struct chat *c, const char *args)
{
	const char	*list = setting_get(c, "ignore");
	char		 name[KC_NAME_MAX + 2], err[1024], *nl;
	int		 e;

	if (*args == '\0') {
		if (list == NULL || *list == '\0')
			chat_info(c, "nobody is ignored (/ignore NAME hides "
			    "what NAME writes)");
		else
			chat_info(c, "ignored: %s (/unignore NAME shows them "
			    "again)", list);
		return 0;
	}
	if (cmd_word(&args, name, sizeof name) == NULL)
		return cmd_too_long(c, name);
	if (*args != '\0')
		return cmd_usage(c, &cmd_ignore_entry);
	if ((e = kc_user_validate(name, strlen(name))) != KC_OK) {
		chat_error(c, "cannot ignore \"%s\": %s", name, kc_strerror(e));
		return -1;
	}
	if (strcmp(name, chat_user(c)) == 0) {
		chat_error(c, "you cannot ignore yourself");
		return -1;
	}
	if (words_has(list, name)) {
		chat_info(c, "%s is already ignored", name);
		return 0;
	}
	nl = words_add(list, name);
	e = setting_set(c, "ignore", nl, 1, err, sizeof err);
	free(nl);
	if (e == -1) {
		chat_error(c, "%s", err);
		return -1;
	}
	chat_info(c, "ignoring %s: nothing they write shows here "
	    "(/unignore %s undoes it)", name, name);
	return 0;
}

const struct cmd_entry cmd_ignore_entry = {
	.name = "ignore",
	.alias = NULL,
	.usage = "[user]",
	.help = "Hide what a user writes, here only (saved); alone, list who "
	    "is ignored.",
	.arg = CMD_ARG_USER,
	.exec = cmd_ignore_exec
};
