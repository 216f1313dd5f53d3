/* str.c - string helpers libkchat shares. */
#include <string.h>

#include "internal.h"

/* Copies src into dst[len], cut to fit, always terminated (len > 0). */
void
kc_strlcpy(char *dst, const char *src, size_t len)
{
	size_t n = strlen(src);

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}
