/*
 * The host's local policy as `ipseccmd -w reg` stores it on this machine.
 */
#ifndef IPSECCMD_AGENT_LOCAL_H
#define IPSECCMD_AGENT_LOCAL_H

#include "config.h"

#include <jansson.h>

/*
 * Read the assigned local policy from the store in cfg->state_dir.
 * Returns a policy document (new reference), or NULL when the store
 * assigns none or cannot be read (logged).
 */
json_t *local_read(const struct agent_config *cfg);

#endif
