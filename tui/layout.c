/*
 * layout.c - where each character of a line goes in a pane w cells wide:
 * text wraps between words (inside a word only when it is longer than a
 * row), a newline starts a row, a blank at the end of a row is swallowed,
 * continuation rows start at an indent. No curses here: ui-draw.c draws
 * what this places, and tests/fuzz/fuzz-layout.c checks it.
 */
#include "tui.h"

/* Cells of the word at the start of s[0..len): up to a blank or newline. */
static int
layout_word_width(const char *s, size_t len)
{
	size_t	 off = 0, n;
	uint32_t cp;
	int	 w = 0;

	while (off < len) {
		if ((n = utf8_next(s + off, len - off, &cp)) == 0)
			n = 1;
		if (cp == ' ' || cp == '\n')
			break;
		w += utf8_cpwidth(cp);
		off += n;
	}
	return w;
}

/*
 * Moves the cursor (x, row) for code point cp in a pane w columns wide;
 * ww is the width of the word cp starts (0 inside a word or for a blank).
 * A newline, a word that does not fit (but would on a row of its own) or
 * a character that does not fit starts a row at indent; a blank at the end
 * of a row is swallowed. Returns cp's width, or -1 when there is nothing
 * to draw.
 */
static int
layout_advance(uint32_t cp, int ww, int w, int indent, int *x, int *row)
{
	int cw;

	if (cp == '\n') {
		(*row)++;
		*x = indent;
		return -1;
	}
	if (cp == ' ' && *x + 1 > w && *x > indent) {
		(*row)++;
		*x = indent;
		return -1;
	}
	cw = utf8_cpwidth(cp);
	if (*x > indent && ((ww > 0 && *x + ww > w && ww <= w - indent) ||
	    *x + cw > w)) {
		(*row)++;
		*x = indent;
	}
	return cw;
}

int
layout_line(const struct layout_seg *sg, size_t nseg, int w, int indent,
    layout_put_fn *put, void *arg)
{
	size_t		 i, off, n;
	uint32_t	 cp, prev = ' ';
	int		 row = 0, x = 0, cw, ww;

	for (i = 0; i < nseg; i++) {
		for (off = 0; off < sg[i].len; off += n) {
			if ((n = utf8_next(sg[i].s + off, sg[i].len - off,
			    &cp)) == 0)
				n = 1;
			ww = 0;
			if (cp != ' ' && (prev == ' ' || prev == '\n'))
				ww = layout_word_width(sg[i].s + off,
				    sg[i].len - off);
			prev = cp;
			cw = layout_advance(cp, ww, w, indent, &x, &row);
			if (cw < 0)
				continue;
			/* What cannot fit even on a row of its own is left out. */
			if (put != NULL && x + cw <= w)
				put(arg, i, sg[i].s + off, n, x, row, cw);
			x += cw;
		}
	}
	return row + 1;
}
