/* colour.c - the stable colour of a user name, shared with the web client. */
#include "kchat.h"

unsigned
kc_user_colour(const char *user)
{
	return kc_hash(user) % KC_COLOURS;	/* FNV-1a, 32 bits */
}
