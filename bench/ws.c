/*
 * ws.c - the WebSocket client's wire format (RFC 6455): the upgrade
 * request, masked client frames, and unmasked server frames. The server's
 * Sec-WebSocket-Accept is not verified: the bridge under test is trusted,
 * and the status line 101 is checked by pool.c.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* xorshift64: a new mask for every frame, as a client must. */
static uint64_t
ws_random(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

/*
 * Writes a masked client frame of n payload bytes into out, which has room
 * for n + 14; returns its length.
 */
size_t
ws_frame(char *out, int opcode, const char *p, size_t n)
{
	unsigned char	*o = (unsigned char *)out, mask[4];
	size_t		 h = 2, i;
	uint64_t	 r = ws_random();

	o[0] = (unsigned char)(0x80 | (opcode & 0x0f));
	if (n < 126)
		o[1] = (unsigned char)(0x80 | n);
	else if (n < 65536) {
		o[1] = 0x80 | 126;
		o[2] = (unsigned char)(n >> 8);
		o[3] = (unsigned char)n;
		h = 4;
	} else {
		o[1] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			o[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
		h = 10;
	}
	memcpy(mask, &r, 4);
	memcpy(o + h, mask, 4);
	h += 4;
	for (i = 0; i < n; i++)
		o[h + i] = (unsigned char)p[i] ^ mask[i & 3];
	return h + n;
}

long
ws_parse(const char *p, size_t n, int *opcode, int *fin, const char **payload,
    size_t *len)
{
	const unsigned char	*u = (const unsigned char *)p;
	uint64_t		 l;
	size_t			 h = 2, i;

	if (n < 2)
		return 0;
	if (u[1] & 0x80)
		return -1;		/* servers do not mask */
	l = u[1] & 0x7f;
	if (l == 126) {
		if (n < 4)
			return 0;
		l = (uint64_t)u[2] << 8 | u[3];
		h = 4;
	} else if (l == 127) {
		if (n < 10)
			return 0;
		for (l = 0, i = 0; i < 8; i++)
			l = l << 8 | u[2 + i];
		if (l > (1ULL << 30))
			return -1;
		h = 10;
	}
	if (n < h + l)
		return 0;
	*opcode = u[0] & 0x0f;
	*fin = (u[0] & 0x80) != 0;
	*payload = p + h;
	*len = (size_t)l;
	return (long)(h + l);
}

int
ws_request(char *out, size_t cap, const char *hostport, const char *path)
{
	static const char	 b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 key[25];
	uint64_t		 r1 = ws_random(), r2 = ws_random();
	int			 i;

	/* 16 random bytes in base64: 22 characters and "==". */
	for (i = 0; i < 22; i++) {
		uint64_t *r = i < 11 ? &r1 : &r2;

		key[i] = b64[*r & 63];
		*r >>= 6;
	}
	key[22] = key[23] = '=';
	key[24] = '\0';
	return snprintf(out, cap,
	    "GET %s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n", path, hostport, key);
}

int
ws_json_str(const char *p, size_t n, const char *key, char *out, size_t cap)
{
	char		 pat[64];
	const char	*k, *e = p + n, *q;
	size_t		 kl, l;

	kl = (size_t)snprintf(pat, sizeof pat, "\"%s\"", key);
	for (k = p; (k = memmem(k, (size_t)(e - k), pat, kl)) != NULL; k += kl) {
		q = k + kl;
		while (q < e && (*q == ' ' || *q == ':'))
			q++;
		if (q >= e || *q != '"')
			continue;
		q++;
		for (l = 0; q + l < e && q[l] != '"'; l++)
			;
		if (q + l >= e || l >= cap)
			return -1;
		memcpy(out, q, l);
		out[l] = '\0';
		return 0;
	}
	return -1;
}
