/*
 * relay.c - a record read from the chat topic to the connections it is
 * for: de-duplicated by id and writer, presence updated, encoded to JSON once, and
 * the same frame (reference counted) queued to every connection in its
 * room here; a direct message only to the connections of its two parties.
 * A room's record is also kept in its window of recent history (cache.c).
 */
#include <string.h>

#include "bridge.h"

/* A direct message's frame (arg) to one connection of a party. */
static void
relay_dm_one(struct session *s, void *arg)
{
	session_send(s, arg);
}

void
relay_record(const struct kc_msg *m)
{
	struct kc_buf	 b = { 0 };
	struct frame	*f;

	presence_chat_record(m);
	if (dedupe_seen(m->id, m->user)) {
		metrics.records_duplicate++;
		return;
	}
	/* Before anyone gets it: a join from now on finds it in memory. */
	cache_record(m);
	if (kc_wire_record(m, 0, &b) != KC_OK || (f = frame_of(&b)) == NULL) {
		kc_buf_free(&b);
		log_warn("cannot encode record %s", m->id);
		return;
	}
	kc_buf_free(&b);
	if (m->type == KC_TYPE_DM) {
		/* Only the two parties, wherever they are on this bridge. */
		users_foreach(m->user, relay_dm_one, f);
		if (strcmp(m->to, m->user) != 0)
			users_foreach(m->to, relay_dm_one, f);
	} else
		rooms_send(m->room, f, 0);
	frame_unref(f);
}
