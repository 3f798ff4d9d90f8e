/*
 * Command lines people really ran, parsed by the grammar and compiled:
 * what each one installs on a host with 192.0.2.10 on a LAN interface
 * (index 2) and 203.0.113.77 on a dial-up link (index 3).
 */
#include "compile.h"
#include "grammar.h"
#include "rules.h"
#include "weight.h"

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static struct spd_addr lan_addr, dialup_addr, resolved;
static struct spd_iface ifaces[2];
static struct spd_resolved names[1];
static struct spd_host host;

/* Parse argv (without the program name) and compile its rule. */
static void compile_line(int argc, char *const argv[], struct spd_set *out,
			 struct spd_compile_notes *notes)
{
	struct diag_list diags = { 0 };
	struct command cmd;
	struct spd_rule_ref ref;

	memset(&cmd, 0, sizeof(cmd));
	assert_int_equal(grammar_parse(argc, argv, &cmd, &diags), 0);
	ref.name = cmd.target.rule_count ? cmd.target.rules[0] : "dynamic";
	ref.rule = &cmd.rule;
	ref.skipped = NULL;
	memset(out, 0, sizeof(*out));
	assert_int_equal(spd_compile(&ref, 1, &host, NULL, 0, out, notes), 0);
	command_free(&cmd);
	diag_list_free(&diags);
}

static const struct spd_policy *find_dir(const struct spd_set *set,
					 enum spd_dir dir, size_t nth)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->items[i].dir == dir && nth-- == 0)
			return &set->items[i];
	return NULL;
}

/* *+0:150:TCP -n BLOCK blocks TCP to local port 150 both ways. */
static void mirrored_block_to_me(void **state)
{
	char *argv[] = { "-w", "REG", "-p", "tcptun_fs_server", "-r",
			 "Block TCP/150", "-f", "*+0:150:TCP", "-n", "BLOCK",
			 "-x" };
	const struct spd_policy *in, *out;
	struct spd_set set;

	(void)state;
	compile_line(11, argv, &set, NULL);
	assert_int_equal(set.count, 4);	/* two local addresses, in + out */
	in = find_dir(&set, SPD_DIR_IN, 0);
	out = find_dir(&set, SPD_DIR_OUT, 0);
	assert_non_null(in);
	assert_non_null(out);
	assert_int_equal(in->action, SPD_ACTION_BLOCK);
	assert_int_equal(in->sel.dst_port, 150);
	assert_int_equal(in->sel.src_prefix, 0);
	assert_int_equal(in->sel.protocol, IPPROTO_TCP);
	assert_int_equal(out->sel.src_port, 150);
	assert_int_equal(out->sel.dst_prefix, 0);
	assert_string_equal(in->rule, "Block TCP/150");
	spd_set_clear(&set);
}

/* Two permits for web ports win over a block of everything. */
static void permits_beat_block_all(void **state)
{
	char *argv[] = { "\\\\192.0.2.18", "-f", "(0:80+*::TCP)",
			 "(0:443+*::TCP)", "[0+*]" };
	uint32_t block = 0, permit = UINT32_MAX;
	struct spd_set set;

	(void)state;
	compile_line(5, argv, &set, NULL);
	assert_int_equal(set.count, 3 * 4);
	for (size_t i = 0; i < set.count; i++) {
		const struct spd_policy *p = &set.items[i];

		if (p->action == SPD_ACTION_BLOCK && p->priority > block)
			block = p->priority;
		if (p->action == SPD_ACTION_ALLOW && p->priority < permit)
			permit = p->priority;
	}
	assert_true(block > 0);
	assert_true(permit < UINT32_MAX);
	/* every block is less specific than every permit */
	for (size_t i = 0; i < set.count; i++)
		if (set.items[i].action == SPD_ACTION_BLOCK)
			assert_true(set.items[i].priority > permit);
	spd_set_clear(&set);
}

/* All wildcards block every IPv4 and IPv6 packet both ways. */
static void wildcards_block_everything(void **state)
{
	char *argv[] = { "-w", "REG", "-p", "Firewall", "-r", "Block All",
			 "-f", "*:*:*+*:*:*", "-n", "BLOCK", "-x" };
	struct spd_set set;

	(void)state;
	compile_line(11, argv, &set, NULL);
	assert_int_equal(set.count, 4);
	for (size_t i = 0; i < set.count; i++) {
		assert_int_equal(set.items[i].sel.src_prefix, 0);
		assert_int_equal(set.items[i].sel.dst_prefix, 0);
		assert_int_equal(set.items[i].priority, spd_weight_priority(
			spd_weight(&set.items[i].sel, SPD_RANK_BLOCK)));
	}
	spd_set_clear(&set);
}

/* A DNS name resolves at apply time, and the filter is inbound. */
static void dns_name_blocked_inbound(void **state)
{
	char *argv[] = { "-f", "[host1=0]" };
	struct spd_set set;

	(void)state;
	compile_line(2, argv, &set, NULL);
	assert_int_equal(set.count, 2);	/* to each local address */
	for (size_t i = 0; i < set.count; i++) {
		assert_int_equal(set.items[i].dir, SPD_DIR_IN);
		assert_memory_equal(set.items[i].sel.src, resolved.bytes, 4);
		assert_int_equal(set.items[i].sel.src_prefix, 32);
	}
	spd_set_clear(&set);
}

/* The outbound half of a Windows tunnel pair, on the LAN only. */
static void tunnel_out_on_lan(void **state)
{
	char *argv[] = { "-w", "REG", "-p", "VPNDialer", "-r",
			 "Host-Office-VPN", "-t", "203.0.113.1", "-f",
			 "192.0.2.10/255.255.255.255=198.51.100.0/255.255.255.0",
			 "-n", "ESP[SHA,3DES]3600S/50000KPFS", "-a",
			 "PRESHARE:examplepsk", "-lan", "-1p" };
	struct spd_addr gw = test_addr("203.0.113.1");
	const struct spd_policy *p;
	struct spd_set set;

	(void)state;
	compile_line(16, argv, &set, NULL);
	assert_int_equal(set.count, 1);
	p = &set.items[0];
	assert_int_equal(p->dir, SPD_DIR_OUT);
	assert_int_equal(p->sel.ifindex, 2);
	assert_int_equal(p->sel.dst_prefix, 24);
	assert_int_equal(p->tmpl_count, 1);
	assert_int_equal(p->tmpl[0].protocol, IPPROTO_ESP);
	assert_true(p->tmpl[0].tunnel);
	assert_memory_equal(p->tmpl[0].tunnel_dst.bytes, gw.bytes, 4);
	assert_int_equal(p->tmpl[0].reqid, spd_rule_reqid("Host-Office-VPN"));
	spd_set_clear(&set);
}

/* The inbound half names this host as endpoint and is -dialup. An
 * inbound selector cannot name the receiving link, so nothing is
 * installed and notes.inbound_unrestricted counts the skipped policies. */
static void tunnel_in_on_dialup(void **state)
{
	char *argv[] = { "-w", "REG", "-p", "VPNDialer", "-r",
			 "Office-VPN-Host", "-t", "192.0.2.10", "-f",
			 "198.51.100.0/255.255.255.0=192.0.2.10/255.255.255.255",
			 "-n", "ESP[none,3DES]3600S/50000K", "-a",
			 "CERT:CN=VPN CA, O=Example, C=DE", "-dialup" };
	struct spd_compile_notes notes;
	struct spd_set set;

	(void)state;
	compile_line(15, argv, &set, &notes);
	assert_int_equal(set.count, 0);
	assert_int_equal(notes.inbound_unrestricted, 2);	/* in + fwd */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mirrored_block_to_me),
		cmocka_unit_test(permits_beat_block_all),
		cmocka_unit_test(wildcards_block_everything),
		cmocka_unit_test(dns_name_blocked_inbound),
		cmocka_unit_test(tunnel_out_on_lan),
		cmocka_unit_test(tunnel_in_on_dialup),
	};

	lan_addr = test_addr("192.0.2.10");
	dialup_addr = test_addr("203.0.113.77");
	resolved = test_addr("198.51.100.50");
	ifaces[0] = (struct spd_iface){ .ifindex = 2, .addrs = &lan_addr,
					.addr_count = 1 };
	ifaces[1] = (struct spd_iface){ .ifindex = 3, .dialup = true,
					.addrs = &dialup_addr, .addr_count = 1 };
	names[0] = (struct spd_resolved){ "host1", &resolved, 1 };
	host = (struct spd_host){ .ifaces = ifaces, .iface_count = 2,
				  .names = names, .name_count = 1 };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
