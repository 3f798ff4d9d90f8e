/*
 * The effective policy, as on Windows: a directory assignment (host, then
 * group, then domain) overrides the local policy, and dynamic rules apply
 * beside whichever of the two is in force.
 *
 * Its JSON form, which the cache stores and the control socket reports:
 *   {"format": 1,
 *    "origin": "directory" | "local" | "none",
 *    "assigned_from": DN of the entry that carried the assignment, or null,
 *    "policy": a policy document in the policy library's JSON form, or null,
 *    "dynamic": [rules in the policy library's JSON form],
 *    "host_entry": {"local_policy": ..., "dynamic": [...]}}
 * "dynamic" contains every dynamic rule, those of the control socket first;
 * "host_entry" repeats what came from the host's directory entry, so a
 * restart without the directory composes the same policy. The agent adds
 * it after effective_compose(); readers ignore members they do not know.
 */
#ifndef IPSECCMD_AGENT_EFFECTIVE_H
#define IPSECCMD_AGENT_EFFECTIVE_H

#include <jansson.h>

#define EFFECTIVE_FORMAT 1

/*
 * Compose the effective policy. `assigned` (from the directory) wins over
 * `local`; either may be NULL. All arguments are borrowed. Returns a new
 * reference or NULL on allocation failure.
 */
json_t *effective_compose(const json_t *assigned, const char *assigned_from,
			  const json_t *local, const json_t *dynamic);

/* Check the shape of an effective policy. Returns NULL when valid, else a
 * static phrase naming what is wrong. */
const char *effective_check(const json_t *effective);

/* The policy's name and version for log lines; "(none)" and 0 without one. */
const char *effective_policy_name(const json_t *effective);
json_int_t effective_policy_version(const json_t *effective);

#endif
