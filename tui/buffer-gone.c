/*
 * buffer-gone.c - the user's own lines that left a buffer's scrollback
 * (or went with /clear) before Kafka read them back. A burst longer than
 * the scrollback pushes lines out while they are still pending; their
 * delivery reports and their records read back come later. Without them
 * kept, a line pushed out pending was never final (line mode never
 * printed it, quit never counted it), and one read back after it left
 * came in as a new line (printed twice, and pushing out pending lines in
 * turn). Kept here, not shown, they are found by id until read back.
 *
 * Reports and records come in the order sent, so a lookup starts where
 * the last one ended (gone_hint); a line taken back leaves a hole (id "")
 * until half of the array is holes.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* The user's, sent from here, and not read back: Kafka has more to say. */
static int
buffer_gone_wanted(const struct line *l)
{
	return (l->flags & LINE_SELF) && !(l->flags & LINE_ECHOED) &&
	    l->state != LINE_FINAL && l->id[0] != '\0';
}

void
buffer_gone_keep(struct buffer *b, struct line *l)
{
	if (!buffer_gone_wanted(l)) {
		buffer_line_free(l);
		return;
	}
	if (b->ngone == b->gone_cap) {
		b->gone_cap = b->gone_cap ? b->gone_cap * 2 : 64;
		b->gone = xreallocarray(b->gone, b->gone_cap, sizeof *b->gone);
	}
	b->gone[b->ngone++] = *l;	/* its strings are ours now */
	b->gone_live++;
	idset_add(&b->gone_ids, l->id);
}

struct line *
buffer_gone_find(struct buffer *b, const char *id)
{
	size_t i, n;

	if (id == NULL || *id == '\0' || b->gone_live == 0 ||
	    !idset_maybe(&b->gone_ids, id))
		return NULL;
	for (n = 0, i = b->gone_hint; n < b->ngone; n++, i++) {
		if (i == b->ngone)
			i = 0;
		if (strcmp(b->gone[i].id, id) == 0) {
			b->gone_hint = i;
			return &b->gone[i];
		}
	}
	return NULL;
}

struct line *
buffer_gone_at(struct buffer *b, size_t i)
{
	if (i >= b->ngone || b->gone[i].id[0] == '\0')
		return NULL;
	return &b->gone[i];
}

/* Closes the holes once they are half of the array. */
static void
buffer_gone_compact(struct buffer *b)
{
	size_t i, kept = 0;

	if (b->gone_live == 0) {
		b->ngone = b->gone_hint = 0;
		return;
	}
	if (b->gone_live * 2 > b->ngone)
		return;
	for (i = 0; i < b->ngone; i++) {
		if (b->gone[i].id[0] != '\0')
			b->gone[kept++] = b->gone[i];
	}
	b->ngone = kept;
	b->gone_hint = 0;
}

void
buffer_gone_del(struct buffer *b, struct line *l)
{
	idset_del(&b->gone_ids, l->id);
	buffer_line_free(l);
	memset(l, 0, sizeof *l);	/* id "": a hole */
	b->gone_live--;
	buffer_gone_compact(b);
}

void
buffer_gone_expire(struct buffer *b, int64_t before_us)
{
	struct line	*l;
	size_t		 i;

	for (i = 0; i < b->ngone; i++) {
		if ((l = buffer_gone_at(b, i)) == NULL ||
		    l->state == LINE_PENDING || l->ts >= before_us)
			continue;
		idset_del(&b->gone_ids, l->id);
		buffer_line_free(l);
		memset(l, 0, sizeof *l);
		b->gone_live--;
	}
	buffer_gone_compact(b);
}

void
buffer_gone_free(struct buffer *b)
{
	size_t i;

	for (i = 0; i < b->ngone; i++)
		buffer_line_free(&b->gone[i]);
	free(b->gone);
	idset_clear(&b->gone_ids);
	b->gone = NULL;
	b->ngone = b->gone_cap = b->gone_live = b->gone_hint = 0;
}
