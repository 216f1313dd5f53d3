/*
 * complete.c - what Tab offers: command names for the first word of a
 * command, rooms for "#..." and for the argument of /join and /part, users
 * otherwise ("alice: " at the start of a line, as IRC clients do).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui.h"

struct cands {
	char	**v;
	size_t	  n;
};

static void
cands_add(struct cands *cs, const char *prefix, size_t plen, const char *lead,
    const char *word, const char *suffix)
{
	char	*s;
	size_t	 i, llen = strlen(lead);


	/* The prefix may hold the lead ("/" or "#") or not ("/join ge"). */
	if (llen > 0 && plen > 0 && strncmp(lead, prefix, plen < llen ?
	    plen : llen) == 0) {
		prefix += plen < llen ? plen : llen;
		plen -= plen < llen ? plen : llen;
	}
	if (kc_strncasecmp(word, prefix, plen) != 0)
		return;
	xasprintf(&s, "%s%s%s", lead, word, suffix);
	for (i = 0; i < cs->n; i++) {
		if (strcmp(cs->v[i], s) == 0) {
			free(s);
			return;
		}
	}
	cs->v = xreallocarray(cs->v, cs->n + 1, sizeof *cs->v);
	cs->v[cs->n++] = s;
}

static int
cands_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
complete_rooms(struct chat *c, struct cands *cs, const char *prefix,
    size_t plen)
{
	struct buffer	*b;
	const char	*r;
	size_t		 i;

	for (i = 0; (b = chat_buffer(c, i)) != NULL; i++) {
		if (b->kind == BUFFER_ROOM)
			cands_add(cs, prefix, plen, "#", b->target, " ");
	}
	for (i = 0; (r = chat_room_seen(c, i)) != NULL; i++)
		cands_add(cs, prefix, plen, "#", r, " ");
}

static void
complete_users(struct chat *c, struct cands *cs, const char *prefix,
    size_t plen, const char *suffix)
{
	char	**users;
	size_t	  n, i;

	n = chat_users(c, chat_current(c), &users);
	for (i = 0; i < n; i++)
		cands_add(cs, prefix, plen, "", users[i], suffix);
	chat_users_free(users, n);
}

size_t
chat_complete(struct chat *c, const char *line, size_t ws, size_t cur,
    char ***out)
{
	struct cands		 cs = { NULL, 0 };
	const struct cmd_entry	*ce = NULL;
	const char		*prefix = line + ws, *sp;
	size_t			 plen = cur - ws, i, argn = 0;

	if (line[0] == '/' && ws > 0) {
		/* Which argument of which command is being completed? */
		sp = strchr(line, ' ');
		if (sp != NULL)
			ce = cmd_find(line + 1, sp - line - 1);
		for (i = 0; i < ws; i++) {
			if (line[i] != ' ' && (i == 0 || line[i - 1] == ' '))
				argn++;
		}
	}
	if (ws == 0 && line[0] == '/') {
		for (i = 0; cmd_table[i] != NULL; i++)
			cands_add(&cs, prefix, plen, "/", cmd_table[i]->name,
			    " ");
	} else if (ce != NULL && argn == 1 && ce->arg == CMD_ARG_CMD) {
		for (i = 0; cmd_table[i] != NULL; i++)
			cands_add(&cs, prefix, plen, "", cmd_table[i]->name,
			    "");
	} else if (*prefix == '#' || (ce != NULL && argn == 1 &&
	    ce->arg == CMD_ARG_ROOM)) {
		complete_rooms(c, &cs, prefix, plen);
	} else if (ws == 0)
		complete_users(c, &cs, prefix, plen, ": ");
	else
		complete_users(c, &cs, prefix, plen, " ");
	if (cs.n > 1)
		qsort(cs.v, cs.n, sizeof *cs.v, cands_cmp);
	*out = cs.v;
	return cs.n;
}
