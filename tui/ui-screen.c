/*
 * ui-screen.c - starting and stopping curses, colours (NO_COLOR respected)
 * and resizing. A resize only records the new size: the next draw lays
 * everything out again, and a tiny terminal simply shows less.
 */
#include <sys/ioctl.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui-curses.h"

#define UI_PASTE_ON	"\033[?2004h"
#define UI_PASTE_OFF	"\033[?2004l"

struct ui ui;

/*
 * The palette, in the order of kc_user_colour(): red, green, yellow, blue,
 * magenta, cyan, then their bright forms. 256-colour terminals get softer
 * shades that read on dark and light backgrounds.
 */
static const short ui_palette8[KC_COLOURS] = {
	COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE, COLOR_MAGENTA,
	COLOR_CYAN, COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE,
	COLOR_MAGENTA, COLOR_CYAN
};
static const short ui_palette256[KC_COLOURS] = {
	167, 71, 178, 68, 170, 37, 203, 113, 220, 75, 213, 80
};

attr_t
ui_attr(int pair, attr_t mono)
{
	if (!ui.colour)
		return mono;
	return COLOR_PAIR(pair);
}

attr_t
ui_user_attr(const char *user)
{
	unsigned n = kc_user_colour(user);

	if (!ui.colour)
		return A_BOLD;
	/* 8 colours: the second six are the bold (bright) forms */
	if (COLORS < 256 && n >= 6)
		return COLOR_PAIR(n + 1) | A_BOLD;
	return COLOR_PAIR(n + 1);
}

static void
ui_colours(void)
{
	const char	*nc = getenv("NO_COLOR");
	short		 i;

	ui.colour = 0;
	if ((nc != NULL && *nc != '\0') || !has_colors())
		return;
	if (start_color() == ERR)
		return;
	use_default_colors();
	ui.colour = 1;
	for (i = 0; i < KC_COLOURS; i++)
		init_pair(i + 1, COLORS >= 256 ? ui_palette256[i] :
		    ui_palette8[i], -1);
	init_pair(UI_PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
	init_pair(UI_PAIR_DIM, COLORS >= 256 ? 244 : COLOR_CYAN, -1);
	init_pair(UI_PAIR_ERROR, COLOR_RED, -1);
	init_pair(UI_PAIR_MENTION, COLOR_BLACK, COLOR_YELLOW);
	init_pair(UI_PAIR_LIST, COLORS >= 256 ? 250 : COLOR_WHITE, -1);
}

int
ui_start(struct chat *chat, struct input *input)
{
	memset(&ui, 0, sizeof ui);
	ui.chat = chat;
	ui.input = input;
	set_escdelay(25);
	/* newterm(), not initscr(): an unknown TERM is ours to explain. */
	if ((ui.screen = newterm(NULL, stdout, stdin)) == NULL)
		return -1;
	set_term(ui.screen);
	ui.started = 1;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	ui_colours();
	/*
	 * Bracketed paste: the terminal marks a paste, so its lines go into
	 * the input line instead of running one by one (commands included).
	 */
	/*
	 * The mouse wheel scrolls (only the wheel is asked for; the
	 * terminal still selects text with Shift held while dragging).
	 */
	mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	define_key("\033[200~", UI_KEY_PASTE_START);
	define_key("\033[201~", UI_KEY_PASTE_END);
	fputs(UI_PASTE_ON, stdout);
	fflush(stdout);
	ui.dirty = 1;
	return 0;
}

void
ui_stop(void)
{
	if (!ui.started)
		return;
	ui.started = 0;
	mousemask(0, NULL);
	endwin();
	delscreen(ui.screen);
	ui.screen = NULL;
	fputs(UI_PASTE_OFF, stdout);
	fflush(stdout);
	kc_buf_free(&ui.paste);
}

void
ui_resize(void)
{
	struct winsize ws;

	if (!ui.started)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui.dirty = 1;
}

void
ui_dirty(void)
{
	ui.dirty = 1;
}

void
ui_notify(void *arg, enum chat_event ev, struct buffer *b, struct line *l)
{
	if (ev == CHAT_BELL)
		ui.bell = 1;
	ui.dirty = 1;
}
