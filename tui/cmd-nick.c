/*
 * cmd-nick.c - /nick [-force] name: change the user name. Every joined
 * room gets a leave of the old name and a join of the new one, so presence
 * stays right everywhere; their texts ("is now known as NEW", "was OLD")
 * let clients show the pair as one line (see format.c).
 *
 * A name that another client instance online holds (a terminal, a
 * browser: presence) is refused, as -u NAME is at start and as the web
 * client's /nick is (name_in_use): taking it would let this terminal speak
 * as them. -force takes it anyway, as --force-name does at start, and the
 * holder is told in a direct message to the name.
 */
#include <stdio.h>
#include <string.h>

#include "tui.h"

/*
 * Whether another live instance than ours holds name, or one that differs
 * is alike (kc_alike()), from presence: 1 with it in *h, since when (UTC,
 * YYYY-MM-DDTHH:MM) in when and ", too like NAME," in like when its name
 * is another, else 0.
 */
static int
cmd_nick_held(struct chat *c, const char *name, struct kc_holder *h,
    char when[27], char *like, size_t llen)
{
	snprintf(when, 27, "?");
	*like = '\0';
	if (!kc_presence_holder(chat_presence(c), name, chat_inst(c),
	    kc_now_us(), h))
		return 0;
	if (kc_time_format(h->since, when) == KC_OK)
		when[16] = '\0';
	if (strcmp(h->user, name) != 0)
		snprintf(like, llen, ", too like %s,", h->user);
	return 1;
}

/* Leaves every room as the name now, and joins it again as nick. */
static void
cmd_nick_to(struct chat *c, const char *nick)
{
	struct buffer	*b;
	char		 text[KC_NAME_MAX + 32];
	size_t		 i;

	/* A name lost (cmd_nick_lapse()) was left already: no rename. */
	int		 lost = chat_name_lost(c);

	snprintf(text, sizeof text, FORMAT_NICK_NEW "%s", nick);
	for (i = 0; !lost && (b = chat_buffer(c, i)) != NULL; i++) {
		if (b->kind == BUFFER_ROOM)
			chat_send(c, KC_TYPE_LEAVE, b->target, NULL, text);
	}
	snprintf(text, sizeof text, FORMAT_NICK_OLD "%s", chat_user(c));
	chat_set_user(c, nick);
	for (i = 0; (b = chat_buffer(c, i)) != NULL; i++) {
		if (b->kind == BUFFER_ROOM)
			chat_send(c, KC_TYPE_JOIN, b->target, NULL,
			    lost ? NULL : text);
	}
	chat_heartbeat(c);
}

/*
 * After this terminal was unheard since from (suspended, or Kafka out of
 * reach), long enough for presence to drop it: when another client took
 * the name meanwhile, it is theirs. Every room is left (this instance's
 * presence only) and nothing more goes out as the name until /nick.
 */
static int
cmd_nick_lapse(struct chat *c, int64_t now, int64_t from)
{
	char		 when[27], like[KC_NAME_MAX + 16];
	struct kc_holder h;
	struct buffer	*b;
	size_t		 i;

	if (!cmd_nick_held(c, chat_user(c), &h, when, like, sizeof like) ||
	    h.since <= from)
		return 0;	/* free, or held with us before (-force) */
	for (i = 0; (b = chat_buffer(c, i)) != NULL; i++) {
		if (b->kind == BUFFER_ROOM)
			chat_send(c, KC_TYPE_LEAVE, b->target, NULL, NULL);
	}
	chat_lose_name(c, from);
	chat_error(c, "%s%s was taken by another client (instance %s, since %s "
	    "UTC) while this terminal was not heard from for %lld s (asleep, "
	    "or Kafka out of reach): nothing more goes out as %s; /nick NAME "
	    "to go on as another, or /nick -force %s to take it back (they "
	    "are told)", chat_user(c), like, h.inst, when,
	    (long long)((now - from) / 1000000), chat_user(c), chat_user(c));
	return 1;
}

int
cmd_nick_recheck(struct chat *c, int64_t now)
{
	char		 old[KC_NAME_MAX + 1], when[27], like[KC_NAME_MAX + 16];
	char		 name[KC_NAME_MAX + 1];
	struct kc_holder h;
	int64_t		 at;

	if (chat_lapse_due(c, now, &at) && cmd_nick_lapse(c, now, at))
		return 1;
	if (!chat_nick_due(c, now, old, &at) || strcmp(old, chat_user(c)) == 0)
		return 0;
	/*
	 * Someone online before the name was taken, whose records came
	 * after the check: theirs. One that came later is told by its own.
	 */
	if (!cmd_nick_held(c, chat_user(c), &h, when, like, sizeof like) ||
	    h.since >= at)
		return 0;
	snprintf(name, sizeof name, "%s", chat_user(c));
	cmd_nick_to(c, old);
	chat_error(c, "/nick: %s%s turned out to be in use by another client "
	    "that was online before you took it (instance %s, since %s UTC): "
	    "you are %s again; choose another name, or take it anyway with "
	    "/nick -force %s", name, like, h.inst, when, old, name);
	return 1;
}

static int
cmd_nick_exec(struct chat *c, const char *args)
{
	char		 nick[KC_NAME_MAX + 2], old[KC_NAME_MAX + 1];
	char		 when[27], why[512], like[KC_NAME_MAX + 16] = "";
	struct kc_holder h;
	int		 err, force = 0, held = 0;

	if (cmd_word(&args, nick, sizeof nick) == NULL)
		return cmd_too_long(c, nick);
	if (strcmp(nick, "-force") == 0) {
		force = 1;
		if (cmd_word(&args, nick, sizeof nick) == NULL)
			return cmd_too_long(c, nick);
	}
	if (nick[0] == '\0' || *args != '\0')
		return cmd_usage(c, &cmd_nick_entry);
	if ((err = kc_user_validate(nick, strlen(nick))) != KC_OK) {
		chat_error(c, "bad name \"%s\": %s", nick, kc_strerror(err));
		return -1;
	}
	/* The same name: nothing to do, unless it was lost (taking it back). */
	if (strcmp(nick, chat_user(c)) == 0 && !chat_name_lost(c))
		return 0;
	/* Who is online: known once connected and the presence topic read. */
	if (!force && !chat_presence_known(c)) {
		chat_error(c, "/nick: %s, so whether %s is free is not known: "
		    "/nick %s again %s, or take it anyway with /nick -force %s",
		    chat_conn(c) == CHAT_CONNECTED ? "who is online is still "
		    "being read" : "not connected", nick, nick,
		    chat_conn(c) == CHAT_CONNECTED ? "in a moment" :
		    "once connected", nick);
		return -1;
	}
	if (chat_presence_known(c))
		held = cmd_nick_held(c, nick, &h, when, like, sizeof like);
	if (held && !force) {
		chat_error(c, "/nick: %s%s is in use by another client that is "
		    "online (instance %s, since %s UTC): choose another name, "
		    "or take it anyway with /nick -force %s", nick, like, h.inst,
		    when, nick);
		return -1;
	}
	snprintf(old, sizeof old, "%s", chat_user(c));
	cmd_nick_to(c, nick);
	if (!held) {
		/* Looked at again in a moment (cmd_nick_recheck()). */
		if (!force)
			chat_nick_watch(c, old, kc_now_us());
		return 0;
	}
	/* Taken with -force: the holder is told, as with --force-name. */
	chat_info(c, "%s%s was in use by another client (instance %s, since %s "
	    "UTC): taken with /nick -force; it is told", nick, like, h.inst,
	    when);
	snprintf(why, sizeof why, "another kchat-tui (instance %s) took the "
	    "name %s with /nick -force: if that was not you, choose another "
	    "name", chat_inst(c), nick);
	if (*chat_room(c) != '\0')
		chat_send(c, KC_TYPE_DM, chat_room(c), h.user, why);
	return 0;
}

const struct cmd_entry cmd_nick_entry = {
	.name = "nick",
	.alias = NULL,
	.usage = "[-force] name",
	.help = "Change your user name (letters, digits, _ . -; up to 32). A "
	    "name someone online uses, or one that would pass for it (Alice "
	    "or aIice for alice), "
	    "is refused; -force takes it (they are told).",
	.arg = CMD_ARG_NONE,
	.exec = cmd_nick_exec
};
