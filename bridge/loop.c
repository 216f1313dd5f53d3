/*
 * loop.c - the one event loop that runs the bridge, and whether it is
 * shutting down. The loop is libev's (epoll on Linux), which libwebsockets
 * serves as a foreign loop: a pass costs what is ready, not every
 * connection held. lws's own loop is poll(), O(descriptors) per pass: with
 * 18,000 idle connections held, 50 active clients' median went from 1.5
 * to 17-25 ms (BENCHMARKS.md).
 *
 * Not libuv: Debian's lws 4.1.6 is built with _DEBUG, and on libuv it then
 * closes every connection a second time at once ("uv repeat test" in
 * lib/core-net/service.c), which drops the close frame (a client sees 1006
 * where the bridge said 1001 or 1008).
 *
 * Should lws not load its libev plugin (the libwebsockets-evlib-ev package),
 * the bridge runs on lws's poll() loop and says so; --event-loop poll asks
 * for it. Under a storm of reconnections (15,000 handshakes a second) the
 * others' latency is steadier on poll() (p99 9 against 64-218 ms here):
 * lws 4.1.6 on libev serves some of its work from an idle watcher, which
 * such a storm starves.
 */
#include <ev.h>

#include "bridge.h"

static struct lws_context	*context;
static volatile int		 stopping;
static struct ev_loop		*evloop;	/* NULL: lws's poll() loop */

struct lws_context *
loop_context(void)
{
	return context;
}

struct lws_context *
loop_create(struct lws_context_creation_info *info)
{
	struct lws_context_creation_info	 i = *info;
	void					*foreign[1];

	if (opts.poll_loop) {
		log_info("running on poll() (--event-loop poll)");
		return context = lws_create_context(info);
	}
	if ((evloop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK)) != NULL) {
		foreign[0] = evloop;
		i.foreign_loops = foreign;
		i.options |= LWS_SERVER_OPTION_LIBEV;
		if ((context = lws_create_context(&i)) != NULL)
			return context;
		ev_loop_destroy(evloop);
		evloop = NULL;
	}
	log_warn("libev not available to libwebsockets (install "
	    "libwebsockets-evlib-ev): running on poll(), whose every pass "
	    "costs every connection held");
	context = lws_create_context(info);
	return context;
}

int
loop_run_once(void)
{
	if (evloop != NULL) {
		ev_run(evloop, EVRUN_ONCE);
		return 0;
	}
	return lws_service(context, 0);
}

void
loop_destroy(void)
{
	int n;

	if (context == NULL)
		return;
	lws_context_destroy(context);
	context = NULL;
	if (evloop == NULL)
		return;
	/* What lws still watches ends with the loop; bounded, should one stick. */
	for (n = 0; n < 100 && ev_run(evloop, EVRUN_NOWAIT) != 0; n++)
		;
	ev_loop_destroy(evloop);
	evloop = NULL;
}

int
loop_stopping(void)
{
	return stopping;
}

void
loop_stop(void)
{
	stopping = 1;
}
