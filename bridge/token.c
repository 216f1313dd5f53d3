/*
 * token.c - signed session tokens, the value of the session cookie: any
 * bridge holding the same key (--session-key FILE) accepts a token another
 * made, so sessions survive a load balancer's choice and a restart; none
 * is kept in memory. A token is
 *
 *	1.EXPIRY.USER.MAC
 *
 * EXPIRY in seconds since the epoch, MAC the HMAC-SHA-256 (libcrypto) in
 * hex of "kchat-session-1", USER, EXPIRY and the account's password hash,
 * each ended by a newline: a token ends when it expires, when its account
 * is deleted, and when its password changes. Compared in constant time.
 * Without a key file a random key is made at start (sessions then end with
 * the process and hold on this bridge only).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "bridge.h"

#define TOKEN_KEY_MIN	32		/* bytes */
#define TOKEN_KEY_MAX	1024
#define TOKEN_MAC_HEX	64

static unsigned char	key[TOKEN_KEY_MAX];
static size_t		keylen;

int
token_init(const char *file, char *errstr, size_t errlen)
{
	struct stat	st;
	ssize_t		n;
	int		fd;

	if (file == NULL) {
		keylen = TOKEN_KEY_MIN;
		if (RAND_bytes(key, (int)keylen) != 1) {
			snprintf(errstr, errlen, "cannot make a session key");
			return -1;
		}
		return 0;
	}
	if ((fd = open(file, O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		snprintf(errstr, errlen, "cannot read the session key %s: %s "
		    "(make one with: head -c 32 /dev/urandom > %s; "
		    "chmod 600 %s)", file, strerror(errno), file, file);
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(errstr, errlen, "the session key %s may be read by "
		    "others: chmod 600 %s", file, file);
		close(fd);
		return -1;
	}
	n = read(fd, key, sizeof key);
	close(fd);
	if (n < TOKEN_KEY_MIN) {
		snprintf(errstr, errlen, "the session key %s has %zd bytes, "
		    "fewer than %d (make one with: head -c 32 /dev/urandom > %s)",
		    file, n < 0 ? (ssize_t)0 : n, TOKEN_KEY_MIN, file);
		return -1;
	}
	keylen = (size_t)n;
	return 0;
}

/* The MAC of user, expiry and hash in hex (TOKEN_MAC_HEX + 1 bytes). */
static int
token_mac(const char *user, long long expiry, const char *hash, char *hex)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*msg;
	int		 len;
	unsigned	 i;

	if ((len = asprintf(&msg, "kchat-session-1\n%s\n%lld\n%s\n", user,
	    expiry, hash)) < 0)
		return -1;
	if (HMAC(EVP_sha256(), key, (int)keylen, (unsigned char *)msg,
	    (size_t)len, mac, &maclen) == NULL || maclen * 2 != TOKEN_MAC_HEX) {
		free(msg);
		return -1;
	}
	free(msg);
	for (i = 0; i < maclen; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

int
token_make(const char *user, int lifetime, char *out, size_t outlen)
{
	char		 mac[TOKEN_MAC_HEX + 1];
	const char	*hash;
	long long	 expiry = (long long)time(NULL) + lifetime;

	if ((hash = account_hash(user)) == NULL ||
	    token_mac(user, expiry, hash, mac) == -1)
		return -1;
	if ((size_t)snprintf(out, outlen, "1.%lld.%s.%s", expiry, user, mac) >=
	    outlen)
		return -1;
	return 0;
}

int
token_check(const char *token, char user[KC_NAME_MAX + 1])
{
	char		 want[TOKEN_MAC_HEX + 1], name[KC_NAME_MAX + 1];
	const char	*p, *dot, *mac, *hash;
	long long	 expiry = 0;
	size_t		 n;

	if (strncmp(token, "1.", 2) != 0)
		return -1;
	for (p = token + 2; *p >= '0' && *p <= '9' && p - token < 20; p++)
		expiry = expiry * 10 + (*p - '0');
	if (*p != '.' || p == token + 2)
		return -1;
	p++;
	if ((dot = strrchr(p, '.')) == NULL ||
	    (n = (size_t)(dot - p)) == 0 || n > KC_NAME_MAX)
		return -1;
	mac = dot + 1;
	if (strlen(mac) != TOKEN_MAC_HEX)
		return -1;
	memcpy(name, p, n);
	name[n] = '\0';
	if (kc_user_validate(name, n) != KC_OK || expiry < (long long)time(NULL))
		return -1;
	/* A deleted account's token checks against nothing. */
	if ((hash = account_hash(name)) == NULL ||
	    token_mac(name, expiry, hash, want) == -1 ||
	    CRYPTO_memcmp(want, mac, TOKEN_MAC_HEX) != 0)
		return -1;
	memcpy(user, name, n + 1);
	return 0;
}

int
token_cookie(struct lws *wsi, char *out, size_t outlen)
{
	char	 cookies[4096], *p, *end;
	size_t	 namelen = strlen(TOKEN_COOKIE);

	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_COOKIE) <= 0 ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_COOKIE) >=
	    (int)sizeof cookies ||
	    lws_hdr_copy(wsi, cookies, sizeof cookies,
	    WSI_TOKEN_HTTP_COOKIE) <= 0)
		return -1;
	/* "a=1; kchat_session=TOKEN; b=2" */
	for (p = cookies; p != NULL && *p != '\0'; p = end) {
		while (*p == ' ' || *p == ';')
			p++;
		if ((end = strchr(p, ';')) != NULL)
			*end++ = '\0';
		if (strncmp(p, TOKEN_COOKIE, namelen) == 0 && p[namelen] == '=') {
			if (strlen(p + namelen + 1) >= outlen)
				return -1;
			memcpy(out, p + namelen + 1, strlen(p + namelen + 1) + 1);
			return 0;
		}
	}
	return -1;
}

int
token_of_request(struct lws *wsi, char user[KC_NAME_MAX + 1])
{
	char token[TOKEN_MAX];

	if (token_cookie(wsi, token, sizeof token) != 0)
		return -1;
	return token_check(token, user);
}
