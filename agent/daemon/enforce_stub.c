/* Stand-in for enforce.c while the XFRM library is not in the tree: the
 * agent runs, keeps its state and cache, and applies nothing. */
#include "enforce.h"

#include "log.h"

#include <errno.h>

int enforce_apply(const struct agent_config *cfg, const json_t *effective)
{
	(void)cfg;
	(void)effective;
	log_error("xfrm", "this build has no XFRM support; nothing applied");
	return -ENOSYS;
}

const char *enforce_check_rules(const json_t *rules)
{
	(void)rules;
	return NULL;
}

json_t *enforce_skips_read(const struct agent_config *cfg)
{
	(void)cfg;
	return NULL;
}
