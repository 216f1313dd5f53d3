/* str.c - string helpers libkchat shares. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int
kc_strncasecmp(const char *a, const char *b, size_t n)
{
	int	x, y;

	for (; n > 0; a++, b++, n--) {
		x = (unsigned char)*a;
		y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y || x == '\0')
			return x - y;
	}
	return 0;
}

int
kc_strcasecmp(const char *a, const char *b)
{
	return kc_strncasecmp(a, b, SIZE_MAX);
}

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

int
kc_topic_with(const char *topic, const char *suffix, char *buf, size_t len)
{
	int n;

	if (topic == NULL || buf == NULL || len == 0)
		return KC_ERR_INVAL;
	n = snprintf(buf, len, "%s%s", topic, suffix);
	return n < 0 || (size_t)n >= len ? KC_ERR_INVAL : KC_OK;
}
