/*
 * history.c - "the last N messages of room R", read from Kafka.
 *
 * A room's records all live in one partition (key = room, murmur2), which
 * other rooms may share. Read backwards from the end (or from the message
 * before which older pages are wanted) in growing windows, keep room R's
 * chat records, stop at N, at the low watermark, or after
 * KC_HISTORY_SCAN_MAX records. Direct messages are not part of a room's
 * history (only their two parties may see them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define HISTORY_WINDOW_MIN 256

struct history {
	struct kc_msg	*msgs;		/* oldest first */
	size_t		 count;
};

void
kc_history_free(struct kc_msg *msgs, size_t count)
{
	size_t i;

	if (msgs == NULL)
		return;
	for (i = 0; i < count; i++)
		kc_msg_clear(&msgs[i]);
	free(msgs);
}

/* Decodes ms of a ULID's time part (first 10 characters). */
static int64_t
ulid_ms(const char *id)
{
	static const char	 alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	int64_t			 ms = 0;
	int			 i;

	for (i = 0; i < 10; i++)
		ms = ms * 32 + (strchr(alphabet, id[i]) - alphabet);
	return ms;
}

static int
history_keep(const struct kc_msg *m, const char *room, const char *before)
{
	if (strcmp(m->room, room) != 0)
		return 0;
	if (m->type != KC_TYPE_MESSAGE && m->type != KC_TYPE_ACTION &&
	    m->type != KC_TYPE_JOIN && m->type != KC_TYPE_LEAVE)
		return 0;
	return before == NULL || strcmp(m->id, before) < 0;
}

/*
 * Reads offsets [from, to) of one partition, appending room's records to
 * win (in offset order). Returns the number of records read.
 */
static int
history_window(rd_kafka_t *rk, const char *topic, int32_t part, int64_t from,
    int64_t to, const char *room, const char *before, int64_t deadline,
    struct history *win, int *errp)
{
	rd_kafka_topic_partition_list_t	*tl;
	rd_kafka_message_t		*rkm;
	struct kc_msg			 m, *grown;
	int64_t				 next = from;
	int				 n = 0;

	tl = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(tl, topic, part)->offset = from;
	if (rd_kafka_assign(rk, tl) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		rd_kafka_topic_partition_list_destroy(tl);
		*errp = KC_ERR_KAFKA;
		return 0;
	}
	rd_kafka_topic_partition_list_destroy(tl);
	kc_msg_init(&m);
	while (next < to) {
		if (kc_now_us() > deadline) {
			*errp = KC_ERR_TIMEOUT;
			break;
		}
		if ((rkm = rd_kafka_consumer_poll(rk, 100)) == NULL)
			continue;
		if (rkm->err == RD_KAFKA_RESP_ERR__PARTITION_EOF &&
		    rkm->partition == part) {
			/* the end of the log: offsets left in the window hold
			 * no data (transaction markers) */
			rd_kafka_message_destroy(rkm);
			break;
		}
		if (rkm->err != RD_KAFKA_RESP_ERR_NO_ERROR ||
		    rkm->partition != part || rkm->offset < next) {
			rd_kafka_message_destroy(rkm);
			continue;
		}
		next = rkm->offset + 1;
		n++;
		if (rkm->offset < to && kc_mp_decode(rkm->payload, rkm->len, &m) == KC_OK &&
		    history_keep(&m, room, before)) {
			grown = realloc(win->msgs, (win->count + 1) * sizeof *grown);
			if (grown == NULL) {
				rd_kafka_message_destroy(rkm);
				*errp = KC_ERR_NOMEM;
				break;
			}
			win->msgs = grown;
			win->msgs[win->count++] = m;	/* takes m's text */
			kc_msg_init(&m);
		}
		rd_kafka_message_destroy(rkm);
	}
	kc_msg_clear(&m);
	rd_kafka_assign(rk, NULL);
	return n;
}

/* Prepends the last `want` messages of win to h (win is emptied). */
static int
history_prepend(struct history *h, struct history *win, size_t want)
{
	struct kc_msg	*all;
	size_t		 take = win->count < want ? win->count : want;
	size_t		 skip = win->count - take, i;

	if ((all = malloc((h->count + take + 1) * sizeof *all)) == NULL)
		return KC_ERR_NOMEM;
	if (take > 0)
		memcpy(all, win->msgs + skip, take * sizeof *all);
	if (h->count > 0)
		memcpy(all + take, h->msgs, h->count * sizeof *all);
	for (i = 0; i < skip; i++)
		kc_msg_clear(&win->msgs[i]);
	free(win->msgs);
	free(h->msgs);
	win->msgs = NULL;
	win->count = 0;
	h->msgs = all;
	h->count += take;
	return KC_OK;
}

int
kc_history_fetch(const struct kc_conf *c, const char *room, size_t n,
    const char *before, int timeout_ms, struct kc_msg **out, size_t *count,
    char *errstr, size_t errlen)
{
	rd_kafka_conf_t			*rc;
	rd_kafka_t			*rk = NULL;
	rd_kafka_topic_partition_list_t	*tl;
	struct history			 h = { NULL, 0 }, win = { NULL, 0 };
	const char			*topic = kc_conf_get(c, "topic");
	char				 lerr[512];
	int64_t				 lo, hi, end, start, window, scanned = 0;
	int64_t				 deadline = kc_now_us() + (int64_t)timeout_ms * 1000;
	int32_t				 part;
	int				 nparts, err = KC_OK;

	*out = NULL;
	*count = 0;
	if ((err = kc_room_validate(room, strlen(room))) != KC_OK)
		return err;
	if (before != NULL && *before == '\0')
		before = NULL;
	if (before != NULL && !kc_ulid_valid(before, strlen(before)))
		return KC_ERR_ID;
	if (n == 0)
		return KC_OK;
	if (n > KC_HISTORY_SCAN_MAX)
		n = KC_HISTORY_SCAN_MAX;
	if ((rc = kc_conf_rdkafka(c, errstr, errlen)) == NULL)
		return KC_ERR_CONFIG;
	if (kc_conf_rdkafka_default(c, rc, "enable.auto.commit", "false", errstr, errlen) ||
	    kc_conf_rdkafka_default(c, rc, "group.id", "kchat-unused", errstr, errlen) ||
	    kc_conf_rdkafka_default(c, rc, "allow.auto.create.topics", "true", errstr, errlen) ||
	    kc_conf_rdkafka_default(c, rc, "log_level", "3", errstr, errlen) ||
	    kc_conf_rdkafka_default(c, rc, "fetch.wait.max.ms", "10", errstr, errlen) ||
	    kc_conf_rdkafka_default(c, rc, "enable.partition.eof", "true", errstr, errlen) ||
	    kc_conf_rdkafka_default(c, rc, "auto.offset.reset", "earliest", errstr, errlen)) {
		rd_kafka_conf_destroy(rc);
		return KC_ERR_CONFIG;
	}
	if ((rk = rd_kafka_new(RD_KAFKA_CONSUMER, rc, lerr, sizeof lerr)) == NULL) {
		rd_kafka_conf_destroy(rc);
		if (errstr != NULL)
			snprintf(errstr, errlen, "%s", lerr);
		return KC_ERR_KAFKA;
	}
	rd_kafka_poll_set_consumer(rk);
	if ((nparts = kc_topic_partitions(rk, topic, timeout_ms, errstr, errlen)) < 0) {
		err = KC_ERR_KAFKA;
		goto done;
	}
	part = rd_kafka_msg_partitioner_murmur2_random(NULL, room, strlen(room),
	    nparts, NULL, NULL);
	if ((err = kc_watermarks(rk, topic, part, deadline, &lo, &hi, errstr,
	    errlen)) != KC_OK)
		goto done;
	end = hi;
	if (before != NULL) {
		/* Older pages end at the first record after the id's millisecond. */
		tl = rd_kafka_topic_partition_list_new(1);
		rd_kafka_topic_partition_list_add(tl, topic, part)->offset =
		    ulid_ms(before) + 1;
		if (rd_kafka_offsets_for_times(rk, tl, timeout_ms) ==
		    RD_KAFKA_RESP_ERR_NO_ERROR && tl->elems[0].offset >= 0)
			end = tl->elems[0].offset;
		rd_kafka_topic_partition_list_destroy(tl);
	}
	window = (int64_t)n * 2 > HISTORY_WINDOW_MIN ? (int64_t)n * 2 : HISTORY_WINDOW_MIN;
	while (end > lo && h.count < n && scanned < KC_HISTORY_SCAN_MAX) {
		if (window > KC_HISTORY_SCAN_MAX - scanned)
			window = KC_HISTORY_SCAN_MAX - scanned;
		start = end - window > lo ? end - window : lo;
		scanned += history_window(rk, topic, part, start, end, room, before,
		    deadline, &win, &err);
		if (err == KC_OK)
			err = history_prepend(&h, &win, n - h.count);
		if (err != KC_OK)
			break;
		end = start;
		window *= 2;
	}
	if (err == KC_ERR_TIMEOUT && errstr != NULL)
		snprintf(errstr, errlen, "reading the history of %s timed out", room);
	if (err != KC_OK) {
		kc_history_free(win.msgs, win.count);
		kc_history_free(h.msgs, h.count);
		goto done;
	}
	*out = h.msgs;
	*count = h.count;
done:
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return err;
}
