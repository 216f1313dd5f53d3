/* line.h - line mode (tui/line.c). */
#ifndef TUI_LINE_H
#define TUI_LINE_H

#include "tui.h"

/* The chat's notify callback in line mode: prints final lines. */
void	line_notify(void *, enum chat_event, struct buffer *, struct line *);
/* Reads what is available on fd and runs each complete line; -1 at EOF. */
int	line_read(struct chat *, int fd);
void	line_free(void);

#endif
