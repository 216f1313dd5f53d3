/*
 * filter.c - requests refused before anything is served, whichever
 * protocol lws binds them to.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

int
filter_refuse_upgrade(struct lws *wsi)
{
	log_info("refused WebSocket naming another subprotocol than kchat");
	lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN,
	    "the WebSocket subprotocol is kchat");
	return -1;
}

/*
 * A POST, allowed only to /login and /logout with accounts on, with a
 * Content-Length of at most LOGIN_BODY_MAX (no chunked body: 411).
 */
static int
filter_post(struct lws *wsi)
{
	char	uri[16], cl[32];

	if (!account_enabled() ||
	    lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_POST_URI) <= 0 ||
	    (strcmp(uri, "/login") != 0 && strcmp(uri, "/logout") != 0)) {
		lws_return_http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED,
		    account_enabled() ? "only GET and HEAD, and POST to "
		    "/login and /logout" : "only GET and HEAD");
		return -1;
	}
	if (lws_hdr_copy(wsi, cl, sizeof cl,
	    WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) {
		lws_return_http_status(wsi, HTTP_STATUS_LENGTH_REQUIRED,
		    "a POST needs a Content-Length");
		return -1;
	}
	if (strspn(cl, "0123456789") == strlen(cl) && (strlen(cl) > 6 ||
	    atol(cl) > LOGIN_BODY_MAX)) {
		lws_return_http_status(wsi, HTTP_STATUS_REQ_ENTITY_TOO_LARGE,
		    "a login is at most 4096 bytes");
		return -1;
	}
	return 0;
}

/*
 * Methods other than GET and HEAD (405: no static file is PUT, DELETEd or
 * sent to an OPTIONS or POST; only filter_post()'s POSTs are), and a body whose length is ambiguous (400:
 * both Content-Length and Transfer-Encoding, or a Content-Length that is
 * not one number, as from two differing headers), the stuff of request
 * smuggling behind a proxy. Called for the vhost's default protocol
 * (session.c's) and for http.c's.
 */
int
filter_http(struct lws *wsi)
{
	static const enum lws_token_indexes others[] = {
		WSI_TOKEN_OPTIONS_URI, WSI_TOKEN_PUT_URI,
		WSI_TOKEN_PATCH_URI, WSI_TOKEN_DELETE_URI, WSI_TOKEN_CONNECT,
	};
	char	cl[32];
	size_t	i;
	int	n;

	for (i = 0; i < sizeof others / sizeof others[0]; i++) {
		if (lws_hdr_total_length(wsi, others[i]) > 0) {
			lws_return_http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED,
			    "only GET and HEAD");
			return -1;
		}
	}
	if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0 &&
	    filter_post(wsi) != 0)
		return -1;
	if ((n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH)) > 0) {
		if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0 ||
		    n >= (int)sizeof cl ||
		    lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0 ||
		    strspn(cl, "0123456789") != strlen(cl)) {
			lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST,
			    "ambiguous request length");
			return -1;
		}
	}
	return 0;
}
