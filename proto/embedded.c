/*
 * embedded.c - the embedded broker: librdkafka's mock cluster, a Kafka
 * protocol broker inside this process, reachable over TCP by other clients.
 * It keeps messages in memory only (and trims each partition past 5 MiB or
 * 100,000 message sets). Its address is published in a file so that a
 * kchat-tui on the same machine finds it without flags.
 *
 * The mock cluster listens on a port of its own choosing, another at each
 * start; clients are given the port of a forwarder (forward.c) instead,
 * and a new embedded broker takes the port the file last named, so that a
 * kchat-tui carries on after the bridge restarts, whether it found the
 * broker through the file or was given its address with -b. When the
 * bridge stops, the file keeps that address with pid 0 (no broker now).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#include <librdkafka/rdkafka_mock.h>

#define EMBEDDED_PARTITIONS 3

struct kc_embedded {
	rd_kafka_t		*rk;		/* hosts the mock cluster */
	rd_kafka_mock_cluster_t	*mcluster;
	struct kc_forward	*fw;		/* the published, stable port */
	char			 bootstraps[256];
};

const char *
kc_embedded_path(void)
{
	static char	 path[512];
	const char	*dir = getenv("XDG_RUNTIME_DIR");

	if (getenv("KCHAT_EMBEDDED_FILE") != NULL)
		kc_strlcpy(path, getenv("KCHAT_EMBEDDED_FILE"), sizeof path);
	else if (dir != NULL && *dir == '/')
		snprintf(path, sizeof path, "%s/kchat-embedded-broker", dir);
	else
		snprintf(path, sizeof path, "/tmp/kchat-embedded-broker-%u",
		    (unsigned)getuid());
	return path;
}

/*
 * Reads the published file: the address into buf, its writer's pid (0: a
 * broker that stopped). KC_ERR_NOT_FOUND: no file we may believe.
 */
static int
embedded_read(char *buf, size_t len, long *pidp)
{
	FILE		*f;
	char		 addr[256];
	long		 pid;
	int		 n, fd;
	struct stat	 st;

	if ((fd = open(kc_embedded_path(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return KC_ERR_NOT_FOUND;
	/* In a shared /tmp, only a file of our own that nobody else can
	 * write may point us at a broker. */
	if (fstat(fd, &st) == -1 || st.st_uid != getuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return KC_ERR_NOT_FOUND;
	}
	n = fscanf(f, "%255s %ld", addr, &pid);
	fclose(f);
	if (n != 2 || pid < 0)
		return KC_ERR_NOT_FOUND;
	kc_strlcpy(buf, addr, len);
	*pidp = pid;
	return KC_OK;
}

int
kc_embedded_lookup(char *buf, size_t len)
{
	char	addr[256];
	long	pid;

	/* The file outlives a crashed bridge: believe it only if its owner
	 * lives (pid 0: its bridge stopped). */
	if (embedded_read(addr, sizeof addr, &pid) != KC_OK || pid <= 0 ||
	    (kill((pid_t)pid, 0) == -1 && errno == ESRCH))
		return KC_ERR_NOT_FOUND;
	kc_strlcpy(buf, addr, len);
	return KC_OK;
}

/* The port the file last named, running or not; 0: none. */
static int
embedded_last_port(void)
{
	char		 addr[256];
	const char	*colon;
	long		 pid;
	int		 port;

	if (embedded_read(addr, sizeof addr, &pid) != KC_OK ||
	    strncmp(addr, "127.0.0.1:", 10) != 0 ||
	    (colon = strrchr(addr, ':')) == NULL)
		return 0;
	port = atoi(colon + 1);
	return port > 0 && port < 65536 ? port : 0;
}

/* Writes "address pid" to the published file, atomically. */
static int
embedded_publish(const char *addr, long pid)
{
	char	 tmp[600];
	FILE	*f;

	int	 fd;

	snprintf(tmp, sizeof tmp, "%s.%ld", kc_embedded_path(), (long)getpid());
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1)
		return KC_ERR_IO;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return KC_ERR_IO;
	}
	fprintf(f, "%s %ld\n", addr, pid);
	if (fclose(f) != 0 || rename(tmp, kc_embedded_path()) != 0) {
		unlink(tmp);
		return KC_ERR_IO;
	}
	return KC_OK;
}

int
kc_embedded_start(const char *topic, struct kc_embedded **out, char *errstr,
    size_t errlen)
{
	struct kc_embedded	*e;
	rd_kafka_conf_t		*rc;
	char			 ptopic[300];
	int			 err = KC_ERR_KAFKA, port;

	*out = NULL;
	if ((e = calloc(1, sizeof *e)) == NULL)
		return KC_ERR_NOMEM;
	if ((rc = rd_kafka_conf_new()) == NULL)
		goto fail;
	rd_kafka_conf_set_log_cb(rc, kc_rdkafka_log_quiet);
	if ((e->rk = rd_kafka_new(RD_KAFKA_PRODUCER, rc, errstr, errlen)) == NULL) {
		rd_kafka_conf_destroy(rc);
		goto fail;
	}
	if ((e->mcluster = rd_kafka_mock_cluster_new(e->rk, 1)) == NULL) {
		snprintf(errstr, errlen, "could not start the embedded broker");
		goto fail;
	}
	/* The port last published if it is free, else any. */
	if ((port = embedded_last_port()) == 0 || kc_forward_start(port,
	    rd_kafka_mock_cluster_bootstraps(e->mcluster), &e->fw, errstr,
	    errlen) != KC_OK) {
		errstr[0] = '\0';
		if ((err = kc_forward_start(0,
		    rd_kafka_mock_cluster_bootstraps(e->mcluster), &e->fw, errstr,
		    errlen)) != KC_OK)
			goto fail;
		err = KC_ERR_KAFKA;
	}
	snprintf(e->bootstraps, sizeof e->bootstraps, "127.0.0.1:%d",
	    kc_forward_port(e->fw));
	kc_presence_topic(topic, ptopic, sizeof ptopic);
	if (rd_kafka_mock_topic_create(e->mcluster, topic, EMBEDDED_PARTITIONS, 1) ||
	    rd_kafka_mock_topic_create(e->mcluster, ptopic, EMBEDDED_PARTITIONS, 1)) {
		snprintf(errstr, errlen, "could not create topic %s on the embedded broker", topic);
		goto fail;
	}
	if (embedded_publish(e->bootstraps, (long)getpid()) != KC_OK) {
		int saved = errno;

		snprintf(errstr, errlen, "could not write %s: %s", kc_embedded_path(),
		    strerror(saved));
		err = KC_ERR_IO;
		goto fail;
	}
	*out = e;
	return KC_OK;
fail:
	kc_embedded_stop(e);
	return err;
}

const char *
kc_embedded_bootstraps(const struct kc_embedded *e)
{
	return e->bootstraps;
}

void
kc_embedded_stop(struct kc_embedded *e)
{
	char addr[256];

	if (e == NULL)
		return;
	if (e->mcluster != NULL) {
		/*
		 * The published address, only if it is ours: no broker now
		 * (pid 0), but its port is the next one's.
		 */
		if (kc_embedded_lookup(addr, sizeof addr) == KC_OK &&
		    strcmp(addr, e->bootstraps) == 0)
			embedded_publish(e->bootstraps, 0);
		rd_kafka_mock_cluster_destroy(e->mcluster);
	}
	kc_forward_stop(e->fw);
	if (e->rk != NULL)
		rd_kafka_destroy(e->rk);
	free(e);
}
