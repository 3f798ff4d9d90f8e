/* spd_compile: the wanted set for hand-built rules, no kernel needed. */
#include "compile.h"
#include "rules.h"
#include "spd.h"
#include "weight.h"

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static struct spd_addr locals[2];
static struct spd_host host;

static const struct spd_policy *find(const struct spd_set *set, enum spd_dir dir,
				     const char *src, uint8_t src_prefix,
				     const char *dst, uint8_t dst_prefix)
{
	struct spd_addr s = test_addr(src), d = test_addr(dst);

	for (size_t i = 0; i < set->count; i++) {
		const struct spd_policy *p = &set->items[i];

		if (p->dir == dir && p->sel.family == s.family &&
		    p->sel.src_prefix == src_prefix &&
		    p->sel.dst_prefix == dst_prefix &&
		    !memcmp(p->sel.src, s.bytes, 16) &&
		    !memcmp(p->sel.dst, d.bytes, 16))
			return p;
	}
	return NULL;
}

static void compile_one(const struct rule_spec *r, const char *name,
			struct spd_set *out, struct spd_compile_notes *notes)
{
	struct spd_rule_ref ref = { name, r, NULL };

	memset(out, 0, sizeof(*out));
	assert_int_equal(spd_compile(&ref, 1, &host, NULL, 0, out, notes), 0);
}

static void mirrored_me_expands_locals(void **state)
{
	struct filter_spec f = test_filter(test_me(), test_net("198.51.100.7"),
					   true, FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_set set;
	const struct spd_policy *p;

	(void)state;
	compile_one(&r, "b", &set, NULL);
	assert_int_equal(set.count, 2);	/* one IPv4 local address, out + in */
	p = find(&set, SPD_DIR_OUT, "192.0.2.1", 32, "198.51.100.7", 32);
	assert_non_null(p);
	assert_int_equal(p->action, SPD_ACTION_BLOCK);
	assert_int_equal(p->tmpl_count, 0);
	assert_string_equal(p->rule, "b");
	p = find(&set, SPD_DIR_IN, "198.51.100.7", 32, "192.0.2.1", 32);
	assert_non_null(p);
	assert_int_equal(p->action, SPD_ACTION_BLOCK);
	spd_set_clear(&set);
}

static void one_way_filter_to_me_is_inbound(void **state)
{
	struct filter_spec f = test_filter_ports(test_any(), test_me(), false,
						 FILTER_PERMIT, IPPROTO_TCP,
						 0, 22);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_set set;
	const struct spd_policy *p;

	(void)state;
	compile_one(&r, "ssh", &set, NULL);
	assert_int_equal(set.count, 2);	/* IPv4 and IPv6, inbound only */
	p = find(&set, SPD_DIR_IN, "0.0.0.0", 0, "192.0.2.1", 32);
	assert_non_null(p);
	assert_int_equal(p->action, SPD_ACTION_ALLOW);
	assert_int_equal(p->sel.protocol, IPPROTO_TCP);
	assert_int_equal(p->sel.dst_port, 22);
	assert_int_equal(p->sel.src_port, 0);
	assert_non_null(find(&set, SPD_DIR_IN, "::", 0, "2001:db8::1", 128));
	spd_set_clear(&set);
}

static void any_pairs_with_family(void **state)
{
	struct filter_spec f = test_filter(test_any(), test_net("2001:db8:5::/48"),
					   false, FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_set set;

	(void)state;
	compile_one(&r, "v6", &set, NULL);
	/* neither side is `0`, so the filter acts on traffic both ways */
	assert_int_equal(set.count, 2);
	assert_non_null(find(&set, SPD_DIR_OUT, "::", 0, "2001:db8:5::", 48));
	assert_non_null(find(&set, SPD_DIR_IN, "::", 0, "2001:db8:5::", 48));
	spd_set_clear(&set);
}

static void literal_local_address_one_way(void **state)
{
	struct filter_spec f = test_filter(test_net("192.0.2.1"),
					   test_net("198.51.100.0/24"), false,
					   FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_set set;

	(void)state;
	compile_one(&r, "literal", &set, NULL);
	/* 192.0.2.1 is this host's address, so only traffic it sends matches */
	assert_int_equal(set.count, 1);
	assert_non_null(find(&set, SPD_DIR_OUT, "192.0.2.1", 32,
			     "198.51.100.0", 24));
	spd_set_clear(&set);
}

static void family_mismatch_skipped(void **state)
{
	struct filter_spec f = test_filter(test_net("192.0.2.9"),
					   test_net("2001:db8::9"), true,
					   FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_compile_notes notes;
	struct spd_set set;

	(void)state;
	compile_one(&r, "mixed", &set, &notes);
	assert_int_equal(set.count, 0);
	assert_int_equal(notes.family_mismatch, 1);
}

static void more_specific_gets_lower_priority(void **state)
{
	struct spd_selector any = { .family = AF_INET };
	struct spd_selector net = any, host32 = any, port = any, proto = any;

	(void)state;
	net.dst_prefix = 24;
	host32.dst_prefix = 32;
	port = host32;
	port.protocol = IPPROTO_TCP;
	port.dst_port = 80;
	proto = host32;
	proto.protocol = IPPROTO_UDP;

	assert_true(spd_weight(&net, SPD_RANK_PERMIT) > spd_weight(&any, SPD_RANK_BLOCK));
	assert_true(spd_weight(&host32, SPD_RANK_PERMIT) > spd_weight(&net, SPD_RANK_BLOCK));
	assert_true(spd_weight(&proto, SPD_RANK_PERMIT) > spd_weight(&host32, SPD_RANK_BLOCK));
	assert_true(spd_weight(&port, SPD_RANK_PERMIT) > spd_weight(&proto, SPD_RANK_BLOCK));
	assert_true(spd_weight(&any, SPD_RANK_BLOCK) > spd_weight(&any, SPD_RANK_NEGOTIATE));
	assert_true(spd_weight(&any, SPD_RANK_NEGOTIATE) > spd_weight(&any, SPD_RANK_PERMIT));
	assert_true(spd_weight_priority(spd_weight(&net, 0)) <
		    spd_weight_priority(spd_weight(&any, 0)));
	assert_true(spd_weight_priority(0) <= SPD_PRIORITY_MAX);
	assert_true(spd_weight_priority(SPD_WEIGHT_MAX) > SPD_PRIORITY_EXEMPT);
	assert_true(spd_priority_is_agent(spd_weight_priority(0)));
	assert_false(spd_priority_is_agent(0));
	assert_false(spd_priority_is_agent(200000));
}

/* One selector from two rules: the kernel can hold only one, so block
 * beats permit whichever rule comes first, and on equal actions the
 * earlier rule wins. */
static void same_selector_merged(void **state)
{
	struct filter_spec block = test_filter(test_me(), test_net("198.51.100.7"),
					       true, FILTER_BLOCK);
	struct filter_spec permit = test_filter(test_me(), test_net("198.51.100.7"),
						true, FILTER_PERMIT);
	struct rule_spec rb = test_rule(&block, 1, ACTION_NEGOTIATE, false);
	struct rule_spec rp = test_rule(&permit, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref orders[3][2] = {
		{ { "permit", &rp, NULL }, { "block", &rb, NULL } },
		{ { "block", &rb, NULL }, { "permit", &rp, NULL } },
		{ { "first", &rp, NULL }, { "second", &rp, NULL } },
	};
	const char *winner[3] = { "block", "block", "first" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct spd_compile_notes notes;
		struct spd_set set = { 0 };

		assert_int_equal(spd_compile(orders[i], 2, &host, NULL, 0, &set,
					     &notes), 0);
		assert_int_equal(set.count, 2);
		assert_int_equal(notes.merged, 2);
		assert_string_equal(set.items[0].rule, winner[i]);
		assert_string_equal(set.items[1].rule, winner[i]);
		spd_set_clear(&set);
	}
}

static void negotiate_templates(void **state)
{
	struct filter_spec f = test_filter(test_me(), test_net("198.51.100.7"),
					   true, FILTER_NEGOTIATE);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, true);
	const struct spd_policy *out, *in;
	struct spd_set set;

	(void)state;
	r.qm.inpass = true;
	compile_one(&r, "secure", &set, NULL);
	out = find(&set, SPD_DIR_OUT, "192.0.2.1", 32, "198.51.100.7", 32);
	in = find(&set, SPD_DIR_IN, "198.51.100.7", 32, "192.0.2.1", 32);
	assert_non_null(out);
	assert_non_null(in);
	assert_int_equal(out->action, SPD_ACTION_ALLOW);
	assert_int_equal(out->tmpl_count, 2);
	assert_int_equal(out->tmpl[0].protocol, IPPROTO_ESP);
	assert_int_equal(out->tmpl[1].protocol, IPPROTO_AH);
	assert_false(out->tmpl[0].tunnel);
	assert_int_equal(out->tmpl[0].reqid, spd_rule_reqid("secure"));
	assert_int_equal(out->tmpl[1].reqid, spd_rule_reqid("secure"));
	/* inpass: clear inbound accepted, outbound always secured */
	assert_false(out->tmpl[0].optional);
	assert_true(in->tmpl[0].optional);
	assert_true(in->tmpl[1].optional);
	spd_set_clear(&set);

	r.qm.inpass = false;
	r.soft = true;
	compile_one(&r, "secure", &set, NULL);
	for (size_t i = 0; i < set.count; i++)
		assert_true(set.items[i].tmpl[0].optional);
	spd_set_clear(&set);
}

static void tunnel_to_remote_endpoint(void **state)
{
	struct filter_spec f = test_filter(test_net("192.0.2.0/24"),
					   test_net("198.51.100.0/24"), true,
					   FILTER_NEGOTIATE);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_addr gw = test_addr("203.0.113.5");
	const struct spd_policy *out, *in, *fwd;
	struct spd_set set;

	(void)state;
	r.has_tunnel = true;
	r.tunnel = test_net("203.0.113.5");
	compile_one(&r, "tun", &set, NULL);
	assert_int_equal(set.count, 3);
	out = find(&set, SPD_DIR_OUT, "192.0.2.0", 24, "198.51.100.0", 24);
	in = find(&set, SPD_DIR_IN, "198.51.100.0", 24, "192.0.2.0", 24);
	fwd = find(&set, SPD_DIR_FWD, "198.51.100.0", 24, "192.0.2.0", 24);
	assert_non_null(out);
	assert_non_null(in);
	assert_non_null(fwd);
	assert_true(out->tmpl[0].tunnel);
	assert_memory_equal(out->tmpl[0].tunnel_dst.bytes, gw.bytes, 4);
	assert_memory_equal(in->tmpl[0].tunnel_src.bytes, gw.bytes, 4);
	assert_memory_equal(fwd->tmpl[0].tunnel_src.bytes, gw.bytes, 4);
	assert_int_equal(out->tmpl[0].reqid, spd_rule_reqid("tun"));
	assert_int_equal(in->tmpl[0].reqid, spd_rule_reqid("tun"));
	assert_int_equal(fwd->tmpl[0].reqid, spd_rule_reqid("tun"));
	spd_set_clear(&set);

	/* -t naming this host: the rule describes inbound traffic */
	r.tunnel = test_net("192.0.2.1");
	f.mirrored = false;
	compile_one(&r, "tun", &set, NULL);
	assert_int_equal(set.count, 2);
	in = find(&set, SPD_DIR_IN, "192.0.2.0", 24, "198.51.100.0", 24);
	assert_non_null(in);
	assert_memory_equal(in->tmpl[0].tunnel_dst.bytes, locals[0].bytes, 4);
	assert_int_equal(in->tmpl[0].reqid, 0);
	fwd = find(&set, SPD_DIR_FWD, "192.0.2.0", 24, "198.51.100.0", 24);
	assert_non_null(fwd);
	assert_int_equal(fwd->tmpl[0].reqid, 0);
	spd_set_clear(&set);
}

static void dns_name_expands(void **state)
{
	struct spd_addr addrs[2] = { test_addr("198.51.100.20"),
				     test_addr("198.51.100.21") };
	struct spd_resolved names[1] = { { "Server.Example", addrs, 2 } };
	struct spd_host with_dns = host;
	struct filter_spec f[2] = {
		test_filter(test_me(), test_dns("server.example"), false,
			    FILTER_BLOCK),
		test_filter(test_me(), test_dns("missing.example"), false,
			    FILTER_BLOCK),
	};
	struct rule_spec r = test_rule(f, 2, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "dns", &r, NULL };
	struct spd_compile_notes notes;
	struct spd_set set = { 0 };

	(void)state;
	with_dns.names = names;
	with_dns.name_count = 1;
	assert_int_equal(spd_compile(&ref, 1, &with_dns, NULL, 0, &set, &notes), 0);
	assert_int_equal(set.count, 2);
	assert_non_null(find(&set, SPD_DIR_OUT, "192.0.2.1", 32, "198.51.100.20", 32));
	assert_non_null(find(&set, SPD_DIR_OUT, "192.0.2.1", 32, "198.51.100.21", 32));
	assert_int_equal(notes.unresolved, 1);
	spd_set_clear(&set);
}

static void me_without_addresses_counted(void **state)
{
	struct filter_spec f = test_filter(test_me(), test_any(), true,
					   FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "nobody", &r, NULL };
	struct spd_host empty_host = test_host(NULL, 0);
	struct spd_compile_notes notes;
	struct spd_set set = { 0 };

	(void)state;
	assert_int_equal(spd_compile(&ref, 1, &empty_host, NULL, 0, &set,
				     &notes), 0);
	assert_int_equal(set.count, 0);
	assert_int_equal(notes.unresolved, 1);
	host = test_host(locals, 2);	/* test_host reuses one interface */
}

static void default_filter_installs_nothing(void **state)
{
	struct filter_spec f = { .is_default = true, .protocol = PROTO_ANY };
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_compile_notes notes;
	struct spd_set set;

	(void)state;
	compile_one(&r, "default", &set, &notes);
	assert_int_equal(set.count, 0);
	assert_int_equal(notes.default_filters, 1);
}

static void dialup_rule_without_link(void **state)
{
	struct filter_spec f = test_filter(test_me(), test_any(), true,
					   FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_compile_notes notes;
	struct spd_set set;

	(void)state;
	r.conn = CONN_DIALUP;
	compile_one(&r, "dial", &set, &notes);
	assert_int_equal(set.count, 0);
	assert_int_equal(notes.no_interface, 1);

	/* outbound only, on the LAN interface: an inbound selector's
	 * ifindex never matches locally delivered traffic */
	r.conn = CONN_LAN;
	compile_one(&r, "lan", &set, &notes);
	assert_int_equal(set.count, 2);
	assert_int_equal(notes.inbound_unrestricted, 2);
	for (size_t i = 0; i < set.count; i++) {
		assert_int_equal(set.items[i].sel.ifindex, 2);
		assert_int_equal(set.items[i].dir, SPD_DIR_OUT);
	}
	spd_set_clear(&set);
}

static void exemption_beats_block(void **state)
{
	struct filter_spec f = test_filter_ports(test_me(),
						 test_net("198.51.100.9"), true,
						 FILTER_BLOCK, IPPROTO_TCP, 0, 636);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "no-ldap", &r, NULL };
	struct spd_exemption ex[2] = {
		{ test_addr("198.51.100.9"), IPPROTO_TCP, 636 },
		{ test_addr("198.51.100.10"), 0, 443 },
	};
	struct spd_set set = { 0 };
	size_t exempt = 0;

	(void)state;
	assert_int_equal(spd_compile(&ref, 1, &host, ex, 2, &set, NULL), 0);
	for (size_t i = 0; i < set.count; i++) {
		const struct spd_policy *p = &set.items[i];

		if (p->priority != SPD_PRIORITY_EXEMPT)
			continue;
		exempt++;
		assert_int_equal(p->action, SPD_ACTION_ALLOW);
	}
	/* 636/tcp both ways, 443 over TCP and UDP both ways */
	assert_int_equal(exempt, 6);
	for (size_t i = 0; i < set.count; i++)
		if (set.items[i].action == SPD_ACTION_BLOCK)
			assert_true(set.items[i].priority > SPD_PRIORITY_EXEMPT);
	spd_set_clear(&set);
}

static void reqid_stable_and_banded(void **state)
{
	(void)state;
	assert_int_equal(spd_rule_reqid("Secure My Traffic"),
			 spd_rule_reqid("Secure My Traffic"));
	assert_int_not_equal(spd_rule_reqid("a"), spd_rule_reqid("b"));
	/* FNV-1a of "a" is 0xe40c292c */
	assert_int_equal(spd_rule_reqid("a"), 0x140c292c);
	assert_true(spd_rule_reqid("x") >= 0x10000000u);
	assert_true(spd_rule_reqid("x") <= 0x1fffffffu);
}

static void reqid_collision_counted(void **state)
{
	struct filter_spec f = test_filter(test_me(), test_any(), true,
					   FILTER_NEGOTIATE);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	/* two names whose FNV-1a hashes agree in the low 28 bits */
	struct spd_rule_ref refs[3] = {
		{ "rule-18164", &r, NULL }, { "rule-59000", &r, NULL }, { "rule-18164", &r, NULL },
	};
	struct spd_compile_notes notes;
	struct spd_set set = { 0 };

	(void)state;
	assert_int_equal(spd_rule_reqid("rule-18164"), 0x12b21734);
	assert_int_equal(spd_rule_reqid("rule-59000"), 0x12b21734);
	assert_int_equal(spd_compile(refs, 3, &host, NULL, 0, &set, &notes), 0);
	assert_int_equal(notes.reqid_collisions, 1);
	spd_set_clear(&set);

	assert_int_equal(spd_compile(refs, 1, &host, NULL, 0, &set, &notes), 0);
	assert_int_equal(notes.reqid_collisions, 0);
	spd_set_clear(&set);
}

static void hthresh_from_prefixes(void **state)
{
	struct filter_spec f[3] = {
		test_filter(test_net("192.0.2.0/24"), test_me(), false,
			    FILTER_BLOCK),
		test_filter(test_me(), test_net("198.51.100.0/26"), false,
			    FILTER_BLOCK),
		test_filter(test_me(), test_any(), true, FILTER_BLOCK),
	};
	struct rule_spec r = test_rule(f, 3, ACTION_NEGOTIATE, false);
	uint8_t local[2], remote[2];
	struct spd_set set;

	(void)state;
	compile_one(&r, "nets", &set, NULL);
	spd_hthresh_choose(&set, local, remote);
	/* the /0 policies of the third filter are inexact whatever the
	 * thresholds, so only the local /32 and the remote /24 and /26 count */
	assert_int_equal(local[0], 32);
	assert_int_equal(remote[0], 24);
	assert_int_equal(local[1], 128);
	assert_int_equal(remote[1], 128);
	spd_set_clear(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mirrored_me_expands_locals),
		cmocka_unit_test(one_way_filter_to_me_is_inbound),
		cmocka_unit_test(any_pairs_with_family),
		cmocka_unit_test(literal_local_address_one_way),
		cmocka_unit_test(family_mismatch_skipped),
		cmocka_unit_test(more_specific_gets_lower_priority),
		cmocka_unit_test(same_selector_merged),
		cmocka_unit_test(negotiate_templates),
		cmocka_unit_test(tunnel_to_remote_endpoint),
		cmocka_unit_test(dns_name_expands),
		cmocka_unit_test(me_without_addresses_counted),
		cmocka_unit_test(default_filter_installs_nothing),
		cmocka_unit_test(dialup_rule_without_link),
		cmocka_unit_test(exemption_beats_block),
		cmocka_unit_test(reqid_stable_and_banded),
		cmocka_unit_test(reqid_collision_counted),
		cmocka_unit_test(hthresh_from_prefixes),
	};

	locals[0] = test_addr("192.0.2.1");
	locals[1] = test_addr("2001:db8::1");
	host = test_host(locals, 2);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
