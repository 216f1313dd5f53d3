/*
 * words.c - lists of words kept as one setting's value ("bob, carol" for
 * ignore, "deploy, kafka" for highlight): membership, adding, removing,
 * and whether a text names any of them. Words are separated by commas
 * and/or blanks; comparisons ignore ASCII case.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui.h"

/* The next word of *s (its length in *len), or NULL at the end. */
const char *
words_next(const char **s, size_t *len)
{
	const char *p = *s, *w;

	while (*p == ',' || *p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		*s = p;
		return NULL;
	}
	w = p;
	while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
		p++;
	*len = p - w;
	*s = p;
	return w;
}

int
words_has(const char *list, const char *word)
{
	const char	*w;
	size_t		 len;

	if (list == NULL)
		return 0;
	while ((w = words_next(&list, &len)) != NULL) {
		if (len == strlen(word) && kc_strncasecmp(w, word, len) == 0)
			return 1;
	}
	return 0;
}

char *
words_add(const char *list, const char *word)
{
	char *out;

	if (list == NULL || strspn(list, ", \t") == strlen(list))
		return xstrdup(word);
	if (words_has(list, word))
		return xstrdup(list);
	xasprintf(&out, "%s, %s", list, word);
	return out;
}

char *
words_remove(const char *list, const char *word, int *found)
{
	struct kc_buf	 b = { NULL, 0, 0 };
	const char	*w;
	size_t		 len;
	char		*out;

	*found = 0;
	while (list != NULL && (w = words_next(&list, &len)) != NULL) {
		if (len == strlen(word) && kc_strncasecmp(w, word, len) == 0) {
			*found = 1;
			continue;
		}
		if (b.len > 0)
			kc_buf_append(&b, ", ", 2);
		kc_buf_append(&b, w, len);
	}
	out = xstrndup(b.data != NULL ? b.data : "", b.len);
	kc_buf_free(&b);
	return out;
}

/* 1 when c may be part of a word ("bob" is not in "bobby"). */
static int
words_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

int
words_match(const char *text, const char *list)
{
	const char	*w, *p;
	size_t		 len;

	if (text == NULL || list == NULL)
		return 0;
	while ((w = words_next(&list, &len)) != NULL) {
		for (p = text; *p != '\0'; p++) {
			if (kc_strncasecmp(p, w, len) != 0)
				continue;
			if ((p == text || !words_char(p[-1])) &&
			    !words_char(p[len]))
				return 1;
		}
	}
	return 0;
}
