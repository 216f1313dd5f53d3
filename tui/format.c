/*
 * format.c - times, the plain one-line form of a line (line mode), and how
 * a nick change reads: /nick sends, in each room, a leave of the old name
 * with the text "is now known as NEW" and a join of the new one with "was
 * OLD"; the pair shows as one line, "OLD is now known as NEW".
 */
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

const char *
format_nick_new(const struct line *l)
{
	size_t n = strlen(FORMAT_NICK_NEW);

	if (l->kind != LINE_LEAVE || l->text == NULL ||
	    strncmp(l->text, FORMAT_NICK_NEW, n) != 0 ||
	    kc_user_validate(l->text + n, strlen(l->text + n)) != KC_OK)
		return NULL;
	return l->text + n;
}

const char *
format_nick_old(const struct line *l)
{
	size_t n = strlen(FORMAT_NICK_OLD);

	if (l->kind != LINE_JOIN || l->text == NULL ||
	    strncmp(l->text, FORMAT_NICK_OLD, n) != 0 ||
	    kc_user_validate(l->text + n, strlen(l->text + n)) != KC_OK)
		return NULL;
	return l->text + n;
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
		if (line_quote(l) != NULL) {
			put(out, "[re ");
			put_text(out, line_quote(l));
			put(out, "] ");
		}
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
		if (format_nick_new(l) != NULL) {
			put(out, "-!- ");
			put(out, l->user);
			put(out, " is now known as ");
			put(out, format_nick_new(l));
			break;
		}
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
	if (l->flags & LINE_EDITED)
		put(out, " (edited)");
	if (l->state == LINE_PENDING)
		put(out, " [pending]");
	else if (l->state == LINE_FAILED) {
		put(out, " [not sent: ");
		put_text(out, line_error(l) != NULL ? line_error(l) : "?");
		put(out, "]");
	}
}
