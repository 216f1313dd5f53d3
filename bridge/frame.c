/*
 * frame.c - outgoing WebSocket text frames, encoded once and shared (by
 * reference count) by every connection they are queued to, and the
 * RFC 6455 header that goes in front of one on the wire.
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

size_t
frame_header(size_t len, unsigned char out[FRAME_HEADER_MAX])
{
	int i;

	out[0] = 0x81;			/* FIN, text; a server does not mask */
	if (len < 126) {
		out[1] = (unsigned char)len;
		return 2;
	}
	if (len <= 0xffff) {
		out[1] = 126;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
		return 4;
	}
	out[1] = 127;
	for (i = 0; i < 8; i++)
		out[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	return 10;
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
