/* buf.c - a growable byte buffer. */
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

int
kc_buf_append(struct kc_buf *b, const void *p, size_t n)
{
	size_t	 cap;
	char	*d;

	if (n > SIZE_MAX - b->len - 1)
		return KC_ERR_NOMEM;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1) {
			/* doubling past SIZE_MAX would wrap to 0 and loop */
			if (cap > SIZE_MAX / 2) {
				cap = b->len + n + 1;
				break;
			}
			cap *= 2;
		}
		if ((d = realloc(b->data, cap)) == NULL)
			return KC_ERR_NOMEM;
		b->data = d;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';	/* always terminated, for text users */
	return KC_OK;
}

void
kc_buf_reset(struct kc_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
kc_buf_free(struct kc_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
