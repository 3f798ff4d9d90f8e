/* Stand-in for reporter.c while the report library is not in the tree. */
#include "reporter.h"

#include "log.h"

struct reporter *reporter_new(const struct agent_config *cfg)
{
	if (cfg->report_url[0])
		log_warning("report", "this build has no report client; "
			    "report_url '%s' is only exempted",
			    cfg->report_url);
	return NULL;
}

void reporter_free(struct reporter *rep)
{
	(void)rep;
}

void reporter_send(struct reporter *rep, const struct agent_config *cfg,
		   const json_t *effective, bool apply, const char *error)
{
	(void)rep;
	(void)cfg;
	(void)effective;
	(void)apply;
	(void)error;
}
