/*
 * cmd-set.c - /set [key [value]], /set -clear key: the settings of the
 * config file and the flags. Alone it lists every key with its value; with
 * a key it shows that one; with a value it checks it, applies it to the
 * running client where that makes sense, and saves it in the config file.
 */
#include <stdio.h>
#include <string.h>

#include "tui.h"

static void
cmd_set_show(struct chat *c, const char *key)
{
	const char *v = setting_get(c, key);

	chat_info(c, "  %s = %s%s", key, v != NULL ? v : "",
	    setting_live(key) ? "" : "  (at the next start)");
}

static int
cmd_set_exec(struct chat *c, const char *args)
{
	const char	*path = side_path(chat_side(c)), *key, *value;
	char		 word[64], err[1024];
	size_t		 i;
	int		 clear = 0;

	if (*args == '\0') {
		chat_info(c, "settings (/set KEY VALUE changes one and saves it "
		    "in %s):", path != NULL ? path : "no file");
		for (i = 0; (key = setting_key(i)) != NULL; i++)
			cmd_set_show(c, key);
		return 0;
	}
	if ((key = cmd_word(&args, word, sizeof word)) == NULL)
		return cmd_too_long(c, word);
	if (strcmp(key, "-clear") == 0) {
		clear = 1;
		if ((key = cmd_word(&args, word, sizeof word)) == NULL)
			return cmd_too_long(c, word);
		if (*key == '\0' || *args != '\0')
			return cmd_usage(c, &cmd_set_entry);
	}
	value = args;
	if (!clear && *value == '\0') {
		if (setting_get(c, key) == NULL) {
			chat_error(c, "no setting \"%s\": /set lists them", key);
			return -1;
		}
		cmd_set_show(c, key);
		return 0;
	}
	if (setting_set(c, key, clear ? NULL : value, 1, err,
	    sizeof err) == -1) {
		chat_error(c, "%s", err);
		return -1;
	}
	if (clear)
		chat_info(c, "%s is back to its default (%s)%s", key,
		    setting_get(c, key), setting_live(key) ? "" :
		    "; it takes effect at the next start");
	else
		chat_info(c, "%s = %s%s", key, value, setting_live(key) ? "" :
		    " (saved; it takes effect at the next start)");
	return 0;
}

const struct cmd_entry cmd_set_entry = {
	.name = "set",
	.alias = NULL,
	.usage = "[-clear] [key [value]]",
	.help = "List the settings, or show, change and save one in the config "
	    "file (-clear: back to its default).",
	.arg = CMD_ARG_NONE,
	.exec = cmd_set_exec
};
