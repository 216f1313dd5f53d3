/*
 * kchat.h - libkchat, the part of kchat that every program agrees on.
 *
 * The message model and its validation, the msgpack record codec (the Kafka
 * value), the browser JSON mapping, ULID ids, and the Kafka plumbing shared by
 * kchat-bridge and kchat-tui: configuration, producer, reader, room history and
 * the embedded broker.
 *
 * Conventions: every function that can fail returns an int from enum kc_err
 * (KC_OK is 0); kc_strerror() turns it into a sentence. Nothing here exits or
 * prints. Handles are opaque. Free functions accept NULL.
 */
#ifndef KCHAT_H
#define KCHAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KC_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------ errors */

enum kc_err {
	KC_OK = 0,
	KC_ERR_NOMEM,		/* out of memory */
	KC_ERR_INVAL,		/* invalid argument (programmer error) */

	/* validation: user names */
	KC_ERR_USER_EMPTY,
	KC_ERR_USER_TOO_LONG,
	KC_ERR_USER_CHAR,	/* a character outside [A-Za-z0-9_.-] */
	KC_ERR_USER_START,	/* does not start with a letter, digit or '_' */
	/* validation: room names (same rule, own codes) */
	KC_ERR_ROOM_EMPTY,
	KC_ERR_ROOM_TOO_LONG,
	KC_ERR_ROOM_CHAR,
	KC_ERR_ROOM_START,
	/* validation: text */
	KC_ERR_TEXT_EMPTY,
	KC_ERR_TEXT_TOO_LONG,
	KC_ERR_TEXT_UTF8,	/* not valid UTF-8 */
	KC_ERR_TEXT_CONTROL,	/* control character other than \n and \t */
	KC_ERR_TOPIC_TOO_LONG,	/* a room's topic longer than KC_TOPIC_MAX */
	KC_ERR_AWAY_TOO_LONG,	/* an away message longer than KC_AWAY_MAX */
	KC_ERR_RENAME_TEXT,	/* a join's or leave's text saying a rename */
	/* validation: other fields */
	KC_ERR_TYPE,		/* unknown or missing message type */
	KC_ERR_ID,		/* not a 26-character ULID */
	KC_ERR_TS,		/* timestamp out of range */
	KC_ERR_VERSION,		/* unsupported record version */
	KC_ERR_TO_MISSING,	/* dm without a recipient */
	KC_ERR_TO_UNEXPECTED,	/* recipient on a type that is not dm */
	KC_ERR_VIA,		/* bad "via" client name */
	KC_ERR_INST,		/* bad "inst" instance id */
	KC_ERR_RE,		/* edit/delete without a valid "re", or "re" elsewhere */
	KC_ERR_REPLY,		/* bad "reply" parent id, or on a type without one */

	/* msgpack record decoding */
	KC_ERR_MP_TRUNCATED,	/* ends in the middle of an object */
	KC_ERR_MP_NOT_MAP,	/* top level is not a map */
	KC_ERR_MP_KEY_TYPE,	/* a map key is not a string */
	KC_ERR_MP_VALUE_TYPE,	/* a known key has a value of the wrong type */
	KC_ERR_MP_DEPTH,	/* nested deeper than KC_MP_MAX_DEPTH */
	KC_ERR_MP_TRAILING,	/* bytes after the record */
	KC_ERR_MP_MISSING,	/* a required key is absent */
	KC_ERR_MP_TOO_LARGE,	/* record larger than KC_RECORD_MAX */
	KC_ERR_MP_BAD_BYTE,	/* reserved type byte 0xc1 */
	KC_ERR_MP_DUP_KEY,	/* a known key appears twice */

	/* browser JSON */
	KC_ERR_JSON_SYNTAX,	/* not JSON (includes lone surrogates, \u0000) */
	KC_ERR_JSON_NOT_OBJECT,	/* top level is not an object */
	KC_ERR_JSON_FIELD_TYPE,	/* a known field has the wrong type */
	KC_ERR_JSON_TOO_LARGE,	/* frame larger than KC_JSON_MAX */
	KC_ERR_JSON_DUP_KEY,	/* a key appears twice */
	KC_ERR_JSON_MISSING,	/* a field the request needs is absent */
	KC_ERR_JSON_DEPTH,	/* nested too deeply */

	/* configuration, Kafka and I/O */
	KC_ERR_CONFIG,		/* unknown key or bad value */
	KC_ERR_CONFIG_FILE,	/* config file unreadable or malformed */
	KC_ERR_KAFKA,		/* librdkafka reported an error (see errstr) */
	KC_ERR_KAFKA_FATAL,	/* the producer hit a fatal error */
	KC_ERR_TIMEOUT,		/* nothing arrived / not done in time */
	KC_ERR_QUEUE_FULL,	/* local queue full; try again later */
	KC_ERR_NOT_FOUND,	/* no such topic, room or file */
	KC_ERR_IO,		/* system call failed (see errno) */

	/* the bridge's answers to a browser request (kchat.7, ERRORS) */
	KC_ERR_USERNAME_MISMATCH,	/* the connection is bound to another name */
	KC_ERR_USERNAME_REQUIRED,	/* posting needs a user name */
	KC_ERR_RATE_LIMITED,	/* too many frames */
	KC_ERR_BINARY,		/* binary frames are not supported */
	KC_ERR_NOT_IN_ROOM,	/* leave/typing in a room not joined */
	KC_ERR_TOO_MANY_ROOMS,	/* more rooms than one connection may join */
	KC_ERR_NO_ROOM,		/* no room named and none current */
	KC_ERR_TOO_MANY_PENDING,	/* the room's messages are still waiting */
	KC_ERR_BUSY,		/* history asked for again before it came */
	KC_ERR_BAD_ID,		/* a client-made id not made within a day */
	KC_ERR_HISTORY_UNAVAILABLE,	/* a join's history, after three tries */
	KC_ERR_NAME_IN_USE,	/* another live client holds the name */
	KC_ERR_LOGIN_FAILED,	/* wrong user name or password */
	KC_ERR_LOGIN_THROTTLED,	/* too many failed logins: wait */
	KC_ERR_UNAUTHENTICATED,	/* accounts are on and there is no session */
	KC_ERR_QUERY,		/* search text empty or too long */
	KC_ERR_DM_NAME_ALIKE,	/* dm to a name nobody online has, alike to one's who is */

	KC_ERR__COUNT
};

/* A sentence for err; never NULL, also for unknown values. */
const char *kc_strerror(int err);
/* A short stable identifier ("text_too_long") for err, for JSON error codes. */
const char *kc_errname(int err);

/* ----------------------------------------------------------------- limits */

#define KC_NAME_MAX	32	/* user and room names, bytes */
#define KC_ID_LEN	26	/* ULID */
#define KC_TEXT_MAX	8192	/* message text, bytes of UTF-8 */
#define KC_VIA_MAX	16	/* client name in "via" */
#define KC_INST_MAX	16	/* client instance id in "inst" */
#define KC_AWAY_MAX	160	/* away message in "away", bytes of UTF-8 */
/*
 * A rename (kchat-tui's /nick): a leave of the old name whose text is
 * KC_NICK_NEW "new", then a join of the new one, KC_NICK_OLD "old", by the
 * same instance. Clients show the pair as one line and follow it.
 */
#define KC_NICK_NEW	"is now known as "
#define KC_NICK_OLD	"was "
#define KC_RECORD_MAX	65536	/* a Kafka value we will decode */
#define KC_MP_MAX_DEPTH	8	/* msgpack nesting accepted (unknown keys) */
#define KC_JSON_MAX	65536	/* a browser frame we will parse */
#define KC_JSON_MAX_DEPTH 16	/* JSON nesting accepted */
#define KC_RECORD_VERSION 1

/* ---------------------------------------------------------------- message */

enum kc_type {
	KC_TYPE_UNKNOWN = 0,
	KC_TYPE_MESSAGE,	/* "message" */
	KC_TYPE_ACTION,		/* "action"  (/me) */
	KC_TYPE_JOIN,		/* "join" */
	KC_TYPE_LEAVE,		/* "leave" */
	KC_TYPE_DM,		/* "dm"      (direct message, field to) */
	KC_TYPE_HEARTBEAT,	/* "heartbeat" (presence topic only) */
	KC_TYPE_EDIT,		/* "edit": new text for the line "re" names */
	KC_TYPE_DELETE		/* "delete": the line "re" names is deleted */
};

/*
 * One chat record. Plain struct: the only public one. Strings are
 * NUL-terminated; text is owned by the message (heap) and may hold any valid
 * UTF-8 including newlines; it is NULL for join and leave.
 * Initialise with kc_msg_init(), release with kc_msg_clear().
 */
struct kc_msg {
	unsigned	v;			/* record format version */
	char		id[KC_ID_LEN + 1];	/* ULID */
	enum kc_type	type;
	char		room[KC_NAME_MAX + 1];
	char		user[KC_NAME_MAX + 1];
	char		to[KC_NAME_MAX + 1];	/* dm only, else "" */
	char		via[KC_VIA_MAX + 1];	/* optional, else "" */
	/*
	 * The client instance that wrote it (a terminal, a browser): its
	 * joins, leaves and heartbeats are presence of that instance only.
	 * Optional, else "" (one instance for every writer without one).
	 */
	char		inst[KC_INST_MAX + 1];
	/*
	 * The writer's away message (/away), on its join and heartbeat
	 * records while it is away: text rules, no newline. Optional, else "".
	 */
	char		away[KC_AWAY_MAX + 1];
	int64_t		ts;			/* µs since the Unix epoch, UTC */
	/*
	 * edit and delete: the id of the message or action they change (same
	 * room); required there, "" on every other type. Readers apply one
	 * only when its user is the original's (kchat.7, EDITS).
	 */
	char		re[KC_ID_LEN + 1];
	/* message, action, dm: the id of the line answered; optional, else "" */
	char		reply[KC_ID_LEN + 1];
	char	       *text;			/* owned; NULL when absent */
	size_t		text_len;
	/* Where a reader found the record (not part of the record): its
	 * partition and offset, -1 when it was not read from Kafka. */
	int32_t		partition;
	int64_t		offset;
	int64_t		log_ts;		/* µs: the Kafka record's timestamp, 0 unknown */
};

/* Sets every field to empty, partition and offset to -1. */
void	kc_msg_init(struct kc_msg *m);
/* Frees text and resets m to the state of kc_msg_init(). */
void	kc_msg_clear(struct kc_msg *m);
/* Copies len bytes into m->text (NUL added). No validation. */
int	kc_msg_set_text(struct kc_msg *m, const char *text, size_t len);
/* Deep copy of src into dst (dst must be initialised; its text is freed). */
int	kc_msg_copy(struct kc_msg *dst, const struct kc_msg *src);
/*
 * Fills in a new outgoing message (m must be initialised; its old text is
 * freed): v, a fresh id, ts = now, type, room, user,
 * to (dm only) and text (NULL for join/leave), then validates it.
 */
int	kc_msg_make(struct kc_msg *m, enum kc_type type, const char *room,
	    const char *user, const char *to, const char *text, size_t text_len);
/*
 * The same with re (edit, delete: the id changed) and reply (message,
 * action, dm: the id answered); NULL or "" for none.
 */
int	kc_msg_make_re(struct kc_msg *m, enum kc_type type, const char *room,
	    const char *user, const char *to, const char *re, const char *reply,
	    const char *text, size_t text_len);
/*
 * The time to show for m: its ts, unless Kafka's timestamp of the record
 * (log_ts) disagrees by more than KC_TS_SKEW_MAX_US (a writer whose clock
 * is far off, or a record dated 2199 to stay below every later line): then
 * Kafka's.
 */
#define KC_TS_SKEW_MAX_US	(5 * 60 * 1000000LL)
int64_t	kc_msg_shown_ts(const struct kc_msg *m);
/*
 * 1 when m is part of its room's history: messages, actions, joins,
 * leaves, edits and deletes (not direct messages, not heartbeats).
 */
int	kc_msg_in_history(const struct kc_msg *m);
/* Checks every field against the rules below; returns the first broken one. */
int	kc_msg_validate(const struct kc_msg *m);

const char     *kc_type_name(enum kc_type t);	/* "message", ...; NULL if unknown */
enum kc_type	kc_type_parse(const char *s, size_t len);

/*
 * Names: 1..KC_NAME_MAX bytes of [A-Za-z0-9_.-], starting with a letter,
 * digit or '_'. The same rule for users and rooms; each has its own codes.
 */
int	kc_user_validate(const char *s, size_t len);
int	kc_room_validate(const char *s, size_t len);
/*
 * Text: 1..KC_TEXT_MAX bytes of valid UTF-8 (no overlongs, no surrogates),
 * no C0 controls but \n and \t, no DEL, no C1 controls.
 */
int	kc_text_validate(const char *s, size_t len);
/*
 * 1 when valid UTF-8 s[0..len) shows nothing: only spaces (every Unicode
 * space separator), tabs, line breaks and characters invisible on their
 * own (zero-width and bidi controls, joiners, variation selectors, tags,
 * the Hangul fillers, the braille blank); 0 otherwise. Something said by a
 * user is refused when blank (text_empty); a record is not.
 */
int	kc_text_blank(const char *s, size_t len);
/*
 * Decodes the UTF-8 sequence at s[0..len): its length, with the code point
 * in *cp; 0 for an invalid one (overlong, surrogate, beyond U+10FFFF,
 * truncated, a stray continuation byte) or len 0. The one decoder of the
 * code base.
 */
size_t	kc_utf8_next(const char *s, size_t len, uint32_t *cp);
/* 1 when s[0..len) is valid UTF-8, else 0. */
int	kc_utf8_valid(const char *s, size_t len);

/* ------------------------------------------------------------------- ULID */

/* Writes a new ULID for time ts_us (µs; 0 = now) and a NUL into out. */
int	kc_ulid_new(char out[KC_ID_LEN + 1], int64_t ts_us);
/* The milliseconds of a valid ULID's time part. */
int64_t	kc_ulid_ms(const char *id);
/* 1 when s is 26 Crockford base32 characters with a valid time part. */
int	kc_ulid_valid(const char *s, size_t len);
/* Current time in µs since the Unix epoch. */
int64_t	kc_now_us(void);

/* ---------------------------------------------------------------- buffers */

/* A growable byte buffer. Zero-initialise; kc_buf_free() releases. */
struct kc_buf {
	char   *data;
	size_t	len;
	size_t	cap;
};
int	kc_buf_append(struct kc_buf *b, const void *p, size_t n);
void	kc_buf_reset(struct kc_buf *b);		/* len = 0, keeps memory */
void	kc_buf_free(struct kc_buf *b);

/* ------------------------------------------------------- msgpack codec */

/*
 * Encodes m as the msgpack map of DESIGN.md, appending to out. m must be
 * valid (the encoder validates first and returns the error).
 */
int	kc_mp_encode(const struct kc_msg *m, struct kc_buf *out);
/*
 * Decodes one record from buf[0..len) into m (initialised by the caller;
 * previous text freed). Bounded: at most KC_RECORD_MAX bytes, nesting at
 * most KC_MP_MAX_DEPTH, no allocation driven by a count larger than the bytes
 * that remain, trailing bytes rejected, unknown keys ignored, required keys
 * (v, id, type, room, user, ts) missing is an error, then kc_msg_validate().
 * A record of an unknown type decodes with type KC_TYPE_UNKNOWN and returns
 * KC_ERR_TYPE, so readers can skip it.
 */
int	kc_mp_decode(const void *buf, size_t len, struct kc_msg *m);

/* ------------------------------------------------------- browser JSON */

/* What a browser may ask for. */
enum kc_req_type {
	KC_REQ_MESSAGE = 0,	/* the documented four-field form; "type":"message" */
	KC_REQ_ACTION,		/* "type":"action" (/me) */
	KC_REQ_DM,		/* "type":"dm", "to" */
	KC_REQ_JOIN,		/* "type":"join", "room", "since" (offset) */
	KC_REQ_LEAVE,		/* "type":"leave", "room" */
	KC_REQ_HISTORY,		/* "type":"history", "room", "before" (id) or
				 * "before_offset", "since", "limit" */
	KC_REQ_TYPING,		/* "type":"typing", "room" */
	KC_REQ_WHO,		/* "type":"who", "room" */
	KC_REQ_ROOMS,		/* "type":"rooms" */
	KC_REQ_PING,		/* "type":"ping" */
	KC_REQ_SEARCH,		/* "type":"search", "room", "q", "limit" */
	KC_REQ_TOPIC,		/* "type":"topic", "room", "text" (absent: ask) */
	KC_REQ_READ,		/* "type":"read", "room", "id", "offset" */
	KC_REQ_EDIT,		/* "type":"edit", "re", "message" */
	KC_REQ_DELETE,		/* "type":"delete", "re" */
	KC_REQ_AWAY		/* "type":"away", "message" (absent or "": back) */
};

/* A parsed browser request. Init with kc_req_init(), release kc_req_clear(). */
struct kc_req {
	enum kc_req_type type;
	char		username[KC_NAME_MAX + 1];	/* "" if absent */
	char		room[KC_NAME_MAX + 1];		/* "" if absent */
	char		to[KC_NAME_MAX + 1];		/* "" if absent */
	char		before[KC_ID_LEN + 1];		/* "" if absent */
	int64_t		before_offset;			/* -1 if absent */
	int64_t		since;				/* -1 if absent */
	char		id[KC_ID_LEN + 1];		/* client-made message id, "" if absent */
	char		ref[65];			/* client's correlation id, "" if absent */
	char		re[KC_ID_LEN + 1];		/* edit, delete: target id, "" if absent */
	char		reply[KC_ID_LEN + 1];		/* parent id of a post, "" if absent */
	unsigned	limit;				/* 0 if absent */
	char	       *text;				/* "message", owned; NULL if absent */
	char	       *q;				/* "q" (search), owned; NULL if absent */
	size_t		text_len;
	int64_t		offset;				/* "offset", -1 if absent */
};

void	kc_req_init(struct kc_req *r);
void	kc_req_clear(struct kc_req *r);
/*
 * Parses one client frame. Bounded by KC_JSON_MAX and KC_JSON_MAX_DEPTH;
 * duplicate keys, lone surrogates and \u0000 are errors; unknown fields
 * ignored. Names and text are validated per request type (e.g. a message
 * needs username and message; room defaults to "" meaning "current room").
 */
int	kc_json_parse_req(const char *buf, size_t len, struct kc_req *r);

/* Formats ts_us as "YYYY-MM-DDTHH:MM:SS.ffffff" (UTC) into out[27]. */
int	kc_time_format(int64_t ts_us, char out[27]);

/* ------------------------------------------------ browser frames (wire.c) */

/*
 * Every frame the bridge sends; kchat.7 is the specification. Each encoder
 * appends one JSON text to out (unchanged on failure). Strings that are
 * not valid UTF-8 make it fail with KC_ERR_INVAL.
 */

/*
 * A chat record: the documented four fields (username, message, timestamp,
 * room) then id, type, to, via, re, reply (the last two when set), offset; history: "history": true at the end
 * (history sent to a client that asked for none of the additions).
 */
int	kc_wire_record(const struct kc_msg *m, int history, struct kc_buf *out);
/* {"type":"ack","ref","id","timestamp","room"}: Kafka has m. */
int	kc_wire_ack(const char *ref, const struct kc_msg *m, struct kc_buf *out);
/*
 * {"type":"error","code":kc_errname(err),"error":message or kc_strerror(err)
 * [,"ref"][,"room"]}.
 */
int	kc_wire_error(int err, const char *message, const char *ref,
	    const char *room, struct kc_buf *out);

struct kc_wire_hello {
	const char		 *client_id;
	const char		 *username;	/* NULL or "": null */
	const char		 *room;
	const char *const	 *rooms;
	size_t			  nrooms;
	const char		 *server;
	unsigned		  history;
	size_t			  max_message;
	double			  rate, burst;
	int			  presence_timeout_ms;
};
int	kc_wire_hello(const struct kc_wire_hello *h, struct kc_buf *out);
/*
 * GET /config's body: {"accounts":bool,"user":name or null,"tls":bool}:
 * whether the bridge wants a login, and whose session the request carried.
 */
int	kc_wire_config(int accounts, const char *user, int tls,
	    struct kc_buf *out);
/* {"type":"joined"|"left","room","rooms":[...][,"ref"]} */
int	kc_wire_joined(const char *room, const char *const *rooms, size_t n,
	    const char *ref, struct kc_buf *out);
int	kc_wire_left(const char *room, const char *const *rooms, size_t n,
	    const char *ref, struct kc_buf *out);

/* A page of history as asked for. */
struct kc_wire_page {
	const char	*room;
	const char	*before_id;	/* NULL or "": "before": null */
	int64_t		 before_offset;	/* -1: left out */
	int64_t		 since;		/* 0: left out */
	int		 more;		/* older records exist */
	const char	*ref;
};
/* {"type":"history",...,"messages":[records oldest first]} */
int	kc_wire_history(const struct kc_wire_page *p, const struct kc_msg *msgs,
	    size_t n, struct kc_buf *out);
/*
 * {"type":"search","room","q","scanned","more"[,"ref"],"messages":[matches
 * oldest first, each with its offset]}: scanned: records of the room read;
 * more: older records were not read, or matches were left out.
 */
int	kc_wire_search(const char *room, const char *q, size_t scanned,
	    int more, const char *ref, const struct kc_msg *msgs, size_t n,
	    struct kc_buf *out);
/*
 * {"type":"dms","more","messages":[direct messages oldest first]}: the
 * stored direct messages to or from a connection's user, sent once its
 * name is bound; more: older or further ones were left out.
 */
int	kc_wire_dms(const struct kc_msg *msgs, size_t n, int more,
	    struct kc_buf *out);
int	kc_wire_presence(const char *room, const char *const *users, size_t n,
	    struct kc_buf *out);
/* The same with "away": [those of them who are away] when there are any. */
int	kc_wire_presence_away(const char *room, const char *const *users,
	    size_t n, const char *const *away, size_t naway, struct kc_buf *out);
/* {"type":"typing",...,"timestamp"}: user typing in room, said at ts_us. */
int	kc_wire_typing(const char *room, const char *user, int64_t ts_us,
	    struct kc_buf *out);

struct kc_roominfo;
struct kc_marker;
struct kc_wire_room {
	const char	*room;
	size_t		 users;
	const char	*topic;		/* NULL or "": none */
};
/* {"type":"rooms","current","joined","active":[{"room","users"}],"active_total"[,"ref"]} */
int	kc_wire_rooms(const char *current, const char *const *joined,
	    size_t njoined, const struct kc_wire_room *active, size_t nactive,
	    size_t total, const char *ref, struct kc_buf *out);
/*
 * The same with every room of the rooms topic after "active_total":
 * "all":[{"room","users"[,"topic"]}],"all_total" (nall may be 0).
 */
int	kc_wire_rooms_all(const char *current, const char *const *joined,
	    size_t njoined, const struct kc_wire_room *active, size_t nactive,
	    size_t total, const struct kc_wire_room *all, size_t nall,
	    size_t all_total, const char *ref, struct kc_buf *out);
/*
 * {"type":"topic","room","topic","by","timestamp","created_by","created"
 * [,"ref"]}: a room's topic line ("" none; by and timestamp only once set).
 */
int	kc_wire_topic(const struct kc_roominfo *ri, const char *ref,
	    struct kc_buf *out);
/* {"type":"marker","room","id","offset","timestamp"}: the user read to id. */
int	kc_wire_marker(const struct kc_marker *mk, struct kc_buf *out);
/* {"type":"pong","ref","timestamp","kafka"}: kafka, whether Kafka stores
 * messages now. */
int	kc_wire_pong(const char *ref, int64_t ts_us, int kafka_ok,
	    struct kc_buf *out);
/* {"type":"kafka","ok"[,"reason"]}: Kafka stopped (ok false, and why) or
 * started again storing messages. */
int	kc_wire_kafka(int ok, const char *why, struct kc_buf *out);


/* ------------------------------------------------------- configuration */

/* Where a setting came from; a later level overrides an earlier one. */
enum kc_conf_level {
	KC_CONF_DEFAULT = 0,
	KC_CONF_FILE,
	KC_CONF_ENV,
	KC_CONF_CLI
};

struct kc_conf;

/*
 * Keys known to kchat (anything else containing a '.' or listed by
 * librdkafka is a librdkafka property, as with kcat's -X):
 *   brokers  (KAFKA_BOOTSTRAP_SERVERS)  bootstrap servers
 *   topic    (CHAT_TOPIC)              chat topic, default "chat-messages"
 *   user, room, history (default 50)
 * Programs may register more keys with kc_conf_define().
 */
struct kc_conf *kc_conf_new(void);
void	kc_conf_free(struct kc_conf *c);
/* Adds a program-specific key with a default (NULL = unset). */
int	kc_conf_define(struct kc_conf *c, const char *key, const char *def);
/* Sets key at level; ignored when a higher level already set it. */
int	kc_conf_set(struct kc_conf *c, enum kc_conf_level lvl, const char *key,
	    const char *val, char *errstr, size_t errlen);
/* "prop=value" as given to -X. */
int	kc_conf_set_x(struct kc_conf *c, enum kc_conf_level lvl, const char *kv,
	    char *errstr, size_t errlen);
/* Reads "key = value" lines (# comments) at level KC_CONF_FILE. */
int	kc_conf_load_file(struct kc_conf *c, const char *path, char *errstr,
	    size_t errlen);
/* Reads KAFKA_BOOTSTRAP_SERVERS and CHAT_TOPIC (and registered env names). */
int	kc_conf_load_env(struct kc_conf *c);
/* Binds an environment variable to a key for kc_conf_load_env(). */
int	kc_conf_bind_env(struct kc_conf *c, const char *env, const char *key);
/*
 * The levels of a program's settings, lowest first: the file (-F path,
 * which must exist, else path if given and it exists), the environment,
 * then the command line: each option key_for() names ('b' -> "brokers")
 * and every -X prop=value. argv is read with getopt_long(shortopts,
 * longopts) from the start; options key_for() does not name are left to
 * the caller (optind is reset to 0 before and after). On error *what says
 * where ("config file", "environment" or the argument) and errstr why.
 */
struct option;
typedef const char *kc_conf_key_fn(int ch);
int	kc_conf_load_all(struct kc_conf *c, const char *path, int argc,
	    char **argv, const char *shortopts, const struct option *longopts,
	    kc_conf_key_fn *key_for, const char **what, char *errstr,
	    size_t errlen);
/* Value of key, or NULL when unset. */
const char *kc_conf_get(const struct kc_conf *c, const char *key);
long	kc_conf_get_long(const struct kc_conf *c, const char *key, long def);
/*
 * Bootstrap servers: "brokers" if set, else the published address of an
 * embedded broker on this machine (valid until the calling thread's next
 * call), else "localhost:9092". Never writes c: a loaded configuration is
 * read-only and may be shared by threads.
 */
const char *kc_conf_brokers(const struct kc_conf *c);
/*
 * Keeps Cyrus SASL from loading its plugins (~0.5 MB: sasldb brings libdb)
 * when handles made from c do not log in with GSSAPI, the one mechanism
 * librdkafka asks Cyrus for, and SASL_PATH is not set: sets SASL_PATH to a
 * directory that holds none (cyrus.c). Call it once c is loaded, before the
 * first handle and before any thread starts (it changes the environment).
 * Returns 1 when it set SASL_PATH, else 0.
 */
int	kc_cyrus_limit(const struct kc_conf *c);

/* --------------------------------------------------------------- producer */

struct kc_producer;

/*
 * Called from kc_producer_poll() and kc_producer_flush() once per message:
 * err is KC_OK when Kafka has it (acks=all), else the reason in errstr. m is
 * the message as sent; opaque is the producer's, arg the message's own
 * (kc_producer_send_arg). The callback must not call kc_producer_send() or
 * kc_producer_free() on the same producer (queue the work instead).
 */
typedef void kc_delivery_fn(void *opaque, void *arg, const struct kc_msg *m,
    int err, const char *errstr);

/*
 * An idempotent producer (acks=all, murmur2_random partitioner, key = room)
 * for topic (NULL: the conf's topic); c must outlive the producer, and may
 * be shared by any number of producers and readers. On a fatal
 * idempotence error it recreates itself and re-sends what was not
 * acknowledged.
 */
int	kc_producer_new(const struct kc_conf *c, const char *topic,
	    kc_delivery_fn *fn, void *opaque, struct kc_producer **out,
	    char *errstr, size_t errlen);
/*
 * Does not flush. Messages never reported that carry an arg are reported
 * now as not stored (KC_ERR_TIMEOUT), so that their args can be released.
 */
void	kc_producer_free(struct kc_producer *p);
/* Encodes and queues m; the delivery callback reports the outcome. */
int	kc_producer_send(struct kc_producer *p, const struct kc_msg *m);
/* The same, with arg handed to the callback (not touched otherwise). */
int	kc_producer_send_arg(struct kc_producer *p, const struct kc_msg *m,
	    void *arg);
/*
 * A descriptor that becomes readable when delivery reports wait: poll it
 * and call kc_producer_poll() (which empties it) instead of polling on a
 * timer. -1 when there is none.
 */
int	kc_producer_fd(const struct kc_producer *p);
/* Serves delivery reports; returns how many were served. */
int	kc_producer_poll(struct kc_producer *p, int timeout_ms);
/* Waits until everything is delivered or timeout_ms passes (KC_ERR_TIMEOUT). */
int	kc_producer_flush(struct kc_producer *p, int timeout_ms);
/*
 * Starts over with a new librdkafka handle made from the conf as it is
 * now (the embedded broker may have moved: kc_conf_brokers()), sending
 * again everything not yet acknowledged, oldest first, with the same ids.
 * When the handle cannot be made, the next send, poll or flush tries again.
 */
int	kc_producer_reconnect(struct kc_producer *p);
/* Messages queued and not yet reported. */
int	kc_producer_pending(const struct kc_producer *p);

/* ----------------------------------------------------------------- reader */

struct kc_reader;

/* Where a reader starts on each partition. */
#define KC_FROM_END	0	/* only new messages */

/*
 * A reader of every partition of topic (assign(), no consumer group).
 * back = KC_FROM_END starts at the end; back = N starts N records before the
 * end of each partition.
 */
int	kc_reader_new(const struct kc_conf *c, const char *topic, long back,
	    struct kc_reader **out, char *errstr, size_t errlen);
/*
 * Like kc_reader_new() but starts at the first record at or after since_us
 * (Kafka's offsets for times). A broker that finds no offset for a time in
 * a partition that is not empty (the embedded broker never does) is read
 * from at most 5000 records before its end, skipping those older than
 * since_us until the first that is not.
 */
int	kc_reader_new_since(const struct kc_conf *c, const char *topic,
	    int64_t since_us, struct kc_reader **out, char *errstr, size_t errlen);
/*
 * kc_reader_new_since() for one pass over up to KC_HISTORY_SCAN_MAX
 * records of a topic (the direct messages a user missed): librdkafka
 * reads at most 4 MB ahead of it, not up to 64 MB per partition.
 */
int	kc_reader_new_scan(const struct kc_conf *c, const char *topic,
	    int64_t since_us, struct kc_reader **out, char *errstr,
	    size_t errlen);
void	kc_reader_free(struct kc_reader *r);
/*
 * One librdkafka consumer for the long-lived readers of a program (share.c):
 * readers and state topics opened with it read their topics through one
 * handle (its threads, connections and memory) instead of one each. A
 * topic already read through s gets a handle of its own. c must outlive s;
 * free s after the readers opened with it.
 */
struct kc_share;
int	kc_share_new(const struct kc_conf *c, struct kc_share **out);
void	kc_share_free(struct kc_share *s);
/*
 * Queues m to topic (key: its room) through the producer beside s's
 * consumer: acks=all, not idempotent, a failure only counted
 * (kc_state_failed()); for records that matter little, such as presence
 * heartbeats. KC_ERR_NOT_FOUND while no reader of s is open.
 */
int	kc_share_send(struct kc_share *s, const char *topic,
	    const struct kc_msg *m);
/*
 * kc_reader_new() (since_us 0) or kc_reader_new_since() on the consumer of
 * s (NULL: a handle of its own). Its partitions are fetched from its first
 * read or kc_reader_fd() on, or another reader of s's, together with those
 * of every reader of s opened by then: until then the broker answers
 * readers being opened at once, not after a fetch that waits for records.
 */
int	kc_reader_new_shared(struct kc_share *s, const struct kc_conf *c,
	    const char *topic, long back, int64_t since_us,
	    struct kc_reader **out, char *errstr, size_t errlen);

/*
 * Waits up to timeout_ms for the next chat record and decodes it into m.
 * KC_OK: m holds a valid message. KC_ERR_TIMEOUT: nothing yet. Records that
 * do not decode are skipped and counted (kc_reader_skipped()).
 */
int	kc_reader_next(struct kc_reader *r, int timeout_ms, struct kc_msg *m);
/* Records skipped because they did not decode. */
uint64_t kc_reader_skipped(const struct kc_reader *r);
/* 1 once every partition was read up to where it ended at the start. */
int	kc_reader_caught_up(const struct kc_reader *r);
/* Of those, the ones kc_mp_decode() refused with err (kc_errname() says why). */
uint64_t kc_reader_invalid(const struct kc_reader *r, int err);
/*
 * A file descriptor that becomes readable when records are waiting, for
 * poll()/libwebsockets. When it is readable, read and discard its bytes,
 * then call kc_reader_next() until it returns KC_ERR_TIMEOUT: the fd is
 * written only when the queue goes from empty to not empty.
 */
int	kc_reader_fd(struct kc_reader *r);
/*
 * Total consumer lag (high watermark - position) over all partitions, from
 * r's positions and the high watermarks librdkafka last saw, or where each
 * partition ended when r was opened until it saw one (no request: may be
 * stale while a partition's leader does not answer; a reader not yet
 * fetched from is behind by all it has to read).
 */
int64_t	kc_reader_lag(struct kc_reader *r);
/*
 * Called by kc_reader_drain() for each record read (m), and with m NULL
 * after each 100 ms without one; nonzero stops the drain.
 */
typedef int kc_drain_fn(void *arg, const struct kc_msg *m);
/*
 * Reads r until it has caught up, deadline_us (µs since the epoch) passes,
 * or fn says stop; returns the records read. Caught up: with quiet_ms 0,
 * everything the topic held when r was opened is read
 * (kc_reader_caught_up(); a live reader gets what comes later); else
 * nothing came for quiet_ms and no lag is left (records in flight when r
 * was opened count too). For scans of a time span: a replay, the direct
 * messages missed, the presence of the last minute.
 */
size_t	kc_reader_drain(struct kc_reader *r, int64_t deadline_us, int quiet_ms,
	    kc_drain_fn *fn, void *arg);
/*
 * kc_reader_drain() for the raw records of a state topic: fn gets each
 * record's key and value, and key NULL after each 50 ms without one; it
 * stops once caught up (kc_reader_caught_up()) or after quiet_ms without
 * a record and no lag left, whichever comes first.
 */
typedef int kc_drain_raw_fn(void *arg, const struct kc_buf *key,
    const struct kc_buf *val);
size_t	kc_reader_drain_raw(struct kc_reader *r, int64_t deadline_us,
	    int quiet_ms, kc_drain_raw_fn *fn, void *arg);
/*
 * Consumer lag from the last statistics (every second, no request made): the
 * lag of the partitions whose leader answers, and how many partitions have
 * a leader that does not (their lag is unknown, not the last one seen).
 */
void	kc_reader_lag_now(const struct kc_reader *r, int64_t *lag, int *unknown);
/*
 * Times a partition's log was found not to hold the reader's position
 * (retention trimmed it, or the log went backwards: the embedded broker
 * restarted); it then reads on from the log's start.
 */
uint64_t kc_reader_resets(const struct kc_reader *r);
/*
 * The offset of the next record kc_reader_next() will return from
 * partition (everything below it was returned or skipped), or -1 for a
 * partition the reader does not read.
 */
int64_t	kc_reader_position(const struct kc_reader *r, int32_t partition);
/* Partitions the reader reads (0 .. n-1). */
int	kc_reader_partitions(const struct kc_reader *r);
/* The partition of room's records in a topic of nparts partitions. */
int32_t	kc_room_partition(const char *room, int nparts);
/* 1 while the last metadata request succeeded. */
int	kc_reader_connected(struct kc_reader *r);

/* ---------------------------------------------------------------- history */

/*
 * Reads "the last n messages of room" from Kafka: only room's partition,
 * backwards from the high watermark (or from the message with id before, when
 * set) in growing windows, keeping room's records, until n or the low
 * watermark. Returns them oldest first in *out (array of *count messages,
 * free with kc_history_free()). Bounded: stops after reading
 * KC_HISTORY_SCAN_MAX records.
 */
#define KC_HISTORY_SCAN_MAX 100000
int	kc_history_fetch(const struct kc_conf *c, const char *room, size_t n,
	    const char *before, int timeout_ms, struct kc_msg **out,
	    size_t *count, char *errstr, size_t errlen);
void	kc_history_free(struct kc_msg *msgs, size_t count);

/*
 * The same by offsets, for readers that know where their live stream
 * starts: the newest n displayable records of room at offsets in
 * [since, before) of its partition (before = KC_OFFSET_END: the end;
 * before_id, when before is KC_OFFSET_END and it is set: below the offset
 * of that record, found by reading from its id's time minus
 * KC_HISTORY_ID_SLACK_MS). Records are returned oldest first with their
 * offsets, the first of each id only; *more is 1 when older records of
 * room at or above since were left out. KC_ERR_NOT_FOUND: no record
 * before_id in the room.
 *
 * Partitions added to the topic move rooms: a room's older records stay in
 * the partition it had when the topic was made (the presence topic keeps
 * that count, kc_topics_ensure()). When since is 0 and the room's
 * partition holds nothing older, its records there follow, with offsets
 * moved below every real one (offset - KC_OFFSET_MOVED: negative, never
 * -1), so that a page's lowest offset is still what to ask below next.
 */
#define KC_OFFSET_END		(-1)
#define KC_OFFSET_MOVED		(1LL << 50)
#define KC_HISTORY_ID_SLACK_MS	300000
struct kc_history_query {
	const char	*room;
	size_t		 n;
	int64_t		 before;	/* offset (a moved one too), or
					 * KC_OFFSET_END */
	int64_t		 since;		/* offset; 0 = from the beginning */
	const char	*before_id;	/* NULL or a ULID */
	int		 timeout_ms;
};
int	kc_history_query(const struct kc_conf *c, const struct kc_history_query *q,
	    struct kc_msg **out, size_t *count, int *more, char *errstr,
	    size_t errlen);

/*
 * A history reader: one Kafka consumer kept for query after query, so that
 * a program that asks often opens its connections to the brokers once (a
 * query then needs no new file descriptor while they last) and holds one
 * bounded fetch queue. Each query assigns the partitions it reads and
 * takes them back after; nothing read for one query reaches the next.
 * One query at a time: a thread that queries owns its reader.
 *
 * kc_history_reader_new() makes one for c's brokers and topic (no
 * connection yet) in *out, freed with kc_history_reader_free(); c may be
 * freed after; timeout_ms bounds a wait on a hung broker (at least 1 s). kc_history_reader_connect() connects now to the leaders of the
 * topic's partitions, waiting at most timeout_ms: optional, for a program
 * that wants its connections open before it is busy. KC_ERR_KAFKA from a
 * query: the reader may be broken; free it and make another.
 */
struct kc_history_reader;
int	kc_history_reader_new(const struct kc_conf *c, int timeout_ms,
	    struct kc_history_reader **out, char *errstr, size_t errlen);
int	kc_history_reader_connect(struct kc_history_reader *h, int timeout_ms,
	    char *errstr, size_t errlen);
/* kc_history_query() on reader h. */
int	kc_history_query_on(struct kc_history_reader *h,
	    const struct kc_history_query *q, struct kc_msg **out,
	    size_t *count, int *more, char *errstr, size_t errlen);
/* Closes h's consumer; h may be NULL. */
void	kc_history_reader_free(struct kc_history_reader *h);

/* ------------------------------------------------------------------ search */

/*
 * Searching a room's history (proto/search.c), for kchat-tui's /lastlog
 * and the bridge's "search" request: the messages and actions of room
 * whose text contains q, ASCII letters compared without case (other bytes,
 * so all of UTF-8 beyond ASCII, compared as they are).
 */
#define KC_SEARCH_Q_MAX		256	/* bytes of a query */
#define KC_SEARCH_SCAN_DEFAULT	10000	/* records of the room read */
#define KC_SEARCH_SCAN_MAX	100000
#define KC_SEARCH_RESULTS_MAX	100	/* matches returned by default */
/* 1 when text contains q (q "": never). */
int	kc_search_match(const char *text, const char *q);
/* 1 when m is a message or action whose text contains q. */
int	kc_search_hit(const struct kc_msg *m, const char *q);
struct kc_search_query {
	const char	*room;
	const char	*q;		/* 1..KC_SEARCH_Q_MAX bytes */
	size_t		 scan;		/* records of room to read; 0: default */
	size_t		 max;		/* matches kept; 0: KC_SEARCH_RESULTS_MAX */
	int64_t		 before;	/* offset, or KC_OFFSET_END */
	const char	*before_id;	/* NULL, or below this record (ULID) */
	int		 timeout_ms;	/* for each page read */
};
/*
 * Called after each page of the scan with the records of room read so
 * far; returns 1 to stop (the matches found so far are returned).
 */
typedef int kc_search_fn(void *arg, size_t scanned);
/*
 * Reads room's history backwards (as kc_history_query(), from q->before or
 * below q->before_id) a page at a time, at most q->scan records of the
 * room, and returns the newest q->max matches oldest first with their
 * offsets in *out (free with kc_history_free()); *scanned: records of the
 * room read; *more: older records were not read, or matches left out.
 * KC_ERR_INVAL: q->q empty or longer than KC_SEARCH_Q_MAX.
 */
int	kc_search_query(const struct kc_conf *c, const struct kc_search_query *q,
	    kc_search_fn *fn, void *arg, struct kc_msg **out, size_t *count,
	    size_t *scanned, int *more, char *errstr, size_t errlen);
/* The same on a history reader (all its pages on h). */
int	kc_search_query_on(struct kc_history_reader *h,
	    const struct kc_search_query *q, kc_search_fn *fn, void *arg,
	    struct kc_msg **out, size_t *count, size_t *scanned, int *more,
	    char *errstr, size_t errlen);

/* ------------------------------------------------------------------ topics */

/*
 * The chat topic and its presence topic as kchat wants them: missing ones
 * are created (create = 1) with KC_TOPIC_PARTITIONS partitions,
 * replication min(3, brokers), min.insync.replicas one less from 2
 * replicas on; the chat topic keeps retention_ms of history (-1: forever)
 * and is never compacted, the presence topic keeps an hour, the state
 * topics (kc_rooms_topic(), kc_read_topic()) are compacted. Then all are
 * checked: fn gets a line per topic (problem 0) and one per setting that
 * loses or endangers messages (problem 1), with the command that fixes it;
 * *problems counts those. KC_ERR_KAFKA: the cluster did not answer.
 */
#define KC_TOPIC_PARTITIONS	3
typedef void kc_topics_fn(void *opaque, int problem, const char *line);
int	kc_topics_ensure(const struct kc_conf *c, int create, int64_t retention_ms,
	    kc_topics_fn *fn, void *opaque, int *problems, char *errstr,
	    size_t errlen);
/* "forever" or -1, or a number with d, h, m, s or ms (default ms). */
int	kc_retention_parse(const char *s, int64_t *ms);

/* ---------------------------------------------------------------- presence */

/*
 * Presence, shared by bridges and TUIs so that "who" agrees everywhere.
 * join/leave records go to the chat topic (they are part of a room's
 * history); every participant also sends a "heartbeat" record per room it is
 * in to the presence topic (kc_presence_topic(): "<topic>.presence") every
 * KC_PRESENCE_INTERVAL_MS. A user is in a room from a join, heartbeat or
 * message until a leave, or until no record of theirs in that room arrived
 * for KC_PRESENCE_TIMEOUT_MS (so a crashed client drops out within that
 * time). A new reader reads the presence topic from
 * now - KC_PRESENCE_TIMEOUT_MS to learn who is already there.
 */
#define KC_PRESENCE_INTERVAL_MS	15000
#define KC_PRESENCE_TIMEOUT_MS	45000

struct kc_presence;

struct kc_presence *kc_presence_new(void);
void	kc_presence_free(struct kc_presence *p);
/*
 * Applies a record seen at now_us (join, leave, heartbeat, message, action;
 * dm counts for its room). Returns 1 when the set of users in m->room
 * changed, or whether one of them is away (kc_presence_away()), else 0.
 */
int	kc_presence_apply(struct kc_presence *p, const struct kc_msg *m,
	    int64_t now_us);
/*
 * Drops instances not seen for KC_PRESENCE_TIMEOUT_MS; calls fn for each
 * user that leaves a room so (its last instance there gone).
 */
typedef void kc_presence_fn(void *opaque, const char *room, const char *user);
int	kc_presence_expire(struct kc_presence *p, int64_t now_us,
	    kc_presence_fn *fn, void *opaque);
/*
 * Whether a live instance other than inst holds the name user, or one that
 * is alike (kc_alike(): "Alice" or "aIice" for "alice": names are told
 * apart, but one would pass for the other): present in any room, heard
 * of within KC_PRESENCE_TIMEOUT_MS. 1 with the earliest such instance in
 * *h (may be NULL), else 0. inst NULL: any.
 */
struct kc_holder {
	char	user[KC_NAME_MAX + 1];	/* the name as the holder writes it */
	char	inst[KC_INST_MAX + 1];	/* its instance id */
	int64_t	since;			/* µs: first heard of */
};
int	kc_presence_holder(const struct kc_presence *p, const char *user,
	    const char *inst, int64_t now_us, struct kc_holder *h);
/*
 * 1 when user is in room and every instance of theirs there is away: its
 * latest join or heartbeat carried an "away" message (/away).
 */
int	kc_presence_away(const struct kc_presence *p, const char *room,
	    const char *user);
/* Calls fn for each user in room, sorted by name; returns how many. */
size_t	kc_presence_who(const struct kc_presence *p, const char *room,
	    kc_presence_fn *fn, void *opaque);
/* Calls fn(opaque, room, NULL) for each room with anyone in it, sorted. */
size_t	kc_presence_rooms(const struct kc_presence *p, kc_presence_fn *fn,
	    void *opaque);
/* Writes "<topic>.presence" into buf. */
int	kc_presence_topic(const char *topic, char *buf, size_t len);

/*
 * 1 when nobody live holds the name user, but someone holds a name alike to
 * it (kc_alike()): "Dave" while dave is online. A direct message to user
 * would then reach nobody now (delivery is by the exact name), and be kept
 * for whoever takes that spelling later. The alike holder in *h (may be
 * NULL).
 */
int	kc_presence_alike(const struct kc_presence *p, const char *user,
	    int64_t now_us, struct kc_holder *h);

/*
 * Whose the direct messages stored for a name are, in open mode (no
 * accounts): not those written while another client instance held it
 * (tenure.c). kc_tenure_new() copies user and inst (this instance's id);
 * NULL when out of memory. kc_tenure_see() takes every record of the chat
 * topic read (a room's in order); kc_tenure_ours() is 1 when a direct
 * message to or from user came after the last of another instance's hold
 * on the name (a NULL t: always); kc_tenure_after() is that moment (µs,
 * INT64_MIN: none, INT64_MAX: held by another to the end).
 */
struct kc_tenure;
struct kc_tenure *kc_tenure_new(const char *user, const char *inst);
void	kc_tenure_free(struct kc_tenure *t);
void	kc_tenure_see(struct kc_tenure *t, const struct kc_msg *m);
int64_t	kc_tenure_after(const struct kc_tenure *t);
int	kc_tenure_ours(const struct kc_tenure *t, const struct kc_msg *m);
/*
 * Drops from v[0..*n) the messages written up to after (kc_tenure_after():
 * another holder's), keeping the others in order; the slots past the new
 * *n are left initialised. Returns how many went.
 */
size_t	kc_tenure_drop(int64_t after, struct kc_msg *v, size_t *n);

/* ------------------------------------------------------------ state topics */

/*
 * Shared state beyond the chat stream lives in compacted topics keyed by
 * what it describes, read from their beginning at start and followed
 * live: "<topic>.rooms" (kc_rooms_topic(), key = room: who made it, when,
 * its topic line) and "<topic>.read" (kc_read_topic(), key = "user/room":
 * the newest message the user has read there). Compaction keeps the newest
 * record of each key, so every record is complete in itself.
 */
int	kc_rooms_topic(const char *topic, char *buf, size_t len);
int	kc_read_topic(const char *topic, char *buf, size_t len);

/*
 * Raw records of a reader, for topics whose values are not chat messages:
 * the next one's key and value copied into key and val (reset first), its
 * offset in *offset. KC_ERR_TIMEOUT: none within timeout_ms.
 */
int	kc_reader_next_raw(struct kc_reader *r, int timeout_ms,
	    struct kc_buf *key, struct kc_buf *val, int64_t *offset);

struct kc_state;

/*
 * A state topic (state.c): a reader from its beginning, followed live,
 * and a producer of keyed records (acks=all, murmur2_random like the
 * chat). Opening waits for the broker like kc_reader_new(). c must outlive
 * the handle.
 */
int	kc_state_new(const struct kc_conf *c, const char *topic,
	    struct kc_state **out, char *errstr, size_t errlen);
/* kc_state_new() with its reader on the consumer of s (kc_share_new()). */
int	kc_state_new_shared(struct kc_share *s, const struct kc_conf *c,
	    const char *topic, struct kc_state **out, char *errstr,
	    size_t errlen);
/* Waits up to flush_ms for what was put, then closes. */
void	kc_state_free(struct kc_state *s, int flush_ms);
/* The reader's wake-up descriptor (kc_reader_fd()). */
int	kc_state_fd(struct kc_state *s);
/* The next record (see kc_reader_next_raw()); serves delivery reports. */
int	kc_state_next(struct kc_state *s, struct kc_buf *key, struct kc_buf *val);
/* Queues one record; KC_ERR_QUEUE_FULL or KC_ERR_KAFKA when refused. */
int	kc_state_put(struct kc_state *s, const char *key, const void *val,
	    size_t len);
/*
 * Records Kafka refused to store (delivery reports served so far); opened
 * with a kc_share, every record written through it (kc_share_send() too).
 */
uint64_t kc_state_failed(const struct kc_state *s);
/*
 * Reads what the topic holds until caught up (up to where each partition
 * ended at the start, kc_reader_caught_up(); else nothing for quiet_ms and
 * no lag left) or deadline_us, calling fn for each record; the handle then
 * goes on following the topic live. Returns the records read.
 */
typedef void kc_state_fn(void *arg, const struct kc_buf *key,
    const struct kc_buf *val);
size_t	kc_state_catch_up(struct kc_state *s, int64_t deadline_us,
	    int quiet_ms, kc_state_fn *fn, void *arg);

/*
 * A room's record on the rooms topic (roominfo.c). Value: a msgpack map
 * v, room, created_by, created_ts (µs) and, once set, topic, topic_by,
 * topic_ts (µs); unknown keys are ignored. A topic is one line: 0 ..
 * KC_TOPIC_MAX bytes of UTF-8 without control characters ("" clears it).
 */
#define KC_TOPIC_MAX	300
struct kc_roominfo {
	char	room[KC_NAME_MAX + 1];
	char	created_by[KC_NAME_MAX + 1];
	int64_t	created_ts;
	char	topic[KC_TOPIC_MAX + 1];
	char	topic_by[KC_NAME_MAX + 1];	/* "" while never set */
	int64_t	topic_ts;			/* 0 while never set */
};
int	kc_topic_validate(const char *s, size_t len);
int	kc_roominfo_encode(const struct kc_roominfo *ri, struct kc_buf *out);
/* Bounded like kc_mp_decode(); validates names, times and the topic. */
int	kc_roominfo_decode(const void *buf, size_t len, struct kc_roominfo *ri);
/*
 * Folds a record read into what is known of its room: the earliest
 * creation wins, the newest topic wins. Returns 1 when dst changed.
 */
int	kc_roominfo_merge(struct kc_roominfo *dst, const struct kc_roominfo *src);

/* Every room known from the rooms topic, sorted by name (roomtab.c). */
#define KC_ROOMTAB_MAX	10000
struct kc_roomtab;
struct kc_roomtab *kc_roomtab_new(void);
void	kc_roomtab_free(struct kc_roomtab *t);
/* Merges ri in; 1 when something shown changed, 0 not, or an error. */
int	kc_roomtab_apply(struct kc_roomtab *t, const struct kc_roominfo *ri);
const struct kc_roominfo *kc_roomtab_get(const struct kc_roomtab *t,
	    const char *room);
size_t	kc_roomtab_count(const struct kc_roomtab *t);
const struct kc_roominfo *kc_roomtab_at(const struct kc_roomtab *t, size_t i);

/*
 * A read marker on the read topic (marker.c): key "user/room", value a
 * msgpack map v, user, room, id (the newest message read, a ULID), offset
 * (its offset in the room's partition, -1 unknown) and ts (µs, when).
 * The newer marker of a key is the one further on: higher offset, or
 * when an offset is unknown the later id. A direct conversation's
 * "room" is "@" and the other party's name ("alice/@bob"): its messages
 * lie in several partitions, so ids compare (its offset is -1).
 */
#define KC_MARKER_KEY_MAX	(2 * KC_NAME_MAX + 3)
struct kc_marker {
	char	user[KC_NAME_MAX + 1];
	char	room[KC_NAME_MAX + 2];	/* a room, or "@user" */
	char	id[KC_ID_LEN + 1];
	int64_t	offset;
	int64_t	ts;
};
int	kc_marker_key(const char *user, const char *room, char *buf, size_t len);
int	kc_marker_encode(const struct kc_marker *mk, struct kc_buf *out);
int	kc_marker_decode(const void *buf, size_t len, struct kc_marker *mk);
/* 1 when b is further on than a. */
int	kc_marker_newer(const struct kc_marker *a, const struct kc_marker *b);

/* Read markers by user and room, the furthest of each (marktab.c). */
#define KC_MARKTAB_MAX	100000
struct kc_marktab;
struct kc_marktab *kc_marktab_new(void);
void	kc_marktab_free(struct kc_marktab *t);
/* Keeps mk when it is further on; 1 when it was, else 0. */
int	kc_marktab_apply(struct kc_marktab *t, const struct kc_marker *mk);
const struct kc_marker *kc_marktab_get(const struct kc_marktab *t,
	    const char *user, const char *room);

/* ------------------------------------------------------------------ colour */

/*
 * The stable colour of a user name, 0..KC_COLOURS-1: FNV-1a (32-bit) of the
 * name's bytes, modulo KC_COLOURS. The TUI and the web client use the same
 * rule and the same palette order, so a user has one colour everywhere.
 */
#define KC_COLOURS 12
unsigned kc_user_colour(const char *user);
/* FNV-1a, 32 bits, of a NUL-terminated string (for hash tables). */
uint32_t kc_hash(const char *s);
/*
 * Whether user names a and b would pass for each other on a screen
 * (alike.c): they differ only in case, or in glyphs many fonts draw alike
 * (I, l, 1; O, 0; "rn", "m"; "vv", "w"; "cl", "d"), or in the separators
 * . _ - (which count for nothing). kc_alike_hash() is the same for
 * names that are alike.
 */
int	 kc_alike(const char *a, const char *b);
uint32_t kc_alike_hash(const char *s);
/*
 * strcasecmp() of ASCII letters only, in any locale (names are ASCII; in
 * a Turkish one, strcasecmp("I", "i") is not 0).
 */
int	kc_strcasecmp(const char *a, const char *b);
int	kc_strncasecmp(const char *a, const char *b, size_t n);

/* --------------------------------------------------------- embedded broker */

struct kc_embedded;

/*
 * Starts librdkafka's mock cluster in-process (messages in memory only) with
 * the chat topic, and publishes its address in kc_embedded_path() so that
 * clients on this machine find it without flags.
 */
int	kc_embedded_start(const char *topic, struct kc_embedded **out,
	    char *errstr, size_t errlen);
const char *kc_embedded_bootstraps(const struct kc_embedded *e);
/* Stops the cluster and removes the published address. */
void	kc_embedded_stop(struct kc_embedded *e);
/* The file holding a running embedded broker's address. */
const char *kc_embedded_path(void);
/* Reads a published address into buf; KC_ERR_NOT_FOUND when none is live. */
int	kc_embedded_lookup(char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* KCHAT_H */
