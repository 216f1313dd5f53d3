/*
 * bench-codec.c - how fast libkchat turns a chat message into bytes and back:
 * msgpack encode/decode (the Kafka value) and JSON encode (the bridge's one
 * encoding per message) / parse (a browser frame). Prints the median of
 * several runs in nanoseconds per operation and operations per second;
 * and a catch-up on a read topic: KC_MARKTAB_MAX read markers (as many
 * users as rooms allow, in no order) applied to a kc_marktab.
 *
 *   bench-codec [runs] [ops-per-run]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kchat.h"

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *name, double *ns, int runs)
{
	qsort(ns, (size_t)runs, sizeof *ns, cmp_double);
	printf("%-22s median %8.0f ns/op  %10.0f ops/s  (min %.0f, max %.0f)\n",
	    name, ns[runs / 2], 1e9 / ns[runs / 2], ns[0], ns[runs - 1]);
}

/* KC_MARKTAB_MAX markers of users in 10 rooms, users in a scrambled order. */
static void
bench_markers(int runs)
{
	struct kc_marktab	*t;
	struct kc_marker	*mk;
	double			*ns = calloc((size_t)runs, sizeof *ns);
	long			 n = KC_MARKTAB_MAX, i;
	int			 r;
	int64_t			 t0;

	if (ns == NULL || (mk = calloc((size_t)n, sizeof *mk)) == NULL) {
		free(ns);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(mk[i].user, sizeof mk[i].user, "user%08lx",
		    (unsigned long)((i / 10) * 2654435761u) & 0xffffffffUL);
		snprintf(mk[i].room, sizeof mk[i].room, "room%ld", i % 10);
		kc_ulid_new(mk[i].id, 1700000000000000LL + i);
		mk[i].offset = i;
		mk[i].ts = 1700000000000000LL + i;
	}
	for (r = 0; r < runs; r++) {
		t = kc_marktab_new();
		t0 = now_ns();
		for (i = 0; i < n; i++)
			kc_marktab_apply(t, &mk[i]);
		ns[r] = (double)(now_ns() - t0) / n;
		kc_marktab_free(t);
	}
	qsort(ns, (size_t)runs, sizeof *ns, cmp_double);
	printf("read markers: %ld applied to an empty table in a median %.3f s "
	    "(%.0f ns each; min %.3f s, max %.3f s)\n", n, ns[runs / 2] * n / 1e9,
	    ns[runs / 2], ns[0] * n / 1e9, ns[runs - 1] * n / 1e9);
	free(mk);
	free(ns);
}

int
main(int argc, char **argv)
{
	int		 runs = argc > 1 ? atoi(argv[1]) : 9;
	long		 ops = argc > 2 ? atol(argv[2]) : 200000, i;
	double		*ns = calloc((size_t)runs, sizeof *ns);
	struct kc_msg	 m, out;
	struct kc_req	 req;
	struct kc_buf	 mp = { 0 }, js = { 0 }, frame = { 0 };
	const char	*text = "Hello, world! This is a typical chat line of about sixty bytes.";
	int		 r;
	int64_t		 t0;

	kc_msg_init(&m);
	kc_msg_init(&out);
	kc_req_init(&req);
	if (kc_msg_make(&m, KC_TYPE_MESSAGE, "general", "john_doe", NULL, text,
	    strlen(text)) != KC_OK || kc_mp_encode(&m, &mp) != KC_OK ||
	    kc_wire_record(&m, 0, &js) != KC_OK) {
		fprintf(stderr, "bench-codec: cannot build the sample message\n");
		return 1;
	}
	kc_buf_append(&frame, "{\"username\": \"john_doe\", \"message\": \"", 37);
	kc_buf_append(&frame, text, strlen(text));
	kc_buf_append(&frame, "\", \"room\": \"general\"}", 21);
	printf("sample: %zu-byte text, %zu-byte record, %zu-byte JSON; %d runs of %ld ops\n",
	    strlen(text), mp.len, js.len, runs, ops);

	for (r = 0; r < runs; r++) {
		t0 = now_ns();
		for (i = 0; i < ops; i++) {
			kc_buf_reset(&mp);
			kc_mp_encode(&m, &mp);
		}
		ns[r] = (double)(now_ns() - t0) / ops;
	}
	report("msgpack encode", ns, runs);

	for (r = 0; r < runs; r++) {
		t0 = now_ns();
		for (i = 0; i < ops; i++)
			kc_mp_decode(mp.data, mp.len, &out);
		ns[r] = (double)(now_ns() - t0) / ops;
	}
	report("msgpack decode", ns, runs);

	for (r = 0; r < runs; r++) {
		t0 = now_ns();
		for (i = 0; i < ops; i++) {
			kc_buf_reset(&js);
			kc_wire_record(&m, 0, &js);
		}
		ns[r] = (double)(now_ns() - t0) / ops;
	}
	report("JSON encode (fan-out)", ns, runs);

	for (r = 0; r < runs; r++) {
		t0 = now_ns();
		for (i = 0; i < ops; i++) {
			kc_req_clear(&req);
			kc_json_parse_req(frame.data, frame.len, &req);
		}
		ns[r] = (double)(now_ns() - t0) / ops;
	}
	report("JSON parse (browser)", ns, runs);

	for (r = 0; r < runs; r++) {
		t0 = now_ns();
		for (i = 0; i < ops; i++) {
			kc_mp_decode(mp.data, mp.len, &out);
			kc_buf_reset(&js);
			kc_wire_record(&out, 0, &js);
		}
		ns[r] = (double)(now_ns() - t0) / ops;
	}
	report("record -> browser JSON", ns, runs);

	bench_markers(runs);

	kc_msg_clear(&m);
	kc_msg_clear(&out);
	kc_req_clear(&req);
	kc_buf_free(&mp);
	kc_buf_free(&js);
	kc_buf_free(&frame);
	free(ns);
	return 0;
}
