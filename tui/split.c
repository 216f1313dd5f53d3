/*
 * split.c - cutting text longer than one message (KC_TEXT_MAX bytes) into
 * several, at word boundaries when there are any, never inside a UTF-8
 * character.
 */
#include <string.h>

#include "tui.h"

static int
split_blank(char ch)
{
	return ch == ' ' || ch == '\n' || ch == '\t';
}

size_t
split_next(const char *s, size_t len, size_t max, size_t *skip)
{
	size_t cut, end;

	*skip = 0;
	if (len <= max)
		return len;
	/* The last blank that leaves at least half a message before it. */
	for (cut = max; cut > max / 2; cut--) {
		if (split_blank(s[cut]))
			break;
	}
	if (cut > max / 2) {
		end = cut;
		while (end > 0 && split_blank(s[end - 1]))
			end--;
		while (cut < len && split_blank(s[cut]))
			cut++;
		*skip = cut - end;
		return end;
	}
	/* One long word: cut it at a character boundary. */
	cut = max;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return cut;
}
