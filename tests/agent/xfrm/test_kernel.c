/*
 * XFRM policies applied to a real kernel. Runs inside network namespace A
 * (started by kernel.sh under `ip netns exec`), which a veth pair joins to
 * namespace B named by $XFRM_TEST_PEER_NS:
 *   A: 192.0.2.1/24, 192.0.2.11/24, 198.51.100.1/24
 *   B: 192.0.2.2/24, 192.0.2.3/24,  198.51.100.2/24
 * Traffic is real ping (with -I, so no UDP probe runs first) and TCP (nc).
 */
#include "compile.h"
#include "rules.h"
#include "spd.h"
#include "weight.h"

#include <errno.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <cmocka.h>

static const char *peer_ns;
static struct spd_addr local_addrs[3];
static struct spd_host host;

static int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int shell(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n, status;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Ping from this namespace: 0 when the echo reply came back. */
static int ping_out(const char *src, const char *dst)
{
	return shell("ping -n -q -c 1 -W 1 -I %s %s >/dev/null 2>&1", src, dst);
}

/* Ping from the peer namespace into this one. */
static int ping_in(const char *src, const char *dst)
{
	return shell("ip netns exec %s ping -n -q -c 1 -W 1 -I %s %s "
		     ">/dev/null 2>&1", peer_ns, src, dst);
}

static unsigned long xfrm_stat(const char *name)
{
	FILE *f = fopen("/proc/net/xfrm_stat", "r");
	char key[64];
	unsigned long value, found = 0;

	assert_non_null(f);
	while (fscanf(f, "%63s %lu", key, &value) == 2)
		if (!strcmp(key, name))
			found = value;
	fclose(f);
	return found;
}

static int compile_rules(const struct spd_rule_ref *refs, size_t count,
			 struct spd_set *out)
{
	memset(out, 0, sizeof(*out));
	return spd_compile(refs, count, &host, NULL, 0, out, NULL);
}

static void apply_ok(struct spd_handle *h, const struct spd_set *set)
{
	char err[SPD_ERROR_MAX];
	int ret = spd_apply(h, set, NULL, err);

	if (ret)
		fprintf(stderr, "apply failed: %s\n", err);
	assert_int_equal(ret, 0);
}

static int setup(void **state)
{
	struct spd_handle *h = spd_open();

	if (!h)
		return -1;
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct spd_set empty = { 0 };
	struct spd_handle *h = *state;
	int ret = spd_apply(h, &empty, NULL, NULL);

	spd_close(h);
	return ret;
}

static void block_filter_blocks_ping(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec f = test_filter(test_me(), test_net("192.0.2.2"),
					   true, FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "block-peer", &r, NULL };
	struct spd_set set, empty = { 0 };
	unsigned long in_blocks = xfrm_stat("XfrmInPolBlock");

	assert_int_equal(ping_out("192.0.2.1", "192.0.2.2"), 0);
	assert_int_equal(compile_rules(&ref, 1, &set), 0);
	apply_ok(h, &set);

	assert_int_not_equal(ping_out("192.0.2.1", "192.0.2.2"), 0);
	assert_int_not_equal(ping_in("192.0.2.2", "192.0.2.1"), 0);
	assert_true(xfrm_stat("XfrmInPolBlock") > in_blocks);
	assert_int_equal(ping_out("192.0.2.1", "192.0.2.3"), 0);

	apply_ok(h, &empty);
	assert_int_equal(ping_out("192.0.2.1", "192.0.2.2"), 0);
	assert_int_equal(ping_in("192.0.2.2", "192.0.2.1"), 0);
	spd_set_clear(&set);
}

/* Block everything, permit one peer: the peer passes whichever rule
 * comes first, and on one selector block beats permit. */
static void specific_filter_wins(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec block_all = test_filter(test_me(), test_any(), true,
						   FILTER_BLOCK);
	struct filter_spec permit_peer = test_filter(test_me(),
						     test_net("192.0.2.2"),
						     true, FILTER_PERMIT);
	struct filter_spec permit_3 = test_filter(test_me(),
						  test_net("192.0.2.3"), true,
						  FILTER_PERMIT);
	struct filter_spec block_3 = test_filter(test_me(),
						 test_net("192.0.2.3"), true,
						 FILTER_BLOCK);
	struct rule_spec r1 = test_rule(&block_all, 1, ACTION_NEGOTIATE, false);
	struct rule_spec r2 = test_rule(&permit_peer, 1, ACTION_NEGOTIATE, false);
	struct rule_spec r3 = test_rule(&permit_3, 1, ACTION_NEGOTIATE, false);
	struct rule_spec r4 = test_rule(&block_3, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref orders[2][4] = {
		{ { "all", &r1, NULL }, { "peer", &r2, NULL }, { "p3", &r3, NULL }, { "b3", &r4, NULL } },
		{ { "b3", &r4, NULL }, { "p3", &r3, NULL }, { "peer", &r2, NULL }, { "all", &r1, NULL } },
	};

	for (int i = 0; i < 2; i++) {
		struct spd_set set;

		assert_int_equal(compile_rules(orders[i], 4, &set), 0);
		apply_ok(h, &set);
		assert_int_equal(ping_out("192.0.2.1", "192.0.2.2"), 0);
		assert_int_equal(ping_in("192.0.2.2", "192.0.2.1"), 0);
		assert_int_not_equal(ping_out("192.0.2.1", "192.0.2.3"), 0);
		assert_int_not_equal(ping_in("192.0.2.3", "192.0.2.11"), 0);
		spd_set_clear(&set);
	}
}

static void tcp_port_filter(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec f = test_filter_ports(test_me(),
						 test_net("192.0.2.2"), true,
						 FILTER_BLOCK, 6, 0, 8080);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "no-8080", &r, NULL };
	struct spd_set set;

	assert_int_equal(shell("ip netns exec %s sh -c 'timeout 8 nc -lk "
			       "192.0.2.2 8080 >/dev/null 2>&1 & timeout 8 "
			       "nc -lk 192.0.2.2 8081 >/dev/null 2>&1 &'",
			       peer_ns), 0);
	usleep(300 * 1000);
	assert_int_equal(shell("nc -z -w 2 192.0.2.2 8080"), 0);

	assert_int_equal(compile_rules(&ref, 1, &set), 0);
	apply_ok(h, &set);
	assert_int_not_equal(shell("nc -z -w 2 192.0.2.2 8080 2>/dev/null"), 0);
	assert_int_equal(shell("nc -z -w 2 192.0.2.2 8081"), 0);
	spd_set_clear(&set);
}

/*
 * Toggle one rule 40 times while 400 pings governed by another rule
 * flow. A block-all rule behind the permit drops any ping that finds no
 * permit policy.
 */
static void change_without_loss(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec block_all = test_filter(test_me(), test_any(), true,
						   FILTER_BLOCK);
	struct filter_spec permit_peer = test_filter(test_me(),
						     test_net("192.0.2.2"),
						     true, FILTER_PERMIT);
	struct filter_spec toggled[2] = {
		test_filter(test_me(), test_net("198.51.100.2"), true,
			    FILTER_PERMIT),
		test_filter(test_me(), test_net("198.51.100.0/24"), true,
			    FILTER_PERMIT),
	};
	struct rule_spec r1 = test_rule(&block_all, 1, ACTION_NEGOTIATE, false);
	struct rule_spec r2 = test_rule(&permit_peer, 1, ACTION_NEGOTIATE, false);
	struct rule_spec r3 = test_rule(toggled, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref refs[3] = {
		{ "all", &r1, NULL }, { "peer", &r2, NULL }, { "other", &r3, NULL },
	};
	char line[256], cmd[256];
	bool saw_summary = false;
	FILE *ping;

	for (int i = 0; i < 2; i++) {
		struct spd_set set;

		r3.qm.action = ACTION_NEGOTIATE;
		assert_int_equal(compile_rules(refs, 3, &set), 0);
		apply_ok(h, &set);
		spd_set_clear(&set);
	}

	snprintf(cmd, sizeof(cmd), "ip netns exec %s ping -n -q -c 400 "
		 "-i 0.005 -W 1 -I 192.0.2.2 192.0.2.1 2>&1", peer_ns);
	ping = popen(cmd, "r");
	assert_non_null(ping);
	for (int i = 0; i < 40; i++) {
		struct spd_set set;

		r3.filters.items = &toggled[i % 2];
		r3.qm.action = i % 3 ? ACTION_PERMIT : ACTION_BLOCK;
		assert_int_equal(compile_rules(refs, 3, &set), 0);
		apply_ok(h, &set);
		spd_set_clear(&set);
		usleep(20 * 1000);
	}
	while (fgets(line, sizeof(line), ping)) {
		if (strstr(line, "packets transmitted")) {
			saw_summary = true;
			fprintf(stderr, "%s", line);
			assert_non_null(strstr(line, "400 received"));
		}
	}
	assert_int_equal(pclose(ping), 0);
	assert_true(saw_summary);
}

static void foreign_policy_untouched(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec clash = test_filter(test_net("198.51.100.0/24"),
					       test_net("198.51.100.0/24"),
					       false, FILTER_BLOCK);
	struct filter_spec peer = test_filter(test_me(), test_net("192.0.2.2"),
					      true, FILTER_BLOCK);
	struct rule_spec r1 = test_rule(&peer, 1, ACTION_NEGOTIATE, false);
	struct rule_spec r2 = test_rule(&clash, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref refs[2] = { { "peer", &r1, NULL }, { "clash", &r2, NULL } };
	struct spd_set one, two, empty = { 0 }, now = { 0 };
	char err[SPD_ERROR_MAX];

	assert_int_equal(shell("ip xfrm policy add src 198.51.100.0/24 dst "
			       "198.51.100.0/24 dir out priority 5 action "
			       "allow"), 0);
	assert_int_equal(compile_rules(refs, 1, &one), 0);
	assert_int_equal(compile_rules(refs, 2, &two), 0);
	apply_ok(h, &one);
	apply_ok(h, &empty);
	assert_int_equal(shell("ip xfrm policy get src 198.51.100.0/24 dst "
			       "198.51.100.0/24 dir out | grep -q 'priority 5 '"),
			 0);

	/* The same selector as the foreign policy: refused, not replaced. */
	apply_ok(h, &one);
	assert_int_equal(spd_apply(h, &two, NULL, err), -EEXIST);
	fprintf(stderr, "%s\n", err);
	assert_non_null(strstr(err, "another program"));
	assert_non_null(strstr(err, "clash"));
	assert_int_equal(shell("ip xfrm policy get src 198.51.100.0/24 dst "
			       "198.51.100.0/24 dir out | grep -q 'dir out "
			       "priority 5 '"), 0);
	assert_int_not_equal(shell("ip xfrm policy get src 198.51.100.0/24 dst "
				   "198.51.100.0/24 dir out | grep -q 'action "
				   "block'"), 0);
	assert_int_equal(spd_read(h, &now), 0);
	assert_int_equal(now.count, one.count);

	apply_ok(h, &empty);
	assert_int_equal(shell("ip xfrm policy delete src 198.51.100.0/24 dst "
			       "198.51.100.0/24 dir out"), 0);
	spd_set_clear(&one);
	spd_set_clear(&two);
	spd_set_clear(&now);
}

static void assert_kernel_holds(struct spd_handle *h, const struct spd_set *s)
{
	struct spd_set now = { 0 };

	assert_int_equal(spd_read(h, &now), 0);
	assert_int_equal(now.count, s->count);
	for (size_t i = 0; i < s->count; i++) {
		assert_int_equal(spd_policy_key_cmp(&now.items[i], &s->items[i]), 0);
		assert_true(spd_policy_content_equal(&now.items[i], &s->items[i]));
		assert_string_equal(now.items[i].rule, s->items[i].rule);
	}
	spd_set_clear(&now);
}

/* A failure in the middle of an apply restores the previous set, and the
 * error carries the kernel's extended ACK text. */
static void rollback_after_failure(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec f1[2] = {
		test_filter(test_me(), test_net("192.0.2.2"), true, FILTER_BLOCK),
		test_filter(test_me(), test_net("192.0.2.3"), true, FILTER_PERMIT),
	};
	struct filter_spec f2[3] = {
		test_filter(test_me(), test_net("192.0.2.3"), true, FILTER_BLOCK),
		test_filter(test_me(), test_net("198.51.100.2"), true, FILTER_BLOCK),
		test_filter(test_me(), test_net("198.51.100.3"), true, FILTER_BLOCK),
	};
	struct rule_spec r1 = test_rule(f1, 2, ACTION_NEGOTIATE, false);
	struct rule_spec r2 = test_rule(f2, 3, ACTION_NEGOTIATE, false);
	struct spd_rule_ref first = { "first", &r1, NULL }, second = { "second", &r2, NULL };
	struct spd_set one, two;
	struct spd_apply_stats stats;
	char err[SPD_ERROR_MAX];

	assert_int_equal(compile_rules(&first, 1, &one), 0);
	assert_int_equal(compile_rules(&second, 1, &two), 0);
	apply_ok(h, &one);

	for (size_t at = 1; at <= 7; at += 3) {
		spd_inject_failure(h, at);
		assert_int_equal(spd_apply(h, &two, &stats, err), -EINVAL);
		fprintf(stderr, "%s\n", err);
		assert_true(stats.rolled_back);
		assert_non_null(strstr(err, "Invalid argument: "));
		assert_kernel_holds(h, &one);
		assert_int_not_equal(ping_out("192.0.2.1", "192.0.2.2"), 0);
		assert_int_equal(ping_out("192.0.2.1", "192.0.2.3"), 0);
	}
	apply_ok(h, &two);
	assert_kernel_holds(h, &two);
	spd_set_clear(&one);
	spd_set_clear(&two);
}

/* With no SA, an ESP template drops the traffic (XfrmOutNoStates). */
static void negotiate_installs_templates(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec f = test_filter(test_me(), test_net("192.0.2.2"),
					   true, FILTER_NEGOTIATE);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, true);
	struct spd_rule_ref ref = { "secure-peer", &r, NULL };
	struct spd_set set, now = { 0 };
	unsigned long before = xfrm_stat("XfrmOutNoStates");

	assert_int_equal(compile_rules(&ref, 1, &set), 0);
	apply_ok(h, &set);
	assert_int_equal(spd_read(h, &now), 0);
	assert_int_equal(now.count, 6);	/* 3 local addresses, out and in */
	for (size_t i = 0; i < now.count; i++) {
		assert_int_equal(now.items[i].tmpl_count, 2);
		assert_int_equal(now.items[i].tmpl[0].protocol, 50);
		assert_int_equal(now.items[i].tmpl[1].protocol, 51);
		assert_int_equal(now.items[i].tmpl[0].reqid,
				 spd_rule_reqid("secure-peer"));
		assert_string_equal(now.items[i].rule, "secure-peer");
	}
	assert_int_equal(shell("ip xfrm policy list dir out | grep -q "
			       "'proto esp reqid %u mode transport'",
			       spd_rule_reqid("secure-peer")), 0);

	assert_int_not_equal(ping_out("192.0.2.1", "192.0.2.2"), 0);
	assert_true(xfrm_stat("XfrmOutNoStates") > before);
	assert_int_equal(ping_out("192.0.2.1", "192.0.2.3"), 0);
	spd_set_clear(&set);
	spd_set_clear(&now);
}

/* inpass: clear inbound traffic is accepted (optional inbound template),
 * but the reply must go out secured and is dropped for want of an SA. */
static void inpass_accepts_clear_inbound(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec f = test_filter(test_me(), test_net("192.0.2.2"),
					   true, FILTER_NEGOTIATE);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "inpass", &r, NULL };
	struct spd_set set;
	unsigned long mismatch, no_states;

	for (int inpass = 0; inpass < 2; inpass++) {
		r.qm.inpass = inpass;
		assert_int_equal(compile_rules(&ref, 1, &set), 0);
		apply_ok(h, &set);
		mismatch = xfrm_stat("XfrmInTmplMismatch");
		no_states = xfrm_stat("XfrmOutNoStates");
		assert_int_not_equal(ping_in("192.0.2.2", "192.0.2.1"), 0);
		if (inpass) {
			assert_int_equal(xfrm_stat("XfrmInTmplMismatch"), mismatch);
			assert_true(xfrm_stat("XfrmOutNoStates") > no_states);
		} else {
			assert_true(xfrm_stat("XfrmInTmplMismatch") > mismatch);
			assert_int_equal(xfrm_stat("XfrmOutNoStates"), no_states);
		}
		spd_set_clear(&set);
	}
}

/* Tunnel, AH+ESP, soft and inpass templates as the kernel stores them. */
static void tunnel_templates_accepted(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec f[2] = {
		test_filter(test_net("192.0.2.0/24"), test_net("198.51.100.0/24"),
			    true, FILTER_NEGOTIATE),
		test_filter(test_me(), test_net("192.0.2.3"), true,
			    FILTER_NEGOTIATE),
	};
	struct rule_spec tunnel = test_rule(&f[0], 1, ACTION_NEGOTIATE, true);
	struct rule_spec soft = test_rule(&f[1], 1, ACTION_NEGOTIATE, true);
	struct spd_rule_ref refs[2] = { { "tunnel", &tunnel, NULL }, { "soft", &soft, NULL } };
	struct spd_set set;

	tunnel.has_tunnel = true;
	tunnel.tunnel = test_net("192.0.2.2");
	tunnel.soft = true;
	tunnel.qm.inpass = true;
	soft.soft = true;
	assert_int_equal(compile_rules(refs, 2, &set), 0);
	assert_int_equal(set.count, 3 + 6);
	apply_ok(h, &set);
	assert_kernel_holds(h, &set);
	assert_int_equal(shell("ip xfrm policy list dir fwd | grep -q "
			       "'tmpl src 192.0.2.2 dst 0.0.0.0'"), 0);
	assert_int_equal(shell("ip xfrm policy list dir out | grep -q "
			       "'tmpl src 0.0.0.0 dst 192.0.2.2'"), 0);
	/* soft transport rule: no SA, so traffic goes out in the clear */
	assert_int_equal(ping_out("192.0.2.1", "192.0.2.3"), 0);
	spd_set_clear(&set);
}

/* A new handle finds the set an earlier one installed and changes
 * nothing when asked for the same set. */
static void reconcile_after_restart(void **state)
{
	struct spd_handle *h = *state, *again;
	struct filter_spec f[2] = {
		test_filter(test_me(), test_net("192.0.2.2"), true, FILTER_BLOCK),
		test_filter(test_me(), test_any(), true, FILTER_NEGOTIATE),
	};
	struct rule_spec r = test_rule(f, 2, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "kept", &r, NULL };
	struct spd_apply_stats stats;
	struct spd_set set;

	assert_int_equal(shell("ip xfrm policy add src 198.51.100.0/24 dst "
			       "198.51.100.0/24 dir in priority 5 action "
			       "block"), 0);
	assert_int_equal(compile_rules(&ref, 1, &set), 0);
	apply_ok(h, &set);

	again = spd_open();
	assert_non_null(again);
	assert_int_equal(spd_reconcile(again), 0);
	assert_int_equal(spd_installed(again)->count, set.count);
	assert_int_equal(spd_apply(again, &set, &stats, NULL), 0);
	assert_int_equal(stats.unchanged, set.count);
	assert_int_equal(stats.added + stats.updated + stats.deleted, 0);
	spd_close(again);

	assert_int_equal(shell("ip xfrm policy delete src 198.51.100.0/24 dst "
			       "198.51.100.0/24 dir in"), 0);
	spd_set_clear(&set);
}

static void hthresh_follows_prefixes(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec f = test_filter(test_net("192.0.2.0/24"),
					   test_net("198.51.100.0/24"), true,
					   FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "nets", &r, NULL };
	struct spd_set set, empty = { 0 };

	assert_int_equal(compile_rules(&ref, 1, &set), 0);
	apply_ok(h, &set);
	assert_int_equal(spd_tune_hthresh(h, &set), 0);
	assert_int_equal(shell("ip -s -s xfrm policy count | grep -q "
			       "'IPv4 thresholds: local 24 remote 24'"), 0);
	assert_int_equal(spd_tune_hthresh(h, &empty), 0);
	assert_int_equal(shell("ip -s -s xfrm policy count | grep -q "
			       "'IPv4 thresholds: local 32 remote 32'"), 0);
	spd_set_clear(&set);
}

/* -lan puts the LAN interface's index into outbound selectors. An
 * inbound policy with that index would never match: for local delivery
 * the kernel compares it with the loopback device, which this test
 * checks too. */
static void lan_rule_uses_ifindex(void **state)
{
	struct spd_handle *h = *state;
	struct filter_spec f = test_filter(test_me(), test_net("192.0.2.2"),
					   true, FILTER_BLOCK);
	struct rule_spec r = test_rule(&f, 1, ACTION_NEGOTIATE, false);
	struct spd_rule_ref ref = { "lan", &r, NULL };
	struct spd_iface iface = host.ifaces[0];
	struct spd_host lan_host = { .ifaces = &iface, .iface_count = 1 };
	struct spd_set set = { 0 };
	int veth = (int)if_nametoindex("xfa0");

	assert_int_not_equal(veth, 0);
	iface.ifindex = veth;
	r.conn = CONN_DIALUP;
	assert_int_equal(spd_compile(&ref, 1, &lan_host, NULL, 0, &set, NULL), 0);
	assert_int_equal(set.count, 0);

	r.conn = CONN_LAN;
	assert_int_equal(spd_compile(&ref, 1, &lan_host, NULL, 0, &set, NULL), 0);
	apply_ok(h, &set);
	assert_int_equal(shell("ip xfrm policy list dir out | grep -q 'dev xfa0'"),
			 0);
	assert_int_not_equal(ping_out("192.0.2.1", "192.0.2.2"), 0);
	assert_int_equal(ping_out("192.0.2.1", "192.0.2.3"), 0);
	spd_set_clear(&set);
	apply_ok(h, &set);

	/* the kernel fact behind outbound-only: an inbound block naming the
	 * veth misses, one naming the loopback device hits */
	assert_int_equal(shell("ip xfrm policy add src 192.0.2.2/32 dst "
			       "192.0.2.1/32 dev xfa0 dir in action block"), 0);
	assert_int_equal(ping_in("192.0.2.2", "192.0.2.1"), 0);
	assert_int_equal(shell("ip xfrm policy add src 192.0.2.2/32 dst "
			       "192.0.2.1/32 dev lo dir in action block"), 0);
	assert_int_not_equal(ping_in("192.0.2.2", "192.0.2.1"), 0);
	assert_int_equal(shell("ip xfrm policy delete src 192.0.2.2/32 dst "
			       "192.0.2.1/32 dev xfa0 dir in && ip xfrm policy "
			       "delete src 192.0.2.2/32 dst 192.0.2.1/32 dev lo "
			       "dir in"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(block_filter_blocks_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(specific_filter_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(tcp_port_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(change_without_loss, setup, teardown),
		cmocka_unit_test_setup_teardown(foreign_policy_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_after_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(negotiate_installs_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(inpass_accepts_clear_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(tunnel_templates_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(reconcile_after_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(hthresh_follows_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(lan_rule_uses_ifindex, setup, teardown),
	};

	peer_ns = getenv("XFRM_TEST_PEER_NS");
	if (!peer_ns) {
		fprintf(stderr, "test_kernel: run it through kernel.sh, which "
			"sets XFRM_TEST_PEER_NS\n");
		return 2;
	}
	local_addrs[0] = test_addr("192.0.2.1");
	local_addrs[1] = test_addr("192.0.2.11");
	local_addrs[2] = test_addr("198.51.100.1");
	host = test_host(local_addrs, 3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
