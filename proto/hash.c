/* hash.c - FNV-1a (32 bits) of a string: hash tables, and the user colour. */
#include "kchat.h"

uint32_t
kc_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}
