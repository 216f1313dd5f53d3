/*
 * test-origin.c - the handshake's Origin rule (bridge/origin.c) against the
 * tricks a page can play: names that look like addresses, rebound names,
 * other ports, schemes and case, bracketed and mapped IPv6, listed origins.
 */
#include <check.h>
#include <stdlib.h>

#include "bridge.h"

static char *listed[] = { "https://chat.example.org" };
static char *any[] = { "*" };

/* On a loopback listener at port 8000, with nothing listed. */
static int
lo(const char *origin, const char *host)
{
	return origin_allowed(origin, host, "127.0.0.1", 8000, NULL, 0);
}

/* On every address, port 8000, with nothing listed. */
static int
all(const char *origin, const char *host)
{
	return origin_allowed(origin, host, "0.0.0.0", 8000, NULL, 0);
}

START_TEST(test_loopback_listener)
{
	ck_assert_int_eq(lo("http://127.0.0.1:8000", "127.0.0.1:8000"), 1);
	ck_assert_int_eq(lo("http://localhost:8000", "localhost:8000"), 1);
	ck_assert_int_eq(lo("HTTPS://LocalHost:8000", "localhost:8000"), 1);
	ck_assert_int_eq(lo("http://[::1]:8000", "[::1]:8000"), 1);
	ck_assert_int_eq(lo("http://127.9.9.9:8000", "127.9.9.9:8000"), 1);
	/* names, however they look */
	ck_assert_int_eq(lo("http://127.0.0.1.evil.example:8000",
	    "127.0.0.1.evil.example:8000"), 0);
	ck_assert_int_eq(lo("http://localhost.evil.example:8000",
	    "localhost.evil.example:8000"), 0);
	ck_assert_int_eq(lo("http://127.1:8000", "127.1:8000"), 0);	/* not inet_pton's */
	ck_assert_int_eq(lo("http://evil.example:8000", "evil.example:8000"), 0);
	/* not loopback, another port, no port (80) */
	ck_assert_int_eq(lo("http://192.0.2.7:8000", "192.0.2.7:8000"), 0);
	ck_assert_int_eq(lo("http://[::ffff:127.0.0.1]:8000", "[::ffff:127.0.0.1]:8000"), 0);
	ck_assert_int_eq(lo("http://localhost:8001", "localhost:8001"), 0);
	ck_assert_int_eq(lo("http://localhost", "localhost"), 0);
	/* Origin must be the Host's own */
	ck_assert_int_eq(lo("http://localhost:8000", "127.0.0.1:8000"), 0);
	ck_assert_int_eq(lo("ftp://localhost:8000", "localhost:8000"), 0);
	ck_assert_int_eq(lo("null", "localhost:8000"), 0);
	/* malformed Host */
	ck_assert_int_eq(lo("http://[::1:8000", "[::1:8000"), 0);
	ck_assert_int_eq(lo("http://localhost:", "localhost:"), 0);
	ck_assert_int_eq(lo("http://localhost:99999", "localhost:99999"), 0);
	ck_assert_int_eq(lo("http://", ""), 0);
	ck_assert_int_eq(lo("http://localhost:8000", NULL), 0);
}
END_TEST

START_TEST(test_public_listener)
{
	ck_assert_int_eq(all("http://192.0.2.7:8000", "192.0.2.7:8000"), 1);
	ck_assert_int_eq(all("http://192.0.2.7", "192.0.2.7"), 1);	/* behind :80 */
	ck_assert_int_eq(all("http://[2001:db8::1]:8000", "[2001:db8::1]:8000"), 1);
	ck_assert_int_eq(all("http://localhost:8000", "localhost:8000"), 1);
	ck_assert_int_eq(all("http://chat.example.org", "chat.example.org"), 0);
	ck_assert_int_eq(all("http://192.0.2.7.evil.example", "192.0.2.7.evil.example"), 0);
	ck_assert_int_eq(all("http://evil.example", "192.0.2.7:8000"), 0);
}
END_TEST

START_TEST(test_listed)
{
	ck_assert_int_eq(origin_allowed("https://chat.example.org", "chat.example.org",
	    "0.0.0.0", 8000, listed, 1), 1);
	ck_assert_int_eq(origin_allowed("https://CHAT.example.org", "anything",
	    "127.0.0.1", 8000, listed, 1), 1);
	ck_assert_int_eq(origin_allowed("https://chat.example.org.evil", "x",
	    "0.0.0.0", 8000, listed, 1), 0);
	ck_assert_int_eq(origin_allowed("http://anyone.example", "x", "127.0.0.1",
	    8000, any, 1), 1);
}
END_TEST

START_TEST(test_listen_loopback)
{
	ck_assert_int_eq(origin_is_loopback("127.0.0.1"), 1);
	ck_assert_int_eq(origin_is_loopback("localhost"), 1);
	ck_assert_int_eq(origin_is_loopback("::1"), 1);
	ck_assert_int_eq(origin_is_loopback("[::1]"), 1);
	ck_assert_int_eq(origin_is_loopback("0.0.0.0"), 0);
	ck_assert_int_eq(origin_is_loopback("::"), 0);
	ck_assert_int_eq(origin_is_loopback("127.0.0.1.evil.example"), 0);
	ck_assert_int_eq(origin_is_loopback(NULL), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("origin");
	TCase	*tc = tcase_create("rule");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_loopback_listener);
	tcase_add_test(tc, test_public_listener);
	tcase_add_test(tc, test_listed);
	tcase_add_test(tc, test_listen_loopback);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
