#include "spd_internal.h"
#include "spd_msg.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>

#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif

/* A request the kernel rejects with EINVAL and an extended ACK: an IPv4
 * selector with a 200-bit prefix. */
static struct nl_msg *build_broken(const struct spd_op *op, uint32_t seq)
{
	struct spd_policy broken = *op->policy;

	broken.sel.dst_prefix = 200;
	return spd_msg_policy(&broken, false, seq);
}

static struct nl_msg *build_op(struct spd_handle *h, const struct spd_op *op,
			       uint32_t seq)
{
	if (h->inject_at && --h->inject_at == 0)
		return build_broken(op, seq);
	if (op->kind == SPD_OP_DELETE)
		return spd_msg_delete(op->policy, seq);
	return spd_msg_policy(op->policy, op->kind == SPD_OP_UPDATE, seq);
}

/* Copy the extended ACK message (NLMSGERR_ATTR_MSG) of an error into out. */
static void copy_ext_ack(const struct nlmsghdr *nlh, char *out, size_t size)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t offset = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *msg;

	out[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (offset >= nlh->nlmsg_len)
		return;
	msg = nla_find((const struct nlattr *)((const char *)nlh + offset),
		       (int)(nlh->nlmsg_len - offset), NLMSGERR_ATTR_MSG);
	if (msg && nla_len(msg) > 0)
		snprintf(out, size, "%.*s", nla_len(msg) - 1,
			 (const char *)nla_data(msg));
}

/*
 * Read acknowledgements until every request of the batch (sequence
 * numbers first..first+count-1) has one. The kernel handles the whole
 * batch inside sendmsg(), so all of them are queued by now.
 */
static int read_acks(struct spd_handle *h, struct spd_op *ops, uint32_t first,
		     size_t count)
{
	int fd = nl_socket_get_fd(h->sock);
	size_t pending = count;

	while (pending) {
		ssize_t len = recv(fd, h->recv_buf, SPD_RECV_SIZE, 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)h->recv_buf;
		int left = (int)len;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return -errno;
		for (; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);
			uint32_t index = nlh->nlmsg_seq - first;
			struct spd_op *op;

			if (nlh->nlmsg_type != NLMSG_ERROR || index >= count)
				continue;
			op = &ops[index];
			op->error = e->error;
			if (e->error == -ESRCH && op->kind == SPD_OP_DELETE)
				op->error = 0;
			if (op->error)
				copy_ext_ack(nlh, op->ack, sizeof(op->ack));
			pending--;
		}
	}
	return 0;
}

static int send_batch(struct spd_handle *h, struct spd_op *ops, size_t count,
		      bool *uncertain)
{
	uint32_t first = h->seq;
	size_t used = 0;
	ssize_t sent;
	int ret;

	for (size_t i = 0; i < count; i++) {
		struct nl_msg *msg = build_op(h, &ops[i], h->seq++);
		struct nlmsghdr *nlh;

		if (!msg)
			return -ENOMEM;
		nlh = nlmsg_hdr(msg);
		if (used + nlh->nlmsg_len > h->send_size) {
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
		memcpy(h->send_buf + used, nlh, nlh->nlmsg_len);
		used += NLMSG_ALIGN(nlh->nlmsg_len);
		nlmsg_free(msg);
	}

	do
		sent = send(nl_socket_get_fd(h->sock), h->send_buf, used, 0);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;

	ret = read_acks(h, ops, first, count);
	if (ret < 0)
		*uncertain = true;
	return ret;
}

int spd_ops_send(struct spd_handle *h, struct spd_op *ops, size_t count,
		 bool *uncertain)
{
	int failed = 0;

	*uncertain = false;
	for (size_t i = 0; i < count; i++) {
		ops[i].error = 0;
		ops[i].ack[0] = '\0';
	}
	for (size_t done = 0; done < count; done += SPD_BATCH_MAX) {
		size_t n = count - done < SPD_BATCH_MAX ? count - done
							: SPD_BATCH_MAX;
		int ret = send_batch(h, ops + done, n, uncertain);

		if (ret < 0) {
			for (size_t i = done; i < count; i++)
				ops[i].error = ret;
			return ret;
		}
	}
	for (size_t i = 0; i < count; i++)
		failed += ops[i].error != 0;
	return failed;
}

int spd_request(struct spd_handle *h, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct spd_policy none;
	struct spd_op op;
	ssize_t sent;
	int ret;

	memset(&none, 0, sizeof(none));
	memset(&op, 0, sizeof(op));
	op.kind = SPD_OP_UPDATE;
	op.policy = &none;
	nlh->nlmsg_seq = h->seq++;
	do
		sent = send(nl_socket_get_fd(h->sock), nlh, nlh->nlmsg_len, 0);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	ret = read_acks(h, &op, nlh->nlmsg_seq, 1);
	return ret ? ret : op.error;
}
