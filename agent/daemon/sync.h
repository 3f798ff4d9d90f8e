/*
 * Change notification by RFC 4533 refreshAndPersist (config `sync`): a
 * second connection keeps a persistent content-synchronisation search on
 * the assigned policy's subtree, so a change to it starts a poll within a
 * second instead of at the next poll interval. The poll itself still
 * reads and applies the policy: the watch only decides when it runs.
 */
#ifndef IPSECCMD_AGENT_SYNC_H
#define IPSECCMD_AGENT_SYNC_H

#include "config.h"

#include <stdbool.h>

struct sync_watch;

/*
 * Connect, bind as the host (the same way as the directory source) and
 * start the search on `policy_dn`. NULL on failure, logged.
 */
struct sync_watch *sync_start(const struct agent_config *cfg,
			      const char *policy_dn);
void sync_stop(struct sync_watch *watch);

/* The descriptor to wait on, or -1. */
int sync_fd(const struct sync_watch *watch);

/* The policy DN the watch follows. */
const char *sync_policy_dn(const struct sync_watch *watch);

/*
 * Read what arrived without blocking. Returns 1 when anything arrived
 * after the initial refresh (a change, or a message that may announce
 * one), 0 during the refresh, and -1 when the connection failed (the
 * caller stops the watch).
 */
int sync_read(struct sync_watch *watch);

#endif
