/*
 * line.c - line mode, for scripts, bots and tests: no curses. Lines read
 * from standard input are typed input (commands included); every message
 * is printed as one plain line once it is final (received, or sent and
 * acknowledged, or failed), e.g. "2025-10-03 22:30:45 #general <alice> hi";
 * an edited or deleted one is printed again as it now reads.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "line.h"

static struct kc_buf	line_in;

void
line_notify(void *arg, enum chat_event ev, struct buffer *b, struct line *l)
{
	struct kc_buf out = { NULL, 0, 0 };

	/* "loading…" is for the screen: history prints when it comes. */
	if (l != NULL && (l->flags & (LINE_HIDDEN | LINE_LOADING)))
		return;
	switch (ev) {
	case CHAT_LINE_NEW:
		if (l->state == LINE_PENDING)
			return;		/* printed when acknowledged */
		break;
	case CHAT_LINE_UPDATE:
		if (l->state != LINE_SENT && l->state != LINE_FAILED)
			return;
		break;
	case CHAT_LINE_EDIT:
		break;		/* printed again: "(edited)" or deleted */
	default:
		return;
	}
	format_plain(b, l, &out);
	fprintf(stdout, "%s\n", out.data);
	fflush(stdout);
	kc_buf_free(&out);
}

int
line_read(struct chat *c, int fd)
{
	char	 buf[4096], *nl, *start;
	ssize_t	 n;
	size_t	 used;

	if ((n = read(fd, buf, sizeof buf)) <= 0)
		return -1;
	kc_buf_append(&line_in, buf, n);
	start = line_in.data;
	while ((nl = memchr(start, '\n', line_in.data + line_in.len - start)) !=
	    NULL) {
		*nl = '\0';
		if (nl > start && nl[-1] == '\r')
			nl[-1] = '\0';
		cmd_input(c, start);
		start = nl + 1;
		if (chat_quit_requested(c))
			break;
	}
	used = start - line_in.data;
	memmove(line_in.data, start, line_in.len - used);
	line_in.len -= used;
	if (line_in.len > TUI_INPUT_MAX) {
		/* An endless line: drop it, and say so. */
		line_in.len = 0;
		chat_error(c, "an input line longer than %d bytes was left out",
		    TUI_INPUT_MAX);
	}
	return 0;
}

void
line_free(void)
{
	kc_buf_free(&line_in);
}
