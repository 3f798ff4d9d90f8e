/* Assignment links and host entries, queued for a writer. */
#ifndef IPSECCMD_DIR_ASSIGN_H
#define IPSECCMD_DIR_ASSIGN_H

#include "dir_batch.h"

/* Queue removing every link to the policy (host, group, domain and local
 * assignments), so a deleted policy leaves no dangling reference even
 * before refint runs. Adds what each link was to result->lost unless
 * result is NULL. */
int links_remove(struct dir_conn *conn, struct batch *b,
		 const char *policy_dn, struct dir_apply_result *result);

/* Queue the change -x / -y requests: set the link of the host, group, domain
 * or (with -w reg:HOST) the host's local link to policy_dn, or clear it
 * when it points to this policy. policy_deleted skips -y. Sets
 * *not_assigned (unless NULL) when -y finds no link to this policy. */
int assign_queue(struct dir_conn *conn, struct batch *b,
		 const struct command *cmd, const struct dir_assign_target *t,
		 const char *policy_dn, bool policy_deleted,
		 bool *not_assigned);

/* Queue the add of host's entry when it does not exist yet. */
int host_ensure(struct dir_conn *conn, struct batch *b, const char *host);

#endif
