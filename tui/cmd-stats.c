/*
 * cmd-stats.c - /stats: what kchat-tui read from Kafka, how many records
 * it skipped because they did not decode (and why), and how many of your
 * lines wait for Kafka.
 */
#include <stdio.h>
#include <string.h>

#include "tui.h"

static int
cmd_stats_exec(struct chat *c, const char *args)
{
	struct chat_stats	 st;
	struct kc_buf		 why = { NULL, 0, 0 };
	char			 item[96];
	int			 err;

	if (*args != '\0')
		return cmd_usage(c, &cmd_stats_entry);
	if (!chat_stats(c, &st)) {
		chat_info(c, "no statistics here");
		return 0;
	}
	for (err = 1; err < KC_ERR__COUNT; err++) {
		if (st.invalid[err] == 0)
			continue;
		snprintf(item, sizeof item, "%s%s %llu", why.len ? ", " : ": ",
		    kc_errname(err), (unsigned long long)st.invalid[err]);
		kc_buf_append(&why, item, strlen(item));
	}
	chat_info(c, "%llu record%s read; %llu skipped as undecodable%s; "
	    "%d line%s waiting for Kafka", (unsigned long long)st.read,
	    st.read == 1 ? "" : "s", (unsigned long long)st.skipped,
	    why.len ? why.data : "", st.pending, st.pending == 1 ? "" : "s");
	kc_buf_free(&why);
	return 0;
}

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.alias = NULL,
	.usage = "",
	.help = "Show how many records were read, how many were skipped as "
	    "undecodable (and why), and how many of your lines wait for Kafka.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_stats_exec
};
