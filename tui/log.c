/*
 * log.c - plain-text logs, as irssi's autolog (the setting "log", off by
 * default): one file per room (or "@user" for direct messages) per day,
 *
 *	$XDG_DATA_HOME/kchat/logs/general/2026-11-30.log
 *
 * ($XDG_DATA_HOME unset: ~/.local/share), a line each as line mode prints
 * it. The day is the line's, in local time, so the files rotate daily by
 * themselves. Directories are made 0700, files 0600. Each line is
 * appended with the file opened and closed again: nothing is held open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui.h"

void
log_dir(char *out, size_t len)
{
	const char *base = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (base != NULL && base[0] == '/')
		snprintf(out, len, "%s/kchat/logs", base);
	else
		snprintf(out, len, "%s/.local/share/kchat/logs",
		    home != NULL ? home : ".");
}

int
log_line(const char *dir, struct buffer *b, const struct line *l,
    char *errstr, size_t len)
{
	struct kc_buf	 out = { NULL, 0, 0 };
	struct line	 copy = *l;
	char		 day[16], path[4096];
	size_t		 dlen;
	int		 fd, rv = 0;

	format_time(l->ts, "%Y-%m-%d", day, sizeof day);
	/* b->name is "#room" or "@user": the room's directory has no '#'. */
	snprintf(path, sizeof path, "%s/%s", dir,
	    b->kind == BUFFER_ROOM ? b->target : b->name);
	dlen = strlen(path);
	snprintf(path + dlen, sizeof path - dlen, "/%s.log", day);
	copy.state = LINE_FINAL;	/* logged when sent: no "[pending]" */
	format_plain(b, &copy, &out);
	kc_buf_append(&out, "\n", 1);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	/* The room's (or the day's first) directory: made once, when missing. */
	if (fd == -1 && errno == ENOENT) {
		path[dlen] = '\0';
		if (mkdirs(path) == -1) {
			snprintf(errstr, len, "cannot make the log directory "
			    "%s: %s", path, strerror(errno));
			kc_buf_free(&out);
			return -1;
		}
		path[dlen] = '/';
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	}
	if (fd == -1 || write(fd, out.data, out.len) != (ssize_t)out.len) {
		snprintf(errstr, len, "cannot write the log %s: %s", path,
		    strerror(errno));
		rv = -1;
	}
	if (fd != -1)
		close(fd);
	kc_buf_free(&out);
	return rv;
}
