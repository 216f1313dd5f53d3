/*
 * fuzz-mp.c - libFuzzer target for kc_mp_decode(), the decoder of Kafka
 * values that anyone with access to the topic can write.
 *
 * Decodes the input; when it decodes, encodes the message again, decodes
 * that, and aborts unless both messages are the same field for field and
 * encoding the second gives the same bytes as encoding the first.
 */
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

static int
msg_equal(const struct kc_msg *a, const struct kc_msg *b)
{
	if (a->v != b->v || a->type != b->type || a->ts != b->ts ||
	    strcmp(a->id, b->id) != 0 || strcmp(a->room, b->room) != 0 ||
	    strcmp(a->user, b->user) != 0 || strcmp(a->to, b->to) != 0 ||
	    strcmp(a->via, b->via) != 0)
		return 0;
	if (a->text == NULL || b->text == NULL)
		return a->text == b->text;
	return a->text_len == b->text_len &&
	    memcmp(a->text, b->text, a->text_len) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_msg	a, b;
	struct kc_buf	buf = { 0 }, again = { 0 };

	kc_msg_init(&a);
	kc_msg_init(&b);
	if (kc_mp_decode(data, size, &a) == KC_OK) {
		if (kc_mp_encode(&a, &buf) != KC_OK)
			abort();
		if (kc_mp_decode(buf.data, buf.len, &b) != KC_OK)
			abort();
		if (!msg_equal(&a, &b))
			abort();
		/* The encoder is canonical: encoding b gives the same bytes. */
		if (kc_mp_encode(&b, &again) != KC_OK ||
		    again.len != buf.len ||
		    memcmp(again.data, buf.data, buf.len) != 0)
			abort();
	}
	kc_msg_clear(&a);
	kc_msg_clear(&b);
	kc_buf_free(&buf);
	kc_buf_free(&again);
	return 0;
}
