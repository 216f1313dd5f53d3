/*
 * hist.c - latency histograms: exact below 128 µs, then 128 buckets per
 * power of two (under 1% error), up to about 2^40 µs. Adding is a few
 * instructions, so every delivery is counted, not a sample.
 */
#include <string.h>
#include <time.h>

#include "bench.h"

uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static unsigned
hist_index(uint64_t v)
{
	unsigned e;

	if (v < 128)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);
	if (e > 40)
		return HIST_BUCKETS - 1;
	return 128 + (e - 7) * 128 + (unsigned)((v >> (e - 7)) & 127);
}

/* The middle of bucket i, in µs. */
static double
hist_value(unsigned i)
{
	unsigned e, m;

	if (i < 128)
		return i;
	e = (i - 128) / 128 + 7;
	m = (i - 128) % 128;
	return ((double)(128 + m) + 0.5) * (double)(1ULL << (e - 7));
}

void
hist_add(struct hist *h, uint64_t us)
{
	h->b[hist_index(us)]++;
	h->count++;
	if (us > h->max_us)
		h->max_us = us;
}

void
hist_merge(struct hist *h, const struct hist *o)
{
	unsigned i;

	for (i = 0; i < HIST_BUCKETS; i++)
		h->b[i] += o->b[i];
	h->count += o->count;
	if (o->max_us > h->max_us)
		h->max_us = o->max_us;
}

double
hist_ms(const struct hist *h, double q)
{
	uint64_t	 want, seen = 0;
	unsigned	 i;

	if (h->count == 0)
		return 0;
	if (q >= 1)
		return (double)h->max_us / 1000;
	want = (uint64_t)(q * (double)h->count);
	if (want >= h->count)
		want = h->count - 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen > want) {
			double v = hist_value(i);

			return (v > (double)h->max_us ? (double)h->max_us : v) / 1000;
		}
	}
	return (double)h->max_us / 1000;
}
