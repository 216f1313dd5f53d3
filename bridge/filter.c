/*
 * filter.c - requests refused before anything is served, whichever
 * protocol lws binds them to.
 */
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
 * Methods other than GET and HEAD (405: no static file is PUT, DELETEd or
 * sent to an OPTIONS or POST), and a body whose length is ambiguous (400:
 * both Content-Length and Transfer-Encoding, or a Content-Length that is
 * not one number, as from two differing headers), the stuff of request
 * smuggling behind a proxy. Called for the vhost's default protocol
 * (session.c's) and for http.c's.
 */
int
filter_http(struct lws *wsi)
{
	static const enum lws_token_indexes others[] = {
		WSI_TOKEN_POST_URI, WSI_TOKEN_OPTIONS_URI, WSI_TOKEN_PUT_URI,
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
