/*
 * lastlog.c - /lastlog: search a buffer for lines that contain a text, as
 * WeeChat's /lastlog does, and then a room's older messages in Kafka.
 *
 * The lines already in the buffer are searched at once and listed under
 * a header; a room's messages older than the oldest line the buffer has
 * from Kafka are then searched in the background (chat_search(), at most
 * a bounded number of the room's records, newest first), with a progress
 * line ("searching #room in Kafka… N records scanned") that is replaced as
 * the scan goes on, and listed when the scan ends, with a count. Matching
 * is kc_search_match(): ASCII letters without case, other bytes as typed.
 * The screen never waits for Kafka.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Whether l is a message the search looks at. */
static int
lastlog_line(const struct line *l)
{
	if (l->flags & (LINE_HIDDEN | LINE_LOADING))
		return 0;
	return l->kind == LINE_MESSAGE || l->kind == LINE_ACTION ||
	    l->kind == LINE_DM;
}

/* "  2025-10-03 14:30 <alice> text" (or "* alice text"), one line. */
static char *
lastlog_format(int64_t ts, int action, const char *user, const char *text,
    size_t len)
{
	char	 when[32], *flat, *s;

	format_time(ts, "%Y-%m-%d %H:%M", when, sizeof when);
	flat = sanitize_dup(text, len, 0);	/* newlines shown as U+2424 */
	xasprintf(&s, action ? "  %s * %s %s" : "  %s <%s> %s", when, user,
	    flat);
	free(flat);
	return s;
}

static struct buffer *
lastlog_buffer(struct chat *c, unsigned id)
{
	size_t i;

	for (i = 0; id != 0 && i < chat_nbuffers(c); i++) {
		if (chat_buffer(c, i)->lastlog == id)
			return chat_buffer(c, i);
	}
	return NULL;
}

int
lastlog_start(struct chat *c, struct buffer *b, const char *q, size_t scan)
{
	struct line	*oldest;
	char		**found, errstr[256] = "";
	char		 before[KC_ID_LEN + 1] = "";
	size_t		 n = 0, i;
	unsigned	 id;
	int		 err;

	if (b->lastlog != 0) {
		chat_info_to(c, b, LINE_ERROR, "a /lastlog of %s is still "
		    "searching Kafka: wait for its count, then search again",
		    b->name);
		return -1;
	}
	/* Formatted first: the lines added below may push old ones out. */
	found = xcalloc(b->nlines + 1, sizeof *found);
	for (i = 0; i < b->nlines; i++) {
		struct line *l = &b->lines[i];

		if (lastlog_line(l) && l->text != NULL &&
		    kc_search_match(l->text, q))
			found[n++] = lastlog_format(l->ts, l->kind ==
			    LINE_ACTION, l->user, l->text, strlen(l->text));
	}
	if ((oldest = buffer_oldest(b)) != NULL)
		memcpy(before, oldest->id, sizeof before);
	chat_info_to(c, b, LINE_INFO, "lastlog \"%s\" in %s: %zu match%s in "
	    "this buffer", q, b->name, n, n == 1 ? "" : "es");
	for (i = 0; i < n; i++) {
		chat_info_to(c, b, LINE_INFO, "%s", found[i]);
		free(found[i]);
	}
	free(found);
	if (b->kind != BUFFER_ROOM) {
		chat_info_to(c, b, LINE_INFO, "lastlog \"%s\": %zu match%s "
		    "(direct messages are not searched in Kafka)", q, n,
		    n == 1 ? "" : "es");
		return 0;
	}
	id = chat_fetch_id(c);
	b->lastlog = id;
	b->lastlog_shown = n;
	snprintf(b->lastlog_q, sizeof b->lastlog_q, "%s", q);
	chat_note(c, b, LINE_INFO, LINE_LOADING | LINE_LASTLOG, "searching "
	    "%s in Kafka\u2026 0 records scanned", b->name);
	if ((err = chat_search(c, id, b->target, q, before, scan, errstr,
	    sizeof errstr)) != KC_OK) {
		b->lastlog = 0;
		chat_drop(c, b, LINE_LASTLOG);
		chat_info_to(c, b, LINE_ERROR, "lastlog \"%s\": %zu match%s in "
		    "this buffer; older messages not searched: %s", q, n,
		    n == 1 ? "" : "es", errstr[0] != '\0' ? errstr :
		    kc_strerror(err));
		return -1;
	}
	return 0;
}

void
lastlog_progress(struct chat *c, unsigned id, size_t scanned)
{
	struct buffer *b;

	if ((b = lastlog_buffer(c, id)) == NULL)
		return;
	chat_drop(c, b, LINE_LASTLOG);
	chat_note(c, b, LINE_INFO, LINE_LOADING | LINE_LASTLOG, "searching "
	    "%s in Kafka\u2026 %zu records scanned", b->name, scanned);
}

void
lastlog_found(struct chat *c, unsigned id, int err, const char *errstr,
    const struct kc_msg *msgs, size_t count, size_t scanned, int more)
{
	struct buffer	*b;
	struct kc_msg	 later;
	const char	*text;
	char		*s;
	size_t		 i, shown, total, found = 0;
	int		 kept;

	if ((b = lastlog_buffer(c, id)) == NULL)
		return;		/* closed meanwhile */
	b->lastlog = 0;
	shown = b->lastlog_shown;
	chat_drop(c, b, LINE_LASTLOG);
	if (err != KC_OK) {
		chat_info_to(c, b, LINE_ERROR, "lastlog \"%s\": %zu match%s in "
		    "this buffer; searching Kafka failed: %s (/lastlog asks "
		    "again)", b->lastlog_q, shown, shown == 1 ? "" : "es",
		    errstr != NULL && errstr[0] != '\0' ? errstr :
		    kc_strerror(err));
		return;
	}
	for (i = 0; i < count; i++) {
		/*
		 * An edit or delete this buffer has of it, newer than the
		 * scan reached (the scan starts below the buffer): a deleted
		 * line is not shown again, an edited one as it reads now.
		 */
		text = msgs[i].text != NULL ? msgs[i].text : "";
		kept = edit_aside_find(b, msgs[i].id, msgs[i].user,
		    msgs[i].offset + 1, &later);
		if (kept && (later.type == KC_TYPE_DELETE ||
		    !kc_search_match(later.text, b->lastlog_q))) {
			kc_msg_clear(&later);
			continue;
		}
		if (kept)
			text = later.text;
		if (found++ == 0)
			chat_info_to(c, b, LINE_INFO, "older matches in Kafka:");
		s = lastlog_format(msgs[i].ts, msgs[i].type == KC_TYPE_ACTION,
		    msgs[i].user, text, strlen(text));
		chat_info_to(c, b, LINE_INFO, "%s", s);
		free(s);
		if (kept)
			kc_msg_clear(&later);
	}
	count = found;
	total = shown + count;
	chat_info_to(c, b, LINE_INFO, "lastlog \"%s\": %zu match%s (%zu in "
	    "this buffer, %zu older from Kafka; %zu older record%s "
	    "scanned%s)", b->lastlog_q, total, total == 1 ? "" : "es", shown,
	    count, scanned, scanned == 1 ? "" : "s", more ? ", older ones "
	    "not searched: /lastlog -limit N searches further" : "");
}
