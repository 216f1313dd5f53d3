/* kafka-env.c - finding the real broker and a fresh topic for a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "kafka-env.h"

const char *
test_brokers(void)
{
	static char	 brokers[512];
	const char	*env = getenv("KAFKA_BOOTSTRAP_SERVERS");
	const char	*file = getenv("KCHAT_KAFKA_FILE");
	FILE		*f;

	if (brokers[0] != '\0')
		return brokers;
	if (env != NULL && *env != '\0') {
		snprintf(brokers, sizeof brokers, "%s", env);
		return brokers;
	}
	if (file == NULL || (f = fopen(file, "r")) == NULL ||
	    fscanf(f, "%511s", brokers) != 1) {
		fprintf(stderr, "no Kafka broker: run through ctest (the kafka "
		    "fixture starts one) or set KAFKA_BOOTSTRAP_SERVERS\n");
		exit(1);
	}
	fclose(f);
	return brokers;
}

const char *
test_topic(const char *tag)
{
	static char topic[128];

	snprintf(topic, sizeof topic, "kchat-test-%s-%ld-%lld", tag,
	    (long)getpid(), (long long)(kc_now_us() / 1000));
	return topic;
}

struct kc_conf *
test_conf(const char *topic)
{
	struct kc_conf	*c = kc_conf_new();
	char		 err[256];

	if (c == NULL ||
	    kc_conf_set(c, KC_CONF_CLI, "brokers", test_brokers(), err, sizeof err) ||
	    kc_conf_set(c, KC_CONF_CLI, "topic", topic, err, sizeof err) ||
	    /* each test writes to a topic of its own that nothing made */
	    kc_conf_set_x(c, KC_CONF_CLI, "allow.auto.create.topics=true", err,
	    sizeof err)) {
		fprintf(stderr, "test configuration failed\n");
		exit(1);
	}
	return c;
}

int
test_run(const char *name, TCase *tc, int timeout_s)
{
	Suite	*s = suite_create(name);
	SRunner	*sr;
	int	 failed;

	tcase_set_timeout(tc, timeout_s);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}

void
test_add_partitions(const char *topic, int n)
{
	rd_kafka_conf_t			*rc = rd_kafka_conf_new();
	rd_kafka_t			*rk;
	rd_kafka_NewPartitions_t	*np;
	rd_kafka_queue_t		*q;
	rd_kafka_event_t		*ev;
	char				 err[512];

	ck_assert_int_eq(rd_kafka_conf_set(rc, "bootstrap.servers", test_brokers(),
	    err, sizeof err), RD_KAFKA_CONF_OK);
	ck_assert_ptr_nonnull(rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, err, sizeof err));
	np = rd_kafka_NewPartitions_new(topic, (size_t)n, err, sizeof err);
	q = rd_kafka_queue_new(rk);
	rd_kafka_CreatePartitions(rk, &np, 1, NULL, q);
	ck_assert_ptr_nonnull(ev = rd_kafka_queue_poll(q, 20000));
	ck_assert_int_eq(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(q);
	rd_kafka_NewPartitions_destroy(np);
	rd_kafka_destroy(rk);
}

void
test_wait_partitions(const char *topic, int n)
{
	rd_kafka_conf_t			*rc = rd_kafka_conf_new();
	rd_kafka_t			*rk;
	rd_kafka_topic_t		*rkt;
	const struct rd_kafka_metadata	*md;
	char				 err[512];
	int64_t				 deadline = kc_now_us() + 60 * 1000000LL;
	int				 np = 0;

	ck_assert_int_eq(rd_kafka_conf_set(rc, "bootstrap.servers", test_brokers(),
	    err, sizeof err), RD_KAFKA_CONF_OK);
	ck_assert_ptr_nonnull(rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, err, sizeof err));
	ck_assert_ptr_nonnull(rkt = rd_kafka_topic_new(rk, topic, NULL));
	while (np != n) {
		ck_assert_msg(kc_now_us() < deadline, "never saw %d partitions", n);
		if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
			np = md->topic_cnt == 1 ? md->topics[0].partition_cnt : 0;
			rd_kafka_metadata_destroy(md);
		}
		if (np != n)
			usleep(200 * 1000);
	}
	rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
}
