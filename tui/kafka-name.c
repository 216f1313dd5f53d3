/*
 * kafka-name.c - the user's name at start. The first connection attempt
 * reads whether another live instance holds it (kafka_name_check(), in
 * the connecting thread); until that is known nothing goes out under the
 * name: what the chat sends (the joins and heartbeats of its rooms, lines
 * typed meanwhile) waits here. Once the name is ours it all goes, in
 * order; when it is not, none of it goes and kchat-tui ends, so a refused
 * start announces nothing (no join, no leave) and shows nothing of the
 * user's (the missed direct messages are not handed to the chat).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafka.h"

/* The default of message.timeout.ms (main.c sets it; -X may change it). */
#define NAME_TIMEOUT_MS	300000

/* The name check's scan: every record to the table (kc_drain_fn). */
static int
kafka_presence_keep(void *arg, const struct kc_msg *m)
{
	if (m != NULL)
		kc_presence_apply(arg, m, kc_now_us());
	return 0;
}

void
kafka_name_check(struct kafka *k)
{
	struct kc_presence	*p;
	struct kc_reader	*r;
	int64_t			 start = kc_now_us(), since;
	char			 errstr[256];

	if ((p = kc_presence_new()) == NULL)
		return;
	since = start - (int64_t)KC_PRESENCE_TIMEOUT_MS * 1000;
	if (kc_reader_new_since(k->conf, k->ptopic, since, &r, errstr,
	    sizeof errstr) == KC_OK) {
		kc_reader_drain(r, start + (int64_t)KAFKA_INBOX_MS * 1000, 0,
		    kafka_presence_keep, p);
		kc_reader_free(r);
	}
	if (kc_reader_new_since(k->conf, k->topic, since, &r, errstr,
	    sizeof errstr) == KC_OK) {
		kc_reader_drain(r, kc_now_us() + (int64_t)KAFKA_INBOX_MS * 1000,
		    0, kafka_presence_keep, p);
		kc_reader_free(r);
	}
	k->held = kc_presence_holder(p, k->inbox_user, k->inst, kc_now_us(),
	    &k->holder);
	kc_presence_free(p);
}

/* Presence records: they say nothing but that the user is there. */
static int
kafka_name_presence(const struct kc_msg *m)
{
	return m->type == KC_TYPE_JOIN || m->type == KC_TYPE_LEAVE ||
	    m->type == KC_TYPE_HEARTBEAT;
}

int
kafka_name_send(struct kafka *k, const struct kc_msg *m, char *errstr,
    size_t len)
{
	switch (k->name_state) {
	case KAFKA_NAME_OURS:
		return kafka_produce(k, m, errstr, len);
	case KAFKA_NAME_REFUSED:
		if (kafka_name_presence(m))
			return KC_OK;		/* nothing to announce */
		snprintf(errstr, len, "%s is in use by another client",
		    chat_user(k->chat));
		return KC_ERR_NAME_IN_USE;
	case KAFKA_NAME_UNKNOWN:
		break;
	}
	if (k->nwaiting == k->waiting_cap) {
		k->waiting_cap = k->waiting_cap ? k->waiting_cap * 2 : 16;
		k->waiting = xreallocarray(k->waiting, k->waiting_cap,
		    sizeof *k->waiting);
	}
	kc_msg_init(&k->waiting[k->nwaiting]);
	if (kc_msg_copy(&k->waiting[k->nwaiting], m) != KC_OK) {
		snprintf(errstr, len, "out of memory");
		return KC_ERR_NOMEM;
	}
	k->nwaiting++;
	return KC_OK;
}

/* Empties the waiting list. */
static void
kafka_name_forget(struct kafka *k)
{
	kc_history_free(k->waiting, k->nwaiting);
	k->waiting = NULL;
	k->nwaiting = k->waiting_cap = 0;
}

/* The name is ours: what waited goes, in the order it was sent. */
static void
kafka_name_release(struct kafka *k)
{
	char	errstr[256];
	size_t	i;
	int	err;

	k->name_state = KAFKA_NAME_OURS;
	for (i = 0; i < k->nwaiting; i++) {
		errstr[0] = '\0';
		if ((err = kafka_produce(k, &k->waiting[i], errstr,
		    sizeof errstr)) != KC_OK)
			chat_delivered(k->chat, &k->waiting[i], err,
			    errstr[0] != '\0' ? errstr : kc_strerror(err));
	}
	kafka_name_forget(k);
}

/*
 * The name is not ours: nothing that waited goes (the lines typed say
 * so), and kchat-tui ends saying who holds it and how to go on.
 */
static void
kafka_name_refuse(struct kafka *k)
{
	size_t i;

	k->name_state = KAFKA_NAME_REFUSED;
	for (i = 0; i < k->nwaiting; i++) {
		if (!kafka_name_presence(&k->waiting[i]))
			chat_delivered(k->chat, &k->waiting[i],
			    KC_ERR_NAME_IN_USE, "the name is in use");
	}
	kafka_name_forget(k);
	kafka_name_held(k);
}

int
kafka_name_verdict(struct kafka *k)
{
	if (k->name_state != KAFKA_NAME_UNKNOWN)
		return 0;
	if (k->held && !k->force_name) {
		kafka_name_refuse(k);
		return -1;
	}
	kafka_name_release(k);
	if (k->held)
		kafka_name_held(k);	/* --force-name: take it, tell them */
	return 0;
}

/*
 * Another live instance holds the user's name: end, saying who and since
 * when, or with --force-name take it, and tell the other instance in a
 * direct message to the name (it shows there). Found by kafka_tick()'s
 * second look, after the start, the name went out already: the chat
 * leaves its rooms as it ends.
 */
void
kafka_name_held(struct kafka *k)
{
	const char	*name = chat_user(k->chat), *held = k->holder.user;
	char		 why[512], when[27] = "?", like[KC_NAME_MAX + 16] = "";

	k->held = 0;
	if (kc_time_format(k->holder.since, when) == KC_OK)
		when[16] = '\0';	/* YYYY-MM-DDTHH:MM */
	if (strcmp(held, name) != 0)
		snprintf(like, sizeof like, ", too like %s,", held);
	if (!k->force_name) {
		snprintf(why, sizeof why, "%s%s is in use by another client "
		    "that is online (instance %s, since %s UTC): choose another "
		    "name with -u NAME, or take it anyway with --force-name",
		    name, like, k->holder.inst, when);
		chat_fatal(k->chat, why);
		return;
	}
	chat_info(k->chat, "%s%s was in use by another client (instance %s, "
	    "since %s UTC): taken with --force-name; it is told", name, like,
	    k->holder.inst, when);
	snprintf(why, sizeof why, "another kchat-tui (instance %s) took the "
	    "name %s with --force-name: if that was not you, choose another "
	    "name", k->inst, name);
	chat_send(k->chat, KC_TYPE_DM, chat_room(k->chat), held, why);
}

void
kafka_name_expire(struct kafka *k, int64_t now)
{
	long	ms = kc_conf_get_long(k->conf, "message.timeout.ms",
		    NAME_TIMEOUT_MS);
	char	errstr[256];
	size_t	i, kept = 0;

	if (ms <= 0)
		return;		/* librdkafka's 0: no limit */
	for (i = 0; i < k->nwaiting; i++) {
		if (kafka_name_presence(&k->waiting[i]) ||
		    now - k->waiting[i].ts <= (int64_t)ms * 1000) {
			k->waiting[kept++] = k->waiting[i];
			continue;
		}
		snprintf(errstr, sizeof errstr, "Kafka at %s did not answer "
		    "within %ld ms (message.timeout.ms)", chat_brokers(k->chat),
		    ms);
		chat_delivered(k->chat, &k->waiting[i], KC_ERR_TIMEOUT, errstr);
		kc_msg_clear(&k->waiting[i]);
	}
	k->nwaiting = kept;
}

void
kafka_name_settle(struct kafka *k, int wait_ms)
{
	struct pollfd	pfd;
	char		buf[16];

	if (k->name_state != KAFKA_NAME_UNKNOWN || k->nwaiting == 0 ||
	    !k->attempting)
		return;
	pfd.fd = k->done_pipe[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, wait_ms) <= 0)
		return;		/* still waiting for a broker: not sent */
	(void)read(k->done_pipe[0], buf, sizeof buf);
	pthread_join(k->thread, NULL);
	k->attempting = 0;
	if (k->attempt_err == KC_OK)
		kafka_name_verdict(k);
	kc_reader_free(k->new_reader);
	kc_reader_free(k->new_preader);
	k->new_reader = k->new_preader = NULL;
	kafka_state_forget(k);
}
