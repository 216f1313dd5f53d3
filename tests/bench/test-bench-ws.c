/*
 * test-bench-ws.c - kchat-bench's wire format and figures (bench/ws.c,
 * bench/hist.c): client frames are masked and carry their length in the
 * right form, server frames parse whole or not at all, a server frame
 * that is masked is refused, JSON string fields are found, and the
 * histogram's quantiles are within 1% of the truth.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct bench_opts opts;

/* Unmasks a client frame: its payload, and checks the header on the way. */
static size_t
unmask(const char *f, size_t flen, int opcode, char *out)
{
	const unsigned char	*u = (const unsigned char *)f;
	size_t			 n = u[1] & 0x7f, h = 2, i;

	ck_assert_int_eq(u[0], 0x80 | opcode);		/* FIN, one frame */
	ck_assert(u[1] & 0x80);				/* masked */
	if (n == 126) {
		n = (size_t)u[2] << 8 | u[3];
		h = 4;
	} else if (n == 127) {
		for (n = 0, i = 0; i < 8; i++)
			n = n << 8 | u[2 + i];
		h = 10;
	}
	ck_assert_uint_eq(flen, h + 4 + n);
	for (i = 0; i < n; i++)
		out[i] = (char)(u[h + 4 + i] ^ u[h + (i & 3)]);
	return n;
}

START_TEST(test_client_frames)
{
	static const size_t	 sizes[] = { 0, 5, 125, 126, 65535, 65536, 200000 };
	char			*p = malloc(200000), *f = malloc(200014),
				*back = malloc(200000);
	size_t			 i, j, n;

	for (j = 0; j < 200000; j++)
		p[j] = (char)('a' + j % 26);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		n = ws_frame(f, 1, p, sizes[i]);
		ck_assert_uint_eq(unmask(f, n, 1, back), sizes[i]);
		ck_assert(memcmp(back, p, sizes[i]) == 0);
	}
	/* a new mask each time: the same payload is not the same bytes */
	n = ws_frame(f, 1, "hello", 5);
	ck_assert(memcmp(f, (ws_frame(back, 1, "hello", 5), back), n) != 0);
	free(p);
	free(f);
	free(back);
}
END_TEST

START_TEST(test_server_frames)
{
	const char	*pl;
	size_t		 len;
	int		 op, fin;
	char		 big[4 + 300];

	/* text "hi", whole, and every shorter prefix is incomplete */
	ck_assert_int_eq(ws_parse("\x81\x02hi", 4, &op, &fin, &pl, &len), 4);
	ck_assert_int_eq(op, 1);
	ck_assert_int_eq(fin, 1);
	ck_assert_uint_eq(len, 2);
	ck_assert(memcmp(pl, "hi", 2) == 0);
	ck_assert_int_eq(ws_parse("\x81\x02h", 3, &op, &fin, &pl, &len), 0);
	ck_assert_int_eq(ws_parse("\x81", 1, &op, &fin, &pl, &len), 0);
	/* 16-bit length */
	memset(big, 'x', sizeof big);
	big[0] = (char)0x81;
	big[1] = 126;
	big[2] = 1;
	big[3] = 44;		/* 300 */
	ck_assert_int_eq(ws_parse(big, sizeof big, &op, &fin, &pl, &len), 304);
	ck_assert_uint_eq(len, 300);
	ck_assert_int_eq(ws_parse(big, sizeof big - 1, &op, &fin, &pl, &len), 0);
	/* a masked server frame, and an absurd 64-bit length, are refused */
	ck_assert_int_eq(ws_parse("\x81\x82" "abcdhi", 8, &op, &fin, &pl, &len), -1);
	ck_assert_int_eq(ws_parse("\x81\x7f\x7f\xff\xff\xff\xff\xff\xff\xff", 10,
	    &op, &fin, &pl, &len), -1);
	/* ping, not final */
	ck_assert_int_eq(ws_parse("\x09\x00", 2, &op, &fin, &pl, &len), 2);
	ck_assert_int_eq(op, 9);
	ck_assert_int_eq(fin, 0);
}
END_TEST

START_TEST(test_request)
{
	char	req[512], *k;
	int	n = ws_request(req, sizeof req, "127.0.0.1:8000", "/ws/b1?ext=1");

	ck_assert_int_gt(n, 0);
	ck_assert(strncmp(req, "GET /ws/b1?ext=1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n",
	    47) == 0);
	ck_assert_ptr_nonnull(strstr(req, "Upgrade: websocket\r\n"));
	ck_assert_ptr_nonnull(strstr(req, "Sec-WebSocket-Version: 13\r\n"));
	ck_assert_ptr_nonnull(k = strstr(req, "Sec-WebSocket-Key: "));
	/* 16 bytes in base64, as the bridge's handshake_key_ok wants */
	k += 19;
	ck_assert_int_eq(strcspn(k, "\r"), 24);
	ck_assert(k[22] == '=' && k[23] == '=');
	ck_assert(strcmp(req + n - 4, "\r\n\r\n") == 0);
}
END_TEST

START_TEST(test_json_str)
{
	const char	*f = "{\"type\": \"ack\",\"ref\":\"3.17\",\"n\":5,\"id\":\"01K\"}";
	char		 v[16];

	ck_assert_int_eq(ws_json_str(f, strlen(f), "type", v, sizeof v), 0);
	ck_assert_str_eq(v, "ack");
	ck_assert_int_eq(ws_json_str(f, strlen(f), "ref", v, sizeof v), 0);
	ck_assert_str_eq(v, "3.17");
	ck_assert_int_eq(ws_json_str(f, strlen(f), "n", v, sizeof v), -1);	/* not a string */
	ck_assert_int_eq(ws_json_str(f, strlen(f), "code", v, sizeof v), -1);
	ck_assert_int_eq(ws_json_str(f, strlen(f), "type", v, 3), -1);	/* no room */
}
END_TEST

START_TEST(test_hist)
{
	static struct hist	h;
	uint64_t		i;

	memset(&h, 0, sizeof h);
	/* 1..100000 µs, once each: the q-quantile is q * 100 ms */
	for (i = 1; i <= 100000; i++)
		hist_add(&h, i);
	ck_assert_uint_eq(h.count, 100000);
	ck_assert(abs((int)(hist_ms(&h, .5) * 1000) - 50000) <= 500);
	ck_assert(abs((int)(hist_ms(&h, .99) * 1000) - 99000) <= 990);
	ck_assert(hist_ms(&h, 1) == 100.0);
	/* exact below 128 µs */
	memset(&h, 0, sizeof h);
	hist_add(&h, 7);
	hist_add(&h, 9);
	ck_assert(hist_ms(&h, .5) == 0.009);
	ck_assert(hist_ms(&h, 0) == 0.007);
	/* an empty histogram is 0, not garbage */
	memset(&h, 0, sizeof h);
	ck_assert(hist_ms(&h, .99) == 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("bench-ws");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_client_frames);
	tcase_add_test(tc, test_server_frames);
	tcase_add_test(tc, test_request);
	tcase_add_test(tc, test_json_str);
	tcase_add_test(tc, test_hist);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
