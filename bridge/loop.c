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
 * for it (a fallback, and a comparison).
 *
 * On libev, lws 4.1.6 serves its timers (lws_sul) from an idle watcher, and
 * a timer scheduled from a callback is not armed until that runs: a storm
 * of connections (15,000 handshakes a second) starves it, and work left to
 * a timer waited (others' p99 64-218 ms). What must not wait runs at the
 * end of each pass instead (loop_on_pass(): main.c's main_pass()).
 */
#include <ev.h>

#include "bridge.h"

static struct lws_context	*context;
static volatile int		 stopping;
static struct ev_loop		*evloop;	/* NULL: lws's poll() loop */
static void			(*on_pass)(void);
static ev_timer			 wake;		/* loop_wake_in() */

/* Nothing to do: the pass that follows does the work. */
static void
loop_woken(struct ev_loop *l, ev_timer *w, int revents)
{
}

void
loop_wake_in(int64_t us)
{
	double s = us > 0 ? (double)us / 1e6 : 0;

	if (evloop == NULL)
		return;		/* poll(): lws's timers wake it */
	if (ev_is_active(&wake) && ev_timer_remaining(evloop, &wake) <= s)
		return;
	ev_timer_stop(evloop, &wake);
	ev_timer_set(&wake, s, 0);
	ev_timer_start(evloop, &wake);
}

void
loop_on_pass(void (*fn)(void))
{
	on_pass = fn;
}

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
		if ((context = lws_create_context(&i)) != NULL) {
			ev_timer_init(&wake, loop_woken, 0, 0);
			return context;
		}
		ev_loop_destroy(evloop);
		evloop = NULL;
	}
	log_warn("cannot run libwebsockets on libev (is "
	    "libwebsockets-evlib-ev installed?): trying its poll() loop, whose "
	    "every pass costs every connection held");
	context = lws_create_context(info);
	return context;
}

int
loop_run_once(void)
{
	int n = 0;

	if (evloop != NULL)
		ev_run(evloop, EVRUN_ONCE);
	else
		n = lws_service(context, 0);
	if (on_pass != NULL)
		on_pass();
	return n;
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
	ev_timer_stop(evloop, &wake);
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
