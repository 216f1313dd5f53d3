/*
 * ui-curses.h - state shared by the screen files (tui/ui-*.c), the only
 * ones that include <curses.h>.
 */
#ifndef TUI_UI_CURSES_H
#define TUI_UI_CURSES_H

#include <curses.h>

#include "ui.h"

/* Colour pairs: 1..KC_COLOURS are the user colours. */
#define UI_PAIR_STATUS	(KC_COLOURS + 1)
#define UI_PAIR_DIM	(KC_COLOURS + 2)
#define UI_PAIR_ERROR	(KC_COLOURS + 3)
#define UI_PAIR_MENTION	(KC_COLOURS + 4)
#define UI_PAIR_LIST	(KC_COLOURS + 5)

#define UI_NICK_MIN_COLS 90	/* narrower: no nick list */

/* Bracketed paste (ESC[200~ ... ESC[201~) as keys of our own. */
#define UI_KEY_PASTE_START	(KEY_MAX + 1)
#define UI_KEY_PASTE_END	(KEY_MAX + 2)

struct ui {
	SCREEN		*screen;
	struct chat	*chat;
	struct input	*input;
	int		 started;
	int		 dirty;
	int		 colour;	/* 0 with NO_COLOR or a mono terminal */
	int		 bell;		/* ring at the next draw */
	int		 list_w;	/* room list width, 0 when hidden */
	int		 nick_w;	/* nick list width, 0 when hidden */
	char		 typing[256];	/* who typed, as last drawn */
	int		 pane_h;	/* message pane height */
	int		 pasting;	/* inside a bracketed paste */
	struct kc_buf	 paste;		/* what it brought so far */
	size_t		 ask;		/* lines: "send them?" is shown */
};

extern struct ui ui;

/* Attributes for a user name: its stable colour, or bold without colour. */
attr_t	ui_user_attr(const char *user);
attr_t	ui_attr(int pair, attr_t mono);
/* Scrolls the current buffer a page up (dir < 0) or down, or rows rows. */
void	ui_scroll_rows(int dir, size_t rows);
/*
 * The rows the lines of b take at width w, counted from the newest: all
 * of them, or at least most (it stops counting there).
 */
size_t	ui_buffer_rows(struct buffer *b, int w, size_t most);

#endif
