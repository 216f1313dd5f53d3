/*
 * json.c - the browser JSON mapping, inbound: client requests
 * (kc_json_parse_req), and the timestamp format of every frame. What goes
 * out is wire.c's. jansson does the parsing; lws's lejp is never used on
 * untrusted input (DESIGN.md).
 *
 * Requests (kc_json_parse_req). One JSON object per WebSocket frame, at most
 * KC_JSON_MAX bytes and KC_JSON_MAX_DEPTH levels of nesting (the top-level
 * object counts as one). Duplicate keys anywhere, \u0000, lone surrogates,
 * invalid UTF-8 and trailing bytes are errors. Unknown fields are ignored.
 *
 *   field     JSON type                 rule
 *   type      string                    absent = "message"; else one of
 *                                       message action dm join leave history
 *                                       typing who rooms ping search topic read
 *                                       edit delete away
 *   username  string                    a user name (kc_user_validate)
 *   room      string                    a room name, one leading '#' stripped
 *   to        string                    a user name; only on "dm"
 *   message   string                    text (kc_text_validate)
 *   before    string                    a ULID
 *   before_offset integer               an offset in the room's partition,
 *                                       or a moved one (KC_OFFSET_MOVED)
 *   since     integer >= 0              an offset in the room's partition
 *   id        string                    a ULID the client made for its
 *                                       message (retries keep it)
 *   limit     integer >= 0              clamped to JSON_LIMIT_MAX
 *   q         string                    search text: 1..KC_SEARCH_Q_MAX
 *                                       bytes (kc_text_validate), else
 *                                       KC_ERR_QUERY; only on "search"
 *   text      string                    a room's topic line
 *                                       (kc_topic_validate, "" clears it);
 *                                       only looked at on "topic"
 *   offset    integer >= 0              the offset of the message "id"
 *   ref       string                    1..64 printable ASCII bytes
 *   re        string                    a ULID: the message an edit or
 *                                       delete changes; only on those
 *   reply     string                    a ULID: the message answered;
 *                                       only on message, action, dm
 *
 * Every known field present is type-checked and validated, whatever the
 * request type, except "message", which is only looked at (beyond its JSON
 * type) where it means something: required on message, action and dm; an
 * optional part/join text on join and leave, where "" means none; ignored
 * otherwise. null is a wrong type, not "absent".
 *
 * Required fields (else KC_ERR_JSON_MISSING):
 *   message, action   username, message       room absent = current room
 *   dm                username, to, message   room absent = current room
 *   edit              re, message             room absent = current room
 *   delete            re                      room absent = current room
 *   join, leave       room
 *   history           -                       room absent = current room;
 *                                             limit 0/absent = bridge default
 *   typing, who       -                       room absent = current room
 *   rooms, ping       -
 *   search            q                       room absent = current room;
 *                                             limit: matches wanted
 *   topic             -                       room absent = current room;
 *                                             text absent: only asks
 *   read              id                      room absent = current room
 *   away              -                       message: one line of at most
 *                                             KC_AWAY_MAX bytes; absent or
 *                                             "": back
 * A username is optional where it is not required: the bridge uses the name
 * the connection last sent.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kchat.h"

#define JSON_LIMIT_MAX	500	/* history requests are clamped to this */
#define JSON_REF_MAX	64	/* bytes in a client's "ref" */

static const char *req_names[] = {
	[KC_REQ_MESSAGE] = "message",
	[KC_REQ_ACTION] = "action",
	[KC_REQ_DM] = "dm",
	[KC_REQ_JOIN] = "join",
	[KC_REQ_LEAVE] = "leave",
	[KC_REQ_HISTORY] = "history",
	[KC_REQ_TYPING] = "typing",
	[KC_REQ_WHO] = "who",
	[KC_REQ_ROOMS] = "rooms",
	[KC_REQ_PING] = "ping",
	[KC_REQ_SEARCH] = "search",
	[KC_REQ_TOPIC] = "topic",
	[KC_REQ_READ] = "read",
	[KC_REQ_EDIT] = "edit",
	[KC_REQ_DELETE] = "delete",
	[KC_REQ_AWAY] = "away",
};

void
kc_req_init(struct kc_req *r)
{
	memset(r, 0, sizeof *r);
	r->type = KC_REQ_MESSAGE;
	r->since = -1;
	r->before_offset = -1;
	r->offset = -1;
}

void
kc_req_clear(struct kc_req *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r->q);
	kc_req_init(r);
}

/*
 * Rejects input nested deeper than KC_JSON_MAX_DEPTH before jansson sees it
 * (jansson's own limit is 2048). Counts brackets outside strings; brackets
 * that do not match are left for the parser to reject.
 */
static int
depth_ok(const char *buf, size_t len)
{
	size_t	i;
	int	depth = 0, in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (buf[i] == '\\')
				i++;	/* the escaped byte cannot end the string */
			else if (buf[i] == '"')
				in_string = 0;
			continue;
		}
		switch (buf[i]) {
		case '"':
			in_string = 1;
			break;
		case '[':
		case '{':
			if (++depth > KC_JSON_MAX_DEPTH)
				return 0;
			break;
		case ']':
		case '}':
			depth--;
			break;
		}
	}
	return 1;
}

/*
 * Looks up a string field: 0 when absent, 1 with *s and *len set, or
 * KC_ERR_JSON_FIELD_TYPE (negated) when it is not a string.
 */
static int
field_string(json_t *obj, const char *key, const char **s, size_t *len)
{
	json_t *v;

	if ((v = json_object_get(obj, key)) == NULL)
		return 0;
	if (!json_is_string(v))
		return -KC_ERR_JSON_FIELD_TYPE;
	*s = json_string_value(v);
	*len = json_string_length(v);
	return 1;
}

/* Validates and copies a user name field into dst (KC_NAME_MAX + 1 bytes). */
static int
field_user(json_t *obj, const char *key, char *dst)
{
	const char	*s;
	size_t		 len;
	int		 found, err;

	if ((found = field_string(obj, key, &s, &len)) <= 0)
		return -found;
	if ((err = kc_user_validate(s, len)) != KC_OK)
		return err;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return KC_OK;
}

static int
field_room(json_t *obj, char *dst)
{
	const char	*s;
	size_t		 len;
	int		 found, err;

	if ((found = field_string(obj, "room", &s, &len)) <= 0)
		return -found;
	if (len > 0 && s[0] == '#') {
		s++;
		len--;
	}
	if ((err = kc_room_validate(s, len)) != KC_OK)
		return err;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return KC_OK;
}

static int
field_ref(json_t *obj, char *dst)
{
	const char	*s;
	size_t		 len, i;
	int		 found;

	if ((found = field_string(obj, "ref", &s, &len)) <= 0)
		return -found;
	if (len == 0 || len > JSON_REF_MAX)
		return KC_ERR_JSON_FIELD_TYPE;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return KC_ERR_JSON_FIELD_TYPE;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
	return KC_OK;
}

static int
field_type(json_t *obj, enum kc_req_type *type)
{
	const char	*s;
	size_t		 len, i;
	int		 found;

	if ((found = field_string(obj, "type", &s, &len)) <= 0) {
		*type = KC_REQ_MESSAGE;
		return -found;
	}
	for (i = 0; i < sizeof req_names / sizeof req_names[0]; i++) {
		if (strlen(req_names[i]) == len && memcmp(s, req_names[i], len) == 0) {
			*type = (enum kc_req_type)i;
			return KC_OK;
		}
	}
	return KC_ERR_TYPE;
}

/* A ULID field ("before", "id"): dst holds KC_ID_LEN + 1 bytes. */
static int
field_ulid(json_t *obj, const char *key, char *dst)
{
	const char	*s;
	size_t		 len;
	int		 found;

	if ((found = field_string(obj, key, &s, &len)) <= 0)
		return -found;
	if (!kc_ulid_valid(s, len))
		return KC_ERR_ID;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return KC_OK;
}

/* An offset: an integer from 0 to 2^62; absent leaves *out as it is. */
/* An offset; moved: also one below zero from a moved partition (not -1). */
static int
field_offset(json_t *obj, const char *key, int moved, int64_t *out)
{
	json_t		*v;
	json_int_t	 n;

	if ((v = json_object_get(obj, key)) == NULL)
		return KC_OK;
	if (!json_is_integer(v) || (n = json_integer_value(v)) >
	    ((json_int_t)1 << 62))
		return KC_ERR_JSON_FIELD_TYPE;
	if (n < 0 && (!moved || n == -1 || n < -KC_OFFSET_MOVED))
		return KC_ERR_JSON_FIELD_TYPE;
	*out = (int64_t)n;
	return KC_OK;
}

static int
field_limit(json_t *obj, unsigned *limit)
{
	json_t		*v;
	json_int_t	 n;

	if ((v = json_object_get(obj, "limit")) == NULL)
		return KC_OK;
	if (!json_is_integer(v) || (n = json_integer_value(v)) < 0)
		return KC_ERR_JSON_FIELD_TYPE;
	*limit = n > JSON_LIMIT_MAX ? JSON_LIMIT_MAX : (unsigned)n;
	return KC_OK;
}

/* A request's string field, copied and terminated (len too when asked). */
static int
req_copy(char **dst, size_t *dst_len, const char *s, size_t len)
{
	if ((*dst = malloc(len + 1)) == NULL)
		return KC_ERR_NOMEM;
	memcpy(*dst, s, len);
	(*dst)[len] = '\0';
	if (dst_len != NULL)
		*dst_len = len;
	return KC_OK;
}

/* The "message" field, by request type (see the top of this file). */
static int
field_text(json_t *obj, struct kc_req *r)
{
	const char	*s;
	size_t		 len;
	int		 found, err;

	if ((found = field_string(obj, "message", &s, &len)) <= 0)
		return -found;
	switch (r->type) {
	case KC_REQ_JOIN:
	case KC_REQ_LEAVE:
		if (len == 0)
			return KC_OK;
		/* What a terminal's /nick writes: clients follow a rename by
		 * it. A browser renames by reconnecting, never so. */
		if ((r->type == KC_REQ_LEAVE && len >= strlen(KC_NICK_NEW) &&
		    memcmp(s, KC_NICK_NEW, strlen(KC_NICK_NEW)) == 0) ||
		    (r->type == KC_REQ_JOIN && len >= strlen(KC_NICK_OLD) &&
		    memcmp(s, KC_NICK_OLD, strlen(KC_NICK_OLD)) == 0))
			return KC_ERR_RENAME_TEXT;
		break;
	case KC_REQ_MESSAGE:
	case KC_REQ_ACTION:
	case KC_REQ_DM:
	case KC_REQ_EDIT:
		break;
	case KC_REQ_AWAY:	/* "" is back; an away message is one line */
		if (len == 0)
			return KC_OK;
		if (len > KC_AWAY_MAX)
			return KC_ERR_AWAY_TOO_LONG;
		if (memchr(s, '\n', len) != NULL)
			return KC_ERR_TEXT_CONTROL;
		break;
	default:
		return KC_OK;
	}
	if ((err = kc_text_validate(s, len)) != KC_OK)
		return err;
	/* Said by someone, a message shows something. */
	if (r->type != KC_REQ_AWAY && r->type != KC_REQ_JOIN &&
	    r->type != KC_REQ_LEAVE && kc_text_blank(s, len))
		return KC_ERR_TEXT_EMPTY;
	return req_copy(&r->text, &r->text_len, s, len);
}

/* The "q" field of a search (ignored on other requests). */
static int
field_query(json_t *obj, struct kc_req *r)
{
	const char	*s;
	size_t		 len;
	int		 found;

	if ((found = field_string(obj, "q", &s, &len)) <= 0)
		return -found;
	if (r->type != KC_REQ_SEARCH)
		return KC_OK;
	if (len == 0 || len > KC_SEARCH_Q_MAX || kc_text_validate(s, len) != KC_OK ||
	    memchr(s, '\n', len) != NULL)
		return KC_ERR_QUERY;
	return req_copy(&r->q, NULL, s, len);
}

/* A topic request's "text": its new topic line, "" to clear it. */
static int
field_topic(json_t *obj, struct kc_req *r)
{
	const char	*s;
	size_t		 len;
	int		 found, err;

	if (r->type != KC_REQ_TOPIC)
		return KC_OK;
	if ((found = field_string(obj, "text", &s, &len)) <= 0)
		return -found;
	if ((err = kc_topic_validate(s, len)) != KC_OK)
		return err;
	return req_copy(&r->text, &r->text_len, s, len);
}

static int
req_fill(json_t *obj, struct kc_req *r)
{
	int err;

	/* ref first, so that an error reply can carry it. */
	if ((err = field_ref(obj, r->ref)) != KC_OK ||
	    (err = field_type(obj, &r->type)) != KC_OK ||
	    (err = field_user(obj, "username", r->username)) != KC_OK ||
	    (err = field_room(obj, r->room)) != KC_OK ||
	    (err = field_user(obj, "to", r->to)) != KC_OK ||
	    (err = field_text(obj, r)) != KC_OK ||
	    (err = field_query(obj, r)) != KC_OK ||
	    (err = field_ulid(obj, "before", r->before)) != KC_OK ||
	    (err = field_offset(obj, "before_offset", 1, &r->before_offset)) !=
	    KC_OK ||
	    (err = field_offset(obj, "since", 0, &r->since)) != KC_OK ||
	    (err = field_ulid(obj, "id", r->id)) != KC_OK ||
	    (err = field_offset(obj, "offset", 0, &r->offset)) != KC_OK ||
	    (err = field_topic(obj, r)) != KC_OK ||
	    (err = field_limit(obj, &r->limit)) != KC_OK)
		return err;
	if ((err = field_ulid(obj, "re", r->re)) != KC_OK)
		return err == KC_ERR_ID ? KC_ERR_RE : err;
	if ((err = field_ulid(obj, "reply", r->reply)) != KC_OK)
		return err == KC_ERR_ID ? KC_ERR_REPLY : err;
	if (r->type != KC_REQ_DM && r->to[0] != '\0')
		return KC_ERR_TO_UNEXPECTED;
	if (r->re[0] != '\0' && r->type != KC_REQ_EDIT &&
	    r->type != KC_REQ_DELETE)
		return KC_ERR_RE;
	if (r->reply[0] != '\0' && r->type != KC_REQ_MESSAGE &&
	    r->type != KC_REQ_ACTION && r->type != KC_REQ_DM)
		return KC_ERR_REPLY;

	switch (r->type) {
	case KC_REQ_DM:
		if (r->to[0] == '\0')
			return KC_ERR_JSON_MISSING;
		/* FALLTHROUGH */
	case KC_REQ_MESSAGE:
	case KC_REQ_ACTION:
		if (r->username[0] == '\0' || r->text == NULL)
			return KC_ERR_JSON_MISSING;
		break;
	case KC_REQ_JOIN:
	case KC_REQ_LEAVE:
		if (r->room[0] == '\0')
			return KC_ERR_JSON_MISSING;
		break;
	case KC_REQ_SEARCH:
		if (r->q == NULL)
			return KC_ERR_QUERY;
		break;
	case KC_REQ_READ:
		if (r->id[0] == '\0')
			return KC_ERR_JSON_MISSING;
		break;
	case KC_REQ_EDIT:
		if (r->text == NULL)
			return KC_ERR_JSON_MISSING;
		/* FALLTHROUGH */
	case KC_REQ_DELETE:
		if (r->re[0] == '\0')
			return KC_ERR_JSON_MISSING;
		break;
	default:
		break;
	}
	return KC_OK;
}

int
kc_json_parse_req(const char *buf, size_t len, struct kc_req *r)
{
	json_t			*root;
	json_error_t		 error;
	enum kc_req_type	 type;
	char			 ref[sizeof r->ref];
	int			 err;

	if (r == NULL || (buf == NULL && len > 0))
		return KC_ERR_INVAL;
	kc_req_clear(r);
	if (len > KC_JSON_MAX)
		return KC_ERR_JSON_TOO_LARGE;
	if (!depth_ok(buf, len))
		return KC_ERR_JSON_DEPTH;
	if (len == 0)
		return KC_ERR_JSON_SYNTAX;

	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &error);
	if (root == NULL) {
		if (json_error_code(&error) == json_error_duplicate_key)
			return KC_ERR_JSON_DUP_KEY;
		if (json_error_code(&error) == json_error_out_of_memory)
			return KC_ERR_NOMEM;
		return KC_ERR_JSON_SYNTAX;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return KC_ERR_JSON_NOT_OBJECT;
	}
	err = req_fill(root, r);
	json_decref(root);

	if (err != KC_OK) {
		/* Keep only what an error reply needs: ref and type. */
		memcpy(ref, r->ref, sizeof ref);
		type = r->type;
		kc_req_clear(r);
		memcpy(r->ref, ref, sizeof ref);
		r->type = type;
	}
	return err;
}

/* ---------------------------------------------------------------- output */

/* Largest ts_us that still has a four-digit year: 9999-12-31T23:59:59.999999. */
#define TS_FORMAT_MAX	253402300799999999LL

static void
put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = '0' + v % 10;
		v /= 10;
	}
}

int
kc_time_format(int64_t ts_us, char out[27])
{
	struct tm	tm;
	time_t		secs;
	unsigned	us;

	if (ts_us < 0 || ts_us > TS_FORMAT_MAX)
		return KC_ERR_TS;
	secs = (time_t)(ts_us / 1000000);
	us = (unsigned)(ts_us % 1000000);
	if (gmtime_r(&secs, &tm) == NULL)
		return KC_ERR_TS;

	/* "YYYY-MM-DDTHH:MM:SS.ffffff" */
	put_digits(out, (unsigned)tm.tm_year + 1900, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)tm.tm_mon + 1, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)tm.tm_mday, 2);
	out[10] = 'T';
	put_digits(out + 11, (unsigned)tm.tm_hour, 2);
	out[13] = ':';
	put_digits(out + 14, (unsigned)tm.tm_min, 2);
	out[16] = ':';
	put_digits(out + 17, (unsigned)tm.tm_sec, 2);
	out[19] = '.';
	put_digits(out + 20, us, 6);
	out[26] = '\0';
	return KC_OK;
}
