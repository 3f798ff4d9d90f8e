#include "addrwatch.h"

#include "log.h"

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <stdlib.h>

struct addrwatch {
	struct nl_sock *sock;
	int changes;	/* counted by on_message during one read */
};

static int on_message(struct nl_msg *msg, void *arg)
{
	struct addrwatch *watch = arg;
	int type = nlmsg_hdr(msg)->nlmsg_type;

	if (type == RTM_NEWADDR || type == RTM_DELADDR)
		watch->changes++;
	return NL_OK;
}

struct addrwatch *addrwatch_open(void)
{
	struct addrwatch *watch = calloc(1, sizeof(*watch));
	int err;

	if (!watch)
		goto fail;
	watch->sock = nl_socket_alloc();
	if (!watch->sock)
		goto fail;
	/* Notifications carry no sequence numbers of ours. */
	nl_socket_disable_seq_check(watch->sock);
	nl_socket_modify_cb(watch->sock, NL_CB_VALID, NL_CB_CUSTOM, on_message,
			    watch);
	err = nl_connect(watch->sock, NETLINK_ROUTE);
	if (!err)
		err = nl_socket_add_memberships(watch->sock, RTNLGRP_IPV4_IFADDR,
						RTNLGRP_IPV6_IFADDR, 0);
	if (!err)
		err = nl_socket_set_nonblocking(watch->sock);
	if (err) {
		log_warning("addr", "unable to watch address changes: %s; "
			    "new addresses are used at the next apply",
			    nl_geterror(err));
		goto fail;
	}
	return watch;
fail:
	addrwatch_free(watch);
	return NULL;
}

int addrwatch_fd(const struct addrwatch *watch)
{
	return watch ? nl_socket_get_fd(watch->sock) : -1;
}

int addrwatch_read(struct addrwatch *watch)
{
	int err;

	if (!watch)
		return 0;
	watch->changes = 0;
	do {
		err = nl_recvmsgs_default(watch->sock);
	} while (err >= 0);
	/* A full socket buffer (-NLE_NOMEM on ENOBUFS) means lost messages,
	 * which can only have been address changes. */
	if (err == -NLE_NOMEM)
		return watch->changes + 1;
	if (err != -NLE_AGAIN) {
		log_warning("addr", "reading address changes failed: %s",
			    nl_geterror(err));
		return -1;
	}
	return watch->changes;
}

void addrwatch_free(struct addrwatch *watch)
{
	if (!watch)
		return;
	nl_socket_free(watch->sock);
	free(watch);
}
