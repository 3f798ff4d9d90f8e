/* Key exchange without the XFRM library: nothing is negotiated, so there
 * are no per-rule results and no charon data. */
#include "keying.h"

json_t *keying_ike_collect(const struct agent_config *cfg)
{
	(void)cfg;
	return NULL;
}

json_t *keying_rules_status(const struct agent_config *cfg, const json_t *ike)
{
	(void)cfg;
	(void)ike;
	return json_array();
}

void keying_retry(const struct agent_config *cfg)
{
	(void)cfg;
}
