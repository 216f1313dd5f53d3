/*
 * fuzz-state.c - libFuzzer target for the decoders of the state topics'
 * records, kc_roominfo_decode() and kc_marker_decode() (proto/mpmap.c
 * walks both), which anyone with access to those topics can write.
 *
 * What decodes is encoded again and must decode to the same record.
 */
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_roominfo	ra, rb;
	struct kc_marker	ma, mb;
	struct kc_buf		buf = { 0 };

	if (kc_roominfo_decode(data, size, &ra) == KC_OK) {
		if (kc_roominfo_encode(&ra, &buf) != KC_OK ||
		    kc_roominfo_decode(buf.data, buf.len, &rb) != KC_OK ||
		    memcmp(&ra, &rb, sizeof ra) != 0)
			abort();
	}
	kc_buf_reset(&buf);
	if (kc_marker_decode(data, size, &ma) == KC_OK) {
		if (kc_marker_encode(&ma, &buf) != KC_OK ||
		    kc_marker_decode(buf.data, buf.len, &mb) != KC_OK ||
		    memcmp(&ma, &mb, sizeof ma) != 0)
			abort();
	}
	kc_buf_free(&buf);
	return 0;
}
