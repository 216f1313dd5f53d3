/*
 * cmd-rooms.c - /rooms: every room on the cluster (the rooms topic, and
 * any seen on the chat topic since start), with how many are in each and
 * its topic line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* The next room by name of the two sorted lists, or NULL at their end. */
static const char *
cmd_rooms_next(struct chat *c, size_t *i, size_t *j)
{
	const struct kc_roominfo	*ri;
	const char			*a = NULL, *b;
	int				 cmp;

	if ((ri = kc_roomtab_at(roomstate_rooms(c), *i)) != NULL)
		a = ri->room;
	b = chat_room_seen(c, *j);
	if (a == NULL && b == NULL)
		return NULL;
	cmp = a == NULL ? 1 : b == NULL ? -1 : strcmp(a, b);
	if (cmp <= 0)
		(*i)++;
	if (cmp >= 0)
		(*j)++;
	return cmp <= 0 ? a : b;
}

static int
cmd_rooms_exec(struct chat *c, const char *args)
{
	const struct kc_roominfo	*ri;
	const char			*r;
	char				*t;
	size_t				 i = 0, j = 0, n = 0, users;

	if (*args != '\0')
		return cmd_usage(c, &cmd_rooms_entry);
	while ((r = cmd_rooms_next(c, &i, &j)) != NULL) {
		if (n++ == 0)
			chat_info(c, "rooms on the cluster (users in each, topic):");
		users = kc_presence_who(chat_presence(c), r, NULL, NULL);
		ri = roomstate_info(c, r);
		if (ri == NULL || ri->topic[0] == '\0') {
			chat_info(c, "  #%s (%zu)", r, users);
			continue;
		}
		t = sanitize_dup(ri->topic, strlen(ri->topic), 0);
		chat_info(c, "  #%s (%zu): %s", r, users, t);
		free(t);
	}
	if (n == 0)
		chat_info(c, "no rooms yet");
	else
		chat_info(c, "%zu room%s", n, n == 1 ? "" : "s");
	return 0;
}

const struct cmd_entry cmd_rooms_entry = {
	.name = "rooms",
	.alias = "list",
	.usage = "",
	.help = "List every room on the cluster, how many are in each, and "
	    "its topic.",
	.arg = CMD_ARG_NONE,
	.exec = cmd_rooms_exec
};
