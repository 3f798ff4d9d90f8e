/*
 * Compilation of a host's effective policy to the XFRM policies the kernel
 * needs. Pure: no sockets, no DNS, no interface queries. The daemon gathers
 * the host facts and passes them in, so the same input always gives the
 * same set and unit tests need no root.
 */
#ifndef IPSECCMD_SPD_COMPILE_H
#define IPSECCMD_SPD_COMPILE_H

#include "model.h"
#include "spd_set.h"

/* One local interface: which addresses `0` and a GUID filter stand for,
 * and which rules (-lan, -dialup) apply on it. */
struct spd_iface {
	int ifindex;
	bool dialup;		/* PPP and other remote-access links */
	const char *guid;	/* "{8-4-4-4-12}" as the directory stores it,
				 * or NULL */
	const struct spd_addr *addrs;
	size_t addr_count;
};

/* The addresses a DNS name resolved to at this apply. */
struct spd_resolved {
	const char *name;	/* compared case-insensitively */
	const struct spd_addr *addrs;
	size_t addr_count;
};

struct spd_host {
	const struct spd_iface *ifaces;
	size_t iface_count;
	const struct spd_resolved *names;
	size_t name_count;
};

/* A peer that must stay reachable whatever the rules contain (the
 * directory, the report server). Port 0 means every port, and protocol 0
 * every protocol. */
struct spd_exemption {
	struct spd_addr addr;
	uint8_t protocol;
	uint16_t port;
};

/* A rule of the effective policy with the name "show filters" prints. */
struct spd_rule_ref {
	const char *name;
	const struct rule_spec *rule;
	size_t *skipped;	/* optional output: filters of this rule that
				 * installed nothing because a name did not
				 * resolve, `0` had no address, the families
				 * differ or no -lan/-dialup link exists */
};

/* Counts of what compilation could not express, for the daemon's log. */
struct spd_compile_notes {
	size_t default_filters;	/* `default` filters: nothing installed */
	size_t unresolved;	/* filters naming an unresolved DNS name or an
				 * unknown GUID, or `0` on a host without
				 * addresses: skipped */
	size_t family_mismatch;	/* src and dst families differ: skipped */
	size_t merged;		/* policies dropped because a rule of higher
				 * precedence has the same selector */
	size_t no_interface;	/* -lan or -dialup rules with no such link */
	size_t reqid_collisions; /* rules whose different names hash to
				  * the reqid of an earlier rule: charon
				  * cannot tell their SAs apart */
	size_t inbound_unrestricted; /* inbound and forward policies of -lan
				      * and -dialup rules: not installed,
				      * because an inbound selector cannot
				      * name the receiving link */
};

/*
 * Compile rules (in the daemon's order: directory policy, or local policy
 * when none applies, then dynamic rules) and exemptions into out, which
 * must be empty. Every policy gets its priority from its specificity
 * (weight.h); two policies with one selector and direction are merged by
 * precedence. The result is sorted by key. Returns 0, or -ENOMEM with out
 * left empty. notes may be NULL.
 */
int spd_compile(const struct spd_rule_ref *rules, size_t rule_count,
		const struct spd_host *host,
		const struct spd_exemption *exemptions, size_t exemption_count,
		struct spd_set *out, struct spd_compile_notes *notes);

/* The reqid that templates of the named rule carry, for the matching
 * strongSwan CHILD_SA (reqid = N, policies = no). Stable across restarts
 * and hosts: a hash of the name into 0x10000000..0x1fffffff, away from
 * the small reqids charon assigns itself. */
uint32_t spd_rule_reqid(const char *name);

#endif
