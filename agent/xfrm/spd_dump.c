#include "spd_internal.h"
#include "spd_msg.h"
#include "weight.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Dump the SPD and keep the agent's policies. The dump is parsed with
 * libnl's plain message and attribute functions: libnl-xfrm-3 3.7.0 leaks
 * about 48 bytes per policy plus 48 per template it reads back, which a
 * daemon reconciling for months cannot afford.
 */
static int dump_agent_policies(struct spd_handle *h, struct spd_set *out)
{
	int fd = nl_socket_get_fd(h->sock);
	struct nl_msg *msg = spd_msg_dump(h->seq++);
	uint32_t seq;
	ssize_t sent;
	int ret = -ENOMEM;

	if (!msg)
		goto out;
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	do
		sent = send(fd, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len, 0);
	while (sent < 0 && errno == EINTR);
	if (sent < 0) {
		ret = -errno;
		goto out;
	}

	for (;;) {
		ssize_t len = recv(fd, h->recv_buf, SPD_RECV_SIZE, 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)h->recv_buf;
		int left = (int)len;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			ret = -errno;
			goto out;
		}
		for (; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			struct spd_policy p;

			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				ret = 0;
				goto out;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				goto out;
			}
			if (spd_msg_parse_policy(nlh, &p) != 0 ||
			    !spd_priority_is_agent(p.priority))
				continue;
			ret = spd_set_add(out, &p);
			if (ret)
				goto out;
		}
	}
out:
	nlmsg_free(msg);
	if (ret)
		spd_set_clear(out);
	else
		spd_set_sort(out);
	return ret;
}

int spd_reconcile(struct spd_handle *h)
{
	struct spd_set found = { 0 };
	int ret = dump_agent_policies(h, &found);

	if (ret)
		return ret;
	spd_set_clear(&h->installed);
	h->installed = found;
	return 0;
}

int spd_read(struct spd_handle *h, struct spd_set *out)
{
	int ret = dump_agent_policies(h, out);

	if (ret)
		return ret;
	for (size_t i = 0; i < out->count; i++) {
		const struct spd_policy *known;

		known = spd_set_find(&h->installed, &out->items[i]);
		if (known)
			memcpy(out->items[i].rule, known->rule,
			       sizeof(known->rule));
	}
	return 0;
}

/*
 * The kernel hashes a policy only when its local prefix is at least lbits
 * and its remote prefix at least rbits. Local is the source of an outbound
 * policy and the destination of an inbound or forward one. All other
 * policies sit on inexact lists that every insert and delete walks. Lower
 * the thresholds to the shortest prefixes the set uses, but not below /24
 * or /64, because the hash keys only on the threshold's bits: lower
 * thresholds would put whole subnets of host policies into one chain.
 */
void spd_hthresh_choose(const struct spd_set *wanted, uint8_t local[2],
			uint8_t remote[2])
{
	static const uint8_t full[2] = { 32, 128 }, floor_bits[2] = { 24, 64 };

	for (int f = 0; f < 2; f++) {
		local[f] = full[f];
		remote[f] = full[f];
	}
	for (size_t i = 0; i < wanted->count; i++) {
		const struct spd_policy *p = &wanted->items[i];
		int f = p->sel.family == AF_INET ? 0 : 1;
		bool out = p->dir == SPD_DIR_OUT;
		uint8_t l = out ? p->sel.src_prefix : p->sel.dst_prefix;
		uint8_t r = out ? p->sel.dst_prefix : p->sel.src_prefix;

		if (l < floor_bits[f] || r < floor_bits[f])
			continue;
		if (l < local[f])
			local[f] = l;
		if (r < remote[f])
			remote[f] = r;
	}
}

int spd_tune_hthresh(struct spd_handle *h, const struct spd_set *wanted)
{
	uint8_t local[2], remote[2];
	struct nl_msg *msg;
	int ret;

	spd_hthresh_choose(wanted, local, remote);
	if (h->hthresh_known && !memcmp(local, h->hthresh_local, 2) &&
	    !memcmp(remote, h->hthresh_remote, 2))
		return 0;

	msg = spd_msg_hthresh(local, remote, 0);
	if (!msg)
		return -ENOMEM;
	ret = spd_request(h, msg);
	nlmsg_free(msg);
	if (ret)
		return ret;
	memcpy(h->hthresh_local, local, 2);
	memcpy(h->hthresh_remote, remote, 2);
	h->hthresh_known = true;
	return 0;
}
