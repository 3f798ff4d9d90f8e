#include "raw_loader.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RAW_BATCH 256
#define RAW_MSG_MAX 256

static void encode_selector(const struct spd_selector *s, struct xfrm_selector *x)
{
	size_t len = s->family == AF_INET ? 4 : 16;

	memset(x, 0, sizeof(*x));
	memcpy(&x->daddr, s->dst, len);
	memcpy(&x->saddr, s->src, len);
	x->family = (uint16_t)s->family;
	x->prefixlen_d = s->dst_prefix;
	x->prefixlen_s = s->src_prefix;
	x->proto = s->protocol;
	if (s->dst_port) {
		x->dport = htons(s->dst_port);
		x->dport_mask = 0xffff;
	}
	if (s->src_port) {
		x->sport = htons(s->src_port);
		x->sport_mask = 0xffff;
	}
}

static size_t encode(const struct spd_policy *p, bool delete, uint32_t seq,
		     uint8_t *buf)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	memset(buf, 0, RAW_MSG_MAX);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (delete) {
		struct xfrm_userpolicy_id *id = NLMSG_DATA(nlh);

		nlh->nlmsg_type = XFRM_MSG_DELPOLICY;
		nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*id));
		encode_selector(&p->sel, &id->sel);
		id->dir = (uint8_t)p->dir;
	} else {
		struct xfrm_userpolicy_info *info = NLMSG_DATA(nlh);

		nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
		nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*info));
		encode_selector(&p->sel, &info->sel);
		info->lft.soft_byte_limit = XFRM_INF;
		info->lft.hard_byte_limit = XFRM_INF;
		info->lft.soft_packet_limit = XFRM_INF;
		info->lft.hard_packet_limit = XFRM_INF;
		info->priority = p->priority;
		info->dir = (uint8_t)p->dir;
		info->action = (uint8_t)p->action;
	}
	return NLMSG_ALIGN(nlh->nlmsg_len);
}

static int read_acks(int fd, size_t count, uint8_t *buf, size_t size)
{
	int failed = 0;

	while (count) {
		ssize_t len = recv(fd, buf, size, 0);
		int left = (int)len;

		if (len < 0)
			return -1;
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		     NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			failed += ((struct nlmsgerr *)NLMSG_DATA(nlh))->error != 0;
			count--;
		}
	}
	return failed;
}

int raw_load(const struct spd_set *set, bool delete)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);
	int one = 1, rcvbuf = 4 << 20, failed = 0, ret = -1;
	uint8_t *buf = malloc(RAW_BATCH * RAW_MSG_MAX), ack[65536];
	uint32_t seq = 1;

	if (fd < 0 || !buf)
		goto out;
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	for (size_t done = 0; done < set->count; done += RAW_BATCH) {
		size_t n = set->count - done < RAW_BATCH ? set->count - done
							 : RAW_BATCH;
		size_t used = 0;
		int rejected;

		for (size_t i = 0; i < n; i++)
			used += encode(&set->items[done + i], delete, seq++,
				       buf + used);
		if (send(fd, buf, used, 0) < 0)
			goto out;
		rejected = read_acks(fd, n, ack, sizeof(ack));
		if (rejected < 0)
			goto out;
		failed += rejected;
	}
	ret = failed;
out:
	if (ret < 0)
		perror("raw loader");
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}
