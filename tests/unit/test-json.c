/*
 * test-json.c - the browser JSON mapping (proto/json.c): the documented client
 * frame and every request type, each error code, hostile input (sizes,
 * nesting, surrogates, NULs, bad UTF-8, duplicates), the exact outgoing
 * frames, and timestamps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf */
#endif
#include <check.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

#define ID	"01K6NQ4V5BXYZ0123456789ABC"
#define TS	1759530645123456LL	/* 2025-10-03T22:30:45.123456 */

static struct kc_req req;

static void
setup(void)
{
	kc_req_init(&req);
}

static void
teardown(void)
{
	kc_req_clear(&req);
}

/* Parses a NUL-terminated frame into req. */
static int
parse(const char *s)
{
	return kc_json_parse_req(s, strlen(s), &req);
}

/* "[[[...]]]" n deep, or with open only, unbalanced. Caller frees. */
static char *
nested(size_t n, int close)
{
	char *s = malloc(2 * n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, '[', n);
	if (close)
		memset(s + n, ']', n);
	s[close ? 2 * n : n] = '\0';
	return s;
}

/* ----------------------------------------------------------- requests */

START_TEST(test_documented_frame)
{
	ck_assert_int_eq(parse("{\"username\": \"john_doe\", \"message\": "
	    "\"Hello, world!\", \"room\": \"general\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_MESSAGE);
	ck_assert_str_eq(req.username, "john_doe");
	ck_assert_str_eq(req.room, "general");
	ck_assert_str_eq(req.text, "Hello, world!");
	ck_assert_uint_eq(req.text_len, 13);
	ck_assert_str_eq(req.to, "");
	ck_assert_str_eq(req.ref, "");
}
END_TEST

START_TEST(test_message_defaults)
{
	/* No room: the connection's current room. No type: a message. */
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_MESSAGE);
	ck_assert_str_eq(req.room, "");
	/* An explicit type, whitespace, unknown fields (a client's timestamp). */
	ck_assert_int_eq(parse(" {\"type\":\"message\", \"username\":\"bob\","
	    "\"message\":\"hi\",\"timestamp\":\"2025-10-03T22:30:45.123456\","
	    "\"extra\":{\"a\":[1,2,{\"b\":null}]},\"n\":1.5e3} \n"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_MESSAGE);
	ck_assert_str_eq(req.text, "hi");
}
END_TEST

START_TEST(test_types)
{
	ck_assert_int_eq(parse("{\"type\":\"action\",\"username\":\"bob\","
	    "\"message\":\"waves\",\"room\":\"dev\",\"ref\":\"c-1\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_ACTION);
	ck_assert_str_eq(req.text, "waves");
	ck_assert_str_eq(req.room, "dev");
	ck_assert_str_eq(req.ref, "c-1");

	ck_assert_int_eq(parse("{\"type\":\"dm\",\"username\":\"bob\","
	    "\"to\":\"alice\",\"message\":\"psst\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_DM);
	ck_assert_str_eq(req.to, "alice");
	ck_assert_str_eq(req.text, "psst");

	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"rust\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_JOIN);
	ck_assert_str_eq(req.room, "rust");
	ck_assert_ptr_null(req.text);

	/* The outgoing join shape ("message": "") is accepted back. */
	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"rust\","
	    "\"username\":\"bob\",\"message\":\"\"}"), KC_OK);
	ck_assert_str_eq(req.username, "bob");
	ck_assert_ptr_null(req.text);

	ck_assert_int_eq(parse("{\"type\":\"leave\",\"room\":\"rust\","
	    "\"message\":\"bye all\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_LEAVE);
	ck_assert_str_eq(req.text, "bye all");

	ck_assert_int_eq(parse("{\"type\":\"history\",\"room\":\"general\","
	    "\"before\":\"" ID "\",\"limit\":50}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_HISTORY);
	ck_assert_str_eq(req.before, ID);
	ck_assert_uint_eq(req.limit, 50);
	ck_assert_int_eq(parse("{\"type\":\"history\"}"), KC_OK);
	ck_assert_str_eq(req.room, "");
	ck_assert_str_eq(req.before, "");
	ck_assert_uint_eq(req.limit, 0);
	ck_assert_int_eq(parse("{\"type\":\"history\",\"limit\":1000000}"), KC_OK);
	ck_assert_uint_eq(req.limit, 500);

	ck_assert_int_eq(parse("{\"type\":\"typing\",\"username\":\"bob\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_TYPING);
	ck_assert_int_eq(parse("{\"type\":\"typing\",\"room\":\"dev\"}"), KC_OK);
	ck_assert_str_eq(req.room, "dev");
	ck_assert_int_eq(parse("{\"type\":\"who\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_WHO);
	ck_assert_int_eq(parse("{\"type\":\"who\",\"room\":\"#dev\"}"), KC_OK);
	ck_assert_str_eq(req.room, "dev");
	ck_assert_int_eq(parse("{\"type\":\"rooms\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_ROOMS);
	ck_assert_int_eq(parse("{\"type\":\"ping\",\"ref\":\"42\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_PING);
	ck_assert_str_eq(req.ref, "42");
	/* "message" means nothing to a ping: not looked at. */
	ck_assert_int_eq(parse("{\"type\":\"ping\",\"message\":\"\"}"), KC_OK);
	ck_assert_ptr_null(req.text);
}
END_TEST

/* "search": q required, 1..KC_SEARCH_Q_MAX bytes of one line of text. */
START_TEST(test_search)
{
	char	*big;

	ck_assert_int_eq(parse("{\"type\":\"search\",\"room\":\"#dev\","
	    "\"q\":\"Deploy\",\"limit\":20,\"ref\":\"s1\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_SEARCH);
	ck_assert_str_eq(req.room, "dev");
	ck_assert_str_eq(req.q, "Deploy");
	ck_assert_uint_eq(req.limit, 20);
	ck_assert_int_eq(parse("{\"type\":\"search\",\"q\":\"caf\u00e9\"}"), KC_OK);
	ck_assert_str_eq(req.q, "caf\xc3\xa9");
	ck_assert_int_eq(parse("{\"type\":\"search\"}"), KC_ERR_QUERY);
	ck_assert_int_eq(parse("{\"type\":\"search\",\"q\":\"\"}"), KC_ERR_QUERY);
	ck_assert_int_eq(parse("{\"type\":\"search\",\"q\":\"a\\nb\"}"), KC_ERR_QUERY);
	ck_assert_int_eq(parse("{\"type\":\"search\",\"q\":\"a\\u0007\"}"), KC_ERR_QUERY);
	ck_assert_int_eq(parse("{\"type\":\"search\",\"q\":5}"), KC_ERR_JSON_FIELD_TYPE);
	ck_assert_int_eq(asprintf(&big, "{\"type\":\"search\",\"q\":\"%0*d\"}",
	    KC_SEARCH_Q_MAX + 1, 0) > 0, 1);
	ck_assert_int_eq(parse(big), KC_ERR_QUERY);
	big[strlen(big) - 3] = '\0';
	strcat(big, "\"}");
	ck_assert_int_eq(parse(big), KC_OK);
	ck_assert_uint_eq(strlen(req.q), KC_SEARCH_Q_MAX);
	free(big);
	/* q means nothing to other requests */
	ck_assert_int_eq(parse("{\"type\":\"who\",\"q\":\"\"}"), KC_OK);
	ck_assert_ptr_null(req.q);
}
END_TEST

START_TEST(test_offsets_and_ids)
{
	/* Paging and resuming by offset; a client-made message id. */
	ck_assert_int_eq(parse("{\"type\":\"history\",\"room\":\"dev\"}"), KC_OK);
	ck_assert_int_eq(req.before_offset, -1);
	ck_assert_int_eq(req.since, -1);
	ck_assert_str_eq(req.id, "");
	ck_assert_int_eq(parse("{\"type\":\"history\",\"room\":\"dev\","
	    "\"before_offset\":1234567890123,\"since\":0}"), KC_OK);
	ck_assert_int_eq(req.before_offset, 1234567890123LL);
	ck_assert_int_eq(req.since, 0);
	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"dev\",\"since\":42}"), KC_OK);
	ck_assert_int_eq(req.since, 42);
	ck_assert_int_eq(parse("{\"username\":\"ann\",\"message\":\"hi\","
	    "\"id\":\"" ID "\"}"), KC_OK);
	ck_assert_str_eq(req.id, ID);

	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"dev\",\"since\":-1}"),
	    KC_ERR_JSON_FIELD_TYPE);
	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"dev\",\"since\":1.5}"),
	    KC_ERR_JSON_FIELD_TYPE);
	ck_assert_int_eq(parse("{\"type\":\"history\",\"before_offset\":\"7\"}"),
	    KC_ERR_JSON_FIELD_TYPE);
	ck_assert_int_eq(parse("{\"type\":\"history\",\"before_offset\":"
	    "9223372036854775807}"), KC_ERR_JSON_FIELD_TYPE);
	/* below zero: a moved room's older records (kchat.7), never -1 */
	ck_assert_int_eq(parse("{\"type\":\"history\",\"before_offset\":"
	    "-1125899906842590}"), KC_OK);
	ck_assert_int_eq(req.before_offset, -1125899906842590LL);
	ck_assert_int_eq(parse("{\"type\":\"history\",\"before_offset\":-1}"),
	    KC_ERR_JSON_FIELD_TYPE);
	ck_assert_int_eq(parse("{\"type\":\"history\",\"before_offset\":"
	    "-1125899906842625}"), KC_ERR_JSON_FIELD_TYPE);
	ck_assert_int_eq(parse("{\"username\":\"ann\",\"message\":\"hi\","
	    "\"id\":\"not-a-ulid\"}"), KC_ERR_ID);
	ck_assert_int_eq(parse("{\"username\":\"ann\",\"message\":\"hi\","
	    "\"id\":7}"), KC_ERR_JSON_FIELD_TYPE);
}
END_TEST

/* A room's topic: asked for, set, cleared; a read marker. */
START_TEST(test_topic_read)
{
	ck_assert_int_eq(parse("{\"type\":\"topic\",\"room\":\"dev\"}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_TOPIC);
	ck_assert_ptr_null(req.text);
	ck_assert_int_eq(parse("{\"type\":\"topic\",\"text\":\"Ship it\"}"), KC_OK);
	ck_assert_str_eq(req.text, "Ship it");
	ck_assert_str_eq(req.room, "");
	ck_assert_int_eq(parse("{\"type\":\"topic\",\"text\":\"\"}"), KC_OK);
	ck_assert_str_eq(req.text, "");
	ck_assert_int_eq(parse("{\"type\":\"topic\",\"text\":\"a\\nb\"}"),
	    KC_ERR_TEXT_CONTROL);
	ck_assert_int_eq(parse("{\"type\":\"topic\",\"text\":7}"),
	    KC_ERR_JSON_FIELD_TYPE);
	/* "text" means nothing on other requests. */
	ck_assert_int_eq(parse("{\"type\":\"who\",\"text\":\"a\\nb\"}"), KC_OK);
	ck_assert_ptr_null(req.text);

	ck_assert_int_eq(parse("{\"type\":\"read\",\"room\":\"dev\",\"id\":\""
	    ID "\",\"offset\":17}"), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_READ);
	ck_assert_str_eq(req.id, ID);
	ck_assert_int_eq(req.offset, 17);
	ck_assert_int_eq(parse("{\"type\":\"read\",\"room\":\"dev\",\"id\":\""
	    ID "\"}"), KC_OK);
	ck_assert_int_eq(req.offset, -1);
	ck_assert_int_eq(parse("{\"type\":\"read\",\"room\":\"dev\"}"),
	    KC_ERR_JSON_MISSING);
	ck_assert_int_eq(parse("{\"type\":\"read\",\"id\":\"" ID "\","
	    "\"offset\":-2}"), KC_ERR_JSON_FIELD_TYPE);
}
END_TEST

START_TEST(test_parse_resets)
{
	ck_assert_int_eq(parse("{\"type\":\"dm\",\"username\":\"bob\","
	    "\"to\":\"alice\",\"message\":\"psst\",\"room\":\"x\"}"), KC_OK);
	/* A second parse into the same request starts from scratch. */
	ck_assert_int_eq(parse("{\"type\":\"rooms\"}"), KC_OK);
	ck_assert_str_eq(req.to, "");
	ck_assert_str_eq(req.room, "");
	ck_assert_str_eq(req.username, "");
	ck_assert_ptr_null(req.text);
}
END_TEST

START_TEST(test_room_hash)
{
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\","
	    "\"room\":\"#general\"}"), KC_OK);
	ck_assert_str_eq(req.room, "general");
	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"#a\"}"), KC_OK);
	ck_assert_str_eq(req.room, "a");
	/* Only one '#' goes, and a lone '#' is an empty name. */
	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"##a\"}"), KC_ERR_ROOM_CHAR);
	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"#\"}"), KC_ERR_ROOM_EMPTY);
	/* 32 bytes after the '#' is still a valid room. */
	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":"
	    "\"#abcdefghijabcdefghijabcdefghij12\"}"), KC_OK);
	ck_assert_str_eq(req.room, "abcdefghijabcdefghijabcdefghij12");
}
END_TEST

START_TEST(test_name_errors)
{
	ck_assert_int_eq(parse("{\"username\":\"\",\"message\":\"hi\"}"), KC_ERR_USER_EMPTY);
	ck_assert_int_eq(parse("{\"username\":\"a b\",\"message\":\"hi\"}"), KC_ERR_USER_CHAR);
	ck_assert_int_eq(parse("{\"username\":\"-ab\",\"message\":\"hi\"}"), KC_ERR_USER_START);
	ck_assert_int_eq(parse("{\"username\":\"b\\u00e9b\",\"message\":\"hi\"}"), KC_ERR_USER_CHAR);
	ck_assert_int_eq(parse("{\"username\":\"abcdefghijabcdefghijabcdefghij123\","
	    "\"message\":\"hi\"}"), KC_ERR_USER_TOO_LONG);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\",\"room\":\"\"}"),
	    KC_ERR_ROOM_EMPTY);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\",\"room\":\"a/b\"}"),
	    KC_ERR_ROOM_CHAR);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\",\"room\":\".a\"}"),
	    KC_ERR_ROOM_START);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\",\"room\":"
	    "\"abcdefghijabcdefghijabcdefghij123\"}"), KC_ERR_ROOM_TOO_LONG);
	ck_assert_int_eq(parse("{\"type\":\"dm\",\"username\":\"bob\",\"to\":\"a b\","
	    "\"message\":\"hi\"}"), KC_ERR_USER_CHAR);
}
END_TEST

START_TEST(test_long_username)
{
	char	*s;
	size_t	 n = 100000, off;

	/* A 100 kB name: too large a frame; a 60 kB one: too long a name. */
	s = malloc(n + 64);
	ck_assert_ptr_nonnull(s);
	strcpy(s, "{\"message\":\"hi\",\"username\":\"");
	off = strlen(s);
	memset(s + off, 'a', n);
	strcpy(s + off + n, "\"}");
	ck_assert_int_eq(kc_json_parse_req(s, strlen(s), &req), KC_ERR_JSON_TOO_LARGE);
	n = 60000;
	memset(s + off, 'a', n);
	strcpy(s + off + n, "\"}");
	ck_assert_int_eq(kc_json_parse_req(s, strlen(s), &req), KC_ERR_USER_TOO_LONG);
	ck_assert_str_eq(req.username, "");
	free(s);
}
END_TEST

START_TEST(test_text_errors)
{
	char	*s;
	size_t	 off;

	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"\"}"), KC_ERR_TEXT_EMPTY);
	/* Blanks say nothing, in any type said by someone. */
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"  \\t\\n\"}"),
	    KC_ERR_TEXT_EMPTY);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"\\u00a0\\u3000\\u200b\"}"),
	    KC_ERR_TEXT_EMPTY);
	ck_assert_int_eq(parse("{\"type\":\"action\",\"username\":\"bob\",\"message\":\" \"}"),
	    KC_ERR_TEXT_EMPTY);
	ck_assert_int_eq(parse("{\"type\":\"dm\",\"username\":\"bob\",\"to\":\"ann\",\"message\":\" \"}"),
	    KC_ERR_TEXT_EMPTY);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\" .\"}"), KC_OK);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"ding\\u0007\"}"),
	    KC_ERR_TEXT_CONTROL);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"a\\u001bb\"}"),
	    KC_ERR_TEXT_CONTROL);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"a\\u007fb\"}"),
	    KC_ERR_TEXT_CONTROL);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"a\\u0085b\"}"),
	    KC_ERR_TEXT_CONTROL);
	/* Newline and tab are text. */
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"a\\nb\\tc\"}"), KC_OK);
	ck_assert_str_eq(req.text, "a\nb\tc");
	/* A join or leave may not say a rename: clients follow one. */
	ck_assert_int_eq(parse("{\"type\":\"leave\",\"room\":\"a\",\"message\":\"is now known as carol\"}"),
	    KC_ERR_RENAME_TEXT);
	ck_assert_int_eq(parse("{\"type\":\"join\",\"room\":\"a\",\"message\":\"was mallory\"}"),
	    KC_ERR_RENAME_TEXT);
	ck_assert_int_eq(parse("{\"type\":\"leave\",\"room\":\"a\",\"message\":\"bye, was fun\"}"),
	    KC_OK);
	/* A part message on leave is still text. */
	ck_assert_int_eq(parse("{\"type\":\"leave\",\"room\":\"a\",\"message\":\"\\u0007\"}"),
	    KC_ERR_TEXT_CONTROL);

	/* KC_TEXT_MAX bytes pass, one more does not. */
	s = malloc(KC_TEXT_MAX + 64);
	ck_assert_ptr_nonnull(s);
	strcpy(s, "{\"username\":\"bob\",\"message\":\"");
	off = strlen(s);
	memset(s + off, 'x', KC_TEXT_MAX);
	strcpy(s + off + KC_TEXT_MAX, "\"}");
	ck_assert_int_eq(kc_json_parse_req(s, strlen(s), &req), KC_OK);
	ck_assert_uint_eq(req.text_len, KC_TEXT_MAX);
	memset(s + off, 'x', KC_TEXT_MAX + 1);
	strcpy(s + off + KC_TEXT_MAX + 1, "\"}");
	ck_assert_int_eq(kc_json_parse_req(s, strlen(s), &req), KC_ERR_TEXT_TOO_LONG);
	ck_assert_ptr_null(req.text);
	free(s);
}
END_TEST

START_TEST(test_type_errors)
{
	ck_assert_int_eq(parse("{\"type\":\"shout\",\"username\":\"bob\",\"message\":\"hi\"}"),
	    KC_ERR_TYPE);
	ck_assert_int_eq(parse("{\"type\":\"Message\",\"username\":\"bob\",\"message\":\"hi\"}"),
	    KC_ERR_TYPE);
	ck_assert_int_eq(parse("{\"type\":\"heartbeat\"}"), KC_ERR_TYPE);
	ck_assert_int_eq(parse("{\"type\":\"\"}"), KC_ERR_TYPE);
	ck_assert_int_eq(parse("{\"type\":\"ping\\u0000\"}"), KC_ERR_JSON_SYNTAX);
}
END_TEST

START_TEST(test_field_types)
{
	static const char *bad[] = {
		"{\"type\":1}",
		"{\"type\":null}",
		"{\"username\":7,\"message\":\"hi\"}",
		"{\"username\":null,\"message\":\"hi\"}",
		"{\"username\":\"bob\",\"message\":[\"hi\"]}",
		"{\"username\":\"bob\",\"message\":{}}",
		"{\"username\":\"bob\",\"message\":true}",
		"{\"username\":\"bob\",\"message\":\"hi\",\"room\":1}",
		"{\"type\":\"dm\",\"username\":\"bob\",\"message\":\"hi\",\"to\":[]}",
		"{\"type\":\"history\",\"before\":123}",
		"{\"type\":\"history\",\"limit\":\"10\"}",
		"{\"type\":\"history\",\"limit\":-1}",
		"{\"type\":\"history\",\"limit\":10.0}",
		"{\"type\":\"history\",\"limit\":true}",
		"{\"type\":\"ping\",\"ref\":5}",
		"{\"type\":\"ping\",\"ref\":\"\"}",
		"{\"type\":\"ping\",\"ref\":\"a\\nb\"}",
		"{\"type\":\"ping\",\"ref\":\"caf\\u00e9\"}",
		"{\"type\":\"ping\",\"ref\":\"x\\u007f\"}",
		"{\"type\":\"ping\",\"ref\":"
		    "\"0123456789012345678901234567890123456789012345678901234567890123X\"}",
		/* "message" is type-checked even where it means nothing. */
		"{\"type\":\"ping\",\"message\":1}",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parse(bad[i]) == KC_ERR_JSON_FIELD_TYPE, "%s", bad[i]);
	/* A 64-byte ref with spaces and punctuation is fine. */
	ck_assert_int_eq(parse("{\"type\":\"ping\",\"ref\":"
	    "\"{0123456789 0123456789 0123456789 0123456789 0123456789 0123456}\"}"), KC_OK);
	ck_assert_uint_eq(strlen(req.ref), 64);
}
END_TEST

START_TEST(test_other_errors)
{
	ck_assert_int_eq(parse("{\"type\":\"history\",\"before\":\"nope\"}"), KC_ERR_ID);
	ck_assert_int_eq(parse("{\"type\":\"history\",\"before\":"
	    "\"01k6nq4v5bxyz0123456789abc\"}"), KC_ERR_ID);
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\",\"to\":\"alice\"}"),
	    KC_ERR_TO_UNEXPECTED);
}
END_TEST

START_TEST(test_missing)
{
	static const char *bad[] = {
		"{}",
		"{\"message\":\"hi\"}",
		"{\"username\":\"bob\"}",
		"{\"username\":\"bob\",\"room\":\"general\"}",
		"{\"type\":\"action\",\"username\":\"bob\"}",
		"{\"type\":\"action\",\"message\":\"waves\"}",
		"{\"type\":\"dm\",\"username\":\"bob\",\"message\":\"hi\"}",
		"{\"type\":\"dm\",\"to\":\"alice\",\"message\":\"hi\"}",
		"{\"type\":\"dm\",\"username\":\"bob\",\"to\":\"alice\"}",
		"{\"type\":\"join\"}",
		"{\"type\":\"join\",\"username\":\"bob\"}",
		"{\"type\":\"leave\"}",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parse(bad[i]) == KC_ERR_JSON_MISSING, "%s", bad[i]);
}
END_TEST

START_TEST(test_error_keeps_ref)
{
	/* An error reply can still name the request it answers. */
	ck_assert_int_eq(parse("{\"ref\":\"r-9\",\"username\":\"bob\",\"message\":\"\"}"),
	    KC_ERR_TEXT_EMPTY);
	ck_assert_str_eq(req.ref, "r-9");
	ck_assert_str_eq(req.username, "");
	ck_assert_ptr_null(req.text);
	ck_assert_int_eq(parse("{\"type\":\"dm\",\"ref\":\"r-10\",\"username\":\"bob\","
	    "\"message\":\"hi\"}"), KC_ERR_JSON_MISSING);
	ck_assert_str_eq(req.ref, "r-10");
	ck_assert_int_eq(req.type, KC_REQ_DM);
}
END_TEST

/* ------------------------------------------------------------ hostile */

START_TEST(test_surrogates_and_nul)
{
	static const char *bad[] = {
		"{\"username\":\"bob\",\"message\":\"\\ud800\"}",
		"{\"username\":\"bob\",\"message\":\"\\udc00x\"}",
		"{\"username\":\"bob\",\"message\":\"x\\ud800\\u0041\"}",
		"{\"username\":\"bob\",\"message\":\"\\ud83d\"}",
		"{\"username\":\"bob\",\"message\":\"a\\u0000b\"}",
		"{\"username\":\"bob\",\"message\":\"hi\",\"x\\u0000\":1}",
		"{\"username\":\"bob\\u0000\",\"message\":\"hi\"}",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parse(bad[i]) == KC_ERR_JSON_SYNTAX, "%s", bad[i]);
	/* A proper pair is one code point, U+1F600. */
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"\\ud83d\\ude00\"}"), KC_OK);
	ck_assert_str_eq(req.text, "\xf0\x9f\x98\x80");
}
END_TEST

START_TEST(test_raw_bytes)
{
	static const char *bad[] = {
		"{\"username\":\"bob\",\"message\":\"\xff\"}",
		"{\"username\":\"bob\",\"message\":\"\xc0\x80\"}",		/* overlong NUL */
		"{\"username\":\"bob\",\"message\":\"\xed\xa0\x80\"}",	/* encoded surrogate */
		"{\"username\":\"bob\",\"message\":\"\xf4\x90\x80\x80\"}",	/* > U+10FFFF */
		"{\"username\":\"bob\",\"message\":\"\xe2\x82\"}",		/* truncated */
		"{\"username\":\"bob\",\"message\":\"a\x01\"}",		/* raw control */
		"{\"username\":\"bob\",\"message\":\"a\nb\"}",		/* raw newline */
	};
	static const char nul[] = "{\"username\":\"bob\",\"message\":\"a\0b\"}";
	static const char nul_after[] = "{\"username\":\"bob\",\"message\":\"ab\"}\0";
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parse(bad[i]) == KC_ERR_JSON_SYNTAX, "case %zu", i);
	ck_assert_int_eq(kc_json_parse_req(nul, sizeof nul - 1, &req), KC_ERR_JSON_SYNTAX);
	ck_assert_int_eq(kc_json_parse_req(nul_after, sizeof nul_after - 1, &req),
	    KC_ERR_JSON_SYNTAX);
	/* Valid raw UTF-8 is kept as sent. */
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"caf\xc3\xa9 \xe2\x98\x83\"}"),
	    KC_OK);
	ck_assert_str_eq(req.text, "caf\xc3\xa9 \xe2\x98\x83");
}
END_TEST

static size_t jansson_allocs;

static void *
counting_malloc(size_t n)
{
	jansson_allocs++;
	return malloc(n);
}

START_TEST(test_too_large)
{
	size_t	 n = 10 * 1024 * 1024, off;
	char	*s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	strcpy(s, "{\"username\":\"bob\",\"message\":\"");
	off = strlen(s);
	memset(s + off, 'x', n - off - 2);
	strcpy(s + n - 2, "\"}");
	ck_assert_uint_eq(strlen(s), n);

	/* Rejected before parsing: jansson allocates nothing at all. */
	json_set_alloc_funcs(counting_malloc, free);
	jansson_allocs = 0;
	ck_assert_int_eq(kc_json_parse_req(s, n, &req), KC_ERR_JSON_TOO_LARGE);
	ck_assert_uint_eq(jansson_allocs, 0);
	/* ... whereas a small frame goes through jansson. */
	ck_assert_int_eq(parse("{\"type\":\"ping\"}"), KC_OK);
	ck_assert_uint_gt(jansson_allocs, 0);
	json_set_alloc_funcs(malloc, free);

	/* The boundary: exactly KC_JSON_MAX bytes parse, one more does not. */
	strcpy(s, "{\"username\":\"bob\",\"message\":\"hi\",\"pad\":\"");
	off = strlen(s);
	memset(s + off, ' ', KC_JSON_MAX - off - 2);
	strcpy(s + KC_JSON_MAX - 2, "\"}");
	ck_assert_int_eq(kc_json_parse_req(s, KC_JSON_MAX, &req), KC_OK);
	ck_assert_str_eq(req.text, "hi");
	memset(s + off, ' ', KC_JSON_MAX - off - 1);
	strcpy(s + KC_JSON_MAX - 1, "\"}");
	ck_assert_int_eq(kc_json_parse_req(s, KC_JSON_MAX + 1, &req), KC_ERR_JSON_TOO_LARGE);
	free(s);
}
END_TEST

START_TEST(test_depth)
{
	char	*s, *t;
	size_t	 i;

	s = nested(10000, 0);
	ck_assert_int_eq(parse(s), KC_ERR_JSON_DEPTH);
	free(s);
	s = nested(10000, 1);
	ck_assert_int_eq(parse(s), KC_ERR_JSON_DEPTH);
	free(s);
	s = nested(17, 1);
	ck_assert_int_eq(parse(s), KC_ERR_JSON_DEPTH);
	free(s);
	/* 16 levels pass the depth check; an array is still not a request. */
	s = nested(16, 1);
	ck_assert_int_eq(parse(s), KC_ERR_JSON_NOT_OBJECT);
	free(s);

	/* The request object plus 15 levels under an unknown key: accepted. */
	s = nested(15, 1);
	ck_assert_int_gt(asprintf(&t, "{\"username\":\"bob\",\"message\":\"hi\","
	    "\"x\":%s}", s), 0);
	ck_assert_int_eq(parse(t), KC_OK);
	free(t);
	free(s);
	/* 16 under it: 17 in all. */
	s = nested(16, 1);
	ck_assert_int_gt(asprintf(&t, "{\"username\":\"bob\",\"message\":\"hi\","
	    "\"x\":%s}", s), 0);
	ck_assert_int_eq(parse(t), KC_ERR_JSON_DEPTH);
	free(t);
	free(s);

	/* Objects count too: {"a":{"a":...}} 17 deep. */
	t = calloc(1, 17 * 6 + 17 + 1);
	ck_assert_ptr_nonnull(t);
	for (i = 0; i < 17; i++)
		strcat(t, i < 16 ? "{\"a\":" : "{");
	for (i = 0; i < 17; i++)
		strcat(t, "}");
	ck_assert_int_eq(parse(t), KC_ERR_JSON_DEPTH);
	free(t);

	/* Brackets inside strings, escaped quotes included, do not count. */
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":"
	    "\"\\\"[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{\\\\\"}"), KC_OK);
	ck_assert_str_eq(req.text, "\"[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{\\");
}
END_TEST

START_TEST(test_not_object)
{
	static const char *bad[] = {
		"[]", "[{\"username\":\"bob\",\"message\":\"hi\"}]", "\"message\"",
		"42", "-1.5e3", "null", "true", "false",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parse(bad[i]) == KC_ERR_JSON_NOT_OBJECT, "%s", bad[i]);
}
END_TEST

START_TEST(test_duplicates)
{
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\","
	    "\"username\":\"eve\"}"), KC_ERR_JSON_DUP_KEY);
	ck_assert_int_eq(parse("{\"type\":\"ping\",\"type\":\"ping\"}"), KC_ERR_JSON_DUP_KEY);
	/* Inside an unknown field too. */
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\","
	    "\"x\":{\"a\":1,\"a\":2}}"), KC_ERR_JSON_DUP_KEY);
	/* The same key spelled with an escape is the same key. */
	ck_assert_int_eq(parse("{\"username\":\"bob\",\"message\":\"hi\","
	    "\"\\u0075sername\":\"eve\"}"), KC_ERR_JSON_DUP_KEY);
}
END_TEST

START_TEST(test_syntax)
{
	static const char *bad[] = {
		"", " ", "\n\t ", "{", "{\"username\":\"bob\",\"message\":\"h",
		"{\"username\":\"bob\",\"message\":\"hi\"",
		"{\"username\":\"bob\",\"message\":\"hi\",}",
		"{\"username\":\"bob\",\"message\":\"hi\"} x",
		"{\"username\":\"bob\",\"message\":\"hi\"}{}",
		"{\"username\":\"bob\",\"message\":\"hi\"}]",
		"{'username':'bob'}", "{username:\"bob\"}",
		"{\"type\":\"history\",\"limit\":1e999}",
		"{\"type\":\"history\",\"limit\":99999999999999999999999}",
		"{\"type\":\"ping\"} // comment",
		"\xef\xbb\xbf{\"type\":\"ping\"}",
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parse(bad[i]) == KC_ERR_JSON_SYNTAX, "%s", bad[i]);
	/* Empty and NULL buffers. */
	ck_assert_int_eq(kc_json_parse_req("", 0, &req), KC_ERR_JSON_SYNTAX);
	ck_assert_int_eq(kc_json_parse_req(NULL, 0, &req), KC_ERR_JSON_SYNTAX);
	ck_assert_int_eq(kc_json_parse_req(NULL, 5, &req), KC_ERR_INVAL);
	ck_assert_int_eq(kc_json_parse_req("{}", 2, NULL), KC_ERR_INVAL);
	/* Only len bytes are read: a valid prefix of a longer buffer parses. */
	ck_assert_int_eq(kc_json_parse_req("{\"type\":\"ping\"}garbage", 15, &req), KC_OK);
}
END_TEST

/* ----------------------------------------------------------- encoding */

static void
msg_fixed(struct kc_msg *m, enum kc_type type, const char *room,
    const char *user, const char *text)
{
	kc_msg_init(m);
	m->v = KC_RECORD_VERSION;
	memcpy(m->id, ID, sizeof ID);
	m->type = type;
	m->ts = TS;
	strcpy(m->room, room);
	strcpy(m->user, user);
	if (text != NULL)
		ck_assert_int_eq(kc_msg_set_text(m, text, strlen(text)), KC_OK);
}

START_TEST(test_encode_message)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 };

	msg_fixed(&m, KC_TYPE_MESSAGE, "general", "john_doe", "Hello, world!");
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"john_doe\", \"message\": "
	    "\"Hello, world!\", \"timestamp\": \"2025-10-03T22:30:45.123456\", "
	    "\"room\": \"general\", \"id\": \"" ID "\", \"type\": \"message\"}");
	ck_assert_uint_eq(b.len, strlen(b.data));

	/* Appends: a second message follows the first. */
	strcpy(m.via, "web");
	m.type = KC_TYPE_ACTION;
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"john_doe\", \"message\": "
	    "\"Hello, world!\", \"timestamp\": \"2025-10-03T22:30:45.123456\", "
	    "\"room\": \"general\", \"id\": \"" ID "\", \"type\": \"message\"}"
	    "{\"username\": \"john_doe\", \"message\": "
	    "\"Hello, world!\", \"timestamp\": \"2025-10-03T22:30:45.123456\", "
	    "\"room\": \"general\", \"id\": \"" ID "\", \"type\": \"action\", "
	    "\"via\": \"web\"}");
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_encode_offset)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 };

	/* A record read from Kafka carries its offset; a new one has none. */
	msg_fixed(&m, KC_TYPE_MESSAGE, "general", "john_doe", "Hi");
	ck_assert_int_eq(m.offset, -1);
	m.partition = 2;
	m.offset = 12345;
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"john_doe\", \"message\": "
	    "\"Hi\", \"timestamp\": \"2025-10-03T22:30:45.123456\", "
	    "\"room\": \"general\", \"id\": \"" ID "\", \"type\": \"message\", "
	    "\"offset\": 12345}");
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_encode_dm_join)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 };

	msg_fixed(&m, KC_TYPE_DM, "general", "bob", "psst");
	strcpy(m.to, "alice");
	strcpy(m.via, "tui");
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"bob\", \"message\": \"psst\", "
	    "\"timestamp\": \"2025-10-03T22:30:45.123456\", \"room\": \"general\", "
	    "\"id\": \"" ID "\", \"type\": \"dm\", \"to\": \"alice\", \"via\": \"tui\"}");
	kc_msg_clear(&m);

	kc_buf_reset(&b);
	msg_fixed(&m, KC_TYPE_JOIN, "rust", "bob", NULL);
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"bob\", \"message\": \"\", "
	    "\"timestamp\": \"2025-10-03T22:30:45.123456\", \"room\": \"rust\", "
	    "\"id\": \"" ID "\", \"type\": \"join\"}");
	kc_msg_clear(&m);

	kc_buf_reset(&b);
	msg_fixed(&m, KC_TYPE_LEAVE, "rust", "bob", "bye");
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"bob\", \"message\": \"bye\", "
	    "\"timestamp\": \"2025-10-03T22:30:45.123456\", \"room\": \"rust\", "
	    "\"id\": \"" ID "\", \"type\": \"leave\"}");
	kc_msg_clear(&m);

	kc_buf_reset(&b);
	msg_fixed(&m, KC_TYPE_HEARTBEAT, "rust", "bob", NULL);
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"bob\", \"message\": \"\", "
	    "\"timestamp\": \"2025-10-03T22:30:45.123456\", \"room\": \"rust\", "
	    "\"id\": \"" ID "\", \"type\": \"heartbeat\"}");
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_encode_escaping)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 };

	msg_fixed(&m, KC_TYPE_MESSAGE, "general", "bob",
	    "say \"hi\"\n\tback\\slash </script> caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80");
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"bob\", \"message\": "
	    "\"say \\\"hi\\\"\\n\\tback\\\\slash </script> caf\xc3\xa9 \xe2\x98\x83 "
	    "\xf0\x9f\x98\x80\", \"timestamp\": \"2025-10-03T22:30:45.123456\", "
	    "\"room\": \"general\", \"id\": \"" ID "\", \"type\": \"message\"}");
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_encode_invalid)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 };

	ck_assert_int_eq(kc_buf_append(&b, "keep", 4), KC_OK);
	msg_fixed(&m, KC_TYPE_MESSAGE, "general", "bob", "bell\a");
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_ERR_TEXT_CONTROL);
	kc_msg_clear(&m);
	msg_fixed(&m, KC_TYPE_MESSAGE, "general", "bob", "bad \xff");
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_ERR_TEXT_UTF8);
	kc_msg_clear(&m);
	msg_fixed(&m, KC_TYPE_MESSAGE, "general", "bob", NULL);
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_ERR_TEXT_EMPTY);
	kc_msg_clear(&m);
	msg_fixed(&m, KC_TYPE_MESSAGE, "general", "bob", "hi");
	m.ts = -1;
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_ERR_TS);
	m.ts = TS;
	m.type = KC_TYPE_UNKNOWN;
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_ERR_TYPE);
	kc_msg_clear(&m);
	/* Nothing was appended by the failures. */
	ck_assert_uint_eq(b.len, 4);
	ck_assert_str_eq(b.data, "keep");
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_round_trip)
{
	static const char *texts[] = {
		"Hello, world!",
		"quote \" backslash \\ slash / tab \t newline \n end",
		"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80 \xe2\x80\xa8 \xef\xbf\xbd",
		"{\"type\":\"ping\"} [[[[[[[[[[[[[[[[[[[[[[",
	};
	struct kc_msg	m;
	struct kc_buf	b = { 0 };
	size_t		i;

	/* An outgoing frame is also a valid request carrying the same text. */
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		msg_fixed(&m, KC_TYPE_MESSAGE, "general", "bob", texts[i]);
		kc_buf_reset(&b);
		ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
		ck_assert_int_eq(kc_json_parse_req(b.data, b.len, &req), KC_OK);
		ck_assert_int_eq(req.type, KC_REQ_MESSAGE);
		ck_assert_str_eq(req.username, "bob");
		ck_assert_str_eq(req.room, "general");
		ck_assert_uint_eq(req.text_len, m.text_len);
		ck_assert_mem_eq(req.text, m.text, m.text_len);
		kc_msg_clear(&m);
	}
	msg_fixed(&m, KC_TYPE_DM, "general", "bob", "secret");
	strcpy(m.to, "alice");
	kc_buf_reset(&b);
	ck_assert_int_eq(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_int_eq(kc_json_parse_req(b.data, b.len, &req), KC_OK);
	ck_assert_int_eq(req.type, KC_REQ_DM);
	ck_assert_str_eq(req.to, "alice");
	ck_assert_str_eq(req.text, "secret");
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_encode_ack)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 };

	msg_fixed(&m, KC_TYPE_MESSAGE, "general", "bob", "hi");
	ck_assert_int_eq(kc_wire_ack("c-1", &m, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"type\": \"ack\", \"ref\": \"c-1\", \"id\": \"" ID "\", "
	    "\"timestamp\": \"2025-10-03T22:30:45.123456\", \"room\": \"general\"}");
	kc_buf_reset(&b);
	ck_assert_int_eq(kc_wire_ack(NULL, &m, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"type\": \"ack\", \"id\": \"" ID "\", "
	    "\"timestamp\": \"2025-10-03T22:30:45.123456\", \"room\": \"general\"}");
	kc_buf_reset(&b);
	ck_assert_int_eq(kc_wire_ack("", &m, &b), KC_OK);
	ck_assert_ptr_null(strstr(b.data, "ref"));
	kc_buf_reset(&b);
	ck_assert_int_eq(kc_wire_ack("a\"b", &m, &b), KC_OK);
	ck_assert_ptr_nonnull(strstr(b.data, "\"ref\": \"a\\\"b\""));
	m.ts = -5;
	kc_buf_reset(&b);
	ck_assert_int_eq(kc_wire_ack("c-1", &m, &b), KC_ERR_TS);
	ck_assert_uint_eq(b.len, 0);
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_encode_error)
{
	struct kc_buf b = { 0 };

	ck_assert_int_eq(kc_wire_error(KC_ERR_TEXT_TOO_LONG, NULL, "c-1", NULL, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"type\": \"error\", \"code\": \"text_too_long\", "
	    "\"error\": \"message text is longer than 8192 bytes\", \"ref\": \"c-1\"}");
	kc_buf_reset(&b);
	ck_assert_int_eq(kc_wire_error(KC_ERR_JSON_SYNTAX, "bad \"frame\"", NULL, NULL, &b),
	    KC_OK);
	ck_assert_str_eq(b.data, "{\"type\": \"error\", \"code\": \"json_syntax\", "
	    "\"error\": \"bad \\\"frame\\\"\"}");
	kc_buf_reset(&b);
	/* A message that is not UTF-8 gives way to the standard sentence. */
	ck_assert_int_eq(kc_wire_error(KC_ERR_QUEUE_FULL, "\xff\xfe", "", NULL, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"type\": \"error\", \"code\": \"queue_full\", "
	    "\"error\": \"queue is full, try again later\"}");
	kc_buf_reset(&b);
	ck_assert_int_eq(kc_wire_error(9999, NULL, NULL, NULL, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"type\": \"error\", \"code\": \"unknown\", "
	    "\"error\": \"unknown error\"}");
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_time_format)
{
	char out[27];

	ck_assert_int_eq(kc_time_format(TS, out), KC_OK);
	ck_assert_str_eq(out, "2025-10-03T22:30:45.123456");
	ck_assert_int_eq(kc_time_format(0, out), KC_OK);
	ck_assert_str_eq(out, "1970-01-01T00:00:00.000000");
	/* Leap day 2024-02-29 12:00:00 UTC, and the day after. */
	ck_assert_int_eq(kc_time_format(1709208000LL * 1000000 + 1, out), KC_OK);
	ck_assert_str_eq(out, "2024-02-29T12:00:00.000001");
	ck_assert_int_eq(kc_time_format((1709208000LL + 43200) * 1000000, out), KC_OK);
	ck_assert_str_eq(out, "2024-03-01T00:00:00.000000");
	/* Microseconds are zero-padded to six digits. */
	ck_assert_int_eq(kc_time_format(1759530645000042LL, out), KC_OK);
	ck_assert_str_eq(out, "2025-10-03T22:30:45.000042");
	ck_assert_int_eq(kc_time_format(1759530645999999LL, out), KC_OK);
	ck_assert_str_eq(out, "2025-10-03T22:30:45.999999");
	ck_assert_int_eq(kc_time_format(1759530645100000LL, out), KC_OK);
	ck_assert_str_eq(out, "2025-10-03T22:30:45.100000");
	ck_assert_uint_eq(strlen(out), 26);
	/* The last instant with a four-digit year; outside it, an error. */
	ck_assert_int_eq(kc_time_format(253402300799999999LL, out), KC_OK);
	ck_assert_str_eq(out, "9999-12-31T23:59:59.999999");
	ck_assert_int_eq(kc_time_format(253402300800000000LL, out), KC_ERR_TS);
	ck_assert_int_eq(kc_time_format(-1, out), KC_ERR_TS);
	ck_assert_int_eq(kc_time_format(INT64_MIN, out), KC_ERR_TS);
	ck_assert_int_eq(kc_time_format(INT64_MAX, out), KC_ERR_TS);
}
END_TEST

static Suite *
json_suite(void)
{
	Suite	*s = suite_create("json");
	TCase	*tc;

	tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_documented_frame);
	tcase_add_test(tc, test_message_defaults);
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_parse_resets);
	tcase_add_test(tc, test_room_hash);
	tcase_add_test(tc, test_name_errors);
	tcase_add_test(tc, test_long_username);
	tcase_add_test(tc, test_text_errors);
	tcase_add_test(tc, test_type_errors);
	tcase_add_test(tc, test_field_types);
	tcase_add_test(tc, test_other_errors);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_error_keeps_ref);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_surrogates_and_nul);
	tcase_add_test(tc, test_raw_bytes);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_not_object);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_syntax);
	suite_add_tcase(s, tc);

	tc = tcase_create("encoding");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_encode_message);
	tcase_add_test(tc, test_encode_dm_join);
	tcase_add_test(tc, test_encode_escaping);
	tcase_add_test(tc, test_encode_invalid);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_encode_ack);
	tcase_add_test(tc, test_encode_error);
	tcase_add_test(tc, test_time_format);
	tcase_add_test(tc, test_offsets_and_ids);
	tcase_add_test(tc, test_topic_read);
	tcase_add_test(tc, test_encode_offset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(json_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
