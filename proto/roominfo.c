/*
 * roominfo.c - a room's record on the rooms topic ("<topic>.rooms", key =
 * room): who made it and when, and its topic line with who set it and
 * when. Every record is whole (compaction keeps only the newest of a
 * key), so a writer copies what it knows and changes its part.
 */
#include <string.h>

#include <msgpack.h>

#include "internal.h"

enum { RI_V, RI_ROOM, RI_BY, RI_CREATED, RI_TOPIC, RI_TOPIC_BY, RI_TOPIC_TS,
    RI__COUNT };
static const char *const ri_keys[RI__COUNT] = { "v", "room", "created_by",
    "created_ts", "topic", "topic_by", "topic_ts" };
#define RI_REQUIRED ((1u << RI_V) | (1u << RI_ROOM) | (1u << RI_BY) | \
    (1u << RI_CREATED))

int
kc_rooms_topic(const char *topic, char *buf, size_t len)
{
	return kc_topic_with(topic, ".rooms", buf, len);
}

int
kc_topic_validate(const char *s, size_t len)
{
	size_t	i;

	if (len > KC_TOPIC_MAX)
		return KC_ERR_TOPIC_TOO_LONG;
	if (len == 0)
		return KC_OK;
	if (!kc_utf8_valid(s, len))
		return KC_ERR_TEXT_UTF8;
	for (i = 0; i < len; i++) {
		if (s[i] == '\n' || s[i] == '\t')
			return KC_ERR_TEXT_CONTROL;	/* one line */
	}
	return kc_text_validate(s, len);
}

static int
roominfo_validate(const struct kc_roominfo *ri)
{
	int err;

	if ((err = kc_room_validate(ri->room, strlen(ri->room))) != KC_OK ||
	    (err = kc_user_validate(ri->created_by, strlen(ri->created_by))) !=
	    KC_OK ||
	    (err = kc_topic_validate(ri->topic, strlen(ri->topic))) != KC_OK)
		return err;
	if (ri->topic_by[0] != '\0' && (err = kc_user_validate(ri->topic_by,
	    strlen(ri->topic_by))) != KC_OK)
		return err;
	if (ri->created_ts <= 0 || ri->topic_ts < 0)
		return KC_ERR_TS;
	return KC_OK;
}

int
kc_roominfo_encode(const struct kc_roominfo *ri, struct kc_buf *out)
{
	msgpack_packer	pk;
	int		err, set = ri->topic_ts > 0;

	if ((err = roominfo_validate(ri)) != KC_OK)
		return err;
	msgpack_packer_init(&pk, out, kc_mpmap_write);
	if (msgpack_pack_map(&pk, set ? 7 : 4) ||
	    kc_mpmap_pack_int(&pk, "v", KC_RECORD_VERSION) ||
	    kc_mpmap_pack_str(&pk, "room", ri->room) ||
	    kc_mpmap_pack_str(&pk, "created_by", ri->created_by) ||
	    kc_mpmap_pack_int(&pk, "created_ts", ri->created_ts) ||
	    (set && (kc_mpmap_pack_str(&pk, "topic", ri->topic) ||
	    kc_mpmap_pack_str(&pk, "topic_by", ri->topic_by[0] != '\0' ?
	    ri->topic_by : ri->created_by) ||
	    kc_mpmap_pack_int(&pk, "topic_ts", ri->topic_ts))))
		return KC_ERR_NOMEM;
	return KC_OK;
}

static int
roominfo_field(void *arg, int k, const struct kc_mpmap_val *v)
{
	struct kc_roominfo	*ri = arg;
	int64_t			 i;
	int			 err;

	switch (k) {
	case RI_ROOM:
		return kc_mpmap_str(ri->room, sizeof ri->room, v);
	case RI_BY:
		return kc_mpmap_str(ri->created_by, sizeof ri->created_by, v);
	case RI_TOPIC:
		return kc_mpmap_str(ri->topic, sizeof ri->topic, v);
	case RI_TOPIC_BY:
		return kc_mpmap_str(ri->topic_by, sizeof ri->topic_by, v);
	}
	if ((err = kc_mpmap_int(&i, v)) != KC_OK)
		return err;
	if (k == RI_V)
		return i == KC_RECORD_VERSION ? KC_OK : KC_ERR_VERSION;
	*(k == RI_CREATED ? &ri->created_ts : &ri->topic_ts) = i;
	return KC_OK;
}

int
kc_roominfo_decode(const void *buf, size_t len, struct kc_roominfo *ri)
{
	int err;

	memset(ri, 0, sizeof *ri);
	if ((err = kc_mpmap_decode(buf, len, ri_keys, RI__COUNT, RI_REQUIRED,
	    roominfo_field, ri)) != KC_OK)
		return err;
	if (ri->topic_ts == 0) {
		ri->topic[0] = '\0';
		ri->topic_by[0] = '\0';
	}
	return roominfo_validate(ri);
}

int
kc_roominfo_merge(struct kc_roominfo *dst, const struct kc_roominfo *src)
{
	int changed = 0;

	if (dst->room[0] == '\0') {
		*dst = *src;
		return 1;
	}
	if (src->created_ts > 0 && src->created_ts < dst->created_ts) {
		memcpy(dst->created_by, src->created_by, sizeof dst->created_by);
		dst->created_ts = src->created_ts;
		changed = 1;
	}
	if (src->topic_ts > dst->topic_ts) {
		changed |= strcmp(dst->topic, src->topic) != 0;
		memcpy(dst->topic, src->topic, sizeof dst->topic);
		memcpy(dst->topic_by, src->topic_by, sizeof dst->topic_by);
		dst->topic_ts = src->topic_ts;
	}
	return changed;
}
