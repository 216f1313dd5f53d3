/*
 * loop.c - the one libwebsockets service loop that runs the bridge: its
 * context (for timers and wake-ups) and whether it is shutting down.
 */
#include "bridge.h"

static struct lws_context	*context;
static volatile int		 stopping;

struct lws_context *
loop_context(void)
{
	return context;
}

void
loop_set_context(struct lws_context *ctx)
{
	context = ctx;
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
