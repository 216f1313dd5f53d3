/*
 * topics.c - the topics kchat lives on: created with settings that keep a
 * chat's history, and checked, so that a cluster set up to lose messages
 * is said out loud instead of found out a week later.
 *
 * The chat topic keeps its records for the retention asked for (forever by
 * default), is never compacted (a room's key would keep only its newest
 * message), and is replicated min(3, brokers) times with min.insync.replicas
 * one less (from 2 replicas on), so that one broker can fail without losing
 * an acknowledged message. The presence topic keeps an hour in small
 * segments: its heartbeats mean nothing after KC_PRESENCE_TIMEOUT_MS.
 * The state topics, "<topic>.rooms" and "<topic>.read", are compacted
 * (cleanup.policy=compact): Kafka keeps the newest record of each room and
 * of each user's room, forever; one that is not compacted loses its
 * rooms and read markers to retention, and that is said.
 *
 * Creation uses the admin API; a cluster that refuses CreateTopics falls
 * back to auto-creation by the first reader, and that is reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define TOPICS_TIMEOUT_MS	10000
#define PRESENCE_RETENTION_MS	"3600000"
#define PRESENCE_SEGMENT_MS	"600000"
#define PRESENCE_RETENTION_MAX	(24 * 3600 * 1000LL)

struct topics {
	const struct kc_conf	*c;
	rd_kafka_t		*rk;
	kc_topics_fn		*fn;
	void			*opaque;
	int			 problems;
	const char		*brokers;
};

/* Says one line; problem: something that loses or endangers messages. */
static void
topics_say(struct topics *t, int problem, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
topics_say(struct topics *t, int problem, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	t->problems += problem;
	if (t->fn != NULL)
		t->fn(t->opaque, problem, line);
}

/* Waits for the admin result event of type on q. */
static rd_kafka_event_t *
topics_wait(rd_kafka_queue_t *q, rd_kafka_event_type_t type)
{
	rd_kafka_event_t	*ev;
	int64_t			 deadline = kc_now_us() + TOPICS_TIMEOUT_MS * 1000LL;

	while (kc_now_us() < deadline) {
		if ((ev = rd_kafka_queue_poll(q, 500)) == NULL)
			continue;
		if (rd_kafka_event_type(ev) == type)
			return ev;
		rd_kafka_event_destroy(ev);
	}
	return NULL;
}

/*
 * Creates topic with n partitions, rf replicas and the given configs
 * (NULL-terminated name, value pairs). Returns KC_OK, or the error with
 * errstr filled.
 */
static int
topics_create(struct topics *t, const char *topic, int n, int rf,
    const char *const *configs, char *errstr, size_t errlen)
{
	rd_kafka_NewTopic_t		*nt;
	rd_kafka_queue_t		*q;
	rd_kafka_event_t		*ev;
	const rd_kafka_topic_result_t	**res;
	size_t				 nres;
	char				 lerr[256];
	int				 err = KC_OK, i;

	if ((nt = rd_kafka_NewTopic_new(topic, n, rf, lerr, sizeof lerr)) == NULL) {
		snprintf(errstr, errlen, "%s", lerr);
		return KC_ERR_INVAL;
	}
	for (i = 0; configs[i] != NULL; i += 2)
		rd_kafka_NewTopic_set_config(nt, configs[i], configs[i + 1]);
	q = rd_kafka_queue_new(t->rk);
	rd_kafka_CreateTopics(t->rk, &nt, 1, NULL, q);
	if ((ev = topics_wait(q, RD_KAFKA_EVENT_CREATETOPICS_RESULT)) == NULL) {
		snprintf(errstr, errlen, "no answer to CreateTopics");
		err = KC_ERR_TIMEOUT;
	} else if (rd_kafka_event_error(ev)) {
		snprintf(errstr, errlen, "%s", rd_kafka_event_error_string(ev));
		err = KC_ERR_KAFKA;
	} else {
		res = rd_kafka_CreateTopics_result_topics(
		    rd_kafka_event_CreateTopics_result(ev), &nres);
		if (nres == 1 && rd_kafka_topic_result_error(res[0]) !=
		    RD_KAFKA_RESP_ERR_NO_ERROR &&
		    rd_kafka_topic_result_error(res[0]) !=
		    RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
			snprintf(errstr, errlen, "%s",
			    rd_kafka_topic_result_error_string(res[0]));
			err = KC_ERR_KAFKA;
		}
	}
	if (ev != NULL)
		rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(q);
	rd_kafka_NewTopic_destroy(nt);
	return err;
}

/* The settings of a topic that kchat looks at ("" when unknown). */
struct topic_config {
	char	retention_ms[32];
	char	retention_bytes[32];
	char	cleanup_policy[64];
	char	min_isr[16];
};

/* Reads topic's settings with one DescribeConfigs request. */
static int
topics_config(struct topics *t, const char *topic, struct topic_config *tc)
{
	static const struct {
		const char	*key;
		size_t		 off, len;
	} keys[] = {
		{ "retention.ms", offsetof(struct topic_config, retention_ms), 32 },
		{ "retention.bytes", offsetof(struct topic_config, retention_bytes), 32 },
		{ "cleanup.policy", offsetof(struct topic_config, cleanup_policy), 64 },
		{ "min.insync.replicas", offsetof(struct topic_config, min_isr), 16 },
	};
	rd_kafka_ConfigResource_t		*cr;
	const rd_kafka_ConfigResource_t		**res;
	const rd_kafka_ConfigEntry_t		**ents;
	rd_kafka_queue_t			*q;
	rd_kafka_event_t			*ev;
	size_t					 nres, nents, i, k;
	int					 err = KC_ERR_KAFKA;

	memset(tc, 0, sizeof *tc);
	cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
	q = rd_kafka_queue_new(t->rk);
	rd_kafka_DescribeConfigs(t->rk, &cr, 1, NULL, q);
	if ((ev = topics_wait(q, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT)) != NULL &&
	    !rd_kafka_event_error(ev)) {
		res = rd_kafka_DescribeConfigs_result_resources(
		    rd_kafka_event_DescribeConfigs_result(ev), &nres);
		if (nres == 1 && rd_kafka_ConfigResource_error(res[0]) ==
		    RD_KAFKA_RESP_ERR_NO_ERROR) {
			err = KC_OK;
			ents = rd_kafka_ConfigResource_configs(res[0], &nents);
			for (i = 0; i < nents; i++) {
				for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
					if (strcmp(rd_kafka_ConfigEntry_name(ents[i]),
					    keys[k].key) == 0 &&
					    rd_kafka_ConfigEntry_value(ents[i]) != NULL)
						snprintf((char *)tc + keys[k].off,
						    keys[k].len, "%s",
						    rd_kafka_ConfigEntry_value(ents[i]));
				}
			}
		}
	}
	if (ev != NULL)
		rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(q);
	rd_kafka_ConfigResource_destroy(cr);
	return err;
}

/* The metadata of every topic (asks without creating any). */
static const struct rd_kafka_metadata *
topics_metadata(struct topics *t, char *errstr, size_t errlen)
{
	const struct rd_kafka_metadata	*md;
	rd_kafka_resp_err_t		 err = RD_KAFKA_RESP_ERR__TIMED_OUT;
	int64_t				 deadline = kc_now_us() + TOPICS_TIMEOUT_MS * 1000LL;

	/* In slices, so that a refused login ends the wait at once. */
	while (kc_now_us() < deadline) {
		if (kc_rdkafka_auth_failed(t->rk, errstr, errlen))
			return NULL;
		if ((err = rd_kafka_metadata(t->rk, 1, NULL, &md, 1000)) ==
		    RD_KAFKA_RESP_ERR_NO_ERROR)
			return md;
		if (err != RD_KAFKA_RESP_ERR__TIMED_OUT)
			break;
	}
	if (kc_rdkafka_auth_failed(t->rk, errstr, errlen))
		return NULL;
	snprintf(errstr, errlen, "cannot read the cluster's metadata: %s",
	    rd_kafka_err2str(err));
	return NULL;
}

static const rd_kafka_metadata_topic_t *
topics_find(const struct rd_kafka_metadata *md, const char *topic)
{
	int i;

	for (i = 0; i < md->topic_cnt; i++) {
		if (strcmp(md->topics[i].topic, topic) == 0 &&
		    md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR)
			return &md->topics[i];
	}
	return NULL;
}

/* Describes a duration in ms for people: "7 days", "1 hour", "forever". */
static void
topics_duration(const char *ms, char *buf, size_t len)
{
	long long v = strtoll(ms, NULL, 10);

	if (v < 0)
		snprintf(buf, len, "forever");
	else if (v % 86400000LL == 0)
		snprintf(buf, len, "%lld day%s", v / 86400000LL,
		    v == 86400000LL ? "" : "s");
	else if (v % 3600000LL == 0)
		snprintf(buf, len, "%lld hour%s", v / 3600000LL,
		    v == 3600000LL ? "" : "s");
	else
		snprintf(buf, len, "%lld ms", v);
}

/* Checks the chat topic as it is against what keeps its history. */
static void
topics_check_chat(struct topics *t, const rd_kafka_metadata_topic_t *mt,
    int brokers, int64_t retention_ms)
{
	struct topic_config	 tc;
	const char		*retention = tc.retention_ms;
	const char		*bytes = tc.retention_bytes;
	const char		*policy = tc.cleanup_policy, *isr = tc.min_isr;
	char			 want[32], d[32];
	int			 rf = mt->partition_cnt > 0 ?
				    mt->partitions[0].replica_cnt : 0;
	long long		 ret;

	if (topics_config(t, mt->topic, &tc) != KC_OK) {
		topics_say(t, 0, "%s: %d partitions, replication %d (its settings "
		    "could not be read)", mt->topic, mt->partition_cnt, rf);
		return;
	}
	topics_duration(retention, d, sizeof d);
	topics_say(t, 0, "%s: %d partitions, replication %d, min.insync.replicas %s, "
	    "retention %s (retention.ms=%s), cleanup.policy=%s", mt->topic,
	    mt->partition_cnt, rf, isr, d, retention, policy);
	ret = strtoll(retention, NULL, 10);
	if (retention[0] != '\0' && ret >= 0 &&
	    (retention_ms < 0 || ret < retention_ms)) {
		snprintf(want, sizeof want, "%lld", (long long)retention_ms);
		topics_say(t, 1, "messages older than %s will be deleted by %s's "
		    "retention.ms=%s; to keep them: kafka-configs.sh "
		    "--bootstrap-server %s --alter --entity-type topics "
		    "--entity-name %s --add-config retention.ms=%s", d,
		    mt->topic, retention, t->brokers, mt->topic, want);
	}
	if (bytes[0] != '\0' && strtoll(bytes, NULL, 10) >= 0)
		topics_say(t, 1, "%s deletes old messages past retention.bytes=%s "
		    "per partition; to keep them: kafka-configs.sh "
		    "--bootstrap-server %s --alter --entity-type topics "
		    "--entity-name %s --add-config retention.bytes=-1",
		    mt->topic, bytes, t->brokers, mt->topic);
	if (strstr(policy, "compact") != NULL)
		topics_say(t, 1, "%s is compacted (cleanup.policy=%s): Kafka keeps "
		    "only each room's newest message; kafka-configs.sh "
		    "--bootstrap-server %s --alter --entity-type topics "
		    "--entity-name %s --add-config cleanup.policy=delete",
		    mt->topic, policy, t->brokers, mt->topic);
	if (rf == 1 && brokers >= 2)
		topics_say(t, 1, "%s has one replica on a cluster of %d brokers: "
		    "losing that broker loses the chat; give it %d replicas "
		    "(kafka-reassign-partitions.sh)", mt->topic, brokers,
		    brokers < 3 ? brokers : 3);
	if (rf >= 3 && atoi(isr) <= 1)
		topics_say(t, 1, "%s acknowledges a message stored on one replica "
		    "(min.insync.replicas=%s with %d replicas): a broker failure "
		    "can lose it; kafka-configs.sh --bootstrap-server %s --alter "
		    "--entity-type topics --entity-name %s --add-config "
		    "min.insync.replicas=%d", mt->topic, isr, rf, t->brokers,
		    mt->topic, rf - 1);
}

static void
topics_check_presence(struct topics *t, const rd_kafka_metadata_topic_t *mt)
{
	struct topic_config	 tc;
	const char		*retention = tc.retention_ms;
	char			 d[32];

	if (topics_config(t, mt->topic, &tc) != KC_OK)
		return;
	topics_duration(retention, d, sizeof d);
	topics_say(t, 0, "%s: %d partitions, retention %s (retention.ms=%s)",
	    mt->topic, mt->partition_cnt, d, retention);
	if (retention[0] != '\0' && (strtoll(retention, NULL, 10) < 0 ||
	    strtoll(retention, NULL, 10) > PRESENCE_RETENTION_MAX))
		topics_say(t, 0, "%s keeps heartbeats for %s that mean nothing "
		    "after %d s; kafka-configs.sh --bootstrap-server %s --alter "
		    "--entity-type topics --entity-name %s --add-config "
		    "retention.ms=" PRESENCE_RETENTION_MS, mt->topic, d,
		    KC_PRESENCE_TIMEOUT_MS / 1000, t->brokers, mt->topic);
}

/* A state topic must be compacted, or its records go with retention. */
static void
topics_check_state(struct topics *t, const rd_kafka_metadata_topic_t *mt)
{
	struct topic_config	tc;

	if (topics_config(t, mt->topic, &tc) != KC_OK)
		return;
	topics_say(t, 0, "%s: %d partitions, cleanup.policy=%s", mt->topic,
	    mt->partition_cnt, tc.cleanup_policy);
	if (strstr(tc.cleanup_policy, "compact") == NULL)
		topics_say(t, 1, "%s is not compacted (cleanup.policy=%s): its "
		    "records go after retention.ms and rooms' topics or read "
		    "markers with them; kafka-configs.sh --bootstrap-server %s "
		    "--alter --entity-type topics --entity-name %s --add-config "
		    "cleanup.policy=compact", mt->topic, tc.cleanup_policy,
		    t->brokers, mt->topic);
}

int
kc_topics_ensure(const struct kc_conf *c, int create, int64_t retention_ms,
    kc_topics_fn *fn, void *opaque, int *problems, char *errstr,
    size_t errlen)
{
	struct topics			 t = { c, NULL, fn, opaque, 0, NULL };
	const struct rd_kafka_metadata	*md = NULL;
	const rd_kafka_metadata_topic_t	*mt, *pt;
	rd_kafka_conf_t			*rc;
	const char			*topic = kc_conf_get(c, "topic");
	char				 ptopic[300], lerr[512], want[32], isr[16];
	char				 rtopic[300], mtopic[300];
	const char			*names[4];
	const char			*chat_cfg[] = { "retention.ms", want,
	    "retention.bytes", "-1", "cleanup.policy", "delete",
	    "min.insync.replicas", isr, NULL };
	const char			*pres_cfg[] = { "retention.ms",
	    PRESENCE_RETENTION_MS, "segment.ms", PRESENCE_SEGMENT_MS,
	    "cleanup.policy", "delete", NULL };
	const char			*state_cfg[] = { "cleanup.policy",
	    "compact", "min.insync.replicas", isr, NULL };
	const char *const		*cfgs[4] = { chat_cfg, pres_cfg, state_cfg,
	    state_cfg };
	int64_t				 deadline;
	int				 brokers, rf, n, i, created = 0, err = KC_OK;

	*problems = 0;
	/* The embedded broker makes its topic and keeps everything in memory. */
	if (kc_conf_is_embedded(c))
		return KC_OK;
	t.brokers = kc_conf_brokers(c);
	if ((err = kc_presence_topic(topic, ptopic, sizeof ptopic)) != KC_OK ||
	    (err = kc_rooms_topic(topic, rtopic, sizeof rtopic)) != KC_OK ||
	    (err = kc_read_topic(topic, mtopic, sizeof mtopic)) != KC_OK)
		return err;
	names[0] = topic;
	names[1] = ptopic;
	names[2] = rtopic;
	names[3] = mtopic;
	if ((rc = kc_conf_rdkafka(c, KC_ROLE_ADMIN, errstr, errlen)) == NULL)
		return KC_ERR_CONFIG;
	rd_kafka_conf_set_log_cb(rc, kc_rdkafka_log_quiet);
	if ((t.rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, lerr, sizeof lerr)) == NULL) {
		rd_kafka_conf_destroy(rc);
		snprintf(errstr, errlen, "%s", lerr);
		return KC_ERR_KAFKA;
	}
	if ((md = topics_metadata(&t, errstr, errlen)) == NULL) {
		err = KC_ERR_KAFKA;
		goto done;
	}
	brokers = md->broker_cnt;
	rf = brokers < 3 ? brokers : 3;
	snprintf(want, sizeof want, "%lld", (long long)retention_ms);
	snprintf(isr, sizeof isr, "%d", rf >= 2 ? rf - 1 : 1);
	n = KC_TOPIC_PARTITIONS;
	for (i = 0; i < 4; i++) {
		const char *name = names[i];

		if (topics_find(md, name) != NULL)
			continue;
		if (!create) {
			topics_say(&t, 0, "%s does not exist yet: kchat creates it "
			    "when it starts (%d partitions, replication %d)", name,
			    n, rf);
			continue;
		}
		err = topics_create(&t, name, n, rf, cfgs[i], lerr, sizeof lerr);
		created += err == KC_OK;
		if (err == KC_OK)
			topics_say(&t, 0, "created %s: %d partitions, replication %d%s",
			    name, n, rf, i == 0 ? (retention_ms < 0 ?
			    ", history kept forever" : ", history kept as asked") :
			    i == 1 ? ", an hour of heartbeats" : ", compacted");
		else
			topics_say(&t, 1, "cannot create %s (%s): it will be "
			    "auto-created with the broker's defaults; create it "
			    "yourself: kafka-topics.sh --bootstrap-server %s --create "
			    "--topic %s --partitions %d --replication-factor %d "
			    "--config %s=%s", name, lerr, t.brokers, name,
			    n, rf, i >= 2 ? "cleanup.policy" : "retention.ms",
			    i == 0 ? want : i == 1 ? PRESENCE_RETENTION_MS :
			    "compact");
		err = KC_OK;
	}
	/* A topic just created takes a moment to show in the metadata. */
	deadline = kc_now_us() + TOPICS_TIMEOUT_MS * 1000LL;
	for (;;) {
		rd_kafka_metadata_destroy(md);
		if ((md = topics_metadata(&t, errstr, errlen)) == NULL) {
			err = KC_ERR_KAFKA;
			goto done;
		}
		if (!created || (topics_find(md, topic) != NULL &&
		    topics_find(md, ptopic) != NULL &&
		    topics_find(md, rtopic) != NULL &&
		    topics_find(md, mtopic) != NULL) || kc_now_us() >= deadline)
			break;
		usleep(100 * 1000);
	}
	if ((mt = topics_find(md, topic)) != NULL)
		topics_check_chat(&t, mt, brokers, retention_ms);
	if ((pt = topics_find(md, ptopic)) != NULL)
		topics_check_presence(&t, pt);
	for (i = 2; i < 4; i++) {
		const rd_kafka_metadata_topic_t *st = topics_find(md, names[i]);

		if (st != NULL)
			topics_check_state(&t, st);
	}
	/*
	 * Both are made with the same count: partitions added to the chat
	 * topic later move rooms to other partitions (the presence topic is
	 * the record of the count, and history reads a moved room's older
	 * records there, history.c).
	 */
	if (mt != NULL && pt != NULL && mt->partition_cnt > pt->partition_cnt)
		topics_say(&t, 1, "%s has %d partitions, %s %d: partitions were "
		    "added to %s, which moved rooms: their older history is "
		    "read from the partition they had, but adding partitions "
		    "again would hide what was written in between (see kchat(7))",
		    topic, mt->partition_cnt, ptopic, pt->partition_cnt, topic);
done:
	if (md != NULL)
		rd_kafka_metadata_destroy(md);
	rd_kafka_destroy(t.rk);
	*problems = t.problems;
	return err;
}

int
kc_retention_parse(const char *s, int64_t *ms)
{
	char		*end;
	long long	 v;

	if (strcmp(s, "forever") == 0 || strcmp(s, "-1") == 0) {
		*ms = -1;
		return KC_OK;
	}
	v = strtoll(s, &end, 10);
	if (end == s || v <= 0)
		return KC_ERR_CONFIG;
	if (strcmp(end, "d") == 0)
		v *= 86400000LL;
	else if (strcmp(end, "h") == 0)
		v *= 3600000LL;
	else if (strcmp(end, "m") == 0)
		v *= 60000LL;
	else if (strcmp(end, "s") == 0)
		v *= 1000LL;
	else if (strcmp(end, "ms") != 0 && *end != '\0')
		return KC_ERR_CONFIG;
	*ms = v;
	return KC_OK;
}
