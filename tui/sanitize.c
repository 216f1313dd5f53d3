/*
 * sanitize.c - make every string read from Kafka inert before it is drawn.
 *
 * Anything another participant writes ends up on our terminal. Nothing in it
 * may move the cursor, clear or rewrite another line, set the title, switch
 * character sets or reorder the rest of the screen, so:
 *
 *   - C0 controls show as their Unicode control pictures (ESC as U+241B),
 *     which also breaks every ESC/CSI/OSC/DCS sequence into plain text; tab
 *     becomes a space; '\n' is kept only when the caller splits rows on it;
 *   - DEL shows as U+2421, C1 controls (U+0080..U+009F, including the 8-bit
 *     CSI and OSC) as U+FFFD;
 *   - bidirectional embeddings, overrides, isolates and marks (U+061C,
 *     U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), line and paragraph
 *     separators, and noncharacters become U+FFFD;
 *   - invalid UTF-8 (stray or missing continuation bytes, overlongs,
 *     surrogates, beyond U+10FFFF) becomes one U+FFFD per bad sequence.
 *
 * The rules do not depend on the locale, so tests and terminals agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui.h"

#define REPLACEMENT	0xfffd

size_t
utf8_next(const char *str, size_t len, uint32_t *cp)
{
	return kc_utf8_next(str, len, cp);
}

/*
 * Length of the bad sequence at s to replace by one U+FFFD: the longest
 * prefix that could have started a valid character (Unicode's "maximal
 * subpart"), at least one byte. So a surrogate's three bytes give three.
 */
static size_t
utf8_bad(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	unsigned char		 lo = 0x80, hi = 0xbf;
	size_t			 need, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 1;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i < need && i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			break;
		lo = 0x80;
		hi = 0xbf;
	}
	return i;
}

/* Appends to out; running out of memory is fatal, as for xmalloc(). */
static void
buf_put(struct kc_buf *out, const void *p, size_t n)
{
	if (kc_buf_append(out, p, n) != KC_OK) {
		fprintf(stderr, "kchat-tui: out of memory\n");
		abort();
	}
}

static void
put_cp(struct kc_buf *out, uint32_t c)
{
	char	b[4];
	size_t	n;

	if (c < 0x80) {
		b[0] = c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = 0xc0 | (c >> 6);
		b[1] = 0x80 | (c & 0x3f);
		n = 2;
	} else if (c < 0x10000) {
		b[0] = 0xe0 | (c >> 12);
		b[1] = 0x80 | ((c >> 6) & 0x3f);
		b[2] = 0x80 | (c & 0x3f);
		n = 3;
	} else {
		b[0] = 0xf0 | (c >> 18);
		b[1] = 0x80 | ((c >> 12) & 0x3f);
		b[2] = 0x80 | ((c >> 6) & 0x3f);
		b[3] = 0x80 | (c & 0x3f);
		n = 4;
	}
	buf_put(out, b, n);
}

/* 1 for code points that could reorder or break up what is drawn. */
static int
cp_unsafe(uint32_t c)
{
	if (c >= 0x80 && c <= 0x9f)			/* C1 controls */
		return 1;
	if (c == 0x061c || c == 0x200e || c == 0x200f)	/* bidi marks */
		return 1;
	if (c >= 0x202a && c <= 0x202e)			/* embeddings, overrides */
		return 1;
	if (c >= 0x2066 && c <= 0x2069)			/* isolates */
		return 1;
	if (c == 0x2028 || c == 0x2029)			/* line/para separators */
		return 1;
	if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
		return 1;				/* noncharacters */
	return 0;
}

void
sanitize(const char *in, size_t len, int flags, struct kc_buf *out)
{
	uint32_t	c;
	size_t		i = 0, n;

	buf_put(out, "", 0);
	while (i < len) {
		if ((n = utf8_next(in + i, len - i, &c)) == 0) {
			put_cp(out, REPLACEMENT);
			i += utf8_bad(in + i, len - i);
			continue;
		}
		i += n;
		if (c == '\n') {
			if (flags & SANITIZE_NEWLINE)
				put_cp(out, '\n');
			else
				put_cp(out, 0x2424);
		} else if (c == '\t')
			put_cp(out, ' ');
		else if (c < 0x20)
			put_cp(out, 0x2400 + c);	/* control pictures */
		else if (c == 0x7f)
			put_cp(out, 0x2421);
		else if (cp_unsafe(c))
			put_cp(out, REPLACEMENT);
		else
			put_cp(out, c);
	}
}

char *
sanitize_dup(const char *in, size_t len, int flags)
{
	struct kc_buf b = { NULL, 0, 0 };

	sanitize(in, len, flags, &b);
	return b.data;
}

int
utf8_cpwidth(uint32_t cp)
{
	int w;

	if (cp < 0x20 || cp == 0x7f)
		return 0;
	if ((w = wcwidth((wchar_t)cp)) < 0)
		return 1;
	return w > 2 ? 2 : w;
}

size_t
utf8_width(const char *s, size_t len)
{
	uint32_t	c;
	size_t		i = 0, n, w = 0;

	while (i < len) {
		if ((n = utf8_next(s + i, len - i, &c)) == 0) {
			i++;
			w++;
			continue;
		}
		w += utf8_cpwidth(c);
		i += n;
	}
	return w;
}
