/*
 * Dynamic rules: rules added at run time through the control socket
 * (`ipseccmd` without -w). They coexist with the directory or local
 * policy, survive agent restarts in STATE_DIR/dynamic-rules and are
 * removed all at once by `ipseccmd -u`.
 */
#ifndef IPSECCMD_AGENT_DYNRULES_H
#define IPSECCMD_AGENT_DYNRULES_H

#include <jansson.h>

struct dynrules {
	char *path;		/* the persisted copy */
	json_t *rules;		/* array of rules in the policy JSON form */
};

/*
 * Load the persisted rules from `path`; a missing file gives an empty set.
 * A damaged file is logged, kept aside as PATH.rejected and gives an empty
 * set, so one bad write cannot stop the agent. Returns 0 or -ENOMEM.
 */
int dynrules_load(struct dynrules *set, const char *path);
void dynrules_free(struct dynrules *set);

/* Append rules (a JSON array) and persist. Returns 0 or -errno; on error
 * the set is unchanged. */
int dynrules_add(struct dynrules *set, const json_t *rules);

/* Replace the whole set with a copy of `rules` and persist. Returns 0 or
 * -errno; on error the set is unchanged. */
int dynrules_replace(struct dynrules *set, const json_t *rules);

/* Remove every rule and persist. Returns the number removed or -errno. */
int dynrules_clear(struct dynrules *set);

#endif
