/*
 * kchat-rec - a test tool that speaks the chat record format through
 * libkchat, for interop tests with kcat and other msgpack implementations.
 *
 *   kchat-rec send BROKERS TOPIC TYPE ROOM USER TEXT [TO]
 *       produces one record, waits for its delivery report, prints the
 *       record's bytes in hex on stdout; KCHAT_REC_AWAY in the environment
 *       sets its "away" (a heartbeat of someone who is /away),
 *       KCHAT_REC_AGO_MS dates it that many milliseconds ago (a record
 *       written a moment before, read late), KCHAT_REC_ID gives it that
 *       id (another record's, as any Kafka writer could), KCHAT_REC_RE
 *       the id an edit or delete names ("new": a fresh one, a line never
 *       written), KCHAT_REC_COUNT=N sends N such records, each with its
 *       own id (and its own re when "new"), and prints the last
 *   kchat-rec read BROKERS TOPIC N
 *       reads the last N records of every partition and prints each as
 *       "id type room user to text" (one line; text with \n escaped)
 *   kchat-rec decode
 *       decodes one record from stdin; prints the fields or the error
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "kchat.h"

static int delivered = -1;

static void
on_delivery(void *opaque, void *arg, const struct kc_msg *m, int err, const char *errstr)
{
	if (err != KC_OK || delivered == -1)
		delivered = err;	/* a failure stays */
	if (err != KC_OK)
		fprintf(stderr, "kchat-rec: delivery failed: %s\n", errstr);
}

static void
print_msg(const struct kc_msg *m)
{
	const char *t;

	printf("%s %s %s %s %s ", m->id, kc_type_name(m->type), m->room, m->user,
	    m->to[0] ? m->to : "-");
	for (t = m->text ? m->text : ""; *t != '\0'; t++) {
		if (*t == '\n')
			fputs("\\n", stdout);
		else
			putchar(*t);
	}
	putchar('\n');
}

static struct kc_conf *
conf_for(const char *brokers, const char *topic)
{
	struct kc_conf *c = kc_conf_new();

	if (c == NULL || kc_conf_set(c, KC_CONF_CLI, "brokers", brokers, NULL, 0) ||
	    kc_conf_set(c, KC_CONF_CLI, "topic", topic, NULL, 0) ||
	    /* a writer like any other Kafka tool: it may come first */
	    kc_conf_set_x(c, KC_CONF_CLI, "allow.auto.create.topics=true", NULL,
	    0)) {
		fprintf(stderr, "kchat-rec: configuration failed\n");
		exit(2);
	}
	return c;
}

static int
cmd_send(int argc, char **argv)
{
	struct kc_conf		*c = conf_for(argv[2], argv[3]);
	struct kc_producer	*p;
	struct kc_msg		 m;
	struct kc_buf		 b = { 0 };
	char			 err[512];
	const char		*re = getenv("KCHAT_REC_RE");
	char			 fresh[KC_ID_LEN + 1];
	long			 n, count = 1;
	size_t			 i;
	int			 e;

	if (getenv("KCHAT_REC_COUNT") != NULL)
		count = atol(getenv("KCHAT_REC_COUNT"));
	if (kc_producer_new(c, NULL, on_delivery, NULL, &p, err, sizeof err) != KC_OK) {
		fprintf(stderr, "kchat-rec: %s\n", err);
		return 1;
	}
	kc_msg_init(&m);
	for (n = 0; n < count; n++) {
		if (re != NULL && strcmp(re, "new") == 0)
			kc_ulid_new(fresh, kc_now_us());
		else
			snprintf(fresh, sizeof fresh, "%s", re != NULL ? re : "");
		if ((e = kc_msg_make_re(&m, kc_type_parse(argv[4], strlen(argv[4])),
		    argv[5], argv[6], argc > 8 ? argv[8] : NULL, fresh, NULL,
		    argv[7], strlen(argv[7]))) != KC_OK) {
			fprintf(stderr, "kchat-rec: %s\n", kc_strerror(e));
			return 1;
		}
		if (getenv("KCHAT_REC_AWAY") != NULL)
			snprintf(m.away, sizeof m.away, "%s", getenv("KCHAT_REC_AWAY"));
		if (getenv("KCHAT_REC_AGO_MS") != NULL)
			m.ts -= strtoll(getenv("KCHAT_REC_AGO_MS"), NULL, 10) * 1000;
		if (getenv("KCHAT_REC_ID") != NULL)
			snprintf(m.id, sizeof m.id, "%s", getenv("KCHAT_REC_ID"));
		if (kc_producer_send(p, &m) != KC_OK)
			return 1;
	}
	if (kc_producer_flush(p, 20000) != KC_OK || delivered != KC_OK)
		return 1;
	kc_mp_encode(&m, &b);
	for (i = 0; i < b.len; i++)
		printf("%02x", (unsigned char)b.data[i]);
	putchar('\n');
	kc_buf_free(&b);
	kc_msg_clear(&m);
	kc_producer_free(p);
	kc_conf_free(c);
	return 0;
}

static int
cmd_read(char **argv)
{
	struct kc_conf		*c = conf_for(argv[2], argv[3]);
	struct kc_reader	*r;
	struct kc_msg		 m;
	char			 err[512];
	long			 want = atol(argv[4]), n = 0;
	int64_t			 deadline = kc_now_us() + 20 * 1000000LL;

	if (kc_reader_new(c, argv[3], want, &r, err, sizeof err) != KC_OK) {
		fprintf(stderr, "kchat-rec: %s\n", err);
		return 1;
	}
	kc_msg_init(&m);
	while (n < want && kc_now_us() < deadline) {
		if (kc_reader_next(r, 200, &m) == KC_OK) {
			print_msg(&m);
			n++;
		}
	}
	fflush(stdout);
	kc_msg_clear(&m);
	kc_reader_free(r);
	kc_conf_free(c);
	return n == want ? 0 : 1;
}

static int
cmd_decode(void)
{
	static char	buf[KC_RECORD_MAX + 2];
	size_t		len = fread(buf, 1, sizeof buf, stdin);
	struct kc_msg	m;
	int		e;

	kc_msg_init(&m);
	if ((e = kc_mp_decode(buf, len, &m)) != KC_OK) {
		printf("error %s: %s\n", kc_errname(e), kc_strerror(e));
		return 1;
	}
	print_msg(&m);
	kc_msg_clear(&m);
	return 0;
}

/* Gives topic n partitions (the admin API), then waits until they show. */
static int
cmd_partitions(char **argv)
{
	rd_kafka_conf_t			*rc = rd_kafka_conf_new();
	rd_kafka_t			*rk;
	rd_kafka_topic_t		*rkt;
	rd_kafka_NewPartitions_t	*np;
	rd_kafka_queue_t		*q;
	rd_kafka_event_t		*ev;
	const struct rd_kafka_metadata	*md;
	char				 err[512];
	int				 n = atoi(argv[4]), have = 0;
	int64_t				 deadline = kc_now_us() + 60 * 1000000LL;

	if (rd_kafka_conf_set(rc, "bootstrap.servers", argv[2], err,
	    sizeof err) != RD_KAFKA_CONF_OK ||
	    (rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, err, sizeof err)) == NULL) {
		fprintf(stderr, "kchat-rec: %s\n", err);
		return 1;
	}
	np = rd_kafka_NewPartitions_new(argv[3], (size_t)n, err, sizeof err);
	q = rd_kafka_queue_new(rk);
	rd_kafka_CreatePartitions(rk, &np, 1, NULL, q);
	if ((ev = rd_kafka_queue_poll(q, 20000)) == NULL ||
	    rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kchat-rec: CreatePartitions: %s\n",
		    ev ? rd_kafka_event_error_string(ev) : "timed out");
		return 1;
	}
	rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(q);
	rd_kafka_NewPartitions_destroy(np);
	rkt = rd_kafka_topic_new(rk, argv[3], NULL);
	while (have != n && kc_now_us() < deadline) {
		if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) ==
		    RD_KAFKA_RESP_ERR_NO_ERROR) {
			have = md->topic_cnt == 1 ? md->topics[0].partition_cnt : 0;
			rd_kafka_metadata_destroy(md);
		}
		if (have != n)
			usleep(200 * 1000);
	}
	rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
	return have == n ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc >= 8 && strcmp(argv[1], "send") == 0)
		return cmd_send(argc, argv);
	if (argc == 5 && strcmp(argv[1], "read") == 0)
		return cmd_read(argv);
	if (argc == 2 && strcmp(argv[1], "decode") == 0)
		return cmd_decode();
	if (argc == 5 && strcmp(argv[1], "partitions") == 0)
		return cmd_partitions(argv);
	if (argc == 4 && strcmp(argv[1], "partition") == 0) {
		printf("%d\n", (int)kc_room_partition(argv[2], atoi(argv[3])));
		return 0;
	}
	fprintf(stderr, "usage: kchat-rec send BROKERS TOPIC TYPE ROOM USER TEXT [TO]\n"
	    "       kchat-rec read BROKERS TOPIC N\n       kchat-rec decode\n"
	    "       kchat-rec partitions BROKERS TOPIC N\n"
	    "       kchat-rec partition ROOM NPARTS\n");
	return 2;
}
