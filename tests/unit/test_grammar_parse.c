/*
 * grammar_parse over the reference's examples, real users' command lines
 * (data/real-world-commands.tsv), valid and invalid option combinations,
 * and the round trip parse(print(c)) == c over every accepted line.
 */
#include "grammar.h"
#include "test_support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef void (*command_check_fn)(const struct command *cmd);

struct line_case {
	const char *line;	/* split as the real-world file says */
	command_check_fn check;
};

static void parse_ok(const char *line, struct command *cmd,
		     struct diag_list *diags)
{
	struct words w;

	words_split_dquote(&w, line);
	if (grammar_parse(w.argc, w.argv, cmd, diags) != 0)
		fail_msg("'%s' rejected: %s", line, diag_first_error(diags));
	words_free(&w);
}

static void check_ref_ah_md5(const struct command *c)
{
	assert_int_equal(c->mode, MODE_DYNAMIC);
	assert_int_equal(c->rule.filters.count, 1);
	assert_true(c->rule.filters.items[0].mirrored);
	assert_int_equal(c->rule.qm.count, 1);
	assert_true(c->rule.qm.offers[0].has_ah);
	assert_false(c->rule.qm.offers[0].has_esp);
	assert_int_equal(c->rule.qm.offers[0].ah_hash, HASH_MD5);
	/* Defaults the reference states. */
	assert_int_equal(c->rule.auth.count, 1);
	assert_int_equal(c->rule.auth.items[0].kind, AUTH_KERBEROS);
	assert_int_equal(c->rule.mm_count, 7);
	assert_int_equal(c->rule.mm_offers[3].enc, ENC_3DES);
	assert_int_equal(c->rule.mm_offers[3].hash, HASH_SHA1);
	assert_int_equal(c->rule.mm_offers[3].group, 2);
	assert_int_equal(c->rule.mm_rekey_qm, 0);
	assert_int_equal(c->rule.mm_rekey_seconds, 28800);
	assert_int_equal(c->rule.soft_expiry_seconds, 300);
	assert_false(c->rule.soft);
	assert_false(c->rule.mm_pfs);
	assert_false(c->rule.has_tunnel);
	assert_int_equal(c->rule.conn, CONN_ALL);
	assert_int_equal(c->rule.mm_filters.count, 0);
	assert_int_equal(c->parts, PART_FILTERS | PART_QM);
}

static void check_ref_tunnel(const struct command *c)
{
	assert_true(c->confirm);
	assert_true(c->rule.has_tunnel);
	assert_int_equal(c->rule.tunnel.kind, ADDR_IP);
	assert_true(c->rule.mm_pfs);
	assert_false(c->rule.filters.items[0].mirrored);
	assert_int_equal(c->rule.qm.offers[0].ah_hash, HASH_SHA1);
	/* Default quick-mode offers stay without lifetimes or PFS. */
	assert_int_equal(c->rule.qm.offers[0].lifetime_seconds, 0);
}

static void check_ref_remote(const struct command *c)
{
	const struct qm_offer *o = &c->rule.qm.offers[0];

	assert_string_equal(c->computer, "corpsrv1");
	assert_int_equal(c->rule.filters.items[0].src.kind, ADDR_DNS);
	assert_string_equal(c->rule.filters.items[0].src.name, "corpsrv2");
	assert_true(o->has_ah && o->has_esp);
	assert_int_equal(o->esp_enc, ENC_DES);
	assert_int_equal(o->esp_auth, HASH_SHA1);
	assert_int_equal(c->rule.auth.items[0].kind, AUTH_PRESHARE);
	assert_string_equal(c->rule.auth.items[0].value, "corpauth");
}

static void check_ref_domain(const struct command *c)
{
	assert_int_equal(c->mode, MODE_STATIC);
	assert_int_equal(c->target.store, STORE_DS);
	assert_null(c->target.location);
	assert_string_equal(c->target.policy, "Default Domain Policy");
	assert_true(c->target.poll_given);
	assert_int_equal(c->target.poll_minutes, 30);
	assert_int_equal(c->target.rule_count, 1);
	assert_string_equal(c->target.rules[0], "Secured Servers");
	assert_int_equal(c->rule.auth.count, 2);
	assert_int_equal(c->rule.auth.items[0].kind, AUTH_KERBEROS);
	assert_int_equal(c->rule.auth.items[1].kind, AUTH_PRESHARE);
	assert_int_equal(c->rule.filters.count, 2);
}

static void check_ref_local(const struct command *c)
{
	assert_int_equal(c->target.store, STORE_REG);
	assert_int_equal(c->target.assign, ASSIGN_SET);
	assert_int_equal(c->target.poll_minutes, POLL_DEFAULT_MINUTES);
	assert_false(c->target.poll_given);
	assert_string_equal(c->target.policy, "Me to Anyone");
}

static void check_show_fp(const struct command *c)
{
	assert_int_equal(c->mode, MODE_QUERY);
	assert_int_equal(c->show, SHOW_FILTERS | SHOW_POLICIES);
}

static void check_show_all(const struct command *c)
{
	assert_int_equal(c->show, SHOW_ALL);
	assert_string_equal(c->computer, "Server1");
}

static void check_delete(const struct command *c)
{
	assert_int_equal(c->mode, MODE_DYNAMIC_DELETE);
}

static void check_help_general(const struct command *c)
{
	assert_int_equal(c->mode, MODE_HELP);
	assert_int_equal(c->help_mode, MODE_HELP);
}

static void check_help_static(const struct command *c)
{
	assert_int_equal(c->mode, MODE_HELP);
	assert_int_equal(c->help_mode, MODE_STATIC);
}

static void check_help_query(const struct command *c)
{
	assert_int_equal(c->help_mode, MODE_QUERY);
}

static void check_filter_examples(const struct command *c)
{
	const struct filter_spec *f = c->rule.filters.items;

	assert_int_equal(c->rule.filters.count, 3);
	assert_int_equal(f[0].protocol, 6);
	assert_int_equal(f[1].src_port, 80);
	assert_int_equal(f[1].dst_port, 80);
	assert_int_equal(f[1].src.prefix, 16);
	assert_int_equal(f[1].dst.prefix, 8);
	assert_int_equal(f[2].mark, FILTER_PERMIT);
}

/* The Windows reference's examples, each of which must be accepted. */
static const struct line_case reference_examples[] = {
	{ "-f 0+* -n ah[md5]", check_ref_ah_md5 },
	{ "-f 10.2.1.1=10.2.1.13 -t 10.2.1.13 -n ah[sha] -1p -c",
	  check_ref_tunnel },
	{ "\\\\corpsrv1 -f corpsrv2+corpsrv1 -n ah[md5]+esp[des,sha] "
	  "-a p:\"corpauth\"", check_ref_remote },
	{ "-f 0+SecuredServer1 0+SecuredServer2 -a k p:\"corpauth\" -w ds "
	  "-p \"Default Domain Policy\":30 -r \"Secured Servers\"",
	  check_ref_domain },
	{ "-f 0+* -a p:\"localauth\" -w reg -p \"Me to Anyone\" "
	  "-r \"Secure My Traffic\" -x", check_ref_local },
	{ "show filters policies", check_show_fp },
	{ "\\\\Server1 show all", check_show_all },
	{ "-u", check_delete },
	{ "/?", check_help_general },
	{ "-f Computer1+Computer2::TCP "
	  "172.31.0.0/255.255.0.0:80=10.0.0.0/255.0.0.0:80:TCP (0+10.2.1.1)",
	  check_filter_examples },
	{ "-w /?", check_help_static },
	{ "show /?", check_help_query },
};

static void check_store_location(const struct command *c)
{
	assert_int_equal(c->target.store, STORE_DS);
	assert_string_equal(c->target.location, "example.com");
	assert_int_equal(c->target.poll_minutes, 60);
	assert_string_equal(c->target.policy, "P");
}

static void check_name_colon(const struct command *c)
{
	assert_string_equal(c->target.policy, "a:b");
	assert_false(c->target.poll_given);
	assert_string_equal(c->target.location, "host1");
}

static void check_inpass_defaults(const struct command *c)
{
	assert_true(c->rule.qm.inpass);
	assert_int_equal(c->rule.qm.count, 7);
	assert_int_equal(c->rule.qm.offers[0].esp_enc, ENC_AES256GCM);
	assert_int_equal(c->rule.qm.offers[0].esp_auth, HASH_NONE);
}

static void check_block_wins(const struct command *c)
{
	assert_int_equal(c->rule.qm.action, ACTION_BLOCK);
	assert_int_equal(c->rule.qm.count, 0);
	assert_false(c->rule.qm.inpass);
}

static void check_main_mode(const struct command *c)
{
	assert_int_equal(c->rule.mm_rekey_qm, 10);
	assert_int_equal(c->rule.mm_rekey_seconds, 3600);
	assert_int_equal(c->rule.soft_expiry_seconds, 600);
	assert_true(c->rule.soft);
	assert_int_equal(c->rule.conn, CONN_DIALUP);
	assert_int_equal(c->rule.mm_count, 2);
	assert_int_equal(c->rule.mm_offers[1].group, 14);
	assert_int_equal(c->rule.mm_filters.count, 1);
}

static void check_case_insensitive(const struct command *c)
{
	assert_int_equal(c->rule.qm.offers[0].esp_enc, ENC_AES256);
	assert_int_equal(c->rule.qm.offers[0].esp_auth, HASH_SHA256);
	assert_int_equal(c->target.store, STORE_REG);
	assert_int_equal(c->target.assign, ASSIGN_UNSET);
}

static void check_qm_only_rekey(const struct command *c)
{
	assert_int_equal(c->rule.mm_rekey_qm, 5);
	assert_int_equal(c->rule.mm_rekey_seconds, 28800);
}

static void check_ipv6_tunnel(const struct command *c)
{
	assert_int_equal(c->rule.tunnel.family, AF_INET6);
	assert_int_equal(c->rule.tunnel.prefix, 128);
	assert_int_equal(c->rule.filters.items[0].dst.family, AF_INET6);
}

static void check_separate_words(const struct command *c)
{
	const struct qm_offer *o = c->rule.qm.offers;

	assert_int_equal(c->rule.qm.count, 2);
	assert_int_equal(o[0].lifetime_seconds, 3600);
	assert_true(o[0].pfs);
	assert_int_equal(o[0].pfs_group, 14);
	assert_int_equal(o[1].lifetime_kbytes, 50000);
	assert_false(o[1].pfs);
}

static void check_derived_name(const struct command *c)
{
	assert_true(c->target.rule_derived);
	assert_int_equal(c->target.rule_count, 1);
	assert_string_equal(c->target.rules[0],
			    "192.0.2.0/255.255.255.0+* 0+*::UDP");
}

static void check_default_filter(const struct command *c)
{
	assert_true(c->rule.filters.items[0].is_default);
}

static void nothing(const struct command *c)
{
	(void)c;
}

/* Further accepted lines: options, spelling variants and extensions. */
static void check_ike_v1_dynamic(const struct command *c)
{
	assert_int_equal(c->mode, MODE_DYNAMIC);
	assert_int_equal(c->rule.ike_version, IKE_V1);
	assert_false(c->target.ike_given);
}

static void check_ike_v2_default(const struct command *c)
{
	assert_int_equal(c->rule.ike_version, IKE_V2);
	assert_false(c->target.ike_given);
}

static void check_ike_v2_policy(const struct command *c)
{
	assert_int_equal(c->mode, MODE_STATIC);
	assert_false(c->has_rule);
	assert_true(c->target.ike_given);
	assert_int_equal(c->rule.ike_version, IKE_V2);
}

static void check_ike_v1_policy_rule(const struct command *c)
{
	assert_int_equal(c->mode, MODE_STATIC);
	assert_true(c->has_rule);
	assert_true(c->target.ike_given);
	assert_int_equal(c->rule.ike_version, IKE_V1);
	assert_int_equal(c->rule.filters.count, 1);
}

static const struct line_case valid_lines[] = {
	{ "-f 0+* --ike=1", check_ike_v1_dynamic },
	{ "-f 0+* -n esp[3des,sha] --IKE=1 -1s 3des-sha-2",
	  check_ike_v1_dynamic },
	{ "-f 0+*", check_ike_v2_default },
	{ "-f 0+* --ike=2", check_ike_v2_default },
	{ "-w reg -p x --ike=2", check_ike_v2_policy },
	{ "--ike=1 -w ds -p x -r r -f 0+192.0.2.7",
	  check_ike_v1_policy_rule },
	{ "-w DS:example.com -p P:60", check_store_location },
	{ "-w reg:host1 -p \"a:b\"", check_name_colon },
	{ "-f 0+* -n INPASS", check_inpass_defaults },
	{ "-f 0+* -n esp[3des,sha] inpass BLOCK esp[des,md5]",
	  check_block_wins },
	{ "-f 0+* -1k 10Q/3600S -1e 600 -soft -dialup "
	  "-1s aes256gcm-sha384-20 -1s aes256-sha256-14 -1f 0+*",
	  check_main_mode },
	{ "-F 0+* -N ESP[AES256,SHA256] -W REG -P x -R r -Y",
	  check_case_insensitive },
	{ "-f 0+* -1k 5Q", check_qm_only_rekey },
	{ "-f 0+{2001:db8::}/32 -t {2001:db8::1}", check_ipv6_tunnel },
	{ "-f 0+* -n esp[aes256,sha256] 3600S P14 esp[aes128,sha256] 50000K",
	  check_separate_words },
	{ "-w reg -p x -f 192.0.2.0/24+* 0+*::udp -n BLOCK",
	  check_derived_name },
	{ "-f default", check_default_filter },
	{ "-f 0+* -n PASS", nothing },
	{ "-f 0+* -n pass", nothing },
	{ "-f 0+* -1k 3600S/10Q", nothing },
	{ "-f 0+* -n \"esp[aes256gcm] esp[aes128gcm]\"", nothing },
	{ "-f \"0+192.0.2.1 0+192.0.2.2\"", nothing },
	{ "-f 0+* -confirm", nothing },
	{ "-f 0+* -a c:\"CN=Example CA, O=Example\" p:\"a key\" k", nothing },
	{ "-w reg -p x -r y", nothing },
	{ "-w reg -p x -r y -1p", nothing },
	{ "-w reg -p x -r a -r b -r c -o", nothing },
	{ "-w reg -p x -r r -y -o", nothing },
	{ "\\\\host -u", nothing },
	{ "show sas stats auth", nothing },
	{ "SHOW ALL", nothing },
	{ "-f 0+* -n ah[sha256]+esp[aes256gcm]PFS20 -lan", nothing },
	{ "-f 0+* -n esp[aes256,sha256]P2", nothing },
	{ "-?", check_help_general },
	{ "--help", check_help_general },
	{ "-f 0+* -t host.example", nothing },
	{ "-w reg -p \"x y\":43200", nothing },
};

struct invalid_line {
	const char *line;
	int code;
	const char *mentions;
};

static const struct invalid_line invalid_lines[] = {
	{ "", GRAMMAR_MISSING_OPTION, "missing command" },
	{ "-w reg -p x -r a -r b", GRAMMAR_REPEATED, "-r" },
	{ "-w foo -p x", GRAMMAR_BAD_STORE, "'foo'" },
	{ "-w reg: -p x", GRAMMAR_BAD_STORE, "'reg:'" },
	{ "-w reg -p x -x -y", GRAMMAR_CONFLICT, "-x" },
	{ "-w reg -p x -confirm", GRAMMAR_CONFLICT, "-confirm" },
	{ "-w reg -p x -c", GRAMMAR_CONFLICT, "-confirm" },
	{ "-f 0+* -dialup -lan", GRAMMAR_CONFLICT, "-dialup and -lan" },
	{ "-f 0+* -t 192.0.2.4 -t 192.0.2.5", GRAMMAR_REPEATED, "'-t'" },
	{ "-f 0+* -1e 300 -1e 200", GRAMMAR_REPEATED, "'-1e'" },
	{ "-w reg -p x -w ds -p y", GRAMMAR_REPEATED, "'-w'" },
	{ "-u -f 0+*", GRAMMAR_CONFLICT, "'-f'" },
	{ "show", GRAMMAR_BAD_TOPIC, "missing show topic" },
	{ "show foo", GRAMMAR_BAD_TOPIC, "'foo'" },
	{ "show all -f 0+*", GRAMMAR_BAD_TOPIC, "'-f'" },
	{ "-f", GRAMMAR_MISSING_VALUE, "'-f'" },
	{ "-f 0+* -n", GRAMMAR_MISSING_VALUE, "'-n'" },
	{ "-f 0+* -a", GRAMMAR_MISSING_VALUE, "'-a'" },
	{ "-f 0+* -w", GRAMMAR_MISSING_VALUE, "'-w'" },
	{ "-f 0+* -t -1p", GRAMMAR_MISSING_VALUE, "'-t'" },
	{ "-f 0+* -z", GRAMMAR_UNKNOWN_OPTION, "'-z'" },
	{ "-f 0+* --frobnicate", GRAMMAR_UNKNOWN_OPTION, "'--frobnicate'" },
	{ "-f 0+* \\\\host", GRAMMAR_BAD_NAME, "'\\\\host'" },
	{ "\\\\ -f 0+*", GRAMMAR_BAD_NAME, "computer name" },
	{ "-n esp[3des,sha]", GRAMMAR_MISSING_OPTION, "-f" },
	{ "-confirm", GRAMMAR_MISSING_OPTION, "-f" },
	{ "-w reg", GRAMMAR_MISSING_OPTION, "-p" },
	{ "-w reg -p x -n BLOCK", GRAMMAR_MISSING_OPTION, "-r" },
	{ "-w reg -p x -f (0+*) -r r", GRAMMAR_BAD_FILTER, "'(0+*)'" },
	{ "-w reg -p x -r r -f {12345678-1234-1234-1234-123456789ABC}+* "
	  "-n BLOCK", GRAMMAR_CONFLICT, "GUID" },
	{ "-w reg -p x -o -f 0+*", GRAMMAR_CONFLICT, "-o" },
	{ "-w reg -p x -o -x", GRAMMAR_CONFLICT, "-x" },
	{ "-w reg -p x:0", GRAMMAR_BAD_NUMBER, "'0'" },
	{ "-w reg -p x:43201", GRAMMAR_BAD_NUMBER, "'43201'" },
	{ "-w reg -p :30", GRAMMAR_BAD_NAME, "':30'" },
	{ "-f 0+* -1k 10X", GRAMMAR_BAD_REKEY, "'10X'" },
	{ "-f 0+* -1k 10S", GRAMMAR_BAD_NUMBER, "'10S'" },
	{ "-f 0+* -1k 10Q/20Q", GRAMMAR_BAD_REKEY, "'10Q/20Q'" },
	{ "-f 0+* -1k 10Q/", GRAMMAR_BAD_REKEY, "'10Q/'" },
	{ "-f 0+* -1e 0", GRAMMAR_BAD_NUMBER, "'0'" },
	{ "-f 0+* -1e 5m", GRAMMAR_BAD_NUMBER, "'5m'" },
	{ "-f 0+* -1f 0+*:80:TCP", GRAMMAR_BAD_FILTER, "'0+*:80:TCP'" },
	{ "-f 0+* -1f [0+*]", GRAMMAR_BAD_FILTER, "'[0+*]'" },
	{ "-f 0+* -t 0", GRAMMAR_BAD_ADDRESS, "'0'" },
	{ "-f 0+* -t *", GRAMMAR_BAD_ADDRESS, "'*'" },
	{ "-f 0+* -t 10.0.0.0/8", GRAMMAR_BAD_MASK, "'/8'" },
	{ "-f 0+* -n 3600S", GRAMMAR_BAD_OFFER, "'3600S'" },
	{ "-f 0+* -n esp[3des,sha] -n PFS", GRAMMAR_BAD_OFFER, "'PFS'" },
	{ "-f 0+* -1s 3des-sha", GRAMMAR_BAD_OFFER, "'3des-sha'" },
	{ "-f 0+* -a foo", GRAMMAR_BAD_AUTH, "'foo'" },
	{ "-f 0+* -a CERT:CN=VPN CA, O=Example", GRAMMAR_BAD_AUTH, "'CA,'" },
	{ "-f 0+* extra", GRAMMAR_BAD_FILTER, "'extra'" },
	{ "-f 0+* -1p extra", GRAMMAR_UNKNOWN_OPTION, "'extra'" },
	{ "-w reg -p x y", GRAMMAR_UNKNOWN_OPTION, "'y'" },
	{ "- f 0+*", GRAMMAR_UNKNOWN_OPTION, "'-'" },
	{ "-w reg -r r -f 0+*", GRAMMAR_MISSING_OPTION, "-p" },
	{ "\\\\host -w reg -p x", GRAMMAR_CONFLICT, "-w reg:host" },
	/* Found by the fuzzer: an empty word gave a rule with no filters. */
	{ "-f \"\"", GRAMMAR_MISSING_VALUE, "empty value" },
	{ "-f 0+* -n \" \"", GRAMMAR_MISSING_VALUE, "empty value" },
	{ "-f 0+* -1s \"\"", GRAMMAR_MISSING_VALUE, "empty value" },
	{ "-f 0+* -a \"\"", GRAMMAR_BAD_AUTH, "''" },
	{ "-f 0+* -t \"\"", GRAMMAR_BAD_ADDRESS, "missing address" },
	{ "-w reg -p \"\"", GRAMMAR_BAD_NAME, "empty policy name" },
	{ "-w reg -p x -r \"\"", GRAMMAR_BAD_NAME, "empty rule name" },
	{ "-w \"\" -p x", GRAMMAR_BAD_STORE, "''" },
	{ "-f 0+* --ike=3", GRAMMAR_BAD_NUMBER, "'3'" },
	{ "-f 0+* --ike=v1", GRAMMAR_BAD_NUMBER, "--ike=1" },
	{ "-f 0+* --ike", GRAMMAR_MISSING_VALUE, "--ike=2" },
	{ "-f 0+* --ike=", GRAMMAR_MISSING_VALUE, "--ike=2" },
	{ "-f 0+* --ike=1 --ike=2", GRAMMAR_REPEATED, "'--ike'" },
	{ "-f 0+* --iked=1", GRAMMAR_UNKNOWN_OPTION, "'--iked=1'" },
	{ "-w reg -p x -o --ike=1", GRAMMAR_CONFLICT, "--ike" },
	{ "-u --ike=1", GRAMMAR_CONFLICT, "'--ike=1'" },
};

static void lines_accept(const struct line_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct diag_list diags = { 0 };
		struct command cmd;

		parse_ok(cases[i].line, &cmd, &diags);
		assert_int_equal(diag_error_count(&diags), 0);
		cases[i].check(&cmd);
		roundtrip_check(&cmd, cases[i].line);
		command_free(&cmd);
		diag_list_free(&diags);
	}
}

static void reference_examples_accepted(void **state)
{
	(void)state;
	lines_accept(reference_examples, N(reference_examples));
}

static void valid_lines_accepted(void **state)
{
	(void)state;
	lines_accept(valid_lines, N(valid_lines));
}

static void invalid_lines_rejected(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(invalid_lines); i++) {
		const struct invalid_line *c = &invalid_lines[i];
		struct diag_list diags = { 0 };
		struct command cmd;
		struct words w;
		int ret;

		words_split_dquote(&w, c->line);
		ret = grammar_parse(w.argc, w.argv, &cmd, &diags);
		if (ret != c->code)
			fail_msg("'%s' gave %d (%s), expected %d (%s)",
				 c->line, ret, diag_first_error(&diags),
				 c->code, grammar_strerror(c->code));
		if (!strstr(diag_first_error(&diags), c->mentions))
			fail_msg("error for '%s' does not mention \"%s\": %s",
				 c->line, c->mentions,
				 diag_first_error(&diags));
		/* On error the command is left zeroed. */
		assert_int_equal(cmd.mode, 0);
		assert_null(cmd.rule.filters.items);
		diag_list_free(&diags);
		words_free(&w);
	}
}

/* Expected behaviour of each real-world row, and the word a rejection
 * must name. Rows left out are plain accepts. */
struct row_expect {
	const char *id;
	bool accept;
	const char *mentions;
	size_t warnings;
	command_check_fn check;
};

static void row_s03(const struct command *c)
{
	const struct filter_spec *f = &c->rule.filters.items[0];

	assert_int_equal(f->src.kind, ADDR_ME);
	assert_int_equal(f->dst_port, 150);
	assert_int_equal(f->protocol, 6);
	assert_int_equal(c->rule.qm.action, ACTION_BLOCK);
	assert_int_equal(c->target.assign, ASSIGN_SET);
}

static void row_s04(const struct command *c)
{
	assert_int_equal(c->mode, MODE_STATIC);
	assert_int_equal(c->target.assign, ASSIGN_UNSET);
	assert_false(c->has_rule);
	assert_string_equal(c->target.policy, "tcptun_fs_server");
}

static void row_s06(const struct command *c)
{
	const struct filter_spec *f = &c->rule.filters.items[0];

	assert_int_equal(f->dst.prefix, 32);
	assert_int_equal(f->protocol, PROTO_ANY);
	assert_int_equal(f->dst_port, 0);
}

static void row_s08(const struct command *c)
{
	assert_true(c->target.delete);
	assert_int_equal(c->target.assign, ASSIGN_UNSET);
	assert_int_equal(c->target.rule_count, 0);
}

static void row_s11(const struct command *c)
{
	assert_string_equal(c->computer, "127.0.0.1");
	assert_int_equal(c->rule.filters.items[0].mark, FILTER_BLOCK);
}

static void row_s13(const struct command *c)
{
	assert_string_equal(c->computer, "192.0.2.18");
	assert_int_equal(c->rule.filters.count, 3);
	assert_int_equal(c->rule.filters.items[1].src_port, 443);
	assert_int_equal(c->rule.filters.items[2].mark, FILTER_BLOCK);
}

static void row_s14(const struct command *c)
{
	assert_true(c->target.delete);
	assert_int_equal(c->target.rule_count, 2);
	assert_string_equal(c->target.rules[1], "Block Outbound UDP 1434 Rule");
}

static void row_s15(const struct command *c)
{
	assert_int_equal(c->rule.filters.count, 6);
	assert_int_equal(c->rule.qm.action, ACTION_PERMIT);
	assert_string_equal(c->target.policy, "Packet Filter");
}

static void row_s16(const struct command *c)
{
	assert_true(c->target.rule_derived);
	assert_string_equal(c->target.rules[0], "192.0.2.100+*");
	assert_int_equal(c->rule.filters.items[0].protocol, PROTO_ANY);
}

static void row_s19(const struct command *c)
{
	assert_string_equal(c->target.policy, "BLOCK");
	assert_int_equal(c->target.assign, ASSIGN_UNSET);
	assert_true(c->has_rule);
}

static void row_s21(const struct command *c)
{
	assert_int_equal(c->rule.filters.items[0].dst.prefix, 24);
	assert_int_equal(c->rule.qm.action, ACTION_PERMIT);
}

static void row_s22(const struct command *c)
{
	assert_int_equal(c->rule.filters.count, 4);
	assert_int_equal(c->rule.filters.items[0].protocol, 17);
	assert_int_equal(c->rule.filters.items[3].protocol, 6);
	assert_int_equal(c->rule.filters.items[3].dst_port, 53);
}

static void row_s24(const struct command *c)
{
	assert_int_equal(c->rule.filters.count, 3);
	assert_int_equal(c->target.assign, ASSIGN_SET);
}

static void row_s25(const struct command *c)
{
	assert_string_equal(c->rule.filters.items[0].src.name, "host1");
}

static void row_s26(const struct command *c)
{
	assert_int_equal(c->mode, MODE_DYNAMIC);
	assert_int_equal(c->rule.qm.action, ACTION_BLOCK);
	assert_int_equal(c->rule.filters.items[0].protocol, 17);
}

static void row_s27(const struct command *c)
{
	const struct qm_offer *o = &c->rule.qm.offers[0];

	assert_int_equal(c->rule.qm.count, 1);
	assert_int_equal(o->lifetime_seconds, 3600);
	assert_int_equal(o->lifetime_kbytes, 100000);
	assert_string_equal(c->rule.auth.items[0].value, "examplepsk");
	assert_int_equal(c->rule.mm_count, 1);
	assert_int_equal(c->rule.filters.count, 2);
}

static void row_s28(const struct command *c)
{
	const struct qm_offer *o = &c->rule.qm.offers[0];

	assert_int_equal(o->esp_enc, ENC_3DES);
	assert_int_equal(o->esp_auth, HASH_SHA1);
	assert_int_equal(o->lifetime_seconds, 3600);
	assert_int_equal(o->lifetime_kbytes, 50000);
	assert_true(o->pfs);
	assert_int_equal(o->pfs_group, DH_FROM_MM);
	assert_true(c->rule.has_tunnel);
	assert_int_equal(c->rule.conn, CONN_LAN);
	assert_true(c->rule.mm_pfs);
}

static void row_s29(const struct command *c)
{
	assert_int_equal(c->rule.qm.offers[0].esp_enc, ENC_3DES);
	assert_int_equal(c->rule.qm.offers[0].esp_auth, HASH_NONE);
	assert_int_equal(c->rule.auth.count, 2);
	assert_string_equal(c->rule.auth.items[1].value,
			    "CN=Backup CA, O=Example, C=DE");
	assert_int_equal(c->rule.conn, CONN_DIALUP);
}

static void row_s31(const struct command *c)
{
	assert_false(c->has_rule);
	assert_int_equal(c->target.rule_count, 0);
	assert_int_equal(c->target.assign, ASSIGN_KEEP);
}

static void row_s32(const struct command *c)
{
	assert_int_equal(c->rule.filters.items[0].src_port, 0);
	assert_int_equal(c->rule.filters.items[0].dst_port, 3389);
}

static void row_s33(const struct command *c)
{
	assert_int_equal(c->rule.filters.items[0].protocol, 2);
}

static const struct row_expect row_expects[] = {
	{ "S01", false, "'203.0.113.10'", 0, NULL },
	{ "S03", true, NULL, 0, row_s03 },
	{ "S04", true, NULL, 0, row_s04 },
	{ "S05", false, "'-p'", 0, NULL },
	{ "S06", true, NULL, 0, row_s06 },
	{ "S08", true, NULL, 0, row_s08 },
	{ "S11", true, NULL, 0, row_s11 },
	{ "S13", true, NULL, 0, row_s13 },
	{ "S14", true, NULL, 0, row_s14 },
	{ "S15", true, NULL, 7, row_s15 },
	{ "S16", true, NULL, 0, row_s16 },
	{ "S18", false, "'*+0:255:ICMP'", 0, NULL },
	{ "S19", true, NULL, 0, row_s19 },
	{ "S21", true, NULL, 0, row_s21 },
	{ "S22", true, NULL, 0, row_s22 },
	{ "S23", false, "'0:*:TCP+*:8081:*:TCP'", 0, NULL },
	{ "S24", true, NULL, 0, row_s24 },
	{ "S25", true, NULL, 0, row_s25 },
	{ "S26", true, NULL, 0, row_s26 },
	{ "S27", true, NULL, 2, row_s27 },
	{ "S28", true, NULL, 2, row_s28 },
	{ "S29", true, NULL, 2, row_s29 },
	{ "S30", false, "'entrante'", 0, NULL },
	{ "S31", true, NULL, 0, row_s31 },
	{ "S32", true, NULL, 0, row_s32 },
	{ "S33", true, NULL, 0, row_s33 },
};

static const struct row_expect *row_expect_find(const char *id)
{
	for (size_t i = 0; i < N(row_expects); i++)
		if (strcmp(row_expects[i].id, id) == 0)
			return &row_expects[i];
	return NULL;
}

static void real_world_rows(void **state)
{
	char line[4096];
	size_t rows = 0;
	FILE *f = fopen(TEST_DATA_DIR "/real-world-commands.tsv", "r");

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *id = line, *expect, *args, *tab;
		const struct row_expect *e;
		struct diag_list diags = { 0 };
		struct command cmd;
		struct words w;
		int ret;

		if (line[0] == '#' || strncmp(line, "id\t", 3) == 0)
			continue;
		expect = strchr(id, '\t');
		assert_non_null(expect);
		*expect++ = '\0';
		args = strchr(expect, '\t');
		assert_non_null(args);
		*args++ = '\0';
		tab = strchr(args, '\t');
		if (tab)
			*tab = '\0';
		rows++;

		e = row_expect_find(id);
		/* Rows the file marks accept or reject must match. */
		if (strcmp(expect, "accept") == 0)
			assert_true(!e || e->accept);
		else if (strcmp(expect, "reject") == 0)
			assert_true(e && !e->accept);
		else
			assert_non_null(e);	/* every 'either' decided */

		words_split_dquote(&w, args);
		ret = grammar_parse(w.argc, w.argv, &cmd, &diags);
		if (!e || e->accept) {
			if (ret != 0)
				fail_msg("%s rejected: %s", id,
					 diag_first_error(&diags));
			if (e && diag_warning_count(&diags) != e->warnings)
				fail_msg("%s: %zu warnings, expected %zu", id,
					 diag_warning_count(&diags),
					 e->warnings);
			if (e && e->check)
				e->check(&cmd);
			roundtrip_check(&cmd, id);
			command_free(&cmd);
		} else {
			if (ret == 0)
				fail_msg("%s accepted", id);
			if (!strstr(diag_first_error(&diags), e->mentions))
				fail_msg("%s: error does not name %s: %s", id,
					 e->mentions,
					 diag_first_error(&diags));
		}
		diag_list_free(&diags);
		words_free(&w);
	}
	fclose(f);
	assert_int_equal(rows, 33);
}

static void dash_variants_warn(void **state)
{
	char *argv[] = { "\xe2\x80\x94" "f", "0+*", "\xe2\x80\x93" "n",
			 "BLOCK", NULL };
	struct diag_list diags = { 0 };
	struct command cmd;

	(void)state;
	assert_int_equal(grammar_parse(4, argv, &cmd, &diags), 0);
	assert_int_equal(diag_warning_count(&diags), 2);
	assert_non_null(strstr(diags.items[0].message, "-f"));
	assert_int_equal(cmd.rule.qm.action, ACTION_BLOCK);
	command_free(&cmd);
	diag_list_free(&diags);
}

static void weak_defaults_quiet(void **state)
{
	char *argv[] = { "-f", "0+*", NULL };
	char *weak[] = { "-f", "0+*", "-n", "esp[des,md5]", "-1s",
			 "des-md5-1", NULL };
	struct diag_list diags = { 0 };
	struct command cmd;

	(void)state;
	assert_int_equal(grammar_parse(2, argv, &cmd, &diags), 0);
	assert_int_equal(diags.count, 0);
	command_free(&cmd);
	assert_int_equal(grammar_parse(6, weak, &cmd, &diags), 0);
	assert_int_equal(diag_warning_count(&diags), 2);
	command_free(&cmd);
	diag_list_free(&diags);
}

static void secret_not_in_errors(void **state)
{
	char *argv[] = { "-f", "0+*", "-a", "p:Hunter2Secret", "-z", NULL };
	char *unquoted[] = { "-f", "0+*", "-a", "p:my", "Hunter2Secret",
			     "words", NULL };
	struct diag_list diags = { 0 };
	struct command cmd;
	char *line;

	(void)state;
	assert_int_equal(grammar_parse(5, argv, &cmd, &diags),
			 GRAMMAR_UNKNOWN_OPTION);
	for (size_t i = 0; i < diags.count; i++)
		assert_null(strstr(diags.items[i].message, "Hunter2"));
	diag_list_free(&diags);

	assert_int_equal(grammar_parse(4, argv, &cmd, &diags), 0);
	diag_list_free(&diags);
	line = command_format(&cmd, 0);
	assert_null(strstr(line, "Hunter2"));
	assert_non_null(strstr(line, "preshare:********"));
	free(line);
	command_free(&cmd);

	/* The rest of a key that lost its quotes is not echoed. */
	assert_int_equal(grammar_parse(6, unquoted, &cmd, &diags),
			 GRAMMAR_BAD_AUTH);
	for (size_t i = 0; i < diags.count; i++)
		assert_null(strstr(diags.items[i].message, "Hunter2"));
	assert_non_null(strstr(diag_first_error(&diags), "argument 5"));
	diag_list_free(&diags);
}

static void invalid_utf8_rejected(void **state)
{
	/* Found by the fuzzer: a Latin-1 rule name made JSON output fail. */
	char *argv[] = { "-w", "reg", "-p", "x", "-r", "Regla b\xe1sica",
			 NULL };
	char *overlong[] = { "-w", "reg", "-p", "\xc0\xaf", NULL };
	char *good[] = { "-w", "reg", "-p", "Regla b\xc3\xa1sica", NULL };
	struct diag_list diags = { 0 };
	struct command cmd;

	(void)state;
	assert_int_equal(grammar_parse(6, argv, &cmd, &diags),
			 GRAMMAR_BAD_NAME);
	assert_non_null(strstr(diag_first_error(&diags), "argument 6"));
	diag_list_free(&diags);
	assert_int_equal(grammar_parse(4, overlong, &cmd, &diags),
			 GRAMMAR_BAD_NAME);
	diag_list_free(&diags);
	assert_int_equal(grammar_parse(4, good, &cmd, &diags), 0);
	assert_string_equal(cmd.target.policy, "Regla b\xc3\xa1sica");
	command_free(&cmd);
	diag_list_free(&diags);
}

/* Without -p, as the CLI's store administration options parse. */
static void policy_optional_flag(void **state)
{
	static const struct {
		const char *line;
		int code;
	} cases[] = {
		{ "-w ds", GRAMMAR_OK },
		{ "-w reg:host1", GRAMMAR_OK },
		{ "-w ds -x", GRAMMAR_MISSING_OPTION },
		{ "-w ds -r r", GRAMMAR_MISSING_OPTION },
		{ "-w ds -o", GRAMMAR_MISSING_OPTION },
		{ "-w ds --ike=1", GRAMMAR_MISSING_OPTION },
		{ "-w reg -f 0+*", GRAMMAR_MISSING_OPTION },
		{ "-w reg -confirm", GRAMMAR_MISSING_OPTION },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct diag_list diags = { 0 };
		struct command cmd;
		struct words w;
		int code;

		words_split_dquote(&w, cases[i].line);
		code = grammar_parse_flags(w.argc, w.argv,
					   GRAMMAR_POLICY_OPTIONAL, &cmd,
					   &diags);
		if (code != cases[i].code)
			fail_msg("'%s' gave %d, expected %d: %s",
				 cases[i].line, code, cases[i].code,
				 diag_first_error(&diags));
		if (code == GRAMMAR_OK) {
			assert_int_equal(cmd.mode, MODE_STATIC);
			assert_null(cmd.target.policy);
			assert_false(cmd.has_rule);
		}
		command_free(&cmd);
		diag_list_free(&diags);
		/* Without the flag, -w alone still needs -p. */
		assert_int_equal(grammar_parse(w.argc, w.argv, &cmd, &diags),
				 GRAMMAR_MISSING_OPTION);
		diag_list_free(&diags);
		words_free(&w);
	}
}

static void diag_location_given(void **state)
{
	char *argv[] = { "-f", "0+*", "0+300.1.1.1", NULL };
	struct diag_list diags = { 0 };
	struct command cmd;

	(void)state;
	assert_int_equal(grammar_parse(3, argv, &cmd, &diags),
			 GRAMMAR_BAD_ADDRESS);
	assert_int_equal(diags.items[0].argi, 2);
	assert_false(diags.items[0].is_warning);
	diag_list_free(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reference_examples_accepted),
		cmocka_unit_test(valid_lines_accepted),
		cmocka_unit_test(invalid_lines_rejected),
		cmocka_unit_test(real_world_rows),
		cmocka_unit_test(dash_variants_warn),
		cmocka_unit_test(weak_defaults_quiet),
		cmocka_unit_test(secret_not_in_errors),
		cmocka_unit_test(diag_location_given),
		cmocka_unit_test(invalid_utf8_rejected),
		cmocka_unit_test(policy_optional_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
