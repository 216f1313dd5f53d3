/*
 * activity.c - what happened in the buffers not in view, as WeeChat's
 * hotlist: the counts a room list shows ("(5)", "(5, 1!)", "(1!)") and the
 * activity list of the status line ("[Act: 3:@bob(1!), 2:#dev(5)]"), which
 * is all there is to see when the window is too narrow for the list.
 */
#include <stdio.h>
#include <string.h>

#include "tui.h"

void
activity_counts(const struct buffer *b, char *buf, size_t len)
{
	if (b->mentions > 0 && b->unread > b->mentions)
		snprintf(buf, len, "(%u, %u!)", b->unread, b->mentions);
	else if (b->mentions > 0)
		snprintf(buf, len, "(%u!)", b->mentions);
	else if (b->unread > 0)
		snprintf(buf, len, "(%u)", b->unread);
	else if (len > 0)
		buf[0] = '\0';
}

void
activity_entry(const struct buffer *b, size_t n, size_t cols, char *buf,
    size_t len)
{
	char	counts[48], num[24];
	size_t	name = strlen(b->name), fixed;

	activity_counts(b, counts, sizeof counts);
	snprintf(num, sizeof num, "%zu ", n);
	/* Names are ASCII: a byte is a column. */
	fixed = strlen(num) + (counts[0] != '\0' ? 1 + strlen(counts) : 0);
	if (fixed + name > cols && cols > fixed + 1) {
		/* Cut with "…" (one column, three bytes). */
		snprintf(buf, len, "%s%.*s\xe2\x80\xa6%s%s", num,
		    (int)(cols - fixed - 1), b->name,
		    counts[0] != '\0' ? " " : "", counts);
		return;
	}
	snprintf(buf, len, "%s%s%s%s", num, b->name,
	    counts[0] != '\0' ? " " : "", counts);
	if (strlen(buf) > cols)
		buf[cols] = '\0';	/* too narrow for any name: ASCII cut */
}

void
activity_list(struct chat *c, struct kc_buf *out)
{
	struct buffer	*b;
	char		 item[KC_NAME_MAX + 64], counts[48];
	size_t		 i, n = 0;
	int		 pass;

	/* Mentions and direct messages first, then the rest, by number. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; (b = chat_buffer(c, i)) != NULL; i++) {
			if (b->unread == 0 || (pass == 0) != (b->mentions > 0))
				continue;
			activity_counts(b, counts, sizeof counts);
			snprintf(item, sizeof item, "%s%zu:%s%s",
			    n++ == 0 ? "[Act: " : ", ", i + 1, b->name, counts);
			kc_buf_append(out, item, strlen(item));
		}
	}
	if (n > 0)
		kc_buf_append(out, "]", 1);
	kc_buf_append(out, "", 1);
	out->len--;
}
