/*
 * fuzz-sanitize.c - libFuzzer target for kchat-tui's sanitizer, which every
 * byte from Kafka goes through before it reaches the terminal: whatever
 * comes in, what comes out is valid UTF-8 with no control character (but
 * '\n' when asked to keep it), no C1 control, no bidi control, no line or
 * paragraph separator, and never longer than 3 bytes for each byte in.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static void
check(const char *s, size_t len, int keep_newline)
{
	uint32_t	c;
	size_t		i = 0, n;

	if (!kc_utf8_valid(s, len))
		abort();
	while (i < len) {
		c = (unsigned char)s[i];
		if (c < 0x80) {
			if ((c < 0x20 && !(c == '\n' && keep_newline)) || c == 0x7f)
				abort();
			i++;
			continue;
		}
		n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		c = n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
		for (size_t k = 1; k < n; k++)
			c = (c << 6) | ((unsigned char)s[i + k] & 0x3f);
		if ((c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e ||
		    c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029)
			abort();
		i += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_buf	out = { NULL, 0, 0 };
	int		flags;

	for (flags = 0; flags <= SANITIZE_NEWLINE; flags += SANITIZE_NEWLINE) {
		kc_buf_reset(&out);
		sanitize((const char *)data, size, flags, &out);
		if (out.len > size * 3 + 1 || (out.len > 0 && out.data[out.len] != '\0'))
			abort();
		check(out.data != NULL ? out.data : "", out.len, flags);
	}
	kc_buf_free(&out);
	return 0;
}
