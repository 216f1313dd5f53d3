/*
 * request.c - a client's frame, parsed by kc_json_parse_req() (libkchat),
 * to the file that handles its type: one request-TYPE.c per request, named
 * in the table below. Before that: a frame with a "type" other than
 * message, or a "ref", makes the connection extended (it gets the frames
 * beyond the documented four fields), and the first user name a connection
 * sends is bound to it (member.c); with accounts on, the account's name
 * is bound at the start, and a frame naming another is refused
 * (username_mismatch). kchat.7 specifies every request and answer. A
 * new connection's ?dm=ID,ID... names the newest direct messages its
 * client has: the stored ones sent when its name is bound start a little
 * before them, without them.
 */
#include "bridge.h"

static void (*const handlers[])(struct session *, const struct kc_req *) = {
	[KC_REQ_MESSAGE] = request_post,
	[KC_REQ_ACTION] = request_post,
	[KC_REQ_DM] = request_post,
	[KC_REQ_JOIN] = request_join,
	[KC_REQ_LEAVE] = request_leave,
	[KC_REQ_HISTORY] = request_history,
	[KC_REQ_TYPING] = request_typing,
	[KC_REQ_WHO] = request_who,
	[KC_REQ_ROOMS] = request_rooms,
	[KC_REQ_PING] = request_ping,
	[KC_REQ_SEARCH] = request_search,
	[KC_REQ_TOPIC] = request_topic,
	[KC_REQ_READ] = request_read,
	[KC_REQ_EDIT] = request_post,
	[KC_REQ_DELETE] = request_post,
	[KC_REQ_AWAY] = request_away,
};

void
request_handle(struct session *s, const char *buf, size_t len)
{
	struct kc_req	r;
	int		err;

	kc_req_init(&r);
	if ((err = kc_json_parse_req(buf, len, &r)) != KC_OK) {
		/* the parser keeps a valid ref even when the rest is refused,
		 * so the client can tie the error to what it sent */
		session_error(s, err, NULL, r.ref[0] != '\0' ? r.ref : NULL);
		goto out;
	}
	if (r.type != KC_REQ_MESSAGE || r.ref[0] != '\0')
		session_extend(s);
	if (member_bind(s, r.username, r.ref) != 0)
		goto out;
	if ((size_t)r.type < sizeof handlers / sizeof handlers[0] &&
	    handlers[r.type] != NULL)
		handlers[r.type](s, &r);
out:
	kc_req_clear(&r);
}

void
request_opened(struct session *s)
{
	char		 arg[BRIDGE_DM_IDS_LEN + 8];
	const char	*v;

	/* ?dm=ID,ID...: direct messages the client has (member_bind). */
	if (s->wsi != NULL && (v = lws_get_urlarg_by_name(s->wsi, "dm=", arg,
	    sizeof arg)) != NULL &&
	    (s->dm_have = malloc(BRIDGE_DM_IDS_LEN)) != NULL)
		inbox_have(v, s->dm_have);
	if (s->account[0] != '\0')
		member_bind(s, s->account, NULL);
	member_join(s, "general", NULL, 0, NULL, -1);
}
