/*
 * input.c - the input line: UTF-8 text with a cursor, the editing keys of a
 * shell (Ctrl-A/E/U/K/W/Y, word moves), history for Up/Down and Tab
 * completion that cycles through the candidates. It holds up to
 * TUI_INPUT_MAX bytes and may hold newlines (a paste, Ctrl-J): the chat
 * splits what is longer than one message. No terminal here: the screen maps
 * keys to these functions and draws input_text().
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct input {
	char	 buf[TUI_INPUT_MAX + 1];
	size_t	 len;
	size_t	 cur;			/* byte offset, on a character start */
	char	*kill;			/* last killed text, for Ctrl-Y */

	char	*hist[TUI_INPUT_HIST];	/* oldest first */
	size_t	 nhist;
	size_t	 hpos;			/* == nhist: the line being edited */
	char	*saved;			/* that line, while browsing */

	char	**cands;		/* completion in progress */
	size_t	 ncands;
	size_t	 cidx;
	size_t	 cws;			/* where the completed word starts */
};

static void
input_complete_reset(struct input *in)
{
	size_t i;

	for (i = 0; i < in->ncands; i++)
		free(in->cands[i]);
	free(in->cands);
	in->cands = NULL;
	in->ncands = 0;
}

struct input *
input_new(void)
{
	return xcalloc(1, sizeof(struct input));
}

void
input_free(struct input *in)
{
	size_t i;

	if (in == NULL)
		return;
	input_complete_reset(in);
	for (i = 0; i < in->nhist; i++)
		free(in->hist[i]);
	free(in->saved);
	free(in->kill);
	free(in);
}

const char *input_text(struct input *in) { return in->buf; }
size_t input_len(struct input *in) { return in->len; }
size_t input_cursor(struct input *in) { return in->cur; }

size_t
input_cursor_col(struct input *in)
{
	return utf8_width(in->buf, in->cur);
}

/* Start of the character before byte off. */
static size_t
prev_char(struct input *in, size_t off)
{
	if (off == 0)
		return 0;
	off--;
	while (off > 0 && ((unsigned char)in->buf[off] & 0xc0) == 0x80)
		off--;
	return off;
}

static size_t
next_char(struct input *in, size_t off)
{
	if (off >= in->len)
		return in->len;
	off++;
	while (off < in->len && ((unsigned char)in->buf[off] & 0xc0) == 0x80)
		off++;
	return off;
}

/* Removes bytes [from, to); with kill, keeps them for Ctrl-Y. */
static void
input_cut(struct input *in, size_t from, size_t to, int kill)
{
	if (from >= to)
		return;
	if (kill) {
		free(in->kill);
		in->kill = xstrndup(in->buf + from, to - from);
	}
	memmove(in->buf + from, in->buf + to, in->len - to + 1);
	in->len -= to - from;
	in->cur = from;
}

static void
input_edit(struct input *in)
{
	input_complete_reset(in);
}

/*
 * Inserts s[0..n), which must be sanitized, at the cursor: as much of it
 * as fits, cut on a character boundary. Returns -1 when some did not fit.
 */
static int
input_put(struct input *in, const char *s, size_t n)
{
	int rv = 0;

	if (in->len + n > TUI_INPUT_MAX) {
		n = TUI_INPUT_MAX - in->len;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		rv = -1;
	}
	memmove(in->buf + in->cur + n, in->buf + in->cur,
	    in->len - in->cur + 1);
	memcpy(in->buf + in->cur, s, n);
	in->len += n;
	in->cur += n;
	return rv;
}

int
input_insert(struct input *in, const char *s, size_t n)
{
	struct kc_buf	b = { NULL, 0, 0 };
	size_t		i;
	int		rv;

	input_edit(in);
	/* Typed text is made printable like everything else. */
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			break;
	}
	if (i < n || !kc_utf8_valid(s, n)) {
		sanitize(s, n, 0, &b);
		s = b.data;
		n = b.len;
	}
	rv = input_put(in, s, n);
	kc_buf_free(&b);
	return rv;
}

int
input_paste(struct input *in, const char *s, size_t n)
{
	struct kc_buf	nl = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	size_t		i;
	int		rv;

	input_edit(in);
	/* Terminals paste line ends as CR (or CR LF): make them newlines. */
	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		kc_buf_append(&nl, s[i] == '\r' ? "\n" : &s[i], 1);
	}
	/* The line end a copied line usually brings is no line of its own. */
	while (nl.len > 0 && nl.data[nl.len - 1] == '\n')
		nl.len--;
	sanitize(nl.data != NULL ? nl.data : "", nl.len, SANITIZE_NEWLINE, &b);
	rv = input_put(in, b.data, b.len);
	kc_buf_free(&nl);
	kc_buf_free(&b);
	return rv;
}

void
input_newline(struct input *in)
{
	input_edit(in);
	input_put(in, "\n", 1);
}

size_t
input_lines(struct input *in)
{
	size_t i, n = 1;

	for (i = 0; i < in->len; i++)
		n += in->buf[i] == '\n';
	return n;
}

void
input_set(struct input *in, const char *s)
{
	input_edit(in);
	in->len = in->cur = 0;
	in->buf[0] = '\0';
	input_insert(in, s, strlen(s));
}

void
input_left(struct input *in)
{
	input_edit(in);
	in->cur = prev_char(in, in->cur);
}

void
input_right(struct input *in)
{
	input_edit(in);
	in->cur = next_char(in, in->cur);
}

static int
word_byte(unsigned char ch)
{
	return ch >= 0x80 || isalnum(ch) || ch == '_';
}

void
input_word_left(struct input *in)
{
	size_t p = in->cur;

	input_edit(in);
	while (p > 0 && !word_byte(in->buf[p - 1]))
		p--;
	while (p > 0 && word_byte(in->buf[p - 1]))
		p--;
	in->cur = p;
	while (in->cur > 0 &&
	    ((unsigned char)in->buf[in->cur] & 0xc0) == 0x80)
		in->cur--;
}

void
input_word_right(struct input *in)
{
	size_t p = in->cur;

	input_edit(in);
	while (p < in->len && !word_byte(in->buf[p]))
		p++;
	while (p < in->len && word_byte(in->buf[p]))
		p++;
	in->cur = p;
}

void
input_home(struct input *in)
{
	input_edit(in);
	in->cur = 0;
}

void
input_end(struct input *in)
{
	input_edit(in);
	in->cur = in->len;
}

void
input_backspace(struct input *in)
{
	input_edit(in);
	input_cut(in, prev_char(in, in->cur), in->cur, 0);
}

void
input_delete(struct input *in)
{
	input_edit(in);
	input_cut(in, in->cur, next_char(in, in->cur), 0);
}

void
input_kill_start(struct input *in)
{
	input_edit(in);
	input_cut(in, 0, in->cur, 1);
}

void
input_kill_end(struct input *in)
{
	input_edit(in);
	input_cut(in, in->cur, in->len, 1);
}

void
input_kill_word(struct input *in)
{
	size_t p = in->cur;

	input_edit(in);
	/* Like a shell's unix-word-rubout: back over blanks, then non-blanks. */
	while (p > 0 && in->buf[p - 1] == ' ')
		p--;
	while (p > 0 && in->buf[p - 1] != ' ')
		p--;
	input_cut(in, p, in->cur, 1);
}

void
input_yank(struct input *in)
{
	if (in->kill != NULL)
		input_insert(in, in->kill, strlen(in->kill));
}

/* ------------------------------------------------------------ history */

static void
input_load(struct input *in, const char *s)
{
	size_t n = strlen(s);

	if (n > TUI_INPUT_MAX)
		n = TUI_INPUT_MAX;
	memcpy(in->buf, s, n);
	in->buf[n] = '\0';
	in->len = in->cur = n;
}

void
input_history_prev(struct input *in)
{
	input_edit(in);
	if (in->hpos == 0)
		return;
	if (in->hpos == in->nhist) {
		free(in->saved);
		in->saved = xstrdup(in->buf);
	}
	in->hpos--;
	input_load(in, in->hist[in->hpos]);
}

void
input_history_next(struct input *in)
{
	input_edit(in);
	if (in->hpos >= in->nhist)
		return;
	in->hpos++;
	if (in->hpos == in->nhist) {
		input_load(in, in->saved != NULL ? in->saved : "");
		free(in->saved);
		in->saved = NULL;
	} else
		input_load(in, in->hist[in->hpos]);
}

char *
input_take(struct input *in)
{
	char *line;

	input_edit(in);
	line = xstrdup(in->buf);
	if (in->len > 0 &&
	    (in->nhist == 0 || strcmp(in->hist[in->nhist - 1], line) != 0)) {
		if (in->nhist == TUI_INPUT_HIST) {
			free(in->hist[0]);
			memmove(&in->hist[0], &in->hist[1],
			    (TUI_INPUT_HIST - 1) * sizeof in->hist[0]);
			in->nhist--;
		}
		in->hist[in->nhist++] = xstrdup(line);
	}
	in->hpos = in->nhist;
	free(in->saved);
	in->saved = NULL;
	in->len = in->cur = 0;
	in->buf[0] = '\0';
	return line;
}

/* --------------------------------------------------------- completion */

/*
 * Replaces [cws, cur) with s. In the middle of a line, a space that ends s
 * is left out when one follows already ("hi bob there", not "bob  there").
 */
static void
input_replace_word(struct input *in, const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == ' ' && (in->buf[in->cur] == ' ' ||
	    in->buf[in->cur] == '\n'))
		n--;

	if (in->len - (in->cur - in->cws) + n > TUI_INPUT_MAX)
		return;
	memmove(in->buf + in->cws + n, in->buf + in->cur,
	    in->len - in->cur + 1);
	memcpy(in->buf + in->cws, s, n);
	in->len = in->len - (in->cur - in->cws) + n;
	in->cur = in->cws + n;
}

void
input_complete(struct input *in, input_complete_fn *fn, void *arg)
{
	size_t ws, we;

	if (in->ncands > 0) {
		/* Tab again: the next candidate in place of the last. */
		in->cidx = (in->cidx + 1) % in->ncands;
		input_replace_word(in, in->cands[in->cidx]);
		return;
	}
	ws = in->cur;
	while (ws > 0 && in->buf[ws - 1] != ' ' && in->buf[ws - 1] != '\n')
		ws--;
	in->ncands = fn(arg, in->buf, ws, in->cur, &in->cands);
	if (in->ncands == 0)
		return;
	/* Tab inside a word completes what is before the cursor: all of it goes. */
	we = in->cur;
	while (we < in->len && in->buf[we] != ' ' && in->buf[we] != '\n')
		we++;
	memmove(in->buf + in->cur, in->buf + we, in->len - we + 1);
	in->len -= we - in->cur;
	in->cws = ws;
	in->cidx = 0;
	input_replace_word(in, in->cands[0]);
	if (in->ncands == 1)
		input_complete_reset(in);
}
