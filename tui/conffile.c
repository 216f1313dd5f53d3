/*
 * conffile.c - /set writes the config file: one "key = value" line changed
 * (or added at the end, or removed), every other line, comments and blank
 * lines included, kept as it was. The file is replaced whole (a new file
 * renamed over it; a link's target), mode 0600, its directory made 0700
 * when missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui.h"

/* 1 when line (up to its end) sets key: "key = ...", blanks allowed. */
static int
conffile_sets(const char *line, const char *key)
{
	size_t klen = strlen(key);

	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, key, klen) != 0)
		return 0;
	line += klen;
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '=';
}

char *
conffile_rewrite(const char *text, const char *key, const char *value)
{
	struct kc_buf	 b = { NULL, 0, 0 };
	const char	*p = text != NULL ? text : "", *nl;
	char		*out, *set = NULL;
	size_t		 len;
	int		 done = 0;

	if (value != NULL)
		xasprintf(&set, "%s = %s\n", key, value);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		if (conffile_sets(p, key)) {
			/* The first one is changed, any later one dropped. */
			if (!done && set != NULL)
				kc_buf_append(&b, set, strlen(set));
			done = 1;
		} else {
			kc_buf_append(&b, p, len);
			if (nl == NULL)
				kc_buf_append(&b, "\n", 1);
		}
		p += len;
	}
	if (!done && set != NULL)
		kc_buf_append(&b, set, strlen(set));
	out = xstrndup(b.data != NULL ? b.data : "", b.len);
	kc_buf_free(&b);
	free(set);
	return out;
}

/* Makes the directory of path (and its parents) 0700 when missing. */
static int
conffile_mkdirs(const char *path)
{
	char	*dir, *p;
	int	 rv = 0;

	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) != NULL && p != dir) {
		*p = '\0';
		rv = mkdirs(dir);
	}
	free(dir);
	return rv;
}

int
conffile_set(const char *path, const char *key, const char *value,
    char *errstr, size_t len)
{
	struct kc_buf	 old = { NULL, 0, 0 };
	char		 chunk[4096], *tmp, *text, *real;
	ssize_t		 n;
	size_t		 tlen;
	int		 fd, rv = -1;

	/* A config file that is a link (dotfiles): its target is rewritten. */
	if ((real = realpath(path, NULL)) != NULL)
		path = real;
	if ((fd = open(path, O_RDONLY)) != -1) {
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			kc_buf_append(&old, chunk, n);
		close(fd);
	} else if (errno != ENOENT) {
		snprintf(errstr, len, "cannot read %s: %s", path,
		    strerror(errno));
		free(real);
		return -1;
	}
	kc_buf_append(&old, "", 1);
	text = conffile_rewrite(old.data, key, value);
	kc_buf_free(&old);
	xasprintf(&tmp, "%s.new", path);
	if (conffile_mkdirs(path) == -1 || (fd = open(tmp,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
		snprintf(errstr, len, "cannot write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	tlen = strlen(text);
	if (write(fd, text, tlen) != (ssize_t)tlen || fsync(fd) == -1) {
		snprintf(errstr, len, "cannot write %s: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(errstr, len, "cannot replace %s: %s", path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	rv = 0;
out:
	free(tmp);
	free(text);
	free(real);
	return rv;
}
