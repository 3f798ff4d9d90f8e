/* Stand-in for source.c while the directory library is not in the tree:
 * every directory call fails, so the agent runs offline on its cache. */
#include "source.h"

#include "log.h"

#include <errno.h>
#include <stdlib.h>

struct source {
	const struct agent_config *cfg;
};

struct source *source_new(const struct agent_config *cfg)
{
	struct source *src = calloc(1, sizeof(*src));

	if (src)
		src->cfg = cfg;
	return src;
}

void source_free(struct source *src)
{
	free(src);
}

int source_connect(struct source *src)
{
	(void)src;
	log_error("ldap", "this build has no directory support");
	return -ENOSYS;
}

bool source_connected(const struct source *src)
{
	(void)src;
	return false;
}

void source_disconnect(struct source *src)
{
	(void)src;
}

const char *source_host_dn(const struct source *src)
{
	(void)src;
	return NULL;
}

const char *source_uri(const struct source *src)
{
	return src && src->cfg->directory_uri[0] ? src->cfg->directory_uri
						 : "(ldap.conf)";
}

int source_read_assignment(struct source *src, char **policy_dn, char **from)
{
	(void)src;
	*policy_dn = NULL;
	*from = NULL;
	return -ENOSYS;
}

int source_read_version(struct source *src, const char *policy_dn,
			uint64_t *version)
{
	(void)src;
	(void)policy_dn;
	*version = 0;
	return -ENOSYS;
}

int source_fetch_policy(struct source *src, const char *policy_dn,
			json_t **doc)
{
	(void)src;
	(void)policy_dn;
	*doc = NULL;
	return -ENOSYS;
}

int source_read_host_rules(struct source *src, json_t **local,
			   json_t **dynamic)
{
	(void)src;
	*local = NULL;
	*dynamic = NULL;
	return -ENOSYS;
}

int source_probe(const struct agent_config *cfg)
{
	(void)cfg;
	return -ENOSYS;
}
