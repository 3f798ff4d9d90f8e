/*
 * Notifications of this host's address changes (rtnetlink address
 * groups), so a policy that names `0` follows the host's addresses
 * between polls.
 */
#ifndef IPSECCMD_ADDRWATCH_H
#define IPSECCMD_ADDRWATCH_H

struct addrwatch;

/* Subscribe to IPv4 and IPv6 address additions and removals. Returns
 * NULL, logged, when netlink rejects the subscription; the agent then
 * uses new addresses only from its next apply on. */
struct addrwatch *addrwatch_open(void);

/* The socket to poll for POLLIN, or -1 for NULL. */
int addrwatch_fd(const struct addrwatch *watch);

/* Read every pending notification. Returns how many announced an address
 * added or removed, or -1 after a socket error (logged). */
int addrwatch_read(struct addrwatch *watch);

void addrwatch_free(struct addrwatch *watch);

#endif
