/*
 * test-conf.c - configuration precedence (defaults < file < environment <
 * command line), -X pass-through checked by librdkafka, config file errors
 * that name the file and line, secrets in a file others can read refused.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static char path[256];

static void
write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof path, "/tmp/kchat-test-conf-%ld", (long)getpid());
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

START_TEST(defaults)
{
	struct kc_conf *c = kc_conf_new();

	ck_assert_str_eq(kc_conf_get(c, "topic"), "chat-messages");
	ck_assert_str_eq(kc_conf_get(c, "room"), "general");
	ck_assert_int_eq(kc_conf_get_long(c, "history", 0), 50);
	ck_assert_ptr_null(kc_conf_get(c, "brokers"));
	kc_conf_free(c);
}
END_TEST

START_TEST(precedence)
{
	struct kc_conf	*c = kc_conf_new();
	char		 err[256];

	write_file("# a comment\n\ntopic = from-file\nbrokers=file:9092\nroom = filed\n");
	setenv("CHAT_TOPIC", "from-env", 1);
	setenv("KAFKA_BOOTSTRAP_SERVERS", "env:9092", 1);
	/* The command line is applied first and still wins over the others. */
	ck_assert_int_eq(kc_conf_set(c, KC_CONF_CLI, "brokers", "cli:9092", err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_conf_load_file(c, path, err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_conf_load_env(c), KC_OK);
	ck_assert_str_eq(kc_conf_get(c, "brokers"), "cli:9092");
	ck_assert_str_eq(kc_conf_brokers(c), "cli:9092");
	ck_assert_str_eq(kc_conf_get(c, "topic"), "from-env");
	ck_assert_str_eq(kc_conf_get(c, "room"), "filed");
	unsetenv("CHAT_TOPIC");
	unsetenv("KAFKA_BOOTSTRAP_SERVERS");
	unlink(path);
	kc_conf_free(c);
}
END_TEST

START_TEST(program_keys_and_env)
{
	struct kc_conf *c = kc_conf_new();

	ck_assert_int_eq(kc_conf_define(c, "port", "8000"), KC_OK);
	ck_assert_int_eq(kc_conf_bind_env(c, "SERVER_PORT", "port"), KC_OK);
	ck_assert_int_eq(kc_conf_get_long(c, "port", 0), 8000);
	setenv("SERVER_PORT", "9123", 1);
	ck_assert_int_eq(kc_conf_load_env(c), KC_OK);
	ck_assert_int_eq(kc_conf_get_long(c, "port", 0), 9123);
	unsetenv("SERVER_PORT");
	kc_conf_free(c);
}
END_TEST

START_TEST(x_properties)
{
	struct kc_conf	*c = kc_conf_new();
	rd_kafka_conf_t	*rc;
	char		 err[256], val[256];
	size_t		 len = sizeof val;

	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "security.protocol=SASL_SSL", err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "sasl.mechanism=PLAIN", err, sizeof err), KC_OK);
	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "sasl.username=u=with=equals", err, sizeof err), KC_OK);
	/* librdkafka itself rejects unknown properties and bad values. */
	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "no.such.property=1", err, sizeof err), KC_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(err, "no.such.property"));
	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "acks=lots", err, sizeof err), KC_ERR_CONFIG);
	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "novalue", err, sizeof err), KC_ERR_CONFIG);
	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "=x", err, sizeof err), KC_ERR_CONFIG);

	ck_assert_int_eq(kc_conf_set(c, KC_CONF_CLI, "brokers", "b1:9092,b2:9092", err, sizeof err), KC_OK);
	ck_assert_ptr_nonnull(rc = kc_conf_rdkafka(c, KC_ROLE_ADMIN, err, sizeof err));
	ck_assert_int_eq(rd_kafka_conf_get(rc, "bootstrap.servers", val, &len), RD_KAFKA_CONF_OK);
	ck_assert_str_eq(val, "b1:9092,b2:9092");
	len = sizeof val;
	ck_assert_int_eq(rd_kafka_conf_get(rc, "sasl.username", val, &len), RD_KAFKA_CONF_OK);
	ck_assert_str_eq(val, "u=with=equals");
	/* a default the library would set does not override the user's -X */
	ck_assert_int_eq(kc_conf_set_x(c, KC_CONF_CLI, "linger.ms=50", err, sizeof err), KC_OK);
	rd_kafka_conf_destroy(rc);
	ck_assert_ptr_nonnull(rc = kc_conf_rdkafka(c, KC_ROLE_PRODUCER, err, sizeof err));
	len = sizeof val;
	rd_kafka_conf_get(rc, "linger.ms", val, &len);
	ck_assert_str_eq(val, "50");
	ck_assert_int_eq(kc_conf_rdkafka_default(c, rc, "linger.ms", "2", err, sizeof err), KC_OK);
	len = sizeof val;
	rd_kafka_conf_get(rc, "linger.ms", val, &len);
	ck_assert_str_eq(val, "50");
	/* each role gets its own defaults, and only its own */
	len = sizeof val;
	rd_kafka_conf_get(rc, "acks", val, &len);
	ck_assert_str_eq(val, "-1");	/* all */
	len = sizeof val;
	rd_kafka_conf_get(rc, "allow.auto.create.topics", val, &len);
	ck_assert_str_eq(val, "false");
	rd_kafka_conf_destroy(rc);
	ck_assert_ptr_nonnull(rc = kc_conf_rdkafka(c, KC_ROLE_READER, err, sizeof err));
	len = sizeof val;
	rd_kafka_conf_get(rc, "allow.auto.create.topics", val, &len);
	ck_assert_str_eq(val, "true");
	len = sizeof val;
	rd_kafka_conf_get(rc, "auto.offset.reset", val, &len);
	ck_assert_str_eq(val, "error");
	rd_kafka_conf_destroy(rc);
	ck_assert_ptr_nonnull(rc = kc_conf_rdkafka(c, KC_ROLE_HISTORY, err, sizeof err));
	len = sizeof val;
	rd_kafka_conf_get(rc, "auto.offset.reset", val, &len);
	ck_assert_str_eq(val, "smallest");	/* librdkafka's name for earliest */
	rd_kafka_conf_destroy(rc);
	/* A shared consumer is a reader whose fetches wait 100 ms at most. */
	ck_assert_ptr_nonnull(rc = kc_conf_rdkafka(c, KC_ROLE_SHARED, err, sizeof err));
	len = sizeof val;
	rd_kafka_conf_get(rc, "auto.offset.reset", val, &len);
	ck_assert_str_eq(val, "error");
	len = sizeof val;
	rd_kafka_conf_get(rc, "fetch.wait.max.ms", val, &len);
	ck_assert_str_eq(val, "100");
	rd_kafka_conf_destroy(rc);
	/* A scan is a reader that reads at most 4 MB ahead. */
	ck_assert_ptr_nonnull(rc = kc_conf_rdkafka(c, KC_ROLE_SCAN, err, sizeof err));
	len = sizeof val;
	rd_kafka_conf_get(rc, "auto.offset.reset", val, &len);
	ck_assert_str_eq(val, "error");
	len = sizeof val;
	rd_kafka_conf_get(rc, "queued.max.messages.kbytes", val, &len);
	ck_assert_str_eq(val, "4096");
	rd_kafka_conf_destroy(rc);
	ck_assert_ptr_nonnull(rc = kc_conf_rdkafka(c, KC_ROLE_READER, err, sizeof err));
	len = sizeof val;
	rd_kafka_conf_get(rc, "queued.max.messages.kbytes", val, &len);
	ck_assert_str_eq(val, "65536");	/* librdkafka's: a live reader keeps up */
	rd_kafka_conf_destroy(rc);
	kc_conf_free(c);
}
END_TEST

START_TEST(file_errors)
{
	struct kc_conf	*c = kc_conf_new();
	char		 err[512];

	ck_assert_int_eq(kc_conf_load_file(c, "/nonexistent/kchat.conf", err, sizeof err), KC_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/kchat.conf"));
	write_file("topic = ok\nthis line has no equals sign\n");
	ck_assert_int_eq(kc_conf_load_file(c, path, err, sizeof err), KC_ERR_CONFIG_FILE);
	ck_assert_ptr_nonnull(strstr(err, ":2:"));
	write_file("bogus.property = 1\n");
	ck_assert_int_eq(kc_conf_load_file(c, path, err, sizeof err), KC_ERR_CONFIG_FILE);
	ck_assert_ptr_nonnull(strstr(err, ":1:"));
	ck_assert_ptr_nonnull(strstr(err, "bogus.property"));
	unlink(path);
	kc_conf_free(c);
}
END_TEST

/* A password in a file its group or others can read: refused, with the fix. */
START_TEST(file_secrets)
{
	struct kc_conf	*c = kc_conf_new();
	char		 err[512], fix[300];

	write_file("security.protocol = SASL_PLAINTEXT\nsasl.password = hunter2\n");
	snprintf(fix, sizeof fix, "chmod 600 %s", path);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(kc_conf_load_file(c, path, err, sizeof err), KC_ERR_CONFIG_FILE);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, ":2:"));
	ck_assert_ptr_nonnull(strstr(err, "sasl.password"));
	ck_assert_ptr_nonnull(strstr(err, "everyone"));
	ck_assert_ptr_nonnull(strstr(err, fix));
	ck_assert_ptr_null(kc_conf_get(c, "sasl.password"));
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(kc_conf_load_file(c, path, err, sizeof err), KC_ERR_CONFIG_FILE);
	ck_assert_ptr_nonnull(strstr(err, "its group"));
	write_file("ssl.key.password = hunter2\n");
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_int_eq(kc_conf_load_file(c, path, err, sizeof err), KC_ERR_CONFIG_FILE);
	ck_assert_ptr_nonnull(strstr(err, "ssl.key.password"));
	/* the owner's alone: taken */
	write_file("sasl.username = alice\nsasl.password = hunter2\n");
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(kc_conf_load_file(c, path, err, sizeof err), KC_OK);
	ck_assert_str_eq(kc_conf_get(c, "sasl.password"), "hunter2");
	/* no secret: any mode will do */
	write_file("topic = open\nsasl.username = bob\n");
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(kc_conf_load_file(c, path, err, sizeof err), KC_OK);
	ck_assert_str_eq(kc_conf_get(c, "topic"), "open");
	unlink(path);
	kc_conf_free(c);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("conf");
	TCase	*tc = tcase_create("conf");
	SRunner	*sr;
	int	 failed;

	/* Don't let a developer's environment or embedded broker leak in. */
	unsetenv("CHAT_TOPIC");
	unsetenv("KAFKA_BOOTSTRAP_SERVERS");
	setenv("KCHAT_EMBEDDED_FILE", "/nonexistent/kchat-embedded", 1);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, precedence);
	tcase_add_test(tc, program_keys_and_env);
	tcase_add_test(tc, x_properties);
	tcase_add_test(tc, file_errors);
	tcase_add_test(tc, file_secrets);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
