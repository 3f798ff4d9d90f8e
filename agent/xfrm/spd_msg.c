#include "spd_msg.h"

#include <errno.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>

static size_t family_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static void selector_encode(const struct spd_selector *s,
			    struct xfrm_selector *x)
{
	memset(x, 0, sizeof(*x));
	memcpy(&x->daddr, s->dst, family_len(s->family));
	memcpy(&x->saddr, s->src, family_len(s->family));
	x->family = (uint16_t)s->family;
	x->prefixlen_d = s->dst_prefix;
	x->prefixlen_s = s->src_prefix;
	x->proto = s->protocol;
	x->ifindex = s->ifindex;
	if (s->dst_port) {
		x->dport = htons(s->dst_port);
		x->dport_mask = 0xffff;
	}
	if (s->src_port) {
		x->sport = htons(s->src_port);
		x->sport_mask = 0xffff;
	}
}

static void selector_decode(const struct xfrm_selector *x,
			    struct spd_selector *s)
{
	memset(s, 0, sizeof(*s));
	s->family = x->family;
	memcpy(s->dst, &x->daddr, family_len(x->family));
	memcpy(s->src, &x->saddr, family_len(x->family));
	s->dst_prefix = x->prefixlen_d;
	s->src_prefix = x->prefixlen_s;
	s->protocol = x->proto;
	s->ifindex = x->ifindex;
	s->dst_port = x->dport_mask ? ntohs(x->dport) : 0;
	s->src_port = x->sport_mask ? ntohs(x->sport) : 0;
}

/*
 * A transport-mode template keeps the family of what it wraps: the
 * selector's, or the tunnel's outer family when it follows a tunnel-mode
 * template (the kernel rejects a family change in transport mode).
 */
static void templates_encode(const struct spd_policy *p,
			     struct xfrm_user_tmpl *out)
{
	int family = p->sel.family;

	for (size_t i = 0; i < p->tmpl_count; i++) {
		const struct spd_tmpl *t = &p->tmpl[i];
		struct xfrm_user_tmpl *x = &out[i];

		memset(x, 0, sizeof(*x));
		if (t->tunnel) {
			family = t->tunnel_dst.family ? t->tunnel_dst.family
						      : t->tunnel_src.family;
			memcpy(&x->id.daddr, t->tunnel_dst.bytes,
			       family_len(family));
			memcpy(&x->saddr, t->tunnel_src.bytes,
			       family_len(family));
			x->mode = XFRM_MODE_TUNNEL;
		} else {
			x->mode = XFRM_MODE_TRANSPORT;
		}
		x->family = (uint16_t)family;
		x->id.proto = t->protocol;
		x->reqid = t->reqid;
		x->optional = t->optional;
		x->aalgos = ~0u;
		x->ealgos = ~0u;
		x->calgos = ~0u;
	}
}

static struct nl_msg *msg_new(int type, int flags, uint32_t seq)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (msg)
		nlmsg_hdr(msg)->nlmsg_seq = seq;
	return msg;
}

struct nl_msg *spd_msg_policy(const struct spd_policy *p, bool update,
			      uint32_t seq)
{
	struct xfrm_userpolicy_info info;
	struct xfrm_user_tmpl tmpl[SPD_TMPL_MAX];
	struct nl_msg *msg;

	msg = msg_new(update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY,
		      NLM_F_REQUEST | NLM_F_ACK, seq);
	if (!msg)
		return NULL;

	memset(&info, 0, sizeof(info));
	selector_encode(&p->sel, &info.sel);
	info.lft.soft_byte_limit = XFRM_INF;
	info.lft.hard_byte_limit = XFRM_INF;
	info.lft.soft_packet_limit = XFRM_INF;
	info.lft.hard_packet_limit = XFRM_INF;
	info.priority = p->priority;
	info.dir = (uint8_t)p->dir;
	info.action = (uint8_t)p->action;
	info.share = XFRM_SHARE_ANY;
	if (nlmsg_append(msg, &info, sizeof(info), NLMSG_ALIGNTO) < 0)
		goto fail;

	if (p->tmpl_count) {
		size_t n = p->tmpl_count > SPD_TMPL_MAX ? SPD_TMPL_MAX
							: p->tmpl_count;

		templates_encode(p, tmpl);
		if (nla_put(msg, XFRMA_TMPL, (int)(n * sizeof(tmpl[0])), tmpl) < 0)
			goto fail;
	}
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

struct nl_msg *spd_msg_delete(const struct spd_policy *p, uint32_t seq)
{
	struct xfrm_userpolicy_id id;
	struct nl_msg *msg;

	msg = msg_new(XFRM_MSG_DELPOLICY, NLM_F_REQUEST | NLM_F_ACK, seq);
	if (!msg)
		return NULL;
	memset(&id, 0, sizeof(id));
	selector_encode(&p->sel, &id.sel);
	id.dir = (uint8_t)p->dir;
	if (nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *spd_msg_dump(uint32_t seq)
{
	struct xfrm_userpolicy_id id;
	struct nl_msg *msg;

	msg = msg_new(XFRM_MSG_GETPOLICY, NLM_F_REQUEST | NLM_F_DUMP, seq);
	if (!msg)
		return NULL;
	memset(&id, 0, sizeof(id));
	if (nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *spd_msg_hthresh(const uint8_t local[2], const uint8_t remote[2],
			       uint32_t seq)
{
	struct xfrmu_spdhthresh v4 = { local[0], remote[0] };
	struct xfrmu_spdhthresh v6 = { local[1], remote[1] };
	uint32_t flags = 0;
	struct nl_msg *msg;

	msg = msg_new(XFRM_MSG_NEWSPDINFO, NLM_F_REQUEST | NLM_F_ACK, seq);
	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &flags, sizeof(flags), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, XFRMA_SPD_IPV4_HTHRESH, sizeof(v4), &v4) < 0 ||
	    nla_put(msg, XFRMA_SPD_IPV6_HTHRESH, sizeof(v6), &v6) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int templates_decode(const struct nlattr *attr, struct spd_policy *p)
{
	const struct xfrm_user_tmpl *x = nla_data(attr);
	size_t n = (size_t)nla_len(attr) / sizeof(*x);

	if ((size_t)nla_len(attr) % sizeof(*x))
		return -EINVAL;
	if (n > SPD_TMPL_MAX)
		return 1;
	for (size_t i = 0; i < n; i++) {
		struct spd_tmpl *t = &p->tmpl[i];

		memset(t, 0, sizeof(*t));
		t->protocol = x[i].id.proto;
		t->reqid = x[i].reqid;
		t->optional = x[i].optional;
		t->tunnel = x[i].mode == XFRM_MODE_TUNNEL;
		if (t->tunnel) {
			t->tunnel_src.family = x[i].family;
			t->tunnel_dst.family = x[i].family;
			memcpy(t->tunnel_src.bytes, &x[i].saddr,
			       family_len(x[i].family));
			memcpy(t->tunnel_dst.bytes, &x[i].id.daddr,
			       family_len(x[i].family));
		} else if (x[i].mode != XFRM_MODE_TRANSPORT) {
			return 1;
		}
	}
	p->tmpl_count = n;
	return 0;
}

static bool attr_nonzero(const struct nlattr *attr)
{
	const uint8_t *data = nla_data(attr);

	for (int i = 0; i < nla_len(attr); i++)
		if (data[i])
			return true;
	return false;
}

int spd_msg_parse_policy(struct nlmsghdr *nlh, struct spd_policy *p)
{
	struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_userpolicy_info copy;
	const struct xfrm_userpolicy_info *info = &copy;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY ||
	    !nlmsg_valid_hdr(nlh, sizeof(*info)))
		return -EINVAL;
	if (nlmsg_parse(nlh, sizeof(*info), tb, XFRMA_MAX, NULL) < 0)
		return -EINVAL;
	/* Netlink aligns to 4 bytes, the 64-bit lifetime fields need 8. */
	memcpy(&copy, nlmsg_data(nlh), sizeof(copy));

	memset(p, 0, sizeof(*p));
	if (info->sel.family != AF_INET && info->sel.family != AF_INET6)
		return 1;
	if ((tb[XFRMA_MARK] && attr_nonzero(tb[XFRMA_MARK])) ||
	    (tb[XFRMA_IF_ID] && attr_nonzero(tb[XFRMA_IF_ID])) ||
	    (tb[XFRMA_POLICY_TYPE] && attr_nonzero(tb[XFRMA_POLICY_TYPE])) ||
	    tb[XFRMA_SEC_CTX])
		return 1;
	selector_decode(&info->sel, &p->sel);
	p->dir = info->dir;
	p->priority = info->priority;
	p->action = info->action;
	if (info->dir > SPD_DIR_FWD || info->action > SPD_ACTION_BLOCK)
		return 1;
	if (tb[XFRMA_TMPL])
		return templates_decode(tb[XFRMA_TMPL], p);
	return 0;
}
