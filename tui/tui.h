/*
 * tui.h - kchat-tui's chat core: buffers, commands, input line, completion,
 * formatting and the display sanitizer.
 *
 * Nothing declared here knows about curses: only tui/ui-*.c include
 * <curses.h>, so the unit tests drive the whole chat without a terminal.
 * Kafka is reached through struct chat_ops (tui/kafka.c in the program, a
 * fake in the tests).
 *
 * The files are in layers: one calls only files of the layers before its
 * own, never one after, so that no two call each other (as bridge/bridge.h):
 *
 *   xmalloc intern sanitize split format instance words people conffile log
 *   side buffer edit chat activity setting lastlog roomstate cmd cmd-*.c
 *   complete input | kafka-fetch kafka line ui-screen ui-draw ui-keys main
 *   (the program, after "|")
 *
 * What a lower layer tells a higher one goes through hooks the higher one
 * sets: the chat's notify callback (the screen, or line mode) and its
 * chat_ops (Kafka); cmd.c runs the commands through their table entries.
 */
#ifndef TUI_H
#define TUI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kchat.h"

#define TUI_SCROLLBACK	1000	/* lines kept per buffer by default */
#define TUI_HISTORY	50	/* messages fetched on /join by default */
#define TUI_INPUT_HIST	200	/* input lines remembered for Up/Down */
#define TUI_INPUT_MAX	65536	/* bytes of input: several messages */
#define TUI_PASTE_ASK	5	/* more lines than this: ask before sending */
#define TUI_DM_MISSED_DAYS 7	/* direct messages missed: read this far back */
/* An own line out of view, final but not read back, is kept this long. */
#define TUI_GONE_KEEP_MS	600000

/* -------------------------------------------------------------- mkdirs.c */

/* mkdir -p of dir, each part made 0700; -1 with errno when one cannot be. */
int	 mkdirs(const char *dir);

/* ------------------------------------------------------------- xmalloc.c */

/* Allocation failure is fatal in the program (as in tmux). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* -------------------------------------------------------------- intern.c */

/*
 * A shared copy of name (the chat's lines hold one per writer), held once
 * more; intern_drop() gives a hold back, and the last frees the copy.
 * Main thread only.
 */
const char	*intern_hold(const char *name);
void		 intern_drop(const char *name);

/* ------------------------------------------------------------ sanitize.c */

#define SANITIZE_NEWLINE	0x1	/* keep '\n' (the pane splits rows) */
/*
 * Appends an inert copy of in[0..len) to out (NUL-terminated): C0 controls
 * (tab becomes a space, '\n' kept with SANITIZE_NEWLINE, else shown as
 * U+2424), ESC, DEL and C1 controls become visible symbols, so no escape
 * sequence survives; bidirectional overrides, embeddings, isolates and marks
 * are replaced with U+FFFD; invalid UTF-8 becomes U+FFFD, one per bad
 * sequence.
 */
void	 sanitize(const char *in, size_t len, int flags, struct kc_buf *out);
/* The same, into a new string the caller frees. */
char	*sanitize_dup(const char *in, size_t len, int flags);
/*
 * Decodes one UTF-8 character of s[0..len) into *cp and returns its length,
 * or returns 0 for an invalid sequence.
 */
size_t	 utf8_next(const char *s, size_t len, uint32_t *cp);
/* Display width of the sanitized string s[0..len) in terminal cells. */
size_t	 utf8_width(const char *s, size_t len);
/* Width of one code point in cells (0, 1 or 2; never negative). */
int	 utf8_cpwidth(uint32_t cp);

/* -------------------------------------------------------------- layout.c */

/* A piece of a line drawn alike (sanitized text: no control but '\n'). */
struct layout_seg {
	const char	*s;
	size_t		 len;
};
/* Character s[0..n) of segment seg goes at cell x of row, cw cells wide. */
typedef void layout_put_fn(void *arg, size_t seg, const char *s, size_t n,
    int x, int row, int cw);
/*
 * Lays out sg[0..nseg) as one line in a pane w cells wide, continuation
 * rows starting at cell indent; calls put (unless NULL) for every
 * character that fits (x + cw <= w), in order. Returns its rows.
 */
int	 layout_line(const struct layout_seg *sg, size_t nseg, int w,
	    int indent, layout_put_fn *put, void *arg);

/* --------------------------------------------------------------- split.c */

/*
 * The length of the first message of s[0..len) at most max bytes long: all
 * of it when it fits, else up to the last blank in the second half of max
 * (the blanks there are dropped: *skip says how many follow the piece),
 * else cut at a character boundary (*skip 0).
 */
size_t	 split_next(const char *s, size_t len, size_t max, size_t *skip);

/* --------------------------------------------------------------- words.c */

/*
 * Lists of words in one string ("bob, carol"): commas and/or blanks
 * separate them; ASCII case is ignored.
 */
/* The next word of *s (length in *len), or NULL at the end. */
const char	*words_next(const char **s, size_t *len);
int		 words_has(const char *list, const char *word);
/* A new list (caller frees) with word added at the end / taken out. */
char		*words_add(const char *list, const char *word);
char		*words_remove(const char *list, const char *word, int *found);
/* 1 when text holds any word of list as a whole word (highlight). */
int		 words_match(const char *text, const char *list);

/* -------------------------------------------------------------- people.c */

/* How long a typing heartbeat shows (the bridge relays them for 10 s). */
#define PEOPLE_TYPING_US	(6 * 1000000LL)

struct people;

struct people	*people_new(void);
void		 people_free(struct people *);
/*
 * Takes what record m (seen at now, µs) says of its writer: away or not
 * (join, heartbeat), typing (a heartbeat with the text "typing"), done
 * typing (message, action, leave). 1 when it may change what shows.
 */
int		 people_apply(struct people *, const struct kc_msg *m,
		    int64_t now);
/* The away message of user (every live instance away), or NULL. */
const char	*people_away(const struct people *, const char *user,
		    int64_t now);
int		 people_typing(const struct people *, const char *room,
		    const char *user, int64_t now);
/* Appends "bob, carol", who types in room now but skip; returns how many. */
size_t		 people_typing_in(const struct people *, const char *room,
		    int64_t now, const char *skip, struct kc_buf *out);

/* ------------------------------------------------------------ conffile.c */

/*
 * text with the line "key = value" changed, or added at the end, or (value
 * NULL) removed; every other line kept. The caller frees the result.
 */
char		*conffile_rewrite(const char *text, const char *key,
		    const char *value);
/* The same to the file at path (made 0600 in a 0700 directory if new). */
int		 conffile_set(const char *path, const char *key,
		    const char *value, char *errstr, size_t len);

/* ------------------------------------------------------------- idset.c */

/*
 * The ids a buffer holds, as hashes: idset_maybe() is 0 when id is surely
 * not there, 1 when it may be. "" is never held. idset_clear() frees.
 */
struct idset {
	uint32_t	*slot;		/* 0: free */
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
};

void	idset_add(struct idset *, const char *id);
void	idset_del(struct idset *, const char *id);
int	idset_maybe(const struct idset *, const char *id);
void	idset_clear(struct idset *);

/* -------------------------------------------------------------- buffer.c */

enum line_kind {
	LINE_MESSAGE,
	LINE_ACTION,
	LINE_JOIN,
	LINE_LEAVE,
	LINE_DM,
	LINE_INFO,	/* local notice: command output */
	LINE_ERROR	/* local error */
};

enum line_state {
	LINE_FINAL = 0,	/* from Kafka, or local */
	LINE_PENDING,	/* own, not yet acknowledged */
	LINE_SENT,	/* own, acknowledged by Kafka */
	LINE_FAILED	/* own, not delivered: see error */
};

#define LINE_MENTION	0x1	/* names the user */
#define LINE_SELF	0x2	/* written by the user */
#define LINE_HISTORY	0x4	/* read from history or replay */
#define LINE_HIDDEN	0x8	/* kept (its id de-duplicates), not shown */
#define LINE_LOADING	0x10	/* "loading…" while a fetch runs; screen only */
#define LINE_LASTLOG	0x20	/* /lastlog's progress (with LINE_LOADING) */
#define LINE_DIVIDER	0x40	/* "new messages": read to here (roomstate.c) */
#define LINE_EDITED	0x80	/* its author changed the text: "(edited)" */
#define LINE_DELETED	0x100	/* its author deleted it: a placeholder shows */
#define LINE_ECHOED	0x200	/* own, and read back from Kafka */

/*
 * A buffer keeps scrollback x sizeof (struct line) besides the texts
 * (10,000 lines by default in the benchmark; 72 bytes each): the fields
 * are ordered to leave no holes, the user name is shared (intern.c), and
 * what few lines have is behind one pointer, NULL when they have none.
 */
struct line_more {
	int64_t		 edit_at;		/* offset + 1 of the last edit applied */
	char		*error;			/* LINE_FAILED: the reason */
	/*
	 * A reply: the line answered, one row ("<alice> the text…"), made
	 * when the reply arrived; NULL for a line that answers none.
	 */
	char		*quote;
	char		*reply;			/* the id answered, or NULL */
};

struct line {
	int64_t		 ts;			/* µs, UTC */
	/* Its offset in its room's partition plus one; 0: not known. */
	int64_t		 offset1;
	char		*text;			/* sanitized, may hold '\n' */
	/*
	 * Who wrote it: in a buffer, intern_hold()'s copy (never NULL);
	 * in a line being made, any string, NULL for none ("").
	 */
	const char	*user;
	struct line_more *more;			/* NULL: none of its fields */
	char		 id[KC_ID_LEN + 1];	/* "" for local lines */
	unsigned char	 kind;			/* enum line_kind */
	unsigned char	 state;			/* enum line_state */
	uint16_t	 flags;			/* LINE_* above */
};

/* The fields of l->more, 0 or NULL when it has none. */
static inline int64_t
line_edit_at(const struct line *l)
{
	return l->more != NULL ? l->more->edit_at : 0;
}

static inline const char *
line_error(const struct line *l)
{
	return l->more != NULL ? l->more->error : NULL;
}

static inline const char *
line_quote(const struct line *l)
{
	return l->more != NULL ? l->more->quote : NULL;
}

static inline const char *
line_reply(const struct line *l)
{
	return l->more != NULL ? l->more->reply : NULL;
}

enum buffer_kind {
	BUFFER_ROOM,	/* "#room" */
	BUFFER_DM	/* "@user" */
};

struct buffer {
	enum buffer_kind kind;
	char		 name[KC_NAME_MAX + 2];	/* "#room" or "@user" */
	char		 target[KC_NAME_MAX + 1];	/* room or peer */
	struct line	*lines;			/* oldest first */
	size_t		 nlines;
	size_t		 max;			/* scrollback bound */
	/*
	 * lines is a window into base, cap long: the oldest line goes by
	 * moving the window, and the lines move back to base only now and
	 * then (buffer.c). ids: the ids of the lines, for buffer_find().
	 */
	struct line	*base;
	size_t		 cap;
	struct idset	 ids;
	unsigned	 unread;
	unsigned	 mentions;
	size_t		 scroll;		/* rows scrolled up; 0 = newest */
	int		 history_done;		/* nothing older in Kafka */
	int		 history_due;		/* joined offline: fetch later */
	/* A history or replay fetch under way in the background (one at most). */
	unsigned	 fetch;			/* its id; 0: none */
	int		 fetch_kind;		/* CHAT_FETCH_* (chat.c) */
	size_t		 fetch_n;		/* messages asked for */
	int64_t		 fetch_since;		/* replay: from when, µs */
	int		 told_offline;		/* dm: "not online" was said */
	/* A /lastlog searching Kafka for older matches (lastlog.c). */
	unsigned	 lastlog;		/* its id; 0: none */
	size_t		 lastlog_shown;		/* matches the buffer had */
	char		 lastlog_q[KC_SEARCH_Q_MAX + 1];
	/*
	 * The user's own lines that left the scrollback (or /clear) before
	 * Kafka read them back: not shown, but kept (buffer-gone.c) so that
	 * their delivery report and their read-back still find them.
	 * gone is oldest first; a line taken back has id "" until the
	 * array is compacted; gone_ids: the ids of the others.
	 */
	struct line	*gone;
	size_t		 ngone, gone_cap, gone_live, gone_hint;
	struct idset	 gone_ids;
	/*
	 * Edits and deletes of lines not loaded (edit-aside.c), applied
	 * when history or a replay brings the line; NULL: none yet.
	 */
	struct edit_aside *aside;
};

struct buffer	*buffer_new(enum buffer_kind, const char *target, size_t max);
void		 buffer_free(struct buffer *);
/* A line with this id (the newest), or NULL. */
struct line	*buffer_find(struct buffer *, const char *id);
/*
 * The line with this id by user, or NULL: the same message. A line with the
 * id by someone else is another message (ids are chosen by the writer).
 */
struct line	*buffer_find_user(struct buffer *, const char *id,
		    const char *user);
/*
 * The line a reply, edit or delete at offset before1 - 1 in the room's
 * partition (before1 0: not known) names by id, of user (any when NULL):
 * of those earlier in the partition, the lowest offset; lines whose offset
 * is not known count only when no other does (the first of them). NULL
 * when none.
 */
struct line	*buffer_find_re(struct buffer *, const char *id,
		    const char *user, int64_t before1);
/*
 * Adds a copy of l (text and l->more's strings duplicated, l->more only
 * when it holds anything; the user name held with intern_hold()): appended
 * at the end, or, with sorted, at its place by time (history). Returns the
 * stored line, or NULL when a line with the same id is already there or
 * the line falls off the top of a full buffer. The oldest line goes when
 * the buffer is full.
 */
struct line	*buffer_add(struct buffer *, const struct line *l, int sorted);
/* Puts a copy of l at index at (the end when past it), as buffer_add(). */
struct line	*buffer_insert(struct buffer *, const struct line *l, size_t at);
void		 buffer_clear(struct buffer *);
/* The oldest line that came from Kafka (has an id), or NULL. */
struct line	*buffer_oldest(struct buffer *);
/* Removes the lines with any of flags; returns how many. */
size_t		 buffer_drop(struct buffer *, int flags);
/* Frees what l points to (text, more and its strings; drops user), not l. */
void		 buffer_line_free(struct line *l);
/* l->more, made (all 0) when l has none yet; l owns it. */
struct line_more *buffer_line_more(struct line *l);

/* --------------------------------------------------------- buffer-gone.c */

/*
 * Own lines out of view, until Kafka has them. In line mode each is
 * printed once, when final, however long the burst: a line that left the
 * scrollback while pending is still printed when acknowledged, and one
 * read back after it left is not printed again as a new line.
 */
/*
 * A line leaving the buffer: kept (its strings and all) when it is the
 * user's and not read back yet, else freed. l's memory is the caller's.
 */
void		 buffer_gone_keep(struct buffer *, struct line *l);
/* The kept line with this id, or NULL. */
struct line	*buffer_gone_find(struct buffer *, const char *id);
/* Frees a kept line (read back, or given up): l is no longer valid. */
void		 buffer_gone_del(struct buffer *, struct line *l);
/* The kept line at index i (0 to ngone - 1), or NULL when taken back. */
struct line	*buffer_gone_at(struct buffer *, size_t i);
/*
 * Forgets the final kept lines older than before_us: Kafka did not read
 * them back (sent before a reader started); pending ones stay.
 */
void		 buffer_gone_expire(struct buffer *, int64_t before_us);
/* Frees every kept line. */
void		 buffer_gone_free(struct buffer *);

/* ---------------------------------------------------------------- edit.c */

#define EDIT_DELETED	"[message deleted]"	/* a deleted line's text */
#define EDIT_QUOTE_MAX	80	/* bytes of the answered text in a quote */

/*
 * The line an edit or delete m changes in b, or NULL when it does not
 * count: no line of its user with that id loaded before it in the
 * partition (buffer_find_re()), not a message or action, another author
 * (a forged one), already deleted, or, an edit, older (by offset) than an
 * edit already applied (a delete wins over any edit).
 */
struct line	*edit_target(struct buffer *, const struct kc_msg *m);
/* The user's newest message or action in b that may be edited, or NULL. */
struct line	*edit_last_own(struct buffer *, const char *user);
/* The newest message, action or dm of user in b, or NULL. */
struct line	*edit_last_of(struct buffer *, const char *user);
/*
 * The quote of the line with id in b ("<alice> text…"), or of one not
 * loaded, for a reply at offset before1 - 1 (0: not known): the line is
 * buffer_find_re()'s, so a later line with the same id is not quoted.
 */
char		*edit_quote(struct buffer *, const char *id, int64_t before1);
/*
 * Makes the quotes of the replies to l's id in b again (l was edited, or
 * history brought it).
 */
void		 edit_requote(struct buffer *, const struct line *l);

/* ---------------------------------------------------------- edit-aside.c */

#define EDIT_ASIDE_MAX	300	/* edits and deletes kept aside a buffer */

/*
 * Keeps the edit or delete m of a line of b (applied or not: its line may
 * not be loaded, or may leave the scrollback and come back) for lines that
 * come later: at most EDIT_ASIDE_MAX; when full, the oldest of the writer
 * with the most kept goes, so that one writer's flood pushes out its own
 * records, not another's delete. A record kept already is kept once.
 */
void		 edit_aside_keep(struct buffer *, const struct kc_msg *m);
/*
 * The line id of user, at offset1 - 1 in the partition (0: not known),
 * comes: puts in out the edit or delete kept for it (later in the
 * partition than the line) that counts, a delete before any edit, else
 * the newest edit by offset. 1 when there was one (out to be freed with
 * kc_msg_clear()), else 0.
 */
int		 edit_aside_find(struct buffer *, const char *id,
		    const char *user, int64_t offset1, struct kc_msg *out);
/* Frees what b keeps aside. */
void		 edit_aside_free(struct buffer *);
/* ----------------------------------------------------------------- log.c */

/* $XDG_DATA_HOME/kchat/logs, else ~/.local/share/kchat/logs. */
void		 log_dir(char *out, size_t len);
/* Appends l to dir/ROOM/YYYY-MM-DD.log (directories 0700, file 0600). */
int		 log_line(const char *dir, struct buffer *,
		    const struct line *, char *errstr, size_t len);

/* ---------------------------------------------------------------- side.c */

struct side;

struct side	*side_new(void);
void		 side_free(struct side *);
/* A setting's value as the running client has it (NULL: unset). */
const char	*side_get(const struct side *, const char *key);
void		 side_put(struct side *, const char *key, const char *value);
/* 1 when the setting is on/yes/true/1. */
int		 side_on(const struct side *, const char *key);
/* The config file /set saves to. */
void		 side_set_path(struct side *, const char *path);
const char	*side_path(const struct side *);
struct people	*side_people(struct side *);
/* Our own away message, "" when not away. */
const char	*side_away(const struct side *);
void		 side_set_away(struct side *, const char *text);
int		 side_ignored(const struct side *, const char *user);
int		 side_highlight(const struct side *, const char *text);
/* 1 when a typing heartbeat may go now (one per 2 s); notes it went. */
int		 side_typing_due(struct side *, int64_t now);
void		 side_typing_reset(struct side *);
/* Logs l of b when "log" is on; -1 (once until it works) on failure. */
int		 side_log(struct side *, struct buffer *, const struct line *,
		    char *errstr, size_t len);

/* ---------------------------------------------------------------- chat.c */

struct chat;

/*
 * What the chat needs from Kafka; tui/kafka.c, or a fake in tests.
 *
 * History and replay wait for the broker, so they only start a fetch and
 * return at once: KC_OK when it runs in the background (its result comes
 * back later, on the main thread, through chat_fetched() with the same id),
 * else an error (errstr) and nothing more happens.
 */
/* What /stats says of the Kafka side. */
struct chat_stats {
	uint64_t	read;			/* records read, both topics */
	uint64_t	skipped;		/* that did not decode */
	uint64_t	invalid[KC_ERR__COUNT];	/* skipped, by reason */
	int		pending;		/* lines waiting for Kafka */
};

struct chat_ops {
	/* Queues m; the outcome comes back through chat_delivered(). */
	int	(*send)(void *arg, const struct kc_msg *m, char *errstr,
		    size_t len);
	/* The n messages of room before id before ("" = newest), oldest first. */
	int	(*history)(void *arg, unsigned id, const char *room, size_t n,
		    const char *before, char *errstr, size_t len);
	/* The messages of room from since_us until now, oldest first. */
	int	(*replay)(void *arg, unsigned id, const char *room,
		    int64_t since_us, char *errstr, size_t len);
	/* What the readers saw (NULL: nothing to say). */
	void	(*stats)(void *arg, struct chat_stats *out);
	/*
	 * Searches room's messages older than id before ("" = from the
	 * newest) for q, at most scan records (kc_search_query()); progress
	 * comes through lastlog_progress(), the end through lastlog_found().
	 * NULL: no search.
	 */
	int	(*search)(void *arg, unsigned id, const char *room,
		    const char *q, const char *before, size_t scan,
		    char *errstr, size_t len);
	/*
	 * 1 once who is online is known, connected: the presence topic read
	 * up to where it ended when the connection was made. NULL: as soon
	 * as connected.
	 */
	int	(*presence_known)(void *arg);
};

/* Connection state shown in the status line. */
enum chat_conn {
	CHAT_CONNECTING = 0,	/* never reached a broker yet */
	CHAT_CONNECTED,
	CHAT_RECONNECTING,	/* lost the broker, librdkafka retries */
	CHAT_OFFLINE		/* no broker for a while; still retrying */
};

/* Events passed to the notify callback. */
enum chat_event {
	CHAT_LINE_NEW,		/* a line was added */
	CHAT_LINE_UPDATE,	/* a line's delivery state changed */
	CHAT_BELL,		/* a mention or a direct message arrived */
	CHAT_BUFFERS,		/* buffers were added, removed or switched */
	CHAT_LINES_GONE,	/* lines of the buffer went ("loading…") */
	CHAT_LINE_EDIT,		/* a line was edited or deleted by its author */
	CHAT_PEOPLE		/* someone's away or typing state changed */
};
typedef void chat_notify_fn(void *arg, enum chat_event, struct buffer *,
    struct line *);

struct chat	*chat_new(const char *user, const struct chat_ops *, void *);
void		 chat_free(struct chat *);
void		 chat_set_notify(struct chat *, chat_notify_fn *, void *);
void		 chat_set_history(struct chat *, size_t n);
void		 chat_set_scrollback(struct chat *, size_t n);
void		 chat_set_bell(struct chat *, int on);
void		 chat_set_brokers(struct chat *, const char *);
/* This terminal's instance id, put in every record ("inst"). */
void		 chat_set_inst(struct chat *, const char *);
const char	*chat_inst(struct chat *);
/* The rooms and read markers of the state topics (roomstate.c); not owned. */
struct roomstate;
void		 chat_set_state(struct chat *, struct roomstate *);
struct roomstate *chat_state(struct chat *);
/* Says that b's counts changed (the screen redraws). */
void		 chat_touch(struct chat *, struct buffer *);
/*
 * Ends the program with status 1 once the main loop sees it, printing why
 * (after the screen is restored); NULL when no such end was asked for.
 */
void		 chat_fatal(struct chat *, const char *why);
const char	*chat_fatal_why(struct chat *);
/* The Kafka side's statistics into out; 0 when it keeps none. */
int		 chat_stats(struct chat *, struct chat_stats *out);
const char	*chat_brokers(struct chat *);
const char	*chat_user(struct chat *);
void		 chat_set_user(struct chat *, const char *);
/*
 * /nick took a name at at (µs), leaving old: chat_nick_due() says so once,
 * CHAT_NICK_RECHECK_MS later (1, with old and at), so that /nick can look
 * again at who is online (a holder's records may have been on their way);
 * 0 before then, or when there is nothing to look at.
 */
#define CHAT_NICK_RECHECK_MS	3000
void		 chat_nick_watch(struct chat *, const char *old, int64_t at);
int		 chat_nick_due(struct chat *, int64_t now, char old[KC_NAME_MAX + 1],
		    int64_t *at);
/*
 * Called on every pass of the loop: notes when this terminal is heard of
 * (connected, and the loop running). After it was not for long enough
 * that others dropped it from presence (a suspended process, a closed
 * lid, Kafka out of reach), says so once, CHAT_NICK_RECHECK_MS later (1,
 * with when it was last heard of in *from), so that cmd-nick.c can look
 * whether someone took the name meanwhile; else 0.
 */
int		 chat_lapse_due(struct chat *, int64_t now, int64_t *from);
/*
 * Whether the name was taken while this terminal was unheard (since at,
 * chat_lose_name()): then only leaves go out under it (others refused,
 * saying so), the other client's records under it are not ours, nor
 * direct messages to it written since at, until a name is set again
 * (chat_set_user(), /nick).
 */
int		 chat_name_lost(struct chat *);
void		 chat_lose_name(struct chat *, int64_t at);
int		 chat_quit_requested(struct chat *);
void		 chat_request_quit(struct chat *);
/*
 * Sets the connection state (a notice in the current buffer when it
 * changes). Rooms joined while not connected get their history when the
 * state becomes CHAT_CONNECTED.
 */
void		 chat_set_conn(struct chat *, enum chat_conn);
enum chat_conn	 chat_conn(struct chat *);
const char	*chat_conn_name(enum chat_conn);
struct kc_presence *chat_presence(struct chat *);
/* 1 when connected and who is online is known (chat_ops presence_known). */
int		 chat_presence_known(struct chat *);
/* Settings, away and typing state (tui/side.c). */
struct side	*chat_side(struct chat *);
/* Sets our away message ("" or NULL: back) and tells the rooms now. */
void		 chat_away(struct chat *, const char *text);
/*
 * The user typed: with input text (not a command) in a room buffer, a
 * typing heartbeat goes to that room, at most one every 2 seconds.
 */
void		 chat_typing(struct chat *, const char *input);

size_t		 chat_nbuffers(struct chat *);
struct buffer	*chat_buffer(struct chat *, size_t idx);
struct buffer	*chat_current(struct chat *);
size_t		 chat_current_index(struct chat *);
/* Makes buffer idx current (clamped); clears its unread counts. */
void		 chat_switch(struct chat *, size_t idx);
void		 chat_next(struct chat *, int dir);
struct buffer	*chat_find(struct chat *, const char *name);
/* The room of the current buffer, or of the last room buffer for a dm. */
const char	*chat_room(struct chat *);

/*
 * chat_send() of text, as several messages split between words when it
 * is longer than one message may be (a notice says how many).
 */
int		 chat_send_text(struct chat *, enum kc_type, const char *room,
		    const char *to, const char *text);
/* Sends text to the current buffer (message, or dm in a "@user" buffer). */
int		 chat_say(struct chat *, const char *text);
/* Sends a record of type to room or user; adds the pending line. */
int		 chat_send(struct chat *, enum kc_type, const char *room,
		    const char *to, const char *text);
/*
 * The same with re (edit, delete: the id changed; applied to the line at
 * once) and reply (the id answered: the new line quotes it).
 */
int		 chat_send_re(struct chat *, enum kc_type, const char *room,
		    const char *to, const char *re, const char *reply,
		    const char *text);
/*
 * Joins room: opens the buffer, sends a join record, fetches history in
 * the background (at once when connected, else once the connection is up).
 */
int		 chat_join(struct chat *, const char *room);
/* Leaves room: sends a leave record, closes the buffer. */
int		 chat_part(struct chat *, const char *room);
/* Opens (or finds) the "@user" buffer. */
struct buffer	*chat_dm_buffer(struct chat *, const char *peer);
/* Closes a buffer without telling Kafka (dm buffers). */
void		 chat_close(struct chat *, struct buffer *);
/*
 * Starts fetching n messages older than the oldest in b, in the
 * background: a "loading…" line shows meanwhile, and the buffer says how
 * many came once they are there. -1 (said in b) when it cannot start, or a
 * fetch for b still runs.
 */
int		 chat_history_more(struct chat *, struct buffer *, size_t n);
/* The same for a replay of b's room from since_us. */
int		 chat_replay(struct chat *, struct buffer *, int64_t since_us);
/*
 * The end of fetch id: err and errstr, or count messages (oldest first;
 * copied, the caller still owns them), put in place in the buffer that
 * asked, without the lines it already shows. Nothing when that buffer
 * is gone.
 */
void		 chat_fetched(struct chat *, unsigned id, int err,
		    const char *errstr, const struct kc_msg *msgs,
		    size_t count);

/* A record read from Kafka (live: from the reader; else history). */
void		 chat_receive(struct chat *, const struct kc_msg *, int live);
/*
 * A direct message that arrived while kchat-tui was not running: shown in
 * its place by time, and counted as unread.
 */
void		 chat_receive_missed(struct chat *, const struct kc_msg *);
/* A delivery report for a record this chat sent. */
void		 chat_delivered(struct chat *, const struct kc_msg *, int err,
		    const char *errstr);
/*
 * Marks every message, action and direct message of the user's still
 * pending as failed with reason (at exit: Kafka did not take them in
 * time); returns how many. Joins and leaves are not the user's lines.
 */
int		 chat_abandon(struct chat *, const char *reason);
/* The user's messages not yet acknowledged (joins and leaves not counted). */
int		 chat_pending(struct chat *);
/* Sends a heartbeat for every joined room; drops silent users. */
void		 chat_heartbeat(struct chat *);
/*
 * Once a second: presence timeouts; own lines out of view that Kafka did
 * not read back within TUI_GONE_KEEP_MS are forgotten.
 */
void		 chat_expire(struct chat *, int64_t now_us);

/* Rooms seen on the topic, sorted; iterate with idx until NULL. */
const char	*chat_room_seen(struct chat *, size_t idx);
/* Users seen talking in buffer b or present in its room (sorted). */
size_t		 chat_users(struct chat *, struct buffer *, char ***out);
void		 chat_users_free(char **, size_t);

/* Local lines in the current buffer. */
void		 chat_info(struct chat *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 chat_error(struct chat *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 chat_info_to(struct chat *, struct buffer *, enum line_kind,
		    const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

/* 1 when text names user as a whole word (case-insensitive). */
int		 chat_mentions(const char *text, const char *user);
/*
 * Completion candidates for the word starting at byte ws of line (up to the
 * cursor at byte cur), each with its suffix ("/join ", "#room ", "alice: ").
 */
size_t		 chat_complete(struct chat *, const char *line, size_t ws,
		    size_t cur, char ***out);

/* A new id for a background fetch (history, replay, /lastlog). */
unsigned	 chat_fetch_id(struct chat *);
/* The chat_ops search (lastlog.c); KC_ERR_INVAL when there is none. */
int		 chat_search(struct chat *, unsigned id, const char *room,
		    const char *q, const char *before, size_t scan,
		    char *errstr, size_t len);
/* A local line of kind with flags in b (LINE_LASTLOG: progress). */
void		 chat_note(struct chat *, struct buffer *, enum line_kind,
		    int flags, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
/* Removes b's lines with any of flags, telling the screen. */
void		 chat_drop(struct chat *, struct buffer *, int flags);

/* ------------------------------------------------------------ activity.c */


/* "(5)" unread, "(5, 1!)" and 1 mention, "(1!)" all mentions; "" none. */
void	 activity_counts(const struct buffer *, char *buf, size_t len);
/*
 * Buffer number n's line in the room list, "3 #dev (5, 1!)", in at most
 * cols columns: a name too long is cut ("3 #release-e… (5)"), never the
 * counts. buf holds len bytes.
 */
void	 activity_entry(const struct buffer *, size_t n, size_t cols,
	    char *buf, size_t len);
/*
 * Appends the activity list, "[Act: 3:@bob(1!), 2:#dev(5)]" (buffers with
 * mentions first, then the others with unread lines), or nothing, to out
 * (NUL-terminated).
 */
void	 activity_list(struct chat *, struct kc_buf *out);

/* ------------------------------------------------------------- lastlog.c */

/*
 * /lastlog: the lines of b whose text contains q (ASCII letters without
 * case) listed in b under a header, then the older ones read from Kafka
 * in the background, at most scan records of the room (0:
 * KC_SEARCH_SCAN_DEFAULT), with a progress line meanwhile and a count at
 * the end. -1 (said in b) when a search of b still runs.
 */
int	 lastlog_start(struct chat *, struct buffer *b, const char *q,
	    size_t scan);
/* Search id read scanned records of the room so far. */
void	 lastlog_progress(struct chat *, unsigned id, size_t scanned);
/*
 * Search id ended: err and errstr, or count matches (oldest first, still
 * the caller's), scanned records read, more: the bound stopped it.
 */
void	 lastlog_found(struct chat *, unsigned id, int err,
	    const char *errstr, const struct kc_msg *msgs, size_t count,
	    size_t scanned, int more);
/* ----------------------------------------------------------- roomstate.c */

/* Writers of the state topics, set by the program (tui/kafka-state.c). */
typedef int roomstate_room_fn(void *arg, const struct kc_roominfo *);
typedef int roomstate_marker_fn(void *arg, const struct kc_marker *);

struct roomstate *roomstate_new(void);
void	 roomstate_free(struct roomstate *);
void	 roomstate_set_writer(struct roomstate *, roomstate_room_fn *,
	    roomstate_marker_fn *, void *arg);
/* The rooms topic was read to its end: rooms without a record get one. */
void	 roomstate_ready(struct roomstate *);
/* A rooms-topic record; tell: a changed topic is said in its buffer. */
void	 roomstate_room(struct chat *, const struct kc_roominfo *, int tell);
/* A read marker: kept when it is the user's and further on; recounts. */
void	 roomstate_marker(struct chat *, const struct kc_marker *);
const struct kc_roominfo *roomstate_info(struct chat *, const char *room);
const struct kc_roomtab *roomstate_rooms(struct chat *);
/* /topic TEXT in room ("" clears): written and applied; -1 with errstr. */
int	 roomstate_set_topic(struct chat *, const char *room, const char *text,
	    char *errstr, size_t len);
/*
 * b's unread counts from the user's marker of its room, or of its direct
 * conversation (none: kept).
 */
void	 roomstate_count(struct chat *, struct buffer *b);
/*
 * Once a second: the current buffer (a room or a direct conversation), at
 * its newest line, is read (a marker written); the others' counts come
 * from their markers; rooms joined without a record get one.
 */
void	 roomstate_tick(struct chat *);
/* b goes out of view (another buffer is switched to): read, if at its end. */
void	 roomstate_leave(struct chat *, struct buffer *b);
/* Quitting: the current buffer, at its newest line, is read. */
void	 roomstate_quit(struct chat *);
/* ------------------------------------------------------------- setting.c */

/* The keys /set knows, in order; NULL past the last. */
const char	*setting_key(size_t idx);
/* Its value, else its default; NULL for an unknown key. */
const char	*setting_get(struct chat *, const char *key);
/* 1 when a change takes effect in the running client. */
int		 setting_live(const char *key);
/* The value at start (the config file, environment and flags). */
void		 setting_init(struct chat *, const char *key, const char *value);
/*
 * Checks value (NULL: back to the default), saves it in the config file
 * (save), then takes it. -1 with the reason in err.
 */
int		 setting_set(struct chat *, const char *key, const char *value,
		    int save, char *err, size_t len);

/* ----------------------------------------------------------------- cmd.c */

enum cmd_arg {
	CMD_ARG_NONE,
	CMD_ARG_ROOM,	/* first argument completes to rooms */
	CMD_ARG_USER,	/* first argument completes to users */
	CMD_ARG_CMD	/* first argument completes to commands */
};

struct cmd_entry {
	const char	*name;
	const char	*alias;		/* or NULL */
	const char	*usage;		/* arguments, "" when none */
	const char	*help;		/* one sentence */
	enum cmd_arg	 arg;
	/* args: the rest of the line, spaces trimmed; returns 0 or -1 */
	int		(*exec)(struct chat *, const char *args);
};

extern const struct cmd_entry *cmd_table[];
extern const struct cmd_entry cmd_away_entry;
extern const struct cmd_entry cmd_clear_entry;
extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_edit_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_ignore_entry;
extern const struct cmd_entry cmd_join_entry;
extern const struct cmd_entry cmd_lastlog_entry;
extern const struct cmd_entry cmd_me_entry;
extern const struct cmd_entry cmd_msg_entry;
extern const struct cmd_entry cmd_nick_entry;
/*
 * CHAT_NICK_RECHECK_MS after a /nick: when another client that was online
 * before it holds the name after all (its records came late), back to the
 * name before, saying why. 1 when it went back. Likewise after a time
 * this terminal was unheard (chat_lapse_due()): when another client took
 * the name meanwhile, leaves every room under it and sends nothing more
 * as it until /nick (chat_name_lost()), saying why; 1 then too.
 */
int	cmd_nick_recheck(struct chat *, int64_t now);
extern const struct cmd_entry cmd_part_entry;
extern const struct cmd_entry cmd_quit_entry;
extern const struct cmd_entry cmd_stats_entry;
extern const struct cmd_entry cmd_topic_entry;
extern const struct cmd_entry cmd_replay_entry;
extern const struct cmd_entry cmd_reply_entry;
extern const struct cmd_entry cmd_rooms_entry;
extern const struct cmd_entry cmd_set_entry;
extern const struct cmd_entry cmd_unignore_entry;
extern const struct cmd_entry cmd_who_entry;


/*
 * One line typed by the user: a command (cmd_dispatch()) or text for the
 * current buffer (chat_say()).
 */
void		 cmd_input(struct chat *, const char *line);
/* Runs "/name args"; an unknown name gets a hint. Returns 0 or -1. */
int		 cmd_dispatch(struct chat *, const char *line);
/*
 * The command name[0..len) was probably meant to be, in *out: one it
 * starts, or one a typo away (one edit; two in longer names). -1: none.
 */
int		 cmd_suggest(const char *name, size_t len, const char **out);
/* The entry named name (or its alias), or NULL. */
const struct cmd_entry *cmd_find(const char *name, size_t len);
/* Complains "usage: /name args"; returns -1. */
int		 cmd_usage(struct chat *, const struct cmd_entry *);
/*
 * Splits the first word off *args; returns it (NUL-terminated in buf), or
 * NULL when it is longer than len - 1 bytes (buf then holds its start:
 * never to be used as the word, which a name cut short could be).
 */
const char	*cmd_word(const char **args, char *buf, size_t len);
/* Complains "\"WORD…\" is too long" of a word cmd_word() cut; returns -1. */
int		 cmd_too_long(struct chat *, const char *start);
/* Parses a /replay argument: "10m", "1h30m", "2d", "14:30", "2025-10-03 14:30". */
int		 cmd_replay_parse(const char *s, int64_t now_us, int64_t *since);

/* --------------------------------------------------------------- input.c */

typedef size_t input_complete_fn(void *arg, const char *line, size_t ws,
    size_t cur, char ***out);

struct input;

struct input	*input_new(void);
void		 input_free(struct input *);
const char	*input_text(struct input *);
size_t		 input_len(struct input *);
size_t		 input_cursor(struct input *);	/* byte offset */
/* Cells from the start of the line to the cursor. */
size_t		 input_cursor_col(struct input *);
/*
 * Inserts typed text at the cursor (controls shown as symbols); as much as
 * fits in TUI_INPUT_MAX: -1 when some did not.
 */
int		 input_insert(struct input *, const char *s, size_t n);
/*
 * Inserts pasted text: line ends (CR, LF, CR LF) become newlines in the
 * input, trailing ones dropped; never runs anything. -1 when cut.
 */
int		 input_paste(struct input *, const char *s, size_t n);
void		 input_newline(struct input *);		/* Ctrl-J */
/* Lines in the input: 1 + its newlines. */
size_t		 input_lines(struct input *);
void		 input_set(struct input *, const char *s);
void		 input_left(struct input *);
void		 input_right(struct input *);
void		 input_word_left(struct input *);
void		 input_word_right(struct input *);
void		 input_home(struct input *);
void		 input_end(struct input *);
void		 input_backspace(struct input *);
void		 input_delete(struct input *);
void		 input_kill_start(struct input *);	/* Ctrl-U */
void		 input_kill_end(struct input *);	/* Ctrl-K */
void		 input_kill_word(struct input *);	/* Ctrl-W */
void		 input_yank(struct input *);		/* Ctrl-Y */
void		 input_history_prev(struct input *);
void		 input_history_next(struct input *);
void		 input_complete(struct input *, input_complete_fn *, void *);
/* Returns the line (caller frees), remembers it, and empties the input. */
char		*input_take(struct input *);

/* -------------------------------------------------------------- format.c */

/* "2025-10-03 22:30:45" in local time. */
void		 format_time(int64_t ts_us, const char *fmt, char *buf,
		    size_t len);
/*
 * The plain one-line form of l in b, as line mode prints it:
 * "2025-10-03 22:30:45 #general <alice> hello". Newlines in the text show
 * as U+2424.
 */
void		 format_plain(struct buffer *, struct line *, struct kc_buf *);
/* The texts of a nick change's leave and join records (see format.c). */
#define FORMAT_NICK_NEW	KC_NICK_NEW
#define FORMAT_NICK_OLD	KC_NICK_OLD
/* A leave that is a nick change: the new name; else NULL. */
const char	*format_nick_new(const struct line *);
/* A join that ends a nick change: the old name; else NULL. */
const char	*format_nick_old(const struct line *);

/* ------------------------------------------------------------ instance.c */

/* This terminal's instance id: saved under $XDG_STATE_HOME, else made. */
void		 instance_load(char out[KC_INST_MAX + 1]);

#endif /* TUI_H */
