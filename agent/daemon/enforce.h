/*
 * Turns an effective policy into kernel XFRM policies, with the lockout
 * exemptions for the agent's own traffic to the directory and the report
 * server.
 */
#ifndef IPSECCMD_AGENT_ENFORCE_H
#define IPSECCMD_AGENT_ENFORCE_H

#include "config.h"

#include <jansson.h>

/*
 * Apply `effective` (see effective.h): install what is missing, remove
 * what is no longer wanted. With cfg->lockout_protection the agent's own
 * connections stay exempt. Returns 0, or -errno with the error logged.
 * After an error the kernel may hold part of the new policy, so the caller
 * applies the previous one again.
 */
int enforce_apply(const struct agent_config *cfg, const json_t *effective);

/* Rules of the last apply with filters that installed nothing, as
 * {"RULE": {"skipped": N, "filters": M}}; new reference, or NULL. */
json_t *enforce_skips_read(const struct agent_config *cfg);

/*
 * Check that each element of `rules` decodes to a rule the agent can
 * enforce. Returns NULL, or a static phrase naming the problem.
 */
const char *enforce_check_rules(const json_t *rules);

#endif
