/* hash.c - FNV-1a (32 bits) of a string: hash tables, and the user colour. */
#include "kchat.h"

/* One byte of FNV-1a. */
static uint32_t
hash_byte(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

uint32_t
kc_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = hash_byte(h, (unsigned char)*s);
	return h;
}
