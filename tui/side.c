/*
 * side.c - what the chat keeps beside its buffers for the side panes and
 * the user's settings: the settings' current values (as /set shows them),
 * the config file they are saved to, the others' away and typing state
 * (people.c), the user's own away message, and the decisions that follow
 * from settings: is a user ignored, does a text highlight, is a line
 * logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define SIDE_TYPING_EVERY_US	(2 * 1000000LL)	/* as the bridge */

struct side_kv {
	char	*key;
	char	*value;
};

struct side {
	struct side_kv	*kv;
	size_t		 nkv;
	char		*path;		/* the config file, or NULL */
	struct people	*people;
	char		 away[KC_AWAY_MAX + 1];
	int64_t		 typing_at;	/* our last typing heartbeat */
	int		 log_failed;	/* said once until it works again */
};

struct side *
side_new(void)
{
	struct side *s = xcalloc(1, sizeof *s);

	s->people = people_new();
	return s;
}

void
side_free(struct side *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nkv; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
	}
	free(s->kv);
	free(s->path);
	people_free(s->people);
	free(s);
}

const char *
side_get(const struct side *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nkv; i++) {
		if (strcmp(s->kv[i].key, key) == 0)
			return s->kv[i].value;
	}
	return NULL;
}

void
side_put(struct side *s, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < s->nkv; i++) {
		if (strcmp(s->kv[i].key, key) == 0) {
			free(s->kv[i].value);
			s->kv[i].value = value != NULL ? xstrdup(value) : NULL;
			return;
		}
	}
	s->kv = xreallocarray(s->kv, s->nkv + 1, sizeof *s->kv);
	s->kv[s->nkv].key = xstrdup(key);
	s->kv[s->nkv++].value = value != NULL ? xstrdup(value) : NULL;
}

int
side_on(const struct side *s, const char *key)
{
	const char *v = side_get(s, key);

	return v != NULL && (strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

void
side_set_path(struct side *s, const char *path)
{
	free(s->path);
	s->path = path != NULL ? xstrdup(path) : NULL;
}

const char *side_path(const struct side *s) { return s->path; }
struct people *side_people(struct side *s) { return s->people; }
const char *side_away(const struct side *s) { return s->away; }

void
side_set_away(struct side *s, const char *text)
{
	snprintf(s->away, sizeof s->away, "%s", text != NULL ? text : "");
}

int
side_ignored(const struct side *s, const char *user)
{
	return words_has(side_get(s, "ignore"), user);
}

int
side_highlight(const struct side *s, const char *text)
{
	return words_match(text, side_get(s, "highlight"));
}

int
side_typing_due(struct side *s, int64_t now)
{
	if (now - s->typing_at < SIDE_TYPING_EVERY_US)
		return 0;
	s->typing_at = now;
	return 1;
}

void
side_typing_reset(struct side *s)
{
	s->typing_at = 0;
}

int
side_log(struct side *s, struct buffer *b, const struct line *l,
    char *errstr, size_t len)
{
	char dir[4096];

	if (!side_on(s, "log") || l->kind == LINE_INFO ||
	    l->kind == LINE_ERROR || (l->flags & (LINE_HISTORY | LINE_HIDDEN |
	    LINE_LOADING)))
		return 0;
	log_dir(dir, sizeof dir);
	if (log_line(dir, b, l, errstr, len) == -1) {
		if (s->log_failed)
			return 0;
		s->log_failed = 1;
		return -1;
	}
	s->log_failed = 0;
	return 0;
}
