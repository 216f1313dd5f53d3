/*
 * ui.h - the screen (tui/ui-*.c, the only files that include <curses.h>).
 * Nothing here mentions a curses type, so main.c stays curses-free too.
 */
#ifndef TUI_UI_H
#define TUI_UI_H

#include "tui.h"

/* Starts curses on the terminal; -1 if it cannot. */
int	ui_start(struct chat *, struct input *);
void	ui_stop(void);
/* The terminal changed size: ask it, resize, redraw. */
void	ui_resize(void);
/* Redraws if anything changed since the last draw. */
void	ui_draw(void);
void	ui_dirty(void);
/* Reads and handles every key waiting on the terminal. */
void	ui_keys(void);
/* The chat's notify callback with the screen. */
void	ui_notify(void *, enum chat_event, struct buffer *, struct line *);

#endif
