/*
 * bucket.c - a token bucket: what a connection may send, rate tokens a
 * second and at most burst at once.
 */
#include "bridge.h"

void
bucket_fill(struct bucket *b, double burst, int64_t now)
{
	b->tokens = burst;
	b->at = now;
}

int
bucket_refill(struct bucket *b, double rate, double burst, int64_t now)
{
	if (now > b->at)
		b->tokens += (double)(now - b->at) / 1e6 * rate;
	b->at = now;
	if (b->tokens >= burst) {
		b->tokens = burst;
		return 1;
	}
	return 0;
}

int
bucket_take_n(struct bucket *b, double n)
{
	if (b->tokens < n)
		return 0;
	b->tokens -= n;
	return 1;
}

int
bucket_take(struct bucket *b)
{
	if (b->tokens < 1.0)
		return 0;
	b->tokens -= 1.0;
	return 1;
}
