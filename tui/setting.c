/*
 * setting.c - the settings /set shows and changes: the keys of the config
 * file and the flags (kchat.conf.example), each checked before it is taken,
 * applied at once where the running client can (history, scrollback, bell,
 * nicklist, highlight, ignore, log; the others at the next start), and
 * saved to the config file (conffile.c) with its other lines kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

typedef int setting_check_fn(const char *v, char *err, size_t len);
typedef void setting_apply_fn(struct chat *, const char *v);

struct setting_def {
	const char		*key;
	const char		*def;	/* shown when unset */
	setting_check_fn	*check;
	setting_apply_fn	*apply;	/* NULL: at the next start */
	int			 live;	/* read where used: takes effect now */
};

static int
check_number(const char *v, long min, long max, char *err, size_t len)
{
	char	*end;
	long	 n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < min || n > max) {
		snprintf(err, len, "\"%s\" is not a number from %ld to %ld",
		    v, min, max);
		return -1;
	}
	return 0;
}

static int
check_history(const char *v, char *err, size_t len)
{
	return check_number(v, 0, 1000, err, len);
}

static int
check_scrollback(const char *v, char *err, size_t len)
{
	return check_number(v, 10, 1000000, err, len);
}

static int
check_onoff(const char *v, char *err, size_t len)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0)
		return 0;
	snprintf(err, len, "\"%s\" is neither on nor off", v);
	return -1;
}

static int
check_user(const char *v, char *err, size_t len)
{
	int e;

	if ((e = kc_user_validate(v, strlen(v))) == KC_OK)
		return 0;
	snprintf(err, len, "\"%s\": %s", v, kc_strerror(e));
	return -1;
}

/* Words that are each a user name (ignore). */
static int
check_users(const char *v, char *err, size_t len)
{
	const char	*w;
	size_t		 n;
	char		 name[KC_NAME_MAX + 2];
	int		 e;

	while ((w = words_next(&v, &n)) != NULL) {
		if ((e = kc_user_validate(w, n)) != KC_OK) {
			snprintf(name, sizeof name, "%.*s", (int)(n <
			    sizeof name - 1 ? n : sizeof name - 1), w);
			snprintf(err, len, "\"%s\": %s", name, kc_strerror(e));
			return -1;
		}
	}
	return 0;
}

/* Rooms, comma-separated, an optional '#' before each (room). */
static int
check_rooms(const char *v, char *err, size_t len)
{
	const char	*w;
	size_t		 n;
	int		 e;

	while ((w = words_next(&v, &n)) != NULL) {
		if (*w == '#') {
			w++;
			n--;
		}
		if ((e = kc_room_validate(w, n)) != KC_OK) {
			snprintf(err, len, "\"%.*s\": %s", (int)(n > 40 ? 40 :
			    n), w, kc_strerror(e));
			return -1;
		}
	}
	return 0;
}

/* One word without blanks (brokers, topic). */
static int
check_word(const char *v, char *err, size_t len)
{
	if (*v != '\0' && strpbrk(v, " \t") == NULL)
		return 0;
	snprintf(err, len, "the value must be one word without blanks");
	return -1;
}

static int
check_retention(const char *v, char *err, size_t len)
{
	int64_t ms;

	if (kc_retention_parse(v, &ms) == KC_OK)
		return 0;
	snprintf(err, len, "\"%s\" is not forever, -1 or a time such as 30d "
	    "or 12h", v);
	return -1;
}

/* Any one line of text (highlight). */
static int
check_line(const char *v, char *err, size_t len)
{
	if (kc_text_validate(v, strlen(v)) == KC_OK && !strchr(v, '\n'))
		return 0;
	snprintf(err, len, "the value must be one line of text");
	return -1;
}

static void
apply_history(struct chat *c, const char *v)
{
	chat_set_history(c, strtoul(v, NULL, 10));
}

static void
apply_scrollback(struct chat *c, const char *v)
{
	chat_set_scrollback(c, strtoul(v, NULL, 10));
}

static void
apply_bell(struct chat *c, const char *v)
{
	chat_set_bell(c, strcmp(v, "off") != 0);
}

static const struct setting_def setting_defs[] = {
	{ "bell", "on", check_onoff, apply_bell, 1 },
	{ "brokers", "(embedded broker, else localhost:9092)", check_word,
	    NULL, 0 },
	{ "highlight", "", check_line, NULL, 1 },
	{ "history", "50", check_history, apply_history, 1 },
	{ "ignore", "", check_users, NULL, 1 },
	{ "log", "off", check_onoff, NULL, 1 },
	{ "nicklist", "off", check_onoff, NULL, 1 },
	{ "retention", "forever", check_retention, NULL, 0 },
	{ "room", "general", check_rooms, NULL, 0 },
	{ "scrollback", "1000", check_scrollback, apply_scrollback, 1 },
	{ "topic", "chat-messages", check_word, NULL, 0 },
	{ "user", "", check_user, NULL, 0 },
};
#define SETTING_N (sizeof setting_defs / sizeof setting_defs[0])

static const struct setting_def *
setting_def(const char *key)
{
	size_t i;

	for (i = 0; i < SETTING_N; i++) {
		if (strcmp(setting_defs[i].key, key) == 0)
			return &setting_defs[i];
	}
	return NULL;
}

const char *
setting_key(size_t idx)
{
	return idx < SETTING_N ? setting_defs[idx].key : NULL;
}

const char *
setting_get(struct chat *c, const char *key)
{
	const struct setting_def	*d = setting_def(key);
	const char			*v = side_get(chat_side(c), key);

	if (v != NULL)
		return v;
	return d != NULL ? d->def : NULL;
}

int
setting_live(const char *key)
{
	const struct setting_def *d = setting_def(key);

	return d != NULL && d->live;
}

void
setting_init(struct chat *c, const char *key, const char *value)
{
	const struct setting_def *d = setting_def(key);

	if (d == NULL || value == NULL)
		return;
	side_put(chat_side(c), key, value);
}

int
setting_set(struct chat *c, const char *key, const char *value, int save,
    char *err, size_t len)
{
	const struct setting_def	*d = setting_def(key);
	const char			*path = side_path(chat_side(c));
	char				 why[512];

	if (d == NULL) {
		snprintf(err, len, "no setting \"%s\": /set lists them "
		    "(librdkafka properties go in the config file or -X)",
		    key);
		return -1;
	}
	if (value != NULL && d->check(value, why, sizeof why) == -1) {
		snprintf(err, len, "%s: %s", key, why);
		return -1;
	}
	if (save && path != NULL &&
	    conffile_set(path, key, value, why, sizeof why) == -1) {
		snprintf(err, len, "%s not changed: %s", key, why);
		return -1;
	}
	side_put(chat_side(c), key, value);
	if (d->apply != NULL)
		d->apply(c, value != NULL ? value : d->def);
	return 0;
}
