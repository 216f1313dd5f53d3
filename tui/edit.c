/*
 * edit.c - edits, deletes and replies on a buffer's lines (kchat.7,
 * EDITS). An edit or delete is a record naming the id of the line it
 * changes; it counts only when its user is that line's author, so a
 * forged one (anyone may write any name on the topic) changes nothing and
 * shows nothing. Ids are chosen by writers, so one may be on two lines
 * of two users: a record names the line of that id earlier than itself in
 * the partition (buffer_find_re()). The latest are kept aside the buffer
 * (edit-aside.c) for lines that come after them: not loaded yet (older
 * than the scrollback, or not fetched), or gone out of view and back. A
 * delete is final. Edits of one line apply in the order of their offsets
 * in the room's partition, so a history fetched late cannot put an older
 * text back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static int
edit_editable(const struct line *l)
{
	return l->id[0] != '\0' && !(l->flags & (LINE_DELETED | LINE_HIDDEN)) &&
	    (l->kind == LINE_MESSAGE || l->kind == LINE_ACTION);
}

struct line *
edit_target(struct buffer *b, const struct kc_msg *m)
{
	struct line *l;

	l = buffer_find_re(b, m->re, m->user, m->offset >= 0 ?
	    m->offset + 1 : 0);
	if (l == NULL || !edit_editable(l))
		return NULL;
	/* An older edit read late; a delete counts whenever it is read. */
	if (m->type == KC_TYPE_EDIT && m->offset >= 0 &&
	    m->offset + 1 <= line_edit_at(l))
		return NULL;
	return l;
}

struct line *
edit_last_own(struct buffer *b, const char *user)
{
	size_t i;

	if (b == NULL || b->kind != BUFFER_ROOM)
		return NULL;
	for (i = b->nlines; i > 0; i--) {
		if ((b->lines[i - 1].flags & LINE_SELF) &&
		    strcmp(b->lines[i - 1].user, user) == 0 &&
		    b->lines[i - 1].state != LINE_FAILED &&
		    edit_editable(&b->lines[i - 1]))
			return &b->lines[i - 1];
	}
	return NULL;
}

struct line *
edit_last_of(struct buffer *b, const char *user)
{
	struct line	*l;
	size_t		 i;

	if (b == NULL)
		return NULL;
	for (i = b->nlines; i > 0; i--) {
		l = &b->lines[i - 1];
		if (l->id[0] != '\0' && !(l->flags & LINE_HIDDEN) &&
		    strcmp(l->user, user) == 0 && (l->kind == LINE_MESSAGE ||
		    l->kind == LINE_ACTION || l->kind == LINE_DM))
			return l;
	}
	return NULL;
}

char *
edit_quote(struct buffer *b, const char *id, int64_t before1)
{
	struct line	*l = buffer_find_re(b, id, NULL, before1);
	const char	*t;
	size_t		 n = 0, len;
	uint32_t	 cp;
	char		*q;

	if (l == NULL || l->text == NULL)
		return xstrdup("a message not loaded");
	/* The first line of the text, cut at a character boundary. */
	t = l->text;
	len = strcspn(t, "\n");
	while (n < len) {
		size_t k = utf8_next(t + n, len - n, &cp);

		if (k == 0 || n + k > EDIT_QUOTE_MAX)
			break;
		n += k;
	}
	xasprintf(&q, "%s%s%s %.*s%s", l->kind == LINE_ACTION ? "* " : "<",
	    l->user, l->kind == LINE_ACTION ? "" : ">", (int)n, t,
	    n < strlen(t) ? "\u2026" : "");
	return q;
}

void
edit_requote(struct buffer *b, const struct line *l)
{
	struct line_more	*lm;
	size_t			 i;

	for (i = 0; i < b->nlines; i++) {
		if ((lm = b->lines[i].more) == NULL || lm->quote == NULL ||
		    lm->reply == NULL || strcmp(lm->reply, l->id) != 0)
			continue;
		free(lm->quote);
		lm->quote = edit_quote(b, l->id, b->lines[i].offset1);
	}
}
