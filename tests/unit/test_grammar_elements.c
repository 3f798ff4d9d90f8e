/* Tables of valid and invalid filters, offers and authentication methods. */
#include "grammar.h"
#include "test_support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct valid_case {
	const char *input;
	const char *canonical;
	size_t warnings;
};

struct invalid_case {
	const char *input;
	int code;
	const char *mentions;	/* text the error message must contain */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct valid_case valid_filters[] = {
	{ "0+*", "0+*", 0 },
	{ "*=0", "*=0", 0 },
	{ "0/255.255.255.255=203.0.113.9/255.255.255.255:150:tcp",
	  "0=203.0.113.9:150:TCP", 0 },
	{ "172.31.0.0/255.255.0.0:80=10.0.0.0/255.0.0.0:80:TCP",
	  "172.31.0.0/255.255.0.0:80=10.0.0.0/255.0.0.0:80:TCP", 0 },
	{ "172.31.0.0/16:80=10.0.0.0/8:80:tcp",
	  "172.31.0.0/255.255.0.0:80=10.0.0.0/255.0.0.0:80:TCP", 0 },
	{ "Computer1+Computer2::TCP", "Computer1+Computer2::TCP", 0 },
	{ "(0+10.2.1.1)", "(0+10.2.1.1)", 0 },
	{ "[0+*]", "[0+*]", 0 },
	{ "10.92.*.*+*", "10.92.0.0/255.255.0.0+*", 0 },
	{ "10.*.*.*=*", "10.0.0.0/255.0.0.0=*", 0 },
	{ "*.*.*.*=0", "0.0.0.0/0.0.0.0=0", 0 },
	{ "default", "default", 0 },
	{ "DEFAULT", "default", 0 },
	{ "{12345678-1234-1234-1234-123456789abc}+*",
	  "{12345678-1234-1234-1234-123456789ABC}+*", 0 },
	{ "{2001:db8::1}+{2001:db8::}/32", "{2001:db8::1}+{2001:db8::}/32",
	  0 },
	{ "{2001:DB8::1}:443+*::tcp", "{2001:db8::1}:443+*::TCP", 0 },
	{ "{2001:db8::1}/128=0", "{2001:db8::1}=0", 0 },
	{ "*:*:*+*:*:*", "*+*", 0 },
	{ "0:*:UDP+203.0.113.23:53:UDP", "0+203.0.113.23:53:UDP", 0 },
	{ "192.0.2.100:*:*+*", "192.0.2.100+*", 0 },
	{ "*:+0:3389:TCP", "*+0:3389:TCP", 0 },
	{ "*:+0::IGMP", "*+0::IGMP", 0 },
	{ "0:80+*::TCP", "0:80+*::TCP", 0 },
	{ "0+*::47", "0+*::GRE", 0 },
	{ "0+*::253", "0+*::253", 0 },
	{ "0+*::0", "0+*", 0 },
	{ "0+*::raw", "0+*::RAW", 0 },
	{ "0+*:9:sctp", "0+*:9:SCTP", 0 },
	{ "0+*:9:udplite", "0+*:9:UDPLITE", 0 },
	{ "0+*::icmpv6", "0+*::ICMPV6", 0 },
	{ "0=198.51.100.5/255.255.255.255::", "0=198.51.100.5", 0 },
	{ "192.0.2.10/24+*", "192.0.2.0/255.255.255.0+*", 1 },
	{ "0.0.0.0/0+*", "0.0.0.0/0.0.0.0+*", 0 },
	{ "0.0.0.0+*", "0.0.0.0+*", 0 },
	/* Every digit count of the hand-written dotted and port printer. */
	{ "255.255.255.254/31:65535+198.51.100.200:1:TCP",
	  "255.255.255.254/255.255.255.254:65535+198.51.100.200:1:TCP", 0 },
	{ "10.1.2.128/25:10+*:100:udp", "10.1.2.128/255.255.255.128:10+*:100:UDP",
	  0 },
	{ "0+*::200", "0+*::200", 0 },
	{ "host-1.example.com=0", "host-1.example.com=0", 0 },
	{ "[host1=0]", "[host1=0]", 0 },
	{ "{2001:db8::1}+host1", "{2001:db8::1}+host1", 0 },
};

static const struct invalid_case invalid_filters[] = {
	{ "203.0.113.10", GRAMMAR_BAD_FILTER, "'203.0.113.10+*'" },
	{ "0+*+192.0.2.4", GRAMMAR_BAD_FILTER, "more than one" },
	{ "0:*:TCP+*:8081:*:TCP", GRAMMAR_BAD_FILTER,
	  "'0:*:TCP+*:8081:*:TCP'" },
	{ "0=*::ICMP:x", GRAMMAR_BAD_FILTER, "Address[/Mask][:Port]" },
	{ "*+0:255:ICMP", GRAMMAR_BAD_PORT, "'*+0::ICMP'" },
	{ "0:80+*", GRAMMAR_BAD_PORT, "'0+*'" },
	{ "0+*::TCPX", GRAMMAR_BAD_PROTOCOL, "'TCPX'" },
	{ "0+*::256", GRAMMAR_BAD_PROTOCOL, "'256'" },
	{ "0+*:65536:TCP", GRAMMAR_BAD_PORT, "'65536'" },
	{ "0+*:abc:TCP", GRAMMAR_BAD_PORT, "'abc'" },
	{ "0::TCP+*::UDP", GRAMMAR_BAD_PROTOCOL, "different protocols" },
	{ "192.0.2.0/255.0.255.0+*", GRAMMAR_BAD_MASK, "'255.0.255.0'" },
	{ "192.0.2.0/33+*", GRAMMAR_BAD_MASK, "'33'" },
	{ "192.0.2.0/255.255.0+*", GRAMMAR_BAD_MASK, "'255.255.0'" },
	{ "*/24+0", GRAMMAR_BAD_MASK, "'*'" },
	{ "host1/24+0", GRAMMAR_BAD_MASK, "'host1'" },
	{ "0/24+*", GRAMMAR_BAD_MASK, "'0'" },
	{ "10.*.2.*+*", GRAMMAR_BAD_ADDRESS, "'10.*.2.*'" },
	{ "10.92.*.*/16+*", GRAMMAR_BAD_MASK, "'10.92.*.*'" },
	{ "300.1.1.1+*", GRAMMAR_BAD_ADDRESS, "'300.1.1.1'" },
	{ "192.0.2+*", GRAMMAR_BAD_ADDRESS, "'192.0.2'" },
	{ "{2001:db8::1}+192.0.2.1", GRAMMAR_BAD_ADDRESS, "IPv4 and IPv6" },
	{ "{2001:db8::zz}+*", GRAMMAR_BAD_ADDRESS, "'{2001:db8::zz}'" },
	{ "{2001:db8::}/129+*", GRAMMAR_BAD_MASK, "'129'" },
	{ "{1234}+*", GRAMMAR_BAD_ADDRESS, "'{1234}'" },
	{ "{12345678-1234-1234-1234-123456789ABC}/24+*", GRAMMAR_BAD_MASK,
	  "GUID" },
	{ "2001:db8::1+*", GRAMMAR_BAD_FILTER, "':' fields" },
	{ "(0+*", GRAMMAR_BAD_FILTER, "')'" },
	{ "[0+*)", GRAMMAR_BAD_FILTER, "']'" },
	{ "()", GRAMMAR_BAD_FILTER, "empty filter" },
	{ "", GRAMMAR_BAD_FILTER, "empty filter" },
	{ "(default)", GRAMMAR_BAD_FILTER, "default" },
	{ "+*", GRAMMAR_BAD_ADDRESS, "missing address" },
	{ "0+", GRAMMAR_BAD_ADDRESS, "missing address" },
	{ "-bad+*", GRAMMAR_BAD_ADDRESS, "'-bad'" },
	{ "host_one!+*", GRAMMAR_BAD_ADDRESS, "'host_one!'" },
};

static const struct valid_case valid_offers[] = {
	{ "esp[3des,sha]", "esp[3des,sha]", 1 },
	{ "ESP[SHA,3DES]", "esp[3des,sha]", 2 },
	{ "esp[none,3des]", "esp[3des,none]", 2 },
	{ "esp[none,sha]", "esp[none,sha]", 0 },
	{ "esp[sha,none]", "esp[none,sha]", 1 },
	{ "ah[md5]", "ah[md5]", 1 },
	{ "ah[sha]+esp[des,md5]", "ah[sha]+esp[des,md5]", 1 },
	{ "esp[aes256gcm]", "esp[aes256gcm]", 0 },
	{ "esp[aes128gcm,none]", "esp[aes128gcm]", 0 },
	{ "esp[aes256,sha256]3600S/50000KPFS",
	  "esp[aes256,sha256]3600S/50000KPFS", 0 },
	{ "esp[aes256,sha512]50000K/3600S",
	  "esp[aes256,sha512]3600S/50000K", 0 },
	{ "esp[3des,sha] 3600S/100000K", "esp[3des,sha]3600S/100000K", 1 },
	{ "esp[aes256,sha1]PFS2", "esp[aes256,sha]PFS2", 1 },
	{ "esp[aes256,sha256]P14", "esp[aes256,sha256]PFS14", 0 },
	{ "esp[aes192,sha384] 3600S pfs20", "esp[aes192,sha384]3600SPFS20",
	  0 },
	{ "esp[aes128,sha256]7200s", "esp[aes128,sha256]7200S", 0 },
	{ "ah[sha256]P1", "ah[sha256]PFS1", 1 },
};

static const struct invalid_case invalid_offers[] = {
	{ "esp[none,none]", GRAMMAR_BAD_OFFER, "esp[none,none]" },
	{ "esp[3des]", GRAMMAR_BAD_OFFER, "missing integrity" },
	{ "esp[aes256gcm,sha]", GRAMMAR_BAD_OFFER, "esp[aes256gcm]" },
	{ "esp[foo,sha]", GRAMMAR_BAD_ALGORITHM, "'foo'" },
	{ "esp[3des,foo]", GRAMMAR_BAD_ALGORITHM, "'foo'" },
	{ "ah[none]", GRAMMAR_BAD_ALGORITHM, "'none'" },
	{ "ah[md5", GRAMMAR_BAD_OFFER, "'ah[md5'" },
	{ "ah[md5]+ah[sha]", GRAMMAR_BAD_OFFER, "'ah[md5]+ah[sha]'" },
	{ "esp[3des,sha]3600X", GRAMMAR_BAD_REKEY, "3600S/50000K" },
	{ "esp[3des,sha]10S", GRAMMAR_BAD_NUMBER, "'10S'" },
	{ "esp[3des,sha]0K", GRAMMAR_BAD_NUMBER, "'0K'" },
	{ "esp[3des,sha]99999999999K", GRAMMAR_BAD_NUMBER, "99999999999K" },
	{ "esp[3des,sha]3600S/3600S", GRAMMAR_BAD_REKEY, "twice" },
	{ "esp[3des,sha]PFS3", GRAMMAR_BAD_GROUP, "'3'" },
	{ "esp[3des,sha]P", GRAMMAR_BAD_OFFER, "PFS" },
	{ "esp[3des,sha]3600SPFS extra", GRAMMAR_BAD_OFFER, "'extra'" },
	{ "esp[3des,sha]PFS PFS", GRAMMAR_BAD_OFFER, "'PFS'" },
	{ "BLOCK-x", GRAMMAR_BAD_OFFER, "'BLOCK-x'" },
	{ "esp[3des,sha,md5]", GRAMMAR_BAD_OFFER, "esp[3des,sha,md5]" },
	{ "", GRAMMAR_BAD_OFFER, "esp[Cipher,Integrity]" },
};

static const struct valid_case valid_mm[] = {
	{ "3des-sha-2", "3des-sha-2", 1 },
	{ "AES256GCM-SHA384-20", "aes256gcm-sha384-20", 0 },
	{ "aes256-sha1-14", "aes256-sha-14", 0 },
	{ "aes128-sha256-19", "aes128-sha256-19", 0 },
	{ "des-md5-1", "des-md5-1", 1 },
};

static const struct invalid_case invalid_mm[] = {
	{ "3des-sha", GRAMMAR_BAD_OFFER, "'3des-sha'" },
	{ "3des-sha-3", GRAMMAR_BAD_GROUP, "'3'" },
	{ "3des-sha-x", GRAMMAR_BAD_GROUP, "'x'" },
	{ "none-sha-2", GRAMMAR_BAD_ALGORITHM, "'none'" },
	{ "3des-none-2", GRAMMAR_BAD_ALGORITHM, "'none'" },
	{ "3des-sha-2-x", GRAMMAR_BAD_OFFER, "'3des-sha-2-x'" },
	{ "foo-sha-2", GRAMMAR_BAD_ALGORITHM, "'foo'" },
	{ "3des-sha-", GRAMMAR_BAD_GROUP, "''" },
};

static const struct valid_case valid_auth[] = {
	{ "kerberos", "kerberos", 0 },
	{ "K", "kerberos", 0 },
	{ "preshare:abc", "preshare:abc", 0 },
	{ "p:Key With Spaces", "preshare:Key With Spaces", 0 },
	{ "PRESHARE:MiXeD", "preshare:MiXeD", 0 },
	{ "cert:CN=VPN CA, O=Example, C=DE", "cert:CN=VPN CA, O=Example, C=DE",
	  0 },
	{ "C:cn=x:y", "cert:cn=x:y", 0 },
};

static const struct invalid_case invalid_auth[] = {
	{ "preshare:", GRAMMAR_BAD_AUTH, "preshare:\"KEY\"" },
	{ "p", GRAMMAR_BAD_AUTH, "preshare:\"KEY\"" },
	{ "cert:", GRAMMAR_BAD_AUTH, "CA name" },
	{ "kerberos:x", GRAMMAR_BAD_AUTH, "kerberos" },
	{ "foo:bar", GRAMMAR_BAD_AUTH, "'foo'" },
	{ "CA,", GRAMMAR_BAD_AUTH, "'CA,'" },
};

typedef int (*element_parse_fn)(const char *text, struct diag_list *diags,
				char **formatted);

static int filter_run(const char *text, struct diag_list *diags,
		      char **formatted)
{
	struct filter_spec f, again;
	int ret = filter_parse(text, 0, &f, diags);

	if (ret)
		return ret;
	*formatted = filter_format(&f);
	assert_non_null(*formatted);
	/* The canonical text parses to the same value. */
	assert_int_equal(filter_parse(*formatted, 0, &again, NULL), 0);
	{
		struct rule_spec a = { .filters = { &f, 1 } };
		struct rule_spec b = { .filters = { &again, 1 } };

		assert_true(rule_equal(&a, &b));
	}
	filter_free(&again);
	filter_free(&f);
	return 0;
}

static int offer_run(const char *text, struct diag_list *diags,
		     char **formatted)
{
	struct qm_offer o, again;
	int ret = qm_offer_parse(text, 0, &o, diags);

	if (ret)
		return ret;
	*formatted = qm_offer_format(&o);
	assert_non_null(*formatted);
	assert_int_equal(qm_offer_parse(*formatted, 0, &again, NULL), 0);
	assert_memory_equal(&o, &again, sizeof(o));
	return 0;
}

static int mm_run(const char *text, struct diag_list *diags,
		  char **formatted)
{
	struct mm_offer o, again;
	int ret = mm_offer_parse(text, 0, &o, diags);

	if (ret)
		return ret;
	*formatted = mm_offer_format(&o);
	assert_non_null(*formatted);
	assert_int_equal(mm_offer_parse(*formatted, 0, &again, NULL), 0);
	assert_memory_equal(&o, &again, sizeof(o));
	return 0;
}

static int auth_run(const char *text, struct diag_list *diags,
		    char **formatted)
{
	struct auth_method a;
	int ret = auth_parse(text, 0, &a, diags);

	if (ret)
		return ret;
	*formatted = auth_format(&a, PRINT_SECRETS);
	assert_non_null(*formatted);
	free(a.value);
	return 0;
}

static void valid_run(const struct valid_case *cases, size_t n,
		      element_parse_fn fn)
{
	for (size_t i = 0; i < n; i++) {
		struct diag_list diags = { 0 };
		char *formatted = NULL;
		int ret = fn(cases[i].input, &diags, &formatted);

		if (ret)
			fail_msg("'%s' rejected: %s", cases[i].input,
				 diag_first_error(&diags));
		if (strcmp(formatted, cases[i].canonical) != 0)
			fail_msg("'%s' printed as '%s', expected '%s'",
				 cases[i].input, formatted,
				 cases[i].canonical);
		if (diag_warning_count(&diags) != cases[i].warnings)
			fail_msg("'%s' gave %zu warnings, expected %zu",
				 cases[i].input, diag_warning_count(&diags),
				 cases[i].warnings);
		free(formatted);
		diag_list_free(&diags);
	}
}

static void invalid_run(const struct invalid_case *cases, size_t n,
			element_parse_fn fn)
{
	for (size_t i = 0; i < n; i++) {
		struct diag_list diags = { 0 };
		char *formatted = NULL;
		int ret = fn(cases[i].input, &diags, &formatted);

		if (ret != cases[i].code)
			fail_msg("'%s' gave code %d (%s), expected %d (%s)",
				 cases[i].input, ret, diag_first_error(&diags),
				 cases[i].code, grammar_strerror(cases[i].code));
		if (!strstr(diag_first_error(&diags), cases[i].mentions))
			fail_msg("error for '%s' does not mention \"%s\": %s",
				 cases[i].input, cases[i].mentions,
				 diag_first_error(&diags));
		assert_true(diag_error_count(&diags) >= 1);
		free(formatted);
		diag_list_free(&diags);
	}
}

static void filter_valid_table(void **state)
{
	(void)state;
	valid_run(valid_filters, N(valid_filters), filter_run);
}

static void filter_invalid_table(void **state)
{
	(void)state;
	invalid_run(invalid_filters, N(invalid_filters), filter_run);
}

static void offer_valid_table(void **state)
{
	(void)state;
	valid_run(valid_offers, N(valid_offers), offer_run);
}

static void offer_invalid_table(void **state)
{
	(void)state;
	invalid_run(invalid_offers, N(invalid_offers), offer_run);
}

static void mm_valid_table(void **state)
{
	(void)state;
	valid_run(valid_mm, N(valid_mm), mm_run);
}

static void mm_invalid_table(void **state)
{
	(void)state;
	invalid_run(invalid_mm, N(invalid_mm), mm_run);
}

static void auth_valid_table(void **state)
{
	(void)state;
	valid_run(valid_auth, N(valid_auth), auth_run);
}

static void auth_invalid_table(void **state)
{
	(void)state;
	invalid_run(invalid_auth, N(invalid_auth), auth_run);
}

static void filter_fields_exact(void **state)
{
	struct filter_spec f;

	(void)state;
	assert_int_equal(filter_parse("0/255.255.255.255=203.0.113.9/"
				      "255.255.255.255:150:tcp", 0, &f, NULL),
			 0);
	assert_int_equal(f.src.kind, ADDR_ME);
	assert_int_equal(f.dst.kind, ADDR_IP);
	assert_int_equal(f.dst.prefix, 32);
	assert_int_equal(f.dst_port, 150);
	assert_int_equal(f.src_port, 0);
	assert_int_equal(f.protocol, 6);
	assert_false(f.mirrored);
	filter_free(&f);

	assert_int_equal(filter_parse("*:+0::IGMP", 0, &f, NULL), 0);
	assert_int_equal(f.protocol, 2);
	assert_int_equal(f.src.kind, ADDR_ANY);
	assert_true(f.mirrored);
	filter_free(&f);

	assert_int_equal(filter_parse("[host1=0]", 0, &f, NULL), 0);
	assert_int_equal(f.mark, FILTER_BLOCK);
	assert_int_equal(f.src.kind, ADDR_DNS);
	assert_string_equal(f.src.name, "host1");
	filter_free(&f);

	assert_int_equal(filter_parse("10.92.*.*+{2001:db8::}/32", 0, &f,
				      NULL), GRAMMAR_BAD_ADDRESS);
	assert_int_equal(filter_parse("{2001:db8::}/32+*", 0, &f, NULL), 0);
	assert_int_equal(f.src.family, 10 /* AF_INET6 */);
	assert_int_equal(f.src.prefix, 32);
	assert_int_equal(f.protocol, PROTO_ANY);
	filter_free(&f);
}

static void filter_mistyped_ipv4(void **state)
{
	static const struct {
		const char *filter;
		const char *value;
	} cases[] = {
		{ "0+192.0.2.1x:23:TCP", "'192.0.2.1x'" },
		{ "0+192.0.2.11-192.0.2.13", "'192.0.2.11-192.0.2.13'" },
		{ "10.1.2.3.4x+*", "'10.1.2.3.4x'" },
		{ "192.0.2.7x:80+*::TCP", "'192.0.2.7x'" },
	};
	static const char *const names[] = { "10.example.com", "1x.2.example",
					     "1.2x", "host1", "a1.2.3.4" };
	struct filter_spec f;
	struct diag_list dotted = { 0 };

	(void)state;
	/* Five numbers are an IPv4 address with too many parts. */
	assert_int_equal(filter_parse("10.1.2.3.4+*", 0, &f, &dotted),
			 GRAMMAR_BAD_ADDRESS);
	assert_non_null(strstr(dotted.items[0].message, "'10.1.2.3.4'"));
	assert_non_null(strstr(dotted.items[0].message, "192.0.2.*"));
	diag_list_free(&dotted);

	/* A range alone, without '+' or '=', gets the same advice. */
	assert_int_equal(filter_parse("192.0.2.11-192.0.2.13", 0, &f, &dotted),
			 GRAMMAR_BAD_ADDRESS);
	assert_non_null(strstr(dotted.items[0].message,
			       "'192.0.2.11-192.0.2.13' is not an address"));
	assert_non_null(strstr(dotted.items[0].message, "192.0.2.*"));
	diag_list_free(&dotted);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag_list diags = { 0 };

		assert_int_equal(filter_parse(cases[i].filter, 0, &f, &diags),
				 GRAMMAR_BAD_ADDRESS);
		assert_true(diags.count > 0);
		assert_non_null(strstr(diags.items[0].message, cases[i].value));
		assert_non_null(strstr(diags.items[0].message, "192.0.2.*"));
		assert_non_null(strstr(diags.items[0].message, "address/mask"));
		diag_list_free(&diags);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "0+%s", names[i]);
		assert_int_equal(filter_parse(text, 0, &f, NULL), 0);
		assert_int_equal(f.dst.kind, ADDR_DNS);
		assert_string_equal(f.dst.name, names[i]);
		filter_free(&f);
	}
}

static void filter_port_hint_own(void **state)
{
	struct diag_list diags = { 0 };
	struct filter_spec f;

	(void)state;
	assert_int_equal(filter_parse("192.0.2.11+192.0.2.0/24:80", 0, &f,
				      &diags), GRAMMAR_BAD_PORT);
	assert_true(diags.count > 0);
	assert_non_null(strstr(diags.items[0].message,
			       "'192.0.2.11+192.0.2.0/24:80:TCP'"));
	diag_list_free(&diags);

	/* A source port alone: the protocol goes after an empty port. */
	assert_int_equal(filter_parse("(0:80+*)", 0, &f, &diags),
			 GRAMMAR_BAD_PORT);
	assert_non_null(strstr(diags.items[0].message, "'(0:80+*::TCP)'"));
	diag_list_free(&diags);
}

static void auth_key_not_echoed(void **state)
{
	struct auth_method a;
	char *text;

	(void)state;
	assert_int_equal(auth_parse("p:TopSecret", 0, &a, NULL), 0);
	assert_int_equal(a.kind, AUTH_PRESHARE);
	assert_string_equal(a.value, "TopSecret");
	text = auth_format(&a, 0);
	assert_string_equal(text, "preshare:********");
	free(text);
	text = auth_format(&a, PRINT_SECRETS);
	assert_string_equal(text, "preshare:TopSecret");
	free(text);
	free(a.value);
}

static void strerror_every_code(void **state)
{
	(void)state;
	for (int code = 0; code < GRAMMAR_ERROR_COUNT; code++) {
		assert_non_null(grammar_strerror(code));
		assert_string_not_equal(grammar_strerror(code), "");
	}
	assert_string_equal(grammar_strerror(-1), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filter_valid_table),
		cmocka_unit_test(filter_invalid_table),
		cmocka_unit_test(filter_fields_exact),
		cmocka_unit_test(filter_mistyped_ipv4),
		cmocka_unit_test(filter_port_hint_own),
		cmocka_unit_test(offer_valid_table),
		cmocka_unit_test(offer_invalid_table),
		cmocka_unit_test(mm_valid_table),
		cmocka_unit_test(mm_invalid_table),
		cmocka_unit_test(auth_valid_table),
		cmocka_unit_test(auth_invalid_table),
		cmocka_unit_test(auth_key_not_echoed),
		cmocka_unit_test(strerror_every_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
