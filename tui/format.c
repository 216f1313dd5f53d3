/* format.c - times and the plain one-line form of a line (line mode). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui.h"

/* fmt is always one of our own strftime formats. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void
format_time(int64_t ts_us, const char *fmt, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = ts_us / 1000000;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, fmt, &tm) == 0)
		snprintf(buf, len, "?");
}

static void
put(struct kc_buf *out, const char *s)
{
	kc_buf_append(out, s, strlen(s));
}

/* The text on one row: newlines show as U+2424 (SYMBOL FOR NEWLINE). */
static void
put_text(struct kc_buf *out, const char *s)
{
	const char *nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		kc_buf_append(out, s, nl - s);
		put(out, "\xe2\x90\xa4");
		s = nl + 1;
	}
	put(out, s);
}

void
format_plain(struct buffer *b, struct line *l, struct kc_buf *out)
{
	char when[32];

	format_time(l->ts, "%Y-%m-%d %H:%M:%S", when, sizeof when);
	put(out, when);
	put(out, " ");
	put(out, b != NULL ? b->name : "-");
	put(out, " ");
	switch (l->kind) {
	case LINE_MESSAGE:
	case LINE_DM:
		put(out, "<");
		put(out, l->user);
		put(out, "> ");
		put_text(out, l->text);
		break;
	case LINE_ACTION:
		put(out, "* ");
		put(out, l->user);
		put(out, " ");
		put_text(out, l->text);
		break;
	case LINE_JOIN:
		put(out, "--> ");
		put(out, l->user);
		put(out, " has joined");
		break;
	case LINE_LEAVE:
		put(out, "<-- ");
		put(out, l->user);
		put(out, " has left");
		break;
	case LINE_INFO:
		put(out, "-!- ");
		put_text(out, l->text);
		break;
	case LINE_ERROR:
		put(out, "-!- error: ");
		put_text(out, l->text);
		break;
	}
	if (l->state == LINE_PENDING)
		put(out, " [pending]");
	else if (l->state == LINE_FAILED) {
		put(out, " [not sent: ");
		put_text(out, l->error != NULL ? l->error : "?");
		put(out, "]");
	}
}
