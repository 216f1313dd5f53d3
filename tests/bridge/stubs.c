/*
 * stubs.c - what a bridge module under test calls in the modules it sits on,
 * reduced to recording (mosquitto's *_stubs.c approach): the unit tests
 * link one module of bridge/ with this file and no lws service or Kafka.
 */
#include <stdarg.h>
#include <string.h>

#include "bridge.h"
#include "stubs.h"

struct bridge_opts	opts;
struct metrics		metrics;
struct stub_sent	stub_sent[STUB_SENT_MAX];
size_t			stub_nsent;
void			(*stub_send_hook)(struct session *);
int			stub_stopping;
int64_t			stub_live_offset = -1;
int32_t			stub_partition = -1;

int64_t
kafka_live_offset(const char *room)
{
	return stub_live_offset;
}

int32_t
kafka_room_partition(const char *room)
{
	return stub_partition;
}

void
log_msg(int level, const char *fmt, ...)
{
}

int
loop_stopping(void)
{
	return stub_stopping;
}

const char *
addr_admit(const char *name)
{
	return NULL;
}

/* Open mode: no accounts, so no session is asked for. */
int
account_enabled(void)
{
	return 0;
}

int
token_of_request(struct lws *wsi, char user[KC_NAME_MAX + 1])
{
	return -1;
}

int
origin_allowed(const char *origin, const char *host, const char *listen_host,
    int port, char *const *extra, size_t n)
{
	return 1;
}

static void
stub_record(struct session *s, struct frame *f, int ext)
{
	if (stub_send_hook != NULL)
		stub_send_hook(s);
	if (stub_nsent < STUB_SENT_MAX) {
		stub_sent[stub_nsent].s = s;
		stub_sent[stub_nsent].f = f;
		stub_sent[stub_nsent].ext = ext;
		stub_nsent++;
	}
}

void
session_send(struct session *s, struct frame *f)
{
	stub_record(s, f, 0);
}

void
session_send_ext(struct session *s, struct frame *f)
{
	if (s->ext)
		stub_record(s, f, 1);
}
