/*
 * http.c - plain HTTP: the web client from the static directory (one file
 * mount for "/", one for "/static"), GET /healthz and GET /metrics (only on
 * the --admin-listen address when there is one), GET /config, and POST
 * /login and /logout (login.c). HTTP/1.1 only. Every response carries a
 * strict Content-Security-Policy, and under TLS Strict-Transport-Security.
 *
 * /healthz (status.c): 200 while Kafka is reachable and the last message
 * was stored, else 503; HEAD /healthz: the same status, no body (load
 * balancers check with HEAD). /metrics: the Prometheus text format.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

/* Per-request state of a dynamic response. */
struct http_req {
	struct kc_buf		 body;
	int			 active;
	struct lws		*wsi;
	struct login_req	 login;
	struct login_answer	 answer;	/* of a login checked meanwhile */
	int			 answered;
};

static const struct lws_protocol_vhost_options http_hdr_referrer = {
	NULL, NULL, "Referrer-Policy:", "no-referrer"
};
static const struct lws_protocol_vhost_options http_hdr_nosniff = {
	&http_hdr_referrer, NULL, "X-Content-Type-Options:", "nosniff"
};
static const struct lws_protocol_vhost_options http_hdr_csp = {
	&http_hdr_nosniff, NULL, "Content-Security-Policy:",
	"default-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
	"form-action 'self'"
};

static const struct lws_protocol_vhost_options http_mime_manifest = {
	NULL, NULL, ".webmanifest", "application/manifest+json"
};
static const struct lws_protocol_vhost_options http_mime_wasm = {
	&http_mime_manifest, NULL, ".wasm", "application/wasm"
};

static const struct lws_protocol_vhost_options http_hdr_hsts = {
	&http_hdr_csp, NULL, "Strict-Transport-Security:",
	"max-age=31536000"
};

const struct lws_protocol_vhost_options *
http_headers(void)
{
	return tls_enabled() ? &http_hdr_hsts : &http_hdr_csp;
}

static struct lws_http_mount mount_root = {
	.mountpoint = "/",
	.def = "index.html",
	.protocol = "http",	/* answers a missing file with 404 */
	.origin_protocol = LWSMPRO_FILE,
	.mountpoint_len = 1,
	.extra_mimetypes = &http_mime_wasm,
	.cache_max_age = 0,
	.cache_reusable = 1,
	.cache_revalidate = 1,
};
static struct lws_http_mount mount_static = {
	.mount_next = &mount_root,
	.mountpoint = "/static",
	.protocol = "http",
	.origin_protocol = LWSMPRO_FILE,
	.mountpoint_len = 7,
	.extra_mimetypes = &http_mime_wasm,
	.cache_max_age = 3600,
	.cache_reusable = 1,
	.cache_revalidate = 1,
};
static struct lws_http_mount mount_config = {
	.mount_next = &mount_static,
	.mountpoint = "/config",
	.origin = "http",
	.origin_protocol = LWSMPRO_CALLBACK,
	.mountpoint_len = 7,
};
static struct lws_http_mount mount_logout = {
	.mount_next = &mount_config,
	.mountpoint = "/logout",
	.origin = "http",
	.origin_protocol = LWSMPRO_CALLBACK,
	.mountpoint_len = 7,
};
static struct lws_http_mount mount_login = {
	.mount_next = &mount_logout,
	.mountpoint = "/login",
	.origin = "http",
	.origin_protocol = LWSMPRO_CALLBACK,
	.mountpoint_len = 6,
};
static struct lws_http_mount mount_metrics = {
	.mount_next = &mount_login,
	.mountpoint = "/metrics",
	.origin = "http",
	.origin_protocol = LWSMPRO_CALLBACK,
	.mountpoint_len = 8,
};
static struct lws_http_mount mount_healthz = {
	.mount_next = &mount_metrics,
	.mountpoint = "/healthz",
	.origin = "http",
	.origin_protocol = LWSMPRO_CALLBACK,
	.mountpoint_len = 8,
};

/* The --admin-listen address: those two only. */
static const struct lws_http_mount admin_metrics = {
	.mountpoint = "/metrics",
	.origin = "http",
	.origin_protocol = LWSMPRO_CALLBACK,
	.mountpoint_len = 8,
};
static const struct lws_http_mount admin_healthz = {
	.mount_next = &admin_metrics,
	.mountpoint = "/healthz",
	.origin = "http",
	.origin_protocol = LWSMPRO_CALLBACK,
	.mountpoint_len = 8,
};

const struct lws_http_mount *
http_admin_mounts(void)
{
	return &admin_healthz;
}

const struct lws_http_mount *
http_mounts(void)
{
	mount_root.origin = opts.static_dir;
	mount_static.origin = opts.static_dir;
	return &mount_healthz;
}

/*
 * Writes the headers of a dynamic response (with a Set-Cookie and a
 * Retry-After when given); the body follows when writable.
 */
static int
http_respond_with(struct lws *wsi, struct http_req *hr, unsigned status,
    const char *type, const char *cookie, int retry_after)
{
	unsigned char				 buf[LWS_PRE + 2048];
	unsigned char				*start = buf + LWS_PRE, *p = start;
	unsigned char				*end = buf + sizeof buf - 1;
	char					 ra[16];

	if (lws_add_http_common_headers(wsi, status, type,
	    (lws_filepos_t)hr->body.len, &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
	    (const unsigned char *)"no-store", 8, &p, end))
		return -1;
	if (cookie != NULL && cookie[0] != '\0' &&
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"set-cookie:",
	    (const unsigned char *)cookie, (int)strlen(cookie), &p, end))
		return -1;
	if (retry_after > 0) {
		snprintf(ra, sizeof ra, "%d", retry_after);
		if (lws_add_http_header_by_name(wsi,
		    (const unsigned char *)"retry-after:",
		    (const unsigned char *)ra, (int)strlen(ra), &p, end))
			return -1;
	}
	if (lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	if (hr->body.len == 0) {
		kc_buf_free(&hr->body);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	hr->active = 1;
	lws_callback_on_writable(wsi);
	return 0;
}

static int
http_respond(struct lws *wsi, struct http_req *hr, unsigned status,
    const char *type)
{
	return http_respond_with(wsi, hr, status, type, NULL, 0);
}

/* Refuses a POST with status, and ends the connection. */
static int
http_refuse(struct lws *wsi, struct http_req *hr, unsigned status)
{
	hr->login.active = 0;
	lws_return_http_status(wsi, status, NULL);
	return -1;
}

/* A POST /login or /logout read whole: its answer. */
static int
http_login_done(struct lws *wsi, struct http_req *hr)
{
	struct login_answer a;

	hr->login.active = 0;
	login_finish(&hr->login, &a);
	if (a.status == 0) {
		hr->wsi = wsi;		/* http_login_checked() answers */
		return 0;
	}
	hr->body = a.body;
	return http_respond_with(wsi, hr, a.status, "application/json",
	    a.cookie, a.retry_after);
}

/* A password check is done (verify.c): answer when writable. */
static void
http_login_checked(void *arg, int ok)
{
	struct login_req	*lr = arg;
	struct http_req		*hr = (struct http_req *)(void *)
	    ((char *)lr - offsetof(struct http_req, login));

	login_checked(lr, ok, &hr->answer);
	hr->answered = 1;
	lws_callback_on_writable(hr->wsi);
}

/* Whether /healthz and /metrics are served on wsi's address. */
static int
http_admin_here(struct lws *wsi)
{
	return opts.admin_listen == NULL ||
	    strcmp(lws_get_vhost_name(lws_get_vhost(wsi)), "admin") == 0;
}

static int
http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct http_req	*hr = user;
	char		 uri[128];
	unsigned	 status;
	int		 n;

	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		return loop_stopping() ? -1 : 0;	/* stop accepting */
	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		return filter_http(wsi);
	case LWS_CALLBACK_RAW_ADOPT:
		/*
		 * lws makes a CONNECT request a raw socket of this protocol,
		 * held open with no timeout: nothing here is a proxy.
		 */
		metrics.connections_rejected_method++;
		return -1;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/*
		 * A handshake naming "http" as its subprotocol binds to this
		 * one: refuse it, or it would skip handshake_check()'s Origin
		 * check and per-address cap.
		 */
		return filter_refuse_upgrade(wsi);
	case LWS_CALLBACK_HTTP:
		if (hr != NULL &&
		    lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_POST_URI) > 0) {
			/* filter_http() let only /login and /logout by */
			memset(hr, 0, sizeof *hr);
			if ((status = (unsigned)login_begin(wsi, &hr->login,
			    uri)) != 0)
				return http_refuse(wsi, hr, status);
			if (lws_hdr_copy(wsi, uri, sizeof uri,
			    WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
			    strcmp(uri, "0") == 0)
				return http_login_done(wsi, hr);
			return 0;	/* the body follows */
		}
		if (hr != NULL &&
		    lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_HEAD_URI) > 0 &&
		    strcmp(uri, "/healthz") == 0 && http_admin_here(wsi)) {
			memset(hr, 0, sizeof *hr);
			status = (unsigned)status_health(&hr->body);
			kc_buf_free(&hr->body);
			if (http_respond(wsi, hr, status, "application/json") != 0)
				return -1;
			hr->active = 0;		/* nothing to write */
			return lws_http_transaction_completed(wsi) ? -1 : 0;
		}
		if (hr == NULL ||
		    lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0)
			break;		/* not a GET: the dummy answers */
		memset(hr, 0, sizeof *hr);
		if (strcmp(uri, "/healthz") == 0 && http_admin_here(wsi)) {
			status = (unsigned)status_health(&hr->body);
			return http_respond(wsi, hr, status, "application/json");
		}
		if (strcmp(uri, "/config") == 0) {
			status = (unsigned)login_config(wsi, &hr->body);
			return http_respond(wsi, hr, status, "application/json");
		}
		if (strcmp(uri, "/metrics") == 0 && http_admin_here(wsi)) {
			status_metrics(&hr->body);
			return http_respond(wsi, hr, HTTP_STATUS_OK,
			    "text/plain; version=0.0.4; charset=utf-8");
		}
		lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_HTTP_BODY:
		if (hr == NULL || !hr->login.active)
			break;
		if ((status = (unsigned)login_body(&hr->login, in, len)) != 0)
			return http_refuse(wsi, hr, status);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (hr == NULL || !hr->login.active)
			break;
		return http_login_done(wsi, hr);
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		verify_collect(http_login_checked);
		break;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (hr != NULL && hr->answered) {
			hr->answered = 0;
			hr->body = hr->answer.body;
			return http_respond_with(wsi, hr, hr->answer.status,
			    "application/json", hr->answer.cookie,
			    hr->answer.retry_after);
		}
		if (hr == NULL || !hr->active)
			break;
		{
			unsigned char *b = malloc(LWS_PRE + hr->body.len);

			if (b == NULL)
				return -1;
			memcpy(b + LWS_PRE, hr->body.data, hr->body.len);
			n = lws_write(wsi, b + LWS_PRE, hr->body.len,
			    LWS_WRITE_HTTP_FINAL);
			free(b);
		}
		kc_buf_free(&hr->body);
		hr->active = 0;
		if (n < 0)
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (hr != NULL) {
			/* also a body whose headers could not be written */
			kc_buf_free(&hr->body);
			hr->active = 0;
			if (hr->login.checking)
				verify_forget(&hr->login);
			if (hr->answered)
				kc_buf_free(&hr->answer.body);
			hr->answered = 0;
			explicit_bzero(&hr->login, sizeof hr->login);
		}
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

const struct lws_protocols http_protocol = {
	.name = "http",
	.callback = http_callback,
	.per_session_data_size = sizeof(struct http_req),
};
