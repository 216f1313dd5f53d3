/* msg.c - the chat message: construction, copying and validation. */
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

static const char *type_names[] = {
	[KC_TYPE_UNKNOWN] = NULL,
	[KC_TYPE_MESSAGE] = "message",
	[KC_TYPE_ACTION] = "action",
	[KC_TYPE_JOIN] = "join",
	[KC_TYPE_LEAVE] = "leave",
	[KC_TYPE_DM] = "dm",
	[KC_TYPE_HEARTBEAT] = "heartbeat",
	[KC_TYPE_EDIT] = "edit",
	[KC_TYPE_DELETE] = "delete",
};

/* Timestamps accepted: 2000-01-01 to 2200-01-01 (µs). */
#define TS_MIN	946684800000000LL
#define TS_MAX	7258118400000000LL

const char *
kc_type_name(enum kc_type t)
{
	if ((unsigned)t >= sizeof type_names / sizeof type_names[0])
		return NULL;
	return type_names[t];
}

enum kc_type
kc_type_parse(const char *s, size_t len)
{
	size_t i;

	for (i = 1; i < sizeof type_names / sizeof type_names[0]; i++) {
		if (strlen(type_names[i]) == len && memcmp(s, type_names[i], len) == 0)
			return (enum kc_type)i;
	}
	return KC_TYPE_UNKNOWN;
}

void
kc_msg_init(struct kc_msg *m)
{
	memset(m, 0, sizeof *m);
	m->partition = -1;
	m->offset = -1;
}

void
kc_msg_clear(struct kc_msg *m)
{
	if (m == NULL)
		return;
	free(m->text);
	kc_msg_init(m);
}

int
kc_msg_set_text(struct kc_msg *m, const char *text, size_t len)
{
	char *t;

	if (text == NULL) {
		free(m->text);
		m->text = NULL;
		m->text_len = 0;
		return KC_OK;
	}
	if ((t = malloc(len + 1)) == NULL)
		return KC_ERR_NOMEM;
	memcpy(t, text, len);
	t[len] = '\0';
	free(m->text);
	m->text = t;
	m->text_len = len;
	return KC_OK;
}

int
kc_msg_in_history(const struct kc_msg *m)
{
	return m->type == KC_TYPE_MESSAGE || m->type == KC_TYPE_ACTION ||
	    m->type == KC_TYPE_JOIN || m->type == KC_TYPE_LEAVE ||
	    m->type == KC_TYPE_EDIT || m->type == KC_TYPE_DELETE;
}

int64_t
kc_msg_shown_ts(const struct kc_msg *m)
{
	int64_t d = m->ts - m->log_ts;

	if (m->log_ts > 0 && (d > KC_TS_SKEW_MAX_US || d < -KC_TS_SKEW_MAX_US))
		return m->log_ts;
	return m->ts;
}

int
kc_msg_copy(struct kc_msg *dst, const struct kc_msg *src)
{
	char *text = dst->text;

	if (dst == src)
		return KC_OK;
	memcpy(dst, src, sizeof *dst);
	dst->text = text;
	dst->text_len = 0;
	if (src->text == NULL) {
		free(text);
		dst->text = NULL;
		return KC_OK;
	}
	return kc_msg_set_text(dst, src->text, src->text_len);
}

/* Copies a C string into a fixed field, failing when it does not fit. */
static int
field_set(char *dst, size_t size, const char *src, int too_long)
{
	size_t len = src ? strlen(src) : 0;

	if (len >= size)
		return too_long;
	memcpy(dst, src ? src : "", len + 1);
	return KC_OK;
}

int
kc_msg_make(struct kc_msg *m, enum kc_type type, const char *room,
    const char *user, const char *to, const char *text, size_t text_len)
{
	return kc_msg_make_re(m, type, room, user, to, NULL, NULL, text,
	    text_len);
}

int
kc_msg_make_re(struct kc_msg *m, enum kc_type type, const char *room,
    const char *user, const char *to, const char *re, const char *reply,
    const char *text, size_t text_len)
{
	int err;

	kc_msg_clear(m);
	m->v = KC_RECORD_VERSION;
	m->type = type;
	m->ts = kc_now_us();
	if ((err = kc_ulid_new(m->id, m->ts)) != KC_OK)
		return err;
	if ((err = field_set(m->room, sizeof m->room, room, KC_ERR_ROOM_TOO_LONG)) != KC_OK ||
	    (err = field_set(m->user, sizeof m->user, user, KC_ERR_USER_TOO_LONG)) != KC_OK)
		return err;
	/*
	 * A recipient is kept whatever the type, so that validation refuses a
	 * public message given one instead of silently publishing a text the
	 * caller meant for one person.
	 */
	if ((err = field_set(m->to, sizeof m->to, to, KC_ERR_USER_TOO_LONG)) != KC_OK ||
	    (err = field_set(m->re, sizeof m->re, re, KC_ERR_RE)) != KC_OK ||
	    (err = field_set(m->reply, sizeof m->reply, reply, KC_ERR_REPLY)) != KC_OK)
		return err;
	if (text != NULL &&
	    (err = kc_msg_set_text(m, text, text_len)) != KC_OK)
		return err;
	return kc_msg_validate(m);
}

int
kc_msg_validate(const struct kc_msg *m)
{
	int err;

	if (m->v != KC_RECORD_VERSION)
		return KC_ERR_VERSION;
	if (!kc_ulid_valid(m->id, strlen(m->id)))
		return KC_ERR_ID;
	if (kc_type_name(m->type) == NULL)
		return KC_ERR_TYPE;
	if ((err = kc_room_validate(m->room, strlen(m->room))) != KC_OK)
		return err;
	if ((err = kc_user_validate(m->user, strlen(m->user))) != KC_OK)
		return err;
	if (m->ts < TS_MIN || m->ts > TS_MAX)
		return KC_ERR_TS;
	if (m->type == KC_TYPE_DM) {
		if (m->to[0] == '\0')
			return KC_ERR_TO_MISSING;
		if ((err = kc_user_validate(m->to, strlen(m->to))) != KC_OK)
			return err;
	} else if (m->to[0] != '\0')
		return KC_ERR_TO_UNEXPECTED;
	if (m->via[0] != '\0' &&
	    kc_user_validate(m->via, strlen(m->via)) != KC_OK)
		return KC_ERR_VIA;
	if (m->inst[0] != '\0' &&
	    kc_user_validate(m->inst, strlen(m->inst)) != KC_OK)
		return KC_ERR_INST;
	if ((m->type == KC_TYPE_EDIT || m->type == KC_TYPE_DELETE) !=
	    (m->re[0] != '\0') ||
	    (m->re[0] != '\0' && !kc_ulid_valid(m->re, strlen(m->re))))
		return KC_ERR_RE;
	if (m->reply[0] != '\0' && ((m->type != KC_TYPE_MESSAGE &&
	    m->type != KC_TYPE_ACTION && m->type != KC_TYPE_DM) ||
	    !kc_ulid_valid(m->reply, strlen(m->reply))))
		return KC_ERR_REPLY;
	/* An away message is text on one line. */
	if (m->away[0] != '\0' &&
	    ((err = kc_text_validate(m->away, strlen(m->away))) != KC_OK ||
	    strchr(m->away, '\n') != NULL))
		return err != KC_OK ? err : KC_ERR_TEXT_CONTROL;
	switch (m->type) {
	case KC_TYPE_JOIN:
	case KC_TYPE_LEAVE:
	case KC_TYPE_HEARTBEAT:
	case KC_TYPE_DELETE:
		/*
		 * text is optional on join/leave (a part message) and means
		 * nothing on a delete; checked if present
		 */
		if (m->text != NULL && m->text_len > 0)
			return kc_text_validate(m->text, m->text_len);
		return KC_OK;
	default:
		return kc_text_validate(m->text, m->text_len);
	}
}
