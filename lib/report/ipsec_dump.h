/*
 * Counts of the kernel's XFRM policies and SAs, read with a plain netlink
 * dump (NETLINK_XFRM). libnl-xfrm-3 3.7.0 leaks about 48 bytes per policy
 * read back, which a daemon that reports at every poll cannot afford.
 *
 * The JSON shapes are the "xfrm.policies" and "xfrm.sas" members of the
 * report document (docs/reporting.md).
 */
#ifndef IPSECCMD_IPSEC_DUMP_H
#define IPSECCMD_IPSEC_DUMP_H

#include <jansson.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <time.h>

/* SA and policy items listed in one report; the counts cover them all. */
#define IPSEC_DUMP_MAX_SA_ITEMS 1000
#define IPSEC_DUMP_MAX_POLICY_ITEMS 1000

/* Addresses of this host, to tell inbound SAs (destination is local) from
 * outbound ones. */
struct local_addrs {
	int *families;
	unsigned char (*bytes)[16];
	size_t count;
};

/* Fill `addrs` from getifaddrs(). Returns 0, or -1 with errno set. */
int local_addrs_load(struct local_addrs *addrs);

/* Add one address (AF_INET or AF_INET6, network order). Returns 0 or -1. */
int local_addrs_add(struct local_addrs *addrs, int family, const void *addr);

bool local_addrs_contains(const struct local_addrs *addrs, int family,
			  const void *addr);

void local_addrs_free(struct local_addrs *addrs);

/* Empty accumulators: {"total":0,...} for policies and SAs. */
json_t *ipsec_dump_policies_new(void);
json_t *ipsec_dump_sas_new(void);

/*
 * Account one XFRM_MSG_NEWPOLICY message from a dump: count it by
 * direction and action and, below IPSEC_DUMP_MAX_POLICY_ITEMS, add an
 * item with its selector, priority and number of templates. Returns 0,
 * or -1 when the message is too short or memory runs out.
 */
int ipsec_dump_add_policy(json_t *policies, const struct nlmsghdr *msg);

/*
 * Account one XFRM_MSG_NEWSA message from a dump: add its counters to the
 * totals and, below IPSEC_DUMP_MAX_SA_ITEMS, an item with SPI, protocol,
 * mode, addresses, algorithms, direction, byte and packet counters and
 * age relative to `now`. Returns 0 or -1.
 */
int ipsec_dump_add_sa(json_t *sas, const struct nlmsghdr *msg, time_t now,
		      const struct local_addrs *local);

/*
 * Dump the kernel's SPD and SAD into {"policies": ..., "sas": ...}.
 * Returns NULL and writes one line to `err` on failure.
 */
json_t *ipsec_dump_collect(char *err, size_t errlen);

#endif
