/*
 * Lockout protection: the peers the agent itself talks to (the directory
 * servers and the report server) are exempt from block and negotiate rules,
 * so a bad policy cannot cut the agent off from the fix. The list is also
 * written to STATE_DIR/exemptions for `ipseccmd show filters`.
 */
#ifndef IPSECCMD_AGENT_EXEMPT_H
#define IPSECCMD_AGENT_EXEMPT_H

#include "compile.h"
#include "config.h"

#include <jansson.h>

struct exempt_list {
	struct spd_exemption *items;
	char **labels;		/* "directory ldap://host:389" per item */
	size_t count;
};

/*
 * Resolve the directory URIs (directory_uri, else ldap.conf's URI) and
 * report_url to addresses and ports. ldapi:// needs no exemption because
 * it is a local socket. Names that do not resolve are logged and skipped.
 * An empty list results when lockout_protection is off. Returns 0 or
 * -ENOMEM.
 */
int exempt_collect(const struct agent_config *cfg, struct exempt_list *out);
void exempt_free(struct exempt_list *list);

/* The list as JSON: [{"peer": LABEL, "address": TEXT, "protocol": "tcp",
 * "port": N}]; new reference. */
json_t *exempt_to_json(const struct exempt_list *list);

#endif
