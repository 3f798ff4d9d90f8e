/* JSON codec: round trips through rule and policy JSON, strict reading,
 * and preshared keys only on request. */
#include "policy_json.h"
#include "test_support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const rule_lines[] = {
	"-f 0+* -n ah[md5]",
	"-f 10.2.1.1=10.2.1.13 -t 10.2.1.13 -n ah[sha] -1p",
	"-f corpsrv2+corpsrv1 -n ah[md5]+esp[des,sha]3600S/5000KPFS2 "
	"-a p:corpauth c:\"CN=Example CA, O=Example\" k",
	"-f (0:80+*::TCP) [0+*] default {2001:db8::1}+{2001:db8::}/48:443:tcp "
	"-n esp[aes256gcm]PFS -1s aes256-sha256-14 -1k 10Q/3600S -1e 120 "
	"-soft -lan -1f 0+192.0.2.0/24",
	"-f {12345678-1234-1234-1234-123456789abc}+*::47 -n INPASS -dialup",
	"-f 0+* -n BLOCK -t {2001:db8::5}",
	"-f 0+* -n PASS -t gateway.example",
	"-f 0+192.0.2.9 -n esp[3des,sha] -1s 3des-sha-2 --ike=1",
};

static void rule_from_line(const char *line, struct command *cmd)
{
	struct diag_list diags = { 0 };
	struct words w;

	words_split_dquote(&w, line);
	if (grammar_parse(w.argc, w.argv, cmd, &diags) != 0)
		fail_msg("'%s' rejected: %s", line, diag_first_error(&diags));
	diag_list_free(&diags);
	words_free(&w);
}

static void rule_json_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(rule_lines); i++) {
		struct command cmd;
		struct rule_spec back;
		char err[256] = "";
		json_t *json;
		char *text;

		rule_from_line(rule_lines[i], &cmd);
		json = rule_to_json(&cmd.rule, PRINT_SECRETS);
		assert_non_null(json);
		/* Through text, as the store and the cache keep it. */
		text = json_dumps(json, JSON_COMPACT);
		json_decref(json);
		json = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		assert_non_null(json);
		if (rule_from_json(json, &back, err, sizeof(err)) != 0)
			fail_msg("'%s' does not read back: %s", rule_lines[i],
				 err);
		assert_true(rule_equal(&cmd.rule, &back));
		rule_free(&back);
		json_decref(json);
		free(text);
		command_free(&cmd);
	}
}

static void policy_doc_roundtrip(void **state)
{
	struct named_rule rules[2] = { 0 };
	struct policy_doc doc = {
		.name = "Me to Anyone", .poll_minutes = 30,
		.version = 9007199254740993ull, .rules = rules, .rule_count = 2,
	};
	struct command a, b;
	struct policy_doc back;
	char err[256] = "";
	json_t *json;

	(void)state;
	rule_from_line(rule_lines[2], &a);
	rule_from_line(rule_lines[3], &b);
	rules[0].name = "Secure: My Traffic";
	rules[0].rule = a.rule;
	rules[1].name = "Second";
	rules[1].rule = b.rule;

	json = policy_doc_to_json(&doc, PRINT_SECRETS);
	assert_non_null(json);
	if (policy_doc_from_json(json, &back, err, sizeof(err)) != 0)
		fail_msg("policy does not read back: %s", err);
	assert_string_equal(back.name, doc.name);
	assert_int_equal(back.poll_minutes, 30);
	assert_true(back.version == doc.version);
	assert_int_equal(back.rule_count, 2);
	assert_string_equal(back.rules[0].name, "Secure: My Traffic");
	assert_true(rule_equal(&back.rules[0].rule, &a.rule));
	assert_true(rule_equal(&back.rules[1].rule, &b.rule));
	policy_doc_free(&back);
	json_decref(json);
	command_free(&a);
	command_free(&b);
}

static void key_only_with_flag(void **state)
{
	struct command cmd;
	struct rule_spec back;
	char err[256] = "";
	json_t *json;
	char *text;

	(void)state;
	rule_from_line("-f 0+* -a p:Hunter2Secret", &cmd);
	json = rule_to_json(&cmd.rule, 0);
	text = json_dumps(json, JSON_COMPACT);
	assert_null(strstr(text, "Hunter2"));
	assert_non_null(strstr(text, "\"key_redacted\":true"));
	assert_int_equal(rule_from_json(json, &back, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "auth[0]"));
	assert_null(back.auth.items);
	free(text);
	json_decref(json);

	json = command_to_json(&cmd, 0);
	text = json_dumps(json, JSON_COMPACT);
	assert_null(strstr(text, "Hunter2"));
	free(text);
	json_decref(json);

	json = rule_to_json(&cmd.rule, PRINT_SECRETS);
	text = json_dumps(json, JSON_COMPACT);
	assert_non_null(strstr(text, "\"key\":\"Hunter2Secret\""));
	free(text);
	json_decref(json);
	command_free(&cmd);
}

struct bad_json {
	const char *path;	/* JSON pointer-like edit to apply */
	const char *value;	/* replacement JSON text, NULL deletes */
	const char *mentions;
};

/* Edits of a valid rule, each of which must be rejected. */
static const struct bad_json bad_edits[] = {
	{ "filters.0.dst_port", "70000", "filters[0].dst_port" },
	{ "filters.0.dst_port", "\"80\"", "expected an integer" },
	{ "filters.0.protocol", "1", "ports apply only" },
	{ "filters.0.src", "{\"kind\":\"ip\",\"address\":\"192.0.2.1\","
	  "\"prefix\":24}", "canonical" },
	{ "filters.0.src", "{\"kind\":\"ip\",\"address\":\"300.0.0.1\","
	  "\"prefix\":24}", "'300.0.0.1'" },
	{ "filters.0.src", "{\"kind\":\"dns\",\"name\":\"bad name\"}",
	  "'bad name'" },
	{ "filters.0.src", "{\"kind\":\"planet\"}", "'planet'" },
	{ "filters.0.action", "\"maybe\"", "filters[0].action" },
	{ "filters.0.colour", "\"red\"", "unknown key 'colour'" },
	{ "filters.0.mirrored", NULL, "filters[0].mirrored: missing" },
	{ "negotiation.offers.0.esp", "{\"enc\":\"none\",\"auth\":\"none\"}",
	  "esp[none,none]" },
	{ "negotiation.offers.0.lifetime_seconds", "5", "out of range" },
	{ "negotiation.offers.0.pfs", "true", "pfs_group" },
	{ "negotiation.offers", "[]", "at least one offer" },
	{ "negotiation.action", "\"block\"", "no offers" },
	{ "auth", "[]", "non-empty" },
	{ "auth.0", "{\"method\":\"preshare\",\"key\":\"\"}", "empty" },
	{ "main_mode.offers.0.group", "3", "unsupported group" },
	{ "main_mode.rekey_qm", "-1", "out of range" },
	{ "connection", "\"wifi\"", "'wifi'" },
	{ "tunnel", "{\"kind\":\"me\"}", "tunnel" },
	{ "soft", "1", "true or false" },
	{ "ike_version", "3", "ike_version: 3 is out of range 1..2" },
	{ "ike_version", "0", "out of range" },
	{ "ike_version", "\"1\"", "expected an integer" },
};

/* Apply one edit to a parsed rule JSON: walk dotted keys and indexes. */
static json_t *json_step(json_t *node, const char *part, size_t len)
{
	char key[64];

	snprintf(key, sizeof(key), "%.*s", (int)len, part);
	if (json_is_array(node))
		return json_array_get(node, strtoul(key, NULL, 10));
	return json_object_get(node, key);
}

static void json_edit(json_t *root, const char *path, const char *value)
{
	json_t *node = root, *v = NULL;
	const char *part = path, *dot;
	char last[64];

	while ((dot = strchr(part, '.')) != NULL) {
		node = json_step(node, part, (size_t)(dot - part));
		assert_non_null(node);
		part = dot + 1;
	}
	snprintf(last, sizeof(last), "%s", part);
	if (value) {
		v = json_loads(value, JSON_DECODE_ANY, NULL);
		assert_non_null(v);
	}
	if (json_is_array(node))
		json_array_set_new(node, strtoul(last, NULL, 10), v);
	else if (!v)
		json_object_del(node, last);
	else
		json_object_set_new(node, last, v);
}

static void rule_json_rejects(void **state)
{
	struct command cmd;

	(void)state;
	rule_from_line("-f 0+*:443:TCP -n esp[aes256,sha256] -a k", &cmd);
	for (size_t i = 0; i < N(bad_edits); i++) {
		json_t *json = rule_to_json(&cmd.rule, PRINT_SECRETS);
		struct rule_spec back;
		char err[256] = "";

		json_edit(json, bad_edits[i].path, bad_edits[i].value);
		if (rule_from_json(json, &back, err, sizeof(err)) == 0)
			fail_msg("edit %s accepted", bad_edits[i].path);
		if (!strstr(err, bad_edits[i].mentions))
			fail_msg("edit %s: error does not mention \"%s\": %s",
				 bad_edits[i].path, bad_edits[i].mentions, err);
		json_decref(json);
	}
	command_free(&cmd);
}

static void not_an_object_rejected(void **state)
{
	static const char *const texts[] = { "[]", "null", "42", "\"rule\"",
					     "{}" };
	char err[256];

	(void)state;
	for (size_t i = 0; i < N(texts); i++) {
		json_t *json = json_loads(texts[i], JSON_DECODE_ANY, NULL);
		struct rule_spec rule;
		struct policy_doc doc;

		assert_non_null(json);
		assert_int_equal(rule_from_json(json, &rule, err, sizeof(err)),
				 -1);
		assert_int_equal(policy_doc_from_json(json, &doc, err,
						      sizeof(err)), -1);
		json_decref(json);
	}
}

static void doc_version_checked(void **state)
{
	struct policy_doc doc = { .name = "P" }, back;
	char err[256] = "";
	json_t *json;

	(void)state;
	json = policy_doc_to_json(&doc, 0);
	json_object_set_new(json, "format_version", json_integer(2));
	assert_int_equal(policy_doc_from_json(json, &back, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "format_version 2"));
	json_object_set_new(json, "format_version", json_integer(1));
	assert_int_equal(policy_doc_from_json(json, &back, err, sizeof(err)),
			 0);
	assert_int_equal(back.rule_count, 0);
	policy_doc_free(&back);
	json_decref(json);
}

/* A policy's IKE version reaches every rule read from it, and a document
 * written before the key existed reads as IKEv2. */
static void doc_ike_version(void **state)
{
	struct named_rule rules[1] = { 0 };
	struct policy_doc doc = { .name = "Legacy", .ike_version = IKE_V1,
				  .rules = rules, .rule_count = 1 };
	struct policy_doc back;
	struct command a;
	char err[256] = "";
	json_t *json;

	(void)state;
	rule_from_line("-f 0+192.0.2.9", &a);
	rules[0].name = "R";
	rules[0].rule = a.rule;
	assert_int_equal(a.rule.ike_version, IKE_V2);

	json = policy_doc_to_json(&doc, 0);
	assert_non_null(json);
	assert_int_equal(json_integer_value(json_object_get(json,
							    "ike_version")),
			 1);
	if (policy_doc_from_json(json, &back, err, sizeof(err)) != 0)
		fail_msg("policy does not read back: %s", err);
	assert_int_equal(back.ike_version, IKE_V1);
	assert_int_equal(back.rules[0].rule.ike_version, IKE_V1);
	policy_doc_free(&back);

	json_object_del(json, "ike_version");
	json_object_del(json_object_get(json_array_get(json_object_get(json,
		"rules"), 0), "rule"), "ike_version");
	if (policy_doc_from_json(json, &back, err, sizeof(err)) != 0)
		fail_msg("policy without ike_version rejected: %s", err);
	assert_int_equal(back.ike_version, IKE_V2);
	assert_int_equal(back.rules[0].rule.ike_version, IKE_V2);
	policy_doc_free(&back);

	json_object_set_new(json, "ike_version", json_integer(7));
	assert_int_equal(policy_doc_from_json(json, &back, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "ike_version"));
	json_decref(json);
	command_free(&a);
}

static void command_json_shape(void **state)
{
	struct command cmd;
	json_t *json;

	(void)state;
	rule_from_line("-w reg -p x -f 0+* -n BLOCK -x", &cmd);
	json = command_to_json(&cmd, 0);
	assert_string_equal(json_string_value(json_object_get(json, "mode")),
			    "static");
	assert_true(json_is_true(json_object_get(
		json_object_get(json, "target"), "rule_derived")));
	assert_int_equal(json_array_size(json_object_get(json, "parts")), 2);
	json_decref(json);
	command_free(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_json_roundtrip),
		cmocka_unit_test(policy_doc_roundtrip),
		cmocka_unit_test(key_only_with_flag),
		cmocka_unit_test(rule_json_rejects),
		cmocka_unit_test(not_an_object_rejected),
		cmocka_unit_test(doc_version_checked),
		cmocka_unit_test(command_json_shape),
		cmocka_unit_test(doc_ike_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
