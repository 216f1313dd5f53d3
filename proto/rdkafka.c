/*
 * rdkafka.c - what every librdkafka handle of libkchat shares: a log
 * callback that prints nothing but remembers why Kafka refused a handle's
 * login (SASL), so that a wrong password is reported as such, at once,
 * rather than as a broker that does not answer.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define AUTH_SLOTS	16	/* handles remembered, the newest kept */

static pthread_mutex_t	auth_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char	name[128];	/* rd_kafka_name(): unique in the process */
	char	why[256];	/* the broker's words */
} auth_seen[AUTH_SLOTS];
static unsigned		auth_next;

void
kc_rdkafka_log_quiet(const rd_kafka_t *rk, int level, const char *fac,
    const char *buf)
{
	const char	*why, *name;
	char		*after;
	unsigned	 i;

	/* Programs learn of trouble from return codes, delivery reports and
	 * kc_reader_connected(), not from librdkafka's log lines; a refused
	 * login is kept for kc_rdkafka_auth_failed(). */
	if (level > 4 || (why = strstr(buf, "SASL")) == NULL ||
	    (strstr(why, "authentication") == NULL &&
	    strstr(why, "handshake") == NULL))
		return;
	if (strncmp(why, "SASL authentication error: ", 27) == 0)
		why += 27;
	name = rd_kafka_name(rk);
	pthread_mutex_lock(&auth_lock);
	for (i = 0; i < AUTH_SLOTS; i++) {
		if (strcmp(auth_seen[i].name, name) == 0)
			break;
	}
	if (i == AUTH_SLOTS)
		i = auth_next++ % AUTH_SLOTS;
	kc_strlcpy(auth_seen[i].name, name, sizeof auth_seen[i].name);
	kc_strlcpy(auth_seen[i].why, why, sizeof auth_seen[i].why);
	/* "(after 3ms in state AUTH_REQ, 1 identical error(s) suppressed)" */
	if ((after = strstr(auth_seen[i].why, " (after ")) != NULL)
		*after = '\0';
	pthread_mutex_unlock(&auth_lock);
}

void
kc_rdkafka_log_stderr(const rd_kafka_t *rk, int level, const char *fac,
    const char *buf)
{
	fprintf(stderr, "%%%d|%s|%s| %s\n", level, fac, rd_kafka_name(rk), buf);
	kc_rdkafka_log_quiet(rk, level, fac, buf);
}

/* librdkafka's value of a property of rk's configuration, "" if none. */
static void
auth_conf(rd_kafka_t *rk, const char *key, char *val, size_t len)
{
	size_t n = len;

	if (rd_kafka_conf_get(rd_kafka_conf(rk), key, val, &n) !=
	    RD_KAFKA_CONF_OK)
		val[0] = '\0';
}

int
kc_rdkafka_auth_failed(rd_kafka_t *rk, char *errstr, size_t errlen)
{
	char		why[256] = "", user[128], mech[64];
	unsigned	i;

	pthread_mutex_lock(&auth_lock);
	for (i = 0; i < AUTH_SLOTS; i++) {
		if (strcmp(auth_seen[i].name, rd_kafka_name(rk)) == 0) {
			kc_strlcpy(why, auth_seen[i].why, sizeof why);
			break;
		}
	}
	pthread_mutex_unlock(&auth_lock);
	if (why[0] == '\0')
		return 0;
	if (errstr == NULL)
		return 1;
	auth_conf(rk, "sasl.username", user, sizeof user);
	auth_conf(rk, "sasl.mechanisms", mech, sizeof mech);
	/*
	 * librdkafka before 2.6.1 repeats the client nonce in SCRAM's final
	 * message, which Kafka 4 refuses (librdkafka PR 4895): the right
	 * password fails as a wrong one would. Said first: the line is short.
	 */
	if (strncmp(mech, "SCRAM", 5) == 0 && rd_kafka_version() < 0x020601ff)
		snprintf(errstr, errlen, "Kafka refused the %s login of \"%s\": "
		    "librdkafka %s cannot log in with SCRAM to Kafka 4 (fixed in "
		    "2.6.1): use sasl.mechanism=PLAIN (over SASL_SSL), or check "
		    "sasl.username and sasl.password", mech, user,
		    rd_kafka_version_str());
	else
		snprintf(errstr, errlen, "Kafka refused the %s login of \"%s\" "
		    "(%s): check sasl.username and sasl.password (-X or the "
		    "config file)", mech, user, why);
	return 1;
}
