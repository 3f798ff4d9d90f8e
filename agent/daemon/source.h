/*
 * The agent's view of the directory: one kept-open, bound connection as
 * the host, and the reads a poll needs. Policies travel as JSON in the
 * policy library's form, so no other part of the agent calls LDAP.
 *
 * Every function returns 0 or a negative errno value: -ENOENT when the
 * entry or assignment does not exist, -ENOTCONN when the connection was
 * lost (the caller reconnects on its next poll), -EIO for other
 * directory errors. Errors are logged with the DNs involved.
 */
#ifndef IPSECCMD_AGENT_SOURCE_H
#define IPSECCMD_AGENT_SOURCE_H

#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct source;

/* Create an unconnected source; NULL on allocation failure. */
struct source *source_new(const struct agent_config *cfg);
void source_free(struct source *src);

/* Connect, bind as the host and find its entry. */
int source_connect(struct source *src);
bool source_connected(const struct source *src);
void source_disconnect(struct source *src);

/* The host entry's DN once connected, else NULL. */
const char *source_host_dn(const struct source *src);

/* The server's URI, for log lines and lockout exemptions. */
const char *source_uri(const struct source *src);

/*
 * Find the policy assigned to the host (host entry, then its groups, then
 * the domain). *policy_dn and *from (the entry carrying the assignment)
 * are malloc'd. -ENOENT when nothing is assigned.
 */
int source_read_assignment(struct source *src, char **policy_dn,
			   char **from);

/* Read only the policy's version number: one base read. */
int source_read_version(struct source *src, const char *policy_dn,
			uint64_t *version);

/* Fetch a whole policy document. *doc is a new reference. */
int source_fetch_policy(struct source *src, const char *policy_dn,
			json_t **doc);

/*
 * Read the host entry's own local policy (written by `ipseccmd -w
 * reg:HOST`) and dynamic rules (`ipseccmd \\HOST -f ...`). Either output
 * is set to NULL when the entry has none.
 */
int source_read_host_rules(struct source *src, json_t **local,
			   json_t **dynamic);

/*
 * Check from scratch that the directory is reachable: a new connection,
 * bind and one read, as a client after a policy change would need.
 */
int source_probe(const struct agent_config *cfg);

#endif
