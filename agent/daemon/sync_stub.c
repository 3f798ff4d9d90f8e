/* Stand-in for sync.c while the directory library is not in the tree. */
#include "sync.h"

#include <stddef.h>

struct sync_watch *sync_start(const struct agent_config *cfg,
			      const char *policy_dn)
{
	(void)cfg;
	(void)policy_dn;
	return NULL;
}

void sync_stop(struct sync_watch *watch)
{
	(void)watch;
}

int sync_fd(const struct sync_watch *watch)
{
	(void)watch;
	return -1;
}

const char *sync_policy_dn(const struct sync_watch *watch)
{
	(void)watch;
	return NULL;
}

int sync_read(struct sync_watch *watch)
{
	(void)watch;
	return -1;
}
