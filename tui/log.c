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

/* mkdir -p with mode 0700 for each missing part of path. */
static int
log_mkdirs(char *path)
{
	char	*p;
	int	 rv = 0;

	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0700) == -1 && errno != EEXIST)
				rv = -1;
			*p = c;
			if (c == '\0' || rv == -1)
				break;
		}
	}
	return rv;
}

int
log_line(const char *dir, struct buffer *b, const struct line *l,
    char *errstr, size_t len)
{
	struct kc_buf	 out = { NULL, 0, 0 };
	struct line	 copy = *l;
	char		 day[16], path[4096];
	int		 fd, rv = 0;

	format_time(l->ts, "%Y-%m-%d", day, sizeof day);
	/* b->name is "#room" or "@user": the room's directory has no '#'. */
	snprintf(path, sizeof path, "%s/%s", dir,
	    b->kind == BUFFER_ROOM ? b->target : b->name);
	if (log_mkdirs(path) == -1) {
		snprintf(errstr, len, "cannot make the log directory %s: %s",
		    path, strerror(errno));
		return -1;
	}
	snprintf(path + strlen(path), sizeof path - strlen(path), "/%s.log",
	    day);
	copy.state = LINE_FINAL;	/* logged when sent: no "[pending]" */
	format_plain(b, &copy, &out);
	kc_buf_append(&out, "\n", 1);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600)) == -1 ||
	    write(fd, out.data, out.len) != (ssize_t)out.len) {
		snprintf(errstr, len, "cannot write the log %s: %s", path,
		    strerror(errno));
		rv = -1;
	}
	if (fd != -1)
		close(fd);
	kc_buf_free(&out);
	return rv;
}
