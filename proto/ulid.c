/*
 * ulid.c - ULID message ids: 48 bits of milliseconds and 80 random bits in
 * Crockford base32, 26 characters, sortable by time. Ids made in the same
 * millisecond by one process increase monotonically.
 */
#include <sys/random.h>

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "kchat.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static pthread_mutex_t	ulid_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t		ulid_last_ms;
static unsigned char	ulid_last_rand[10];

int64_t
kc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Adds one to the 80-bit big-endian number r; returns 0 on overflow. */
static int
rand_increment(unsigned char r[10])
{
	int i;

	for (i = 9; i >= 0; i--) {
		if (++r[i] != 0)
			return 1;
	}
	return 0;
}

int
kc_ulid_new(char out[KC_ID_LEN + 1], int64_t ts_us)
{
	unsigned char	b[16];
	uint64_t	ms;
	int		i, bit;

	if (ts_us <= 0)
		ts_us = kc_now_us();
	ms = (uint64_t)ts_us / 1000;
	if (ms >= (1ULL << 48))
		return KC_ERR_TS;

	pthread_mutex_lock(&ulid_lock);
	if (ms == ulid_last_ms && rand_increment(ulid_last_rand)) {
		/* same millisecond: the next id is the last one plus one */
	} else if (getrandom(ulid_last_rand, sizeof ulid_last_rand, 0) !=
	    (ssize_t)sizeof ulid_last_rand) {
		pthread_mutex_unlock(&ulid_lock);
		return KC_ERR_IO;
	}
	ulid_last_ms = ms;
	memcpy(b + 6, ulid_last_rand, 10);
	pthread_mutex_unlock(&ulid_lock);

	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (8 * (5 - i)));

	/* 128 bits as 26 groups of 5, the first group holding 3 bits. */
	for (i = 0; i < KC_ID_LEN; i++) {
		unsigned v = 0;
		int	 j;

		for (j = 0; j < 5; j++) {
			bit = i * 5 + j - 2;	/* two leading zero bits */
			v <<= 1;
			if (bit >= 0 && (b[bit / 8] >> (7 - bit % 8)) & 1)
				v |= 1;
		}
		out[i] = crockford[v];
	}
	out[KC_ID_LEN] = '\0';
	return KC_OK;
}

int64_t
kc_ulid_ms(const char *id)
{
	int64_t	ms = 0;
	int	i;

	for (i = 0; i < 10; i++)
		ms = ms * 32 + (strchr(crockford, id[i]) - crockford);
	return ms;
}

int
kc_ulid_valid(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len != KC_ID_LEN)
		return 0;
	if (s[0] > '7')		/* the time part would overflow 48 bits */
		return 0;
	for (i = 0; i < len; i++) {
		if (strchr(crockford, s[i]) == NULL || s[i] == '\0')
			return 0;
	}
	return 1;
}
