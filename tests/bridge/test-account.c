/*
 * test-account.c - the accounts' pure logic, without lws service or Kafka:
 * the users file and password checks (account.c), signed session tokens
 * (token.c: forged, expired, of a deleted or changed account, a key file
 * others may read) and the back-off of failed logins (throttle.c).
 */
#include <sys/stat.h>

#include <check.h>
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"

struct bridge_opts	opts;

void
log_msg(int level, const char *fmt, ...)
{
}

static char dir[] = "/tmp/kchat-test-account-XXXXXX";
static char users[256];

/* Writes the users file anew (a new inode: the bridge sees the change). */
static void
write_users(const char *lines)
{
	char	 tmp[300];
	FILE	*f;

	snprintf(tmp, sizeof tmp, "%s/users.new", dir);
	ck_assert_ptr_nonnull(f = fopen(tmp, "w"));
	fputs(lines, f);
	fclose(f);
	ck_assert_int_eq(rename(tmp, users), 0);
}

/* "user:yescrypt(pw)\n" */
static char *
line_for(const char *user, const char *pw)
{
	struct crypt_data	 cd;
	char			*salt = crypt_gensalt_ra("$y$", 0, NULL, 0), *s;

	memset(&cd, 0, sizeof cd);
	ck_assert_int_ge(asprintf(&s, "%s:%s\n", user, crypt_r(pw, salt, &cd)), 0);
	free(salt);
	return s;
}

static void
setup(void)
{
	char *a = line_for("alice", "wonderland"), *b = line_for("bob", "builder");
	char *both, errstr[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(users, sizeof users, "%s/users", dir);
	ck_assert_int_ge(asprintf(&both, "# comment\n%s%s", a, b), 0);
	write_users(both);
	ck_assert_int_eq(account_open(users, errstr, sizeof errstr), 0);
	ck_assert_int_eq(token_init(NULL, errstr, sizeof errstr), 0);
	free(a);
	free(b);
	free(both);
}

static void
teardown(void)
{
	char cmd[300];

	account_free();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir, "/tmp/kchat-test-account-XXXXXX");
}

START_TEST(test_passwords)
{
	ck_assert(account_enabled());
	ck_assert_int_eq(account_check("alice", "wonderland"), KC_OK);
	ck_assert_int_eq(account_check("bob", "builder"), KC_OK);
	ck_assert_int_eq(account_check("alice", "builder"), KC_ERR_LOGIN_FAILED);
	ck_assert_int_eq(account_check("carol", "wonderland"), KC_ERR_LOGIN_FAILED);
	ck_assert_int_eq(account_check("", ""), KC_ERR_LOGIN_FAILED);
	ck_assert_ptr_null(account_hash("carol"));
	ck_assert_ptr_nonnull(account_hash("alice"));
}
END_TEST

START_TEST(test_file_changes)
{
	char *c = line_for("alice", "looking-glass");

	write_users(c);		/* bob deleted, alice's password changed */
	ck_assert_int_eq(account_check("alice", "looking-glass"), KC_OK);
	ck_assert_int_eq(account_check("alice", "wonderland"), KC_ERR_LOGIN_FAILED);
	ck_assert_int_eq(account_check("bob", "builder"), KC_ERR_LOGIN_FAILED);
	free(c);
}
END_TEST

START_TEST(test_tokens)
{
	char	tok[256], forged[256], user[KC_NAME_MAX + 1], *p;
	char	*c;

	ck_assert_int_eq(token_make("alice", 60, tok, sizeof tok), 0);
	ck_assert_int_eq(token_check(tok, user), 0);
	ck_assert_str_eq(user, "alice");
	ck_assert_int_ne(token_make("carol", 60, tok + 0, 0), 0);

	/* Another name, another expiry, another MAC: refused. */
	snprintf(forged, sizeof forged, "%s", tok);
	p = strstr(forged, ".alice.");
	memcpy(p, ".bobby.", 7);
	memmove(p + 4, p + 6, strlen(p + 6) + 1);	/* ".bob." */
	ck_assert_int_ne(token_check(forged, user), 0);
	snprintf(forged, sizeof forged, "%s", tok);
	forged[3] = forged[3] == '9' ? '8' : '9';
	ck_assert_int_ne(token_check(forged, user), 0);
	snprintf(forged, sizeof forged, "%s", tok);
	p = forged + strlen(forged) - 1;
	*p = *p == 'a' ? 'b' : 'a';
	ck_assert_int_ne(token_check(forged, user), 0);
	ck_assert_int_ne(token_check("", user), 0);
	ck_assert_int_ne(token_check("1..alice.", user), 0);

	/* Expired. */
	ck_assert_int_eq(token_make("alice", -10, forged, sizeof forged), 0);
	ck_assert_int_ne(token_check(forged, user), 0);

	/* A changed password ends it. */
	c = line_for("alice", "looking-glass");
	write_users(c);
	ck_assert_int_ne(token_check(tok, user), 0);
	free(c);
}
END_TEST

START_TEST(test_key_file)
{
	char	key[300], errstr[512], tok[256], user[KC_NAME_MAX + 1];
	FILE	*f;

	snprintf(key, sizeof key, "%s/key", dir);
	ck_assert_ptr_nonnull(f = fopen(key, "w"));
	fputs("0123456789abcdef0123456789abcdef", f);
	fclose(f);
	chmod(key, 0644);
	ck_assert_int_ne(token_init(key, errstr, sizeof errstr), 0);
	ck_assert_ptr_nonnull(strstr(errstr, "chmod 600"));
	chmod(key, 0600);
	ck_assert_int_eq(token_init(key, errstr, sizeof errstr), 0);
	ck_assert_int_eq(token_make("alice", 60, tok, sizeof tok), 0);
	/* Another bridge with the same key accepts it; one with another not. */
	ck_assert_int_eq(token_init(key, errstr, sizeof errstr), 0);
	ck_assert_int_eq(token_check(tok, user), 0);
	ck_assert_int_eq(token_init(NULL, errstr, sizeof errstr), 0);
	ck_assert_int_ne(token_check(tok, user), 0);
	/* Too short. */
	ck_assert_ptr_nonnull(f = fopen(key, "w"));
	fputs("short", f);
	fclose(f);
	ck_assert_int_ne(token_init(key, errstr, sizeof errstr), 0);
}
END_TEST

START_TEST(test_throttle)
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		throttle_failed("u:dave", 5);
		ck_assert_int_eq(throttle_wait("u:dave"), 0);
	}
	throttle_failed("u:dave", 5);		/* the 5th: 1 s */
	ck_assert_int_eq(throttle_wait("u:dave"), 1);
	throttle_failed("u:dave", 5);		/* 2 s */
	throttle_failed("u:dave", 5);		/* 4 s */
	ck_assert_int_eq(throttle_wait("u:dave"), 4);
	for (i = 0; i < 20; i++)
		throttle_failed("u:dave", 5);
	ck_assert_int_eq(throttle_wait("u:dave"), 300);	/* at most 5 min */
	ck_assert_int_eq(throttle_wait("u:erin"), 0);	/* others untouched */
	throttle_clear("u:dave");
	ck_assert_int_eq(throttle_wait("u:dave"), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("bridge-account");
	TCase	*tc = tcase_create("account");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_passwords);
	tcase_add_test(tc, test_file_changes);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_key_file);
	tcase_add_test(tc, test_throttle);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
