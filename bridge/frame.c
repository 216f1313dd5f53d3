/*
 * frame.c - outgoing WebSocket text frames, encoded once and shared (by
 * reference count) by every connection they are queued to.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

struct frame *
frame_new(const char *json, size_t len)
{
	struct frame *f;

	if ((f = malloc(sizeof *f + LWS_PRE + len + 1)) == NULL)
		return NULL;
	f->refs = 1;
	f->len = len;
	memcpy(f->data + LWS_PRE, json, len);
	f->data[LWS_PRE + len] = '\0';
	return f;
}

struct frame *
frame_of(const struct kc_buf *b)
{
	if (b->data == NULL)
		return NULL;
	return frame_new(b->data, b->len);
}

struct frame *
frame_ref(struct frame *f)
{
	f->refs++;
	return f;
}

void
frame_unref(struct frame *f)
{
	if (f != NULL && --f->refs == 0)
		free(f);
}
