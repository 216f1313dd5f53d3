/*
 * tls.c - HTTPS and WSS on the bridge's one port (--tls-cert, --tls-key):
 * lws's OpenSSL server context, a key file nobody else may read, and the
 * certificate read again on SIGHUP (lws_tls_cert_updated(): connections
 * already open keep the one they began with, new ones get the new one).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"

int
tls_enabled(void)
{
	return opts.tls_cert != NULL;
}

int
tls_check(char *errstr, size_t errlen)
{
	struct stat st;

	if (!tls_enabled() && opts.tls_key == NULL)
		return 0;
	if (opts.tls_cert == NULL || opts.tls_key == NULL) {
		snprintf(errstr, errlen, "TLS needs both --tls-cert and "
		    "--tls-key");
		return -1;
	}
	if (stat(opts.tls_cert, &st) == -1) {
		snprintf(errstr, errlen, "cannot read the certificate %s: %s",
		    opts.tls_cert, strerror(errno));
		return -1;
	}
	if (stat(opts.tls_key, &st) == -1) {
		snprintf(errstr, errlen, "cannot read the private key %s: %s",
		    opts.tls_key, strerror(errno));
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(errstr, errlen, "the private key %s may be read by "
		    "others (mode %03o): chmod 600 %s", opts.tls_key,
		    (unsigned)(st.st_mode & 0777), opts.tls_key);
		return -1;
	}
	return 0;
}

void
tls_setup(struct lws_context_creation_info *info)
{
	if (!tls_enabled())
		return;
	info->options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info->ssl_cert_filepath = opts.tls_cert;
	info->ssl_private_key_filepath = opts.tls_key;
	/* No TLS 1.0 or 1.1. */
	info->ssl_options_set = SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
	/*
	 * HTTP/1.1 only: lws offers HTTP/2 by default, and a browser that
	 * gets it may carry its WebSocket over an HTTP/2 stream (RFC 8441),
	 * where the frames session.c builds and writes itself do not belong.
	 */
	info->alpn = "http/1.1";
}

int
tls_reload(struct lws_context *ctx)
{
	char errstr[512];

	if (!tls_enabled())
		return 0;
	if (tls_check(errstr, sizeof errstr) != 0) {
		log_error("SIGHUP: certificate not reloaded: %s", errstr);
		return -1;
	}
	if (lws_tls_cert_updated(ctx, opts.tls_cert, opts.tls_key, NULL, 0,
	    NULL, 0) != 0) {
		log_error("SIGHUP: certificate %s or key %s not reloaded: "
		    "check that they are PEM and match", opts.tls_cert,
		    opts.tls_key);
		return -1;
	}
	log_info("SIGHUP: certificate %s reloaded for new connections",
	    opts.tls_cert);
	return 0;
}
