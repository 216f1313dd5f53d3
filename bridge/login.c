/*
 * login.c - POST /login, POST /logout and GET /config, when accounts are
 * on (--users). /login takes a form (application/x-www-form-urlencoded) or
 * JSON {"username","password"}, at most LOGIN_BODY_MAX bytes, and answers
 * 204 with the session cookie (token.c), 401 login_failed for a wrong name
 * or password alike (the same check, and time, for both: account.c; run
 * on verify.c's thread, 503 when too many wait), 429
 * login_throttled with Retry-After while the address or the account is
 * throttled (throttle.c). A request whose Origin is not one the WebSocket
 * would accept is refused (403): no page elsewhere logs a browser in.
 * /logout clears the cookie. The cookie: HttpOnly, SameSite=Strict,
 * Path=/, Max-Age of --session-lifetime, Secure under TLS or when the
 * page's Origin is https:// (a TLS-terminating proxy in front).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bridge.h"

#define LOGIN_FREE_ACCOUNT	5	/* failures before an account waits */
#define LOGIN_FREE_ADDRESS	20	/* before an address does */
#define LOGIN_TOO_MANY		429	/* lws has no name for it */

int
login_begin(struct lws *wsi, struct login_req *lr, const char *uri)
{
	char origin[512], host[256], type[128];

	memset(lr, 0, sizeof *lr);
	if (strcmp(uri, "/login") == 0)
		lr->logout = 0;
	else if (strcmp(uri, "/logout") == 0)
		lr->logout = 1;
	else
		return HTTP_STATUS_NOT_FOUND;
	lr->secure = tls_enabled();
	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0) {
		if (lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0)
			host[0] = '\0';
		if (lws_hdr_copy(wsi, origin, sizeof origin,
		    WSI_TOKEN_ORIGIN) <= 0 ||
		    !origin_allowed(origin, host, opts.host,
		    lws_get_vhost_listen_port(lws_get_vhost(wsi)),
		    opts.origins, opts.norigins))
			return HTTP_STATUS_FORBIDDEN;
		/* A page of https:// behind a TLS proxy: Secure as well. */
		if (strncmp(origin, "https://", 8) == 0)
			lr->secure = 1;
	}
	if (lws_hdr_copy(wsi, type, sizeof type,
	    WSI_TOKEN_HTTP_CONTENT_TYPE) <= 0)
		type[0] = '\0';
	if (strncmp(type, "application/json", 16) == 0)
		lr->json = 1;
	else if (strncmp(type, "application/x-www-form-urlencoded", 33) != 0 &&
	    !lr->logout)
		return HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE;
	lws_get_peer_simple(wsi, lr->addr, sizeof lr->addr);
	lr->active = 1;
	return 0;
}

int
login_body(struct login_req *lr, const void *in, size_t len)
{
	if (lr->len + len > LOGIN_BODY_MAX)
		return HTTP_STATUS_REQ_ENTITY_TOO_LARGE;
	memcpy(lr->body + lr->len, in, len);
	lr->len += len;
	return 0;
}

static int
login_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The value of field in a form body, decoded into out; -1: absent or bad. */
static int
login_form_field(const char *body, size_t len, const char *field, char *out,
    size_t outlen)
{
	size_t		 flen = strlen(field), o = 0;
	const char	*p = body, *end = body + len, *amp;
	int		 h, l;

	for (; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((size_t)(amp - p) <= flen || memcmp(p, field, flen) != 0 ||
		    p[flen] != '=')
			continue;
		for (p += flen + 1; p < amp; p++) {
			if (o + 1 >= outlen)
				return -1;
			if (*p == '+')
				out[o++] = ' ';
			else if (*p == '%' && amp - p >= 3 &&
			    (h = login_hex(p[1])) >= 0 &&
			    (l = login_hex(p[2])) >= 0) {
				out[o++] = (char)(h * 16 + l);
				p += 2;
			} else
				out[o++] = *p;
		}
		out[o] = '\0';
		return strlen(out) == o ? 0 : -1;	/* no NUL inside */
	}
	return -1;
}

/* username and password from the body; -1 when it has not both. */
static int
login_credentials(const struct login_req *lr, char *user, size_t ulen,
    char *pass, size_t plen)
{
	json_t		*root, *u, *p;
	json_error_t	 e;
	int		 rc = -1;

	if (!lr->json)
		return login_form_field(lr->body, lr->len, "username", user,
		    ulen) == 0 && login_form_field(lr->body, lr->len,
		    "password", pass, plen) == 0 ? 0 : -1;
	if ((root = json_loadb(lr->body, lr->len, JSON_REJECT_DUPLICATES,
	    &e)) == NULL)
		return -1;
	u = json_object_get(root, "username");
	p = json_object_get(root, "password");
	if (json_is_string(u) && json_is_string(p) &&
	    json_string_length(u) < ulen && json_string_length(p) < plen &&
	    strlen(json_string_value(u)) == json_string_length(u) &&
	    strlen(json_string_value(p)) == json_string_length(p)) {
		snprintf(user, ulen, "%s", json_string_value(u));
		snprintf(pass, plen, "%s", json_string_value(p));
		rc = 0;
	}
	json_decref(root);
	return rc;
}

/* Set-Cookie's value: the token, or "" to clear it. */
static void
login_cookie(const struct login_req *lr, struct login_answer *a,
    const char *token, int max_age)
{
	snprintf(a->cookie, sizeof a->cookie, "%s=%s; Path=/; Max-Age=%d; "
	    "HttpOnly; SameSite=Strict%s", TOKEN_COOKIE, token, max_age,
	    lr->secure ? "; Secure" : "");
}

static void
login_error(struct login_answer *a, unsigned status, int err)
{
	a->status = status;
	kc_wire_error(err, NULL, NULL, NULL, &a->body);
}

/* The throttling keys of lr: its address, the account it names. */
static void
login_keys(const struct login_req *lr, char *akey, char *ukey, size_t len)
{
	snprintf(akey, len, "a:%.64s", lr->addr);
	snprintf(ukey, len, "u:%.64s", lr->user);
}

void
login_finish(struct login_req *lr, struct login_answer *a)
{
	char		 pass[LOGIN_BODY_MAX + 1], akey[80], ukey[80];
	const char	*hash;
	int		 wa, wu, err;

	memset(a, 0, sizeof *a);
	if (lr->logout) {
		login_cookie(lr, a, "", 0);
		a->status = HTTP_STATUS_NO_CONTENT;
		return;
	}
	err = login_credentials(lr, lr->user, sizeof lr->user, pass,
	    sizeof pass);
	explicit_bzero(lr->body, sizeof lr->body);
	if (err != 0) {
		login_error(a, HTTP_STATUS_BAD_REQUEST, KC_ERR_JSON_MISSING);
		return;
	}
	login_keys(lr, akey, ukey, sizeof akey);
	wa = throttle_wait(akey);
	wu = throttle_wait(ukey);
	if (wa > 0 || wu > 0) {
		log_warn_every(LOG_EVERY_US, "login of %.64s from %s refused: "
		    "throttled after failures", lr->user, lr->addr);
		login_error(a, LOGIN_TOO_MANY, KC_ERR_LOGIN_THROTTLED);
		a->retry_after = wa > wu ? wa : wu;
		explicit_bzero(pass, sizeof pass);
		return;
	}
	/*
	 * Checked in full, account or not (a dummy hash for a name without
	 * one): the same time for both. On verify.c's thread.
	 */
	hash = account_lookup(lr->user, &lr->known);
	err = verify_submit(hash, pass, lr);
	explicit_bzero(pass, sizeof pass);
	if (err != KC_OK) {
		log_warn_every(LOG_EVERY_US, "login of %.64s from %s refused: "
		    "too many password checks waiting", lr->user, lr->addr);
		a->status = HTTP_STATUS_SERVICE_UNAVAILABLE;
		a->retry_after = 1;
		kc_wire_error(KC_ERR_QUEUE_FULL, "too many logins at once: "
		    "try again in a second", NULL, NULL, &a->body);
		return;
	}
	lr->checking = 1;
	a->status = 0;		/* login_checked() answers */
}

void
login_checked(struct login_req *lr, int ok, struct login_answer *a)
{
	char akey[80], ukey[80], token[256];

	memset(a, 0, sizeof *a);
	lr->checking = 0;
	login_keys(lr, akey, ukey, sizeof akey);
	if (ok && lr->known && token_make(lr->user, opts.session_lifetime,
	    token, sizeof token) == 0) {
		throttle_clear(ukey);
		login_cookie(lr, a, token, opts.session_lifetime);
		a->status = HTTP_STATUS_NO_CONTENT;
		log_info("%s logged in from %s", lr->user, lr->addr);
		return;
	}
	throttle_failed(akey, LOGIN_FREE_ADDRESS);
	throttle_failed(ukey, LOGIN_FREE_ACCOUNT);
	log_info_every(LOG_EVERY_US, "failed login as %.64s from %s", lr->user,
	    lr->addr);
	login_error(a, HTTP_STATUS_UNAUTHORIZED, KC_ERR_LOGIN_FAILED);
}

int
login_config(struct lws *wsi, struct kc_buf *body)
{
	char user[KC_NAME_MAX + 1] = "";

	if (account_enabled() && token_of_request(wsi, user) != 0)
		user[0] = '\0';
	return kc_wire_config(account_enabled(), user, tls_enabled(), body) ==
	    KC_OK ? HTTP_STATUS_OK : HTTP_STATUS_INTERNAL_SERVER_ERROR;
}
