/*
 * kafka-state.c - kchat-tui's side of the state topics: the rooms topic
 * and the read topic (kchat.7, TOPICS), for tui/roomstate.c. The
 * connecting thread opens both once the readers are open and reads them
 * to their end (the user's own markers only), the main thread applies
 * that when the attempt is done and then follows both live. Writes go
 * straight to Kafka (kc_state_put()). Without them (an old cluster that
 * refuses the topics) the chat goes on: topics and markers are off.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafka.h"

#define STATE_CATCH_UP_MS	5000	/* reading at start, at most */
#define STATE_QUIET_MS		300
#define STATE_BATCH		256	/* records per loop pass */
#define STATE_FLUSH_MS		500	/* at exit */

/* The connecting thread's reading of both topics to their end. */
static void
kafka_state_keep(void *arg, const struct kc_buf *key, const struct kc_buf *val)
{
	struct kafka		*k = arg;
	struct kc_roominfo	 ri;
	struct kc_marker	 mk;

	if (val->len == 0)
		return;
	if (kc_roominfo_decode(val->data, val->len, &ri) == KC_OK) {
		if (k->ninit_rooms == k->init_rooms_cap) {
			k->init_rooms_cap = k->init_rooms_cap ?
			    k->init_rooms_cap * 2 : 16;
			k->init_rooms = xreallocarray(k->init_rooms,
			    k->init_rooms_cap, sizeof *k->init_rooms);
		}
		k->init_rooms[k->ninit_rooms++] = ri;
	} else if (kc_marker_decode(val->data, val->len, &mk) == KC_OK &&
	    strcmp(mk.user, k->inbox_user) == 0) {
		if (k->ninit_marks == k->init_marks_cap) {
			k->init_marks_cap = k->init_marks_cap ?
			    k->init_marks_cap * 2 : 16;
			k->init_marks = xreallocarray(k->init_marks,
			    k->init_marks_cap, sizeof *k->init_marks);
		}
		k->init_marks[k->ninit_marks++] = mk;
	}
}

void
kafka_state_connect(struct kafka *k)
{
	char		topic[300], errstr[256];
	int64_t		deadline = kc_now_us() + (int64_t)STATE_CATCH_UP_MS * 1000;

	if (k->rstate != NULL)
		return;		/* open since an earlier attempt */
	if (kc_rooms_topic(k->topic, topic, sizeof topic) != KC_OK ||
	    kc_state_new_shared(k->share, k->conf, topic, &k->new_rstate, errstr,
	    sizeof errstr) != KC_OK)
		return;
	if (kc_read_topic(k->topic, topic, sizeof topic) != KC_OK ||
	    kc_state_new_shared(k->share, k->conf, topic, &k->new_mstate, errstr,
	    sizeof errstr) != KC_OK) {
		kc_state_free(k->new_rstate, 0);
		k->new_rstate = NULL;
		return;
	}
	kc_state_catch_up(k->new_rstate, deadline, STATE_QUIET_MS,
	    kafka_state_keep, k);
	kc_state_catch_up(k->new_mstate, deadline, STATE_QUIET_MS,
	    kafka_state_keep, k);
}

void
kafka_state_adopt(struct kafka *k)
{
	size_t i;

	if (k->new_rstate == NULL)
		return;
	k->rstate = k->new_rstate;
	k->mstate = k->new_mstate;
	k->new_rstate = k->new_mstate = NULL;
	for (i = 0; i < k->ninit_rooms; i++)
		roomstate_room(k->chat, &k->init_rooms[i], 0);
	for (i = 0; i < k->ninit_marks; i++)
		roomstate_marker(k->chat, &k->init_marks[i]);
	free(k->init_rooms);
	free(k->init_marks);
	k->init_rooms = NULL;
	k->init_marks = NULL;
	k->ninit_rooms = k->init_rooms_cap = 0;
	k->ninit_marks = k->init_marks_cap = 0;
	roomstate_ready(chat_state(k->chat));
}

int
kafka_state_put_room(void *arg, const struct kc_roominfo *ri)
{
	struct kafka	*k = arg;
	struct kc_buf	 b = { 0 };
	int		 err;

	if (k->rstate == NULL)
		return KC_ERR_NOT_FOUND;	/* not open (yet) */
	if ((err = kc_roominfo_encode(ri, &b)) == KC_OK)
		err = kc_state_put(k->rstate, ri->room, b.data, b.len);
	kc_buf_free(&b);
	return err;
}

int
kafka_state_put_marker(void *arg, const struct kc_marker *mk)
{
	struct kafka	*k = arg;
	struct kc_buf	 b = { 0 };
	char		 key[KC_MARKER_KEY_MAX];
	int		 err;

	if (k->mstate == NULL)
		return KC_ERR_NOT_FOUND;
	if ((err = kc_marker_key(mk->user, mk->room, key, sizeof key)) == KC_OK &&
	    (err = kc_marker_encode(mk, &b)) == KC_OK)
		err = kc_state_put(k->mstate, key, b.data, b.len);
	kc_buf_free(&b);
	return err;
}

void
kafka_state_pollfds(struct kafka *k, struct pollfd *pfd)
{
	pfd[0].fd = k->rstate != NULL ? kc_state_fd(k->rstate) : -1;
	pfd[0].events = POLLIN;
	pfd[1].fd = k->mstate != NULL ? kc_state_fd(k->mstate) : -1;
	pfd[1].events = POLLIN;
}

static void
kafka_state_drain(struct kafka *k, struct kc_state *st)
{
	struct kc_buf		key = { 0 }, val = { 0 };
	struct kc_roominfo	ri;
	struct kc_marker	mk;
	char			buf[256];
	int			i;

	while (read(kc_state_fd(st), buf, sizeof buf) > 0)
		;
	for (i = 0; i < STATE_BATCH; i++) {
		if (kc_state_next(st, &key, &val) != KC_OK)
			break;
		if (val.len == 0)
			continue;
		if (st == k->rstate) {
			if (kc_roominfo_decode(val.data, val.len, &ri) == KC_OK)
				roomstate_room(k->chat, &ri, 1);
		} else if (kc_marker_decode(val.data, val.len, &mk) == KC_OK)
			roomstate_marker(k->chat, &mk);
	}
	kc_buf_free(&key);
	kc_buf_free(&val);
}

void
kafka_state_read(struct kafka *k)
{
	if (k->rstate != NULL)
		kafka_state_drain(k, k->rstate);
	if (k->mstate != NULL)
		kafka_state_drain(k, k->mstate);
}

void
kafka_state_close(struct kafka *k, int flush_ms)
{
	kc_state_free(k->rstate, flush_ms < STATE_FLUSH_MS ? flush_ms :
	    STATE_FLUSH_MS);
	kc_state_free(k->mstate, flush_ms < STATE_FLUSH_MS ? flush_ms :
	    STATE_FLUSH_MS);
	k->rstate = k->mstate = NULL;
}

void
kafka_state_forget(struct kafka *k)
{
	kc_state_free(k->new_rstate, 0);
	kc_state_free(k->new_mstate, 0);
	k->new_rstate = k->new_mstate = NULL;
	free(k->init_rooms);
	free(k->init_marks);
	k->init_rooms = NULL;
	k->init_marks = NULL;
}
