/*
 * validate.c - the rules for user names, room names and message text.
 *
 * One rule for names, kept here and documented in kchat.7: 1 to 32 bytes of
 * ASCII letters, digits, '_', '.' and '-', starting with a letter, a digit or
 * '_'. Names are shown in terminals and used as Kafka keys, so nothing that
 * could be mistaken for markup, whitespace or a control sequence is allowed.
 *
 * Text is any valid UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF) without C0 controls other than newline and tab, DEL, or C1
 * controls (U+0080..U+009F, which include the 8-bit CSI). Bidirectional
 * formatting characters such as U+202E RIGHT-TO-LEFT OVERRIDE, and other
 * invisible format characters (U+200B, U+2066..U+2069), are accepted: real
 * scripts need them, and they cannot move the cursor or change a terminal's
 * state. Whoever draws text must neutralise them (kchat-tui's job, not
 * this file's), so that one message cannot reorder what is drawn after it.
 */
#include "kchat.h"

/* Error codes of one kind of name, in the order empty, long, char, start. */
struct name_errs {
	int empty, too_long, bad_char, bad_start;
};

static const struct name_errs user_errs = {
	KC_ERR_USER_EMPTY, KC_ERR_USER_TOO_LONG, KC_ERR_USER_CHAR, KC_ERR_USER_START
};
static const struct name_errs room_errs = {
	KC_ERR_ROOM_EMPTY, KC_ERR_ROOM_TOO_LONG, KC_ERR_ROOM_CHAR, KC_ERR_ROOM_START
};

static int
name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int
name_validate(const char *s, size_t len, const struct name_errs *e)
{
	size_t i;

	if (s == NULL || len == 0)
		return e->empty;
	if (len > KC_NAME_MAX)
		return e->too_long;
	for (i = 0; i < len; i++) {
		if (!name_char((unsigned char)s[i]))
			return e->bad_char;
	}
	if (s[0] == '.' || s[0] == '-')
		return e->bad_start;
	return KC_OK;
}

int
kc_user_validate(const char *s, size_t len)
{
	return name_validate(s, len, &user_errs);
}

int
kc_room_validate(const char *s, size_t len)
{
	return name_validate(s, len, &room_errs);
}

size_t
kc_utf8_next(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)str;
	uint32_t		 c;
	size_t			 n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * What shows nothing: spaces (every Unicode space separator), tabs and line
 * breaks, and the characters that are invisible on their own: format and
 * bidi controls, joiners, variation selectors, tags, fillers (Hangul,
 * braille blank).
 */
static const struct {
	uint32_t lo, hi;
} blank_ranges[] = {
	{ 0x09, 0x0d }, { 0x20, 0x20 }, { 0xa0, 0xa0 }, { 0xad, 0xad },
	{ 0x34f, 0x34f }, { 0x115f, 0x1160 }, { 0x1680, 0x1680 },
	{ 0x17b4, 0x17b5 }, { 0x180b, 0x180f }, { 0x2000, 0x200f },
	{ 0x2028, 0x202f }, { 0x205f, 0x206f }, { 0x2800, 0x2800 },
	{ 0x3000, 0x3000 }, { 0x3164, 0x3164 }, { 0xfe00, 0xfe0f },
	{ 0xfeff, 0xfeff }, { 0xffa0, 0xffa0 }, { 0xe0000, 0xe007f },
	{ 0xe0100, 0xe01ef }
};

int
kc_text_blank(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i = 0, n, k;

	while (i < len) {
		if ((n = kc_utf8_next(s + i, len - i, &cp)) == 0)
			return 0;
		for (k = 0; k < sizeof blank_ranges / sizeof blank_ranges[0];
		    k++) {
			if (cp >= blank_ranges[k].lo && cp <= blank_ranges[k].hi)
				break;
		}
		if (k == sizeof blank_ranges / sizeof blank_ranges[0])
			return 0;
		i += n;
	}
	return 1;
}

int
kc_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = kc_utf8_next((const char *)p + i, len - i, &cp)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
kc_text_validate(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 i = 0, n;

	if (s == NULL || len == 0)
		return KC_ERR_TEXT_EMPTY;
	if (len > KC_TEXT_MAX)
		return KC_ERR_TEXT_TOO_LONG;
	while (i < len) {
		if ((n = kc_utf8_next((const char *)p + i, len - i, &cp)) == 0)
			return KC_ERR_TEXT_UTF8;
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f))
			return KC_ERR_TEXT_CONTROL;
		i += n;
	}
	return KC_OK;
}
