/* colour.c - the stable colour of a user name, shared with the web client. */
#include "kchat.h"

unsigned
kc_user_colour(const char *user)
{
	uint32_t h = 2166136261u;	/* FNV-1a, 32 bits */

	for (; *user != '\0'; user++) {
		h ^= (unsigned char)*user;
		h *= 16777619u;
	}
	return h % KC_COLOURS;
}
