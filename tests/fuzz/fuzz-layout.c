/*
 * fuzz-layout.c - libFuzzer target for what kchat-tui does with the text of
 * a record before it reaches the terminal: sanitize() (keeping newlines,
 * as the pane does), then layout.c's placing of the line into rows of a
 * pane, and format_plain() (line mode). The first input byte picks the
 * pane's width (1..128), the second the line's kind and state, the rest is
 * the text as it came from Kafka.
 *
 * Checked: no character placed crosses the pane's right edge, two never
 * share a cell, rows only go down and stay below the row count layout
 * returns; nothing placed is a control character (but the newline, which
 * is never placed) or part of an escape sequence; every printable
 * character is placed when the pane is at least two cells wider than the
 * indent; line mode's output is one row of inert text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct seen {
	int	w, row, x;	/* the next free cell */
	size_t	placed;		/* printable code points placed */
};

/* 1 when code point cp may reach the terminal as it is. */
static int
inert(uint32_t cp)
{
	return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) &&
	    cp != 0x061c && cp != 0x200e && cp != 0x200f &&
	    !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069) &&
	    cp != 0x2028 && cp != 0x2029;
}

static void
put(void *arg, size_t seg, const char *s, size_t n, int x, int row, int cw)
{
	struct seen	*v = arg;
	uint32_t	 cp;

	if (utf8_next(s, n, &cp) != n || !inert(cp) || cw != utf8_cpwidth(cp))
		goto bad;
	if (row < v->row || x < 0 || x + cw > v->w)
		goto bad;
	if (row == v->row && x < v->x)		/* overlaps what came before */
		goto bad;
	v->row = row;
	v->x = x + cw;
	if (cp != ' ')
		v->placed++;
	return;
bad:
	abort();
}

/* Printable, non-blank code points of s[0..len) (valid UTF-8). */
static size_t
printable(const char *s, size_t len)
{
	size_t		off = 0, n, k = 0;
	uint32_t	cp;

	while (off < len) {
		if ((n = utf8_next(s + off, len - off, &cp)) == 0)
			abort();
		if (cp != ' ' && cp != '\n') {
			if (!inert(cp))
				abort();
			k++;
		}
		off += n;
	}
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum line_kind kinds[] = { LINE_MESSAGE, LINE_ACTION,
	    LINE_JOIN, LINE_LEAVE, LINE_DM, LINE_INFO, LINE_ERROR };
	struct layout_seg	 sg[4];
	struct seen		 v = { 0 };
	struct kc_buf		 text = { 0 }, plain = { 0 };
	struct line		 l;
	struct buffer		*b;
	size_t			 want = 0, i, nseg = 0;
	int			 w, indent, rows;

	if (size < 2)
		return 0;
	w = 1 + data[0] % 128;
	sanitize((const char *)data + 2, size - 2, SANITIZE_NEWLINE, &text);
	if (text.data == NULL)
		kc_buf_append(&text, "", 0);

	/* The pane's form of a message: time, nick, blank, text. */
	sg[nseg++] = (struct layout_seg){ "12:34 ", 6 };
	sg[nseg++] = (struct layout_seg){ "<alice>", 7 };
	sg[nseg++] = (struct layout_seg){ " ", 1 };
	sg[nseg++] = (struct layout_seg){ text.data, text.len };
	indent = w > 24 ? 6 : w > 4 ? 2 : 0;
	v.w = w;
	rows = layout_line(sg, nseg, w, indent, put, &v);
	if (rows < 1 || v.row >= rows ||
	    rows != layout_line(sg, nseg, w, indent, NULL, NULL))
		abort();
	for (i = 0; i < nseg; i++)
		want += printable(sg[i].s, sg[i].len);
	if (w >= indent + 2 && v.placed != want)
		abort();

	/* Line mode: one row, nothing a terminal would act on. */
	memset(&l, 0, sizeof l);
	l.ts = 1759530645123456LL;
	l.kind = kinds[(data[1] & 0x7f) % (sizeof kinds / sizeof kinds[0])];
	l.state = (data[1] & 0x80) ? LINE_PENDING : LINE_FINAL;
	l.user = "alice";
	l.text = text.data;
	b = buffer_new(BUFFER_ROOM, "general", 10);
	format_plain(b, &l, &plain);
	if (plain.data == NULL || plain.len != strlen(plain.data) ||
	    memchr(plain.data, '\n', plain.len - (plain.len > 0 &&
	    plain.data[plain.len - 1] == '\n')) != NULL)
		abort();
	printable(plain.data, plain.len);
	buffer_free(b);
	kc_buf_free(&plain);
	kc_buf_free(&text);
	return 0;
}
