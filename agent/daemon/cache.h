/*
 * The cache of the last applied effective policy, STATE_DIR/applied-policy.
 * The agent applies it at start before the directory responds and keeps
 * enforcing it while the directory is away. A damaged cache is rejected
 * whole, never applied in part.
 */
#ifndef IPSECCMD_AGENT_CACHE_H
#define IPSECCMD_AGENT_CACHE_H

#include <jansson.h>

/* Persist `effective` (see effective.h). Returns 0 or -errno, logged. */
int cache_save(const char *path, const json_t *effective);

/*
 * Load and validate the cache. Returns a new reference, or NULL when there
 * is no cache or it was rejected (logged with the reason).
 */
json_t *cache_load(const char *path);

#endif
