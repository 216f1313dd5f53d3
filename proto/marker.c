/*
 * marker.c - a read marker on the read topic ("<topic>.read", key =
 * "user/room", names never hold '/'): the newest message the user has
 * read in the room, by id and by its offset in the room's partition; or
 * in the direct conversation with another user (room "@user", by id only:
 * its messages lie in the partitions of their senders' rooms).
 * Unread counts and the "new messages" line of every client of the user
 * come from it, so reading in one clears the others.
 */
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "internal.h"

enum { MK_V, MK_USER, MK_ROOM, MK_ID, MK_OFFSET, MK_TS, MK__COUNT };
static const char *const mk_keys[MK__COUNT] = { "v", "user", "room", "id",
    "offset", "ts" };
#define MK_REQUIRED ((1u << MK_V) | (1u << MK_USER) | (1u << MK_ROOM) | \
    (1u << MK_ID) | (1u << MK_TS))

int
kc_read_topic(const char *topic, char *buf, size_t len)
{
	return kc_topic_with(topic, ".read", buf, len);
}

int
kc_marker_key(const char *user, const char *room, char *buf, size_t len)
{
	int n;

	if (user == NULL || room == NULL || buf == NULL || len == 0)
		return KC_ERR_INVAL;
	n = snprintf(buf, len, "%s/%s", user, room);
	return n < 0 || (size_t)n >= len ? KC_ERR_INVAL : KC_OK;
}

static int
marker_validate(const struct kc_marker *mk)
{
	int err;

	if ((err = kc_user_validate(mk->user, strlen(mk->user))) != KC_OK)
		return err;
	/* "@bob": the direct conversation with bob, compared by id. */
	if (mk->room[0] == '@') {
		if ((err = kc_user_validate(mk->room + 1,
		    strlen(mk->room + 1))) != KC_OK)
			return err;
	} else if ((err = kc_room_validate(mk->room, strlen(mk->room))) !=
	    KC_OK)
		return err;
	if (!kc_ulid_valid(mk->id, strlen(mk->id)))
		return KC_ERR_ID;
	if (mk->ts <= 0)
		return KC_ERR_TS;
	return KC_OK;
}

int
kc_marker_encode(const struct kc_marker *mk, struct kc_buf *out)
{
	msgpack_packer	pk;
	int		err;

	if ((err = marker_validate(mk)) != KC_OK)
		return err;
	msgpack_packer_init(&pk, out, kc_mpmap_write);
	if (msgpack_pack_map(&pk, 6) ||
	    kc_mpmap_pack_int(&pk, "v", KC_RECORD_VERSION) ||
	    kc_mpmap_pack_str(&pk, "user", mk->user) ||
	    kc_mpmap_pack_str(&pk, "room", mk->room) ||
	    kc_mpmap_pack_str(&pk, "id", mk->id) ||
	    kc_mpmap_pack_int(&pk, "offset", mk->offset < 0 ? -1 : mk->offset) ||
	    kc_mpmap_pack_int(&pk, "ts", mk->ts))
		return KC_ERR_NOMEM;
	return KC_OK;
}

static int
marker_field(void *arg, int k, const struct kc_mpmap_val *v)
{
	struct kc_marker	*mk = arg;
	int64_t			 i;
	int			 err;

	switch (k) {
	case MK_USER:
		return kc_mpmap_str(mk->user, sizeof mk->user, v);
	case MK_ROOM:
		return kc_mpmap_str(mk->room, sizeof mk->room, v);
	case MK_ID:
		return kc_mpmap_str(mk->id, sizeof mk->id, v);
	}
	if ((err = kc_mpmap_int(&i, v)) != KC_OK)
		return err;
	if (k == MK_V)
		return i == KC_RECORD_VERSION ? KC_OK : KC_ERR_VERSION;
	if (k == MK_OFFSET)
		mk->offset = i < 0 ? -1 : i;
	else
		mk->ts = i;
	return KC_OK;
}

int
kc_marker_decode(const void *buf, size_t len, struct kc_marker *mk)
{
	int err;

	memset(mk, 0, sizeof *mk);
	mk->offset = -1;
	if ((err = kc_mpmap_decode(buf, len, mk_keys, MK__COUNT, MK_REQUIRED,
	    marker_field, mk)) != KC_OK)
		return err;
	return marker_validate(mk);
}

int
kc_marker_newer(const struct kc_marker *a, const struct kc_marker *b)
{
	if (a == NULL)
		return 1;
	/* A direct conversation's offsets are in different partitions. */
	if (a->offset >= 0 && b->offset >= 0 && b->room[0] != '@')
		return b->offset > a->offset;
	return strcmp(b->id, a->id) > 0;
}
