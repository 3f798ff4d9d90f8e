/* Netlink requests built by spd_msg.c, checked byte by byte. */
#include "rules.h"
#include "spd_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <netlink/attr.h>

static struct spd_policy tcp_policy(void)
{
	struct spd_policy p;
	struct spd_addr src = test_addr("192.0.2.1"), dst = test_addr("192.0.2.2");

	memset(&p, 0, sizeof(p));
	p.sel.family = AF_INET;
	memcpy(p.sel.src, src.bytes, 16);
	memcpy(p.sel.dst, dst.bytes, 16);
	p.sel.src_prefix = 32;
	p.sel.dst_prefix = 32;
	p.sel.protocol = IPPROTO_TCP;
	p.sel.dst_port = 80;
	p.dir = SPD_DIR_OUT;
	p.priority = 12345;
	p.action = SPD_ACTION_BLOCK;
	return p;
}

static void delete_bytes(void **state)
{
	static const uint8_t expected[80] = {
		/* nlmsghdr: length 80, XFRM_MSG_DELPOLICY, REQUEST|ACK, seq 7 */
		0x50, 0, 0, 0, 0x14, 0, 0x05, 0, 7, 0, 0, 0, 0, 0, 0, 0,
		/* selector daddr, saddr */
		192, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* dport 80 (network order), mask, sport, mask, AF_INET */
		0, 80, 0xff, 0xff, 0, 0, 0, 0, 2, 0,
		/* prefixlen_d, prefixlen_s, proto TCP, padding */
		32, 32, 6, 0, 0, 0,
		/* ifindex, user, index */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* dir out, padding */
		1, 0, 0, 0,
	};
	struct spd_policy p = tcp_policy();
	struct nl_msg *msg = spd_msg_delete(&p, 7);
	struct nlmsghdr *nlh;

	(void)state;
	assert_non_null(msg);
	nlh = nlmsg_hdr(msg);
	assert_int_equal(nlh->nlmsg_len, sizeof(expected));
	assert_memory_equal(nlh, expected, sizeof(expected));
	nlmsg_free(msg);
}

static void ipv6_selector(void **state)
{
	struct spd_addr src = test_addr("2001:db8::1");
	struct spd_addr dst = test_addr("2001:db8:5::");
	struct xfrm_userpolicy_info *info;
	struct spd_policy p, back;
	struct nl_msg *msg;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.sel.family = AF_INET6;
	memcpy(p.sel.src, src.bytes, 16);
	memcpy(p.sel.dst, dst.bytes, 16);
	p.sel.src_prefix = 128;
	p.sel.dst_prefix = 48;
	p.dir = SPD_DIR_IN;
	msg = spd_msg_policy(&p, false, 1);
	assert_non_null(msg);
	info = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(info->sel.family, AF_INET6);
	assert_memory_equal(&info->sel.saddr, src.bytes, 16);
	assert_memory_equal(&info->sel.daddr, dst.bytes, 16);
	assert_int_equal(info->sel.prefixlen_s, 128);
	assert_int_equal(info->sel.prefixlen_d, 48);
	assert_int_equal(info->dir, XFRM_POLICY_IN);
	assert_int_equal(spd_msg_parse_policy(nlmsg_hdr(msg), &back), 0);
	assert_int_equal(spd_policy_key_cmp(&p, &back), 0);
	nlmsg_free(msg);
}

static void policy_fields(void **state)
{
	struct spd_policy p = tcp_policy();
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_info *info;

	(void)state;
	msg = spd_msg_policy(&p, false, 9);
	assert_non_null(msg);
	nlh = nlmsg_hdr(msg);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_NEWPOLICY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 9);
	/* no templates: the header and the policy info, nothing else */
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*info)));
	info = nlmsg_data(nlh);
	assert_int_equal(info->priority, 12345);
	assert_int_equal(info->dir, XFRM_POLICY_OUT);
	assert_int_equal(info->action, XFRM_POLICY_BLOCK);
	assert_int_equal(info->sel.dport, htons(80));
	assert_int_equal(info->sel.dport_mask, 0xffff);
	assert_int_equal(info->sel.sport_mask, 0);
	assert_true(info->lft.hard_byte_limit == XFRM_INF);
	nlmsg_free(msg);

	msg = spd_msg_policy(&p, true, 10);
	assert_non_null(msg);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_UPDPOLICY);
	nlmsg_free(msg);
}

static void tunnel_templates(void **state)
{
	struct spd_policy p = tcp_policy();
	struct spd_addr gw = test_addr("203.0.113.5");
	const struct xfrm_user_tmpl *t;
	struct nlattr *tb[XFRMA_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	p.action = SPD_ACTION_ALLOW;
	p.tmpl_count = 2;
	p.tmpl[0] = (struct spd_tmpl){ .protocol = IPPROTO_ESP, .tunnel = true,
				       .reqid = 0x12345678 };
	p.tmpl[0].tunnel_src.family = AF_INET;
	p.tmpl[0].tunnel_dst = gw;
	p.tmpl[1] = (struct spd_tmpl){ .protocol = IPPROTO_AH,
				       .reqid = 0x12345678, .optional = true };
	msg = spd_msg_policy(&p, false, 1);
	assert_non_null(msg);
	assert_int_equal(nlmsg_parse(nlmsg_hdr(msg),
				     sizeof(struct xfrm_userpolicy_info), tb,
				     XFRMA_MAX, NULL), 0);
	assert_non_null(tb[XFRMA_TMPL]);
	assert_int_equal(nla_len(tb[XFRMA_TMPL]), 2 * sizeof(*t));
	t = nla_data(tb[XFRMA_TMPL]);
	assert_int_equal(t[0].id.proto, IPPROTO_ESP);
	assert_int_equal(t[0].mode, XFRM_MODE_TUNNEL);
	assert_int_equal(t[0].family, AF_INET);
	assert_memory_equal(&t[0].id.daddr, gw.bytes, 4);
	assert_int_equal(t[0].reqid, 0x12345678);
	assert_int_equal(t[0].optional, 0);
	assert_true(t[0].ealgos == ~0u);
	assert_int_equal(t[1].id.proto, IPPROTO_AH);
	assert_int_equal(t[1].mode, XFRM_MODE_TRANSPORT);
	assert_int_equal(t[1].family, AF_INET);
	assert_int_equal(t[1].optional, 1);
	nlmsg_free(msg);
}

static void parse_round_trip(void **state)
{
	struct spd_policy p = tcp_policy(), back;
	struct nl_msg *msg;

	(void)state;
	p.tmpl_count = 1;
	p.tmpl[0] = (struct spd_tmpl){ .protocol = IPPROTO_ESP, .reqid = 77 };
	msg = spd_msg_policy(&p, false, 1);
	assert_non_null(msg);
	assert_int_equal(spd_msg_parse_policy(nlmsg_hdr(msg), &back), 0);
	assert_int_equal(spd_policy_key_cmp(&p, &back), 0);
	assert_true(spd_policy_content_equal(&p, &back));
	nlmsg_free(msg);

	/* a marked policy belongs to the program that set the mark */
	msg = spd_msg_policy(&p, false, 1);
	assert_non_null(msg);
	{
		struct xfrm_mark mark = { 1, 0xff };

		assert_int_equal(nla_put(msg, XFRMA_MARK, sizeof(mark), &mark), 0);
	}
	assert_int_equal(spd_msg_parse_policy(nlmsg_hdr(msg), &back), 1);
	nlmsg_free(msg);

	msg = spd_msg_delete(&p, 1);
	assert_non_null(msg);
	assert_int_equal(spd_msg_parse_policy(nlmsg_hdr(msg), &back), -EINVAL);
	nlmsg_free(msg);
}

static void hthresh_attributes(void **state)
{
	const uint8_t local[2] = { 24, 64 }, remote[2] = { 28, 96 };
	struct nlattr *tb[XFRMA_SPD_MAX + 1];
	const struct xfrmu_spdhthresh *v4, *v6;
	struct nl_msg *msg = spd_msg_hthresh(local, remote, 3);

	(void)state;
	assert_non_null(msg);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_NEWSPDINFO);
	assert_int_equal(nlmsg_parse(nlmsg_hdr(msg), sizeof(uint32_t), tb,
				     XFRMA_SPD_MAX, NULL), 0);
	assert_non_null(tb[XFRMA_SPD_IPV4_HTHRESH]);
	assert_non_null(tb[XFRMA_SPD_IPV6_HTHRESH]);
	v4 = nla_data(tb[XFRMA_SPD_IPV4_HTHRESH]);
	v6 = nla_data(tb[XFRMA_SPD_IPV6_HTHRESH]);
	assert_int_equal(v4->lbits, 24);
	assert_int_equal(v4->rbits, 28);
	assert_int_equal(v6->lbits, 64);
	assert_int_equal(v6->rbits, 96);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delete_bytes),
		cmocka_unit_test(policy_fields),
		cmocka_unit_test(ipv6_selector),
		cmocka_unit_test(tunnel_templates),
		cmocka_unit_test(parse_round_trip),
		cmocka_unit_test(hthresh_attributes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
