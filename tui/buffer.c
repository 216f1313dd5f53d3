/*
 * buffer.c - one room or direct conversation: its lines (bounded scrollback),
 * unread and mention counts, and how far the user has scrolled up.
 *
 * A full buffer loses its oldest line for each new one, which in a burst is
 * every message: the lines are a window into a longer array (base), the
 * window moves on by one, and all the lines move back to base once the
 * window reaches base's end, every BUFFER_SLACK(max) lines. The user's own
 * lines that leave before Kafka read them back are kept out of view
 * (buffer-gone.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Room past the bound: lines lost before the lines move back to base. */
#define BUFFER_SLACK(max)	((max) / 8 + 16)

struct buffer *
buffer_new(enum buffer_kind kind, const char *target, size_t max)
{
	struct buffer *b;

	b = xcalloc(1, sizeof *b);
	b->kind = kind;
	snprintf(b->target, sizeof b->target, "%s", target);
	snprintf(b->name, sizeof b->name, "%c%s",
	    kind == BUFFER_ROOM ? '#' : '@', b->target);
	b->max = max > 0 ? max : TUI_SCROLLBACK;
	/*
	 * All of it at once, so that a line stays where it is while other
	 * lines come (its pointer is kept across a notification that may
	 * add one); pages never written are not resident.
	 */
	b->cap = b->max + BUFFER_SLACK(b->max);
	b->base = xreallocarray(NULL, b->cap, sizeof *b->base);
	b->lines = b->base;
	return b;
}

void
buffer_line_free(struct line *l)
{
	free(l->text);
	intern_drop(l->user);
	if (l->more != NULL) {
		free(l->more->error);
		free(l->more->quote);
		free(l->more->reply);
		free(l->more);
	}
}

struct line_more *
buffer_line_more(struct line *l)
{
	if (l->more == NULL)
		l->more = xcalloc(1, sizeof *l->more);
	return l->more;
}

/* A copy of m for a stored line, or NULL when m holds nothing. */
static struct line_more *
buffer_more_dup(const struct line_more *m)
{
	struct line_more *nm;

	if (m == NULL || (m->edit_at == 0 && m->error == NULL &&
	    m->quote == NULL && (m->reply == NULL || *m->reply == '\0')))
		return NULL;
	nm = xcalloc(1, sizeof *nm);
	nm->edit_at = m->edit_at;
	nm->error = m->error != NULL ? xstrdup(m->error) : NULL;
	nm->quote = m->quote != NULL ? xstrdup(m->quote) : NULL;
	nm->reply = m->reply != NULL && *m->reply != '\0' ?
	    xstrdup(m->reply) : NULL;
	return nm;
}

void
buffer_free(struct buffer *b)
{
	if (b == NULL)
		return;
	buffer_clear(b);
	buffer_gone_free(b);
	edit_aside_free(b);
	free(b->base);
	idset_clear(&b->ids);
	free(b);
}

void
buffer_clear(struct buffer *b)
{
	size_t i;

	for (i = 0; i < b->nlines; i++)
		buffer_gone_keep(b, &b->lines[i]);
	idset_clear(&b->ids);
	b->lines = b->base;
	b->nlines = 0;
	b->scroll = 0;
	b->unread = b->mentions = 0;
}

struct line *
buffer_find(struct buffer *b, const char *id)
{
	size_t i;

	if (id == NULL || !idset_maybe(&b->ids, id))
		return NULL;
	/* Newest first: what is looked up is almost always recent. */
	for (i = b->nlines; i > 0; i--) {
		if (strcmp(b->lines[i - 1].id, id) == 0)
			return &b->lines[i - 1];
	}
	return NULL;
}

struct line *
buffer_find_user(struct buffer *b, const char *id, const char *user)
{
	size_t i;

	if (id == NULL || !idset_maybe(&b->ids, id))
		return NULL;
	for (i = b->nlines; i > 0; i--) {
		if (strcmp(b->lines[i - 1].id, id) == 0 &&
		    strcmp(b->lines[i - 1].user, user) == 0)
			return &b->lines[i - 1];
	}
	return NULL;
}

/*
 * Anyone can write a record with any id (the bridge takes a browser's), so
 * an id alone does not name a line: the one meant is the earliest in the
 * room's partition before the record that names it, where offsets are
 * known. A line of unknown offset (our own, not read back yet) counts as
 * before, and loses to one whose offset is known.
 */
struct line *
buffer_find_re(struct buffer *b, const char *id, const char *user,
    int64_t before1)
{
	struct line	*l, *best = NULL;
	size_t		 i;

	if (id == NULL || !idset_maybe(&b->ids, id))
		return NULL;
	for (i = 0; i < b->nlines; i++) {
		l = &b->lines[i];
		if (strcmp(l->id, id) != 0 ||
		    (user != NULL && strcmp(l->user, user) != 0))
			continue;
		if (before1 > 0 && l->offset1 >= before1)
			continue;	/* after the record: not what it names */
		if (best == NULL || (l->offset1 > 0 &&
		    (best->offset1 == 0 || l->offset1 < best->offset1)))
			best = l;
	}
	return best;
}

struct line *
buffer_oldest(struct buffer *b)
{
	size_t i;

	for (i = 0; i < b->nlines; i++) {
		if (b->lines[i].id[0] != '\0')
			return &b->lines[i];
	}
	return NULL;
}

size_t
buffer_drop(struct buffer *b, int flags)
{
	size_t	i, kept = 0, dropped;

	for (i = 0; i < b->nlines; i++) {
		if (b->lines[i].flags & flags) {
			idset_del(&b->ids, b->lines[i].id);
			buffer_line_free(&b->lines[i]);
		} else
			b->lines[kept++] = b->lines[i];
	}
	dropped = b->nlines - kept;
	b->nlines = kept;
	return dropped;
}

struct line *
buffer_add(struct buffer *b, const struct line *l, int sorted)
{
	size_t at = b->nlines;

	if (buffer_find_user(b, l->id, l->user != NULL ? l->user : "") != NULL)
		return NULL;
	if (sorted) {
		/* After every line that is not newer: ties keep arrival order. */
		while (at > 0 && b->lines[at - 1].ts > l->ts)
			at--;
	}
	return buffer_insert(b, l, at);
}

/*
 * Makes room for one more line after the last: once the window reached
 * the end of base, the lines move back to its start.
 */
static void
buffer_room(struct buffer *b)
{
	if ((size_t)(b->lines - b->base) + b->nlines < b->cap)
		return;
	memmove(b->base, b->lines, b->nlines * sizeof *b->lines);
	b->lines = b->base;
}

struct line *
buffer_insert(struct buffer *b, const struct line *l, size_t at)
{
	struct line *nl;

	if (at > b->nlines)
		at = b->nlines;
	if (b->nlines == b->max) {
		if (at == 0)
			return NULL;	/* older than all we keep */
		idset_del(&b->ids, b->lines[0].id);
		buffer_gone_keep(b, &b->lines[0]);
		b->lines++;
		b->nlines--;
		at--;
	}
	buffer_room(b);
	memmove(&b->lines[at + 1], &b->lines[at],
	    (b->nlines - at) * sizeof *b->lines);
	nl = &b->lines[at];
	*nl = *l;
	nl->text = xstrdup(l->text != NULL ? l->text : "");
	nl->user = intern_hold(l->user != NULL ? l->user : "");
	nl->more = buffer_more_dup(l->more);
	idset_add(&b->ids, nl->id);
	b->nlines++;
	return nl;
}
