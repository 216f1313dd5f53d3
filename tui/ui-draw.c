/*
 * ui-draw.c - the screen: room list (left), message pane, nick list
 * (right: who is in the room, away and typing marked), status line and
 * input line. Every draw lays the whole screen out again from the chat
 * state, so a resize at any moment is just a draw; sizes down to 1x1 are
 * clipped, never trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-curses.h"

#define UI_SEGS		12
#define UI_LIST_MIN_COLS 60	/* narrower: no room list */
#define UI_LIST_W	18
#define UI_NICK_W	22

struct seg {
	const char	*s;
	size_t		 len;
	attr_t		 attr;
};

/* Where a line is drawn: rows [top, top + rows) clipped to [0, h). */
struct place {
	int	x0, w;		/* pane column and width */
	int	top;		/* screen row of the line's first row */
	int	h;		/* pane height */
	int	skip_after;	/* rows of the line not shown (scrolled) */
	int	draw;
	int	y0;		/* screen row of the pane's top (a title above) */
};

static size_t
line_segs(struct line *l, struct seg *sg, char *when, size_t wlen,
    char *who, size_t whlen)
{
	attr_t	dim = ui_attr(UI_PAIR_DIM, A_DIM);
	attr_t	err = ui_attr(UI_PAIR_ERROR, A_BOLD);
	attr_t	text = 0;
	size_t	n = 0;
	const char *quote, *error;

	format_time(l->ts, "%H:%M ", when, wlen);
	sg[n++] = (struct seg){ when, strlen(when), dim };
	if ((quote = line_quote(l)) != NULL) {
		/* A reply: the line answered on a row of its own, above. */
		sg[n++] = (struct seg){ "\u21b3 ", 4, dim };
		sg[n++] = (struct seg){ quote, strlen(quote), dim };
		sg[n++] = (struct seg){ "\n", 1, dim };
	}
	if (l->flags & LINE_MENTION)
		text = ui_attr(UI_PAIR_MENTION, A_REVERSE) | A_BOLD;
	if (l->flags & LINE_DELETED)
		text = dim;
	switch (l->kind) {
	case LINE_MESSAGE:
	case LINE_DM:
		snprintf(who, whlen, "<%s>", l->user);
		sg[n++] = (struct seg){ who, strlen(who), ui_user_attr(l->user) };
		sg[n++] = (struct seg){ " ", 1, 0 };
		sg[n++] = (struct seg){ l->text, strlen(l->text), text };
		break;
	case LINE_ACTION:
		snprintf(who, whlen, "* %s", l->user);
		sg[n++] = (struct seg){ who, strlen(who), ui_user_attr(l->user) };
		sg[n++] = (struct seg){ " ", 1, 0 };
		sg[n++] = (struct seg){ l->text, strlen(l->text), text };
		break;
	case LINE_JOIN:
	case LINE_LEAVE:
		if (format_nick_new(l) != NULL) {
			snprintf(who, whlen, "-!- %s is now known as %s",
			    l->user, format_nick_new(l));
			sg[n++] = (struct seg){ who, strlen(who), dim };
			break;
		}
		snprintf(who, whlen, "%s %s has %s",
		    l->kind == LINE_JOIN ? "-->" : "<--", l->user,
		    l->kind == LINE_JOIN ? "joined" : "left");
		sg[n++] = (struct seg){ who, strlen(who), dim };
		break;
	case LINE_INFO:
		sg[n++] = (struct seg){ "-!- ", 4, dim };
		sg[n++] = (struct seg){ l->text, strlen(l->text), 0 };
		break;
	case LINE_ERROR:
		sg[n++] = (struct seg){ "-!- ", 4, err };
		sg[n++] = (struct seg){ l->text, strlen(l->text), err };
		break;
	}
	if (l->flags & LINE_EDITED)
		sg[n++] = (struct seg){ " (edited)", 9, dim };
	if (l->state == LINE_PENDING)
		sg[n++] = (struct seg){ " (sending)", 10, dim };
	else if (l->state == LINE_FAILED) {
		sg[n++] = (struct seg){ " [not sent: ", 12, err };
		if ((error = line_error(l)) == NULL)
			error = "?";
		sg[n++] = (struct seg){ error, strlen(error), err };
		if (n < UI_SEGS)
			sg[n++] = (struct seg){ "]", 1, err };
	}
	return n;
}

/* What ui_line_put needs to draw a character layout.c placed. */
struct draw {
	const struct seg	*sg;
	const struct place	*p;
	int			 rows;
};

static void
ui_line_put(void *arg, size_t seg, const char *s, size_t n, int x, int row,
    int cw)
{
	struct draw	*d = arg;
	int		 y = d->p->top + row;

	if (row < d->rows - d->p->skip_after && y >= 0 && y < d->p->h) {
		attrset(d->sg[seg].attr);
		mvaddnstr(d->p->y0 + y, d->p->x0 + x, s, n);
	}
}

/*
 * Lays out (and with p->draw, draws) one line; returns its rows. Text
 * wraps between words (inside a word only when it is longer than a row);
 * continuation rows are indented (see below).
 */
static int
ui_line(struct line *l, struct place *p)
{
	struct seg		 sg[UI_SEGS];
	struct layout_seg	 ls[UI_SEGS];
	struct draw		 d;
	char			 when[16], who[2 * KC_NAME_MAX + 32];
	size_t			 nseg, i;
	int			 indent;

	if (l->flags & LINE_HIDDEN)
		return 0;
	nseg = line_segs(l, sg, when, sizeof when, who, sizeof who);
	for (i = 0; i < nseg; i++)
		ls[i] = (struct layout_seg){ sg[i].s, sg[i].len };
	/*
	 * Continuation rows start under the text, or at narrow widths two
	 * columns in: never where a line's time starts, so a message cannot
	 * draw what looks like another line of someone else's.
	 */
	indent = p->w > 24 ? (int)utf8_width(sg[0].s, sg[0].len) :
	    p->w > 4 ? 2 : 0;
	/* Count the rows, then draw knowing which are hidden. */
	d.sg = sg;
	d.p = p;
	d.rows = layout_line(ls, nseg, p->w, indent, NULL, NULL);
	if (p->draw) {
		layout_line(ls, nseg, p->w, indent, ui_line_put, &d);
		attrset(A_NORMAL);
	}
	return d.rows;
}

size_t
ui_buffer_rows(struct buffer *b, int w, size_t most)
{
	struct place	p = { 0, w, 0, 0, 0, 0, 0 };
	size_t		i, rows = 0;

	if (w <= 0)
		return 0;
	for (i = b->nlines; i > 0 && rows < most; i--)
		rows += ui_line(&b->lines[i - 1], &p);
	return rows;
}

static void
ui_draw_pane(struct buffer *b, int x0, int y0, int w, int h)
{
	struct place	p = { x0, w, 0, h, 0, 1, y0 };
	size_t		i, skip = b->scroll, total;
	int		y = h, rows;

	if (w <= 0 || h <= 0)
		return;
	/*
	 * Never scrolled past the oldest line. Only the rows up to the top
	 * of the pane are counted: laying out the whole scrollback at each
	 * redraw was what a burst spent its time on after de-duplication.
	 */
	total = ui_buffer_rows(b, w, b->scroll + (size_t)h + 1);
	if (total <= (size_t)h)
		b->scroll = 0;
	else if (b->scroll > total - h)
		b->scroll = total - h;
	skip = b->scroll;
	for (i = b->nlines; i > 0 && y > 0; i--) {
		p.draw = 0;
		rows = ui_line(&b->lines[i - 1], &p);
		if (skip >= (size_t)rows) {
			skip -= rows;
			continue;
		}
		p.draw = 1;
		p.skip_after = skip;
		p.top = y - (rows - (int)skip);
		ui_line(&b->lines[i - 1], &p);
		y = p.top;
		skip = 0;
	}
}

/*
 * The title row above a room's lines, "#room: its topic", while it has one
 * (the rooms topic, tui/roomstate.c). Returns the rows it takes (0 or 1).
 */
static int
ui_draw_title(struct buffer *b, int x0, int w)
{
	const struct kc_roominfo	*ri;
	char				*t, *line;
	int				 x;

	if (b == NULL || b->kind != BUFFER_ROOM || w <= 0 ||
	    (ri = roomstate_info(ui.chat, b->target)) == NULL ||
	    ri->topic[0] == '\0')
		return 0;
	t = sanitize_dup(ri->topic, strlen(ri->topic), 0);
	xasprintf(&line, " %s: %s", b->name, t);
	attrset(ui_attr(UI_PAIR_STATUS, A_REVERSE));
	move(0, x0);
	for (x = x0; x < x0 + w; x++)
		addch(' ');
	mvaddnstr(0, x0, line, w);
	attrset(A_NORMAL);
	free(line);
	free(t);
	return 1;
}

static void
ui_draw_list(int w, int h)
{
	struct buffer	*b;
	char		 item[128];
	size_t		 i;
	int		 y;

	/* U+2502 itself: ACS line drawing is not captured well by tmux. */
	for (y = 0; y < h; y++)
		mvaddstr(y, w - 1, "\xe2\x94\x82");
	for (i = 0; (b = chat_buffer(ui.chat, i)) != NULL && (int)i < h; i++) {
		attr_t a = ui_attr(UI_PAIR_LIST, 0);

		activity_entry(b, i + 1, w > 1 ? (size_t)w - 1 : 0, item,
		    sizeof item);
		if (i == chat_current_index(ui.chat))
			a = A_REVERSE | A_BOLD;
		else if (b->mentions > 0)
			a = ui_attr(UI_PAIR_MENTION, A_BOLD | A_UNDERLINE);
		else if (b->unread > 0)
			a = A_BOLD;
		attrset(a);
		mvaddstr((int)i, 0, item);	/* fits: activity_entry() */
		attrset(A_NORMAL);
	}
}

struct nicks {
	int	y, h, w, x0;
	int64_t	now;
};

static void
ui_nick(void *arg, const char *room, const char *user)
{
	struct nicks	*nk = arg;
	struct people	*pp = side_people(chat_side(ui.chat));
	char		 item[KC_NAME_MAX + 16];
	attr_t		 a = ui_user_attr(user);

	if (nk->y >= nk->h)
		return;
	if (people_typing(pp, room, user, nk->now) &&
	    strcmp(user, chat_user(ui.chat)) != 0)
		snprintf(item, sizeof item, "%s [typing]", user);
	else if (people_away(pp, user, nk->now) != NULL) {
		snprintf(item, sizeof item, "%s [away]", user);
		a = ui_attr(UI_PAIR_DIM, A_DIM);
	} else
		snprintf(item, sizeof item, "%s", user);
	attrset(a);
	mvaddnstr(nk->y++, nk->x0, item, nk->w);
	attrset(A_NORMAL);
}

/* Who is in the current room: a column at the right, x0 its border. */
static void
ui_draw_nicks(struct buffer *b, int x0, int w, int h)
{
	struct nicks	nk = { 1, h, w - 2, x0 + 2, kc_now_us() };
	char		head[64];
	int		y;
	size_t		n;

	for (y = 0; y < h; y++)
		mvaddstr(y, x0, "\xe2\x94\x82");
	if (b == NULL || b->kind != BUFFER_ROOM)
		return;
	n = kc_presence_who(chat_presence(ui.chat), b->target, ui_nick, &nk);
	snprintf(head, sizeof head, "%zu here", n);
	attrset(ui_attr(UI_PAIR_LIST, A_BOLD));
	mvaddnstr(0, x0 + 2, head, w - 2);
	attrset(A_NORMAL);
}

/* "bob, carol" typing in b's room (not us), into out[len]; "" none. */
static void
ui_typing(struct buffer *b, char *out, size_t len)
{
	struct kc_buf t = { NULL, 0, 0 };

	out[0] = '\0';
	if (b == NULL || b->kind != BUFFER_ROOM)
		return;
	if (people_typing_in(side_people(chat_side(ui.chat)), b->target,
	    kc_now_us(), chat_user(ui.chat), &t) > 0)
		snprintf(out, len, "%s", t.data);
	kc_buf_free(&t);
}

static void
ui_draw_status(struct buffer *b, int y, int w)
{
	struct kc_buf	 act = { NULL, 0, 0 };
	char		 s[1024], ask[96] = "", typing[300] = "";
	const char	*away = side_away(chat_side(ui.chat));
	int		 x;

	if (ui.ask > 0)
		snprintf(ask, sizeof ask, " send %zu lines as one message? "
		    "Enter sends, Esc edits |", ui.ask);
	/* Activity before the rest: it must show in a narrow window. */
	activity_list(ui.chat, &act);
	if (ui.typing[0] != '\0')
		snprintf(typing, sizeof typing, " %s typing |", ui.typing);
	snprintf(s, sizeof s, "%s %s%s | %s |%s%s%s%s %s %s%s", ask,
	    chat_user(ui.chat), away[0] != '\0' ? " (away)" : "",
	    b != NULL ? b->name : "-", typing,
	    act.len > 0 ? " " : "", act.len > 0 ? act.data : "",
	    act.len > 0 ? " |" : "", chat_conn_name(chat_conn(ui.chat)),
	    chat_brokers(ui.chat),
	    b != NULL && b->scroll > 0 ? " | -- more below (PgDn) --" : "");
	attrset(ui_attr(UI_PAIR_STATUS, A_REVERSE));
	move(y, 0);
	for (x = 0; x < w; x++)
		addch(' ');
	mvaddnstr(y, 0, s, w);
	attrset(A_NORMAL);
	kc_buf_free(&act);
}

/* Cells of input text: a newline shows as one cell, U+2424. */
static size_t
ui_input_width(const char *t, size_t len)
{
	size_t	 off = 0, n, w = 0;
	uint32_t cp;

	while (off < len) {
		if ((n = utf8_next(t + off, len - off, &cp)) == 0)
			n = 1;
		w += cp == '\n' ? 1 : (size_t)utf8_cpwidth(cp);
		off += n;
	}
	return w;
}

/*
 * The input line scrolls sideways to keep the cursor in view; newlines in
 * it (a paste, Ctrl-J) show as U+2424. Returns the cursor's column.
 */
static int
ui_draw_input(struct buffer *b, int y, int w)
{
	const char	*t = input_text(ui.input);
	char		 prompt[KC_NAME_MAX + 8];
	size_t		 off = 0, n, cur = input_cursor(ui.input);
	uint32_t	 cp;
	int		 pw, avail, x, cw, cx;

	snprintf(prompt, sizeof prompt, "[%s] ", b != NULL ? b->name : "-");
	pw = (int)utf8_width(prompt, strlen(prompt));
	if (pw > w / 2)
		pw = 0;
	mvaddnstr(y, 0, prompt, pw > 0 ? pw : 0);
	avail = w - pw - 1;
	if (avail < 1)
		avail = 1;
	/* Skip characters until the cursor fits. */
	while (off < cur && (int)ui_input_width(t + off, cur - off) > avail) {
		if ((n = utf8_next(t + off, strlen(t + off), &cp)) == 0)
			n = 1;
		off += n;
	}
	cx = pw + (int)ui_input_width(t + off, cur - off);
	x = pw;
	while (t[off] != '\0') {
		if ((n = utf8_next(t + off, strlen(t + off), &cp)) == 0)
			n = 1;
		cw = cp == '\n' ? 1 : utf8_cpwidth(cp);
		if (x + cw > w)
			break;
		if (cp == '\n') {
			attrset(ui_attr(UI_PAIR_DIM, A_DIM));
			mvaddstr(y, x, "\xe2\x90\xa4");
			attrset(A_NORMAL);
		} else
			mvaddnstr(y, x, t + off, n);
		x += cw;
		off += n;
	}
	return cx < w ? cx : w - 1;
}

void
ui_draw(void)
{
	struct buffer	*b;
	int		 h, w, ph, x0, cx, th;

	char		 typing[sizeof ui.typing];

	if (!ui.started)
		return;
	/* Typing shows for a few seconds: redraw when that list changes. */
	ui_typing(chat_current(ui.chat), typing, sizeof typing);
	if (strcmp(typing, ui.typing) != 0) {
		memcpy(ui.typing, typing, sizeof typing);
		ui.dirty = 1;
	}
	if (!ui.dirty)
		return;
	ui.dirty = 0;
	getmaxyx(stdscr, h, w);
	erase();
	if (h <= 0 || w <= 0) {
		refresh();
		return;
	}
	b = chat_current(ui.chat);
	ph = h - 2;
	ui.list_w = w >= UI_LIST_MIN_COLS ? UI_LIST_W : 0;
	ui.nick_w = w >= UI_NICK_MIN_COLS &&
	    side_on(chat_side(ui.chat), "nicklist") ? UI_NICK_W : 0;
	x0 = ui.list_w;
	ui.pane_h = ph > 0 ? ph : 0;
	if (ph > 0) {
		if (ui.list_w > 0)
			ui_draw_list(ui.list_w, ph);
		if (b != NULL) {
			th = ph > 2 ? ui_draw_title(b, x0, w - x0 - ui.nick_w) :
			    0;
			ui.pane_h = ph - th;
			ui_draw_pane(b, x0, th, w - x0 - ui.nick_w, ph - th);
		}
		if (ui.nick_w > 0)
			ui_draw_nicks(b, w - ui.nick_w, ui.nick_w, ph);
	}
	if (h >= 2)
		ui_draw_status(b, h - 2, w);
	cx = ui_draw_input(b, h - 1, w);
	move(h - 1, cx > 0 ? cx : 0);
	if (ui.bell) {
		ui.bell = 0;
		beep();
	}
	refresh();
}
