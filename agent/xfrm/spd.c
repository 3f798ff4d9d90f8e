#include "spd_internal.h"

#include "log.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* Room for SPD_BATCH_MAX policies with two templates each. */
#define SPD_SEND_SIZE (SPD_BATCH_MAX * 512)

/* SPD_BATCH_MAX acknowledgements arrive at once. Each is an skb of its own
 * of about 1 KB true size (an estimate), so together they overflow the
 * 208 KB default receive buffer of a netlink socket. */
#define SPD_RCVBUF (4 * 1024 * 1024)
#define SPD_SNDBUF (2 * SPD_SEND_SIZE)

static int socket_setup(struct spd_handle *h)
{
	int fd = nl_socket_get_fd(h->sock);
	int one = 1, size = SPD_RCVBUF;

	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		return -errno;
	/* nl_connect() sets both buffers to 32 KB, too small for one batch
	 * of templates (80 KB) and its acknowledgements. SO_*BUFFORCE
	 * exceeds net.core.[rw]mem_max but needs CAP_NET_ADMIN, which
	 * changing the SPD needs anyway. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)))
		return -errno;
	size = SPD_SNDBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)))
		return -errno;
	return 0;
}

struct spd_handle *spd_open(void)
{
	struct spd_handle *h = calloc(1, sizeof(*h));
	int err = ENOMEM;

	if (!h)
		goto fail;
	h->send_size = SPD_SEND_SIZE;
	h->send_buf = malloc(h->send_size);
	h->recv_buf = malloc(SPD_RECV_SIZE);
	h->sock = nl_socket_alloc();
	if (!h->send_buf || !h->recv_buf || !h->sock)
		goto fail;
	nl_socket_disable_auto_ack(h->sock);
	if (nl_connect(h->sock, NETLINK_XFRM) < 0) {
		err = EPROTONOSUPPORT;
		goto fail;
	}
	err = -socket_setup(h);
	if (err)
		goto fail;
	h->seq = 1;
	return h;
fail:
	spd_close(h);
	errno = err;
	return NULL;
}

void spd_close(struct spd_handle *h)
{
	if (!h)
		return;
	if (h->sock)
		nl_socket_free(h->sock);
	spd_set_clear(&h->installed);
	free(h->send_buf);
	free(h->recv_buf);
	free(h);
}

const struct spd_set *spd_installed(const struct spd_handle *h)
{
	return &h->installed;
}

void spd_inject_failure(struct spd_handle *h, size_t n)
{
	h->inject_at = n;
}

static bool set_is_sorted(const struct spd_set *set)
{
	for (size_t i = 1; i < set->count; i++)
		if (spd_policy_key_cmp(&set->items[i - 1], &set->items[i]) >= 0)
			return false;
	return true;
}

/* Adds first, then updates, then deletes, so that traffic moving from one
 * rule to another is never left without a policy. */
static size_t plan_ops(const struct spd_set *old, const struct spd_set *want,
		       struct spd_op *ops, struct spd_apply_stats *stats)
{
	size_t n = 0;

	for (int pass = 0; pass < 3; pass++) {
		size_t i = 0, j = 0;

		while (i < old->count || j < want->count) {
			const struct spd_policy *o = i < old->count ? &old->items[i] : NULL;
			const struct spd_policy *w = j < want->count ? &want->items[j] : NULL;
			int c;

			if (!o)
				c = 1;
			else if (!w)
				c = -1;
			else
				c = spd_policy_key_cmp(o, w);

			if (c > 0) {
				if (pass == 0)
					ops[n++] = (struct spd_op){ SPD_OP_ADD, w, NULL, 0, "" };
				j++;
			} else if (c < 0) {
				if (pass == 2)
					ops[n++] = (struct spd_op){ SPD_OP_DELETE, o, o, 0, "" };
				i++;
			} else {
				if (pass == 1 && !spd_policy_content_equal(o, w))
					ops[n++] = (struct spd_op){ SPD_OP_UPDATE, w, o, 0, "" };
				else if (pass == 1)
					stats->unchanged++;
				i++;
				j++;
			}
		}
	}
	for (size_t k = 0; k < n; k++) {
		stats->added += ops[k].kind == SPD_OP_ADD;
		stats->updated += ops[k].kind == SPD_OP_UPDATE;
		stats->deleted += ops[k].kind == SPD_OP_DELETE;
	}
	return n;
}

static void describe_failure(const struct spd_op *op, char *err, size_t size)
{
	static const char *const verbs[] = { "add", "update", "delete" };
	char what[200];
	const char *reason = strerror(-op->error);

	spd_policy_describe(op->policy, what, sizeof(what));
	if (op->error == -EEXIST && op->kind == SPD_OP_ADD)
		reason = "another program installed a policy with this "
			 "selector; remove it or change the rule";
	/* A cut message still names the policy, so truncation is fine. */
	if (snprintf(err, size, "unable to %s XFRM policy '%s' of rule '%s': "
		     "%s%s%s", verbs[op->kind], what, op->policy->rule, reason,
		     op->ack[0] ? ": " : "", op->ack) >= (int)size)
		err[size - 1] = '\0';
}

/* Undo the successful ops, last first: delete what was added, put back
 * what was updated or deleted. Returns 0 when every undo succeeded. */
static int rollback(struct spd_handle *h, const struct spd_op *ops, size_t n)
{
	struct spd_op *undo = calloc(n ? n : 1, sizeof(*undo));
	bool uncertain;
	size_t count = 0;
	int ret = -ENOMEM;

	if (!undo)
		goto out;
	for (size_t k = n; k-- > 0;) {
		const struct spd_op *op = &ops[k];

		if (op->error)
			continue;
		if (op->kind == SPD_OP_ADD)
			undo[count++] = (struct spd_op){ SPD_OP_DELETE, op->policy, NULL, 0, "" };
		else if (op->kind == SPD_OP_UPDATE)
			undo[count++] = (struct spd_op){ SPD_OP_UPDATE, op->old, NULL, 0, "" };
		else
			undo[count++] = (struct spd_op){ SPD_OP_ADD, op->old, NULL, 0, "" };
	}
	h->inject_at = 0;
	ret = spd_ops_send(h, undo, count, &uncertain);
	if (uncertain && !ret)
		ret = -EIO;
	if (ret > 0)
		for (size_t k = 0; k < count; k++)
			if (undo[k].error) {
				char line[SPD_ERROR_MAX];

				describe_failure(&undo[k], line, sizeof(line));
				log_error("xfrm", "rollback: %s", line);
			}
out:
	free(undo);
	return ret;
}

int spd_apply(struct spd_handle *h, const struct spd_set *wanted,
	      struct spd_apply_stats *stats, char err[SPD_ERROR_MAX])
{
	struct spd_apply_stats scratch;
	struct spd_set next = { 0 };
	struct spd_op *ops = NULL;
	bool uncertain;
	size_t n;
	int ret;

	if (!stats)
		stats = &scratch;
	memset(stats, 0, sizeof(*stats));
	if (err)
		err[0] = '\0';
	if (!set_is_sorted(wanted)) {
		ret = -EINVAL;
		if (err)
			snprintf(err, SPD_ERROR_MAX, "wanted XFRM policies are "
				 "not sorted or repeat a selector; pass the set "
				 "spd_compile returns");
		goto out;
	}

	ret = -ENOMEM;
	ops = malloc((h->installed.count + wanted->count + 1) * sizeof(*ops));
	if (!ops || spd_set_copy(&next, wanted))
		goto out;
	n = plan_ops(&h->installed, wanted, ops, stats);

	ret = spd_ops_send(h, ops, n, &uncertain);
	if (ret != 0) {
		int first = ret < 0 ? ret : -EIO;

		for (size_t k = 0; k < n; k++)
			if (ops[k].error) {
				first = ops[k].error;
				if (err)
					describe_failure(&ops[k], err, SPD_ERROR_MAX);
				break;
			}
		stats->rolled_back = true;
		ret = (rollback(h, ops, n) || uncertain) ? -EIO : first;
		spd_set_clear(&next);
		goto out;
	}

	spd_set_clear(&h->installed);
	h->installed = next;
	ret = 0;
out:
	h->inject_at = 0;
	free(ops);
	return ret;
}
