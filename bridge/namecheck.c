/*
 * namecheck.c - the names bound in the last moments, oldest first, each to
 * be looked at again when its time comes (member.c): a client that held
 * the name before, on another bridge or in a terminal, may have had its
 * records still on their way to this bridge when the name was given. All
 * wait the same time, so adding at the tail keeps the list in order and
 * each step is O(1), however many connections bind at once.
 */
#include <stddef.h>

#include "bridge.h"

static struct namecheck	*head, *tail;

void
namecheck_add(struct namecheck *n, int64_t due)
{
	namecheck_remove(n);
	n->due = due;
	n->prev = tail;
	n->next = NULL;
	if (tail != NULL)
		tail->next = n;
	else
		head = n;
	tail = n;
	n->listed = 1;
}

void
namecheck_remove(struct namecheck *n)
{
	if (!n->listed)
		return;
	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		head = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else
		tail = n->prev;
	n->prev = n->next = NULL;
	n->listed = 0;
}

struct namecheck *
namecheck_due(int64_t now)
{
	struct namecheck *n = head;

	if (n == NULL || n->due > now)
		return NULL;
	namecheck_remove(n);
	return n;
}

int64_t
namecheck_next(void)
{
	return head != NULL ? head->due : 0;
}
