/*
 * conf.c - configuration shared by kchat's programs: defaults < config file <
 * environment < command line. A key is either one of kchat's (brokers, topic,
 * user, room, history, and those a program defines) or a librdkafka property
 * passed through untouched, as kcat's -X does (SASL and SSL included).
 * A config file that holds a password others may read is refused.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct conf_entry {
	char			*key;
	char			*val;
	enum kc_conf_level	 lvl;
	int			 known;		/* kchat's key, not librdkafka's */
	struct conf_entry	*next;
};

struct conf_env {
	char		*env;
	char		*key;
	struct conf_env	*next;
};

struct kc_conf {
	struct conf_entry	*entries;	/* newest first */
	struct conf_env		*envs;
};

static const struct {
	const char *key, *def;
} conf_defaults[] = {
	{ "brokers", NULL },
	{ "topic", "chat-messages" },
	{ "user", NULL },
	{ "room", "general" },
	{ "history", "50" },
};

static struct conf_entry *
conf_find(const struct kc_conf *c, const char *key)
{
	struct conf_entry *e;

	for (e = c->entries; e != NULL; e = e->next) {
		if (strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

static struct conf_entry *
conf_add(struct kc_conf *c, const char *key, int known)
{
	struct conf_entry *e;

	if ((e = calloc(1, sizeof *e)) == NULL || (e->key = strdup(key)) == NULL) {
		free(e);
		return NULL;
	}
	e->known = known;
	e->lvl = KC_CONF_DEFAULT;
	e->next = c->entries;
	c->entries = e;
	return e;
}

int
kc_conf_define(struct kc_conf *c, const char *key, const char *def)
{
	struct conf_entry *e;

	if ((e = conf_find(c, key)) == NULL && (e = conf_add(c, key, 1)) == NULL)
		return KC_ERR_NOMEM;
	e->known = 1;
	free(e->val);
	e->val = NULL;
	if (def != NULL && (e->val = strdup(def)) == NULL)
		return KC_ERR_NOMEM;
	return KC_OK;
}

int
kc_conf_bind_env(struct kc_conf *c, const char *env, const char *key)
{
	struct conf_env *b;

	if ((b = calloc(1, sizeof *b)) == NULL)
		return KC_ERR_NOMEM;
	if ((b->env = strdup(env)) == NULL || (b->key = strdup(key)) == NULL) {
		free(b->env);
		free(b);
		return KC_ERR_NOMEM;
	}
	b->next = c->envs;
	c->envs = b;
	return KC_OK;
}

struct kc_conf *
kc_conf_new(void)
{
	struct kc_conf	*c;
	size_t		 i;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	for (i = 0; i < sizeof conf_defaults / sizeof conf_defaults[0]; i++) {
		if (kc_conf_define(c, conf_defaults[i].key, conf_defaults[i].def) != KC_OK)
			goto err;
	}
	if (kc_conf_bind_env(c, "KAFKA_BOOTSTRAP_SERVERS", "brokers") != KC_OK ||
	    kc_conf_bind_env(c, "CHAT_TOPIC", "topic") != KC_OK)
		goto err;
	return c;
err:
	kc_conf_free(c);
	return NULL;
}

void
kc_conf_free(struct kc_conf *c)
{
	struct conf_entry	*e, *en;
	struct conf_env		*b, *bn;

	if (c == NULL)
		return;
	for (e = c->entries; e != NULL; e = en) {
		en = e->next;
		free(e->key);
		free(e->val);
		free(e);
	}
	for (b = c->envs; b != NULL; b = bn) {
		bn = b->next;
		free(b->env);
		free(b->key);
		free(b);
	}
	free(c);
}

/* Asks librdkafka whether it knows the property key and accepts val. */
static int
conf_check_rdkafka(const char *key, const char *val, char *errstr, size_t errlen)
{
	rd_kafka_conf_t		*rc;
	rd_kafka_conf_res_t	 res;
	char			 rerr[256];

	if ((rc = rd_kafka_conf_new()) == NULL)
		return KC_ERR_NOMEM;
	res = rd_kafka_conf_set(rc, key, val, rerr, sizeof rerr);
	rd_kafka_conf_destroy(rc);
	if (res == RD_KAFKA_CONF_OK)
		return KC_OK;
	if (errstr != NULL)
		snprintf(errstr, errlen, "%s", rerr);
	return KC_ERR_CONFIG;
}

int
kc_conf_set(struct kc_conf *c, enum kc_conf_level lvl, const char *key,
    const char *val, char *errstr, size_t errlen)
{
	struct conf_entry	*e;
	char			*v;
	int			 err;

	if (key == NULL || *key == '\0' || val == NULL) {
		if (errstr != NULL)
			snprintf(errstr, errlen, "empty configuration key");
		return KC_ERR_CONFIG;
	}
	e = conf_find(c, key);
	if (e == NULL || !e->known) {
		/* Not one of ours: it must be a property librdkafka accepts. */
		if ((err = conf_check_rdkafka(key, val, errstr, errlen)) != KC_OK)
			return err;
	}
	if (e == NULL && (e = conf_add(c, key, 0)) == NULL)
		return KC_ERR_NOMEM;
	if (e->lvl > lvl)
		return KC_OK;	/* a stronger source already decided */
	if ((v = strdup(val)) == NULL)
		return KC_ERR_NOMEM;
	free(e->val);
	e->val = v;
	e->lvl = lvl;
	return KC_OK;
}

int
kc_conf_set_x(struct kc_conf *c, enum kc_conf_level lvl, const char *kv,
    char *errstr, size_t errlen)
{
	const char	*eq = strchr(kv, '=');
	char		*key;
	int		 err;

	if (eq == NULL || eq == kv) {
		if (errstr != NULL)
			snprintf(errstr, errlen, "expected property=value, got \"%s\"", kv);
		return KC_ERR_CONFIG;
	}
	if ((key = strndup(kv, (size_t)(eq - kv))) == NULL)
		return KC_ERR_NOMEM;
	err = kc_conf_set(c, lvl, key, eq + 1, errstr, errlen);
	free(key);
	return err;
}

/* Strips leading and trailing white space in place. */
static char *
conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * 1 when key names a secret (sasl.password, ssl.key.password,
 * sasl.oauthbearer.client.secret, ...): a file holding one must be
 * readable by its owner only.
 */
static int
conf_secret_key(const char *key)
{
	return strstr(key, "password") != NULL || strstr(key, "secret") != NULL;
}

int
kc_conf_load_file(struct kc_conf *c, const char *path, char *errstr,
    size_t errlen)
{
	FILE		*f;
	struct stat	 st;
	char		 line[4096], *p, *eq, *key, lerr[256];
	int		 lineno = 0, err = KC_OK;

	if ((f = fopen(path, "r")) == NULL) {
		if (errstr != NULL)
			snprintf(errstr, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? KC_ERR_NOT_FOUND : KC_ERR_CONFIG_FILE;
	}
	if (fstat(fileno(f), &st) == -1) {
		if (errstr != NULL)
			snprintf(errstr, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		return KC_ERR_CONFIG_FILE;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			if (errstr != NULL)
				snprintf(errstr, errlen, "%s:%d: line too long", path, lineno);
			err = KC_ERR_CONFIG_FILE;
			break;
		}
		p = conf_trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			if (errstr != NULL)
				snprintf(errstr, errlen, "%s:%d: expected key = value", path, lineno);
			err = KC_ERR_CONFIG_FILE;
			break;
		}
		*eq = '\0';
		key = conf_trim(p);
		if (conf_secret_key(key) && (st.st_mode & (S_IRGRP | S_IROTH))) {
			if (errstr != NULL)
				snprintf(errstr, errlen, "%s:%d: %s is a secret, but "
				    "%s can read this file (mode %03o): make it "
				    "yours alone with \"chmod 600 %s\"", path, lineno,
				    key, (st.st_mode & S_IROTH) ? "everyone" :
				    "its group", (unsigned)(st.st_mode & 0777), path);
			err = KC_ERR_CONFIG_FILE;
			break;
		}
		if ((err = kc_conf_set(c, KC_CONF_FILE, key, conf_trim(eq + 1),
		    lerr, sizeof lerr)) != KC_OK) {
			if (errstr != NULL)
				snprintf(errstr, errlen, "%s:%d: %s", path, lineno, lerr);
			err = KC_ERR_CONFIG_FILE;
			break;
		}
	}
	fclose(f);
	return err;
}

int
kc_conf_load_env(struct kc_conf *c)
{
	struct conf_env	*b;
	const char	*v;
	int		 err;

	for (b = c->envs; b != NULL; b = b->next) {
		if ((v = getenv(b->env)) == NULL || *v == '\0')
			continue;
		if ((err = kc_conf_set(c, KC_CONF_ENV, b->key, v, NULL, 0)) != KC_OK)
			return err;
	}
	return KC_OK;
}

const char *
kc_conf_get(const struct kc_conf *c, const char *key)
{
	struct conf_entry *e = conf_find(c, key);

	return e != NULL ? e->val : NULL;
}

long
kc_conf_get_long(const struct kc_conf *c, const char *key, long def)
{
	const char	*v = kc_conf_get(c, key);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return def;
	return n;
}

/*
 * The embedded broker's address is read from its file at each call, into
 * a buffer of the calling thread's: a loaded configuration is never
 * written, so threads may share it.
 */
const char *
kc_conf_brokers(const struct kc_conf *c)
{
	static _Thread_local char	 embedded[256];
	const char			*b = kc_conf_get(c, "brokers");

	if (b != NULL && *b != '\0')
		return b;
	if (kc_embedded_lookup(embedded, sizeof embedded) == KC_OK)
		return embedded;
	return "localhost:9092";
}

int
kc_conf_is_embedded(const struct kc_conf *c)
{
	char addr[256];

	if (kc_embedded_lookup(addr, sizeof addr) != KC_OK)
		return 0;
	return strcmp(addr, kc_conf_brokers(c)) == 0;
}

/*
 * libkchat's librdkafka defaults, by role; a -X setting wins. No handle
 * commits offsets or joins a group (readers assign partitions themselves).
 */
static const struct {
	unsigned	 roles;		/* 1 << enum kc_role */
	int		 embedded;	/* only against the embedded broker */
	const char	*key, *val;
} conf_rdkafka_defaults[] = {
#define ALL	(1u << KC_ROLE_ADMIN | 1u << KC_ROLE_PRODUCER | \
		 1u << KC_ROLE_READER | 1u << KC_ROLE_HISTORY | \
		 1u << KC_ROLE_STATE | 1u << KC_ROLE_SHARED | 1u << KC_ROLE_SCAN)
#define P	(1u << KC_ROLE_PRODUCER)
#define R	(1u << KC_ROLE_READER | 1u << KC_ROLE_SHARED | 1u << KC_ROLE_SCAN)
#define SH	(1u << KC_ROLE_SHARED)
#define SC	(1u << KC_ROLE_SCAN)
#define H	(1u << KC_ROLE_HISTORY)
#define S	(1u << KC_ROLE_STATE)
	{ ALL, 0, "log_level", "3" },
	/* Producers: every replica, Java's partitioner. */
	{ P | S, 0, "acks", "all" },
	{ P | S, 0, "partitioner", "murmur2_random" },
	/*
	 * A chat line goes at once: 0 took the median browser -> Kafka ->
	 * browser round trip from 3.5 to 1.5 ms (kchat-bench latency) with
	 * the same fan-out and ingest (BENCHMARKS.md); under load, lines
	 * still share a request while others are in flight.
	 */
	{ P | S, 0, "linger.ms", "0" },
	/*
	 * How long a message waits for Kafka before it fails: long enough to
	 * ride out a broker restart (kchat-tui's too). At 30 s, one sent as
	 * the broker went down for 25 s failed after it was back, while one
	 * sent later was stored: out of order, and the first one lost.
	 */
	{ P | S, 0, "message.timeout.ms", "300000" },
	/* The chat's is idempotent; a state record is the latest per key,
	 * written again at will. */
	{ P, 0, "enable.idempotence", "true" },
	{ S, 0, "enable.idempotence", "false" },
	/*
	 * Topics are made with the settings that keep a chat
	 * (kc_topics_ensure()); a first line sent or a history asked for
	 * must not auto-create one with the broker's defaults first. The
	 * long-lived readers, opened after kc_topics_ensure(), still may,
	 * where the cluster forbids CreateTopics (topics.c says so).
	 */
	{ P | S | H, 0, "allow.auto.create.topics", "false" },
	{ R, 0, "allow.auto.create.topics", "true" },
	{ R | H, 0, "enable.auto.commit", "false" },
	{ R | H, 0, "group.id", "kchat-unused" },
	{ R, 0, "enable.auto.offset.store", "false" },
	{ R, 0, "statistics.interval.ms", "1000" },
	/* partitions added to the topic are seen within this (a running
	 * producer writes a moved room to its old partition until then; a
	 * history query also asks for the topic's partitions itself) */
	{ P | S | R | H, 0, "topic.metadata.refresh.interval.ms", "30000" },
	/*
	 * An offset the log no longer has: kc_reader_next() learns of it and
	 * starts again at what is left (reader_reset()), so that a log that
	 * went backwards is told from a fetch repeated.
	 */
	{ R, 0, "auto.offset.reset", "error" },
	/*
	 * Readers sharing a consumer (share.c) join its fetches from the
	 * next on: after the one under way, which waits for records up to
	 * this. 100 ms, not librdkafka's 500: a reader opened beside others
	 * starts within it, at ten empty fetches a second while nothing is
	 * written (a handle for each of kchat-tui's four readers made two
	 * each).
	 */
	{ SH, 0, "fetch.wait.max.ms", "100" },
	/* The embedded broker answers an empty fetch only after the whole
	 * fetch wait: keep it short there or chat lags. */
	{ R, 1, "fetch.wait.max.ms", "10" },
	{ H, 0, "fetch.wait.max.ms", "10" },
	{ H, 0, "enable.partition.eof", "true" },
	{ H, 0, "auto.offset.reset", "earliest" },
	/*
	 * A history reader is kept for many queries (kchat-bridge: one per
	 * worker), each reading windows of a few hundred to some thousands
	 * of records of one partition: prefetch at most 4 MB or 50,000
	 * records, not librdkafka's 64 MB or 100,000, so that its memory
	 * stays a few megabytes however big the topic. A fetch brings at
	 * most 1 MB (max.partition.fetch.bytes; fetch.max.bytes follows
	 * the queue's size down, or up to message.max.bytes when that is
	 * set higher); the queue must hold several: a queue that a fetch
	 * or two fill stalls a scan until librdkafka 2.0.2 looks again, up
	 * to a second later. Measured (BENCHMARKS.md, pages of 50 from
	 * Kafka, 1 KB records, 2 workers): 1 MB, 4 pages/s; 2 MB, 7; 4 MB,
	 * 28 to 31 (a consumer per page, 64 MB: 19).
	 */
	{ H, 0, "queued.min.messages", "50000" },
	{ H, 0, "queued.max.messages.kbytes", "4096" },
	/*
	 * A scan (kc_reader_new_scan(): the direct messages a user missed)
	 * reads at most KC_HISTORY_SCAN_MAX records of every partition
	 * once: the same bound. With librdkafka's, up to 100,000 records
	 * or 64 MB per partition, one scan of a big topic took ~50 MB;
	 * bounded, 100,000 records are read as fast (BENCHMARKS.md).
	 */
	{ SC, 0, "queued.min.messages", "50000" },
	{ SC, 0, "queued.max.messages.kbytes", "4096" },
#undef ALL
#undef P
#undef R
#undef H
#undef S
#undef SH
#undef SC
};

rd_kafka_conf_t *
kc_conf_rdkafka(const struct kc_conf *c, enum kc_role role, char *errstr,
    size_t errlen)
{
	rd_kafka_conf_t		*rc;
	struct conf_entry	*e;
	size_t			 i;
	int			 embedded = -1;

	if ((rc = rd_kafka_conf_new()) == NULL)
		return NULL;
	rd_kafka_conf_set_log_cb(rc, getenv("KCHAT_DEBUG_KAFKA") == NULL ?
	    kc_rdkafka_log_quiet : kc_rdkafka_log_stderr);
	if (rd_kafka_conf_set(rc, "bootstrap.servers", kc_conf_brokers(c), errstr,
	    errlen) != RD_KAFKA_CONF_OK)
		goto err;
	for (i = 0; i < sizeof conf_rdkafka_defaults /
	    sizeof conf_rdkafka_defaults[0]; i++) {
		if (!(conf_rdkafka_defaults[i].roles & (1u << role)))
			continue;
		if (conf_rdkafka_defaults[i].embedded) {
			if (embedded == -1)
				embedded = kc_conf_is_embedded(c);
			if (!embedded)
				continue;
		}
		if (rd_kafka_conf_set(rc, conf_rdkafka_defaults[i].key,
		    conf_rdkafka_defaults[i].val, errstr, errlen) != RD_KAFKA_CONF_OK)
			goto err;
	}
	for (e = c->entries; e != NULL; e = e->next) {
		if (e->known || e->val == NULL)
			continue;
		if (rd_kafka_conf_set(rc, e->key, e->val, errstr, errlen) != RD_KAFKA_CONF_OK)
			goto err;
	}
	return rc;
err:
	rd_kafka_conf_destroy(rc);
	return NULL;
}

int
kc_conf_rdkafka_default(const struct kc_conf *c, rd_kafka_conf_t *rc,
    const char *key, const char *val, char *errstr, size_t errlen)
{
	struct conf_entry *e = conf_find(c, key);

	if (e != NULL && !e->known && e->val != NULL)
		return KC_OK;	/* the user's -X wins */
	if (rd_kafka_conf_set(rc, key, val, errstr, errlen) != RD_KAFKA_CONF_OK)
		return KC_ERR_CONFIG;
	return KC_OK;
}

/* The -F argument, if any. */
static const char *
conf_file_arg(int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	const char	*file = NULL;
	int		 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == 'F')
			file = optarg;
	}
	return file;
}

int
kc_conf_load_all(struct kc_conf *c, const char *path, int argc, char **argv,
    const char *shortopts, const struct option *longopts,
    kc_conf_key_fn *key_for, const char **what, char *errstr, size_t errlen)
{
	const char	*file, *key;
	int		 ch, err = KC_OK, opterr_was = opterr;

	if (errlen > 0)
		errstr[0] = '\0';
	opterr = 0;	/* the caller's own loop reports bad options */
	file = conf_file_arg(argc, argv, shortopts, longopts);
	*what = "config file";
	if (file != NULL || (path != NULL && access(path, F_OK) == 0)) {
		if ((err = kc_conf_load_file(c, file != NULL ? file : path,
		    errstr, errlen)) != KC_OK)
			goto done;
	}
	*what = "environment";
	if ((err = kc_conf_load_env(c)) != KC_OK)
		goto done;
	optind = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		*what = argv[optind - 1];
		if (ch == 'X')
			err = kc_conf_set_x(c, KC_CONF_CLI, optarg, errstr, errlen);
		else if ((key = key_for(ch)) != NULL)
			err = kc_conf_set(c, KC_CONF_CLI, key, optarg, errstr,
			    errlen);
		if (err != KC_OK)
			goto done;
	}
done:
	optind = 0;
	opterr = opterr_was;
	return err;
}
