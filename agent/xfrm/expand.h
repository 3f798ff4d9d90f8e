/*
 * Expansion of one filter side (`*`, `0`, a network, a DNS name, an
 * interface GUID) to the networks it stands for on this host.
 */
#ifndef IPSECCMD_SPD_EXPAND_H
#define IPSECCMD_SPD_EXPAND_H

#include "compile.h"

struct spd_net {
	int family;
	uint8_t bytes[16];
	uint8_t prefix;
};

struct spd_net_list {
	struct spd_net *items;
	size_t count;
	size_t capacity;
};

/* Append the networks a stands for to out. Returns 0, 1 when a is `0` on
 * a host without addresses, a DNS name without addresses or an unknown
 * GUID, or -ENOMEM. `*` gives 0.0.0.0/0 and ::/0, and `0` gives every
 * local address as a host route. */
int spd_expand_addr(const struct addr_spec *a, const struct spd_host *host,
		    struct spd_net_list *out);

/* Whether addr is one of the host's own addresses. */
bool spd_host_has_addr(const struct spd_host *host, const struct spd_addr *addr);

void spd_net_list_free(struct spd_net_list *list);

#endif
