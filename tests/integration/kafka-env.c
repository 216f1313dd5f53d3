/* kafka-env.c - finding the real broker and a fresh topic for a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
