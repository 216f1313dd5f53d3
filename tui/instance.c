/*
 * instance.c - this terminal's client instance id ("inst" in its records):
 * kept in $XDG_STATE_HOME/kchat/instance (~/.local/state/kchat/instance),
 * made once from /dev/urandom, so that kchat-tui started again after a
 * crash is the same instance, not "someone else" holding its own name.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

/* dir = $XDG_STATE_HOME/kchat or $HOME/.local/state/kchat; 0 when unknown. */
static int
instance_dir(char *dir, size_t len)
{
	const char *base = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (base != NULL && *base == '/')
		return snprintf(dir, len, "%s/kchat", base) < (int)len;
	if (home != NULL && *home == '/')
		return snprintf(dir, len, "%s/.local/state/kchat", home) <
		    (int)len;
	return 0;
}

static void
instance_random(char out[KC_INST_MAX + 1])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		b[KC_INST_MAX / 2];
	int			fd, i;
	ssize_t			n = -1;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, b, sizeof b);
		close(fd);
	}
	if (n != (ssize_t)sizeof b) {
		/* No /dev/urandom: time and pid are unique enough here. */
		uint64_t v = (uint64_t)kc_now_us() ^ ((uint64_t)getpid() << 40);

		memcpy(b, &v, sizeof b);
	}
	for (i = 0; i < (int)sizeof b; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[KC_INST_MAX] = '\0';
}

void
instance_load(char out[KC_INST_MAX + 1])
{
	char	dir[4096], path[4200], buf[KC_INST_MAX + 2];
	FILE	*f;
	size_t	n;
	int	fd;

	if (!instance_dir(dir, sizeof dir)) {
		instance_random(out);
		return;
	}
	snprintf(path, sizeof path, "%s/instance", dir);
	if ((f = fopen(path, "re")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (strlen(buf) == KC_INST_MAX &&
		    kc_user_validate(buf, strlen(buf)) == KC_OK) {
			memcpy(out, buf, KC_INST_MAX + 1);
			return;
		}
	}
	instance_random(out);
	(void)mkdirs(dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		return;		/* this run's own, then */
	(void)!write(fd, out, KC_INST_MAX);
	(void)!write(fd, "\n", 1);
	close(fd);
}
