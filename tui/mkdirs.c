/*
 * mkdirs.c - mkdir -p with mode 0700, for the directories kchat-tui keeps
 * its instance, its configuration and its logs in: private, as the files
 * in them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>

#include "tui.h"

int
mkdirs(const char *dir)
{
	char	*d = xstrdup(dir), *p, c;
	int	 rv = 0, saved;

	for (p = d + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(d, 0700) == -1 && errno != EEXIST)
			rv = -1;
		*p = c;
		if (c == '\0' || rv == -1)
			break;
	}
	saved = errno;
	free(d);
	errno = saved;
	return rv;
}
