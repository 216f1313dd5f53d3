/*
 * request-away.c - "away": the connection's user is away, with a message
 * ("message": one line of at most KC_AWAY_MAX bytes), or back ("message"
 * absent or ""). Its heartbeats and joins carry it (kchat.7, the "away"
 * key); one heartbeat in every room it is in says it at once, so every
 * client's list of people marks it within a moment.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

void
request_away(struct session *s, const struct kc_req *r)
{
	unsigned i;

	if (s->user[0] == '\0') {
		session_error(s, KC_ERR_USERNAME_REQUIRED, "away needs a user "
		    "name", r->ref);
		return;
	}
	free(s->away);
	s->away = NULL;
	if (r->text != NULL && r->text[0] != '\0' &&
	    (s->away = strdup(r->text)) == NULL) {
		session_error(s, KC_ERR_NOMEM, "out of memory", r->ref);
		return;
	}
	for (i = 0; i < s->nmembers; i++)
		kafka_heartbeat(s->members[i].room, s->user, s->inst, 0, s->away);
}
