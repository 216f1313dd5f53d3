/*
 * test-edit.c - edits, deletes and replies in libkchat: the "edit" and
 * "delete" record types with their "re" target id and the "reply" parent id
 * (proto/msg.c validation, proto/mp.c codec), the browser requests that
 * ask for them (proto/json.c) and the frames that carry them (proto/wire.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

#define ID	"01K6NQ4V5BXYZ0123456789ABC"
#define ID2	"01K6NQ4V5BXYZ0123456789ABD"
#define TS	1759530645123456LL	/* 2025-10-03T22:30:45.123456 */

#define ck_assert_code(got, want) do {					\
	int g_ = (got), w_ = (want);					\
	ck_assert_msg(g_ == w_, "got %s, want %s", kc_errname(g_),	\
	    kc_errname(w_));						\
} while (0)

/* A valid record of type with fixed id and ts. */
static void
msg_fixed(struct kc_msg *m, enum kc_type type, const char *text)
{
	kc_msg_init(m);
	m->v = 1;
	memcpy(m->id, ID2, sizeof m->id);
	m->type = type;
	strcpy(m->room, "general");
	strcpy(m->user, "alice");
	m->ts = TS;
	if (text != NULL)
		ck_assert_int_eq(kc_msg_set_text(m, text, strlen(text)), KC_OK);
}

START_TEST(test_type_names)
{
	ck_assert_str_eq(kc_type_name(KC_TYPE_EDIT), "edit");
	ck_assert_str_eq(kc_type_name(KC_TYPE_DELETE), "delete");
	ck_assert_int_eq(kc_type_parse("edit", 4), KC_TYPE_EDIT);
	ck_assert_int_eq(kc_type_parse("delete", 6), KC_TYPE_DELETE);
}
END_TEST

START_TEST(test_validate)
{
	struct kc_msg m;

	/* An edit needs re and text; a delete needs re only. */
	msg_fixed(&m, KC_TYPE_EDIT, "fixed");
	ck_assert_code(kc_msg_validate(&m), KC_ERR_RE);
	strcpy(m.re, ID);
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	strcpy(m.re, "not-a-ulid");
	ck_assert_code(kc_msg_validate(&m), KC_ERR_RE);
	strcpy(m.re, ID);
	kc_msg_set_text(&m, NULL, 0);
	ck_assert_code(kc_msg_validate(&m), KC_ERR_TEXT_EMPTY);
	m.type = KC_TYPE_DELETE;
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	/* re on any other type, reply on an edit: refused. */
	m.type = KC_TYPE_MESSAGE;
	kc_msg_set_text(&m, "hi", 2);
	ck_assert_code(kc_msg_validate(&m), KC_ERR_RE);
	m.re[0] = '\0';
	strcpy(m.reply, ID);
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	m.type = KC_TYPE_DM;
	strcpy(m.to, "bob");
	ck_assert_code(kc_msg_validate(&m), KC_OK);
	m.to[0] = '\0';
	m.type = KC_TYPE_JOIN;
	ck_assert_code(kc_msg_validate(&m), KC_ERR_REPLY);
	m.type = KC_TYPE_EDIT;
	strcpy(m.re, ID);
	ck_assert_code(kc_msg_validate(&m), KC_ERR_REPLY);
	m.type = KC_TYPE_MESSAGE;
	m.re[0] = '\0';
	strcpy(m.reply, "01K6NQ4V5BXYZ0123456789AB!");
	ck_assert_code(kc_msg_validate(&m), KC_ERR_REPLY);
	kc_msg_clear(&m);
}
END_TEST

START_TEST(test_make)
{
	struct kc_msg m;

	kc_msg_init(&m);
	ck_assert_code(kc_msg_make_re(&m, KC_TYPE_EDIT, "general", "alice",
	    NULL, ID, NULL, "new", 3), KC_OK);
	ck_assert_str_eq(m.re, ID);
	ck_assert_str_eq(m.text, "new");
	ck_assert_code(kc_msg_make_re(&m, KC_TYPE_DELETE, "general", "alice",
	    NULL, ID, NULL, NULL, 0), KC_OK);
	ck_assert_ptr_null(m.text);
	ck_assert_code(kc_msg_make_re(&m, KC_TYPE_MESSAGE, "general", "alice",
	    NULL, NULL, ID, "yes", 3), KC_OK);
	ck_assert_str_eq(m.reply, ID);
	ck_assert_str_eq(m.re, "");
	ck_assert_code(kc_msg_make(&m, KC_TYPE_DELETE, "general", "alice",
	    NULL, NULL, 0), KC_ERR_RE);
	kc_msg_clear(&m);
}
END_TEST

/* Encode then decode: every field comes back. */
START_TEST(test_round_trip)
{
	static const enum kc_type types[] = {
		KC_TYPE_EDIT, KC_TYPE_DELETE, KC_TYPE_MESSAGE
	};
	struct kc_msg	m, d;
	struct kc_buf	b = { 0 };

	msg_fixed(&m, types[_i], types[_i] == KC_TYPE_DELETE ? NULL : "text");
	if (types[_i] == KC_TYPE_MESSAGE)
		strcpy(m.reply, ID);
	else
		strcpy(m.re, ID);
	ck_assert_code(kc_mp_encode(&m, &b), KC_OK);
	kc_msg_init(&d);
	ck_assert_code(kc_mp_decode(b.data, b.len, &d), KC_OK);
	ck_assert_int_eq(d.type, m.type);
	ck_assert_str_eq(d.re, m.re);
	ck_assert_str_eq(d.reply, m.reply);
	if (m.text == NULL)
		ck_assert_ptr_null(d.text);
	else
		ck_assert_str_eq(d.text, m.text);
	kc_msg_clear(&m);
	kc_msg_clear(&d);
	kc_buf_free(&b);
}
END_TEST

/*
 * An edit written by hand, as another msgpack writer would (keys in
 * another order): 7 entries, fixstr keys and values.
 */
START_TEST(test_decode_foreign)
{
	static const char rec[] =
	    "\x88"
	    "\xa2re\xba" ID
	    "\xa4type\xa4" "edit"
	    "\xa1v\x01"
	    "\xa2id\xba" ID2
	    "\xa4room\xa7general"
	    "\xa4user\xa5" "alice"
	    "\xa4text\xa5" "fixed"
	    "\xa2ts\xcf\x00\x06\x40\x48\xa7\x12\xf1\x80";
	struct kc_msg m;

	kc_msg_init(&m);
	ck_assert_code(kc_mp_decode(rec, sizeof rec - 1, &m), KC_OK);
	ck_assert_int_eq(m.type, KC_TYPE_EDIT);
	ck_assert_str_eq(m.re, ID);
	ck_assert_str_eq(m.text, "fixed");
	kc_msg_clear(&m);
}
END_TEST

START_TEST(test_decode_errors)
{
	struct kc_msg	m, d;
	struct kc_buf	b = { 0 };
	size_t		at;

	/* A 25-character re is refused as a bad target, not truncated. */
	msg_fixed(&m, KC_TYPE_DELETE, NULL);
	strcpy(m.re, ID);
	ck_assert_code(kc_mp_encode(&m, &b), KC_OK);
	at = (size_t)((char *)memmem(b.data, b.len, ID, 26) - b.data);
	b.data[at + 25] = '!';
	kc_msg_init(&d);
	ck_assert_code(kc_mp_decode(b.data, b.len, &d), KC_ERR_RE);
	kc_msg_clear(&m);
	kc_msg_clear(&d);
	kc_buf_free(&b);
}
END_TEST

START_TEST(test_json_requests)
{
	struct kc_req r;

	kc_req_init(&r);
#define P(s) kc_json_parse_req(s, strlen(s), &r)
	ck_assert_code(P("{\"type\":\"edit\",\"re\":\"" ID "\",\"message\":\"x\"}"),
	    KC_OK);
	ck_assert_int_eq(r.type, KC_REQ_EDIT);
	ck_assert_str_eq(r.re, ID);
	ck_assert_str_eq(r.text, "x");
	ck_assert_code(P("{\"type\":\"delete\",\"re\":\"" ID "\",\"room\":\"dev\"}"),
	    KC_OK);
	ck_assert_int_eq(r.type, KC_REQ_DELETE);
	ck_assert_str_eq(r.room, "dev");
	ck_assert_code(P("{\"username\":\"a\",\"message\":\"yes\",\"reply\":\""
	    ID "\"}"), KC_OK);
	ck_assert_str_eq(r.reply, ID);
	/* What is missing or misplaced. */
	ck_assert_code(P("{\"type\":\"edit\",\"re\":\"" ID "\"}"),
	    KC_ERR_JSON_MISSING);
	ck_assert_code(P("{\"type\":\"delete\"}"), KC_ERR_JSON_MISSING);
	ck_assert_code(P("{\"type\":\"delete\",\"re\":\"nope\"}"), KC_ERR_RE);
	ck_assert_code(P("{\"type\":\"delete\",\"re\":1}"),
	    KC_ERR_JSON_FIELD_TYPE);
	ck_assert_code(P("{\"username\":\"a\",\"message\":\"m\",\"re\":\""
	    ID "\"}"), KC_ERR_RE);
	ck_assert_code(P("{\"type\":\"delete\",\"re\":\"" ID "\",\"reply\":\""
	    ID "\"}"), KC_ERR_REPLY);
	ck_assert_code(P("{\"username\":\"a\",\"message\":\"m\",\"reply\":\"x\"}"),
	    KC_ERR_REPLY);
#undef P
	kc_req_clear(&r);
}
END_TEST

START_TEST(test_wire)
{
	struct kc_msg	m;
	struct kc_buf	b = { 0 };

	msg_fixed(&m, KC_TYPE_EDIT, "fixed");
	strcpy(m.re, ID);
	ck_assert_code(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"alice\", \"message\": "
	    "\"fixed\", \"timestamp\": \"2025-10-03T22:30:45.123456\", "
	    "\"room\": \"general\", \"id\": \"" ID2 "\", \"type\": \"edit\", "
	    "\"re\": \"" ID "\"}");
	kc_buf_reset(&b);
	kc_msg_clear(&m);
	msg_fixed(&m, KC_TYPE_MESSAGE, "yes");
	strcpy(m.reply, ID);
	ck_assert_code(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"alice\", \"message\": "
	    "\"yes\", \"timestamp\": \"2025-10-03T22:30:45.123456\", "
	    "\"room\": \"general\", \"id\": \"" ID2 "\", \"type\": "
	    "\"message\", \"reply\": \"" ID "\"}");
	kc_buf_reset(&b);
	kc_msg_clear(&m);
	msg_fixed(&m, KC_TYPE_DELETE, NULL);
	strcpy(m.re, ID);
	ck_assert_code(kc_wire_record(&m, 0, &b), KC_OK);
	ck_assert_str_eq(b.data, "{\"username\": \"alice\", \"message\": "
	    "\"\", \"timestamp\": \"2025-10-03T22:30:45.123456\", "
	    "\"room\": \"general\", \"id\": \"" ID2 "\", \"type\": "
	    "\"delete\", \"re\": \"" ID "\"}");
	kc_msg_clear(&m);
	kc_buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("edit");
	TCase	*tc = tcase_create("edit");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_validate);
	tcase_add_test(tc, test_make);
	tcase_add_loop_test(tc, test_round_trip, 0, 3);
	tcase_add_test(tc, test_decode_foreign);
	tcase_add_test(tc, test_decode_errors);
	tcase_add_test(tc, test_json_requests);
	tcase_add_test(tc, test_wire);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
