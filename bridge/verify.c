/*
 * verify.c - password checks off the service loop. yescrypt is slow on
 * purpose (tens of milliseconds): on the loop, every login attempt would
 * stall every chat connection for that long. The loop submits the hash
 * and the password (account.c resolved the hash, the dummy one for a name
 * without an account); one worker thread runs account_verify() and puts
 * the outcome on the done list, then wakes the loop with
 * lws_cancel_service(); the loop (LWS_CALLBACK_EVENT_WAIT_CANCELLED, in
 * http.c) collects it. A requester that goes away first is forgotten, so
 * no outcome reaches freed memory. At most VERIFY_QUEUE_MAX checks wait:
 * more are refused (the caller answers 503), so a flood of logins from
 * many addresses costs a bounded queue, not the loop. The worker never
 * touches a socket; passwords are wiped once checked.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define VERIFY_QUEUE_MAX	64

struct verify_job {
	struct verify_job	*next;
	void			*arg;		/* NULL: forgotten */
	int			 ok;
	char			 hash[256];
	char			 pass[LOGIN_BODY_MAX + 1];
};

static pthread_mutex_t	 verify_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 verify_cond = PTHREAD_COND_INITIALIZER;
static struct verify_job *todo, *done;		/* oldest first */
static struct verify_job *running;
static unsigned		 nqueued;
static int		 stopping, started;
static pthread_t	 thread;

static void
verify_append(struct verify_job **list, struct verify_job *j)
{
	j->next = NULL;
	while (*list != NULL)
		list = &(*list)->next;
	*list = j;
}

static void
verify_free(struct verify_job *j)
{
	explicit_bzero(j, sizeof *j);
	free(j);
}

static void *
verify_worker(void *arg)
{
	struct verify_job *j;

	pthread_mutex_lock(&verify_lock);
	for (;;) {
		while (todo == NULL && !stopping)
			pthread_cond_wait(&verify_cond, &verify_lock);
		if (stopping)
			break;
		j = running = todo;
		todo = j->next;
		pthread_mutex_unlock(&verify_lock);
		j->ok = account_verify(j->hash, j->pass);
		explicit_bzero(j->pass, sizeof j->pass);
		pthread_mutex_lock(&verify_lock);
		running = NULL;
		verify_append(&done, j);
		if (loop_context() != NULL)
			lws_cancel_service(loop_context());
	}
	pthread_mutex_unlock(&verify_lock);
	return NULL;
}

int
verify_start(void)
{
	stopping = 0;
	if (pthread_create(&thread, NULL, verify_worker, NULL) != 0)
		return KC_ERR_NOMEM;
	started = 1;
	return KC_OK;
}

void
verify_stop(void)
{
	struct verify_job *j;

	if (!started)
		return;
	pthread_mutex_lock(&verify_lock);
	stopping = 1;
	pthread_cond_broadcast(&verify_cond);
	pthread_mutex_unlock(&verify_lock);
	pthread_join(thread, NULL);
	started = 0;
	while ((j = todo) != NULL) {
		todo = j->next;
		verify_free(j);
	}
	while ((j = done) != NULL) {
		done = j->next;
		verify_free(j);
	}
	nqueued = 0;
}

int
verify_submit(const char *hash, const char *pass, void *arg)
{
	struct verify_job *j;

	if (!started || nqueued >= VERIFY_QUEUE_MAX)
		return KC_ERR_QUEUE_FULL;
	if (strlen(hash) >= sizeof j->hash || strlen(pass) >= sizeof j->pass)
		return KC_ERR_INVAL;
	if ((j = calloc(1, sizeof *j)) == NULL)
		return KC_ERR_NOMEM;
	j->arg = arg;
	memcpy(j->hash, hash, strlen(hash) + 1);
	memcpy(j->pass, pass, strlen(pass) + 1);
	pthread_mutex_lock(&verify_lock);
	verify_append(&todo, j);
	nqueued++;
	pthread_cond_signal(&verify_cond);
	pthread_mutex_unlock(&verify_lock);
	return KC_OK;
}

void
verify_collect(void (*fn)(void *arg, int ok))
{
	struct verify_job *list, *j;

	pthread_mutex_lock(&verify_lock);
	list = done;
	done = NULL;
	pthread_mutex_unlock(&verify_lock);
	while ((j = list) != NULL) {
		list = j->next;
		nqueued--;
		if (j->arg != NULL)
			fn(j->arg, j->ok);
		verify_free(j);
	}
}

void
verify_forget(void *arg)
{
	struct verify_job *j;

	pthread_mutex_lock(&verify_lock);
	for (j = todo; j != NULL; j = j->next)
		if (j->arg == arg)
			j->arg = NULL;
	for (j = done; j != NULL; j = j->next)
		if (j->arg == arg)
			j->arg = NULL;
	if (running != NULL && running->arg == arg)
		running->arg = NULL;
	pthread_mutex_unlock(&verify_lock);
}
