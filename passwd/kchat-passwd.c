/*
 * kchat-passwd - manages the users file of kchat-bridge --users, as
 * mosquitto_passwd and htpasswd do theirs: one "user:hash" line per
 * account, the hash crypt(3)'s yescrypt ("$y$"). The file is written
 * whole to a temporary file beside it, mode 0600, and renamed over the
 * old one, so a bridge reading it never sees half of it.
 *
 *	kchat-passwd [-c] FILE USER	add USER or change its password
 *	kchat-passwd -D FILE USER	delete USER
 *
 * The password: typed twice at the terminal (not echoed), or one line of
 * standard input when that is not a terminal.
 */
#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "kchat.h"

#define PASSWD_LINE_MAX	1024
#define PASSWD_PW_MAX	512

static const char *progname = "kchat-passwd";

static void
passwd_usage(FILE *f)
{
	fprintf(f,
"usage: kchat-passwd [-c] FILE USER     add USER, or change its password\n"
"       kchat-passwd -D FILE USER       delete USER\n"
"\n"
"Manages the users file of kchat-bridge --users. The password is read twice\n"
"from the terminal, or as one line from standard input when it is not one.\n"
"\n"
"  -c, --create    create FILE (it must not exist yet)\n"
"  -D, --delete    delete USER from FILE\n"
"  -h, --help      this text\n"
"  -V, --version   print the version\n");
}

static void
passwd_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* One line from f without its newline, echo off when f is a terminal. */
static int
passwd_read_line(FILE *f, const char *prompt, char *buf, size_t len)
{
	struct termios	 old, quiet;
	int		 tty = isatty(fileno(f)), ok;
	char		*nl;

	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
		if (tcgetattr(fileno(f), &old) == -1)
			return -1;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		if (tcsetattr(fileno(f), TCSAFLUSH, &quiet) == -1)
			return -1;
	}
	ok = fgets(buf, (int)len, f) != NULL;
	if (tty)
		tcsetattr(fileno(f), TCSAFLUSH, &old);
	if (!ok)
		return -1;
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	else if (strlen(buf) == len - 1)
		passwd_die("password longer than %d bytes", PASSWD_PW_MAX - 2);
	if ((nl = strchr(buf, '\r')) != NULL)
		*nl = '\0';
	return 0;
}

/* The new password, from the terminal twice or from standard input once. */
static void
passwd_read_password(char *pw, size_t len)
{
	char again[PASSWD_PW_MAX];

	if (!isatty(STDIN_FILENO)) {
		if (passwd_read_line(stdin, "", pw, len) == -1)
			passwd_die("no password on standard input");
	} else {
		if (passwd_read_line(stdin, "Password: ", pw, len) == -1 ||
		    passwd_read_line(stdin, "Reenter password: ", again,
		    sizeof again) == -1)
			passwd_die("cannot read the password from the terminal");
		if (strcmp(pw, again) != 0) {
			explicit_bzero(again, sizeof again);
			passwd_die("the passwords do not match: nothing changed");
		}
		explicit_bzero(again, sizeof again);
	}
	if (pw[0] == '\0')
		passwd_die("the password is empty: nothing changed");
}

/* A yescrypt hash of pw, or exit. */
static char *
passwd_hash(const char *pw)
{
	struct crypt_data	*cd;
	char			*salt, *hash;
	const char		*h;

	if ((salt = crypt_gensalt_ra("$y$", 0, NULL, 0)) == NULL)
		passwd_die("cannot make a yescrypt salt: %s (is libcrypt "
		    "libxcrypt 4.3 or later?)", strerror(errno));
	if ((cd = calloc(1, sizeof *cd)) == NULL)
		passwd_die("out of memory");
	h = crypt_r(pw, salt, cd);
	if (h == NULL || h[0] != '$')
		passwd_die("crypt(3) cannot make a yescrypt hash");
	if ((hash = strdup(h)) == NULL)
		passwd_die("out of memory");
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	free(salt);
	return hash;
}

/*
 * Exits when user is a new account and old (NULL: none) has one whose name
 * is alike (kc_alike()): "Alice" or "aIice" would pass for alice in
 * every client's list. A password change of an account there is not refused.
 */
static void
passwd_check_like(FILE *old, const char *path, const char *user)
{
	char	 line[PASSWD_LINE_MAX], like[PASSWD_LINE_MAX] = "", *colon;
	int	 there = 0;

	if (old == NULL)
		return;
	while (fgets(line, sizeof line, old) != NULL) {
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		if (strcmp(line, user) == 0)
			there = 1;
		else if (kc_alike(line, user))
			snprintf(like, sizeof like, "%s", line);
	}
	rewind(old);
	if (!there && like[0] != '\0')
		passwd_die("\"%s\" is too like the account \"%s\" in %s, which "
		    "it would pass for: choose another name", user, like, path);
}

/*
 * Writes the lines of old (NULL: none), with user's line replaced by
 * "user:hash" (hash NULL: left out), to a temporary file beside path,
 * then renames it over path. Returns whether user's line was there.
 */
static int
passwd_rewrite(const char *path, FILE *old, const char *user,
    const char *hash)
{
	char	 line[PASSWD_LINE_MAX], *tmp, *dirc;
	size_t	 ulen = strlen(user);
	int	 fd, found = 0;
	FILE	*out;

	if ((dirc = strdup(path)) == NULL ||
	    asprintf(&tmp, "%s/.%s.XXXXXX", dirname(dirc), "kchat-passwd") < 0)
		passwd_die("out of memory");
	if ((fd = mkstemp(tmp)) == -1)
		passwd_die("cannot write beside %s: %s", path, strerror(errno));
	if (fchmod(fd, 0600) == -1 || (out = fdopen(fd, "w")) == NULL) {
		unlink(tmp);
		passwd_die("%s: %s", tmp, strerror(errno));
	}
	while (old != NULL && fgets(line, sizeof line, old) != NULL) {
		if (strncmp(line, user, ulen) == 0 && line[ulen] == ':') {
			found = 1;
			if (hash != NULL)
				fprintf(out, "%s:%s\n", user, hash);
			continue;
		}
		fputs(line, out);
		if (strchr(line, '\n') == NULL)
			fputc('\n', out);
	}
	if (!found && hash != NULL)
		fprintf(out, "%s:%s\n", user, hash);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0 ||
	    rename(tmp, path) == -1) {
		int e = errno;

		unlink(tmp);
		passwd_die("cannot write %s: %s", path, strerror(e));
	}
	free(tmp);
	free(dirc);
	return found;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "create",	no_argument, NULL, 'c' },
		{ "delete",	no_argument, NULL, 'D' },
		{ "help",	no_argument, NULL, 'h' },
		{ "version",	no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char		 pw[PASSWD_PW_MAX], *hash = NULL;
	const char	*path, *user;
	int		 ch, create = 0, delete = 0, found, err;
	FILE		*old = NULL;

	while ((ch = getopt_long(argc, argv, "cDhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			create = 1;
			break;
		case 'D':
			delete = 1;
			break;
		case 'h':
			passwd_usage(stdout);
			return 0;
		case 'V':
			printf("kchat-passwd %s\n", KC_VERSION_STRING);
			return 0;
		default:
			passwd_usage(stderr);
			return 1;
		}
	}
	if (argc - optind != 2 || (create && delete)) {
		passwd_usage(stderr);
		return 1;
	}
	path = argv[optind];
	user = argv[optind + 1];
	if ((err = kc_user_validate(user, strlen(user))) != KC_OK)
		passwd_die("\"%s\": %s", user, kc_strerror(err));

	if (create) {
		if (access(path, F_OK) == 0)
			passwd_die("%s exists: leave out -c to add a user to it "
			    "or change a password", path);
	} else if ((old = fopen(path, "r")) == NULL)
		passwd_die("cannot read %s: %s%s", path, strerror(errno),
		    errno == ENOENT && !delete ? " (-c creates it)" : "");

	if (!delete) {
		passwd_check_like(old, path, user);
		passwd_read_password(pw, sizeof pw);
		hash = passwd_hash(pw);
		explicit_bzero(pw, sizeof pw);
	}
	found = passwd_rewrite(path, old, user, hash);
	if (old != NULL)
		fclose(old);
	free(hash);
	if (delete && !found)
		passwd_die("no user \"%s\" in %s", user, path);
	return 0;
}
