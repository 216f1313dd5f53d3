/*
 * intern.c - one copy of each user name the lines hold, counted.
 *
 * A chat's lines are written by a few people: 10,000 lines held 10,000
 * copies of a 33-byte name array (struct line). Each buffer line now holds
 * a pointer to a shared copy, taken with intern_hold() when the line is
 * stored and given back with intern_drop() when it is freed; the last
 * drop frees the copy, so names of lines gone from the scrollback do not
 * pile up. The chat core runs on the main thread only: no lock.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define INTERN_MIN	64	/* buckets when first used */

struct intern_name {
	struct intern_name	*next;		/* same bucket */
	size_t			 refs;
	char			 name[];
};

static struct intern_name	**intern_tab;
static size_t			  intern_cap, intern_n;

static struct intern_name *
intern_of(const char *name)
{
	return (struct intern_name *)(void *)(name -
	    offsetof(struct intern_name, name));
}

/* Doubles the table (the chains' order does not matter). */
static void
intern_grow(void)
{
	struct intern_name	**old = intern_tab, *e, *next;
	size_t			  i, ocap = intern_cap, h;

	intern_cap = ocap > 0 ? ocap * 2 : INTERN_MIN;
	intern_tab = xcalloc(intern_cap, sizeof *intern_tab);
	for (i = 0; i < ocap; i++) {
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			h = kc_hash(e->name) & (intern_cap - 1);
			e->next = intern_tab[h];
			intern_tab[h] = e;
		}
	}
	free(old);
}

const char *
intern_hold(const char *name)
{
	struct intern_name	*e;
	size_t			 h, len;

	if (intern_n >= intern_cap)
		intern_grow();
	h = kc_hash(name) & (intern_cap - 1);
	for (e = intern_tab[h]; e != NULL; e = e->next) {
		if (strcmp(e->name, name) == 0) {
			e->refs++;
			return e->name;
		}
	}
	len = strlen(name);
	e = xmalloc(sizeof *e + len + 1);
	memcpy(e->name, name, len + 1);
	e->refs = 1;
	e->next = intern_tab[h];
	intern_tab[h] = e;
	intern_n++;
	return e->name;
}

void
intern_drop(const char *name)
{
	struct intern_name	*e, **p;

	if (name == NULL)
		return;
	e = intern_of(name);
	if (--e->refs > 0)
		return;
	p = &intern_tab[kc_hash(name) & (intern_cap - 1)];
	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	free(e);
	if (--intern_n == 0) {
		free(intern_tab);	/* nothing held: back to nothing */
		intern_tab = NULL;
		intern_cap = 0;
	}
}
