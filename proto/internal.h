/*
 * internal.h - what libkchat's files share with each other (and with tests
 * that look inside), but not with programs.
 */
#ifndef KCHAT_INTERNAL_H
#define KCHAT_INTERNAL_H

#include <librdkafka/rdkafka.h>

#include "kchat.h"

/* What a librdkafka handle is for: each has its own defaults (conf.c). */
enum kc_role {
	KC_ROLE_ADMIN,		/* metadata and topic administration */
	KC_ROLE_PRODUCER,	/* the chat producer (producer.c) */
	KC_ROLE_READER,		/* a long-lived reader (reader.c) */
	KC_ROLE_HISTORY,	/* a history reader (history.c) */
	KC_ROLE_STATE,		/* a state topic's writer (state.c) */
	KC_ROLE_SHARED,		/* the readers' consumer of a kc_share (share.c) */
	KC_ROLE_SCAN		/* a reader for one pass (kc_reader_new_scan()) */
};
/*
 * A librdkafka configuration holding bootstrap.servers, libkchat's
 * defaults for role (the one place they are written) and every -X
 * property of c, which wins over a default. Returns NULL with errstr
 * filled when a property is refused. The caller owns the result (or hands
 * it to rd_kafka_new()).
 */
rd_kafka_conf_t *kc_conf_rdkafka(const struct kc_conf *c, enum kc_role role,
    char *errstr, size_t errlen);
/* Sets one librdkafka property unless the user set it with -X. */
int kc_conf_rdkafka_default(const struct kc_conf *c, rd_kafka_conf_t *rc,
    const char *key, const char *val, char *errstr, size_t errlen);
/* 1 when the brokers of c are the embedded broker of this machine. */
int kc_conf_is_embedded(const struct kc_conf *c);

/* The producer's librdkafka handle, for tests of the fatal-error path. */
rd_kafka_t *kc_producer_rk(struct kc_producer *p);

/*
 * Number of partitions of topic, asking (and so auto-creating the topic)
 * until timeout_ms passes; -1 with errstr filled on failure.
 */
int kc_topic_partitions(rd_kafka_t *rk, const char *topic, int timeout_ms,
    char *errstr, size_t errlen);

/*
 * A librdkafka log callback that prints nothing (libkchat never prints) but
 * remembers a handle's refused SASL login for kc_rdkafka_auth_failed().
 */
void kc_rdkafka_log_quiet(const rd_kafka_t *rk, int level, const char *fac,
    const char *buf);
/* The same, printing every line to standard error (KCHAT_DEBUG_KAFKA). */
void kc_rdkafka_log_stderr(const rd_kafka_t *rk, int level, const char *fac,
    const char *buf);
/*
 * 1 when Kafka refused rk's SASL login, with errstr saying so and what to
 * check; 0 otherwise.
 */
int kc_rdkafka_auth_failed(rd_kafka_t *rk, char *errstr, size_t errlen);

/*
 * Low and high watermarks of a partition, retrying while a new topic's
 * leader is elected, until deadline (µs since the epoch).
 */
int kc_watermarks(rd_kafka_t *rk, const char *topic, int32_t part,
    int64_t deadline, int64_t *lo, int64_t *hi, char *errstr, size_t errlen);

/*
 * The consumer of a kc_share (share.c). A reader attaches its topic with
 * callbacks for the handle's statistics (JSON) and errors, and gets the
 * handle in *rk; KC_ERR_BUSY when the topic is attached already (the
 * reader then makes a handle of its own). Detaching (by arg) the last
 * reader destroys the handle.
 */
typedef void kc_share_stats_fn(void *arg, const char *json, size_t len);
typedef void kc_share_error_fn(void *arg, int err);
typedef int kc_share_start_fn(void *arg);
int kc_share_attach(struct kc_share *s, const char *topic,
    kc_share_stats_fn *stats, kc_share_error_fn *error,
    kc_share_start_fn *start, void *arg, rd_kafka_t **rk, char *errstr,
    size_t errlen);
void kc_share_detach(struct kc_share *s, void *arg);
/*
 * The reader (arg) is open (ready 1): it starts with the others at the
 * next kc_share_start(), which calls the start callback of every reader
 * open and not started (under the share's lock); ready 0: being closed,
 * never started from now on (nor during the call).
 */
void kc_share_ready(struct kc_share *s, void *arg, int ready);
void kc_share_start(struct kc_share *s);
/* Serves the consumer's callbacks and its own queue (an attached reader). */
void kc_share_poll(struct kc_share *s);
/*
 * The producer beside the consumer of s (valid while a reader is
 * attached): the state topics' records, and the offsets asked for while
 * readers open. kc_share_failed(): its records Kafka refused.
 */
rd_kafka_t *kc_share_producer(struct kc_share *s);
uint64_t kc_share_failed(const struct kc_share *s);
/* The kc_share r reads through, NULL when it has a handle of its own. */
struct kc_share *kc_reader_share(const struct kc_reader *r);

/* A consumed record's Kafka timestamp in µs, 0 when it has none. */
int64_t kc_record_ts(const rd_kafka_message_t *rkm);

/*
 * A TCP forwarder (forward.c): connections to 127.0.0.1:port (0: any free
 * port) are relayed to target ("IPv4:port") until kc_forward_stop().
 */
struct kc_forward;
int kc_forward_start(int port, const char *target, struct kc_forward **out,
    char *errstr, size_t errlen);
int kc_forward_port(const struct kc_forward *fw);
void kc_forward_stop(struct kc_forward *fw);

/*
 * A growable array of elements of size bytes, sorted by a key (sorted.c):
 * zero-initialise with the size set; free v.
 */
struct kc_sorted {
	void	*v;
	size_t	 n, cap, size;
};
/* <0, 0, >0 as elem is before, at or after key. */
typedef int kc_sorted_cmp_fn(const void *elem, const void *key);
/* The index of key, or where it would go (with *found 0). */
size_t	kc_sorted_find(const struct kc_sorted *a, const void *key,
    kc_sorted_cmp_fn *cmp, int *found);
/* Puts a copy of elem at index at; NULL when a holds max or memory ran out. */
void	*kc_sorted_insert(struct kc_sorted *a, size_t at, const void *elem,
    size_t max);

/* Copies up to len-1 bytes of src into dst and terminates it. */
void kc_strlcpy(char *dst, const char *src, size_t len);
/* "<topic><suffix>" into buf[len]: a companion topic's name (presence,
 * rooms, read); KC_ERR_INVAL when it does not fit. */
int kc_topic_with(const char *topic, const char *suffix, char *buf,
    size_t len);

/*
 * A flat msgpack map with string keys (mpmap.c), for the state records.
 * kc_mpmap_decode() looks each key up in keys[nkeys] and hands fn the
 * known ones by index with their value (a string, an integer, nil, or
 * another kind, checked and skipped); the whole record's structure is
 * checked first (truncated, 0xc1, depth, trailing bytes); unknown keys (a later version's) are
 * skipped, a known key twice is KC_ERR_MP_DUP_KEY and a key of required
 * (a mask of indexes) missing is KC_ERR_MP_MISSING. Bounded like
 * kc_mp_decode(); fn's error stops the walk and is returned.
 */
enum {
	KC_MPMAP_OTHER = 0,
	KC_MPMAP_STR,
	KC_MPMAP_INT,
	KC_MPMAP_NIL,
	KC_MPMAP_BIG		/* an unsigned integer past INT64_MAX */
};
struct kc_mpmap_val {
	int		 kind;
	int		 container;
	const char	*s;
	size_t		 len;
	int64_t		 i;
};
typedef int kc_mpmap_fn(void *arg, int key, const struct kc_mpmap_val *v);
int kc_mpmap_decode(const void *buf, size_t len, const char *const keys[],
    int nkeys, unsigned required, kc_mpmap_fn *fn, void *arg);
/* Copies a string value into dst[size]; KC_ERR_MP_VALUE_TYPE otherwise. */
int kc_mpmap_str(char *dst, size_t size, const struct kc_mpmap_val *v);
/* An integer value; KC_ERR_MP_VALUE_TYPE otherwise. */
int kc_mpmap_int(int64_t *dst, const struct kc_mpmap_val *v);
/* msgpack-c's packer writing into a kc_buf (the pk of the two below). */
int kc_mpmap_write(void *data, const char *p, size_t len);
/* Packs one key with its string or integer value; nonzero when out of
 * memory. */
struct msgpack_packer;
int kc_mpmap_pack_str(struct msgpack_packer *pk, const char *key,
    const char *val);
int kc_mpmap_pack_int(struct msgpack_packer *pk, const char *key,
    int64_t val);

#endif
