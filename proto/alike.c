/*
 * alike.c - whether two user names would pass for each other on a screen.
 *
 * Names are ASCII ([A-Za-z0-9_.-], validate.c), so what can pass for a
 * name held is few: another case ("Alice" for alice), and the glyphs many
 * fonts draw alike. A name's key is how it reads with those folded: lower
 * case; I, i, l and 1 as "l" (a capital I and a small L are one stroke in
 * most sans-serif fonts, and "a1ice" reads as alice); O and 0 as "o";
 * "rn" as "m", "vv" as "w" and "cl" as "d"; the separators . _ - as
 * nothing ("bob_" and "b.ob" pass for bob in a list). Two names are alike
 * when their keys are equal. Folding a whole class (i with l, not only I with l) keeps it one
 * relation, and so one hash: "ali" and "all" are alike too, a price paid
 * for "alIce" not passing for alice.
 */
#include "kchat.h"

/* Separators read as nothing: "b.ob", "bo_b" and "bob-" pass for bob. */
static const char *
alike_skip(const char *s)
{
	while (*s == '.' || *s == '_' || *s == '-')
		s++;
	return s;
}

/* One character as its class: lower case, I i l 1 as "l", O 0 as "o". */
static int
alike_class(int c)
{
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (c == 'i' || c == '1')
		return 'l';
	if (c == '0')
		return 'o';
	return c;
}

/* The next character of a name's key, moving *s past what it reads; 0 at
 * the end. */
static int
alike_next(const char **s)
{
	const char	*p = alike_skip(*s), *q;
	int		 c, next;

	*s = p;
	if (*p == '\0')
		return 0;
	c = alike_class((unsigned char)*p);
	q = alike_skip(p + 1);
	next = *q != '\0' ? alike_class((unsigned char)*q) : 0;
	*s = p + 1;
	if ((c == 'r' && next == 'n') || (c == 'v' && next == 'v') ||
	    (c == 'c' && next == 'l')) {
		*s = q + 1;
		return c == 'r' ? 'm' : c == 'v' ? 'w' : 'd';
	}
	return c;
}

int
kc_alike(const char *a, const char *b)
{
	int x, y;

	do {
		x = alike_next(&a);
		y = alike_next(&b);
	} while (x == y && x != 0);
	return x == y;
}

uint32_t
kc_alike_hash(const char *s)
{
	uint32_t	h = 2166136261u;	/* FNV-1a, as kc_hash() */
	int		c;

	while ((c = alike_next(&s)) != 0)
		h = (h ^ (unsigned char)c) * 16777619u;
	return h;
}
