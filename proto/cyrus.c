/*
 * cyrus.c - Cyrus SASL's plugins only for the login that needs them.
 *
 * librdkafka (Debian's, built with Cyrus SASL) calls sasl_client_init() when
 * its first handle is made, and Cyrus then loads every plugin of its
 * directory (SASL_PATH, else /usr/lib/<arch>/sasl2): PLAIN, SCRAM, DIGEST-MD5,
 * NTLM, sasldb with libdb, ... ~0.5 MB of pages kchat-tui measured, though
 * librdkafka asks Cyrus for one mechanism only, GSSAPI (Kerberos): PLAIN,
 * SCRAM and OAUTHBEARER are librdkafka's own.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * A directory that exists and never holds a plugin (Cyrus loads the files
 * ending in .so or .la): the names of /proc/self/fdinfo are descriptor
 * numbers. An empty SASL_PATH or a directory that does not exist would do
 * as well, but Cyrus logs that it cannot open it, to syslog, at each start.
 */
#define CYRUS_NO_PLUGINS	"/proc/self/fdinfo"

/* 1 when handles made from c would log in through Cyrus (GSSAPI). */
static int
cyrus_needed(const struct kc_conf *c)
{
	rd_kafka_conf_t	*rc;
	char		 proto[32], mech[64], errstr[256];
	size_t		 len;
	int		 needed = 1;

	/*
	 * librdkafka's own reading of the settings: its defaults (the
	 * mechanism is GSSAPI unless set), aliases (sasl.mechanism) and
	 * spellings of security.protocol. A configuration it refuses is
	 * left alone: the first handle reports it.
	 */
	if ((rc = kc_conf_rdkafka(c, KC_ROLE_PRODUCER, errstr,
	    sizeof errstr)) == NULL)
		return 1;
	len = sizeof proto;
	if (rd_kafka_conf_get(rc, "security.protocol", proto, &len) ==
	    RD_KAFKA_CONF_OK && strncmp(proto, "sasl", 4) != 0)
		needed = 0;
	len = sizeof mech;
	if (needed && rd_kafka_conf_get(rc, "sasl.mechanisms", mech, &len) ==
	    RD_KAFKA_CONF_OK && strcmp(mech, "GSSAPI") != 0)
		needed = 0;
	rd_kafka_conf_destroy(rc);
	return needed;
}

int
kc_cyrus_limit(const struct kc_conf *c)
{
	if (getenv("SASL_PATH") != NULL || cyrus_needed(c))
		return 0;
	return setenv("SASL_PATH", CYRUS_NO_PLUGINS, 1) == 0;
}
