/*
 * ui-keys.c - keys to actions: the editing keys of the input line, Enter,
 * Tab completion, switching buffers (Alt-1..9, Ctrl-N/Ctrl-P) and
 * scrollback (PgUp/PgDn; PgUp at the top fetches older messages from
 * Kafka; Alt-> jumps to the newest; the mouse wheel scrolls three rows),
 * Up on an empty line to edit your last message, the nick list (F7 or
 * Alt-n shows or hides it). A bracketed paste goes into the input line
 * whole, newlines included, and runs nothing; Enter on more than
 * TUI_PASTE_ASK lines asks first (Enter sends, Esc goes back to editing).
 * Typing text in a room tells the others (chat_typing()).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui-curses.h"

#define CTRL(c)	((c) & 0x1f)
#define UI_MORE_HISTORY 50
#define UI_WHEEL_ROWS	3

static void
ui_scroll(int dir)
{
	ui_scroll_rows(dir, 0);
}

void
ui_scroll_rows(int dir, size_t rows)
{
	struct buffer	*b = chat_current(ui.chat);
	size_t		 page, total, w;

	if (b == NULL)
		return;
	page = ui.pane_h > 1 ? ui.pane_h - 1 : 1;
	if (rows > 0)
		page = rows;
	if (dir > 0) {
		b->scroll = b->scroll > page ? b->scroll - page : 0;
		return;
	}
	w = COLS - ui.list_w - ui.nick_w;
	total = ui_buffer_rows(b, w, b->scroll + page + ui.pane_h + 1);
	if (b->scroll + page + ui.pane_h >= total && !b->history_done &&
	    b->kind == BUFFER_ROOM && b->fetch == 0) {
		/*
		 * At the top: older messages come from Kafka, in the
		 * background (while a fetch runs, its loading line says so).
		 */
		chat_history_more(ui.chat, b, UI_MORE_HISTORY);
	}
	b->scroll += page;
}

static size_t
ui_complete(void *arg, const char *line, size_t ws, size_t cur, char ***out)
{
	return chat_complete(arg, line, ws, cur, out);
}

static void
ui_enter(void)
{
	struct buffer	*b = chat_current(ui.chat);
	char		*line;
	size_t		 lines = input_lines(ui.input);

	if (lines > TUI_PASTE_ASK && ui.ask != lines) {
		ui.ask = lines;		/* the status line asks */
		return;
	}
	ui.ask = 0;
	line = input_take(ui.input);
	if (b != NULL)
		b->scroll = 0;
	cmd_input(ui.chat, line);
	free(line);
}

/*
 * Up: on an empty input line in a room, your last message to edit, as
 * "/edit TEXT" (Enter sends the edit, Ctrl-U abandons it), as in Slack;
 * else the input history. Not a message of several lines: input of
 * several lines is never a command.
 */
static void
ui_up(void)
{
	struct line	*l;
	char		*s;

	if (input_len(ui.input) == 0 && (l = edit_last_own(
	    chat_current(ui.chat), chat_user(ui.chat))) != NULL &&
	    strchr(l->text, '\n') == NULL) {
		xasprintf(&s, "/edit %s", l->text);
		input_set(ui.input, s);
		free(s);
		return;
	}
	input_history_prev(ui.input);
}

/*
 * F7, Alt-n: shows or hides the nick list for this session (/set nicklist
 * saves the choice).
 */
static void
ui_nicklist_toggle(void)
{
	struct side *sd = chat_side(ui.chat);

	side_put(sd, "nicklist", side_on(sd, "nicklist") ? "off" : "on");
	if (side_on(sd, "nicklist") && COLS < UI_NICK_MIN_COLS)
		chat_info(ui.chat, "the nick list needs %d columns; this "
		    "window has %d", UI_NICK_MIN_COLS, COLS);
}

/* Alt-x arrives as ESC then x. */
static void
ui_meta(wint_t ch)
{
	if (ch == '\r' || ch == '\n')
		input_newline(ui.input);	/* Alt-Enter */
	else if (ch >= '1' && ch <= '9')
		chat_switch(ui.chat, ch - '1');
	else if (ch == '0')
		chat_switch(ui.chat, 9);
	else if (ch == 'b' || ch == 'B')
		input_word_left(ui.input);
	else if (ch == 'f' || ch == 'F')
		input_word_right(ui.input);
	else if (ch == '>' && chat_current(ui.chat) != NULL)
		chat_current(ui.chat)->scroll = 0;
	else if (ch == '<' && chat_current(ui.chat) != NULL)
		chat_current(ui.chat)->scroll = (size_t)-1 / 2;
	else if (ch == 'n' || ch == 'N')
		ui_nicklist_toggle();		/* Alt-n */
}

/* The wheel, as ncurses reports it (KEY_MOUSE). */
static void
ui_mouse(void)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		ui_scroll_rows(-1, UI_WHEEL_ROWS);
	else if (ev.bstate & BUTTON5_PRESSED)
		ui_scroll_rows(1, UI_WHEEL_ROWS);
}

/*
 * An SGR mouse report, ESC [ < button ; x ; y M, that ncurses did not take
 * (a terminal description without it): the ESC and '[' are read; reads the
 * rest. Buttons 64 and 65 are the wheel up and down; others are ignored.
 */
static void
ui_sgr_mouse(void)
{
	wint_t	ch;
	int	button = 0, field = 0, n = 0;

	while (n++ < 32 && get_wch(&ch) == OK) {
		if (ch == 'M' || ch == 'm')
			break;
		if (ch == ';')
			field++;
		else if (field == 0 && ch >= '0' && ch <= '9')
			button = button * 10 + (ch - '0');
	}
	if (button == 64)
		ui_scroll_rows(-1, UI_WHEEL_ROWS);
	else if (button == 65)
		ui_scroll_rows(1, UI_WHEEL_ROWS);
}

static void
ui_function_key(wint_t ch)
{
	const char *name;

	switch (ch) {
	case KEY_ENTER:
		ui_enter();
		return;
	case KEY_BACKSPACE:
		input_backspace(ui.input);
		return;
	case KEY_DC:
		input_delete(ui.input);
		return;
	case KEY_LEFT:
		input_left(ui.input);
		return;
	case KEY_RIGHT:
		input_right(ui.input);
		return;
	case KEY_HOME:
		input_home(ui.input);
		return;
	case KEY_END:
		input_end(ui.input);
		return;
	case KEY_UP:
		ui_up();
		return;
	case KEY_DOWN:
		input_history_next(ui.input);
		return;
	case KEY_PPAGE:
		ui_scroll(-1);
		return;
	case KEY_NPAGE:
		ui_scroll(1);
		return;
	case KEY_RESIZE:
		/* resizeterm() queued it; the size is already known. */
		return;
	case KEY_MOUSE:
		ui_mouse();
		return;
	case KEY_F(7):
		ui_nicklist_toggle();
		return;
	}
	/* Ctrl-Left/Right and Alt-Left/Right: word moves. */
	if ((name = keyname(ch)) == NULL)
		return;
	if (strncmp(name, "kLFT", 4) == 0)
		input_word_left(ui.input);
	else if (strncmp(name, "kRIT", 4) == 0)
		input_word_right(ui.input);
	else if (strncmp(name, "kEND", 4) == 0 && chat_current(ui.chat))
		chat_current(ui.chat)->scroll = 0;
}

static void
ui_key(wint_t ch)
{
	char	 mb[MB_LEN_MAX];
	size_t	 n;
	mbstate_t ps;

	switch (ch) {
	case '\r':
		ui_enter();
		return;
	case '\n':		/* Ctrl-J */
		input_newline(ui.input);
		return;
	case '\t':
		input_complete(ui.input, ui_complete, ui.chat);
		return;
	case 0x7f:
	case CTRL('H'):
		input_backspace(ui.input);
		return;
	case CTRL('A'):
		input_home(ui.input);
		return;
	case CTRL('E'):
		input_end(ui.input);
		return;
	case CTRL('B'):
		input_left(ui.input);
		return;
	case CTRL('F'):
		input_right(ui.input);
		return;
	case CTRL('D'):
		input_delete(ui.input);
		return;
	case CTRL('U'):
		input_kill_start(ui.input);
		return;
	case CTRL('K'):
		input_kill_end(ui.input);
		return;
	case CTRL('W'):
		input_kill_word(ui.input);
		return;
	case CTRL('Y'):
		input_yank(ui.input);
		return;
	case CTRL('N'):
		chat_next(ui.chat, 1);
		return;
	case CTRL('P'):
		chat_next(ui.chat, -1);
		return;
	case CTRL('L'):
		clearok(curscr, TRUE);
		return;
	case CTRL('C'):
		cmd_input(ui.chat, "/quit");
		return;
	}
	if (ch < 0x20)
		return;
	memset(&ps, 0, sizeof ps);
	if ((n = wcrtomb(mb, (wchar_t)ch, &ps)) == (size_t)-1)
		return;
	input_insert(ui.input, mb, n);
	chat_typing(ui.chat, input_text(ui.input));
}

/* A paste ended: all of it into the input line, nothing run. */
static void
ui_paste_end(void)
{
	ui.pasting = 0;
	if (input_paste(ui.input, ui.paste.data != NULL ? ui.paste.data : "",
	    ui.paste.len) == -1)
		chat_error(ui.chat, "the input holds at most %d bytes: the rest "
		    "of the paste was left out", TUI_INPUT_MAX);
	ui.paste.len = 0;
}

/* A key inside a paste: kept as it is, to be inserted at its end. */
static void
ui_paste_key(int rv, wint_t ch)
{
	char		mb[MB_LEN_MAX];
	size_t		n;
	mbstate_t	ps;

	if (rv == KEY_CODE_YES) {
		if (ch == UI_KEY_PASTE_END)
			ui_paste_end();
		else if (ch == KEY_ENTER)
			kc_buf_append(&ui.paste, "\n", 1);
		return;
	}
	memset(&ps, 0, sizeof ps);
	if ((n = wcrtomb(mb, (wchar_t)ch, &ps)) == (size_t)-1)
		return;
	/* Beyond what the input holds, nothing is worth keeping. */
	if (ui.paste.len <= TUI_INPUT_MAX)
		kc_buf_append(&ui.paste, mb, n);
}

void
ui_keys(void)
{
	wint_t	ch, next;
	int	rv;

	if (!ui.started)
		return;
	while ((rv = get_wch(&ch)) != ERR) {
		ui.dirty = 1;
		if (ui.pasting) {
			ui_paste_key(rv, ch);
			continue;
		}
		if (rv == KEY_CODE_YES && ch == UI_KEY_PASTE_START) {
			ui.pasting = 1;
			ui.paste.len = 0;
			ui.ask = 0;
			continue;
		}
		/* "Send N lines?": Enter sends, any other key edits on. */
		if (ui.ask > 0 && !(rv == OK && ch == '\r') &&
		    !(rv == KEY_CODE_YES && (ch == KEY_ENTER ||
		    ch == KEY_RESIZE)))
			ui.ask = 0;
		if (rv == KEY_CODE_YES) {
			ui_function_key(ch);
			continue;
		}
		if (ch == 0x1b) {
			if (get_wch(&next) != OK)
				continue;
			if (next == '[') {
				if (get_wch(&next) == OK && next == '<')
					ui_sgr_mouse();
				continue;
			}
			ui_meta(next);
			continue;
		}
		ui_key(ch);
	}
}
