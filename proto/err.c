/* err.c - the one error enum of libkchat, as sentences and as short names. */
#include "kchat.h"

struct err_text {
	const char *name;
	const char *text;
};

static const struct err_text err_texts[KC_ERR__COUNT] = {
	[KC_OK] = { "ok", "success" },
	[KC_ERR_NOMEM] = { "nomem", "out of memory" },
	[KC_ERR_INVAL] = { "invalid_argument", "invalid argument" },
	[KC_ERR_USER_EMPTY] = { "user_empty", "user name is empty" },
	[KC_ERR_USER_TOO_LONG] = { "user_too_long", "user name is longer than 32 bytes" },
	[KC_ERR_USER_CHAR] = { "user_char", "user name may only contain letters, digits, '_', '.' and '-'" },
	[KC_ERR_USER_START] = { "user_start", "user name must start with a letter, a digit or '_'" },
	[KC_ERR_ROOM_EMPTY] = { "room_empty", "room name is empty" },
	[KC_ERR_ROOM_TOO_LONG] = { "room_too_long", "room name is longer than 32 bytes" },
	[KC_ERR_ROOM_CHAR] = { "room_char", "room name may only contain letters, digits, '_', '.' and '-'" },
	[KC_ERR_ROOM_START] = { "room_start", "room name must start with a letter, a digit or '_'" },
	[KC_ERR_TEXT_EMPTY] = { "text_empty", "message text is empty or only blanks" },
	[KC_ERR_TEXT_TOO_LONG] = { "text_too_long", "message text is longer than 8192 bytes" },
	[KC_ERR_TEXT_UTF8] = { "text_utf8", "message text is not valid UTF-8" },
	[KC_ERR_TEXT_CONTROL] = { "text_control", "message text contains a control character (only newline and tab are allowed)" },
	[KC_ERR_TOPIC_TOO_LONG] = { "topic_too_long", "a room's topic is longer than 300 bytes" },
	[KC_ERR_AWAY_TOO_LONG] = { "away_too_long", "an away message is longer than 160 bytes" },
	[KC_ERR_RENAME_TEXT] = { "rename_text", "a leave's text may not start \"is now known as\" nor a join's \"was\": that is how a terminal's /nick says a rename, which clients follow" },
	[KC_ERR_TYPE] = { "type", "unknown or missing message type" },
	[KC_ERR_ID] = { "id", "message id is not a 26-character ULID" },
	[KC_ERR_TS] = { "timestamp", "timestamp is out of range" },
	[KC_ERR_VERSION] = { "version", "unsupported record format version" },
	[KC_ERR_TO_MISSING] = { "to_missing", "a direct message needs a recipient" },
	[KC_ERR_TO_UNEXPECTED] = { "to_unexpected", "only a direct message has a recipient" },
	[KC_ERR_VIA] = { "via", "client name in 'via' is invalid" },
	[KC_ERR_INST] = { "inst", "instance id in 'inst' is invalid" },
	[KC_ERR_RE] = { "re", "an edit or delete must name the id of the message it changes in 're' (a ULID), and only they may" },
	[KC_ERR_REPLY] = { "reply", "'reply' must be the id of the message answered (a ULID), on a message, action or dm only" },
	[KC_ERR_MP_TRUNCATED] = { "mp_truncated", "record is truncated" },
	[KC_ERR_MP_NOT_MAP] = { "mp_not_map", "record is not a msgpack map" },
	[KC_ERR_MP_KEY_TYPE] = { "mp_key_type", "record has a map key that is not a string" },
	[KC_ERR_MP_VALUE_TYPE] = { "mp_value_type", "record field has the wrong type" },
	[KC_ERR_MP_DEPTH] = { "mp_depth", "record is nested too deeply" },
	[KC_ERR_MP_TRAILING] = { "mp_trailing", "record has bytes after its end" },
	[KC_ERR_MP_MISSING] = { "mp_missing", "record lacks a required field (v, id, type, room, user, ts)" },
	[KC_ERR_MP_TOO_LARGE] = { "mp_too_large", "record is larger than 64 KiB" },
	[KC_ERR_MP_BAD_BYTE] = { "mp_bad_byte", "record contains the reserved msgpack byte 0xc1" },
	[KC_ERR_MP_DUP_KEY] = { "mp_dup_key", "record has a field twice" },
	[KC_ERR_JSON_SYNTAX] = { "json_syntax", "not valid JSON" },
	[KC_ERR_JSON_NOT_OBJECT] = { "json_not_object", "JSON request is not an object" },
	[KC_ERR_JSON_FIELD_TYPE] = { "json_field_type", "JSON field has the wrong type" },
	[KC_ERR_JSON_TOO_LARGE] = { "json_too_large", "JSON request is larger than 64 KiB" },
	[KC_ERR_JSON_DUP_KEY] = { "json_dup_key", "JSON request has a key twice" },
	[KC_ERR_JSON_MISSING] = { "json_missing", "JSON request lacks a required field" },
	[KC_ERR_JSON_DEPTH] = { "json_depth", "JSON request is nested too deeply" },
	[KC_ERR_CONFIG] = { "config", "invalid configuration" },
	[KC_ERR_CONFIG_FILE] = { "config_file", "configuration file cannot be read" },
	[KC_ERR_KAFKA] = { "kafka", "Kafka error" },
	[KC_ERR_KAFKA_FATAL] = { "kafka_fatal", "fatal Kafka producer error" },
	[KC_ERR_TIMEOUT] = { "timeout", "timed out" },
	[KC_ERR_QUEUE_FULL] = { "queue_full", "queue is full, try again later" },
	[KC_ERR_NOT_FOUND] = { "not_found", "not found" },
	[KC_ERR_IO] = { "io", "input/output error" },
	[KC_ERR_USERNAME_MISMATCH] = { "username_mismatch", "this connection is bound to another user name" },
	[KC_ERR_USERNAME_REQUIRED] = { "username_required", "a user name is needed" },
	[KC_ERR_RATE_LIMITED] = { "rate_limited", "too many frames, slow down" },
	[KC_ERR_BINARY] = { "binary", "binary frames are not supported" },
	[KC_ERR_NOT_IN_ROOM] = { "not_in_room", "not in that room" },
	[KC_ERR_TOO_MANY_ROOMS] = { "too_many_rooms", "too many rooms on one connection" },
	[KC_ERR_NO_ROOM] = { "no_room", "join a room first" },
	[KC_ERR_TOO_MANY_PENDING] = { "too_many_pending", "messages to this room are still waiting for Kafka; try again shortly" },
	[KC_ERR_BUSY] = { "busy", "history is busy, ask again later" },
	[KC_ERR_BAD_ID] = { "bad_id", "a message id must be a ULID made within the last day" },
	[KC_ERR_HISTORY_UNAVAILABLE] = { "history_unavailable", "the room's history could not be read from Kafka" },
	[KC_ERR_NAME_IN_USE] = { "name_in_use", "someone else who is online uses this name: choose another" },
	[KC_ERR_LOGIN_FAILED] = { "login_failed", "wrong user name or password" },
	[KC_ERR_LOGIN_THROTTLED] = { "login_throttled", "too many failed logins: wait before trying again" },
	[KC_ERR_UNAUTHENTICATED] = { "unauthenticated", "log in first: this bridge needs an account" },
	[KC_ERR_QUERY] = { "bad_query", "search text must be 1 to 256 bytes of text without control characters" },
	[KC_ERR_DM_NAME_ALIKE] = { "dm_name_alike", "nobody online has that name, but someone online has one alike to it: write to theirs" },
};

const char *
kc_strerror(int err)
{
	if (err < 0 || err >= KC_ERR__COUNT || err_texts[err].text == NULL)
		return "unknown error";
	return err_texts[err].text;
}

const char *
kc_errname(int err)
{
	if (err < 0 || err >= KC_ERR__COUNT || err_texts[err].name == NULL)
		return "unknown";
	return err_texts[err].name;
}
