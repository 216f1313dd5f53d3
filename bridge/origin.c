/*
 * origin.c - which pages may open a WebSocket: the Origin rule of the
 * handshake, as a function of the headers and the settings alone (no lws),
 * so that tests can try every trick on it.
 *
 * An Origin listed with --allow-origin (or "*") is accepted. Otherwise the
 * page must be the bridge's own (Origin is scheme://Host), and, against DNS
 * rebinding (a page of evil.example whose name is made to resolve to the
 * bridge's address sends Origin and Host both evil.example), Host must be
 * an address, not a name a page's owner controls:
 *
 *   - "localhost" or an IP literal (inet_pton: "127.0.0.1.evil.example" is
 *     a name, not an address);
 *   - when the bridge listens on loopback, a loopback address (127.0.0.0/8,
 *     ::1, localhost) with the bridge's port.
 *
 * A page served under a host name needs that origin in --allow-origin.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge.h"

/*
 * Splits a Host header into its name (brackets of an IPv6 literal removed)
 * and port (default 80). Returns -1 when it is not of that shape.
 */
static int
origin_split(const char *host, char *name, size_t size, long *port)
{
	const char	*colon, *end, *start = host;
	char		*e;
	size_t		 n;

	*port = 80;
	if (host[0] == '[') {
		if ((end = strchr(host, ']')) == NULL)
			return -1;
		start = host + 1;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return -1;
	} else {
		colon = strrchr(host, ':');
		end = colon != NULL ? colon : host + strlen(host);
	}
	if ((n = (size_t)(end - start)) == 0 || n >= size)
		return -1;
	memcpy(name, start, n);
	name[n] = '\0';
	if (colon != NULL) {
		*port = strtol(colon + 1, &e, 10);
		if (colon[1] == '\0' || *e != '\0' || *port <= 0 || *port > 65535)
			return -1;
	}
	return 0;
}

/* 1: an IP literal, 2: a loopback one (or localhost), 0: a name. */
static int
origin_address(const char *name)
{
	struct in_addr	a4;
	struct in6_addr	a6;

	if (strcasecmp(name, "localhost") == 0)
		return 2;
	if (inet_pton(AF_INET, name, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127 ? 2 : 1;
	if (inet_pton(AF_INET6, name, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ? 2 : 1;
	return 0;
}

int
origin_is_loopback(const char *listen_host)
{
	char	name[256];
	long	port;

	if (listen_host == NULL)
		return 0;
	/* A listen address may come bracketed, or bare ("::1"). */
	if (strchr(listen_host, ':') != NULL && listen_host[0] != '[')
		return origin_address(listen_host) == 2;
	if (origin_split(listen_host, name, sizeof name, &port) == -1)
		return 0;
	return origin_address(name) == 2;
}

int
origin_allowed(const char *origin, const char *host, const char *listen_host,
    int port, char *const *extra, size_t nextra)
{
	char		 name[256];
	const char	*o = origin;
	long		 p;
	size_t		 i;
	int		 kind;

	for (i = 0; i < nextra; i++) {
		if (strcmp(extra[i], "*") == 0 || strcasecmp(extra[i], origin) == 0)
			return 1;
	}
	if (host == NULL || *host == '\0')
		return 0;
	if (strncasecmp(o, "http://", 7) == 0)
		o += 7;
	else if (strncasecmp(o, "https://", 8) == 0)
		o += 8;
	else
		return 0;
	if (strcasecmp(o, host) != 0)
		return 0;
	if (origin_split(host, name, sizeof name, &p) == -1 ||
	    (kind = origin_address(name)) == 0)
		return 0;	/* a name: only with --allow-origin */
	if (origin_is_loopback(listen_host))
		return kind == 2 && p == port;
	return 1;
}
