/* kafka-env.h - what integration tests need to find the real broker. */
#ifndef KAFKA_ENV_H
#define KAFKA_ENV_H

#include <check.h>

#include "kchat.h"

/*
 * Bootstrap servers of the broker the suite started (the file named by
 * KCHAT_KAFKA_FILE), or KAFKA_BOOTSTRAP_SERVERS when set. Aborts the test
 * run with a message when neither is available: an integration test never
 * passes without a broker.
 */
const char *test_brokers(void);
/* A topic name no other test run uses: "kchat-test-<tag>-<pid>-<time>". */
const char *test_topic(const char *tag);
/* A configuration pointing at the test broker and topic. */
struct kc_conf *test_conf(const char *topic);
/*
 * Runs tc (its tests already added) as suite name with a per-test timeout
 * of timeout_s seconds; returns main()'s exit status.
 */
int test_run(const char *name, TCase *tc, int timeout_s);
/* Gives topic n partitions with the admin API (CreatePartitions). */
void test_add_partitions(const char *topic, int n);
/* Waits until a metadata request shows topic with n partitions. */
void test_wait_partitions(const char *topic, int n);

#endif
