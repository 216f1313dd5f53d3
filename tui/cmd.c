/*
 * cmd.c - what the user types: a command, run from the command table, or
 * text said in the current buffer. Each command is one file, cmd-NAME.c,
 * exporting cmd_NAME_entry; adding one is a file and a line here.
 *
 * Commands sit above the chat (tui/chat.c): they call it, it never calls
 * them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
const struct cmd_entry *cmd_table[] = {
	&cmd_away_entry,
	&cmd_clear_entry,
	&cmd_delete_entry,
	&cmd_edit_entry,
	&cmd_help_entry,
	&cmd_history_entry,
	&cmd_ignore_entry,
	&cmd_join_entry,
	&cmd_lastlog_entry,
	&cmd_me_entry,
	&cmd_msg_entry,
	&cmd_nick_entry,
	&cmd_part_entry,
	&cmd_quit_entry,
	&cmd_replay_entry,
	&cmd_reply_entry,
	&cmd_rooms_entry,
	&cmd_set_entry,
	&cmd_stats_entry,
	&cmd_topic_entry,
	&cmd_unignore_entry,
	&cmd_who_entry,
	NULL
};

const struct cmd_entry *
cmd_find(const char *name, size_t len)
{
	const struct cmd_entry	*ce;
	size_t			 i;

	for (i = 0; (ce = cmd_table[i]) != NULL; i++) {
		if (strlen(ce->name) == len && strncmp(ce->name, name, len) == 0)
			return ce;
		if (ce->alias != NULL && strlen(ce->alias) == len &&
		    strncmp(ce->alias, name, len) == 0)
			return ce;
	}
	return NULL;
}

const char *
cmd_word(const char **args, char *buf, size_t len)
{
	const char	*p = *args, *start;
	size_t		 n;
	int		 cut = 0;

	while (*p == ' ')
		p++;
	start = p;
	while (*p != '\0' && *p != ' ')
		p++;
	n = p - start;
	if (n >= len) {
		n = len - 1;
		cut = 1;
	}
	memcpy(buf, start, n);
	buf[n] = '\0';
	while (*p == ' ')
		p++;
	*args = p;
	return cut ? NULL : buf;
}

int
cmd_too_long(struct chat *c, const char *start)
{
	chat_error(c, "\"%s\xe2\x80\xa6\" is too long (a name is at most %d "
	    "bytes)", start, KC_NAME_MAX);
	return -1;
}

/*
 * Edit distance of a and b (case-insensitive), a swap of two neighbours
 * counting as one edit ("jion" is one from "join"). Short strings only.
 */
static size_t
cmd_distance(const char *a, size_t alen, const char *b)
{
	size_t	blen = strlen(b), i, j, d[33][33], v;

	if (alen > 32 || blen > 32)
		return 99;
	for (i = 0; i <= alen; i++)
		d[i][0] = i;
	for (j = 0; j <= blen; j++)
		d[0][j] = j;
	for (i = 1; i <= alen; i++) {
		for (j = 1; j <= blen; j++) {
			size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			size_t sub = d[i - 1][j - 1] +
			    (tolower((unsigned char)a[i - 1]) != b[j - 1]);
			v = del < ins ? del : ins;
			if (sub < v)
				v = sub;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) == b[j - 2] &&
			    tolower((unsigned char)a[i - 2]) == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[alen][blen];
}

/*
 * How far name is from the command called cand, for "did you mean": 0 for
 * a start of it ("/hist"), else the edit distance when it is close enough
 * to be a typo (one edit in names of 3 or more, two in names of 6 or
 * more), else -1. "/foo" is no "/who": two edits of three letters is
 * another word.
 */
static int
cmd_closeness(const char *name, size_t len, const char *cand)
{
	size_t	d, i;

	if (len >= 2 && len < strlen(cand) && strlen(cand) > 2) {
		for (i = 0; i < len; i++) {
			if (tolower((unsigned char)name[i]) != cand[i])
				break;
		}
		if (i == len)
			return 0;
	}
	d = cmd_distance(name, len, cand);
	if (d == 0 || (d == 1 && len >= 3) || (d == 2 && len >= 6))
		return (int)d;
	return -1;
}

int
cmd_suggest(const char *name, size_t len, const char **out)
{
	const struct cmd_entry	*ce;
	size_t			 i;
	int			 d, best = -1;

	*out = NULL;
	for (i = 0; (ce = cmd_table[i]) != NULL; i++) {
		if ((d = cmd_closeness(name, len, ce->name)) < 0 &&
		    (ce->alias == NULL ||
		    (d = cmd_closeness(name, len, ce->alias)) < 0))
			continue;
		if (best < 0 || d < best) {
			best = d;
			*out = ce->name;
		}
	}
	return *out != NULL ? 0 : -1;
}

int
cmd_dispatch(struct chat *c, const char *line)
{
	const struct cmd_entry	*ce;
	const char		*name = line + 1, *args, *best;
	char			*copy, *end;
	size_t			 len;
	int			 rv;

	for (len = 0; name[len] != '\0' && name[len] != ' '; len++)
		;
	if ((ce = cmd_find(name, len)) == NULL) {
		if (cmd_suggest(name, len, &best) == 0)
			chat_error(c, "unknown command /%.*s: did you mean "
			    "/%s? (/help lists the commands)", (int)len, name,
			    best);
		else
			chat_error(c, "unknown command /%.*s: /help lists the "
			    "commands; start a line with // to say something "
			    "starting with /", (int)len, name);
		return -1;
	}
	for (args = name + len; *args == ' '; args++)
		;
	copy = xstrdup(args);
	end = copy + strlen(copy);
	while (end > copy && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	rv = ce->exec(c, copy);
	free(copy);
	return rv;
}

/* Shared by commands: complain about missing arguments. */
int
cmd_usage(struct chat *c, const struct cmd_entry *ce)
{
	chat_error(c, "usage: /%s %s", ce->name, ce->usage);
	return -1;
}

void
cmd_input(struct chat *c, const char *line)
{
	/* Blanks say nothing: nothing is sent (the web client does so too). */
	if (kc_text_blank(line, strlen(line)))
		return;
	/* Several lines (a paste, Ctrl-J) are one message, never commands. */
	if (strchr(line, '\n') != NULL)
		chat_say(c, line);
	else if (line[0] == '/' && line[1] != '/')
		cmd_dispatch(c, line);
	else if (line[0] == '/')
		chat_say(c, line + 1);	/* "//x" says "/x" */
	else
		chat_say(c, line);
}
