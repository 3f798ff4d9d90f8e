/*
 * Facts about this host that rules depend on at each apply: the local
 * interfaces with their addresses (for the `0` address and -lan/-dialup
 * rules) and the addresses of DNS names that filters use.
 */
#ifndef IPSECCMD_AGENT_HOSTFACTS_H
#define IPSECCMD_AGENT_HOSTFACTS_H

#include "compile.h"

struct hostfacts {
	struct spd_host host;		/* points into the arrays below */
	struct spd_iface *ifaces;
	struct spd_resolved *names;
	struct spd_addr *addrs;		/* every address, grouped by owner */
	char **name_text;
	size_t name_count;
};

/*
 * Read the interfaces and resolve every DNS name the rules' filters use.
 * A name that does not resolve is logged and left out, so its filters are
 * skipped by the compiler. Returns 0 or -errno.
 */
int hostfacts_collect(struct hostfacts *facts, const struct spd_rule_ref *rules,
		      size_t rule_count);
void hostfacts_free(struct hostfacts *facts);

#endif
