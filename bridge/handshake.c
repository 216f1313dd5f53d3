/*
 * handshake.c - whether a WebSocket handshake may become a session: the
 * path /ws/{client_id}, a well-formed Sec-WebSocket-Key, an Origin the
 * rule of origin.c allows, and the address's limits (addr.c). Anything
 * else gets 403 with the reason. With accounts on, a handshake without a
 * valid session cookie (token.c) gets 401 before any upgrade.
 */
#include <string.h>

#include "bridge.h"

int
handshake_client_id_ok(const char *id)
{
	size_t n = strlen(id), i;

	if (n == 0 || n > BRIDGE_CLIENT_ID_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9') ||
		    id[i] == '-' || id[i] == '_' || id[i] == '.'))
			return 0;
	}
	return 1;
}

/* lws 4.1.6 takes any key. */
int
handshake_key_ok(const char *key)
{
	int i;

	if (strlen(key) != 24 || key[22] != '=' || key[23] != '=')
		return 0;
	for (i = 0; i < 22; i++) {
		if (!((key[i] >= 'A' && key[i] <= 'Z') ||
		    (key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= '0' && key[i] <= '9') || key[i] == '+' ||
		    key[i] == '/'))
			return 0;
	}
	return 1;
}

static int
handshake_reject(struct lws *wsi, const char *why)
{
	lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, why);
	return -1;
}

/* Whether origin may open a WebSocket here (origin.c has the rule). */
static int
handshake_origin_ok(struct lws *wsi, const char *origin)
{
	char host[256];

	if (lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0)
		host[0] = '\0';
	return origin_allowed(origin, host, opts.host,
	    lws_get_vhost_listen_port(lws_get_vhost(wsi)), opts.origins,
	    opts.norigins);
}

int
handshake_check(struct lws *wsi)
{
	char		 uri[256], key[64], origin[512], addr[64];
	char		 user[KC_NAME_MAX + 1];
	const char	*why;

	if (loop_stopping())
		return handshake_reject(wsi, "shutting down");
	if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 ||
	    strncmp(uri, "/ws/", 4) != 0)
		return handshake_reject(wsi, "WebSocket path is /ws/{client_id}");
	if (!handshake_client_id_ok(uri + 4))
		return handshake_reject(wsi, "bad client id");
	if (lws_hdr_copy(wsi, key, sizeof key, WSI_TOKEN_KEY) <= 0 ||
	    !handshake_key_ok(key))
		return handshake_reject(wsi, "bad Sec-WebSocket-Key");
	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0) {
		if (lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) <= 0 ||
		    !handshake_origin_ok(wsi, origin)) {
			metrics.connections_rejected_origin++;
			log_info_every(LOG_EVERY_US,
			    "refused WebSocket from origin %s", origin);
			return handshake_reject(wsi, "origin not allowed");
		}
	}
	if (account_enabled() && token_of_request(wsi, user) != 0) {
		log_info_every(LOG_EVERY_US, "refused WebSocket without a "
		    "valid session");
		lws_return_http_status(wsi, HTTP_STATUS_UNAUTHORIZED,
		    "log in first (POST /login)");
		return -1;
	}
	lws_get_peer_simple(wsi, addr, sizeof addr);
	if ((why = addr_admit(addr)) != NULL) {
		metrics.connections_rejected_limit++;
		log_warn_every(LOG_EVERY_US, "refused WebSocket from %s: %s",
		    addr, why);
		return handshake_reject(wsi, why);
	}
	return 0;
}
