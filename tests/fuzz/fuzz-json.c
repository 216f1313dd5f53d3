/*
 * fuzz-json.c - libFuzzer target for the browser JSON parser. Any bytes must
 * parse or fail cleanly; a request that parses with text must become a
 * message whose outgoing JSON jansson reads back with the same text, and so
 * must the ack and the error reply; and the msgpack record the bridge would
 * write for it (with the client's own id, when it gave one) must decode to
 * the same message.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kchat.h"

#define FUZZ_ID	"01K6NQ4V5BXYZ0123456789ABC"

/* Parses out with jansson, checks it is an object and returns it. */
static json_t *
reparse(const struct kc_buf *out)
{
	json_error_t	 error;
	json_t		*root;

	root = json_loadb(out->data, out->len, JSON_REJECT_DUPLICATES, &error);
	if (root == NULL || !json_is_object(root))
		abort();
	return root;
}

static void
check_message(const struct kc_req *r)
{
	struct kc_msg	 m, back;
	struct kc_buf	 out = { 0 };
	json_t		*root, *v;
	int		 err;

	kc_msg_init(&m);
	m.v = KC_RECORD_VERSION;
	memcpy(m.id, FUZZ_ID, sizeof FUZZ_ID);
	m.ts = 1759530645123456LL;
	m.type = r->type == KC_REQ_DM ? KC_TYPE_DM :
	    r->type == KC_REQ_ACTION ? KC_TYPE_ACTION :
	    r->type == KC_REQ_JOIN ? KC_TYPE_JOIN :
	    r->type == KC_REQ_LEAVE ? KC_TYPE_LEAVE : KC_TYPE_MESSAGE;
	strcpy(m.room, r->room[0] != '\0' ? r->room : "general");
	strcpy(m.user, r->username[0] != '\0' ? r->username : "nobody");
	if (m.type == KC_TYPE_DM)
		strcpy(m.to, r->to);
	if (kc_msg_set_text(&m, r->text, r->text_len) != KC_OK)
		abort();

	/* The parser validated everything the encoder checks. */
	if ((err = kc_wire_record(&m, 0, &out)) != KC_OK)
		abort();
	if (out.len != strlen(out.data))
		abort();
	root = reparse(&out);
	v = json_object_get(root, "message");
	if (!json_is_string(v) || json_string_length(v) != r->text_len ||
	    memcmp(json_string_value(v), r->text, r->text_len) != 0)
		abort();
	v = json_object_get(root, "timestamp");
	if (!json_is_string(v) || json_string_length(v) != 26)
		abort();
	json_decref(root);

	kc_buf_reset(&out);
	if (kc_wire_ack(r->ref, &m, &out) != KC_OK)
		abort();
	json_decref(reparse(&out));

	/* The bridge's path on: the record it writes to Kafka, read back. */
	if (r->id[0] != '\0')
		memcpy(m.id, r->id, sizeof m.id);
	kc_buf_reset(&out);
	if (kc_mp_encode(&m, &out) != KC_OK)
		abort();
	kc_msg_init(&back);
	if (kc_mp_decode(out.data, out.len, &back) != KC_OK ||
	    back.text_len != m.text_len ||
	    memcmp(back.text, m.text, m.text_len) != 0 ||
	    strcmp(back.id, m.id) != 0 || strcmp(back.user, m.user) != 0 ||
	    strcmp(back.room, m.room) != 0 || back.type != m.type)
		abort();
	kc_msg_clear(&back);
	kc_buf_free(&out);
	kc_msg_clear(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_req	r;
	struct kc_buf	out = { 0 };
	int		err;

	kc_req_init(&r);
	err = kc_json_parse_req((const char *)data, size, &r);
	if (err == KC_OK && r.text != NULL)
		check_message(&r);

	/* Whatever happened, the reply to it is valid JSON. */
	if (kc_wire_error(err, NULL, r.ref, NULL, &out) != KC_OK)
		abort();
	json_decref(reparse(&out));
	kc_buf_free(&out);
	kc_req_clear(&r);
	return 0;
}
