/*
 * inst.c - a client instance's id in presence records ("inst"): the first
 * 64 bits of SHA-256 of a secret only that client knows (the browser's
 * token, kept in localStorage, else its connection's client id), in hex.
 * Records are readable by everyone on the topic; the id names an instance
 * without giving away what proves it, so nobody can present another's.
 */
#include <openssl/evp.h>
#include <string.h>

#include "bridge.h"

void
inst_make(const char *secret, char out[KC_INST_MAX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0, i;

	if (EVP_Digest(secret, strlen(secret), md, &n, EVP_sha256(), NULL) != 1 ||
	    n < KC_INST_MAX / 2) {
		out[0] = '\0';
		return;
	}
	for (i = 0; i < KC_INST_MAX / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[KC_INST_MAX] = '\0';
}
