/* rdkafka.c - what every librdkafka handle of libkchat shares. */
#include "internal.h"

void
kc_rdkafka_log_quiet(const rd_kafka_t *rk, int level, const char *fac,
    const char *buf)
{
	/* Programs learn of trouble from return codes, delivery reports and
	 * kc_reader_connected(), not from librdkafka's log lines. */
}
