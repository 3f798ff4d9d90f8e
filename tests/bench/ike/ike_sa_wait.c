/*
 * ike-sa-wait: time from the first packet of a flow to the outbound SA
 * that charon installs for it.
 *
 *   ike-sa-wait SRC DST PEER [TIMEOUT_MS]
 *
 * Joins the kernel's XFRM SA multicast group and sends one UDP datagram
 * from SRC to DST (port 9), so the kernel sends an ACQUIRE. Then waits for
 * a new or updated SA towards the IKE peer PEER with a nonzero SPI.
 * Prints the elapsed milliseconds; exits 1 on timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int sa_events_open(void)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int group = XFRMNLGRP_SA;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);

	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
			sizeof(group)) < 0) {
		perror("ike-sa-wait: netlink");
		return -1;
	}
	return fd;
}

static int datagram_send(const char *src, const char *dst)
{
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || inet_pton(AF_INET, src, &from.sin_addr) != 1 ||
	    inet_pton(AF_INET, dst, &to.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0) {
		perror("ike-sa-wait: udp");
		return -1;
	}
	/* The kernel drops the packet while the SA is larval and may return
	 * EAGAIN; the ACQUIRE is sent all the same. */
	sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
	return 0;
}

/* Whether a message announces an SA towards peer with a real SPI. */
static int is_outbound_sa(const struct nlmsghdr *h, struct in_addr peer)
{
	const struct xfrm_usersa_info *sa;

	if (h->nlmsg_type != XFRM_MSG_NEWSA && h->nlmsg_type != XFRM_MSG_UPDSA)
		return 0;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*sa)))
		return 0;
	sa = NLMSG_DATA(h);
	return sa->family == AF_INET && sa->id.spi != 0 &&
	       memcmp(&sa->id.daddr.a4, &peer, sizeof(peer)) == 0;
}

int main(int argc, char *argv[])
{
	char buf[16384];
	struct in_addr peer;
	double start, timeout_ms = 20000;
	int fd;

	if (argc < 4 || argc > 5 || inet_pton(AF_INET, argv[3], &peer) != 1) {
		fprintf(stderr, "usage: ike-sa-wait SRC DST PEER [TIMEOUT_MS]\n");
		return 2;
	}
	if (argc == 5)
		timeout_ms = strtod(argv[4], NULL);
	fd = sa_events_open();
	if (fd < 0)
		return 1;

	start = now_ms();
	if (datagram_send(argv[1], argv[2]) < 0)
		return 1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = timeout_ms - (now_ms() - start);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left + 1) <= 0) {
			fprintf(stderr, "ike-sa-wait: no SA towards %s within %.0f ms\n",
				argv[3], timeout_ms);
			return 1;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("ike-sa-wait: recv");
			return 1;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
		     NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (is_outbound_sa(h, peer)) {
				printf("%.1f\n", now_ms() - start);
				return 0;
			}
		}
	}
}
