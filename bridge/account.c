/*
 * account.c - the users file of --users (made by kchat-passwd(1)): lines
 * "user:hash" with a crypt(3) hash (yescrypt), '#' comments and blank
 * lines skipped. The file is read again whenever it changes (its inode,
 * size or modification time), so kchat-passwd takes effect without a
 * restart; a file that became unreadable keeps the accounts last read.
 *
 * A password is checked with crypt_r(3) (account_verify(), thread-safe:
 * verify.c runs it off the loop); for a name that has no account a dummy
 * hash made at start is checked instead, so that the answer takes the
 * same time either way and does not tell which names exist.
 */
#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "bridge.h"

#define ACCOUNT_LINE_MAX	1024

struct account {
	char	 user[KC_NAME_MAX + 1];
	char	*hash;
};

static char		 path[1024];
static struct account	*accounts;
static size_t		 naccounts;
static struct stat	 seen;		/* of the file last read */
static char		 dummy[CRYPT_OUTPUT_SIZE];

int
account_enabled(void)
{
	return path[0] != '\0';
}

static void
account_clear(struct account *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].hash);
	free(v);
}

/* Reads the file into a new list; -1 with errstr when it cannot. */
static int
account_read(char *errstr, size_t errlen)
{
	struct account	*v = NULL, *nv;
	size_t		 n = 0, lineno = 0, ulen;
	char		 line[ACCOUNT_LINE_MAX], *colon, *end;
	struct stat	 st;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(errstr, errlen, "cannot read the users file %s: %s",
		    path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == -1) {
		snprintf(errstr, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if ((end = strchr(line, '\n')) != NULL)
			*end = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((colon = strchr(line, ':')) == NULL || colon[1] == '\0' ||
		    (ulen = (size_t)(colon - line)) == 0 ||
		    kc_user_validate(line, ulen) != KC_OK) {
			log_warn("%s line %zu is not \"user:hash\" with a valid "
			    "user name: skipped (make it with kchat-passwd)",
			    path, lineno);
			continue;
		}
		if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL)
			goto nomem;
		v = nv;
		memcpy(v[n].user, line, ulen);
		v[n].user[ulen] = '\0';
		if ((v[n].hash = strdup(colon + 1)) == NULL)
			goto nomem;
		n++;
	}
	fclose(f);
	if (st.st_mode & 077)
		log_warn("the users file %s may be read by others: chmod 600 %s",
		    path, path);
	account_clear(accounts, naccounts);
	accounts = v;
	naccounts = n;
	seen = st;
	log_info("%zu account%s in %s", n, n == 1 ? "" : "s", path);
	return 0;
nomem:
	fclose(f);
	account_clear(v, n);
	snprintf(errstr, errlen, "out of memory reading %s", path);
	return -1;
}

/* Reads the file again if it changed since. */
static void
account_refresh(void)
{
	struct stat	st;
	char		errstr[256];

	if (stat(path, &st) == -1) {
		log_warn_every(LOG_EVERY_US, "users file %s: %s (keeping the "
		    "accounts read before)", path, strerror(errno));
		return;
	}
	if (st.st_ino == seen.st_ino && st.st_dev == seen.st_dev &&
	    st.st_size == seen.st_size &&
	    st.st_mtim.tv_sec == seen.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == seen.st_mtim.tv_nsec)
		return;
	if (account_read(errstr, sizeof errstr) == -1)
		log_warn("%s (keeping the accounts read before)", errstr);
}

int
account_open(const char *file, char *errstr, size_t errlen)
{
	unsigned char		 pw[16];
	char			*salt;
	struct crypt_data	*cd;
	const char		*h;

	if (strlen(file) >= sizeof path) {
		snprintf(errstr, errlen, "users file name too long");
		return -1;
	}
	snprintf(path, sizeof path, "%s", file);
	if (account_read(errstr, errlen) == -1) {
		path[0] = '\0';
		return -1;
	}
	/* A hash of a password nobody knows, for names without an account. */
	if (RAND_bytes(pw, sizeof pw) != 1 ||
	    (salt = crypt_gensalt_ra("$y$", 0, NULL, 0)) == NULL ||
	    (cd = calloc(1, sizeof *cd)) == NULL) {
		snprintf(errstr, errlen, "cannot make a yescrypt hash: is "
		    "libcrypt (libxcrypt) built with yescrypt?");
		path[0] = '\0';
		return -1;
	}
	for (size_t i = 0; i < sizeof pw; i++)
		pw[i] = (unsigned char)('a' + pw[i] % 26);
	pw[sizeof pw - 1] = '\0';
	h = crypt_r((const char *)pw, salt, cd);
	if (h != NULL && h[0] == '$')
		snprintf(dummy, sizeof dummy, "%s", h);
	free(salt);
	free(cd);
	if (dummy[0] == '\0') {
		snprintf(errstr, errlen, "crypt(3) cannot make yescrypt hashes");
		path[0] = '\0';
		return -1;
	}
	return 0;
}

/* The account of user, or NULL. */
static const struct account *
account_find(const char *user)
{
	size_t i;

	for (i = 0; i < naccounts; i++) {
		if (strcmp(accounts[i].user, user) == 0)
			return &accounts[i];
	}
	return NULL;
}

const char *
account_hash(const char *user)
{
	const struct account *a;

	if (!account_enabled())
		return NULL;
	account_refresh();
	return (a = account_find(user)) != NULL ? a->hash : NULL;
}

const char *
account_lookup(const char *user, int *known)
{
	const struct account *a;

	account_refresh();
	a = account_enabled() ? account_find(user) : NULL;
	*known = a != NULL;
	return a != NULL ? a->hash : dummy;
}

int
account_verify(const char *hash, const char *password)
{
	struct crypt_data	*cd;
	const char		*got;
	int			 ok;

	if ((cd = calloc(1, sizeof *cd)) == NULL)
		return 0;
	got = crypt_r(password, hash, cd);
	ok = got != NULL && got[0] != '*' && strlen(got) == strlen(hash) &&
	    CRYPTO_memcmp(got, hash, strlen(hash)) == 0;
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return ok;
}

int
account_check(const char *user, const char *password)
{
	const char	*hash;
	int		 known;

	if (!account_enabled())
		return KC_ERR_LOGIN_FAILED;
	hash = account_lookup(user, &known);
	/* Checked in full, account or not: the same time for both. */
	return account_verify(hash, password) && known ? KC_OK :
	    KC_ERR_LOGIN_FAILED;
}

void
account_free(void)
{
	account_clear(accounts, naccounts);
	accounts = NULL;
	naccounts = 0;
	path[0] = '\0';
}
